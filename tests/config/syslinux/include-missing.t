# A missing INCLUDE is skipped with a warning (syslinux ignores it); MENU
# INCLUDE with a tag reads the file.
--- file 0:/syslinux/syslinux.cfg
INCLUDE nothere.cfg
MENU INCLUDE entries.cfg Entries
--- file 0:/syslinux/entries.cfg
LABEL x
  KERNEL /x
--- run syslinux 0:/syslinux/syslinux.cfg
--- expect
config syslinux 0:/syslinux/syslinux.cfg
default 0
entry 0 "x" id=x kind=linux
  kernel 0:/x
  args ""
warning /syslinux/syslinux.cfg:1: cannot read INCLUDE /syslinux/nothere.cfg
