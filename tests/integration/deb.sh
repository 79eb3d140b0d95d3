# The Debian packages (make deb, scripts/build-deb): they build with
# dpkg-buildpackage, lintian finds no error, and their contents work from
# a throw-away root (dpkg -x; nothing is installed on this host): the CLI,
# /usr/lib/guestboot/pygrub acting as pygrub, the man pages, the bash
# completion, and a program built with `pkg-config guestboot`.
. "$GB_TOP/tests/lib/common.sh"

# The build takes about a minute: only when a case of this script is wanted.
any=false
for c in build lintian contents pygrub pkg-config hardening install-divert-remove; do wanted "deb/$c" && any=true; done
$any || exit 0
for t in dpkg-buildpackage lintian dh mkfs.ext4; do
	if ! command -v "$t" >/dev/null; then
		skip deb/build "$t is not installed (scripts/install-deps)"
		exit 0
	fi
done

out="$GB_WORK/deb/out"
start=$SECONDS
if ! log=$("$GB_TOP/scripts/build-deb" "$out" 2>&1); then
	fail deb/build "scripts/build-deb failed" "$log"
	exit 0
fi
debs=("$out"/guestboot_*.deb "$out"/libguestboot0_*.deb "$out"/libguestboot-dev_*.deb)
for d in "${debs[@]}"; do
	[ -f "$d" ] || { fail deb/build "missing $(basename "$d")"; exit 0; }
done
pass deb/build
echo "  (dpkg-buildpackage: $((SECONDS - start)) s)" >&2

