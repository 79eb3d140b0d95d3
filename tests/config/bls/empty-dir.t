# An entries directory with nothing in it: no entries, nothing to boot.
--- file 0:/loader/entries/
--- run bls 0:/loader/entries
--- expect
config bls 0:/loader/entries
default none
