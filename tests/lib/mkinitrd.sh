#!/bin/bash
# Real initramfs-tools initrds, made by Debian 12's own mkinitramfs in a
# chroot of the debootstrap cache (tests/lib/mkguest.sh base), for the
# kernel that is installed there.
#
#   mkinitrd.sh chroot                      print the chroot's directory
#   mkinitrd.sh build MODULES COMPRESS [OPTION...]
#       print the path of the initrd; OPTION: microcode (an early,
#       uncompressed cpio prepended by a hook, as intel-microcode's does),
#       busybox (BUSYBOX=y), list=MOD,MOD (/etc/initramfs-tools/modules)
#   mkinitrd.sh run CMD...                  run CMD in the chroot
#
# Both are cached outside the repository, in $GB_CACHE (default
# /var/cache/guestboot): the chroot in initramfs-chroot/ (the base system
# plus every compressor and busybox, from the Debian mirror once), each
# initrd in initramfs/KEY.img, KEY a hash of its inputs (the base tarball,
# this script, the arguments). Delete them to rebuild. Needs root.
set -u
set -o pipefail

GB_CACHE=${GB_CACHE:-/var/cache/guestboot}
BASE_TAR=$GB_CACHE/debootstrap-bookworm-v2.tar
CHROOT=$GB_CACHE/initramfs-chroot
OUT=$GB_CACHE/initramfs
# what the chroot adds to the base: each COMPRESS's tool, and busybox
CHROOT_PKGS="bzip2 busybox lz4 lzop xz-utils zstd"

die() {
	echo "mkinitrd: $*" >&2
	exit 1
}

mounted=()
cleanup() {
	local m
	for m in "${mounted[@]}"; do umount "$m" 2>/dev/null || umount -l "$m"; done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# mount_proc: the chroot's /proc, for apt, dpkg and mkinitramfs.
mount_proc() {
	mount -t proc proc "$CHROOT/proc" || die "mount proc"
	mounted+=("$CHROOT/proc")
}

# The base tarball's identity: a new debootstrap makes a new chroot.
base_id() { stat -c '%s %Y' "$BASE_TAR"; }

make_chroot() {
	[ -f "$CHROOT/.guestboot-base" ] && [ "$(cat "$CHROOT/.guestboot-base")" = "$(base_id)-$CHROOT_PKGS" ] &&
		return 0
	bash "$(dirname "$0")/mkguest.sh" base || die "no debootstrap base"
	echo "mkinitrd: building the chroot $CHROOT (once; apt-get install $CHROOT_PKGS)" >&2
	rm -rf "$CHROOT" && mkdir -p "$CHROOT" || die "cannot create $CHROOT"
	tar -C "$CHROOT" --numeric-owner -xf "$BASE_TAR" || die "untar $BASE_TAR"
	cp -L /etc/resolv.conf "$CHROOT/etc/resolv.conf" 2>/dev/null
	mount_proc
	{
		timeout 600 chroot "$CHROOT" apt-get update -qq &&
			DEBIAN_FRONTEND=noninteractive timeout 600 chroot "$CHROOT" \
				apt-get install -y -qq --no-install-recommends $CHROOT_PKGS
	} >"$CHROOT.log" 2>&1 || { tail -20 "$CHROOT.log" >&2; die "apt-get in the chroot failed (log: $CHROOT.log)"; }
	rm -f "$CHROOT.log"
	rm -rf "$CHROOT/var/cache/apt/archives/"*.deb "$CHROOT/var/lib/apt/lists/"*
	echo "$(base_id)-$CHROOT_PKGS" >"$CHROOT/.guestboot-base"
}

# The kernel installed in the chroot (the newest).
chroot_kver() { ls "$CHROOT/lib/modules" | sort -V | tail -1; }

# build MODULES COMPRESS OPTION...: mkinitramfs with a configuration
# directory of our own (-d): initramfs.conf, modules, hooks.
build() {
	local modules=$1 compress=$2 opt microcode=0 busybox=n list=""
	shift 2
	for opt in "$@"; do
		case $opt in
		microcode) microcode=1 ;;
		busybox) busybox=y ;;
		list=*) list=${opt#list=} ;;
		*) die "unknown option $opt" ;;
		esac
	done
	local key
	key=$(printf '%s\n' "$(base_id)" "$modules" "$compress" "$@" | cat - "$0" | sha256sum | cut -c1-16)
	local img=$OUT/$modules-$compress-$key.img
	if [ -s "$img" ]; then
		echo "$img"
		return 0
	fi
	make_chroot
	local kver conf=/etc/guestboot-initramfs/$key
	kver=$(chroot_kver)
	[ -n "$kver" ] || die "no kernel in $CHROOT"
	rm -rf "$CHROOT$conf" && mkdir -p "$CHROOT$conf/hooks" "$CHROOT$conf/scripts" "$CHROOT$conf/conf.d" ||
		die "mkdir $conf"
	printf 'MODULES=%s\nBUSYBOX=%s\nCOMPRESS=%s\nKEYMAP=n\nFSTYPE=auto\nRUNSIZE=10%%\n' \
		"$modules" "$busybox" "$compress" >"$CHROOT$conf/initramfs.conf"
	tr ',' '\n' <<<"$list" >"$CHROOT$conf/modules"
	if [ "$microcode" = 1 ]; then
		# As intel-microcode's hook does: an uncompressed cpio holding
		# kernel/x86/microcode/GenuineIntel.bin, put before the rest
		# by mkinitramfs itself (prepend_earlyinitramfs). The blob is
		# not real microcode; the kernel would skip it.
		cat >"$CHROOT$conf/hooks/early-microcode" <<-'EOF'
			#!/bin/sh
			[ "$1" = prereqs ] && exit 0
			. /usr/share/initramfs-tools/hook-functions
			d=$(mktemp -d) && mkdir -p "$d/kernel/x86/microcode"
			head -c 6144 /dev/urandom >"$d/kernel/x86/microcode/GenuineIntel.bin"
			(cd "$d" && find . | LC_ALL=C sort | cpio -o -H newc --quiet) >"$d.cpio"
			prepend_earlyinitramfs "$d.cpio"
			rm -rf "$d" "$d.cpio"
		EOF
		chmod 755 "$CHROOT$conf/hooks/early-microcode"
	fi
	mkdir -p "$OUT" || die "cannot create $OUT"
	mount_proc
	timeout 900 chroot "$CHROOT" mkinitramfs -d "$conf" -o "$conf/initrd.img" "$kver" >"$img.log" 2>&1 ||
		{ tail -20 "$img.log" >&2; die "mkinitramfs $modules $compress failed (log: $img.log)"; }
	mv "$CHROOT$conf/initrd.img" "$img.tmp" && mv "$img.tmp" "$img" || die "cannot write $img"
	rm -rf "$CHROOT$conf" "$img.log"
	echo "$img"
}

cmd=${1:-}
[ $# -gt 0 ] && shift
mkdir -p "$GB_CACHE" || die "cannot create $GB_CACHE"
# one at a time: the chroot and the cache are shared
exec 9>"$GB_CACHE/.initramfs.lock" && flock 9
case $cmd in
chroot)
	make_chroot
	echo "$CHROOT"
	;;
build)
	[ $# -ge 2 ] || die "usage: mkinitrd.sh build MODULES COMPRESS [OPTION...]"
	build "$@"
	;;
run)
	make_chroot
	mount_proc
	chroot "$CHROOT" "$@"
	;;
*) die "usage: mkinitrd.sh chroot | build MODULES COMPRESS [OPTION...] | run CMD..." ;;
esac
