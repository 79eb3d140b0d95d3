# A default glob that matches nothing: entry 0, and a warning. A bad
# timeout is ignored with a warning.
--- file 0:/loader/loader.conf
default ubuntu-*
timeout soon
--- file 0:/loader/entries/a-1.conf
linux /a1
--- file 0:/loader/entries/a-2.conf
linux /a2
--- run bls 0:/loader/entries
--- expect
config bls 0:/loader/entries
default 0
entry 0 "a-2" id=a-2 kind=linux
  kernel 0:/a2
  args ""
entry 1 "a-1" id=a-1 kind=linux
  kernel 0:/a1
  args ""
warning loader.conf: bad timeout 'soon', ignored
warning loader.conf: default 'ubuntu-*' matches no entry
