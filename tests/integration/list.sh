# guestboot list on real images: where the configuration is found (the
# search order, PV-GRUB's hd0/hd00 places, --config), and the entry chosen
# with its files resolved to volumes. Expected values come from the configs
# written here, read by hand.
. "$GB_TOP/tests/lib/common.sh"

# part_image IMG SIZE_MB TABLE: a disk with the partitions read from stdin
# (sfdisk script); then fill partition N from DIR with fill N DIR [mkfs args].
part_image() {
	truncate -s "$2M" "$1"
	sfdisk -q "$1"
}
fill() {
	local img=$1 n=$2 dir=$3
	shift 3
	local start size
	start=$(sfdisk -J "$img" | jq ".partitiontable.partitions[] | select(.node | test(\"[^0-9]$n\$\")) | .start")
	size=$(sfdisk -J "$img" | jq ".partitiontable.partitions[] | select(.node | test(\"[^0-9]$n\$\")) | .size")
	mke2fs -q -F -t ext4 "$@" -d "$dir" -E offset=$((start * 512)) "$img" $((size / 2))k >/dev/null
}
# field IMG JQ [list options]: one value from list --json
field() {
	local img=$1 q=$2
	shift 2
	"$GUESTBOOT" list --json "$@" "$img" | jq -r "$q"
}
expect_field() {
	local name=$1 want=$2
	shift 2
	wanted "$name" || return 0
	local got
	got=$(field "$@" 2>&1)
	[ "$got" = "$want" ] && pass "$name" || fail "$name" "want: $want" "got:  $got"
}

kernel() { head -c 4096 /dev/urandom >"$1"; }

# --- EC2 hd00 layout: /boot partition holding boot/grub/menu.lst (seed 001)
mkdir -p hd00boot/boot/grub hd00root/etc
kernel hd00boot/boot/vmlinuz-2.6.18-194.8.1.el5xen
kernel hd00boot/boot/initrd-2.6.18-194.8.1.el5xen.img
cat >hd00boot/boot/grub/menu.lst <<'EOF'
default 0
timeout 1
title CentOS5.5
     root (hd0,0)
     kernel /boot/vmlinuz-2.6.18-194.8.1.el5xen root=/dev/sda2
     initrd /boot/initrd-2.6.18-194.8.1.el5xen.img
EOF
part_image hd00.img 48 <<'P'
label: dos
start=2048, size=20480, type=83
start=22528, type=83
P
fill hd00.img 1 hd00boot
fill hd00.img 2 hd00root
expect_field "list/hd00/config" "grub1 1 /boot/grub/menu.lst" hd00.img '"\(.config.kind) \(.config.volume) \(.config.path)"'
expect_field "list/hd00/kernel" "1 /boot/vmlinuz-2.6.18-194.8.1.el5xen" hd00.img '.entries[0] | "\(.volume) \(.kernel)"'
expect_field "list/hd00/initrd" "/boot/initrd-2.6.18-194.8.1.el5xen.img" hd00.img '.entries[0].initrd[0]'
expect_field "list/hd00/args" "root=/dev/sda2" hd00.img '.entries[0].args'
expect_field "list/hd00/pvgrub-hd00" "1 /boot/grub/menu.lst" hd00.img '"\(.config.volume) \(.config.path)"' --pvgrub hd00
expect_field "list/hd00/pvgrub-1.04" "1 /boot/grub/menu.lst" hd00.img '"\(.config.volume) \(.config.path)"' --pvgrub 1.04
expect_error "list/hd00/pvgrub-hd0" 3 "PV-GRUB (hd0) finds no menu.lst: it looks at (hd0)/boot/grub/menu.lst" \
	"$GUESTBOOT" list --pvgrub hd0 hd00.img

# --- EC2 hd0 layout: one unpartitioned file system (seed 000)
mkdir -p hd0root/boot/grub
kernel hd0root/boot/vmlinuz-2.6.18-308.11.1.el5xen
kernel hd0root/boot/initrd-2.6.18-308.11.1.el5xen.img
cat >hd0root/boot/grub/menu.lst <<'EOF'
default 0
timeout 1

