# linux16/initrd16 and linuxefi/initrdefi load like linux/initrd
--- file 0:/boot/grub/grub.cfg
menuentry Sixteen {
	linux16 /vmlinuz-3.10 root=/dev/mapper/centos-root ro
	initrd16 /initramfs-3.10.img
}
menuentry Efi {
	linuxefi /vmlinuz-3.10 root=/dev/sda2
	initrdefi /initramfs-3.10.img
}
--- run grub2 0:/boot/grub/grub.cfg
--- expect
config grub2 0:/boot/grub/grub.cfg
default 0
entry 0 "Sixteen" kind=linux
  kernel 0:/vmlinuz-3.10
  initrd 0:/initramfs-3.10.img
  args "root=/dev/mapper/centos-root ro"
entry 1 "Efi" kind=linux
  kernel 0:/vmlinuz-3.10
  initrd 0:/initramfs-3.10.img
  args "root=/dev/sda2"
