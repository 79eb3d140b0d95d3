# default= naming no image: a warning, and the first image boots. Label
# lookup falls back to a case-insensitive match.
--- file 0:/etc/lilo.conf
prompt
timeout=50
default=nothere
image=/boot/bzImage
  label=Gentoo
--- run lilo 0:/etc/lilo.conf
--- expect
config lilo 0:/etc/lilo.conf
default 0
timeout 5
entry 0 "Gentoo" id=Gentoo kind=linux
  kernel 0:/boot/bzImage
  args ""
warning default=nothere names no image
