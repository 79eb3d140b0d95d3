# An unterminated quoted value is a syntax error with file:line:col.
--- file 0:/etc/lilo.conf
image=/boot/vmlinuz
  append="quiet splash
  label=linux
--- run lilo 0:/etc/lilo.conf
--- expect-error SYNTAX /etc/lilo.conf:2:10: unterminated quoted string
