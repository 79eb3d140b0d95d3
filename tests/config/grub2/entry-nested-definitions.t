# configfile and menuentry inside a plain entry body are not followed here (warnings); the entry stays, empty
--- file 0:/boot/grub/grub.cfg
menuentry "Chain" {
	configfile /boot/grub/other.cfg
}
menuentry "Inner" {
	menuentry "Nested" { linux /vmlinuz }
}
--- run grub2 0:/boot/grub/grub.cfg
--- expect
config grub2 0:/boot/grub/grub.cfg
default 0
entry 0 "Chain" kind=empty
entry 1 "Inner" kind=empty
warning /boot/grub/grub.cfg:2: configfile /boot/grub/other.cfg inside a menu entry is not followed
warning /boot/grub/grub.cfg:5: menuentry 'Nested' inside a menu entry is ignored
