# The shipped binary carries Debian's hardening (meson.build): PIE, stack
# protector, _FORTIFY_SOURCE, stack clash protection, CET (IBT/SHSTK),
# full RELRO and BIND_NOW, also in the default static link.
. "$GB_TOP/tests/lib/common.sh"

bin=$GUESTBOOT
cc_json="$GB_BUILD/compile_commands.json"
sanitized=false
grep -q -- '-fsanitize=' "$cc_json" 2>/dev/null && sanitized=true

# Debian's tool on the CLI and the shared library, every check but
# control flow integrity: Debian 12's crt1.o
# and the static archives we link (zlib, libext2fs, ...) carry no CET
# property note, so no binary linked on Debian 12 can have one; our own
# objects are checked for it below.
if ! wanted hardening/hardening-check; then :
elif ! command -v hardening-check >/dev/null; then
	skip hardening/hardening-check "hardening-check (devscripts) is not installed"
elif $sanitized; then
	skip hardening/hardening-check "a sanitizer build has no _FORTIFY_SOURCE (it would bypass the interceptors)"
elif out=$(hardening-check --nocfprotection "$bin" "$GB_BUILD/libguestboot.so.0" 2>&1); then
	pass hardening/hardening-check
else
	fail hardening/hardening-check "$out"
fi

# The ELF itself: a position-independent executable, all relocations
# resolved at start and made read-only, no executable stack.
if wanted hardening/elf; then
	dyn=$(readelf -d "$bin") phdr=$(readelf -lW "$bin") bad=""
	[[ "$(readelf -h "$bin")" == *"DYN ("* ]] || bad+=" not-PIE"
	grep -q 'FLAGS_1.*PIE' <<<"$dyn" || bad+=" no-FLAGS_1-PIE"
	grep -Eq 'BIND_NOW|FLAGS_1.*NOW' <<<"$dyn" || bad+=" no-BIND_NOW"
	grep -q 'GNU_RELRO' <<<"$phdr" || bad+=" no-RELRO"
	grep -q 'GNU_STACK.* RW ' <<<"$phdr" || bad+=" stack-not-RW"
	if [ -z "$bad" ]; then pass hardening/elf; else fail hardening/elf "$bad"; fi
fi

# Every file of lib/ and cli/ is compiled with the flags, whatever the
# environment's CFLAGS said.
if wanted hardening/compile-flags; then
	want=(-fstack-protector-strong -fstack-clash-protection -fcf-protection)
	$sanitized || want+=(-D_FORTIFY_SOURCE=)
	bad=$(python3 - "$cc_json" "${want[@]}" <<'PY'
import json, sys
cmds = json.load(open(sys.argv[1]))
want = sys.argv[2:]
seen = 0
for c in cmds:
    f = c['file']
    if '/lib/' not in f and '/cli/' not in f:
        continue
    seen += 1
    args = c['command'].split()
    for w in want:
        hits = [a for a in args if a.startswith(w)]
        # the last _FORTIFY_SOURCE definition wins: it must be 2 or 3
        if not hits or (w.endswith('=') and hits[-1] not in ('-D_FORTIFY_SOURCE=2', '-D_FORTIFY_SOURCE=3')):
            print(f, 'lacks', w)
if seen < 40:
    print('only', seen, 'library and CLI files in', sys.argv[1])
PY
)
	if [ -z "$bad" ]; then pass hardening/compile-flags; else fail hardening/compile-flags "$bad"; fi
fi

# The objects themselves: each carries the CET note (-fcf-protection), and
# the squashfs reader, whose directory walker once had no canary, calls
# the stack protector's check.
if wanted hardening/objects; then
	bad="" n=0
	for o in "$GB_BUILD"/libguestboot-internal.a.p/*.o "$GB_BUILD"/guestboot.p/*.o; do
		n=$((n + 1))
		readelf -n "$o" | grep -q 'x86 feature: IBT, SHSTK' || bad+=" $(basename "$o"):no-CET"
	done
	sq=$(ls "$GB_BUILD"/libguestboot-internal.a.p/*squashfs.c.o 2>/dev/null | head -1)
	if [ -z "$sq" ] || ! nm -u "$sq" | grep -q __stack_chk_fail; then
		bad+=" squashfs-object-has-no-stack-protector"
	fi
	if [ "$(uname -m)" != x86_64 ]; then
		skip hardening/objects "CET notes are x86-64's"
	elif [ "$n" -lt 40 ] || [ -n "$bad" ]; then
		fail hardening/objects "$n objects:$bad"
	else
		pass hardening/objects
	fi
fi
