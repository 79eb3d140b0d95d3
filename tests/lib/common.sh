# Shared helpers for integration scripts (sourced). Each case prints exactly
# one "PASS name", "FAIL name" or "SKIP name: reason" line; details of a
# failure go to stderr.
set -u
GUESTBOOT=${GUESTBOOT:-$GB_BUILD/guestboot}
GB_FILTER=${GB_FILTER:-}

pass() { echo "PASS $1"; }
fail() {
	local name=$1
	shift
	echo "FAIL $name"
	[ $# -gt 0 ] && printf '  %s\n' "$@" >&2
	return 0
}

# skip NAME REASON: the case cannot run here (a missing tool or ../shared);
# counted apart, never as a pass.
skip() { echo "SKIP $1: $2"; }

# need NAME TOOL...: true when every TOOL is installed; otherwise one
# "SKIP NAME: ..." line naming those missing, and false. For optional
# peers and image makers (scripts/install-deps installs them all): a
# missing one skips the cases that need it, it never fails them.
need() {
	local name=$1 t missing=""
	shift
	for t; do command -v "$t" >/dev/null 2>&1 || missing="$missing $t"; done
	[ -z "$missing" ] && return 0
	skip "$name" "not installed:$missing (scripts/install-deps)"
	return 1
}

# need_root NAME WHY: true as root; otherwise a SKIP line saying WHY.
need_root() {
	[ "$(id -u)" -eq 0 ] && return 0
	skip "$1" "needs root ($2)"
	return 1
}

# The project's read-only companion material (../shared beside the
# checkout); empty when it is absent.
GB_SHARED=${GB_SHARED:-$(cd "${GB_TOP:-.}/../shared" 2>/dev/null && pwd)}

# wanted NAME: is this case selected by the filter?
wanted() { [ -z "$GB_FILTER" ] || [[ "$1" == *"$GB_FILTER"* ]]; }
# wanted_under PREFIX: is any case PREFIX... selected (the filter may name
# one of them)?
wanted_under() { wanted "$1" || [[ "$GB_FILTER" == "$1"* ]]; }

# check NAME CMD...: pass when CMD succeeds.
check() {
	local name=$1
	shift
	wanted "$name" || return 0
	local out
	if out=$("$@" 2>&1); then pass "$name"; else fail "$name" "command: $*" "$out"; fi
}

# expect_error NAME EXIT SUBSTRING CMD...: CMD must exit with EXIT, print
# exactly one line on stderr containing SUBSTRING, and nothing on stdout.
expect_error() {
	local name=$1 want=$2 text=$3
	shift 3
	wanted "$name" || return 0
	local out err rc
	out=$("$@" 2>"$GB_WORK/stderr.$$")
	rc=$?
	err=$(cat "$GB_WORK/stderr.$$")
	if [ "$rc" -ne "$want" ]; then
		fail "$name" "exit $rc, expected $want" "stderr: $err"
	elif [ "$(printf '%s\n' "$err" | wc -l)" -ne 1 ] || [[ "$err" != *"$text"* ]]; then
		fail "$name" "stderr should be one line containing '$text'" "got: $err"
	elif [ -n "$out" ]; then
		fail "$name" "stdout should be empty" "got: $(printf '%s' "$out" | head -c 200)"
	else
		pass "$name"
	fi
}

# expect_pygrub_error NAME EXIT SUBSTRING CMD...: as expect_error, for
# pygrub mode: guestboot's one line ("guestboot: REASON", containing
# SUBSTRING) and then "RuntimeError: REASON", the form XAPI's xenopsd
# reports (the last line of pygrub's stderr that starts so).
expect_pygrub_error() {
	local name=$1 want=$2 text=$3
	shift 3
	wanted "$name" || return 0
	local out err rc first second
	out=$("$@" 2>"$GB_WORK/stderr.$$")
	rc=$?
	err=$(cat "$GB_WORK/stderr.$$")
	first=$(sed -n 1p <<<"$err") second=$(sed -n 2p <<<"$err")
	if [ "$rc" -ne "$want" ]; then
		fail "$name" "exit $rc, expected $want" "stderr: $err"
	elif [ "$(printf '%s\n' "$err" | wc -l)" -ne 2 ] || [[ "$first" != "guestboot: "*"$text"* ]]; then
		fail "$name" "stderr should be two lines, the first 'guestboot: ...$text...'" "got: $err"
	elif [ "$second" != "RuntimeError: ${first#guestboot: }" ]; then
		fail "$name" "the second line should be 'RuntimeError: ${first#guestboot: }'" "got: $second"
	elif [ -n "$out" ]; then
		fail "$name" "stdout should be empty" "got: $(printf '%s' "$out" | head -c 200)"
	else
		pass "$name"
	fi
}

# A source tree with the shapes a /boot holds: a kernel-sized file, sizes
# around block boundaries, an empty file, nested dirs, symlinks (relative,
# absolute, through a directory), names with spaces.
make_tree() {
	local d=$1
	rm -rf "$d"
	mkdir -p "$d/boot/grub/i386-pc" "$d/etc" "$d/deep/a/b/c/d/e"
	head -c 3145739 /dev/urandom >"$d/boot/vmlinuz-6.1.0-test"
	head -c 1048589 /dev/urandom >"$d/boot/initrd.img-6.1.0-test"
	head -c 4095 /dev/urandom >"$d/boot/grub/i386-pc/a.mod"
	head -c 4097 /dev/urandom >"$d/boot/grub/i386-pc/b.mod"
	head -c 1 /dev/urandom >"$d/boot/one-byte"
	: >"$d/boot/empty"
	printf 'set default=0\nmenuentry "x" { linux /vmlinuz }\n' >"$d/boot/grub/grub.cfg"
	echo "deep" >"$d/deep/a/b/c/d/e/file"
	echo "spaced" >"$d/etc/name with spaces"
	ln -s vmlinuz-6.1.0-test "$d/boot/vmlinuz"
	ln -s /boot/initrd.img-6.1.0-test "$d/initrd.img"
	ln -s ../boot/grub "$d/etc/grubdir"
	# a symlink target longer than 60 bytes is stored in a block, not the inode
	ln -s "/boot/././././././././././././././././././././././vmlinuz-6.1.0-test" "$d/longlink"
}

# Files of a tree, relative paths, sorted.
tree_files() { (cd "$1" && find . -type f | sed 's|^\./|/|' | LC_ALL=C sort); }

# compare_tree NAME IMAGE VOL SRC [OPTIONS...]: every file of SRC reads back
# identical (OPTIONS go to guestboot cat: --format, --backing, ...).
compare_tree() {
	local name=$1 img=$2 vol=$3 src=$4 f bad=""
	shift 4
	wanted "$name" || return 0
	while IFS= read -r f; do
		if ! "$GUESTBOOT" cat "$@" "$img" "$vol:$f" 2>>"$GB_WORK/cmp.err" | cmp -s - "$src$f"; then
			bad="$bad $f"
		fi
	done < <(tree_files "$src")
	if [ -z "$bad" ]; then pass "$name"; else fail "$name" "differ:$bad" "$(tail -3 "$GB_WORK/cmp.err")"; fi
}

# compare_ls NAME IMAGE VOL DIR SRC: ls lists exactly the entries of SRC/DIR.
compare_ls() {
	local name=$1 img=$2 vol=$3 dir=$4 src=$5
	wanted "$name" || return 0
	local want got
	want=$(ls -A "$src$dir" | LC_ALL=C sort)
	got=$("$GUESTBOOT" ls "$img" "$vol:$dir" 2>&1)
	if [ "$got" = "$want" ]; then pass "$name"; else fail "$name" "want: $want" "got: $got"; fi
}

# compare_blkid NAME IMAGE NUMBER: inspect --json agrees with blkid and
# sfdisk about partition NUMBER (0: whole disk) of IMAGE.
compare_blkid() {
	local name=$1 img=$2 num=$3
	wanted "$name" || return 0
	local json start size
	json=$("$GUESTBOOT" inspect --json "$img") || { fail "$name" "inspect failed"; return; }
	start=$(jq -r ".volumes[] | select(.number == $num) | .start" <<<"$json")
	size=$(jq -r ".volumes[] | select(.number == $num) | .size" <<<"$json")
	if [ "$num" -ne 0 ]; then
		local ss pstart psize
		ss=$(sfdisk -J "$img" | jq -r '.partitiontable.sectorsize // 512')
		pstart=$(sfdisk -J "$img" | jq -r ".partitiontable.partitions[] | select(.node | test(\"[^0-9]$num\$\")) | .start")
		psize=$(sfdisk -J "$img" | jq -r ".partitiontable.partitions[] | select(.node | test(\"[^0-9]$num\$\")) | .size")
		if [ "$start" != "$((pstart * ss))" ] || [ "$size" != "$((psize * ss))" ]; then
			fail "$name" "partition $num: start/size $start/$size, sfdisk says $((pstart * ss))/$((psize * ss))"
			return
		fi
	fi
	local TYPE="" UUID="" LABEL=""
	eval "$(blkid -p -o export -O "$start" -S "$size" "$img" | grep -E '^(TYPE|UUID|LABEL)=')"
	local got_type got_uuid got_label
	got_type=$(jq -r ".volumes[] | select(.number == $num) | .fs.type // \"\"" <<<"$json")
	got_uuid=$(jq -r ".volumes[] | select(.number == $num) | .fs.uuid // \"\"" <<<"$json")
	got_label=$(jq -r ".volumes[] | select(.number == $num) | .fs.label // \"\"" <<<"$json")
	if [ "$got_type/$got_uuid/$got_label" = "$TYPE/$UUID/$LABEL" ]; then
		pass "$name"
	else
		fail "$name" "guestboot: $got_type/$got_uuid/$got_label" "blkid:     $TYPE/$UUID/$LABEL"
	fi
}

# qcow2_corpus PREFIX: every *.img in this directory, converted to qcow2,
# must give the same menu (list --json) and the same extracted files as
# the raw image: the config and extraction corpus runs through qcow2 too.
qcow2_corpus() {
	local prefix=$1 img q name
	need "$prefix/qcow2" qemu-img || return 0
	for img in *.img; do
		name="$prefix/qcow2/${img%.img}"
		wanted "$name" || continue
		"$GUESTBOOT" list --json "$img" >raw.json 2>/dev/null || continue
		q=${img%.img}.qcow2
		qemu-img convert -c -O qcow2 "$img" "$q"
		# the image's name, alone or starting a warning
		"$GUESTBOOT" list --json "$q" 2>&1 | sed "s#\"$q\([\":]\)#\"$img\1#g" >q.json
		rm -rf qraw qq && mkdir qraw qq
		"$GUESTBOOT" extract -o qraw "$img" >/dev/null 2>&1
		"$GUESTBOOT" extract -o qq "$q" >/dev/null 2>&1
		if cmp -s raw.json q.json && diff -r qraw qq >/dev/null; then
			pass "$name"
		else
			fail "$name" "$(diff raw.json q.json | head -5)" "$(diff -r qraw qq | head -3)"
		fi
		rm -f "$q"
	done
}

# compare_tree_at NAME IMAGE PREFIX SRC: every file of SRC reads back
# identical at PREFIX (a btrfs subvolume path, a ZFS "/dataset@") in IMAGE.
compare_tree_at() {
	local name=$1 img=$2 prefix=$3 src=$4 f bad=""
	wanted "$name" || return 0
	while IFS= read -r f; do
		"$GUESTBOOT" cat "$img" "0:$prefix$f" 2>>"$GB_WORK/cmp.err" | cmp -s - "$src$f" ||
			bad="$bad $f"
	done < <(tree_files "$src")
	if [ -z "$bad" ]; then pass "$name"; else fail "$name" "differ:$bad" "$(tail -3 "$GB_WORK/cmp.err")"; fi
}

# Damaged images run under the sanitizer build too when it exists (make asan).
bins=("$GUESTBOOT")
asan="$GB_TOP/build-asan/guestboot"
[ -x "$asan" ] && [ "$asan" != "$GUESTBOOT" ] && bins+=("$asan")
# expect_bad NAME EXIT TEXT ARGS...: expect_error (expect_pygrub_error for
# pygrub) with each binary.
expect_bad() {
	local name=$1 rc=$2 text=$3 b tag
	shift 3
	for b in "${bins[@]}"; do
		tag=""
		[ "$b" = "$asan" ] && tag="/asan"
		# pygrub mode adds the RuntimeError line XAPI reads
		if [ "$1" = pygrub ]; then
			expect_pygrub_error "$name$tag" "$rc" "$text" timeout 20 "$b" "$@"
		else
			expect_error "$name$tag" "$rc" "$text" timeout 20 "$b" "$@"
		fi
	done
}

# qemu_until NAME SECONDS STOP_REGEX QEMU_ARGS...: boot a guest under TCG
# with its serial console in NAME.serial until a line matches STOP_REGEX,
# QEMU exits or SECONDS pass. Leaves the console without CRs in NAME.txt,
# QEMU's own output in NAME.qemu; sets boot_secs. qemu_pid names the
# running QEMU for the caller's EXIT trap; qemu_system is the emulator and
# machine (a caller booting another architecture sets it).
qemu_pid=""
qemu_system=(qemu-system-x86_64 -machine pc -accel tcg -cpu max)
qemu_until() {
	local name=$1 secs=$2 stop=$3 i t0
	shift 3
	: >"$name.serial"
	t0=$(date +%s)
	timeout -k 5 "$secs" "${qemu_system[@]}" -m 1024 \
		-nographic -no-reboot -monitor none -serial "file:$name.serial" \
		"$@" </dev/null >"$name.qemu" 2>&1 &
	qemu_pid=$!
	for ((i = 0; i < secs + 10; i++)); do
		grep -Eq "$stop" "$name.serial" && break
		kill -0 "$qemu_pid" 2>/dev/null || break
		sleep 1
	done
	boot_secs=$(($(date +%s) - t0))
	kill "$qemu_pid" 2>/dev/null
	wait "$qemu_pid" 2>/dev/null
	qemu_pid=""
	# the serial log has CRLF line ends and may hold escape sequences
	tr -d '\r' <"$name.serial" >"$name.txt"
}
