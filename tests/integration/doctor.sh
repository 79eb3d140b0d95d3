# guestboot doctor: each finding provoked by an image built for it, and a
# clean image with no finding. Uses a real Debian cloud kernel (Xen PV and
# PVH notes) and initrds built here with cpio.
. "$GB_TOP/tests/lib/common.sh"

K=$("$GB_TOP/scripts/fetch-kernel" 2>/dev/null) || K=""
if [ -z "$K" ] || ! command -v cpio >/dev/null; then
	echo "SKIP doctor: no kernel or no cpio" >&2
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
# ROOT (root= value), KERNEL (path in the entry), DEFAULT, MODS (initrd
# modules), FSTAB (extra fstab line), GRUBEXTRA.
mkimg() {
	local img=$1
	shift
	local ROOT="UUID=$UUID" KERNEL=/boot/vmlinuz-$KVER DEFAULT=0 MODS="xen-blkfront virtio_blk"
	local FSTAB="" GRUBEXTRA="" MENULST=""
	[ $# -eq 0 ] || local "$@"
	rm -rf r && mkdir -p r/boot/grub r/etc
	cp "$K" "r/boot/vmlinuz-$KVER"
	cp "$KCONFIG" "r/boot/config-$KVER"
	# shellcheck disable=SC2086
	mkinitrd ir "r/boot/initrd.img-$KVER" $MODS
	printf 'set default=%s\n%s\nmenuentry "Debian" {\n  linux %s root=%s ro quiet\n  initrd /boot/initrd.img-%s\n}\n' \
		"$DEFAULT" "$GRUBEXTRA" "$KERNEL" "$ROOT" "$KVER" >r/boot/grub/grub.cfg
	[ -n "$MENULST" ] && printf '%s\n' "$MENULST" >r/boot/grub/menu.lst
	printf 'UUID=%s / ext4 defaults 0 1\n%s\n' "$UUID" "$FSTAB" >r/etc/fstab
	rm -f "$img"
	truncate -s 64M "$img"
	printf 'label: dos\nstart=2048, type=83\n' | sfdisk -q "$img"
	mke2fs -q -F -t ext4 -U "$UUID" -L rootfs -d r -E offset=1048576 "$img" 60000k
}

# finding NAME IMG CODE [ARGS...]: doctor exits 1 and reports CODE.
finding() {
	local name=$1 img=$2 code=$3
	shift 3
	wanted "$name" || return 0
	local out rc
	out=$("$GUESTBOOT" doctor --json "$@" "$img" 2>&1)
	rc=$?
	if [ "$rc" -eq 1 ] && jq -e --arg c "$code" '.findings | any(.code == $c and .severity == "error" and (.fix | length > 0))' \
		<<<"$out" >/dev/null; then
		pass "$name"
	else
		fail "$name" "exit $rc, wanted 1 and an error '$code'" "$out"
	fi
}

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
if wanted doctor/default-invalid; then
	out=$("$GUESTBOOT" doctor --json baddefault.img 2>&1)
	jq -e '.findings | any(.code == "default-invalid")' <<<"$out" >/dev/null &&
		pass doctor/default-invalid || fail doctor/default-invalid "$out"
fi

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
if wanted doctor/fstab-nofail-warning; then
	out=$("$GUESTBOOT" doctor --json nofail.img 2>&1)
	rc=$?
	[ "$rc" -eq 0 ] && jq -e '.findings | any(.code == "fstab-label-not-found" and .severity == "warning")' <<<"$out" >/dev/null &&
		pass doctor/fstab-nofail-warning || fail doctor/fstab-nofail-warning "exit $rc" "$out"
fi

mkimg noxen.img MODS="virtio_blk ext4"
finding doctor/initrd-no-xen-blkfront noxen.img initrd-no-disk-driver
check doctor/initrd-virtio-on-kvm "$GUESTBOOT" doctor --target kvm noxen.img
mkimg novirtio.img MODS="xen-blkfront"
finding doctor/initrd-no-virtio-firecracker novirtio.img initrd-no-disk-driver --target firecracker

mkimg saved.img DEFAULT='"${saved_entry}"' GRUBEXTRA='load_env'
if wanted doctor/pygrub-saved-entry; then
	out=$("$GUESTBOOT" doctor --json saved.img 2>&1)
	jq -e '.findings | any(.code == "pygrub-saved-default")' <<<"$out" >/dev/null &&
		pass doctor/pygrub-saved-entry || fail doctor/pygrub-saved-entry "$out"
fi

expect_error doctor/bad-target 2 "unknown --target" "$GUESTBOOT" doctor --target hvm clean.img
