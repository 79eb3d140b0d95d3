# recursion through nested commands stops at the command nesting limit (512), which bounds the C stack, before the function depth limit
--- file 0:/boot/grub/grub.cfg
function f { if true; then if true; then if true; then if true; then if true; then if true; then if true; then if true; then f; fi; fi; fi; fi; fi; fi; fi; fi; }
menuentry A { linux /vmlinuz }
f
--- run grub2 0:/boot/grub/grub.cfg
--- expect-error LIMIT commands nested deeper than 512
