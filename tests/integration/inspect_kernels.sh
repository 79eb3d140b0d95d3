# Kernel and initrd inspection: a real Debian kernel, its payload
# recompressed with every compressor the kernel builds with (gzip, bzip2,
# xz, lzma, lzo, lz4, zstd) inside a bzImage built here,
# the bare and gzip'd vmlinux, synthetic arm64/multiboot/UKI/BSD images,
# initrds built with cpio and each compressor, and inspect --kernels.
. "$GB_TOP/tests/lib/common.sh"

PI=$GB_BUILD/payload-inspect
MK="python3 $GB_TOP/tests/lib/mkkernel.py"
need inspect_kernels cpio lzop || exit 0
K=$("$GB_TOP/scripts/fetch-kernel" 2>/dev/null) || K=""
if [ -z "$K" ]; then
	skip inspect_kernels "no Debian kernel: scripts/fetch-kernel could not download one into ${GB_CACHE:-/var/cache/guestboot}"
	exit 0
fi
KVER=${K##*/vmlinuz-}

# field FILE KEY: a KEY=VALUE line of payload-inspect's output.
field() { sed -n "s/^$2=//p" "$1"; }

# expect NAME OUT KEY=VALUE...: every pair is in payload-inspect's output.
expect() {
	local name=$1 out=$2 kv bad=""
	shift 2
	wanted "$name" || return 0
	for kv in "$@"; do
		[ "$(field "$out" "${kv%%=*}")" = "${kv#*=}" ] || bad="$bad $kv"
	done
	if [ -z "$bad" ]; then pass "$name"; else fail "$name" "wanted:$bad" "$(cat "$out")"; fi
}

"$PI" kernel "$K" >real.out
expect kernels/debian-bzimage real.out kind=bzImage os=linux "version=$KVER" payload_read=1 \
	elf=1 xen_pv=1 xen_pvh=1 guest_os=linux protocol=20f

# The ELF inside, as extract-vmlinux finds it.
$MK payload-of "$K" payload
comp=$(field real.out compression)
case $comp in
gzip) gzip -dc payload >vmlinux 2>/dev/null ;;
xz) xz -dc payload >vmlinux 2>/dev/null ;;
zstd) zstd -dcq payload >vmlinux 2>/dev/null ;;
lz4) lz4 -dcq payload >vmlinux 2>/dev/null ;;
bzip2) bzip2 -dc payload >vmlinux 2>/dev/null ;;
lzma) lzma -dc payload >vmlinux 2>/dev/null ;;
esac
if [ "$(head -c 4 vmlinux 2>/dev/null | od -An -c | tr -d ' ')" != "177ELF" ]; then
	fail kernels/extract-vmlinux "could not decompress the $comp payload"
	exit 0
fi
pass kernels/extract-vmlinux

"$PI" kernel vmlinux >elf.out
expect kernels/vmlinux-elf elf.out kind=elf os=linux "version=$KVER" xen_pv=1 xen_pvh=1 compression=none
gzip -1 -c vmlinux >vmlinux.gz
"$PI" kernel vmlinux.gz >elfgz.out
expect kernels/vmlinux-gzip elfgz.out kind=elf "version=$KVER" xen_pv=1 compression=gzip

# The same ELF recompressed by each tool, in a bzImage built here.
for c in gzip bzip2 xz lzma lzo lz4 zstd; do
	case $c in
	gzip) gzip -1 -c vmlinux ;;
	bzip2) bzip2 -1 -c vmlinux ;;
	xz) xz -0 --check=crc32 -c vmlinux ;;
	lzma) lzma -0 -c vmlinux ;;
	lzo) lzop -9 -c vmlinux ;; # as the kernel's build does
	lz4) lz4 -l -1 -c vmlinux ;;
	zstd) zstd -1 -q -c vmlinux ;;
	esac >"payload.$c"
	# the kernel's build appends the decompressed size
	printf '\x00\x00\x00\x00' >>"payload.$c"
	$MK bzimage "payload.$c" 6.6.6-test "bz.$c"
	"$PI" kernel "bz.$c" >"bz.$c.out"
	expect "kernels/bzimage-$c" "bz.$c.out" kind=bzImage version=6.6.6-test "compression=$c" \
		payload_read=1 xen_pv=1 xen_pvh=1
