# Real Xen end to end: Debian 12's Xen 4.17 boots under QEMU TCG with a
# Debian 12 PV dom0 (tests/lib/mkxen.sh), and the dom0's own xl creates PV
# guests whose bootloader= is the packaged /usr/lib/guestboot/pygrub: the
# dom0 has make deb's packages installed with its own dpkg (built once per
# run, or build-deb/'s when newer than the checkout). One QEMU boot
# runs every guest, two at a time (tests/lib/xen_dom0_init); each must
# reach its login: prompt with the kernel command line GRUB would boot, which the
# guest's init prints to its console ("GB-CMDLINE: ..." from /proc/cmdline).
#
# The guests are a real Debian 12 system (tests/lib/mkguest.sh's cached
# debootstrap: cloud kernel, an initramfs-tools initramfs with the modules
# a PV guest needs) with a small /sbin/init that
# starts agetty on hvc0 at once (systemd would take minutes under nested
# TCG). One root file system (an unpartitioned ext3, seed 000's layout,
# mounted read-only) is shared: the other layouts are boot disks (xvda,
# what the bootloader reads) whose entries name that root by UUID (xvdb).
#
# GB_XEN=0 skips the script (a SKIP line a case). GB_XEN_TIMEOUT bounds each guest's boot
# (default 300 s); GB_XEN_PARALLEL guests run at once (2). Images are
# made at test time; the Debian systems and the hypervisor are cached in
# $GB_CACHE (/var/cache/guestboot).
. "$GB_TOP/tests/lib/common.sh"

guest_timeout=${GB_XEN_TIMEOUT:-300}
parallel=${GB_XEN_PARALLEL:-2}
GB_CACHE=${GB_CACHE:-/var/cache/guestboot}
export GB_CACHE
cases="seed000-whole-disk-ext3 seed001-boot-partition-menulst seed003-xfs-rhel7-saved-entry
bls-fedora-saved-entry gpt-boot-partition-3-submenu-default gpt-restricted-user
seed001-interactive-menu"

any=""
for c in $cases; do wanted "xen/$c" && any=1; done
[ -n "$any" ] || exit 0

fail_all() {
	local c
	[ -n "${deb_pid:-}" ] && wait "$deb_pid" # not left writing into a removed directory
	for c in $cases; do wanted "xen/$c" && fail "xen/$c" "$@"; done
	exit 0
}
# skip_all REASON: what cannot run here is skipped, not failed
skip_all() {
	local c
	[ -n "${deb_pid:-}" ] && wait "$deb_pid"
	for c in $cases; do wanted "xen/$c" && skip "xen/$c" "$1"; done
	exit 0
}
[ "${GB_XEN:-1}" = 0 ] && skip_all "GB_XEN=0"

