# set uses only its first argument; name=value; unset; export creates an empty variable
--- file 0:/boot/grub/grub.cfg
set a=first second
x=plain
y="with space"
set z=gone
unset z
export w
menuentry V {
	linux /vmlinuz a=$a x=$x y=$y z=$z w=$w
}
--- run grub2 0:/boot/grub/grub.cfg
--- expect
config grub2 0:/boot/grub/grub.cfg
default 0
entry 0 "V" kind=linux
  kernel 0:/vmlinuz
  args "a=first x=plain y=with space z= w="
