# search --label / -l and search.fs_label; search.fs_uuid without a variable sets nothing
--- device 1 grub=hd0,msdos2 uuid=1111-2222 label=BOOTFS
--- device 2 grub=hd0,msdos3 uuid=3333-4444 label=DATA
--- file 0:/boot/grub/grub.cfg
search --label --set=boot BOOTFS
search -l -s DATA
search.fs_label DATA viaalias
search.fs_uuid 1111-2222
menuentry L { linux ($boot)/vmlinuz root=$root alias=$viaalias }
--- run grub2 0:/boot/grub/grub.cfg
--- expect
config grub2 0:/boot/grub/grub.cfg
default 0
entry 0 "L" kind=linux
  kernel 1:/vmlinuz
  args "root=hd0,msdos3 alias=hd0,msdos3"
