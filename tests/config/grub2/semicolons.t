# several commands on one line, in the script and in a one-line block
--- file 0:/boot/grub/grub.cfg
set a=1; set b=2;set c=3
menuentry "S" { linux /vmlinuz $a $b $c; initrd /initrd.img; }
--- run grub2 0:/boot/grub/grub.cfg
--- expect
config grub2 0:/boot/grub/grub.cfg
default 0
entry 0 "S" kind=linux
  kernel 0:/vmlinuz
  initrd 0:/initrd.img
  args "1 2 3"
