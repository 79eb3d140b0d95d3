# COM32 modules (other than mboot.c32), boot sectors, PXE images,
# LOCALBOOT: recorded as chain entries with warnings. A label without
# KERNEL boots the file named like the label.
--- file 0:/boot/syslinux/syslinux.cfg
LABEL hdt
  COM32 hdt.c32
LABEL chain
  KERNEL chain.c32
  APPEND hd0 1
LABEL dos
  BOOT /dos/bootsect.bin
LABEL local
  LOCALBOOT 0
LABEL memtest86
--- run syslinux 0:/boot/syslinux/syslinux.cfg
--- expect
config syslinux 0:/boot/syslinux/syslinux.cfg
default 0
entry 0 "hdt" id=hdt kind=chainloader
  kernel 0:/boot/syslinux/hdt.c32
  args ""
entry 1 "chain" id=chain kind=chainloader
  kernel 0:/boot/syslinux/chain.c32
  args "hd0 1"
entry 2 "dos" id=dos kind=chainloader
  kernel 0:/dos/bootsect.bin
  args ""
entry 3 "local" id=local kind=chainloader
  args ""
entry 4 "memtest86" id=memtest86 kind=linux
  kernel 0:/boot/syslinux/memtest86
  args ""
warning label hdt: COM32 module hdt.c32, not followed
warning label chain: COM32 module chain.c32, not followed
warning label dos: boot sector or PXE image /dos/bootsect.bin, not followed
warning label local: LOCALBOOT, not followed
