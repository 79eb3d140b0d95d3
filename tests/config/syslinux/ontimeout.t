# No DEFAULT: ONTIMEOUT names the label booted when the menu times out.
--- file 0:/syslinux.cfg
UI menu.c32
ONTIMEOUT local
TIMEOUT 100
LABEL linux
  KERNEL /vmlinuz
LABEL local
  KERNEL /vmlinuz-local
--- run syslinux 0:/syslinux.cfg
--- expect
config syslinux 0:/syslinux.cfg
default 1
timeout 10
entry 0 "linux" id=linux kind=linux
  kernel 0:/vmlinuz
  args ""
entry 1 "local" id=local kind=linux
  kernel 0:/vmlinuz-local
  args ""
