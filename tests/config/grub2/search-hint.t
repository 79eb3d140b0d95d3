# with two file systems sharing a UUID, the hint for the platform (--hint-bios on pc; extra arguments too) wins; without one the first device does
--- device 1 grub=hd0,msdos2 uuid=DUP
--- device 2 grub=hd1,msdos1 uuid=DUP
--- file 0:/boot/grub/grub.cfg
search --no-floppy --fs-uuid --set=root --hint-bios=hd1,msdos1 --hint-efi=hd0,msdos2 --hint-baremetal=ahci1,msdos1 DUP
search --fs-uuid --set=other DUP
search --fs-uuid --set=third DUP hd1,msdos1
search --fs-uuid --set=fourth --hint=hd1, DUP
menuentry H { linux /vmlinuz $root $other $third $fourth }
--- run grub2 0:/boot/grub/grub.cfg
--- expect
config grub2 0:/boot/grub/grub.cfg
default 0
entry 0 "H" kind=linux
  kernel 2:/vmlinuz
  args "hd1,msdos1 hd0,msdos2 hd1,msdos1 hd1,msdos1"
