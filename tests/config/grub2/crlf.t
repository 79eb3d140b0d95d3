# carriage returns never reach the script (grub_file_getline drops them)
--- file 0:/boot/grub/grub.cfg
set a=1
menuentry 'CR' {
	linux /vmlinuz a=$a
}
--- run grub2 0:/boot/grub/grub.cfg
--- expect
config grub2 0:/boot/grub/grub.cfg
default 0
entry 0 "CR" kind=linux
  kernel 0:/vmlinuz
  args "a=1"
