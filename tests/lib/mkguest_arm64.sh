#!/bin/bash
# Build disk images holding a real, bootable Debian 12 arm64 guest, on any
# host: debootstrap's second stage runs the arm64 programs through
# qemu-user-static and binfmt_misc.
#
#   mkguest_arm64.sh binfmt         check (and set up) what the base needs:
#                                   binfmt_misc mounted, qemu-aarch64 on it
#   mkguest_arm64.sh base           build the cached system once (tarball)
#   mkguest_arm64.sh LAYOUT IMAGE   lay the cached system into IMAGE
#
# LAYOUT (both GPT, an EFI system partition (1, FAT) and an ext4 root (2)):
#   grub   as Debian's installer leaves an arm64 machine: the ESP holds
#          grub-efi-arm64's stub EFI/debian/grub.cfg (search the root by
#          UUID, configfile its /boot/grub/grub.cfg); the root holds /boot
#          and a grub.cfg written in the form Debian's grub-mkconfig gives
#          on arm64 (a default entry, then "Advanced options" with a
#          recovery entry)
#   bls    systemd-boot's layout: its arm64 binaries where 'bootctl
#          install' puts them (EFI/systemd/systemd-bootaa64.efi,
#          EFI/BOOT/BOOTAA64.EFI), the kernel and initrd where
#          kernel-install does (/MACHINE-ID/KVER/), BLS Type 1 entries in
#          /loader/entries, loader.conf naming the default entry (not the
#          first one in systemd-boot's order: the recovery entry sorts
#          first), which is for "architecture aa64" only
# Each default entry's command line ends in a token unique to the image
# (gb.token=...), so a guest booted with some other line shows it.
#
# The base system is built once and kept OUTSIDE the repository, in
# $GB_CACHE/debootstrap-bookworm-arm64-RECIPE.tar (GB_CACHE defaults to
# /var/cache/guestboot; RECIPE is a hash of this script's base recipe, so a
# changed recipe builds a new tarball; older ones are left for other
# branches, delete them by hand). A lock keeps two runs from building
# it at once. The .debs are cached in $GB_CACHE/arm64-debs, shared with the
# project's other arm64 tests (under the lock $GB_CACHE/arm64-debs.lock).
# The root password is "guestboot". The guest is tuned to boot fast under
# TCG (its initramfs holds the virtio and ext4 modules, not every driver
# as MODULES=most would) and reports its mounts and /proc/cmdline on the console, as
# mkguest.sh's x86 guests do ("gb-mount / /dev/vda2 ext4",
# "gb-cmdline ..."). Images are populated without mounting (mke2fs -d,
# mcopy). Needs root.
#
# After IMAGE is made, IMAGE.env holds shell assignments describing it:
# LAYOUT, KVER, ROOT_UUID, CONFIG (VOLUME:PATH of the boot configuration,
# as guestboot names it), CMDLINE (its default entry's kernel arguments),
# ROOT_MOUNT and EFI_MOUNT (what the booted guest's findmnt says of / and
# /boot/efi: "SOURCE FSTYPE"), KERNEL (VOLUME:PATH of the default entry's
# kernel).
set -u
set -o pipefail

