# The seed's OmniOS guest: an illumos PV boot environment on a ZFS pool
# (zfs-fuse) whose menu.lst boots /platform/i86xpv/kernel/$ISADIR/unix
# with the boot archive as its module, as PV-GRUB boots it: the unix (a
# stand-in ELF with Xen's notes, tests/lib/mkkernel.py xen-pv) is the
# kernel, the module the ramdisk, and the command line starts with the
# kernel's path as written, $ISADIR and $ZFS-BOOTFS expanded. A Xen
# hypervisor entry (xen.gz, the unix a module) stays refused. Oracles: the
# files put in the pool, zdb's dataset number, and Xen's pygrub for the
# part of the command line it also writes (it ignores kernel$ and module).
. "$GB_TOP/tests/lib/common.sh"
wanted zfs/illumos-pv || exit 0
if ! command -v zfs-fuse >/dev/null; then
	skip zfs/illumos-pv "zfs-fuse is not installed"
	exit 0
fi
. "$GB_TOP/tests/lib/zfs.sh"
# A daemon that already runs is used as it is (and left running).
trap zfs_daemon_stop EXIT
zfs_daemon_start "$GB_WORK" || { fail zfs/illumos-pv/setup "$zfs_why"; exit 0; }

MK="python3 $GB_TOP/tests/lib/mkkernel.py"
pool=xpvroot$$
unix=/platform/i86xpv/kernel/amd64/unix
$MK xen-pv SunOS 300000 unix
head -c 200000 /dev/urandom >archive
$MK multiboot 1 "Xen version 4.17" xen && gzip -9 -n -c xen >xen.gz

truncate -s 64M xpv.img
if ! zpool create -o version=23 -m "$PWD/mx" "$pool" "$PWD/xpv.img"; then
	fail zfs/illumos-pv/setup "zpool create failed"
	exit 0
fi
zfs create "$pool/ROOT"
zfs create -o compression=lzjb "$pool/ROOT/omnios"
b=mx/ROOT/omnios
mkdir -p "$b/platform/i86xpv/kernel/amd64" "$b/platform/i86pc/amd64" "$b/boot" mx/boot/grub
cp unix "$b$unix"
cp archive "$b/platform/i86pc/amd64/boot_archive"
cp xen.gz "$b/boot/xen.gz"
cat >mx/boot/grub/menu.lst <<EOF
default 0
timeout 3
title OmniOS PV
findroot (pool_$pool,0,a)
bootfs $pool/ROOT/omnios
kernel\$ /platform/i86xpv/kernel/\$ISADIR/unix -B \$ZFS-BOOTFS
module\$ /platform/i86pc/\$ISADIR/boot_archive
title Xen dom0
bootfs $pool/ROOT/omnios
kernel\$ /boot/xen.gz
module\$ /platform/i86xpv/kernel/\$ISADIR/unix /platform/i86xpv/kernel/\$ISADIR/unix -B \$ZFS-BOOTFS
module\$ /platform/i86pc/\$ISADIR/boot_archive
title OmniOS PV, plain kernel line
kernel $unix -k
module /platform/i86pc/amd64/boot_archive
EOF
# the dom0 entry as the default, for doctor
sed 's/^default 0/default 1/' mx/boot/grub/menu.lst >mx/boot/grub/xen.lst
zpool set bootfs="$pool/ROOT/omnios" "$pool"
obj=$(zdb -d "$pool/ROOT/omnios" 2>/dev/null | sed -n 's/.*, ID \([0-9]*\),.*/\1/p' | head -1)
sync
zpool export "$pool"
bs="zfs-bootfs=$pool/$obj,bootpath=''"
[ -n "$obj" ] || fail zfs/illumos-pv/zdb "zdb names no dataset number for $pool/ROOT/omnios"

