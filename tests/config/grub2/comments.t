# # starts a comment only at the start of a word
--- file 0:/boot/grub/grub.cfg
# a comment line
set a=1 # trailing comment
set b=x#y
menuentry "C" { # comment after the brace
	# inside
	linux /vmlinuz $a $b #gone
}
--- run grub2 0:/boot/grub/grub.cfg
--- expect
config grub2 0:/boot/grub/grub.cfg
default 0
entry 0 "C" kind=linux
  kernel 0:/vmlinuz
  args "1 x#y"
