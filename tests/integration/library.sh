# The system library: libguestboot.so.0 exports exactly the functions of
# include/guestboot.h under one version node, and a program built with
# nothing but `pkg-config guestboot` against an installed copy runs.
. "$GB_TOP/tests/lib/common.sh"

so="$GB_BUILD/libguestboot.so.0"
CC=${CC:-cc}

# Both ways: an internal function that leaks out, or a declared function
# missing from lib/guestboot.map, fails.
if wanted library/symbols; then
	# The preprocessor drops comments: what is left of the form name( is a
	# function declarator (function pointers are written (*name)(...)).
	declared=$("$CC" -E -P "$GB_TOP/include/guestboot.h" | grep -oE '\bgb_[a-z0-9_]+ *\(' |
		tr -d ' (' | sort -u)
	# nm shows versioned names as name@@NODE; the node itself is an A symbol.
	exported=$(nm -D --defined-only "$so" | awk '$2 != "A" { print $3 }' | sort -u)
	unversioned=$(grep -v '@@GUESTBOOT_0$' <<<"$exported")
	names=$(sed 's/@.*//' <<<"$exported" | sort -u)
	extra=$(comm -13 <(echo "$declared") <(echo "$names"))
	missing=$(comm -23 <(echo "$declared") <(echo "$names"))
	if [ "$(wc -l <<<"$declared")" -lt 50 ]; then
		fail library/symbols "only $(wc -l <<<"$declared") functions found in the header"
	elif [ -n "$extra$missing$unversioned" ]; then
		fail library/symbols "exported but not in guestboot.h: $(echo $extra)" \
			"declared but not exported: $(echo $missing)" "not in GUESTBOOT_0: $(echo $unversioned)"
	else
		pass library/symbols
	fi
fi

if wanted library/soname; then
	soname=$(readelf -d "$so" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
	# the library links shared libraries, never a static archive's copy
	if [ "$soname" != libguestboot.so.0 ]; then
		fail library/soname "SONAME is '$soname'"
	elif ! readelf -d "$so" | grep -q 'NEEDED.*libext2fs\.so'; then
		fail library/soname "libext2fs is not a NEEDED library of $so"
	else
		pass library/soname
	fi
fi

if wanted library/pkg-config || wanted library/abi || wanted library/probe-formats; then
	dest="$GB_WORK/library/root"
	rm -rf "$dest"
	if ! out=$(meson install -C "$GB_BUILD" --no-rebuild --quiet --destdir "$dest" 2>&1); then
		fail library/pkg-config "meson install failed" "$out"
	elif ! pc=$(find "$dest" -name guestboot.pc | head -1) || [ -z "$pc" ]; then
		fail library/pkg-config "no guestboot.pc installed"
	else
		export PKG_CONFIG_SYSROOT_DIR="$dest" PKG_CONFIG_LIBDIR="$(dirname "$pc")"
		flags=$(pkg-config --cflags --libs guestboot)
		unset PKG_CONFIG_SYSROOT_DIR PKG_CONFIG_LIBDIR
		prog="$GB_WORK/library/prog"
		if ! out=$("$CC" -std=c11 -Wall -Werror -o "$prog" "$GB_TOP/tests/library/pkgconfig_program.c" $flags 2>&1); then
			fail library/pkg-config "compiling with '$flags' failed" "$out"
		elif ! readelf -d "$prog" | grep -q 'NEEDED.*\[libguestboot\.so\.0\]'; then
			fail library/pkg-config "the program does not link libguestboot.so.0"
		elif ! out=$(LD_LIBRARY_PATH="$(dirname "$(dirname "$pc")")" "$prog" 2>&1); then
			fail library/pkg-config "the program failed" "$out"
		elif [ "$out" != "$(sed -n 's/^#define GB_VERSION "\(.*\)"/\1/p' "$GB_TOP/include/guestboot.h") second /vmlinuz-b quiet" ]; then
			fail library/pkg-config "unexpected output: $out"
		else
			pass library/pkg-config
		fi
		# gb_image_options.probe_formats on an ext4 image (blkid says so)
		if ! wanted library/probe-formats; then :
		elif ! out=$("$CC" -std=c11 -Wall -Werror -o "$prog-pf" "$GB_TOP/tests/library/probe_formats_program.c" $flags 2>&1); then
			fail library/probe-formats "compiling failed" "$out"
		else
			mkdir -p "$GB_WORK/library/pf/boot/grub"
			echo "menuentry a { linux /vmlinuz }" >"$GB_WORK/library/pf/boot/grub/grub.cfg"
			rm -f "$GB_WORK/library/pf.img"
			truncate -s 8M "$GB_WORK/library/pf.img"
			mke2fs -q -F -t ext4 -d "$GB_WORK/library/pf" "$GB_WORK/library/pf.img"
			if [ "$(blkid -p -o value -s TYPE "$GB_WORK/library/pf.img")" != ext4 ]; then
				fail library/probe-formats "blkid does not see the ext4 image"
			elif out=$(LD_LIBRARY_PATH="$(dirname "$(dirname "$pc")")" "$prog-pf" "$GB_WORK/library/pf.img" ext 2>&1) &&
				[ "$out" = ok ]; then
				pass library/probe-formats
			else
				fail library/probe-formats "$out"
			fi
		fi
		if ! wanted library/abi; then :
		elif ! out=$("$CC" -std=c11 -Wall -Werror -o "$prog-abi" "$GB_TOP/tests/library/abi_program.c" $flags 2>&1); then
			fail library/abi "compiling failed" "$out"
		elif out=$(LD_LIBRARY_PATH="$(dirname "$(dirname "$pc")")" "$prog-abi" 2>&1) && [ "$out" = ok ]; then
			pass library/abi
		else
			fail library/abi "$out"
		fi
	fi
fi
