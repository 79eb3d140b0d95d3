# ZFS pools written by other implementations (../shared/zfs-images: ZFS on
# Linux 0.6.2 raidz1 over four vdevs, ZEVO 1.1.1, a big-endian ZoL pool
# with a slog), read without zfs-fuse. Oracle: GRUB 2.06's grub-fstest,
# which reads the first two: every directory's listing and every file's
# bytes. The big-endian pool (GRUB reads nothing there): every file with
# every checksum verified. Damage on copies of the raidz: every sector of
# a member's allocated data with a bit flipped (rebuilt from parity), and
# a member left out.
. "$GB_TOP/tests/lib/common.sh"
wanted zfs-ref/ || exit 0

refs=${GB_SHARED:+$GB_SHARED/zfs-images}
if [ -z "$refs" ] || [ ! -d "$refs" ]; then
	skip zfs-ref/ "no ../shared/zfs-images (the reference pools are not part of the project)"
	exit 0
fi
if ! command -v grub-fstest >/dev/null; then
	skip zfs-ref/ "grub-fstest (grub-common) is not installed: no oracle"
	exit 0
fi
cd "$GB_WORK" || exit 1
for t in zol-0.6.2 zevo-1.1.1 zol-0.7.0-rc1-be-ziltest; do
	tar -xjf "$refs/$t.tar.bz2" || { fail "zfs-ref/$t/extract" "cannot extract $refs/$t.tar.bz2"; exit 0; }
done

# Names in a directory, directories with a trailing '/', sorted.
gb_names() { # DISKS... -- PATH
	local args=() path
	while [ "$1" != -- ]; do args+=("$1"); shift; done
	path=$2
	"$GUESTBOOT" ls -l "${args[@]}" "$path" |
		awk '{ n = $0; sub(/^[^ ]+ +[^ ]+ +[^ ]+ +[^ ]+ /, "", n); t = substr($1, 1, 1); if (t == "l") sub(/ -> .*/, "", n); print (t == "d") ? n "/" : n }' |
		LC_ALL=C sort
}
grub_names() { # NDISKS FILES... -- PATH
	local n=$1 files=() path
	shift
	while [ "$1" != -- ]; do files+=("$1"); shift; done
	path=$2
	grub-fstest -c "$n" "${files[@]}" ls -- -a "(loop0)$path" | tr ' ' '\n' | grep -v '^$' | LC_ALL=C sort
}

