# Xen dom0 in Debian 20_linux_xen style: multiboot2 hypervisor with module2 kernel and initrd (--nounzip ignored)
--- file 0:/boot/grub/grub.cfg
menuentry_id_option=--id
menuentry 'Debian GNU/Linux, with Xen hypervisor' --class debian --class gnu-linux --class gnu --class os --class xen $menuentry_id_option 'xen-gnulinux-simple-UUID' {
	insmod part_msdos
	insmod ext2
	set root='hd0,msdos1'
	echo	'Loading Xen 4.17-amd64 ...'
	if [ "$grub_platform" = "pc" -o "$grub_platform" = "" ]; then
		xen_rm_opts=
	else
		xen_rm_opts="no-real-mode edd=off"
	fi
	multiboot2	/boot/xen-4.17-amd64.gz placeholder dom0_mem=2048M,max:2048M ${xen_rm_opts}
	echo	'Loading Linux 6.1.0-18-amd64 ...'
	module2	/boot/vmlinuz-6.1.0-18-amd64 placeholder root=UUID=abc ro  quiet
	echo	'Loading initial ramdisk ...'
	module2	--nounzip   /boot/initrd.img-6.1.0-18-amd64
}
--- run grub2 0:/boot/grub/grub.cfg
--- expect
config grub2 0:/boot/grub/grub.cfg
default 0
entry 0 "Debian GNU/Linux, with Xen hypervisor" id=xen-gnulinux-simple-UUID kind=multiboot
  kernel 0:/boot/xen-4.17-amd64.gz
  module 0:/boot/vmlinuz-6.1.0-18-amd64 "placeholder root=UUID=abc ro quiet"
  module 0:/boot/initrd.img-6.1.0-18-amd64 ""
  args "placeholder dom0_mem=2048M,max:2048M"
