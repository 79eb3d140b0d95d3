# single quotes keep everything literal; the kernel sees GRUB's quoting of args with spaces and escapes of \ ' "
--- file 0:/boot/grub/grub.cfg
menuentry 'Single $quoted "title"' {
	linux /vmlinuz 'a b' 'c\d' '$x' 'it'\''s'
}
--- run grub2 0:/boot/grub/grub.cfg
--- expect
config grub2 0:/boot/grub/grub.cfg
default 0
entry 0 "Single $quoted \"title\"" kind=linux
  kernel 0:/vmlinuz
  args "\"a b\" c\\\\d $x it\\'s"
