# End to end: real Debian 12 guests (tests/lib/mkguest.sh) boot under QEMU
# from the kernel, initrd and command line that 'guestboot extract -f qemu'
# takes out of their images, as their own bootloader configuration says.
# One case per disk layout; each boots to the guest's login: prompt under
# TCG, bounded by GB_E2E_TIMEOUT seconds (default 240). Oracles: the image
# description mkguest.sh writes (where the configuration is, the default
# entry's arguments as grub-mkconfig or the hand-written menu.lst has them)
# and what the booted guest says on its serial console: the kernel's
# "Command line:", and its own findmnt of / and /boot and /proc/cmdline
# (mkguest.sh's tune_guest).
#
# GB_E2E=0 skips the whole script (a SKIP line a case). The Debian system is
# debootstrapped once into $GB_CACHE (/var/cache/guestboot) and reused.
. "$GB_TOP/tests/lib/common.sh"

mkguest=$GB_TOP/tests/lib/mkguest.sh
boot_timeout=${GB_E2E_TIMEOUT:-240}
# qcow2-LAYOUT: LAYOUT's image converted to a compressed qcow2, which
# guestboot reads and QEMU boots
# uki: an ESP with nothing but a Unified Kernel Image, split into kernel,
# initrd and command line (what no EFI-less boot could start otherwise)
cases="mbr-boot gpt-xfsboot mbr-logical btrfs menulst-lvm qcow2-menulst uki"
# cases that boot mbr-boot's image again (no image of their own)
# pvh-vmlinux: the ELF vmlinux 'extract --vmlinux' takes out of the bzImage,
# which QEMU starts at its PVH entry (no real-mode setup code runs)
mbr_extras="wrong-root-no-login pvh-vmlinux"

todo=()
for c in $cases; do
	if wanted "e2e/$c"; then
		todo+=("$c")
	elif [ "$c" = mbr-boot ]; then
		for x in $mbr_extras; do wanted "e2e/$x" && todo+=("$c") && break; done
	fi
done
[ ${#todo[@]} -gt 0 ] || exit 0
if [ "${GB_E2E:-1}" = 0 ]; then
	for c in "${todo[@]}"; do skip "e2e/$c" "GB_E2E=0"; done
	exit 0
fi

missing=""
for t in qemu-system-x86_64 qemu-img debootstrap mke2fs mkfs.xfs mkfs.btrfs pvcreate sfdisk losetup jq; do
	command -v "$t" >/dev/null || missing="$missing $t"
done
if [ -n "$missing" ] || [ "$(id -u)" -ne 0 ]; then
	why="needs root (debootstrap, loop devices)"
	[ -n "$missing" ] && why="not installed:$missing (scripts/install-deps)"
	for c in "${todo[@]}"; do skip "e2e/$c" "$why"; done
	exit 0
fi

# The cached base system (a few minutes the first time).
if ! "$mkguest" base 2>base.log; then
	for c in "${todo[@]}"; do fail "e2e/$c" "debootstrap failed" "$(tail -20 base.log)"; done
	exit 0
fi

qemu_pid="" mk_pid=""
trap 'kill $qemu_pid $mk_pid 2>/dev/null' EXIT

# image CASE: the image file of a case
image() { case $1 in qcow2-*) echo "$PWD/$1.qcow2" ;; *) echo "$PWD/$1.img" ;; esac; }

# make_bg CASE: make the case's image in the background (while the
# previous guest boots); CASE.mk.log gets mkguest's output, then its time
# and exit status.
make_bg() {
	local c=$1
	(
		t0=$(date +%s)
		"$mkguest" "${c#qcow2-}" "$(image "$c")" >"$c.mk.log" 2>&1 &
		trap 'kill $!' TERM
		wait $!
		echo "mk: $? $(($(date +%s) - t0))" >>"$c.mk.log"
	) &
	mk_pid=$!
}

