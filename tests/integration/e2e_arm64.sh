# End to end on arm64: a real Debian 12 arm64 guest (tests/lib/mkguest_arm64.sh,
# debootstrapped through qemu-user-static) boots under qemu-system-aarch64
# -machine virt (TCG) from the kernel, initrd and command line that
# 'guestboot extract' takes out of its image, as its own boot configuration
# says. Cases:
#   grub   GRUB's arm64 layout: the ESP's stub grub.cfg, the root's
#          /boot/grub/grub.cfg; extract -f qemu's line boots, the disk on
#          virtio-blk-pci
#   bls    systemd-boot's: BLS Type 1 entries and the kernel on the ESP,
#          loader.conf's default, an entry for arm64 only; the Image that
#          extract --raw-image -f qemu writes and names boots, the disk on
#          virtio-blk-device (MMIO)
# and doctor --target qemu-arm64 must find nothing wrong with either.
# Each boots to the guest's login: prompt, bounded by GB_E2E_ARM64_TIMEOUT
# seconds (default 420). Oracles: the image description mkguest_arm64.sh
# writes (where the configuration is, the default entry's arguments, which
# end in a token unique to the image), the kernel file in the cached
# Debian system, and what the booted guest says on its console: the
# kernel's "Kernel command line:", its own findmnt of / and /boot/efi and
# /proc/cmdline.
#
# GB_E2E=0 skips it (a SKIP line a case), as it does e2e_qemu. The
# Debian system is built once into $GB_CACHE (/var/cache/guestboot) and
# reused; building it needs binfmt_misc (mounted and registered here when
# it is not). Without qemu-system-aarch64, debootstrap or binfmt_misc the
# cases SKIP with the reason.
. "$GB_TOP/tests/lib/common.sh"

mkguest=$GB_TOP/tests/lib/mkguest_arm64.sh
boot_timeout=${GB_E2E_ARM64_TIMEOUT:-420}
cases="grub bls"

todo=()
for c in $cases; do wanted "e2e-arm64/$c" && todo+=("$c"); done
[ ${#todo[@]} -gt 0 ] || exit 0

skip_all() {
	for c in "${todo[@]}"; do skip "e2e-arm64/$c" "$1"; done
	exit 0
}
[ "${GB_E2E:-1}" = 0 ] && skip_all "GB_E2E=0"
missing=""
for t in qemu-system-aarch64 debootstrap mke2fs mkfs.fat mcopy sfdisk jq cmp; do
	command -v "$t" >/dev/null || missing="$missing $t"
done
[ -z "$missing" ] || skip_all "not installed:$missing (scripts/install-deps)"
[ "$(id -u)" -eq 0 ] || skip_all "needs root (debootstrap, binfmt_misc)"

# The cached base system (several minutes the first time, emulated).
base_tar=$("$mkguest" base-path)
if [ ! -s "$base_tar" ] && ! why=$("$mkguest" binfmt 2>&1); then
	skip_all "cannot run arm64 programs here: ${why#mkguest_arm64: }"
fi
t0=$(date +%s)
if ! "$mkguest" base 2>base.log; then
	for c in "${todo[@]}"; do fail "e2e-arm64/$c" "building the arm64 system failed" "$(tail -20 base.log)"; done
	exit 0
fi
base_secs=$(($(date +%s) - t0))

# -cpu max with the cheap pointer authentication QEMU offers (the
# architected one costs much under TCG); one CPU, as e2e_qemu's guests.
qemu_system=(qemu-system-aarch64 -machine virt -accel tcg -cpu max,pauth-impdef=on)
mk_pid=""
trap 'kill $qemu_pid $mk_pid 2>/dev/null' EXIT

# make_bg LAYOUT: make the layout's image in the background (while the
# previous guest boots); LAYOUT.mk.log gets mkguest's output, then its
# exit status and time.
make_bg() {
	(
		t0=$(date +%s)
		"$mkguest" "$1" "$PWD/$1.img" >"$1.mk.log" 2>&1 &
		trap 'kill $!' TERM
		wait $!
		echo "mk: $? $(($(date +%s) - t0))" >>"$1.mk.log"
	) &
	mk_pid=$!
}

# words STRING: STRING with its words separated by single spaces.
words() {
	local w
	read -ra w <<<"$1"
	echo "${w[*]}"
}

# args_words LINE: the words of a command line without GRUB's BOOT_IMAGE=.
args_words() {
	local w out=()
	read -ra w <<<"$1"
	for x in "${w[@]}"; do
		case $x in BOOT_IMAGE=*) ;; *) out+=("$x") ;; esac
	done
	echo "${out[*]}"
}

console_tail() {
	echo "qemu: $(head -c 500 "$1.qemu")"
	echo "last 30 lines of the console:"
	tail -30 "$1.txt"
}

