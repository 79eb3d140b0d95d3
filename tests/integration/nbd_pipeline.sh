# NBD exports served by nbdkit, read through guestboot's pipelined NBD
# source (a block cache, readahead, several requests in flight): what it
# gives equals the same image read as a raw file and the tree the image was
# made from, also with latency (the delay filter) and across the extents of
# a fragmented file; a server failing mid-pipeline (the error filter) gives
# one line and a non-zero exit.
. "$GB_TOP/tests/lib/common.sh"

need nbd-pipeline nbdkit debugfs sfdisk mke2fs || exit 0
"$GUESTBOOT" inspect "nbd+unix:///?socket=/nonexistent" 2>&1 | grep -q "built with libnbd" &&
	{ skip "nbd-pipeline" "guestboot built without libnbd"; exit 0; }

make_tree src
# extract's initrd is the fragmented file written below
printf 'set default=0\nmenuentry "pipelined" {\n\tlinux /boot/vmlinuz-6.1.0-test ro\n\tinitrd /boot/fragmented\n}\n' \
	>src/boot/grub/grub.cfg

# The file system: ext4, then made to hold a fragmented file: debugfs
# writes small files, every other one is removed, and a 12 MiB file
# written last fills the holes, so that its extents are scattered and a
# copy's readahead crosses their boundaries.
truncate -s 96M fs.img
mke2fs -q -F -d src -t ext4 -b 4096 fs.img >/dev/null 2>&1
head -c 200000 /dev/urandom >piece
head -c $((12 * 1048576 + 777)) /dev/urandom >src/boot/fragmented
{
	for i in $(seq 1 60); do echo "write piece /p$i"; done
	for i in $(seq 1 2 60); do echo "rm /p$i"; done
	echo "write src/boot/fragmented /boot/fragmented"
} | debugfs -w -f - fs.img >/dev/null 2>&1
extents=$(debugfs -R "ex /boot/fragmented" fs.img 2>/dev/null | grep -c '^ *[0-9]')
if [ "$extents" -lt 4 ]; then
	fail "nbd-pipeline/setup" "the test file has $extents extents, wanted several"
fi

# The disk: MBR with the ext4 in partition 1 at 1 MiB (reads go through
# the partition's window).
truncate -s 100M disk.img
sfdisk -q disk.img <<'P'
label: dos
start=2048, type=83
P
dd if=fs.img of=disk.img bs=1M seek=1 conv=notrunc status=none

pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done' EXIT
# serve NAME [FILTER OPTIONS...]: nbdkit on ./NAME.sock, the disk read-only.
serve() {
	local name=$1
	shift
	nbdkit -f -r -U "$PWD/$name.sock" "$@" file disk.img "${FILTER_ARGS[@]}" 2>"$name.log" &
	pids+=($!)
	for _ in $(seq 50); do [ -S "$name.sock" ] && return 0; sleep 0.1; done
	return 1
}
FILTER_ARGS=()
serve plain || fail "nbd-pipeline/server" "nbdkit did not start" "$(cat plain.log)"
FILTER_ARGS=(rdelay=2ms)
serve slow --filter=delay || fail "nbd-pipeline/server-delay" "nbdkit did not start" "$(cat slow.log)"
FILTER_ARGS=(error=EIO error-rate=20%)
serve flaky --filter=error || fail "nbd-pipeline/server-error" "nbdkit did not start" "$(cat flaky.log)"

for s in plain slow; do
	u="nbd+unix:///?socket=$PWD/$s.sock"
	compare_tree "nbd-pipeline/$s/cat-tree" "$u" 1 src
	check "nbd-pipeline/$s/cat-fragmented-vs-raw" bash -c \
		"cmp <('$GUESTBOOT' cat '$u' 1:/boot/fragmented) <('$GUESTBOOT' cat disk.img 1:/boot/fragmented)"
	for dir in / /boot /boot/grub/i386-pc /deep/a/b/c/d/e; do
		check "nbd-pipeline/$s/ls$dir" bash -c \
			"cmp <('$GUESTBOOT' ls '$u' '1:$dir' 2>&1) <('$GUESTBOOT' ls disk.img '1:$dir' 2>&1)"
	done
	check "nbd-pipeline/$s/list-vs-raw" bash -c \
		"cmp <('$GUESTBOOT' list --json '$u' | sed 's|$u|IMG|g') <('$GUESTBOOT' list --json disk.img | sed 's|disk.img|IMG|g')"
	if wanted "nbd-pipeline/$s/extract"; then
		rm -rf "x-$s" && mkdir "x-$s"
		if "$GUESTBOOT" extract -o "x-$s" "$u" >/dev/null 2>"x-$s.err" &&
			cmp -s "x-$s/vmlinuz" src/boot/vmlinuz-6.1.0-test &&
			cmp -s "x-$s/initrd" src/boot/fragmented; then
			pass "nbd-pipeline/$s/extract"
		else
			fail "nbd-pipeline/$s/extract" "extract over NBD differs from the tree" "$(cat "x-$s.err")"
		fi
	fi
