# Volume stacks: LVM2 (linear, multi-segment, striped across two PVs, on an
# md array), MD RAID1 (metadata 0.90, 1.0, 1.1, 1.2), BSD disklabels and
# Solaris VTOCs in MBR slices, and damaged metadata of each. Oracles:
# grub-fstest ((lvm/VG-LV), (md/NAME)), partx (BSD/VTOC slices), blkid,
# and the files put in (byte-identical reads).
# LVM images are made with the real tools on loop devices (pvcreate,
# vgcreate, vgcfgrestore: no device-mapper here, see test-images.md); md
# superblocks and BSD/VTOC labels are written by tests/lib scripts from
# their documented layouts (no md driver, no Debian tool writes them).
. "$GB_TOP/tests/lib/common.sh"

MiB=1048576
rm -f ./*.img ./*.fs # truncate keeps old bytes: start from zeroes
make_tree src
MKMD="python3 $GB_TOP/tests/lib/mkmd.py"
MKLABEL="python3 $GB_TOP/tests/lib/mklabel.py"
LVMMETA="python3 $GB_TOP/tests/lib/lvmmeta.py"
# lvm2 prints warnings about the missing device-mapper and leaked fds.
export LVM_SUPPRESS_FD_WARNINGS=1
LVM_SYSTEM_DIR=$PWD/lvmconf
mkdir -p "$LVM_SYSTEM_DIR"
# Keep the test's PVs out of the host's LVM state.
cat >"$LVM_SYSTEM_DIR/lvm.conf" <<'C'
devices { scan_lvs = 0 use_devicesfile = 0 }
global { use_lvmetad = 0 locking_type = 1 }
backup { backup = 0 archive = 0 }
C
export LVM_SYSTEM_DIR

loops=()
cleanup() { for l in "${loops[@]}"; do losetup -d "$l" 2>/dev/null; done; }
trap cleanup EXIT
attach() { # attach VAR IMG OFFSET SIZE: a loop device over a region, in VAR
	local l
	l=$(losetup -f --show -o "$3" --sizelimit "$4" "$2") || return 1
	loops+=("$l")
	printf -v "$1" '%s' "$l"
}
detach_all() { cleanup; loops=(); }

# json IMG JQ: one value from inspect --json
json() { "$GUESTBOOT" inspect --json "$1" | jq -c "$2"; }
expect_json() { # expect_json NAME IMG JQ WANT
	wanted "$1" || return 0
	local got
	got=$(json "$2" "$3" 2>&1)
	[ "$got" = "$4" ] && pass "$1" || fail "$1" "want: $4" "got:  $got"
}
# grub_ls NAME IMG GRUBDEV VOL DIR: grub-fstest and guestboot list DIR alike
grub_ls() {
	wanted "$1" || return 0
	need "$1" grub-fstest || return 0
	local want got
	want=$(grub-fstest "$2" ls "($3)$5" 2>&1 | tr ' ' '\n' | sed 's|/$||' | grep -v '^$' | LC_ALL=C sort)
	got=$("$GUESTBOOT" ls "$2" "$4:$5" 2>&1 | LC_ALL=C sort)
	if [ -n "$want" ] && [ "$got" = "$want" ]; then pass "$1"; else fail "$1" "grub-fstest: $want" "guestboot:  $got"; fi
}
# blkid_at NAME IMG VOL: inspect's fs type/uuid/label agree with blkid at
# the volume's place (a plain window: start and size from inspect)
blkid_at() {
	wanted "$1" || return 0
	local v start size TYPE="" UUID="" LABEL=""
	v=$(json "$2" ".volumes[] | select(.id == \"$3\")")
	start=$(jq -r .start <<<"$v")
	size=$(jq -r .size <<<"$v")
	eval "$(blkid -p -o export -O "$start" -S "$size" "$2" | grep -E '^(TYPE|UUID|LABEL)=')"
	local got
	got=$(jq -r '[.fs.type, .fs.uuid, .fs.label] | join("/")' <<<"$v")
	[ "$got" = "$TYPE/$UUID/$LABEL" ] && pass "$1" || fail "$1" "guestboot: $got" "blkid: $TYPE/$UUID/$LABEL"
}
# partx_agrees NAME IMG: the nested slices (5 and up) inspect lists are
# those partx (libblkid) lists, same numbers, starts and sizes
partx_agrees() {
	wanted "$1" || return 0
	local want got
	want=$(partx -g -o NR,START,SECTORS "$2" | awk '$1 >= 5 { print $1, $2 * 512, $3 * 512 }')
	got=$(json "$2" '.volumes[] | select(.number >= 5) | [.number, .start, .size]' | tr -d '[]' | tr ',' ' ')
	if [ -n "$want" ] && [ "$got" = "$want" ]; then pass "$1"; else fail "$1" "partx: $want" "guestboot: $got"; fi
}

# LVM images are made by the real tools on loop devices: root only.
if need_root lvm "pvcreate and vgcreate work on loop devices; tests/images/lvm reads LVM without root"; then
# ---- LVM: two PVs (partitions 1, 2); root linear on pv0, boot-lv in two
# segments on pv0 and pv1, data striped over both (64 KiB stripes)
truncate -s 64M lvm.img
sfdisk -q lvm.img <<'P'
label: dos
start=2048, size=40960, type=8e
start=43008, size=40960, type=8e
P
P0=$((2048 * 512)) P1=$((43008 * 512)) PSZ=$((40960 * 512))
attach L0 lvm.img $P0 $PSZ && attach L1 lvm.img $P1 $PSZ || echo "losetup failed" >&2
# --devices: LVM looks at these loop devices only, whatever else is attached
LD="--devices $L0,$L1"
pvcreate -q -y $LD "$L0" "$L1" >/dev/null 2>&1
vgcreate -q -s 1M $LD tvg "$L0" "$L1" >/dev/null 2>&1
vgcfgbackup -q $LD -f vg.txt tvg >/dev/null 2>&1
PE=$(pvs $LD --noheadings -o pe_start --units b --nosuffix "$L0" 2>/dev/null | tr -d ' ')
python3 - vg.txt vg2.txt <<'PY'
import sys
s = open(sys.argv[1]).read()
def lv(name, segs):
    out = ['\t\t%s {' % name, '\t\t\tid = "%s-aaaa-aaaa-aaaa-aaaa-aaaa-aaaaaa"' % (name[:4] * 2)[:6].ljust(6, 'x'),
           '\t\t\tstatus = ["READ", "WRITE", "VISIBLE"]', '\t\t\tflags = []',
           '\t\t\tsegment_count = %d' % len(segs)]
    for i, (start, count, stripes, ssize) in enumerate(segs):
        out += ['\t\t\tsegment%d {' % (i + 1), '\t\t\t\tstart_extent = %d' % start,
                '\t\t\t\textent_count = %d' % count, '\t\t\t\ttype = "striped"',
                '\t\t\t\tstripe_count = %d' % len(stripes)]
        if ssize:
            out.append('\t\t\t\tstripe_size = %d' % ssize)
        out.append('\t\t\t\tstripes = [\n' + ',\n'.join('\t\t\t\t\t"%s", %d' % p for p in stripes) + '\n\t\t\t\t]')
        out.append('\t\t\t}')
    out.append('\t\t}')
    return '\n'.join(out)
lvs = '\tlogical_volumes {\n' + '\n'.join([
    lv('root', [(0, 8, [('pv0', 0)], 0)]),
    lv('boot-lv', [(0, 4, [('pv0', 8)], 0), (4, 4, [('pv1', 12)], 0)]),
    lv('data', [(0, 12, [('pv0', 12), ('pv1', 0)], 128)]),
]) + '\n\t}\n'
i = s.rindex('}')
open(sys.argv[2], 'w').write(s[:i] + lvs + s[i:])
PY
vgcfgrestore -q $LD -f vg2.txt tvg >/dev/null 2>&1
detach_all
[ "$PE" = $MiB ] || echo "unexpected pe_start '$PE'" >&2
E0=$((P0 + PE)) E1=$((P1 + PE))
mke2fs -q -F -t ext4 -L lvroot -d src -E offset=$E0 lvm.img 8M
mke2fs -q -F -t ext4 -L lvboot -d src boot.fs 8M >/dev/null 2>&1
dd if=boot.fs of=lvm.img bs=$MiB seek=$((E0 / MiB + 8)) count=4 conv=notrunc status=none
dd if=boot.fs of=lvm.img bs=$MiB skip=4 seek=$((E1 / MiB + 12)) count=4 conv=notrunc status=none
mke2fs -q -F -t ext4 -L lvdata -d src data.fs 12M >/dev/null 2>&1
python3 - data.fs lvm.img $((E0 + 12 * MiB)) $E1 <<'PY'
import sys
fs = open(sys.argv[1], 'rb').read()
out = open(sys.argv[2], 'r+b')
bases, ss = [int(sys.argv[3]), int(sys.argv[4])], 65536
for c in range(len(fs) // ss):  # chunk c: stripe c % 2, row c // 2
    out.seek(bases[c % 2] + (c // 2) * ss)
    out.write(fs[c * ss:(c + 1) * ss])
PY

compare_tree "lvm/linear/cat" lvm.img lvm/tvg/root src
compare_tree "lvm/two-segments/cat" lvm.img lvm/tvg/boot-lv src
compare_tree "lvm/striped/cat" lvm.img lvm/tvg/data src
compare_tree "lvm/by-label" lvm.img LABEL=lvdata src
grub_ls "lvm/linear/grub-ls" lvm.img lvm/tvg-root lvm/tvg/root /boot
grub_ls "lvm/two-segments/grub-ls" lvm.img lvm/tvg-boot--lv lvm/tvg/boot-lv /
grub_ls "lvm/striped/grub-ls" lvm.img lvm/tvg-data lvm/tvg/data /boot
blkid_at "lvm/linear/blkid" lvm.img lvm/tvg/root
expect_json "lvm/inspect-stack" lvm.img \
	'[.volumes[] | [.id, .scheme, .type, .parent, .stack, .container, .fs.label]]' \
	'[["1","mbr","0x8e",null,"partition 1","LVM physical volume",null],["2","mbr","0x8e",null,"partition 2","LVM physical volume",null],["lvm/tvg/root","lvm","linear","1","partition 1 > lvm/tvg/root",null,"lvroot"],["lvm/tvg/boot-lv","lvm","linear","1","partition 1 + partition 2 > lvm/tvg/boot-lv",null,"lvboot"],["lvm/tvg/data","lvm","striped","1","partition 1 + partition 2 > lvm/tvg/data",null,"lvdata"]]'
expect_error "lvm/pv-is-a-container" 3 "partition 1: LVM physical volume: no file system" \
	"$GUESTBOOT" ls lvm.img 1:/
expect_error "lvm/no-such-lv" 3 "no volume lvm/tvg/nope" "$GUESTBOOT" ls lvm.img lvm/tvg/nope:/

# ---- the same VG over two disks (--disk): pv0 stays partition 1 of the
# image, pv1 becomes the whole second disk (no table)
cp lvm.img lvm-d0.img
sfdisk -q --delete lvm-d0.img 2
dd if=lvm.img of=lvm-d1.img bs=512 skip=43008 count=40960 status=none
for lv in root boot-lv data; do
	check "lvm/two-disks/$lv" cmp <("$GUESTBOOT" cat lvm-d0.img --disk lvm-d1.img "lvm/tvg/$lv:/boot/vmlinuz-6.1.0-test" 2>&1) src/boot/vmlinuz-6.1.0-test
done
check "lvm/two-disks/inspect" test "$("$GUESTBOOT" inspect --json lvm-d0.img --disk lvm-d1.img | jq -c '[.volumes[] | [.id, .stack]]')" = \
	'[["1","partition 1"],["hd1","disk 1"],["lvm/tvg/root","partition 1 > lvm/tvg/root"],["lvm/tvg/boot-lv","partition 1 + disk 1 > lvm/tvg/boot-lv"],["lvm/tvg/data","partition 1 + disk 1 > lvm/tvg/data"]]'
# without the second disk, the LVs on it say what is missing
expect_error "lvm/two-disks/missing" 3 "missing PV: pv1" "$GUESTBOOT" cat lvm-d0.img lvm/tvg/data:/boot/vmlinuz-6.1.0-test

# The menu names files on other LVs the way GRUB does: (lvm/VG-LV), dashes doubled.
mkdir -p menu/boot/grub
printf 'set default=0\nmenuentry "on lvm" {\n linux (lvm/tvg-boot--lv)/boot/vmlinuz-6.1.0-test root=/dev/tvg/root\n initrd (lvm/tvg-data)/boot/initrd.img-6.1.0-test\n}\n' \
	>menu/boot/grub/grub.cfg
cp lvm.img lvm-menu.img
mke2fs -q -F -t ext4 -L lvroot -d menu -E offset=$E0 lvm-menu.img 8M
if wanted lvm/grub-device-names; then
	got=$("$GUESTBOOT" list --json lvm-menu.img 2>&1 | jq -c '[.config.volume, (.entries[0] | .kernel, .initrd)]' 2>&1)
	out=$("$GUESTBOOT" list lvm-menu.img 2>&1)
	if [[ "$out" == *"config: grub2 lvm/tvg/root:/boot/grub/grub.cfg"* &&
	      "$out" == *"lvm/tvg/boot-lv:/boot/vmlinuz-6.1.0-test"* && "$out" == *"lvm/tvg/data:/boot/initrd.img-6.1.0-test"* ]]; then
		pass lvm/grub-device-names
	else
		fail lvm/grub-device-names "list: $out" "json: $got"
	fi
fi

# Metadata stored across the end of the circular buffer (both copies).
cp lvm.img wrap.img
$LVMMETA wrap.img $P0 --wrap && $LVMMETA wrap.img $P1 --wrap
compare_tree "lvm/wrapped-metadata/cat" wrap.img lvm/tvg/data src
grub_ls "lvm/wrapped-metadata/grub-ls" wrap.img lvm/tvg-root lvm/tvg/root /boot
expect_json "lvm/wrapped-metadata/pv-clean" wrap.img '[.volumes[0,1].container]' \
	'["LVM physical volume","LVM physical volume"]'

# Only the first PV in the image: root still reads, the others say why.
truncate -s 32M half.img
sfdisk -q half.img <<'P'
label: dos
start=2048, size=40960, type=8e
P
dd if=lvm.img of=half.img bs=512 skip=2048 seek=2048 count=40960 conv=notrunc status=none
compare_tree "lvm/missing-pv/other-lv-reads" half.img lvm/tvg/root src
expect_error "lvm/missing-pv/read" 3 "lvm/tvg/data: missing PV: pv1" \
	"$GUESTBOOT" ls half.img lvm/tvg/data:/
expect_json "lvm/missing-pv/inspect" half.img '[.volumes[] | .error] | map(. != null)' '[false,false,true,true]'

# Damaged metadata, in both copies (checksums kept right by lvmmeta.py).
damage() { # damage IMG OLD NEW
	cp lvm.img "$1"
	$LVMMETA "$1" $P0 "$2" "$3" && $LVMMETA "$1" $P1 "$2" "$3"
}
damage thin.img 'type = "striped"' 'type = "thin"'
expect_error "lvm/unsupported-segment" 4 "segment type 'thin' is not supported" \
	"$GUESTBOOT" cat thin.img lvm/tvg/root:/boot/vmlinuz
compare_tree "lvm/unsupported-segment/others-read" thin.img lvm/tvg/data src
damage past.img '"pv0", 0' '"pv0", 15'
expect_error "lvm/segment-past-pv" 5 "segment1 lies past the end of PV pv0" \
	"$GUESTBOOT" ls past.img lvm/tvg/root:/
damage stripes.img 'stripe_count = 2' 'stripe_count = 4000000000'
expect_error "lvm/huge-stripe-count" 4 "stripe_count must be 1 to 16" \
	"$GUESTBOOT" ls stripes.img lvm/tvg/data:/
# An unbalanced brace: the VG is not assembled, the PV says why, the rest
# of the image (here: nothing else) stays usable.
cp lvm.img braces.img
$LVMMETA braces.img $P0 'physical_volumes {' 'physical_volumes {{' &&
	$LVMMETA braces.img $P1 'physical_volumes {' 'physical_volumes {{'
expect_error "lvm/unbalanced-braces/pv" 3 "metadata line" "$GUESTBOOT" ls braces.img 1:/
expect_error "lvm/unbalanced-braces/lv" 3 "no volume lvm/tvg/root" "$GUESTBOOT" ls braces.img lvm/tvg/root:/
cp lvm.img magic.img
printf 'XXXX' | dd of=magic.img bs=1 seek=$((P0 + 4096 + 5)) conv=notrunc status=none
expect_json "lvm/bad-mda-magic" magic.img '.volumes[0].container' '"LVM physical volume (metadata area header has no LVM2 magic)"'
compare_tree "lvm/bad-mda-magic/other-copy-reads" magic.img lvm/tvg/root src

# A PV on the whole disk (no partition table); the VG's second PV (made
# without a metadata copy) is another disk, not in this image.
truncate -s 24M wpv.img
truncate -s 24M wpv2.img
attach W0 wpv.img 0 $((24 * MiB)) && attach W1 wpv2.img 0 $((24 * MiB))
LD="--devices $W0,$W1"
pvcreate -q -y $LD "$W0" >/dev/null 2>&1
pvcreate -q -y $LD --metadatacopies 0 "$W1" >/dev/null 2>&1
vgcreate -q -s 1M $LD wvg "$W0" "$W1" >/dev/null 2>&1
vgcfgbackup -q $LD -f wvg.txt wvg >/dev/null 2>&1
python3 - wvg.txt <<'PY'
import sys
s = open(sys.argv[1]).read()
i = s.rindex('}')
s = s[:i] + '''	logical_volumes {
		whole {
			id = "wwwwww-aaaa-aaaa-aaaa-aaaa-aaaa-aaaaaa"
			status = ["READ", "WRITE", "VISIBLE"]
			segment_count = 1
			segment1 {
				start_extent = 0
				extent_count = 8
				type = "striped"
				stripe_count = 1
				stripes = ["pv0", 0]
			}
		}
		other {
			id = "oooooo-aaaa-aaaa-aaaa-aaaa-aaaa-aaaaaa"
			status = ["READ", "WRITE", "VISIBLE"]
			segment_count = 1
			segment1 {
				start_extent = 0
				extent_count = 8
				type = "striped"
				stripe_count = 1
				stripes = ["pv1", 0]
			}
		}
	}
''' + s[i:]
open(sys.argv[1], 'w').write(s)
PY
vgcfgrestore -q $LD -f wvg.txt wvg >/dev/null 2>&1
detach_all
mke2fs -q -F -t ext4 -L whole -d src -E offset=$MiB wpv.img 8M
compare_tree "lvm/whole-disk-pv/cat" wpv.img lvm/wvg/whole src
# (the second PV is not in this image: its LV says so)
expect_json "lvm/whole-disk-pv/inspect" wpv.img '[.volumes[] | [.id, .stack, .container, (.error // "" | .[0:15])]]' \
	'[["0","disk","LVM physical volume",""],["lvm/wvg/whole","disk > lvm/wvg/whole",null,""],["lvm/wvg/other","disk > lvm/wvg/other",null,"missing PV: pv1"]]'
grub_ls "lvm/whole-disk-pv/grub-ls" wpv.img lvm/wvg-whole lvm/wvg/whole /boot

fi # need_root lvm

# ---- MD RAID1: one member of each metadata version, partitions 1-4
truncate -s 80M md.img
sfdisk -q md.img <<'P'
label: dos
start=2048, size=32768, type=fd
start=34816, size=32768, type=fd
start=67584, size=32768, type=fd
start=100352, size=32768, type=fd
P
i=0
for v in 0.90 1.0 1.1 1.2; do
	st=$(((2048 + i * 32768) * 512))
	read -r off sz < <($MKMD md.img $st $((32768 * 512)) $v --name "host:r$i" --minor $i \
		--uuid "$(printf '%032x' $((i + 1)))")
	mke2fs -q -F -t ext4 -L "md$i" -d src -E offset=$((st + off)) md.img $((sz / 1024))k
	i=$((i + 1))
done
compare_tree "md/0.90/cat" md.img md/0 src
compare_tree "md/1.0/cat" md.img md/r1 src
compare_tree "md/1.1/cat" md.img md/r2 src
compare_tree "md/1.2/cat" md.img md/r3 src
grub_ls "md/0.90/grub-ls" md.img md/md0 md/0 /
grub_ls "md/1.0/grub-ls" md.img md/r1 md/r1 /
grub_ls "md/1.1/grub-ls" md.img md/r2 md/r2 /boot
grub_ls "md/1.2/grub-ls" md.img md/r3 md/r3 /boot
blkid_at "md/1.2/blkid" md.img md/r3
expect_json "md/inspect-stack" md.img '[.volumes[] | [.id, .container, .stack]]' \
	'[["1","md member (0.90)","partition 1"],["2","md member (1.0)","partition 2"],["3","md member (1.1)","partition 3"],["4","md member (1.2)","partition 4"],["md/0",null,"partition 1 > md/0"],["md/r1",null,"partition 2 > md/r1"],["md/r2",null,"partition 3 > md/r2"],["md/r3",null,"partition 4 > md/r3"]]'
expect_error "md/member-is-a-container" 3 "partition 1: md member (0.90): no file system" \
	"$GUESTBOOT" ls md.img 1:/

# Two members of one array (identical data): one array volume.
truncate -s 48M mirror.img
sfdisk -q mirror.img <<'P'
label: gpt
start=2048, size=32768
start=34816, size=32768
P
for n in 0 1; do
	read -r off sz < <($MKMD mirror.img $(((2048 + n * 32768) * 512)) $((32768 * 512)) 1.2 \
		--name host:pair --disk $n)
	mke2fs -q -F -t ext4 -L pair -U 11111111-2222-3333-4444-555555555555 -E offset=$(((2048 + n * 32768) * 512 + off)) \
		-d src mirror.img $((sz / 1024))k 2>/dev/null
done
expect_json "md/mirror/one-array" mirror.img '[.volumes[] | .id]' '["1","2","md/pair"]'
compare_tree "md/mirror/cat" mirror.img md/pair src
# the two members on two disks (--disk): still one array
dd if=mirror.img of=mirror-d1.img bs=512 skip=34816 count=32768 status=none
cp mirror.img mirror-d0.img
sfdisk -q --delete mirror-d0.img 2
check "md/two-disks/one-array" test "$("$GUESTBOOT" inspect --json mirror-d0.img --disk mirror-d1.img | jq -c '[.volumes[] | .id]')" = '["1","hd1","md/pair"]'
check "md/two-disks/cat" cmp <("$GUESTBOOT" cat mirror-d0.img --disk mirror-d1.img md/pair:/boot/vmlinuz-6.1.0-test 2>&1) src/boot/vmlinuz-6.1.0-test

cp md.img raid5.img
$MKMD raid5.img $((100352 * 512)) $((32768 * 512)) 1.2 --level 5 --raid-disks 3 --name host:r3 \
	--uuid "$(printf '%032x' 4)" >/dev/null
expect_error "md/raid5-unsupported" 4 "RAID level 5 is not supported" "$GUESTBOOT" ls raid5.img md/r3:/
cp md.img badoff.img
$MKMD badoff.img $((100352 * 512)) $((32768 * 512)) 1.2 --data-offset 4000000000 --data-size 100 \
	--name host:r3 --uuid "$(printf '%032x' 4)" >/dev/null
expect_error "md/data-offset-past-end" 3 "lies outside the member" "$GUESTBOOT" ls badoff.img 4:/
expect_error "md/data-offset-past-end/no-array" 3 "no volume md/r3" "$GUESTBOOT" ls badoff.img md/r3:/
compare_tree "md/data-offset-past-end/others-read" badoff.img md/r2 src

if need_root md-lvm "pvcreate works on a loop device"; then
# LVM on an md array: partition 1 > md/r0 > lvm/mdvg/root
truncate -s 40M mdlvm.img
sfdisk -q mdlvm.img <<'P'
label: dos
start=2048, size=65536, type=fd
P
read -r off sz < <($MKMD mdlvm.img $((2048 * 512)) $((65536 * 512)) 1.2 --name host:r0)
A=$((2048 * 512 + off))
attach L mdlvm.img $A $sz
LD="--devices $L"
pvcreate -q -y $LD "$L" >/dev/null 2>&1
vgcreate -q -s 1M $LD mdvg "$L" >/dev/null 2>&1
vgcfgbackup -q $LD -f mdvg.txt mdvg >/dev/null 2>&1
python3 - mdvg.txt <<'PY'
import sys
s = open(sys.argv[1]).read()
i = s.rindex('}')
s = s[:i] + '''	logical_volumes {
		root {
			id = "rrrrrr-aaaa-aaaa-aaaa-aaaa-aaaa-aaaaaa"
			status = ["READ", "WRITE", "VISIBLE"]
			segment_count = 1
			segment1 {
				start_extent = 0
				extent_count = 8
				type = "striped"
				stripe_count = 1
				stripes = ["pv0", 0]
			}
		}
	}
''' + s[i:]
open(sys.argv[1], 'w').write(s)
PY
vgcfgrestore -q $LD -f mdvg.txt mdvg >/dev/null 2>&1
detach_all
mke2fs -q -F -t ext4 -L mdroot -d src -E offset=$((A + MiB)) mdlvm.img 8M
compare_tree "md-lvm/cat" mdlvm.img lvm/mdvg/root src
grub_ls "md-lvm/grub-ls" mdlvm.img lvm/mdvg-root lvm/mdvg/root /boot
expect_json "md-lvm/stack" mdlvm.img '.volumes[-1].stack' '"partition 1 > md/r0 > lvm/mdvg/root"'
fi # need_root md-lvm

# ---- BSD disklabel in an MBR slice (0xa5), absolute offsets as older
# FreeBSD, NetBSD and OpenBSD write them: a (ext4), b (swap), c (the whole
# slice), d (the whole disk), e, f (past the slice: left out)
truncate -s 64M bsd.img
sfdisk -q bsd.img <<'P'
label: dos
start=2048, size=8192, type=83
start=10240, size=100000, type=a5
P
$MKLABEL bsd bsd.img 10240 100000 a:10256:40000:7 b:50256:8000:1 c:10240:100000:0 \
	d:0:131072:0 e:58256:40000:7 f:200000:100:7
mke2fs -q -F -t ext4 -L bsda -d src -E offset=$((10256 * 512)) bsd.img 20000k
partx_agrees "bsd/absolute/partx" bsd.img
compare_tree "bsd/absolute/cat" bsd.img 5 src
blkid_at "bsd/absolute/blkid" bsd.img 5
expect_json "bsd/absolute/inspect" bsd.img '[.volumes[] | select(.scheme == "bsd") | [.id, .name, .slice, .parent]]' \
	'[["5","a",0,"2"],["6","b",1,"2"],["7","e",4,"2"]]'
if wanted bsd/grub-names; then
	got=$(grub-fstest bsd.img ls 2>/dev/null | tr ' ' '\n' | grep -o 'msdos2,bsd[0-9]*' | LC_ALL=C sort | tr '\n' ' ')
	[ "$got" = "msdos2,bsd1 msdos2,bsd2 msdos2,bsd5 " ] && pass bsd/grub-names || fail bsd/grub-names "grub-fstest lists: $got"
fi
# FreeBSD 10 and later: offsets relative to the slice
cp bsd.img bsdrel.img
$MKLABEL bsd bsdrel.img 10240 100000 --relative a:10256:40000:7 b:50256:8000:1 c:10240:100000:0 e:58256:40000:7
partx_agrees "bsd/relative/partx" bsdrel.img
compare_tree "bsd/relative/cat" bsdrel.img 5 src
cp bsd.img bsdbad.img
$MKLABEL bsd bsdbad.img 10240 100000 --bad-magic a:10256:40000:7
expect_json "bsd/bad-magic/not-a-label" bsdbad.img '[.volumes[] | .id]' '["1","2"]'

# ---- Solaris VTOC: 0x82 (what libblkid reads, so partx is the oracle)
# and 0xbf (Solaris 2, which Linux reads too)
truncate -s 40M vtoc.img
sfdisk -q vtoc.img <<'P'
label: dos
start=2048, size=8192, type=83
start=10240, size=40000, type=82
P
$MKLABEL vtoc vtoc.img 10240 40000 0:2:16:20000 1:3:20016:4000 2:5:0:40000 7:8:24016:8000 9:4:39000:5000
mke2fs -q -F -t ext4 -L sol0 -d src -E offset=$(((10240 + 16) * 512)) vtoc.img 10000k
partx_agrees "vtoc/0x82/partx" vtoc.img
compare_tree "vtoc/0x82/cat" vtoc.img 5 src
blkid_at "vtoc/0x82/blkid" vtoc.img 5
expect_json "vtoc/0x82/inspect" vtoc.img '[.volumes[] | select(.scheme == "vtoc") | [.id, .name, .type]]' \
	'[["5","s0","0x02"],["6","s1","0x03"],["7","s7","0x08"]]'
cp vtoc.img vtocbf.img
sfdisk -q --part-type vtocbf.img 2 bf 2>/dev/null
compare_tree "vtoc/0xbf/cat" vtocbf.img 5 src
if wanted vtoc/0xbf/grub-names; then
	got=$(grub-fstest vtocbf.img ls 2>/dev/null | tr ' ' '\n' | grep -o 'msdos2,sunpc[0-9]*' | LC_ALL=C sort | tr '\n' ' ')
	[ "$got" = "msdos2,sunpc1 msdos2,sunpc2 msdos2,sunpc8 " ] && pass vtoc/0xbf/grub-names || fail vtoc/0xbf/grub-names "grub-fstest lists: $got"
fi
cp vtoc.img swap.img
$MKLABEL vtoc swap.img 10240 40000 --bad-magic 0:2:16:20000
expect_json "vtoc/swap-without-vtoc" swap.img '[.volumes[] | [.id, .container]]' '[["1",null],["2",null]]'
