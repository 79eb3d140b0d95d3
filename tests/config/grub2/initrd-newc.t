# initrd newc:NAME:PATH (grub-core/loader/linux.c, grub_initrd_init): PATH is
# put into the ramdisk as the cpio member NAME, its leading slashes dropped
--- file 0:/boot/grub/grub.cfg
menuentry N {
	linux /vmlinuz
	initrd /a.img newc:/etc/foo.conf:/foo.conf newc:///deep/dir/x:(hd0,msdos1)/x /b.img
}
--- run grub2 0:/boot/grub/grub.cfg
--- expect
config grub2 0:/boot/grub/grub.cfg
default 0
entry 0 "N" kind=linux
  kernel 0:/vmlinuz
  initrd 0:/a.img
  initrd 0:/foo.conf cpio=grub:"etc/foo.conf"
  initrd 0:/x cpio=grub:"deep/dir/x"
  initrd 0:/b.img
  args ""
