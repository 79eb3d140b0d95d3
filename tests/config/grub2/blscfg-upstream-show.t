# GRUB 2.14's -d/--show-default, -n/--show-non-default and -e/--entry: $default matched against the file name (".conf" included), the title, or the place in the sorted list (a number in any base); other arguments are refused
--- file 0:/boot/grub/i386-pc/command.lst
blscfg: blsuki
--- file 0:/boot/grub/i386-pc/modinfo.sh
grub_version="2.14"
--- file 0:/loader/entries/a-1.conf
title A
linux /vmlinuz-a
--- file 0:/loader/entries/b-2.conf
title B
linux /vmlinuz-b
--- file 0:/loader/entries/c-3.conf
title C
linux /vmlinuz-c
--- file 0:/boot/grub/grub.cfg
set default=1
blscfg --show-default
blscfg -n
set default="A"
blscfg -d
set default=c-3.conf
blscfg -d
set default=c-3
blscfg -d
blscfg -e b-2.conf
blscfg --entry=b-2
blscfg extra
blscfg --bogus
set default=0x2
blscfg -d
--- run grub2 0:/boot/grub/grub.cfg
--- expect
config grub2 0:/boot/grub/grub.cfg
default 2
semantics grub 2.14 upstream blscfg from (hd0,msdos1)/boot/grub/i386-pc/command.lst
entry 0 "B" id=b-2 kind=linux
  kernel 0:/vmlinuz-b
  args ""
entry 1 "C" id=c-3 kind=linux
  kernel 0:/vmlinuz-c
  args ""
entry 2 "A" id=a-1 kind=linux
  kernel 0:/vmlinuz-a
  args ""
entry 3 "A" id=a-1 kind=linux
  kernel 0:/vmlinuz-a
  args ""
entry 4 "C" id=c-3 kind=linux
  kernel 0:/vmlinuz-c
  args ""
entry 5 "B" id=b-2 kind=linux
  kernel 0:/vmlinuz-b
  args ""
entry 6 "A" id=a-1 kind=linux
  kernel 0:/vmlinuz-a
  args ""
warning /boot/grub/grub.cfg:12: blscfg: unexpected argument(s) found, see --help
warning /boot/grub/grub.cfg:13: blscfg: unknown argument
