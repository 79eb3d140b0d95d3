# qcow2 images made by qemu-img in every variant guestboot reads, and NBD
# exports served by qemu-nbd: the whole virtual disk byte-compared with
# `qemu-img convert -O raw`, the files of the ext4 inside compared with the
# tree they were made from; damaged images give one-line errors.
. "$GB_TOP/tests/lib/common.sh"
need qcow2 qemu-img qemu-io qemu-nbd || exit 0

READDISK="$GB_BUILD/readdisk"
MiB=1048576

make_tree src
# The disk: MBR, ext4 in partition 1 at 2 MiB (so that a write at 1 MiB
# lands in the gap), free space after it that stays unallocated.
truncate -s 64M disk.img
sfdisk -q disk.img <<'P'
label: dos
start=4096, size=81920, type=83
P
mke2fs -q -F -d src -E offset=$((4096 * 512)) -t ext4 -L qboot disk.img 40960k >/dev/null 2>&1
# data in the gap, so that zeros written over it in an overlay show
head -c $((512 * 1024)) /dev/urandom | dd of=disk.img bs=1k seek=1024 conv=notrunc status=none

# compare_disk NAME IMAGE [READDISK OPTIONS]: the whole virtual disk, read
# in 1 MiB and in odd 12345-byte pieces, equals qemu-img's raw conversion.
compare_disk() {
	local name=$1 img=$2
	shift 2
	wanted "$name" || return 0
	qemu-img convert -O raw "$img" "$img.ref" || { fail "$name" "qemu-img convert failed"; return; }
	local chunk bad=""
	for chunk in 1048576 12345; do
		"$READDISK" --chunk $chunk "$@" "$img" 2>"$GB_WORK/rd.err" | cmp -s - "$img.ref" || bad="$bad $chunk"
	done
	rm -f "$img.ref"
	if [ -z "$bad" ]; then pass "$name"; else fail "$name" "differs with chunks:$bad" "$(cat "$GB_WORK/rd.err")"; fi
}

# check_format NAME IMAGE WANT [OPTIONS]: inspect --json says format WANT.
check_format() {
	local name=$1 img=$2 want=$3
	shift 3
	wanted "$name" || return 0
	local got
	got=$("$GUESTBOOT" inspect --json "$@" "$img" | jq -r .format)
	[ "$got" = "$want" ] && pass "$name" || fail "$name" "format '$got', want '$want'"
}

