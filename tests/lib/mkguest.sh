#!/bin/bash
# Build disk images holding a real, bootable Debian 12 guest.
#
#   mkguest.sh base                 debootstrap once into the cache (tarball)
#   mkguest.sh LAYOUT IMAGE         lay the cached system into IMAGE
#
# LAYOUT:
#   mbr-boot     MBR, ext4 /boot (partition 1), ext4 root (partition 2), grub.cfg
#   gpt-xfsboot  GPT, XFS /boot (partition 1), ext4 root (partition 2), grub.cfg
#   mbr-logical  MBR, one ext4 root holding /boot in logical partition 5, grub.cfg
#   menulst      MBR, ext4 /boot (1) and root (2), a hand-written GRUB legacy
#                menu.lst and no grub.cfg
#
# The base system is debootstrapped once and kept OUTSIDE the repository in
# $GB_CACHE/debootstrap-bookworm.tar (GB_CACHE defaults to
# /var/cache/guestboot); delete the tarball to rebuild it. The root password
# is "guestboot". grub.cfg is written by the guest's own grub-mkconfig, in a
# chroot, with a stand-in grub-probe that describes the layout (offset loop
# devices are invisible to the real one). Images are populated without
# mounting (mke2fs -d, mkfs.xfs -p). Needs root.
#
# After IMAGE is made, IMAGE.env holds shell assignments describing it:
# ROOT_PART, ROOT_UUID, ROOT_FS, BOOT_PART, BOOT_UUID, BOOT_FS.
set -u
set -o pipefail

