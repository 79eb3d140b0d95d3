# a timeout that is not a number means wait forever, and then timeout_style=hidden does not apply (GRUB unsets it)
--- file 0:/boot/grub/grub.cfg
set timeout=abc
set timeout_style=hidden
menuentry A { linux /vmlinuz }
--- run grub2 0:/boot/grub/grub.cfg
--- expect
config grub2 0:/boot/grub/grub.cfg
default 0
entry 0 "A" kind=linux
  kernel 0:/vmlinuz
  args ""