done

# The request count: printed at close only when asked for, one line on
# stderr; a copy of the 12 MiB file takes at least its size in 256 KiB
# requests and no more than twice that plus the metadata's.
u="nbd+unix:///?socket=$PWD/plain.sock"
if wanted "nbd-pipeline/stats"; then
	quiet=$("$GUESTBOOT" cat "$u" 1:/boot/one-byte 2>&1 >/dev/null)
	line=$(GUESTBOOT_NBD_STATS=1 "$GUESTBOOT" cat "$u" 1:/boot/fragmented 2>&1 >/dev/null)
	n=$(printf '%s\n' "$line" | sed -n 's/^guestboot: nbd: \([0-9]*\) requests.*/\1/p')
	if [ -n "$quiet" ]; then
		fail "nbd-pipeline/stats" "stderr without GUESTBOOT_NBD_STATS: $quiet"
	elif [ -z "$n" ] || [ "$(printf '%s\n' "$line" | wc -l)" -ne 1 ]; then
		fail "nbd-pipeline/stats" "want one line 'guestboot: nbd: N requests ...'" "got: $line"
	elif [ "$n" -lt 48 ] || [ "$n" -gt 120 ]; then
		fail "nbd-pipeline/stats" "$n requests for 12 MiB in 256 KiB blocks"
	else
		pass "nbd-pipeline/stats"
	fi
fi

# A server that fails one read in five (at random): every command that
# reads much ends with one line naming the failed read, never with partial
# output. Which read fails decides the exit status: a probe's read leaves
# the volume without a file system (3), a mount's makes it unreadable (5),
# a file's read is an I/O error (6).
u="nbd+unix:///?socket=$PWD/flaky.sock"
expect_read_error() {
	local name=$1 out err rc
	shift
	wanted "$name" || return 0
	out=$("$@" 2>stderr.flaky)
	rc=$?
	err=$(cat stderr.flaky)
	if [ "$rc" -ne 6 ] && [ "$rc" -ne 5 ] && [ "$rc" -ne 3 ]; then
		fail "$name" "exit $rc, expected 6 (a file's read), 5 (a mount's) or 3 (a probe's)" "stderr: $err"
	elif [ "$(printf '%s\n' "$err" | wc -l)" -ne 1 ] || [[ "$err" != *"nbd: read at offset"* ]]; then
		fail "$name" "stderr should be one line naming the failed read" "got: $err"
	elif [ -n "$out" ]; then
		fail "$name" "stdout should be empty" "got: $(printf '%s' "$out" | head -c 200)"
	else
		pass "$name"
	fi
}
expect_read_error "nbd-pipeline/error/cat" "$GUESTBOOT" cat "$u" 1:/boot/fragmented
rm -rf x-err && mkdir x-err
expect_read_error "nbd-pipeline/error/extract" "$GUESTBOOT" extract -o x-err "$u"
if wanted "nbd-pipeline/error/extract" && [ -n "$(ls -A x-err)" ]; then
	fail "nbd-pipeline/error/extract-no-files" "files left after the error: $(ls x-err)"
fi

# Every command received the replies it had asked for before leaving
# (readahead included, errors too): a client that drops the connection in
# the middle of replies makes nbdkit 1.32 abort.
if wanted "nbd-pipeline/servers-alive"; then
	dead=""
	for p in "${pids[@]}"; do kill -0 "$p" 2>/dev/null || dead="$dead $p"; done
	if [ -z "$dead" ]; then pass "nbd-pipeline/servers-alive"; else
		fail "nbd-pipeline/servers-alive" "nbdkit exited:$dead" "$(cat plain.log slow.log flaky.log | tail -5)"; fi
fi
