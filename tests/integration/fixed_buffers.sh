# Fixed-size buffers filled from on-disk lengths (issue #16, finding 1, and
# its class; doc/audit-fixed-buffers.md): an overlong length is refused with
# one line naming the file system and the reason, never copied; the longest
# valid length still works.
. "$GB_TOP/tests/lib/common.sh"

# ---- squashfs: directory entry names (limit 256, as the kernel) ------------

# sq_refused PREFIX IMAGE LEN: ls, list and pygrub end with one line.
sq_refused() {
	local p=$1 img=$2 len=$3
	expect_bad "$p/ls" 5 "squashfs: directory entry name of $len bytes (limit 256)" \
		ls "$img" /
	expect_bad "$p/ls-no-sandbox" 5 "squashfs: directory entry name of $len bytes (limit 256)" \
		--no-sandbox ls "$img" /
	# The config search passes over volumes it cannot read.
	expect_bad "$p/list" 3 "no boot configuration found" list "$img"
	rm -rf po && mkdir po && : >po/out
	expect_bad "$p/pygrub" 3 "no boot configuration found" \
		pygrub -q --output=po/out --output-directory=po "$img"
}

for len in 257 300 4000 20000; do
	python3 "$GB_TOP/tests/lib/mksqdirent.py" sq-$len.img $len
	sq_refused squashfs/dirent-name/$len sq-$len.img $len
done

# The longest names squashfs allows read as before, and the image boots.
long=$(printf 'A%.0s' $(seq 256))
for len in 255 256; do
	p=squashfs/dirent-name/$len
	python3 "$GB_TOP/tests/lib/mksqdirent.py" sq-$len.img $len
	name=${long:0:$len}
	if wanted "$p/ls"; then
		got=$("$GUESTBOOT" ls sq-$len.img / 2>&1)
		[ "$got" = "$name"$'\n'boot ] && pass "$p/ls" || fail "$p/ls" "got: ${got:0:300}"
	fi
	check "$p/list" bash -c "'$GUESTBOOT' list sq-$len.img | grep -q '0:/boot/vmlinuz'"
	if wanted "$p/pygrub"; then
		rm -rf po && mkdir po && : >po/out
		if "$GUESTBOOT" pygrub -q --output=po/out --output-directory=po sq-$len.img 2>po.err &&
			tr '\0' '\n' <po/out | grep -q "(args 'root=/dev/xvda1')" &&
			cmp -s po/boot_kernel.* <(printf 'K%.0s' $(seq 3000)); then
			pass "$p/pygrub"
		else
			fail "$p/pygrub" "$(cat po.err)" "$(tr '\0' '@' <po/out)"
		fi
	fi
done

# The security report's reproducer (../shared): a 4000- and a 300-byte name,
# and the payload that took the return address in the release build.
repro=${GB_SHARED:+$GB_SHARED/security-repro/sq_dirent_overflow.py}
if [ -z "$repro" ] || [ ! -f "$repro" ]; then
	skip squashfs/repro "no ../shared/security-repro/sq_dirent_overflow.py (GB_SHARED is empty or lacks it)"
else
	for v in "4000:4000" "300:300" "rip:368"; do
		name=${v%%:*} len=${v#*:}
		if [ "$name" = rip ]; then
			python3 "$repro" repro-$name.img 0 rip
		else
			python3 "$repro" repro-$name.img "$len"
		fi
		sq_refused squashfs/repro/$name repro-$name.img "$len"
	done
fi