title EC2
     root (hd0)
     kernel /boot/vmlinuz-2.6.18-308.11.1.el5xen root=/dev/sda1
     initrd /boot/initrd-2.6.18-308.11.1.el5xen.img
EOF
truncate -s 32M hd0.img
mke2fs -q -F -t ext3 -d hd0root hd0.img >/dev/null
expect_field "list/hd0/kernel" "0 /boot/vmlinuz-2.6.18-308.11.1.el5xen" hd0.img '.entries[0] | "\(.volume) \(.kernel)"'
expect_field "list/hd0/pvgrub-hd0" "0 /boot/grub/menu.lst" hd0.img '"\(.config.volume) \(.config.path)"' --pvgrub hd0
expect_error "list/hd0/pvgrub-hd00" 3 "it looks at (hd0,0)/boot/grub/menu.lst" \
	"$GUESTBOOT" list --pvgrub hd00 hd0.img

# --- FreeBSD tried on EC2's PV-GRUB (seed 001): menu.lst on partition 1
# names (hd0,1,a), slice a of the BSD label in partition 2 (0xa5), a UFS2
# holding /boot/loader; inspect (checked against partx in
# volume_images.sh) names that slice volume 5. PV-GRUB then failed on the
# loader ("no loader found"): doctor says why.
mkdir -p fbsdboot/boot/grub fbsdufs/boot
cat >fbsdboot/boot/grub/menu.lst <<'EOF'
default 0
timeout 1
title FreeBSD
root (hd0,1,a)
kernel /boot/loader
EOF
{ printf '\177ELF\001\001\001'; head -c 4000 /dev/urandom; } >fbsdufs/boot/loader
part_image fbsd.img 64 <<'P'
label: dos
start=2048, size=8192, type=83
start=10240, size=100000, type=a5
P
fill fbsd.img 1 fbsdboot
python3 "$GB_TOP/tests/lib/mklabel.py" bsd fbsd.img 10240 100000 a:10256:40000:7 c:10240:100000:0
makefs -t ffs -o version=2 -s 20000k fbsdufs.img fbsdufs >/dev/null &&
	dd if=fbsdufs.img of=fbsd.img bs=512 seek=10256 conv=notrunc status=none
expect_field "list/freebsd-slice/kernel" "5 /boot/loader" fbsd.img '.entries[0] | "\(.volume) \(.kernel)"'
check "list/freebsd-slice/reads" bash -c "'$GUESTBOOT' cat fbsd.img 5:/boot/loader | cmp - fbsdufs/boot/loader"
if wanted list/freebsd-slice/doctor; then
	got=$("$GUESTBOOT" doctor --json fbsd.img | jq -r '[.findings[] | select(.severity == "error") | .code] | join(" ")')
	[ "$got" = kernel-no-xen-pv ] && pass list/freebsd-slice/doctor || fail list/freebsd-slice/doctor "errors: $got"
fi

# --- menu.lst at the root of a /boot partition (/grub/menu.lst): PV-GRUB
# 1.03 hd00 misses it, 1.04 finds it at (hd0,0)/grub
mkdir -p bootpart/grub
kernel bootpart/vmlinuz-5
cat >bootpart/grub/menu.lst <<'EOF'
default 1
title one
	root (hd0,0)
	kernel /vmlinuz-5 root=/dev/xvda2 one
title two
	root (hd0,0)
	kernel /vmlinuz-5 root=/dev/xvda2 two
EOF
part_image bootpart.img 40 <<'P'
label: dos
start=2048, size=20480, type=83
start=22528, type=83
P
fill bootpart.img 1 bootpart
expect_error "list/grubdir/pvgrub-hd00" 3 "(hd0,0)/boot/grub/menu.lst" "$GUESTBOOT" list --pvgrub hd00 bootpart.img
expect_field "list/grubdir/pvgrub-1.04" "1 /grub/menu.lst" bootpart.img '"\(.config.volume) \(.config.path)"' --pvgrub 1.04
expect_field "list/grubdir/default" "1 two" bootpart.img '"\(.default) \(.entries[1].title)"'
expect_field "list/grubdir/default-args" "root=/dev/xvda2 two" bootpart.img '.entries[1].args'

