# A BSD slice takes the Linux number after the MBR's partitions (5 here,
# with no logical partitions), but GRUB legacy's (hd0,4) is the first
# logical partition only: with none, no device, never the slice.
--- device 0 grub=hd0,msdos1 number=1
--- device 1 grub=hd0,msdos1,bsd1 number=5
--- file 0:/boot/grub/menu.lst
title Logical
root (hd0,4)
kernel /vmlinuz
title Slice
root (hd0,0,a)
kernel /netbsd
--- run grub1 0:/boot/grub/menu.lst
--- expect
config grub1 0:/boot/grub/menu.lst
default 0
entry 0 "Logical" kind=linux
  kernel -1:/vmlinuz
  args ""
entry 1 "Slice" kind=linux
  kernel 1:/netbsd
  args ""
warning /boot/grub/menu.lst:2: no device (hd0,4)
