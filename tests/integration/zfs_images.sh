# ZFS pools made by zfs-fuse (pool versions 23, 14 and 2) on sparse files:
# compression off/lzjb/gzip/gzip-9/zle per dataset, nested datasets and a
# snapshot read through GRUB's "dataset@snapshot/path" syntax, files with
# one, two and three levels of indirect blocks, holes, micro and fat ZAP
# directories, short and long symlinks, a two-way mirror, raidz1/2/3
# pools (members as --disk, as many missing as the parity rebuilds, bits
# flipped), an illumos-style menu.lst with bootfs and $ZFS-BOOTFS, zstd
# blocks and large dnodes written by zfsmap.py, and targeted corruption. Oracles: the source tree, blkid, zdb (dataset
# object numbers) and grub-fstest.
. "$GB_TOP/tests/lib/common.sh"
wanted zfs/ || exit 0
need zfs zfs-fuse || exit 0

# One zfs-fuse daemon for the script, stopped on exit (pools exported
# first so that nothing stays imported).
. "$GB_TOP/tests/lib/zfs.sh"
trap zfs_daemon_stop EXIT
zfs_daemon_start "$GB_WORK" || { fail zfs/setup "$zfs_why"; exit 0; }

# The tree: make_tree's /boot shapes plus what ZFS stores differently.
make_tree src
seq 1 150000 >src/boot/text.txt                  # compresses (lzjb, gzip)
head -c 200000 /dev/zero >src/zeros               # zle's case; all-zero blocks
truncate -s 3M src/sparse && printf 'middle' | dd of=src/sparse bs=1 seek=1500000 conv=notrunc status=none
# names longer than 50 bytes make a fat ZAP at once; 300 of them fill
# several leaf blocks (kept out of src: read by ls, not file by file)
mkdir -p names
long=$(printf 'n%.0s' $(seq 60))
for i in $(seq 1 300); do echo "$i" >"names/$long-$i"; done

zfs_tree() { # copy src into a mounted dataset
	cp -a src/. "$1/"
}

# grub_cmp NAME IMAGE PREFIX FILE...: grub-fstest reads FILEs (paths of
# src) at PREFIX ("/@" for the root dataset) as guestboot does.
grub_cmp() {
	local name=$1 img=$2 prefix=$3 bad="" f
	shift 3
	wanted "$name" || return 0
	need "$name" grub-fstest || return 0
	for f in "$@"; do
		rm -f grub.out
		if ! grub-fstest "$img" cp "(loop0)$prefix$f" grub.out 2>/dev/null || ! cmp -s grub.out "src$f"; then
			bad="$bad $f(grub)"
		fi
	done
	if [ -z "$bad" ]; then pass "$name"; else fail "$name" "differ:$bad"; fi
}

# ---- pool version 23: a dataset per compression ------------------------
truncate -s 192M v23.img
zpool create -o version=23 -m "$PWD/m23" tp23 "$PWD/v23.img"
zfs set compression=off tp23
zfs_tree m23
cp -a names m23/
datasets="lzjb gzip gzip-9 zle"
for c in $datasets; do
	zfs create -o compression="$c" "tp23/$c"
	zfs_tree "m23/$c"
done
zfs create -o recordsize=512 -o compression=lzjb tp23/small   # three levels of indirect blocks
cp src/boot/vmlinuz-6.1.0-test m23/small/
sync
zpool export tp23

# ---- an illumos-style pool: menu.lst in the root dataset, the system in
# boot environments (one is the pool's bootfs) ---------------------------
truncate -s 96M illumos.img
zpool create -o version=23 -m "$PWD/mi" rpool "$PWD/illumos.img"
zfs create rpool/ROOT
zfs create -o compression=lzjb rpool/ROOT/be
zfs create rpool/ROOT/old
mkdir -p mi/ROOT/be/platform/i86pc/kernel/amd64 mi/ROOT/be/platform/i86pc/amd64 mi/boot/grub \
	mi/ROOT/old/platform/i86pc/kernel/amd64