# The Debian packages the dom0 installs (make deb): build-deb/'s when they
# are newer than every file of the checkout, else built into this run's
# work directory, in the background while the guest images are made.
deb_dir=$GB_TOP/build-deb
debs_fresh() {
	local p oldest
	for p in guestboot libguestboot0 libguestboot-dev; do
		ls "$deb_dir/${p}"_*.deb >/dev/null 2>&1 || return 1
	done
	oldest=$(ls -tr "$deb_dir"/*.deb | head -1)
	command -v git >/dev/null && git -C "$GB_TOP" rev-parse >/dev/null 2>&1 || return 1
	[ -z "$(cd "$GB_TOP" && git ls-files -co --exclude-standard -z |
		xargs -0 -r sh -c 'find "$@" -maxdepth 0 -newer "$0" -print 2>/dev/null' "$oldest" | head -1)" ]
}
build_debs=false
debs_fresh || { build_debs=true deb_dir=$PWD/debs; }

missing=""
tools="qemu-system-x86_64 debootstrap mke2fs mkfs.xfs sfdisk jq grub-editenv dpkg-deb apt-get"
$build_debs && tools="$tools dpkg-buildpackage dh git"
for t in $tools; do
	command -v "$t" >/dev/null || missing="$missing $t"
done
[ -n "$missing" ] && skip_all "not installed:$missing (scripts/install-deps)"
[ "$(id -u)" -ne 0 ] && skip_all "needs root (debootstrap, loop devices)"

t_start=$(date +%s)
deb_pid=""
if $build_debs; then
	"$GB_TOP/scripts/build-deb" "$deb_dir" >deb.log 2>&1 &
	deb_pid=$!
fi
# mkguest.sh's cached base system (its name changes with its contents)
base_tar=$(eval "$(grep -E '^(GB_CACHE|BASE_TAR)=' "$GB_TOP/tests/lib/mkguest.sh")" && echo "$BASE_TAR")
"$GB_TOP/tests/lib/mkguest.sh" base 2>cache.log &&
	guest_initrd=$("$GB_TOP/tests/lib/mkxen.sh" guest-initrd "$base_tar" 2>>cache.log) &&
	"$GB_TOP/tests/lib/mkxen.sh" hypervisor 2>>cache.log &&
	"$GB_TOP/tests/lib/mkxen.sh" dom0 2>>cache.log ||
	fail_all "making the cached systems failed" "$(tail -20 cache.log)"

die() {
	fail_all "$@"
}

# ---- the guests ------------------------------------------------------------
# part_geom IMAGE N: byte offset and size of partition N, as sfdisk says.
part_geom() {
	sfdisk -J "$1" | jq -r --arg n "$2" '.partitiontable.partitions[] |
		select(.node | test("[^0-9]" + $n + "$")) | "\(.start * 512) \(.size * 512)"'
}
# mkfs_part IMAGE N FSTYPE UUID DIR: a file system of DIR's files filling
# partition N.
mkfs_part() {
	local off size
	read -r off size < <(part_geom "$1" "$2") || die "no partition $2 in $1"
	if [ "$3" = xfs ]; then
		python3 "$GB_TOP/tests/lib/xfs_proto.py" "$5" >xfs.proto || die "xfs_proto $5"
		rm -f xfs.img && truncate -s "$size" xfs.img
		mkfs.xfs -q -f -m uuid="$4" -p xfs.proto xfs.img || die "mkfs.xfs $1"
		dd if=xfs.img of="$1" bs=1M seek="$((off / 1048576))" conv=notrunc,sparse status=none || die "dd $1"
		rm -f xfs.img xfs.proto
	else
		mke2fs -q -F -t "$3" -U "$4" -d "$5" -E offset="$off" "$1" "$((size / 1024))k" || die "mke2fs $1 $2"
	fi
}
uuid() { cat /proc/sys/kernel/random/uuid; }
# t_file CASE.t PATH: the file PATH of device 0 in a config test case
t_file() { "$GB_BUILD/config-runner" --cat "$1" "0:$2"; }

t0=$(date +%s)
rm -rf tree && mkdir tree && tar -C tree --numeric-owner -xf "$base_tar" || die "untar the guest"
V=$(ls tree/boot | sed -n 's/^vmlinuz-//p' | sort -V | tail -1)
[ -n "$V" ] || die "no kernel in the guest system"
ROOT=$(uuid)
# A minimal init: what the login prompt needs, nothing else; it prints the
# command line first so that the test can check which entry was booted.
rm -f tree/sbin/init
cat >tree/sbin/init <<'EOF'
#!/bin/sh
# guestboot tests/integration/xen_nested.sh: a quick init for nested TCG
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
mount -t proc proc /proc 2>/dev/null
mount -t sysfs sysfs /sys 2>/dev/null
mount -t devtmpfs devtmpfs /dev 2>/dev/null
mount -t tmpfs tmpfs /run
hostname guest
echo "GB-CMDLINE: $(cat /proc/cmdline)" >/dev/hvc0
echo "GB-ROOT: $(grep ' / ' /proc/mounts | grep -v rootfs)" >/dev/hvc0
while :; do /sbin/agetty --noclear hvc0 vt100; done
EOF
chmod 755 tree/sbin/init
find tree/dev -mindepth 1 -delete
cp "$guest_initrd" "tree/boot/initrd.img-$V" || die "copy the initramfs"
rm -rf tree/boot/grub && mkdir -p tree/boot/grub
mkdir boot && cp tree/boot/vmlinuz-"$V" tree/boot/initrd.img-"$V" boot/ || die "copy the kernel"

# Each case's expected command line: what GRUB boots, plus xl's extra=.
declare -A want disks mode

# seed 000: EC2 "hd0", an unpartitioned ext3, root (hd0).
args="root=/dev/xvda ro quiet gbentry=000-0"
cat >tree/boot/grub/menu.lst <<EOF
default 0
timeout 1

title Debian GNU/Linux 12 (seed 000)
	root (hd0)
	kernel /boot/vmlinuz-$V $args
	initrd /boot/initrd.img-$V
EOF
rm -f root.img && truncate -s 1200M root.img
mke2fs -q -F -t ext3 -U "$ROOT" -d tree root.img || die "mke2fs root.img"
rm -rf tree
want[seed000-whole-disk-ext3]="$args"
disks[seed000-whole-disk-ext3]="root:xvda:r" # shared by guests running at once

# seed 001: a /boot partition holding boot/grub/menu.lst (EC2 "hd00"),
# root (hd0,0), default 1.
rm -rf t001 && mkdir -p t001/boot/grub && cp boot/* t001/boot/
{
	printf 'default 1\ntimeout 10\n'
	for i in 0 1 2; do
		printf '\ntitle Debian GNU/Linux 12, entry %s\n\troot (hd0,0)\n' "$i"
		printf '\tkernel /boot/vmlinuz-%s root=UUID=%s ro quiet gbentry=001-%s\n' "$V" "$ROOT" "$i"
		printf '\tinitrd /boot/initrd.img-%s\n' "$V"
	done
} >t001/boot/grub/menu.lst
rm -f b001.img && truncate -s 80M b001.img
printf 'label: dos\nstart=2048, type=83, bootable\n' | sfdisk -q b001.img || die "sfdisk b001"
mkfs_part b001.img 1 ext3 "$(uuid)" t001
want[seed001-boot-partition-menulst]="root=UUID=$ROOT ro quiet gbentry=001-1"
disks[seed001-boot-partition-menulst]="b001:xvda:w root:xvdb:r"
# the same disk through xl create -c: the menu, "j", Enter boots entry 2
want[seed001-interactive-menu]="root=UUID=$ROOT ro quiet gbentry=001-2"
disks[seed001-interactive-menu]="b001:xvda:w root:xvdb:r"
mode[seed001-interactive-menu]=console

# seed 003: RHEL 7, XFS v5 /boot (partition 1, LVM in 2), grub2-mkconfig's
# grub.cfg with linux16 and the default from grubenv's saved_entry title:
# the real one of tests/config/grub2/real-rhel7.t, its kernels ours, its
# root our root, each linux16 line marked with its line number.
fixture=$GB_TOP/tests/config/grub2/real-rhel7.t
rm -rf t003 && mkdir -p t003/grub2
BOOT003=$(uuid)
t_file "$fixture" /grub2/grub.cfg | sed "s/5a0e8c4f-7d21-4b6e-9c3a-1f2e3d4c5b6a/$BOOT003/g;
	s|root=/dev/mapper/centos-root|root=UUID=$ROOT|; /^\s*linux16 /s/\$/ gbentry=L=/" |
	awk '{ sub(/gbentry=L=$/, "gbentry=L" NR); print }' >t003/grub2/grub.cfg
for k in $(sed -n 's|^\s*linux16 /vmlinuz-\([^ ]*\) .*|\1|p' t003/grub2/grub.cfg); do
	cp boot/vmlinuz-"$V" "t003/vmlinuz-$k" && cp boot/initrd.img-"$V" "t003/initramfs-$k.img" || die "copy kernels"
done
saved=$(t_file "$fixture" /grub2/grubenv | sed -n 's/^saved_entry=//p')
grub-editenv t003/grub2/grubenv create && grub-editenv t003/grub2/grubenv set "saved_entry=$saved" || die "grub-editenv"
rm -f b003.img && truncate -s 400M b003.img
printf 'label: dos\nstart=2048, size=320MiB, type=83, bootable\ntype=8e\n' | sfdisk -q b003.img || die "sfdisk b003"
mkfs_part b003.img 1 xfs "$BOOT003" t003
# GRUB boots the entry titled saved_entry: its linux16 line's arguments,
# $tuned_params (empty) expanded to nothing
want[seed003-xfs-rhel7-saved-entry]=$(awk -v t="menuentry '$saved'" 'index($0, t) == 1 { on = 1 }
	on && $1 == "linux16" { $1 = $2 = ""; gsub(/\$tuned_params/, ""); $0 = $0; $1 = $1; print; exit }' t003/grub2/grub.cfg)
disks[seed003-xfs-rhel7-saved-entry]="b003:xvda:w root:xvdb:r"

# Fedora 35: /boot (MBR partition 1), BLS entries run by grub.cfg's
# blscfg, options "$kernelopts" and the default (saved_entry, an entry id)
# from grubenv: tests/config/grub2/real-fedora.t's files, each entry's
# options marked with its id. Stock pygrub reads no BLS entries.
fixture=$GB_TOP/tests/config/grub2/real-fedora.t
rm -rf tbls && mkdir -p tbls/grub2 tbls/loader/entries
BOOTBLS=$(uuid)
fedora_ids="0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d/$BOOTBLS 7c8d9e0f-1a2b-4c3d-8e4f-5a6b7c8d9e0f/$ROOT"
sub_ids() { local e=""; for p in $1; do e="$e;s/${p%/*}/${p#*/}/g"; done; sed "${e#;}"; }
for f in $(grep -o '^--- file 0:/loader/entries/[^ ]*' "$fixture" | cut -d: -f2); do
	id=$(basename "$f" .conf)
	t_file "$fixture" "$f" | sub_ids "$fedora_ids" | sed "s/^options .*/& gbentry=$id/" >"tbls$f"
	for k in $(sed -n 's|^linux /||p; s|^initrd /||p' "tbls$f"); do
		case $k in initramfs*) cp boot/initrd.img-"$V" "tbls/$k" ;; *) cp boot/vmlinuz-"$V" "tbls/$k" ;; esac || die "copy kernels"
	done
