# Without a menu UI, MENU DEFAULT means nothing: DEFAULT decides.
--- file 0:/syslinux.cfg
DEFAULT a
LABEL a
  KERNEL /a
LABEL b
  MENU DEFAULT
  KERNEL /b
--- run syslinux 0:/syslinux.cfg
--- expect
config syslinux 0:/syslinux.cfg
default 0
entry 0 "a" id=a kind=linux
  kernel 0:/a
  args ""
entry 1 "b" id=b kind=linux
  kernel 0:/b
  args ""
