# extra menuentry arguments reach the body as $2...; $1 is the title
--- file 0:/boot/grub/grub.cfg
menuentry "Title" extra "two words" {
	linux /vmlinuz $# $1 "$2" "$3"
}
--- run grub2 0:/boot/grub/grub.cfg
--- expect
config grub2 0:/boot/grub/grub.cfg
default 0
entry 0 "Title" kind=linux
  kernel 0:/vmlinuz
  args "3 Title extra \"two words\""
