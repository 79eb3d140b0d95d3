# malformed: an if never closed swallows the rest of the file; with no entry before it the parse fails
--- file 0:/boot/grub/grub.cfg
if true; then
menuentry A { linux /vmlinuz a }
--- run grub2 0:/boot/grub/grub.cfg
--- expect-error SYNTAX /boot/grub/grub.cfg:3:1: syntax error: unexpected end of file
