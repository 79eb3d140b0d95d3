# Comments, blank lines, unknown keys, a key without a value, an entry
# with neither linux nor efi (skipped), relative paths without a leading
# slash, devicetree, non-.conf files and directories ignored.
--- file 0:/loader/entries/a.conf
# a comment
   # an indented comment

title  Spaced   title  
linux vmlinuz-a
grub_class kernel
devicetree-overlay /overlay.dtbo
devicetree dtbs/board.dtb
initrd
options console=ttyS0
--- file 0:/loader/entries/b.conf
title No kernel at all
options quiet
--- file 0:/loader/entries/README
linux /not-an-entry
--- file 0:/loader/entries/.hidden.conf
linux /hidden
--- file 0:/loader/entries/dir.conf/
--- run bls 0:/loader/entries
--- expect
config bls 0:/loader/entries
default 0
entry 0 "Spaced   title" id=a kind=linux
  kernel 0:/vmlinuz-a
  devicetree 0:/dtbs/board.dtb
  args "console=ttyS0"
warning /loader/entries/a.conf:9: 'initrd' without a value, ignored
warning /loader/entries/b.conf: no 'linux', 'efi', 'uki' or 'uki-url' key, entry skipped
