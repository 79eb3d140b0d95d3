# ">>" in a default stands for a literal ">" in a title
--- file 0:/boot/grub/grub.cfg
set default="A>>B"
menuentry "A" { linux /vmlinuz0 }
menuentry "A>B" { linux /vmlinuz1 }
--- run grub2 0:/boot/grub/grub.cfg
--- expect
config grub2 0:/boot/grub/grub.cfg
default 1
entry 0 "A" kind=linux
  kernel 0:/vmlinuz0
  args ""
entry 1 "A>B" kind=linux
  kernel 0:/vmlinuz1
  args ""
