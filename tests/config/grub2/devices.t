# GRUB device syntax: (hd0,2) is partition 2 of any table, (hd0,gpt2), (hd1), ($root); (lvm/...) and (md/...) are unknown here
--- device 1 grub=hd0,gpt2
--- device 2 grub=hd1
--- file 0:/boot/grub/grub.cfg
menuentry D {
	linux (hd0,2)/vmlinuz
	initrd (hd0,gpt2)/a (hd1)/b (hd0,msdos1)/c (lvm/vg-root)/d (md/0)/e /f ($root)/g
}
menuentry R {
	set root=(hd0,gpt2)
	linux /vmlinuz $root
}
menuentry Q {
	set root='hd1'
	linux /vmlinuz $root
}
--- run grub2 0:/boot/grub/grub.cfg
--- expect
config grub2 0:/boot/grub/grub.cfg
default 0
entry 0 "D" kind=linux
  kernel 1:/vmlinuz
  initrd 1:/a
  initrd 2:/b
  initrd 0:/c
  initrd -1:/d
  initrd -1:/e
  initrd 0:/f
  initrd 0:/g
  args ""
entry 1 "R" kind=linux
  kernel 1:/vmlinuz
  args "hd0,gpt2"
entry 2 "Q" kind=linux
  kernel 2:/vmlinuz
  args "hd1"
warning /boot/grub/grub.cfg:3: device (lvm/vg-root) not found for '(lvm/vg-root)/d'
warning /boot/grub/grub.cfg:3: device (md/0) not found for '(md/0)/e'
