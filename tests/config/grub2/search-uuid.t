# search --fs-uuid --set=root / -u -s: the device with that file system UUID becomes $root, and paths without a device use it
--- device 1 grub=hd0,msdos2 uuid=1111-2222 label=ROOT
--- device 2 grub=hd0,msdos3 uuid=3333-4444 label=DATA
--- file 0:/boot/grub/grub.cfg
search --no-floppy --fs-uuid --set=root 3333-4444
set r1=$root
search -u 1111-2222 -s
menuentry U { linux /vmlinuz r1=$r1 root=$root }
--- run grub2 0:/boot/grub/grub.cfg
--- expect
config grub2 0:/boot/grub/grub.cfg
default 0
entry 0 "U" kind=linux
  kernel 1:/vmlinuz
  args "r1=hd0,msdos3 root=hd0,msdos2"