head -c 300000 /dev/urandom >unix
head -c 200000 /dev/urandom >archive
cp unix mi/ROOT/be/platform/i86pc/kernel/amd64/unix
cp archive mi/ROOT/be/platform/i86pc/amd64/boot_archive
echo old >mi/ROOT/old/platform/i86pc/kernel/amd64/unix
echo before >mi/ROOT/be/version
zfs snapshot rpool/ROOT/be@first
echo after >mi/ROOT/be/version
cat >mi/boot/grub/menu.lst <<'EOF'
default 0
timeout 3
title OmniOS be
findroot (pool_rpool,0,a)
bootfs rpool/ROOT/be
kernel$ /platform/i86pc/kernel/$ISADIR/unix -B $ZFS-BOOTFS,console=ttya
module$ /platform/i86pc/$ISADIR/boot_archive
title OmniOS old
bootfs rpool/ROOT/old
kernel$ /platform/i86pc/kernel/amd64/unix -B $ZFS-BOOTFS
title OmniOS (the pool's bootfs property)
kernel$ /platform/i86pc/kernel/amd64/unix -B $ZFS-BOOTFS
EOF
zpool set bootfs=rpool/ROOT/be rpool
# zdb names each dataset's object number ("ID"): what zfs-bootfs= carries
ds_id() { zdb -d "$1" 2>/dev/null | sed -n 's/.*, ID \([0-9]*\),.*/\1/p' | head -1; }
be_obj=$(ds_id rpool/ROOT/be)
old_obj=$(ds_id rpool/ROOT/old)
sync
zpool export rpool

compare_tree_at zfs/v23/root/cat v23.img "" src
compare_ls zfs/v23/root/ls-boot v23.img 0 /boot src
compare_ls zfs/v23/root/ls-fatzap v23.img 0 /names .
check zfs/v23/root/fatzap-cat cmp <("$GUESTBOOT" cat v23.img "/names/$long-299" 2>&1) "names/$long-299"
compare_blkid zfs/v23/inspect v23.img 0
for c in $datasets; do
	compare_tree_at "zfs/v23/$c/cat" v23.img "/$c@" src
done
check zfs/v23/small/three-levels cmp <("$GUESTBOOT" cat v23.img /small@/vmlinuz-6.1.0-test 2>&1) src/boot/vmlinuz-6.1.0-test
grub_cmp zfs/v23/grub-fstest/root v23.img /@ /boot/vmlinuz /boot/text.txt /sparse /etc/grubdir/grub.cfg
grub_cmp zfs/v23/grub-fstest/gzip v23.img /gzip@ /boot/text.txt /zeros /deep/a/b/c/d/e/file
grub_cmp zfs/v23/grub-fstest/zle v23.img /zle@ /zeros /boot/initrd.img-6.1.0-test
check zfs/illumos/snapshot bash -c "[ \"\$('$GUESTBOOT' cat illumos.img /ROOT/be@first/version)\" = before ] && [ \"\$('$GUESTBOOT' cat illumos.img /ROOT/be@/version)\" = after ]"
check zfs/illumos/dataset-ls bash -c "[ \"\$('$GUESTBOOT' ls illumos.img /ROOT/be@/ | tr '\n' ' ')\" = 'platform version ' ]"
check zfs/illumos/grub-fstest bash -c "grub-fstest illumos.img cp '(loop0)/ROOT/be@/platform/i86pc/kernel/amd64/unix' grub.unix && cmp grub.unix unix && '$GUESTBOOT' cat illumos.img /ROOT/be@/platform/i86pc/kernel/amd64/unix | cmp - unix"
expect_error zfs/illumos/no-dataset 3 "no such file" "$GUESTBOOT" cat illumos.img /nope@/x
expect_error zfs/illumos/no-snapshot 3 "no such file" "$GUESTBOOT" cat illumos.img /ROOT/be@nope/version

# illumos menu.lst: bootfs line, then the pool's bootfs property; files
# from the boot dataset; $ZFS-BOOTFS as pygrub's libfsimage expands it.
# illumos menu.lst: each entry's bootfs, else the pool's bootfs property;
# files from the boot dataset; $ZFS-BOOTFS as pygrub's libfsimage expands it
if wanted zfs/illumos/menulst; then
	json=$("$GUESTBOOT" list --json illumos.img 2>&1)
	got=$(jq -r '.entries[] | .kernel + " " + .args' <<<"$json" 2>/dev/null)
	want="/ROOT/be@/platform/i86pc/kernel/amd64/unix -B zfs-bootfs=rpool/$be_obj,bootpath='',console=ttya
/ROOT/old@/platform/i86pc/kernel/amd64/unix -B zfs-bootfs=rpool/$old_obj,bootpath=''
/ROOT/be@/platform/i86pc/kernel/amd64/unix -B zfs-bootfs=rpool/$be_obj,bootpath=''"
	if [ -n "$be_obj" ] && [ -n "$old_obj" ] && [ "$got" = "$want" ]; then
		pass zfs/illumos/menulst
	else
		fail zfs/illumos/menulst "want: $want" "got: $got $json"
	fi
fi
if wanted zfs/illumos/extract; then
	rm -rf ex && mkdir ex
	if "$GUESTBOOT" extract -o ex --entry 1 illumos.img >ex.json 2>ex.err &&
		[ "$(cat ex/vmlinuz)" = old ]; then
		pass zfs/illumos/extract
	else
		fail zfs/illumos/extract "$(cat ex.json ex.err)"
	fi
fi

# ---- older pool versions (objset and feature differences) ---------------
for v in 14 2; do
	truncate -s 96M "v$v.img"
	zpool create -o version=$v -m "$PWD/m$v" "tp$v" "$PWD/v$v.img"
	zfs set compression=lzjb "tp$v"
	zfs_tree "m$v"
	cp -a names "m$v/"
	sync
	zpool export "tp$v"
	compare_tree_at "zfs/v$v/cat" "v$v.img" "" src
	compare_ls "zfs/v$v/ls-fatzap" "v$v.img" 0 /names .
done

# ---- a mirror: each half reads alone; a raidz over --disk, whole or not --
truncate -s 96M mir-a.img mir-b.img rz-a.img rz-b.img rz-c.img
zpool create -m "$PWD/mm" tpm mirror "$PWD/mir-a.img" "$PWD/mir-b.img"
printf 'UNIQUE-MARKER-%04d\n' $(seq 1 3000) >mm/marked
cp src/boot/vmlinuz-6.1.0-test mm/
zpool create -m "$PWD/mr" tpr raidz "$PWD/rz-a.img" "$PWD/rz-b.img" "$PWD/rz-c.img"
echo x >mr/x
cp src/boot/vmlinuz-6.1.0-test mr/
sync
zpool export tpm
zpool export tpr
for half in a b; do
	check "zfs/mirror/$half" cmp <("$GUESTBOOT" cat "mir-$half.img" /vmlinuz-6.1.0-test 2>&1) src/boot/vmlinuz-6.1.0-test
done
check zfs/raidz/whole cmp <("$GUESTBOOT" cat rz-a.img --disk rz-b.img --disk rz-c.img /vmlinuz-6.1.0-test 2>&1) src/boot/vmlinuz-6.1.0-test
# any one member missing: its columns are rebuilt from parity
check zfs/raidz/no-a cmp <("$GUESTBOOT" cat rz-b.img --disk rz-c.img /vmlinuz-6.1.0-test 2>&1) src/boot/vmlinuz-6.1.0-test
check zfs/raidz/no-c cmp <("$GUESTBOOT" cat rz-a.img --disk rz-b.img /vmlinuz-6.1.0-test 2>&1) src/boot/vmlinuz-6.1.0-test
expect_error zfs/raidz/two-missing 5 "member" "$GUESTBOOT" cat rz-a.img /vmlinuz-6.1.0-test

# ---- raidz2 and raidz3: any two (three) members rebuilt from P, Q (R) ---
truncate -s 96M r2-a.img r2-b.img r2-c.img r2-d.img r2-e.img r3-a.img r3-b.img r3-c.img r3-d.img r3-e.img r3-f.img
zpool create -m "$PWD/mr2" tpr2 raidz2 "$PWD"/r2-{a,b,c,d,e}.img
zpool create -m "$PWD/mr3" tpr3 raidz3 "$PWD"/r3-{a,b,c,d,e,f}.img
head -c 3000000 /dev/urandom >rz-random
seq 1 300000 >rz-text
cp rz-random rz-text mr2/
cp rz-random rz-text mr3/
sync
zpool export tpr2
zpool export tpr3
# rz_cmp NAME MEMBERS...: both files read byte-exact from these members
rz_cmp() {
	local name=$1 args=("$2") bad="" f m
	shift 2
	wanted "$name" || return 0
	for m in "$@"; do args+=(--disk "$m"); done
	for f in rz-random rz-text; do
		"$GUESTBOOT" cat "${args[@]}" "/$f" 2>rz.err | cmp -s - "$f" || bad="$bad $f($(head -c 200 rz.err))"
	done
	if [ -z "$bad" ]; then pass "$name"; else fail "$name" "differ:$bad"; fi
}
rz_cmp zfs/raidz2/whole r2-{a,b,c,d,e}.img
# every pair left out: P+Q, P+data, Q+data and data+data columns all occur
for pair in ab ac ad ae bc bd be cd ce de; do
	keep=$(echo a b c d e | tr -d " ${pair:0:1}${pair:1:1}")
	rz_cmp "zfs/raidz2/no-$pair" $(for k in $(echo "$keep" | grep -o .); do echo "r2-$k.img"; done)
done
expect_error zfs/raidz2/three-missing 5 "more members missing" "$GUESTBOOT" cat r2-a.img --disk r2-b.img /rz-random
rz_cmp zfs/raidz3/whole r3-{a,b,c,d,e,f}.img
for trio in abc def ace bdf adf bce; do
	keep=$(echo a b c d e f | tr -d " ${trio}")
	rz_cmp "zfs/raidz3/no-$trio" $(for k in $(echo "$keep" | grep -o .); do echo "r3-$k.img"; done)
done
expect_error zfs/raidz3/four-missing 5 "more members missing" "$GUESTBOOT" cat r3-a.img --disk r3-b.img /rz-random
# a flipped bit in a data column (found by its text) with one member
# missing: the checksum picks which column to rebuild from the two left
# parity columns; with two missing nothing is left to rebuild it
flip=$(for m in a b c d e; do grep -boa '^150000$' "r2-$m.img" | head -1 | sed "s/^/$m:/"; done | head -1)
if [ -n "$flip" ]; then
	m=${flip%%:*} off=${flip#*:} && off=${off%%:*}
	cp --sparse=always "r2-$m.img" r2-x.img
	printf '\x01' | dd of=r2-x.img bs=1 seek=$((off + 2)) conv=notrunc status=none
	others=() && for k in a b c d e; do [ "$k" = "$m" ] || others+=("r2-$k.img"); done
	check zfs/raidz2/flip-and-missing cmp <("$GUESTBOOT" cat r2-x.img --disk "${others[1]}" --disk "${others[2]}" --disk "${others[3]}" /rz-text 2>&1) rz-text
	check zfs/raidz2/flip-and-missing-other cmp <("$GUESTBOOT" cat r2-x.img --disk "${others[0]}" --disk "${others[1]}" --disk "${others[2]}" /rz-text 2>&1) rz-text
	expect_error zfs/raidz2/flip-and-two-missing 5 "checksum mismatch" "$GUESTBOOT" cat r2-x.img --disk "${others[2]}" --disk "${others[3]}" /rz-text
	# raidz3: two flipped data columns of one block (the file's sixth
	# 128 KiB record, 10000 and 60000 bytes in: its first and second of
	# three data columns) and one member missing
	flip3=$(for k in a b c d e f; do grep -boa '^110927$' "r3-$k.img" | head -1 | sed "s/^/$k:/"; done | head -1)
	flip3b=$(for k in a b c d e f; do grep -boa '^118070$' "r3-$k.img" | head -1 | sed "s/^/$k:/"; done | head -1)
	m3=${flip3%%:*} o3=${flip3#*:} && o3=${o3%%:*}
	m3b=${flip3b%%:*} o3b=${flip3b#*:} && o3b=${o3b%%:*}
	if [ -n "$flip3" ] && [ -n "$flip3b" ] && [ "$m3" != "$m3b" ]; then
		for k in a b c d e f; do cp --sparse=always "r3-$k.img" "r3x-$k.img"; done
		printf '\x01' | dd of="r3x-$m3.img" bs=1 seek=$((o3 + 2)) conv=notrunc status=none
		printf '\x01' | dd of="r3x-$m3b.img" bs=1 seek=$((o3b + 2)) conv=notrunc status=none
		miss=$(echo a b c d e f | tr -d " $m3$m3b" | head -c 1)
		rz_cmp zfs/raidz3/two-flips-and-missing $(for k in a b c d e f; do [ "$k" = "$miss" ] || echo "r3x-$k.img"; done)
	else
		skip zfs/raidz3/two-flips-and-missing "markers not in two different members ($flip3 $flip3b)"
	fi
else
	fail zfs/raidz2/flip-and-missing "marker not found uncompressed in a member"
fi
# every data sector of rz-random flipped on every raidz3 member (found by
# its bytes; parity untouched, and so the last sector of a block's first
# data column, which P repeats when the other columns are a sector
# shorter): each block's three data columns are rebuilt from P, Q and R,
# found by the checksum; then every sector of the same stretch flipped,
# parity too: one line naming the checksum
if wanted zfs/raidz3/; then
	for k in a b c d e f; do
		cp --sparse=always "r3-$k.img" "flipd-r3-$k.img" && cp --sparse=always "r3-$k.img" "flipa-r3-$k.img"
	done
	nflip=$(python3 - rz-random r3-{a,b,c,d,e,f}.img <<'PY'
import collections, sys
src = open(sys.argv[1], "rb").read()
data = {src[i:i + 512] for i in range(0, len(src) - 511, 512)}
lo, hi = 4 << 20, 32 << 20
imgs = {}
for m in sys.argv[2:]:
    with open(m, "rb") as f:
        f.seek(lo)
        imgs[m] = f.read(hi - lo)
seen = collections.Counter(d[o:o + 512] for d in imgs.values() for o in range(0, len(d), 512))
n = 0
for m, d in imgs.items():
    with open("flipd-" + m, "r+b") as fd, open("flipa-" + m, "r+b") as fa:
        for o in range(0, len(d), 512):
            b = bytes([d[o + 100] ^ 0x20])
            if d[o:o + 512] in data and seen[d[o:o + 512]] == 1:
                fd.seek(lo + o + 100)
                fd.write(b)
                n += 1
            fa.seek(lo + o + 100)
            fa.write(b)
print(n)
PY
)
	rz_cmp zfs/raidz3/every-data-column-flipped flipd-r3-{a,b,c,d,e,f}.img
	check zfs/raidz3/data-sectors-found test "${nflip:-0}" -ge 5000
	expect_bad zfs/raidz3/everything-flipped 5 "checksum mismatch" cat flipa-r3-a.img --disk flipa-r3-b.img \
		--disk flipa-r3-c.img --disk flipa-r3-d.img --disk flipa-r3-e.img --disk flipa-r3-f.img /rz-random
fi

# ---- corruption (expect_bad: under the sanitizer build too) -------------
img_size=$(stat -c %s v23.img)
label_offsets="0 262144 $((img_size - 524288)) $((img_size - 262144))"
cp v23.img noub.img
for o in $label_offsets; do dd if=/dev/zero of=noub.img bs=1024 seek=$(((o + 131072) / 1024)) count=128 conv=notrunc status=none; done
expect_bad zfs/corrupt/no-uberblock 5 "no valid uberblock" cat noub.img /boot/grub/grub.cfg
cp v23.img nolabel.img
for o in $label_offsets; do printf '\x07' | dd of=nolabel.img bs=1 seek=$((o + 16384)) conv=notrunc status=none; done
expect_bad zfs/corrupt/labels 3 "no volume with a file system" cat nolabel.img /boot/grub/grub.cfg
# the newest blocks are gone: an older uberblock (an empty root) is used
head -c 6M v23.img >trunc.img
expect_bad zfs/corrupt/truncated 3 "no such file" cat trunc.img /boot/vmlinuz-6.1.0-test
# a data block with one flipped byte fails its checksum; the other half
# of the mirror still has it
marker=$(grep -boa 'UNIQUE-MARKER-1500' mir-a.img | head -1 | cut -d: -f1)
if [ -n "$marker" ]; then
	printf 'X' | dd of=mir-a.img bs=1 seek="$marker" conv=notrunc status=none
	expect_bad zfs/corrupt/checksum 5 "checksum mismatch" cat mir-a.img /marked
	check zfs/corrupt/other-half cmp <("$GUESTBOOT" cat mir-b.img /marked 2>&1) <(printf 'UNIQUE-MARKER-%04d\n' $(seq 1 3000))
else
	fail zfs/corrupt/checksum "marker not found uncompressed in the image"
fi

# Damage with checksums that match (tests/lib/zfsmap.py rewrites each
# changed block uncompressed and fixes the block pointers up to the
# uberblocks), in a small pool's fat directory /fat and object sets.
zfs_small_pool "$PWD/small.img" "$PWD/msmall" fz
fat=/fat/$(printf 'n%.0s' $(seq 60))-2
# an empty directory lists nothing, and cleanly under the sanitizers
# (ls sorted a NULL array)
for b in "${bins[@]}"; do
	check "zfs/small/empty-dir$([ "$b" = "$asan" ] && echo /asan)" bash -c "out=\$('$b' ls small.img /empty 2>&1) && [ -z \"\$out\" ]"
done
damaged() { # damaged KIND: small.img damaged as KIND, in KIND.img
	cp --sparse=always small.img "$1.img" && python3 "$GB_TOP/tests/lib/zfsmap.py" "$1.img" damage "$1" 2>damage.err ||
		{ fail "zfs/damage/$1" "zfsmap.py: $(tail -1 damage.err)"; return 1; }
}
if damaged zap-huge; then   # 2^40 blocks: refused before any walk
	expect_bad zfs/damage/zap-huge-ls 7 "ZAP of 1099511627777 blocks" ls zap-huge.img /fat
	expect_bad zfs/damage/zap-huge-cat 7 "ZAP of 1099511627777 blocks" cat zap-huge.img "$fat"
fi
# 8 levels of 128 KiB indirect blocks: a 70-bit shift (UBSan's case)
damaged levels && expect_bad zfs/damage/levels 5 "indirect block of 16384 bytes" cat levels.img "$fat"
damaged meta-blocksize && expect_bad zfs/damage/meta-blocksize 5 "meta-dnode of type 10, blocks of 32768" ls meta-blocksize.img /
# the pointer table names blocks past the ZAP's end: lookups refuse, the
# listing (every leaf in block order) does not use it
if damaged zap-pointer; then
	expect_bad zfs/damage/zap-pointer 5 "ZAP pointer to block 1099511627776 of 2" cat zap-pointer.img "$fat"
	check zfs/damage/zap-pointer-ls bash -c "[ \"\$('$GUESTBOOT' ls zap-pointer.img /fat | wc -l)\" = 3 ]"
fi
# array chunks that name themselves as the next: names come out wrong,
# the walk ends
damaged chunk-loop && expect_bad zfs/damage/chunk-loop 3 "no such file" cat chunk-loop.img "$fat"
# large_dnode (zfs-fuse cannot write it): the files whose next slot is
# free become two-slot dnodes with their znode in the second slot; every
# file reads as before (/ds/new is the last object of its set: always one)
if wanted zfs/large-dnode; then
	cp --sparse=always small.img large-dnode.img
	n=$(python3 "$GB_TOP/tests/lib/zfsmap.py" large-dnode.img damage large-dnode 2>damage.err)
	bad=""
	for f in /boot/vmlinuz-1 /boot/initrd-1 /boot/grub/menu.lst /ds@/file /ds@/new "$fat"; do
		"$GUESTBOOT" cat large-dnode.img "$f" >ld.out 2>ld.err && "$GUESTBOOT" cat small.img "$f" | cmp -s - ld.out ||
			bad="$bad $f($(head -c 200 ld.err))"
	done
	if [ "${n:-0}" -ge 1 ] && [ -z "$bad" ]; then
		pass zfs/large-dnode
	else
		fail zfs/large-dnode "converted: ${n:-none} $(tail -1 damage.err)" "differ:$bad"
	fi
fi
# zstd (zfs-fuse cannot write it): every file's data blocks rewritten as
# OpenZFS's zstd blocks (the zstd CLI's frame, magic cut, behind ZFS's
# 8-byte header); every file reads as before (/ds/file: several 512-byte
# blocks, its snapshot's too)
if wanted zfs/zstd; then
	if command -v zstd >/dev/null; then
		cp --sparse=always small.img zstd.img
		n=$(python3 "$GB_TOP/tests/lib/zfsmap.py" zstd.img damage zstd 2>damage.err)
		bad=""
		for f in /boot/vmlinuz-1 /boot/initrd-1 /boot/grub/menu.lst /ds@/file /ds@s/file /ds@/new "$fat"; do
			"$GUESTBOOT" cat zstd.img "$f" >zs.out 2>zs.err && "$GUESTBOOT" cat small.img "$f" | cmp -s - zs.out ||
				bad="$bad $f($(head -c 200 zs.err))"
		done
		if [ "${n:-0}" -ge 5 ] && [ -z "$bad" ]; then
			pass zfs/zstd
		else
			fail zfs/zstd "rewritten: ${n:-none} $(tail -1 damage.err)" "differ:$bad"
		fi
	else
		skip zfs/zstd "the zstd command is not installed"
	fi
fi

# Byte flips in the labels' nvlists (the same byte of all four, so that no
# intact copy hides them) and uberblocks: a clean exit every time.
if wanted zfs/corrupt/label-flips; then
	size=$(stat -c %s illumos.img)
	offs="0 262144 $((size - 524288)) $((size - 262144))"
	bad="" x=7
	for i in $(seq 1 40); do
		cp --sparse=always illumos.img flip.img
		x=$(((x * 1103515245 + 12345) % 2147483648))
		if [ $((i % 2)) -eq 0 ]; then rel=$((16384 + x % 2048)); else rel=$((131072 + x % 8192)); fi
		val=$(printf '\\x%02x' $(((x >> 8) % 256)))
		for o in $offs; do printf "$val" | dd of=flip.img bs=1 seek=$((o + rel)) conv=notrunc status=none; done
		for b in "${bins[@]}"; do
			timeout 20 "$b" cat flip.img /ROOT/be@/version >/dev/null 2>flip.err
			rc=$?
			if [ "$rc" -ne 0 ] && { [ "$rc" -gt 10 ] || [ "$(wc -l <flip.err)" -ne 1 ]; } ||
				grep -q -e Sanitizer -e 'runtime error' flip.err; then
				bad="$bad $rel($rc:$(head -c 100 flip.err))"
			fi
		done
	done
	if [ -z "$bad" ]; then pass zfs/corrupt/label-flips; else fail zfs/corrupt/label-flips "$bad"; fi
fi
