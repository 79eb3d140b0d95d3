# A global APPEND initrd=A and a label's INITRD B: the command line is "initrd=A initrd=B" and syslinux loads the first (kernel.c's strstr), A; a label's own APPEND replaces the global one, so there INITRD counts
--- file 0:/boot/extlinux/extlinux.conf
DEFAULT stringer
APPEND initrd=global.img
LABEL stringer
  KERNEL vmlinuz
  INITRD own.img
LABEL omar
  KERNEL vmlinuz
  APPEND quiet
  INITRD own.img
--- run syslinux 0:/boot/extlinux/extlinux.conf
--- expect
config syslinux 0:/boot/extlinux/extlinux.conf
default 0
entry 0 "stringer" id=stringer kind=linux
  kernel 0:/boot/extlinux/vmlinuz
  initrd 0:/boot/extlinux/global.img
  args ""
entry 1 "omar" id=omar kind=linux
  kernel 0:/boot/extlinux/vmlinuz
  initrd 0:/boot/extlinux/own.img
  args "quiet"
