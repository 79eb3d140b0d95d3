# bash completion for guestboot(1)                       -*- shell-script -*-
# SPDX-License-Identifier: LGPL-2.1-or-later
# Subcommands, each one's options and their fixed values, image files, and
# for --entry the entries of the image already on the command line.
# tests/integration/completion.sh checks these lists against --help.

_guestboot_commands="inspect list extract menu pygrub kexec doctor ls cat"
_guestboot_image_opts="--offset --sector-size --format --image-format --backing --backing-format --disk
	--probe-formats --help"
# what --probe-formats names (a leading '-' switches one off)
_guestboot_formats="gpt mbr bsd vtoc md lvm ext xfs squashfs ufs fat iso9660 btrfs zfs"
_guestboot_menu_opts="--config --kind --pvgrub --platform"
_guestboot_entry_opts="--kernel-only --max-kernel-size --max-ramdisk-size --update-grubenv $_guestboot_menu_opts"

_guestboot_options()
{
	case $1 in
	inspect) echo "--json --kernels --config $_guestboot_image_opts" ;;
	list) echo "--json --trace $_guestboot_menu_opts $_guestboot_image_opts" ;;
	extract) echo "--output-dir --entry --format --print --vmlinux --raw-image --vmm-version $_guestboot_entry_opts $_guestboot_image_opts" ;;
	menu) echo "--output-dir --format --print --vmlinux --raw-image --vmm-version $_guestboot_entry_opts $_guestboot_image_opts" ;;
	kexec) echo "--entry --menu --args --dry-run --load-only $_guestboot_entry_opts $_guestboot_image_opts" ;;
	doctor) echo "--target --json $_guestboot_menu_opts $_guestboot_image_opts" ;;
	ls) echo "--long $_guestboot_image_opts" ;;
	cat) echo "$_guestboot_image_opts" ;;
	pygrub) echo "--quiet --interactive --list-entries --not-really --output= --kernel= --ramdisk=
		--args= --entry= --output-directory= --output-format= --runas= --offset= --isconfig
		--debug --max-kernel-size= --max-ramdisk-size= --image-format= --update-grubenv
		--probe-formats= --help" ;;
	esac
}

# The entries (GRUB paths 0, 1>0, ...) of the first existing file among
# the words after the subcommand.
_guestboot_entries()
{
	local w
	for w in "${COMP_WORDS[@]:2}"; do
		if [[ $w != -* && -f $w ]]; then
			guestboot list --json "$w" 2>/dev/null |
				sed -n 's/^ *"path": "\([0-9>]*\)",\{0,1\}$/\1/p'
			return
		fi
	done
}

_guestboot()
{
	local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]}
	local cmd=${COMP_WORDS[1]:-} i
	COMPREPLY=()
	# global options come before the command
	for ((i = 1; i < COMP_CWORD; i++)); do
		case ${COMP_WORDS[i]} in
		--no-sandbox | --timeout=*) ;;
		*) cmd=${COMP_WORDS[i]}; break ;;
		esac
	done
	if ((i >= COMP_CWORD)); then
		COMPREPLY=($(compgen -W "$_guestboot_commands --help --version --no-sandbox --timeout=" -- "$cur"))
		return
	fi
	local values=""
	case $prev in
	--format | --image-format | --backing-format)
		if [[ $cmd == extract || $cmd == menu ]] && [[ $prev == --format ]]; then
			values="json shell qemu firecracker cloud-hypervisor"
		else
			values="raw qcow2"
		fi ;;
	-f) values="json shell qemu firecracker cloud-hypervisor" ;;
	--kind) values="grub2 grub1 bls syslinux lilo" ;;
	--pvgrub) values="hd0 hd00 1.04" ;;
	--platform) values="pc xen" ;;
	--target) values="xen-pv xen-pvh pvgrub-hd0 pvgrub-hd00 kvm firecracker cloud-hypervisor qemu-pvh firecracker-arm64 cloud-hypervisor-arm64 qemu-arm64" ;;
	--sector-size) values="512 4096" ;;
	--probe-formats)
		# the list so far, then one more name or -name
		local done=${cur%"${cur##*,}"} f
		for f in $_guestboot_formats; do values+=" $done$f $done-$f"; done ;;
	-e | --entry) COMPREPLY=($(compgen -W "$(_guestboot_entries)" -- "$cur")); return ;;
	-o | --output-dir) COMPREPLY=($(compgen -d -- "$cur")); return ;;
	--backing | --disk) COMPREPLY=($(compgen -f -- "$cur")); return ;;
	--offset | --max-kernel-size | --max-ramdisk-size | --config | --args | --timeout) return ;;
	esac
	if [[ -n $values ]]; then
		COMPREPLY=($(compgen -W "$values" -- "$cur"))
		return
	fi
	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W "$(_guestboot_options "$cmd")" -- "$cur"))
		[[ ${COMPREPLY[0]:-} == *= ]] && compopt -o nospace 2>/dev/null
		return
	fi
	# images (and devices for kexec)
	COMPREPLY=($(compgen -f -- "$cur"))
	compopt -o filenames 2>/dev/null
}
complete -F _guestboot guestboot
