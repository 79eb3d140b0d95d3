# blscfg: $blsdir; no options line uses $default_kernelopts; $vars expanded when blscfg runs; several initrd lines with $early_initrd (next to the kernel) first; devicetree; title falls back to the version
--- file 0:/custom/entries/kernel-2.0-1.conf
title Kernel 2.0
version 2.0-1
linux /boot/vmlinuz-2.0
initrd /boot/initramfs-2.0.img
initrd /boot/extra-2.0.img
options root=X $tuned_params ${missing}end
devicetree /dtb/board.dtb
--- file 0:/custom/entries/kernel-1.0-1.conf
version 1.0-1
linux /vmlinuz-1.0
--- file 0:/boot/grub/grub.cfg
set default_kernelopts="root=/dev/sda2 ro"
set tuned_params="skew_tick=1"
set early_initrd="microcode.img extra.img"
set blsdir=/custom/entries
blscfg
set tuned_params=late
--- run grub2 0:/boot/grub/grub.cfg
--- expect
config grub2 0:/boot/grub/grub.cfg
default 0
semantics fedora blscfg (assumed: no GRUB modules or core image found)
entry 0 "Kernel 2.0" id=kernel-2.0-1 kind=linux
  kernel 0:/boot/vmlinuz-2.0
  initrd 0:/boot/microcode.img
  initrd 0:/boot/extra.img
  initrd 0:/boot/initramfs-2.0.img
  initrd 0:/boot/extra-2.0.img
  devicetree 0:/dtb/board.dtb
  args "root=X skew_tick=1 end"
entry 1 "1.0-1" id=kernel-1.0-1 kind=linux
  kernel 0:/vmlinuz-1.0
  initrd 0:/microcode.img
  initrd 0:/extra.img
  args "root=/dev/sda2 ro"
