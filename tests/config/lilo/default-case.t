# A default= differing only in case still finds its image.
--- file 0:/etc/lilo.conf
prompt
default=LINUX
image=/boot/a
  label=old
image=/boot/b
  label=linux
--- run lilo 0:/etc/lilo.conf
--- expect
config lilo 0:/etc/lilo.conf
default 1
entry 0 "old" id=old kind=linux
  kernel 0:/boot/a
  args ""
entry 1 "linux" id=linux kind=linux
  kernel 0:/boot/b
  args ""
