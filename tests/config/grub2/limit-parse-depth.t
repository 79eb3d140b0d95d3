# more than 32 nested constructs in one chunk are refused (GRUB itself has no such limit, so this config is not named .cfg and stays out of the grub-script-check differential)
--- file 0:/boot/grub/nested.conf
menuentry A { linux /vmlinuz }
if true; then if true; then if true; then if true; then if true; then if true; then if true; then if true; then if true; then if true; then if true; then if true; then if true; then if true; then if true; then if true; then if true; then if true; then if true; then if true; then if true; then if true; then if true; then if true; then if true; then if true; then if true; then if true; then if true; then if true; then if true; then if true; then if true; then echo; fi; fi; fi; fi; fi; fi; fi; fi; fi; fi; fi; fi; fi; fi; fi; fi; fi; fi; fi; fi; fi; fi; fi; fi; fi; fi; fi; fi; fi; fi; fi; fi; fi
--- run grub2 0:/boot/grub/nested.conf
--- expect
config grub2 0:/boot/grub/nested.conf
default 0
entry 0 "A" kind=linux
  kernel 0:/vmlinuz
  args ""
warning /boot/grub/nested.conf:2:452: constructs nested deeper than 32
