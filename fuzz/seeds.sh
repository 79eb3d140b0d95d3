#!/bin/bash
# Seed corpora for the fuzz targets, made with the real tools: tiny disk
# images (MBR with a logical partition, GPT, bare ext2/ext4, squashfs,
# UFS2, btrfs), a ZFS pool for fuzz-sparse and every configuration the
# config tests carry.
set -eu
out=$1
top=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
[ -z "${GB_FUZZ_SEEDS_KEEP:-}" ] || trap - EXIT
mkdir -p "$out"/{image,sparse,grub2,grub1,syslinux,bls,lilo,output}
mkdir -p "$tmp/root/boot/grub"
echo kernel >"$tmp/root/boot/vmlinuz"
printf 'set default=0\nmenuentry x { linux /boot/vmlinuz ro }\n' >"$tmp/root/boot/grub/grub.cfg"
ln -s vmlinuz "$tmp/root/boot/link"
for t in ext2 ext4; do
	truncate -s 256K "$out/image/$t.img"
	mke2fs -q -F -t $t -b 1024 -N 16 -d "$tmp/root" "$out/image/$t.img" >/dev/null 2>&1 || true
done
# btrfs: single profile, 4 KiB nodes, compacted below libFuzzer's max_len
truncate -s 128M "$tmp/btrfs.img"
mkfs.btrfs -q -f -m single -d single -n 4096 --rootdir "$tmp/root" --shrink "$tmp/btrfs.img" >/dev/null 2>&1 &&
	python3 "$top/tests/lib/btrfs_compact.py" "$tmp/btrfs.img" "$out/image/btrfs.img" || true
truncate -s 600K "$out/image/mbr.img"
printf 'label: dos\nstart=1, size=400, type=83\nstart=401, type=5\nstart=402, size=300, type=83\n' |
	sfdisk -q "$out/image/mbr.img" >/dev/null 2>&1 || true
truncate -s 600K "$out/image/gpt.img"
printf 'label: gpt\nfirst-lba=34\nstart=40, size=500, type=L\n' | sfdisk -q "$out/image/gpt.img" >/dev/null 2>&1 || true
# volume stacks, written by the test scripts (no root needed): an LVM PV in
# a partition, md 1.2 and 0.90 members, a BSD label, a Solaris VTOC
lib=$top/tests/lib
small_fs() { mke2fs -q -F -t ext2 -b 1024 -N 16 -d "$tmp/root" -E offset="$2" "$1" "$3" >/dev/null 2>&1 || true; }
truncate -s 900K "$out/image/lvm.img"
printf 'label: dos\nstart=64, type=8e\n' | sfdisk -q "$out/image/lvm.img" >/dev/null 2>&1 || true
off=$(python3 "$lib/mklvm.py" "$out/image/lvm.img" 32768 888832) && small_fs "$out/image/lvm.img" "$off" 512k
for v in 1.2 0.90; do
	f=$out/image/md$v.img
	truncate -s 600K "$f"
	printf 'label: dos\nstart=64, type=fd\n' | sfdisk -q "$f" >/dev/null 2>&1 || true
	read -r off _ < <(python3 "$lib/mkmd.py" "$f" 32768 581632 $v --data-offset 16) &&
		small_fs "$f" $((32768 + off)) 256k
done
truncate -s 600K "$out/image/bsd.img"
printf 'label: dos\nstart=64, type=a5\n' | sfdisk -q "$out/image/bsd.img" >/dev/null 2>&1 || true
python3 "$lib/mklabel.py" bsd "$out/image/bsd.img" 64 1136 a:80:600:7 b:680:100:1 c:64:1136:0 &&
	small_fs "$out/image/bsd.img" $((80 * 512)) 300k
truncate -s 600K "$out/image/vtoc.img"
printf 'label: dos\nstart=64, type=bf\n' | sfdisk -q "$out/image/vtoc.img" >/dev/null 2>&1 || true
python3 "$lib/mklabel.py" vtoc "$out/image/vtoc.img" 64 1136 0:2:16:600 2:5:0:1136 &&
	small_fs "$out/image/vtoc.img" $(((64 + 16) * 512)) 300k
