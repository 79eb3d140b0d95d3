# The sandbox is on: what the parsing child may not do, and that it is
# stopped when it tries; the watchdog; guest paths stay inside the guest.
. "$GB_TOP/tests/lib/common.sh"

# Sanitizer builds (make asan) leave the syscall filter out: nothing to show.
"$GUESTBOOT" sandbox-test filtered || exit 0
for what in open socket exec fork kexec; do
	expect_error "sandbox/forbids-$what" 1 "the sandboxed parser made a system call the sandbox forbids" \
		"$GUESTBOOT" sandbox-test "$what"
done
check sandbox/allows-write bash -c "'$GUESTBOOT' sandbox-test write | grep -qx 'write: ok'"

# A command runs sandboxed: watch the child's system calls.
mkdir -p root/boot/grub
head -c 3000000 /dev/urandom >root/boot/big
printf 'title x\n\tkernel /../../../../../etc/hostname root=/dev/xvda1\n' >root/boot/grub/menu.lst
truncate -s 32M disk.img
mke2fs -q -F -t ext4 -d root disk.img >/dev/null
if wanted sandbox/no-open-after-entry && command -v strace >/dev/null; then
	strace -f -qq -e trace=openat,open -o trace "$GUESTBOOT" cat disk.img /boot/big >/dev/null
	# the child opens the image, then nothing more
	n=$(grep -v ENOENT trace | grep -c 'disk.img')
	after=$(awk '/disk.img/ {seen=1; next} seen && /openat/ {print}' trace)
	[ "$n" -ge 1 ] && [ -z "$after" ] && pass sandbox/no-open-after-entry ||
		fail sandbox/no-open-after-entry "opens after the image: $after"
fi
# ".." in a guest path never leaves the guest's file system
expect_error "sandbox/guest-paths-stay-inside" 3 "disk.img: ext4: /etc/hostname: no such file" \
	"$GUESTBOOT" extract -o . disk.img
# the watchdog stops a child that does not finish in time (here: blocked
# writing to a pipe nobody reads)
if wanted sandbox/watchdog; then
	start=$(date +%s)
	{ "$GUESTBOOT" --timeout=1 cat disk.img /boot/big 2>err; echo $? >rc; } | { sleep 4; cat >/dev/null; }
	took=$(($(date +%s) - start))
	[ "$(cat rc)" = 7 ] && grep -q "stopped after 1 seconds" err && [ $took -lt 10 ] &&
		pass sandbox/watchdog || fail sandbox/watchdog "rc=$(cat rc) $(cat err) took ${took}s"
fi
# --no-sandbox is the debugging escape hatch: the same result without a child
check sandbox/no-sandbox-same bash -c "cmp <('$GUESTBOOT' --no-sandbox cat disk.img /boot/big) root/boot/big"
