# test -e -f -d -s on the devices' file systems, with and without a (device); -nt compares false when the times are equal
--- device 1 grub=hd0,msdos2
--- file 0:/boot/vmlinuz
kernel
--- file 0:/boot/empty
--- file 1:/other
x
--- file 0:/boot/grub/grub.cfg
function t { if "$@"; then r="${r}1"; else r="${r}0"; fi; }
r=
t [ -e /boot/vmlinuz ]
t [ -f /boot ]
t [ -d /boot ]
t [ -s /boot/empty ]
t [ -s /boot/vmlinuz ]
t [ -e /nope ]
t [ -e (hd0,msdos2)/other ]
t [ -e (hd0,2)/other ]
t [ -d (hd0,msdos2) ]
t [ -e (hd9,1)/x ]
t [ /boot/vmlinuz -nt /boot/empty ]
menuentry T { linux /vmlinuz $r }
--- run grub2 0:/boot/grub/grub.cfg
--- expect
config grub2 0:/boot/grub/grub.cfg
default 0
entry 0 "T" kind=linux
  kernel 0:/vmlinuz
  args "10101011100"