# boot NAME IMAGE FORMAT ARGS...: run QEMU on IMAGE with the kernel
# arguments; return once the serial log shows a login: prompt, QEMU exits
# or the time is up. Leaves the log, without CRs, in NAME.txt; sets
# boot_secs. No default devices: the guest has the virtio disk and the
# serial port only (no network card or CD-ROM to probe).
boot() {
	local name=$1 img=$2 fmt=$3
	shift 3
	# the prompt, or the initramfs or systemd giving up
	qemu_until "$name" "$boot_timeout" '^guest login:|^\(initramfs\) |Give root password for maintenance' \
		-nodefaults "$@" -drive "file=$img,format=$fmt,if=virtio"
}

# words STRING: STRING with its words separated by single spaces.
words() {
	local w
	read -ra w <<<"$1"
	echo "${w[*]}"
}

# args_words LINE: the words of a command line without what the bootloader
# adds itself (GRUB and syslinux: BOOT_IMAGE= first; syslinux: initrd=),
# to compare with the recipe's command line.
args_words() {
	local w out=()
	read -ra w <<<"$1"
	for x in "${w[@]}"; do
		case $x in BOOT_IMAGE=* | initrd=*) ;; *) out+=("$x") ;; esac
	done
	echo "${out[*]}"
}

# console_tail NAME: the end of NAME's serial log, for failure reports.
console_tail() {
	echo "qemu: $(head -c 500 "$1.qemu")"
	echo "last 30 lines of the serial log:"
	tail -30 "$1.txt"
}

