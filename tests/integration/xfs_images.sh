# XFS images built with mkfs.xfs -p (a protofile made from a source tree by
# tests/lib/xfs_proto.py), no mount needed: byte-identical cat, ls, inspect
# --json against blkid, grub-fstest as a second oracle; every directory
# form (checked with xfs_db); holes, unwritten extents and realtime files
# made with xfs_db -x; damaged images never crash or hang.
. "$GB_TOP/tests/lib/common.sh"

need xfs mkfs.xfs xfs_db || exit 0

# A protofile names files by whitespace-separated tokens: no spaces.
make_tree src
rm "src/etc/name with spaces"
echo "no spaces" >"src/etc/name_without_spaces"
# a symlink near the 1024-byte limit: two blocks with 1 KiB blocks on v5
longtarget=$(printf 'dir%04d/' $(seq 120))target
ln -s "$longtarget" src/etc/verylong
python3 "$GB_TOP/tests/lib/xfs_proto.py" src >src.proto

MiB=1048576
# mkxfs IMAGE SIZE PROTO MKFS_ARGS...: a fresh sparse image holding PROTO.
mkxfs() {
	local img=$1 size=$2 proto=$3
	shift 3
	rm -f "$img"
	truncate -s "$size" "$img"
	mkfs.xfs -q -f -p "$proto" "$@" "$img" 2>&1 | grep -v "V4 filesystems are deprecated" >&2
}

# sbfield IMAGE FIELD: a superblock field's value as xfs_db prints it.
sbfield() { xfs_db -r -c "sb 0" -c "print $2" "$1" | awk '{print $3}'; }

# fix_symlink IMAGE PATH: give a one-block remote symlink its v5 header.
fix_symlink() {
	local img=$1 path=$2 off ino
	off=$(xfs_db -r -c "path $path" -c "dblock 0" -c stack "$img" 2>/dev/null |
		awk '/byte offset/ {sub(",", "", $3); print $3; exit}')
	ino=$(xfs_db -r -c "path $path" -c stack "$img" | awk '/inode/ {sub(",", "", $2); print $2; exit}')
	python3 - "$img" "$off" "$ino" "$(readlink "src$path" | wc -c)" <<'P'
import struct, sys
img, off, ino, size = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]) - 1
with open(img, "r+b") as f:
    f.seek(off)
    target = f.read(size)
    if target[:4] == b"XSLM":
        sys.exit(0)
    # magic, offset, bytes, crc, owner, uuid, blkno, lsn
    hdr = struct.pack(">4sIII Q16sQQ", b"XSLM", 0, size, 0, ino, bytes(16), off // 512, 0)
    assert len(hdr) == 56
    f.seek(off)
    f.write(hdr + target)
P
}

# The variants of the issue; each one gets the same checks.
variants=(
	"v5:"
	"v4:-m crc=0"
	"v4-256:-m crc=0 -i size=256"
	"v4-ftype0:-m crc=0 -n ftype=0"
	"bs1k:-b size=1024"
	"dirblk16k:-n size=16384"
	"nobigtime:-m bigtime=0"
)
if mkfs.xfs -q -f -N -i nrext64=1 -d name=probe.img,file,size=300m >/dev/null 2>&1; then
	variants+=("nrext64:-i nrext64=1")