GB_CACHE=${GB_CACHE:-/var/cache/guestboot}
GB_MIRROR=${GB_MIRROR:-http://deb.debian.org/debian}
DEBS=$GB_CACHE/arm64-debs
ROOT_PASSWORD=guestboot
# The generic arm64 kernel, as an arm64 install has it; zstd for the
# initramfs (initramfs-tools falls back to gzip without it).
# systemd-boot-efi: the EFI binaries 'bootctl install' puts on an ESP.
PACKAGES=linux-image-arm64,initramfs-tools,systemd-sysv,udev,zstd,systemd-boot-efi

die() {
	echo "mkguest_arm64: $*" >&2
	exit 1
}

cleanups=()
cleanup() {
	local i
	for ((i = ${#cleanups[@]} - 1; i >= 0; i--)); do
		eval "${cleanups[i]}" || true
	done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

umount_below() {
	local m
	for m in $(awk -v d="$1" 'index($2, d) == 1 { print $2 }' /proc/mounts | sort -r); do
		umount "$m" 2>/dev/null || umount -l "$m"
	done
}

# binfmt: arm64 programs run on this host, through qemu-aarch64-static.
# binfmt_misc is mounted when it is not, and qemu-aarch64 registered by
# update-binfmts or, failing that, by hand (the F flag: the interpreter is
# opened now, so it works inside a chroot too).
ensure_binfmt() {
	local d=/proc/sys/fs/binfmt_misc q=/usr/bin/qemu-aarch64-static
	[ -x "$q" ] || die "qemu-aarch64-static is not installed (qemu-user-static, scripts/install-deps)"
	if [ ! -e "$d/register" ]; then
		mount -t binfmt_misc binfmt_misc "$d" 2>/dev/null ||
			die "binfmt_misc is not mounted at $d and cannot be"
	fi
	[ -e "$d/qemu-aarch64" ] || update-binfmts --enable qemu-aarch64 >/dev/null 2>&1
	if [ ! -e "$d/qemu-aarch64" ]; then
		local magic='\x7f\x45\x4c\x46\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\xb7\x00'
		local mask='\xff\xff\xff\xff\xff\xff\xff\x00\xff\xff\xff\xff\xff\xff\xff\xff\xfe\xff\xff\xff'
		printf ':qemu-aarch64:M::%s:%s:%s:PF' "$magic" "$mask" "$q" >"$d/register" 2>/dev/null ||
			die "cannot register qemu-aarch64 with binfmt_misc"
	fi
	grep -qx enabled "$d/qemu-aarch64" 2>/dev/null || echo 1 >"$d/qemu-aarch64" 2>/dev/null
	grep -qx enabled "$d/qemu-aarch64" 2>/dev/null || die "binfmt_misc's qemu-aarch64 is disabled"
}

# configure_base TREE: what a throwaway guest needs beyond debootstrap.
# The console is ttyAMA0 (QEMU virt's PL011); its getty prints
# "guest login:". Timers and jobs never needed are masked, and a oneshot
# unit prints what is mounted at / and /boot and the kernel command line
# before the login prompt:
#   gb-mount / /dev/vda2 ext4
#   gb-mount /boot                      (not a mount point here)
#   gb-mount /boot/efi /dev/vda1 vfat
#   gb-cmdline root=UUID=... ro console=ttyAMA0 gb.token=...
configure_base() {
	local t=$1 u
	echo "root:$ROOT_PASSWORD" | chroot "$t" chpasswd || die "chpasswd"
	echo guest >"$t/etc/hostname"
	printf '127.0.0.1\tlocalhost\n127.0.1.1\tguest\n' >"$t/etc/hosts"
	mkdir -p "$t/etc/systemd/system/getty.target.wants" "$t/etc/systemd/system/multi-user.target.wants"
	ln -sf /lib/systemd/system/serial-getty@.service \
		"$t/etc/systemd/system/getty.target.wants/serial-getty@ttyAMA0.service"
	for u in apt-daily.timer apt-daily-upgrade.timer dpkg-db-backup.timer e2scrub_all.timer \
		e2scrub_reap.service fstrim.timer getty-static.service systemd-timesyncd.service; do
		ln -sf /dev/null "$t/etc/systemd/system/$u"
	done
	cat >"$t/etc/systemd/system/guestboot-report.service" <<-'EOF'
		[Unit]
		Description=Report the mounts and the kernel command line (guestboot tests)
		After=local-fs.target
		Before=getty.target serial-getty@ttyAMA0.service
		[Service]
		Type=oneshot
		ExecStart=/bin/sh -c 'for m in / /boot /boot/efi; do echo "gb-mount $m $(findmnt -n -o SOURCE,FSTYPE $m)"; done; echo "gb-cmdline $(cat /proc/cmdline)"'
		StandardOutput=tty
		TTYPath=/dev/console
		[Install]
		WantedBy=multi-user.target
	EOF
	ln -sf ../guestboot-report.service "$t/etc/systemd/system/multi-user.target.wants/"
	# The disk is virtio (PCI or MMIO): its drivers must be in the
	# initramfs unless the kernel has them built in.
	local v missing="" m listed
	v=$(kver "$t")
	listed=$(chroot "$t" lsinitramfs "/boot/initrd.img-$v") || die "lsinitramfs"
	for m in virtio_blk virtio_pci virtio_mmio ext4; do
		grep -q "/$m\.ko" "$t/lib/modules/$v/modules.builtin" || grep -q "/$m\.ko" <<<"$listed" ||
			missing="$missing $m"
	done
	[ -z "$missing" ] || die "the initramfs lacks:$missing"
	rm -rf "$t/var/cache/apt/archives/"*.deb "$t/var/lib/apt/lists/"*
}

# base: debootstrap bookworm for arm64 with a kernel, root password set,
# serial console ready; saved as a tarball.
make_base() {
	[ -s "$BASE_TAR" ] && return 0
	command -v debootstrap >/dev/null || die "debootstrap is not installed (scripts/install-deps)"
	mkdir -p "$GB_CACHE" "$DEBS" || die "cannot create $GB_CACHE"
	exec 8>"$BASE_LOCK" || die "cannot open $BASE_LOCK"
	flock 8 || die "flock $BASE_LOCK"
	# another run may have built it while this one waited
	[ -s "$BASE_TAR" ] && return 0
	ensure_binfmt
	local dir
	dir=$(mktemp -d "$GB_CACHE/debootstrap-arm64.XXXXXX") || die "mktemp"
	cleanups+=("umount_below '$dir'; rm -rf '$dir' '$dir.log'")
	echo "mkguest_arm64: debootstrap --arch=arm64 bookworm into $dir (once; several minutes)" >&2
	local t0=$SECONDS t1 t2
	# First stage: download (into the shared cache, one run at a time) and
	# unpack; the second runs the arm64 maintainer scripts, emulated.
	flock "$DEBS.lock" timeout 1800 debootstrap --arch=arm64 --foreign --variant=minbase \
		--cache-dir="$DEBS" --include="$PACKAGES" bookworm "$dir" "$GB_MIRROR" >"$dir.log" 2>&1 ||
		{ tail -20 "$dir.log" >&2; die "debootstrap (first stage) failed"; }
	# The initramfs holds what this guest's disk needs, not every driver
	# (MODULES=most takes many emulated minutes to build, and many TCG
	# seconds to unpack at each boot). Files of our own, set before the
	# second stage installs initramfs-tools and the kernel.
	mkdir -p "$dir/etc/initramfs-tools/conf.d" "$dir/usr/share/initramfs-tools/modules.d"
	echo MODULES=list >"$dir/etc/initramfs-tools/conf.d/guestboot-test"
	printf '%s\n' virtio_pci virtio_mmio virtio_blk ext4 >"$dir/usr/share/initramfs-tools/modules.d/guestboot-test"
	# dpkg need not sync each file of a tree that is only tarred up
	mkdir -p "$dir/etc/dpkg/dpkg.cfg.d"
	echo force-unsafe-io >"$dir/etc/dpkg/dpkg.cfg.d/guestboot-unsafe-io"
	t1=$SECONDS
	timeout 3600 chroot "$dir" /debootstrap/debootstrap --second-stage >>"$dir.log" 2>&1 ||
		{ tail -20 "$dir.log" >&2; die "debootstrap --second-stage failed"; }
	t2=$SECONDS
	rm "$dir/etc/dpkg/dpkg.cfg.d/guestboot-unsafe-io"
	umount_below "$dir"
	configure_base "$dir"
	umount_below "$dir"
	tar -C "$dir" --numeric-owner -cf "$BASE_TAR.tmp" . || die "tar"
	mv "$BASE_TAR.tmp" "$BASE_TAR"
	echo "mkguest_arm64: built $BASE_TAR: first stage $((t1 - t0))s, second stage $((t2 - t1))s, the rest $((SECONDS - t2))s" >&2
}

# The newest kernel version in the tree.
kver() { ls "$1/boot" | sed -n 's/^vmlinuz-//p' | sort -V | tail -1; }

# part_geom IMAGE N: byte offset and size of partition N, as sfdisk says.
part_geom() {
	sfdisk -J "$1" | jq -r --arg n "$2" '.partitiontable as $t | $t.partitions[] |
		select(.node | test("[^0-9]" + $n + "$")) | "\(.start * ($t.sectorsize // 512)) \(.size * ($t.sectorsize // 512))"'
}

# mkesp IMAGE DIR: partition 1 of IMAGE becomes a FAT32 ESP holding DIR.
mkesp() {
	local off size
	read -r off size < <(part_geom "$1" 1) || die "no partition 1"
	rm -f "$work/esp.img"
	mkfs.fat -C -F 32 -i "$ESP_SERIAL" "$work/esp.img" "$((size / 1024))" >/dev/null || die "mkfs.fat"
	mcopy -s -Q -i "$work/esp.img" "$2"/* ::/ || die "mcopy"
	dd if="$work/esp.img" of="$1" bs=1M seek="$((off / 1048576))" conv=notrunc status=none || die "dd esp"
	rm -f "$work/esp.img"
}

# write_grub_cfg FILE KVER: grub.cfg in the form Debian's grub-mkconfig
# (00_header, 10_linux) writes on an arm64 EFI machine whose /boot is on
# the root file system.
write_grub_cfg() {
	local f=$1 v=$2 id=gnulinux-simple-$ROOT_UUID
	mkdir -p "${f%/*}"
	cat >"$f" <<-EOF
		#
		# DO NOT EDIT THIS FILE
		#
		# It is automatically generated by grub-mkconfig using templates
		# from /etc/grub.d and settings from /etc/default/grub
		#

		### BEGIN /etc/grub.d/00_header ###
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
		   set default="0"
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
		    insmod efi_gop
		    insmod ramfb
		    insmod video_bochs
		    insmod video_cirrus
		  fi
		}

		terminal_input console
		terminal_output console
		if [ "\${recordfail}" = 1 ] ; then
		  set timeout=30
		else
		  if [ x\$feature_timeout_style = xy ] ; then
		    set timeout_style=menu
		    set timeout=5
		  else
		    set timeout=5
		  fi
		fi
		### END /etc/grub.d/00_header ###

		### BEGIN /etc/grub.d/10_linux ###
		function gfxmode {
		  set gfxpayload="\${1}"
		}
		set linux_gfx_mode=
		export linux_gfx_mode
		menuentry 'Debian GNU/Linux' --class debian --class gnu-linux --class gnu --class os \$menuentry_id_option '$id' {
		  load_video
		  insmod gzio
		  insmod part_gpt
		  insmod ext2
		  search --no-floppy --fs-uuid --set=root $ROOT_UUID
		  echo 'Loading Linux $v ...'
		  linux /boot/vmlinuz-$v $CMDLINE
		  echo 'Loading initial ramdisk ...'
		  initrd /boot/initrd.img-$v
		}
		submenu 'Advanced options for Debian GNU/Linux' \$menuentry_id_option 'gnulinux-advanced-$ROOT_UUID' {
		  menuentry 'Debian GNU/Linux, with Linux $v' --class debian --class gnu-linux --class gnu --class os \$menuentry_id_option 'gnulinux-$v-advanced-$ROOT_UUID' {
		    load_video
		    insmod gzio
		    insmod part_gpt
		    insmod ext2
		    search --no-floppy --fs-uuid --set=root $ROOT_UUID
		    echo 'Loading Linux $v ...'
		    linux /boot/vmlinuz-$v $CMDLINE
		    echo 'Loading initial ramdisk ...'
		    initrd /boot/initrd.img-$v
		  }
		  menuentry 'Debian GNU/Linux, with Linux $v (recovery mode)' --class debian --class gnu-linux --class gnu --class os \$menuentry_id_option 'gnulinux-$v-recovery-$ROOT_UUID' {
		    load_video
		    insmod gzio
		    insmod part_gpt
		    insmod ext2
		    search --no-floppy --fs-uuid --set=root $ROOT_UUID
		    echo 'Loading Linux $v ...'
		    linux /boot/vmlinuz-$v root=UUID=$ROOT_UUID ro single console=ttyAMA0
		    echo 'Loading initial ramdisk ...'
		    initrd /boot/initrd.img-$v
		  }
		}

		### END /etc/grub.d/10_linux ###

		### BEGIN /etc/grub.d/30_uefi-firmware ###
		menuentry 'UEFI Firmware Settings' \$menuentry_id_option 'uefi-firmware' {
		  fwsetup
		}
		### END /etc/grub.d/30_uefi-firmware ###

		### BEGIN /etc/grub.d/40_custom ###
		### END /etc/grub.d/40_custom ###
	EOF
}

# write_esp_stub DIR: the grub.cfg grub-install puts on the ESP for a
# signed (shim) boot, pointing at the root's /boot/grub.
write_esp_stub() {
	mkdir -p "$1/EFI/debian"
	printf "search.fs_uuid %s root \nset prefix=(\$root)'/boot/grub'\nconfigfile \$prefix/grub.cfg\n" \
		"$ROOT_UUID" >"$1/EFI/debian/grub.cfg"
}

# write_bls ESP TREE KVER: systemd-boot, the kernel and initrd where
# kernel-install puts them, two entries, and loader.conf choosing the
# normal one.
write_bls() {
	local esp=$1 t=$2 v=$3 mid
	mid=$(tr -d - </proc/sys/kernel/random/uuid)
	mkdir -p "$esp/$mid/$v" "$esp/loader/entries" "$esp/EFI/systemd" "$esp/EFI/BOOT"
	cp "$t/usr/lib/systemd/boot/efi/systemd-bootaa64.efi" "$esp/EFI/systemd/" || die "no systemd-bootaa64.efi"
	cp "$t/usr/lib/systemd/boot/efi/systemd-bootaa64.efi" "$esp/EFI/BOOT/BOOTAA64.EFI"
	cp "$t/boot/vmlinuz-$v" "$esp/$mid/$v/linux"
	cp "$t/boot/initrd.img-$v" "$esp/$mid/$v/initrd.img-$v"
	echo "$mid" >"$t/etc/machine-id"
	printf 'timeout 3\ndefault %s-%s.conf\n' "$mid" "$v" >"$esp/loader/loader.conf"
	# As kernel-install writes them, and the default one for arm64 only
	# (shown because the ESP's systemd-boot is arm64's). systemd-boot
	# orders by sort-key: the recovery entry comes first.
	printf '%s\n' "title      Debian GNU/Linux 12 (bookworm)" "version    $v" "machine-id $mid" \
		"sort-key   debian-b" "options    $CMDLINE" "linux      /$mid/$v/linux" \
		"initrd     /$mid/$v/initrd.img-$v" "architecture aa64" >"$esp/loader/entries/$mid-$v.conf"
	printf '%s\n' "title      Debian GNU/Linux 12 (bookworm), recovery mode" "version    $v" \
		"machine-id $mid" "sort-key   debian-a" "options    root=UUID=$ROOT_UUID ro single console=ttyAMA0" \
		"linux      /$mid/$v/linux" "initrd     /$mid/$v/initrd.img-$v" \
		>"$esp/loader/entries/$mid-$v-recovery.conf"
	KERNEL=1:/$mid/$v/linux
}

make_image() {
	local layout=$1 img=$2
	make_base
	work=$(mktemp -d "${TMPDIR:-/tmp}/mkguest_arm64.XXXXXX") || die mktemp
	cleanups+=("rm -rf '$work'")
	local t=$work/tree esp=$work/esp v token
	mkdir "$t" "$esp"
	ROOT_UUID=$(cat /proc/sys/kernel/random/uuid)
	ESP_SERIAL=$(od -An -N4 -tx4 /dev/urandom | tr -d ' ')
	token=$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')
	CMDLINE="root=UUID=$ROOT_UUID ro console=ttyAMA0 gb.token=$token"
	rm -f "$img"
	truncate -s 2G "$img"
	printf 'label: gpt\nstart=2048, size=200MiB, type=C12A7328-F81F-11D2-BA4B-00A0C93EC93B\ntype=0FC63DAF-8483-4772-8E79-3D69D8477DE4\n' |
		sfdisk -q "$img" || die "sfdisk"
	tar -C "$t" --numeric-owner -xf "$BASE_TAR" || die "untar $BASE_TAR"
	v=$(kver "$t")
	[ -n "$v" ] || die "no kernel in $BASE_TAR"
	local esp_uuid="${ESP_SERIAL:0:4}-${ESP_SERIAL:4:4}"
	esp_uuid=${esp_uuid^^}
	case "$layout" in
	grub)
		write_grub_cfg "$t/boot/grub/grub.cfg" "$v"
		write_esp_stub "$esp"
		CONFIG=2:/boot/grub/grub.cfg KERNEL=2:/boot/vmlinuz-$v
		;;
	bls)
		write_bls "$esp" "$t" "$v"
		CONFIG=1:/loader/entries
		;;
	*) die "unknown layout $layout" ;;
	esac
	printf '# guestboot tests/lib/mkguest_arm64.sh, layout %s\nUUID=%s / ext4 errors=remount-ro 0 1\nUUID=%s /boot/efi vfat umask=0077 0 1\n' \
		"$layout" "$ROOT_UUID" "$esp_uuid" >"$t/etc/fstab"
	mkdir -p "$t/boot/efi"
	mkesp "$img" "$esp"
	find "$t/dev" -mindepth 1 -delete
	local off size
	read -r off size < <(part_geom "$img" 2) || die "no partition 2"
	mke2fs -q -F -t ext4 -U "$ROOT_UUID" -d "$t" -E offset="$off" "$img" "$((size / 1024))k" ||
		die "mke2fs"
	cat >"$img.env" <<-EOF
		LAYOUT=$layout KVER=$v ROOT_UUID=$ROOT_UUID
		CONFIG=$(printf %q "$CONFIG")
		CMDLINE=$(printf %q "$CMDLINE")
		ROOT_MOUNT=$(printf %q "/dev/vda2 ext4")
		EFI_MOUNT=$(printf %q "/dev/vda1 vfat")
		KERNEL=$(printf %q "$KERNEL")
	EOF
}

# The cache's name follows the recipe: a changed recipe is a new tarball.
recipe=$( {
	echo "$PACKAGES"
	declare -f make_base configure_base
} | sha256sum | cut -c1-12)
BASE_TAR=$GB_CACHE/debootstrap-bookworm-arm64-$recipe.tar
BASE_LOCK=$GB_CACHE/debootstrap-bookworm-arm64.lock

case "${1:-}" in
binfmt) ensure_binfmt ;;
base) make_base ;;
base-path) echo "$BASE_TAR" ;;
grub | bls)
	[ $# -eq 2 ] || die "usage: mkguest_arm64.sh LAYOUT IMAGE"
	make_image "$1" "$2"
	;;
*) die "usage: mkguest_arm64.sh binfmt | base | base-path | LAYOUT IMAGE (LAYOUT: grub, bls)" ;;
esac