for variant in "v2:-o compat=0.10" "v3:-o compat=1.1" "zlib:-c" \
	"zstd:-c -o compression_type=zstd" "v2-zlib:-c -o compat=0.10" \
	"xl2:-o extended_l2=on" "xl2-zlib:-c -o extended_l2=on" \
	"c512:-o cluster_size=512" "c2m:-o cluster_size=2M" \
	"c512-zlib:-c -o cluster_size=512" "c2m-zstd:-c -o cluster_size=2M,compression_type=zstd"; do
	name=${variant%%:*}
	args=${variant#*:}
	# shellcheck disable=SC2086
	qemu-img convert -O qcow2 $args disk.img "$name.qcow2"
	compare_disk "qcow2/$name/disk" "$name.qcow2"
	compare_tree "qcow2/$name/cat" "$name.qcow2" 1 src
	check_format "qcow2/$name/format" "$name.qcow2" qcow2
done
compare_ls "qcow2/v3/ls" v3.qcow2 1 /boot src

# Extended L2 with subclusters of every status: zero ("write -z"),
# allocated, unallocated next to allocated ones in the same cluster.
qemu-img convert -O qcow2 -o extended_l2=on,cluster_size=64k disk.img xl2w.qcow2
qemu-io -f qcow2 -c 'write -z 64k 4k' -c 'write -P 0x11 60M 2k' -c 'write -P 0x22 61M 6k' \
	-c 'write -z 62M 32k' -c 'discard 2M 2k' xl2w.qcow2 >/dev/null
compare_disk "qcow2/xl2-subclusters/disk" xl2w.qcow2
# the same over a backing file: unallocated subclusters read from it
qemu-img create -q -f qcow2 -o extended_l2=on -b disk.img -F raw xl2o.qcow2
qemu-io -f qcow2 -c 'write -P 0x33 1M 2k' -c 'write -z 1040k 4k' -c 'write -P 0x44 63M 6k' xl2o.qcow2 >/dev/null
compare_disk "qcow2/xl2-backing/disk" xl2o.qcow2 --backing disk.img --backing-format raw
compare_tree "qcow2/xl2-backing/cat" xl2o.qcow2 1 src --backing disk.img --backing-format raw
# v3 zero clusters (the L2 zero flag)
qemu-img convert -O qcow2 disk.img zero.qcow2
qemu-io -f qcow2 -c 'write -z 0 64k' -c 'write -z 60M 1M' zero.qcow2 >/dev/null
compare_disk "qcow2/zero-clusters/disk" zero.qcow2

# Backing chain: qcow2 overlay over a qcow2 base, named on the command line
qemu-img convert -O qcow2 disk.img base.qcow2
qemu-img create -q -f qcow2 -b base.qcow2 -F qcow2 overlay.qcow2
qemu-io -f qcow2 -c 'write -P 0x5a 1M 64k' overlay.qcow2 >/dev/null
compare_disk "qcow2/backing/disk" overlay.qcow2 --backing base.qcow2 --backing-format qcow2
compare_tree "qcow2/backing/cat" overlay.qcow2 1 src --backing base.qcow2 --backing-format qcow2
check_format "qcow2/backing/format" overlay.qcow2 qcow2 --backing base.qcow2 --backing-format qcow2
if wanted qcow2/backing/json; then
	got=$("$GUESTBOOT" inspect --json --backing base.qcow2 --backing-format qcow2 overlay.qcow2 | jq -c .backing)
	[ "$got" = '{"path":"base.qcow2","format":"qcow2"}' ] && pass qcow2/backing/json || fail qcow2/backing/json "got $got"
fi
if wanted qcow2/backing/text; then
	got=$("$GUESTBOOT" inspect --backing base.qcow2 --backing-format qcow2 overlay.qcow2 | head -1)
	[ "$got" = "overlay.qcow2: qcow2 image (probed; backing file base.qcow2, qcow2), MBR partition table" ] &&
		pass qcow2/backing/text || fail qcow2/backing/text "got $got"
fi
expect_error "qcow2/backing/not-given" 4 "overlay.qcow2: qcow2: image has a backing file 'base.qcow2': give it with --backing" \
	"$GUESTBOOT" inspect overlay.qcow2
expect_error "qcow2/backing/no-format" 2 "needs its format" \
	"$GUESTBOOT" inspect --backing base.qcow2 overlay.qcow2
expect_error "qcow2/backing/bad-format" 2 "--backing-format must be raw or qcow2" \
	"$GUESTBOOT" inspect --backing base.qcow2 --backing-format vmdk overlay.qcow2
expect_error "qcow2/backing/on-raw" 2 "the image is raw" \
	"$GUESTBOOT" inspect --backing base.qcow2 --backing-format qcow2 disk.img
expect_error "qcow2/backing/not-needed" 2 "the image has none" \
	"$GUESTBOOT" inspect --backing disk.img --backing-format raw v3.qcow2
expect_error "qcow2/backing/missing-file" 3 "backing file nope.qcow2: cannot open" \
	"$GUESTBOOT" inspect --backing nope.qcow2 --backing-format qcow2 overlay.qcow2
# a two-level chain is not followed: the base's own backing name is reported
qemu-img create -q -f qcow2 -b overlay.qcow2 -F qcow2 top.qcow2
expect_error "qcow2/backing/second-level" 4 "backing file overlay.qcow2: qcow2: image has a backing file 'base.qcow2'" \
	"$GUESTBOOT" inspect --backing overlay.qcow2 --backing-format qcow2 top.qcow2
# a raw backing file smaller than the overlay: past its end, zeros
head -c $((48 * MiB)) disk.img >short.raw
qemu-img create -q -f qcow2 -b short.raw -F raw grown.qcow2 64M
qemu-io -f qcow2 -c 'write -P 0x77 50M 64k' grown.qcow2 >/dev/null
compare_disk "qcow2/backing/short-backing" grown.qcow2 --backing short.raw --backing-format raw

# Format detection by magic, never by name; --format forces it
cp v3.qcow2 named.img
cp disk.img named.qcow2
check_format "qcow2/detect/qcow2-named-img" named.img qcow2
check_format "qcow2/detect/raw-named-qcow2" named.qcow2 raw
check_format "qcow2/detect/forced-raw" v3.qcow2 raw --format raw
check "qcow2/detect/forced-raw-bytes" bash -c "'$READDISK' --format raw v3.qcow2 | cmp - v3.qcow2"
compare_tree "qcow2/detect/forced-qcow2" v3.qcow2 1 src --format qcow2
expect_error "qcow2/detect/forced-qcow2-on-raw" 5 "qcow2: no qcow2 header" \
	"$GUESTBOOT" inspect --format qcow2 disk.img
expect_error "qcow2/detect/unknown-format" 2 "--format must be raw or qcow2" \
	"$GUESTBOOT" inspect --format vmdk disk.img
# --offset counts in the virtual disk
check "qcow2/offset/cat" bash -c "'$GUESTBOOT' cat --offset $((4096 * 512)) zstd.qcow2 0:/boot/vmlinuz | cmp - src/boot/vmlinuz-6.1.0-test"
# every subcommand takes the image options
check "qcow2/options/ls" "$GUESTBOOT" ls --format qcow2 --backing base.qcow2 --backing-format qcow2 overlay.qcow2 1:/boot
check "qcow2/options/list-help" bash -c "'$GUESTBOOT' list --help | grep -q -- --backing-format"

# ---- real images guestboot refuses ----
# qemu-img's LUKS key-derivation benchmark sometimes fails on a busy
# machine ("Unable to get accurate CPU usage"): a few tries.
luks=false
for _ in 1 2 3 4 5; do
	qemu-img create -q -f qcow2 --object secret,id=s0,data=pw \
		-o encrypt.format=luks,encrypt.key-secret=s0,encrypt.iter-time=10 luks.qcow2 4M 2>/dev/null &&
		luks=true && break
done
# Still none: a plain image with crypt_method (header offset 32) set to 2,
# which is all the refusal reads.
if ! $luks; then
	rm -f luks.qcow2
	qemu-img create -q -f qcow2 luks.qcow2 4M
	printf '\x00\x00\x00\x02' | dd of=luks.qcow2 bs=1 seek=32 conv=notrunc status=none
fi
expect_error "qcow2/refuse/luks" 4 "qcow2: encrypted image (crypt_method 2)" "$GUESTBOOT" inspect luks.qcow2
qemu-img create -q -f qcow2 -o data_file=data.raw datafile.qcow2 4M
expect_error "qcow2/refuse/data-file" 4 "qcow2: external data file 'data.raw' refused" "$GUESTBOOT" inspect datafile.qcow2

# ---- damaged images: one line, exit 4/5 (7 for a bound), no crash ----
# A small image for these: 2 MiB of random data, 2 MiB of text (so that
# -c makes compressed clusters: qemu stores what does not shrink as is),
# zero gaps, 64 KiB clusters.
{ head -c $((2 * MiB)) /dev/urandom; head -c $((3 * MiB / 2)) /dev/urandom | base64; } | head -c $((4 * MiB)) >small.raw
dd if=/dev/zero of=small.raw bs=64k seek=10 count=6 conv=notrunc status=none
truncate -s 6M small.raw
qemu-img convert -O qcow2 small.raw small.qcow2
qemu-img convert -O qcow2 -c small.raw smallz.qcow2
qemu-img convert -O qcow2 -o extended_l2=on small.raw smallx.qcow2

# qpatch IN OUT EXPR: copy IN to OUT, then run the Python statement EXPR
# with b (the bytes, mutable), be(off, n), put(off, n, value), and l1/l2
# (offset of the first L1 entry, of the first allocated L2 entry).
qpatch() {
	python3 - "$1" "$2" "$3" <<'PY'
import sys
src, dst, expr = sys.argv[1:]
b = bytearray(open(src, 'rb').read())
def be(off, n): return int.from_bytes(b[off:off + n], 'big')
def put(off, n, v): b[off:off + n] = (v % (1 << (8 * n))).to_bytes(n, 'big')
l1 = be(40, 8)
l2t = be(l1, 8) & 0x00fffffffffffe00
ent = 16 if be(72, 8) & 16 else 8
l2 = next(l2t + i for i in range(0, 1 << be(20, 4), ent) if be(l2t + i, 8))
exec(expr)
open(dst, 'wb').write(b)
PY
}
# Damaged images run under the sanitizer build too when it exists (make asan).
rd_bins=("$READDISK")
rd_asan="$GB_TOP/build-asan/readdisk"
[ -x "$rd_asan" ] && [ "$rd_asan" != "$READDISK" ] && rd_bins+=("$rd_asan")
# damaged NAME EXIT TEXT IN EXPR: the patched image fails cleanly (the
# whole disk is read, so that every table is walked).
damaged() {
	local name=$1 code=$2 text=$3 in=$4 expr=$5 b tag
	wanted "$name" || return 0
	qpatch "$in" "bad-${name##*/}.qcow2" "$expr"
	for b in "${rd_bins[@]}"; do
		tag=""
		[ "$b" = "$rd_asan" ] && tag="/asan"
		expect_error "$name$tag" "$code" "$text" bash -c "timeout 60 '$b' 'bad-${name##*/}.qcow2' >/dev/null"
	done
}
damaged qcow2/damaged/header-truncated 5 "qcow2: header truncated" small.qcow2 "del b[60:]"
damaged qcow2/damaged/v3-header-truncated 5 "qcow2: v3 header truncated" small.qcow2 "del b[90:]"
damaged qcow2/damaged/version-1 4 "qcow2: version 1" small.qcow2 "put(4, 4, 1)"
damaged qcow2/damaged/version-4 4 "qcow2: version 4" small.qcow2 "put(4, 4, 4)"
damaged qcow2/damaged/cluster-bits-small 5 "cluster_bits 8" small.qcow2 "put(20, 4, 8)"
damaged qcow2/damaged/cluster-bits-large 4 "qcow2: clusters of 2^22 bytes" small.qcow2 "put(20, 4, 22)"
damaged qcow2/damaged/cluster-bits-huge 4 "qcow2: clusters of 2^4294967295" small.qcow2 "put(20, 4, -1)"
damaged qcow2/damaged/header-length 5 "qcow2: bad header length" small.qcow2 "put(100, 4, 1 << 20)"
damaged qcow2/damaged/l1-past-eof 5 "qcow2: L1 table outside the file" small.qcow2 "put(40, 8, 1 << 40)"
damaged qcow2/damaged/l1-offset-overflow 5 "qcow2: L1 table outside the file" small.qcow2 "put(40, 8, -65536)"
damaged qcow2/damaged/l1-unaligned 5 "L1 table offset 0x30200 is not cluster-aligned" small.qcow2 "put(40, 8, 0x30200)"
damaged qcow2/damaged/l1-too-small 5 "L1 table of 0 entries is too small" small.qcow2 "put(36, 4, 0)"
damaged qcow2/damaged/l1-huge 7 "qcow2: L1 table of 4294967295 entries" small.qcow2 "put(36, 4, -1)"
damaged qcow2/damaged/disk-size-huge 5 "too small for a" small.qcow2 "put(24, 8, -1)"
damaged qcow2/damaged/l2-table-past-eof 5 "qcow2: L2 table at 0x10000000000 is outside the file" small.qcow2 "put(l1, 8, (1 << 63) | (1 << 40))"
damaged qcow2/damaged/l2-table-unaligned 5 "L2 table offset 0x30200 is not cluster-aligned" small.qcow2 "put(l1, 8, 0x30200)"
damaged qcow2/damaged/l2-entry-past-eof 5 "qcow2: data cluster at 0x10000000000 is outside the file" small.qcow2 "put(l2, 8, (1 << 63) | (1 << 40))"
damaged qcow2/damaged/l2-entry-unaligned 5 "data cluster offset 0x50200 is not cluster-aligned" small.qcow2 "put(l2, 8, 0x50200)"
damaged qcow2/damaged/compressed-past-eof 5 "qcow2: compressed cluster at" smallz.qcow2 "put(l2, 8, (1 << 62) | (1 << 50))"
damaged qcow2/damaged/compressed-garbage 5 "qcow2: bad deflate data" smallz.qcow2 "put(l2, 8, (1 << 62) | 0)"
damaged qcow2/damaged/xl2-alloc-and-zero 5 "subcluster both allocated and zero" smallx.qcow2 "put(l2 + 8, 8, 0x0000000100000001)"
damaged qcow2/damaged/xl2-no-host 5 "allocated subcluster without a host cluster" smallx.qcow2 "put(l2, 8, 0); put(l2 + 8, 8, 1)"
damaged qcow2/damaged/unknown-incompat 4 "qcow2: unknown incompatible feature bits 0x20" small.qcow2 "put(72, 8, be(72, 8) | 0x20)"
damaged qcow2/damaged/unknown-incompat-63 4 "unknown incompatible feature bits 0x8000000000000000" small.qcow2 "put(72, 8, be(72, 8) | (1 << 63))"
damaged qcow2/damaged/corrupt-bit 5 "qcow2: the image is marked corrupt" small.qcow2 "put(72, 8, be(72, 8) | 2)"
damaged qcow2/damaged/data-file-bit 4 "qcow2: external data file refused" small.qcow2 "put(72, 8, be(72, 8) | 4)"
damaged qcow2/damaged/crypt-aes 4 "qcow2: encrypted image (crypt_method 1)" small.qcow2 "put(32, 4, 1)"
damaged qcow2/damaged/compression-bit-without-type 5 "disagrees with the compression feature bit" small.qcow2 "put(72, 8, be(72, 8) | 8)"
damaged qcow2/damaged/compression-type-unknown 4 "qcow2: compression type 7" small.qcow2 "put(72, 8, be(72, 8) | 8); b[104] = 7"
damaged qcow2/damaged/xl2-small-clusters 5 "extended L2 entries with clusters under 16 KiB" smallx.qcow2 "put(20, 4, 13)"
damaged qcow2/damaged/backing-name-long 5 "qcow2: bad backing file name" small.qcow2 "put(8, 8, 512); put(16, 4, 5000)"
damaged qcow2/damaged/backing-name-past-eof 5 "qcow2: bad backing file name" small.qcow2 "put(8, 8, 1 << 40); put(16, 4, 10)"
damaged qcow2/damaged/extension-overrun 5 "header extension 0x6803f857 runs past" small.qcow2 \
	"p = be(100, 4); n = 0
while be(p, 4) != 0x6803f857 and n < 10: p += 8 + ((be(p + 4, 4) + 7) & ~7); n += 1
put(p + 4, 4, 1 << 20)"
# the name table names an unknown bit in the error
damaged qcow2/damaged/unknown-incompat-named 4 "0x20 ('frobnicate')" small.qcow2 \
	"p = be(100, 4); n = 0
while be(p, 4) != 0x6803f857 and n < 10: p += 8 + ((be(p + 4, 4) + 7) & ~7); n += 1
b[p + 8:p + 56] = bytes([0, 5]) + b'frobnicate'.ljust(46, b'\0'); put(72, 8, be(72, 8) | 0x20)"

# still read fine: the dirty bit (read-only), an oversized compressed length
# (cut at the end of the file; output capped at one cluster)
if wanted qcow2/damaged/dirty-reads; then
	qpatch small.qcow2 dirty.qcow2 "put(72, 8, be(72, 8) | 1)"
	"$READDISK" dirty.qcow2 | cmp -s - small.raw && pass qcow2/damaged/dirty-reads || fail qcow2/damaged/dirty-reads
fi
if wanted qcow2/damaged/compressed-size-overflow; then
	# the last compressed cluster, with the largest sector count
	qpatch smallz.qcow2 zbig.qcow2 "
t = [l2t + i for i in range(0, 65536, 8) if be(l2t + i, 8) >> 62 == 1]
last = max(t, key=lambda o: be(o, 8) & ((1 << 54) - 1))
put(last, 8, be(last, 8) | (0xff << 54))"
	"$READDISK" zbig.qcow2 | cmp -s - small.raw && pass qcow2/damaged/compressed-size-overflow ||
		fail qcow2/damaged/compressed-size-overflow "$("$READDISK" zbig.qcow2 2>&1 >/dev/null)"
fi
# random byte flips in the metadata: any outcome but a crash or a
# multi-line error
if wanted qcow2/damaged/random-flips; then
	bad=""
	for seed in $(seq 1 60); do
		for img in small.qcow2 smallz.qcow2 smallx.qcow2; do
			qpatch "$img" flip.qcow2 "
import random
random.seed($seed)
meta = [0, l1, l2t]
for _ in range(4):
    base = random.choice(meta); o = base + random.randrange(0, 512 if base else 112)
    b[o] ^= 1 << random.randrange(8)"
			"$READDISK" flip.qcow2 >/dev/null 2>flip.err
			rc=$?
			if [ $rc -ge 11 ] || { [ $rc -ne 0 ] && [ "$(wc -l <flip.err)" -ne 1 ]; }; then
				bad="$bad $img:$seed:$rc"
			fi
		done
	done
	[ -z "$bad" ] && pass qcow2/damaged/random-flips || fail qcow2/damaged/random-flips "bad:$bad"
fi
# a truncated image: the tables are there, the data is not
if wanted qcow2/damaged/truncated-data; then
	head -c $((5 * 65536)) small.qcow2 >trunc.qcow2
	expect_error qcow2/damaged/truncated-data 5 "outside the file" bash -c "'$READDISK' trunc.qcow2 >/dev/null"
fi

# ---- NBD: qemu-nbd serves the image, guestboot reads it through libnbd ----
# serve NAME FORMAT IMAGE: start qemu-nbd on ./NAME.sock, wait for it.
nbd_pids=()
serve() {
	local sock=$PWD/$1.sock
	qemu-nbd --socket="$sock" --persistent -r -f "$2" "$3" 2>/dev/null &
	nbd_pids+=($!)
	for _ in $(seq 1 100); do
		[ -S "$sock" ] && return 0
		sleep 0.1
	done
	return 1
}
trap 'for p in "${nbd_pids[@]}"; do kill "$p" 2>/dev/null; done' EXIT
if serve q qcow2 v3.qcow2 && serve r raw zlib.qcow2; then
	q="nbd+unix:///?socket=$PWD/q.sock"
	r="nbd+unix:///?socket=$PWD/r.sock"
	check "nbd/cat" bash -c "'$GUESTBOOT' cat '$q' 1:/boot/vmlinuz-6.1.0-test | cmp - src/boot/vmlinuz-6.1.0-test"
	compare_tree "nbd/cat-tree" "$q" 1 src
	check "nbd/disk" bash -c "'$READDISK' --chunk 12345 '$q' | cmp - disk.img"
	check_format "nbd/format-raw" "$q" raw
	# the export is a qcow2 file served as raw bytes: detected by its magic
	check_format "nbd/format-qcow2-inside" "$r" qcow2
	compare_tree "nbd/qcow2-inside" "$r" 1 src
	expect_error "nbd/no-server" 6 "nbd: cannot connect" \
		"$GUESTBOOT" inspect "nbd+unix:///?socket=$PWD/none.sock"
else
	fail "nbd/server" "qemu-nbd did not start"
fi
for p in "${nbd_pids[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
nbd_pids=()
