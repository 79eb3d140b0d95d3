# DEFAULT naming no label is a kernel command line: an entry of its own,
# appended after the labels, and the default.
--- file 0:/syslinux.cfg
DEFAULT vmlinuz initrd=initrd.gz root=/dev/ram0  console=ttyS0
LABEL rescue
  KERNEL vmlinuz
  APPEND single
--- run syslinux 0:/syslinux.cfg
--- expect
config syslinux 0:/syslinux.cfg
default 1
entry 0 "rescue" id=rescue kind=linux
  kernel 0:/vmlinuz
  args "single"
entry 1 "vmlinuz initrd=initrd.gz root=/dev/ram0  console=ttyS0" kind=linux
  kernel 0:/vmlinuz
  initrd 0:/initrd.gz
  args "root=/dev/ram0 console=ttyS0"
