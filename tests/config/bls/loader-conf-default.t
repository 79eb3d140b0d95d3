# Arch with systemd-boot: loader.conf's default glob (written with .conf,
# as the loader.conf manual's examples do) and timeout; several initrd
# lines kept in order; options lines joined with single spaces.
--- device 0 grub=hd0,gpt1 fstype=vfat
--- file 0:/loader/loader.conf
# systemd-boot
default  arch-linux.conf
timeout 4
console-mode max
editor no
--- file 0:/loader/entries/arch-linux.conf
title   Arch Linux
linux   /vmlinuz-linux
initrd  /intel-ucode.img
initrd  /initramfs-linux.img
options root=PARTUUID=3e4c1d2a-7f5b-4a6e-9c1d-2b3a4c5d6e7f   rw
options quiet	splash
--- file 0:/loader/entries/arch-linux-lts.conf
title   Arch Linux (LTS)
linux   /vmlinuz-linux-lts
initrd  /intel-ucode.img
initrd  /initramfs-linux-lts.img
options root=PARTUUID=3e4c1d2a-7f5b-4a6e-9c1d-2b3a4c5d6e7f rw
--- run bls 0:/loader/entries
--- expect
config bls 0:/loader/entries
default 1
timeout 4
entry 0 "Arch Linux (LTS)" id=arch-linux-lts kind=linux
  kernel 0:/vmlinuz-linux-lts
  initrd 0:/intel-ucode.img
  initrd 0:/initramfs-linux-lts.img
  args "root=PARTUUID=3e4c1d2a-7f5b-4a6e-9c1d-2b3a4c5d6e7f rw"
entry 1 "Arch Linux" id=arch-linux kind=linux
  kernel 0:/vmlinuz-linux
  initrd 0:/intel-ucode.img
  initrd 0:/initramfs-linux.img
  args "root=PARTUUID=3e4c1d2a-7f5b-4a6e-9c1d-2b3a4c5d6e7f rw quiet splash"
