# blscfg falls back to /boot/loader/entries when /boot is not a separate partition; entry paths are used as written
--- file 0:/boot/loader/entries/abc-6.5.6-300.fc39.x86_64.conf
title Fedora Linux (6.5.6-300.fc39.x86_64) 39
version 6.5.6-300.fc39.x86_64
linux /boot/vmlinuz-6.5.6-300.fc39.x86_64
initrd /boot/initramfs-6.5.6-300.fc39.x86_64.img
options root=UUID=r ro
--- file 0:/boot/grub2/grub.cfg
blscfg
--- run grub2 0:/boot/grub2/grub.cfg
--- expect
config grub2 0:/boot/grub2/grub.cfg
default 0
semantics fedora blscfg (assumed: no GRUB modules or core image found)
entry 0 "Fedora Linux (6.5.6-300.fc39.x86_64) 39" id=abc-6.5.6-300.fc39.x86_64 kind=linux
  kernel 0:/boot/vmlinuz-6.5.6-300.fc39.x86_64
  initrd 0:/boot/initramfs-6.5.6-300.fc39.x86_64.img
  args "root=UUID=r ro"
