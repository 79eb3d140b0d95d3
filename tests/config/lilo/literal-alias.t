# literal= replaces the whole command line; default= may name an alias;
# several settings on one line; prompt without timeout waits forever.
--- file 0:/etc/lilo.conf
prompt default=rescue root=/dev/hda1
image=/boot/vmlinuz label=linux
image=/boot/vmlinuz label=single alias=rescue literal="init=/bin/sh rw root=/dev/hda1"
--- run lilo 0:/etc/lilo.conf
--- expect
config lilo 0:/etc/lilo.conf
default 1
entry 0 "linux" id=linux kind=linux
  kernel 0:/boot/vmlinuz
  args "root=/dev/hda1"
entry 1 "single" id=single kind=linux
  kernel 0:/boot/vmlinuz
  args "init=/bin/sh rw root=/dev/hda1"
