# A line starting with '=' is a syntax error.
--- file 0:/etc/lilo.conf
prompt
  = /boot/vmlinuz
--- run lilo 0:/etc/lilo.conf
--- expect-error SYNTAX /etc/lilo.conf:2:3: '=' without a name
