# Entry ids that look like numbers: the default is written as an index so
# that it is not mistaken for one. Versions compare numerically: 10 > 9.
--- file 0:/loader/loader.conf
default 9
--- file 0:/loader/entries/9.conf
linux /k9
--- file 0:/loader/entries/10.conf
linux /k10
--- run bls 0:/loader/entries
--- expect
config bls 0:/loader/entries
default 1
entry 0 "10" id=10 kind=linux
  kernel 0:/k10
  args ""
entry 1 "9" id=9 kind=linux
  kernel 0:/k9
  args ""
