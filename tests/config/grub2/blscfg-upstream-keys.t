# GRUB 2.14's keys: the first title, linux and options count; all initrd values go on one initrd line (each may name several files); devicetree and options expand $variables as blsuki_expand_val does (a variable's value is followed by a space, the space after its name dropped, and a one-letter name at the very end is lost); a blank line, or a key without a value, ends the file; no $default_kernelopts
--- file 0:/boot/grub/i386-pc/command.lst
blscfg: blsuki
--- file 0:/boot/grub/i386-pc/modinfo.sh
grub_version="2.14"
--- file 0:/loader/entries/k-1.conf
# comment
title  First title
title Second title
linux /vmlinuz-1
initrd /initrd-a.img
options ro $opt1 quiet
options second-options-line
initrd /initrd-b.img /initrd-c.img
devicetree /dtb-$board
grub_arg --unrestricted
version 1

linux /after-blank-line
--- file 0:/loader/entries/k-0.conf
linux /vmlinuz-0
options $a $b
initrd
initrd /never.img
--- file 0:/boot/grub/grub.cfg
set opt1=splash
set board=rpi
set a=AAA
set b=BBB
set default_kernelopts="root=/dev/never"
blscfg
--- run grub2 0:/boot/grub/grub.cfg
--- expect
config grub2 0:/boot/grub/grub.cfg
default 0
semantics grub 2.14 upstream blscfg from (hd0,msdos1)/boot/grub/i386-pc/command.lst
entry 0 "First title" id=k-1 kind=linux
  kernel 0:/vmlinuz-1
  initrd 0:/initrd-a.img
  initrd 0:/initrd-b.img
  initrd 0:/initrd-c.img
  devicetree 0:/dtb-rpi
  args "ro splash quiet"
entry 1 "/vmlinuz-0" id=k-0 kind=linux
  kernel 0:/vmlinuz-0
  args "AAA"
