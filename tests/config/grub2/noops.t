# terminal, font, module, sound and theme commands and grub-mkconfig helper functions (when undefined) are quiet no-ops
--- file 0:/boot/grub/grub.cfg
insmod part_msdos
insmod ext2
loadfont unicode
set gfxmode=auto
load_video
terminal_output gfxterm
terminal_input console
serial --unit=0 --speed=115200
terminal --timeout=5 serial console
background_image /boot/grub/bg.png
play 480 440 1
echo "hello"
savedefault
recordfail
gfxmode keep
save_env saved_entry
menuentry N { load_video; insmod gzio; set gfxpayload=keep; linux /vmlinuz $gfxmode }
--- run grub2 0:/boot/grub/grub.cfg
--- expect
config grub2 0:/boot/grub/grub.cfg
default 0
entry 0 "N" kind=linux
  kernel 0:/vmlinuz
  args "auto"
