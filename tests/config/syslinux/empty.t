# An empty config: no entries.
--- file 0:/syslinux.cfg
--- run syslinux 0:/syslinux.cfg
--- expect
config syslinux 0:/syslinux.cfg
default none
