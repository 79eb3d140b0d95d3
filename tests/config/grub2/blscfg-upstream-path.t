# GRUB 2.14: without --path only /loader/entries on $root is read (here there is none: nothing, silently); --path /DIR reads that directory; --path=(DEV)/DIR another device's; -p (DEV) that device's /loader/entries. The entries' paths stay relative to $root when they boot (no ($root) prefix is written, and $root is still hd0,msdos1)
--- device 1 grub=hd0,msdos2
--- file 0:/boot/grub/i386-pc/command.lst
blscfg: blsuki
--- file 0:/boot/grub/i386-pc/modinfo.sh
grub_version="2.14"
--- file 0:/boot/loader/entries/a-1.conf
title A
linux /boot/vmlinuz-a
--- file 1:/loader/entries/b-1.conf
title B
linux /vmlinuz-b
--- file 1:/other/c-1.conf
title C
linux /vmlinuz-c
--- file 0:/boot/grub/grub.cfg
blscfg
blscfg --path /boot/loader/entries
blscfg --path=(hd0,msdos2)/other
blscfg -p (hd0,msdos2)
--- run grub2 0:/boot/grub/grub.cfg
--- expect
config grub2 0:/boot/grub/grub.cfg
default 0
semantics grub 2.14 upstream blscfg from (hd0,msdos1)/boot/grub/i386-pc/command.lst
entry 0 "A" id=a-1 kind=linux
  kernel 0:/boot/vmlinuz-a
  args ""
entry 1 "C" id=c-1 kind=linux
  kernel 0:/vmlinuz-c
  args ""
entry 2 "B" id=b-1 kind=linux
  kernel 0:/vmlinuz-b
  args ""
