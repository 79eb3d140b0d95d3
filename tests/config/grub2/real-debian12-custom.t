# the Debian 12 config with a custom.cfg next to it (41_custom sources it) and on the efi platform (30_uefi-firmware adds its entry)
--- device 0 grub=hd0,msdos1 uuid=2f1e5c3a-8b7d-4e2f-9a61-0c3d5e7f9b12 fstype=ext4
--- file 0:/boot/grub/custom.cfg
menuentry 'Custom kernel' {
	linux /boot/vmlinuz-custom root=/dev/sda1
}
--- file 0:/boot/grub/grub.cfg from=debian12/boot/grub/grub.cfg
--- run grub2 0:/boot/grub/grub.cfg platform=efi
--- expect
config grub2 0:/boot/grub/grub.cfg
default 0
timeout 5
entry 0 "Debian GNU/Linux" id=gnulinux-simple-2f1e5c3a-8b7d-4e2f-9a61-0c3d5e7f9b12 kind=linux
  kernel 0:/boot/vmlinuz-6.1.0-18-amd64
  initrd 0:/boot/initrd.img-6.1.0-18-amd64
  args "root=UUID=2f1e5c3a-8b7d-4e2f-9a61-0c3d5e7f9b12 ro quiet"
submenu 1 "Advanced options for Debian GNU/Linux" id=gnulinux-advanced-2f1e5c3a-8b7d-4e2f-9a61-0c3d5e7f9b12
  entry 1>0 "Debian GNU/Linux, with Linux 6.1.0-18-amd64" id=gnulinux-6.1.0-18-amd64-advanced-2f1e5c3a-8b7d-4e2f-9a61-0c3d5e7f9b12 kind=linux
    kernel 0:/boot/vmlinuz-6.1.0-18-amd64
    initrd 0:/boot/initrd.img-6.1.0-18-amd64
    args "root=UUID=2f1e5c3a-8b7d-4e2f-9a61-0c3d5e7f9b12 ro quiet"
  entry 1>1 "Debian GNU/Linux, with Linux 6.1.0-18-amd64 (recovery mode)" id=gnulinux-6.1.0-18-amd64-recovery-2f1e5c3a-8b7d-4e2f-9a61-0c3d5e7f9b12 kind=linux
    kernel 0:/boot/vmlinuz-6.1.0-18-amd64
    initrd 0:/boot/initrd.img-6.1.0-18-amd64
    args "root=UUID=2f1e5c3a-8b7d-4e2f-9a61-0c3d5e7f9b12 ro single"
  entry 1>2 "Debian GNU/Linux, with Linux 6.1.0-17-amd64" id=gnulinux-6.1.0-17-amd64-advanced-2f1e5c3a-8b7d-4e2f-9a61-0c3d5e7f9b12 kind=linux
    kernel 0:/boot/vmlinuz-6.1.0-17-amd64
    initrd 0:/boot/initrd.img-6.1.0-17-amd64
    args "root=UUID=2f1e5c3a-8b7d-4e2f-9a61-0c3d5e7f9b12 ro quiet"
entry 2 "UEFI Firmware Settings" id=uefi-firmware kind=empty
entry 3 "Custom kernel" kind=linux
  kernel 0:/boot/vmlinuz-custom
  args "root=/dev/sda1"
