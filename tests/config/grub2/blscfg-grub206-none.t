# GRUB 2.06 as Debian and upstream build it has no blscfg (command.lst does not list it): the command is unknown there, so it makes no entries, whatever BLS entries the disk holds
--- file 0:/boot/grub/i386-pc/command.lst
*acpi: acpi
*background_image: gfxterm_background
*cat: cat
--- file 0:/boot/grub/i386-pc/modinfo.sh
grub_version="2.06"
grub_package_version="2.06-13+deb12u2"
--- file 0:/loader/entries/a-1.conf
title A
linux /vmlinuz-a
--- file 0:/boot/loader/entries/b-1.conf
title B
linux /vmlinuz-b
--- file 0:/boot/grub/grub.cfg
blscfg
menuentry Debian { linux /vmlinuz }
--- run grub2 0:/boot/grub/grub.cfg
--- expect
config grub2 0:/boot/grub/grub.cfg
default 0
semantics grub 2.06 without blscfg from (hd0,msdos1)/boot/grub/i386-pc/command.lst
entry 0 "Debian" kind=linux
  kernel 0:/vmlinuz
  args ""
warning /boot/grub/grub.cfg:1: can't find command `blscfg' (GRUB 2.06, (hd0,msdos1)/boot/grub/i386-pc/command.lst, has none)
