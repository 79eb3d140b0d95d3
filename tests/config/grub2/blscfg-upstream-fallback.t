# GRUB 2.14: --path to a directory without entries gives nothing; with --enable-fallback (or -f) the default /loader/entries is read instead; a directory that has entries is not left for the fallback
--- file 0:/boot/grub/i386-pc/command.lst
blscfg: blsuki
--- file 0:/loader/entries/x-2.conf
title X
linux /vmlinuz-x
--- file 0:/mine/y-1.conf
title Y
linux /vmlinuz-y
--- file 0:/empty/readme.txt
not an entry
--- file 0:/boot/grub/grub.cfg
blscfg --path /missing
blscfg --path /empty --enable-fallback
blscfg -f -p /missing
blscfg -fp /mine
--- run grub2 0:/boot/grub/grub.cfg
--- expect
config grub2 0:/boot/grub/grub.cfg
default 0
semantics grub (version unknown) upstream blscfg from (hd0,msdos1)/boot/grub/i386-pc/command.lst
entry 0 "X" id=x-2 kind=linux
  kernel 0:/vmlinuz-x
  args ""
entry 1 "X" id=x-2 kind=linux
  kernel 0:/vmlinuz-x
  args ""
entry 2 "Y" id=y-1 kind=linux
  kernel 0:/vmlinuz-y
  args ""
