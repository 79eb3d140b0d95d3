# arm64 kernels as distributions ship them: the plain Image (Debian's
# vmlinuz, an Image carrying an EFI stub's PE header), the Image
# compressed whole (Ubuntu's Image.gz) and EFI zboot (vmlinuz.efi), built
# here around synthetic Images (mkkernel.py) and a real Debian arm64
# kernel (scripts/fetch-arm64-kernel; those cases skip when it cannot be
# downloaded). Oracles: the Image header's own fields read with od, file(1),
# the compressors themselves and strings | grep 'Linux version'.
. "$GB_TOP/tests/lib/common.sh"

PI=$GB_BUILD/payload-inspect
MK="python3 $GB_TOP/tests/lib/mkkernel.py"
KA=$("$GB_TOP/scripts/fetch-arm64-kernel" 2>/dev/null) || KA=""

field() { sed -n "s/^$2=//p" "$1"; }
expect() {
	local name=$1 out=$2 kv bad=""
	shift 2
	wanted "$name" || return 0
	for kv in "$@"; do
		[ "$(field "$out" "${kv%%=*}")" = "${kv#*=}" ] || bad="$bad $kv"
	done
	if [ -z "$bad" ]; then pass "$name"; else fail "$name" "wanted:$bad" "$(cat "$out")"; fi
}
# le64 FILE OFFSET: a little-endian 64-bit header field, as the kernel wrote it
le64() { od -An -t u8 -j "$2" -N 8 --endian=little "$1" | tr -d ' '; }
# page size from the Image header's flags (booting.rst: bits 1-2)
hdr_pages() { local f; f=$(le64 "$1" 24); echo $(( ((f >> 1) & 3) == 0 ? 0 : 1024 << (2 * ((f >> 1) & 3)) )); }
# compress C IN: IN compressed as the kernel's build does for that method
compress() {
	case $1 in
	gzip) gzip -9 -n -c "$2" ;;
	bzip2) bzip2 -9 -c "$2" ;;
	lzma) lzma -9 -c "$2" ;;
	xz) xz --check=crc32 -6 -c "$2" ;;
	lzo) lzop -9 -c "$2" ;;
	lz4) lz4 -l -9 -c "$2" ;;
	zstd) zstd -19 -q -c "$2" ;;
	esac
}
ext() { case $1 in gzip) echo gz ;; bzip2) echo bz2 ;; zstd) echo zst ;; *) echo "$1" ;; esac; }
# zboot's name for the method, as Makefile.zboot writes it
zname() { case $1 in xz) echo xzkern ;; zstd) echo zstd22 ;; *) echo "$1" ;; esac; }

# ---- synthetic Images: every page size, with and without a PE header ----
for pg in 0 4 16 64; do
	$MK arm64 6.9.0-syn "Image.$pg" "$pg" pe 200000
	"$PI" kernel "Image.$pg" >"Image.$pg.out"
	expect "arm64/image-pages-$pg" "Image.$pg.out" kind=arm64-image format=Image arch=arm64 os=linux \
		version=6.9.0-syn compression=none "page_size=$(hdr_pages "Image.$pg")" \
		"image_size=$(le64 "Image.$pg" 16)" big_endian=0
done
# file(1) agrees on the ones its magic tells apart
if wanted arm64/file-agrees; then
	file -b Image.4 | grep -q 'ARM64 boot executable Image, little-endian, 4K pages' &&
		file -b Image.16 | grep -q '16K pages' && ! file -b Image.0 | grep -q pages &&
		pass arm64/file-agrees || fail arm64/file-agrees "$(file Image.*)"
fi
$MK arm64 6.9.0-be Image.be 4 be 1000
"$PI" kernel Image.be >Image.be.out
if wanted arm64/big-endian; then
	file -b Image.be | grep -q big-endian && [ "$(field Image.be.out big_endian)" = 1 ] &&
		pass arm64/big-endian || fail arm64/big-endian "$(cat Image.be.out)"
fi
$MK arm64 6.9.0-nope Image.nope 4 2000000
"$PI" kernel Image.nope >Image.nope.out
expect arm64/image-without-pe Image.nope.out kind=arm64-image format=Image version=6.9.0-nope page_size=4096

