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

# ---- extract: the form each target boots, and the devicetree ----
# A disk with an Image.gz (GRUB's devicetree beside it), a zboot, a plain
# Image, an x86 bzImage and an entry whose devicetree is no blob.
cat >test.dts <<'EOF2'
/dts-v1/;
/ { compatible = "linux,dummy-virt"; #address-cells = <2>; #size-cells = <2>;
    chosen { bootargs = "from-dtb"; };
    memory@40000000 { device_type = "memory"; reg = <0 0x40000000 0 0x8000000>; }; };
EOF2
if ! dtc -q -I dts -O dtb -o test.dtb test.dts 2>/dev/null; then
	skip arm64/extract "no dtc (device-tree-compiler)"
	exit 0
fi
rm -rf r && mkdir -p r/boot/grub r/boot/dtbs/vendor
cp Image.4.gz r/boot/vmlinuz-gz
cp zboot.zstd r/boot/vmlinuz-zboot
cp Image.16 r/boot/vmlinuz-plain
cp bz.x86 r/boot/vmlinuz-x86
cp test.dtb r/boot/dtbs/vendor/board.dtb
head -c 3000 /dev/urandom >r/boot/dtbs/junk.dtb
echo initrd >r/boot/initrd.img
cat >r/boot/grub/grub.cfg <<'EOF2'
menuentry "gz" { linux /boot/vmlinuz-gz root=/dev/vda1 console=ttyAMA0; initrd /boot/initrd.img; devicetree /boot/dtbs/vendor/board.dtb }
menuentry "zboot" { linux /boot/vmlinuz-zboot root=/dev/vda1 console=ttyAMA0; initrd /boot/initrd.img }
menuentry "plain" { linux /boot/vmlinuz-plain root=/dev/vda1 }
menuentry "x86" { linux /boot/vmlinuz-x86 root=/dev/vda1 }
menuentry "junk-dtb" { linux /boot/vmlinuz-plain root=/dev/vda1; devicetree /boot/dtbs/junk.dtb }
EOF2
truncate -s 64M a.img
printf 'label: dos\nstart=2048, type=83\n' | sfdisk -q a.img
mke2fs -q -F -t ext4 -d r -E offset=1048576 a.img 60000k
gunzip -c Image.4.gz >want.gz.Image
zstd -dq -c Image.4.zst >want.zboot.Image

# fresh: an empty output directory
fresh() { rm -rf out && mkdir out; }
# files: what is in out, sorted, on one line
files() { (cd out && ls -A | LC_ALL=C sort | tr '\n' ' '); }

if wanted arm64/extract-firecracker-image-gz; then
	fresh
	out=$("$GUESTBOOT" extract -o out -f firecracker -e gz a.img 2>&1)
	[ "$(jq -r '."boot-source".kernel_image_path' <<<"$out")" = "$PWD/out/Image" ] &&
		cmp -s out/Image want.gz.Image && cmp -s out/vmlinuz Image.4.gz && cmp -s out/dtb test.dtb &&
		[ "$(files)" = "Image dtb initrd vmlinuz " ] &&
		pass arm64/extract-firecracker-image-gz || fail arm64/extract-firecracker-image-gz "$out" "$(files)"
fi
if wanted arm64/extract-cloud-hypervisor-zboot; then
	fresh
	out=$("$GUESTBOOT" extract -o out -f cloud-hypervisor -e zboot a.img 2>&1)
	[[ "$out" == "--kernel '$PWD/out/Image' --initramfs '$PWD/out/initrd' --cmdline "* ]] &&
		cmp -s out/Image want.zboot.Image && [ "$(files)" = "Image initrd vmlinuz " ] &&
		pass arm64/extract-cloud-hypervisor-zboot || fail arm64/extract-cloud-hypervisor-zboot "$out" "$(files)"
fi
# QEMU's virt loader takes the Image.gz itself (and the devicetree as -dtb),
# but not a zboot image (QEMU 7.2)
if wanted arm64/extract-qemu-image-gz; then
	fresh
	out=$("$GUESTBOOT" extract -o out -f qemu -e gz a.img 2>&1)
	[[ "$out" == "-kernel '$PWD/out/vmlinuz' -initrd '$PWD/out/initrd' -append "*" -dtb '$PWD/out/dtb'" ]] &&
		[ "$(files)" = "dtb initrd vmlinuz " ] &&
		pass arm64/extract-qemu-image-gz || fail arm64/extract-qemu-image-gz "$out" "$(files)"
