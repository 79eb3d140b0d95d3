# multiboot with module (older Xen and other multiboot kernels); module arguments are kept per module
--- file 0:/boot/grub/grub.cfg
menuentry "Xen 4.4" {
	multiboot /boot/xen.gz dom0_mem=1024M
	module /boot/vmlinuz-3.16 root=/dev/sda1 ro console=hvc0
	module /boot/initrd.img-3.16
}
--- run grub2 0:/boot/grub/grub.cfg
--- expect
config grub2 0:/boot/grub/grub.cfg
default 0
entry 0 "Xen 4.4" kind=multiboot
  kernel 0:/boot/xen.gz
  module 0:/boot/vmlinuz-3.16 "root=/dev/sda1 ro console=hvc0"
  module 0:/boot/initrd.img-3.16 ""
  args "dom0_mem=1024M"
