# Unknown options are warnings; a bad timeout number is ignored.
--- file 0:/etc/lilo.conf
prompt
timeout=soon
frobnicate=yes
image=/boot/vmlinuz
  label=linux
  sparkle
--- run lilo 0:/etc/lilo.conf
--- expect
config lilo 0:/etc/lilo.conf
default 0
entry 0 "linux" id=linux kind=linux
  kernel 0:/boot/vmlinuz
  args ""
warning /etc/lilo.conf:2: bad number 'soon', ignored
warning /etc/lilo.conf:3: unknown option 'frobnicate', ignored
warning /etc/lilo.conf:6: unknown option 'sparkle', ignored