GB_CACHE=${GB_CACHE:-/var/cache/guestboot}
GB_MIRROR=${GB_MIRROR:-http://deb.debian.org/debian}
BASE_TAR=$GB_CACHE/debootstrap-bookworm.tar
ROOT_PASSWORD=guestboot

die() {
	echo "mkguest: $*" >&2
	exit 1
}

# Things to undo on exit, run last-in first-out.
cleanups=()
cleanup() {
	local i
	for ((i = ${#cleanups[@]} - 1; i >= 0; i--)); do
		eval "${cleanups[i]}" || true
	done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# base: debootstrap bookworm with a kernel and GRUB's config generator,
# root password set, serial console ready; saved as a tarball.
make_base() {
	[ -s "$BASE_TAR" ] && return 0
	command -v debootstrap >/dev/null || die "debootstrap is not installed (scripts/install-deps)"
	mkdir -p "$GB_CACHE" || die "cannot create $GB_CACHE"
	local dir
	dir=$(mktemp -d "$GB_CACHE/debootstrap.XXXXXX") || die "mktemp"
	cleanups+=("umount_below '$dir'; rm -rf '$dir'")
	echo "mkguest: debootstrap bookworm into $dir (once; a few minutes)" >&2
	timeout 1800 debootstrap --variant=minbase \
		--include=linux-image-cloud-amd64,initramfs-tools,systemd-sysv,udev,grub-pc-bin,grub2-common \
		bookworm "$dir" "$GB_MIRROR" >"$dir.log" 2>&1 ||
		{ tail -20 "$dir.log" >&2; die "debootstrap failed (log: $dir.log)"; }
	rm -f "$dir.log"
	echo "root:$ROOT_PASSWORD" | chroot "$dir" chpasswd || die "chpasswd"
	echo guest >"$dir/etc/hostname"
	printf '127.0.0.1\tlocalhost\n127.0.1.1\tguest\n' >"$dir/etc/hosts"
	# The getty on the serial console; the generator also starts it when
	# console=ttyS0 is on the command line.
	chroot "$dir" systemctl enable serial-getty@ttyS0.service >/dev/null 2>&1 ||
		die "systemctl enable serial-getty@ttyS0"
	rm -rf "$dir/var/cache/apt/archives/"*.deb "$dir/var/lib/apt/lists/"*
	tar -C "$dir" --numeric-owner -cf "$BASE_TAR.tmp" . || die "tar"
	mv "$BASE_TAR.tmp" "$BASE_TAR"
}

umount_below() {
	local m
	for m in $(awk -v d="$1" 'index($2, d) == 1 { print $2 }' /proc/mounts | sort -r); do
		umount "$m" 2>/dev/null || umount -l "$m"
	done
}

# The stand-in grub-probe: answers from the layout in /etc/guestboot-probe
# (DEV_ROOT, DEV_BOOT, and per device FS_*, UUID_*, PART_*, PARTMAP).
write_grub_probe() {
	cat >"$1" <<'PROBE'
#!/bin/sh
# Stand-in for grub-probe while grub-mkconfig runs in a chroot (guestboot
# tests/lib/mkguest.sh): describes the disk the image will be, not the host.
. /etc/guestboot-probe
target=device device= path=
while [ $# -gt 0 ]; do
	case "$1" in
	-t | --target) target=$2; shift ;;
	--target=*) target=${1#--target=} ;;
	-d | --device) device=x ;;
	--device=*) device=x; path=${1#--device=} ;;
	-*) ;;
	*) path=$1 ;;
	esac
	shift
done
if [ -z "$device" ]; then
	case "$path" in
	/boot | /boot/*) path=$DEV_BOOT ;;
	*) path=$DEV_ROOT ;;
	esac
fi
if [ "$path" = "$DEV_BOOT" ]; then n=boot; else n=root; fi
eval "fs=\$FS_$n uuid=\$UUID_$n part=\$PART_$n"
case "$target" in
device) echo "$path" ;;
fs) echo "$fs" ;;
fs_uuid) echo "$uuid" ;;
partmap) echo "$PARTMAP" ;;
abstraction | cryptodisk_uuid) ;;
drive) echo "(hd0,$PARTMAP$part)" ;;
compatibility_hint) echo "hd0,$PARTMAP$part" ;;
hints_string) echo "--hint-bios=hd0,$PARTMAP$part --hint-efi=hd0,$PARTMAP$part --hint-baremetal=ahci0,$PARTMAP$part" ;;
*) echo "grub-probe (stand-in): no answer for --target=$target" >&2; exit 1 ;;
esac
PROBE
	chmod 755 "$1"
}

# grub_mkconfig TREE SEPARATE_BOOT: run the guest's own grub-mkconfig in a
# chroot of TREE, with the layout's answers in $probe_env.
grub_mkconfig() {
	local t=$1 sep=$2
	mv "$t/usr/sbin/grub-probe" "$t/usr/sbin/grub-probe.real"
	write_grub_probe "$t/usr/sbin/grub-probe"
	printf '%s\n' "$probe_env" >"$t/etc/guestboot-probe"
	# 10_linux writes root=UUID= only when /dev/disk/by-uuid/UUID exists
	mkdir -p "$t/dev/disk/by-uuid" "$t/boot/grub"
	: >"$t/dev/disk/by-uuid/$ROOT_UUID"
	mount -t proc proc "$t/proc" || die "mount proc"
	cleanups+=("umount '$t/proc' 2>/dev/null")
	mount -t sysfs sysfs "$t/sys" || die "mount sysfs"
	cleanups+=("umount '$t/sys' 2>/dev/null")
	if [ "$sep" = 1 ]; then
		# A separate /boot must be a mount point, so that grub-mkrelpath
		# makes kernel paths relative to it: a tmpfs with /boot's files.
		mv "$t/boot" "$t/boot.tree" && mkdir "$t/boot"
		mount -t tmpfs -o size=512m tmpfs "$t/boot" || die "mount tmpfs"
		cleanups+=("umount '$t/boot' 2>/dev/null")
		cp -a "$t/boot.tree/." "$t/boot/"
	fi
	local rc=0
	timeout 300 chroot "$t" /usr/sbin/grub-mkconfig -o /boot/grub/grub.cfg >"$work/grub-mkconfig.log" 2>&1 || rc=$?
	if [ "$sep" = 1 ]; then
		cp "$t/boot/grub/grub.cfg" "$t/boot.tree/grub/grub.cfg" 2>/dev/null
		umount "$t/boot" && rmdir "$t/boot" && mv "$t/boot.tree" "$t/boot"
	fi
	umount "$t/sys" "$t/proc"
	[ "$rc" -eq 0 ] || { cat "$work/grub-mkconfig.log" >&2; die "grub-mkconfig failed"; }
	mv "$t/usr/sbin/grub-probe.real" "$t/usr/sbin/grub-probe"
	rm -f "$t/etc/guestboot-probe"
	rm -rf "$t/dev/disk"
	grep -q "root=UUID=$ROOT_UUID" "$t/boot/grub/grub.cfg" ||
		die "grub-mkconfig wrote no root=UUID=$ROOT_UUID"
}

# part_offset IMAGE N: byte offset and size of partition N, as sfdisk says.
part_geom() {
	sfdisk -J "$1" | jq -r --arg n "$2" '.partitiontable as $t | $t.partitions[] |
		select(.node | test("[^0-9]" + $n + "$")) | "\(.start * ($t.sectorsize // 512)) \(.size * ($t.sectorsize // 512))"'
}

# mkext4 IMAGE PART UUID DIR: an ext4 of DIR's files filling partition PART.
mkext4() {
	local off size
	read -r off size < <(part_geom "$1" "$2") || die "no partition $2"
	mke2fs -q -F -t ext4 -U "$3" -d "$4" -E offset="$off" "$1" "$((size / 1024))k" ||
		die "mke2fs partition $2"
}

# mkxfs IMAGE PART UUID DIR: an XFS of DIR's files filling partition PART.
mkxfs() {
	local off size
	read -r off size < <(part_geom "$1" "$2") || die "no partition $2"
	python3 "$(dirname "$0")/xfs_proto.py" "$4" >"$work/xfs.proto" || die "xfs_proto"
	truncate -s "$size" "$work/xfs.img"
	mkfs.xfs -q -f -m uuid="$3" -p "$work/xfs.proto" "$work/xfs.img" || die "mkfs.xfs"
	dd if="$work/xfs.img" of="$1" bs=1M seek="$((off / 1048576))" conv=notrunc,sparse status=none ||
		die "dd xfs"
	rm -f "$work/xfs.img"
}

# The newest kernel version in the tree.
kver() { ls "$1/boot" | sed -n 's/^vmlinuz-//p' | sort -V | tail -1; }

make_image() {
	local layout=$1 img=$2
	make_base
	work=$(mktemp -d "${TMPDIR:-/tmp}/mkguest.XXXXXX") || die mktemp
	cleanups+=("umount_below '$work'; rm -rf '$work'")
	local t=$work/tree
	mkdir "$t" && tar -C "$t" --numeric-owner -xf "$BASE_TAR" || die "untar $BASE_TAR"
	ROOT_UUID=$(cat /proc/sys/kernel/random/uuid) BOOT_UUID=$(cat /proc/sys/kernel/random/uuid)
	local partmap=msdos sep=1 fs_boot=ext2
	ROOT_FS=ext4 BOOT_FS=ext4 BOOT_PART=1 ROOT_PART=2
	rm -f "$img"
	truncate -s 2G "$img"
	case "$layout" in
	mbr-boot | menulst)
		printf 'label: dos\nstart=2048, size=256MiB, type=83, bootable\ntype=83\n' | sfdisk -q "$img"
		;;
	gpt-xfsboot)
		partmap=gpt fs_boot=xfs BOOT_FS=xfs
		printf 'label: gpt\nstart=2048, size=1MiB, type=21686148-6449-6E6F-744E-656564454649\nsize=320MiB, type=0FC63DAF-8483-4772-8E79-3D69D8477DE4\ntype=0FC63DAF-8483-4772-8E79-3D69D8477DE4\n' |
			sfdisk -q "$img"
		# partition 1 is a BIOS boot partition, as GRUB on GPT has
		BOOT_PART=2 ROOT_PART=3
		;;
	mbr-logical)
		sep=0 BOOT_PART=5 ROOT_PART=5 BOOT_UUID=$ROOT_UUID
		printf 'label: dos\nstart=2048, size=32MiB, type=83\ntype=5\ntype=83\n' | sfdisk -q "$img"
		;;
	*) die "unknown layout $layout" ;;
	esac
	probe_env="PARTMAP=$partmap
DEV_ROOT=/dev/vda$ROOT_PART FS_root=ext2 UUID_root=$ROOT_UUID PART_root=$ROOT_PART
DEV_BOOT=/dev/vda$BOOT_PART FS_boot=$fs_boot UUID_boot=$BOOT_UUID PART_boot=$BOOT_PART"
	[ "$sep" = 0 ] && probe_env="$probe_env
FS_boot=ext2"
	{
		echo "# guestboot tests/lib/mkguest.sh, layout $layout"
		echo "UUID=$ROOT_UUID / ext4 errors=remount-ro 0 1"
		[ "$sep" = 1 ] && echo "UUID=$BOOT_UUID /boot $BOOT_FS defaults 0 2"
	} >"$t/etc/fstab"
	# /etc/default/grub as grub-pc's postinst writes it (grub-pc itself is
	# not installed), without "quiet": the serial log then shows the kernel
	# mounting the file systems.
	cat >"$t/etc/default/grub" <<-'EOF'
		GRUB_DEFAULT=0
		GRUB_TIMEOUT=5
		GRUB_DISTRIBUTOR=`lsb_release -i -s 2> /dev/null || echo Debian`
		GRUB_CMDLINE_LINUX_DEFAULT=""
		GRUB_CMDLINE_LINUX=""
	EOF
	grub_mkconfig "$t" "$sep"
	if [ "$layout" = menulst ]; then
		local v
		v=$(kver "$t")
		rm -f "$t/boot/grub/grub.cfg"
		cat >"$t/boot/grub/menu.lst" <<-EOF
			# GRUB legacy menu, written by hand (guestboot tests/lib/mkguest.sh)
			default 0
			timeout 5

			title Debian GNU/Linux 12, kernel $v
			root (hd0,0)
			kernel /vmlinuz-$v root=UUID=$ROOT_UUID ro
			initrd /initrd.img-$v

			title Debian GNU/Linux 12, kernel $v (single-user mode)
			root (hd0,0)
			kernel /vmlinuz-$v root=UUID=$ROOT_UUID ro single
			initrd /initrd.img-$v
		EOF
	fi
	# /dev is the kernel's devtmpfs at boot; XFS protofiles cannot hold
	# device nodes anyway.
	find "$t/dev" -mindepth 1 -delete
	if [ "$sep" = 1 ]; then
		mkdir "$work/boot"
		(cd "$t/boot" && tar cf - .) | (cd "$work/boot" && tar xf -) || die "copy /boot"
		find "$t/boot" -mindepth 1 -delete
		if [ "$BOOT_FS" = xfs ]; then
			mkxfs "$img" "$BOOT_PART" "$BOOT_UUID" "$work/boot"
		else
			mkext4 "$img" "$BOOT_PART" "$BOOT_UUID" "$work/boot"
		fi
	fi
	mkext4 "$img" "$ROOT_PART" "$ROOT_UUID" "$t"
	if [ "$layout" = mbr-logical ]; then
		# an unrelated file system before the root, holding no configuration
		mkdir "$work/data" && echo data >"$work/data/README"
		mkext4 "$img" 1 "$(cat /proc/sys/kernel/random/uuid)" "$work/data"
	fi
	cat >"$img.env" <<-EOF
		LAYOUT=$layout
		ROOT_PART=$ROOT_PART ROOT_UUID=$ROOT_UUID ROOT_FS=$ROOT_FS
		BOOT_PART=$BOOT_PART BOOT_UUID=$BOOT_UUID BOOT_FS=$BOOT_FS
	EOF
}

case "${1:-}" in
base) make_base ;;
mbr-boot | gpt-xfsboot | mbr-logical | menulst)
	[ $# -eq 2 ] || die "usage: mkguest.sh LAYOUT IMAGE"
	make_image "$1" "$2"
	;;
*) die "usage: mkguest.sh base | mkguest.sh LAYOUT IMAGE (LAYOUT: mbr-boot gpt-xfsboot mbr-logical menulst)" ;;
esac