fi
if wanted arm64/extract-qemu-zboot; then
	fresh
	out=$("$GUESTBOOT" extract -o out -f qemu -e zboot a.img 2>&1)
	[[ "$out" == "-kernel '$PWD/out/Image' -initrd "* ]] && [[ "$out" != *-dtb* ]] &&
		cmp -s out/Image want.zboot.Image &&
		pass arm64/extract-qemu-zboot || fail arm64/extract-qemu-zboot "$out" "$(files)"
fi
if wanted arm64/extract-raw-image-json; then
	fresh
	out=$("$GUESTBOOT" extract -o out --raw-image -e plain a.img 2>&1)
	[ "$(jq -r .image <<<"$out")" = "$PWD/out/Image" ] && [ "$(jq -r .dtb <<<"$out")" = null ] &&
		[ "$(jq -r .vmlinux <<<"$out")" = null ] && cmp -s out/Image Image.16 &&
		pass arm64/extract-raw-image-json || fail arm64/extract-raw-image-json "$out"
fi
if wanted arm64/extract-shell-dtb; then
	fresh
	vars=$("$GUESTBOOT" extract -o out -f shell --raw-image -e gz a.img 2>&1)
	( eval "$vars"; [ "$IMAGE" = "$PWD/out/Image" ] && [ "$DTB" = "$PWD/out/dtb" ] && [ -z "${VMLINUX:-}" ] ) &&
		pass arm64/extract-shell-dtb || fail arm64/extract-shell-dtb "$vars"
fi
if wanted arm64/extract-print-dtb; then
	out=$("$GUESTBOOT" extract --print -e gz a.img 2>&1)
	[ "$(jq -r .dtb <<<"$out")" = "1:/boot/dtbs/vendor/board.dtb" ] &&
		pass arm64/extract-print-dtb || fail arm64/extract-print-dtb "$out"
fi
# the other machine's kernel than the option asks for: refused, no file left
fresh
expect_error arm64/extract-raw-image-x86 4 "--raw-image: the kernel /boot/vmlinuz-x86 is an x86_64 bzImage, not an arm64 kernel: use --vmlinux" \
	"$GUESTBOOT" extract -o out --raw-image -e x86 a.img
check arm64/extract-raw-image-x86-nothing-left test -z "$(files)"
expect_error arm64/extract-vmlinux-arm64 4 "--vmlinux: the kernel /boot/vmlinuz-zboot is an arm64 zboot, which has no ELF vmlinux: use --raw-image" \
	"$GUESTBOOT" extract -o out --vmlinux -e zboot a.img
check arm64/extract-vmlinux-arm64-nothing-left test -z "$(files)"
expect_error arm64/extract-junk-dtb 5 "/boot/dtbs/junk.dtb: not a flattened devicetree blob (no FDT magic)" \
	"$GUESTBOOT" extract -o out -e junk-dtb a.img
check arm64/extract-junk-dtb-nothing-left test -z "$(files)"
# an x86 kernel keeps its vmlinux on firecracker
if wanted arm64/extract-firecracker-x86-vmlinux; then
	fresh
	out=$("$GUESTBOOT" extract -o out -f firecracker -e x86 a.img 2>&1)
	[ "$(jq -r '."boot-source".kernel_image_path' <<<"$out")" = "$PWD/out/vmlinux" ] &&
		cmp -s out/vmlinux x86.elf && [ "$(files)" = "vmlinux vmlinuz " ] &&
		pass arm64/extract-firecracker-x86-vmlinux || fail arm64/extract-firecracker-x86-vmlinux "$out" "$(files)"
