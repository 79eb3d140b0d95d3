# eval joins its arguments into one script; setparams replaces the positional parameters; increment/decrement; return outside a function fails
--- file 0:/boot/grub/grub.cfg
eval "set a=1" "b=2"
eval 'c=3;' 'd=4'
function f { setparams x y; r="$1$2$#"; }
f a b c
set n=5
increment n
m=0
decrement m
return
menuentry E { linux /vmlinuz a=$a b=$b c=$c d=$d r=$r n=$n m=$m }
--- run grub2 0:/boot/grub/grub.cfg
--- expect
config grub2 0:/boot/grub/grub.cfg
default 0
entry 0 "E" kind=linux
  kernel 0:/vmlinuz
  args "a=1 b= c=3 d=4 r=xy2 n=6 m=-1"
warning /boot/grub/grub.cfg:9: return: not in function body
