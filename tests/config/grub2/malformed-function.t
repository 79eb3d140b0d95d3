# malformed: a function body needs a delimiter before its closing brace
--- file 0:/boot/grub/grub.cfg
function f { echo a }
--- run grub2 0:/boot/grub/grub.cfg
--- expect-error SYNTAX /boot/grub/grub.cfg:1:21: syntax error: unexpected '}', expecting ';' or newline
