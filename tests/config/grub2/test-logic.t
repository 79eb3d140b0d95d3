# test ! -a -o and parentheses, evaluated left to right as GRUB does
--- file 0:/boot/grub/grub.cfg
function t { if "$@"; then r="${r}1"; else r="${r}0"; fi; }
r=
t [ ! a = b ]
t [ a = a -a b = c ]
t [ a = b -o c = c ]
t [ ( a = b -o c = c ) -a x = x ]
t [ ! ( a = a ) ]
t [ a = b -o ! c = d ]
t [ ! ! a = a ]
t [ a = a b = c ]
menuentry T { linux /vmlinuz $r }
--- run grub2 0:/boot/grub/grub.cfg
--- expect
config grub2 0:/boot/grub/grub.cfg
default 0
entry 0 "T" kind=linux
  kernel 0:/vmlinuz
  args "10110110"