fi
rm -f probe.img
for variant in "${variants[@]}"; do
	name=${variant%%:*}
	args=${variant#*:}
	mkxfs "$name.img" 300M src.proto -L "$name" $args
	compare_tree "xfs/$name/cat" "$name.img" 0 src
	compare_ls "xfs/$name/ls-boot" "$name.img" 0 /boot src
	compare_ls "xfs/$name/ls-root" "$name.img" 0 / src
	compare_ls "xfs/$name/ls-deep" "$name.img" 0 /deep/a/b/c/d/e src
	compare_blkid "xfs/$name/inspect" "$name.img" 0
	check "xfs/$name/symlinks" bash -c "
		'$GUESTBOOT' cat $name.img /boot/vmlinuz | cmp - src/boot/vmlinuz-6.1.0-test &&
		'$GUESTBOOT' cat $name.img /initrd.img | cmp - src/boot/initrd.img-6.1.0-test &&
		'$GUESTBOOT' cat $name.img /longlink | cmp - src/boot/vmlinuz-6.1.0-test &&
		'$GUESTBOOT' cat $name.img /etc/grubdir/grub.cfg | cmp - src/boot/grub/grub.cfg"
	# mkfs.xfs 6.1 writes remote symlinks of v5 file systems without the
	# "XSLM" block header the format (and the kernel) requires, so put one
	# in front of the target (the target fits one block with the header).
	if [[ "$args" != *crc=0* ]]; then
		fix_symlink "$name.img" /etc/verylong
	fi
	if wanted "xfs/$name/symlink-long-target"; then
		got=$("$GUESTBOOT" ls -l "$name.img" /etc 2>&1 | grep ' verylong -> ')
		[[ "$got" == *" verylong -> $longtarget" ]] && pass "xfs/$name/symlink-long-target" ||
			fail "xfs/$name/symlink-long-target" "got: $got"
	fi
done

# The variants really have the features they are named for.
feature() { xfs_db -r -c version "$1" | grep -q "$2"; }
check xfs/features/v5-bigtime-sparse feature v5.img "V5,.*SPARSE_INODES,.*BIGTIME"
check xfs/features/v4 bash -c "xfs_db -r -c version v4.img | grep -q '= V4,'"
check xfs/features/v4-ftype0 bash -c "v=\$(xfs_db -r -c version v4-ftype0.img) && [[ \$v == *'= V4,'* && \$v != *FTYPE* ]]"
check xfs/features/v4-256-v2-inodes bash -c \
	"xfs_db -r -c 'path /boot/one-byte' -c 'print core.version' v4-256.img | grep -qx 'core.version = 2'"
check xfs/features/dirblk16k bash -c "xfs_db -r -c 'sb 0' -c 'print dirblklog' dirblk16k.img | grep -qx 'dirblklog = 2'"
if [ -e nrext64.img ]; then
	check xfs/features/nrext64 feature nrext64.img NREXT64
fi

# grub-fstest as a second oracle
if wanted_under xfs/grub-fstest && need xfs/grub-fstest grub-fstest; then
	for img in v5 v4; do
		for f in /boot/vmlinuz-6.1.0-test /boot/grub/i386-pc/b.mod /longlink; do
			wanted "xfs/grub-fstest/$img$f" || continue
			rm -f fstest.out
			grub-fstest "$img.img" cp "(loop0)$f" fstest.out 2>/dev/null
			"$GUESTBOOT" cat "$img.img" "0:$f" | cmp -s - fstest.out &&
				pass "xfs/grub-fstest/$img$f" || fail "xfs/grub-fstest/$img$f" "guestboot and grub-fstest disagree"
		done
	done
fi

# ---- directory entry types, seen by a caller: BLS skips a directory
# named like an entry only when readdir reports it as a directory ----
mkdir -p bls/loader/entries/sub.conf bls/boot
printf 'title Test A\nversion 6.1\nlinux /boot/vmlinuz-1\ninitrd /boot/initrd-1\noptions root=/dev/vda1\n' \
	>bls/loader/entries/a.conf
echo kernel >bls/boot/vmlinuz-1
echo initrd >bls/boot/initrd-1
python3 "$GB_TOP/tests/lib/xfs_proto.py" bls >bls.proto
want_list='config: bls 0:/loader/entries
* 0     Test A
        kernel  0:/boot/vmlinuz-1
        initrd  0:/boot/initrd-1
        args    root=/dev/vda1'
for variant in "bls-ftype:" "bls-noftype:-m crc=0 -n ftype=0"; do
	name=${variant%%:*}
	args=${variant#*:}
	wanted "xfs/$name/list" || continue
	mkxfs "$name.img" 300M bls.proto $args
	got=$("$GUESTBOOT" list "$name.img" 2>&1)
	[ "$got" = "$want_list" ] && pass "xfs/$name/list" || fail "xfs/$name/list" "got: $got"
done

# ---- every directory form, a 100 MiB file, B-tree maps ----
# Entries of d-btree each own a data block, so directory blocks and file
# blocks alternate on disk and the directory needs more extents than fit in
# the inode: its map becomes a B-tree.
mkdir -p big/d-short big/d-block big/d-leaf big/d-node big/d-btree big/d-large
for i in 1 2 3; do : >"big/d-short/f$i"; done
for i in $(seq 100); do : >"big/d-block/file-$i"; done
for i in $(seq 300); do : >"big/d-leaf/file-$i"; done
(cd big/d-node && seq -f "file-%g" 700 | xargs touch)
(cd big/d-large && seq -f "file-%g" 10000 | xargs touch)
long=$(printf 'x%.0s' $(seq 200))
for i in $(seq 3000); do echo "$i" >"big/d-btree/$long-$i"; done
head -c $((100 * MiB)) /dev/urandom >big/huge
python3 "$GB_TOP/tests/lib/xfs_proto.py" big >big.proto

# form IMAGE DIR: what xfs_db says the directory is.
form() {
	local img=$1 dir=$2 fmt magic
	fmt=$(xfs_db -r -c "path $dir" -c "print core.format" "$img" | sed 's/.*(\(.*\))/\1/')
	case "$fmt" in
	local) echo short; return ;;
	btree) echo btree; return ;;
	esac
	# Extents: one block, or a leaf (one leaf block) or node directory
	# (a node block) at the leaf offset, 32 GiB, in directory blocks.
	local dbs leafdb
	dbs=$(sbfield "$img" blocksize)
	leafdb=$((32 * 1024 * 1024 * 1024 / dbs))
	magic=$(xfs_db -r -c "path $dir" -c "dblock $leafdb" -c "type text" -c print "$img" 2>/dev/null |
		head -1 | awk '{print $10 $11}')
	case "$magic" in
	d2f1 | 3df1) echo leaf ;;
	febe | 3ebe) echo node ;;
	*) echo block ;;
	esac
}