fi
# the devicetree in list, as the menu records it; dtc reads the copy back
if wanted arm64/list-devicetree; then
	json=$("$GUESTBOOT" list --json a.img)
	text=$("$GUESTBOOT" list a.img)
	[ "$(jq -r '.entries[0] | "\(.devicetree) \(.devicetree_volume)"' <<<"$json")" = "/boot/dtbs/vendor/board.dtb 1" ] &&
		[ "$(jq -r '.entries[1].devicetree' <<<"$json")" = null ] &&
		grep -q "dtb *1:/boot/dtbs/vendor/board.dtb" <<<"$text" &&
		pass arm64/list-devicetree || fail arm64/list-devicetree "$json" "$text"
fi
if wanted arm64/extract-dtb-roundtrip; then
	fresh
	"$GUESTBOOT" extract -o out -e gz a.img >/dev/null 2>&1
	dtc -q -I dtb -O dts out/dtb 2>/dev/null | grep -q 'bootargs = "from-dtb"' &&
		pass arm64/extract-dtb-roundtrip || fail arm64/extract-dtb-roundtrip
fi
# inspect --kernels: machine, format and page size of each entry's kernel
if wanted arm64/inspect-kernels-json; then
	json=$("$GUESTBOOT" inspect --kernels --json a.img)
	got=$(jq -r '.entries[] | "\(.kernel.arch) \(.kernel.format) \(.kernel.page_size) \(.kernel.compression) \(.kernel.version)"' <<<"$json")
	want="arm64 Image.gz $(hdr_pages Image.4) gzip 6.9.0-syn
arm64 zboot $(hdr_pages Image.4) zstd 6.9.0-syn
arm64 Image $(hdr_pages Image.16) none 6.9.0-syn
x86_64 bzImage null gzip 6.6.6-x86
arm64 Image $(hdr_pages Image.16) none 6.9.0-syn"
	[ "$got" = "$want" ] && pass arm64/inspect-kernels-json || fail arm64/inspect-kernels-json "got: $got" "want: $want"
fi
if wanted arm64/inspect-kernels-text; then
	out=$("$GUESTBOOT" inspect --kernels a.img)
	grep -q "vmlinuz-zboot: arm64-image linux, zstd, arm64 zboot, 4K pages, version 6.9.0-syn$" <<<"$out" &&
		grep -q "vmlinuz-plain: .*arm64 Image, 16K pages" <<<"$out" &&
		grep -q "vmlinuz-x86: bzImage .*x86_64 bzImage, version 6.6.6-x86, Xen PV no" <<<"$out" &&
		pass arm64/inspect-kernels-text || fail arm64/inspect-kernels-text "$out"
fi
# the real Debian kernel through extract: Firecracker gets the Image as is
if [ -n "$KA" ] && wanted arm64/extract-debian-firecracker; then
	rm -rf r && mkdir -p r/boot/grub && cp "$KA" "r/boot/vmlinuz-$KAVER"
	printf 'menuentry "Debian" { linux /boot/vmlinuz-%s root=/dev/vda1 console=ttyS0 }\n' "$KAVER" >r/boot/grub/grub.cfg
	truncate -s 80M deb.img
	mke2fs -q -F -t ext4 -d r deb.img
	fresh
	out=$("$GUESTBOOT" extract -o out -f firecracker deb.img 2>&1)
	[ "$(jq -r '."boot-source".kernel_image_path' <<<"$out")" = "$PWD/out/Image" ] && cmp -s out/Image "$KA" &&
		pass arm64/extract-debian-firecracker || fail arm64/extract-debian-firecracker "$out"
elif [ -z "$KA" ]; then
	skip arm64/extract-debian-firecracker "no Debian arm64 kernel"
fi

# ---- systemd-boot on an arm64 ESP: Type 1 entries for aa64 only, a UKI
# holding an arm64 Image, the devicetree key ----
if ! command -v mkfs.fat >/dev/null || ! command -v mcopy >/dev/null; then
	skip arm64/bls "no mkfs.fat or mtools"
	exit 0
