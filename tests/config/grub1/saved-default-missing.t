# default saved without a "default" file: entry 0.
--- file 0:/grub/menu.lst
default saved
timeout 10
title a
kernel /a
title b
kernel /b
--- run grub1 0:/grub/menu.lst
--- expect
config grub1 0:/grub/menu.lst
default 0
timeout 10
entry 0 "a" kind=linux
  kernel 0:/a
  args ""
entry 1 "b" kind=linux
  kernel 0:/b
  args ""
