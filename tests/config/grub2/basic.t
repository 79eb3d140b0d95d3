# Two plain entries; the default is the second by index.
--- file 0:/boot/grub/grub.cfg
set default=1
set timeout=5
menuentry 'Debian GNU/Linux' {
	linux /boot/vmlinuz-6.1 root=/dev/sda1 ro quiet
	initrd /boot/initrd.img-6.1
}
menuentry "Debian (recovery)" --class debian {
	linux	/boot/vmlinuz-6.1 root=/dev/sda1 ro single
	initrd	/boot/initrd.img-6.1
}
--- run grub2 0:/boot/grub/grub.cfg
--- expect
config grub2 0:/boot/grub/grub.cfg
default 1
timeout 5
entry 0 "Debian GNU/Linux" kind=linux
  kernel 0:/boot/vmlinuz-6.1
  initrd 0:/boot/initrd.img-6.1
  args "root=/dev/sda1 ro quiet"
entry 1 "Debian (recovery)" kind=linux
  kernel 0:/boot/vmlinuz-6.1
  initrd 0:/boot/initrd.img-6.1
  args "root=/dev/sda1 ro single"
