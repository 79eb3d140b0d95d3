# --update-grubenv: the guest's grubenv written as GRUB's save_env writes
# it for the boot just chosen, by the unsandboxed parent. The config is
# Debian's (grub-mkconfig with GRUB_DEFAULT=saved, GRUB_SAVEDEFAULT=true):
# grub-reboot's next_entry boots once and is cleared; later boots save the
# entry booted as saved_entry. Oracle: grub-editenv, which edits the block
# with the same grub_envblk code save_env uses, run on a copy of the
# grubenv for the same variables; the bytes read back with debugfs/mtools.
. "$GB_TOP/tests/lib/common.sh"

need grubenv grub-editenv debugfs mkfs.fat mcopy sfdisk qemu-img mkfs.btrfs || exit 0

OFF=$((2048 * 512))
mkdir -p root/boot/grub out
head -c 30001 /dev/urandom >root/boot/vmlinuz-a
head -c 20011 /dev/urandom >root/boot/vmlinuz-b
head -c 7001 /dev/urandom >root/boot/initrd-b
head -c 10007 /dev/urandom >root/boot/vmlinuz-c
# grub-mkconfig's 00_header, as Debian 12 writes it
cat >root/boot/grub/grub.cfg <<'EOF'
if [ -s $prefix/grubenv ]; then
  set have_grubenv=true
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
menuentry 'Debian A' --id gnulinux-a { savedefault; linux /boot/vmlinuz-a root=/dev/sda1 ro }
menuentry 'Debian B' --id gnulinux-b { savedefault; linux /boot/vmlinuz-b root=/dev/sda1 single; initrd /boot/initrd-b }
submenu 'Advanced' --id advanced {
  menuentry 'Debian C' --id gnulinux-c { savedefault; linux /boot/vmlinuz-c root=/dev/sda1 }
}
EOF
# grub-reboot gnulinux-b
grub-editenv root/boot/grub/grubenv create
grub-editenv root/boot/grub/grubenv set next_entry=gnulinux-b
cp root/boot/grub/grubenv env.start

# mkimg IMG [mke2fs options]: one ext4 partition holding root/
mkimg() {
	local img=$1
	shift
	rm -f "$img"
	truncate -s 40M "$img"
	printf 'label: dos\nstart=2048, type=83\n' | sfdisk -q "$img"
	mke2fs -q -F -t ext4 "$@" -d root -E offset=$OFF "$img" 38M
}
# grubenv_of IMG: the grubenv file's bytes, as debugfs reads them
grubenv_of() {
	rm -f part.tmp genv.tmp
	dd if="$1" of=part.tmp bs=1M skip=1 status=none
	debugfs -R "dump /boot/grub/grubenv genv.tmp" part.tmp >/dev/null 2>&1
	cat genv.tmp
}
# oracle OUT FROM ARGS...: grub-editenv on a copy of FROM
oracle() {
	local out=$1 from=$2
	shift 2
	cp "$from" "$out"
	grub-editenv "$out" "$@"
}
# booted OUTPUT FILE: does the pygrub sxp name a kernel copy equal to FILE?
booted() {
	local k
	k=$(sed -n "s/.*(kernel '\([^']*\)').*/\1/p" <<<"$1")
	[ -n "$k" ] && cmp -s "$k" "$2"
}
pyg() { "$GUESTBOOT" pygrub -q --output-directory=out "$@"; }

# The oracles: the first boot (next_entry) clears it and nothing else
# (boot_once); the second boots the saved default, entry 0, and saves it;
# the third saves the same again.
oracle env.1 env.start set next_entry=
oracle env.2 env.1 set saved_entry=gnulinux-a

mkimg disk.img
cp disk.img disk.orig