done
# extract --vmlinux's decompression: the ELF back, byte for byte, from
# each compressor's bzImage (and the UKI and gzip'd vmlinux below)
for c in gzip bzip2 xz lzma lzo lz4 zstd; do
	wanted "kernels/vmlinux-from-$c" || continue
	rm -f "got.$c"
	"$PI" vmlinux "bz.$c" "got.$c" pvh 2>"got.$c.err" && cmp -s "got.$c" vmlinux &&
		pass "kernels/vmlinux-from-$c" || fail "kernels/vmlinux-from-$c" "$(cat "got.$c.err")"
done
# truncated payloads are reported, not crashed on
for c in gzip bzip2 xz lzma lzo zstd lz4; do
	head -c 300000 "payload.$c" >"short.$c"
	$MK bzimage "short.$c" 6.6.6-test "bzshort.$c"
	"$PI" kernel "bzshort.$c" >"bzshort.$c.out"
	expect "kernels/truncated-$c" "bzshort.$c.out" kind=bzImage payload_read=0 xen_pv=0
done
# A payload that is no ELF: the header fields are checked.
$MK bzimage /dev/null 6.6.6-empty bz.empty
"$PI" kernel bz.empty >bz.empty.out
expect kernels/bzimage-empty-payload bz.empty.out kind=bzImage payload_read=0 xen_pv=0

$MK uki bz.zstd 6.7.0-uki uki.efi
if wanted kernels/vmlinux-from-uki-and-gzip; then
	rm -f got.uki got.gz
	"$PI" vmlinux uki.efi got.uki pvh && cmp -s got.uki vmlinux &&
		"$PI" vmlinux vmlinux.gz got.gz pvh && cmp -s got.gz vmlinux &&
		pass kernels/vmlinux-from-uki-and-gzip || fail kernels/vmlinux-from-uki-and-gzip
fi
# a kernel built without CONFIG_PVH: its vmlinux is written when PVH is not
# asked for, refused by name when it is
$MK xen-pv linux 200000 nopvh.elf
gzip -1 -c nopvh.elf >nopvh.gz && printf '\x00\x00\x00\x00' >>nopvh.gz
$MK bzimage nopvh.gz 6.6.6-nopvh bz.nopvh
if wanted kernels/vmlinux-no-pvh-refused; then
	rm -f got.nopvh
	if "$PI" vmlinux bz.nopvh got.nopvh pvh 2>nopvh.err; then
		fail kernels/vmlinux-no-pvh-refused "written though it has no PVH note"
	elif ! grep -q "this kernel has no PVH entry: CONFIG_PVH is off" nopvh.err || [ -e got.nopvh ]; then
		fail kernels/vmlinux-no-pvh-refused "$(cat nopvh.err)"
	elif "$PI" vmlinux bz.nopvh got.nopvh && cmp -s got.nopvh nopvh.elf; then
		pass kernels/vmlinux-no-pvh-refused
	else
		fail kernels/vmlinux-no-pvh-refused "not written without pvh"
	fi
fi
# not a kernel, or a payload that is no ELF: refused, nothing written
if wanted kernels/vmlinux-not-elf; then
	rm -f got.junk got.empty
	printf 'no kernel at all %04000d' 0 >notkernel
	gzip -c notkernel >notelf.gz && $MK bzimage notelf.gz 6.6.6-notelf bz.notelf
	! "$PI" vmlinux notkernel got.junk 2>junk.err && grep -q "no vmlinux in this kernel" junk.err &&
		! "$PI" vmlinux bz.notelf got.empty 2>empty.err && grep -q "not a little-endian ELF" empty.err &&
		[ ! -e got.junk ] && [ ! -e got.empty ] &&
		pass kernels/vmlinux-not-elf || fail kernels/vmlinux-not-elf "$(cat junk.err empty.err)"