for variant in "big-v5:" "big-v4-ftype0:-m crc=0 -n ftype=0" "big-dirblk16k:-n size=16384" "big-bs1k:-b size=1024"; do
	name=${variant%%:*}
	args=${variant#*:}
	mkxfs "$name.img" 600M big.proto $args
	for d in d-short d-block d-leaf d-node d-btree d-large; do
		compare_ls "xfs/$name/ls-$d" "$name.img" 0 "/$d" big
	done
	check "xfs/$name/lookup" bash -c "
		'$GUESTBOOT' cat $name.img /d-btree/$long-2999 | cmp - big/d-btree/$long-2999 &&
		'$GUESTBOOT' cat $name.img /d-btree/$long-1 | cmp - big/d-btree/$long-1 &&
		'$GUESTBOOT' cat $name.img /d-large/file-9999 | cmp - big/d-large/file-9999 &&
		'$GUESTBOOT' cat $name.img /d-node/file-700 | cmp - big/d-node/file-700 &&
		'$GUESTBOOT' cat $name.img /d-leaf/file-300 | cmp - big/d-leaf/file-300"
	expect_error "xfs/$name/lookup-missing" 3 "no such file" \
		"$GUESTBOOT" cat "$name.img" /d-large/file-10001
	check "xfs/$name/huge" bash -c "'$GUESTBOOT' cat $name.img /huge | cmp - big/huge"
done
# The recipe gives each form (else the cases above test less than named).
for d in short block leaf node btree; do
	if wanted "xfs/big-v5/form-$d"; then
		got=$(form big-v5.img "/d-$d")
		[ "$got" = "$d" ] && pass "xfs/big-v5/form-$d" || fail "xfs/big-v5/form-$d" "got $got"
	fi
done
if wanted xfs/big-v4-ftype0/form-btree; then
	got=$(form big-v4-ftype0.img /d-btree)
	[ "$got" = btree ] && pass xfs/big-v4-ftype0/form-btree || fail xfs/big-v4-ftype0/form-btree "got $got"
fi
if wanted xfs/huge/speed; then
	start=$(date +%s%N)
	"$GUESTBOOT" cat big-v5.img /huge >/dev/null
	ms=$((($(date +%s%N) - start) / 1000000))
	[ "$ms" -lt 3000 ] && pass xfs/huge/speed || fail xfs/huge/speed "100 MiB took $ms ms"
fi

# ---- holes, unwritten extents, realtime (made with xfs_db -x) ----
# xdb IMAGE CMDS...: run xfs_db commands in expert (write) mode.
xdb() {
	local img=$1 a=()
	shift
	for c in "$@"; do a+=(-c "$c"); done
	xfs_db -x "${a[@]}" "$img" >/dev/null
}
cp v5.img holes.img
# initrd: 257 blocks in one extent; keep 100: the rest is a hole before EOF
xdb holes.img "path /boot/initrd.img-6.1.0-test" "write u3.bmx[0].blockcount 100"
{ head -c $((100 * 4096)) src/boot/initrd.img-6.1.0-test; head -c $((1048589 - 100 * 4096)) /dev/zero; } >want.holes
check xfs/holes/hole-reads-zeros bash -c "'$GUESTBOOT' cat holes.img /boot/initrd.img-6.1.0-test | cmp - want.holes"
# b.mod: an unwritten (preallocated) extent reads as zeros
xdb holes.img "path /boot/grub/i386-pc/b.mod" "write u3.bmx[0].extentflag 1"
check xfs/holes/unwritten-reads-zeros bash -c "'$GUESTBOOT' cat holes.img /boot/grub/i386-pc/b.mod | cmp - <(head -c 4097 /dev/zero)"
check xfs/holes/others-intact bash -c "'$GUESTBOOT' cat holes.img /boot/vmlinuz-6.1.0-test | cmp - src/boot/vmlinuz-6.1.0-test"
# realtime: mkfs cannot fill a realtime subvolume from a protofile, so
# the flag is set on an ordinary file: its data would be on the rt device.
xdb holes.img "path /boot/vmlinuz-6.1.0-test" "write core.realtime 1"
expect_error xfs/unsupported/realtime-file 4 "holes.img: xfs: inode" \
	"$GUESTBOOT" cat holes.img /boot/vmlinuz-6.1.0-test
check xfs/unsupported/realtime-still-listed bash -c "'$GUESTBOOT' ls holes.img /boot | grep -qx vmlinuz-6.1.0-test"

# ---- partitions ----
truncate -s 700M mbr.img
sfdisk -q mbr.img <<'P'
label: dos
start=2048, size=40960, type=83, bootable
start=45056, type=83
P
mkxfs part.img 600M src.proto -L xfspart
dd if=part.img of=mbr.img bs=512 seek=45056 conv=notrunc,sparse status=none
compare_tree xfs/mbr/cat mbr.img 2 src
compare_blkid xfs/mbr/inspect mbr.img 2
uuid=$(blkid -p -o value -s UUID part.img)
compare_tree xfs/mbr/by-uuid mbr.img "UUID=$uuid" src
compare_tree xfs/mbr/by-label mbr.img LABEL=xfspart src
expect_error xfs/mbr/missing 3 "mbr.img: partition 2: xfs: /boot/nope: no such file or directory" \
	"$GUESTBOOT" cat mbr.img 2:/boot/nope

# ---- damaged and unsupported images ----
# Run under the sanitizer build too when it exists (make asan).
bins=("$GUESTBOOT")
asan="$GB_TOP/build-asan/guestboot"
[ -x "$asan" ] && [ "$asan" != "$GUESTBOOT" ] && bins+=("$asan")

# poke IMAGE OFFSET HEXBYTES: overwrite bytes at a byte offset.
poke() {
	printf "$(sed 's/../\\x&/g' <<<"$3")" | dd of="$1" bs=1 seek="$2" conv=notrunc status=none
}
# inode_off IMAGE PATH: byte offset of a file's inode.
inode_off() {
	xfs_db -r -c "path $2" -c stack "$1" | awk '/byte offset/ {sub(",", "", $3); print $3; exit}'
}
# bad NAME EXIT TEXT IMAGE ARGS...: expect_error with each binary.
bad() {
	local name=$1 want=$2 text=$3
	shift 3
	local b tag
	for b in "${bins[@]}"; do
		tag=""
		[ "$b" = "$asan" ] && tag="/asan"
		expect_error "xfs/corrupt/$name$tag" "$want" "$text" timeout 20 "$b" "$@"
	done
}

mk() { cp v5.img "$1"; }
mk sb-agblklog.img; poke sb-agblklog.img 124 05
bad sb-agblklog 5 "xfs: inconsistent allocation group size" cat sb-agblklog.img /boot/one-byte
mk sb-dblocks.img; poke sb-dblocks.img 8 00000000ffffffff
bad sb-dblocks 5 "xfs: " cat sb-dblocks.img /boot/one-byte
mk sb-inodesize.img; poke sb-inodesize.img 104 0300
bad sb-inodesize 5 "xfs: inconsistent inode size" cat sb-inodesize.img /boot/one-byte
mk sb-rootino.img; poke sb-rootino.img 56 0000000000ffff80
bad sb-rootino 5 "xfs: inode" ls sb-rootino.img /
incompat=$(sbfield v5.img features_incompat)
mk sb-unknown.img; poke sb-unknown.img 216 "$(printf %08x $((incompat | 0x400)))"
bad unknown-incompat 4 "unknown incompatible feature bits 0x400" ls sb-unknown.img /
mk sb-metadir.img; poke sb-metadir.img 216 "$(printf %08x $((incompat | 0x100)))"
bad unsupported-metadir 4 "unsupported feature 'metadir'" ls sb-metadir.img /
cp v4.img sb-dirv1.img
poke sb-dirv1.img 100 "$(printf %04x $(($(sbfield v4.img versionnum) & ~0x2000)))"
bad unsupported-dirv1 4 "unsupported feature 'dirv1'" ls sb-dirv1.img /

ioff=$(inode_off v5.img /boot/vmlinuz-6.1.0-test)
mk in-magic.img; poke in-magic.img "$ioff" 4e49
bad inode-magic 5 "bad magic" cat in-magic.img /boot/vmlinuz-6.1.0-test
mk in-format.img; poke in-format.img $((ioff + 5)) 07
bad inode-format 5 "data fork format 7" cat in-format.img /boot/vmlinuz-6.1.0-test
mk in-forkoff.img; poke in-forkoff.img $((ioff + 82)) ff
bad inode-forkoff 5 "fork offset" cat in-forkoff.img /boot/vmlinuz-6.1.0-test
mk in-nextents.img; poke in-nextents.img $((ioff + 76)) 7fffffff
bad inode-nextents 5 "extents do not fit" cat in-nextents.img /boot/vmlinuz-6.1.0-test
mk in-extent.img; poke in-extent.img $((ioff + 176 + 6)) ffff
bad inode-extent-outside 5 "outside the file system" cat in-extent.img /boot/vmlinuz-6.1.0-test
rootoff=$(inode_off v5.img /)
mk in-root.img; poke in-root.img $((rootoff + 4)) 09
bad root-version 5 "version 9" ls in-root.img /

# B-tree directory: deep levels, and a pointer outside the file system
boff=$(inode_off big-v5.img /d-btree)
cp big-v5.img bt-level.img; poke bt-level.img $((boff + 176)) 0032
bad btree-levels 5 "extent tree of 50 levels" ls bt-level.img /d-btree
cp big-v5.img bt-ptr.img; poke bt-ptr.img $((boff + 176 + 4 + 8 * ((336 - 4) / 16))) ffffffffffffffff
bad btree-pointer 5 "outside the file system" ls bt-ptr.img /d-btree
# a block directory's entry and magic
dblk=$(xfs_db -r -c "path /d-block" -c "print u3.bmx[0].startblock" big-v5.img | awk '{print $3}')
ag=$(sbfield big-v5.img agblklog)
agb=$(sbfield big-v5.img agblocks)
dlin=$(((dblk >> ag) * agb + (dblk & ((1 << ag) - 1))))
cp big-v5.img dir-namelen.img; poke dir-namelen.img $((dlin * 4096 + 64 + 8)) ff
bad dir-entry 5 "bad entry" ls dir-namelen.img /d-block
cp big-v5.img dir-magic.img; poke dir-magic.img $((dlin * 4096)) 00
bad dir-magic 5 "bad block magic" ls dir-magic.img /d-block
# a remote symlink block without its header
slo=$(xfs_db -r -c "path /etc/verylong" -c "dblock 0" -c stack v5.img 2>/dev/null |
	awk '/byte offset/ {sub(",", "", $3); print $3; exit}')
mk sl-magic.img; poke sl-magic.img "$slo" 00
bad symlink-header 5 "bad symbolic link block" cat sl-magic.img /etc/verylong
# truncated image: the file system is larger than the file
head -c $((200 * MiB)) v5.img >trunc.img
bad truncated 5 "larger than its volume" ls trunc.img /

# Random damage to the metadata at the start of the image: any clean
# answer is fine (0, 3, 4, 5, 7), a crash or hang is not.
if wanted xfs/fuzz; then
	bad_runs=""
	for seed in $(seq 1 60); do
		cp v5.img fuzz.img
		python3 - "$seed" <<'E'
import random, sys
r = random.Random(int(sys.argv[1]))
with open("fuzz.img", "r+b") as f:
    # superblock, AG headers, inode chunks and first data blocks of AG 0
    for _ in range(r.randint(1, 8)):
        off = r.choice([r.randrange(0, 512), r.randrange(0, 256 * 1024)])
        f.seek(off)
        f.write(bytes([r.randrange(256)]))
E
		for b in "${bins[@]}"; do
			for cmd in "ls fuzz.img /boot" "cat fuzz.img /boot/vmlinuz" "cat fuzz.img /longlink" "ls fuzz.img /deep/a/b/c/d/e"; do
				timeout 20 "$b" $cmd >/dev/null 2>fuzz.err
				rc=$?
				case $rc in 0 | 3 | 4 | 5 | 7) ;; *) bad_runs="$bad_runs seed$seed:$rc:$cmd" ;; esac
				if [ $rc -ne 0 ] && [ "$(wc -l <fuzz.err)" -ne 1 ]; then
					bad_runs="$bad_runs seed$seed:lines:$cmd"
				fi
			done
		done
	done
	[ -z "$bad_runs" ] && pass xfs/fuzz || fail xfs/fuzz "$bad_runs"
fi
