# ! inverts a command's result; with an error other than false it succeeds, as in GRUB
--- file 0:/boot/grub/grub.cfg
if ! false; then a=1; fi
if ! true; then b=1; else b=0; fi
! nosuchcommand; c=$?
menuentry N { linux /vmlinuz a=$a b=$b c=$c }
--- run grub2 0:/boot/grub/grub.cfg
--- expect
config grub2 0:/boot/grub/grub.cfg
default 0
entry 0 "N" kind=linux
  kernel 0:/vmlinuz
  args "a=1 b=0 c=0"
warning /boot/grub/grub.cfg:3: unknown command 'nosuchcommand'
