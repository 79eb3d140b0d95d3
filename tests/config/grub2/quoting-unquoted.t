# unquoted backslash escapes; an empty unquoted variable vanishes but "" stays an (empty) argument
--- file 0:/boot/grub/grub.cfg
set e=
menuentry Plain {
	linux /vmlinuz a\ b \$HOME c\\d e"f"'g' $e "" h
}
--- run grub2 0:/boot/grub/grub.cfg
--- expect
config grub2 0:/boot/grub/grub.cfg
default 0
entry 0 "Plain" kind=linux
  kernel 0:/vmlinuz
  args "\"a b\" $HOME c\\\\d efg  h"
