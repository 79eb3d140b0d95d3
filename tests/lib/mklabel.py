#!/usr/bin/env python3
# Write a BSD disklabel or a Solaris x86 VTOC into sector 1 of an MBR
# partition, from the documented layouts (FreeBSD/NetBSD sys/disklabel.h,
# illumos sys/dklabel.h and sys/vtoc.h): no Debian tool writes either.
# Usage:
#   mklabel.py bsd IMAGE SLICE_LBA SLICE_SECTORS [--relative] [--bad-magic]
#              LETTER:START:SIZE:FSTYPE ...   (START in sectors, as on disk)
#   mklabel.py vtoc IMAGE PART_LBA PART_SECTORS [--bad-magic]
#              INDEX:TAG:START:SIZE ...       (START relative to the partition)
import struct
import sys

def bsd(img, lba, secs, parts, bad):
    magic = 0x82564557
    lab = bytearray(512)
    n = 16
    struct.pack_into('<IHH', lab, 0, 0 if bad else magic, 5, 0)
    lab[8:8 + 6] = b'amnesi'
    struct.pack_into('<IIIIII', lab, 40, 512, 63, 16, secs // (63 * 16) or 1, 63 * 16, secs)
    struct.pack_into('<I', lab, 132, magic)
    struct.pack_into('<HHII', lab, 136, 0, n, 8192, 65536)
    for letter, start, size, fstype in parts:
        i = ord(letter) - ord('a')
        struct.pack_into('<IIIBBH', lab, 148 + 16 * i, size, start, 0, fstype, 0, 0)
    # d_checksum: XOR of the 16-bit words of the label up to the partitions used
    end = 148 + 16 * n
    cs = 0
    for i in range(0, end, 2):
        cs ^= struct.unpack_from('<H', lab, i)[0]
    struct.pack_into('<H', lab, 136, cs)
    with open(img, 'r+b') as f:
        f.seek(lba * 512 + 512)
        f.write(lab)

def vtoc(img, lba, secs, parts, bad):
    lab = bytearray(512)
    struct.pack_into('<III', lab, 12, 0x600DDEEE, 1, 0)
    lab[20:28] = b'rpool\0\0\0'
    struct.pack_into('<HH', lab, 28, 512, 16)
    for idx, tag, start, size in parts:
        struct.pack_into('<HHII', lab, 72 + 12 * idx, tag, 0, start, size)
    struct.pack_into('<H', lab, 508, 0 if bad else 0xDABE)
    cs = 0
    for i in range(0, 510, 2):
        cs ^= struct.unpack_from('<H', lab, i)[0]
    struct.pack_into('<H', lab, 510, cs)
    with open(img, 'r+b') as f:
        f.seek(lba * 512 + 512)
        f.write(lab)

def main():
    kind, img, lba, secs = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    args = sys.argv[5:]
    bad = '--bad-magic' in args
    rel = '--relative' in args
    specs = [a.split(':') for a in args if not a.startswith('--')]
    if kind == 'bsd':
        parts = [(l, int(s) - (lba if rel else 0), int(z), int(t)) for l, s, z, t in specs]
        bsd(img, lba, secs, parts, bad)
    else:
        parts = [(int(i), int(t), int(s), int(z)) for i, t, s, z in specs]
        vtoc(img, lba, secs, parts, bad)

main()
