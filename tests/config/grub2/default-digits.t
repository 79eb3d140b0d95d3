# GRUB reads a default that starts with digits as a number: "2 Trailing" is entry 2, not the entry titled so
--- file 0:/boot/grub/grub.cfg
set default="2 Trailing"
menuentry "Zero" { linux /vmlinuz0 }
menuentry "2 Trailing" { linux /vmlinuz1 }
menuentry "Two" { linux /vmlinuz2 }
--- run grub2 0:/boot/grub/grub.cfg
--- expect
config grub2 0:/boot/grub/grub.cfg
default 2
entry 0 "Zero" kind=linux
  kernel 0:/vmlinuz0
  args ""
entry 1 "2 Trailing" kind=linux
  kernel 0:/vmlinuz1
  args ""
entry 2 "Two" kind=linux
  kernel 0:/vmlinuz2
  args ""
