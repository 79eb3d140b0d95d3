# GRUB 2.12 and later count the NUL in a newc: member's name size
# (grub-core/loader/linux.c, "Ensure the newc pathname is NULL-terminated"):
# the image's GRUB, here its modinfo.sh, chooses the layout
--- file 0:/boot/grub/i386-pc/modinfo.sh
grub_version="2.12"
--- file 0:/boot/grub/grub.cfg
menuentry N {
	linux /vmlinuz
	initrd newc:/etc/foo.conf:/foo.conf
}
--- run grub2 0:/boot/grub/grub.cfg
--- expect
config grub2 0:/boot/grub/grub.cfg
default 0
entry 0 "N" kind=linux
  kernel 0:/vmlinuz
  initrd 0:/foo.conf cpio=grub-nul:"etc/foo.conf"
  args ""
