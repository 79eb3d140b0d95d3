# endless recursion stops at GRUB's function depth limit (64) with a LIMIT error
--- file 0:/boot/grub/grub.cfg
menuentry X { linux /vmlinuz }
function f { f; }
f
--- run grub2 0:/boot/grub/grub.cfg
--- expect-error LIMIT function calls nested deeper than 64
