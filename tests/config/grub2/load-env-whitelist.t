# load_env -f FILE --skip-sig VAR loads only the listed variables; a missing file and a bad signature are warnings
--- file 0:/boot/grub/custom.env
# GRUB Environment Block
a=1
b=2
--- file 0:/boot/grub/nosig.env
a=9
--- file 0:/boot/grub/grub.cfg
load_env -f (hd0,msdos1)/boot/grub/custom.env --skip-sig a
load_env --file=/boot/grub/missing.env
load_env -f /boot/grub/nosig.env
menuentry W { linux /vmlinuz a=$a b=$b }
--- run grub2 0:/boot/grub/grub.cfg
--- expect
config grub2 0:/boot/grub/grub.cfg
default 0
entry 0 "W" kind=linux
  kernel 0:/vmlinuz
  args "a=1 b="
warning /boot/grub/grub.cfg:2: load_env: cannot read /boot/grub/missing.env: file not found
warning /boot/grub/grub.cfg:3: load_env: invalid environment block