# the whole Image compressed, and zboot around it, with every method
for c in gzip bzip2 lzma xz lzo lz4 zstd; do
	compress $c Image.4 >"Image.4.$(ext $c)"
	"$PI" kernel "Image.4.$(ext $c)" >"whole.$c.out"
	expect "arm64/image-$(ext $c)" "whole.$c.out" kind=arm64-image "format=Image.$(ext $c)" \
		"compression=$c" version=6.9.0-syn page_size=4096 arch=arm64
	$MK zboot "Image.4.$(ext $c)" "$(zname $c)" "zboot.$c"
	"$PI" kernel "zboot.$c" >"zboot.$c.out"
	expect "arm64/zboot-$c" "zboot.$c.out" kind=arm64-image format=zboot "compression=$c" \
		version=6.9.0-syn page_size=4096 arch=arm64
	if wanted "arm64/raw-image-from-$c"; then
		rm -f "got.$c" "gotz.$c"
		"$PI" image "Image.4.$(ext $c)" "got.$c" 2>"got.$c.err" && cmp -s "got.$c" Image.4 &&
			"$PI" image "zboot.$c" "gotz.$c" 2>>"got.$c.err" && cmp -s "gotz.$c" Image.4 &&
			pass "arm64/raw-image-from-$c" || fail "arm64/raw-image-from-$c" "$(cat "got.$c.err")"
	fi
done
if wanted arm64/raw-image-of-image; then
	rm -f got.plain
	"$PI" image Image.16 got.plain && cmp -s got.plain Image.16 &&
		pass arm64/raw-image-of-image || fail arm64/raw-image-of-image
fi
# a UKI whose .linux is an arm64 Image (systemd-stub on arm64)
$MK uki Image.4 6.9.0-uki uki-arm64.efi
"$PI" kernel uki-arm64.efi >uki.out
expect arm64/uki uki.out kind=uki format=UKI arch=arm64 version=6.9.0-uki page_size=4096 uki_initrd=1
if wanted arm64/raw-image-from-uki; then
	rm -f got.uki
	"$PI" image uki-arm64.efi got.uki && cmp -s got.uki Image.4 &&
		pass arm64/raw-image-from-uki || fail arm64/raw-image-from-uki
fi

# ---- refusals and broken files: one line naming why, nothing written ----
$MK elf-note Linux 0 x86.elf
gzip -c x86.elf >x86.gz && printf '\0\0\0\0' >>x86.gz
$MK bzimage x86.gz 6.6.6-x86 bz.x86
"$PI" kernel bz.x86 >bz.x86.out
expect arm64/x86-bzimage-arch bz.x86.out kind=bzImage format=bzImage arch=x86_64
if wanted arm64/raw-image-refuses-x86; then
	rm -f got.x86
	! "$PI" image bz.x86 got.x86 2>x86.err && grep -q "it is an x86 bzImage" x86.err && [ ! -e got.x86 ] &&
		pass arm64/raw-image-refuses-x86 || fail arm64/raw-image-refuses-x86 "$(cat x86.err)"
fi
if wanted arm64/vmlinux-refuses-arm64; then
	rm -f got.vm got.vmz
	! "$PI" vmlinux Image.4 got.vm 2>vm.err && grep -q "arm64 kernel.*--raw-image" vm.err &&
		! "$PI" vmlinux Image.4.gz got.vmz 2>vmz.err && grep -q "arm64 Image.*--raw-image" vmz.err &&
		[ ! -e got.vm ] && [ ! -e got.vmz ] &&
		pass arm64/vmlinux-refuses-arm64 || fail arm64/vmlinux-refuses-arm64 "$(cat vm.err vmz.err)"