done
t_file "$fixture" /grub2/grub.cfg | sub_ids "$fedora_ids" >tbls/grub2/grub.cfg
grub-editenv tbls/grub2/grubenv create || die "grub-editenv"
t_file "$fixture" /grub2/grubenv | grep -v '^#' | sub_ids "$fedora_ids" | while IFS= read -r kv; do
	grub-editenv tbls/grub2/grubenv set "$kv" || exit 1
done || die "grub-editenv"
rm -f bbls.img && truncate -s 200M bbls.img
printf 'label: dos\nstart=2048, size=150MiB, type=83, bootable\ntype=8e\n' | sfdisk -q bbls.img || die "sfdisk bbls"
mkfs_part bbls.img 1 ext4 "$BOOTBLS" tbls
# GRUB boots the entry whose id is saved_entry, $kernelopts expanded
saved=$(grub-editenv tbls/grub2/grubenv list | sed -n 's/^saved_entry=//p')
kernelopts=$(grub-editenv tbls/grub2/grubenv list | sed -n 's/^kernelopts=//p')
want[bls-fedora-saved-entry]=$(sed -n 's/^options //p' "tbls/loader/entries/$saved.conf" |
	awk -v k="$kernelopts" '{ gsub(/\$kernelopts/, k); $1 = $1; print }')
