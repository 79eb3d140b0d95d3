# INCLUDE loops are refused.
--- file 0:/syslinux/syslinux.cfg
LABEL a
  KERNEL /a
INCLUDE b.cfg
--- file 0:/syslinux/b.cfg
MENU INCLUDE syslinux.cfg
--- run syslinux 0:/syslinux/syslinux.cfg
--- expect-error LIMIT loops
