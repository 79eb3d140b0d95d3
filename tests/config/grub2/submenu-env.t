# a submenu body runs when it is entered: variables it sets reach its entries, not the entries after it; the submenu's arguments are its $1...
--- file 0:/boot/grub/grub.cfg
submenu "Sub" tag {
	set inner="$2"
	menuentry "In" { linux /vmlinuz in=$inner }
}
menuentry "After" { linux /vmlinuz in=$inner }
--- run grub2 0:/boot/grub/grub.cfg
--- expect
config grub2 0:/boot/grub/grub.cfg
default 0>0
submenu 0 "Sub"
  entry 0>0 "In" kind=linux
    kernel 0:/vmlinuz
    args "in=tag"
entry 1 "After" kind=linux
  kernel 0:/vmlinuz
  args "in="
