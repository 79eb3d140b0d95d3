# guestboot as Xen's pygrub: differential tests against the real pygrub
# (Debian xen-utils-4.17) on layouts pygrub reads, byte-level tests of the
# output formats, and the places where pygrub is wrong and guestboot is not.
. "$GB_TOP/tests/lib/common.sh"

PYGRUB=/usr/lib/xen-4.17/bin/pygrub
have_pygrub=false
[ -x "$PYGRUB" ] && have_pygrub=true
no_pygrub="Xen's pygrub ($PYGRUB) is not installed (xen-utils-4.17, scripts/install-deps)"

mkdir -p root/boot/grub
head -c 200003 /dev/urandom >root/boot/vmlinuz-1
head -c 150001 /dev/urandom >root/boot/vmlinuz-2
head -c 90007 /dev/urandom >root/boot/initrd-1
head -c 70001 /dev/urandom >root/boot/initrd-2
cat >root/boot/grub/menu.lst <<'EOF'
default 1
timeout 5
hiddenmenu

title Debian GNU/Linux, kernel 1
	root (hd0,0)
	kernel /boot/vmlinuz-1 root=/dev/xvda1 ro console=hvc0
	initrd /boot/initrd-1

title It's "quoted" \ back')(kernel '/etc/shadow')
	root (hd0,0)
	kernel /boot/vmlinuz-2 root=/dev/xvda1 ro it's "quoted" \ back')(kernel '/etc/shadow')(x
	initrd /boot/initrd-2

title Third, no initrd
	root (hd0,0)
	kernel /boot/vmlinuz-1 root=/dev/xvda1 single
	initrd /boot/initrd-1
EOF
truncate -s 64M mbr.img
printf 'label: dos\nstart=2048, type=83\n' | sfdisk -q mbr.img
mke2fs -q -F -t ext4 -d root -E offset=1048576 mbr.img 60000k
truncate -s 64M whole.img
sed 's/(hd0,0)/(hd0)/' root/boot/grub/menu.lst >menu.whole
cp -r root rootw && cp menu.whole rootw/boot/grub/menu.lst
mke2fs -q -F -t ext4 -d rootw whole.img >/dev/null

# run_both NAME FORMAT ARGS...: run pygrub and guestboot with the same
# arguments, each with its own output directory; compare the output bytes
# with the temp file names masked, and the copies they made.
run_both() {
	local name=$1 fmt=$2
	shift 2
	wanted "$name" || return 0
	if ! $have_pygrub; then
		skip "$name" "$no_pygrub"
		return
	fi
	rm -rf p g && mkdir p g
	: >p.out && : >g.out
	"$PYGRUB" --output-format="$fmt" --output-directory=p --output=p.out "$@" 2>p.err
	local prc=$?
	"$GUESTBOOT" pygrub --output-format="$fmt" --output-directory=g --output=g.out "$@" 2>g.err
	local grc=$?
	local pm gm
	# ZFS: libfsimage's boot string names dataset object 0, guestboot the
	# boot dataset's object (as Solaris GRUB does)
	local mask="s#$PWD/[pg]/boot_\(kernel\|ramdisk\)\.[A-Za-z0-9_]*#<\1>#g; s#zfs-bootfs=\([^/]*\)/[0-9]*,#zfs-bootfs=\1/N,#g"
	pm=$(sed "$mask" p.out | od -c)
	gm=$(sed "$mask" g.out | od -c)
	if [ "$prc" -ne 0 ] || [ "$grc" -ne 0 ]; then
		fail "$name" "exit pygrub=$prc guestboot=$grc" "$(tail -2 p.err)" "$(cat g.err)"
	elif [ "$pm" != "$gm" ]; then
		fail "$name" "pygrub:   $(cat p.out | tr '\0' '@')" "guestboot: $(cat g.out | tr '\0' '@')"
	elif [ -n "$(ls p)" ] && ! cmp -s p/boot_kernel.* g/boot_kernel.*; then
		fail "$name" "kernel copies differ"
	elif [ -n "$(ls p | grep ramdisk)" ] && ! cmp -s p/boot_ramdisk.* g/boot_ramdisk.*; then
		fail "$name" "ramdisk copies differ"
	elif [ "$(ls p | sed 's/\..*//' | sort)" != "$(ls g | sed 's/\..*//' | sort)" ]; then
		fail "$name" "files left: pygrub: $(ls p) guestboot: $(ls g)"
	else
		pass "$name"
	fi
}

for fmt in sxp simple simple0; do
	run_both "pygrub/diff/mbr-default-$fmt" "$fmt" -q mbr.img
	run_both "pygrub/diff/whole-default-$fmt" "$fmt" -q whole.img
done
run_both "pygrub/diff/entry-index" sxp --entry=0 mbr.img
run_both "pygrub/diff/entry-title" sxp "--entry=Third, no initrd" mbr.img
run_both "pygrub/diff/entry-nomatch" sxp --entry=nonesuch mbr.img
run_both "pygrub/diff/extra-args" sxp -q "--args=extra 'x' \"y\"" mbr.img
run_both "pygrub/diff/kernel-option" sxp -q --kernel=/boot/vmlinuz-2 --ramdisk=/boot/initrd-1 --args=a=b mbr.img
run_both "pygrub/diff/offset" sxp -q --offset=1048576 mbr.img
run_both "pygrub/diff/not-really" sxp -q -n mbr.img

if wanted pygrub/diff/list && ! $have_pygrub; then
	skip pygrub/diff/list "$no_pygrub"
elif wanted pygrub/diff/list; then
	"$PYGRUB" -l mbr.img >p.list 2>/dev/null
	"$GUESTBOOT" pygrub -l mbr.img >g.list 2>g.err
	if cmp -s p.list g.list; then pass pygrub/diff/list; else fail pygrub/diff/list "$(diff p.list g.list)"; fi
fi

# Python's repr() is the sxp quoting: compare with Python itself.
if wanted pygrub/repr; then
	bad=""
	while IFS= read -r s; do
		s=$(printf '%b' "$s")
		want=$(python3 -c 'import sys; print("(args %s)" % repr(sys.argv[1]), end="")' "$s")
		got=$("$GUESTBOOT" pygrub -q -n --kernel=/boot/vmlinuz-1 "--args=$s" mbr.img 2>&1)
		got=${got#linux (kernel None)}
		[ "$got" = "$want" ] || bad="$bad|$s: want $want got $got"
	done <<'EOF'
plain
it's
say "hi"
both ' and "
back\\slash
tab\there
new\nline
cr\rreturn
bell\a esc\033[2J
caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80
nbsp\xc2\xa0shy\xc2\xad
line\xe2\x80\xa8sep zw\xe2\x80\x8bsp bom\xef\xbb\xbf
del\x7f c1\xc2\x85
')(kernel '/etc/shadow')(args '
EOF
	[ -z "$bad" ] && pass pygrub/repr || fail pygrub/repr "$bad"
fi

# XSA-198: a title or args that tries to add an output field stays one value.
if wanted pygrub/xsa198/sxp; then
	rm -rf g && mkdir g
	out=$("$GUESTBOOT" pygrub -q --entry=1 --output-directory=g mbr.img)
	fields=$(python3 "$GB_TOP/tests/lib/sxp_fields.py" "$out")
	want="kernel ramdisk args
root=/dev/xvda1 ro it's \"quoted\" \\ back')(kernel '/etc/shadow')(x"
	[ "$fields" = "$want" ] && pass pygrub/xsa198/sxp || fail pygrub/xsa198/sxp "got: $fields"
fi
if wanted pygrub/xsa198/simple0; then
	rm -rf g && mkdir g
	"$GUESTBOOT" pygrub -q --entry=1 --output-format=simple0 --output-directory=g mbr.img >s0.out
	n=$(tr -cd '\0' <s0.out | wc -c)
	# after kernel, ramdisk and args, and the terminating empty field: 4 NULs
	[ "$n" = 4 ] && pass pygrub/xsa198/simple0 || fail pygrub/xsa198/simple0 "$n NUL bytes"
fi
# simple cannot carry a newline: refused, and no copy is left behind
if wanted pygrub/simple-newline; then
	rm -rf g && mkdir g
	"$GUESTBOOT" pygrub -q --output-format=simple --output-directory=g "--args=$(printf 'a\nkernel /etc/shadow')" mbr.img >nl.out 2>nl.err
	rc=$?
	if [ $rc -ne 0 ] && [ -z "$(ls g)" ] && [ ! -s nl.out ] && grep -q newline nl.err; then
		pass pygrub/simple-newline
	else
		fail pygrub/simple-newline "rc=$rc files: $(ls g) out: $(cat nl.out)"
	fi
fi

# Where pygrub is wrong: a failure exits non-zero and leaves nothing.
mkdir -p broken/boot/grub
printf 'default 0\ntitle x\n\troot (hd0,0)\n\tkernel /boot/missing root=/dev/xvda1\n' >broken/boot/grub/menu.lst
truncate -s 32M broken.img
printf 'label: dos\nstart=2048, type=83\n' | sfdisk -q broken.img
mke2fs -q -F -t ext4 -d broken -E offset=1048576 broken.img 30000k
if wanted pygrub/missing-kernel-cleans-up; then
	rm -rf g && mkdir g && : >g.out
	"$GUESTBOOT" pygrub -q --output-directory=g --output=g.out broken.img 2>err
	rc=$?
	# guestboot's line, then the same reason as RuntimeError (for XAPI)
	if [ $rc -ne 0 ] && [ -z "$(ls g)" ] && [ ! -s g.out ] && [ "$(wc -l <err)" = 2 ] &&
		[ "$(sed -n 2p err)" = "RuntimeError: $(sed -n '1s/^guestboot: //p' err)" ]; then
		pass pygrub/missing-kernel-cleans-up
	else
		fail pygrub/missing-kernel-cleans-up "rc=$rc left: $(ls g)" "$(cat err)"
	fi
fi
expect_pygrub_error "pygrub/output-not-created" 3 "cannot open" \
	"$GUESTBOOT" pygrub -q --output-directory=. --output=does-not-exist mbr.img
if wanted pygrub/output-not-created-no-files; then
	ls boot_* >/dev/null 2>&1 && fail pygrub/output-not-created-no-files "copies left: $(ls boot_*)" ||
		pass pygrub/output-not-created-no-files
fi
if wanted pygrub/kernel-limit; then
	rm -rf g && mkdir g
	"$GUESTBOOT" pygrub -q --max-kernel-size=1000 --output-directory=g mbr.img >/dev/null 2>err
	rc=$?
	[ $rc -eq 7 ] && [ -z "$(ls g)" ] && grep -q "more than the limit" err &&
		pass pygrub/kernel-limit || fail pygrub/kernel-limit "rc=$rc $(cat err) left: $(ls g)"
fi
if wanted pygrub/ramdisk-limit; then
	rm -rf g && mkdir g
	"$GUESTBOOT" pygrub -q --max-ramdisk-size=90006 --output-directory=g --entry=0 mbr.img >/dev/null 2>err
	rc=$?
	[ $rc -eq 7 ] && [ -z "$(ls g)" ] && pass pygrub/ramdisk-limit || fail pygrub/ramdisk-limit "rc=$rc left: $(ls g)"
fi
if wanted pygrub/copies-mode; then
	rm -rf g && mkdir g
	"$GUESTBOOT" pygrub -q --output-directory=g mbr.img >/dev/null
	modes=$(stat -c %a g/* | sort -u)
	[ "$modes" = 600 ] && pass pygrub/copies-mode || fail pygrub/copies-mode "modes $modes"
fi
check "pygrub/as-argv0" bash -c "ln -sf '$GUESTBOOT' pygrub && ./pygrub -q -n mbr.img | grep -q '^linux (kernel None)'"
# XAPI's xenopsd shows the last "RuntimeError: " line of pygrub's stderr:
# Xen's pygrub prints one for the same failures (a disk with no boot
# configuration, an entry that does not exist), and so does guestboot,
# naming its own reason.
for c in blank:nothing-bootable; do
	name=pygrub/runtime-error/${c#*:}
	wanted "$name" || continue
	head -c 1048576 /dev/zero >blank.img
	"$GUESTBOOT" pygrub -q --output-directory=. blank.img >/dev/null 2>rt.err
	ours=$(grep '^RuntimeError: ' rt.err | tail -1)
	first=$(head -1 rt.err)
	if [ "$ours" != "RuntimeError: ${first#guestboot: }" ] || [[ "$ours" != *"blank.img: no boot configuration"* ]]; then
		fail "$name" "guestboot's stderr: $(cat rt.err)"
	elif [ ! -x "$PYGRUB" ]; then
		pass "$name"
	elif ! "$PYGRUB" -q --output-directory=. blank.img >/dev/null 2>xen.err && tail -1 xen.err | grep -q '^RuntimeError: '; then
		pass "$name"
	else
		fail "$name" "Xen's pygrub no longer ends with a RuntimeError line: $(tail -2 xen.err)"
	fi
done
expect_pygrub_error "pygrub/runtime-error/missing-image" 3 "no-such.img: cannot open" \
	"$GUESTBOOT" pygrub -q --output-directory=. no-such.img
expect_error "pygrub/no-image" 1 "Usage:" "$GUESTBOOT" pygrub
expect_error "pygrub/runas-needs-q" 1 "--runas" "$GUESTBOOT" pygrub --runas=1000 mbr.img

# --isconfig: a config file on the host, the entry it boots (as pygrub)
printf 'set default="1"\nset timeout=5\nmenuentry "A" {\n\tlinux /vmlinuz-a root=/dev/xvda1 ro\n\tinitrd /initrd-a\n}\nmenuentry "B" {\n\tlinux /vmlinuz-b root=/dev/xvda1 ro single\n}\n' >grub.cfg
for e in "" --entry=0; do
	name=pygrub/diff/isconfig${e:+-entry}
	wanted "$name" || continue
	$have_pygrub || { skip "$name" "$no_pygrub"; continue; }
	"$PYGRUB" -q $e --isconfig grub.cfg >p.txt 2>/dev/null
	"$GUESTBOOT" pygrub -q $e --isconfig grub.cfg >g.txt 2>g.err
	cmp -s p.txt g.txt && [ -s g.txt ] && pass "$name" || fail "$name" "$(diff p.txt g.txt)" "$(cat g.err)"
done

# Layouts pygrub gets wrong: what GRUB would boot, through the pygrub
# interface. boots NAME IMAGE WANT_KERNEL_FILE WANT_ARGS: the sxp names a
# copy identical to the guest's kernel and carries the args GRUB would pass.
boots() {
	local name=$1 img=$2 kfile=$3 args=$4
	wanted "$name" || return 0
	rm -rf g && mkdir g
	local out
	out=$("$GUESTBOOT" pygrub -q --output-directory=g "$img" 2>err)
	local got
	got=$(python3 "$GB_TOP/tests/lib/sxp_fields.py" "$out" 2>/dev/null | tail -n 1)
	if [ "$got" = "$args" ] && cmp -s g/boot_kernel.* "$kfile"; then
		pass "$name"
	else
		fail "$name" "args: $got" "want: $args" "$(cat err)"
	fi
}
kernel() { head -c 50000 /dev/urandom >"$1"; }

# /boot in a logical partition (pygrub reads only the four primaries)
mkdir -p lg/boot/grub
kernel lg/boot/vmlinuz-6.1
printf 'set default=0\nmenuentry "Debian" {\n\tlinux /boot/vmlinuz-6.1 root=/dev/xvda6 ro quiet\n}\n' >lg/boot/grub/grub.cfg
truncate -s 64M logical.img
printf 'label: dos\nstart=2048, size=8192, type=82\nstart=10240, type=5\nstart=12288, size=40960, type=83\n' | sfdisk -q logical.img
mke2fs -q -F -t ext4 -d lg -E offset=$((12288 * 512)) logical.img 20480k
boots pygrub/wrong/logical-partition logical.img lg/boot/vmlinuz-6.1 "root=/dev/xvda6 ro quiet"

# grubenv saved_entry naming a title inside a submenu (pygrub boots entry 0)
mkdir -p sv/boot/grub
kernel sv/boot/vmlinuz-new
kernel sv/boot/vmlinuz-old
cat >sv/boot/grub/grub.cfg <<'CFG'
load_env
set default="${saved_entry}"
menuentry 'Debian' --id debian { linux /boot/vmlinuz-new root=/dev/xvda1 ro }
submenu 'Advanced options' --id advanced {
	menuentry 'Debian, new' --id new { linux /boot/vmlinuz-new root=/dev/xvda1 ro new }
	menuentry 'Debian, old' --id old { linux /boot/vmlinuz-old root=/dev/xvda1 ro old }
}
CFG
grub-editenv sv/boot/grub/grubenv create
grub-editenv sv/boot/grub/grubenv set 'saved_entry=advanced>old'
truncate -s 32M saved.img
mke2fs -q -F -t ext4 -d sv saved.img >/dev/null
boots pygrub/wrong/saved-entry-submenu saved.img sv/boot/vmlinuz-old "root=/dev/xvda1 ro old"

# Fedora: grub.cfg runs blscfg; the newest BLS entry, $kernelopts from grubenv
mkdir -p fed/boot/grub2 fed/boot/loader/entries
kernel fed/boot/vmlinuz-6.5.6-300.fc39.x86_64
kernel fed/boot/vmlinuz-6.6.2-201.fc39.x86_64
cat >fed/boot/grub2/grub.cfg <<'CFG'
set default="${saved_entry}"
load_env -f ${config_directory}/grubenv
blscfg
CFG
grub-editenv fed/boot/grub2/grubenv create
grub-editenv fed/boot/grub2/grubenv set 'kernelopts=root=UUID=abcd ro rhgb quiet'
for v in 6.5.6-300.fc39.x86_64 6.6.2-201.fc39.x86_64; do
	printf 'title Fedora Linux (%s)\nversion %s\nlinux /boot/vmlinuz-%s\noptions $kernelopts\n' "$v" "$v" "$v" \
		>fed/boot/loader/entries/0123abcd-$v.conf
done
truncate -s 32M fedora.img
mke2fs -q -F -t ext4 -d fed fedora.img >/dev/null
boots pygrub/wrong/blscfg fedora.img fed/boot/vmlinuz-6.6.2-201.fc39.x86_64 "root=UUID=abcd ro rhgb quiet"

# GRUB's "initrd newc:NAME:PATH" and several initrds: pygrub opens the
# whole argument string as one file and fails; guestboot hands over the
# ramdisk GRUB builds (tests/lib/ramdisk_model.py: GRUB 2.06's rule), and
# -l prints the initrds in GRUB's words.
mkdir -p nc/boot/grub
kernel nc/vmlinuz
head -c 1001 /dev/urandom >nc/a.img
printf 'option=1\n' >nc/foo.conf
head -c 2002 /dev/urandom >nc/b.img
printf 'menuentry "newc" {\n\tlinux /vmlinuz root=/dev/xvda1\n\tinitrd /a.img newc:/etc/foo.conf:/foo.conf /b.img\n}\n' \
	>nc/boot/grub/grub.cfg
truncate -s 32M newc.img
mke2fs -q -F -t ext4 -d nc newc.img >/dev/null
if wanted pygrub/wrong/grub-newc; then
	rm -rf g p && mkdir g p
	python3 "$GB_TOP/tests/lib/ramdisk_model.py" grub want-nc nc/a.img newc:/etc/foo.conf:nc/foo.conf nc/b.img
	out=$("$GUESTBOOT" pygrub -q --output-format=simple --output-directory=g newc.img 2>err)
	prc=0
	if $have_pygrub; then
		"$PYGRUB" -q --output-format=simple --output-directory=p newc.img >/dev/null 2>&1
		prc=$?
	fi
	cmp -s g/boot_ramdisk.* want-nc && cmp -s g/boot_kernel.* nc/vmlinuz &&
		grep -q "^args root=/dev/xvda1$" <<<"$out" && { ! $have_pygrub || [ $prc -ne 0 ]; } &&
		pass pygrub/wrong/grub-newc || fail pygrub/wrong/grub-newc "$out" "$(cat err)" "pygrub: exit $prc, $(ls p)"
fi
if wanted pygrub/grub-newc-list; then
	got=$("$GUESTBOOT" pygrub -l newc.img 2>&1 | grep initrd:)
	[ "$got" = "  initrd: /a.img newc:etc/foo.conf:/foo.conf /b.img" ] &&
		pass pygrub/grub-newc-list || fail pygrub/grub-newc-list "$got"
fi

# extlinux with paths relative to the config's directory (Alpine)
mkdir -p al/boot/extlinux
kernel al/boot/vmlinuz-virt
printf 'DEFAULT virt\nLABEL virt\n  LINUX ../vmlinuz-virt\n  APPEND root=/dev/xvda1 modules=ext4\n' >al/boot/extlinux/extlinux.conf
truncate -s 32M alpine.img
mke2fs -q -F -t ext4 -d al alpine.img >/dev/null
boots pygrub/wrong/extlinux-relative alpine.img al/boot/vmlinuz-virt "root=/dev/xvda1 modules=ext4"

# XFS v5 /boot (pygrub reads only XFS v4), RHEL 7 style linux16 + saved title
mkdir -p x7/grub2
kernel x7/vmlinuz-3.10.0-1160.el7.x86_64
cat >x7/grub2/grub.cfg <<'CFG'
load_env
set default="${saved_entry}"
menuentry 'CentOS Linux (3.10.0-1160.el7.x86_64) 7 (Core)' --class centos {
	linux16 /vmlinuz-3.10.0-1160.el7.x86_64 root=/dev/mapper/centos-root ro crashkernel=auto
}
menuentry 'CentOS Linux (0-rescue) 7 (Core)' --class centos {
	linux16 /vmlinuz-3.10.0-1160.el7.x86_64 root=/dev/mapper/centos-root ro rescue
}
CFG
grub-editenv x7/grub2/grubenv create
grub-editenv x7/grub2/grubenv set 'saved_entry=CentOS Linux (3.10.0-1160.el7.x86_64) 7 (Core)'
if wanted pygrub/wrong/xfs-v5-rhel7 && need pygrub/wrong/xfs-v5-rhel7 mkfs.xfs; then
	python3 "$GB_TOP/tests/lib/xfs_proto.py" x7 >x7.proto
	truncate -s 400M xfs7.img
	printf 'label: dos\nstart=2048, size=700000, type=83\n' | sfdisk -q xfs7.img
	truncate -s 341M part.xfs
	mkfs.xfs -q -f -p x7.proto part.xfs 2>/dev/null
	dd if=part.xfs of=xfs7.img bs=1M seek=1 conv=notrunc,sparse status=none
	rm -f part.xfs
	boots pygrub/wrong/xfs-v5-rhel7 xfs7.img x7/vmlinuz-3.10.0-1160.el7.x86_64 "root=/dev/mapper/centos-root ro crashkernel=auto"
fi

# the same corpus through qcow2
qcow2_corpus pygrub

# ZFS (zfs-fuse pools, their file vdevs relabelled as disks with a
# phys_path, as illumos writes them, for libfsimage): the menu.lst in the
# pool's root dataset, kernels from the pool's bootfs dataset; pygrub's
# " -B zfs-bootfs=...,bootpath='...'" appended to a non-empty command
# line, or put in place of a zfs-bootfs= word; a mirror half's bootpath
# is its own.
if wanted pygrub/diff/zfs && need pygrub/diff/zfs zfs-fuse; then
	. "$GB_TOP/tests/lib/zfs.sh"
	trap zfs_daemon_stop EXIT
	if zfs_daemon_start "$GB_WORK"; then
		truncate -s 64M pg.img pg-a.img pg-b.img
		zpool create -o version=23 -m "$PWD/pgm" pg "$PWD/pg.img"
		zpool create -o version=23 -m "$PWD/pgmm" pgmir mirror "$PWD/pg-a.img" "$PWD/pg-b.img"
		for p in pg pgmir; do
			m=pgm
			[ $p = pgmir ] && m=pgmm
			zfs create $p/ROOT
			zfs create $p/ROOT/be
			mkdir -p $m/boot/grub $m/ROOT/be/boot
			cp root/boot/vmlinuz-1 $m/ROOT/be/boot/vmlinuz
			cp root/boot/initrd-1 $m/ROOT/be/boot/initrd
			printf '%s\n' 'default 0' 'title linux' '	kernel /boot/vmlinuz root=/dev/xvda1 ro' \
				'	initrd /boot/initrd' 'title no arguments' '	kernel /boot/vmlinuz' 'title zfs-bootfs given' \
				"	kernel /boot/vmlinuz ro zfs-bootfs=$p/ROOT/be,console=ttya zfs-bootfs= x zfs-bootfs=a:b@c.d" \
				>$m/boot/grub/menu.lst
			zpool set bootfs=$p/ROOT/be $p
		done
		sync
		zpool export pg
		zpool export pgmir
		zfs_daemon_stop
		zfs_label_disk pg.img /pci@0,0/pci1af4,2@4/blkdev@0,0:a
		zfs_label_disk pg-b.img /pci@0,0/pci1af4,2@4/blkdev@0,0:a /pci@0,0/pci1af4,2@5/blkdev@0,0:a
		run_both pygrub/diff/zfs-default sxp -q pg.img
		run_both pygrub/diff/zfs-no-args simple --entry=1 pg.img
		run_both pygrub/diff/zfs-replace sxp --entry=2 pg.img
		run_both pygrub/diff/zfs-user-args simple --entry=1 "--args=zfs-bootfs=pg/ROOT/be x" pg.img
		run_both pygrub/diff/zfs-mirror-half sxp -q pg-b.img
		if wanted pygrub/diff/zfs-mirror-half && ! grep -q "pci1af4,2@5/blkdev@0,0:a'" g.out; then
			fail pygrub/diff/zfs-mirror-half "bootpath is not the second half's: $(cat g.out)"
		fi
	else
		fail pygrub/diff/zfs "$zfs_why"
	fi
fi