# --- logical partition: /boot in partition 5 (pygrub never looks there)
mkdir -p logical/boot/grub
kernel logical/boot/vmlinuz-6.1
cat >logical/boot/grub/menu.lst <<'EOF'
title logical
	root (hd0,4)
	kernel /boot/vmlinuz-6.1 root=/dev/xvda6 ro
EOF
part_image logical.img 64 <<'P'
label: dos
start=2048, size=8192, type=82
start=10240, type=5
start=12288, size=40960, type=83
P
fill logical.img 5 logical
expect_field "list/logical/kernel" "5 /boot/vmlinuz-6.1" logical.img '.entries[0] | "\(.volume) \(.kernel)"'

# --- Alpine-style extlinux with relative paths, in /boot/extlinux
mkdir -p alpine/boot/extlinux
kernel alpine/boot/vmlinuz-virt
kernel alpine/boot/initramfs-virt
cat >alpine/boot/extlinux/extlinux.conf <<'EOF'
DEFAULT menu.c32
PROMPT 0
MENU TITLE Alpine/Linux Boot Menu
MENU AUTOBOOT Alpine will be booted automatically in # seconds.
TIMEOUT 30
LABEL virt
  MENU DEFAULT
  MENU LABEL Linux virt
  LINUX ../vmlinuz-virt
  INITRD ../initramfs-virt
  APPEND root=UUID=1234 modules=sd-mod,usb-storage,ext4 quiet rootfstype=ext4
MENU SEPARATOR
EOF
truncate -s 32M alpine.img
mke2fs -q -F -t ext4 -d alpine alpine.img >/dev/null
expect_field "list/extlinux/config" "syslinux /boot/extlinux/extlinux.conf" alpine.img '"\(.config.kind) \(.config.path)"'
expect_field "list/extlinux/relative-kernel" "/boot/vmlinuz-virt /boot/initramfs-virt" alpine.img \
	'.entries[.default | tonumber] | "\(.kernel) \(.initrd[0])"'
expect_field "list/extlinux/timeout" "3" alpine.img '.timeout'

# --- BLS entries only (systemd-boot style), on an ext4 /boot
mkdir -p bls/loader/entries
kernel bls/vmlinuz-6.5.6-300.fc39.x86_64
kernel bls/initramfs-6.5.6-300.fc39.x86_64.img
kernel bls/vmlinuz-6.6.2-201.fc39.x86_64
kernel bls/initramfs-6.6.2-201.fc39.x86_64.img
for v in 6.5.6-300.fc39.x86_64 6.6.2-201.fc39.x86_64; do
	cat >bls/loader/entries/abc-$v.conf <<EOF
title Fedora Linux ($v) 39
version $v
machine-id abc
linux /vmlinuz-$v
initrd /initramfs-$v.img
options root=UUID=1111 ro rhgb quiet
EOF
done
truncate -s 32M bls.img
mke2fs -q -F -t ext4 -d bls bls.img >/dev/null
expect_field "list/bls/config" "bls /loader/entries" bls.img '"\(.config.kind) \(.config.path)"'
expect_field "list/bls/newest-first" "/vmlinuz-6.6.2-201.fc39.x86_64" bls.img '.entries[.default | tonumber].kernel'

# --- LILO
mkdir -p lilo/etc lilo/boot
kernel lilo/boot/vmlinuz
cat >lilo/etc/lilo.conf <<'EOF'
boot=/dev/sda
default=linux
image=/boot/vmlinuz
	label=linux
	root=/dev/sda1
	read-only
	append="console=ttyS0"
EOF
truncate -s 32M lilo.img
mke2fs -q -F -t ext4 -d lilo lilo.img >/dev/null
# LILO puts "ro" and root= before the append line ("BOOT_IMAGE=linux ro
# root=801 console=..." on a LILO-booted Slackware)
expect_field "list/lilo/args" "lilo ro root=/dev/sda1 console=ttyS0" lilo.img '"\(.config.kind) \(.entries[0].args)"'

