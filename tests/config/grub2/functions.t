# functions with arguments and return values; $? after a call
--- file 0:/boot/grub/grub.cfg
function pick {
	if [ "$1" = "$2" ]; then return 0; fi
	return 3
}
pick a a; r1=$?
pick a b; r2=$?
function greet { set greeting="hello $1"; }
greet world
menuentry F { linux /vmlinuz r1=$r1 r2=$r2 "$greeting" }
--- run grub2 0:/boot/grub/grub.cfg
--- expect
config grub2 0:/boot/grub/grub.cfg
default 0
entry 0 "F" kind=linux
  kernel 0:/vmlinuz
  args "r1=0 r2=3 \"hello world\""
