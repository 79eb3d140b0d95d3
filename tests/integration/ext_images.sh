# ext2/3/4 images in every layout of issue 2, built with sfdisk and
# mke2fs -d: byte-identical cat, ls, and inspect --json against blkid.
. "$GB_TOP/tests/lib/common.sh"

make_tree src

MiB=1048576
# mkfs_at IMAGE OFFSET_BYTES SIZE_BYTES MKE2FS_ARGS...: fill a region.
mkfs_at() {
	local img=$1 off=$2 size=$3
	shift 3
	mke2fs -q -F -d src -E offset="$off" "$@" "$img" "$((size / 1024))k" >/dev/null
}

# layout NAME: builds NAME.img and sets VOL to where the fs is.
# whole disk, ext2/ext3/ext4 variants
for variant in "ext2:-t ext2" "ext3:-t ext3" "ext4:-t ext4" "ext4-64bit:-t ext4 -O 64bit" \
	"ext4-inline:-t ext4 -O inline_data" "ext4-1k:-t ext4 -b 1024" \
	"ext4-nojournal:-t ext4 -O ^has_journal" "ext4-bigalloc:-t ext4 -O bigalloc -C 16384" \
	"ext4-meta_bg:-t ext4 -O meta_bg,^resize_inode"; do
	name=${variant%%:*}
	args=${variant#*:}
	truncate -s 64M "$name.img"
	mkfs_at "$name.img" 0 $((64 * MiB)) $args -L "$name" 2>/dev/null
	compare_tree "ext/$name/cat" "$name.img" 0 src
	compare_ls "ext/$name/ls-boot" "$name.img" 0 /boot src
	if wanted "ext/$name/ls-root"; then
		want=$( (ls -A src; echo lost+found) | LC_ALL=C sort)
		got=$("$GUESTBOOT" ls "$name.img" / 2>&1)
		[ "$got" = "$want" ] && pass "ext/$name/ls-root" || fail "ext/$name/ls-root" "got: $got"
	fi
	compare_blkid "ext/$name/inspect" "$name.img" 0
done

# MBR: primary /boot, extended partition, /boot-like fs in logical 6
truncate -s 96M mbr.img
sfdisk -q mbr.img <<'P'
label: dos
start=2048, size=20480, type=83, bootable
start=22528, size=40960, type=83
start=63488, type=5
start=65536, size=20480, type=82
start=88064, size=40960, type=83
P
mkfs_at mbr.img $((2048 * 512)) $((20480 * 512)) -t ext2 -L small
mkfs_at mbr.img $((88064 * 512)) $((40960 * 512)) -t ext4 -L logical6
compare_tree "ext/mbr-logical/cat" mbr.img 6 src
compare_tree "ext/mbr-logical/by-label" mbr.img LABEL=logical6 src
compare_ls "ext/mbr-logical/ls" mbr.img 6 /boot src
compare_blkid "ext/mbr-logical/inspect-1" mbr.img 1
compare_blkid "ext/mbr-logical/inspect-6" mbr.img 6
if wanted ext/mbr-logical/numbering; then
	nums=$("$GUESTBOOT" inspect --json mbr.img | jq -c '[.volumes[] | [.number, .logical]]')
	[ "$nums" = '[[1,false],[2,false],[3,false],[5,true],[6,true]]' ] &&
		pass ext/mbr-logical/numbering || fail ext/mbr-logical/numbering "got $nums"
fi
uuid6=$(blkid -p -o value -s UUID -O $((88064 * 512)) mbr.img)
compare_tree "ext/mbr-logical/by-uuid" mbr.img "UUID=$uuid6" src
expect_error "ext/mbr-logical/no-fs-on-swap" 3 "mbr.img: partition 5: no file system found" \
	"$GUESTBOOT" cat mbr.img 5:/boot/vmlinuz
expect_error "ext/mbr-logical/extended" 3 "extended partition" \
	"$GUESTBOOT" ls mbr.img 3:/
expect_error "ext/mbr-logical/ambiguous" 8 "name one" \
	"$GUESTBOOT" ls mbr.img /boot
expect_error "ext/mbr-logical/no-partition-9" 3 "no partition 9" \
	"$GUESTBOOT" ls mbr.img 9:/
expect_error "ext/mbr-logical/missing-file" 3 "mbr.img: partition 6: ext4: /boot/nope: no such file or directory" \
	"$GUESTBOOT" cat mbr.img 6:/boot/nope

# GPT, 512-byte sectors: BIOS boot, ESP-sized gap, /boot in partition 3
truncate -s 80M gpt.img
sfdisk -q gpt.img <<'P'
label: gpt
start=2048, size=2048, type=21686148-6449-6E6F-744E-656564454649, name="bios"
start=4096, size=20480, type=C12A7328-F81F-11D2-BA4B-00A0C93EC93B, name="EFI system"
start=24576, size=40960, type=0FC63DAF-8483-4772-8E79-3D69D8477DE4, name="boot"
P
mkfs_at gpt.img $((24576 * 512)) $((40960 * 512)) -t ext4 -L gptboot
compare_tree "ext/gpt/cat" gpt.img 3 src
compare_blkid "ext/gpt/inspect" gpt.img 3
if wanted ext/gpt/partinfo; then
	json=$("$GUESTBOOT" inspect --json gpt.img)
	want=$(sfdisk -J gpt.img | jq -c '[.partitiontable.partitions[] | [.name, (.type | ascii_downcase), (.uuid | ascii_downcase)]]')
	got=$(jq -c '[.volumes[] | [.name, .type, .partuuid]]' <<<"$json")
	[ "$got" = "$want" ] && pass ext/gpt/partinfo || fail ext/gpt/partinfo "sfdisk: $want" "guestboot: $got"
fi
pu=$(sfdisk -J gpt.img | jq -r '.partitiontable.partitions[2].uuid')
compare_tree "ext/gpt/by-partuuid" gpt.img "PARTUUID=$pu" src

# GPT damaged: primary header CRC broken, backup still good
cp gpt.img gpt-primary.img
printf '\xff' | dd of=gpt-primary.img bs=1 seek=$((512 + 60)) conv=notrunc status=none
compare_tree "ext/gpt-damaged-primary/cat" gpt-primary.img 3 src
# both headers broken
cp gpt-primary.img gpt-both.img
size=$(stat -c %s gpt-both.img)
printf '\xff' | dd of=gpt-both.img bs=1 seek=$((size - 512 + 60)) conv=notrunc status=none
expect_error "ext/gpt-damaged-both/error" 5 "gpt-both.img: GPT: no valid GPT" \
	"$GUESTBOOT" inspect gpt-both.img

# GPT with 4096-byte sectors: sfdisk takes the sector size from a loop
# device made with 4 KiB logical blocks (root, as CI is)
if wanted_under ext/gpt-4k/ && need_root ext/gpt-4k "a loop device with 4096-byte sectors"; then
	truncate -s 80M gpt4k.img
	loop=$(losetup -f --show -b 4096 gpt4k.img)
	sfdisk -q "$loop" 2>/dev/null <<'P'
label: gpt
start=256, size=5120, type=0FC63DAF-8483-4772-8E79-3D69D8477DE4, name="boot"
P
	losetup -d "$loop"
	mkfs_at gpt4k.img $((256 * 4096)) $((5120 * 4096)) -t ext4 -b 4096
	compare_tree "ext/gpt-4k/cat" gpt4k.img 1 src
	if wanted ext/gpt-4k/start; then
		s=$("$GUESTBOOT" inspect --json gpt4k.img | jq '.volumes[0].start')
		[ "$s" = $((256 * 4096)) ] && pass ext/gpt-4k/start || fail ext/gpt-4k/start "start $s"
	fi
fi

# --offset: a file system at a byte offset of a file with no table
truncate -s 40M offset.img
mkfs_at offset.img $((3 * MiB)) $((30 * MiB)) -t ext4
check "ext/offset/cat" bash -c "'$GUESTBOOT' cat --offset $((3 * MiB)) offset.img 0:/boot/vmlinuz | cmp - src/boot/vmlinuz-6.1.0-test"

# symlinks resolve inside the guest
check "ext/symlink/relative" bash -c "'$GUESTBOOT' cat ext4.img /boot/vmlinuz | cmp - src/boot/vmlinuz-6.1.0-test"
check "ext/symlink/absolute" bash -c "'$GUESTBOOT' cat ext4.img /initrd.img | cmp - src/boot/initrd.img-6.1.0-test"
check "ext/symlink/long" bash -c "'$GUESTBOOT' cat ext4.img /longlink | cmp - src/boot/vmlinuz-6.1.0-test"
check "ext/symlink/dir" bash -c "'$GUESTBOOT' cat ext4.img /etc/grubdir/grub.cfg | cmp - src/boot/grub/grub.cfg"
if wanted ext/ls-long; then
	got=$("$GUESTBOOT" ls -l ext4.img 0:/boot | grep ' vmlinuz ')
	[[ "$got" == l0777*" vmlinuz -> vmlinuz-6.1.0-test" ]] && pass ext/ls-long || fail ext/ls-long "got: $got"
fi

# grub-fstest as a second oracle
if wanted ext/grub-fstest && need ext/grub-fstest grub-fstest; then
	grub-fstest mbr.img cp '(loop0,msdos6)/boot/vmlinuz-6.1.0-test' fstest.out 2>/dev/null
	"$GUESTBOOT" cat mbr.img 6:/boot/vmlinuz-6.1.0-test | cmp -s - fstest.out &&
		pass ext/grub-fstest || fail ext/grub-fstest "guestboot and grub-fstest disagree"
fi

# ---- damaged and unsupported images ----
# truncated: the image ends inside partition 6
head -c $((88064 * 512 + 64 * 1024)) mbr.img >trunc.img
expect_error "ext/corrupt/truncated" 5 "trunc.img: partition 6" \
	"$GUESTBOOT" cat trunc.img 6:/boot/vmlinuz
# zeroed superblock
cp ext4.img zerosb.img
dd if=/dev/zero of=zerosb.img bs=1024 seek=1 count=1 conv=notrunc status=none
expect_error "ext/corrupt/zeroed-superblock" 3 "zerosb.img: no file system found" \
	"$GUESTBOOT" cat zerosb.img 0:/boot/vmlinuz
# external journal device
truncate -s 16M jdev.img
mke2fs -q -F -O journal_dev jdev.img >/dev/null 2>&1
expect_error "ext/unsupported/journal_dev" 4 "jdev.img: jbd: unsupported feature 'journal_dev'" \
	"$GUESTBOOT" ls jdev.img /
# an incompat bit nobody defines
cp ext4.img unknown.img
printf '\x00\x00\x80\x00' | dd of=unknown.img bs=1 seek=$((1024 + 0x60 + 0)) conv=notrunc status=none 2>/dev/null
incompat=$(od -An -tx4 -j $((1024 + 0x60)) -N4 ext4.img | tr -d ' ')
printf "$(printf '\\x%02x\\x%02x\\x%02x\\x%02x' $((0x$incompat & 255)) $(((0x$incompat >> 8) & 255)) $(((0x$incompat >> 16) & 255 | 0x80)) $(((0x$incompat >> 24) & 255)))" |
	dd of=unknown.img bs=1 seek=$((1024 + 0x60)) conv=notrunc status=none
expect_error "ext/unsupported/unknown-incompat" 4 "unknown incompatible feature bits 0x800000" \
	"$GUESTBOOT" ls unknown.img /
# a missing image, a directory, bad arguments
expect_error "cli/missing-image" 3 "nope.img: cannot open" "$GUESTBOOT" inspect nope.img
expect_error "cli/bad-volume-spec" 2 "bad volume" "$GUESTBOOT" ls ext4.img FOO:/
expect_error "cli/relative-path" 2 "not VOL:/PATH" "$GUESTBOOT" ls ext4.img boot
expect_error "cli/not-a-directory" 3 "not a directory" "$GUESTBOOT" ls ext4.img /boot/empty
expect_error "cli/cat-directory" 3 "is a directory" "$GUESTBOOT" cat ext4.img /boot
expect_error "cli/bad-offset" 2 "offset" "$GUESTBOOT" inspect --offset 999999999999 ext4.img
expect_error "cli/unknown-command" 2 "unknown command" "$GUESTBOOT" frobnicate
check "cli/version" bash -c "'$GUESTBOOT' --version | grep -qx 'guestboot [0-9.]*'"
for c in inspect ls cat; do
	check "cli/help-$c" bash -c "'$GUESTBOOT' $c --help | grep -q '^Usage: guestboot $c'"
done

# a block device as the image (a loop device over the MBR image; root)
if wanted ext/block-device && need_root ext/block-device "a loop device"; then
	if loopdev=$(losetup -f --show -r mbr.img 2>/dev/null); then
		"$GUESTBOOT" cat "$loopdev" 6:/boot/vmlinuz | cmp -s - src/boot/vmlinuz-6.1.0-test &&
			pass ext/block-device || fail ext/block-device "cat from $loopdev differs"
		losetup -d "$loopdev"
	else
		fail ext/block-device "losetup failed (the tests need root)"
	fi
fi
