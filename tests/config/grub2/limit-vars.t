# at most 1024 variables
--- file 0:/boot/grub/grub.cfg
menuentry A { linux /vmlinuz }
function grow { for i in 0 1 2 3 4 5 6 7 8 9 a b c d e f; do eval "v$1$i=x"; done; }
for a in 0 1 2 3 4 5 6 7 8 9 a b c d e f; do for b in 0 1 2 3 4 5 6 7 8 9 a b c d e f; do grow $a$b; done; done
--- run grub2 0:/boot/grub/grub.cfg
--- expect-error LIMIT more than 1024 variables