# pygrub IMG ARGS...: guestboot's pygrub mode (simple0: kernel, ramdisk,
# args NUL-separated) into the directory out/, fields in k, r, a.
pygrub() {
	rm -rf out && mkdir out && : >out.txt
	"$GUESTBOOT" pygrub --output-format=simple0 --output-directory=out --output=out.txt "$@" 2>pg.err
	local rc=$?
	k=$(tr '\0' '\n' <out.txt 2>/dev/null | sed -n 's/^kernel //p')
	r=$(tr '\0' '\n' <out.txt 2>/dev/null | sed -n 's/^ramdisk //p')
	a=$(tr '\0' '\n' <out.txt 2>/dev/null | sed -n 's/^args //p')
	return $rc
}

if wanted zfs/illumos-pv/pygrub-default; then
	if pygrub xpv.img && cmp -s "$k" unix && cmp -s "$r" archive && [ "$a" = "$unix -B $bs" ]; then
		pass zfs/illumos-pv/pygrub-default
	else
		fail zfs/illumos-pv/pygrub-default "want args: $unix -B $bs" "$(tr '\0' '|' <out.txt)" "$(cat pg.err)"
	fi
fi
# kernel/module without $: pygrub's " -B zfs-bootfs=..." is added after
# the command line PV-GRUB would pass
if wanted zfs/illumos-pv/pygrub-plain; then
	if pygrub --entry=2 xpv.img && cmp -s "$k" unix && cmp -s "$r" archive && [ "$a" = "$unix -k -B $bs" ]; then
		pass zfs/illumos-pv/pygrub-plain
	else
		fail zfs/illumos-pv/pygrub-plain "want args: $unix -k -B $bs" "$(tr '\0' '|' <out.txt)" "$(cat pg.err)"
	fi
fi
if wanted zfs/illumos-pv/pygrub-hypervisor; then
	# guestboot's line, then the same as the RuntimeError line XAPI reads
	if ! pygrub --entry=1 xpv.img && [ "$(wc -l <pg.err)" = 2 ] &&
		sed -n 1p pg.err | grep -q "^guestboot: 'Xen dom0' is a multiboot entry whose kernel /ROOT/omnios@/boot/xen.gz is not a Xen PV kernel" &&
		[ "$(sed -n 2p pg.err)" = "RuntimeError: $(sed -n '1s/^guestboot: //p' pg.err)" ] &&
		[ -z "$(ls out)" ]; then
		pass zfs/illumos-pv/pygrub-hypervisor
	else
		fail zfs/illumos-pv/pygrub-hypervisor "$(cat pg.err)" "files: $(ls out)"
	fi
fi

