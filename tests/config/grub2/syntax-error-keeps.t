# GRUB reads a config one line (or construct) at a time: a syntax error drops only that line
--- file 0:/boot/grub/grub.cfg
menuentry "Before" { linux /vmlinuz before }
echo a | b
menuentry "After" { linux /vmlinuz after }
--- run grub2 0:/boot/grub/grub.cfg
--- expect
config grub2 0:/boot/grub/grub.cfg
default 0
entry 0 "Before" kind=linux
  kernel 0:/vmlinuz
  args "before"
entry 1 "After" kind=linux
  kernel 0:/vmlinuz
  args "after"
warning /boot/grub/grub.cfg:2:8: syntax error: unexpected '|', expecting ';' or newline
