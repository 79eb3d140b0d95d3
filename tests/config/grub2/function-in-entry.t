# entry bodies call functions defined anywhere in the script, with the entry's own $1
--- file 0:/boot/grub/grub.cfg
menuentry "Uses helper" {
	load_kernel quiet
}
function load_kernel {
	linux /vmlinuz-$kver $1 title=$title
	initrd /initrd-$kver
}
set kver=6.1
--- run grub2 0:/boot/grub/grub.cfg
--- expect
config grub2 0:/boot/grub/grub.cfg
default 0
entry 0 "Uses helper" kind=linux
  kernel 0:/vmlinuz-6.1
  initrd 0:/initrd-6.1
  args "quiet title="
