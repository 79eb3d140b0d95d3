# guestboot doctor: each finding provoked by an image built for it (a last
# case checks that every code in lib/payload/doctor.c has one), and a clean
# image with no finding. Uses a real Debian cloud kernel (Xen PV and
# PVH notes) and initrds built here with cpio.
. "$GB_TOP/tests/lib/common.sh"

need doctor cpio || exit 0
K=$("$GB_TOP/scripts/fetch-kernel" 2>/dev/null) || K=""
if [ -z "$K" ]; then
	skip doctor "no Debian kernel: scripts/fetch-kernel could not download one into ${GB_CACHE:-/var/cache/guestboot}"
	exit 0
fi
KVER=${K##*/vmlinuz-}
KCONFIG=$(dirname "$K")/config-$KVER
UUID=0b3a6c1e-58a4-4d3e-9a51-3cf0d1c2e7a1

# mkinitrd DIR OUT MODULE...: a zstd newc cpio with dummy modules.
mkinitrd() {
	local d=$1 out=$2 m
	shift 2
	rm -rf "$d"
	mkdir -p "$d/lib/modules/$KVER/kernel/drivers/block" "$d/bin"
	echo init >"$d/init"
	for m in "$@"; do echo "dummy $m" >"$d/lib/modules/$KVER/kernel/drivers/block/$m.ko"; done
	(cd "$d" && find . | LC_ALL=C sort | cpio -o -H newc --quiet) | zstd -q -c >"$out"
}

# mkimg IMG [VAR=VALUE...]: a partitioned disk, ext4 on partition 1 (UUID
# $UUID, label rootfs) with the kernel, an initrd, grub.cfg and fstab.
# ROOT (root= value; empty: no root=), KERNEL (path in the entry), KFILE
# (the kernel file), INITRD (path in the entry; empty: no initrd line),
# LINUX (the command), DEFAULT, MODS (initrd modules), FSTAB (extra fstab
# line), GRUBEXTRA (lines before the entry), MENULST, NOCFG (no grub.cfg),
# ARGS (the rest of the command line), GRUBENV (variables of a 1024-byte
# /boot/grub/grubenv), V (the version in the file names), KCFG (the
# kernel's config file).
mkimg() {
	local img=$1
	shift
	local V=$KVER
	local ROOT="UUID=$UUID" KERNEL=/boot/vmlinuz-$KVER KFILE=$K INITRD=/boot/initrd.img-$KVER KCFG=$KCONFIG
	local LINUX=linux DEFAULT=0 MODS="xen-blkfront virtio_blk virtio_pci virtio_mmio" FSTAB="" GRUBEXTRA="" MENULST="" NOCFG="" GRUBENV=""
	local ARGS="ro quiet"
	[ $# -eq 0 ] || local "$@"
	rm -rf r && mkdir -p r/boot/grub r/etc
	cp "$KFILE" "r/boot/vmlinuz-$V"
	cp "$KCFG" "r/boot/config-$V"
	# shellcheck disable=SC2086
	mkinitrd ir "r/boot/initrd.img-$V" $MODS
	{
		printf 'set default=%s\n%s\nmenuentry "Debian" {\n' "$DEFAULT" "$GRUBEXTRA"
		printf '  %s %s %s %s\n' "$LINUX" "$KERNEL" "${ROOT:+root=$ROOT}" "$ARGS"
		[ -n "$INITRD" ] && printf '  %s %s\n' "${LINUX/linux/initrd}" "$INITRD"
		printf '}\n'
	} >r/boot/grub/grub.cfg
	[ -n "$NOCFG" ] && rm r/boot/grub/grub.cfg
	[ -n "$MENULST" ] && printf '%s\n' "$MENULST" >r/boot/grub/menu.lst
	if [ -n "$GRUBENV" ]; then
		{ printf '# GRUB Environment Block\n%s\n' "$GRUBENV"; printf '#%.0s' $(seq 1024); } |
			head -c 1024 >r/boot/grub/grubenv
	fi
	printf 'UUID=%s / ext4 defaults 0 1\n%s\n' "$UUID" "$FSTAB" >r/etc/fstab
	rm -f "$img"
	truncate -s 64M "$img"
	printf 'label: dos\nstart=2048, type=83\n' | sfdisk -q "$img"
	mke2fs -q -F -t ext4 -U "$UUID" -L rootfs -d r -E offset=1048576 "$img" 60000k
}

# reported SEVERITY NAME IMG CODE [ARGS...]: doctor reports CODE with that
# severity and a fix. An error makes it exit 1; a warning alone leaves it
# at 0 (the guest would boot), with no error beside it.
reported() {
	local sev=$1 name=$2 img=$3 code=$4
	shift 4
	wanted "$name" || return 0
	local out rc want=1 others=true
	[ "$sev" = warning ] && want=0 others='all(.severity == "warning")'
	out=$("$GUESTBOOT" doctor --json "$@" "$img" 2>&1)
	rc=$?
	if [ "$rc" -eq "$want" ] && jq -e --arg c "$code" --arg s "$sev" \
		".findings | any(.code == \$c and .severity == \$s and (.fix | length > 0)) and $others" \
		<<<"$out" >/dev/null; then
		pass "$name"
	else
		fail "$name" "exit $rc, wanted $want and the $sev '$code'" "$out"
	fi
}
finding() { reported error "$@"; }
warning() { reported warning "$@"; }

mkimg clean.img
if wanted doctor/clean-xen-pv; then
	out=$("$GUESTBOOT" doctor --json clean.img 2>&1)
	rc=$?
	[ "$rc" -eq 0 ] && [ "$(jq '.findings | length' <<<"$out")" = 0 ] && [ "$(jq .boots <<<"$out")" = true ] &&
		pass doctor/clean-xen-pv || fail doctor/clean-xen-pv "exit $rc" "$out"
fi
if wanted doctor/clean-text; then
	out=$("$GUESTBOOT" doctor clean.img 2>&1)
	rc=$?
	[ "$rc" -eq 0 ] && grep -q "no problems found" <<<"$out" && grep -q "Xen PV" <<<"$out" &&
		pass doctor/clean-text || fail doctor/clean-text "exit $rc" "$out"
fi
for t in xen-pvh kvm; do
	if wanted "doctor/clean-$t"; then
		out=$("$GUESTBOOT" doctor --json --target "$t" clean.img 2>&1)
		rc=$?
		[ "$rc" -eq 0 ] && [ "$(jq '.findings | length' <<<"$out")" = 0 ] &&
			pass "doctor/clean-$t" || fail "doctor/clean-$t" "exit $rc" "$out"
	fi
done
# a partition-less disk read as raw that starts with a qcow2 header (a
# guest can write one into its own raw disk: ext4 leaves its first 1 KiB)
if wanted doctor/image-format-magic; then
	dd if=clean.img of=magic.img bs=1M skip=1 status=none
	printf 'QFI\xfb\0\0\0\3' | dd of=magic.img conv=notrunc status=none
fi
warning doctor/image-format-magic magic.img image-format-magic --format raw
# the clean image's config is grub.cfg: PV-GRUB (GRUB legacy) reads menu.lst
finding doctor/pvgrub-hd00-no-menu-lst clean.img pvgrub-config-missing --target pvgrub-hd00
if wanted doctor/pvgrub-hd00-says-where; then
	out=$("$GUESTBOOT" doctor --target pvgrub-hd00 clean.img 2>&1)
	grep -q "the configuration is at 1:/boot/grub/grub.cfg" <<<"$out" &&
		pass doctor/pvgrub-hd00-says-where || fail doctor/pvgrub-hd00-says-where "$out"
fi
# hd0 looks at the unpartitioned disk; this one is partitioned
mkimg menulst.img MENULST="default 0
timeout 1
title EC2
root (hd0,0)
kernel /boot/vmlinuz-$KVER root=/dev/xvda1
initrd /boot/initrd.img-$KVER"
finding doctor/pvgrub-hd0-partitioned menulst.img pvgrub-config-missing --target pvgrub-hd0
if wanted doctor/pvgrub-hd00-clean; then
	out=$("$GUESTBOOT" doctor --json --target pvgrub-hd00 menulst.img 2>&1)
	rc=$?
	[ "$rc" -eq 0 ] && [ "$(jq '.findings | length' <<<"$out")" = 0 ] &&
		pass doctor/pvgrub-hd00-clean || fail doctor/pvgrub-hd00-clean "exit $rc" "$out"
fi

mkimg nokernel.img KERNEL=/boot/vmlinuz-gone
finding doctor/kernel-missing nokernel.img kernel-missing

mkimg baddefault.img DEFAULT=7
warning doctor/default-invalid baddefault.img default-invalid

mkimg sda.img ROOT=/dev/sda1
finding doctor/root-sda-on-xen sda.img root-device-missing
if wanted doctor/root-sda-message; then
	out=$("$GUESTBOOT" doctor sda.img 2>&1)
	grep -q "root= names /dev/sda1, but on xen-pv the disk is /dev/xvda" <<<"$out" &&
		pass doctor/root-sda-message || fail doctor/root-sda-message "$out"
fi
mkimg xvda.img ROOT=/dev/xvda1
finding doctor/root-xvda-on-kvm xvda.img root-device-missing --target kvm
check doctor/root-xvda-on-xen "$GUESTBOOT" doctor xvda.img
mkimg xvda3.img ROOT=/dev/xvda3
finding doctor/root-partition-missing xvda3.img root-device-missing

mkimg uuid.img ROOT=UUID=11111111-2222-3333-4444-555555555555
finding doctor/root-uuid-not-found uuid.img root-uuid-not-found

mkimg label.img FSTAB="LABEL=data /srv ext4 defaults 0 2"
finding doctor/fstab-label-missing label.img fstab-label-not-found
mkimg nofail.img FSTAB="LABEL=data /srv ext4 defaults,nofail 0 2"
warning doctor/fstab-nofail-warning nofail.img fstab-label-not-found

mkimg noxen.img MODS="virtio_blk ext4"
finding doctor/initrd-no-xen-blkfront noxen.img initrd-no-disk-driver
check doctor/initrd-virtio-on-kvm "$GUESTBOOT" doctor --target kvm noxen.img
mkimg novirtio.img MODS="xen-blkfront"
finding doctor/initrd-no-virtio-firecracker novirtio.img initrd-no-disk-driver --target firecracker

mkimg saved.img DEFAULT='"${saved_entry}"' GRUBEXTRA='load_env'
warning doctor/pygrub-saved-entry saved.img pygrub-saved-default
# grub-reboot's next_entry: GRUB clears it once booted, guestboot cannot
mkimg oneshot.img GRUBEXTRA='load_env' GRUBENV='next_entry=0'
warning doctor/one-shot-entry oneshot.img one-shot-entry

# ---- every other finding, one image (or target) each ----
mkimg nocfg.img NOCFG=1
finding doctor/no-config nocfg.img no-config
if wanted doctor/no-default; then
	rm -rf r && mkdir -p r/boot/grub && echo 'set timeout=5' >r/boot/grub/grub.cfg
	rm -f noentry.img && truncate -s 16M noentry.img && mke2fs -q -F -t ext4 -d r noentry.img
	finding doctor/no-default noentry.img no-default
fi
mkimg chain.img GRUBEXTRA='menuentry "Other OS" { chainloader +1 }'
finding doctor/default-not-linux chain.img default-not-linux
mkimg noinitrd.img INITRD=/boot/initrd.img-gone
finding doctor/initrd-missing noinitrd.img initrd-missing
mkimg oldentry.img DEFAULT=1 GRUBEXTRA='menuentry "Old" { linux /boot/vmlinuz-old root=UUID='$UUID' }'
warning doctor/entry-file-missing oldentry.img entry-file-missing
head -c 65536 /dev/urandom >junk-kernel
mkimg junkkernel.img KFILE=junk-kernel
warning doctor/kernel-unreadable junkkernel.img kernel-unreadable
# an ELF kernel without Xen's notes
python3 "$GB_TOP/tests/lib/mkkernel.py" elf-note Linux 0 noxen-kernel
mkimg noxenkernel.img KFILE=noxen-kernel
finding doctor/kernel-no-xen-pv noxenkernel.img kernel-no-xen-pv
finding doctor/kernel-no-pvh noxenkernel.img kernel-no-pvh --target xen-pvh
# ---- the direct-boot VMMs (an ELF vmlinux, PVH for cloud-hypervisor and
# qemu-pvh, virtio_blk, console ttyS0) and Xen PVH (hvc0) ----
# passing: the Debian kernel (PVH note, a payload extract decompresses),
# virtio_blk in the initrd, console=ttyS0 (hvc0 for Xen PVH)
mkimg serial.img ARGS="ro console=ttyS0,115200n8"
mkimg hvc.img ARGS="ro console=tty0 console=hvc0"
# Debian's x86 kernels leave CONFIG_VIRTIO_MMIO_CMDLINE_DEVICES off, which
# Firecracker before ACPI (1.8) needs; a kernel config with it on
sed 's/^# CONFIG_VIRTIO_MMIO_CMDLINE_DEVICES is not set$/CONFIG_VIRTIO_MMIO_CMDLINE_DEVICES=y/' "$KCONFIG" >config-mmio
grep -qx CONFIG_VIRTIO_MMIO_CMDLINE_DEVICES=y config-mmio || echo CONFIG_VIRTIO_MMIO_CMDLINE_DEVICES=y >>config-mmio
mkimg serialmmio.img ARGS="ro console=ttyS0,115200n8" KCFG=config-mmio
for t in firecracker cloud-hypervisor qemu-pvh xen-pvh; do
	wanted "doctor/clean-$t-console" || continue
	img=serial.img
	[ "$t" = xen-pvh ] && img=hvc.img
	[ "$t" = firecracker ] && img=serialmmio.img
	out=$("$GUESTBOOT" doctor --json --target "$t" "$img" 2>&1)
	rc=$?
	[ "$rc" -eq 0 ] && [ "$(jq '.findings | length' <<<"$out")" = 0 ] &&
		pass "doctor/clean-$t-console" || fail "doctor/clean-$t-console" "exit $rc" "$out"
done
# failing: a kernel with no vmlinux to take out (random bytes)
finding doctor/kernel-not-elf-firecracker junkkernel.img kernel-not-elf --target firecracker
finding doctor/kernel-not-elf-cloud-hypervisor junkkernel.img kernel-not-elf --target cloud-hypervisor
# an ELF vmlinux without the PVH note
finding doctor/kernel-no-pvh-qemu-pvh noxenkernel.img kernel-no-pvh --target qemu-pvh
finding doctor/kernel-no-pvh-cloud-hypervisor noxenkernel.img kernel-no-pvh --target cloud-hypervisor
# no virtio_blk in the initrd (nor built in)
finding doctor/initrd-no-virtio-qemu-pvh novirtio.img initrd-no-disk-driver --target qemu-pvh
finding doctor/initrd-no-virtio-cloud-hypervisor novirtio.img initrd-no-disk-driver --target cloud-hypervisor
finding doctor/initrd-no-xen-blkfront-xen-pvh noxen.img initrd-no-disk-driver --target xen-pvh
# the virtio transport: Firecracker's devices are virtio-mmio, the others' virtio-pci
warning doctor/virtio-mmio-cmdline serial.img virtio-mmio-cmdline --target firecracker
mkimg nommio.img ARGS="ro console=ttyS0" MODS="virtio_blk virtio_pci" KCFG=config-mmio
finding doctor/virtio-transport-missing-firecracker nommio.img virtio-transport-missing --target firecracker
check doctor/virtio-pci-enough-for-qemu-pvh "$GUESTBOOT" doctor --target qemu-pvh nommio.img
mkimg nopci.img ARGS="ro console=ttyS0" MODS="virtio_blk virtio_mmio"
finding doctor/virtio-transport-missing-cloud-hypervisor nopci.img virtio-transport-missing --target cloud-hypervisor
# built into the kernel (its config says =y): no module needed
sed 's/^CONFIG_VIRTIO_PCI=m$/CONFIG_VIRTIO_PCI=y/' "$KCONFIG" >config-pci-y
mkimg pciy.img ARGS="ro console=ttyS0" MODS="virtio_blk virtio_mmio" KCFG=config-pci-y
check doctor/virtio-pci-built-in "$GUESTBOOT" doctor --target cloud-hypervisor pciy.img
# the console: none named, or the other hypervisor's
warning doctor/console-missing-firecracker clean.img console-missing --target firecracker
warning doctor/console-missing-qemu-pvh clean.img console-missing --target qemu-pvh
warning doctor/console-wrong-cloud-hypervisor hvc.img console-wrong --target cloud-hypervisor
warning doctor/console-wrong-xen-pvh serial.img console-wrong --target xen-pvh
# console=ttyS01 is not ttyS0
mkimg ttys01.img ARGS="ro console=ttyS01"
warning doctor/console-wrong-prefix ttys01.img console-wrong --target firecracker
# no initrd: the kernel's config says xen-blkfront is a module
mkimg noinitrdline.img INITRD=
finding doctor/no-initrd-driver noinitrdline.img no-initrd-driver
mkimg rootlabel.img ROOT=LABEL=nosuchlabel
finding doctor/root-label-not-found rootlabel.img root-label-not-found
mkimg rootpartuuid.img ROOT=PARTUUID=0badcafe-01
finding doctor/root-partuuid-not-found rootpartuuid.img root-partuuid-not-found
mkimg noroot.img ROOT=
warning doctor/no-root noroot.img no-root
mkimg fstabuuid.img FSTAB="UUID=2f1e0c3b-9d8a-4b7c-a6e5-d4c3b2a19080 /srv ext4 defaults 0 2"
finding doctor/fstab-uuid-not-found fstabuuid.img fstab-uuid-not-found
mkimg fstabpartuuid.img FSTAB="PARTUUID=0badcafe-02 /srv ext4 defaults 0 2"
finding doctor/fstab-partuuid-not-found fstabpartuuid.img fstab-partuuid-not-found
mkimg fstabdev.img FSTAB="/dev/sdb1 /srv ext4 defaults 0 2"
finding doctor/fstab-device-missing fstabdev.img fstab-device-missing
mkimg submenu.img DEFAULT='"0>0"' GRUBEXTRA="submenu \"Advanced\" {
  menuentry \"Debian (advanced)\" {
    linux /boot/vmlinuz-$KVER root=UUID=$UUID ro
    initrd /boot/initrd.img-$KVER
  }
}"
warning doctor/pygrub-submenu-default submenu.img pygrub-submenu-default
mkimg blscfg.img GRUBEXTRA='insmod blscfg
blscfg'
warning doctor/pygrub-blscfg blscfg.img pygrub-blscfg
mkimg cond.img GRUBEXTRA='if [ x"${feature_menuentry_id}" = xy ]; then
  set default=0
