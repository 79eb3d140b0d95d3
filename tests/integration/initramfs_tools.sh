# Real initrds: Debian 12's mkinitramfs (tests/lib/mkinitrd.sh, in a chroot
# of the cached debootstrap, cached by their inputs) with MODULES=most (Xen
# and virtio drivers) and MODULES=list without the Xen drivers, with every
# COMPRESS, early microcode prepended by a hook; and one made by hand with
# busybox and cpio. Oracles: initramfs-tools' own lsinitramfs (run in the
# chroot) for the files, the kernel's modules.builtin for the built-ins,
# cpio -t for the busybox one. Then inspect --kernels and doctor on disk
# images holding them with the chroot's kernel.
. "$GB_TOP/tests/lib/common.sh"
wanted initramfs/ || exit 0

PI=$GB_BUILD/payload-inspect
MKINITRD="bash $GB_TOP/tests/lib/mkinitrd.sh"
COMPRESSORS="gzip bzip2 lzma xz lzop lz4 zstd" # as initramfs.conf names them
# the drivers guestboot looks for, in the order it lists them
DRIVERS="xen-blkfront xen-netfront virtio_blk virtio_scsi virtio_net nvme ext4 xfs btrfs"

if [ "$(id -u)" -ne 0 ]; then
	fail initramfs/setup "needs root (chroot)"
	exit 0
fi
if ! CH=$($MKINITRD chroot 2>setup.log); then
	fail initramfs/setup "could not build the chroot" "$(tail -5 setup.log)"
	exit 0
fi
KVER=$(ls "$CH/lib/modules" | sort -V | tail -1)

# field FILE KEY: a KEY=VALUE line of payload-inspect's output.
field() { sed -n "s/^$2=//p" "$1"; }

# drivers_in LIST: the drivers that LIST (paths, one a line) has as
# modules, comma-separated in guestboot's order ('-' and '_' alike).
drivers_in() {
	local d out=""
	for d in $DRIVERS; do
		grep -Eq "(^|/)${d//[-_]/[-_]}\.ko(\.xz|\.zst|\.gz)?$" "$1" && out="$out,$d"
	done
	echo "${out#,}"
}

# check_initrd NAME IMG ORACLE COMPRESSIONS: payload-inspect's files,
# modules, built-ins, version and segments against the oracle's listing.
check_initrd() {
	local name=$1 img=$2 oracle=$3 comps=$4 bad=""
	wanted "$name" || return 0
	local f=${name##*/}
	"$PI" initrd "$img" list >"$f.out" 2>&1 || bad="$bad exit"
	sed -n 's/^file=//p' "$f.out" | LC_ALL=C sort >"$f.files"
	LC_ALL=C sort "$oracle" >"$f.want"
	cmp -s "$f.files" "$f.want" || bad="$bad files($(diff "$f.want" "$f.files" | head -4 | tr '\n' ' '))"
	[ "$(field "$f.out" files)" = "$(wc -l <"$f.want")" ] || bad="$bad count"
	[ "$(field "$f.out" modules)" = "$(drivers_in "$f.want")" ] ||
		bad="$bad modules(want $(drivers_in "$f.want"))"
	[ "$(field "$f.out" builtin)" = "$builtin" ] || bad="$bad builtin(want $builtin)"
	[ "$(field "$f.out" kernel_version)" = "$KVER" ] || bad="$bad kernel_version"
	[ "$(field "$f.out" compressions)" = "$comps" ] || bad="$bad compressions(want $comps)"
	[ "$(field "$f.out" complete)" = 1 ] || bad="$bad complete"
	if [ -z "$bad" ]; then pass "$name"; else fail "$name" "wrong:$bad" "$(grep -v ^file= "$f.out")"; fi
}

# the built-in drivers, from the kernel's own modules.builtin
printf '%s\n' $(cat "$CH/lib/modules/$KVER/modules.builtin") >builtin.list
builtin=$(drivers_in builtin.list)

# lsinitramfs NAME IMG: the listing initramfs-tools itself gives.
lsinitramfs() {
	cp "$2" "$CH/tmp/gb-$1.img"
	$MKINITRD run lsinitramfs "/tmp/gb-$1.img" | sed 's|^\./||' >"$1.oracle"
	rm -f "$CH/tmp/gb-$1.img"
}

# ---- mkinitramfs: MODULES=most (busybox, microcode) and MODULES=list ----
declare -A initrd
if most=$($MKINITRD build most zstd microcode busybox 2>build.log); then
	initrd[most-zstd]=$most
	lsinitramfs most-zstd "$most"
	check_initrd initramfs/most-zstd-microcode "$most" most-zstd.oracle none+zstd
else
	fail initramfs/most-zstd-microcode "mkinitramfs failed" "$(tail -5 build.log)"
fi
for c in $COMPRESSORS; do
	name=initramfs/list-$c-microcode
	wanted "$name" || continue
	if ! img=$($MKINITRD build list "$c" microcode list=virtio_blk,virtio_net 2>build.log); then
		fail "$name" "mkinitramfs failed" "$(tail -5 build.log)"
		continue
	fi
	initrd[list-$c]=$img
	lsinitramfs "list-$c" "$img"
	check_initrd "$name" "$img" "list-$c.oracle" "none+${c/lzop/lzo}"
done
