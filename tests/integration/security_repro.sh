# The security review's batch of hostile inputs that guestboot already
# refused (../shared/security-repro/misc_checks.sh: symlink loops and
# escapes, GRUB script recursion and loops, XSA-198 text in pygrub's
# formats, a looping EBR chain, absurd qcow2 tables, the sandbox's
# forbidden calls), run as it is and judged case by case: the expected exit
# status, in seconds. The other reproducers of that folder are tests in
# sandbox.sh, hostile.sh and squashfs_ufs_images.sh (see SECURITY.md).
. "$GB_TOP/tests/lib/common.sh"

repro=${GB_SHARED:+$GB_SHARED/security-repro/misc_checks.sh}
if [ -z "$repro" ] || [ ! -f "$repro" ]; then
	skip security-repro/misc "../shared/security-repro is absent (the review's reproducers live there)"
	return 0 2>/dev/null || exit 0
fi
wanted security-repro/misc || { return 0 2>/dev/null || exit 0; }

start=$(date +%s)
out=$(bash "$repro" "$GUESTBOOT" 2>&1)
took=$(($(date +%s) - start))

# case name -> exit status: 7 a bound was hit, 5 a broken volume, 3 no such
# file, 2 a value the format cannot carry, 1 the sandbox killed the call.
# source/configfile/eval past the nesting limit is no longer fatal (issue
# #18): as in GRUB the command fails, the script goes on and the entries
# made so far stay, so those cases exit 0 with the limit's warning.
declare -A want=(
	[symlink-loop-a-b]=7 [symlink-self]=7 [symlink-dotdot-escape]=3 [symlink-abs-escape]=0
	[pygrub-kernel-../etc/passwd]=3 [grub-func-recursion]=7 [grub-source-self]=0
	[grub-configfile-self]=0 [grub-while-true]=7 [grub-submenu-deep]=0 [grub-many-entries]=7
	[grub-eval-nest]=0 [pygrub-inject-sxp]=0 [pygrub-inject-simple]=2 [pygrub-inject-simple0]=0
	[mbr-ebr-self-loop]=5 [qcow2-l1-2^31-entries]=7 [qcow2-l2-outside-file]=5
	[qcow2-2^62-byte-disk]=0 [sandbox-test-open]=1 [sandbox-test-socket]=1
	[sandbox-test-exec]=1 [sandbox-test-fork]=1
)
for name in $(printf "%s\n" "${!want[@]}" | sort); do
	line=$(grep -F -- "$name " <<<"$out" | grep -E "^$(printf '%s' "$name" | sed 's/[^a-zA-Z0-9 -]/\\&/g') +rc=" | head -1)
	rc=$(sed -n 's/^[^ ]* *rc=\([0-9]*\).*/\1/p' <<<"$line")
	if [ "$rc" != "${want[$name]}" ]; then
		fail "security-repro/misc/$name" "exit ${rc:-none}, expected ${want[$name]}" "$line"
		continue
	fi
	# where the command succeeded, what it gave must be the guest's own
	bad=""
	case $name in
	symlink-abs-escape) [[ "$line" == *guest-hostname* ]] || bad="read something other than the guest's /etc/hostname" ;;
	grub-source-self | grub-eval-nest) # (the batch's line is cut short)
		[[ "$line" == *"x "*kernel*/boot/vmlinuz* ]] || bad="the entry made is lost" ;;
	grub-configfile-self)
		[[ "$line" == *"nested deeper than 16"* ]] || bad="no warning about the nesting limit" ;;
	pygrub-inject-sxp)
		sxp=$(grep -A1 -F "$name " <<<"$out" | sed -n 's/^    output: //p')
		fields=$(python3 "$GB_TOP/tests/lib/sxp_fields.py" "$sxp" 2>&1 | head -1)
		[ "$fields" = "kernel args" ] || bad="sxp fields: $fields" ;;
	pygrub-inject-simple0)
		# records are NUL-separated ('|' here); the newline stays inside args
		recs=$(sed -n '/^pygrub-inject-simple0 /,/^mbr-ebr-self-loop /p' <<<"$out" | sed '1d;$d' |
			sed 's/^    output: //' | python3 -c 'import sys; print(sum(r.startswith(("kernel ", "ramdisk ")) for r in sys.stdin.read().split("|")))')
		[ "$recs" = 1 ] || bad="$recs kernel/ramdisk records" ;;
	esac
	if [ -n "$bad" ]; then fail "security-repro/misc/$name" "$bad" "$line"; else pass "security-repro/misc/$name"; fi
done
# 23 cases, each well under a second: the batch must end in seconds.
if [ "$took" -le 30 ]; then pass security-repro/misc-time; else fail security-repro/misc-time "took ${took}s"; fi
