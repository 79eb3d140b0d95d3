# nested submenus; a default path a>b>c walks them by id
--- file 0:/boot/grub/grub.cfg
set default="adv>deeper>k2"
menuentry "Main" { linux /vmlinuz main }
submenu "Advanced" --id adv {
	menuentry "K1" { linux /vmlinuz-1 }
	submenu "Deeper" --id deeper {
		menuentry "K2" --id k2 { linux /vmlinuz-2 }
		menuentry "K3" { linux /vmlinuz-3 }
	}
}
--- run grub2 0:/boot/grub/grub.cfg
--- expect
config grub2 0:/boot/grub/grub.cfg
default 1>1>0
entry 0 "Main" kind=linux
  kernel 0:/vmlinuz
  args "main"
submenu 1 "Advanced" id=adv
  entry 1>0 "K1" kind=linux
    kernel 0:/vmlinuz-1
    args ""
  submenu 1>1 "Deeper" id=deeper
    entry 1>1>0 "K2" id=k2 kind=linux
      kernel 0:/vmlinuz-2
      args ""
    entry 1>1>1 "K3" kind=linux
      kernel 0:/vmlinuz-3
      args ""
