# Neither DEFAULT nor UI: MENU DEFAULT is what names the default (u-root's menu-default)
--- file 0:/syslinux.cfg
LABEL bar
  KERNEL /kernel2
  APPEND console=ttyS0
LABEL foo
  MENU DEFAULT
  LINUX /kernel1
  APPEND earlyprintk=ttyS0
--- run syslinux 0:/syslinux.cfg
--- expect
config syslinux 0:/syslinux.cfg
default 1
entry 0 "bar" id=bar kind=linux
  kernel 0:/kernel2
  args "console=ttyS0"
entry 1 "foo" id=foo kind=linux
  kernel 0:/kernel1
  args "earlyprintk=ttyS0"