fi
"$PI" kernel uki.efi >uki.out
expect kernels/uki uki.out kind=uki os=linux version=6.7.0-uki xen_pv=1 uki_initrd=1
$MK arm64 6.1.0-arm64 Image
"$PI" kernel Image >arm.out
expect kernels/arm64 arm.out kind=arm64-image os=linux version=6.1.0-arm64
$MK multiboot 1 "Xen version 4.17" xen1
"$PI" kernel xen1 >xen1.out
expect kernels/multiboot-xen xen1.out kind=multiboot os=xen
$MK multiboot 2 "illumos" unix2
"$PI" kernel unix2 >unix2.out
expect kernels/multiboot2-illumos unix2.out kind=multiboot2 os=illumos
# illumos's i86xpv unix (a stand-in): Xen's notes in file order, from the
# PT_NOTE segment, then from the .note.Xen section alone (no program header)
xpv_notes="GUEST_OS=SunOS XEN_VERSION=xen-3.0 LOADER=generic ENTRY=0x40000000 HYPERCALL_PAGE=0x40002000"
$MK xen-pv SunOS 4096 xpv
"$PI" kernel xpv >xpv.out
expect kernels/xen-pv-illumos xpv.out kind=elf os=illumos xen_pv=1 xen_pvh=0 guest_os=SunOS "xen_notes=$xpv_notes"
cp xpv xpv-sec && printf '\0\0' | dd of=xpv-sec bs=1 seek=56 conv=notrunc status=none
"$PI" kernel xpv-sec >xpv-sec.out
expect kernels/xen-pv-section xpv-sec.out kind=elf os=illumos xen_pv=1 "xen_notes=$xpv_notes"
# the Debian kernel's notes, as readelf names them
if wanted kernels/xen-notes-debian; then
	got=$(field real.out xen_notes)
	want=$(readelf -n vmlinux 2>/dev/null | grep -c 'Xen ')
	if [ -n "$got" ] && [ "$(wc -w <<<"$got")" = "$want" ] && grep -q 'GUEST_OS=linux' <<<"$got"; then
		pass kernels/xen-notes-debian
	else
		fail kernels/xen-notes-debian "readelf: $want notes" "got: $got"
	fi
fi
$MK elf-note FreeBSD 9 fbsd
"$PI" kernel fbsd >fbsd.out
expect kernels/freebsd fbsd.out kind=elf os=freebsd xen_pv=0
$MK elf-note NetBSD 0 nbsd
"$PI" kernel nbsd >nbsd.out
expect kernels/netbsd nbsd.out kind=elf os=netbsd
head -c 65536 /dev/urandom >junk
"$PI" kernel junk >junk.out
expect kernels/unknown junk.out kind=unknown xen_pv=0

# ---- initrds ----
# tree DIR MODULE...: a root with dummy modules where drivers live.
tree() {
	local d=$1 m
	shift
	rm -rf "$d"
	mkdir -p "$d/usr/lib/modules/$KVER/kernel/drivers/block" "$d/usr/lib/modules/$KVER/kernel/drivers/net" "$d/bin"
	echo init >"$d/init"
	for m in "$@"; do
		case $m in
		*net*) echo "$m" >"$d/usr/lib/modules/$KVER/kernel/drivers/net/$m" ;;
		*) echo "$m" >"$d/usr/lib/modules/$KVER/kernel/drivers/block/$m" ;;
		esac
	done
}
newc() { (cd "$1" && find . | LC_ALL=C sort | cpio -o -H "${2:-newc}" --quiet); }
# early microcode, uncompressed, as dracut and initramfs-tools put first
mkdir -p early/kernel/x86/microcode && head -c 1000 /dev/urandom >early/kernel/x86/microcode/GenuineIntel.bin
newc early >early.cpio

tree withxen xen-blkfront.ko.xz xen-netfront.ko virtio_blk.ko.zst nvme.ko.gz
tree without virtio_blk.ko virtio_scsi.ko virtio_net.ko
for c in none gzip bzip2 xz lzma lzo lz4 zstd; do
	for t in withxen without; do
		case $c in
		none) newc $t ;;
		gzip) newc $t | gzip -c ;;
		bzip2) newc $t | bzip2 -c ;;
		xz) newc $t | xz --check=crc32 -c ;;
		lzma) newc $t | lzma -c ;;
		lzo) newc $t | lzop -c ;;
		lz4) newc $t | lz4 -l -c ;;
		zstd) newc $t | zstd -q -c ;;
		esac >main.img
		cat early.cpio main.img >"initrd.$c.$t"
		"$PI" initrd "initrd.$c.$t" >"initrd.$c.$t.out"
	done
	expect "initrd/$c-xen" "initrd.$c.withxen.out" segments=2 "compressions=none+$c" complete=1 \
		modules=xen-blkfront,xen-netfront,virtio_blk,nvme "kernel_version=$KVER"
	expect "initrd/$c-no-xen" "initrd.$c.without.out" segments=2 complete=1 \
		modules=virtio_blk,virtio_scsi,virtio_net