make_bg "${todo[0]}"
for ((n = 0; n < ${#todo[@]}; n++)); do
	layout=${todo[n]}
	name=e2e/$layout
	img=$(image "$layout")
	wait "$mk_pid"
	mk_pid=""
	[ $((n + 1)) -lt ${#todo[@]} ] && make_bg "${todo[n + 1]}"
	read -r _ rc mk_secs < <(tail -1 "$layout.mk.log")
	if [ "$rc" != 0 ]; then
		fail "$name" "making the image failed" "$(tail -20 "$layout.mk.log")"
		continue
	fi
	FORMAT="" CONFIG="" CMDLINE="" ROOT_MOUNT="" BOOT_MOUNT="" ROOT_UUID=""
	. "$img.env"

	# The configuration guestboot runs is the guest's own.
	cfg=$("$GUESTBOOT" list --json "$img" 2>&1 | jq -r '"\(.config.volume):\(.config.path)"' 2>&1)
	if [ "$cfg" != "$CONFIG" ]; then
		fail "$name" "guestboot list ran $cfg, not $CONFIG"
		continue
	fi

	rm -rf "out-$layout" && mkdir "out-$layout"
	if ! line=$("$GUESTBOOT" extract -o "out-$layout" -f qemu "$img" 2>&1); then
		fail "$name" "extract: $line"
		continue
	fi
	eval "set -- $line"
	if [ $# -ne 6 ] || [ "$1" != -kernel ] || [ "$3" != -initrd ] || [ "$5" != -append ] ||
		[ "$(args_words "$6")" != "$(words "$CMDLINE")" ]; then
		fail "$name" "extract printed: $line" "(want -kernel -initrd -append '$CMDLINE', the default entry's)"
		continue
	fi
	want_cmdline=$(words "$6 console=ttyS0")
	log=$layout.txt
	if wanted "$name"; then
		boot "$layout" "$img" "$FORMAT" "$1" "$2" "$3" "$4" "$5" "$want_cmdline"
		problems=()
		grep -q '^guest login:' "$log" || problems+=("no 'guest login:' prompt within ${boot_timeout}s")
		# the kernel's own line, then the guest's view (tune_guest's report)
		got=$(sed -n 's/^\[ *[0-9.]*\] Command line: //p' "$log" | head -1)
		[ "$(words "$got")" = "$want_cmdline" ] ||
			problems+=("kernel command line '$got', want '$want_cmdline'")
		got=$(sed -n 's/^gb-cmdline //p' "$log" | head -1)
		[ "$(words "$got")" = "$want_cmdline" ] || problems+=("/proc/cmdline '$got', want '$want_cmdline'")
		got=$(grep -m1 '^gb-mount / ' "$log")
		[ "$(words "$got")" = "$(words "gb-mount / $ROOT_MOUNT")" ] ||
			problems+=("root: '$got', want 'gb-mount / $ROOT_MOUNT'")
		got=$(grep -m1 '^gb-mount /boot' "$log")
		[ "$(words "$got")" = "$(words "gb-mount /boot $BOOT_MOUNT")" ] ||
			problems+=("/boot: '$got', want 'gb-mount /boot $BOOT_MOUNT'")
		if [ ${#problems[@]} -eq 0 ]; then
			pass "$name"
			echo "  $name: image made in ${mk_secs}s, login: prompt after ${boot_secs}s" >&2
		else
			fail "$name" "${problems[@]}" "command line: $want_cmdline" "$(console_tail "$layout")"
		fi
	fi
	# The check is not vacuous: the same kernel with another root UUID
	# does not reach the prompt (the initramfs gives up; rootdelay keeps
	# that short).
	if [ "$layout" = mbr-boot ] && wanted e2e/wrong-root-no-login; then
		other=$(cat /proc/sys/kernel/random/uuid)
		boot wrong-root "$img" "$FORMAT" "$1" "$2" "$3" "$4" "$5" "${want_cmdline//$ROOT_UUID/$other} rootdelay=5"
		if ! grep -q 'login:' wrong-root.txt && grep -q "UUID=$other does not exist" wrong-root.txt; then
			pass e2e/wrong-root-no-login
		else
			fail e2e/wrong-root-no-login "want no login: and 'UUID=$other does not exist'" \
				"$(console_tail wrong-root)"
		fi
	fi
	# The same guest from its kernel's ELF vmlinux: QEMU loads an ELF
	# -kernel only through its PVH note, so reaching login: means the PVH
	# entry ran, with the initrd and the entry's command line.
	if [ "$layout" = mbr-boot ] && wanted e2e/pvh-vmlinux; then
		rm -rf out-pvh && mkdir out-pvh
		if ! pline=$("$GUESTBOOT" extract -o out-pvh -f qemu --vmlinux "$img" 2>&1); then
			fail e2e/pvh-vmlinux "extract --vmlinux: $pline"
		else
			eval "pv=($pline)"
			problems=()
			[ ${#pv[@]} -eq 6 ] && [ "${pv[0]}" = -kernel ] && [ "${pv[1]}" = "$PWD/out-pvh/vmlinux" ] &&
				[ "${pv[2]}" = -initrd ] && [ "${pv[4]}" = -append ] &&
				[ "$(args_words "${pv[5]}")" = "$(words "$CMDLINE")" ] ||
				problems+=("extract printed: $pline" "(want -kernel $PWD/out-pvh/vmlinux -initrd -append '$CMDLINE')")
			[ "$(head -c 4 out-pvh/vmlinux | od -An -c | tr -d ' ')" = "177ELF" ] ||
				problems+=("out-pvh/vmlinux is not an ELF file")
			if [ ${#problems[@]} -eq 0 ]; then
				boot pvh "$img" "$FORMAT" "${pv[@]:0:5}" "$want_cmdline"
				grep -q '^guest login:' pvh.txt || problems+=("no 'guest login:' prompt within ${boot_timeout}s")
				got=$(sed -n 's/^\[ *[0-9.]*\] Command line: //p' pvh.txt | head -1)
				[ "$(words "$got")" = "$want_cmdline" ] ||
					problems+=("kernel command line '$got', want '$want_cmdline'")
				got=$(sed -n 's/^gb-cmdline //p' pvh.txt | head -1)
				[ "$(words "$got")" = "$want_cmdline" ] || problems+=("/proc/cmdline '$got', want '$want_cmdline'")
			fi
			if [ ${#problems[@]} -eq 0 ]; then
				pass e2e/pvh-vmlinux
				echo "  e2e/pvh-vmlinux: login: prompt after ${boot_secs}s" >&2
			else
				fail e2e/pvh-vmlinux "${problems[@]}" "$( [ -f pvh.txt ] && console_tail pvh)"
			fi
		fi
		rm -rf out-pvh pvh.txt pvh.serial pvh.qemu
	fi
	rm -rf "$img" "$img.env" "$log" "out-$layout"
done