disks[bls-fedora-saved-entry]="bbls:xvda:w root:xvdb:r"

# Debian 12 on GPT: BIOS boot (1), a data file system with no
# configuration (2), the system's /boot directory in partition 3; the
# grub-mkconfig grub.cfg and grub-reboot's next_entry (an entry of the
# "Advanced options" submenu) of tests/config/grub2/real-debian12-next-entry.t,
# its partition GPT's, each linux line marked with its line number.
fixture=$GB_TOP/tests/config/grub2/real-debian12-next-entry.t
rm -rf tgpt tdata && mkdir -p tgpt/boot/grub tdata && echo data >tdata/README
BOOTGPT=$(uuid) fixture_uuid=2f1e5c3a-8b7d-4e2f-9a61-0c3d5e7f9b12
gpt_sub() {
	sed "/search /s/$fixture_uuid/$BOOTGPT/; s/$fixture_uuid/$ROOT/g; s/msdos1/gpt3/g; s/part_msdos/part_gpt/"
}
t_file "$fixture" /boot/grub/grub.cfg | gpt_sub | sed '/^\s*linux\s/s/$/ gbentry=L=/' |
	awk '{ sub(/gbentry=L=$/, "gbentry=L" NR); print }' >tgpt/boot/grub/grub.cfg
