# "nomatch>1": entry 0 is taken at the top, and "1" still chooses inside it
--- file 0:/boot/grub/grub.cfg
set default="nomatch>1"
submenu "First" {
	menuentry "F0" { linux /f0 }
	menuentry "F1" { linux /f1 }
}
--- run grub2 0:/boot/grub/grub.cfg
--- expect
config grub2 0:/boot/grub/grub.cfg
default 0>1
submenu 0 "First"
  entry 0>0 "F0" kind=linux
    kernel 0:/f0
    args ""
  entry 0>1 "F1" kind=linux
    kernel 0:/f1
    args ""
