# The kexec loader for real: QEMU (TCG) boots Debian's kernel with the
# loader initramfs (scripts/mkloader) and two virtio disks, a blank one and
# a Debian 12 guest (tests/lib/mkguest.sh). The loader must skip the blank
# disk, find the guest's grub.cfg, choose the entry the kernel command line
# names (guestboot.entry=), kexec into its kernel, and the guest kernel must
# run with that entry's command line (a token written into grub.cfg) and
# reach its login: prompt.
#
# GB_E2E=0 skips it (as e2e_qemu.sh); GB_E2E_TIMEOUT bounds the boot (240 s).
. "$GB_TOP/tests/lib/common.sh"

name=kexec/qemu-loader-boots-guest
wanted "$name" || exit 0
[ "${GB_E2E:-1}" = 0 ] && { skip "$name" "GB_E2E=0"; exit 0; }

missing=""
for t in qemu-system-x86_64 debootstrap mke2fs sfdisk jq debugfs cpio /bin/busybox; do
	command -v "$t" >/dev/null || missing="$missing $t"
done
if [ -n "$missing" ]; then
	skip "$name" "not installed:$missing (scripts/install-deps)"
	exit 0
fi
need_root "$name" "debootstrap, a chroot" || exit 0
mkguest=$GB_TOP/tests/lib/mkguest.sh
boot_timeout=${GB_E2E_TIMEOUT:-240}
t0=$(date +%s)
if ! "$mkguest" mbr-boot "$PWD/guest.img" >mk.log 2>&1; then
	fail "$name" "making the image failed" "$(tail -20 mk.log)"
	exit 0
fi
. ./guest.img.env

# A token on the command line of entry 1>0 (in the Advanced submenu), not
# on the default's: only the entry the loader was told to choose has it.
token=gbkexec$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')
off=$(($(sfdisk -J guest.img | jq '.partitiontable.partitions[0].start') * 512))
"$GUESTBOOT" cat guest.img "$BOOT_PART:/grub/grub.cfg" >grub.cfg
awk -v t="$token" '/^submenu / { sub_seen = 1 }
	sub_seen && !done && $1 == "linux" { $0 = $0 " " t; done = 1 } { print }' grub.cfg >grub.cfg.new
printf 'rm /grub/grub.cfg\nwrite grub.cfg.new /grub/grub.cfg\n' >debugfs.cmd
debugfs -w -f debugfs.cmd "guest.img?offset=$off" >debugfs.log 2>&1
entry_args=$("$GUESTBOOT" extract --print -e "1>0" guest.img | jq -r .args)
default_args=$("$GUESTBOOT" extract --print guest.img | jq -r .args)
if [[ " $entry_args " != *" $token "* ]] || [[ "$default_args" == *"$token"* ]]; then
	fail "$name" "could not put the token into entry 1>0's command line only" "1>0: $entry_args" \
		"default: $default_args" "$(cat debugfs.log)"
	exit 0
fi

# The loader: the guest's own kernel, its virtio modules, busybox, guestboot.
tar -xf "${GB_CACHE:-/var/cache/guestboot}/debootstrap-bookworm-v2.tar" --wildcards \
	'./usr/lib/modules/*/modules.dep' './usr/lib/modules/*/kernel/drivers/virtio/*' \
	'./usr/lib/modules/*/kernel/drivers/block/virtio_blk.ko' './boot/vmlinuz-*'
kernel=$(ls boot/vmlinuz-* | head -1)
if ! "$GB_TOP/scripts/mkloader" --guestboot "$GUESTBOOT" --modules-from usr/lib/modules/* \
	--modules "virtio_pci virtio_blk" --compress none -o loader.cpio >mkloader.log 2>&1; then
	fail "$name" "mkloader failed" "$(cat mkloader.log)"
	exit 0
fi
truncate -s 64M blank.img
mk_secs=$(($(date +%s) - t0))

trap 'kill "$qemu_pid" 2>/dev/null' EXIT
qemu_until loader "$boot_timeout" '^guest login:|here is a shell|^\(initramfs\) |Kernel panic' \
	-kernel "$kernel" -initrd loader.cpio -append "console=ttyS0 guestboot.entry=1>0" \
	-drive file=blank.img,format=raw,if=virtio -drive file=guest.img,format=raw,if=virtio

problems=()
# the loader kernel's own command line, then the loader's choice
grep -q "Command line: console=ttyS0 guestboot.entry=1>0\$" loader.txt ||
	problems+=("the loader kernel did not start with the loader's command line")
grep -q "^guestboot: /dev/vda: no boot configuration found" loader.txt ||
	problems+=("the loader did not look at the blank disk /dev/vda first")
grep -q "^device: /dev/vdb\$" loader.txt || problems+=("no 'device: /dev/vdb'")
grep -q "^entry: 1>0 Debian GNU/Linux, with Linux" loader.txt || problems+=("entry 1>0 not chosen")
grep -q "^kexec: loaded; rebooting into it" loader.txt || problems+=("nothing loaded")
grep -q "kexec_core: Starting new kernel" loader.txt || problems+=("no 'kexec_core: Starting new kernel'")
# the guest kernel's command line is the entry's, plus the loader's console
grep -Eq "Command line: .*root=UUID=$ROOT_UUID .* $token console=ttyS0\$" loader.txt ||
	problems+=("no guest kernel with 'root=UUID=$ROOT_UUID … $token console=ttyS0'")
grep -Eq "EXT4-fs \(vdb$ROOT_PART\): mounted filesystem" loader.txt ||
	problems+=("the guest did not mount its root (vdb$ROOT_PART)")
grep -q '^guest login:' loader.txt || problems+=("no 'guest login:' prompt within ${boot_timeout}s")
if [ ${#problems[@]} -eq 0 ]; then
	pass "$name"
	echo "  $name: image and loader made in ${mk_secs}s, login: prompt after ${boot_secs}s" >&2
else
	fail "$name" "${problems[@]}" "qemu: $(head -c 500 loader.qemu)" \
		"last 40 lines of the serial log:" "$(tail -40 loader.txt)"
fi
rm -rf guest.img blank.img loader.cpio usr boot
