# a submenu opens a new variable context: only exported variables reach its body and entries (Debian live's unexported $loopback is empty inside the submenu, set at top level)
--- file 0:/boot/grub/grub.cfg
set v=x
set e=y
export e
menuentry A { linux /a v=$v e=$e }
submenu S {
	menuentry B { linux /b v=$v e=$e }
}
--- run grub2 0:/boot/grub/grub.cfg
--- expect
config grub2 0:/boot/grub/grub.cfg
default 0
entry 0 "A" kind=linux
  kernel 0:/a
  args "v=x e=y"
submenu 1 "S"
  entry 1>0 "B" kind=linux
    kernel 0:/b
    args "v= e=y"
