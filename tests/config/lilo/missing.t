# No lilo.conf.
--- file 0:/etc/fstab
/dev/sda1 / ext4 defaults 0 1
--- run lilo 0:/etc/lilo.conf
--- expect-error NOT_FOUND lilo.conf
