# as GRUB, an entry body runs with the environment after the whole script, not the one when it was defined
--- file 0:/boot/grub/grub.cfg
set kopts=early
menuentry E { linux /vmlinuz $kopts $1 }
set kopts=late
--- run grub2 0:/boot/grub/grub.cfg
--- expect
config grub2 0:/boot/grub/grub.cfg
default 0
entry 0 "E" kind=linux
  kernel 0:/vmlinuz
  args "late E"
