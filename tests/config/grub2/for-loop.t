# for with continue and break; the loop variable keeps its last value; an empty list runs nothing
--- file 0:/boot/grub/grub.cfg
set out=
for k in 1 2 3 4 5; do
	if [ $k = 2 ]; then continue; fi
	if [ $k = 4 ]; then break; fi
	set out="$out$k"
done
for w in $empty; do set out=never; done
menuentry "For $out" { linux /vmlinuz k=$k out=$out }
--- run grub2 0:/boot/grub/grub.cfg
--- expect
config grub2 0:/boot/grub/grub.cfg
default 0
entry 0 "For 13" kind=linux
  kernel 0:/vmlinuz
  args "k=4 out=13"
