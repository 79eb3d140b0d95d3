# Entries under /boot/loader/entries of a root file system (no separate
# $BOOT): paths resolve as written on that device; loader.conf is read
# next to the entries directory, with menu-hidden.
--- device 0 grub=hd0,msdos2 number=2
--- file 0:/boot/loader/loader.conf
timeout menu-hidden
default rhel*
--- file 0:/boot/loader/entries/rhel-5.14.0-427.el9.x86_64.conf
title Red Hat Enterprise Linux (5.14.0-427.el9.x86_64) 9.4 (Plow)
version 5.14.0-427.el9.x86_64
linux /boot/vmlinuz-5.14.0-427.el9.x86_64
initrd /boot/initramfs-5.14.0-427.el9.x86_64.img $tuned_initrd
options root=/dev/mapper/rhel-root ro crashkernel=1G-4G:192M,4G-64G:256M resume=/dev/mapper/rhel-swap rd.lvm.lv=rhel/root $tuned_params
--- run bls 0:/boot/loader/entries
--- expect
config bls 0:/boot/loader/entries
default 0
timeout 0
hidden
entry 0 "Red Hat Enterprise Linux (5.14.0-427.el9.x86_64) 9.4 (Plow)" id=rhel-5.14.0-427.el9.x86_64 kind=linux
  kernel 0:/boot/vmlinuz-5.14.0-427.el9.x86_64
  initrd 0:/boot/initramfs-5.14.0-427.el9.x86_64.img $tuned_initrd
  args "root=/dev/mapper/rhel-root ro crashkernel=1G-4G:192M,4G-64G:256M resume=/dev/mapper/rhel-swap rd.lvm.lv=rhel/root $tuned_params"
