# a syntax error inside an open construct loses the rest of the file, as GRUB keeps reading lines for it
--- file 0:/boot/grub/grub.cfg
menuentry "Before" { linux /vmlinuz before }
if true; then
	echo $
fi
menuentry "Lost" { linux /vmlinuz lost }
--- run grub2 0:/boot/grub/grub.cfg
--- expect
config grub2 0:/boot/grub/grub.cfg
default 0
entry 0 "Before" kind=linux
  kernel 0:/vmlinuz
  args "before"
warning /boot/grub/grub.cfg:3:7: syntax error: '$' without a variable name
