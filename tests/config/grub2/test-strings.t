# test string operators: = == != < > <= >= -z -n and a lone string
--- file 0:/boot/grub/grub.cfg
function t { if "$@"; then r="${r}1"; else r="${r}0"; fi; }
r=
t [ a = a ]
t [ a == b ]
t [ a != b ]
t [ abc \< abd ]
t [ b \> a ]
t [ a \<= a ]
t [ a \>= b ]
t [ -z "" ]
t [ -n "" ]
t [ -n x ]
t test foo
t test ""
menuentry T { linux /vmlinuz $r }
--- run grub2 0:/boot/grub/grub.cfg
--- expect
config grub2 0:/boot/grub/grub.cfg
default 0
entry 0 "T" kind=linux
  kernel 0:/vmlinuz
  args "101111010110"
