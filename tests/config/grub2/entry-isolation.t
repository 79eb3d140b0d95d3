# set root and other variables inside one entry do not leak into the next
--- device 1 grub=hd0,msdos2
--- file 0:/boot/grub/grub.cfg
menuentry A { set root=(hd0,msdos2); set mark=a; linux /vmlinuz $mark }
menuentry B { linux /vmlinuz $mark }
--- run grub2 0:/boot/grub/grub.cfg
--- expect
config grub2 0:/boot/grub/grub.cfg
default 0
entry 0 "A" kind=linux
  kernel 1:/vmlinuz
  args "a"
entry 1 "B" kind=linux
  kernel 0:/vmlinuz
  args ""
