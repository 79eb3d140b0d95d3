# on the efi platform --hint-efi applies and --hint-bios does not
--- device 1 grub=hd0,msdos2 uuid=DUP
--- device 2 grub=hd1,msdos1 uuid=DUP
--- file 0:/boot/grub/grub.cfg
search --no-floppy --fs-uuid --set=root --hint-bios=hd1,msdos1 --hint-efi=hd0,msdos2 DUP
menuentry H { linux /vmlinuz $root $grub_platform }
--- run grub2 0:/boot/grub/grub.cfg platform=efi
--- expect
config grub2 0:/boot/grub/grub.cfg
default 0
entry 0 "H" kind=linux
  kernel 1:/vmlinuz
  args "hd0,msdos2 efi"
