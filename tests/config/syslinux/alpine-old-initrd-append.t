# Older Alpine (2.x, pygrub's example) style: lower-case keywords, the
# initrd given as initrd= inside append (removed from the command line),
# config and kernels in /boot/extlinux of a separate boot partition.
--- device 0 grub=hd0,msdos1 number=1
--- file 0:/extlinux/extlinux.conf
timeout 20
prompt 1
default grsec
label grsec
	kernel vmlinuz-grsec
	append initrd=initramfs-grsec root=/dev/xvda3 modules=sd-mod,usb-storage,ext3 quiet
--- run syslinux 0:/extlinux/extlinux.conf
--- expect
config syslinux 0:/extlinux/extlinux.conf
default 0
timeout 2
entry 0 "grsec" id=grsec kind=linux
  kernel 0:/extlinux/vmlinuz-grsec
  initrd 0:/extlinux/initramfs-grsec
  args "root=/dev/xvda3 modules=sd-mod,usb-storage,ext3 quiet"
