# Comma-separated initrd lists (INITRD and initrd=); INITRD is passed as
# a final initrd= so it wins; of several initrd= words the last counts;
# LINUX forces a Linux kernel whatever the extension.
--- file 0:/boot/syslinux/syslinux.cfg
LABEL both
  LINUX ../vmlinuz.img
  INITRD /boot/ucode.img,initramfs.img
  APPEND initrd=ignored.img quiet
LABEL two-words
  KERNEL vmlinuz
  APPEND initrd=first.img ro initrd=a.img,b.img
--- run syslinux 0:/boot/syslinux/syslinux.cfg
--- expect
config syslinux 0:/boot/syslinux/syslinux.cfg
default 0
entry 0 "both" id=both kind=linux
  kernel 0:/boot/vmlinuz.img
  initrd 0:/boot/ucode.img
  initrd 0:/boot/syslinux/initramfs.img
  args "quiet"
entry 1 "two-words" id=two-words kind=linux
  kernel 0:/boot/syslinux/vmlinuz
  initrd 0:/boot/syslinux/a.img
  initrd 0:/boot/syslinux/b.img
  args "ro"
