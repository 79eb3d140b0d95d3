# GRUB 2.14: --path FILE.conf reads that one entry (its id the name after the last '/'); a missing one is an error; in a directory, a name filevercmp finds equal to one read before ("a-1" after "a-01": leading zeros do not count) is refused as a duplicate
--- file 0:/boot/grub/i386-pc/command.lst
blscfg: blsuki
--- file 0:/boot/grub/i386-pc/modinfo.sh
grub_version="2.14"
--- file 0:/boot/loader/entries/x.conf
title X
linux /vmlinuz-x
--- file 0:/loader/entries/a-01.conf
title A01
linux /vmlinuz-a01
--- file 0:/loader/entries/a-1.conf
title A1
linux /vmlinuz-a1
--- file 0:/boot/grub/grub.cfg
blscfg --path /boot/loader/entries/x.conf
blscfg --path /boot/loader/entries/missing.conf
blscfg
--- run grub2 0:/boot/grub/grub.cfg
--- expect
config grub2 0:/boot/grub/grub.cfg
default 0
semantics grub 2.14 upstream blscfg from (hd0,msdos1)/boot/grub/i386-pc/command.lst
entry 0 "X" id=x kind=linux
  kernel 0:/vmlinuz-x
  args ""
entry 1 "A01" id=a-01 kind=linux
  kernel 0:/vmlinuz-a01
  args ""
warning /boot/grub/grub.cfg:2: blscfg: file `/boot/loader/entries/missing.conf' not found
warning /boot/grub/grub.cfg:3: blscfg: duplicate file: `a-1.conf'
