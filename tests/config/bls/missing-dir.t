# No entries directory at all: an error, not an empty menu.
--- file 0:/loader/loader.conf
default x
--- run bls 0:/loader/entries
--- expect-error NOT_FOUND /loader/entries
