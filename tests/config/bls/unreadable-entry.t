# An entry file that cannot be read (a dangling symlink) is a warning;
# the other entries still count.
--- link 0:/loader/entries/broken.conf /nowhere.conf
--- file 0:/loader/entries/good.conf
title Good
linux /vmlinuz
--- run bls 0:/loader/entries
--- expect
config bls 0:/loader/entries
default 0
entry 0 "Good" id=good kind=linux
  kernel 0:/vmlinuz
  args ""
warning /loader/entries/broken.conf: mem: memfs: /loader/entries/broken.conf: no such file or directory