# --- search order: a GRUB legacy menu.lst wins over an extlinux.conf
mkdir -p both/boot/grub both/boot/extlinux
cp hd00boot/boot/grub/menu.lst both/boot/grub/menu.lst
cp alpine/boot/extlinux/extlinux.conf both/boot/extlinux/
truncate -s 32M both.img
mke2fs -q -F -t ext4 -d both both.img >/dev/null
expect_field "list/order/grub1-before-syslinux" "grub1" both.img '.config.kind'
expect_field "list/order/config-option" "syslinux" both.img '.config.kind' --config 0:/boot/extlinux/extlinux.conf
expect_field "list/order/kind-option" "grub1" both.img '.config.kind' --config /boot/grub/menu.lst --kind grub1

# --- nothing to boot
mkdir -p empty/etc
truncate -s 16M empty.img
mke2fs -q -F -t ext4 -d empty empty.img >/dev/null
expect_error "list/none" 3 "empty.img: no boot configuration found" "$GUESTBOOT" list empty.img
expect_error "list/bad-kind" 2 "unknown configuration kind" "$GUESTBOOT" list --config /etc/x --kind nope empty.img
expect_error "list/bad-pvgrub" 2 "PV-GRUB mode must be" "$GUESTBOOT" list --pvgrub hd1 empty.img
if wanted list/text; then
	out=$("$GUESTBOOT" list bootpart.img)
	grep -q '^\* 1     two$' <<<"$out" && grep -q 'kernel  1:/vmlinuz-5$' <<<"$out" &&
		grep -q 'args    root=/dev/xvda2 two$' <<<"$out" &&
		pass list/text || fail list/text "$out"
fi

# Guest text reaches the terminal escaped: C0, DEL and C1 controls (raw or
# UTF-8 encoded) never pass through; UTF-8 text does.
mkdir -p esc/boot/grub
printf 'menuentry "A\302\23331mRED\033[2J ok \303\251 \302" { linux /vmlinuz }\n' >esc/boot/grub/grub.cfg
truncate -s 16M esc.img
mke2fs -q -F -t ext4 -d esc esc.img >/dev/null
if wanted list/escapes; then
	line=$("$GUESTBOOT" list esc.img | grep ' A')
	want='* 0     A\u009b31mRED\x1b[2J ok é \xc2'
	[ "$line" = "$want" ] && pass list/escapes || fail list/escapes "want: $want" "got:  $line"
fi

# --- volumes are mounted only as the search reaches them: an ext2 that
# probes but cannot be mounted (an unknown incompatible feature) is not
# looked at when the config is on the partition before it, and is warned
# about when the search has to pass it
mkdir -p lazyboot/boot/grub lazyempty
kernel lazyboot/boot/vmlinuz
printf 'menuentry A {\n\tlinux /boot/vmlinuz\n}\n' >lazyboot/boot/grub/grub.cfg
unmountable() { # IMG N: partition N an ext2 with incompat bit 0x40000000 set
	local start size
	start=$(sfdisk -J "$1" | jq ".partitiontable.partitions[$(($2 - 1))].start")
	size=$(sfdisk -J "$1" | jq ".partitiontable.partitions[$(($2 - 1))].size")
	mke2fs -q -F -t ext2 -E offset=$((start * 512)) "$1" $((size / 2))k
	python3 - "$1" $((start * 512 + 1024 + 0x60)) <<'PY'
import struct, sys
with open(sys.argv[1], "r+b") as f:
    f.seek(int(sys.argv[2])); v = struct.unpack("<I", f.read(4))[0]
    f.seek(int(sys.argv[2])); f.write(struct.pack("<I", v | 0x40000000))
PY
}
part_image lazy-first.img 40 <<'P'
label: dos
start=2048, size=20480, type=83
start=22528, type=83
P
fill lazy-first.img 1 lazyboot
unmountable lazy-first.img 2
part_image lazy-third.img 60 <<'P'
label: dos
start=2048, size=20480, type=83
start=22528, size=20480, type=83
start=43008, type=83
P
fill lazy-third.img 1 lazyempty
unmountable lazy-third.img 2
fill lazy-third.img 3 lazyboot
expect_field "list/lazy-mount/config-first" "1 0" lazy-first.img '"\(.config.volume) \(.warnings | length)"'
expect_field "list/lazy-mount/config-after" "3 partition 2: unknown incompatible feature bits 0x40000000" \
	lazy-third.img '"\(.config.volume) \(.warnings[0] | sub(".*img: "; "") | sub("ext[24]: "; ""))"'

