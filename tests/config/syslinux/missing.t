# No such config file.
--- file 0:/isolinux/isolinux.cfg
LABEL x
--- run syslinux 0:/syslinux/syslinux.cfg
--- expect-error NOT_FOUND syslinux.cfg
