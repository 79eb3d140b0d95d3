# Thousands of random byte flips and truncations in the metadata regions of
# real images (partition tables, superblocks, group descriptors, inode
# tables, directories): guestboot never crashes or hangs, every failure is
# one line with a documented exit status, no partial output files.
# GB_MUTANTS sets the count per image (default 300).
. "$GB_TOP/tests/lib/common.sh"
wanted mutate/ || exit 0
n=${GB_MUTANTS:-300}
mkdir -p root/boot/grub
head -c 70000 /dev/urandom >root/boot/vmlinuz-1
head -c 30000 /dev/urandom >root/boot/initrd-1
ln -s vmlinuz-1 root/boot/vmlinuz
printf 'set default=0\nmenuentry "x" {\n linux /boot/vmlinuz-1 root=/dev/vda1\n initrd /boot/initrd-1\n}\n' >root/boot/grub/grub.cfg
printf 'default 0\ntitle y\n\tkernel /boot/vmlinuz-1 ro\n' >root/boot/grub/menu.lst

# whole-disk ext4 (1k blocks keep metadata dense)
truncate -s 2M ext4.img
mke2fs -q -F -t ext4 -b 1024 -N 64 -d root ext4.img >/dev/null
python3 "$GB_TOP/tests/lib/mutate.py" ext4-whole ext4.img "$n" 1 0:65536

# MBR with a logical partition holding ext2
truncate -s 4M mbr.img
printf 'label: dos\nstart=2048, size=1024, type=83\nstart=3072, type=5\nstart=4096, size=3000, type=83\n' | sfdisk -q mbr.img
mke2fs -q -F -t ext2 -b 1024 -N 64 -d root -E offset=$((4096 * 512)) mbr.img 1500k >/dev/null
python3 "$GB_TOP/tests/lib/mutate.py" mbr-logical mbr.img "$n" 2 0:512 $((3072 * 512)):512 $((4096 * 512)):65536

# GPT with ext4 in partition 1
truncate -s 4M gpt.img
printf 'label: gpt\nstart=2048, size=5000, type=L\n' | sfdisk -q gpt.img
mke2fs -q -F -t ext4 -b 1024 -N 64 -d root -E offset=$((2048 * 512)) gpt.img 2500k >/dev/null
# primary header and entries, the file system, the backup entries and header
python3 "$GB_TOP/tests/lib/mutate.py" gpt gpt.img "$n" 3 512:16896 $((2048 * 512)):65536 $((8159 * 512)):16896

# whole-disk XFS, v5 with 1k blocks: superblock and AG headers, the inode
# chunk, and the blocks of /boot (mkfs.xfs builds file systems under 300 MB
# only for test suites, which it recognises by TEST_DIR)
if need mutate/xfs-whole mkfs.xfs xfs_db; then
	python3 "$GB_TOP/tests/lib/xfs_proto.py" root >xfs.proto
	truncate -s 16M xfs.img
	TEST_DIR=1 TEST_DEV=1 QA_CHECK_FS=1 mkfs.xfs -q -f -b size=1024 -p xfs.proto xfs.img
	ioff=$(xfs_db -r -c "path /" -c stack xfs.img | awk '/byte offset/ {sub(",", "", $3); print $3; exit}')
	python3 "$GB_TOP/tests/lib/mutate.py" xfs-whole xfs.img "$n" 4 0:4096 "$ioff":32768
fi

# squashfs with uncompressed tables (flips reach the structures, not a
# compressed stream's checksum): superblock and every table after the data
if need mutate/squashfs mksquashfs; then
	mksquashfs root sq.img -noappend -quiet -no-progress -noI -noF -b 4096 >/dev/null
	it=$(python3 -c "import struct,sys; print(struct.unpack_from('<Q', open(sys.argv[1], 'rb').read(), 64)[0])" sq.img)
	python3 "$GB_TOP/tests/lib/mutate.py" squashfs sq.img "$n" 6 0:96 "$it:$(($(stat -c %s sq.img) - it))"
fi

# UFS1 (makefs, 4 KiB blocks): superblock, inode blocks, directories
if need mutate/ufs1 makefs; then
	makefs -t ffs -M 1m -o version=1,bsize=4096,fsize=512 ufs1.img root >/dev/null
	ib=$(python3 -c "import struct,sys; d=open(sys.argv[1], 'rb').read(); print(struct.unpack_from('<I', d, 8192 + 16)[0] * struct.unpack_from('<I', d, 8192 + 52)[0])" ufs1.img)
	python3 "$GB_TOP/tests/lib/mutate.py" ufs1 ufs1.img "$n" 7 8192:1376 "$ib:32768"
fi

# FAT16 (boot sector, both FATs, root directory, first data clusters) and
# ISO9660 with Rock Ridge and Joliet (volume descriptors, path tables,
# directories and their SUSP areas)
if need mutate/fat16 mkfs.fat mcopy; then
	rm -f fat.img
	mkfs.fat -C -F 16 fat.img 4096 >/dev/null
	mcopy -s -i fat.img root/boot ::/
	python3 "$GB_TOP/tests/lib/mutate.py" fat16 fat.img "$n" 8 0:65536
fi
if need mutate/iso9660 xorriso; then
	xorriso -as mkisofs -quiet -R -J -o iso.img root 2>/dev/null
	python3 "$GB_TOP/tests/lib/mutate.py" iso9660 iso.img "$n" 9 32768:40960
fi

# whole-disk btrfs (single profile, 4 KiB nodes): the superblock and every
# live tree block (chunk, root, fs, extent, ... trees)
if need mutate/btrfs-whole mkfs.btrfs; then
	truncate -s 128M btrfs.img
	mkfs.btrfs -q -f -m single -d single -n 4096 --rootdir root --shrink btrfs.img >/dev/null 2>&1
	python3 "$GB_TOP/tests/lib/mutate.py" btrfs-whole btrfs.img "$n" 5 \
		$(python3 "$GB_TOP/tests/lib/btrfsmap.py" btrfs.img regions)
fi
