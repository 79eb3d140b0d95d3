# Unified Kernel Images (BLS Type 2, and Type 1 "uki" entries): GPT disks
# built here with an EFI system partition (FAT) and an XBOOTLDR partition,
# UKIs and add-ons laid out by tests/lib/mkuki.py. Oracles: the bytes put
# into each section (extract must give back exactly those), the ramdisk
# systemd-stub would build from them as tests/lib/ramdisk_model.py models
# stub.c (not guestboot's code), GNU cpio reading the archives the stub
# makes, the command lines written into .cmdline sections and add-ons, and
# systemd-boot's order (sort-key, machine-id, version; boot counting)
# worked out by hand for each image.
. "$GB_TOP/tests/lib/common.sh"

need uki mkfs.fat mcopy sfdisk jq || exit 0

MKUKI="python3 $GB_TOP/tests/lib/mkuki.py"
MODEL="python3 $GB_TOP/tests/lib/ramdisk_model.py"
ESP=C12A7328-F81F-11D2-BA4B-00A0C93EC93B
XBOOTLDR=BC13C2FF-59E6-4262-A352-B275FD6F7172
GB() { timeout 60 "$GUESTBOOT" "$@"; }
# same NAME WANT GOT
same() { [ "$2" = "$3" ] && pass "$1" || fail "$1" "want: $2" "got:  $3"; }
a4() { echo $(( ($1 + 3) & ~3 )); }
size() { stat -c %s "$1"; }
# cpio_list FILE OFFSET: what GNU cpio reads in the archive at OFFSET
# (mode, name, and for files the contents' checksum)
cpio_list() {
	rm -rf cpx && mkdir cpx
	tail -c +$(($2 + 1)) "$1" | (cd cpx && cpio -idv --quiet --no-absolute-filenames 2>&1 >/dev/null) >/dev/null
	(cd cpx && find . -mindepth 1 | sort | while read -r f; do
		printf '%s %s' "$(stat -c %a "$f")" "${f#./}"
		[ -f "$f" ] && printf ' %s' "$(md5sum <"$f" | cut -c1-8)"
		echo
	done)
}
# text FILE WORDS: write text, \n standing for a newline as mkuki.py has it
text() { printf '%b' "$2" >"$1"; }

