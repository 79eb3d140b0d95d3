# unknown commands warn and fail ($? nonzero) without stopping the script or the entry
--- file 0:/boot/grub/grub.cfg
frobnicate --all
st=$?
if frobnicate; then ok=yes; else ok=no; fi
menuentry U { linux /vmlinuz st=$st ok=$ok
 widget }
--- run grub2 0:/boot/grub/grub.cfg
--- expect
config grub2 0:/boot/grub/grub.cfg
default 0
entry 0 "U" kind=linux
  kernel 0:/vmlinuz
  args "st=15 ok=no"
warning /boot/grub/grub.cfg:1: unknown command 'frobnicate'
warning /boot/grub/grub.cfg:3: unknown command 'frobnicate'
warning /boot/grub/grub.cfg:5: unknown command 'widget'
