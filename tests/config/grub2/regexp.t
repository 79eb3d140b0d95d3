# regexp --set [N:]VAR stores match groups (group 1 by default); no match is false
--- file 0:/boot/grub/grub.cfg
regexp --set 1:name --set 2:ver '^([a-z]+)-([0-9.]+)$' 'vmlinuz-6.1'
if regexp 'x' 'abc'; then nomatch=wrong; else nomatch=ok; fi
regexp -s whole '^(v.*)' 'vmlinuz'
regexp --set=0:all 'b+' 'abbbc'
menuentry R { linux /vmlinuz $name $ver $nomatch $whole $all }
--- run grub2 0:/boot/grub/grub.cfg
--- expect
config grub2 0:/boot/grub/grub.cfg
default 0
entry 0 "R" kind=linux
  kernel 0:/vmlinuz
  args "vmlinuz 6.1 ok vmlinuz bbb"
