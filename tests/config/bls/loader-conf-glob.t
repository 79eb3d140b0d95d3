# A glob default matching several entries picks the first in sort order
# (the newest); timeout menu-force waits forever.
--- file 0:/loader/loader.conf
default debian-*
timeout menu-force
--- file 0:/loader/entries/debian-6.1.0-21-amd64.conf
title Debian GNU/Linux 12 (6.1.0-21)
linux /debian/6.1.0-21-amd64/linux
initrd /debian/6.1.0-21-amd64/initrd.img-6.1.0-21-amd64
options root=/dev/vda2 ro
--- file 0:/loader/entries/debian-6.1.0-25-amd64.conf
title Debian GNU/Linux 12 (6.1.0-25)
linux /debian/6.1.0-25-amd64/linux
initrd /debian/6.1.0-25-amd64/initrd.img-6.1.0-25-amd64
options root=/dev/vda2 ro
--- file 0:/loader/entries/zz-memtest.conf
title Memtest86+
efi /memtest86+/memtest.efi
--- run bls 0:/loader/entries
--- expect
config bls 0:/loader/entries
default 1
entry 0 "Memtest86+" id=zz-memtest kind=chainloader
  kernel 0:/memtest86+/memtest.efi
  args ""
entry 1 "Debian GNU/Linux 12 (6.1.0-25)" id=debian-6.1.0-25-amd64 kind=linux
  kernel 0:/debian/6.1.0-25-amd64/linux
  initrd 0:/debian/6.1.0-25-amd64/initrd.img-6.1.0-25-amd64
  args "root=/dev/vda2 ro"
entry 2 "Debian GNU/Linux 12 (6.1.0-21)" id=debian-6.1.0-21-amd64 kind=linux
  kernel 0:/debian/6.1.0-21-amd64/linux
  initrd 0:/debian/6.1.0-21-amd64/initrd.img-6.1.0-21-amd64
  args "root=/dev/vda2 ro"
warning zz-memtest.conf: EFI program entry, not a Linux kernel