done
# zero padding between segments, and an old-style crc archive
{ cat early.cpio; head -c 512 /dev/zero; newc withxen crc | gzip -c; } >initrd.padded
"$PI" initrd initrd.padded >initrd.padded.out
expect initrd/padding-and-crc initrd.padded.out segments=2 compressions=none+gzip complete=1 \
	modules=xen-blkfront,xen-netfront,virtio_blk,nvme
# lzop stores an incompressible block as it is
tree rand xen-blkfront.ko
head -c 400000 /dev/urandom >rand/blob
newc rand | lzop -c >initrd.lzo-stored
"$PI" initrd initrd.lzo-stored >initrd.lzo-stored.out
expect initrd/lzo-stored-blocks initrd.lzo-stored.out segments=1 compressions=lzo complete=1 \
	modules=xen-blkfront
# built-ins: modules.builtin inside the initrd
tree builtin
printf 'kernel/drivers/block/xen-blkfront.ko\nkernel/fs/ext4/ext4.ko\n' >"builtin/usr/lib/modules/$KVER/modules.builtin"
newc builtin | zstd -q -c >initrd.builtin
"$PI" initrd initrd.builtin >initrd.builtin.out
expect initrd/modules-builtin initrd.builtin.out modules= builtin=xen-blkfront,ext4
# truncated and junk-trailed initrds: incomplete, no crash
head -c $(($(stat -c %s early.cpio) + 300)) initrd.zstd.withxen >initrd.short
"$PI" initrd initrd.short >initrd.short.out
expect initrd/truncated initrd.short.out complete=0
{ cat initrd.gzip.withxen; echo junk; } >initrd.junk
"$PI" initrd initrd.junk >initrd.junk.out
expect initrd/trailing-junk initrd.junk.out complete=0 modules=xen-blkfront,xen-netfront,virtio_blk,nvme
if wanted initrd/list-files; then
	"$PI" initrd initrd.xz.withxen list >list.out
	grep -qx "file=usr/lib/modules/$KVER/kernel/drivers/block/xen-blkfront.ko.xz" list.out &&
		grep -qx "file=kernel/x86/microcode/GenuineIntel.bin" list.out &&
		pass initrd/list-files || fail initrd/list-files "$(cat list.out)"
fi

# ---- inspect --kernels on an image ----
mkdir -p r/boot/grub
cp "$K" "r/boot/vmlinuz-$KVER"
cp bz.bzip2 r/boot/vmlinuz-bz2
cp initrd.xz.withxen "r/boot/initrd.img-$KVER"
cp initrd.lz4.without r/boot/initrd-novirt
cat >r/boot/grub/grub.cfg <<EOF2
menuentry "Debian" { linux /boot/vmlinuz-$KVER root=/dev/xvda1; initrd /boot/initrd.img-$KVER }
submenu "Advanced" {
  menuentry "bzip2" { linux /boot/vmlinuz-bz2 root=/dev/vda1; initrd /boot/initrd-novirt }
  menuentry "gone" { linux /boot/vmlinuz-gone }
}
EOF2
truncate -s 64M k.img
printf 'label: dos\nstart=2048, type=83\n' | sfdisk -q k.img
mke2fs -q -F -t ext4 -d r -E offset=1048576 k.img 60000k
if wanted inspect/kernels-json; then
	json=$("$GUESTBOOT" inspect --kernels --json k.img)
	got=$(jq -r '.entries[] | "\(.path) \(.kernel.kind // "-") \(.kernel.version // "-") \(.kernel.compression // "-") \(.kernel.xen_pv // "-") \(.kernel.xen_pvh // "-") \(.initrd.modules // [] | join(","))"' <<<"$json")
	want="0 bzImage $KVER $comp true true xen-blkfront,xen-netfront,virtio_blk,nvme
1>0 bzImage 6.6.6-test bzip2 true true virtio_blk,virtio_scsi,virtio_net
1>1 - - - - - "
	[ "$got" = "$want" ] && [ "$(jq -r '.entries[2].error' <<<"$json")" != null ] &&
		pass inspect/kernels-json || fail inspect/kernels-json "got: $got" "want: $want"
fi
if wanted inspect/kernels-text; then
	out=$("$GUESTBOOT" inspect --kernels k.img)
	grep -q "version $KVER, Xen PV yes, PVH yes" <<<"$out" && grep -q "modules: xen-blkfront" <<<"$out" &&
		pass inspect/kernels-text || fail inspect/kernels-text "$out"
fi
