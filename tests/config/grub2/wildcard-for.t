# wildcards: with the regexp module loaded, GRUB expands '*', '?' and '[...]' in path arguments against the file system (a for loop over /boot/vmlinuz-*); quoted ones stay literal, no match leaves the word as it is, and before insmod nothing expands
--- file 0:/boot/vmlinuz-6.1
--- file 0:/boot/vmlinuz-6.2
--- file 0:/boot/vmlinuz-old
--- file 0:/boot/initrd.img-6.1
--- file 0:/boot/grub/grub.cfg
for k in /boot/vmlinuz-*; do menuentry "before $k" { true }; done
insmod regexp
for k in /boot/vmlinuz-6.?; do
	menuentry "Linux $k" "$k" { linux $2 root=/dev/sda1; initrd /boot/initrd.img-6.[1] }
done
for k in "/boot/vmlinuz-*" /boot/none-* /bo*/vmlinuz-[o]ld; do menuentry "literal $k" { true }; done
--- run grub2 0:/boot/grub/grub.cfg
--- expect
config grub2 0:/boot/grub/grub.cfg
default 0
entry 0 "before /boot/vmlinuz-*" kind=empty
entry 1 "Linux /boot/vmlinuz-6.1" kind=linux
  kernel 0:/boot/vmlinuz-6.1
  initrd 0:/boot/initrd.img-6.1
  args "root=/dev/sda1"
entry 2 "Linux /boot/vmlinuz-6.2" kind=linux
  kernel 0:/boot/vmlinuz-6.2
  initrd 0:/boot/initrd.img-6.1
  args "root=/dev/sda1"
entry 3 "literal /boot/vmlinuz-*" kind=empty
entry 4 "literal /boot/none-*" kind=empty
entry 5 "literal /boot/vmlinuz-old" kind=empty
