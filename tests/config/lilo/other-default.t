# default= may name an other= section: it becomes the default (a chain
# entry); old "ramdisk=" spelling for the initrd; quoted label with blanks.
--- file 0:/etc/lilo.conf
prompt
timeout=100
default=dos
image=/boot/vmlinuz-2.4.20
	label="Linux 2.4"
	ramdisk=/boot/initrd-2.4.20.img
	root=/dev/hda3
other=/dev/hda1
	label=dos
--- run lilo 0:/etc/lilo.conf
--- expect
config lilo 0:/etc/lilo.conf
default 1
timeout 10
entry 0 "Linux 2.4" id=Linux 2.4 kind=linux
  kernel 0:/boot/vmlinuz-2.4.20
  initrd 0:/boot/initrd-2.4.20.img
  args "root=/dev/hda3"
entry 1 "dos" id=dos kind=chainloader
  kernel 0:/dev/hda1
  args ""
warning dos: other=/dev/hda1 boots another system, not followed
