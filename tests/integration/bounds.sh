# Resource bounds that do not depend on the machine's speed: extract's peak
# memory (the sandboxed child included) stays under 16 MiB whatever the
# initrd's size and the image's format, and list reads no file contents.
. "$GB_TOP/tests/lib/common.sh"

RUSAGE="$GB_BUILD/rusage"
MAX_RSS_KIB=16384
# Decompression threads (lib/core/pool.h): each beyond the first may hold
# GB_POOL_THREAD_BUDGET more.
read -r mul shift < <(sed -n 's/^#define GB_POOL_THREAD_BUDGET (\([0-9]*\)u << \([0-9]*\))$/\1 \2/p' \
	"$GB_TOP/lib/core/pool.h")
THREAD_BUDGET_KIB=$(( ${mul:-0} << ${shift:-0} >> 10 ))
THREADS=4

# A 40 MiB initrd, larger than the bound: random bytes with a 6 MiB hole
# (read through the copy buffer), and a compressible one (seq output) for a
# compressed qcow2 with 2 MiB clusters, the largest caches qcow2 has.
mkdir -p rand/boot/grub text/boot/grub
head -c 2000000 /dev/urandom >rand/boot/vmlinuz
head -c 20M /dev/urandom >rand/boot/initrd.img
truncate -s 26M rand/boot/initrd.img
head -c 14M /dev/urandom >>rand/boot/initrd.img
cp rand/boot/vmlinuz text/boot/vmlinuz
seq 1 9000000 | head -c 40M >text/boot/initrd.img
for t in rand text; do
	printf 'title x\n\troot (hd0,0)\n\tkernel /boot/vmlinuz ro\n\tinitrd /boot/initrd.img\n' \
		>$t/boot/grub/menu.lst
	truncate -s 64M $t.img
	mke2fs -q -F -t ext4 -b 4096 -d $t $t.img
done
qemu-img convert -c -O qcow2 -o cluster_size=2M text.img text.qcow2
# with threads: QEMU's default clusters, and larger ones (larger decoders
# and read-ahead buffers, still within the budget)
qemu-img convert -c -O qcow2 text.img text-zlib.qcow2
qemu-img convert -c -O qcow2 -o compression_type=zstd text.img text-zstd.qcow2
qemu-img convert -c -O qcow2 -o compression_type=zstd,cluster_size=256k text.img text-zstd-256k.qcow2

# extract_rss NAME IMAGE TREE [THREADS]: the files are right and peak RSS
# is bounded (with THREADS decompression threads: plus their budget).
extract_rss() {
	local name=$1 img=$2 tree=$3 threads=${4:-1} rss
	local max=$((MAX_RSS_KIB + (threads - 1) * THREAD_BUDGET_KIB))
	wanted "$name" || return 0
	rm -rf out && mkdir out
	if ! GUESTBOOT_THREADS=$threads "$RUSAGE" "$GUESTBOOT" extract -o out "$img" >/dev/null 2>err; then
		fail "$name" "$(cat err)"
		return
	fi
	rss=$(awk '/^maxrss_kib/ {print $2}' err)
	if ! cmp -s out/vmlinuz "$tree/boot/vmlinuz" || ! cmp -s out/initrd "$tree/boot/initrd.img"; then
		fail "$name" "extracted files differ"
	elif [ -z "$rss" ] || [ "$rss" -ge $max ]; then
		fail "$name" "peak RSS ${rss:-?} KiB, the bound is $max KiB"
	else
		pass "$name"
	fi
}

# Sanitizer builds map shadow memory: their RSS says nothing.
if "$GUESTBOOT" sandbox-test filtered; then
	extract_rss bounds/rss-ext4-40M-initrd rand.img rand
	extract_rss bounds/rss-qcow2-compressed-2M-clusters text.qcow2 text
	if [ "$THREAD_BUDGET_KIB" -lt 1024 ]; then
		fail bounds/thread-budget "no GB_POOL_THREAD_BUDGET in lib/core/pool.h"
	fi
	extract_rss bounds/rss-threads-qcow2-zlib text-zlib.qcow2 text $THREADS
	extract_rss bounds/rss-threads-qcow2-zstd text-zstd.qcow2 text $THREADS
	extract_rss bounds/rss-threads-qcow2-zstd-256k text-zstd-256k.qcow2 text $THREADS
	extract_rss bounds/rss-threads-qcow2-2M-clusters text.qcow2 text $THREADS
fi

# Over NBD the reads go through a cache of 20 blocks of 256 KiB with
# requests in flight: extract stays under the same bound, and list asks
# the server for the metadata and some readahead, not the initrd.
if command -v nbdkit >/dev/null && ! "$GUESTBOOT" inspect "nbd+unix:///?socket=/none" 2>&1 |
	grep -q "built with libnbd"; then
	nbdkit -f -r -U "$PWD/nbd.sock" file rand.img 2>/dev/null &
	nbdkit_pid=$!
	for _ in $(seq 50); do [ -S nbd.sock ] && break; sleep 0.1; done
	nbd="nbd+unix:///?socket=$PWD/nbd.sock"
	if "$GUESTBOOT" sandbox-test filtered; then
		extract_rss bounds/rss-nbd-40M-initrd "$nbd" rand
	fi
	if wanted bounds/nbd-list-reads-no-file-data; then
		kib=$(GUESTBOOT_NBD_STATS=1 "$GUESTBOOT" list "$nbd" 2>&1 >/dev/null |
			sed -n 's/^guestboot: nbd: [0-9]* requests (\([0-9]*\) KiB).*/\1/p')
		if [ -n "$kib" ] && [ "$kib" -le 4096 ]; then
			pass bounds/nbd-list-reads-no-file-data
		else
			fail bounds/nbd-list-reads-no-file-data "${kib:-?} KiB asked of the server (bound 4 MiB)"
		fi
	fi
	kill "$nbdkit_pid" 2>/dev/null
	wait "$nbdkit_pid" 2>/dev/null
else
	skip bounds/nbd "nbdkit or libnbd missing"
fi

# list reads the configuration, not the 40 MiB initrd: every byte read by
# either process, shared libraries included, is counted.
if wanted bounds/list-reads-no-file-data; then
	strace -f -qq -e trace=read,pread64,readv,preadv,copy_file_range,sendfile,splice \
		-o trace "$GUESTBOOT" list rand.img >/dev/null 2>err
	# the parser is the child: the parent only relays its output (a splice)
	parent=$(awk 'NR == 1 {print $1}' trace)
	awk -v p="$parent" '$1 != p' trace >child.trace
	bytes=$(awk '/= [0-9]+$/ {n += $NF} END {print n + 0}' child.trace)
	copies=$(grep -cE '^[0-9]+ +(copy_file_range|sendfile|splice)' child.trace)
	if [ "$bytes" -lt 1048576 ] && [ "$copies" -eq 0 ] && [ -s child.trace ]; then
		pass bounds/list-reads-no-file-data
	else
		fail bounds/list-reads-no-file-data "$bytes bytes read, $copies copies" "$(cat err)"
	fi
fi