if wanted deb/lintian; then
	lint=$(lintian "$out"/*.changes 2>&1 | grep -v 'running with root privileges')
	if grep -q '^E:' <<<"$lint"; then
		fail deb/lintian "$(grep '^E:' <<<"$lint")"
	else
		pass deb/lintian
	fi
fi

root="$GB_WORK/deb/root"
rm -rf "$root"
for d in "${debs[@]}"; do dpkg -x "$d" "$root"; done
gb="$root/usr/bin/guestboot"
multiarch=$(dpkg-architecture -qDEB_HOST_MULTIARCH)

if wanted deb/contents; then
	bad=""
	for f in usr/bin/guestboot usr/lib/guestboot/pygrub usr/sbin/guestboot-pygrub-divert \
		 usr/share/man/man1/guestboot.1.gz usr/share/man/man8/guestboot-pygrub-divert.8.gz \
		 usr/share/bash-completion/completions/guestboot usr/include/guestboot.h \
		 "usr/lib/$multiarch/libguestboot.so.0" "usr/lib/$multiarch/libguestboot.so" \
		 "usr/lib/$multiarch/pkgconfig/guestboot.pc"; do
		[ -e "$root/$f" ] || bad+=" missing:$f"
	done
	# the documentation the man page points to (dh_compress gzips the larger files)
	for f in README.md SECURITY.md architecture.md bounds.md formats.md recipes.md; do
		[ -e "$root/usr/share/doc/guestboot/$f" ] || [ -e "$root/usr/share/doc/guestboot/$f.gz" ] ||
			bad+=" missing:usr/share/doc/guestboot/$f"
	done
	[ "$(readlink -f "$root/usr/lib/guestboot/pygrub")" = "$(readlink -f "$gb")" ] || bad+=" pygrub-not-guestboot"
	zcat "$root/usr/share/man/man1/guestboot.1.gz" 2>/dev/null | grep -q '^\.TH GUESTBOOT 1' || bad+=" man-page"
	bash -n "$root/usr/share/bash-completion/completions/guestboot" || bad+=" completion-syntax"
	sh -n "$root/usr/sbin/guestboot-pygrub-divert" || bad+=" divert-syntax"
	# the CLI carries no copy of the library's internals it would not need,
	# and depends on shared libraries only (no embedded zlib and friends)
	dpkg-deb -f "${debs[0]}" Depends | grep -q 'zlib1g' || bad+=" cli-not-linked-to-shared-zlib"
	v=$("$gb" --version 2>&1) || bad+=" --version-failed"
	[[ "$v" == *0.1.0* ]] || bad+=" version:$v"
	if [ -z "$bad" ]; then pass deb/contents; else fail deb/contents "$bad"; fi
fi

# The packaged pygrub path boots an ext4 image as xl would call it.
if wanted deb/pygrub; then
	t="$GB_WORK/deb/tree"
	mkdir -p "$t/boot/grub"
	head -c 70000 /dev/urandom >"$t/boot/vmlinuz-6.1.0-pkg"
	head -c 30000 /dev/urandom >"$t/boot/initrd.img-6.1.0-pkg"
	printf 'set default=0\nmenuentry "pkg" {\n linux /boot/vmlinuz-6.1.0-pkg root=/dev/xvda ro\n initrd /boot/initrd.img-6.1.0-pkg\n}\n' \
		>"$t/boot/grub/grub.cfg"
	img="$GB_WORK/deb/disk.img"
	od="$GB_WORK/deb/pygrub-out"
	rm -f "$img" && mkdir -p "$od"
	mkfs.ext4 -q -F -d "$t" "$img" 8M >/dev/null
	if ! res=$("$root/usr/lib/guestboot/pygrub" --output-format=simple --output-directory="$od" "$img" 2>&1); then
		fail deb/pygrub "pygrub failed" "$res"
	else
		k=$(sed -n 's/^kernel \(.*\)/\1/p' <<<"$res") r=$(sed -n 's/^ramdisk \(.*\)/\1/p' <<<"$res")
		if [ -n "$k" ] && cmp -s "$k" "$t/boot/vmlinuz-6.1.0-pkg" && cmp -s "$r" "$t/boot/initrd.img-6.1.0-pkg" &&
			grep -q '^args root=/dev/xvda ro$' <<<"$res"; then
			pass deb/pygrub
		else
			fail deb/pygrub "unexpected result" "$res"
		fi
	fi
fi

if wanted deb/pkg-config; then
	export PKG_CONFIG_SYSROOT_DIR="$root" PKG_CONFIG_LIBDIR="$root/usr/lib/$multiarch/pkgconfig"
	flags=$(pkg-config --cflags --libs guestboot 2>&1)
	unset PKG_CONFIG_SYSROOT_DIR PKG_CONFIG_LIBDIR
	prog="$GB_WORK/deb/prog"
	if ! o=$(${CC:-cc} -std=c11 -Wall -Werror -o "$prog" "$GB_TOP/tests/library/pkgconfig_program.c" $flags 2>&1); then
		fail deb/pkg-config "compiling with '$flags' failed" "$o"
	elif ! o=$(LD_LIBRARY_PATH="$root/usr/lib/$multiarch" "$prog" 2>&1) || [[ "$o" != *" second /vmlinuz-b quiet" ]]; then
		fail deb/pkg-config "the program failed" "$o"
	elif ! LD_LIBRARY_PATH="$root/usr/lib/$multiarch" ldd "$prog" | grep -q "$root/usr/lib/$multiarch/libguestboot.so.0"; then
		fail deb/pkg-config "the program did not load the packaged library"
	else
		pass deb/pkg-config
	fi
fi

# Debian's hardening flags reached the packaged binaries.
if ! wanted deb/hardening; then :
elif ! command -v hardening-check >/dev/null; then
	skip deb/hardening "hardening-check (devscripts) is not installed"
elif o=$(hardening-check --nocfprotection "$gb" "$root/usr/lib/$multiarch/libguestboot.so.0" 2>&1); then
	pass deb/hardening
else
	fail deb/hardening "$o"
fi

# A real dpkg -i, guestboot-pygrub-divert enable, dpkg -r cycle, in a
# private mount namespace whose /usr, /etc and dpkg database are overlays
# on this host's (thrown away with the namespace: the host is untouched):
# Xen's pygrub paths point at guestboot while diverted, and removing the
# package brings Xen's own pygrub back.
if ! wanted deb/install-divert-remove; then :
elif [ "$(id -u)" != 0 ] || ! command -v unshare >/dev/null; then
	skip deb/install-divert-remove "needs root and unshare (a private mount namespace)"
elif ! ls /usr/lib/xen-*/bin/pygrub >/dev/null 2>&1; then
	skip deb/install-divert-remove "Xen's pygrub is not installed (xen-utils)"
else
	ns="$GB_WORK/deb/ns"
	mkdir -p "$ns"
	cat >"$ns/cycle.sh" <<CYCLE
set -e
for d in usr etc var/lib/dpkg; do
	mkdir -p "$ns/u/\$d" "$ns/w/\$d"
	mount -t overlay overlay -o "lowerdir=/\$d,upperdir=$ns/u/\$d,workdir=$ns/w/\$d" "/\$d"
done
dpkg -i "$out"/libguestboot0_*.deb "$out"/guestboot_*.deb >/dev/null 2>&1
echo "installed \$(readlink -f /usr/lib/guestboot/pygrub)"
guestboot-pygrub-divert enable >/dev/null
for p in /usr/lib/xen-*/bin/pygrub; do echo "enabled \$p \$(readlink "\$p") \$([ -f "\$p.xen" ] && echo xen-aside)"; done
guestboot-pygrub-divert status | sed 's/^/status /'
dpkg -r guestboot >/dev/null 2>&1
for p in /usr/lib/xen-*/bin/pygrub; do echo "removed \$p \$(head -c 20 "\$p" | head -1)"; done
echo "diversions \$(dpkg-divert --list '*pygrub*' | grep -c guestboot || true)"
CYCLE
	res=$(unshare -m --propagation private bash "$ns/cycle.sh" 2>&1)
	bad=""
	grep -qx "installed /usr/bin/guestboot" <<<"$res" || bad+=" not-installed"
	n=$(grep -c '^enabled .* /usr/lib/guestboot/pygrub xen-aside$' <<<"$res")
	[ "$n" -ge 1 ] && [ "$n" = "$(grep -c '^enabled ' <<<"$res")" ] || bad+=" not-diverted"
	grep -q '^status .*: guestboot$' <<<"$res" || bad+=" status"
	[ "$(grep -c '^removed .* #!/usr/bin/python3' <<<"$res")" = "$n" ] || bad+=" xen-pygrub-not-restored"
	grep -qx "diversions 0" <<<"$res" || bad+=" diversion-left"
	if [ -z "$bad" ]; then pass deb/install-divert-remove; else fail deb/install-divert-remove "$bad" "$res"; fi
fi