# mkdisk IMG TREE1 [TYPE1] [TREE2 TYPE2]: a GPT disk with a 32 MiB FAT
# partition per tree (type ESP unless given), each holding the tree's files.
mkdisk() {
	local img=$1 spec="label: gpt" n=0 t1=$2 ty1=${3:-$ESP} t2=${4:-} ty2=${5:-}
	rm -f "$img"
	truncate -s 80M "$img"
	spec="$spec
start=2048, size=32MiB, type=$ty1"
	[ -n "$t2" ] && spec="$spec
size=32MiB, type=$ty2"
	sfdisk -q "$img" <<<"$spec" || return 1
	for tree in "$t1" $t2; do
		n=$((n + 1))
		rm -f part.fat
		mkfs.fat -C -F 16 part.fat 32768 >/dev/null || return 1
		MTOOLS_NO_VFAT=0 mcopy -s -Q -i part.fat "$tree"/* ::/ || return 1
		dd if=part.fat of="$img" bs=1M seek=$((1 + (n - 1) * 32)) conv=notrunc status=none
	done
}

# Section contents: random bytes, sizes not multiples of 512 (so that
# SizeOfRawData is padded past each one).
head -c 300001 /dev/urandom >linux.bin
head -c 4096 /dev/urandom >ucode.bin
head -c 70003 /dev/urandom >initrd.bin
OSREL='NAME="Fedora Linux"\nID=fedora\nVERSION_ID=41\nPRETTY_NAME="Fedora Linux 41 (Cloud)"\n'
# what the stub writes into /.extra from the UKI's own sections
mkdir -p meta && text meta/os-release "$OSREL"

# ---- a UKI-only ESP: the whole menu comes from /EFI/Linux ----------------
rm -rf esp1 && mkdir -p esp1/EFI/Linux
$MKUKI esp1/EFI/Linux/fedora-6.11.efi .osrel="$OSREL" ".cmdline=root=UUID=1234 ro\n" \
	.uname=6.11.4-301.fc41.x86_64 .linux=@linux.bin .ucode=@ucode.bin .initrd=@initrd.bin
# an older one, out of tries: listed last whatever its version says
$MKUKI "esp1/EFI/Linux/fedora-6.12+0-3.efi" .osrel="${OSREL/41/42}" .linux=@linux.bin
# a UKI without .osrel is not listed (systemd-boot skips it), nor auto-*
$MKUKI esp1/EFI/Linux/noosrel.efi .linux=@linux.bin
$MKUKI esp1/EFI/Linux/auto-x.efi .osrel="$OSREL" .linux=@linux.bin
mkdisk esp1.img esp1

if wanted uki/esp-only/list; then
	out=$(GB list --json esp1.img 2>&1)
	got=$(jq -r '"\(.config.kind) \(.config.volume):\(.config.path) \([.entries[] | .id] | join(","))"' <<<"$out" 2>&1)
	same uki/esp-only/list "bls 1:/EFI/Linux fedora-6.11.efi,fedora-6.12.efi" "$got"
fi
if wanted uki/esp-only/title; then
	got=$(GB list --json esp1.img | jq -r '.entries[0].title')
	same uki/esp-only/title "Fedora Linux 41 (Cloud)" "$got"
fi
if wanted uki/esp-only/extract; then
	rm -rf x1 && mkdir x1
	if ! line=$(GB extract -o x1 -f json esp1.img 2>&1); then
		fail uki/esp-only/extract "$line"
	elif ! cmp -s x1/vmlinuz linux.bin; then
		fail uki/esp-only/extract "vmlinuz is not the .linux section's bytes"
	elif ! $MODEL stub want1 ucode.bin initrd.bin cpio:.extra:meta/os-release ||
		! cmp x1/initrd want1; then
		fail uki/esp-only/extract "initrd is not .ucode, .initrd, then .osrel as /.extra/os-release"
	else
		same uki/esp-only/extract "root=UUID=1234 ro" "$(jq -r .args <<<"$line")"
	fi
fi
if wanted uki/esp-only/print; then
	line=$(GB extract --print -f json esp1.img 2>&1)
	same uki/esp-only/print "1:/EFI/Linux/fedora-6.11.efi#.linux|1:/EFI/Linux/fedora-6.11.efi#.ucode 1:/EFI/Linux/fedora-6.11.efi#.initrd newc:.extra/os-release:1:/EFI/Linux/fedora-6.11.efi#.osrel" \
		"$(jq -r '"\(.kernel)|\(.initrd)"' <<<"$line" 2>&1)"
fi
# the archive the stub makes of .osrel, as GNU cpio reads it
if wanted uki/esp-only/osrel-cpio; then
	[ -s x1/initrd ] || GB extract -o x1 esp1.img >/dev/null 2>&1
	same uki/esp-only/osrel-cpio "555 .extra
444 .extra/os-release $(md5sum <meta/os-release | cut -c1-8)" \
		"$(cpio_list x1/initrd $(( $(a4 4096) + $(a4 70003) )))"
fi
if wanted uki/esp-only/warnings; then
	out=$(GB list esp1.img 2>&1)
	grep -q "noosrel.efi: no .osrel section" <<<"$out" && ! grep -q auto-x <<<"$out" &&
		pass uki/esp-only/warnings || fail uki/esp-only/warnings "$out"
fi
if wanted uki/esp-only/kernel-limit; then
	expect_error uki/esp-only/kernel-limit 7 "more than the limit" \
		"$GUESTBOOT" extract -o x1 --max-kernel-size 1000 esp1.img
fi

# ---- Type 1 and Type 2 on the ESP and an XBOOTLDR partition ------------
rm -rf esp2 xbl && mkdir -p esp2/EFI/Linux esp2/loader/entries xbl/EFI/Linux xbl/loader/entries
printf 'default fedora-6.9*\ntimeout 7\n' >esp2/loader/loader.conf
$MKUKI esp2/EFI/Linux/fedora-6.9.efi .osrel="$OSREL" .cmdline=esp-uki .linux=@linux.bin
$MKUKI xbl/EFI/Linux/fedora-6.10.efi .osrel="$OSREL" .cmdline=xbl-uki .linux=@ucode.bin
printf 'title Arch\nsort-key arch\nlinux /vmlinuz-linux\noptions esp-type1\n' >esp2/loader/entries/arch.conf
printf 'title Fedora T1\nsort-key fedora\nversion 6.8\nlinux /vmlinuz-6.8\noptions xbl-type1\n' \
	>xbl/loader/entries/fedora-6.8.conf
printf 'title No key\nlinux /vmlinuz\n' >xbl/loader/entries/zzz.conf
cp linux.bin esp2/vmlinuz-linux
mkdisk esp-xbl.img esp2 "$ESP" xbl "$XBOOTLDR"
# by hand: sort-key arch < fedora; among fedora (no machine-id) version
# descending, the UKIs' version being VERSION_ID (41) against 6.8; then the
# ids fedora-6.10.efi > fedora-6.9.efi; no sort-key last
want="arch@1 fedora-6.10.efi@2 fedora-6.9.efi@1 fedora-6.8@2 zzz@2"
if wanted uki/xbootldr/order; then
	got=$(GB list --json esp-xbl.img | jq -r '[.entries[] | "\(.id)@\(.volume)"] | join(" ")' 2>&1)
	same uki/xbootldr/order "$want" "$got"
fi
if wanted uki/xbootldr/default; then
	out=$(GB list --json esp-xbl.img)
	same uki/xbootldr/default "fedora-6.9.efi 7" "$(jq -r '"\(.entries[.default | tonumber? // 0].id // .default) \(.timeout)"' <<<"$out" 2>&1)"
fi
if wanted uki/xbootldr/extract; then
	rm -rf x2 && mkdir x2
	line=$(GB extract -o x2 -f json --entry fedora-6.10.efi esp-xbl.img 2>&1)
	# the .osrel archive alone: one initrd, handed over unpadded
	$MODEL stub want2 cpio:.extra:meta/os-release
	cmp -s x2/vmlinuz ucode.bin && [ "$(jq -r .args <<<"$line")" = xbl-uki ] && cmp -s x2/initrd want2 &&
		pass uki/xbootldr/extract || fail uki/xbootldr/extract "$line"
fi

# ---- a multi-profile UKI with add-ons -----------------------------------
rm -rf esp3 && mkdir -p esp3/EFI/Linux/debian.efi.extra.d esp3/loader/addons
$MKUKI esp3/EFI/Linux/debian.efi .osrel='PRETTY_NAME="Debian GNU/Linux 13"\nID=debian\n' \
	.cmdline="root=LABEL=r ro" .linux=@linux.bin .initrd=@initrd.bin \
	.profile='ID=default\nTITLE=Default' \
	.profile='ID=rescue\nTITLE=Rescue' .cmdline="root=LABEL=r ro rescue" \
	.profile='ID=factory' .cmdline="factory-reset" .initrd=@ucode.bin
$MKUKI esp3/EFI/Linux/debian.efi.extra.d/b-debug.addon.efi ".cmdline=debug\n"
$MKUKI esp3/EFI/Linux/debian.efi.extra.d/a-serial.addon.efi .cmdline=console=ttyS0
$MKUKI esp3/loader/addons/global.addon.efi .cmdline=quiet
# an add-on carrying a kernel is refused (the stub refuses it)
$MKUKI esp3/EFI/Linux/debian.efi.extra.d/c-bad.addon.efi .cmdline=evil .linux=@linux.bin
mkdisk profiles.img esp3
if wanted uki/profiles/entries; then
	got=$(GB list --json profiles.img | jq -r '.entries[] | "\(.id)|\(.title)|\(.args)"' 2>&1)
	same uki/profiles/entries "debian.efi|Debian GNU/Linux 13 (Default)|root=LABEL=r ro quiet console=ttyS0 debug
debian.efi@rescue|Debian GNU/Linux 13 (Rescue)|root=LABEL=r ro rescue quiet console=ttyS0 debug
debian.efi@factory|Debian GNU/Linux 13 (factory)|factory-reset quiet console=ttyS0 debug" "$got"
fi
if wanted uki/profiles/initrd; then
	rm -rf x3 && mkdir x3
	mkdir -p meta3 && text meta3/os-release 'PRETTY_NAME="Debian GNU/Linux 13"\nID=debian\n' &&
		text meta3/profile 'ID=factory' &&
		$MODEL stub want3 ucode.bin cpio:.extra:meta3/os-release cpio:.extra:meta3/profile &&
		GB extract -o x3 --entry debian.efi@factory profiles.img >/dev/null 2>&1 &&
		cmp -s x3/initrd want3 && cmp -s x3/vmlinuz linux.bin &&
		pass uki/profiles/initrd || fail uki/profiles/initrd "the factory profile's own .initrd was not taken"
fi

# ---- what systemd-stub adds: add-ons, credentials, extensions -------------
# stub.c's order: the add-ons' .ucode (last loaded first), .ucode, .initrd,
# credentials (the UKI's, then /loader/credentials), system extensions,
# configuration extensions (each the UKI's, then /loader/extensions),
# .pcrsig, .pcrpkey, .osrel, .profile, the add-ons' .initrd (global ones
# first); each padded to 4 bytes. The drop-in directory drops the boot
# counter (arch+3-1.efi -> arch.efi.extra.d). An add-on whose .uname is
# not the UKI's, or that holds a kernel, is ignored; the last .dtb wins.
# Command lines: blanks at either end dropped, each control character
# inside a space (mangle_stub_cmdline); the add-ons' after .cmdline.
rm -rf esp6 && mkdir -p esp6/EFI/Linux/arch.efi.extra.d esp6/loader/addons \
	esp6/loader/credentials esp6/loader/extensions parts6
for f in ucodeA ucodeG initA initG initX; do
	head -c $((1000 + RANDOM % 3000)) /dev/urandom >parts6/$f
done
$MKUKI --fdt parts6/dtb0 uki && $MKUKI --fdt parts6/dtbB addon-b
D=esp6/EFI/Linux/arch.efi.extra.d
OSREL6='NAME=Arch\nID=arch\nPRETTY_NAME="Arch Linux"\n'
$MKUKI "esp6/EFI/Linux/arch+3-1.efi" .osrel="$OSREL6" ".cmdline=  root=/dev/vda2"$'\t\t'"rw  " \
	.uname=6.12.1-arch1 .linux=@linux.bin .ucode=@ucode.bin .initrd=@initrd.bin .dtb=@parts6/dtb0 \
	.pcrpkey='PEM KEY\n'
$MKUKI $D/a-ucode.addon.efi .ucode=@parts6/ucodeA .initrd=@parts6/initA .cmdline=a1
$MKUKI $D/b-dtb.addon.efi .dtb=@parts6/dtbB .uname=6.12.1-arch1
$MKUKI $D/c-other.addon.efi .uname=5.10.0 .cmdline=never .initrd=@parts6/initX
$MKUKI $D/d-kernel.addon.efi .cmdline=evil .linux=@linux.bin
$MKUKI esp6/loader/addons/g.addon.efi .ucode=@parts6/ucodeG .initrd=@parts6/initG .cmdline=g1
printf 'secret-x' >$D/x.cred; printf 'secret-yy' >$D/y.cred; printf 'global-z' >esp6/loader/credentials/z.cred
head -c 5001 /dev/urandom >$D/foo.raw; head -c 3002 /dev/urandom >$D/bar.confext.raw
head -c 2003 /dev/urandom >esp6/loader/extensions/ext.raw
head -c 1004 /dev/urandom >esp6/loader/extensions/conf.confext.raw
printf 'not picked up' >$D/notes.txt
mkdisk stub.img esp6
mkdir -p meta6 && text meta6/os-release "$OSREL6" && text meta6/tpm2-pcr-public-key.pem 'PEM KEY\n'
if wanted uki/stub/ramdisk; then
	rm -rf x6 && mkdir x6
	$MODEL stub want6 parts6/ucodeA parts6/ucodeG ucode.bin initrd.bin \
		cpio:.extra/credentials:$D/x.cred:$D/y.cred cpio:.extra/global_credentials:esp6/loader/credentials/z.cred \
		cpio:.extra/sysext:$D/foo.raw cpio:.extra/global_sysext:esp6/loader/extensions/ext.raw \
		cpio:.extra/confext:$D/bar.confext.raw cpio:.extra/global_confext:esp6/loader/extensions/conf.confext.raw \
		cpio:.extra:meta6/tpm2-pcr-public-key.pem cpio:.extra:meta6/os-release parts6/initG parts6/initA
	out=$(GB extract -o x6 -f json stub.img 2>&1)
	# the last add-on's .dtb replaced the UKI's
	cmp -s x6/initrd want6 && cmp -s x6/vmlinuz linux.bin && cmp -s x6/dtb parts6/dtbB &&
		pass uki/stub/ramdisk || fail uki/stub/ramdisk "$out" "$(cmp x6/initrd want6 2>&1)"
fi
# the credentials archive as GNU cpio reads it: root-only modes
if wanted uki/stub/credentials-cpio; then
	[ -s x6/initrd ] || GB extract -o x6 stub.img >/dev/null 2>&1
	off=0
	for f in parts6/ucodeA parts6/ucodeG ucode.bin initrd.bin; do off=$((off + $(a4 $(size $f)))); done
	same uki/stub/credentials-cpio "555 .extra
500 .extra/credentials
400 .extra/credentials/x.cred $(md5sum <$D/x.cred | cut -c1-8)
400 .extra/credentials/y.cred $(md5sum <$D/y.cred | cut -c1-8)" "$(cpio_list x6/initrd $off)"
fi
if wanted uki/stub/cmdline; then
	out=$(GB list --json stub.img)
	same uki/stub/cmdline "arch.efi|root=/dev/vda2  rw g1 a1|/EFI/Linux/arch.efi.extra.d/b-dtb.addon.efi#.dtb" \
		"$(jq -r '.entries[0] | "\(.id)|\(.args)|\(.devicetree)#\(.devicetree_section)"' <<<"$out" 2>&1)"
fi
if wanted uki/stub/refused-addons; then
	out=$(GB list stub.img 2>&1)
	grep -q "c-other.addon.efi: its .uname is not the UKI's" <<<"$out" &&
		grep -q "d-kernel.addon.efi: an add-on with a kernel, ignored" <<<"$out" &&
		! grep -q "notes.txt" <<<"$out" &&
		pass uki/stub/refused-addons || fail uki/stub/refused-addons "$out"
fi

# ---- Type 1 entries naming a UKI ("uki", systemd v254+) -----------------
# systemd-boot hands the stub the entry's options (which replace .cmdline)
# prefixed with "@PROFILE", installs the entry's devicetree (which the
# UKI's .dtb replaces), and passes none of its initrds. The title, version
# and sort order are the entry's.
rm -rf esp7 && mkdir -p esp7/loader/entries esp7/images esp7/dtbs parts7
head -c 2345 /dev/urandom >parts7/initB
$MKUKI --fdt esp7/dtbs/board.dtb board && $MKUKI --fdt parts7/dtbU in-the-uki
head -c 5555 /dev/urandom >esp7/extra.img
OSREL7='PRETTY_NAME="Multi OS"\nID=multi\n'
$MKUKI esp7/images/multi.efi .osrel="$OSREL7" .cmdline=base-cmd .linux=@linux.bin \
	.profile='ID=a' .profile='ID=b\nTITLE=Bee' .cmdline=b-cmd .initrd=@parts7/initB
$MKUKI esp7/images/dtb.efi .osrel="$OSREL7" .cmdline=dtb-cmd .linux=@linux.bin .dtb=@parts7/dtbU
printf 'title T1 options\nsort-key a\nuki /images/multi.efi\nprofile 1\noptions root=/dev/vda3\noptions quiet\ndevicetree /dtbs/board.dtb\ninitrd /extra.img\n' \
	>esp7/loader/entries/opts.conf
printf 'title T1 plain\nsort-key b\nuki images/multi.efi\n' >esp7/loader/entries/plain.conf
printf 'title T1 dtb\nsort-key c\nuki /images/dtb.efi\ndevicetree /dtbs/board.dtb\n' >esp7/loader/entries/dtb.conf
mkdisk type1.img esp7
mkdir -p meta7 && text meta7/os-release "$OSREL7" && text meta7/profile 'ID=b\nTITLE=Bee'
if wanted uki/type1/list; then
	out=$(GB list --json type1.img 2>&1)
	same uki/type1/list "opts|T1 options|root=/dev/vda3 quiet|/dtbs/board.dtb#null
plain|T1 plain|base-cmd|null#null
dtb|T1 dtb|dtb-cmd|/images/dtb.efi#.dtb" \
		"$(jq -r '.entries[] | "\(.id)|\(.title)|\(.args)|\(.devicetree)#\(.devicetree_section)"' <<<"$out" 2>&1)"
fi
if wanted uki/type1/profile-ramdisk; then
	rm -rf x7 && mkdir x7
	$MODEL stub want7 parts7/initB cpio:.extra:meta7/os-release cpio:.extra:meta7/profile
	out=$(GB extract -o x7 --entry opts type1.img 2>&1)
	cmp -s x7/initrd want7 && cmp -s x7/vmlinuz linux.bin && cmp -s x7/dtb esp7/dtbs/board.dtb &&
		pass uki/type1/profile-ramdisk || fail uki/type1/profile-ramdisk "$out"
fi
if wanted uki/type1/uki-dtb; then
	rm -rf x8 && mkdir x8
	out=$(GB extract -o x8 --entry dtb type1.img 2>&1)
	cmp -s x8/dtb parts7/dtbU && pass uki/type1/uki-dtb || fail uki/type1/uki-dtb "$out" "$(ls -l x8)"
fi
if wanted uki/type1/initrd-ignored; then
	out=$(GB list type1.img 2>&1)
	grep -q "opts.conf: its initrd lines are not used" <<<"$out" && ! grep -q "extra.img" <<<"$out" &&
		pass uki/type1/initrd-ignored || fail uki/type1/initrd-ignored "$out"
fi

# ---- hostile section tables: one clean line, never a crash ---------------
# patch SECTION FIELD VALUE FILE: set a section header field (vsize, rsize,
# offset) of the first section of that name.
patch() {
	python3 -c '
import struct, sys
name, field, value, path = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
d = bytearray(open(path, "rb").read())
pe = struct.unpack_from("<I", d, 0x3c)[0]
n, opt = struct.unpack_from("<H", d, pe + 6)[0], struct.unpack_from("<H", d, pe + 20)[0]
for i in range(n):
    at = pe + 24 + opt + 40 * i
    if d[at:at + 8].rstrip(b"\0") == name.encode():
        struct.pack_into("<I", d, at + {"vsize": 8, "rsize": 16, "offset": 20}[field], value)
        break
open(path, "wb").write(d)
' "$@"
}
# mkbad NAME SECTION FIELD VALUE: the UKI-only image with one field changed
mkbad() {
	rm -rf bad && mkdir -p bad/EFI/Linux
	cp esp1/EFI/Linux/fedora-6.11.efi bad/EFI/Linux/
	patch "$2" "$3" "$4" bad/EFI/Linux/fedora-6.11.efi
	mkdisk "$1" bad
}
if wanted uki/bounds/linux-past-end; then
	mkbad bad1.img .linux offset 4000000000
	rm -rf x4 && mkdir x4
	out=$(GB extract -o x4 bad1.img 2>&1)
	rc=$?
	[ "$rc" -ne 0 ] && [ "$rc" -lt 128 ] && [ "$(wc -l <<<"$out")" = 1 ] && grep -q "not a Linux kernel" <<<"$out" &&
		[ ! -e x4/vmlinuz ] && pass uki/bounds/linux-past-end || fail uki/bounds/linux-past-end "exit $rc" "$out"
fi
if wanted uki/bounds/rawsize-smaller; then
	# VirtualSize past SizeOfRawData: only the raw bytes are in the file
	mkbad bad2.img .linux rsize 1024
	rm -rf x5 && mkdir x5
	GB extract -o x5 bad2.img >/dev/null 2>&1 && cmp -s x5/vmlinuz <(head -c 1024 linux.bin) &&
		pass uki/bounds/rawsize-smaller || fail uki/bounds/rawsize-smaller "$(ls -l x5)"
fi
if wanted uki/bounds/initrd-wraps; then
	mkbad bad3.img .initrd offset 4294967295
	out=$(GB list --json bad3.img 2>&1)
	[ "$(jq -r '[.entries[0].initrd_parts[].section] | join(" ")' <<<"$out" 2>&1)" = ".ucode .osrel" ] &&
		grep -q 'section lies outside the file' <<<"$out" &&
		pass uki/bounds/initrd-wraps || fail uki/bounds/initrd-wraps "$out"
fi

# ---- doctor: a UKI whose kernel cannot boot as a Xen PV guest -------------
if wanted uki/doctor/xen-pv; then
	python3 "$GB_TOP/tests/lib/mkkernel.py" elf-note Linux 0 nopv.elf &&
		python3 "$GB_TOP/tests/lib/mkkernel.py" bzimage nopv.elf 6.1.0-nopv nopv.bz
	rm -rf esp5 && mkdir -p esp5/EFI/Linux
	$MKUKI esp5/EFI/Linux/x.efi .osrel="$OSREL" .linux=@nopv.bz
	mkdisk nopv.img esp5
	out=$(GB doctor --json --target xen-pv nopv.img 2>&1)
	jq -e '.findings | any(.code == "kernel-no-xen-pv" and (.message | test("UKI")))' <<<"$out" >/dev/null &&
		pass uki/doctor/xen-pv || fail uki/doctor/xen-pv "$out"
fi
