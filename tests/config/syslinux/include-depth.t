# INCLUDEs nested deeper than 16 files are refused (no loop needed).
--- file 0:/syslinux/syslinux.cfg
INCLUDE inc1.cfg
--- file 0:/syslinux/inc1.cfg
INCLUDE inc2.cfg
--- file 0:/syslinux/inc2.cfg
INCLUDE inc3.cfg
--- file 0:/syslinux/inc3.cfg
INCLUDE inc4.cfg
--- file 0:/syslinux/inc4.cfg
INCLUDE inc5.cfg
--- file 0:/syslinux/inc5.cfg
INCLUDE inc6.cfg
--- file 0:/syslinux/inc6.cfg
INCLUDE inc7.cfg
--- file 0:/syslinux/inc7.cfg
INCLUDE inc8.cfg
--- file 0:/syslinux/inc8.cfg
INCLUDE inc9.cfg
--- file 0:/syslinux/inc9.cfg
INCLUDE inc10.cfg
--- file 0:/syslinux/inc10.cfg
INCLUDE inc11.cfg
--- file 0:/syslinux/inc11.cfg
INCLUDE inc12.cfg
--- file 0:/syslinux/inc12.cfg
INCLUDE inc13.cfg
--- file 0:/syslinux/inc13.cfg
INCLUDE inc14.cfg
--- file 0:/syslinux/inc14.cfg
INCLUDE inc15.cfg
--- file 0:/syslinux/inc15.cfg
INCLUDE inc16.cfg
--- file 0:/syslinux/inc16.cfg
INCLUDE inc17.cfg
--- file 0:/syslinux/inc17.cfg
INCLUDE inc18.cfg
--- file 0:/syslinux/inc18.cfg
INCLUDE inc19.cfg
--- file 0:/syslinux/inc19.cfg
INCLUDE inc20.cfg
--- run syslinux 0:/syslinux/syslinux.cfg
--- expect-error LIMIT nested deeper than 16
