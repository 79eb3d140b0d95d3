# a path whose second part matches nothing boots the submenu's first entry; a path whose first part matches nothing still applies its rest below entry 0
--- file 0:/boot/grub/grub.cfg
set default="adv>nomatch"
submenu "First" --id first {
	menuentry "F0" { linux /f0 }
	menuentry "F1" { linux /f1 }
}
submenu "Advanced" --id adv {
	menuentry "A0" { linux /a0 }
	menuentry "A1" { linux /a1 }
}
--- run grub2 0:/boot/grub/grub.cfg
--- expect
config grub2 0:/boot/grub/grub.cfg
default 1>0
submenu 0 "First" id=first
  entry 0>0 "F0" kind=linux
    kernel 0:/f0
    args ""
  entry 0>1 "F1" kind=linux
    kernel 0:/f1
    args ""
submenu 1 "Advanced" id=adv
  entry 1>0 "A0" kind=linux
    kernel 0:/a0
    args ""
  entry 1>1 "A1" kind=linux
    kernel 0:/a1
    args ""