# walk NAME ROOT "GB ARGS" "GRUB FILES" [lsonly]: compare every directory's
# listing under ROOT and every file's bytes with GRUB's, reading through GB
# ARGS (the image and --disk options). Counts what it compared in $walked.
walk() {
	local name=$1 root=$2 gbargs=($3) files=($4) lsonly=${5:-} bad= dirs=("$2") d e
	walked=0
	while [ ${#dirs[@]} -gt 0 ]; do
		d=${dirs[0]}
		dirs=("${dirs[@]:1}")
		if ! diff <(gb_names "${gbargs[@]}" -- "$d" 2>&1) <(grub_names ${#files[@]} "${files[@]}" -- "$d") >diff.out; then
			bad="ls $d: $(head -5 diff.out | tr '\n' ' ')"
			break
		fi
		walked=$((walked + 1))
		while IFS= read -r e; do
			if [[ "$e" == */ ]]; then
				dirs+=("$d$e")
				continue
			fi
			[ -n "$lsonly" ] && continue
			# where GRUB cannot read (a dangling symlink), neither do we
			local grc=0 rc=0
			grub-fstest -c ${#files[@]} "${files[@]}" cat "(loop0)$d$e" >grub.out 2>/dev/null || grc=$?
			"$GUESTBOOT" cat "${gbargs[@]}" "$d$e" >gb.out 2>&1 || rc=$?
			if [ $grc -ne 0 ] && [ $rc -eq 0 ]; then
				bad="cat $d$e: GRUB cannot read it, guestboot gives $(wc -c <gb.out) bytes"
				break 2
			elif [ $grc -eq 0 ] && ! cmp -s gb.out grub.out; then
				bad="cat $d$e differs: $(head -c 200 gb.out)"
				break 2
			fi
			walked=$((walked + 1))
		done < <(grub_names ${#files[@]} "${files[@]}" -- "$d")
	done
	if [ -n "$bad" ]; then fail "$name" "$bad"; else pass "$name"; fi
}

# ---- ZFS on Linux 0.6.2: raidz1 over four vdevs, v5000, ZPL 5 ----------
zol=zol-0.6.2
zd="$zol/vdev0 --disk $zol/vdev1 --disk $zol/vdev2 --disk $zol/vdev3"
zf="$zol/vdev0 $zol/vdev1 $zol/vdev2 $zol/vdev3"
walked=0
for ds in /@/ /clone/@/ /fs/@/; do
	wanted "zfs-ref/zol$ds" && walk "zfs-ref/zol$ds" "$ds" "$zd" "$zf"
done
# the walk did look at something: the fs dataset holds hundreds of entries
if wanted zfs-ref/zol/fs/@/; then
	if [ "$walked" -gt 200 ]; then pass zfs-ref/zol/count; else fail zfs-ref/zol/count "walked $walked"; fi
fi
# the pool is one file system whichever member comes first
check zfs-ref/zol/member-order cmp <("$GUESTBOOT" cat $zol/vdev2 --disk $zol/vdev0 --disk $zol/vdev3 --disk $zol/vdev1 /fs/@/L3F1) \
	<(grub-fstest -c 4 $zf cat '(loop0)/fs/@/L3F1')
check zfs-ref/zol/one-volume bash -c "[ \"\$('$GUESTBOOT' ls $zd / | tr '\n' ' ')\" = 'clone fs ' ]"

# ---- damage on copies of the raidz ----------------------------------------
mkdir -p dmg
for i in 0 1 2 3; do cp --sparse=always "$zol/vdev$i" "dmg/vdev$i"; done
# a bit flipped in every 512-byte sector of vdev1's written data area
# (labels kept): every block's column there fails its checksum
python3 - dmg/vdev1 <<'EOF'
import os, sys
f = os.open(sys.argv[1], os.O_RDWR)
size = os.fstat(f).st_size
pos, end, n = 4 << 20, size - (512 << 10), 0
while pos < end:
    try:
        pos = os.lseek(f, pos, os.SEEK_DATA)
    except OSError:
        break
    hole = min(os.lseek(f, pos, os.SEEK_HOLE), end)
    for s in range(pos, hole, 512):
        b = os.pread(f, 1, s + 100)
        os.pwrite(f, bytes([b[0] ^ 0x10]), s + 100)
        n += 1
    pos = hole
assert n > 100, n
EOF
dd="dmg/vdev0 --disk dmg/vdev1 --disk dmg/vdev2 --disk dmg/vdev3"
# the oracle reads the intact pool; guestboot the damaged one
walk_damaged() { # NAME GBARGS
	local name=$1 args=($2) bad=
	while IFS= read -r f; do
		cmp -s <("$GUESTBOOT" cat "${args[@]}" "$f" 2>&1) <(grub-fstest -c 4 $zf cat "(loop0)$f") || { bad=$f; break; }
	done < <(for e in $(grub_names 4 $zf -- /fs/@/L3D1/); do [[ $e == */ ]] || echo "/fs/@/L3D1/$e"; done; echo /fs/@/L3F1; echo /fs/@/L3F10)
	if [ -n "$bad" ]; then fail "$name" "$bad differs"; else pass "$name"; fi
}
wanted zfs-ref/damage/flipped && walk_damaged zfs-ref/damage/flipped "$dd"
wanted zfs-ref/damage/flipped-ls && walk zfs-ref/damage/flipped-ls /clone/@/ "$dd" "$zf" lsonly
# one member missing (any): its columns come from parity
wanted zfs-ref/damage/no-vdev2 && walk_damaged zfs-ref/damage/no-vdev2 "$zol/vdev0 --disk $zol/vdev1 --disk $zol/vdev3"
wanted zfs-ref/damage/no-vdev0 && walk_damaged zfs-ref/damage/no-vdev0 "$zol/vdev3 --disk $zol/vdev2 --disk $zol/vdev1"
# a flipped member and another one missing: more than P rebuilds
expect_error zfs-ref/damage/flipped-and-missing 5 "" "$GUESTBOOT" cat dmg/vdev0 --disk dmg/vdev1 --disk dmg/vdev3 /fs/@/L3F1

# ---- ZEVO 1.1.1: one vdev, SA znodes without an ACL attribute ------------
zevo=zevo-1.1.1/file-vdev0
for ds in /@/ /fs/@/; do
	wanted "zfs-ref/zevo$ds" && walk "zfs-ref/zevo$ds" "$ds" "$zevo" "$zevo"
done

# ---- big-endian ZoL pool with a slog: checksums are the oracle -----------
be=zol-0.7.0-rc1-be-ziltest
bed="$be/ziltest_poolfile.26210 --disk $be/ziltest_slog.26210"
if wanted zfs-ref/be/read; then
	out=$("$GUESTBOOT" cat $bed /fs/@/sync 2>&1 >sync.out)
	if [ -n "$out" ]; then fail zfs-ref/be/read "stderr: $out"
	elif [ "$(od -An -tx1 sync.out | tr -d ' ')" != 00 ]; then fail zfs-ref/be/read "sync is not one zero byte"
	else pass zfs-ref/be/read; fi
fi
check zfs-ref/be/ls bash -c "[ \"\$('$GUESTBOOT' ls $bed /fs/@/ 2>&1 | tr '\n' ' ')\" = 'sync ' ] && [ \"\$('$GUESTBOOT' ls $bed /@/ 2>&1 | tr '\n' ' ')\" = 'fs ' ]"
# the log device is not needed to read the pool
check zfs-ref/be/no-slog bash -c "'$GUESTBOOT' cat $be/ziltest_poolfile.26210 /fs/@/sync | cmp - sync.out"
# an active read-incompatible feature we do not know refuses the pool, by
# name (the labels' features_for_read renamed in a copy)
if wanted zfs-ref/feature; then
	cp --sparse=always $be/ziltest_poolfile.26210 feat.img
	python3 - feat.img <<'EOF'
import sys
d = open(sys.argv[1], 'rb').read()
n = d.count(b'com.delphix:hole_birth')
d = d.replace(b'com.delphix:hole_birth', b'com.example:frobnicate')
assert n >= 4, n
open(sys.argv[1], 'r+b').write(d)
EOF
	expect_error zfs-ref/feature 4 "feature com.example:frobnicate is not supported" "$GUESTBOOT" cat feat.img /fs/@/sync
fi
exit 0
