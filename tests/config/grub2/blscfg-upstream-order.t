# GRUB 2.14 (command.lst: blscfg from the blsuki module) sorts by gnulib's filevercmp of the file names: "rc7" (letters) sorts after "1", so the -rc7 entry comes first, where Fedora's rpm order puts it last (blscfg-fedora-order); entries are read from /loader/entries only, the id keeps the boot-counting suffix, the title falls back to the linux path
--- file 0:/boot/grub/i386-pc/command.lst
*acpi: acpi
blscfg: blsuki
*boot: boot
--- file 0:/boot/grub/i386-pc/modinfo.sh
# Version
grub_version="2.14"
grub_package="grub"
--- file 0:/loader/entries/abc-6.1.0-1.conf
title Linux 6.1.0-1
linux /vmlinuz-6.1.0-1
options root=/dev/sda1
--- file 0:/loader/entries/abc-6.1.0-rc7.conf
title Linux 6.1.0-rc7
linux /vmlinuz-6.1.0-rc7
--- file 0:/loader/entries/abc-6.0.9-1+2-1.conf
linux /vmlinuz-6.0.9-1
--- file 0:/boot/loader/entries/not-read.conf
title Not read
linux /vmlinuz-x
--- file 0:/boot/grub/grub.cfg
blscfg
--- run grub2 0:/boot/grub/grub.cfg
--- expect
config grub2 0:/boot/grub/grub.cfg
default 0
semantics grub 2.14 upstream blscfg from (hd0,msdos1)/boot/grub/i386-pc/command.lst
entry 0 "Linux 6.1.0-rc7" id=abc-6.1.0-rc7 kind=linux
  kernel 0:/vmlinuz-6.1.0-rc7
  args ""
entry 1 "Linux 6.1.0-1" id=abc-6.1.0-1 kind=linux
  kernel 0:/vmlinuz-6.1.0-1
  args "root=/dev/sda1"
entry 2 "/vmlinuz-6.0.9-1" id=abc-6.0.9-1+2-1 kind=linux
  kernel 0:/vmlinuz-6.0.9-1
  args ""
