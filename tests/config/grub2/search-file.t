# search --file / -f / search.file find the device holding a file; a failed search warns and leaves the variable alone
--- device 1 grub=hd0,msdos2
--- file 1:/boot/marker
x
--- file 0:/boot/grub/grub.cfg
search --file --set=found /boot/marker
search.file /boot/grub/grub.cfg cfgdev
search -f /nonexistent --set=nf
st=$?
menuentry F { linux ($found)/vmlinuz cfgdev=$cfgdev nf=$nf st=$st }
--- run grub2 0:/boot/grub/grub.cfg
--- expect
config grub2 0:/boot/grub/grub.cfg
default 0
entry 0 "F" kind=linux
  kernel 1:/vmlinuz
  args "cfgdev=hd0,msdos1 nf= st=5"
warning /boot/grub/grub.cfg:3: search: no such device: /nonexistent
