# FAT12/16/32 and ISO9660 (Rock Ridge, Joliet, plain, hybrid) images built
# with mkfs.fat + mcopy and xorriso: byte-identical cat, ls, inspect --json
# against blkid, grub-fstest as a second oracle, and damaged variants made
# by byte flips that must end in one clean error line, never a crash or a
# hang (every command runs under a timeout).
. "$GB_TOP/tests/lib/common.sh"

need fat-iso mkfs.fat mcopy xorriso || exit 0

MiB=1048576
# Any hang is a failure: a loop in a chain or a SUSP area must end.
GB() { timeout 60 "$GUESTBOOT" "$@"; }

# A tree FAT can hold: no symlinks; long, mixed-case and 8.3 names; deep
# directories; a 20 MiB file; a directory of 1100 long-named files.
make_fat_tree() {
	local d=$1 big=${2:-yes}
	rm -rf "$d"
	mkdir -p "$d/boot/grub" "$d/EFI/debian" "$d/deep/a/b/c/d/e/f/g/h/i/j" "$d/Mixed Case Dir"
	head -c 3145739 /dev/urandom >"$d/boot/vmlinuz-6.1.0-test"
	head -c 1048589 /dev/urandom >"$d/boot/initrd.img-6.1.0-test"
	head -c 4097 /dev/urandom >"$d/boot/grub/unicode.pf2"
	: >"$d/boot/empty"
	printf 'set default=0\nmenuentry "x" { linux /vmlinuz }\n' >"$d/boot/grub/grub.cfg"
	printf 'configfile (hd0,gpt2)/boot/grub/grub.cfg\n' >"$d/EFI/debian/grub.cfg"
	echo upper >"$d/README.TXT"
	echo lower >"$d/lower.txt"
	echo mixed >"$d/Mixed Case Dir/A Long File Name With Spaces.Config"
	echo deep >"$d/deep/a/b/c/d/e/f/g/h/i/j/file"
	echo "élan" >"$d/boot/ünïcödé-name.txt"
	[ "$big" = yes ] && head -c $((20 * MiB)) /dev/urandom >"$d/boot/big-20M.bin"
	return 0
}
# 1100 long names in one directory (more than 1000; distinct 8.3 bases, as
# mcopy is slow at numbering ~N tails), copied into two images only.
rm -rf fmany && mkdir -p fmany/many
for i in $(seq -w 1 1100); do echo "$i" >"fmany/many/f$i Long Name.txt"; done

