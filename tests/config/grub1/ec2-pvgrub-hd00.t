# Seed 001 (CentOS 5.5 for the "hd00" AKI): indented globals, root
# (hd0,0) = partition 1, config kept at /boot/grub of the first partition
# whose own /boot directory holds the kernels.
--- device 0 grub=hd0,msdos1 number=1
--- device 1 grub=hd0,msdos2 number=2
--- file 0:/boot/grub/menu.lst
    default 0
    timeout 1
    title CentOS5.5
        root (hd0,0)
        kernel /boot/vmlinuz-2.6.18-194.8.1.el5xen root=/dev/sda2
        initrd /boot/initrd-2.6.18-194.8.1.el5xen.img
--- run grub1 0:/boot/grub/menu.lst
--- expect
config grub1 0:/boot/grub/menu.lst
default 0
timeout 1
entry 0 "CentOS5.5" kind=linux
  kernel 0:/boot/vmlinuz-2.6.18-194.8.1.el5xen
  initrd 0:/boot/initrd-2.6.18-194.8.1.el5xen.img
  args "root=/dev/sda2"
