# the whole chunk is dropped: a command before the error on the same line does not run
--- file 0:/boot/grub/grub.cfg
set a=1; set b=2; fi
menuentry "A" { linux /vmlinuz a=$a b=$b }
--- run grub2 0:/boot/grub/grub.cfg
--- expect
config grub2 0:/boot/grub/grub.cfg
default 0
entry 0 "A" kind=linux
  kernel 0:/vmlinuz
  args "a= b="
warning /boot/grub/grub.cfg:1:19: syntax error: unexpected 'fi'
