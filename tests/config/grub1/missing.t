# The config file is not there.
--- file 0:/boot/grub/grub.conf
title x
--- run grub1 0:/boot/grub/menu.lst
--- expect-error NOT_FOUND menu.lst
