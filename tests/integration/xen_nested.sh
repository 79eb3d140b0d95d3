# Real Xen end to end: Debian 12's Xen 4.17 boots under QEMU TCG with a
# Debian 12 PV dom0 (tests/lib/mkxen.sh), and the dom0's own xl creates PV
# guests whose bootloader= is guestboot invoked as pygrub. One QEMU boot
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
# GB_XEN=0 skips the script. GB_XEN_TIMEOUT bounds each guest's boot
# (default 300 s); GB_XEN_PARALLEL guests run at once (2). Images are
# made at test time; the Debian systems and the hypervisor are cached in
# $GB_CACHE (/var/cache/guestboot).
. "$GB_TOP/tests/lib/common.sh"

[ "${GB_XEN:-1}" = 0 ] && exit 0

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
	for c in $cases; do wanted "xen/$c" && fail "xen/$c" "$@"; done
	exit 0
}

missing=""
for t in qemu-system-x86_64 debootstrap mke2fs mkfs.xfs sfdisk jq grub-editenv dpkg-deb apt-get; do
	command -v "$t" >/dev/null || missing="$missing $t"
done
[ -n "$missing" ] || [ "$(id -u)" -ne 0 ] && fail_all "needs root and:$missing (scripts/install-deps)"

t_start=$(date +%s)
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
# grub.cfg with linux16 and the default from grubenv's saved_entry title.
rm -rf t003 && mkdir -p t003/grub2
cp boot/vmlinuz-"$V" t003/ && cp boot/initrd.img-"$V" "t003/initramfs-$V.img"
rm -f b003.img && truncate -s 400M b003.img
printf 'label: dos\nstart=2048, size=320MiB, type=83, bootable\ntype=8e\n' | sfdisk -q b003.img || die "sfdisk b003"
BOOT003=$(uuid)
rhel_entry() { # TITLE ID ARGS
	cat <<EOF
menuentry '$1' --class centos --class gnu-linux --class gnu --class os --unrestricted \$menuentry_id_option '$2' {
	load_video
	set gfxpayload=keep
	insmod gzio
	insmod part_msdos
	insmod xfs
	set root='hd0,msdos1'
	if [ x\$feature_platform_search_hint = xy ]; then
	  search --no-floppy --fs-uuid --set=root --hint-bios=hd0,msdos1 --hint-efi=hd0,msdos1 --hint-baremetal=ahci0,msdos1 --hint='hd0,msdos1'  $BOOT003
	else
	  search --no-floppy --fs-uuid --set=root $BOOT003
	fi
	linux16 /vmlinuz-$V $3
	initrd16 /initramfs-$V.img
}
EOF
}
{
	cat <<'EOF'
#
# DO NOT EDIT THIS FILE
#
# It is automatically generated by grub2-mkconfig using templates
# from /etc/grub.d and settings from /etc/default/grub
#

### BEGIN /etc/grub.d/00_header ###
set pager=1

if [ -s $prefix/grubenv ]; then
  load_env
fi
if [ "${next_entry}" ] ; then
   set default="${next_entry}"
   set next_entry=
   save_env next_entry
   set boot_once=true
else
   set default="${saved_entry}"
fi

if [ x"${feature_menuentry_id}" = xy ]; then
  menuentry_id_option="--id"
else
  menuentry_id_option=""
fi

export menuentry_id_option

if [ "${prev_saved_entry}" ]; then
  set saved_entry="${prev_saved_entry}"
  save_env saved_entry
  set prev_saved_entry=
  save_env prev_saved_entry
  set boot_once=true
fi

function savedefault {
  if [ -z "${boot_once}" ]; then
    saved_entry="${chosen}"
    save_env saved_entry
  fi
}

function load_video {
  if [ x$feature_all_video_module = xy ]; then
    insmod all_video
  else
    insmod efi_gop
    insmod efi_uga
    insmod ieee1275_fb
    insmod vbe
    insmod vga
    insmod video_bochs
    insmod video_cirrus
  fi
}

terminal_output console
if [ x$feature_timeout_style = xy ] ; then
  set timeout_style=menu
  set timeout=5
# Fallback normal timeout code in case the timeout_style feature is
# unavailable.
else
  set timeout=5
fi
### END /etc/grub.d/00_header ###

### BEGIN /etc/grub.d/10_linux ###
EOF
	rhel_entry "CentOS Linux ($V) 7 (Core)" "gnulinux-$V-advanced-$ROOT" "root=UUID=$ROOT ro rhgb quiet LANG=en_US.UTF-8 gbentry=003-0"
	rhel_entry "CentOS Linux ($V, previous) 7 (Core)" "gnulinux-$V-prev-advanced-$ROOT" "root=UUID=$ROOT ro rhgb quiet LANG=en_US.UTF-8 gbentry=003-1"
	rhel_entry "CentOS Linux (0-rescue-0123456789abcdef) 7 (Core)" "gnulinux-0-rescue-advanced-$ROOT" "root=UUID=$ROOT ro gbentry=003-2"
	echo '### END /etc/grub.d/10_linux ###'
} >t003/grub2/grub.cfg
grub-editenv t003/grub2/grubenv create &&
	grub-editenv t003/grub2/grubenv set "saved_entry=CentOS Linux ($V, previous) 7 (Core)" || die "grub-editenv"
