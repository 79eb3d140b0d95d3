# $? after true, false, a failed test and a loop
--- file 0:/boot/grub/grub.cfg
true; a=$?
false; b=$?
[ x = y ]; c=$?
for i in 1; do false; done; d=$?
if false; then :; fi; e=$?
menuentry S { linux /vmlinuz $a $b $c $d $e }
--- run grub2 0:/boot/grub/grub.cfg
--- expect
config grub2 0:/boot/grub/grub.cfg
default 0
entry 0 "S" kind=linux
  kernel 0:/vmlinuz
  args "0 1 1 1 0"
