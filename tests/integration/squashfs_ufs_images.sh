# squashfs images from mksquashfs (every compressor, block sizes, fragment
# and uncompressed variants) and UFS1/UFS2 images from NetBSD's makefs (both
# byte orders, block sizes, double-indirect files, inside an MBR): byte-
# identical cat, ls, inspect --json against blkid, unsquashfs -cat and
# grub-fstest as second oracles; damaged images give one-line errors.
. "$GB_TOP/tests/lib/common.sh"

need squashfs-ufs mksquashfs unsquashfs makefs || exit 0

make_tree src
# UFS2 keeps targets shorter than 120 bytes in the inode: one past that
longtarget=$(printf 'dir%04d/' $(seq 40))target
ln -s "$longtarget" src/etc/verylong

# common_checks PREFIX IMAGE VOL: the checks every image gets.
common_checks() {
	local p=$1 img=$2 vol=$3
	compare_tree "$p/cat" "$img" "$vol" src
	compare_ls "$p/ls-boot" "$img" "$vol" /boot src
	compare_ls "$p/ls-root" "$img" "$vol" / src
	compare_ls "$p/ls-deep" "$img" "$vol" /deep/a/b/c/d/e src
	check "$p/symlinks" bash -c "
		'$GUESTBOOT' cat $img $vol:/boot/vmlinuz | cmp - src/boot/vmlinuz-6.1.0-test &&
		'$GUESTBOOT' cat $img $vol:/initrd.img | cmp - src/boot/initrd.img-6.1.0-test &&
		'$GUESTBOOT' cat $img $vol:/longlink | cmp - src/boot/vmlinuz-6.1.0-test &&
		'$GUESTBOOT' cat $img $vol:/etc/grubdir/grub.cfg | cmp - src/boot/grub/grub.cfg"
	if wanted "$p/symlink-long-target"; then
		local got
		got=$("$GUESTBOOT" ls -l "$img" "$vol:/etc" 2>&1 | grep ' verylong -> ')
		[[ "$got" == *" verylong -> $longtarget" ]] && pass "$p/symlink-long-target" ||
			fail "$p/symlink-long-target" "got: $got"
	fi
}

# grub_oracle PREFIX IMAGE FILE...: grub-fstest reads the same bytes.
grub_oracle() {
	local p=$1 img=$2 f
	shift 2
	wanted "$p/grub-fstest" || return 0
	need "$p/grub-fstest" grub-fstest || return 0
	for f in "$@"; do
		wanted "$p/grub-fstest$f" || continue
		rm -f fstest.out
		timeout 60 grub-fstest "$img" cp "(loop0)$f" fstest.out 2>/dev/null
		"$GUESTBOOT" cat "$img" "$f" | cmp -s - fstest.out &&
			pass "$p/grub-fstest$f" || fail "$p/grub-fstest$f" "guestboot and grub-fstest disagree"
	done
}

have_lzo=false
[ -e "$GB_TOP/lib/fs/lzo.c" ] && have_lzo=true

# ---- squashfs ------------------------------------------------------------

mksq() { local img=$1 dir=$2; shift 2; rm -f "$img"; mksquashfs "$dir" "$img" -noappend -quiet -no-progress "$@" >/dev/null; }

for comp in gzip lzma lzo xz lz4 zstd; do
	p=squashfs/$comp
	mksq sq-$comp.img src -comp $comp
	if [ $comp = lzo ] && ! $have_lzo; then
		expect_error "$p/unsupported" 4 "lzo compression is not supported" \
			"$GUESTBOOT" cat sq-$comp.img /boot/grub/grub.cfg
		compare_blkid "$p/inspect" sq-$comp.img 0
		continue
	fi
	common_checks "$p" sq-$comp.img 0
	compare_blkid "$p/inspect" sq-$comp.img 0
done
grub_oracle squashfs/gzip sq-gzip.img /boot/vmlinuz-6.1.0-test /boot/grub/i386-pc/b.mod
grub_oracle squashfs/xz sq-xz.img /boot/vmlinuz-6.1.0-test /boot/one-byte
$have_lzo && grub_oracle squashfs/lzo sq-lzo.img /boot/vmlinuz-6.1.0-test

