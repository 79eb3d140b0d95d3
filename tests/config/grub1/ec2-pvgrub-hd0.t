# The menu.lst of an EC2 CentOS 5.8 image for the "hd0" AKI (seed 000):
# an unpartitioned disk, root (hd0) is the whole-disk device (number 0),
# and /boot is a directory of that file system.
--- device 0 grub=hd0 number=0
--- file 0:/boot/grub/menu.lst
default 0
timeout 1

title EC2
     root (hd0)
     kernel /boot/vmlinuz-2.6.18-308.11.1.el5xen root=/dev/sda1
     initrd /boot/initrd-2.6.18-308.11.1.el5xen.img
--- run grub1 0:/boot/grub/menu.lst
--- expect
config grub1 0:/boot/grub/menu.lst
default 0
timeout 1
entry 0 "EC2" kind=linux
  kernel 0:/boot/vmlinuz-2.6.18-308.11.1.el5xen
  initrd 0:/boot/initrd-2.6.18-308.11.1.el5xen.img
  args "root=/dev/sda1"
