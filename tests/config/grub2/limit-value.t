# a variable doubled in a loop stops at the value size limit
--- file 0:/boot/grub/grub.cfg
menuentry A { linux /vmlinuz }
x=a
while true; do x="$x$x"; done
--- run grub2 0:/boot/grub/grub.cfg
--- expect-error LIMIT variable 'x' longer than 65536 bytes
