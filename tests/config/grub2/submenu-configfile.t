# a configfile run by a submenu body supplies that submenu's entries (its new menu is what GRUB shows)
--- file 0:/boot/grub/grub.cfg
submenu "More" {
	configfile /boot/grub/more.cfg
	menuentry "Never" { linux /never }
}
--- file 0:/boot/grub/more.cfg
menuentry "From more" { linux /vmlinuz-more }
--- run grub2 0:/boot/grub/grub.cfg
--- expect
config grub2 0:/boot/grub/grub.cfg
default 0>0
submenu 0 "More"
  entry 0>0 "From more" kind=linux
    kernel 0:/vmlinuz-more
    args ""
