# The tiny committed images of tests/images (one per file system, a qcow2
# and an LVM one), made by tests/images/generate, checked against what
# real peers read in them when they were made (NAME.expect): the
# directory listings and every file's size and SHA-256 (grub-fstest), the
# volume's type, UUID and label (blkid), the boot entries and the default
# (Xen's pygrub). No mkfs tool, zfs-fuse, peer or root is needed here:
# only xz and zstd to unpack them.
. "$GB_TOP/tests/lib/common.sh"

images=$GB_TOP/tests/images

# field KEY FILE: the lines of FILE starting with "KEY ", without it
field() { sed -n "s/^$1 //p" "$2"; }

# ls_names IMG VOL DIR: DIR's names as grub-fstest prints them, sorted,
# directories ending in '/'
ls_names() {
	# "TYPEMODE SIZE DATE TIME NAME[ -> TARGET]"
	"$GUESTBOOT" ls -l "$1" "$2:$3" | awk '{
		t = substr($1, 1, 1)
		n = $0
		sub(/^[^ ]+ +[0-9]+ +[0-9-]+ +[0-9:]+ /, "", n)
		if (t == "l") sub(/ -> .*/, "", n)
		if (t == "d") n = n "/"
		print n }' | LC_ALL=C sort
}

for exp in "$images"/*.expect; do
	name=$(basename "$exp" .expect)
	p=tiny/$name
	wanted "$p" || continue
	packed=$images/$(field image "$exp")
	img=$name.img
	case $packed in
	*.xz) tool=xz ;;
	*.zst) tool=zstd ;;
	*) fail "$p" "$packed: neither .xz nor .zst"; continue ;;
	esac
	if ! command -v $tool >/dev/null; then
		skip "$p" "$tool is not installed (package ${tool/xz/xz-utils}): cannot unpack $(basename "$packed")"
		continue
	fi
	rm -f "$img"
	# zstd writes runs of zeroes as holes: the XFS image is 300 MB
	if [ $tool = xz ]; then xz -dc "$packed" >"$img"; else zstd -q -d -o "$img" "$packed"; fi || {
		fail "$p" "cannot unpack $packed"
		continue
	}
	vol=$(field volume "$exp")
	fmt=$(field format "$exp")

	# the volume's file system as blkid saw it
	if wanted "$p/inspect" && need "$p/inspect" jq; then
		want=$(field blkid "$exp")
		got=$("$GUESTBOOT" inspect --json "$img" 2>&1 |
			jq -r --arg v "$vol" '.volumes[] | select(.id == $v) | [.fs.type, .fs.uuid, .fs.label] | map(. // "") | join(" ")' 2>&1 | sed 's/ *$//')
		[ "$got" = "$want" ] && pass "$p/inspect" || fail "$p/inspect" "blkid:     $want" "guestboot: $got"
	fi

	# every directory grub-fstest listed, name for name
	if wanted "$p/ls"; then
		bad=""
		while read -r dir names; do
			got=$(ls_names "$img" "$vol" "$dir" 2>&1 | tr '\n' ' ' | sed 's/ $//')
			[ "$got" = "$names" ] || bad="$bad|$dir: grub-fstest: $names; guestboot: $got"
		done < <(field dir "$exp")
		[ -z "$bad" ] && pass "$p/ls" || fail "$p/ls" "${bad#|}"
	fi

	# every file grub-fstest read: size and SHA-256
	if wanted "$p/cat"; then
		bad=""
		while read -r path size sum; do
			"$GUESTBOOT" cat "$img" "$vol:$path" >cat.out 2>cat.err
			gsize=$(stat -c %s cat.out)
			gsum=$(sha256sum <cat.out | cut -d' ' -f1)
			[ "$gsize $gsum" = "$size $sum" ] ||
				bad="$bad|$path: grub-fstest: $size $sum; guestboot: $gsize $gsum $(head -c 200 cat.err)"
		done < <(field file "$exp")
		[ -z "$bad" ] && pass "$p/cat" || fail "$p/cat" "${bad#|}"
	fi

	# the entries and the default, as Xen's pygrub read them
	if wanted "$p/pygrub"; then
		field entry "$exp" >want.list
		field default "$exp" >want.default
		"$GUESTBOOT" pygrub --image-format="$fmt" -l "$img" >got.list 2>&1
		"$GUESTBOOT" pygrub --image-format="$fmt" -q -n --output-format=simple "$img" 2>&1 |
			sed '/^$/d' >got.default
		if cmp -s want.list got.list && cmp -s want.default got.default; then
			pass "$p/pygrub"
		else
			fail "$p/pygrub" "$(diff want.list got.list)" "$(diff want.default got.default)"
		fi
	fi

	# list --json: the same titles, kernels, arguments and initrds, and the
	# default entry's arguments (without what pygrub adds for an illumos
	# kernel on ZFS, " -B zfs-bootfs=...")
	if wanted "$p/list" && need "$p/list" jq; then
		field entry "$exp" | grep -v '^  root:' >want.list
		field default "$exp" | sed -n 's/^args /args: /p' | sed 's/ -B zfs-bootfs=.*//' >>want.list
		"$GUESTBOOT" list --json "$img" 2>list.err | jq -r '
			(.entries[] | "title: \(.title)", "  kernel: \(.kernel)", "  args: \(.args)",
				(.initrd[] | "  initrd: \(.)")),
			(.default as $d | .entries[] | select(.path == $d) | "args: \(.args)")' >got.list 2>&1
		if cmp -s want.list got.list; then
			pass "$p/list"
		else
			fail "$p/list" "$(diff want.list got.list)" "$(head -3 list.err)"
		fi
	fi
	rm -f "$img"
done