mkfs_part b003.img 1 xfs "$BOOT003" t003
want[seed003-xfs-rhel7-saved-entry]="root=UUID=$ROOT ro rhgb quiet LANG=en_US.UTF-8 gbentry=003-1"
disks[seed003-xfs-rhel7-saved-entry]="b003:xvda:w root:xvdb:r"

# Fedora: GPT (BIOS boot, /boot, LVM), BLS entries run by grub.cfg's
# blscfg, the default from grubenv's saved_entry (an entry id). pygrub
# reads no BLS entries at all.
rm -rf tbls && mkdir -p tbls/grub2 tbls/loader/entries
MID=0123456789abcdef0123456789abcdef BOOTBLS=$(uuid)
for k in "$V" "${V/-*-/-0-}"; do # two versions: the newest, and an older one
	cp boot/vmlinuz-"$V" "tbls/vmlinuz-$k" && cp boot/initrd.img-"$V" "tbls/initramfs-$k.img"
	cat >"tbls/loader/entries/$MID-$k.conf" <<EOF
title Fedora Linux ($k) 39 (Cloud Edition)
version $k
linux /vmlinuz-$k
initrd /initramfs-$k.img
options root=UUID=$ROOT ro no_timer_check rhgb quiet gbentry=bls-$k
grub_users \$grub_users
grub_arg --unrestricted
grub_class fedora
EOF
done
OLD=${V/-*-/-0-}
cat >tbls/grub2/grub.cfg <<EOF
### BEGIN /etc/grub.d/00_header ###
set pager=1

if [ -f \${config_directory}/grubenv ]; then
  load_env -f \${config_directory}/grubenv
elif [ -s \$prefix/grubenv ]; then
  load_env
fi
if [ "\${next_entry}" ] ; then
   set default="\${next_entry}"
   set next_entry=
   save_env next_entry
   set boot_once=true
else
   set default="\${saved_entry}"
fi

if [ x"\${feature_menuentry_id}" = xy ]; then
  menuentry_id_option="--id"
else
  menuentry_id_option=""
fi

export menuentry_id_option

terminal_output console
if [ x\$feature_timeout_style = xy ] ; then
  set timeout_style=menu
  set timeout=5
else
  set timeout=5
fi
### END /etc/grub.d/00_header ###

### BEGIN /etc/grub.d/10_linux ###
insmod part_gpt
insmod ext2
set root='hd0,gpt2'
if [ x\$feature_platform_search_hint = xy ]; then
  search --no-floppy --fs-uuid --set=root --hint-bios=hd0,gpt2 --hint-efi=hd0,gpt2 --hint-baremetal=ahci0,gpt2  $BOOTBLS
else
  search --no-floppy --fs-uuid --set=root $BOOTBLS
fi
insmod blscfg
blscfg
### END /etc/grub.d/10_linux ###
EOF
grub-editenv tbls/grub2/grubenv create &&
	grub-editenv tbls/grub2/grubenv set "saved_entry=$MID-$OLD" || die "grub-editenv"
rm -f bbls.img && truncate -s 200M bbls.img
printf 'label: gpt\nstart=2048, size=1MiB, type=21686148-6449-6E6F-744E-656564454649\nsize=150MiB, type=0FC63DAF-8483-4772-8E79-3D69D8477DE4\ntype=E6D6D379-F507-44C2-A23C-238F2A3DF928\n' |
	sfdisk -q bbls.img || die "sfdisk bbls"
