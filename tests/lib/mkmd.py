#!/usr/bin/env python3
# Write a Linux MD superblock into a member region of an image, from the
# layout documented in include/uapi/linux/raid/md_p.h (the md driver is
# not available where the tests run, so mdadm cannot create arrays).
# Usage: mkmd.py IMAGE OFFSET SIZE VERSION [--level N] [--raid-disks N]
#        [--disk N] [--name NAME] [--minor N] [--uuid HEX32]
#        [--data-offset SECTORS] [--data-size SECTORS]
# VERSION: 0.90, 1.0, 1.1, 1.2. Offsets and sizes in bytes except where
# named in sectors. Prints the data offset (bytes in the member) and the
# data size (bytes).
import argparse
import struct
import time

MAGIC = 0xa92b4efc

def csum1(sb, max_dev):
    n = 256 + 2 * max_dev
    s = 0
    for i in range(0, n, 4):
        s += struct.unpack_from('<I', sb, i)[0]
    return ((s & 0xffffffff) + (s >> 32)) & 0xffffffff

def sb1(a, member_secs, sb_sec, data_off, data_size):
    max_dev = 64
    sb = bytearray(256 + 2 * max_dev)
    struct.pack_into('<IIII', sb, 0, MAGIC, 1, 0, 0)
    sb[16:32] = bytes.fromhex(a.uuid)
    name = a.name.encode()[:32]
    sb[32:32 + len(name)] = name
    struct.pack_into('<QIIQIII', sb, 64, int(time.time()), a.level, 0, data_size,
                     0 if a.level == 1 else 128, a.raid_disks, 0)
    struct.pack_into('<QQQQ', sb, 128, data_off, data_size, sb_sec, 0)
    struct.pack_into('<I', sb, 160, a.disk)
    sb[168:184] = bytes(range(a.disk, a.disk + 16))
    struct.pack_into('<QQQ', sb, 192, int(time.time()), 10, 0xffffffffffffffff)
    struct.pack_into('<I', sb, 220, max_dev)
    for i in range(max_dev):
        struct.pack_into('<H', sb, 256 + 2 * i, i if i < a.raid_disks else 0xffff)
    struct.pack_into('<I', sb, 216, csum1(sb, max_dev))
    return bytes(sb)

def sb090(a, member_bytes):
    w = [0] * 1024
    u = bytes.fromhex(a.uuid)
    uw = struct.unpack('>IIII', u)
    w[0], w[1], w[2], w[3] = MAGIC, 0, 90, 0
    w[5] = uw[0]
    w[6] = int(time.time())
    w[7] = a.level
    sb_off = (member_bytes & ~65535) - 65536
    w[8] = a.data_size // 2 if a.data_size else sb_off // 1024
    w[9] = w[10] = a.raid_disks
    w[11] = a.minor
    w[13], w[14], w[15] = uw[1], uw[2], uw[3]
    w[32] = int(time.time())
    w[33] = 1  # clean
    w[34] = w[35] = a.raid_disks
    for d in range(a.raid_disks):  # disks[d]: number, major, minor, raid_disk, state
        base = 128 + 32 * d
        w[base:base + 5] = [d, 0, 0, d, 6]
    w[992:997] = [a.disk, 0, 0, a.disk, 6]  # this_disk
    w[40] = 1  # events_lo (word order is the kernel's; only informative)
    s = sum(w) & 0xffffffffffffffff
    w[38] = ((s & 0xffffffff) + (s >> 32)) & 0xffffffff
    return struct.pack('<1024I', *w), sb_off

def main():
    p = argparse.ArgumentParser()
    p.add_argument('image')
    p.add_argument('offset', type=int)
    p.add_argument('size', type=int)
    p.add_argument('version')
    p.add_argument('--level', type=int, default=1)
    p.add_argument('--raid-disks', type=int, default=2)
    p.add_argument('--disk', type=int, default=0)
    p.add_argument('--name', default='host:boot')
    p.add_argument('--minor', type=int, default=0)
    p.add_argument('--uuid', default='0123456789abcdef0123456789abcdef')
    p.add_argument('--data-offset', type=int, default=None)
    p.add_argument('--data-size', type=int, default=0)
    a = p.parse_args()
    secs = a.size // 512
    if a.version == '0.90':
        sb, sb_off = sb090(a, a.size)
        data_off, data_bytes = 0, (a.data_size * 512 if a.data_size else sb_off)
    else:
        if a.version == '1.0':
            sb_sec = (secs - 16) & ~7
            data_off = 0 if a.data_offset is None else a.data_offset
            data_size = a.data_size or sb_sec - data_off
        else:
            sb_sec = 0 if a.version == '1.1' else 8
            data_off = 2048 if a.data_offset is None else a.data_offset
            data_size = a.data_size or secs - data_off
        a.data_size = data_size
        sb = sb1(a, secs, sb_sec, data_off, data_size)
        sb_off = sb_sec * 512
        data_off, data_bytes = data_off * 512, data_size * 512
    with open(a.image, 'r+b') as f:
        f.seek(a.offset + sb_off)
        f.write(sb)
    print(data_off, data_bytes)

main()
