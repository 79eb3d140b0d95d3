# default by title, matched after the whole script ran (the last set wins)
--- file 0:/boot/grub/grub.cfg
set default="One"
menuentry "Zero" --id zero { linux /vmlinuz0 }
menuentry "One" --id one { linux /vmlinuz1 }
menuentry "Two" --id two { linux /vmlinuz2 }
set default="Two"
--- run grub2 0:/boot/grub/grub.cfg
--- expect
config grub2 0:/boot/grub/grub.cfg
default 2
entry 0 "Zero" id=zero kind=linux
  kernel 0:/vmlinuz0
  args ""
entry 1 "One" id=one kind=linux
  kernel 0:/vmlinuz1
  args ""
entry 2 "Two" id=two kind=linux
  kernel 0:/vmlinuz2
  args ""
