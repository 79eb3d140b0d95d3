# --class/--users/--hotkey/--unrestricted are accepted, --id sets the id, -- ends options; an unknown option or a missing body refuses the entry
--- file 0:/boot/grub/grub.cfg
if [ x"${feature_menuentry_id}" = xy ]; then
  menuentry_id_option="--id"
else
  menuentry_id_option=""
fi
export menuentry_id_option
menuentry 'One' --class debian --class gnu-linux --class os $menuentry_id_option 'gnulinux-simple-abc' {
	linux /vmlinuz one
}
menuentry --id=two --unrestricted --users alice "Two" --hotkey=t {
	linux /vmlinuz two
}
menuentry "Three" --bogus { linux /vmlinuz three }
menuentry "Four"
menuentry "Five" --id five -- --not-an-option {
	linux /vmlinuz $1 $2
}
--- run grub2 0:/boot/grub/grub.cfg
--- expect
config grub2 0:/boot/grub/grub.cfg
default 0
entry 0 "One" id=gnulinux-simple-abc kind=linux
  kernel 0:/vmlinuz
  args "one"
entry 1 "Two" id=two kind=linux
  kernel 0:/vmlinuz
  args "two"
entry 2 "Five" id=five kind=linux
  kernel 0:/vmlinuz
  args "Five --not-an-option"
warning /boot/grub/grub.cfg:13: menuentry: unknown argument
warning /boot/grub/grub.cfg:14: menuentry: no menuentry definition
