# a config that sources itself stops at the source nesting limit
--- file 0:/boot/grub/grub.cfg
menuentry A { linux /vmlinuz }
source /boot/grub/grub.cfg
--- run grub2 0:/boot/grub/grub.cfg
--- expect-error LIMIT source/configfile nested deeper than 16
