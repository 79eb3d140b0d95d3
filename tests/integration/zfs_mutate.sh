# Random byte flips and truncations in a small zfs-fuse pool's metadata
# (object sets, indirect, dnode and ZAP blocks, the active uberblocks and
# the label nvlists, as tests/lib/zfsmap.py finds them by walking the
# pool), read by the fuzz build: ASan and UBSan, and ZFS checksums not
# enforced, so that mutated blocks get parsed instead of refused. No
# crash, hang or sanitizer report; every failure one line with a
# documented exit status (tests/lib/mutate.py). GB_ZFS_MUTANTS mutants
# (default 30, about 30 s; `make fuzz` runs 1000).
. "$GB_TOP/tests/lib/common.sh"
wanted mutate/zfs || exit 0
need mutate/zfs zfs-fuse || exit 0
fb="$GB_TOP/build-fuzz"
if [ ! -f "$fb/build.ninja" ]; then
	fail mutate/zfs/setup "no fuzz build (build-fuzz: tests/integration/fuzz.sh or make fuzz sets it up)"
	exit 0
fi
ninja -C "$fb" guestboot >build.log 2>&1 || { fail mutate/zfs/setup "$(grep -m3 error build.log)"; exit 0; }
. "$GB_TOP/tests/lib/zfs.sh"
trap zfs_daemon_stop EXIT
zfs_daemon_start "$GB_WORK" || { fail mutate/zfs/setup "$zfs_why"; exit 0; }
zfs_small_pool "$PWD/small.img" "$PWD/mnt" fz >pool.log 2>&1 || { fail mutate/zfs/setup "$(tail -3 pool.log)"; exit 0; }
zfs_daemon_stop
long=$(printf 'n%.0s' $(seq 60))
GUESTBOOT="$fb/guestboot" MUTATE_ALSO="ls:/ ls:/boot ls:/fat cat:/fat/$long-2 cat:/boot/long-link
ls:/ds@/ cat:/ds@/file cat:/ds@s/file cat:/boot/grub/menu.lst" \
	python3 "$GB_TOP/tests/lib/mutate.py" zfs-small small.img "${GB_ZFS_MUTANTS:-30}" 13 \
	$(python3 "$GB_TOP/tests/lib/zfsmap.py" small.img regions)
