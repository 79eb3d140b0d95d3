# timeout 10s style countdown: not hidden; "10s" reads as 10 as GRUB strtoul does
--- file 0:/boot/grub/grub.cfg
set timeout_style=countdown
set timeout=10s
menuentry A { linux /vmlinuz }
--- run grub2 0:/boot/grub/grub.cfg
--- expect
config grub2 0:/boot/grub/grub.cfg
default 0
timeout 10
entry 0 "A" kind=linux
  kernel 0:/vmlinuz
  args ""