# qcow2 (images in memory are detected by magic too): small clusters so the
# tables sit within the first KiB the fuzzer mutates most
if command -v qemu-img >/dev/null; then
	for v in "c512:-o cluster_size=512" "c512z:-c -o cluster_size=512" \
		"xl2:-o extended_l2=on,cluster_size=16k" "zstd:-c -o compression_type=zstd,cluster_size=4k" \
		"v2:-o compat=0.10,cluster_size=1k"; do
		qemu-img convert -O qcow2 ${v#*:} "$out/image/ext2.img" "$out/image/${v%%:*}.qcow2" 2>/dev/null || true
	done
fi
# squashfs (gzip, fragments) and UFS2 (makefs)
mksquashfs "$tmp/root" "$out/image/squashfs.img" -noappend -quiet -no-progress -b 4096 >/dev/null 2>&1 || true
# uncompressed tables and data: byte flips reach directory entries and
# inodes directly (the compressed seed hid issue #16's overflow)
mksquashfs "$tmp/root" "$out/image/squashfs-plain.img" -noappend -quiet -no-progress -b 4096 \
	-noI -noD -noF -noX >/dev/null 2>&1 || true
makefs -t ffs -M 128k -o version=2,bsize=4096,fsize=512 "$out/image/ufs2.img" "$tmp/root" >/dev/null 2>&1 || true
# configs: the first "--- file" section of every test case (its body, or
# the data file its from= names)
for t in "$top"/tests/config/*/*.t; do
	kind=$(basename "$(dirname "$t")")
	awk -v data="$top/tests/config/data/" '
		/^--- file / { n++
			if (n == 1 && $NF ~ /^from=/) { f = data substr($NF, 6); while ((getline l < f) > 0) print l; exit }
			next }
		/^--- / { if (n) exit }
		n == 1' "$t" >"$out/$kind/$(basename "$t" .t)"
done
printf 'k\0r\0a b\0' >"$out/output/plain"
printf "/k\0/r\0it's \"q\" \\\\ \n\0" >"$out/output/quotes"
# FAT (mtools) and ISO9660 with Rock Ridge and Joliet (xorriso)
if command -v mkfs.fat >/dev/null && command -v mcopy >/dev/null; then
	rm -f "$out/image/fat12.img"
	mkfs.fat -C -F 12 "$out/image/fat12.img" 256 >/dev/null 2>&1 &&
		mcopy -s -i "$out/image/fat12.img" "$tmp/root/boot" ::/ >/dev/null 2>&1 || true
fi
command -v xorriso >/dev/null &&
	xorriso -as mkisofs -quiet -R -J -o "$out/image/iso.img" "$tmp/root" >/dev/null 2>&1 || true
# payload: first byte odd = kernel, even = initrd. A tiny ELF with Xen
# notes in a bzImage under each compressor; cpio initrds, plain and packed.
mkdir -p "$out/payload" "$tmp/ird/lib/modules/6.1/kernel/drivers/block"
echo x >"$tmp/ird/lib/modules/6.1/kernel/drivers/block/xen-blkfront.ko"
echo kernel/drivers/block/virtio_blk.ko >"$tmp/ird/lib/modules/6.1/modules.builtin"
python3 "$top/tests/lib/mkkernel.py" elf-note Xen 0 "$tmp/elf"
for c in gzip bzip2 xz lzma lzo lz4 zstd; do
	case $c in
	lzo) lzop -c "$tmp/elf" ;;
	lz4) lz4 -l -c "$tmp/elf" ;;
	xz) xz --check=crc32 -c "$tmp/elf" ;;
	zstd) zstd -q -c "$tmp/elf" ;;
	*) $c -c "$tmp/elf" ;;
	esac >"$tmp/payload.$c" 2>/dev/null || continue
	python3 "$top/tests/lib/mkkernel.py" bzimage "$tmp/payload.$c" 6.1.0-seed "$tmp/bz" &&
		{ printf '\1'; cat "$tmp/bz"; } >"$out/payload/bzimage-$c"
	if command -v cpio >/dev/null; then
		(cd "$tmp/ird" && find . | cpio -o -H newc --quiet) >"$tmp/cpio"
		case $c in
		lzo) lzop -c "$tmp/cpio" ;;
		lz4) lz4 -l -c "$tmp/cpio" ;;
		xz) xz --check=crc32 -c "$tmp/cpio" ;;
		zstd) zstd -q -c "$tmp/cpio" ;;
		*) $c -c "$tmp/cpio" ;;
		esac >"$tmp/cpio.$c" 2>/dev/null && { printf '\0'; cat "$tmp/cpio" "$tmp/cpio.$c"; } >"$out/payload/initrd-$c"
	fi
done
{ printf '\1'; cat "$tmp/elf"; } >"$out/payload/elf"
# the other kernel kinds inspect knows: a UKI (PE sections around a
# bzImage), an arm64 Image, multiboot 1 and 2
m=$top/tests/lib/mkkernel.py
{ python3 "$m" uki "$tmp/bz" 6.1.0-uki "$tmp/k" && { printf '\1'; cat "$tmp/k"; } >"$out/payload/uki"; } || true
{ python3 "$m" arm64 6.1.0-arm "$tmp/k" && { printf '\1'; cat "$tmp/k"; } >"$out/payload/arm64"; } || true
# an arm64 Image with a PE header, gzip'd whole and in an EFI zboot image
{ python3 "$m" arm64 6.1.0-arm "$tmp/k" 4 pe 2000 && gzip -9 -c "$tmp/k" >"$tmp/k.gz" &&
	{ printf '\1'; cat "$tmp/k.gz"; } >"$out/payload/arm64-gz" &&
	python3 "$m" zboot "$tmp/k.gz" gzip "$tmp/z" && { printf '\1'; cat "$tmp/z"; } >"$out/payload/arm64-zboot"; } || true
for v in 1 2; do
	{ python3 "$m" multiboot $v "Xen version 4.17" "$tmp/k" && { printf '\1'; cat "$tmp/k"; } >"$out/payload/multiboot$v"; } || true
done
# ZFS: a 64 MiB zfs-fuse pool as fuzz-sparse's extent list (its labels and
# the blocks a reader walks: some 40 KiB); needs the zfs-fuse daemon, whose
# socket is machine-wide: only when asked (GB_FUZZ_ZFS_FUSE=1), never by
# default where other test runs may hold it
if [ "${GB_FUZZ_ZFS_FUSE:-0}" = 1 ] && command -v zfs-fuse >/dev/null; then
	. "$top/tests/lib/zfs.sh"
	trap 'zfs_daemon_stop; rm -rf "$tmp"' EXIT
	if zfs_daemon_start "$tmp" && zfs_small_pool "$tmp/zfs.img" "$tmp/zfs" fz >/dev/null 2>&1; then
		python3 "$top/tests/lib/zfsmap.py" "$tmp/zfs.img" sparse "$out/sparse/zfs" || true
	fi
	zfs_daemon_stop
fi
# Per-driver seeds (fuzz-ext, fuzz-xfs, ...): small real images of one file
# system each, from a tree with every kind of node a boot meets: a config,
# a multi-block file, an empty one, short and long symlinks, a directory
# large enough for each driver's multi-block form, long names.
fs=$tmp/fsroot
mkdir -p "$fs/boot/grub" "$fs/d" "$fs/e"
printf 'set default=0\nmenuentry x { linux /boot/vmlinuz ro\n initrd /boot/initrd }\n' >"$fs/boot/grub/grub.cfg"
echo kernel >"$fs/boot/vmlinuz"
head -c 20000 /dev/urandom >"$fs/boot/initrd"
: >"$fs/boot/empty"
ln -s vmlinuz "$fs/boot/link"
ln -s "$(printf 'dir%04d/' $(seq 40))target" "$fs/boot/longlink"
for i in $(seq 1 40); do echo $i >"$fs/d/file$i"; done
for i in $(seq 1 12); do echo $i >"$fs/e/a_longer_file_name_for_a_bigger_directory_$i"; done
# names of 200 bytes: one bit flipped in a stored name length then asks for
# more than a name buffer holds, with listing bytes behind it to copy
mkdir -p "$fs/long"
for i in 1 2 3 4 5 6; do echo $i >"$fs/long/$(printf 'n%.0s' $(seq 200))_$i"; done
sparse() { python3 "$top/fuzz/mksparse.py" "$1" "$2" && rm -f "$1"; }
mkdir -p "$out"/{ext,xfs,btrfs,fat,iso9660,squashfs,ufs,zfs}
for t in ext2 ext3 ext4; do
	truncate -s 768K "$out/ext/$t.img"
	mke2fs -q -F -t $t -b 1024 -N 96 -d "$fs" "$out/ext/$t.img" >/dev/null 2>&1 || rm -f "$out/ext/$t.img"
done
truncate -s 1M "$out/ext/ext4-4k.img"
mke2fs -q -F -t ext4 -b 4096 -N 96 -O inline_data,^has_journal -d "$fs" "$out/ext/ext4-4k.img" >/dev/null 2>&1 ||
	rm -f "$out/ext/ext4-4k.img"
cp "$out/image/btrfs.img" "$out/btrfs/" 2>/dev/null || true
# and the driver tree: the 20 KB file is a regular extent (the copy path's
# map), the rest inline
truncate -s 0 "$tmp/btrfs2.img"
truncate -s 128M "$tmp/btrfs2.img"
mkfs.btrfs -q -f -m single -d single -n 4096 --rootdir "$fs" --shrink "$tmp/btrfs2.img" >/dev/null 2>&1 &&
	python3 "$top/tests/lib/btrfs_compact.py" "$tmp/btrfs2.img" "$out/btrfs/tree.img" || true
rm -f "$tmp/btrfs2.img"
# XFS: 16 MiB (the smallest mkfs.xfs makes when it believes it runs under
# fstests; 300 MiB otherwise), v5 and v4, as the sparse encoding
python3 "$top/tests/lib/xfs_proto.py" "$fs" >"$tmp/xfs.proto" 2>/dev/null || true
for v in v5:"-m crc=1" v4:"-m crc=0" v5-1k:"-m crc=1 -b size=1024 -n size=4096"; do
	rm -f "$tmp/x.img"
	TEST_DIR=1 TEST_DEV=1 QA_CHECK_FS=1 mkfs.xfs -q -f -p "$tmp/xfs.proto" ${v#*:} \
		-d name="$tmp/x.img",file,size=16m >/dev/null 2>&1 && sparse "$tmp/x.img" "$out/xfs/${v%%:*}" || true
done
# FAT12 fits max_len; FAT16 and FAT32 do not (4085 and 65525 clusters at
# least): all as the sparse encoding, which fuzz-fat reads
for v in 12:256 16:4200 32:36000; do
	rm -f "$tmp/f.img"
	mkfs.fat -C -F ${v%%:*} -s 1 "$tmp/f.img" ${v#*:} >/dev/null 2>&1 || continue
	# (mcopy skips the symlinks and says so)
	mcopy -s -i "$tmp/f.img" "$fs/boot" "$fs/d" "$fs/e" "$fs/long" ::/ >/dev/null 2>&1 || true
	sparse "$tmp/f.img" "$out/fat/fat${v%%:*}" || true
done
# ISO9660: Rock Ridge + Joliet, plain level 1, level 3
xorriso -as mkisofs -quiet -R -J -o "$out/iso9660/rr-joliet.iso" "$fs" >/dev/null 2>&1 || true
xorriso -as mkisofs -quiet -iso-level 3 -o "$out/iso9660/level3.iso" "$fs" >/dev/null 2>&1 || true
# squashfs: uncompressed (so that byte mutations reach inodes and directory
# entries directly), and under each compressor
mksquashfs "$fs" "$out/squashfs/plain.img" -noappend -quiet -no-progress -b 4096 -noI -noD -noF -noX \
	>/dev/null 2>&1 || true
mksquashfs "$fs" "$out/squashfs/plain-nofrag.img" -noappend -quiet -no-progress -b 4096 -noI -noD \
	-no-fragments >/dev/null 2>&1 || true
for c in gzip xz lzo lz4 zstd; do
	mksquashfs "$fs" "$out/squashfs/$c.img" -noappend -quiet -no-progress -b 4096 -comp $c >/dev/null 2>&1 || true
done
# UFS1 and UFS2 (makefs 9.x writes a directory larger than one fragment
# past the image's end when fsize < bsize: whole blocks here, 512-byte
# fragments in the small tree of image/ufs2.img)
for v in 1 2; do
	makefs -t ffs -M 960k -o version=$v,bsize=4096,fsize=4096 "$out/ufs/ufs$v.img" "$fs" >/dev/null 2>&1 ||
		rm -f "$out/ufs/ufs$v.img"
done
cp "$out/image/ufs2.img" "$out/ufs/ufs2-frag.img" 2>/dev/null || true
# ZFS: pools are written by ZFS itself only (zfs-fuse's daemon is not ours to
# start here); a single-disk pool from ../shared's openzfs images when present
cp "$out/sparse/zfs" "$out/zfs/" 2>/dev/null || true
shared=${GB_SHARED:-$top/../shared}
if [ -f "$shared/zfs-images/zevo-1.1.1.tar.bz2" ]; then
	tar -xjf "$shared/zfs-images/zevo-1.1.1.tar.bz2" -C "$tmp" 2>/dev/null &&
		python3 "$top/tests/lib/zfsmap.py" "$tmp/zevo-1.1.1/file-vdev0" sparse "$out/zfs/zevo" 2>/dev/null || true
	rm -rf "$tmp/zevo-1.1.1"
fi
# fuzz-lvm: metadata text for its two PVs (fuzz_lvm.c writes labels and
# checksums): a linear LV, a striped one over both PVs, an LV of two
# segments; one seed with PV B's own copy after a NUL (a newer seqno)
mkdir -p "$out/lvm"
lvm_text() { # SEQNO LVS...
	local seq=$1
	shift
	printf 'fz {\nid = "abcdef-abcd-abcd-abcd-abcd-abcd-abcdef"\nseqno = %s\nformat = "lvm2"\n' "$seq"
	printf 'status = ["RESIZEABLE", "READ", "WRITE"]\nflags = []\nextent_size = 128\n'
	printf 'physical_volumes {\n'
	printf 'pv0 {\nid = "GbFuzz-PvA0-0000-0000-0000-0000-00000a"\ndevice = "/dev/a"\nstatus = ["ALLOCATABLE"]\ndev_size = 2048\npe_start = 128\npe_count = 15\n}\n'
	printf 'pv1 {\nid = "GbFuzz-PvB0-0000-0000-0000-0000-00000b"\ndevice = "/dev/b"\nstatus = ["ALLOCATABLE"]\ndev_size = 2048\npe_start = 128\npe_count = 15\n}\n'
	printf '}\nlogical_volumes {\n%s}\n}\ncontents = "Text Format Volume Group"\nversion = 1\n' "$*"
}
lv_linear='root {\nid = "rrrrrr-aaaa-aaaa-aaaa-aaaa-aaaa-aaaaaa"\nstatus = ["READ", "WRITE", "VISIBLE"]\nsegment_count = 1\nsegment1 {\nstart_extent = 0\nextent_count = 4\ntype = "striped"\nstripe_count = 1\nstripes = [\n"pv0", 0\n]\n}\n}\n'
lv_striped='st {\nid = "ssssss-aaaa-aaaa-aaaa-aaaa-aaaa-aaaaaa"\nstatus = ["READ", "WRITE", "VISIBLE"]\nsegment_count = 1\nsegment1 {\nstart_extent = 0\nextent_count = 6\ntype = "striped"\nstripe_count = 2\nstripe_size = 16\nstripes = [\n"pv0", 4,\n"pv1", 0\n]\n}\n}\n'
lv_two='two {\nid = "tttttt-aaaa-aaaa-aaaa-aaaa-aaaa-aaaaaa"\nstatus = ["READ", "WRITE", "VISIBLE"]\nsegment_count = 2\nsegment1 {\nstart_extent = 0\nextent_count = 2\ntype = "striped"\nstripe_count = 1\nstripes = [\n"pv1", 5\n]\n}\nsegment2 {\nstart_extent = 2\nextent_count = 3\ntype = "striped"\nstripe_count = 1\nstripes = [\n"pv0", 8\n]\n}\n}\n'
lvm_text 1 "$(printf "$lv_linear")" >"$out/lvm/linear"
lvm_text 2 "$(printf "$lv_linear$lv_striped$lv_two")" >"$out/lvm/three"
{ lvm_text 3 "$(printf "$lv_linear")"; printf '\0'; lvm_text 4 "$(printf "$lv_striped")"; } >"$out/lvm/two-copies"
# fuzz-gpt: flags byte, header bytes 8..92, entries. From sfdisk's table
# (512-byte sectors; this sfdisk cannot write 4096-byte ones: that seed is
# the same table in 4096-byte units)
mkdir -p "$out/gpt"
truncate -s 0 "$tmp/g.img"
truncate -s 2M "$tmp/g.img"
printf 'label: gpt\nstart=40, size=16, type=L, name="boot"\nstart=56, type=L, name="root"\n' |
	sfdisk -q "$tmp/g.img" >/dev/null 2>&1 &&
	python3 - "$tmp/g.img" "$out/gpt" <<'PY' || true
import struct, sys
img, out = open(sys.argv[1], 'rb').read(), sys.argv[2]
h = bytearray(img[512:1024])
elba, n, esz = struct.unpack_from('<QII', h, 72)
entries = bytearray(img[elba * 512:elba * 512 + n * esz])
open(out + '/sfdisk-512', 'wb').write(b'\0' + h[8:92] + entries)
# 4096-byte sectors: 512 of them; entries at LBA 2 (4 sectors), usable 6..510
struct.pack_into('<QQQ', h, 32, 511, 6, 510)
struct.pack_into('<Q', h, 72, 2)
for i in range(n):
    e = i * esz
    first, last = struct.unpack_from('<QQ', entries, e + 32)
    if first:
        struct.pack_into('<QQ', entries, e + 32, max(first // 8, 6), min(last // 8, 510))
open(out + '/sfdisk-4096', 'wb').write(b'\1' + h[8:92] + entries)
PY
# fuzz-qcow2: the qcow2 images made for fuzz-image above, and one with
# clusters written far apart (L2 tables of their own)
mkdir -p "$out/qcow2"
cp "$out"/image/*.qcow2 "$out/qcow2/" 2>/dev/null || true
if command -v qemu-img >/dev/null; then
	truncate -s 0 "$tmp/q.raw"
	truncate -s 64M "$tmp/q.raw"
	for at in 0 5 31 63; do printf 'cluster at %s MiB' $at | dd of="$tmp/q.raw" bs=1M seek=$at conv=notrunc 2>/dev/null; done
	qemu-img convert -O qcow2 -o cluster_size=4k "$tmp/q.raw" "$out/qcow2/far.qcow2" 2>/dev/null || true
	qemu-img convert -O qcow2 -c -o cluster_size=4k,compression_type=zstd "$tmp/q.raw" "$out/qcow2/far-zstd.qcow2" 2>/dev/null || true
fi
# fuzz-boot: whole images whose menu names a kernel and an initrd
mkdir -p "$out/boot"
cp "$out"/image/*.img "$out/boot/" 2>/dev/null || true
for f in "$out"/ext/ext2.img "$out"/ext/ext4.img "$out"/squashfs/plain.img; do
	cp "$f" "$out/boot/fs-$(basename "$f")" 2>/dev/null || true
done
# fuzz-sparse (the whole stack on sparse images): the XFS and ZFS ones too
cp "$out"/xfs/* "$out"/zfs/* "$out/sparse/" 2>/dev/null || true
