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
# configs: the first "--- file" section of every test case
for t in "$top"/tests/config/*/*.t; do
	kind=$(basename "$(dirname "$t")")
	awk '/^--- file /{n++; next} /^--- /{if (n) exit} n==1' "$t" >"$out/$kind/$(basename "$t" .t)"
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
# ZFS: a 64 MiB zfs-fuse pool as fuzz-sparse's extent list (its labels and
# the blocks a reader walks: some 40 KiB); needs the zfs-fuse daemon
if command -v zfs-fuse >/dev/null; then
	. "$top/tests/lib/zfs.sh"
	trap 'zfs_daemon_stop; rm -rf "$tmp"' EXIT
	if zfs_daemon_start "$tmp" && zfs_small_pool "$tmp/zfs.img" "$tmp/zfs" fz >/dev/null 2>&1; then
		python3 "$top/tests/lib/zfsmap.py" "$tmp/zfs.img" sparse "$out/sparse/zfs" || true
	fi
	zfs_daemon_stop
fi
