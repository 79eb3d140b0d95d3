# Keywords are case-insensitive; TIMEOUT 15 tenths rounds up to 2 s;
# the DEFAULT label matches case-insensitively when nothing matches exactly.
--- file 0:/syslinux.cfg
TimeOut 15
dEfAuLt SECOND
LaBeL first
KeRnEl /k1
lAbEl second
kernel /k2
Menu Label The Second
--- run syslinux 0:/syslinux.cfg
--- expect
config syslinux 0:/syslinux.cfg
default 1
timeout 2
entry 0 "first" id=first kind=linux
  kernel 0:/k1
  args ""
entry 1 "The Second" id=second kind=linux
  kernel 0:/k2
  args ""
