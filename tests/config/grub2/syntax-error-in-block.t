# a syntax error inside an open construct drops that construct up to the end of the error's line; GRUB reports it and goes on with the next line (grub-emu 2.06: the stray 'fi' is a second error, "After" is kept)
--- file 0:/boot/grub/grub.cfg
menuentry "Before" { linux /vmlinuz before }
if true; then
	echo $
fi
menuentry "After" { linux /vmlinuz after }
--- run grub2 0:/boot/grub/grub.cfg
--- expect
config grub2 0:/boot/grub/grub.cfg
default 0
entry 0 "Before" kind=linux
  kernel 0:/vmlinuz
  args "before"
entry 1 "After" kind=linux
  kernel 0:/vmlinuz
  args "after"
warning /boot/grub/grub.cfg:3:7: syntax error: '$' without a variable name
warning /boot/grub/grub.cfg:4:1: syntax error: unexpected 'fi'
