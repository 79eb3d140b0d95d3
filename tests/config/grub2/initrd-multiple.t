# one initrd command may name several files; a later initrd replaces them, and a new linux drops them
--- device 1 grub=hd0,msdos2
--- file 0:/boot/grub/grub.cfg
menuentry M {
	linux /vmlinuz
	initrd /first.img
	initrd /ucode.img /initrd.img (hd0,msdos2)/extra.img
}
menuentry N {
	linux /vmlinuz-old
	initrd /initrd-old.img
	linux /vmlinuz-new quiet
}
--- run grub2 0:/boot/grub/grub.cfg
--- expect
config grub2 0:/boot/grub/grub.cfg
default 0
entry 0 "M" kind=linux
  kernel 0:/vmlinuz
  initrd 0:/ucode.img
  initrd 0:/initrd.img
  initrd 1:/extra.img
  args ""
entry 1 "N" kind=linux
  kernel 0:/vmlinuz-new
  args "quiet"