# without the opt-in the image stays as it was, and the one-shot entry
# boots every time
if wanted grubenv/pygrub/no-opt-in; then
	o1=$(pyg disk.img 2>&1)
	o2=$(pyg disk.img 2>&1)
	if booted "$o1" root/boot/vmlinuz-b && booted "$o2" root/boot/vmlinuz-b && cmp -s disk.img disk.orig; then
		pass grubenv/pygrub/no-opt-in
	else
		fail grubenv/pygrub/no-opt-in "$o1" "$o2" "$(cmp disk.img disk.orig 2>&1)"
	fi
	rm -f out/*
fi
if wanted grubenv/extract/no-opt-in; then
	rm -rf x && mkdir x
	"$GUESTBOOT" extract -o x disk.img >/dev/null 2>&1
	cmp -s x/vmlinuz root/boot/vmlinuz-b && cmp -s disk.img disk.orig &&
		pass grubenv/extract/no-opt-in || fail grubenv/extract/no-opt-in "$(cmp disk.img disk.orig 2>&1)"
fi

# pygrub --update-grubenv: the one-shot entry once, then the saved default
if wanted grubenv/pygrub; then
	cp disk.orig p.img
	o1=$(pyg --update-grubenv p.img 2>&1)
	r1=$?
	g1=$(grubenv_of p.img | od -c)
	o2=$(pyg --update-grubenv p.img 2>&1)
	r2=$?
	g2=$(grubenv_of p.img | od -c)
	o3=$(pyg --update-grubenv p.img 2>&1)
	g3=$(grubenv_of p.img | od -c)
	if [ "$r1$r2" != 00 ] || ! booted "$o1" root/boot/vmlinuz-b; then
		fail grubenv/pygrub/first "exit $r1" "$o1"
	elif [ "$g1" != "$(od -c env.1)" ]; then
		fail grubenv/pygrub/first "grubenv is not grub-editenv's" "$g1"
	else
		pass grubenv/pygrub/first
	fi
	if ! booted "$o2" root/boot/vmlinuz-a || ! booted "$o3" root/boot/vmlinuz-a; then
		fail grubenv/pygrub/second "$o2" "$o3"
	elif [ "$g2" != "$(od -c env.2)" ] || [ "$g3" != "$g2" ]; then
		fail grubenv/pygrub/second "grubenv is not grub-editenv's" "$g2" "$g3"
	else
		pass grubenv/pygrub/second
	fi
	# the pygrub output itself is what it is without the option
	o4=$(pyg p.img 2>&1)
	[ "$(sed "s/boot_kernel\.[A-Za-z0-9]*/K/" <<<"$o3")" = "$(sed "s/boot_kernel\.[A-Za-z0-9]*/K/" <<<"$o4")" ] &&
		pass grubenv/pygrub/same-output || fail grubenv/pygrub/same-output "$o3" "$o4"
	rm -f out/*
fi

# extract --update-grubenv: the same two boots
if wanted grubenv/extract; then
	cp disk.orig x.img
	rm -rf x1 x2 && mkdir x1 x2
	"$GUESTBOOT" extract --update-grubenv -o x1 x.img >x1.json 2>x1.err
	r1=$?
	g1=$(grubenv_of x.img | od -c)
	"$GUESTBOOT" extract --update-grubenv -o x2 x.img >x2.json 2>x2.err
	r2=$?
	g2=$(grubenv_of x.img | od -c)
	if [ "$r1$r2" = 00 ] && cmp -s x1/vmlinuz root/boot/vmlinuz-b && cmp -s x1/initrd root/boot/initrd-b &&
		cmp -s x2/vmlinuz root/boot/vmlinuz-a && [ "$g1" = "$(od -c env.1)" ] && [ "$g2" = "$(od -c env.2)" ]; then
		pass grubenv/extract
	else
		fail grubenv/extract "exit $r1 $r2" "$(cat x1.err x2.err)" "$g1" "$g2"
	fi
fi

# --entry: a one-shot entry is cleared whichever entry boots; an entry in
# a submenu runs in the submenu's new context, where the top level's
# boot_once (not exported) is unset, so its savedefault saves it as
# $chosen, the path of ids, even on the one-shot boot, as GRUB does
if wanted grubenv/extract/entry; then
	cp disk.orig e.img
	rm -rf xe1 xe2 && mkdir xe1 xe2
	oracle env.e2 env.1 set "saved_entry=advanced>gnulinux-c"
	"$GUESTBOOT" extract --update-grubenv -e "2>0" -o xe1 e.img >/dev/null 2>xe.err
	r1=$?
	g1=$(grubenv_of e.img | od -c)
	"$GUESTBOOT" extract --update-grubenv -o xe2 e.img >/dev/null 2>>xe.err
	r2=$?
	g2=$(grubenv_of e.img | od -c)
	if [ "$r1$r2" = 00 ] && cmp -s xe1/vmlinuz root/boot/vmlinuz-c && cmp -s xe2/vmlinuz root/boot/vmlinuz-c &&
		[ "$g1" = "$(od -c env.e2)" ] && [ "$g2" = "$g1" ]; then
		pass grubenv/extract/entry
	else
		fail grubenv/extract/entry "exit $r1 $r2" "$(cat xe.err)" "$g1" "$g2"
	fi
fi

# kexec --update-grubenv: written before the kernel is loaded (here by a
# stand-in kexec-tools, the real call being refused without CAP_SYS_BOOT);
# --dry-run writes nothing
if wanted grubenv/kexec; then
	cp disk.orig k.img
	mkdir -p fakebin
	printf '#!/bin/sh\nfor a in "$@"; do case $a in /proc/*) cat "$a" >"%s/fake.kernel";; esac; done\n' "$PWD" >fakebin/kexec
	chmod +x fakebin/kexec
	"$GUESTBOOT" kexec --dry-run --update-grubenv k.img >/dev/null 2>&1
	dry=$(cmp k.img disk.orig 2>&1)
	rm -f fake.kernel
	out=$(PATH="$PWD/fakebin:$PATH" setpriv --bounding-set=-sys_boot \
		"$GUESTBOOT" kexec --load-only --update-grubenv k.img 2>&1)
	rc=$?
	if [ -z "$dry" ] && [ "$rc" = 0 ] && cmp -s fake.kernel root/boot/vmlinuz-b &&
		[ "$(grubenv_of k.img | od -c)" = "$(od -c env.1)" ]; then
		pass grubenv/kexec
	else
		fail grubenv/kexec "dry run: $dry" "exit $rc" "$out"
	fi
fi

# A grubenv on FAT (an EFI system partition's, as Fedora's EFI GRUB keeps
# it): written in place too
if wanted grubenv/fat; then
	rm -rf esp && mkdir -p esp/EFI/debian esp/boot
	cp root/boot/vmlinuz-a root/boot/vmlinuz-b root/boot/initrd-b esp/boot/
	sed 's|/boot/grub|/EFI/debian|' root/boot/grub/grub.cfg >esp/EFI/debian/grub.cfg
	cp env.start esp/EFI/debian/grubenv
	rm -f fat.img part.fat && truncate -s 40M fat.img
	printf 'label: dos\nstart=2048, type=ef\n' | sfdisk -q fat.img
	mkfs.fat -C -F 16 part.fat 32768 >/dev/null && MTOOLS_NO_VFAT=0 mcopy -s -Q -i part.fat esp/* ::/ &&
		dd if=part.fat of=fat.img bs=1M seek=1 conv=notrunc status=none
	o=$(pyg --update-grubenv fat.img 2>&1)
	dd if=fat.img of=part.fat bs=1M skip=1 count=32 status=none
	got=$(mtools_skip_check=1 mtype -i part.fat ::/EFI/debian/grubenv | od -c)
	booted "$o" esp/boot/vmlinuz-b && [ "$got" = "$(od -c env.1)" ] &&
		pass grubenv/fat || fail grubenv/fat "$o" "$got"
	rm -f out/*
fi

# ---- refusals: one line, a non-zero exit, the image unchanged -----------
# refused NAME SUBSTRING IMG CMD...: no copies left in out/ either
refused() {
	local name=$1 text=$2 img=$3
	shift 3
	wanted "$name" || return 0
	cp "$img" before.img
	local err rc
	err=$("$@" 2>&1 >/dev/null)
	rc=$?
	local lines
	lines=$(grep -cv '^RuntimeError: ' <<<"$err")
	if [ "$rc" = 0 ] || [ "$lines" != 1 ] || [[ "$err" != *"$text"* ]]; then
		fail "$name" "exit $rc" "$err"
	elif ! cmp -s "$img" before.img; then
		fail "$name" "the image was written"
	elif [ -n "$(ls out)" ]; then
		fail "$name" "copies left: $(ls out)"
	else
		pass "$name"
	fi
	rm -f out/*
}

if wanted grubenv/refuse/qcow2; then
	qemu-img convert -f raw -O qcow2 disk.orig q.qcow2
	refused grubenv/refuse/qcow2 "only a raw image is written" q.qcow2 \
		"$GUESTBOOT" pygrub -q --image-format=qcow2 --output-directory=out --update-grubenv q.qcow2
	refused grubenv/refuse/qcow2-extract "only a raw image is written" q.qcow2 \
		"$GUESTBOOT" extract --update-grubenv -o out q.qcow2
fi

if wanted grubenv/refuse/btrfs; then
	rm -f b.img bpart && truncate -s 200M b.img && truncate -s 180M bpart
	printf 'label: dos\nstart=2048, type=83\n' | sfdisk -q b.img
	mkfs.btrfs -q -f --rootdir root bpart >/dev/null &&
		dd if=bpart of=b.img bs=1M seek=1 conv=notrunc status=none
	refused grubenv/refuse/btrfs "btrfs, which GRUB does not write to" b.img \
		"$GUESTBOOT" pygrub -q --output-directory=out --update-grubenv b.img
fi

if wanted grubenv/refuse/size; then
	# a grubenv grown past 1024 bytes (not what grub-editenv makes)
	mv root/boot/grub/grubenv grubenv.keep
	{ cat env.start; head -c 1024 /dev/zero | tr '\0' '#'; } >root/boot/grub/grubenv
	mkimg big.img
	mv grubenv.keep root/boot/grub/grubenv
	refused grubenv/refuse/size "2048 bytes, not a plain pre-allocated 1024-byte block" big.img \
		"$GUESTBOOT" pygrub -q --output-directory=out --update-grubenv big.img
fi

if wanted grubenv/refuse/inline; then
	# ext4 inline data: the bytes live in the inode, no block of their own
	mkimg inline.img -b 4096 -O inline_data -I 2048
	refused grubenv/refuse/inline "one contiguous run" inline.img \
		"$GUESTBOOT" extract --update-grubenv -o out inline.img
fi

# the block changed between the reader's read and the writer's write
if wanted grubenv/refuse/changed; then
	cp disk.orig race.img
	err=$("$GB_BUILD/grubenv-race" race.img 2>&1)
	rc=$?
	# the race tool flipped the block's last byte; nothing else changed
	cp disk.orig race.want
	start=$(grep -obUa '# GRUB Environment Block' race.want | head -1 | cut -d: -f1)
	printf '\n' | dd of=race.want bs=1 seek=$((start + 1023)) conv=notrunc status=none
	if [ "$rc" = 0 ] && [[ "$err" == *"changed since it was read"* ]] && cmp -s race.img race.want; then
		pass grubenv/refuse/changed
	else
		fail grubenv/refuse/changed "exit $rc" "$err" "$(cmp race.img race.want 2>&1)"
	fi
fi

# The block edits themselves, against grub-editenv's: a value that shrinks,
# one that grows, a new one holding a backslash and a newline (escaped in
# the block), an unset variable removed, in save_env's order
if wanted grubenv/edits; then
	rm -rf ed && mkdir -p ed/boot/grub
	cp root/boot/vmlinuz-a ed/boot/
	grub-editenv ed/boot/grub/grubenv create
	grub-editenv ed/boot/grub/grubenv set long=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA gone=1 grow=b keep=k
	cp ed/boot/grub/grubenv ed.start
	cat >ed/boot/grub/grub.cfg <<'EOC'
load_env
set long=short
set newvar='x\y
z'
unset gone
set grow="a much longer value than the one before it, long enough to move the rest"
save_env long newvar gone
save_env grow
menuentry A { linux /boot/vmlinuz-a }
EOC
	oracle ed.want ed.start set long=short "newvar=x\\y
z"
	grub-editenv ed.want unset gone
	grub-editenv ed.want set "grow=a much longer value than the one before it, long enough to move the rest"
	rm -f ed.img && truncate -s 40M ed.img
	printf 'label: dos\nstart=2048, type=83\n' | sfdisk -q ed.img
	mke2fs -q -F -t ext4 -d ed -E offset=$OFF ed.img 38M
	rm -rf xed && mkdir xed
	err=$("$GUESTBOOT" extract --update-grubenv -o xed ed.img 2>&1 >/dev/null)
	got=$(grubenv_of ed.img | od -c)
	[ "$got" = "$(od -c ed.want)" ] && pass grubenv/edits ||
		fail grubenv/edits "$err" "got: $got" "want: $(od -c ed.want)"
fi
