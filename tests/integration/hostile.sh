# Hostile images against the per-command work bounds (issue #16, F4-F6):
# each gives the right result or one line naming the bound, in under 5 s
# and 64 MiB of peak RSS (the sandboxed child included), whatever the
# machine's speed would make of the unbounded work (minutes, gigabytes).
. "$GB_TOP/tests/lib/common.sh"

RUSAGE="$GB_BUILD/rusage"
MAX_S=5
MAX_RSS_KIB=65536
REPRO=${GB_SHARED:+$GB_SHARED/security-repro}

# bounded NAME WANT_EXIT TEXT CMD...: exit status WANT_EXIT; TEXT (a
# substring) in the output (stdout and stderr; for an error: its only
# stderr line); wall time and peak RSS under the bounds.
bounded() {
	local name=$1 want=$2 text=$3 t0 t1 rc rss secs
	shift 3
	wanted "$name" || return 0
	t0=$(date +%s.%N)
	"$RUSAGE" "$@" >out 2>err
	rc=$?
	t1=$(date +%s.%N)
	secs=$(echo "$t1 - $t0" | bc)
	rss=$(awk '/^maxrss_kib/ {print $2}' err)
	sed -i '/^maxrss_kib/d' err
	if [ "$rc" -ne "$want" ]; then
		fail "$name" "exit $rc, expected $want" "$(head -3 err)"
	elif [ "$want" -ne 0 ] && { [ "$(wc -l <err)" -ne 1 ] || ! grep -qF -- "$text" err; }; then
		fail "$name" "stderr should be one line containing '$text'" "got: $(head -3 err)"
	elif [ "$want" -eq 0 ] && [ -n "$text" ] && ! cat out err | grep -qF -- "$text"; then
		fail "$name" "output should contain '$text'" "got: $(head -5 out err)"
	elif [ "$(echo "$secs >= $MAX_S" | bc)" -eq 1 ]; then
		fail "$name" "took $secs s, the bound is $MAX_S s"
	elif [ -n "$SANITIZED" ]; then
		pass "$name"
	elif [ -z "$rss" ] || [ "$rss" -ge $MAX_RSS_KIB ]; then
		fail "$name" "peak RSS ${rss:-?} KiB, the bound is $MAX_RSS_KIB KiB"
	else
		pass "$name"
	fi
}

# Sanitizer builds map shadow memory: their RSS says nothing.
SANITIZED=
"$GUESTBOOT" sandbox-test filtered || SANITIZED=1

# F4: regexp with nested bounded repeats, 30 times in a loop. glibc's
# regcomp would build a million nodes (seconds and 1.8 GB) per call; the
# pattern is refused with a GRUB error and the config goes on.
if wanted hostile/regexp; then
	mkdir -p re/boot/grub
	{
		echo "for i in $(seq -s ' ' 1 30); do"
		echo "  regexp --set=x '(((a{1,100}){1,100}){1,100})' 'aaaa'"
		echo "done"
		echo 'regexp --set=y "^(hd[0-9]+)" "hd0"'
		echo 'menuentry "Linux $y" { linux /boot/vmlinuz root=/dev/xvda1 }'
	} >re/boot/grub/grub.cfg
	echo kernel >re/boot/vmlinuz
	truncate -s 8M re.img
	mke2fs -q -F -t ext4 -d re re.img
	: >pygrub.out
	bounded hostile/regexp-pygrub 0 "" \
		"$GUESTBOOT" pygrub -q --output="$PWD/pygrub.out" --output-directory="$PWD" re.img
	if ! grep -q "args 'root=/dev/xvda1'" pygrub.out; then
		fail hostile/regexp-pygrub-entry "pygrub output: $(cat pygrub.out)"
	else
		pass hostile/regexp-pygrub-entry
	fi
	# the refusal names the bound; a small pattern after it still works
	bounded hostile/regexp-list 0 "regexp: expression too large (expands to more than 1024 nodes)" \
		"$GUESTBOOT" list re.img
	if ! grep -q "Linux hd0" out; then
		fail hostile/regexp-small-pattern "list: $(cat out)"
	else
		pass hostile/regexp-small-pattern
	fi
fi

# F6: an initrd of 64 zstd frames of 255 MiB of zeros each, named by 5
# entries: inspected once, stopped at the decompression bound.
if ! wanted hostile/initrd; then
	:
elif [ -z "$REPRO" ] || ! command -v zstd >/dev/null; then
	skip hostile/initrd-bomb "needs \$GB_SHARED/security-repro/initrd_bomb.sh and zstd"
else
	bash "$REPRO/initrd_bomb.sh" bomb.img 64 5 2>/dev/null
	bounded hostile/initrd-bomb-inspect 0 "decompressed data exceeds this command's bound of 512 MiB" \
		"$GUESTBOOT" inspect --kernels bomb.img
	bounded hostile/initrd-bomb-doctor 0 "decompressed data exceeds this command's bound of 512 MiB" \
		"$GUESTBOOT" doctor bomb.img
fi

# F5: a squashfs whose root listing is 400 MiB of gzip'd metadata, behind
# 4 overlapping partitions: the config search stops at the metadata bound.
if ! wanted hostile/squashfs; then
	:
elif [ -z "$REPRO" ]; then
	skip hostile/squashfs-bigdir "needs \$GB_SHARED/security-repro/sq_bigdir_hang.py"
else
	python3 "$REPRO/sq_bigdir_hang.py" bigdir.img 400 4 >/dev/null
	bounded hostile/squashfs-bigdir-list 7 "file system metadata read exceeds this command's bound of 256 MiB" \
		"$GUESTBOOT" list bigdir.img
	bounded hostile/squashfs-bigdir-ls 7 "directory has more than 1048576 entries" "$GUESTBOOT" ls bigdir.img 1:/
fi
