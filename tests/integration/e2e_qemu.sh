# End to end: real Debian 12 guests (tests/lib/mkguest.sh) boot under QEMU
# from the kernel, initrd and command line that 'guestboot extract -f qemu'
# takes out of their images, as their own bootloader configuration says.
# One case per disk layout; each boots to the guest's login: prompt under
# TCG, bounded by GB_E2E_TIMEOUT seconds (default 240).
#
# GB_E2E=0 skips the whole script (no output). The Debian system is
# debootstrapped once into $GB_CACHE (/var/cache/guestboot) and reused.
. "$GB_TOP/tests/lib/common.sh"

[ "${GB_E2E:-1}" = 0 ] && exit 0

mkguest=$GB_TOP/tests/lib/mkguest.sh
boot_timeout=${GB_E2E_TIMEOUT:-240}
layouts="mbr-boot gpt-xfsboot mbr-logical menulst"

any=""
for l in $layouts; do wanted "e2e/$l" && any=1; done
[ -n "$any" ] || exit 0

missing=""
for t in qemu-system-x86_64 debootstrap mke2fs mkfs.xfs sfdisk jq; do
	command -v "$t" >/dev/null || missing="$missing $t"
done
if [ -n "$missing" ] || [ "$(id -u)" -ne 0 ]; then
	for l in $layouts; do
		wanted "e2e/$l" && fail "e2e/$l" "needs root and:$missing (scripts/install-deps)"
	done
	exit 0
fi

# The cached base system (a few minutes the first time).
if ! "$mkguest" base 2>base.log; then
	for l in $layouts; do wanted "e2e/$l" && fail "e2e/$l" "debootstrap failed" "$(tail -20 base.log)"; done
	exit 0
fi

qemu_pid=""
trap '[ -n "$qemu_pid" ] && kill "$qemu_pid" 2>/dev/null' EXIT

# boot NAME IMAGE ARGS...: run QEMU on IMAGE with the kernel arguments;
# return once the serial log (NAME.serial) shows a login: prompt, QEMU exits
# or the time is up. Sets boot_secs.
boot() {
	local name=$1 img=$2 log=$1.serial
	shift 2
	: >"$log"
	local t0=$(date +%s)
	timeout -k 5 "$boot_timeout" qemu-system-x86_64 -machine pc -accel tcg -cpu max -m 1024 \
		-nographic -no-reboot -monitor none -serial "file:$log" \
		"$@" -drive "file=$img,format=raw,if=virtio" </dev/null >"$name.qemu" 2>&1 &
	qemu_pid=$!
	local i
	for ((i = 0; i < boot_timeout + 10; i++)); do
		# the prompt, or the initramfs or systemd giving up
		grep -Eq '^guest login:|^\(initramfs\) |Give root password for maintenance' "$log" && break
		kill -0 "$qemu_pid" 2>/dev/null || break
		sleep 1
	done
	boot_secs=$(($(date +%s) - t0))
	kill "$qemu_pid" 2>/dev/null
	wait "$qemu_pid" 2>/dev/null
	qemu_pid=""
}

for layout in $layouts; do
	name=e2e/$layout
	wanted "$name" || continue
	img=$PWD/$layout.img
	t0=$(date +%s)
	if ! "$mkguest" "$layout" "$img" >"$layout.mk.log" 2>&1; then
		fail "$name" "making the image failed" "$(tail -20 "$layout.mk.log")"
		continue
	fi
	mk_secs=$(($(date +%s) - t0))
	ROOT_PART="" ROOT_UUID="" BOOT_PART="" BOOT_FS="" BOOT_UUID=""
	. "$img.env"

	# The configuration guestboot runs is the guest's own.
	want_cfg=/boot/grub/grub.cfg want_vol=$BOOT_PART
	[ "$layout" = menulst ] && want_cfg=/boot/grub/menu.lst
	[ "$BOOT_PART" != "$ROOT_PART" ] && want_cfg=${want_cfg#/boot}
	cfg=$("$GUESTBOOT" list --json "$img" 2>&1 | jq -r '"\(.config.volume):\(.config.path)"' 2>&1)
	if [ "$cfg" != "$want_vol:$want_cfg" ]; then
		fail "$name" "guestboot list ran $cfg, not $want_vol:$want_cfg"
		continue
	fi

	rm -rf "out-$layout" && mkdir "out-$layout"
	if ! line=$("$GUESTBOOT" extract -o "out-$layout" -f qemu "$img" 2>&1); then
		fail "$name" "extract: $line"
		continue
	fi
	eval "set -- $line"
	if [ $# -ne 6 ] || [ "$1" != -kernel ] || [ "$3" != -initrd ] || [ "$5" != -append ] ||
		[[ " $6 " != *" root=UUID=$ROOT_UUID "* ]]; then
		fail "$name" "extract printed: $line" "(want -kernel -initrd -append with root=UUID=$ROOT_UUID)"
		continue
	fi
	boot "$layout" "$img" "$1" "$2" "$3" "$4" "$5" "$6 console=ttyS0"
	log=$layout.serial
	# the serial log has CRLF line ends and may hold escape sequences
	tr -d '\r' <"$log" >"$log.txt"
	problems=()
	grep -Eq "EXT4-fs \(vda$ROOT_PART\): mounted filesystem" "$log.txt" ||
		problems+=("no 'EXT4-fs (vda$ROOT_PART): mounted filesystem' (the root)")
	if [ "$BOOT_PART" != "$ROOT_PART" ]; then
		case $BOOT_FS in
		xfs) pat="XFS \(vda$BOOT_PART\): (Ending clean mount|Mounting V5)" ;;
		*) pat="EXT4-fs \(vda$BOOT_PART\): mounted filesystem" ;;
		esac
		grep -Eq "$pat" "$log.txt" || problems+=("/boot (vda$BOOT_PART, $BOOT_FS) not mounted")
	fi
	grep -q '^guest login:' "$log.txt" || problems+=("no 'guest login:' prompt within ${boot_timeout}s")
	if [ ${#problems[@]} -eq 0 ]; then
		pass "$name"
		echo "  $name: image made in ${mk_secs}s, login: prompt after ${boot_secs}s" >&2
	else
		fail "$name" "${problems[@]}" "qemu: $(head -c 500 "$layout.qemu")" "command line: $6 console=ttyS0" \
			"last 30 lines of the serial log:" "$(tail -30 "$log.txt")"
	fi
	# The check is not vacuous: the same kernel with another root UUID
	# does not reach the prompt (the initramfs gives up after ~30 s).
	if [ "$layout" = mbr-boot ] && wanted e2e/wrong-root-no-login; then
		other=$(cat /proc/sys/kernel/random/uuid)
		boot wrong-root "$img" "$1" "$2" "$3" "$4" "$5" "${6//$ROOT_UUID/$other} console=ttyS0"
		tr -d '\r' <wrong-root.serial >wrong-root.txt
		if ! grep -q 'login:' wrong-root.txt && grep -q "UUID=$other does not exist" wrong-root.txt; then
			pass e2e/wrong-root-no-login
		else
			fail e2e/wrong-root-no-login "want no login: and 'UUID=$other does not exist'" \
				"last 30 lines of the serial log:" "$(tail -30 wrong-root.txt)"
		fi
	fi
	rm -rf "$img" "$log.txt" "out-$layout"
done
