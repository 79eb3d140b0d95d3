# Other boot-menu parsers' own test suites (petitboot, u-root, GRUB's
# script tests), each case a disk image scored against what the real
# bootloader does: ../shared/peer-suites/run.sh builds the images (cached
# in $GB_PEERS_IMG) and prints one PASS/FAIL line per case; each becomes
# one line here. Skips when ../shared/peer-suites is absent.
. "$GB_TOP/tests/lib/common.sh"

suite=${GB_SHARED:+$GB_SHARED/peer-suites}
if [ -z "$suite" ] || [ ! -x "$suite/run.sh" ]; then
	skip peer-suites "../shared/peer-suites is absent (the converted peer test suites live there)"
	return 0 2>/dev/null || exit 0
fi
wanted peer-suites || { return 0 2>/dev/null || exit 0; }
for tool in python3 mke2fs mkfs.vfat mcopy sfdisk xorriso; do
	if ! command -v "$tool" >/dev/null; then
		skip peer-suites "$tool is not installed (run.sh builds the case images with it)"
		return 0 2>/dev/null || exit 0
	fi
done

out=$("$suite/run.sh" "$GUESTBOOT" 2>&1)
n=0
while IFS= read -r line; do
	case $line in
	"PASS "*) pass "peer-suites/${line#PASS }"; n=$((n + 1)) ;;
	"FAIL "*)
		name=${line#FAIL }
		fail "peer-suites/${name%%: *}" "${name#*: }"
		n=$((n + 1)) ;;
	esac
done <<<"$out"
# GRUB's own script tests again, unchanged this time: their echo output
# through `list --trace` (without the "error: " lines GRUB prints among
# it) must be what the test expects (expected.out, the test's own
# assertion, or expected.harness.out, real GRUB 2.06's output).
if command -v jq >/dev/null; then
	for c in "$suite"/cases/grub-script/*/; do
		name=peer-suites/trace/$(basename "$c")
		wanted "$name" || continue
		rm -rf tr && mkdir -p tr/boot/grub
		{ echo grubshell=yes; cat "$c/script.grub"; } >tr/boot/grub/grub.cfg
		rm -f tr.img
		mke2fs -q -F -t ext4 -b 1024 -d tr tr.img 4M >/dev/null 2>&1
		got=$("$GUESTBOOT" list --json --trace tr.img 2>&1 | jq -j .trace | grep -v '^error: '; echo .)
		ok=false
		for want in "$c/expected.out" "$c/expected.harness.out"; do
			[ -f "$want" ] && [ "$got" = "$(cat "$want"; echo .)" ] && ok=true
		done
		if $ok; then pass "$name"; else fail "$name" "got: ${got%.}"; fi
	done
else
	skip peer-suites/trace "jq is not installed"
fi

# a run that printed no case lines (the image build failed) is a failure too
if [ "$n" -gt 0 ]; then pass peer-suites/ran; else fail peer-suites/ran "no case ran" "$(tail -3 <<<"$out")"; fi