fi
# espdisk IMG TREE: a GPT disk whose one partition is an ESP holding TREE
espdisk() {
	rm -f "$1" part.fat && truncate -s 40M "$1"
	sfdisk -q "$1" <<<"label: gpt
start=2048, size=32MiB, type=C12A7328-F81F-11D2-BA4B-00A0C93EC93B"
	mkfs.fat -C -F 16 part.fat 32768 >/dev/null && MTOOLS_NO_VFAT=0 mcopy -s -Q -i part.fat "$2"/* ::/ &&
		dd if=part.fat of="$1" bs=1M seek=1 conv=notrunc status=none
}
rm -rf esp && mkdir -p esp/EFI/BOOT esp/EFI/Linux esp/loader/entries esp/dtbs
$MK zboot Image.4.gz gzip esp/EFI/BOOT/BOOTAA64.EFI  # any aa64 PE stands in for systemd-boot
cp Image.4.gz esp/vmlinuz-arm
cp bz.x86 esp/vmlinuz-x86
cp test.dtb esp/dtbs/board.dtb
printf 'title Arm\nversion 6.9.0\narchitecture aa64\nlinux /vmlinuz-arm\ndevicetree /dtbs/board.dtb\noptions root=/dev/vda2 console=ttyAMA0\n' >esp/loader/entries/arm.conf
printf 'title Intel\nversion 6.8.0\narchitecture x64\nlinux /vmlinuz-x86\noptions root=/dev/vda2\n' >esp/loader/entries/intel.conf
printf 'title Any\nversion 6.7.0\nlinux /vmlinuz-arm\noptions root=/dev/vda2\n' >esp/loader/entries/any.conf
python3 "$GB_TOP/tests/lib/mkuki.py" esp/EFI/Linux/arm-uki.efi '.osrel=NAME="Debian"\nID=debian\nPRETTY_NAME="Debian arm64 UKI"\n' \
	.uname=6.9.0-syn .linux=@Image.4 '.cmdline=root=/dev/vda2 console=ttyAMA0\n'
espdisk espa.img esp
rm esp/EFI/BOOT/BOOTAA64.EFI && cp bz.x86 esp/EFI/BOOT/BOOTX64.EFI
espdisk espx.img esp
if wanted arm64/bls-architecture-aa64; then
	json=$("$GUESTBOOT" list --json espa.img 2>&1)
	got=$(jq -r '[.entries[].title] | sort | join(",")' <<<"$json")
	[ "$got" = "Any,Arm,Debian arm64 UKI" ] &&
		"$GUESTBOOT" list espa.img 2>&1 | grep -q "intel.conf: architecture x64, not this machine's; hidden" &&
		pass arm64/bls-architecture-aa64 || fail arm64/bls-architecture-aa64 "$json"
fi
if wanted arm64/bls-architecture-x64; then
	got=$("$GUESTBOOT" list --json espx.img | jq -r '[.entries[].title] | sort | join(",")')
	[ "$got" = "Any,Debian arm64 UKI,Intel" ] && pass arm64/bls-architecture-x64 || fail arm64/bls-architecture-x64 "$got"
fi
if wanted arm64/bls-devicetree-extract; then
	fresh
	out=$("$GUESTBOOT" extract -o out -f qemu -e Arm espa.img 2>&1)
	[[ "$out" == "-kernel '$PWD/out/vmlinuz' "*" -dtb '$PWD/out/dtb'" ]] && cmp -s out/dtb test.dtb &&
		pass arm64/bls-devicetree-extract || fail arm64/bls-devicetree-extract "$out"
fi
if wanted arm64/uki-arm64-firecracker; then
	fresh
	out=$("$GUESTBOOT" extract -o out -f firecracker -e "Debian arm64 UKI" espa.img 2>&1)
	[ "$(jq -r '."boot-source".kernel_image_path' <<<"$out")" = "$PWD/out/Image" ] && cmp -s out/Image Image.4 &&
		[ "$(jq -r '."boot-source".boot_args' <<<"$out")" = "root=/dev/vda2 console=ttyAMA0" ] &&
		pass arm64/uki-arm64-firecracker || fail arm64/uki-arm64-firecracker "$out"
fi
if wanted arm64/uki-arm64-inspect; then
	json=$("$GUESTBOOT" inspect --kernels --json espa.img)
	got=$(jq -r '.entries[] | select(.title == "Debian arm64 UKI") | .kernel | "\(.arch) \(.format) \(.page_size)"' <<<"$json")
	[ "$got" = "arm64 Image 4096" ] && pass arm64/uki-arm64-inspect || fail arm64/uki-arm64-inspect "$got"
fi
