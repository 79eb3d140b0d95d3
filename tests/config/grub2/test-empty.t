# GRUB quirk: [ ] and [ $empty ] are true (no arguments), [ "$empty" ] is false
--- file 0:/boot/grub/grub.cfg
function t { if "$@"; then r="${r}1"; else r="${r}0"; fi; }
r=
e=
t [ ]
t [ $e ]
t [ "$e" ]
t [ -n $e ]
t [ -z $e ]
t [ -n "$e" ]
menuentry T { linux /vmlinuz $r }
--- run grub2 0:/boot/grub/grub.cfg
--- expect
config grub2 0:/boot/grub/grub.cfg
default 0
entry 0 "T" kind=linux
  kernel 0:/vmlinuz
  args "110110"
