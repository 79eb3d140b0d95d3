# break 2 leaves both loops; continue goes on with the inner one
--- file 0:/boot/grub/grub.cfg
out=
for a in 1 2 3; do
	for b in x y z; do
		if [ $b = y ]; then
			if [ $a = 2 ]; then break 2; fi
			continue
		fi
		out="$out$a$b"
	done
done
menuentry "B" { linux /vmlinuz $out }
--- run grub2 0:/boot/grub/grub.cfg
--- expect
config grub2 0:/boot/grub/grub.cfg
default 0
entry 0 "B" kind=linux
  kernel 0:/vmlinuz
  args "1x1z2x"
