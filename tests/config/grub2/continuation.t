# backslash-newline joins lines (inside a word too); a double-quoted string may span lines
--- file 0:/boot/grub/grub.cfg
set long=one\
two
menuentry "Cont" {
	linux /vmlinuz root=/dev/sda1 \
		quiet "multi
line" $long
}
--- run grub2 0:/boot/grub/grub.cfg
--- expect
config grub2 0:/boot/grub/grub.cfg
default 0
entry 0 "Cont" kind=linux
  kernel 0:/vmlinuz
  args "root=/dev/sda1 quiet multi\x0aline onetwo"