fi'
warning doctor/pygrub-conditional-default cond.img pygrub-conditional-default
mkimg linux16.img LINUX=linux16
warning doctor/pygrub-linux16 linux16.img pygrub-linux16

# ---- arm64 hosts: an arm64 kernel, its Image, PL011 or 8250 console ----
MK="python3 $GB_TOP/tests/lib/mkkernel.py"
$MK arm64 "$KVER" arm.Image 4 pe 100000
$MK arm64 "$KVER" arm64k.Image 64 pe 100000
gzip -9 -c arm.Image >arm.Image.gz
$MK zboot arm.Image.gz gzip arm.zboot
head -c 4000 arm.Image.gz >arm.cut.gz
$MK zboot arm.cut.gz gzip arm.badzboot
mkimg armfc.img KFILE=arm.Image ARGS="ro console=ttyS0"
mkimg armamba.img KFILE=arm.Image ARGS="ro console=ttyAMA0"
for t in firecracker-arm64 cloud-hypervisor-arm64 qemu-arm64; do
	wanted "doctor/clean-$t" || continue
	img=armamba.img
	[ "$t" = firecracker-arm64 ] && img=armfc.img
	out=$("$GUESTBOOT" doctor --json --target "$t" "$img" 2>&1)
	rc=$?
	[ "$rc" -eq 0 ] && [ "$(jq '.findings | length' <<<"$out")" = 0 ] &&
		pass "doctor/clean-$t" || fail "doctor/clean-$t" "exit $rc" "$out"
