# a configfile whose menu is empty returns to the old script and context
--- file 0:/boot/grub/grub.cfg
set x=outer
configfile /boot/grub/empty.cfg
menuentry "Outer" { linux /vmlinuz x=$x y=$y }
--- file 0:/boot/grub/empty.cfg
set x=inner
set y=inner
--- run grub2 0:/boot/grub/grub.cfg
--- expect
config grub2 0:/boot/grub/grub.cfg
default 0
entry 0 "Outer" kind=linux
  kernel 0:/vmlinuz
  args "x=outer y="
