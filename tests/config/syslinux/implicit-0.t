# IMPLICIT 0: only LABELs boot; a DEFAULT naming no label is no command line then (petitboot's syslinux-explicit); a KERNEL before the first LABEL is ignored
--- file 0:/syslinux.cfg
DEFAULT boot
KERNEL /vmlinuz
APPEND console=tty0
LABEL backup
KERNEL /backup/vmlinuz
APPEND root=/dev/sdb
INITRD /boot/initrd
IMPLICIT 0
--- run syslinux 0:/syslinux.cfg
--- expect
config syslinux 0:/syslinux.cfg
default 0
entry 0 "backup" id=backup kind=linux
  kernel 0:/backup/vmlinuz
  initrd 0:/boot/initrd
  args "root=/dev/sdb"
warning /syslinux.cfg:2: kernel outside a LABEL, ignored: /vmlinuz
warning "boot" names no LABEL and IMPLICIT 0 forbids booting it
