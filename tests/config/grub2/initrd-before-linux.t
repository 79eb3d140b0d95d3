# initrd before any kernel and module before multiboot fail with a warning, as in GRUB; loaders outside entries are ignored
--- file 0:/boot/grub/grub.cfg
linux /vmlinuz-toplevel
menuentry I {
	initrd /initrd.img
}
menuentry M {
	module /mod
}
--- run grub2 0:/boot/grub/grub.cfg
--- expect
config grub2 0:/boot/grub/grub.cfg
default 0
entry 0 "I" kind=empty
entry 1 "M" kind=empty
warning /boot/grub/grub.cfg:1: 'linux' outside a menu entry is ignored
warning /boot/grub/grub.cfg:3: initrd: you need to load the kernel first
warning /boot/grub/grub.cfg:6: module: you need to load the multiboot kernel first
