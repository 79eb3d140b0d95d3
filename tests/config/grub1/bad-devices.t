# Devices that are not there: a partition the image lacks, a second disk,
# a floppy, garbage. The files keep device -1 (unknown) with warnings.
--- file 0:/grub/menu.lst
title missing partition
root (hd0,3)
kernel /vmlinuz
title second disk
kernel (hd1,0)/vmlinuz
title floppy
root (fd0)
kernel /vmlinuz
title unterminated
kernel (hd0,0/vmlinuz
--- run grub1 0:/grub/menu.lst
--- expect
config grub1 0:/grub/menu.lst
default 0
entry 0 "missing partition" kind=linux
  kernel -1:/vmlinuz
  args ""
entry 1 "second disk" kind=linux
  kernel -1:/vmlinuz
  args ""
entry 2 "floppy" kind=linux
  kernel -1:/vmlinuz
  args ""
entry 3 "unterminated" kind=empty
warning /grub/menu.lst:2: no device (hd0,3)
warning /grub/menu.lst:5: (hd1,0) is not the first disk
warning /grub/menu.lst:7: device (fd0) not understood
warning /grub/menu.lst:10: unterminated device in '(hd0,0/vmlinuz'
