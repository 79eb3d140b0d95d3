# Without command.lst the module files tell: blsuki.mod is GRUB 2.14's blscfg (modinfo.sh gives the version); the platform's own directory (x86_64-efi with platform=efi) is read before the others
--- file 0:/boot/grub/x86_64-efi/modinfo.sh
grub_version="2.14"
--- file 0:/boot/grub/x86_64-efi/blsuki.mod
ELF
--- file 0:/boot/grub/i386-pc/command.lst
blscfg: blscfg
--- file 0:/loader/entries/a-1.conf
title A
linux /vmlinuz-a
--- file 0:/boot/grub/grub.cfg
blscfg
--- run grub2 0:/boot/grub/grub.cfg platform=efi
--- expect
config grub2 0:/boot/grub/grub.cfg
default 0
semantics grub 2.14 upstream blscfg from (hd0,msdos1)/boot/grub/x86_64-efi/modinfo.sh
entry 0 "A" id=a-1 kind=linux
  kernel 0:/vmlinuz-a
  args ""
