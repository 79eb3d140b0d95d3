# Fedora's GRUB (command.lst: blscfg from its own blscfg module) sorts by rpm's order of name-version-release: the release "1" (digits) is newer than "rc7" (letters), so -rc7 comes last, where GRUB 2.14 puts it first (blscfg-upstream-order)
--- file 0:/boot/grub2/i386-pc/command.lst
*acpi: acpi
*blscfg: blscfg
*boot: boot
--- file 0:/boot/grub2/i386-pc/modinfo.sh
grub_version="2.06"
--- file 0:/boot/loader/entries/abc-6.1.0-1.conf
title Linux 6.1.0-1
linux /vmlinuz-6.1.0-1
options root=/dev/sda1
--- file 0:/boot/loader/entries/abc-6.1.0-rc7.conf
title Linux 6.1.0-rc7
linux /vmlinuz-6.1.0-rc7
--- file 0:/boot/grub2/grub.cfg
blscfg
--- run grub2 0:/boot/grub2/grub.cfg
--- expect
config grub2 0:/boot/grub2/grub.cfg
default 0
semantics fedora blscfg (grub 2.06) from (hd0,msdos1)/boot/grub2/i386-pc/command.lst
entry 0 "Linux 6.1.0-1" id=abc-6.1.0-1 kind=linux
  kernel 0:/vmlinuz-6.1.0-1
  args "root=/dev/sda1"
entry 1 "Linux 6.1.0-rc7" id=abc-6.1.0-rc7 kind=linux
  kernel 0:/vmlinuz-6.1.0-rc7
  args ""
