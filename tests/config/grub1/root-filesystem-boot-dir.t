# Config on the root file system (partition 2), /boot a directory there,
# no root line: files come from the config's device (GRUB's boot device),
# with paths as written. default out of range is left to the chooser (0).
--- device 0 grub=hd0,msdos1 number=1
--- device 1 grub=hd0,msdos2 number=2
--- file 1:/boot/grub/menu.lst
default 7
title Ubuntu 8.04, kernel 2.6.24-16-server
kernel /boot/vmlinuz-2.6.24-16-server root=UUID=6f2a0e0c-5e2d-4f1e-9c33-6a1a1e3f2b10 ro quiet splash
initrd /boot/initrd.img-2.6.24-16-server
quiet
--- run grub1 1:/boot/grub/menu.lst
--- expect
config grub1 1:/boot/grub/menu.lst
default 0
entry 0 "Ubuntu 8.04, kernel 2.6.24-16-server" kind=linux
  kernel 1:/boot/vmlinuz-2.6.24-16-server
  initrd 1:/boot/initrd.img-2.6.24-16-server
  args "root=UUID=6f2a0e0c-5e2d-4f1e-9c33-6a1a1e3f2b10 ro quiet splash"
