# numbers too large for GRUB's reading compare without overflow: 99999999999999999999 is not greater than 1 (GRUB reads it as -1), and a -ot bias that large reads as no bias here (GRUB: 1), so /a is not older than itself; /a exists and /b does not, so -nt holds whatever the bias
--- file 0:/a
x
--- file 0:/boot/grub/grub.cfg
function t { if "$@"; then r="${r}1"; else r="${r}0"; fi; }
r=
t [ 99999999999999999999 -gt 1 ]
t [ -5 -lt -3 ]
t [ /a -nt99999999999999999999 /b ]
t [ /a -ot-99999999999999999999 /a ]
menuentry T { linux /vmlinuz $r }
--- run grub2 0:/boot/grub/grub.cfg
--- expect
config grub2 0:/boot/grub/grub.cfg
default 0
entry 0 "T" kind=linux
  kernel 0:/vmlinuz
  args "0110"
