#!/usr/bin/env python3
# Write a small LVM2 PV from scratch (label, PV header, metadata area with
# one VG text holding one linear LV over extents 0..N-1), from libyal's
# description of the format; no root or loop device needed. Used for the
# fuzzers' seed images, where images must stay under 1 MiB.
# Usage: mklvm.py IMAGE OFFSET SIZE [--extent SECTORS] [--lv-extents N]
# Prints the LV's data offset in the image (bytes).
import argparse
import struct
import zlib

def crc(b):
    return zlib.crc32(b, 0xf597a6cf ^ 0xffffffff) ^ 0xffffffff

def main():
    p = argparse.ArgumentParser()
    p.add_argument('image')
    p.add_argument('offset', type=int)
    p.add_argument('size', type=int)
    p.add_argument('--extent', type=int, default=128)
    p.add_argument('--lv-extents', type=int, default=8)
    a = p.parse_args()
    uuid = b'Seed0Seed1Seed2Seed3Seed4Seed5Se'
    mda_off, mda_size = 4096, 61440
    pe_start = 65536
    pe_count = (a.size - pe_start) // (a.extent * 512)
    text = ('seedvg {\nid = "abcdef-abcd-abcd-abcd-abcd-abcd-abcdef"\nseqno = 1\n'
            'format = "lvm2"\nstatus = ["RESIZEABLE", "READ", "WRITE"]\nflags = []\n'
            'extent_size = %d\nmax_lv = 0\nmax_pv = 0\nmetadata_copies = 0\n'
            'physical_volumes {\npv0 {\nid = "%s"\ndevice = "/dev/x"\n'
            'status = ["ALLOCATABLE"]\nflags = []\ndev_size = %d\npe_start = %d\n'
            'pe_count = %d\n}\n}\nlogical_volumes {\nroot {\n'
            'id = "rrrrrr-aaaa-aaaa-aaaa-aaaa-aaaa-aaaaaa"\n'
            'status = ["READ", "WRITE", "VISIBLE"]\nflags = []\nsegment_count = 1\n'
            'segment1 {\nstart_extent = 0\nextent_count = %d\ntype = "striped"\n'
            'stripe_count = 1\nstripes = [\n"pv0", 0\n]\n}\n}\n}\n}\n'
            'contents = "Text Format Volume Group"\nversion = 1\n'
            % (a.extent, '-'.join(x.decode() for x in (uuid[0:6], uuid[6:10], uuid[10:14],
                                                      uuid[14:18], uuid[18:22], uuid[22:26],
                                                      uuid[26:32])),
               a.size // 512, pe_start // 512, pe_count, a.lv_extents)).encode() + b'\0'
    label = bytearray(512)
    label[0:8] = b'LABELONE'
    struct.pack_into('<QII', label, 8, 1, 0, 32)
    label[24:32] = b'LVM2 001'
    h = 32
    label[h:h + 32] = uuid
    struct.pack_into('<Q', label, h + 32, a.size)
    struct.pack_into('<QQQQQQQQ', label, h + 40, pe_start, 0, 0, 0, mda_off, mda_size, 0, 0)
    struct.pack_into('<I', label, 16, crc(bytes(label[20:])))
    mda = bytearray(512)
    mda[4:20] = b' LVM2 x[5A%r0N*>'
    struct.pack_into('<IQQ', mda, 20, 1, mda_off, mda_size)
    struct.pack_into('<QQII', mda, 40, 512, len(text), crc(text), 0)
    struct.pack_into('<I', mda, 0, crc(bytes(mda[4:])))
    with open(a.image, 'r+b') as f:
        f.seek(a.offset + 512)
        f.write(label)
        f.seek(a.offset + mda_off)
        f.write(mda)
        f.seek(a.offset + mda_off + 512)
        f.write(text)
    print(a.offset + pe_start)

main()