# extract: the same files; the command line as the menu gives it (pygrub's
# addition is pygrub's)
for t in "0:$unix -B $bs" "2:$unix -k"; do
	n=${t%%:*} want=${t#*:}
	wanted "zfs/illumos-pv/extract-$n" || continue
	rm -rf ex && mkdir ex
	if "$GUESTBOOT" extract -o ex --entry "$n" xpv.img >ex.json 2>ex.err &&
		cmp -s ex/vmlinuz unix && cmp -s ex/initrd archive &&
		[ "$(jq -r .args ex.json)" = "$want" ]; then
		pass "zfs/illumos-pv/extract-$n"
	else
		fail "zfs/illumos-pv/extract-$n" "want args: $want" "$(cat ex.json ex.err)" "$(ls ex)"
	fi
done
expect_error zfs/illumos-pv/extract-hypervisor 4 "is not a Xen PV kernel" \
	"$GUESTBOOT" extract -o ex --print --entry 1 xpv.img

# inspect --kernels names the notes; the hypervisor is a multiboot Xen
if wanted zfs/illumos-pv/inspect-kernels; then
	out=$("$GUESTBOOT" inspect --kernels xpv.img 2>&1)
	notes="Xen notes GUEST_OS=SunOS XEN_VERSION=xen-3.0 LOADER=generic ENTRY=0x40000000 HYPERCALL_PAGE=0x40002000"
	if grep -q "kernel /ROOT/omnios@$unix: elf illumos, none, x86_64 ELF, version unknown, Xen PV yes, PVH no, $notes" <<<"$out" &&
		grep -q "kernel /ROOT/omnios@/boot/xen.gz: multiboot xen, gzip, multiboot, version unknown, Xen PV no" <<<"$out"; then
		pass zfs/illumos-pv/inspect-kernels
	else
		fail zfs/illumos-pv/inspect-kernels "$out"
	fi
fi

# doctor --target xen-pv: the PV entry boots (no Linux checks: root=,
# initrd drivers, fstab); the hypervisor default is an error
if wanted zfs/illumos-pv/doctor; then
	out=$("$GUESTBOOT" doctor --json --target xen-pv xpv.img 2>&1)
	rc=$?
	if [ "$rc" -eq 0 ] && [ "$(jq .boots <<<"$out")" = true ] && [ "$(jq '.findings | length' <<<"$out")" = 0 ] &&
		jq -r '.checked[]' <<<"$out" | grep -qF "command line '$unix -B $bs'"; then
		pass zfs/illumos-pv/doctor
	else
		fail zfs/illumos-pv/doctor "exit $rc" "$out"
	fi
fi
if wanted zfs/illumos-pv/doctor-hypervisor; then
	vol=$("$GUESTBOOT" inspect --json xpv.img 2>/dev/null | jq -r '.volumes[0].id' 2>/dev/null)
	out=$("$GUESTBOOT" doctor --json --target xen-pv --config "$vol:/boot/grub/xen.lst" --kind grub1 xpv.img 2>&1)
	rc=$?
	if [ "$rc" -ne 0 ] && [ "$(jq -r '.findings[0].code' <<<"$out")" = default-not-linux ] &&
		jq -r '.findings[0].message' <<<"$out" | grep -q "not a Xen PV kernel"; then
		pass zfs/illumos-pv/doctor-hypervisor
	else
		fail zfs/illumos-pv/doctor-hypervisor "exit $rc" "$out"
	fi
fi

# Xen's pygrub (libfsimage reads disks, not zfs-fuse's file vdevs: the
# labels are relabelled as illumos writes them) ignores module lines and
# passes the arguments without the kernel's path: guestboot's command line
# is the path, then pygrub's (libfsimage names object 0, guestboot the
# boot dataset's number).
PYGRUB=/usr/lib/xen-4.17/bin/pygrub
if wanted zfs/illumos-pv/pygrub-diff; then
	if [ ! -x "$PYGRUB" ]; then
		skip zfs/illumos-pv/pygrub-diff "Xen's pygrub ($PYGRUB) is not installed"
	else
		cp --sparse=always xpv.img xpvd.img
		zfs_label_disk xpvd.img /pci@0,0/pci1af4,2@4/blkdev@0,0:a
		rm -rf p && mkdir p && : >p.txt
		"$PYGRUB" --output-format=simple0 --output-directory=p --output=p.txt --entry=2 xpvd.img 2>p.err
		pa=$(tr '\0' '\n' <p.txt 2>/dev/null | sed -n 's/^args //p' | sed "s#zfs-bootfs=$pool/[0-9]*,#zfs-bootfs=$pool/N,#")
		pk=$(tr '\0' '\n' <p.txt 2>/dev/null | sed -n 's/^kernel //p')
		pygrub --entry=2 xpvd.img
		ga=$(sed "s#zfs-bootfs=$pool/[0-9]*,#zfs-bootfs=$pool/N,#" <<<"$a")
		if [ -n "$pa" ] && [ "$ga" = "$unix $pa" ] && cmp -s "$pk" "$k" && grep -q "bootpath='/pci@0" <<<"$ga"; then
			pass zfs/illumos-pv/pygrub-diff
		else
			fail zfs/illumos-pv/pygrub-diff "pygrub: $pa" "guestboot: $ga" "$(cat p.err pg.err | tail -3)"
		fi
		rm -rf p
	fi
fi