fi
# a zboot whose payload is cut short, or whose payload offset lies past the end
head -c 60000 zboot.zstd >zboot.short
"$PI" kernel zboot.short >zboot.short.out
expect arm64/zboot-outside zboot.short.out kind=arm64-image format=zboot version=
if wanted arm64/zboot-truncated; then
	off=$(od -An -t u4 -j 8 -N 4 zboot.gzip | tr -d ' ')
	{ head -c "$off" zboot.gzip; head -c 50000 Image.4.gz; } >zboot.cut
	# the header's size still says the whole payload: make it fit the file
	python3 -c "import struct,sys; d=bytearray(open('zboot.cut','rb').read()); struct.pack_into('<I',d,12,50000); open('zboot.cut','wb').write(d)"
	"$PI" kernel zboot.cut >zboot.cut.out
	! "$PI" image zboot.cut got.cut 2>cut.err && [ ! -e got.cut ] &&
		[ "$(field zboot.cut.out version)" = "" ] && [ -n "$(field zboot.cut.out note)" ] &&
		grep -q "cannot decompress the kernel's gzip zboot payload" cut.err &&
		pass arm64/zboot-truncated || fail arm64/zboot-truncated "$(cat zboot.cut.out cut.err)"
fi
# a zboot holding something that is no Image (another machine's kernel)
gzip -c x86.elf >notimage.gz
$MK zboot notimage.gz gzip zboot.notimage 0x5064
if wanted arm64/zboot-not-image; then
	! "$PI" image zboot.notimage got.ni 2>ni.err && grep -q "zboot payload (gzip) holds an ELF kernel" ni.err &&
		pass arm64/zboot-not-image || fail arm64/zboot-not-image "$(cat ni.err)"
fi
# an Image.gz that expands past the inspection bound is refused, not read whole
if wanted arm64/bounded; then
	{ head -c 64 Image.4; head -c 300M /dev/zero; } | gzip -1 -c >huge.gz
	"$PI" kernel huge.gz >huge.out
	! "$PI" image huge.gz got.huge 2>huge.err && grep -q "expands past" huge.err &&
		grep -q "expands past" huge.out && pass arm64/bounded || fail arm64/bounded "$(cat huge.out huge.err)"
fi

# ---- a real Debian arm64 kernel ----
if [ -z "$KA" ]; then
	for c in debian-image debian-image-gz debian-zboot-gzip debian-zboot-zstd; do
		skip "arm64/$c" "no Debian arm64 kernel (scripts/fetch-arm64-kernel could not download linux-image-*-arm64)"
	done
else
	KAVER=${KA##*/vmlinuz-}
	banner=$(strings "$KA" | grep -m1 -o 'Linux version [^ ]*' | cut -d' ' -f3)
	"$PI" kernel "$KA" >deb.out
	fpages=$(file -b "$KA" | grep -o '[0-9]*K pages' | head -n1)
	expect arm64/debian-image deb.out kind=arm64-image format=Image arch=arm64 os=linux \
		"version=$banner" "page_size=$((${fpages%K pages} * 1024))" "image_size=$(le64 "$KA" 16)"
	[ "$banner" = "$KAVER" ] || fail arm64/debian-version-oracle "strings says $banner, the package $KAVER"
	gzip -1 -n -c "$KA" >deb.Image.gz
	"$PI" kernel deb.Image.gz >debgz.out
	if wanted arm64/debian-image-gz; then
		rm -f deb.got
		[ "$(field debgz.out format)" = Image.gz ] && [ "$(field debgz.out version)" = "$banner" ] &&
			"$PI" image deb.Image.gz deb.got && cmp -s deb.got "$KA" &&
			pass arm64/debian-image-gz || fail arm64/debian-image-gz "$(cat debgz.out)"
	fi
	zstd -3 -q -c "$KA" >deb.Image.zst
	for c in gzip zstd; do
		wanted "arm64/debian-zboot-$c" || continue
		$MK zboot "deb.Image.$(ext $c)" "$c" "deb.zboot.$c"
		"$PI" kernel "deb.zboot.$c" >"debz.$c.out"
		rm -f "debz.$c.got"
		[ "$(field "debz.$c.out" format)" = zboot ] && [ "$(field "debz.$c.out" compression)" = $c ] &&
			[ "$(field "debz.$c.out" version)" = "$banner" ] &&
			"$PI" image "deb.zboot.$c" "debz.$c.got" && cmp -s "debz.$c.got" "$KA" &&
			pass "arm64/debian-zboot-$c" || fail "arm64/debian-zboot-$c" "$(cat "debz.$c.out")"
	done
fi
