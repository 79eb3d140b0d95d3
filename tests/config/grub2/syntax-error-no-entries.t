# a syntax error and no entry at all: the parse fails with file:line:col
--- file 0:/boot/grub/grub.cfg
set timeout=5
if true; then
fi
--- run grub2 0:/boot/grub/grub.cfg
--- expect-error SYNTAX /boot/grub/grub.cfg:3:1: syntax error: unexpected 'fi', expecting a command
