# a string grown one byte per round: copying counts against the step budget, so this stops long before the size limit
--- file 0:/boot/grub/grub.cfg
menuentry A { linux /vmlinuz }
x=
while [ "$x" != never ]; do x="${x}a"; done
--- run grub2 0:/boot/grub/grub.cfg
--- expect-error LIMIT script ran more than 1000000 steps
