# guestboot kexec without loading anything (--dry-run): it chooses what
# extract chooses, on the devices it is given or that /sys/block lists, and
# fails cleanly when there is nothing to boot. The real kexec runs under
# QEMU in kexec_qemu.sh.
. "$GB_TOP/tests/lib/common.sh"

mkdir -p root/boot/grub
head -c 30001 /dev/urandom >root/boot/vmlinuz-1
head -c 20011 /dev/urandom >root/boot/vmlinuz-2
head -c 5003 /dev/urandom >root/boot/ucode.img
head -c 7001 /dev/urandom >root/boot/initrd.img-1
cat >root/boot/grub/grub.cfg <<'EOF'
set default="1>1"
menuentry 'Debian' --id debian { linux /boot/vmlinuz-1 root=UUID=42 ro; initrd /boot/initrd.img-1 }
submenu 'Advanced' {
	menuentry 'Debian, kernel 2' --id k2 { linux /boot/vmlinuz-2 root=UUID=42 ro single }
	menuentry 'Debian, two initrds' --id two { linux /boot/vmlinuz-1 root=UUID=42 "it's" quiet; initrd /boot/ucode.img /boot/initrd.img-1 }
}
EOF
truncate -s 32M disk.img
printf 'label: dos\nstart=2048, type=83\n' | sfdisk -q disk.img
mke2fs -q -F -t ext4 -d root -E offset=1048576 disk.img 30000k
truncate -s 8M blank.img

