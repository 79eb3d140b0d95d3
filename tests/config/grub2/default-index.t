# default by index, as a GRUB number (0x1 is 1)
--- file 0:/boot/grub/grub.cfg
set default=0x1
menuentry "Zero" --id zero { linux /vmlinuz0 }
menuentry "One" --id one { linux /vmlinuz1 }
menuentry "Two" --id two { linux /vmlinuz2 }
--- run grub2 0:/boot/grub/grub.cfg
--- expect
config grub2 0:/boot/grub/grub.cfg
default 1
entry 0 "Zero" id=zero kind=linux
  kernel 0:/vmlinuz0
  args ""
entry 1 "One" id=one kind=linux
  kernel 0:/vmlinuz1
  args ""
entry 2 "Two" id=two kind=linux
  kernel 0:/vmlinuz2
  args ""
