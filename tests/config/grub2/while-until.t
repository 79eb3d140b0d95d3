# while and until loops; regexp strips one character per round
--- file 0:/boot/grub/grub.cfg
x=
while [ "$x" != aaa ]; do x="${x}a"; done
y=bbbb
until [ -z "$y" ]; do
	regexp --set=y '^b(.*)$' "$y"
done
menuentry "W" { linux /vmlinuz x=$x y=$y }
--- run grub2 0:/boot/grub/grub.cfg
--- expect
config grub2 0:/boot/grub/grub.cfg
default 0
entry 0 "W" kind=linux
  kernel 0:/vmlinuz
  args "x=aaa y="
