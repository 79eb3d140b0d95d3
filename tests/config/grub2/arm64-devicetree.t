# grub-mkconfig's output on a Debian arm64 machine with GRUB_DTB set: linux,
# initrd and devicetree in each entry; the EFI-only firmware entry shows as
# GRUB runs there (grub_cpu arm64, grub_platform efi); a devicetree path
# through a variable.
--- file 0:/boot/grub/grub.cfg
set default=0
if [ "$grub_cpu" = arm64 ]; then set dtbdir=/boot/dtbs/6.1.0-18-arm64; fi
menuentry 'Debian GNU/Linux' --class debian {
	echo	'Loading Linux 6.1.0-18-arm64 ...'
	linux	/boot/vmlinuz-6.1.0-18-arm64 root=UUID=1234 ro  quiet
	echo	'Loading initial ramdisk ...'
	initrd	/boot/initrd.img-6.1.0-18-arm64
	echo	'Loading device tree blob...'
	devicetree	${dtbdir}/./broadcom/bcm2711-rpi-4-b.dtb
}
menuentry 'Debian GNU/Linux, two dtbs' {
	linux	/boot/vmlinuz-6.1.0-18-arm64 root=UUID=1234 ro
	devicetree /boot/old.dtb
	devicetree /boot/new.dtb
}
if [ "$grub_platform" = "efi" ]; then
menuentry 'UEFI Firmware Settings' --id 'uefi-firmware' {
	fwsetup
}
fi
--- run grub2 0:/boot/grub/grub.cfg platform=efi cpu=arm64
--- expect
config grub2 0:/boot/grub/grub.cfg
default 0
entry 0 "Debian GNU/Linux" kind=linux
  kernel 0:/boot/vmlinuz-6.1.0-18-arm64
  initrd 0:/boot/initrd.img-6.1.0-18-arm64
  devicetree 0:/boot/dtbs/6.1.0-18-arm64/broadcom/bcm2711-rpi-4-b.dtb
  args "root=UUID=1234 ro quiet"
entry 1 "Debian GNU/Linux, two dtbs" kind=linux
  kernel 0:/boot/vmlinuz-6.1.0-18-arm64
  devicetree 0:/boot/new.dtb
  args "root=UUID=1234 ro"
entry 2 "UEFI Firmware Settings" id=uefi-firmware kind=empty
