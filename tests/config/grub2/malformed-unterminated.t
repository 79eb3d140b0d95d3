# malformed: an unterminated quote (grub-script-check rejects it too)
--- file 0:/boot/grub/grub.cfg
menuentry "x { linux /a }
--- run grub2 0:/boot/grub/grub.cfg
--- expect-error SYNTAX /boot/grub/grub.cfg:1:11: syntax error: unterminated " string
