# Alpine's update-extlinux /boot/extlinux.conf: relative LINUX/INITRD
# paths resolve from the config's directory (/boot), not the fs root;
# DEFAULT menu.c32 is the UI, MENU DEFAULT the default; TIMEOUT 30 tenths
# is 3 seconds.
--- device 0 grub=hd0,msdos1 number=1
--- file 0:/boot/extlinux.conf
DEFAULT menu.c32
PROMPT 0
MENU TITLE Alpine/Linux Boot Menu
MENU HIDDEN
MENU AUTOBOOT Alpine will be booted automatically in # seconds.
TIMEOUT 30
LABEL lts
  MENU DEFAULT
  MENU LABEL Linux lts
  LINUX vmlinuz-lts
  INITRD initramfs-lts
  APPEND root=UUID=5d3c7b2a-1f0e-4b8a-9d7c-3e2f1a0b9c8d modules=sd-mod,usb-storage,ext4 quiet rootfstype=ext4

MENU SEPARATOR
--- run syslinux 0:/boot/extlinux.conf
--- expect
config syslinux 0:/boot/extlinux.conf
default 0
timeout 3
entry 0 "Linux lts" id=lts kind=linux
  kernel 0:/boot/vmlinuz-lts
  initrd 0:/boot/initramfs-lts
  args "root=UUID=5d3c7b2a-1f0e-4b8a-9d7c-3e2f1a0b9c8d modules=sd-mod,usb-storage,ext4 quiet rootfstype=ext4"
