#!/bin/bash
# Build disk images holding a real, bootable Debian 12 guest.
#
#   mkguest.sh base                 debootstrap once into the cache (tarball)
#   mkguest.sh LAYOUT IMAGE         lay the cached system into IMAGE
#   mkguest.sh LAYOUT IMAGE.qcow2   the same, as a compressed qcow2
#                                   (qemu-img convert -c)
#
# LAYOUT:
#   mbr-boot     MBR, ext4 /boot (partition 1), ext4 root (partition 2), grub.cfg
#   gpt-xfsboot  GPT, BIOS boot (1), XFS /boot (2), ext4 root (3), grub.cfg
#   mbr-logical  MBR, one ext4 root holding /boot in logical partition 5, grub.cfg
#   menulst      MBR, ext4 /boot (1) and root (2), a hand-written GRUB legacy
#                menu.lst and no grub.cfg
#   btrfs        MBR, one btrfs (1), the whole system in subvolume @ (so
#                grub.cfg's paths are /@/boot/...; rootflags=subvol=@)
#   menulst-lvm  MBR, ext4 /boot (1), LVM PV (2) with the ext4 root in
#                guestvg/root; a CentOS-style menu.lst: default=1, fallback,
#                hiddenmenu, splashimage, root=/dev/mapper/guestvg-root
#   uki          GPT, an EFI system partition (1, FAT) holding nothing but
#                /EFI/Linux/debian.efi, a UKI made (tests/lib/mkuki.py) of the
#                guest's own kernel, initrd and command line; ext4 root (2)
#
# The base system is debootstrapped once and kept OUTSIDE the repository in
# $GB_CACHE/debootstrap-bookworm-v2.tar (GB_CACHE defaults to
# /var/cache/guestboot); delete the tarball to rebuild it. The root password
# is "guestboot". grub.cfg is written by the guest's own grub-mkconfig, in a
# chroot, with a stand-in grub-probe that describes the layout (offset loop
# devices are invisible to the real one). Images are populated without
# mounting (mke2fs -d, mkfs.xfs -p), except the btrfs one (a subvolume).
# The guest is tuned to boot fast and reports its mounts on the console
# (tune_guest). Needs root.
#
# After IMAGE is made, IMAGE.env holds shell assignments describing it:
# LAYOUT, FORMAT (raw, qcow2), ROOT_PART, ROOT_UUID, ROOT_FS, BOOT_PART,
# BOOT_UUID, BOOT_FS, CONFIG (VOLUME:PATH of the boot configuration, as
# guestboot names it), CMDLINE (its default entry's kernel arguments),
# ROOT_MOUNT and BOOT_MOUNT (what the booted guest's findmnt should say:
# "SOURCE FSTYPE"; BOOT_MOUNT empty when /boot is no mount point).
set -u
set -o pipefail

