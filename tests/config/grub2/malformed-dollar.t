# malformed: a $ with no variable name, and ${ unclosed
--- file 0:/boot/grub/grub.cfg
menuentry A { linux /vmlinuz ${a }
--- run grub2 0:/boot/grub/grub.cfg
--- expect-error SYNTAX /boot/grub/grub.cfg:1:30: syntax error: '$' without a variable name
