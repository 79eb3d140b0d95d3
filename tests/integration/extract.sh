# guestboot extract: files byte-identical to the guest's, several initrds
# joined in order as GRUB and syslinux load them (each but the last padded
# with zeros to a multiple of 4 bytes), each output format, and nothing
# left on failure.
. "$GB_TOP/tests/lib/common.sh"

mkdir -p root/boot/extlinux
head -c 300001 /dev/urandom >root/boot/vmlinuz-lts
head -c 5003 /dev/urandom >root/boot/intel-ucode.img
head -c 200003 /dev/urandom >root/boot/initramfs-lts
cat >root/boot/extlinux/extlinux.conf <<'EOF2'
DEFAULT lts
TIMEOUT 20
LABEL lts
  MENU LABEL Linux lts
  LINUX /boot/vmlinuz-lts
  INITRD /boot/intel-ucode.img,/boot/initramfs-lts
  APPEND root=UUID=42 modules=ext4 quiet it's
LABEL single
  LINUX /boot/vmlinuz-lts
  APPEND root=UUID=42 single
LABEL broken
  LINUX /boot/vmlinuz-lts
  INITRD /boot/missing.img
  APPEND root=UUID=42
EOF2
truncate -s 48M disk.img
printf 'label: dos\nstart=2048, type=83\n' | sfdisk -q disk.img
mke2fs -q -F -t ext4 -d root -E offset=1048576 disk.img 40000k
# 5003 bytes of microcode: one zero byte before the next archive
{ cat root/boot/intel-ucode.img; head -c 1 /dev/zero; cat root/boot/initramfs-lts; } >want-initrd

# what syslinux hands the kernel (com32/elflink/ldlinux/kernel.c): BOOT_IMAGE
# and the kernel as written first, INITRD appended as initrd=
want_cmdline="BOOT_IMAGE=/boot/vmlinuz-lts root=UUID=42 modules=ext4 quiet it's initrd=/boot/intel-ucode.img,/boot/initramfs-lts"

mkdir -p out
if wanted extract/json; then
	json=$("$GUESTBOOT" extract -o out disk.img)
	k=$(jq -r .kernel <<<"$json") i=$(jq -r .initrd <<<"$json")
	if [ "$k" = "$PWD/out/vmlinuz" ] && [ "$i" = "$PWD/out/initrd" ] &&
		cmp -s out/vmlinuz root/boot/vmlinuz-lts && cmp -s out/initrd want-initrd &&
		[ "$(jq -r '"\(.args)|\(.entry.path)|\(.entry.title)|\(.entry.id)|\(.volume)"' <<<"$json")" = \
			"root=UUID=42 modules=ext4 quiet it's|0|Linux lts|lts|1" ]; then
		pass extract/json
	else
		fail extract/json "$json"
	fi
fi
check extract/initrd-padded cmp out/initrd want-initrd
if wanted extract/cmdline; then
	json=$("$GUESTBOOT" extract --print disk.img)
	vars=$("$GUESTBOOT" extract --print -f shell disk.img)
	[ "$(jq -r .cmdline <<<"$json")" = "$want_cmdline" ] && ( eval "$vars"; [ "$CMDLINE" = "$want_cmdline" ] ) &&
		pass extract/cmdline || fail extract/cmdline "$json" "$vars"
fi
if wanted extract/shell; then
	rm -rf out && mkdir out
	vars=$("$GUESTBOOT" extract -o out -f shell --entry single disk.img)
	( eval "$vars"; [ "$KERNEL" = "$PWD/out/vmlinuz" ] && [ -z "$INITRD" ] &&
		[ "$ARGS" = "root=UUID=42 single" ] && [ "$ENTRY" = 1 ] ) &&
		[ ! -e out/initrd ] && pass extract/shell || fail extract/shell "$vars" "$(ls out)"
