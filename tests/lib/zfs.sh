# zfs-fuse for the tests and the fuzz seeds (sourced).
#
# zfs_daemon_start DIR: make sure a daemon answers: use one that already
# runs (Debian's zfs-fuse service, or another run's), else start one (pid
# file in DIR) and wait for it; fails, with the reason in $zfs_why, when
# zfs-fuse is missing or does not answer. Its socket, /var/run/zfs, is
# machine-wide: the pools that were there before are left alone.
# zfs_daemon_stop exports the pools this script brought in and stops the
# daemon only if it was started here.
zfs_daemon_start() {
	zfs_why="zfs-fuse is not installed"
	command -v zfs-fuse >/dev/null || return 1
	zfs_daemon_pid=""
	if zpool list >/dev/null 2>&1; then
		zfs_pools_before=$(zpool list -H -o name 2>/dev/null)
		return 0
	fi
	zfs_pools_before=""
	zfs_daemon_pid=$1/zfs-fuse.pid
	zfs_why="zfs-fuse did not start"
	zfs-fuse -p "$zfs_daemon_pid" --no-kstat-mount -m 32 || return 1
	for _ in $(seq 50); do zpool list >/dev/null 2>&1 && return 0; sleep 0.1; done
	zfs_why="zfs-fuse does not answer"
	return 1
}

zfs_daemon_stop() {
	local p pid
	for p in $(zpool list -H -o name 2>/dev/null); do
		grep -qxF -- "$p" <<<"${zfs_pools_before:-}" || zpool export -f "$p" >/dev/null 2>&1
	done
	[ -n "${zfs_daemon_pid:-}" ] && [ -s "$zfs_daemon_pid" ] || return 0
	pid=$(cat "$zfs_daemon_pid")
	kill "$pid" 2>/dev/null
	# gone before the next script starts its own
	for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
	rm -f "$zfs_daemon_pid"
}

# zfs_small_pool IMG MNT POOL: a 64 MiB pool (version 23, the smallest
# zfs-fuse makes) holding a little of everything the reader walks: a
# menu.lst, a kernel reached by a symlink, a long symlink, a fat ZAP
# directory, an empty one, a dataset with a snapshot, a file with an indirect block,
# a compressed dataset and the pool's bootfs property. Exported after.
zfs_small_pool() {
	local img=$1 mnt=$2 pool=$3
	rm -f "$img"
	truncate -s 64M "$img"
	zpool create -o version=23 -m "$mnt" "$pool" "$img" || return 1
	mkdir -p "$mnt/boot/grub" "$mnt/fat" "$mnt/empty"
	echo kernel-1 >"$mnt/boot/vmlinuz-1"
	echo initrd-1 >"$mnt/boot/initrd-1"
	ln -s vmlinuz-1 "$mnt/boot/vmlinuz"
	ln -s "/boot/$(printf 'long%.0s' $(seq 20))/../vmlinuz-1" "$mnt/boot/long-link"
	printf 'default 0\ntitle x\n\tkernel /boot/vmlinuz-1 ro\n\tinitrd /boot/initrd-1\n' >"$mnt/boot/grub/menu.lst"
	for i in 1 2 3; do echo "$i" >"$mnt/fat/$(printf 'n%.0s' $(seq 60))-$i"; done
	zfs create -o recordsize=512 -o compression=lzjb "$pool/ds"
	seq 1 400 >"$mnt/ds/file"
	zfs snapshot "$pool/ds@s"
	echo after >"$mnt/ds/new"
	zpool set bootfs="$pool/ds" "$pool"
	sync
	zpool export "$pool"
}

# zfs_label_disk IMG [PHYS_PATH...]: call the pool's file vdevs disks in
# its four labels, with these phys_paths (a mirror's: one a child), as an
# illumos pool's are; libfsimage, hence Xen's pygrub, reads disks only.
# The labels' checksums are made anew (GRUB verifies them).
zfs_label_disk() {
	python3 "$(dirname "${BASH_SOURCE[0]}")/zfsmap.py" "$1" relabel "${@:2}"
}
