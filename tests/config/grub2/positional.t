# $# "$*" $1 shift "$@" inside a function: "$@" keeps one word per parameter even inside an assignment, so rest= gets only the first; no positional parameters at top level
--- file 0:/boot/grub/grub.cfg
function f {
	n=$#
	all="$*"
	first=$1
	shift
	rest="$@"
	ten=${10}
}
f a "b c" d
top="[$1$#]"
menuentry P { linux /vmlinuz n=$n "all=$all" first=$first "rest=$rest" ten=$ten $top }
--- run grub2 0:/boot/grub/grub.cfg
--- expect
config grub2 0:/boot/grub/grub.cfg
default 0
entry 0 "P" kind=linux
  kernel 0:/vmlinuz
  args "n=3 \"all=a b c d\" first=a \"rest=b c\" ten= []"
