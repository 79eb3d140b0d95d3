# ".." and "." in relative paths apply to the config's directory and can
# not climb above the file system root; doubled slashes collapse.
--- file 0:/boot/extlinux/extlinux.conf
LABEL a
  KERNEL ../../../../vmlinuz
  INITRD ./initrd//one.img,../boot/./two.img
--- run syslinux 0:/boot/extlinux/extlinux.conf
--- expect
config syslinux 0:/boot/extlinux/extlinux.conf
default 0
entry 0 "a" id=a kind=linux
  kernel 0:/vmlinuz
  initrd 0:/boot/extlinux/initrd/one.img
  initrd 0:/boot/boot/two.img
  args ""
