# A global APPEND applies to labels without their own; a label's APPEND
# replaces it; "APPEND -" means no options at all.
--- file 0:/boot/extlinux/extlinux.conf
APPEND root=/dev/sda1 ro
LABEL a
  KERNEL /vmlinuz
LABEL b
  KERNEL /vmlinuz
  APPEND -
LABEL c
  KERNEL /vmlinuz
  APPEND quiet
DEFAULT c
--- run syslinux 0:/boot/extlinux/extlinux.conf
--- expect
config syslinux 0:/boot/extlinux/extlinux.conf
default 2
entry 0 "a" id=a kind=linux
  kernel 0:/vmlinuz
  args "root=/dev/sda1 ro"
entry 1 "b" id=b kind=linux
  kernel 0:/vmlinuz
  args ""
entry 2 "c" id=c kind=linux
  kernel 0:/vmlinuz
  args "quiet"
