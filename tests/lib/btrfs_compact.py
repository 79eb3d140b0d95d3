#!/usr/bin/env python3
"""Shrink a single-profile btrfs image below 1 MiB for a fuzz seed: each
chunk keeps only its used head (64 KiB granules) and the chunks are laid
side by side after the superblock; the chunk items (sys_chunk_array and
chunk tree leaves) get the new lengths and offsets. Checksums are left
stale: guestboot does not verify them. Test tooling only.

usage: btrfs_compact.py IN OUT"""
import struct
import sys

sys.path.insert(0, __import__("os").path.dirname(__file__))
from btrfsmap import Fs, HDR, CHUNK_ITEM, SB, u32, u64, key  # noqa: E402

GRAIN = 65536


def used_length(fs, phys, length):
    data = fs.raw(phys, length)
    last = 0
    for off in range(0, len(data), 4096):
        if any(data[off:off + 4096]):
            last = off + 4096
    return max(GRAIN, (last + GRAIN - 1) // GRAIN * GRAIN)


def main():
    fs = Fs(sys.argv[1])
    layout, pos = {}, 2 * GRAIN
    for logical, length, phys in sorted(fs.chunks):
        if logical in layout:
            continue
        n = used_length(fs, phys, length)
        layout[logical] = (phys, n, pos)
        pos += n
    out = bytearray(pos)
    out[SB:SB + 4096] = fs.raw(SB, 4096)
    for logical, (phys, n, new) in layout.items():
        out[new:new + n] = fs.raw(phys, n)

    def patch(at, logical):
        _, n, new = layout[logical]
        struct.pack_into("<Q", out, at, n)
        struct.pack_into("<Q", out, at + 48 + 8, new)

    arr, p, size = SB + 0x32b, 0, u32(out, SB + 0xa0)
    while p < size:
        k = key(out, arr + p)
        patch(arr + p + 17, k[2])
        nstripes = struct.unpack_from("<H", out, arr + p + 17 + 44)[0]
        p += 17 + 48 + 32 * nstripes
    for at in fs.blocks(u64(fs.sb, 0x58)):
        b = fs.block(at)
        if b[0x64]:
            continue
        start = next(new + at - lg for lg, (ph, n, new) in layout.items() if lg <= at < lg + n)
        for i in range(u32(b, 0x60)):
            o = HDR + i * 25
            k = key(b, o)
            if k[1] == CHUNK_ITEM:
                patch(start + HDR + u32(b, o + 17), k[2])
    open(sys.argv[2], "wb").write(out)


main()
