# Per-image root=, initrd= and read-write override the globals; an image
# append replaces the global append (LILO does not join them).
--- file 0:/etc/lilo.conf
prompt
root=/dev/sda1
read-only
initrd=/boot/initrd.img
append="console=tty0"
image=/boot/vmlinuz
	label=main
image=/boot/vmlinuz
	label=other-root
	root=/dev/sdb1
	read-write
	initrd=/boot/initrd-sdb.img
	append="console=ttyS0,115200"
--- run lilo 0:/etc/lilo.conf
--- expect
config lilo 0:/etc/lilo.conf
default 0
entry 0 "main" id=main kind=linux
  kernel 0:/boot/vmlinuz
  initrd 0:/boot/initrd.img
  args "ro root=/dev/sda1 console=tty0"
entry 1 "other-root" id=other-root kind=linux
  kernel 0:/boot/vmlinuz
  initrd 0:/boot/initrd-sdb.img
  args "rw root=/dev/sdb1 console=ttyS0,115200"
