# An empty config: no entries, nothing to boot.
--- file 0:/boot/grub/menu.lst
--- run grub1 0:/boot/grub/menu.lst
--- expect
config grub1 0:/boot/grub/menu.lst
default none
