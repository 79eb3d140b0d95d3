# petitboot's if-formats: 'if true;then t4=4; ;fi' is a syntax error in GRUB; that line is lost, the lines after it still run
--- file 0:/boot/grub/grub.cfg
if true;then t3=3 ;fi
if true;then t4=4; ;fi
if true
then t5=5
fi
menuentry "$t3$t4$t5" { linux /vmlinux }
--- run grub2 0:/boot/grub/grub.cfg
--- expect
config grub2 0:/boot/grub/grub.cfg
default 0
entry 0 "35" kind=linux
  kernel 0:/vmlinux
  args ""
warning /boot/grub/grub.cfg:2:20: syntax error: unexpected ';', expecting 'fi'