# the same corpus through qcow2
qcow2_corpus list

# --trace: GRUB's echo output (-n, -e) and its error messages, in order;
# without --trace none of it
if wanted list/trace; then
	rm -rf trace && mkdir -p trace/boot/grub
	printf '%s\n' 'echo one $grub_platform' 'echo -n two; echo -e "\tthree\c" four' 'nosuchcommand' \
		'set x="*"; echo "$x" done' 'menuentry A { linux /vmlinuz }' >trace/boot/grub/grub.cfg
	rm -f trace.img && mke2fs -q -F -t ext4 -d trace trace.img 4M >/dev/null 2>&1
	got=$("$GUESTBOOT" list --json --trace trace.img | jq -j .trace)
	want=$(printf "one pc\ntwo\tthreeerror: /boot/grub/grub.cfg:3: unknown command 'nosuchcommand'\n* done\n")
	plain=$("$GUESTBOOT" list --json trace.img | jq -r 'has("trace")')
	[ "$got" = "$want" ] && [ "$plain" = false ] && pass list/trace || fail list/trace "got: $got" "want: $want" "no --trace: trace $plain"
fi

# --- which GRUB runs blscfg: real GRUB files, and what list says ---------
# Debian 12's GRUB 2.06 modules (command.lst, modinfo.sh as grub-install
# copies them next to grub.cfg) have no blscfg: GRUB would not know the
# command, so a grub.cfg that runs it gets no BLS entries. EFI core images
# made with grub-mkimage --sbat carry the version and vendor GRUB's SBAT
# section holds: Red Hat's ("grub.rh") runs Fedora's blscfg (rpm order of
# /boot/loader/entries, ($root) in front of the paths), a 2.14 GRUB the
# upstream one (filevercmp order of /loader/entries, the paths as written).
ESP=C12A7328-F81F-11D2-BA4B-00A0C93EC93B
LINUXFS=0FC63DAF-8483-4772-8E79-3D69E4DE8C47
grubdir=/usr/lib/grub
# gpt_esp_root IMG ESPTREE ROOTTREE: partition 1 an ESP (FAT), 2 ext4
gpt_esp_root() {
	rm -f "$1" part.fat
	truncate -s 80M "$1"
	sfdisk -q "$1" <<<"label: gpt
start=2048, size=32MiB, type=$ESP
start=67584, type=$LINUXFS" || return 1
	mkfs.fat -C -F 16 part.fat 32768 >/dev/null && MTOOLS_NO_VFAT=0 mcopy -s -Q -i part.fat "$2"/* ::/ &&
		dd if=part.fat of="$1" bs=1M seek=1 conv=notrunc status=none && fill "$1" 2 "$3"
}
# bls_entries DIR: two entries whose order rpm and filevercmp disagree on
bls_entries() {
	mkdir -p "$1"
	printf 'title Linux 6.1.0-1\nlinux /vmlinuz-6.1.0-1\noptions root=/dev/sda2\n' >"$1/abc-6.1.0-1.conf"
	printf 'title Linux 6.1.0-rc7\nlinux /vmlinuz-6.1.0-rc7\noptions root=/dev/sda2\n' >"$1/abc-6.1.0-rc7.conf"
}
# efi_core DIR VERSION VENDORLINE: a GRUB EFI core image with that SBAT
efi_core() {
	mkdir -p "$1"
	printf 'sbat,1,SBAT Version,sbat,1,https://github.com/rhboot/shim/blob/main/SBAT.md\ngrub,3,Free Software Foundation,grub,%s,https://www.gnu.org/software/grub/\n%s\n' \
		"$2" "$3" >sbat.csv
	grub-mkimage -O x86_64-efi -d "$grubdir/x86_64-efi" -p /EFI/x --sbat sbat.csv -o "$1/grubx64.efi" normal
}

if [ ! -f "$grubdir/i386-pc/command.lst" ] || [ ! -d "$grubdir/x86_64-efi" ] || ! command -v grub-mkimage >/dev/null; then
	skip list/grub-build "grub-pc-bin, grub-efi-amd64-bin (GRUB's modules) missing: run scripts/install-deps"
else
	# the premise: this GRUB 2.06 lists no blscfg command
	if grep -q '^\*\{0,1\}blscfg:' "$grubdir/i386-pc/command.lst"; then
		fail list/grub-build/206 "$grubdir/i386-pc/command.lst lists blscfg"
	elif wanted list/grub-build/206; then
		rm -rf g206 && mkdir -p g206/boot/grub/i386-pc
		cp "$grubdir/i386-pc/command.lst" "$grubdir/i386-pc/modinfo.sh" g206/boot/grub/i386-pc/
		bls_entries g206/loader/entries
		printf 'blscfg\nmenuentry Debian { linux /vmlinuz root=/dev/sda1 }\n' >g206/boot/grub/grub.cfg
		part_image g206.img 24 <<<"label: dos
start=2048, type=83"
		fill g206.img 1 g206
		expect_field list/grub-build/206 \
			"grub 2.06 without blscfg|(hd0,msdos1)/boot/grub/i386-pc/command.lst|Debian" \
			g206.img '"\(.config.semantics)|\(.config.semantics_from)|\([.entries[].title] | join(","))"'
		got=$("$GUESTBOOT" list g206.img 2>&1 | grep '^semantics:')
		want="semantics: grub 2.06 without blscfg (from (hd0,msdos1)/boot/grub/i386-pc/command.lst)"
		[ "$got" = "$want" ] && pass list/grub-build/206-text || fail list/grub-build/206-text "want: $want" "got:  $got"
	fi
	if wanted list/grub-build/fedora-sbat; then
		rm -rf fesp froot && mkdir -p froot/boot/grub2
		efi_core fesp/EFI/fedora 2.06 'grub.rh,2,Red Hat,grub2,2.06-104.fc39,mailto:secalert@redhat.com'
		bls_entries froot/boot/loader/entries
		echo blscfg >froot/boot/grub2/grub.cfg
		gpt_esp_root fedsbat.img fesp froot
		expect_field list/grub-build/fedora-sbat \
			"fedora blscfg (grub 2.06, grub.rh)|(hd0,gpt1)/EFI/fedora/grubx64.efi|abc-6.1.0-1,abc-6.1.0-rc7|BOOT_IMAGE=(hd0,gpt2)/vmlinuz-6.1.0-1 root=/dev/sda2" \
			fedsbat.img '"\(.config.semantics)|\(.config.semantics_from)|\([.entries[].id] | join(","))|\(.entries[0].cmdline)"'
	fi
	if wanted list/grub-build/upstream-sbat; then
		rm -rf uesp uroot && mkdir -p uroot/boot/grub
		efi_core uesp/EFI/debian 2.14 'grub.debian,5,Debian,grub2,2.14-1,https://tracker.debian.org/pkg/grub2'
		bls_entries uroot/loader/entries
		bls_entries uroot/boot/loader/entries
		echo blscfg >uroot/boot/grub/grub.cfg
		gpt_esp_root upsbat.img uesp uroot
		expect_field list/grub-build/upstream-sbat \
			"grub 2.14 upstream blscfg (grub.debian)|(hd0,gpt1)/EFI/debian/grubx64.efi|abc-6.1.0-rc7,abc-6.1.0-1|BOOT_IMAGE=/vmlinuz-6.1.0-rc7 root=/dev/sda2" \
			upsbat.img '"\(.config.semantics)|\(.config.semantics_from)|\([.entries[].id] | join(","))|\(.entries[0].cmdline)"'
	fi
fi
