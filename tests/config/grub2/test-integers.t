# test integer operators (base prefixes, negative numbers) and -pgt/-plt, which compare the numbers after a common prefix
--- file 0:/boot/grub/grub.cfg
function t { if "$@"; then r="${r}1"; else r="${r}0"; fi; }
r=
t [ 5 -eq 5 ]
t [ -3 -lt 2 ]
t [ 10 -gt 9 ]
t [ 7 -le 6 ]
t [ 0x10 -eq 16 ]
t [ 4 -ne 4 ]
t [ 3 -ge 3 ]
t [ vmlinuz-2 -plt vmlinuz-11 ]
t [ vmlinuz-2 -pgt vmlinuz-11 ]
t [ 5.10 -pgt 5.9 ]
t [ 10 \> 9 ]
menuentry T { linux /vmlinuz $r }
--- run grub2 0:/boot/grub/grub.cfg
--- expect
config grub2 0:/boot/grub/grub.cfg
default 0
entry 0 "T" kind=linux
  kernel 0:/vmlinuz
  args "11101011010"
