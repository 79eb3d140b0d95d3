# Boot counters: "+LEFT-DONE" and "+LEFT" are cut from the id; a "+"
# not followed by a counter is part of the id. Out-of-tries (+0) sorts
# after everything else, even entries without a counter.
--- file 0:/loader/entries/os-1+5-1.conf
linux /k1
--- file 0:/loader/entries/os-2+0.conf
linux /k2
--- file 0:/loader/entries/os+extra.conf
linux /k3
--- run bls 0:/loader/entries
--- expect
config bls 0:/loader/entries
default 0
entry 0 "os+extra" id=os+extra kind=linux
  kernel 0:/k3
  args ""
entry 1 "os-1" id=os-1 kind=linux
  kernel 0:/k1
  args ""
entry 2 "os-2" id=os-2 kind=linux
  kernel 0:/k2
  args ""