# Block sizes, fragment policies, uncompressed tables and data.
variants=(
	"b4k:-b 4096"
	"b1m:-b 1M"
	"nofrag:-no-fragments"
	"allfrag:-always-use-fragments"
	"uncompressed:-noI -noD -noF -noX"
	"xz-bcj:-comp xz -Xbcj x86"
	"lz4hc:-comp lz4 -Xhc"
)
for v in "${variants[@]}"; do
	name=${v%%:*}
	mksq sq-$name.img src ${v#*:}
	common_checks "squashfs/$name" sq-$name.img 0
done
check squashfs/features/uncompressed bash -c "unsquashfs -s sq-uncompressed.img | grep -q 'Inodes are uncompressed' &&
	unsquashfs -s sq-uncompressed.img | grep -q 'Data is uncompressed'"
check squashfs/features/nofrag bash -c "unsquashfs -s sq-nofrag.img | grep -q 'Fragments are not stored'"

# A sparse file, a 20 MiB file, a directory of 400 entries (several
# directory headers), unsquashfs -cat as a second oracle.
mkdir -p big/many big/boot
truncate -s 9M big/boot/sparse
printf 'middle' | dd of=big/boot/sparse bs=1 seek=4194304 conv=notrunc status=none
head -c 20971520 /dev/urandom >big/boot/large
for i in $(seq 400); do echo "$i" >"big/many/file-$i"; done
for bs in 4096 131072; do
	p=squashfs/big-$bs
	mksq sq-big-$bs.img big -b $bs
	compare_tree "$p/cat" sq-big-$bs.img 0 big
	compare_ls "$p/ls-many" sq-big-$bs.img 0 /many big
	for f in /boot/sparse /boot/large /many/file-399; do
		wanted "$p/unsquashfs$f" || continue
		unsquashfs -cat sq-big-$bs.img "${f#/}" 2>/dev/null | cmp -s - <("$GUESTBOOT" cat sq-big-$bs.img "$f") &&
			pass "$p/unsquashfs$f" || fail "$p/unsquashfs$f" "guestboot and unsquashfs -cat disagree"
	done
done
check squashfs/features/sparse bash -c "[ \$(stat -c %b big/boot/sparse) -lt 100 ]"

# ---- squashfs: damaged images ----------------------------------------------

# poke IMAGE OFFSET HEXBYTES: overwrite bytes in place.
poke() { printf "$(echo "$3" | sed 's/../\\x&/g')" | dd of="$1" bs=1 seek="$2" conv=notrunc status=none; }
sqfield() { python3 -c "import struct,sys; print(struct.unpack_from('<Q', open(sys.argv[1],'rb').read(), int(sys.argv[2]))[0])" "$1" "$2"; }

cp sq-gzip.img d.img && poke d.img 28 0300
expect_error squashfs/damaged/version 4 "squashfs version 3.0" "$GUESTBOOT" cat d.img /boot/grub/grub.cfg
cp sq-gzip.img d.img && poke d.img 22 1500
expect_error squashfs/damaged/block-log 5 "block size" "$GUESTBOOT" cat d.img /boot/grub/grub.cfg
cp sq-gzip.img d.img && poke d.img 20 0900
expect_error squashfs/damaged/compression 4 "unknown compression 9" "$GUESTBOOT" cat d.img /boot/grub/grub.cfg
cp sq-gzip.img d.img && truncate -s 100000 d.img
expect_error squashfs/damaged/truncated 5 "bytes_used" "$GUESTBOOT" cat d.img /boot/grub/grub.cfg
# the inode table's first block: a size beyond 8 KiB, then garbage data
it=$(sqfield sq-gzip.img 64)
cp sq-gzip.img d.img && poke d.img "$it" ff7f
expect_error squashfs/damaged/metadata-size 5 "bad size" "$GUESTBOOT" ls d.img /
cp sq-gzip.img d.img && poke d.img $((it + 2)) 0000000000000000
expect_error squashfs/damaged/metadata-data 5 "does not decompress (gzip)" "$GUESTBOOT" ls d.img /
# the directory table's first block, uncompressed, with a huge header count
dt=$(sqfield sq-uncompressed.img 72)
cp sq-uncompressed.img d.img && poke d.img $((dt + 2)) ffff0000
expect_error squashfs/damaged/dir-count 5 "directory header of" "$GUESTBOOT" ls d.img /boot/grub/i386-pc
# a data block's compressed bytes (random data would be stored as is)
mkdir -p text/boot
yes guestboot | head -c 300000 >text/boot/text
mksq sq-text.img text
cp sq-text.img d.img && poke d.img 96 00000000000000000000
expect_error squashfs/damaged/data-block 5 "does not decompress (gzip)" "$GUESTBOOT" cat d.img /boot/text
# the fragment index points outside the image
ft=$(sqfield sq-gzip.img 80)
cp sq-gzip.img d.img && poke d.img "$ft" ffffffffffffff7f
expect_error squashfs/damaged/fragment 5 "outside its table" "$GUESTBOOT" cat d.img /boot/one-byte

# ---- UFS -----------------------------------------------------------------

# mkufs IMAGE MAKEFS_ARGS... (tree last): a fresh makefs image.
mkufs() { local img=$1; shift; rm -f "$img"; makefs -t ffs "$@" "$img" src2 >/dev/null; }
# makefs has no spaces problem; but it stores the name as given
cp -a src src2

uvariants=(
	"v1:-o version=1"
	"v2:-o version=2"
	"v1-be:-B be -o version=1"
	"v2-be:-B be -o version=2"
	"v2-b4k:-o version=2,bsize=4096,fsize=512"
	"v1-b4k:-o version=1,bsize=4096,fsize=1024"
	"v2-b32k:-o version=2,bsize=32768,fsize=4096"
	"v1-b16k:-o version=1,bsize=16384,fsize=16384"
)
for v in "${uvariants[@]}"; do
	name=${v%%:*}
	mkufs u-$name.img ${v#*:}
	common_checks "ufs/$name" u-$name.img 0
	compare_blkid "ufs/$name/inspect" u-$name.img 0
done
grub_oracle ufs/v1 u-v1.img /boot/vmlinuz-6.1.0-test /boot/grub/i386-pc/b.mod
# (no symlinks: GRUB 2.06 drops the last byte of UFS2 symlink targets)
grub_oracle ufs/v2 u-v2.img /boot/vmlinuz-6.1.0-test /boot/grub/i386-pc/b.mod

# A 40 MiB file with 4 KiB blocks needs double-indirect blocks (UFS1 maps
# 12 + 1024 blocks before them, UFS2 12 + 512).
mkdir -p ubig/boot
head -c 41943040 /dev/urandom >ubig/boot/large
for ver in 1 2; do
	rm -f ubig-$ver.img
	makefs -t ffs -o version=$ver,bsize=4096,fsize=512 ubig-$ver.img ubig >/dev/null
	compare_tree "ufs/v$ver-double-indirect/cat" ubig-$ver.img 0 ubig
	grub_oracle "ufs/v$ver-double-indirect" ubig-$ver.img /boot/large
done

# Inside an MBR partition (NetBSD's type), and a UFS2 volume name as blkid
# reads it (makefs cannot set one: written into fs_volname here).
truncate -s 16M u-mbr.img
printf 'label: dos\nstart=2048, type=a9\n' | sfdisk -q u-mbr.img
dd if=u-v2.img of=u-mbr.img bs=512 seek=2048 conv=notrunc status=none
compare_tree ufs/mbr/cat u-mbr.img 1 src
compare_blkid ufs/mbr/inspect u-mbr.img 1
cp u-v2.img u-label.img
python3 - u-label.img <<'P'
import struct, sys
f = open(sys.argv[1], "r+b")
for loc in (65536, 8192):
    f.seek(loc + 1372)
    if struct.unpack("<I", f.read(4))[0] == 0x19540119:
        f.seek(loc + 680)
        f.write(b"bootvol".ljust(32, b"\0"))
        break
P
compare_blkid ufs/label/inspect u-label.img 0
check ufs/label/by-label bash -c "'$GUESTBOOT' cat u-label.img LABEL=bootvol:/boot/grub/grub.cfg | cmp - src/boot/grub/grub.cfg"

# --probe-formats: with ufs switched off (or left out of an allow-list) a
# volume blkid calls UFS is not probed: it has no file system, its
# grub.cfg is not found, and the message names the format disabled.
# Probed (allow-listed, or a nested label switched off), the same images
# list their menu.
if wanted ufs/probe-formats/not-probed; then
	got=$("$GUESTBOOT" inspect --json --probe-formats=-zfs,-ufs u-v2.img | jq -c '[.volumes[].fs]')
	[ "$(blkid -p -o value -s TYPE u-v2.img)" = ufs ] && [ "$got" = "[null]" ] &&
		pass ufs/probe-formats/not-probed || fail ufs/probe-formats/not-probed "volumes' fs: $got"
fi
expect_error ufs/probe-formats/config-not-found 3 "on any volume; disabled formats, not probed: ufs, zfs)" \
	"$GUESTBOOT" list --probe-formats=-zfs,-ufs u-v2.img
expect_error ufs/probe-formats/allow-list 3 "disabled formats, not probed: " \
	"$GUESTBOOT" list --probe-formats=ext,xfs u-mbr.img
if wanted ufs/probe-formats/pygrub; then
	out=$("$GUESTBOOT" pygrub -l --probe-formats=-ufs u-mbr.img 2>&1)
	rc=$?
	"$GUESTBOOT" pygrub -l u-mbr.img | grep -q "kernel: /vmlinuz" && [ $rc -ne 0 ] &&
		[[ $out == *"disabled formats, not probed: ufs"* ]] && pass ufs/probe-formats/pygrub ||
		fail ufs/probe-formats/pygrub "exit $rc: $out"
fi
check ufs/probe-formats/allowed bash -c "
	'$GUESTBOOT' list --probe-formats=ufs,-zfs u-v2.img | grep -q 'kernel  0:/vmlinuz' &&
	'$GUESTBOOT' list --probe-formats=-bsd,-vtoc u-mbr.img | grep -q 'kernel  1:/vmlinuz'"
expect_error ufs/probe-formats/unknown 2 "'ufs2' is not a format" \
	"$GUESTBOOT" list --probe-formats=-zfs,ufs2 u-v2.img

# ---- UFS: damaged images -------------------------------------------------

# sboff IMAGE: where the superblock is.
sboff() { python3 -c "
import struct, sys
d = open(sys.argv[1], 'rb').read()
for loc in (65536, 8192, 0, 262144):
    m = d[loc + 1372:loc + 1376]
    if m in (struct.pack('<I', 0x19540119), struct.pack('<I', 0x011954)):
        print(loc); break" "$1"; }
sb=$(sboff u-v2.img)
cp u-v2.img d.img && poke d.img $((sb + 184)) ffffffff
expect_error ufs/damaged/geometry 5 "inconsistent geometry" "$GUESTBOOT" cat d.img /boot/grub/grub.cfg
# switched off, the damaged superblock is never read
expect_error ufs/damaged/geometry-not-probed 3 "no volume with a file system guestboot reads (disabled formats, not probed: ufs)" \
	"$GUESTBOOT" cat --probe-formats=-ufs d.img /boot/grub/grub.cfg
cp u-v2.img d.img && truncate -s 200000 d.img
expect_error ufs/damaged/truncated 5 "fragments on a volume of" "$GUESTBOOT" cat d.img /boot/grub/grub.cfg
cp u-v2.img d.img && poke d.img $((sb + 48)) 00300000
expect_error ufs/damaged/bsize 3 "no volume with a file system" "$GUESTBOOT" cat d.img /boot/grub/grub.cfg
# find the root directory's first chunk and break its first record length
rootdir() { python3 -c "
import struct, sys
d = open(sys.argv[1], 'rb').read(); sb = int(sys.argv[2])
u = lambda o: struct.unpack_from('<I', d, sb + o)[0]
fsize, ipg, iblkno = u(52), u(184), u(16)
ino = iblkno * fsize + 2 * 256
print(struct.unpack_from('<q', d, ino + 112)[0] * fsize)" "$1" "$2"; }
rd=$(rootdir u-v2.img "$sb")
cp u-v2.img d.img && poke d.img $((rd + 4)) 0300
expect_error ufs/damaged/reclen 5 "directory record of length 3" "$GUESTBOOT" ls d.img /
cp u-v2.img d.img && poke d.img $((rd + 4)) 0404
expect_error ufs/damaged/reclen-past-chunk 5 "directory record of length 1028" "$GUESTBOOT" ls d.img /
# the first record reaches byte 508: the next one's 8-byte header would
# straddle the 512-byte chunk (it was read 4 bytes past the stack buffer)
cp u-v2.img d.img && poke d.img $((rd + 4)) fc01
expect_bad ufs/damaged/record-header-past-chunk 5 "directory record in the last 4 bytes of a chunk" \
	ls d.img /
# the root directory's entry "boot" points at an inode beyond the inode count
bootent=$(python3 -c "
import struct, sys
d = open(sys.argv[1], 'rb').read(); at = int(sys.argv[2])
while d[at + 8:at + 8 + d[at + 7]] != b'boot':
    at += struct.unpack_from('<H', d, at + 4)[0]
print(at)" u-v2.img "$rd")
cp u-v2.img d.img && poke d.img "$bootent" ffffff7f
expect_error ufs/damaged/inode-number 5 "out of range" "$GUESTBOOT" cat d.img /boot/grub/grub.cfg
# a block pointer of the kernel's inode outside the file system
kino=$(python3 -c "
import struct, sys
d = open(sys.argv[1], 'rb').read(); sb = int(sys.argv[2])
u = lambda o: struct.unpack_from('<I', d, sb + o)[0]
fsize, iblkno = u(52), u(16)
base = iblkno * fsize
for i in range(2, u(184)):
    o = base + i * 256
    if struct.unpack_from('<Q', d, o + 16)[0] == 3145739:
        print(o); break" u-v2.img "$sb")
cp u-v2.img d.img && poke d.img $((kino + 112)) 00000000000000ff
expect_error ufs/damaged/block-address 5 "outside the file system" "$GUESTBOOT" cat d.img /boot/vmlinuz-6.1.0-test
cp u-v2.img d.img && poke d.img $((kino + 208)) 0000000000000040
# (the direct blocks are copied out before the error: stdout goes away)
expect_error ufs/damaged/indirect-address 5 "outside the file system" \
	bash -c "'$GUESTBOOT' cat d.img /boot/vmlinuz-6.1.0-test >/dev/null"

# Random flips in the superblocks, inode tables and directories of both
# (mutate.sh covers the same regions over the whole pipeline).
if wanted squashfs-ufs/mutants; then
	export GUESTBOOT
	python3 "$GB_TOP/tests/lib/mutate.py" squashfs-ufs/mutants-squashfs sq-uncompressed.img 150 7 \
		0:96 "$(sqfield sq-uncompressed.img 64):$(( $(stat -c %s sq-uncompressed.img) - $(sqfield sq-uncompressed.img 64) ))"
	python3 "$GB_TOP/tests/lib/mutate.py" squashfs-ufs/mutants-ufs u-v1.img 150 8 \
		8192:1376 "$(python3 -c "
import struct, sys
d = open(sys.argv[1], 'rb').read()
print(struct.unpack_from('<I', d, 8192 + 16)[0] * struct.unpack_from('<I', d, 8192 + 52)[0])" u-v1.img):65536"
fi
