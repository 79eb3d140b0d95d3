# OmniOS menu.lst for ZFS-enabled PV-GRUB (seed 002): findroot/bootfs
# accepted, kernel$/module$ expand $ISADIR to amd64 and keep $ZFS-BOOTFS;
# unix + boot_archive is a multiboot entry.
--- device 0 grub=hd0,msdos1 number=1 fstype=zfs
--- file 0:/rpool/boot/grub/menu.lst
default 0
timeout 3
#---------- ADDED BY BOOTADM - DO NOT EDIT ----------
title omnios-r151006
findroot (pool_rpool,0,a)
bootfs rpool/ROOT/omnios
kernel$ /platform/i86pc/kernel/$ISADIR/unix -B $ZFS-BOOTFS,console=ttya
module$ /platform/i86pc/$ISADIR/boot_archive
#---------------------END BOOTADM--------------------
--- run grub1 0:/rpool/boot/grub/menu.lst
--- expect
config grub1 0:/rpool/boot/grub/menu.lst
default 0
timeout 3
entry 0 "omnios-r151006" kind=multiboot
  kernel 0:/platform/i86pc/kernel/amd64/unix
  module 0:/platform/i86pc/amd64/boot_archive
  args "-B $ZFS-BOOTFS,console=ttya"
