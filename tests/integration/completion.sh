# bash completion (completions/guestboot.bash) against the binary's own
# --help texts: the commands, every option of every command, the values
# help lists, entries of the image on the command line, file names; and
# that the man page covers every command and every option --help names.
. "$GB_TOP/tests/lib/common.sh"

comp=$GB_TOP/completions/guestboot.bash
# the words bash would complete, the cursor on the last one
complete_line() {
	bash -c '
		guestboot() { "$GUESTBOOT" "$@"; }
		. "$1"
		shift
		COMP_WORDS=("$@") COMP_CWORD=$(($# - 1))
		_guestboot 2>/dev/null
		printf "%s\n" "${COMPREPLY[@]}" | LC_ALL=C sort -u' - "$comp" "$@"
}
sorted() { tr ' ,' '\n\n' | sed '/^$/d' | LC_ALL=C sort -u; }

# the commands 'guestboot --help' lists
if wanted completion/commands; then
	want=$("$GUESTBOOT" --help | sed -n '/^Commands:/,/^$/p' | awk 'NF > 1 { print $1 }' | sorted)
	got=$(complete_line guestboot "" | grep -v '^-')
	[ -n "$want" ] && [ "$got" = "$want" ] && pass completion/commands ||
		fail completion/commands "help: $(echo $want)" "completion: $(echo $got)"
fi

# every long option a command's --help names (option lines, and pygrub's
# usage line) is completed after "--"
for cmd in $("$GUESTBOOT" --help | sed -n '/^Commands:/,/^$/p' | awk 'NF > 1 { print $1 }'); do
	name=completion/options-$cmd
	wanted "$name" || continue
	want=$("$GUESTBOOT" "$cmd" --help 2>&1 | grep -E '^[[:space:]]+-|^Usage: pygrub' |
		grep -oE -- '--[a-z][a-z0-9-]*=?' | sorted)
	got=$(complete_line guestboot "$cmd" --)
	missing=$(LC_ALL=C comm -23 <(echo "$want") <(echo "$got"))
	[ -n "$want" ] && [ -z "$missing" ] && pass "$name" ||
		fail "$name" "not completed: $(echo $missing)" "help: $(echo $want)"
done

# values: extract's output formats and doctor's targets, as help lists them
if wanted completion/values; then
	want=$("$GUESTBOOT" extract --help | sed -n 's/.*--format FMT *//p' | sed 's/(default)//' | sorted)
	got=$(complete_line guestboot extract -f "")
	# the --target lines: up to the next option
	want2=$("$GUESTBOOT" doctor --help | sed -n '/--target T/,/^  *--[a-z]/p' | sed '1!{/^  *--[a-z]/d}' |
		sed 's/.*--target T//; s/(default)//' | sorted)
	got2=$(complete_line guestboot doctor --target "")
	[ -n "$want" ] && [ "$got" = "$want" ] && [ -n "$want2" ] && [ "$got2" = "$want2" ] &&
		pass completion/values ||
		fail completion/values "extract -f: $(echo $got) (help: $(echo $want))" \
			"doctor --target: $(echo $got2) (help: $(echo $want2))"
fi

# --entry: the entries of the image already on the line, as list --json has them
mkdir -p root/boot/grub
cat >root/boot/grub/grub.cfg <<'EOF'
menuentry 'A' { linux /vmlinuz }
submenu 'More' {
	menuentry 'B' { linux /vmlinuz }
	menuentry 'C' { linux /vmlinuz }
}
EOF
truncate -s 16M disk.img
mke2fs -q -F -t ext4 -d root disk.img
if wanted completion/entries; then
	want=$("$GUESTBOOT" list --json disk.img | jq -r '.. | objects | select(has("title")) | .path' | sorted)
	got=$(complete_line guestboot extract disk.img --entry "")
	got1=$(complete_line guestboot kexec -n disk.img -e "1")
	[ -n "$want" ] && [ "$got" = "$want" ] && [ "$got1" = "$(grep '^1' <<<"$want")" ] &&
		pass completion/entries || fail completion/entries "got: $(echo $got) / $(echo $got1)" "want: $(echo $want)"
fi
# --probe-formats: the names the library takes (it lists them when it
# refuses one), each also with a leading '-'
if wanted completion/probe-formats; then
	want=$("$GUESTBOOT" inspect --probe-formats=? disk.img 2>&1 | sed -n 's/.*NAME one of \(.*\))$/\1/p' | sorted)
	got=$(complete_line guestboot inspect --probe-formats "" | grep -v '^-')
	got2=$(complete_line guestboot inspect --probe-formats "ext,-" | sed 's/^ext,-//')
	[ -n "$want" ] && [ "$got" = "$want" ] && [ "$got2" = "$want" ] && pass completion/probe-formats ||
		fail completion/probe-formats "completion: $(echo $got) / $(echo $got2)" "library: $(echo $want)"
fi
if wanted completion/files; then
	got=$(complete_line guestboot --no-sandbox inspect dis)
	[ "$got" = disk.img ] && pass completion/files || fail completion/files "got: $got"
fi

# the man page describes every command --help lists, in a subsection of
# its own under COMMANDS
man=$GB_TOP/doc/guestboot.1
if wanted doc/man-commands; then
	missing=""
	for cmd in $("$GUESTBOOT" --help | sed -n '/^Commands:/,/^$/p' | awk 'NF > 1 { print $1 }'); do
		sed -n '/^\.SH COMMANDS/,/^\.SH /p' "$man" | grep -Eq "^\.BI? \"?$cmd( |\"|$)" &&
			sed -n '/^\.SH COMMANDS/,/^\.SH /p' "$man" | grep -qx "\.SS $cmd" ||
			missing="$missing $cmd"
	done
	[ -z "$missing" ] && pass doc/man-commands || fail doc/man-commands "not in doc/guestboot.1 COMMANDS:$missing"
fi

# ... and every long option its --help names: in the command's subsection,
# under IMAGE OPTIONS (those every command takes), or for pygrub under PYGRUB
man_section() { # .SH or .SS title: its text, roff escapes of '-' and fonts undone
	awk -v t="$1" '$0 == t { f = 1; next } /^\.S[HS] / { f = 0 } f' "$man" |
		sed 's/\\-/-/g; s/\\f[BIRP]//g'
}
for cmd in $("$GUESTBOOT" --help | sed -n '/^Commands:/,/^$/p' | awk 'NF > 1 { print $1 }'); do
	name=doc/man-options-$cmd
	wanted "$name" || continue
	want=$("$GUESTBOOT" "$cmd" --help 2>&1 | grep -E '^[[:space:]]+-|^Usage: pygrub' |
		grep -oE -- '--[a-z][a-z0-9-]*' | grep -vx -- --help | LC_ALL=C sort -u)
	text=$(man_section ".SS $cmd"; man_section ".SH IMAGE OPTIONS"
		[ "$cmd" = pygrub ] && man_section ".SH PYGRUB")
	missing=""
	for o in $want; do
		grep -qE -- "$o([^a-z0-9-]|$)" <<<"$text" || missing="$missing $o"
	done
	[ -n "$want" ] && [ -z "$missing" ] && pass "$name" ||
		fail "$name" "not in doc/guestboot.1 ($cmd, IMAGE OPTIONS):$missing"
done
