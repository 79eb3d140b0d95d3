# entries defined in a loop: titles are expanded at definition, bodies only when run, so every body sees the last $v; extra arguments carry per-entry values
--- file 0:/boot/grub/grub.cfg
for v in 5.10 6.1; do
	menuentry "Linux $v" $v {
		linux /vmlinuz-$v arg=$2
	}
done
--- run grub2 0:/boot/grub/grub.cfg
--- expect
config grub2 0:/boot/grub/grub.cfg
default 0
entry 0 "Linux 5.10" kind=linux
  kernel 0:/vmlinuz-6.1
  args "arg=5.10"
entry 1 "Linux 6.1" kind=linux
  kernel 0:/vmlinuz-6.1
  args "arg=6.1"