fi
if wanted extract/qemu; then
	rm -rf out && mkdir out
	line=$("$GUESTBOOT" extract -o out -f qemu disk.img)
	eval "set -- $line"
	[ "$1 $2 $3 $4 $5" = "-kernel $PWD/out/vmlinuz -initrd $PWD/out/initrd -append" ] &&
		[ "$6" = "$want_cmdline" ] && [ $# -eq 6 ] &&
		pass extract/qemu || fail extract/qemu "$line"
fi
# Firecracker loads an ELF vmlinux: a kernel that holds none is refused
# (the format's fields: extract/vmlinux-firecracker below)
if wanted extract/firecracker; then
	rm -rf out && mkdir out
	! "$GUESTBOOT" extract -o out -f firecracker disk.img >fc.out 2>fc.err &&
		grep -q "no vmlinux in this kernel" fc.err && [ -z "$(ls -A out)" ] && [ ! -s fc.out ] &&
		pass extract/firecracker || fail extract/firecracker "$(cat fc.out fc.err)"
fi
if wanted extract/kernel-only; then
	rm -rf out && mkdir out
	json=$("$GUESTBOOT" extract -o out --kernel-only disk.img)
	[ "$(jq -r .initrd <<<"$json")" = null ] && [ ! -e out/initrd ] && cmp -s out/vmlinuz root/boot/vmlinuz-lts &&
		pass extract/kernel-only || fail extract/kernel-only "$json"
fi

# Guest text with terminal controls: shell quoting cannot hide them, so the
# title (only shown) is written as \xNN text and a command line is refused,
# with no files left behind.
mkdir -p esc/boot/extlinux
cp root/boot/vmlinuz-lts esc/boot/
printf 'DEFAULT t\nLABEL t\n  MENU LABEL Evil \033]0;x\007 title\n  LINUX /boot/vmlinuz-lts\n  APPEND root=UUID=42\nLABEL a\n  LINUX /boot/vmlinuz-lts\n  APPEND root=UUID=42 \033[2J\n' \
	>esc/boot/extlinux/extlinux.conf
truncate -s 8M esc.img
mke2fs -q -F -t ext4 -d esc esc.img
if wanted extract/shell-title-controls; then
	rm -rf out && mkdir out
	vars=$("$GUESTBOOT" extract -o out -f shell esc.img)
	( eval "$vars"; [ "$TITLE" = 'Evil \x1b]0;x\x07 title' ] ) &&
		! LC_ALL=C grep -q "$(printf '[\001-\010\013-\037\177]')" <<<"$vars" &&
		pass extract/shell-title-controls || fail extract/shell-title-controls "$vars"
fi
rm -rf out && mkdir out
expect_error extract/shell-args-controls 2 "command line holds a control character" \
	"$GUESTBOOT" extract -o out -f shell --entry a esc.img
check extract/shell-args-controls-no-files [ -z "$(ls out)" ]
expect_error extract/qemu-args-controls 2 "command line holds a control character" \
	"$GUESTBOOT" extract -o out -f qemu --entry a esc.img
check extract/json-args-controls "$GUESTBOOT" extract -o out -f json --entry a esc.img

# --entry with the id of an entry inside a submenu (grub-mkconfig's
# "Advanced options"), which GRUB itself only takes as a path "1>1".
mkdir -p sub/boot/grub
cp root/boot/vmlinuz-lts sub/boot/
cat >sub/boot/grub/grub.cfg <<'EOF2'
menuentry 'Debian' --id gnulinux-simple { linux /boot/vmlinuz-lts root=/dev/vda1 }
submenu 'Advanced options' --id gnulinux-advanced {
  menuentry 'Debian, 6.1' --id gnulinux-6.1-advanced { linux /boot/vmlinuz-lts root=/dev/vda1 ro }
  menuentry 'Debian, 6.1 (recovery mode)' --id gnulinux-6.1-recovery { linux /boot/vmlinuz-lts root=/dev/vda1 single }
}
EOF2
truncate -s 8M sub.img
mke2fs -q -F -t ext4 -d sub sub.img
for spec in gnulinux-6.1-recovery 'Debian, 6.1 (recovery mode)' '1>1' 'gnulinux-advanced>gnulinux-6.1-recovery'; do
	wanted "extract/nested-entry/$spec" || continue
	rm -rf out && mkdir out
	json=$("$GUESTBOOT" extract -o out --entry "$spec" sub.img)
	[ "$(jq -r '"\(.entry.path)|\(.args)"' <<<"$json")" = "1>1|root=/dev/vda1 single" ] &&
		pass "extract/nested-entry/$spec" || fail "extract/nested-entry/$spec" "$json"
done
expect_error extract/nested-entry/bad-path 3 "no entry" \
	"$GUESTBOOT" extract -o out --entry 'gnulinux-advanced>nope' sub.img
if wanted extract/print; then
	rm -rf out && mkdir out
	json=$("$GUESTBOOT" extract --print disk.img)
	[ "$(jq -r '"\(.kernel) \(.initrd)"' <<<"$json")" = "1:/boot/vmlinuz-lts 1:/boot/intel-ucode.img 1:/boot/initramfs-lts" ] &&
		[ -z "$(ls out)" ] && pass extract/print || fail extract/print "$json"
fi
# GRUB's "initrd newc:NAME:PATH" (grub-core/loader/linux.c): PATH goes
# into the ramdisk as the cpio member NAME, after entries for its parent
# directories, and the run of newc: initrds ends with a TRAILER!!! before
# the next plain one. Oracles: tests/lib/ramdisk_model.py, a model of
# GRUB 2.06's grub_initrd_load (name sizes without the NUL, insert_dir's
# inverted name test: the second member's "etc" is made again), and GNU
# cpio reading the archive (see below for what it can read of it).
mkdir -p newc/boot/grub newc/etc
head -c 300001 /dev/urandom >newc/vmlinuz
head -c 1001 /dev/urandom >newc/a.img
head -c 2002 /dev/urandom >newc/b.img
printf 'option=1\n' >newc/foo.conf
head -c 333 /dev/urandom >newc/y.bin
cat >newc/boot/grub/grub.cfg <<'EOF2'
menuentry "newc" {
	linux /vmlinuz root=/dev/vda1
	initrd /a.img newc:/etc/foo.conf:/foo.conf newc:etc/x/y.conf:/y.bin /b.img
}
EOF2
truncate -s 48M newc.img
printf 'label: dos\nstart=2048, type=83\n' | sfdisk -q newc.img
mke2fs -q -F -t ext4 -d newc -E offset=1048576 newc.img 40000k
if wanted extract/grub-newc; then
	rm -rf out && mkdir out
	python3 "$GB_TOP/tests/lib/ramdisk_model.py" grub want-newc newc/a.img newc:/etc/foo.conf:newc/foo.conf \
		newc:etc/x/y.conf:newc/y.bin newc/b.img
	out=$("$GUESTBOOT" extract -o out newc.img 2>&1)
	cmp -s out/initrd want-newc && cmp -s out/vmlinuz newc/vmlinuz &&
		pass extract/grub-newc || fail extract/grub-newc "$out" "$(cmp out/initrd want-newc 2>&1)"
fi
# GNU cpio reads a name of exactly its stated size into a buffer that
# keeps a longer name read before: it is shown the first member alone (its
# directory entry, header and data: 1004 + 116 + 124 + 9 bytes in).
if wanted extract/grub-newc-cpio; then
	[ -s out/initrd ] || "$GUESTBOOT" extract -o out newc.img >/dev/null 2>&1
	rm -rf cpx && mkdir cpx
	head -c $((1004 + 116 + 124 + 9)) out/initrd | tail -c +1005 >first.cpio
	(cd cpx && cpio -id --quiet <../first.cpio 2>/dev/null)
	list=$(TZ=UTC cpio -tv --quiet <first.cpio 2>/dev/null | awk '{ print $1, $2, $3, $4, $5, $8, $NF }' | tr '\n' '|')
	[ "$list" = "drwxrwxrwx 1 root root 0 1970 etc|-rwxrwxrwx 1 root root 9 1970 etc/foo.conf|" ] &&
		cmp -s cpx/etc/foo.conf newc/foo.conf &&
		pass extract/grub-newc-cpio || fail extract/grub-newc-cpio "listed: $list" "$(ls -lR cpx)"
fi
# an image with GRUB 2.12 (its modinfo.sh says so): name sizes count the
# NUL, and GNU cpio reads the whole archive
mkdir -p newc/boot/grub/i386-pc
printf 'grub_version="2.12"\n' >newc/boot/grub/i386-pc/modinfo.sh
truncate -s 48M newc212.img
printf 'label: dos\nstart=2048, type=83\n' | sfdisk -q newc212.img
mke2fs -q -F -t ext4 -d newc -E offset=1048576 newc212.img 40000k
rm newc/boot/grub/i386-pc/modinfo.sh
if wanted extract/grub-newc-2.12; then
	rm -rf out212 && mkdir out212
	python3 "$GB_TOP/tests/lib/ramdisk_model.py" grub --nul want-newc212 newc/a.img \
		newc:/etc/foo.conf:newc/foo.conf newc:etc/x/y.conf:newc/y.bin newc/b.img
	out=$("$GUESTBOOT" extract -o out212 newc212.img 2>&1)
	list=$(tail -c +1005 out212/initrd | cpio -t --quiet 2>&1 | tr '\n' ' ')
	cmp -s out212/initrd want-newc212 && [ "$list" = "etc etc/foo.conf etc etc/x etc/x/y.conf " ] &&
		pass extract/grub-newc-2.12 || fail extract/grub-newc-2.12 "$out" "cpio: $list"
fi
if wanted extract/grub-newc-print; then
	json=$("$GUESTBOOT" extract --print newc.img)
	[ "$(jq -r .initrd <<<"$json")" = "1:/a.img newc:etc/foo.conf:1:/foo.conf newc:etc/x/y.conf:1:/y.bin 1:/b.img" ] &&
		pass extract/grub-newc-print || fail extract/grub-newc-print "$json"
fi
# Every layout gb_ramdisk_build makes, from host files through the
# ramdisk-layout tool, against tests/lib/ramdisk_model.py: GRUB 2.06's and
# GRUB 2.12's (which counts the NUL in name sizes: GNU cpio reads that one
# whole), and systemd-stub's. The names exercise GRUB's insert_dir: a
# second member under the same directory, a name whose header needs no
# padding ("ab"), runs separated by a plain initrd, repeated slashes.
mkdir -p lay
for f in p1 p2 p3 m1 m2 m3 m4 m5 os-release c1.cred c2.cred; do
	head -c $((RANDOM % 3000 + 1)) /dev/urandom >lay/$f
done
grub_parts="lay/p1 newc:/etc/foo.conf:lay/m1 newc:etc/x/y.conf:lay/m2 newc:etc/bar:lay/m3 newc:ab:lay/m4
	lay/p2 newc:usr//lib/z:lay/m5 newc:usr/lib/z2:lay/m1 lay/p3"
for v in grub grub-nul; do
	if wanted extract/ramdisk-layout/$v; then
		"$GB_BUILD/ramdisk-layout" $v $grub_parts >lay-$v.got 2>lay.err
		python3 "$GB_TOP/tests/lib/ramdisk_model.py" grub $([ $v = grub-nul ] && echo --nul) lay-$v.want $grub_parts
		cmp lay-$v.got lay-$v.want && pass extract/ramdisk-layout/$v ||
			fail extract/ramdisk-layout/$v "$(cat lay.err)"
	fi
done
if wanted extract/ramdisk-layout/grub-nul-cpio; then
	"$GB_BUILD/ramdisk-layout" grub-nul $grub_parts >lay-nul.got 2>/dev/null
	# the first run's archive starts after p1 and its padding
	list=$(tail -c +$(( ($(stat -c %s lay/p1) + 3) / 4 * 4 + 1 )) lay-nul.got | cpio -t --quiet 2>&1 | tr '\n' ' ')
	# insert_dir finds no "etc" for the second and third members (its name
	# test is inverted) and makes it again
	[ "$list" = "etc etc/foo.conf etc etc/x etc/x/y.conf etc etc/bar ab " ] &&
		pass extract/ramdisk-layout/grub-nul-cpio || fail extract/ramdisk-layout/grub-nul-cpio "$list"
fi
n=0
for parts in "lay/p1 cpio:.extra/credentials:lay/c1.cred:lay/c2.cred cpio:.extra:lay/os-release lay/p2" \
	"cpio:.extra:lay/os-release" "lay/p3"; do
	n=$((n + 1))
	name=extract/ramdisk-layout/stub-$n
	wanted $name || continue
	"$GB_BUILD/ramdisk-layout" stub $parts >lay-stub.got 2>lay.err
	python3 "$GB_TOP/tests/lib/ramdisk_model.py" stub lay-stub.want $parts
	cmp lay-stub.got lay-stub.want && pass $name || fail $name "$(cat lay.err)"
done

# a missing initrd: an error, and neither file appears
if wanted extract/missing-initrd; then
	rm -rf out && mkdir out
	"$GUESTBOOT" extract -o out --entry broken disk.img >o 2>e
	rc=$?
	[ $rc -eq 3 ] && [ -z "$(ls -A out)" ] && [ ! -s o ] && grep -q "missing.img: no such file" e &&
		pass extract/missing-initrd || fail extract/missing-initrd "rc=$rc $(ls -A out) $(cat e)"
fi
if wanted extract/limit; then
	rm -rf out && mkdir out
	"$GUESTBOOT" extract -o out --max-ramdisk-size 100K disk.img >o 2>e
	rc=$?
	[ $rc -eq 7 ] && [ -z "$(ls -A out)" ] && pass extract/limit || fail extract/limit "rc=$rc $(ls -A out) $(cat e)"
fi
expect_error extract/no-entry 3 "no entry 'nope'" "$GUESTBOOT" extract -o out --entry nope disk.img
expect_error extract/bad-dir 2 "not an existing directory" "$GUESTBOOT" extract -o /nonexistent disk.img
expect_error extract/bad-format 2 "unknown format" "$GUESTBOOT" extract -f xml disk.img

# file data read straight from the image: through a pipe, appended to a
# file (the space reserved ahead must not show as size), and shared with
# the image where the output is on the same XFS (a reflink, no copy)
check extract/cat-pipe bash -c "'$GUESTBOOT' cat disk.img /boot/initramfs-lts | cmp - root/boot/initramfs-lts"
if wanted extract/cat-append; then
	printf 'head' >appended
	"$GUESTBOOT" cat disk.img /boot/vmlinuz-lts >>appended
	{ printf 'head'; cat root/boot/vmlinuz-lts; } | cmp -s - appended &&
		pass extract/cat-append || fail extract/cat-append "$(stat -c %s appended) bytes"
fi
if wanted extract/reflink-xfs; then
	rm -rf xfsroot && mkdir -p xfsroot/boot/grub xfsmnt
	head -c 3000005 /dev/urandom >xfsroot/boot/vmlinuz
	printf 'default 0\ntimeout 1\ntitle x\n\troot (hd0,0)\n\tkernel /boot/vmlinuz ro\n' \
		>xfsroot/boot/grub/menu.lst
	truncate -s 300M xfs.fs
	if ! need_root extract/reflink-xfs "a loop-mounted XFS" || ! need extract/reflink-xfs mkfs.xfs; then
		:
	elif ! mkfs.xfs -q -f xfs.fs || ! mount -o loop xfs.fs xfsmnt; then
		fail extract/reflink-xfs "cannot mount an XFS"
	else
		# 4 KiB blocks at a 1 MiB partition offset: every extent lies
		# on the XFS's own block boundaries
		truncate -s 16M xfsmnt/disk.img
		printf 'label: dos\nstart=2048, type=83\n' | sfdisk -q xfsmnt/disk.img
		mke2fs -q -F -t ext4 -b 4096 -d xfsroot -E offset=1048576 xfsmnt/disk.img 12M
		mkdir xfsmnt/out
		"$GUESTBOOT" extract -o xfsmnt/out xfsmnt/disk.img >/dev/null 2>err
		shared=$(filefrag -v xfsmnt/out/vmlinuz | grep -c shared)
		if cmp -s xfsmnt/out/vmlinuz xfsroot/boot/vmlinuz && [ "$shared" -gt 0 ]; then
			pass extract/reflink-xfs
		else
			fail extract/reflink-xfs "$shared shared extents" "$(cat err)" "$(filefrag -v xfsmnt/out/vmlinuz)"
		fi
		umount xfsmnt
	fi
	rm -f xfs.fs
fi

# the same corpus through qcow2
qcow2_corpus extract

# --vmlinux, -f firecracker and -f cloud-hypervisor: the ELF inside the
# kernel (a stand-in without a PVH note, and the real Debian kernel, which
# has one), refused by name where the target needs PVH, nothing left then.
MK="python3 $GB_TOP/tests/lib/mkkernel.py"
mkdir -p vml/boot/extlinux
$MK xen-pv linux 300000 nopvh.elf
gzip -1 -c nopvh.elf >nopvh.gz
$MK bzimage nopvh.gz 6.6.6-nopvh vml/boot/vmlinuz
cp root/boot/initramfs-lts vml/boot/initrd
printf 'DEFAULT v\nLABEL v\n  LINUX /boot/vmlinuz\n  INITRD /boot/initrd\n  APPEND root=/dev/vda\n' \
	>vml/boot/extlinux/extlinux.conf
truncate -s 8M vml.img
mke2fs -q -F -t ext4 -d vml vml.img
# what syslinux hands the kernel for that label
vml_cmdline="BOOT_IMAGE=/boot/vmlinuz root=/dev/vda initrd=/boot/initrd"
if wanted extract/vmlinux-json; then
	rm -rf out && mkdir out
	json=$("$GUESTBOOT" extract -o out --vmlinux vml.img)
	[ "$(jq -r .vmlinux <<<"$json")" = "$PWD/out/vmlinux" ] && cmp -s out/vmlinux nopvh.elf &&
		cmp -s out/vmlinuz vml/boot/vmlinuz &&
		[ "$("$GUESTBOOT" extract -o out vml.img | jq -r .vmlinux)" = null ] &&
		pass extract/vmlinux-json || fail extract/vmlinux-json "$json"
fi
if wanted extract/vmlinux-firecracker; then
	rm -rf out && mkdir out
	fc=$("$GUESTBOOT" extract -o out -f firecracker vml.img)
	[ "$(jq -r '."boot-source" | "\(.kernel_image_path) \(.initrd_path) \(.boot_args)"' <<<"$fc")" = \
		"$PWD/out/vmlinux $PWD/out/initrd $vml_cmdline" ] &&
		cmp -s out/vmlinux nopvh.elf && pass extract/vmlinux-firecracker ||
		fail extract/vmlinux-firecracker "$fc"
fi
if wanted extract/vmlinux-no-pvh; then
	rm -rf out && mkdir out
	bad=""
	for f in cloud-hypervisor "qemu --vmlinux"; do
		# shellcheck disable=SC2086
		if "$GUESTBOOT" extract -o out -f $f vml.img >o.out 2>o.err; then
			bad="$bad $f: accepted"
		elif ! grep -q "this kernel has no PVH entry: CONFIG_PVH is off" o.err ||
			[ -n "$(ls -A out)" ] || [ -s o.out ]; then
			bad="$bad $f: $(cat o.err) $(ls -A out)"
		fi
	done
	[ -z "$bad" ] && pass extract/vmlinux-no-pvh || fail extract/vmlinux-no-pvh "$bad"
fi
if wanted extract/cloud-hypervisor-version; then
	rm -rf out && mkdir out
	# 39 and later boot the bzImage itself: no vmlinux, no PVH needed
	line=$("$GUESTBOOT" extract -o out -f cloud-hypervisor --vmm-version 40.0 vml.img)
	eval "set -- $line"
	[ "$*" = "--kernel $PWD/out/vmlinuz --initramfs $PWD/out/initrd --cmdline $vml_cmdline" ] &&
		[ ! -e out/vmlinux ] && pass extract/cloud-hypervisor-version ||
		fail extract/cloud-hypervisor-version "$line"
fi
expect_error extract/vmm-version-bad 2 "bad version" "$GUESTBOOT" extract -o out --vmm-version x1 vml.img
K=$("$GB_TOP/scripts/fetch-kernel" 2>/dev/null) || K=""
if ! wanted extract/cloud-hypervisor-pvh; then
	:
elif [ -z "$K" ]; then
	skip extract/cloud-hypervisor-pvh "no Debian kernel (scripts/fetch-kernel)"
else
	cp "$K" vml/boot/vmlinuz
	rm -f vml.img && truncate -s 48M vml.img
	mke2fs -q -F -t ext4 -d vml vml.img
	rm -rf out && mkdir out
	line=$("$GUESTBOOT" extract -o out -f cloud-hypervisor vml.img)
	eval "set -- $line"
	[ "$1 $2 $3 $4" = "--kernel $PWD/out/vmlinux --initramfs $PWD/out/initrd" ] &&
		[ "$(head -c 4 out/vmlinux | od -An -c | tr -d ' ')" = "177ELF" ] &&
		readelf -n out/vmlinux 2>/dev/null | grep -A1 "^  Xen" | grep -q "0x00000012" &&
		pass extract/cloud-hypervisor-pvh || fail extract/cloud-hypervisor-pvh "$line"
fi
