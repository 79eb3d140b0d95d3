# The libvirt recipes of doc/recipes.md, run as written: the domain XML they make
# is valid for libvirt's schema (virt-xml-validate), and the command line
# an XML parser reads back is the guest's, whatever characters it holds.
. "$GB_TOP/tests/lib/common.sh"

if ! command -v virt-xml-validate >/dev/null || ! command -v xmllint >/dev/null; then
	for n in recipes/libvirt-kvm-direct-kernel recipes/libvirt-xen-bootloader; do
		wanted "$n" && need "$n" virt-xml-validate xmllint
	done
	exit 0
fi

mkdir -p root/boot/grub
head -c 20001 /dev/urandom >root/boot/vmlinuz
head -c 3001 /dev/urandom >root/boot/initrd.img
cat >root/boot/grub/grub.cfg <<'EOF'
menuentry 'Linux' {
	linux /boot/vmlinuz root=UUID=42 ro 'quoted "x"' 'a&b c<d>e'
	initrd /boot/initrd.img
}
EOF
truncate -s 16M disk.img
mke2fs -q -F -t ext4 -d root disk.img

# The recipe from doc/recipes.md ("libvirt with KVM"), run as written
# with local paths: the sh block that makes <domain type='kvm'>.
recipes=$GB_TOP/doc/recipes.md
if wanted recipes/libvirt-kvm-direct-kernel; then
	dir=$PWD/boot-vm1
	awk '/^```sh$/ { block = ""; inside = 1; next }
	     /^```$/ && inside { if (block ~ /<domain type=.kvm.>/) printf "%s", block; inside = 0; next }
	     inside { block = block $0 "\n" }' "$recipes" |
		sed "s|/var/lib/libvirt/boot/vm1|$dir|; s|/var/lib/libvirt/images/disk.img|$PWD/disk.img|g" >recipe.sh
	guestboot() { "$GUESTBOOT" "$@"; }
	virsh() { [ "$*" = "define vm1.xml" ]; }
	grep -q "^virsh define vm1.xml" recipe.sh && . ./recipe.sh ||
		echo "no libvirt KVM recipe in doc/recipes.md, or it failed" >&2
	want_args=$("$GUESTBOOT" list --json disk.img | jq -r '.entries[0].args')
	valid=$(virt-xml-validate vm1.xml domain 2>&1)
	got=$(xmllint --xpath 'string(/domain/os/cmdline)' vm1.xml 2>&1)
	if [ $? -eq 0 ] && [[ "$valid" == *validates* ]] && [ "$got" = "$want_args console=ttyS0" ] &&
		[ "$(xmllint --xpath 'string(/domain/os/kernel)' vm1.xml)" = "$dir/vmlinuz" ] &&
		cmp -s "$dir/vmlinuz" root/boot/vmlinuz && cmp -s "$dir/initrd" root/boot/initrd.img &&
		[[ "$want_args" == *'a&b c<d>e'* ]]; then
		pass recipes/libvirt-kvm-direct-kernel
	else
		fail recipes/libvirt-kvm-direct-kernel "validate: $valid" "cmdline read back: $got" \
			"want: $want_args console=ttyS0"
	fi
fi

# "libvirt with Xen": the bootloader element.
if wanted recipes/libvirt-xen-bootloader; then
	cat >vm2.xml <<'EOF'
<domain type='xen'>
  <name>vm1</name>
  <memory unit='MiB'>1024</memory>
  <bootloader>/usr/lib/guestboot/pygrub</bootloader>
  <bootloader_args>-q</bootloader_args>
  <os><type arch='x86_64' machine='xenpv'>linux</type></os>
  <devices>
    <disk type='file' device='disk'>
      <driver name='qemu' type='raw'/>
      <source file='/var/lib/libvirt/images/disk.img'/>
      <target dev='xvda' bus='xen'/>
    </disk>
    <console type='pty'/>
  </devices>
</domain>
EOF
	# the XML is doc/recipes.md's, byte for byte
	doc=$(sed -n "/^<domain type='xen'>/,/^<\/domain>/p" "$recipes")
	valid=$(virt-xml-validate vm2.xml domain 2>&1)
	if [[ "$valid" == *validates* ]] && [ "$doc" = "$(cat vm2.xml)" ]; then
		pass recipes/libvirt-xen-bootloader
	else
		fail recipes/libvirt-xen-bootloader "validate: $valid" "$(diff <(echo "$doc") vm2.xml)"
	fi
fi
