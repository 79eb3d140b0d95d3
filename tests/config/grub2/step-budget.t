# an endless loop runs out of the step budget
--- file 0:/boot/grub/grub.cfg
menuentry X { linux /vmlinuz }
while true; do true; done
--- run grub2 0:/boot/grub/grub.cfg
--- expect-error LIMIT script ran more than 1000000 steps