GB_CACHE=${GB_CACHE:-/var/cache/guestboot}
GB_MIRROR=${GB_MIRROR:-http://deb.debian.org/debian}
# v2: lvm2 and btrfs-progs too (root on LVM or btrfs); a new name so that
# an older cached tarball is not taken for this one
BASE_TAR=$GB_CACHE/debootstrap-bookworm-v2.tar
ROOT_PASSWORD=guestboot

die() {
	echo "mkguest: $*" >&2
	exit 1
}

# Things to undo on exit, run last-in first-out.
cleanups=()
cleanup() {
	local i
	for ((i = ${#cleanups[@]} - 1; i >= 0; i--)); do
		eval "${cleanups[i]}" || true
	done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# base: debootstrap bookworm with a kernel and GRUB's config generator,
# root password set, serial console ready; saved as a tarball.
make_base() {
	[ -s "$BASE_TAR" ] && return 0
	command -v debootstrap >/dev/null || die "debootstrap is not installed (scripts/install-deps)"
	mkdir -p "$GB_CACHE" || die "cannot create $GB_CACHE"
	local dir
	dir=$(mktemp -d "$GB_CACHE/debootstrap.XXXXXX") || die "mktemp"
	cleanups+=("umount_below '$dir'; rm -rf '$dir'")
	echo "mkguest: debootstrap bookworm into $dir (once; a few minutes)" >&2
	timeout 1800 debootstrap --variant=minbase \
		--include=linux-image-cloud-amd64,initramfs-tools,systemd-sysv,udev,grub-pc-bin,grub2-common,lvm2,btrfs-progs \
		bookworm "$dir" "$GB_MIRROR" >"$dir.log" 2>&1 ||
		{ tail -20 "$dir.log" >&2; die "debootstrap failed (log: $dir.log)"; }
	rm -f "$dir.log"
	echo "root:$ROOT_PASSWORD" | chroot "$dir" chpasswd || die "chpasswd"
	echo guest >"$dir/etc/hostname"
	printf '127.0.0.1\tlocalhost\n127.0.1.1\tguest\n' >"$dir/etc/hosts"
	# The getty on the serial console; the generator also starts it when
	# console=ttyS0 is on the command line.
	chroot "$dir" systemctl enable serial-getty@ttyS0.service >/dev/null 2>&1 ||
		die "systemctl enable serial-getty@ttyS0"
	rm -rf "$dir/var/cache/apt/archives/"*.deb "$dir/var/lib/apt/lists/"*
	tar -C "$dir" --numeric-owner -cf "$BASE_TAR.tmp" . || die "tar"
	mv "$BASE_TAR.tmp" "$BASE_TAR"
}

umount_below() {
	local m
	for m in $(awk -v d="$1" 'index($2, d) == 1 { print $2 }' /proc/mounts | sort -r); do
		umount "$m" 2>/dev/null || umount -l "$m"
	done
}

# The stand-in grub-probe: answers from the layout in /etc/guestboot-probe
# (DEV_ROOT, DEV_BOOT, and per device FS_*, UUID_*, PART_*, PARTMAP).
write_grub_probe() {
	cat >"$1" <<'PROBE'
#!/bin/sh
# Stand-in for grub-probe while grub-mkconfig runs in a chroot (guestboot
# tests/lib/mkguest.sh): describes the disk the image will be, not the host.
. /etc/guestboot-probe
target=device device= path=
while [ $# -gt 0 ]; do
	case "$1" in
	-t | --target) target=$2; shift ;;
	--target=*) target=${1#--target=} ;;
	-d | --device) device=x ;;
	--device=*) device=x; path=${1#--device=} ;;
	-*) ;;
	*) path=$1 ;;
	esac
	shift
done
if [ -z "$device" ]; then
	case "$path" in
	/boot | /boot/*) path=$DEV_BOOT ;;
	*) path=$DEV_ROOT ;;
	esac
fi
if [ "$path" = "$DEV_BOOT" ]; then n=boot; else n=root; fi
eval "fs=\$FS_$n uuid=\$UUID_$n part=\$PART_$n"
case "$target" in
device) echo "$path" ;;
fs) echo "$fs" ;;
fs_uuid) echo "$uuid" ;;
partmap) echo "$PARTMAP" ;;
abstraction | cryptodisk_uuid) ;;
drive) echo "(hd0,$PARTMAP$part)" ;;
compatibility_hint) echo "hd0,$PARTMAP$part" ;;
hints_string) echo "--hint-bios=hd0,$PARTMAP$part --hint-efi=hd0,$PARTMAP$part --hint-baremetal=ahci0,$PARTMAP$part" ;;
*) echo "grub-probe (stand-in): no answer for --target=$target" >&2; exit 1 ;;
esac
PROBE
	chmod 755 "$1"
}

# grub_mkconfig TREE SEPARATE_BOOT: run the guest's own grub-mkconfig in a
# chroot of TREE, with the layout's answers in $probe_env.
grub_mkconfig() {
	local t=$1 sep=$2
	mv "$t/usr/sbin/grub-probe" "$t/usr/sbin/grub-probe.real"
	write_grub_probe "$t/usr/sbin/grub-probe"
	printf '%s\n' "$probe_env" >"$t/etc/guestboot-probe"
	# 10_linux writes root=UUID= only when /dev/disk/by-uuid/UUID exists
	mkdir -p "$t/dev/disk/by-uuid" "$t/boot/grub"
	: >"$t/dev/disk/by-uuid/$ROOT_UUID"
	mount -t proc proc "$t/proc" || die "mount proc"
	cleanups+=("umount '$t/proc' 2>/dev/null")
	mount -t sysfs sysfs "$t/sys" || die "mount sysfs"
	cleanups+=("umount '$t/sys' 2>/dev/null")
	if [ "$sep" = 1 ]; then
		# A separate /boot must be a mount point, so that grub-mkrelpath
		# makes kernel paths relative to it: a tmpfs with /boot's files.
		mv "$t/boot" "$t/boot.tree" && mkdir "$t/boot"
		mount -t tmpfs -o size=512m tmpfs "$t/boot" || die "mount tmpfs"
		cleanups+=("umount '$t/boot' 2>/dev/null")
		cp -a "$t/boot.tree/." "$t/boot/"
	fi
	local rc=0
	timeout 300 chroot "$t" /usr/sbin/grub-mkconfig -o /boot/grub/grub.cfg >"$work/grub-mkconfig.log" 2>&1 || rc=$?
	if [ "$sep" = 1 ]; then
		cp "$t/boot/grub/grub.cfg" "$t/boot.tree/grub/grub.cfg" 2>/dev/null
		umount "$t/boot" && rmdir "$t/boot" && mv "$t/boot.tree" "$t/boot"
	fi
	umount "$t/sys" "$t/proc"
	[ "$rc" -eq 0 ] || { cat "$work/grub-mkconfig.log" >&2; die "grub-mkconfig failed"; }
	mv "$t/usr/sbin/grub-probe.real" "$t/usr/sbin/grub-probe"
	rm -f "$t/etc/guestboot-probe"
	rm -rf "$t/dev/disk"
	grep -q "root=UUID=$ROOT_UUID" "$t/boot/grub/grub.cfg" ||
		die "grub-mkconfig wrote no root=UUID=$ROOT_UUID"
}

# part_offset IMAGE N: byte offset and size of partition N, as sfdisk says.
part_geom() {
	sfdisk -J "$1" | jq -r --arg n "$2" '.partitiontable as $t | $t.partitions[] |
		select(.node | test("[^0-9]" + $n + "$")) | "\(.start * ($t.sectorsize // 512)) \(.size * ($t.sectorsize // 512))"'
}

# mkext4 IMAGE PART UUID DIR: an ext4 of DIR's files filling partition PART.
mkext4() {
	local off size
	read -r off size < <(part_geom "$1" "$2") || die "no partition $2"
	mkext4_at "$1" "$off" "$size" "$3" "$4"
}

# mkext4_at IMAGE OFFSET SIZE UUID DIR: the same at a byte range of IMAGE.
mkext4_at() {
	mke2fs -q -F -t ext4 -U "$4" -d "$5" -E offset="$2" "$1" "$(($3 / 1024))k" ||
		die "mke2fs at offset $2"
}

# mkxfs IMAGE PART UUID DIR: an XFS of DIR's files filling partition PART.
mkxfs() {
	local off size
	read -r off size < <(part_geom "$1" "$2") || die "no partition $2"
	python3 "$(dirname "$0")/xfs_proto.py" "$4" >"$work/xfs.proto" || die "xfs_proto"
	truncate -s "$size" "$work/xfs.img"
	mkfs.xfs -q -f -m uuid="$3" -p "$work/xfs.proto" "$work/xfs.img" || die "mkfs.xfs"
	dd if="$work/xfs.img" of="$1" bs=1M seek="$((off / 1048576))" conv=notrunc,sparse status=none ||
		die "dd xfs"
	rm -f "$work/xfs.img"
}

# The newest kernel version in the tree.
kver() { ls "$1/boot" | sed -n 's/^vmlinuz-//p' | sort -V | tail -1; }

# attach_part VAR IMAGE PART: a loop device over partition PART, in VAR
# (loop devices get no partition nodes here); detached on exit.
attach_part() {
	local off size loop
	read -r off size < <(part_geom "$2" "$3") || die "no partition $3"
	loop=$(losetup -f --show -o "$off" --sizelimit "$size" "$2") || die "losetup partition $3"
	cleanups+=("losetup -d '$loop'")
	printf -v "$1" '%s' "$loop"
}

# mount_btrfs_root IMAGE PART UUID DIR: a btrfs in partition PART whose
# subvolume @ (the root, as Ubuntu's installer names it) is mounted at DIR.
# Mounted, not --rootdir: a subvolume, and the real grub-mkrelpath in the
# chroot then finds the /@ prefix itself.
mount_btrfs_root() {
	local dev
	attach_part dev "$1" "$2"
	mkfs.btrfs -q -f -U "$3" "$dev" >/dev/null || die "mkfs.btrfs"
	mkdir -p "$work/top"
	mount "$dev" "$work/top" || die "mount btrfs"
	btrfs -q subvolume create "$work/top/@" >/dev/null || die "btrfs subvolume create"
	umount "$work/top"
	mount -o subvol=@ "$dev" "$4" || die "mount btrfs subvol=@"
	cleanups+=("umount '$4' 2>/dev/null")
}

# lvm_pv IMAGE PART VG LV: partition PART becomes the one physical volume
# of VG, holding one linear LV over all its extents; sets lv_off and
# lv_size (bytes in IMAGE). lvcreate needs device-mapper, which the build
# host may lack: the LV is written into the VG metadata (vgcfgrestore).
lvm_pv() {
	local img=$1 part=$2 vg=$3 lv=$4 dev
	attach_part dev "$img" "$part"
	# only this PV, and no trace in the host's LVM state
	export LVM_SYSTEM_DIR=$work/lvm LVM_SUPPRESS_FD_WARNINGS=1
	mkdir -p "$LVM_SYSTEM_DIR"
	printf 'devices { scan_lvs = 0 use_devicesfile = 0 }\nbackup { backup = 0 archive = 0 }\n' \
		>"$LVM_SYSTEM_DIR/lvm.conf"
	local only="--devices $dev" pe_start pe_count meta h
	pvcreate -q -y $only "$dev" >/dev/null 2>&1 || die "pvcreate"
	vgcreate -q -s 4M $only "$vg" "$dev" >/dev/null 2>&1 || die "vgcreate"
	read -r pe_start pe_count < <(pvs $only --noheadings --units b --nosuffix \
		-o pe_start,pv_pe_count "$dev" 2>/dev/null) || die "pvs"
	vgcfgbackup -q $only -f "$work/vg.txt" "$vg" >/dev/null 2>&1 || die "vgcfgbackup"
	h=$(tr -d - </proc/sys/kernel/random/uuid)
	meta=$(<"$work/vg.txt")
	# the LV goes at the end of the VG section, the file's last "}"
	cat >"$work/vg-lv.txt" <<-EOF
		${meta%\}*}
		logical_volumes {
		$lv {
		id = "${h:0:6}-${h:6:4}-${h:10:4}-${h:14:4}-${h:18:4}-${h:22:4}-${h:26:6}"
		status = ["READ", "WRITE", "VISIBLE"]
		flags = []
		segment_count = 1
		segment1 {
		start_extent = 0
		extent_count = $pe_count
		type = "striped"
		stripe_count = 1
		stripes = ["pv0", 0]
		}
		}
		}
		}
	EOF
	vgcfgrestore -q $only -f "$work/vg-lv.txt" "$vg" >/dev/null 2>&1 || die "vgcfgrestore"
	local off size
	read -r off size < <(part_geom "$img" "$part")
	lv_off=$((off + pe_start)) lv_size=$((pe_count * 4194304))
}

# tune_guest TREE: a short boot under TCG, and a report for the tests.
# Timers and jobs a throwaway guest never needs are masked and KVM
# modules not loaded (the command line stays the boot entry's own); a
# oneshot unit prints what is mounted at / and /boot and the kernel
# command line on the console, before the login prompt:
#   gb-mount / /dev/vda2 ext4
#   gb-mount /boot /dev/vda1 ext4      ("gb-mount /boot " if not a mount)
#   gb-cmdline root=UUID=... ro console=ttyS0
tune_guest() {
	local t=$1 u
	for u in apt-daily.timer apt-daily-upgrade.timer dpkg-db-backup.timer e2scrub_all.timer \
		e2scrub_reap.service fstrim.timer getty-static.service lvm2-monitor.service; do
		ln -sf /dev/null "$t/etc/systemd/system/$u"
	done
	# nor nested virtualisation (QEMU's -cpu max offers it)
	printf 'blacklist kvm_amd\nblacklist kvm_intel\n' >"$t/etc/modprobe.d/guestboot-test.conf"
	cat >"$t/etc/systemd/system/guestboot-report.service" <<-'EOF'
		[Unit]
		Description=Report the mounts and the kernel command line (guestboot tests)
		After=local-fs.target
		Before=getty.target serial-getty@ttyS0.service
		[Service]
		Type=oneshot
		ExecStart=/bin/sh -c 'for m in / /boot; do echo "gb-mount $m $(findmnt -n -o SOURCE,FSTYPE $m)"; done; echo "gb-cmdline $(cat /proc/cmdline)"'
		StandardOutput=tty
		TTYPath=/dev/console
		[Install]
		WantedBy=multi-user.target
	EOF
	ln -sf ../guestboot-report.service "$t/etc/systemd/system/multi-user.target.wants/"
}

# write_menu_lst FILE KVER ROOT DEFAULT: a GRUB legacy menu.lst, written by
# hand as pygrub and PV-GRUB users keep it; the normal entry is DEFAULT (0
# or 1), the other one boots single-user.
write_menu_lst() {
	local f=$1 v=$2 root=$3 def=$4 i
	mkdir -p "${f%/*}"
	{
		echo "# GRUB legacy menu, written by hand (guestboot tests/lib/mkguest.sh)"
		if [ "$def" = 0 ]; then
			printf 'default 0\ntimeout 5\n'
		else
			# as CentOS 5/6 wrote it
			printf 'default=%s\nfallback=0\ntimeout=5\nsplashimage=(hd0,0)/grub/splash.xpm.gz\nhiddenmenu\n' "$def"
		fi
		for i in 0 1; do
			if [ "$i" = "$def" ]; then
				printf '\ntitle Debian GNU/Linux 12, kernel %s\n\troot (hd0,0)\n\tkernel /vmlinuz-%s root=%s ro\n' "$v" "$v" "$root"
			else
				printf '\ntitle Debian GNU/Linux 12, kernel %s (single-user mode)\n\troot (hd0,0)\n\tkernel /vmlinuz-%s root=%s ro single\n' "$v" "$v" "$root"
			fi
			printf '\tinitrd /initrd.img-%s\n' "$v"
		done
	} >"$f"
}

# make_uki_esp IMAGE TREE KVER CMDLINE: partition 1 of IMAGE becomes a FAT
# EFI system partition whose only file is /EFI/Linux/debian.efi, a UKI of
# TREE's kernel and initrd with CMDLINE and TREE's os-release.
make_uki_esp() {
	local img=$1 t=$2 v=$3 off size
	command -v mkfs.fat >/dev/null && command -v mcopy >/dev/null ||
		die "mkfs.fat and mcopy are needed (scripts/install-deps)"
	mkdir -p "$work/esp/EFI/Linux"
	python3 "$(dirname "$0")/mkuki.py" "$work/esp/EFI/Linux/debian.efi" \
		".osrel=@$t/usr/lib/os-release" ".cmdline=$4" ".uname=$v" \
		".linux=@$t/boot/vmlinuz-$v" ".initrd=@$t/boot/initrd.img-$v" || die "mkuki.py"
	read -r off size < <(part_geom "$img" 1) || die "no partition 1"
	rm -f "$work/esp.img"
	mkfs.fat -C -F 32 "$work/esp.img" "$((size / 1024))" >/dev/null || die "mkfs.fat"
	mcopy -s -Q -i "$work/esp.img" "$work/esp/EFI" ::/ || die "mcopy"
	dd if="$work/esp.img" of="$img" bs=1M seek="$((off / 1048576))" conv=notrunc status=none ||
		die "dd esp"
	rm -rf "$work/esp" "$work/esp.img"
}

make_image() {
	local layout=$1 img=$2
	make_base
	work=$(mktemp -d "${TMPDIR:-/tmp}/mkguest.XXXXXX") || die mktemp
	cleanups+=("umount_below '$work'; rm -rf '$work'")
	local t=$work/tree
	mkdir "$t"
	ROOT_UUID=$(cat /proc/sys/kernel/random/uuid) BOOT_UUID=$(cat /proc/sys/kernel/random/uuid)
	local partmap=msdos sep=1 fs_boot=ext2 fs_root=ext2
	ROOT_FS=ext4 BOOT_FS=ext4 BOOT_PART=1 ROOT_PART=2
	local root_dev=/dev/vda2 root_opts=errors=remount-ro
	rm -f "$img"
	truncate -s 2G "$img"
	case "$layout" in
	mbr-boot | menulst)
		printf 'label: dos\nstart=2048, size=256MiB, type=83, bootable\ntype=83\n' | sfdisk -q "$img"
		;;
	gpt-xfsboot)
		partmap=gpt fs_boot=xfs BOOT_FS=xfs
		printf 'label: gpt\nstart=2048, size=1MiB, type=21686148-6449-6E6F-744E-656564454649\nsize=320MiB, type=0FC63DAF-8483-4772-8E79-3D69D8477DE4\ntype=0FC63DAF-8483-4772-8E79-3D69D8477DE4\n' |
			sfdisk -q "$img"
		# partition 1 is a BIOS boot partition, as GRUB on GPT has
		BOOT_PART=2 ROOT_PART=3 root_dev=/dev/vda3
		;;
	mbr-logical)
		sep=0 BOOT_PART=5 ROOT_PART=5 BOOT_UUID=$ROOT_UUID root_dev=/dev/vda5
		printf 'label: dos\nstart=2048, size=32MiB, type=83\ntype=5\ntype=83\n' | sfdisk -q "$img"
		;;
	btrfs)
		sep=0 BOOT_PART=1 ROOT_PART=1 BOOT_UUID=$ROOT_UUID root_dev=/dev/vda1
		ROOT_FS=btrfs BOOT_FS=btrfs fs_root=btrfs root_opts=defaults,subvol=@
		printf 'label: dos\nstart=2048, type=83, bootable\n' | sfdisk -q "$img"
		mount_btrfs_root "$img" 1 "$ROOT_UUID" "$t"
		;;
	uki)
		partmap=gpt sep=0 BOOT_PART=1 ROOT_PART=2 BOOT_FS=vfat root_dev=/dev/vda2
		printf 'label: gpt\nstart=2048, size=200MiB, type=C12A7328-F81F-11D2-BA4B-00A0C93EC93B\ntype=0FC63DAF-8483-4772-8E79-3D69D8477DE4\n' |
			sfdisk -q "$img"
		;;
	menulst-lvm)
		# /boot (hd0,0), then an LVM physical volume holding the root
		root_dev=/dev/mapper/guestvg-root
		printf 'label: dos\nstart=2048, size=256MiB, type=83, bootable\ntype=8e\n' | sfdisk -q "$img"
		;;
	*) die "unknown layout $layout" ;;
	esac
	tar -C "$t" --numeric-owner -xf "$BASE_TAR" || die "untar $BASE_TAR"
	probe_env="PARTMAP=$partmap
DEV_ROOT=/dev/vda$ROOT_PART FS_root=$fs_root UUID_root=$ROOT_UUID PART_root=$ROOT_PART
DEV_BOOT=/dev/vda$BOOT_PART FS_boot=$fs_boot UUID_boot=$BOOT_UUID PART_boot=$BOOT_PART"
	[ "$sep" = 0 ] && probe_env="$probe_env
FS_boot=$fs_root"
	{
		echo "# guestboot tests/lib/mkguest.sh, layout $layout"
		if [ "$layout" = menulst-lvm ]; then
			echo "$root_dev / ext4 $root_opts 0 1"
		else
			echo "UUID=$ROOT_UUID / $ROOT_FS $root_opts 0 $([ "$ROOT_FS" = btrfs ] && echo 0 || echo 1)"
		fi
		[ "$sep" = 1 ] && echo "UUID=$BOOT_UUID /boot $BOOT_FS defaults 0 2"
	} >"$t/etc/fstab"
	# /etc/default/grub as grub-pc's postinst writes it (grub-pc itself is
	# not installed), without "quiet": the serial log then shows the kernel
	# mounting the file systems.
	cat >"$t/etc/default/grub" <<-'EOF'
		GRUB_DEFAULT=0
		GRUB_TIMEOUT=5
		GRUB_DISTRIBUTOR=`lsb_release -i -s 2> /dev/null || echo Debian`
		GRUB_CMDLINE_LINUX_DEFAULT=""
		GRUB_CMDLINE_LINUX=""
	EOF
	tune_guest "$t"
	# config: where the boot configuration is (VOLUME:PATH, as guestboot
	# names it); cmdline: the arguments of its default entry
	local config cmdline v
	v=$(kver "$t")
	case "$layout" in
	menulst | menulst-lvm)
		local root="UUID=$ROOT_UUID" def=0
		[ "$layout" = menulst-lvm ] && root=$root_dev def=1
		write_menu_lst "$t/boot/grub/menu.lst" "$v" "$root" "$def"
		config=1:/grub/menu.lst cmdline="root=$root ro"
		;;
	uki)
		cmdline="root=UUID=$ROOT_UUID ro"
		make_uki_esp "$img" "$t" "$v" "$cmdline"
		config=1:/EFI/Linux
		;;
	*)
		grub_mkconfig "$t" "$sep"
		config=$BOOT_PART:/boot/grub/grub.cfg
		[ "$sep" = 1 ] && config=$BOOT_PART:/grub/grub.cfg
		[ "$layout" = btrfs ] && config=$BOOT_PART:/@/boot/grub/grub.cfg
		# the first menuentry's linux line, without the kernel path
		cmdline=$(awk '$1 == "linux" { $1 = $2 = ""; sub(/^ +/, ""); print; exit }' "$t/boot/grub/grub.cfg")
		;;
	esac
	# /dev is the kernel's devtmpfs at boot; XFS protofiles cannot hold
	# device nodes anyway.
	find "$t/dev" -mindepth 1 -delete
	if [ "$sep" = 1 ]; then
		mkdir "$work/boot"
		(cd "$t/boot" && tar cf - .) | (cd "$work/boot" && tar xf -) || die "copy /boot"
		find "$t/boot" -mindepth 1 -delete
		if [ "$BOOT_FS" = xfs ]; then
			mkxfs "$img" "$BOOT_PART" "$BOOT_UUID" "$work/boot"
		else
			mkext4 "$img" "$BOOT_PART" "$BOOT_UUID" "$work/boot"
		fi
	fi
	case "$layout" in
	btrfs) umount "$t" || die "umount btrfs" ;;
	menulst-lvm)
		lvm_pv "$img" 2 guestvg root
		mkext4_at "$img" "$lv_off" "$lv_size" "$ROOT_UUID" "$t"
		;;
	*) mkext4 "$img" "$ROOT_PART" "$ROOT_UUID" "$t" ;;
	esac
	if [ "$layout" = mbr-logical ]; then
		# an unrelated file system before the root, holding no configuration
		mkdir "$work/data" && echo data >"$work/data/README"
		mkext4 "$img" 1 "$(cat /proc/sys/kernel/random/uuid)" "$work/data"
	fi
	local boot_src=""
	[ "$sep" = 1 ] && boot_src="/dev/vda$BOOT_PART $BOOT_FS"
	[ "$ROOT_FS" = btrfs ] && root_dev="$root_dev[/@]"
	cat >"$img.env" <<-EOF
		LAYOUT=$layout FORMAT=raw
		ROOT_PART=$ROOT_PART ROOT_UUID=$ROOT_UUID ROOT_FS=$ROOT_FS
		BOOT_PART=$BOOT_PART BOOT_UUID=$BOOT_UUID BOOT_FS=$BOOT_FS
		CONFIG=$(printf %q "$config")
		CMDLINE=$(printf %q "$cmdline")
		ROOT_MOUNT=$(printf %q "$root_dev $ROOT_FS")
		BOOT_MOUNT=$(printf %q "$boot_src")
	EOF
}

layouts="mbr-boot gpt-xfsboot mbr-logical menulst btrfs menulst-lvm uki"
case "${1:-}" in
base) make_base ;;
mbr-boot | gpt-xfsboot | mbr-logical | menulst | btrfs | menulst-lvm | uki)
	[ $# -eq 2 ] || die "usage: mkguest.sh LAYOUT IMAGE"
	case "$2" in
	*.qcow2)
		make_image "$1" "$2.raw"
		qemu-img convert -c -O qcow2 "$2.raw" "$2" || die "qemu-img convert"
		sed 's/ FORMAT=raw$/ FORMAT=qcow2/' "$2.raw.env" >"$2.env"
		rm -f "$2.raw" "$2.raw.env"
		;;
	*) make_image "$1" "$2" ;;
	esac
	;;
*) die "usage: mkguest.sh base | mkguest.sh LAYOUT IMAGE[.qcow2] (LAYOUT: $layouts)" ;;
esac
