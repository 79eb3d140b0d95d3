#!/usr/bin/env python3
"""Walk a single-disk ZFS pool image (little-endian, as zfs-fuse writes it
on x86) from its newest uberblock: the MOS, every dataset's object set,
every object's indirect and data blocks. Written from the on-disk format
for the mutation and fuzz tests; guestboot's reader is not used.

usage: zfsmap.py IMAGE regions   metadata regions (start:length), for mutate.py:
                                 the active uberblocks, label nvlists, object
                                 sets, indirect blocks, dnode and ZAP blocks
       zfsmap.py IMAGE sparse OUT  the fuzz-sparse input: image size, then
                                 (offset, length, bytes) extents of every
                                 non-zero label run and every block read
"""
import os
import struct
import sys
import zlib

LABEL = 256 << 10
DATA_START = 4 << 20
UB_MAGIC = 0x00bab10c
# DMU object types whose blocks a reader of files uses (the rest of the
# MOS: space maps, history, error logs... are left out of the seed)
ZAP_TYPES = {1, 13, 14, 15, 20, 21, 22, 31}
KEEP_TYPES = ZAP_TYPES | {10, 12, 16, 17, 19}


def u64(b, o):
    return struct.unpack_from("<Q", b, o)[0]


def lzjb(src, n):
    out = bytearray()
    i, mask, cmap = 0, 0x80, 0
    while len(out) < n:
        mask <<= 1
        if mask == 0x100:
            cmap, i, mask = src[i], i + 1, 1
        if cmap & mask:
            ln, dist = (src[i] >> 2) + 3, ((src[i] & 3) << 8) | src[i + 1]
            i += 2
            for _ in range(ln):
                if len(out) >= n:
                    break
                out.append(out[-dist])
        else:
            out.append(src[i])
            i += 1
    return bytes(out)


def zle(src, n):
    out, i = bytearray(), 0
    while len(out) < n and i < len(src):
        c = src[i] + 1
        i += 1
        if c <= 64:
            out += src[i:i + c]
            i += c
        else:
            out += bytes(c - 64)
    return bytes(out)


def decompress(comp, data, n):
    if comp in (2, 0, 1) and len(data) >= n:
        return data[:n]
    if comp == 3:
        return lzjb(data, n)
    if comp == 4:
        return bytes(n)
    if 5 <= comp <= 13:
        return zlib.decompressobj().decompress(data)[:n]
    if comp == 14:
        return zle(data, n)
    raise ValueError("compression %d" % comp)


class BP:
    def __init__(self, raw):
        self.raw = raw
        self.w0, self.w1 = u64(raw, 0), u64(raw, 8)
        prop = u64(raw, 48)
        self.embedded = prop >> 39 & 1
        self.lsize = ((prop & 0xffff) + 1) << 9
        self.psize = ((prop >> 16 & 0xffff) + 1) << 9
        self.comp = prop >> 32 & 0x7f
        self.type = prop >> 48 & 0xff
        self.level = prop >> 56 & 0x1f
        self.pos = DATA_START + ((self.w1 & ~(1 << 63)) << 9)

    def hole(self):
        return not self.embedded and self.w0 == 0 and self.w1 == 0


class Pool:
    def __init__(self, path):
        self.f = open(path, "rb")
        self.size = os.path.getsize(path) & ~(LABEL - 1)
        self.labels = [0, LABEL, self.size - 2 * LABEL, self.size - LABEL]
        self.blocks = {}   # position -> (psize, metadata?)
        self.ubs = []      # positions of the newest uberblock's copies

    def read(self, off, n):
        self.f.seek(off)
        return self.f.read(n)

    def rootbp(self):
        best = None
        for lab in self.labels:
            ring = self.read(lab + (128 << 10), 128 << 10)
            for at in range(0, len(ring), 1024):
                if u64(ring, at) == UB_MAGIC:
                    txg = u64(ring, at + 16)
                    if best is None or txg > best[0]:
                        best = (txg, ring[at + 40:at + 168], [])
                    if txg == best[0]:
                        best[2].append(lab + (128 << 10) + at)
        self.ubs = best[2]
        return BP(best[1])

    def block(self, bp, meta):
        """The block's logical bytes; its place is recorded."""
        if bp.embedded:
            return None
        if bp.pos not in self.blocks or meta:
            self.blocks[bp.pos] = (bp.psize, meta)
        return decompress(bp.comp, self.read(bp.pos, bp.psize), bp.lsize)

    def walk_bp(self, bp, dtype, seen):
        if bp.hole() or bp.embedded or bp.pos in seen:
            return
        seen.add(bp.pos)
        meta = bp.level > 0 or dtype in ZAP_TYPES or dtype == 10
        if bp.level == 0 and dtype not in KEEP_TYPES:
            return
        data = self.block(bp, meta)
        if bp.level > 0:
            for o in range(0, len(data), 128):
                self.walk_bp(BP(data[o:o + 128]), dtype, seen)
        elif dtype == 10:
            for o in range(0, len(data), 512):
                self.walk_dnode(data[o:o + 512], seen)

    def walk_dnode(self, dn, seen):
        dtype, nblkptr, bonuslen = dn[0], dn[3], struct.unpack_from("<H", dn, 10)[0]
        if dtype == 0:
            return
        for i in range(nblkptr):
            self.walk_bp(BP(dn[64 + 128 * i:192 + 128 * i]), dtype, seen)
        bonus = dn[64 + 128 * nblkptr:]
        if dtype == 16 and bonuslen >= 256:   # a dataset: its object set
            self.walk_objset(BP(bonus[128:256]), seen)

    def walk_objset(self, bp, seen):
        if bp.hole() or bp.embedded or bp.pos in seen:
            return
        seen.add(bp.pos)
        data = self.block(bp, True)
        self.walk_dnode(data[:512], seen)

    def walk(self):
        self.walk_objset(self.rootbp(), set())


def nonzero_runs(data, base, gap=32):
    runs, start, last = [], None, None
    for i, c in enumerate(data):
        if c:
            if start is None:
                start = i
            elif i - last > gap:
                runs.append((base + start, data[start:last + 1]))
                start = i
            last = i
    if start is not None:
        runs.append((base + start, data[start:last + 1]))
    return runs


def main():
    pool = Pool(sys.argv[1])
    pool.walk()
    if sys.argv[2] == "regions":
        regions = ["%d:%d" % (p, s) for p, (s, meta) in sorted(pool.blocks.items()) if meta]
        regions += ["%d:%d" % (u, 1024) for u in pool.ubs]
        regions += ["%d:%d" % (lab + (16 << 10), 4096) for lab in pool.labels]
        print(" ".join(regions))
        return
    extents = []
    for lab in pool.labels:
        extents += nonzero_runs(pool.read(lab, LABEL), lab)
    for p, (s, _) in sorted(pool.blocks.items()):
        extents += nonzero_runs(pool.read(p, s), p)
    with open(sys.argv[3], "wb") as out:
        out.write(struct.pack("<Q", os.path.getsize(sys.argv[1])))
        for off, data in extents:
            out.write(struct.pack("<QI", off, len(data)) + data)


main()
