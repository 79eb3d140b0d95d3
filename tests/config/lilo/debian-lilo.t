# Debian's liloconfig style: no prompt (LILO boots after delay= unless
# Shift is held: hidden), no default= (the first image), per-image
# read-write overriding the global read-only, addappend added to the
# global append, root given as a UUID string, label defaulting to the
# image's file name when absent.
--- file 0:/etc/lilo.conf
boot=/dev/vda
install=menu
delay=20
root="UUID=0c1f8f5e-8f4d-4a4a-9f3b-2f7e5c1d2b3a"
read-only
append="quiet"
initrd=/initrd.img

image=/vmlinuz
	label="Linux"
	addappend="splash"

image=/vmlinuz.old
	read-write
	initrd=/initrd.img.old
	optional
--- run lilo 0:/etc/lilo.conf
--- expect
config lilo 0:/etc/lilo.conf
default 0
timeout 2
hidden
entry 0 "Linux" id=Linux kind=linux
  kernel 0:/vmlinuz
  initrd 0:/initrd.img
  args "ro root=UUID=0c1f8f5e-8f4d-4a4a-9f3b-2f7e5c1d2b3a quiet splash"
entry 1 "vmlinuz.old" id=vmlinuz.old kind=linux
  kernel 0:/vmlinuz.old
  initrd 0:/initrd.img.old
  args "rw root=UUID=0c1f8f5e-8f4d-4a4a-9f3b-2f7e5c1d2b3a quiet"
