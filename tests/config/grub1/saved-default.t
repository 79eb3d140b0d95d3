# default saved: the index is the first line of "default" next to the
# config (what grub-set-default writes).
--- file 0:/boot/grub/default
2
#
# WARNING: If you want to edit this file directly, do not remove any line
# from this file, including this warning. Using `grub-set-default' is
# strongly recommended.
--- file 0:/boot/grub/menu.lst
default saved
title a
kernel /a
title b
kernel /b
title c
kernel /c
--- run grub1 0:/boot/grub/menu.lst
--- expect
config grub1 0:/boot/grub/menu.lst
default 2
entry 0 "a" kind=linux
  kernel 0:/a
  args ""
entry 1 "b" kind=linux
  kernel 0:/b
  args ""
entry 2 "c" kind=linux
  kernel 0:/c
  args ""
