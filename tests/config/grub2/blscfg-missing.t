# blscfg with no entries directory warns; the other entries stay
--- file 0:/boot/grub/grub.cfg
blscfg
menuentry A { linux /vmlinuz }
--- run grub2 0:/boot/grub/grub.cfg
--- expect
config grub2 0:/boot/grub/grub.cfg
default 0
semantics fedora blscfg (assumed: no GRUB modules or core image found)
entry 0 "A" kind=linux
  kernel 0:/vmlinuz
  args ""
warning /boot/grub/grub.cfg:1: blscfg: no BLS entries directory on (hd0,msdos1)
