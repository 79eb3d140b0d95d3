#!/bin/bash
# Differential test of the GRUB 2 parser: every GRUB script (a "--- file
# ...cfg" section) in tests/config/grub2/*.t is parsed by our parser
# (config-runner --syntax) and by GRUB's own grub-script-check; both must
# agree on whether it parses. One PASS/FAIL line per script.
set -u
top=${GB_TOP:?GB_TOP not set}
build=${GB_BUILD:?GB_BUILD not set}
runner="$build/config-runner"
check=$(command -v grub-script-check || true)
if [ -z "$check" ]; then
	echo "SKIP grub-script-check: not installed (Debian package grub-common)"
	exit 0
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/gb-gsc.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

for t in "$top"/tests/config/grub2/*.t; do
	case=$(basename "$t" .t)
	if [ -n "${GB_FILTER:-}" ] && [[ "$t" != *"$GB_FILTER"* ]]; then
		continue
	fi
	rm -f "$tmp"/*.cfg
	# every "--- file N:PATH.cfg" section, its body or its from= data file
	n=0
	while read -r _ _ devpath _; do
		n=$((n + 1))
		"$runner" --cat "$t" "$devpath" >"$(printf '%s/%03d.cfg' "$tmp" "$n")"
	done < <(grep -E '^--- file [0-9]+:[^ ]*\.cfg( |$)' "$t")
	files=("$tmp"/*.cfg)
	[ -e "${files[0]}" ] || continue
	for f in "${files[@]}"; do
		name="grub-script-check/$case"
		[ "${#files[@]}" -gt 1 ] && name="$name/$(basename "$f" .cfg)"
		"$runner" --syntax "$f" >/dev/null 2>"$tmp/ours.err"; ours=$?
		"$check" "$f" >/dev/null 2>"$tmp/theirs.err"; theirs=$?
		# a script of function definitions only parses, but exits 1
		grep -q "contains no commands" "$tmp/theirs.err" && theirs=0
		if [ $((ours == 0)) -eq $((theirs == 0)) ]; then
			echo "PASS $name"
		else
			echo "FAIL $name (ours: exit $ours, grub-script-check: exit $theirs)"
			sed 's/^/  ours: /' "$tmp/ours.err"
			sed 's/^/  grub-script-check: /' "$tmp/theirs.err" | head -5
		fi
	done
done