done
# no console= at all: the devicetree's stdout-path names it
mkimg armnocons.img KFILE=arm.Image ARGS="ro"
if wanted doctor/arm64-no-console-is-fine; then
	out=$("$GUESTBOOT" doctor --json --target cloud-hypervisor-arm64 armnocons.img 2>&1)
	[ "$(jq '.findings | length' <<<"$out")" = 0 ] && pass doctor/arm64-no-console-is-fine ||
		fail doctor/arm64-no-console-is-fine "$out"
fi
warning doctor/console-wrong-qemu-arm64 armfc.img console-wrong --target qemu-arm64
# the other machine's kernel, both ways
finding doctor/kernel-wrong-arch-x86-on-arm64 serial.img kernel-wrong-arch --target qemu-arm64
finding doctor/kernel-wrong-arch-arm64-on-x86 armfc.img kernel-wrong-arch --target firecracker
finding doctor/kernel-wrong-arch-arm64-on-xen armfc.img kernel-wrong-arch
# no Image to be had: random bytes, a zboot whose payload is cut short
finding doctor/kernel-no-image-junk junkkernel.img kernel-no-image --target firecracker-arm64
mkimg armbad.img KFILE=arm.badzboot ARGS="ro console=ttyAMA0"
finding doctor/kernel-no-image-zboot armbad.img kernel-no-image --target cloud-hypervisor-arm64
# zboot: QEMU 7.2 cannot load it, extract decompresses it
mkimg armzboot.img KFILE=arm.zboot ARGS="ro console=ttyAMA0"
warning doctor/kernel-zboot-qemu armzboot.img kernel-zboot --target qemu-arm64
check doctor/zboot-fine-for-cloud-hypervisor-arm64 "$GUESTBOOT" doctor --target cloud-hypervisor-arm64 armzboot.img
# 64K pages on Firecracker
mkimg arm64k.img KFILE=arm64k.Image ARGS="ro console=ttyS0"
warning doctor/kernel-page-size arm64k.img kernel-page-size --target firecracker-arm64
check doctor/page-size-fine-for-qemu "$GUESTBOOT" doctor --target qemu-arm64 arm64k.img
# Firecracker on arm64: virtio-mmio in the devicetree, no command line needed
mkimg armnommio.img KFILE=arm.Image ARGS="ro console=ttyS0" MODS="virtio_blk virtio_pci"
finding doctor/virtio-transport-missing-firecracker-arm64 armnommio.img virtio-transport-missing --target firecracker-arm64
check doctor/virtio-mmio-arm64-no-cmdline-needed "$GUESTBOOT" doctor --target firecracker-arm64 armfc.img
# a real Debian arm64 kernel with its own config: virtio_blk, virtio_pci and
# virtio_mmio are modules there, so without an initrd the disk is unreachable
KA=$("$GB_TOP/scripts/fetch-arm64-kernel" 2>/dev/null) || KA=""
if [ -n "$KA" ]; then
	KAVER=${KA##*/vmlinuz-}
	mkimg debarm.img KFILE="$KA" V="$KAVER" KERNEL="/boot/vmlinuz-$KAVER" INITRD="/boot/initrd.img-$KAVER" 		KCFG="$(dirname "$KA")/config-$KAVER" ARGS="ro console=ttyAMA0"
	if wanted doctor/clean-debian-arm64-qemu; then
		out=$("$GUESTBOOT" doctor --json --target qemu-arm64 debarm.img 2>&1)
		[ "$?" -eq 0 ] && [ "$(jq '.findings | length' <<<"$out")" = 0 ] &&
			pass doctor/clean-debian-arm64-qemu || fail doctor/clean-debian-arm64-qemu "$out"
	fi
	mkimg debarmnoinitrd.img KFILE="$KA" V="$KAVER" KERNEL="/boot/vmlinuz-$KAVER" INITRD= 		KCFG="$(dirname "$KA")/config-$KAVER" ARGS="ro console=ttyAMA0"
	finding doctor/virtio-transport-missing-debian-arm64 debarmnoinitrd.img virtio-transport-missing --target qemu-arm64
	finding doctor/kernel-wrong-arch-debian-arm64 debarm.img kernel-wrong-arch --target kvm
else
	for c in clean-debian-arm64-qemu virtio-transport-missing-debian-arm64 kernel-wrong-arch-debian-arm64; do
		skip "doctor/$c" "no Debian arm64 kernel (scripts/fetch-arm64-kernel)"
	done
fi

# every finding code doctor.c can report is provoked above
if wanted doctor/every-code-tested; then
	codes=$(grep -o '"[a-z0-9]*-[a-z0-9-]*"' "$GB_TOP/lib/payload/doctor.c" | tr -d '"' | sort -u |
		grep -vx -e - -e xen-pv -e xen-pvh -e pvgrub-hd0 -e pvgrub-hd00 \
		-e cloud-hypervisor -e qemu-pvh -e by-label -e by-partuuid \
		-e firecracker-arm64 -e cloud-hypervisor-arm64 -e qemu-arm64 -e arm64-image \
		-e virtio-mmio -e virtio-pci)
	untested=""
	for c in $codes; do
		grep -Eq "^\s*(finding|warning) doctor/[^ ]+ [^ ]+ $c( |\$)" "$0" || untested="$untested $c"
	done
	[ -z "$untested" ] && pass doctor/every-code-tested || fail doctor/every-code-tested "no case for:$untested"
fi

expect_error doctor/bad-target 2 "unknown --target" "$GUESTBOOT" doctor --target hvm clean.img
