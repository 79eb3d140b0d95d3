# double quotes expand variables unsplit; \$ \" \\ are escapes, other backslashes stay
--- file 0:/boot/grub/grub.cfg
set v="x y"
menuentry "Double" {
	linux /vmlinuz "$v" "a\$b" "q\"q" "b\\s" "n\n" "${v}z"
}
--- run grub2 0:/boot/grub/grub.cfg
--- expect
config grub2 0:/boot/grub/grub.cfg
default 0
entry 0 "Double" kind=linux
  kernel 0:/vmlinuz
  args "\"x y\" a$b q\\\"q b\\\\s n\\\\n \"x yz\""