for k in $(sed -n 's|^\s*linux\s*/boot/vmlinuz-\([^ ]*\) .*|\1|p' tgpt/boot/grub/grub.cfg | sort -u); do
	cp boot/vmlinuz-"$V" "tgpt/boot/vmlinuz-$k" && cp boot/initrd.img-"$V" "tgpt/boot/initrd.img-$k" || die "copy kernels"
done
next=$(t_file "$fixture" /boot/grub/grubenv | gpt_sub | sed -n 's/^next_entry=//p')
grub-editenv tgpt/boot/grub/grubenv create && grub-editenv tgpt/boot/grub/grubenv set "next_entry=$next" || die "grub-editenv"
rm -f bgpt.img && truncate -s 160M bgpt.img
printf 'label: gpt\nstart=2048, size=1MiB, type=21686148-6449-6E6F-744E-656564454649\nsize=16MiB, type=0FC63DAF-8483-4772-8E79-3D69D8477DE4\ntype=0FC63DAF-8483-4772-8E79-3D69D8477DE4\n' |
	sfdisk -q bgpt.img || die "sfdisk bgpt"
mkfs_part bgpt.img 2 ext4 "$(uuid)" tdata
mkfs_part bgpt.img 3 ext4 "$BOOTGPT" tgpt
# GRUB boots the submenu entry with the id after '>': its linux line
want[gpt-boot-partition-3-submenu-default]=$(awk -v id="'${next#*>}'" '$1 == "menuentry" && index($0, id) { on = 1 }
	on && $1 == "linux" { $1 = $2 = ""; $0 = $0; $1 = $1; print; exit }' tgpt/boot/grub/grub.cfg)
disks[gpt-boot-partition-3-submenu-default]="bgpt:xvda:w root:xvdb:r"
# the same disk with xl's deprivileged bootloader (XSA-443): --runas
want[gpt-restricted-user]=${want[gpt-boot-partition-3-submenu-default]}
disks[gpt-restricted-user]="bgpt:xvda:w root:xvdb:r"
mode[gpt-restricted-user]=restrict
rm -rf boot t001 t003 tbls tgpt tdata
mk_guests_secs=$(($(date +%s) - t0))

# ---- the dom0 --------------------------------------------------------------
t0=$(date +%s)
rm -rf dom0 && mkdir dom0 && tar -C dom0 --numeric-owner -xf "$GB_CACHE/xen-dom0-bookworm.tar" || die "untar the dom0"
DV=$(ls dom0/boot | sed -n 's/^vmlinuz-//p' | sort -V | tail -1)
cp "dom0/boot/vmlinuz-$DV" dom0.vmlinuz && cp "dom0/boot/initrd.img-$DV" dom0.initrd || die "no dom0 kernel"
# The packages, installed with the dom0's dpkg as a host would; the
# libraries they need that the cached dom0 lacks (Debian 12's, as the
# dom0's) are downloaded once into $GB_CACHE/xen-dom0-debs.
if [ -n "$deb_pid" ]; then
	wait "$deb_pid" || { deb_pid=""; die "scripts/build-deb failed" "$(tail -20 deb.log)"; }
	deb_pid=""
fi
debs=()
for p in guestboot libguestboot0 libguestboot-dev; do
	d=$(ls "$deb_dir/${p}"_*.deb 2>/dev/null | head -1)
	[ -n "$d" ] || die "no ${p}_*.deb in $deb_dir"
	debs+=("$d")
done
pkg_cache=$GB_CACHE/xen-dom0-debs
mkdir -p "$pkg_cache" dom0/tmp/gb-debs || die "mkdir $pkg_cache"
# dep_names: the package names of Depends: lines on stdin (first alternative)
dep_names() { tr ',' '\n' | sed 's/|.*//; s/(.*)//; s/:any//' | awk 'NF { print $1 }' | sort -u; }
seen=" guestboot libguestboot0 libguestboot-dev "
extra=()
queue=$(for d in "${debs[@]}"; do dpkg-deb -f "$d" Depends; echo ,; done)
while [ -n "$queue" ]; do
	next=""
	for p in $(dep_names <<<"$queue"); do
		case $seen in *" $p "*) continue ;; esac
		seen="$seen$p "
		[ "$(chroot dom0 dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null)" = installed ] && continue
		f=$(ls "$pkg_cache/${p}"_*.deb 2>/dev/null | head -1)
		if [ -z "$f" ]; then
			(cd "$pkg_cache" && apt-get -q -o APT::Sandbox::User=root download "$p") >>deb.log 2>&1 || die "apt-get download $p failed" "$(tail -5 deb.log)"
			f=$(ls "$pkg_cache/${p}"_*.deb | head -1)
		fi
		extra+=("$f")
		next="$next$(dpkg-deb -f "$f" Depends),"
	done
	queue=$next