mkfs_part bbls.img 2 ext4 "$BOOTBLS" tbls
want[bls-fedora-saved-entry]="root=UUID=$ROOT ro no_timer_check rhgb quiet gbentry=bls-$OLD"
disks[bls-fedora-saved-entry]="bbls:xvda:w root:xvdb:r"

# Debian on GPT: BIOS boot (1), a data file system with no configuration
# (2), /boot in partition 3 with a grub-mkconfig style grub.cfg whose
# default is an entry of the "Advanced options" submenu, by id.
rm -rf tgpt tdata && mkdir -p tgpt/grub tdata && cp boot/* tgpt/ && echo data >tdata/README
BOOTGPT=$(uuid)
deb_entry() { # INDENT TITLE ID ARGS
	cat <<EOF
$1menuentry '$2' --class debian --class gnu-linux --class gnu --class os \$menuentry_id_option '$3' {
$1	load_video
$1	insmod gzio
$1	if [ x\$grub_platform = xxen ]; then insmod xzio; insmod lzopio; fi
$1	insmod part_gpt
$1	insmod ext2
$1	search --no-floppy --fs-uuid --set=root $BOOTGPT
$1	echo	'Loading Linux $V ...'
$1	linux	/vmlinuz-$V $4
$1	echo	'Loading initial ramdisk ...'
$1	initrd	/initrd.img-$V
$1}
EOF
}
{
	cat <<EOF
if [ -s \$prefix/grubenv ]; then
  set have_grubenv=true
  load_env
fi
if [ "\${next_entry}" ] ; then
   set default="\${next_entry}"
   set next_entry=
   save_env next_entry
   set boot_once=true
else
   set default="gnulinux-advanced-$ROOT>gnulinux-$V-recovery-$ROOT"
fi

if [ x"\${feature_menuentry_id}" = xy ]; then
  menuentry_id_option="--id"
else
  menuentry_id_option=""
fi

export menuentry_id_option

function load_video {
  if [ x\$feature_all_video_module = xy ]; then
    insmod all_video
  else
    insmod vbe
    insmod vga
  fi
}

terminal_output console
set timeout=5
EOF
	deb_entry "" "Debian GNU/Linux" "gnulinux-simple-$ROOT" "root=UUID=$ROOT ro quiet gbentry=gpt-0"
	echo "submenu 'Advanced options for Debian GNU/Linux' \$menuentry_id_option 'gnulinux-advanced-$ROOT' {"
	deb_entry "	" "Debian GNU/Linux, with Linux $V" "gnulinux-$V-advanced-$ROOT" "root=UUID=$ROOT ro quiet gbentry=gpt-1-0"
	deb_entry "	" "Debian GNU/Linux, with Linux $V (recovery mode)" "gnulinux-$V-recovery-$ROOT" "root=UUID=$ROOT ro quiet single gbentry=gpt-1-1"
	echo "}"
} >tgpt/grub/grub.cfg
rm -f bgpt.img && truncate -s 120M bgpt.img
printf 'label: gpt\nstart=2048, size=1MiB, type=21686148-6449-6E6F-744E-656564454649\nsize=16MiB, type=0FC63DAF-8483-4772-8E79-3D69D8477DE4\ntype=0FC63DAF-8483-4772-8E79-3D69D8477DE4\n' |
	sfdisk -q bgpt.img || die "sfdisk bgpt"
mkfs_part bgpt.img 2 ext4 "$(uuid)" tdata
mkfs_part bgpt.img 3 ext4 "$BOOTGPT" tgpt
want[gpt-boot-partition-3-submenu-default]="root=UUID=$ROOT ro quiet single gbentry=gpt-1-1"
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
# guestboot, its shared libraries but glibc's (the dom0 is Debian 12 too),
# and pygrub: a symlink, as README says to install it.
mkdir -p dom0/usr/lib/guestboot/lib dom0/gb/cfg
cp "$GUESTBOOT" dom0/usr/lib/guestboot/guestboot && ln -s guestboot dom0/usr/lib/guestboot/pygrub
ldd "$GUESTBOOT" | awk '$3 ~ /^\// { print $3 }' | grep -Ev '/(libc|libm|ld-linux[^/]*)\.so' |
	xargs -r cp -L -t dom0/usr/lib/guestboot/lib || die "copy guestboot's libraries"
echo /usr/lib/guestboot/lib >dom0/etc/ld.so.conf.d/guestboot.conf
chroot dom0 ldconfig || die "ldconfig in the dom0"
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