# mkfat IMAGE SIZE_KiB TREE MKFS_ARGS...
mkfat() {
	local img=$1 size=$2 tree=$3
	shift 3
	rm -f "$img"
	mkfs.fat -C "$@" "$img" "$size" >/dev/null &&
		MTOOLS_NO_VFAT=0 mcopy -s -Q -i "$img" "$tree"/* ::/
}

make_fat_tree fsrc
make_fat_tree fsmall no

# ---- FAT12/16/32, 512- and 4096-byte sectors ----
for variant in "fat12:8192:fsmall:-F 12 -n FAT12VOL" "fat16:65536:fsrc:-F 16 -n GBFAT16" \
	"fat16-4k:65536:fsrc:-F 16 -S 4096" "fat32:65536:fsrc:-F 32 -n GBFAT32" \
	"fat32-4k:307200:fsrc:-F 32 -S 4096 -n BIGSECT"; do
	IFS=: read -r name size tree args <<<"$variant"
	if ! mkfat "$name.img" "$size" "$tree" $args 2>mkfs.err; then
		fail "fat/$name/build" "$(cat mkfs.err)"
		continue
	fi
	compare_tree "fat/$name/cat" "$name.img" 0 "$tree"
	compare_ls "fat/$name/ls-root" "$name.img" 0 / "$tree"
	compare_ls "fat/$name/ls-boot" "$name.img" 0 /boot "$tree"
	compare_ls "fat/$name/ls-mixed" "$name.img" 0 "/Mixed Case Dir" "$tree"
	compare_blkid "fat/$name/inspect" "$name.img" 0
done
for img in fat16 fat32; do
	mcopy -s -Q -i "$img.img" fmany/many ::/
	compare_ls "fat/$img/ls-many" "$img.img" 0 /many fmany
done
compare_tree "fat/fat32/cat-many" fat32.img 0 fmany
check "fat/case-insensitive" bash -c "'$GUESTBOOT' cat fat32.img '/BOOT/GRUB/GRUB.CFG' | cmp - fsrc/boot/grub/grub.cfg"
check "fat/short-name-lookup" bash -c "'$GUESTBOOT' cat fat16.img '/MIXEDC~1/ALONGF~1.CON' | cmp - 'fsrc/Mixed Case Dir/A Long File Name With Spaces.Config'"
if wanted fat/stat; then
	got=$("$GUESTBOOT" ls -l fat16.img /boot | grep ' big-20M.bin$')
	[[ "$got" == -0644*" $((20 * MiB)) "* ]] && pass fat/stat || fail fat/stat "got: $got"
fi

# the label blkid prefers: the root directory's volume-label entry
cp fat16.img relabel.img
mlabel -i relabel.img ::NEWLABEL
compare_blkid "fat/label-in-root-dir" relabel.img 0

# grub-fstest as a second oracle
if wanted fat/grub-fstest && need fat/grub-fstest grub-fstest; then
	bad=""
	for f in /boot/vmlinuz-6.1.0-test /boot/big-20M.bin "/Mixed Case Dir/A Long File Name With Spaces.Config"; do
		for img in fat16.img fat32.img; do
			rm -f fstest.out
			grub-fstest "$img" cp "(loop0)$f" fstest.out 2>/dev/null
			"$GUESTBOOT" cat "$img" "$f" | cmp -s - fstest.out || bad="$bad $img:$f"
		done
	done
	[ -z "$bad" ] && pass fat/grub-fstest || fail fat/grub-fstest "disagree:$bad"
fi

# ESP: FAT32 in a GPT partition, next to an ext4 /boot
truncate -s 160M esp.img
sfdisk -q esp.img <<'P'
label: gpt
start=2048, size=204800, type=C12A7328-F81F-11D2-BA4B-00A0C93EC93B, name="EFI System Partition"
start=206848, size=100000, type=0FC63DAF-8483-4772-8E79-3D69D8477DE4, name="boot"
P
mkfat esp-part.img 102400 fsmall -F 32 -n ESP
dd if=esp-part.img of=esp.img bs=512 seek=2048 conv=notrunc status=none
check "fat/esp/grub.cfg" bash -c "'$GUESTBOOT' cat esp.img 1:/EFI/debian/grub.cfg | cmp - fsmall/EFI/debian/grub.cfg"
compare_tree "fat/esp/cat" esp.img 1 fsmall
compare_blkid "fat/esp/inspect" esp.img 1
check "fat/esp/default-volume" bash -c "'$GUESTBOOT' cat esp.img /efi/debian/grub.cfg | cmp - fsmall/EFI/debian/grub.cfg"

# ---- damaged FAT images ----
# A small FAT16 with known layout: the file's clusters are 2, 3, 4 ...
# fat16_layout IMAGE: sets FATOFF, ROOTOFF, DATAOFF, CS (bytes).
fat16_layout() {
	eval "$(python3 - "$1" <<'PY'
import struct, sys
b = open(sys.argv[1], 'rb').read(512)
bps, spc, rsvd, nf, re_, _, _, fsz = struct.unpack_from('<HBHBHHBH', b, 11)
root = (rsvd + nf * fsz) * bps
print(f"FATOFF={rsvd*bps} ROOTOFF={root} DATAOFF={root + re_*32} CS={bps*spc}")
PY
)"
}
poke() { # poke IMAGE OFFSET HEXBYTES
	printf "$(sed 's/\(..\)/\\x\1/g' <<<"$3")" | dd of="$1" bs=1 seek="$2" conv=notrunc status=none
}
rm -rf fdmg && mkdir -p fdmg/sub && head -c 10000 /dev/urandom >fdmg/FILE.BIN
# more entries than one 2 KiB cluster holds: no end mark in the first cluster
for i in $(seq 1 70); do echo "$i" >"fdmg/sub/S$i.TXT"; done
echo "long name" >"fdmg/a long name.txt"
mkfat dmg.img 20480 fdmg -F 16 -s 4
fat16_layout dmg.img
# FILE.BIN is the first entry copied: find its entry in the root directory.
ent=$(python3 - dmg.img "$ROOTOFF" <<'PY'
import sys
d = open(sys.argv[1], 'rb').read()
root = int(sys.argv[2])
for i in range(512):
    e = d[root + 32*i: root + 32*i + 32]
    if e[:11] == b'FILE    BIN':
        print(root + 32*i); break
PY
)
first=$(python3 -c "import struct,sys; d=open('dmg.img','rb').read(); print(struct.unpack_from('<H', d, $ent + 26)[0])")
check "fat/corrupt/baseline" bash -c "'$GUESTBOOT' cat dmg.img /FILE.BIN | cmp - fdmg/FILE.BIN"

cp dmg.img loop.img   # FAT: the file's second cluster links back to its first
poke loop.img $((FATOFF + 2 * (first + 1))) "$(printf '%02x%02x' $((first & 255)) $((first >> 8)))"
expect_error "fat/corrupt/chain-loop" 5 "loop.img: vfat: cluster chain" GB cat loop.img /FILE.BIN

cp dmg.img short.img  # FAT: the chain ends after one cluster
poke short.img $((FATOFF + 2 * first)) ffff
expect_error "fat/corrupt/chain-short" 5 "has only 1 clusters" GB cat short.img /FILE.BIN

cp dmg.img small.img  # the size says one cluster, the chain has three
poke small.img $((ent + 28)) 10000000
expect_error "fat/corrupt/chain-longer-than-size" 5 "longer than 1 clusters" GB cat small.img /FILE.BIN

cp dmg.img badcl.img  # first cluster past the end of the volume
poke badcl.img $((ent + 26)) f0ff
expect_error "fat/corrupt/bad-first-cluster" 5 "invalid cluster 65520" GB cat badcl.img /FILE.BIN

cp dmg.img freecl.img # a chain running into a free cluster
poke freecl.img $((FATOFF + 2 * first)) 0000
expect_error "fat/corrupt/free-cluster" 5 "links to invalid cluster 0" GB cat freecl.img /FILE.BIN

cp dmg.img dirloop.img # the subdirectory's cluster links to itself
sub=$(python3 - dmg.img "$ROOTOFF" <<'PY'
import sys, struct
d = open(sys.argv[1], 'rb').read(); root = int(sys.argv[2])
for i in range(512):
    e = d[root + 32*i: root + 32*i + 32]
    if e[:11] == b'SUB        ':
        print(struct.unpack_from('<H', e, 26)[0]); break
PY
)
poke dirloop.img $((FATOFF + 2 * sub)) "$(printf '%02x%02x' $((sub & 255)) $((sub >> 8)))"
expect_error "fat/corrupt/dir-loop" 5 "directory longer than 65536 entries" GB ls dirloop.img /sub

head -c $((10 * MiB)) dmg.img >trunc.img # the volume ends before the file system
expect_error "fat/corrupt/truncated" 5 "trunc.img: vfat: file system of 20971520 bytes is larger than its volume" GB ls trunc.img /

cp dmg.img nodata.img # reserved sectors eat the whole volume
poke nodata.img 14 ffff
expect_error "fat/corrupt/reserved-sectors" 5 "no room for data" GB ls nodata.img /

cp dmg.img bps.img    # bytes per sector not a power of two: no FAT at all
poke bps.img 11 0003
expect_error "fat/corrupt/bytes-per-sector" 3 "no file system found" GB ls bps.img 0:/

cp dmg.img fat0.img   # the FAT claims too few sectors for the clusters
poke fat0.img 22 0100
expect_error "fat/corrupt/fat-too-small" 5 "too small for" GB ls fat0.img /

# A long-name run with a wrong checksum: the 8.3 name is listed instead.
cp dmg.img lfn.img
lfn=$(python3 - lfn.img "$ROOTOFF" <<'PY'
import sys
d = open(sys.argv[1], 'rb').read(); root = int(sys.argv[2])
for i in range(512):
    e = d[root + 32*i: root + 32*i + 32]
    if e[11] == 0x0f:
        print(root + 32*i); break
PY
)
poke lfn.img $((lfn + 13)) 00
if wanted fat/lfn-broken-checksum; then
	got=$(GB ls lfn.img / 2>&1)
	if grep -qx 'ALONGN~1.TXT' <<<"$got" && ! grep -q 'a long name.txt' <<<"$got"; then
		pass fat/lfn-broken-checksum
	else
		fail fat/lfn-broken-checksum "got: $got"
	fi
fi
# fuzz: random bytes over the first 64 KiB (BPB, FATs, root directory)
if wanted fat/fuzz; then
	bad=""
	for seed in $(seq 1 40); do
		cp dmg.img fz.img
		python3 - fz.img "$seed" <<'PY'
import random, sys
f = open(sys.argv[1], 'r+b'); r = random.Random(int(sys.argv[2]))
for _ in range(16):
    f.seek(r.randrange(0, 65536)); f.write(bytes([r.randrange(256)]))
PY
		for cmd in "ls fz.img /" "cat fz.img /FILE.BIN" "ls fz.img /sub"; do
			GB $cmd >/dev/null 2>fz.err
			rc=$?
			if [ $rc -ge 124 ] || { [ $rc -ne 0 ] && [ "$(wc -l <fz.err)" -ne 1 ]; }; then
				bad="$bad seed$seed($cmd:$rc)"
			fi
		done
	done
	[ -z "$bad" ] && pass fat/fuzz || fail fat/fuzz "crash, hang or messy error:$bad"
fi

# ---- ISO9660 ----
make_tree isrc
mkdir -p isrc/deep/a/b/c/d/e/f/g/h/i/j
echo deeper >isrc/deep/a/b/c/d/e/f/g/h/i/j/file
long=$(printf 'n%.0s' $(seq 1 200))
echo "long name" >"isrc/boot/$long"

iso() { xorriso -as mkisofs -quiet "$@" 2>/dev/null; }
iso -R -J -V GB_ROCK -o rr.iso isrc
compare_tree "iso/rockridge/cat" rr.iso 0 isrc
compare_ls "iso/rockridge/ls-root" rr.iso 0 / isrc
compare_ls "iso/rockridge/ls-boot" rr.iso 0 /boot isrc
compare_blkid "iso/rockridge/inspect" rr.iso 0
check "iso/rockridge/symlink-relative" bash -c "'$GUESTBOOT' cat rr.iso /boot/vmlinuz | cmp - isrc/boot/vmlinuz-6.1.0-test"
check "iso/rockridge/symlink-absolute" bash -c "'$GUESTBOOT' cat rr.iso /initrd.img | cmp - isrc/boot/initrd.img-6.1.0-test"
check "iso/rockridge/symlink-long" bash -c "'$GUESTBOOT' cat rr.iso /longlink | cmp - isrc/boot/vmlinuz-6.1.0-test"
check "iso/rockridge/symlink-dir" bash -c "'$GUESTBOOT' cat rr.iso /etc/grubdir/grub.cfg | cmp - isrc/boot/grub/grub.cfg"
if wanted iso/rockridge/ls-long; then
	got=$("$GUESTBOOT" ls -l rr.iso /etc | grep ' grubdir ')
	[[ "$got" == l0777*" grubdir -> ../boot/grub" ]] && pass iso/rockridge/ls-long || fail iso/rockridge/ls-long "got: $got"
fi
if wanted iso/rockridge/mode; then
	chmod 0600 isrc/etc/"name with spaces"
	iso -R -o mode.iso isrc
	got=$("$GUESTBOOT" ls -l mode.iso /etc | grep ' name with spaces$')
	[[ "$got" == -0600* ]] && pass iso/rockridge/mode || fail iso/rockridge/mode "got: $got"
	chmod 0644 isrc/etc/"name with spaces"
fi

# Joliet only (no Rock Ridge: xorriso's --norock); symlinks are not stored
# (Joliet keeps 64 characters of a name: the 200-character one is left out)
rm -rf jsrc && cp -a isrc jsrc && rm "jsrc/boot/$long" && find jsrc -type l -delete
iso --norock -J -V GB_JOLIET -o joliet.iso jsrc
compare_tree "iso/joliet/cat" joliet.iso 0 jsrc
compare_ls "iso/joliet/ls-boot" joliet.iso 0 /boot jsrc
compare_ls "iso/joliet/ls-etc" joliet.iso 0 /etc jsrc
compare_blkid "iso/joliet/inspect" joliet.iso 0
check "iso/joliet/case-insensitive" bash -c "'$GUESTBOOT' cat joliet.iso /BOOT/GRUB/GRUB.CFG | cmp - isrc/boot/grub/grub.cfg"

# plain ISO level 1: 8.3 upper-case names, read back lower-case
rm -rf psrc && mkdir -p psrc/boot/grub psrc/isolinux
cp isrc/boot/vmlinuz-6.1.0-test psrc/boot/vmlinuz
cp isrc/boot/initrd.img-6.1.0-test psrc/boot/initrd.img
cp isrc/boot/grub/grub.cfg psrc/boot/grub/grub.cfg
echo "default linux" >psrc/isolinux/isolinux.cfg
: >psrc/boot/empty
iso --norock -iso-level 1 -V PLAIN -o plain.iso psrc
compare_tree "iso/plain/cat" plain.iso 0 psrc
compare_ls "iso/plain/ls-boot" plain.iso 0 /boot psrc
compare_blkid "iso/plain/inspect" plain.iso 0

# ISO level 3, Rock Ridge, genisoimage's relocated deep directories (CL/RE)
if wanted iso/relocated-deep-dir && need iso/relocated-deep-dir genisoimage; then
	genisoimage -quiet -R -o reloc.iso isrc 2>/dev/null
	check "iso/relocated-deep-dir" bash -c "'$GUESTBOOT' cat reloc.iso /deep/a/b/c/d/e/f/g/h/i/j/file | cmp - isrc/deep/a/b/c/d/e/f/g/h/i/j/file"
fi
iso -R -iso-level 3 -o level3.iso isrc
compare_tree "iso/level3/cat" level3.iso 0 isrc

# isohybrid: an MBR (partition 1 spans the ISO) and the ISO on the disk
if [ -f /usr/lib/ISOLINUX/isohdpfx.bin ]; then
	rm -rf hsrc && cp -r psrc hsrc
	cp /usr/lib/ISOLINUX/isolinux.bin hsrc/isolinux/
	iso -R -J -V GB_HYBRID -isohybrid-mbr /usr/lib/ISOLINUX/isohdpfx.bin \
		-b isolinux/isolinux.bin -c isolinux/boot.cat -no-emul-boot \
		-boot-load-size 4 -boot-info-table -o hybrid.iso hsrc
	if wanted iso/hybrid/volumes; then
		got=$("$GUESTBOOT" inspect --json hybrid.iso | jq -c '[.table, [.volumes[] | [.number, .fs.type]]]')
		[ "$got" = '["dos",[[0,"iso9660"],[1,"iso9660"]]]' ] && pass iso/hybrid/volumes ||
			fail iso/hybrid/volumes "got: $got"
	fi
	compare_blkid "iso/hybrid/inspect-disk" hybrid.iso 0
	compare_tree "iso/hybrid/cat-disk" hybrid.iso 0 psrc
	compare_tree "iso/hybrid/cat-partition" hybrid.iso 1 psrc
	check "iso/hybrid/default-volume" bash -c "'$GUESTBOOT' cat hybrid.iso /isolinux/isolinux.cfg | cmp - psrc/isolinux/isolinux.cfg"
	check "iso/hybrid/by-label" bash -c "'$GUESTBOOT' cat hybrid.iso LABEL=GB_HYBRID:/boot/vmlinuz | cmp - psrc/boot/vmlinuz"
elif wanted iso/hybrid; then
	skip iso/hybrid "/usr/lib/ISOLINUX/isohdpfx.bin is missing (package isolinux, scripts/install-deps)"
fi

# grub-fstest as a second oracle
if wanted iso/grub-fstest && need iso/grub-fstest grub-fstest; then
	bad=""
	for pair in rr.iso:/boot/vmlinuz-6.1.0-test rr.iso:/boot/grub/grub.cfg joliet.iso:/boot/initrd.img-6.1.0-test \
		plain.iso:/boot/vmlinuz; do
		img=${pair%%:*} f=${pair#*:}
		rm -f fstest.out
		grub-fstest "$img" cp "(loop0)$f" fstest.out 2>/dev/null
		"$GUESTBOOT" cat "$img" "$f" | cmp -s - fstest.out || bad="$bad $pair"
	done
	[ -z "$bad" ] && pass iso/grub-fstest || fail iso/grub-fstest "disagree:$bad"
fi

# ---- damaged ISO images ----
# record_of IMAGE NAME: byte offset of the directory record whose ISO
# identifier is NAME (the Rock Ridge tree is the primary one).
record_of() {
	python3 - "$1" "$2" <<'PY'
import sys
d = open(sys.argv[1], 'rb').read(); n = sys.argv[2].encode()
i = d.find(bytes([len(n)]) + n)
print(i - 32 if i >= 32 else -1)
PY
}
# susp_of IMAGE NAME SIG: offset of the SUSP entry SIG in NAME's record.
susp_of() {
	python3 - "$1" "$2" "$3" <<'PY'
import sys
d = open(sys.argv[1], 'rb').read(); n = sys.argv[2].encode(); sig = sys.argv[3].encode()
rec = d.find(bytes([len(n)]) + n) - 32
su = rec + 33 + len(n) + (1 - len(n) % 2)
print(d.find(sig, su, rec + d[rec]))
PY
}
iso -R -o dmg.iso isrc
cfg=$(record_of dmg.iso "GRUB.CFG;1")
check "iso/corrupt/baseline" bash -c "'$GUESTBOOT' cat dmg.iso /boot/grub/grub.cfg | cmp - isrc/boot/grub/grub.cfg"

cp dmg.iso susp0.iso # a SUSP entry of length 0: XSA-497's endless loop
nm=$(susp_of dmg.iso "GRUB.CFG;1" NM)
poke susp0.iso $((nm + 2)) 00
expect_error "iso/corrupt/susp-zero-length" 5 "SUSP entry of length 0" GB cat susp0.iso /boot/grub/grub.cfg

cp dmg.iso susplong.iso # a SUSP entry longer than its area
poke susplong.iso $((nm + 2)) f0
expect_error "iso/corrupt/susp-overrun" 5 "overruns its area" GB cat susplong.iso /boot/grub/grub.cfg

cp dmg.iso pxshort.iso # PX shorter than its fixed part (length underflow)
px=$(susp_of dmg.iso "GRUB.CFG;1" PX)
poke pxshort.iso $((px + 2)) 05
expect_error "iso/corrupt/susp-short-px" 5 "SUSP entry" GB cat pxshort.iso /boot/grub/grub.cfg

# CE pointing at itself: the record's NM entry of the 200-character name
# becomes a continuation entry whose area is the entry itself.
cp dmg.iso ceself.iso
# the Rock Ridge NM entry holding (the start of) the 200-character name
nm=$(python3 -c "d = open('dmg.iso', 'rb').read(); i = d.find(b'n' * 100) - 5; print(i if d[i:i+2] == b'NM' else -1)")
ce_at() { # ce_at IMAGE OFFSET BLOCK INBLOCK: a CE entry, then ST
	python3 - "$@" <<'PY'
import struct, sys
f = open(sys.argv[1], 'r+b'); off, blk, inoff = map(int, sys.argv[2:5])
both = lambda v: struct.pack('<I', v) + struct.pack('>I', v)
f.seek(off); f.write(b'CE\x1c\x01' + both(blk) + both(inoff) + both(32) + b'ST\x04\x01')
PY
}
ce_at ceself.iso "$nm" $((nm / 2048)) $((nm % 2048))
expect_error "iso/corrupt/ce-self-loop" 5 "continuation areas loop" GB ls ceself.iso /boot

cp dmg.iso ceout.iso # CE past the end of the volume
ce_at ceout.iso "$nm" $((0x7fffffff)) 0
expect_error "iso/corrupt/ce-outside" 5 "continuation area" GB ls ceout.iso /boot

cp dmg.iso reclen.iso # a directory record shorter than its fixed part
poke reclen.iso "$cfg" 14
expect_error "iso/corrupt/record-length" 5 "directory record at" GB ls reclen.iso /boot/grub

cp dmg.iso namelen.iso # a name longer than its record
poke namelen.iso $((cfg + 32)) fe
expect_error "iso/corrupt/name-length" 5 "overruns its record" GB ls namelen.iso /boot/grub

cp dmg.iso extent.iso # an extent far past the end of the volume
poke extent.iso $((cfg + 2)) ffffff7f7fffffff
expect_error "iso/corrupt/extent-outside" 5 "outside the volume" GB cat extent.iso /boot/grub/grub.cfg

head -c 40000 dmg.iso >trunc.iso # the image ends inside the descriptors
expect_error "iso/corrupt/truncated" 5 "trunc.iso" GB ls trunc.iso /

if wanted iso/fuzz; then
	bad=""
	size=$(stat -c %s dmg.iso)
	for seed in $(seq 1 40); do
		cp dmg.iso fz.iso
		python3 - fz.iso "$seed" "$size" <<'PY'
import random, sys
f = open(sys.argv[1], 'r+b'); r = random.Random(int(sys.argv[2]))
# descriptors and the first directories (path tables, records, SUSP)
for _ in range(24):
    f.seek(r.randrange(32768, min(int(sys.argv[3]), 32768 + 80 * 2048)))
    f.write(bytes([r.randrange(256)]))
PY
		for cmd in "ls -l fz.iso /boot" "cat fz.iso /boot/grub/grub.cfg" "ls fz.iso /etc/grubdir"; do
			GB $cmd >/dev/null 2>fz.err
			rc=$?
			if [ $rc -ge 124 ] || { [ $rc -ne 0 ] && [ "$(wc -l <fz.err)" -ne 1 ]; }; then
				bad="$bad seed$seed($cmd:$rc)"
			fi
		done
	done
	[ -z "$bad" ] && pass iso/fuzz || fail iso/fuzz "crash, hang or messy error:$bad"
fi
