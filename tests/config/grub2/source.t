# source runs a file in the same context: its entries and variables join the menu; config_directory names its directory while it runs, and config_file is unset again once the top-level config is done, when entries run
--- file 0:/boot/grub/grub.cfg
set sourced=no
source $prefix/custom.cfg
. /boot/grub/more.cfg
menuentry "Main $sourced" { linux /vmlinuz main }
--- file 0:/boot/grub/custom.cfg
set sourced=yes
menuentry "From custom $config_directory" { linux /vmlinuz custom }
--- file 0:/boot/grub/more.cfg
menuentry "More" { linux /vmlinuz more $config_file }
--- run grub2 0:/boot/grub/grub.cfg
--- expect
config grub2 0:/boot/grub/grub.cfg
default 0
entry 0 "From custom (hd0,msdos1)/boot/grub" kind=linux
  kernel 0:/vmlinuz
  args "custom"
entry 1 "More" kind=linux
  kernel 0:/vmlinuz
  args "more"
entry 2 "Main yes" kind=linux
  kernel 0:/vmlinuz
  args "main"