done
cp "${extra[@]}" "${debs[@]}" dom0/tmp/gb-debs/ || die "copy the packages into the dom0"
chroot dom0 sh -c 'dpkg -i /tmp/gb-debs/*.deb' >dpkg.log 2>&1 || die "dpkg -i in the dom0 failed" "$(tail -20 dpkg.log)"
rm -rf dom0/tmp/gb-debs
[ "$(chroot dom0 dpkg-query -W -f='${db:Status-Status}' guestboot)" = installed ] &&
	[ "$(chroot dom0 readlink -f /usr/lib/guestboot/pygrub)" = /usr/bin/guestboot ] &&
	chroot dom0 guestboot --version >>dpkg.log 2>&1 ||
	die "the installed package's guestboot does not run in the dom0 as /usr/lib/guestboot/pygrub" "$(tail -5 dpkg.log)"
echo "  xen: installed in the dom0: $(basename -a "${debs[@]}" "${extra[@]}" | tr '\n' ' ')" >&2
mkdir -p dom0/gb/cfg
chroot dom0 useradd --system --no-create-home --shell /usr/sbin/nologin gbboot || die "useradd"
gbboot_uid=$(chroot dom0 id -u gbboot)
install -m 755 "$GB_TOP/tests/lib/xen_dom0_init" dom0/gb/init && install -m 755 "$GB_TOP/tests/lib/xl_console.py" dom0/gb/ &&
	install -m 755 "$GB_TOP/tests/lib/xen_block_hotplug" dom0/etc/xen/scripts/block || die "copy the dom0 scripts"
printf 'GUEST_TIMEOUT=%s\nPARALLEL=%s\n' "$guest_timeout" "$parallel" >dom0/gb/settings
# Guest disks are attached after the dom0's (vda) and the results' (vdb).
images="root b001 b003 bbls bgpt"
qemu_disks=() letters=(c d e f g h i j)
declare -A dev
i=0
for img in $images; do
	dev[$img]=vd${letters[i]}
	qemu_disks+=(-drive "file=$img.img,format=raw,if=virtio,cache=unsafe")
	i=$((i + 1))
