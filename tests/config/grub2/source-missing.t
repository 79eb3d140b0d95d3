# a missing sourced file is a warning and a failed status
--- file 0:/boot/grub/grub.cfg
source /boot/grub/nothere.cfg
st=$?
menuentry A { linux /vmlinuz $st }
--- run grub2 0:/boot/grub/grub.cfg
--- expect
config grub2 0:/boot/grub/grub.cfg
default 0
entry 0 "A" kind=linux
  kernel 0:/vmlinuz
  args "5"
warning /boot/grub/grub.cfg:1: cannot read /boot/grub/nothere.cfg: file not found