make_bg "${todo[0]}"
for ((n = 0; n < ${#todo[@]}; n++)); do
	layout=${todo[n]}
	name=e2e-arm64/$layout
	img=$PWD/$layout.img
	wait "$mk_pid"
	mk_pid=""
	[ $((n + 1)) -lt ${#todo[@]} ] && make_bg "${todo[n + 1]}"
	read -r _ rc mk_secs < <(tail -1 "$layout.mk.log")
	if [ "$rc" != 0 ]; then
		fail "$name" "making the image failed" "$(tail -20 "$layout.mk.log")"
		continue
	fi
	CONFIG="" CMDLINE="" ROOT_MOUNT="" EFI_MOUNT="" KERNEL="" KVER=""
	. "$img.env"

	# The configuration guestboot runs is the guest's own.
	cfg=$("$GUESTBOOT" list --json "$img" 2>&1 | jq -r '"\(.config.volume):\(.config.path)"' 2>&1)
	if [ "$cfg" != "$CONFIG" ]; then
		fail "$name" "guestboot list ran $cfg, not $CONFIG"
		continue
	fi
	# bls boots the uncompressed Image --raw-image writes (Debian's
	# vmlinuz is one already: the same bytes; Image.gz and EFI zboot
	# kernels are arm64_kernels.sh's)
	raw=()
	[ "$layout" = bls ] && raw=(--raw-image)
	rm -rf "out-$layout" && mkdir "out-$layout"
	if ! line=$("$GUESTBOOT" extract -o "out-$layout" -f qemu "${raw[@]}" "$img" 2>&1); then
		fail "$name" "extract: $line"
		continue
	fi
	eval "set -- $line"
	problems=()
	want_kernel=$PWD/out-$layout/vmlinuz
	[ ${#raw[@]} -gt 0 ] && want_kernel=$PWD/out-$layout/Image
	if [ $# -ne 6 ] || [ "$1" != -kernel ] || [ "$2" != "$want_kernel" ] || [ "$3" != -initrd ] ||
		[ "$5" != -append ] || [ "$(args_words "$6")" != "$(words "$CMDLINE")" ]; then
		problems+=("extract printed: $line" "(want -kernel $want_kernel -initrd -append '$CMDLINE', the default entry's)")
	else
		# The files are the Debian system's own, as extract found them
		# (the arm64 kernel goes to QEMU as it is: an Image, or a gzip'd
		# one, which QEMU unpacks).
		tar -xOf "$base_tar" "./boot/vmlinuz-$KVER" | cmp -s - "$2" ||
			problems+=("$2 is not the guest's /boot/vmlinuz-$KVER")
		# an arm64 Image: "ARM\x64" at byte 56 (the kernel's booting.rst)
		[ "$(od -An -tx1 -j56 -N4 "$2" | tr -d ' ')" = 41524d64 ] ||
			problems+=("$2 has no arm64 Image header")
		tar -xOf "$base_tar" "./boot/initrd.img-$KVER" | cmp -s - "$4" ||
			problems+=("$4 is not the guest's /boot/initrd.img-$KVER")
		# json names the same files and line, and the entry's own arguments
		json=$("$GUESTBOOT" extract --print -f json "$img" 2>&1)
		got=$(jq -r '"\(.kernel) \(.args)"' <<<"$json" 2>&1)
		[ "$(words "$got")" = "$(words "$KERNEL $CMDLINE")" ] ||
			problems+=("extract --print -f json: $json" "(want kernel $KERNEL, args '$CMDLINE')")
		got=$(jq -r .cmdline <<<"$json" 2>&1)
		[ "$got" = "$6" ] || problems+=("json cmdline '$got', the qemu line's '$6'")
		# the guest boots (below), so doctor must not say it would not
		got=$("$GUESTBOOT" doctor --target qemu-arm64 "$img" 2>&1) ||
			problems+=("doctor --target qemu-arm64 finds problems with a bootable guest:" "$got")
	fi
	if [ ${#problems[@]} -gt 0 ]; then
		fail "$name" "${problems[@]}"
		rm -rf "$img" "$img.env" "out-$layout"
		continue
	fi
	want_cmdline=$(words "$6")
	# grub: virtio-blk-pci; bls: virtio-blk-device, QEMU virt's MMIO
	# transport (both are the guest's /dev/vda)
	blk=virtio-blk-pci
	[ "$layout" = bls ] && blk=virtio-blk-device
	qemu_until "$layout" "$boot_timeout" '^guest login:|^\(initramfs\) |Give root password for maintenance|Kernel panic' \
		-nodefaults -kernel "$2" -initrd "$4" -append "$6" \
		-drive "if=none,id=d0,format=raw,file=$img" -device "$blk,drive=d0"
	log=$layout.txt
	grep -q '^guest login:' "$log" || problems+=("no 'guest login:' prompt within ${boot_timeout}s")
	# the kernel's own line, then the guest's view
	got=$(sed -n 's/^\[ *[0-9.]*\] Kernel command line: //p' "$log" | head -1)
	[ "$(words "$got")" = "$want_cmdline" ] ||
		problems+=("kernel command line '$got', want '$want_cmdline'")
	got=$(sed -n 's/^gb-cmdline //p' "$log" | head -1)
	[ "$(words "$got")" = "$want_cmdline" ] || problems+=("/proc/cmdline '$got', want '$want_cmdline'")
	got=$(grep -m1 '^gb-mount / ' "$log")
	[ "$(words "$got")" = "$(words "gb-mount / $ROOT_MOUNT")" ] ||
		problems+=("root: '$got', want 'gb-mount / $ROOT_MOUNT'")
	got=$(grep -m1 '^gb-mount /boot/efi' "$log")
	[ "$(words "$got")" = "$(words "gb-mount /boot/efi $EFI_MOUNT")" ] ||
		problems+=("/boot/efi: '$got', want 'gb-mount /boot/efi $EFI_MOUNT'")
	if [ ${#problems[@]} -eq 0 ]; then
		pass "$name"
		echo "  $name: base ready in ${base_secs}s, image made in ${mk_secs}s, login: prompt after ${boot_secs}s" >&2
	else
		fail "$name" "${problems[@]}" "command line: $want_cmdline" "$(console_tail "$layout")"
	fi
	rm -rf "$img" "$img.env" "$log" "$layout.serial" "$layout.qemu" "$layout.mk.log" "out-$layout"
done
