# unquoted expansions split at blanks (leading/trailing dropped) and join with adjacent text; quoted ones do not
--- file 0:/boot/grub/grub.cfg
set list="a  b   c"
set opts=" quiet  splash "
menuentry Split {
	linux /vmlinuz pre$opts"post" "$list" $list
}
--- run grub2 0:/boot/grub/grub.cfg
--- expect
config grub2 0:/boot/grub/grub.cfg
default 0
entry 0 "Split" kind=linux
  kernel 0:/vmlinuz
  args "prequiet splashpost \"a  b   c\" a b c"
