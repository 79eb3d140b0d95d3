# Device prefixes on paths, a logical partition ((hd0,4) = number 5),
# rootnoverify + chainloader +1 (a chain entry on that device), and
# --type options skipped before the kernel path, and BSD slices: (hd0,0,a)
# is slice a of the label in partition 1 (GRUB 2's hd0,msdos1,bsd1); a
# slice that is not there is an error, not the partition (as GRUB's
# "Error 22: No such partition").
--- device 0 grub=hd0,msdos1 number=1
--- device 1 grub=hd0,msdos2 number=2
--- device 2 grub=hd0,msdos5 number=5
--- device 3 grub=hd0,msdos1,bsd1 number=6
--- file 0:/grub/menu.lst
title Linux on a logical partition
root (hd0,4)
kernel --no-mem-option /boot/vmlinuz root=/dev/sda5
initrd (hd0,0)/initrd.img
title Windows
rootnoverify (hd0,1)
makeactive
chainloader +1
title Prefixed kernel
kernel (hd0,1)/vmlinuz ro
title NetBSD
root (hd0,0,a)
kernel --type=netbsd /netbsd
title No such slice
kernel (hd0,1,b)/kernel
--- run grub1 0:/grub/menu.lst
--- expect
config grub1 0:/grub/menu.lst
default 0
entry 0 "Linux on a logical partition" kind=linux
  kernel 2:/boot/vmlinuz
  initrd 0:/initrd.img
  args "root=/dev/sda5"
entry 1 "Windows" kind=chainloader
  kernel 1:+1
  args ""
entry 2 "Prefixed kernel" kind=linux
  kernel 1:/vmlinuz
  args "ro"
entry 3 "NetBSD" kind=linux
  kernel 3:/netbsd
  args ""
entry 4 "No such slice" kind=linux
  kernel -1:/kernel
  args ""
warning /grub/menu.lst:15: no device (hd0,1,b)
