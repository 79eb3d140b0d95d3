# timeout_style=hidden with a timeout hides the menu
--- file 0:/boot/grub/grub.cfg
set timeout_style=hidden
set timeout=0
menuentry A { linux /vmlinuz }
--- run grub2 0:/boot/grub/grub.cfg
--- expect
config grub2 0:/boot/grub/grub.cfg
default 0
timeout 0
hidden
entry 0 "A" kind=linux
  kernel 0:/vmlinuz
  args ""
