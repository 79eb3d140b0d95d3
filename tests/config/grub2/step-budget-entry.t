# an endless loop in an entry body also runs out of the shared step budget
--- file 0:/boot/grub/grub.cfg
menuentry X { while true; do set a=b; done }
--- run grub2 0:/boot/grub/grub.cfg
--- expect-error LIMIT script ran more than 1000000 steps
