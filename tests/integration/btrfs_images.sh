# btrfs images: mkfs.btrfs --rootdir in every metadata/data profile and
# node size, a GPT partition, and (loop mounts, root as CI is) zlib, LZO and
# zstd compression, inline files, holes, prealloc, subvolumes with a
# default, an openSUSE snapshot layout (grub.cfg in the default subvolume,
# btrfs_relative_path), two-device file systems, and
# targeted corruption. Oracles: the source tree, blkid, grub-fstest.
. "$GB_TOP/tests/lib/common.sh"
wanted btrfs/ || [[ "$GB_FILTER" == btrfs/* ]] || exit 0
need btrfs mkfs.btrfs || exit 0
make_tree src
map() { python3 "$GB_TOP/tests/lib/btrfsmap.py" "$@"; }

# grub_cmp NAME IMAGE PATH FILE...: grub-fstest (a second, independent
# reader; it starts at the top-level subvolume too) reads the same bytes.
grub_cmp() {
	local name=$1 img=$2 bad=""
	shift 2
	wanted "$name" || return 0
	need "$name" grub-fstest || return 0
	while [ $# -ge 2 ]; do
		rm -f grub.out
		if ! grub-fstest "$img" cp "(loop0)$1" grub.out 2>/dev/null || ! cmp -s grub.out "$2"; then
			bad="$bad $1(grub)"
		elif ! "$GUESTBOOT" cat "$img" "$1" 2>/dev/null | cmp -s - grub.out; then
			bad="$bad $1(guestboot)"
		fi
		shift 2
	done
	if [ -z "$bad" ]; then pass "$name"; else fail "$name" "differ:$bad"; fi
}

ls_root() {
	local name=$1 img=$2 want=$3
	wanted "$name" || return 0
	local got
	got=$("$GUESTBOOT" ls "$img" 0:/ 2>&1)
	[ "$got" = "$want" ] && pass "$name" || fail "$name" "want: $want" "got: $got"
}

# ---- mkfs.btrfs --rootdir: profiles and node sizes ----------------------
for variant in "default:" "data-dup:-d dup" "single:-m single -d single" \
	"node4k:-n 4096" "node64k:-n 65536"; do
	name=${variant%%:*}
	args=${variant#*:}
	truncate -s 256M "$name.img"
	mkfs.btrfs -q -f -L "bt-$name" $args --rootdir src "$name.img" >/dev/null 2>&1
	compare_tree "btrfs/$name/cat" "$name.img" 0 src
	compare_ls "btrfs/$name/ls-boot" "$name.img" 0 /boot src
	ls_root "btrfs/$name/ls-root" "$name.img" "$(ls -A src | LC_ALL=C sort)"
	compare_blkid "btrfs/$name/inspect" "$name.img" 0
	grub_cmp "btrfs/$name/grub-fstest" "$name.img" /boot/vmlinuz-6.1.0-test \
		src/boot/vmlinuz-6.1.0-test /boot/grub/grub.cfg src/boot/grub/grub.cfg
done
check btrfs/single/symlink-chain bash -c \
	"'$GUESTBOOT' cat single.img /longlink | cmp - src/boot/vmlinuz-6.1.0-test"

# ---- in a GPT partition -------------------------------------------------
truncate -s 300M gpt.img
sfdisk -q gpt.img <<'P'
label: gpt
start=2048, size=20480, type=C12A7328-F81F-11D2-BA4B-00A0C93EC93B, name="EFI system"
start=22528, size=524288, type=0FC63DAF-8483-4772-8E79-3D69D8477DE4, name="root"
P
dd if=single.img of=gpt.img bs=1M seek=11 conv=notrunc,sparse status=none
compare_tree "btrfs/gpt/cat" gpt.img 2 src
compare_blkid "btrfs/gpt/inspect" gpt.img 2
uuid=$(blkid -p -o value -s UUID single.img)
compare_tree "btrfs/gpt/by-uuid" gpt.img "UUID=$uuid" src

# ---- corruption of a single-profile image (metadata at its first copy) --
# corrupt NAME EXIT TEXT PATH OFFSET BYTES...: write BYTES (hex) at OFFSET
# of a copy of single.img; reading PATH must fail with one clean line.
corrupt_img() {
	local img=$1 off=$2
	shift 2
	printf "$(printf '\\x%s' "$@")" | dd of="$img" bs=1 seek="$off" conv=notrunc status=none
}
corrupt() {
	local name=$1 rc=$2 text=$3 path=$4 off=$5
	shift 5
	wanted "$name" || return 0
	cp --sparse=always single.img c.img
	corrupt_img c.img "$off" "$@"
	expect_bad "$name" "$rc" "$text" cat c.img "0:$path"
}
SB=65536
chunk=$(map single.img root chunk)
root=$(map single.img root root)
fstree=$(map single.img root fs)
fstree_log=$(od -An -t u8 -j $((fstree + 0x30)) -N 8 single.img | tr -d ' ')
corrupt btrfs/corrupt/sb-magic 3 "no file system" /boot/grub/grub.cfg $((SB + 0x40)) 00
corrupt btrfs/corrupt/sb-sectorsize 5 "bad sector size" /boot/grub/grub.cfg $((SB + 0x90)) 00 30
corrupt btrfs/corrupt/sb-nodesize 5 "bad node size" /boot/grub/grub.cfg $((SB + 0x94)) 00 00 00 80
corrupt btrfs/corrupt/sb-incompat 4 "unsupported feature 'zoned'" /boot/grub/grub.cfg $((SB + 0xbd)) 13
corrupt btrfs/corrupt/sb-unknown-incompat 4 "unknown incompatible feature bits" /boot/grub/grub.cfg $((SB + 0xc0)) 01
corrupt btrfs/corrupt/sb-root-level 5 "level out of range" /boot/grub/grub.cfg $((SB + 0xc6)) 09
corrupt btrfs/corrupt/sys-array-size 5 "sys_chunk_array size" /boot/grub/grub.cfg $((SB + 0xa0)) ff ff
corrupt btrfs/corrupt/sys-array-type 5 "sys_chunk_array: item type" /boot/grub/grub.cfg $((SB + 0x32b + 8)) 01
corrupt btrfs/corrupt/sys-array-stripes 5 "stripes do not fit" /boot/grub/grub.cfg $((SB + 0x32b + 17 + 44)) ff ff
corrupt btrfs/corrupt/sys-array-length 5 "is in no chunk" /boot/grub/grub.cfg $((SB + 0x32b + 17)) 00 10 00 00 00 00 00 00
corrupt btrfs/corrupt/chunk-root-bytenr 5 "says it is at" /boot/grub/grub.cfg $((chunk + 0x30)) ff
corrupt btrfs/corrupt/chunk-root-fsid 5 "wrong fsid" /boot/grub/grub.cfg $((chunk + 0x20)) 00 01
corrupt btrfs/corrupt/root-tree-nritems 5 "items" /boot/grub/grub.cfg $((root + 0x60)) ff ff ff 7f
corrupt btrfs/corrupt/root-tree-level 5 "level 9" /boot/grub/grub.cfg $((root + 0x64)) 09
corrupt btrfs/corrupt/fs-tree-item-offset 5 "outside the block" /boot/grub/grub.cfg $((fstree + 0x65 + 25 + 17)) ff ff ff ff
corrupt btrfs/corrupt/fs-tree-key-order 5 "keys out of order" /boot/grub/grub.cfg $((fstree + 0x65 + 25)) 00 00 00 00 00 00 00 00
# a leaf claiming to be a node: its "pointers" are item headers
corrupt btrfs/corrupt/fs-tree-level 5 "tree block at $fstree_log" /boot/grub/grub.cfg $((fstree + 0x64)) 01

# ---- loop-mounted images: compression, subvolumes, holes ---------------
loops=()
mounted=""
cleanup() {
	[ -n "$mounted" ] && umount "$mounted" 2>/dev/null
	for l in "${loops[@]}"; do losetup -d "$l" 2>/dev/null; done
	loops=()
	mounted=""
}
trap cleanup EXIT
# attach IMAGE...: loop devices in $dev (space-separated), remembered.
attach() {
	dev=""
	local i l
	for i in "$@"; do
		l=$(losetup -f --show "$i") || return 1
		loops+=("$l")
		dev="$dev $l"
	done
}

# Sources: the usual tree, a 20 MB compressible text, a small inline file,
# a compressible inline one; files with holes and prealloc are made on the
# mount with the same writes as in lsrc.
rm -rf lsrc && cp -a src lsrc
for i in $(seq 1 2000); do echo "line $i: the quick brown fox jumps over the lazy dog, again and again"; done >chunk.txt
for i in $(seq 1 150); do cat chunk.txt; done >lsrc/big.txt
printf 'inline\n' >lsrc/boot/small-inline
head -c 2500 chunk.txt >lsrc/boot/inline-compressible
head -c 1000000 lsrc/big.txt >top.txt
head -c 12288 /dev/urandom >rnd1
head -c 4096 /dev/urandom >rnd2
holes_and_prealloc() {
	truncate -s 8M "$1/holes"
	dd if=rnd1 of="$1/holes" bs=4096 seek=100 conv=notrunc status=none
	dd if=rnd2 of="$1/holes" bs=4096 seek=1500 conv=notrunc status=none
	truncate -s 9M "$1/holes" # a hole at the end too
	truncate -s 2M "$1/sparse-only" # no extent at all (no_holes)
	fallocate -l 3M "$1/prealloc"
	dd if=rnd1 of="$1/prealloc" bs=4096 seek=200 conv=notrunc status=none
}
holes_and_prealloc lsrc
mkdir -p lroot && ln -sfn ../lsrc lroot/@ # the image's top level, for compare_ls
head -c 104857600 /dev/urandom >random100

# make_loop_image NAME COMPRESSION MKFS_ARGS...: @ holds lsrc and is the
# default subvolume; top.txt sits in the top level. Returns non-zero when
# loop devices or mounts are not available.
make_loop_image() {
	local name=$1 comp=$2
	shift 2
	rm -f "$name.img"
	truncate -s 700M "$name.img"
	mkfs.btrfs -q -f -L "$name" "$@" "$name.img" >/dev/null 2>&1 || return 1
	attach "$name.img" || return 1
	mkdir -p mnt
	mount -o "compress=$comp" $dev mnt || return 1
	mounted=mnt
	btrfs -q subvolume create mnt/@ >/dev/null || return 1
	cp -a lsrc/. mnt/@/ || return 1
	rm mnt/@/holes mnt/@/prealloc mnt/@/sparse-only # remade below with the same writes
	holes_and_prealloc mnt/@
	cp top.txt mnt/top.txt
	stat -c %i mnt/top.txt >"$name.top-ino"
	btrfs subvolume set-default "$(btrfs inspect-internal rootid mnt/@)" mnt >/dev/null
	if [ "$name" = zstd ]; then
		# openSUSE: @/.snapshots is a subvolume, snapshot 1 is the default
		btrfs -q subvolume create mnt/@/.snapshots >/dev/null
		mkdir mnt/@/.snapshots/1
		btrfs -q subvolume snapshot mnt/@ mnt/@/.snapshots/1/snapshot >/dev/null
		btrfs subvolume set-default "$(btrfs inspect-internal rootid mnt/@/.snapshots/1/snapshot)" mnt >/dev/null
		cp random100 mnt/random100
	fi
	umount mnt && mounted=""
	cleanup
}

for spec in "zlib:zlib" "lzo:lzo:-O ^no-holes" "zstd:zstd:-n 65536"; do
	IFS=: read -r name comp args <<<"$spec"
	wanted_under "btrfs/$name/" || continue
	need_root "btrfs/$name" "a loop mount writes its compressed extents" || continue
	if ! make_loop_image "$name" "$comp" $args; then
		cleanup
		fail "btrfs/$name/loop-setup" "could not build the image with a loop mount (needs root)"
		continue
	fi
	compare_tree_at "btrfs/$name/cat-subvol" "$name.img" /@ lsrc
	compare_ls "btrfs/$name/ls-boot" "$name.img" 0 /@/boot lroot
	compare_blkid "btrfs/$name/inspect" "$name.img" 0
	check "btrfs/$name/top-level" bash -c "'$GUESTBOOT' cat $name.img /top.txt | cmp - top.txt"
	# the root is subvolume @: its grub.cfg is the one GRUB's prefix names
	check "btrfs/$name/config-in-subvol" bash -c \
		"'$GUESTBOOT' list --json $name.img | jq -e '.config.path == \"/@/boot/grub/grub.cfg\"'"
	# GRUB 2.06 refuses prealloc extents and a leading hole without an
	# extent item (no_holes): the kernel's view (lsrc) is the oracle there.
	grub_cmp "btrfs/$name/grub-fstest" "$name.img" /@/big.txt lsrc/big.txt \
		/@/boot/vmlinuz-6.1.0-test lsrc/boot/vmlinuz-6.1.0-test \
		/@/boot/inline-compressible lsrc/boot/inline-compressible \
		/@/boot/small-inline lsrc/boot/small-inline
	[ "$name" = lzo ] && grub_cmp btrfs/lzo/grub-hole-extents lzo.img /@/holes lsrc/holes
	if wanted "btrfs/$name/compressed"; then
		# the test is only worth something if the extents are compressed
		n=$(btrfs inspect-internal dump-tree "$name.img" 2>/dev/null |
			grep -c "compression $(case $comp in zlib) echo 1 ;; lzo) echo 2 ;; zstd) echo 3 ;; esac)")
		[ "$n" -gt 100 ] && pass "btrfs/$name/compressed" || fail "btrfs/$name/compressed" "$n extents"
	fi
done

if [ -f zstd.img ]; then
	ls_root btrfs/zstd/ls-top "zstd.img" "$(printf '@\nrandom100\ntop.txt')"
	compare_tree_at btrfs/zstd/opensuse-snapshot zstd.img /@/.snapshots/1/snapshot lsrc
	grub_cmp btrfs/zstd/opensuse-grub zstd.img /@/.snapshots/1/snapshot/boot/grub/grub.cfg \
		lsrc/boot/grub/grub.cfg /@/.snapshots/1/snapshot/big.txt lsrc/big.txt
	if wanted btrfs/zstd/100mb-speed; then
		t0=$(date +%s%N)
		"$GUESTBOOT" cat zstd.img /random100 >random100.out
		t1=$(date +%s%N)
		ms=$(((t1 - t0) / 1000000))
		if ! cmp -s random100.out random100; then
			fail btrfs/zstd/100mb-speed "100 MB file differs"
		elif [ "$ms" -gt 4000 ]; then
			fail btrfs/zstd/100mb-speed "100 MB in $ms ms"
		else
			pass btrfs/zstd/100mb-speed
		fi
		rm -f random100.out
	fi
fi

# ---- openSUSE: grub.cfg in the default subvolume, btrfs_relative_path ----
# @ is the live system, @/.snapshots/1/snapshot the default (after a
# rollback); the same paths hold other files in each, so a path resolved in
# the wrong subvolume reads the wrong bytes. Oracles: the files written,
# 'btrfs subvolume get-default' for the default's path.
KV=6.4.0-1-default
mk_suse_tree() {
	rm -rf "$1" && mkdir -p "$1/boot/grub2"
	head -c 300000 /dev/urandom >"$1/boot/vmlinuz-$KV"
	head -c 200000 /dev/urandom >"$1/boot/initrd-$KV"
}
mk_suse_tree live
mk_suse_tree snap
touch snap/boot/marker
# as openSUSE's grub2-mkconfig writes it (SUSE_BTRFS_SNAPSHOT_BOOTING)
cat >snap/boot/grub2/grub.cfg <<EOF
set btrfs_relative_path="y"
export btrfs_relative_path
set default=0
menuentry 'openSUSE Tumbleweed' {
	search --no-floppy --file --set=root /boot/marker
	linux /boot/vmlinuz-$KV root=UUID=0 ro
	initrd /boot/initrd-$KV
}
source /boot/grub2/extra.cfg
menuentry 'top level' {
	set btrfs_relative_path=n
	linux /@/boot/vmlinuz-$KV
	initrd /@/boot/initrd-$KV
}
EOF
cat >snap/boot/grub2/extra.cfg <<EOF
menuentry 'sourced' {
	linux (\$root)/boot/vmlinuz-$KV
	initrd /boot/initrd-$KV
}
EOF
make_suse_image() {
	rm -f suse.img && truncate -s 200M suse.img
	mkfs.btrfs -q -f -L suse suse.img >/dev/null 2>&1 || return 1
	attach suse.img || return 1
	mkdir -p mnt && mount $dev mnt || return 1
	mounted=mnt
	btrfs -q subvolume create mnt/@ >/dev/null || return 1
	btrfs -q subvolume create mnt/@/.snapshots >/dev/null && mkdir mnt/@/.snapshots/1 &&
		btrfs -q subvolume snapshot mnt/@ mnt/@/.snapshots/1/snapshot >/dev/null || return 1
	cp -a live/. mnt/@/ && cp -a snap/. mnt/@/.snapshots/1/snapshot/ || return 1
	btrfs subvolume set-default "$(btrfs inspect-internal rootid mnt/@/.snapshots/1/snapshot)" mnt >/dev/null
	btrfs subvolume get-default mnt | sed -n 's|.* path |/|p' >suse.default
	umount mnt && mounted=""
	cleanup
}
# suse_list NAME WANT ARGS...: list --json's config path and entries.
suse_list() {
	local name=$1 want=$2 got
	shift 2
	wanted "$name" || return 0
	got=$("$GUESTBOOT" list --json "$@" suse.img 2>&1 |
		jq -r '.config.path, (.entries[] | "\(.title) \(.kernel) \(.initrd | join(","))")' 2>&1)
	[ "$got" = "$want" ] && pass "$name" || fail "$name" "got:  $got" "want: $want"
}
if wanted_under btrfs/suse/ && need_root btrfs/suse "a loop mount makes its snapshots"; then
	if ! make_suse_image; then
		cleanup
		fail btrfs/suse/loop-setup "could not build the image with a loop mount (needs root)"
	else
		def=$(cat suse.default)
		entries="openSUSE Tumbleweed $def/boot/vmlinuz-$KV $def/boot/initrd-$KV
sourced $def/boot/vmlinuz-$KV $def/boot/initrd-$KV
top level /@/boot/vmlinuz-$KV /@/boot/initrd-$KV"
		check btrfs/suse/default-is-snapshot test "$def" = /@/.snapshots/1/snapshot
		# found in the default subvolume, run with btrfs_relative_path=y
		suse_list btrfs/suse/list "$def/boot/grub2/grub.cfg
$entries"
		# named from the top level: the file's own 'set' does the same
		suse_list btrfs/suse/list-config "$def/boot/grub2/grub.cfg
$entries" --config "0:$def/boot/grub2/grub.cfg"
		# extract reads the default subvolume's files, or the top level's
		# where the entry turns btrfs_relative_path off
		for e in 0:snap 1:snap 2:live; do
			name=btrfs/suse/extract-${e%%:*}
			wanted "$name" || continue
			rm -rf out && mkdir out
			if "$GUESTBOOT" extract -o out -e "${e%%:*}" suse.img >/dev/null 2>extract.err &&
				cmp -s out/vmlinuz "${e#*:}/boot/vmlinuz-$KV" && cmp -s out/initrd "${e#*:}/boot/initrd-$KV"; then
				pass "$name"
			else
				fail "$name" "not the files of ${e#*:}" "$(cat extract.err)"
			fi
		done
	fi
fi

# compressed data whose framing lies: lengths and stream bytes
# corrupt_data NAME IMAGE COMP EXIT TEXT BYTE_OFFSET BYTES...
corrupt_data() {
	local name=$1 img=$2 comp=$3 rc=$4 text=$5 off=$6
	shift 6
	wanted "$name" || return 0
	[ -f "$img" ] || { fail "$name" "no $img"; return; }
	local at
	at=$(map "$img" extent "$(cat "${img%.img}.top-ino")" "$comp") || { fail "$name" "no extent"; return; }
	cp --sparse=always "$img" c.img
	corrupt_img c.img $((at + off)) "$@"
	expect_bad "$name" "$rc" "$text" cat c.img 0:/top.txt
}
corrupt_data btrfs/corrupt/lzo-total-length lzo.img 2 5 "lzo: total length" 0 ff ff ff 7f
corrupt_data btrfs/corrupt/lzo-segment-length lzo.img 2 5 "lzo: segment of" 4 ff ff 00 00
corrupt_data btrfs/corrupt/lzo-stream lzo.img 2 5 "lzo: " 8 00 00 00 00 00 00 00 00 00 00 00 00
corrupt_data btrfs/corrupt/zlib-stream zlib.img 1 5 "zlib: " 0 00 00 00 00
corrupt_data btrfs/corrupt/zstd-magic zstd.img 3 5 "zstd: " 0 00 00

# ---- two devices -------------------------------------------------------
# dev1+dev2 with everything single: reading dev2 alone names devid 1.
# raid0 data on r1+r2: refused by profile name.
make_two_dev() {
	local a=$1 b=$2
	shift 2
	rm -f "$a" "$b"
	truncate -s 300M "$a" "$b"
	mkfs.btrfs -q -f "$@" "$a" "$b" >/dev/null 2>&1 || return 1
	attach "$a" "$b" || return 1
	set -- $dev
	mount -o "device=$2" "$1" mnt || return 1
	mounted=mnt
	cp -a src/boot mnt/
	umount mnt && mounted=""
	cleanup
}
if make_two_dev dev1.img dev2.img -m single -d single; then
	expect_bad btrfs/two-devices/missing 3 "missing device: chunk at" \
		cat dev2.img 0:/boot/grub/grub.cfg
	check btrfs/two-devices/names-uuid bash -c \
		"'$GUESTBOOT' cat dev2.img 0:/boot/grub/grub.cfg 2>&1 | grep -q 'devid 1 (UUID $(btrfs inspect-internal dump-super dev1.img | awk '/^dev_item.uuid/ {print $2}'))'"
else
	cleanup
	fail btrfs/two-devices/setup "could not build a two-device file system"
fi
if make_two_dev r1.img r2.img -m raid1 -d raid0; then
	expect_bad btrfs/two-devices/raid0 4 "uses the RAID0 profile" \
		cat r1.img 0:/boot/vmlinuz-6.1.0-test
	check btrfs/two-devices/raid1-metadata bash -c \
		"'$GUESTBOOT' ls r2.img 0:/boot | grep -q vmlinuz"
else
	cleanup
	fail btrfs/raid0/setup "could not build a RAID0 file system"
fi
if make_two_dev m1.img m2.img -m raid1 -d raid1; then
	# each device alone holds a whole copy: read through its own stripes
	check btrfs/two-devices/raid1-second-alone bash -c \
		"'$GUESTBOOT' cat m2.img 0:/boot/vmlinuz-6.1.0-test | cmp - src/boot/vmlinuz-6.1.0-test"
else
	cleanup
	fail btrfs/raid1/setup "could not build a RAID1 file system"
fi
