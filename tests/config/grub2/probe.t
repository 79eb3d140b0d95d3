# probe --set VAR --fs/--fs-uuid/--label/--part-uuid DEVICE; GRUB calls ext4 "ext2"
--- device 1 grub=hd0,gpt2 uuid=abcd label=root fstype=ext4
--- file 0:/boot/grub/grub.cfg
probe --set fs --fs (hd0,gpt2)
probe -s u -u hd0,gpt2
probe --set=l --label (hd0,gpt2)
probe --set pu --part-uuid (hd0,gpt2)
probe --set x --fs (hd7)
menuentry P { linux /vmlinuz fs=$fs u=$u l=$l pu=$pu x=$x }
--- run grub2 0:/boot/grub/grub.cfg
--- expect
config grub2 0:/boot/grub/grub.cfg
default 0
entry 0 "P" kind=linux
  kernel 0:/vmlinuz
  args "fs=ext2 u=abcd l=root pu= x="
warning /boot/grub/grub.cfg:4: probe: no such information for that device
warning /boot/grub/grub.cfg:5: probe: unknown device
