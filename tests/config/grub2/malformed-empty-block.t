# malformed: GRUB needs at least one command in a { } block
--- file 0:/boot/grub/grub.cfg
menuentry "x" { }
--- run grub2 0:/boot/grub/grub.cfg
--- expect-error SYNTAX /boot/grub/grub.cfg:1:17: syntax error: unexpected '}', expecting a command
