# Comma-separated initrd lists (INITRD and initrd=); INITRD is passed as
# a final initrd=, and syslinux's kernel.c loads the first initrd= of the
# command line (strstr), so an APPEND initrd= wins over INITRD and of
# several initrd= words the first counts; LINUX forces a Linux kernel
# whatever the extension.
--- file 0:/boot/syslinux/syslinux.cfg
LABEL both
  LINUX ../vmlinuz.img
  INITRD /boot/ucode.img,initramfs.img
  APPEND initrd=ignored.img quiet
LABEL two-words
  KERNEL vmlinuz
  APPEND initrd=first.img ro initrd=a.img,b.img
LABEL list
  KERNEL vmlinuz
  INITRD /boot/ucode.img,initramfs.img
  APPEND quiet
--- run syslinux 0:/boot/syslinux/syslinux.cfg
--- expect
config syslinux 0:/boot/syslinux/syslinux.cfg
default 0
entry 0 "both" id=both kind=linux
  kernel 0:/boot/vmlinuz.img
  initrd 0:/boot/syslinux/ignored.img
  args "quiet"
entry 1 "two-words" id=two-words kind=linux
  kernel 0:/boot/syslinux/vmlinuz
  initrd 0:/boot/syslinux/first.img
  args "ro"
entry 2 "list" id=list kind=linux
  kernel 0:/boot/syslinux/vmlinuz
  initrd 0:/boot/ucode.img
  initrd 0:/boot/syslinux/initramfs.img
  args "quiet"
