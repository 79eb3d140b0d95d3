# chainloader entries are recorded with their file (a block list +1 stays as written)
--- device 1 grub=hd0,msdos2 fstype=ntfs nofs
--- file 0:/boot/grub/grub.cfg
menuentry "Windows" {
	insmod ntfs
	set root='hd0,msdos2'
	chainloader +1
}
menuentry "EFI shell" {
	chainloader (hd0,msdos1)/EFI/shell.efi -nostartup
}
--- run grub2 0:/boot/grub/grub.cfg
--- expect
config grub2 0:/boot/grub/grub.cfg
default 0
entry 0 "Windows" kind=chainloader
  kernel 1:+1
  args ""
entry 1 "EFI shell" kind=chainloader
  kernel 0:/EFI/shell.efi
  args "-nostartup"
