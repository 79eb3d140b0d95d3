# Fedora 40 $BOOT with kernel-install entries: sort-key/machine-id/version
# ordering (newest version first), boot counting suffixes cut from the id,
# and an entry out of tries (+0-3) sorted last although it is the newest.
--- file 0:/loader/entries/6a9857a393724b7a981ebb5b8495b9ea-6.8.5-301.fc40.x86_64.conf
title Fedora Linux (6.8.5-301.fc40.x86_64) 40 (Workstation Edition)
version 6.8.5-301.fc40.x86_64
machine-id 6a9857a393724b7a981ebb5b8495b9ea
sort-key fedora
options root=UUID=0b9a1c55-1e0c-4c8b-9d05-1b8f7c0d2a11 ro rootflags=subvol=root rhgb quiet
linux /vmlinuz-6.8.5-301.fc40.x86_64
initrd /initramfs-6.8.5-301.fc40.x86_64.img
--- file 0:/loader/entries/6a9857a393724b7a981ebb5b8495b9ea-6.9.7-200.fc40.x86_64+3.conf
title Fedora Linux (6.9.7-200.fc40.x86_64) 40 (Workstation Edition)
version 6.9.7-200.fc40.x86_64
machine-id 6a9857a393724b7a981ebb5b8495b9ea
sort-key fedora
options root=UUID=0b9a1c55-1e0c-4c8b-9d05-1b8f7c0d2a11 ro rootflags=subvol=root rhgb quiet
linux /vmlinuz-6.9.7-200.fc40.x86_64
initrd /initramfs-6.9.7-200.fc40.x86_64.img
--- file 0:/loader/entries/6a9857a393724b7a981ebb5b8495b9ea-6.10.0-64.fc40.x86_64+0-3.conf
title Fedora Linux (6.10.0-64.fc40.x86_64) 40 (Workstation Edition)
version 6.10.0-64.fc40.x86_64
machine-id 6a9857a393724b7a981ebb5b8495b9ea
sort-key fedora
options root=UUID=0b9a1c55-1e0c-4c8b-9d05-1b8f7c0d2a11 ro
linux /vmlinuz-6.10.0-64.fc40.x86_64
initrd /initramfs-6.10.0-64.fc40.x86_64.img
--- file 0:/loader/entries/6a9857a393724b7a981ebb5b8495b9ea-0-rescue.conf
title Fedora Linux (0-rescue-6a9857a393724b7a981ebb5b8495b9ea) 40 (Workstation Edition)
version 0-rescue-6a9857a393724b7a981ebb5b8495b9ea
machine-id 6a9857a393724b7a981ebb5b8495b9ea
sort-key fedora
options root=UUID=0b9a1c55-1e0c-4c8b-9d05-1b8f7c0d2a11 ro
linux /vmlinuz-0-rescue-6a9857a393724b7a981ebb5b8495b9ea
initrd /initramfs-0-rescue-6a9857a393724b7a981ebb5b8495b9ea.img
--- run bls 0:/loader/entries
--- expect
config bls 0:/loader/entries
default 0
entry 0 "Fedora Linux (6.9.7-200.fc40.x86_64) 40 (Workstation Edition)" id=6a9857a393724b7a981ebb5b8495b9ea-6.9.7-200.fc40.x86_64 kind=linux
  kernel 0:/vmlinuz-6.9.7-200.fc40.x86_64
  initrd 0:/initramfs-6.9.7-200.fc40.x86_64.img
  args "root=UUID=0b9a1c55-1e0c-4c8b-9d05-1b8f7c0d2a11 ro rootflags=subvol=root rhgb quiet"
entry 1 "Fedora Linux (6.8.5-301.fc40.x86_64) 40 (Workstation Edition)" id=6a9857a393724b7a981ebb5b8495b9ea-6.8.5-301.fc40.x86_64 kind=linux
  kernel 0:/vmlinuz-6.8.5-301.fc40.x86_64
  initrd 0:/initramfs-6.8.5-301.fc40.x86_64.img
  args "root=UUID=0b9a1c55-1e0c-4c8b-9d05-1b8f7c0d2a11 ro rootflags=subvol=root rhgb quiet"
entry 2 "Fedora Linux (0-rescue-6a9857a393724b7a981ebb5b8495b9ea) 40 (Workstation Edition)" id=6a9857a393724b7a981ebb5b8495b9ea-0-rescue kind=linux
  kernel 0:/vmlinuz-0-rescue-6a9857a393724b7a981ebb5b8495b9ea
  initrd 0:/initramfs-0-rescue-6a9857a393724b7a981ebb5b8495b9ea.img
  args "root=UUID=0b9a1c55-1e0c-4c8b-9d05-1b8f7c0d2a11 ro"
entry 3 "Fedora Linux (6.10.0-64.fc40.x86_64) 40 (Workstation Edition)" id=6a9857a393724b7a981ebb5b8495b9ea-6.10.0-64.fc40.x86_64 kind=linux
  kernel 0:/vmlinuz-6.10.0-64.fc40.x86_64
  initrd 0:/initramfs-6.10.0-64.fc40.x86_64.img
  args "root=UUID=0b9a1c55-1e0c-4c8b-9d05-1b8f7c0d2a11 ro"
