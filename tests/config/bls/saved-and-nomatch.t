# default @saved lives in EFI variables (not on the disk): first entry,
# with a warning. timeout 0 means the menu is not shown.
--- file 0:/loader/loader.conf
timeout 0
default @saved
--- file 0:/loader/entries/one.conf
linux /vmlinuz
--- run bls 0:/loader/entries
--- expect
config bls 0:/loader/entries
default 0
timeout 0
hidden
entry 0 "one" id=one kind=linux
  kernel 0:/vmlinuz
  args ""
warning loader.conf: default @saved is kept in EFI variables, which an image does not have; using the first entry ('one')
