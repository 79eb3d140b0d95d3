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
DRIVERS="xen-blkfront xen-netfront virtio_blk virtio_scsi virtio_net nvme ext4 xfs btrfs virtio_mmio virtio_pci"

need_root initramfs "mkinitramfs runs in a chroot" || exit 0
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

# ---- by hand, as minimal initrds are made: busybox, an /init, the
# kernel's real driver modules, cpio, xz (with and without Xen drivers) ----
mods=$CH/lib/modules/$KVER
for variant in "xen:xen-blkfront xen-netfront" "noxen:virtio_ring virtio_blk virtio_net"; do
	v=${variant%%:*}
	name=initramfs/busybox-cpio-$v
	wanted "$name" || continue
	rm -rf "bb-$v" && mkdir -p "bb-$v/bin" "bb-$v/lib/modules/$KVER"
	cp "$CH/bin/busybox" "bb-$v/bin/busybox"
	ln -s busybox "bb-$v/bin/sh"
	printf '#!/bin/sh\n/bin/busybox --install -s\nexec /bin/sh\n' >"bb-$v/init" && chmod 755 "bb-$v/init"
	for m in ${variant#*:}; do
		p=$(cd "$mods" && find kernel -name "$m.ko")
		[ -n "$p" ] || fail "$name" "no $m.ko in $mods"
		mkdir -p "bb-$v/lib/modules/$KVER/${p%/*}" && cp "$mods/$p" "bb-$v/lib/modules/$KVER/$p"
	done
	cp "$mods/modules.builtin" "bb-$v/lib/modules/$KVER/"
	(cd "bb-$v" && find . | LC_ALL=C sort | cpio -o -H newc --quiet) | xz --check=crc32 -c >"bb-$v.img"
	# the oracle: cpio's own listing of the decompressed archive
	xz -dc "bb-$v.img" | cpio -t --quiet | sed 's|^\./||' >"bb-$v.oracle"
	check_initrd "$name" "bb-$v.img" "bb-$v.oracle" xz
	initrd[bb-$v]=$PWD/bb-$v.img
done

# ---- on disk images with the chroot's kernel: inspect --kernels, doctor ----
UUID=7d1c3a52-0a9e-4c41-b2b5-6c2f5a0e9d13
# mkimg IMG INITRD: ext4 on partition 1 with the kernel, its config, the
# initrd, grub.cfg and fstab.
mkimg() {
	rm -rf r && mkdir -p r/boot/grub r/etc
	cp "$CH/boot/vmlinuz-$KVER" "$CH/boot/config-$KVER" r/boot/
	cp "$2" "r/boot/initrd.img-$KVER"
	printf 'menuentry "Debian" {\n  linux /boot/vmlinuz-%s root=UUID=%s ro\n  initrd /boot/initrd.img-%s\n}\n' \
		"$KVER" "$UUID" "$KVER" >r/boot/grub/grub.cfg
	printf 'UUID=%s / ext4 defaults 0 1\n' "$UUID" >r/etc/fstab
	rm -f "$1" && truncate -s 64M "$1"
	printf 'label: dos\nstart=2048, type=83\n' | sfdisk -q "$1"
	mke2fs -q -F -t ext4 -U "$UUID" -d r -E offset=1048576 "$1" 60000k
}

# doctor_case NAME IMG ORACLE TARGET DRIVER...: when the oracle's listing
# or the kernel's modules.builtin has one of the target's disk DRIVERs,
# doctor finds nothing (exit 0); otherwise it reports initrd-no-disk-driver
# (exit 1) and nothing else.
doctor_case() {
	local name=$1 img=$2 oracle=$3 target=$4 drv
	shift 4
	wanted "$name" || return 0
	local out rc want_rc=1 want_codes=initrd-no-disk-driver
	for drv in "$@"; do
		if grep -Eq "(^|/)$drv\.ko$" "$oracle" builtin.list; then want_rc=0 want_codes=""; fi
	done
	out=$("$GUESTBOOT" doctor --json --target "$target" "$img" 2>&1)
	rc=$?
	local codes
	codes=$(jq -r '[.findings[].code] | join(",")' <<<"$out" 2>/dev/null)
	if [ "$rc" = "$want_rc" ] && [ "$codes" = "$want_codes" ]; then
		pass "$name"
	else
		fail "$name" "exit $rc (want $want_rc), findings '$codes' (want '$want_codes')" "$out"
	fi
}

for k in most-zstd list-xz list-lzop bb-xen bb-noxen; do
	[ -n "${initrd[$k]:-}" ] || continue
	wanted "initramfs/image-$k" || continue
	oracle=$k.oracle
	mkimg "$k.disk" "${initrd[$k]}"
	name=initramfs/image-$k/inspect-kernels
	if wanted "$name"; then
		got=$("$GUESTBOOT" inspect --kernels --json "$k.disk" |
			jq -r '.entries[0] | "\(.kernel.version) \(.kernel.xen_pv) \(.initrd.kernel_version) \(.initrd.modules | join(",")) \(.initrd.complete)"')
		want="$KVER true $KVER $(drivers_in "$oracle") true"
		[ "$got" = "$want" ] && pass "$name" || fail "$name" "got:  $got" "want: $want"
	fi
	doctor_case "initramfs/image-$k/doctor-xen-pv" "$k.disk" "$oracle" xen-pv xen-blkfront
	doctor_case "initramfs/image-$k/doctor-kvm" "$k.disk" "$oracle" kvm virtio_blk virtio_scsi nvme
done
