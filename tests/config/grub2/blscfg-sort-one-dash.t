# Fedora blscfg's sort (split_package_string): an id with one '-' is name-version, so MACHINEID-5.18.0 (version 5.18.0) is newer than MACHINEID-0-rescue (version 0, release rescue) and comes first (CentOS 8 Stream)
--- file 0:/boot/loader/entries/abc-0-rescue.conf
title Rescue
linux /vmlinuz-0-rescue
--- file 0:/boot/loader/entries/abc-5.18.0.conf
title Linux 5.18.0
linux /vmlinuz-5.18.0
--- file 0:/boot/loader/entries/abc-4.9.conf
title Linux 4.9
linux /vmlinuz-4.9
--- file 0:/boot/grub/grub.cfg
blscfg
--- run grub2 0:/boot/grub/grub.cfg
--- expect
config grub2 0:/boot/grub/grub.cfg
default 0
semantics fedora blscfg (assumed: no GRUB modules or core image found)
entry 0 "Linux 5.18.0" id=abc-5.18.0 kind=linux
  kernel 0:/vmlinuz-5.18.0
  args ""
entry 1 "Linux 4.9" id=abc-4.9 kind=linux
  kernel 0:/vmlinuz-4.9
  args ""
entry 2 "Rescue" id=abc-0-rescue kind=linux
  kernel 0:/vmlinuz-0-rescue
  args ""
