# PV-GRUB2 emulation: grub_platform is xen
--- file 0:/grub/grub.cfg
if [ "$grub_platform" = xen ]; then set extra=console=hvc0; fi
menuentry X { linux /vmlinuz $grub_platform $prefix $extra }
--- run grub2 0:/grub/grub.cfg platform=xen
--- expect
config grub2 0:/grub/grub.cfg
default 0
entry 0 "X" kind=linux
  kernel 0:/vmlinuz
  args "xen (hd0,msdos1)/grub console=hvc0"