done
: >dom0/gb/cases
ncases=0
for c in $cases; do
	wanted "xen/$c" || continue
	list=""
	for d in ${disks[$c]}; do
		IFS=: read -r img vdev rw <<<"$d"
		list="$list${list:+, }'phy:/dev/${dev[$img]},$vdev,$rw'"
	done
	{
		echo "name = \"$c\""
		echo 'type = "pv"'
		echo 'memory = 320'
		echo 'vcpus = 1'
		echo 'bootloader = "/usr/lib/guestboot/pygrub"'
		echo "disk = [ $list ]"
		echo 'extra = "console=hvc0"'
		echo 'on_reboot = "destroy"'
		echo 'on_crash = "destroy"'
	} >"dom0/gb/cfg/$c.cfg"
	echo "$c ${mode[$c]:-create}" >>dom0/gb/cases
	ncases=$((ncases + 1))
done
rm -f dom0.img && truncate -s 2G dom0.img
mke2fs -q -F -t ext4 -d dom0 dom0.img || die "mke2fs dom0.img"
rm -rf dom0
truncate -s 64M results.img
mk_dom0_secs=$(($(date +%s) - t0))

# ---- Xen under QEMU ----------------------------------------------------------
qemu_timeout=$((300 + (guest_timeout + 30) * ncases / parallel + guest_timeout))
t0=$(date +%s)
timeout -k 10 "$qemu_timeout" qemu-system-x86_64 -machine pc -accel tcg -cpu qemu64 -smp 2 -m 3072 \
	-nodefaults -nographic -no-reboot -monitor none -serial file:serial.log \
	-kernel "$GB_CACHE/xen-4.17/xen" -append "console=com1 dom0_mem=1536M,max:1536M" \
	-initrd "dom0.vmlinuz root=/dev/vda rw init=/gb/init console=hvc0 quiet,dom0.initrd" \
	-drive file=dom0.img,format=raw,if=virtio,cache=unsafe \
	-drive file=results.img,format=raw,if=virtio,cache=unsafe \
	"${qemu_disks[@]}" </dev/null >qemu.out 2>&1
qemu_rc=$?
xen_secs=$(($(date +%s) - t0))
rm -rf results && mkdir results && tar -C results -xf results.img 2>/dev/null
tr -d '\r' <serial.log >serial.txt

for c in $cases; do
	name=xen/$c
	wanted "$name" || continue
	read -r _ status secs < <(grep "^$c " results/summary 2>/dev/null) || status="not run" secs=0
	console=results/$c.console
	[ -f "$console" ] && tr -d '\r' <"$console" >"$console.txt" || : >"$console.txt"
	got=$(sed -n 's/^GB-CMDLINE: //p' "$console.txt" | head -1)
	expect="${want[$c]} console=hvc0"
	problems=()
	[ "$status" = login ] || problems+=("status: $status after ${secs}s (qemu exit $qemu_rc after ${xen_secs}s)")
	[ "$got" = "$expect" ] || problems+=("kernel command line: $got" "expected:            $expect")
	grep -q '^guest login:' "$console.txt" || problems+=("no 'guest login:' on the guest console")
	case ${mode[$c]:-create} in
	restrict)
		grep -q "bootloader arg: --runas=$gbboot_uid\$" "results/$c.xl" ||
			problems+=("xl did not run the bootloader with --runas=$gbboot_uid (user gbboot)")
		;;
	console)
		grep -aq "guestboot " "results/$c.pty" && grep -aq "xl_console.py: key sent" "results/$c.pty" ||
			problems+=("the menu was not shown on xl create -c's console")
		;;
	esac
	if [ ${#problems[@]} -eq 0 ]; then
		pass "$name"
		echo "  $name: login: after ${secs}s" >&2
	else
		fail "$name" "${problems[@]}" \
			"xl: $(cat "results/$c.xl" "results/$c.xllog" 2>/dev/null | grep -v 'bootloader arg' | tail -15)" \
			"last 25 lines of the guest console:" "$(tail -25 "$console.txt")" \
			"last 25 lines of the dom0 console:" "$(tail -25 serial.txt)"
	fi
done
echo "  xen: guest images ${mk_guests_secs}s, dom0 image ${mk_dom0_secs}s, Xen run ${xen_secs}s, total $(($(date +%s) - t_start))s" >&2
[ -n "${GB_KEEP:-}" ] || rm -f ./*.img