# kexec_matches NAME KEXEC_ARGS -- EXTRACT_ARGS: the device, entry, kernel,
# initrd and command line kexec --dry-run prints are extract --print's
# (guest text escaped as for a terminal: a backslash is \x5c).
kexec_matches() {
	local name=$1 device=$2 append=$3 kx=() ex=()
	shift 3
	while [ "$1" != -- ]; do kx+=("$1"); shift; done
	shift
	ex=("$@")
	wanted "$name" || return 0
	local got want json
	got=$("$GUESTBOOT" kexec --dry-run "${kx[@]}" 2>"$GB_WORK/kexec.err")
	if ! json=$("$GUESTBOOT" extract --print "${ex[@]}" 2>&1); then
		fail "$name" "extract: $json"
		return
	fi
	want=$(jq -r --arg dev "$device" --arg append "$append" '"device: \($dev)
entry: \(.entry.path) \(.entry.title)
kernel: \(.kernel)
initrd: \(.initrd // "(none)")
cmdline: \(.cmdline | gsub("\\\\"; "\\x5c"))\(if $append == "" then "" elif .cmdline == "" then $append else " " + $append end)"' <<<"$json")
	if [ "$got" = "$want" ]; then
		pass "$name"
	else
		fail "$name" "got:" "$got" "want (from extract --print):" "$want" "stderr: $(cat "$GB_WORK/kexec.err")"
	fi
}

kexec_matches kexec/dry-run-default disk.img "" disk.img -- disk.img
kexec_matches kexec/dry-run-entry disk.img "" --entry debian disk.img -- --entry debian disk.img
kexec_matches kexec/dry-run-initrds disk.img "" -e "1>1" disk.img -- -e "1>1" disk.img
kexec_matches kexec/dry-run-args disk.img "console=ttyS0 x=1" --args "console=ttyS0 x=1" -e "1>1" disk.img -- -e "1>1" disk.img
kexec_matches kexec/dry-run-kernel-only disk.img "" --kernel-only -e debian disk.img -- --kernel-only -e debian disk.img
# the first device with a configuration wins; the others' errors are said
kexec_matches kexec/dry-run-next-device disk.img "" blank.img disk.img blank.img -- disk.img

# With no DEVICE: the disks /sys/block lists, in the kernel's order, not
# loop, ram, zram... devices and not empty ones (a private mount namespace
# with stand-ins for /sys/block and /dev).
if wanted kexec/dry-run-scan; then
	if ! need_root kexec/dry-run-scan "a private mount namespace"; then
		:
	elif ! unshare -m true 2>/dev/null; then
		skip kexec/dry-run-scan "unshare -m fails here (no private mount namespace)"
	else
		got=$(unshare -m bash -c '
			set -e
			mount -t tmpfs none /sys/block
			mount -t tmpfs none /dev
			mknod /dev/null c 1 3
			for d in loop0:1 zram0:1 ram0:1 vdaa:1 vda:1 vdb:1 vdc:0; do
				mkdir /sys/block/${d%:*}
				echo ${d#*:}0 >/sys/block/${d%:*}/size
			done
			# vda: nothing to boot; vdb: the guest; the others would be found first
			cp "$1" /dev/vda
			for d in vdb vdaa vdc loop0 zram0 ram0; do cp "$2" /dev/$d; done
			"$3" kexec --dry-run' - "$PWD/blank.img" "$PWD/disk.img" "$GUESTBOOT" 2>&1)
		want="guestboot: /dev/vda: no boot configuration found"
		if [[ "$got" == "$want"*"device: /dev/vdb"* ]] && [ "$(grep -c '^device:' <<<"$got")" = 1 ]; then
			pass kexec/dry-run-scan
		else
			fail kexec/dry-run-scan "want '$want…' then 'device: /dev/vdb'" "got: $got"
		fi
		expect_error kexec/no-disks 3 "kexec: no disks found in /sys/block" \
			unshare -m bash -c 'mount -t tmpfs none /sys/block && exec "$1" kexec --dry-run' - "$GUESTBOOT"
	fi
fi

expect_error kexec/no-config 3 "blank.img: no boot configuration found" \
	"$GUESTBOOT" kexec --dry-run blank.img
expect_error kexec/no-such-device 3 "/nonexistent/vdz" "$GUESTBOOT" kexec --dry-run /nonexistent/vdz
expect_error kexec/no-such-entry 3 "disk.img: no entry 'nope'" "$GUESTBOOT" kexec -n -e nope disk.img
expect_error kexec/menu-and-entry 2 "--menu and --entry exclude each other" \
	"$GUESTBOOT" kexec --menu -e 0 disk.img
if wanted kexec/nothing-on-any; then
	out=$("$GUESTBOOT" kexec -n blank.img blank.img 2>&1)
	rc=$?
	[ "$rc" = 3 ] && [ "$(tail -1 <<<"$out")" = "guestboot: kexec: nothing to boot on any of the 2 devices" ] &&
		pass kexec/nothing-on-any || fail kexec/nothing-on-any "exit $rc" "$out"
fi

# The real load, without the right to load (CAP_SYS_BOOT dropped, so
# nothing can reach the host's kernel): the files are filled and reopened,
# the call fails (EPERM, or ENOSYS where there is no kexec_file_load) and
# so does kexec-tools, if present: exit 1, the reason on stderr.
if wanted kexec/load-refused; then
	if need kexec/load-refused setpriv; then
		out=$(setpriv --bounding-set=-sys_boot "$GUESTBOOT" kexec --load-only -e debian disk.img 2>"$GB_WORK/load.err")
		rc=$?
		err=$(cat "$GB_WORK/load.err")
		if [ "$rc" = 1 ] && [[ "$err" == "guestboot: kexec: kexec_file_load: "* ]] &&
			[ "$(tail -1 <<<"$err")" = "guestboot: kexec: disk.img: the kernel could not be loaded" ] &&
			grep -qx "kernel: 1:/boot/vmlinuz-1" <<<"$out" && ! grep -q "^kexec: loaded" <<<"$out"; then
			pass kexec/load-refused
		else
			fail kexec/load-refused "exit $rc" "stdout: $out" "stderr: $err"
		fi
	fi
fi

# The fallback to kexec-tools when kexec_file_load is refused: a stand-in
# kexec first in PATH records its arguments and copies the files it is
# handed (/proc/PID/fd/N of guestboot's memory files), and says it loaded.
if wanted kexec/kexec-tools-fallback; then
	mkdir -p fakebin
	cat >fakebin/kexec <<EOF2
#!/bin/sh
printf '%s\n' "\$@" >"$PWD/fake.args"
for a in "\$@"; do
	case \$a in
	--initrd=*) cat "\${a#--initrd=}" >"$PWD/fake.initrd" ;;
	/proc/*) cat "\$a" >"$PWD/fake.kernel" ;;
	esac
done
EOF2
	chmod +x fakebin/kexec
	rm -f fake.args fake.kernel fake.initrd
	out=$(PATH="$PWD/fakebin:$PATH" setpriv --bounding-set=-sys_boot \
		"$GUESTBOOT" kexec --load-only -e two disk.img 2>"$GB_WORK/fallback.err")
	rc=$?
	# as GRUB's loader writes it: BOOT_IMAGE= and the kernel word first,
	# then the arguments, ' escaped (grub_create_loader_cmdline)
	want="BOOT_IMAGE=/boot/vmlinuz-1 root=UUID=42 it\\'s quiet"
	if [ "$rc" = 0 ] && grep -q "trying kexec-tools" "$GB_WORK/fallback.err" &&
		[ "$(sed -n 1,2p fake.args | tr '\n' ' ')" = "-c -l " ] &&
		sed -n 3p fake.args | grep -qE '^--initrd=/proc/[0-9]+/fd/[0-9]+$' &&
		[ "$(sed -n 4p fake.args)" = "--command-line=$want" ] &&
		sed -n 5p fake.args | grep -qE '^/proc/[0-9]+/fd/[0-9]+$' &&
		cmp -s fake.kernel root/boot/vmlinuz-1 &&
		{ cat root/boot/ucode.img; head -c 1 /dev/zero; cat root/boot/initrd.img-1; } | cmp -s - fake.initrd; then
		pass kexec/kexec-tools-fallback
	else
		fail kexec/kexec-tools-fallback "exit $rc" "args: $(cat fake.args 2>&1)" "stdout: $out" \
			"stderr: $(cat "$GB_WORK/fallback.err")"
	fi
fi
