# Xen dom0 in Debian 20_linux_xen style: multiboot2 hypervisor with module2 kernel and initrd (--nounzip ignored)
--- file 0:/boot/grub/grub.cfg from=debian12-xen/boot/grub/grub.cfg
--- run grub2 0:/boot/grub/grub.cfg
--- expect
config grub2 0:/boot/grub/grub.cfg
default 0
entry 0 "Debian GNU/Linux, with Xen hypervisor" id=xen-gnulinux-simple-UUID kind=multiboot
  kernel 0:/boot/xen-4.17-amd64.gz
  module 0:/boot/vmlinuz-6.1.0-18-amd64 "placeholder root=UUID=abc ro quiet"
  module 0:/boot/initrd.img-6.1.0-18-amd64 ""
  args "placeholder dom0_mem=2048M,max:2048M"
