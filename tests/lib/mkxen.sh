#!/bin/bash
# The Xen host for tests/integration/xen_nested.sh, made once and cached
# OUTSIDE the repository in $GB_CACHE (default /var/cache/guestboot):
#
#   mkxen.sh hypervisor   $GB_CACHE/xen-4.17/xen: Debian's Xen 4.17 hypervisor,
#                         from the .deb (apt-get download + dpkg-deb -x, never
#                         installed on this host: its postinst runs update-grub)
#   mkxen.sh dom0         $GB_CACHE/xen-dom0-bookworm.tar: a Debian 12 minbase
#                         with the 6.1 kernel, its initramfs and xen-utils-4.17
#   mkxen.sh guest-initrd TARBALL
#                         prints the path of $GB_CACHE/xen-guest-initrd-BASE-VERSION:
#                         an initramfs for the newest kernel of the Debian system
#                         in TARBALL (tests/lib/mkguest.sh's base) holding only
#                         the modules a Xen PV guest needs (xen-blkfront)
#
# Both initramfs are Debian's initramfs-tools with MODULES=list: under
# nested TCG a smaller one (fewer modules for udev to load) boots much
# faster than MODULES=most's.
# Delete a file to rebuild it. Needs root and debootstrap.
set -u
set -o pipefail

GB_CACHE=${GB_CACHE:-/var/cache/guestboot}
GB_MIRROR=${GB_MIRROR:-http://deb.debian.org/debian}
XEN_DIR=$GB_CACHE/xen-4.17
DOM0_TAR=$GB_CACHE/xen-dom0-bookworm.tar

die() {
	echo "mkxen: $*" >&2
	exit 1
}

tmp=""
trap '[ -n "$tmp" ] && rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM

make_hypervisor() {
	[ -s "$XEN_DIR/xen" ] && return 0
	mkdir -p "$XEN_DIR" || die "cannot create $XEN_DIR"
	tmp=$(mktemp -d "$GB_CACHE/xen.XXXXXX") || die mktemp
	(cd "$tmp" && apt-get download -q xen-hypervisor-4.17-amd64 >download.log 2>&1) ||
		{ cat "$tmp/download.log" >&2; die "apt-get download xen-hypervisor-4.17-amd64 failed"; }
	dpkg-deb -x "$tmp"/xen-hypervisor-4.17-amd64_*.deb "$tmp/x" || die "dpkg-deb -x"
	# QEMU's multiboot loader takes an uncompressed ELF
	gunzip -c "$tmp"/x/boot/xen-4.17*-amd64.gz >"$XEN_DIR/xen.tmp" || die "no xen-4.17-amd64.gz in the package"
	mv "$XEN_DIR/xen.tmp" "$XEN_DIR/xen"
}

make_dom0() {
	[ -s "$DOM0_TAR" ] && return 0
	command -v debootstrap >/dev/null || die "debootstrap is not installed (scripts/install-deps)"
	mkdir -p "$GB_CACHE" || die "cannot create $GB_CACHE"
	tmp=$(mktemp -d "$GB_CACHE/dom0.XXXXXX") || die mktemp
	echo "mkxen: debootstrap the dom0 into $tmp (once; a few minutes)" >&2
	timeout 1800 debootstrap --variant=minbase \
		--include=linux-image-amd64,initramfs-tools,xen-utils-4.17,kmod,procps,python3 \
		bookworm "$tmp/root" "$GB_MIRROR" >"$tmp/log" 2>&1 ||
		{ tail -20 "$tmp/log" >&2; die "debootstrap failed"; }
	rm -rf "$tmp/root/var/cache/apt/archives/"*.deb "$tmp/root/var/lib/apt/lists/"*
	# the root is a virtio disk (QEMU), ext4
	small_initramfs "$tmp/root" virtio_pci virtio_blk ext4
	chroot "$tmp/root" update-initramfs -u -k all >"$tmp/log" 2>&1 ||
		{ tail -20 "$tmp/log" >&2; die "update-initramfs failed"; }
	ls "$tmp"/root/boot/vmlinuz-* "$tmp"/root/boot/initrd.img-* >/dev/null ||
		die "the dom0 has no kernel or initrd"
	tar -C "$tmp/root" --numeric-owner -cf "$DOM0_TAR.tmp" . || die tar
	mv "$DOM0_TAR.tmp" "$DOM0_TAR"
}

# small_initramfs TREE MODULE...: initramfs-tools in TREE takes only MODULEs.
small_initramfs() {
	local t=$1
	shift
	echo MODULES=list >"$t/etc/initramfs-tools/conf.d/guestboot-tests" || die "initramfs-tools config"
	printf '%s\n' "$@" >>"$t/etc/initramfs-tools/modules"
}

make_guest_initrd() {
	local base=$1 v out
	v=$(tar tf "$base" ./boot/ | sed -n 's|^\./boot/vmlinuz-||p' | sort -V | tail -1)
	[ -n "$v" ] || die "no kernel in $base"
	out=$GB_CACHE/xen-guest-initrd-$(basename "$base" .tar)-$v
	if [ ! -s "$out" ]; then
		tmp=$(mktemp -d "$GB_CACHE/guest-initrd.XXXXXX") || die mktemp
		tar -C "$tmp" --numeric-owner -xf "$base" || die "untar $base"
		small_initramfs "$tmp" xen-blkfront
		chroot "$tmp" mkinitramfs -o /initrd.new "$v" >"$tmp.log" 2>&1 ||
			{ tail -20 "$tmp.log" >&2; rm -f "$tmp.log"; die "mkinitramfs failed"; }
		rm -f "$tmp.log"
		mv "$tmp/initrd.new" "$out" || die "mv $out"
	fi
	echo "$out"
}

case "${1:-}" in
hypervisor) make_hypervisor ;;
dom0) make_dom0 ;;
guest-initrd) make_guest_initrd "${2:?usage: mkxen.sh guest-initrd TARBALL}" ;;
*) die "usage: mkxen.sh hypervisor|dom0|guest-initrd TARBALL" ;;
esac
