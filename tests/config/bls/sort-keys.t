# Entries with a sort-key come before those without; among them sort-key
# ascending, then machine-id ascending, then version descending.
--- file 0:/loader/entries/zzz-nokey.conf
title no key
linux /k0
--- file 0:/loader/entries/b1.conf
title ubuntu m2 v5
sort-key ubuntu
machine-id 2222
version 5.15
linux /k1
--- file 0:/loader/entries/b2.conf
title ubuntu m1 v5
sort-key ubuntu
machine-id 1111
version 5.15
linux /k2
--- file 0:/loader/entries/b3.conf
title ubuntu m1 v6
sort-key ubuntu
machine-id 1111
version 6.2
linux /k3
--- file 0:/loader/entries/b4.conf
title arch
sort-key arch
version 1
linux /k4
--- run bls 0:/loader/entries
--- expect
config bls 0:/loader/entries
default 0
entry 0 "arch" id=b4 kind=linux
  kernel 0:/k4
  args ""
entry 1 "ubuntu m1 v6" id=b3 kind=linux
  kernel 0:/k3
  args ""
entry 2 "ubuntu m1 v5" id=b2 kind=linux
  kernel 0:/k2
  args ""
entry 3 "ubuntu m2 v5" id=b1 kind=linux
  kernel 0:/k1
  args ""
entry 4 "no key" id=zzz-nokey kind=linux
  kernel 0:/k0
  args ""
