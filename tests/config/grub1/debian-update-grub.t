# Debian etch update-grub menu.lst: magic "# kopt=" comments are only
# comments, color ignored, savedefault accepted, no root line in the
# memtest entry (the boot device is used).
--- device 0 grub=hd0,msdos1 number=1
--- file 0:/boot/grub/menu.lst
# menu.lst - See: grub(8), info grub, update-grub(8)
#            grub-install(8), grub-floppy(8),
#            grub-md5-crypt, /usr/share/doc/grub
#            and /usr/share/doc/grub-doc/.

## default num
default		0

## timeout sec
timeout		5

# Pretty colours
color cyan/blue white/blue

### BEGIN AUTOMAGIC KERNELS LIST
## ## Start Default Options ##
# kopt=root=/dev/hda1 ro
# groot=(hd0,0)
# alternative=true
## ## End Default Options ##

title		Debian GNU/Linux, kernel 2.6.18-6-686
root		(hd0,0)
kernel		/boot/vmlinuz-2.6.18-6-686 root=/dev/hda1 ro
initrd		/boot/initrd.img-2.6.18-6-686
savedefault

title		Debian GNU/Linux, kernel 2.6.18-6-686 (single-user mode)
root		(hd0,0)
kernel		/boot/vmlinuz-2.6.18-6-686 root=/dev/hda1 ro single
initrd		/boot/initrd.img-2.6.18-6-686
savedefault

### END DEBIAN AUTOMAGIC KERNELS LIST

title		Memory test
kernel		/boot/memtest86+.bin
--- run grub1 0:/boot/grub/menu.lst
--- expect
config grub1 0:/boot/grub/menu.lst
default 0
timeout 5
entry 0 "Debian GNU/Linux, kernel 2.6.18-6-686" kind=linux
  kernel 0:/boot/vmlinuz-2.6.18-6-686
  initrd 0:/boot/initrd.img-2.6.18-6-686
  args "root=/dev/hda1 ro"
entry 1 "Debian GNU/Linux, kernel 2.6.18-6-686 (single-user mode)" kind=linux
  kernel 0:/boot/vmlinuz-2.6.18-6-686
  initrd 0:/boot/initrd.img-2.6.18-6-686
  args "root=/dev/hda1 ro single"
entry 2 "Memory test" kind=linux
  kernel 0:/boot/memtest86+.bin
  args ""
