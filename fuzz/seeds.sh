#!/bin/bash
# Seed corpora for the fuzz targets, made with the real tools: tiny disk
# images (MBR with a logical partition, GPT, bare ext2/ext4) and every
# configuration the config tests carry.
set -eu
out=$1
top=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$out"/{image,grub2,grub1,syslinux,bls,lilo,output}
mkdir -p "$tmp/root/boot/grub"
echo kernel >"$tmp/root/boot/vmlinuz"
printf 'set default=0\nmenuentry x { linux /boot/vmlinuz ro }\n' >"$tmp/root/boot/grub/grub.cfg"
ln -s vmlinuz "$tmp/root/boot/link"
for t in ext2 ext4; do
	truncate -s 256K "$out/image/$t.img"
	mke2fs -q -F -t $t -b 1024 -N 16 -d "$tmp/root" "$out/image/$t.img" >/dev/null 2>&1 || true
done
truncate -s 600K "$out/image/mbr.img"
printf 'label: dos\nstart=1, size=400, type=83\nstart=401, type=5\nstart=402, size=300, type=83\n' |
	sfdisk -q "$out/image/mbr.img" >/dev/null 2>&1 || true
truncate -s 600K "$out/image/gpt.img"
printf 'label: gpt\nfirst-lba=34\nstart=40, size=500, type=L\n' | sfdisk -q "$out/image/gpt.img" >/dev/null 2>&1 || true
# configs: the first "--- file" section of every test case
for t in "$top"/tests/config/*/*.t; do
	kind=$(basename "$(dirname "$t")")
	awk '/^--- file /{n++; next} /^--- /{if (n) exit} n==1' "$t" >"$out/$kind/$(basename "$t" .t)"
done
printf 'k\0r\0a b\0' >"$out/output/plain"
printf "/k\0/r\0it's \"q\" \\\\ \n\0" >"$out/output/quotes"
