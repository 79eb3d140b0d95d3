# An empty lilo.conf: no entries; no prompt means a hidden menu.
--- file 0:/etc/lilo.conf
--- run lilo 0:/etc/lilo.conf
--- expect
config lilo 0:/etc/lilo.conf
default none
timeout 0
hidden
