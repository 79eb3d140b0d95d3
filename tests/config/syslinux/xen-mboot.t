# mboot.c32 boots Xen: APPEND holds hypervisor and args, then "---"
# separated modules (dom0 kernel with its command line, initrd).
--- file 0:/boot/syslinux/syslinux.cfg
DEFAULT xen
TIMEOUT 50
LABEL xen
  KERNEL mboot.c32
  APPEND /boot/xen.gz dom0_mem=512M,max:512M   loglvl=all --- /boot/vmlinuz-lts root=/dev/xvda1 console=hvc0 --- /boot/initramfs-lts
LABEL linux
  KERNEL /boot/vmlinuz-lts
  APPEND root=/dev/xvda1 initrd=/boot/initramfs-lts
--- run syslinux 0:/boot/syslinux/syslinux.cfg
--- expect
config syslinux 0:/boot/syslinux/syslinux.cfg
default 0
timeout 5
entry 0 "xen" id=xen kind=multiboot
  kernel 0:/boot/xen.gz
  module 0:/boot/vmlinuz-lts "root=/dev/xvda1 console=hvc0"
  module 0:/boot/initramfs-lts
  args "dom0_mem=512M,max:512M loglvl=all"
entry 1 "linux" id=linux kind=linux
  kernel 0:/boot/vmlinuz-lts
  initrd 0:/boot/initramfs-lts
  args "root=/dev/xvda1"
