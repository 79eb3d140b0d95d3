# malformed: stray fi, done, ;; and [[ lines are dropped one by one; the entries around them stay
--- file 0:/boot/grub/grub.cfg
menuentry A { linux /vmlinuz a }
fi
done
echo a;;
[[ a = b ]]
menuentry B { linux /vmlinuz b }
--- run grub2 0:/boot/grub/grub.cfg
--- expect
config grub2 0:/boot/grub/grub.cfg
default 0
entry 0 "A" kind=linux
  kernel 0:/vmlinuz
  args "a"
entry 1 "B" kind=linux
  kernel 0:/vmlinuz
  args "b"
warning /boot/grub/grub.cfg:2:1: syntax error: unexpected 'fi'
warning /boot/grub/grub.cfg:3:1: syntax error: unexpected 'done'
warning /boot/grub/grub.cfg:4:7: syntax error: unexpected ';;', expecting ';' or newline
warning /boot/grub/grub.cfg:5:1: syntax error: unexpected '[['
