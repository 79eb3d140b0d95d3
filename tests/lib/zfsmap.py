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
       zfsmap.py IMAGE damage KIND  damage IMAGE in place, with checksums
                                 that match: each changed block is written
                                 uncompressed in free space, and the block
                                 pointers up to the uberblocks are updated
                                 (fletcher4); KIND: zap-huge, levels,
                                 meta-blocksize, zap-pointer, chunk-loop,
                                 and two that are not damage: large-dnode,
                                 zstd (see Pool.damage)
       zfsmap.py IMAGE relabel [PHYS_PATH...]  call its file vdevs disks in
                                 the four labels (libfsimage reads disks
                                 only), with these phys_paths (one a mirror
                                 child); their checksums made anew
"""
import hashlib
import os
import struct
import subprocess
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

    def block(self, bp, meta, parent):
        """The block's logical bytes; its place and its parent's (the
        block holding its pointer, and where) are recorded."""
        if bp.pos not in self.blocks or meta:
            self.blocks[bp.pos] = (bp.psize, meta)
        data = decompress(bp.comp, self.read(bp.pos, bp.psize), bp.lsize)
        self.parent[bp.pos] = parent
        self.logical[bp.pos] = bytearray(data)
        return data

    def walk_bp(self, bp, dtype, seen, parent):
        if bp.hole() or bp.embedded or bp.pos in seen:
            return
        seen.add(bp.pos)
        meta = bp.level > 0 or dtype in ZAP_TYPES or dtype == 10
        if bp.level == 0 and dtype not in KEEP_TYPES:
            return
        data = self.block(bp, meta, parent)
        self.kinds[bp.pos] = (dtype, bp.level)
        if bp.level > 0:
            for o in range(0, len(data), 128):
                self.walk_bp(BP(data[o:o + 128]), dtype, seen, (bp.pos, o))
        elif dtype == 10:
            for o in range(0, len(data), 512):
                self.walk_dnode(data[o:o + 512], seen, (bp.pos, o))

    def walk_dnode(self, dn, seen, at):
        dtype, nblkptr, bonuslen = dn[0], dn[3], struct.unpack_from("<H", dn, 10)[0]
        if dtype == 0:
            return
        self.dnodes.append((at, dn))
        for i in range(nblkptr):
            self.walk_bp(BP(dn[64 + 128 * i:192 + 128 * i]), dtype, seen, (at[0], at[1] + 64 + 128 * i))
        bonus = dn[64 + 128 * nblkptr:]
        if dtype == 16 and bonuslen >= 256:   # a dataset: its object set
            self.walk_objset(BP(bonus[128:256]), seen, (at[0], at[1] + 64 + 128 * nblkptr + 128))

    def walk_objset(self, bp, seen, parent):
        if bp.hole() or bp.embedded or bp.pos in seen:
            return
        seen.add(bp.pos)
        data = self.block(bp, True, parent)
        self.objsets.append(bp.pos)
        self.walk_dnode(data[:512], seen, (bp.pos, 0))

    def walk(self):
        self.parent, self.logical, self.dnodes, self.objsets = {}, {}, [], []
        self.kinds, self.packed = {}, {}   # pos -> (type, level); pos -> (bytes, comp)
        self.walk_objset(self.rootbp(), set(), None)

    # ---- damage with checksums that match

    def store(self, f, pos):
        """Write block pos's logical bytes uncompressed at the next free
        place, point its parent at the copy (fletcher4), and so on up to
        the uberblocks. A block in self.packed is written as those
        bytes (its compressed form) instead."""
        data, comp = bytes(self.logical[pos]), 2
        if pos in self.packed:
            data, comp = self.packed[pos]
            data += bytes(-len(data) % 512)
        new = self.free
        self.free += (len(data) + 511) & ~511
        assert self.free <= self.size - 2 * LABEL
        f.seek(new)
        f.write(data)
        parent = self.parent[pos]
        if parent is None:
            raw = bytearray(self.rootbp().raw)
        else:
            raw = self.logical[parent[0]][parent[1]:parent[1] + 128]
        w0 = u64(raw, 0) & ~0xffffff | (len(data) >> 9)
        prop = u64(raw, 48) & ~(0xffff << 16) & ~(0x7f << 32) & ~(0xff << 40)
        prop |= ((len(data) >> 9) - 1) << 16 | comp << 32 | 7 << 40   # psize, comp, fletcher4
        raw[:48] = struct.pack("<QQ", w0, (new - DATA_START) >> 9) + bytes(32)   # one copy
        struct.pack_into("<Q", raw, 48, prop)
        struct.pack_into("<4Q", raw, 96, *fletcher4(data))
        if parent is None:
            for u in self.ubs:
                f.seek(u + 40)
                f.write(raw)
        else:
            self.logical[parent[0]][parent[1]:parent[1] + 128] = raw
            self.store(f, parent[0])

    def damage(self, kind):
        self.free = DATA_START + (max(self.blocks) - DATA_START) // (1 << 20) * (1 << 20) + (4 << 20)
        fat = [(at, dn) for at, dn in self.dnodes if dn[0] == 20 and u64(dn, 16) >= 1]
        fat_at = fat[0][0]
        fat_bp = BP(fat[0][1][64:192])
        changed = []
        if kind in ("zap-huge", "levels"):
            # the fat directory's dnode: 2^40 blocks, or 8 levels of
            # 128 KiB indirect blocks (shifts of 70 bits)
            blk = self.logical[fat_at[0]]
            if kind == "zap-huge":
                struct.pack_into("<Q", blk, fat_at[1] + 16, 1 << 40)
            else:
                blk[fat_at[1] + 1:fat_at[1] + 3] = bytes([17, 8])
            changed.append(fat_at[0])
        elif kind == "meta-blocksize":
            # every file system's meta-dnode: blocks of 32 KiB
            for os_pos in self.objsets[1:]:
                struct.pack_into("<H", self.logical[os_pos], 8, 64)
                changed.append(os_pos)
        elif kind in ("zap-pointer", "chunk-loop"):
            # the fat directory's blocks, through its indirect block
            ind = self.logical[fat_bp.pos] if fat_bp.level else None
            ptrs = [BP(ind[o:o + 128]) for o in range(0, len(ind), 128)] if ind else [fat_bp]
            for bp in ptrs:
                if bp.hole():
                    continue
                blk = self.logical[bp.pos]
                if kind == "zap-pointer" and u64(blk, 0) == (1 << 63) + 1:
                    half = len(blk) // 2
                    blk[half:] = struct.pack("<Q", 1 << 40) * (half // 8)
                    changed.append(bp.pos)
                if kind == "chunk-loop" and u64(blk, 0) == 1 << 63:
                    nhash = len(blk) // 32
                    base = 48 + 2 * nhash
                    for c in range((len(blk) - base) // 24):
                        if blk[base + 24 * c] == 251:   # array chunk: next is itself
                            struct.pack_into("<H", blk, base + 24 * c + 22, c)
                    changed.append(bp.pos)
        elif kind == "zstd":
            # not damage: every file's data blocks compressed with zstd as
            # OpenZFS writes them: the frame's length and a version/level
            # word (big-endian), then the frame without its magic number
            for pos, (dtype, level) in self.kinds.items():
                if dtype != 19 or level != 0:
                    continue
                frame = subprocess.run(["zstd", "-q", "-c", "--no-check", "-3"], input=bytes(self.logical[pos]),
                                       stdout=subprocess.PIPE, check=True).stdout
                assert frame[:4] == bytes.fromhex("28b52ffd")
                frame = frame[4:]
                packed = struct.pack(">II", len(frame), 10507 << 8 | 3) + frame
                if len(packed) > len(self.logical[pos]):
                    continue
                self.packed[pos] = (packed, 16)
                changed.append(pos)
            print(len(changed))
        elif kind == "large-dnode":
            # not damage: every plain file whose next slot is free becomes
            # a two-slot dnode (large_dnode) with four block pointers (the
            # first as it was, three holes), so its bonus buffer (the
            # znode) lies in the second slot, at 576
            n = 0
            for at, dn in self.dnodes:
                blk = self.logical.get(at[0])
                off = at[1]
                if dn[0] != 19 or dn[3] != 1 or blk is None or len(blk) != 16384 or \
                        off % 16384 + 1024 > 16384 or blk[off + 512] != 0:
                    continue
                bonuslen = struct.unpack_from("<H", dn, 10)[0]
                new = bytearray(1024)
                new[:64] = dn[:64]
                new[3] = 4
                new[12] = 1
                new[64:192] = dn[64:192]
                new[576:576 + bonuslen] = dn[192:192 + bonuslen]
                blk[off:off + 1024] = new
                changed.append(at[0])
                n += 1
            print(n)
        else:
            sys.exit("unknown damage " + kind)
        with open(self.f.name, "r+b") as f:
            for pos in dict.fromkeys(changed):
                self.store(f, pos)


def fletcher4(data):
    a = b = c = d = 0
    for (w,) in struct.iter_unpack("<I", data):
        a = (a + w) & 0xffffffffffffffff
        b = (b + a) & 0xffffffffffffffff
        c = (c + b) & 0xffffffffffffffff
        d = (d + c) & 0xffffffffffffffff
    return a, b, c, d


def nv_decode(b, at):
    """The XDR nvlist at b[at:] (from its version word) as (head, pairs),
    pairs [name, type, count, decoded size, value]; and where it ends."""
    head, at = b[at:at + 8], at + 8
    pairs = []
    while True:
        esize, dsize = struct.unpack_from(">II", b, at)
        if esize == 0:
            return (head, pairs), at + 8
        klen = struct.unpack_from(">I", b, at + 8)[0]
        kpad = (klen + 3) & ~3
        name = bytes(b[at + 12:at + 12 + klen])
        typ, count = struct.unpack_from(">II", b, at + 12 + kpad)
        start = at + 20 + kpad
        if typ == 19:
            val = nv_decode(b, start)[0]
        elif typ == 20:
            val, p = [], start
            for _ in range(count):
                v, p = nv_decode(b, p)
                val.append(v)
        else:
            val = bytes(b[start:at + esize])
        pairs.append([name, typ, count, dsize, val])
        at += esize


def nv_encode(nv):
    head, pairs = nv
    out = bytearray(head)
    for name, typ, count, dsize, val in pairs:
        if typ == 19:
            val = nv_encode(val)
        elif typ == 20:
            val = b"".join(nv_encode(x) for x in val)
        body = struct.pack(">I", len(name)) + name + bytes(-len(name) % 4) + struct.pack(">II", typ, count) + val
        out += struct.pack(">II", 8 + len(body), dsize) + body
    return bytes(out + bytes(8))


def nv_set_str(nv, name, value):
    v = value.encode()
    v = struct.pack(">I", len(v)) + v + bytes(-len(v) % 4)
    for pair in nv[1]:
        if pair[0] == name:
            pair[4] = v
            return
    nv[1].append([name, 9, 1, 32 + len(v), v])


def nv_get(nv, name):
    return next(p[4] for p in nv[1] if p[0] == name)


def relabel(path, phys):
    size = os.path.getsize(path) & ~(LABEL - 1)
    with open(path, "r+b") as f:
        for lab in (0, LABEL, size - 2 * LABEL, size - LABEL):
            f.seek(lab + (16 << 10))
            area = f.read(112 << 10)
            nv = nv_decode(area, 4)[0]
            tree = nv_get(nv, b"vdev_tree")
            disks = [tree] if nv_get(tree, b"type")[4:8] == b"file" else nv_get(tree, b"children")
            for i, d in enumerate(disks):
                nv_set_str(d, b"type", "disk")
                if i < len(phys):
                    nv_set_str(d, b"phys_path", phys[i])
            new = area[:4] + nv_encode(nv)
            f.seek(lab + (16 << 10))
            f.write(label_checksummed(new + bytes(len(area) - len(new)), lab + (16 << 10)))


def label_checksummed(area, offset):
    """AREA (a label's 112 KiB nvlist block at OFFSET of the vdev) with its
    embedded checksum (zio_eck_t, its last 40 bytes) made right: SHA-256 of
    the block with the checksum words set to (OFFSET, 0, 0, 0), each 8
    bytes of the digest a big-endian number, as ZFS and GRUB verify it."""
    area = bytearray(area)
    eck = len(area) - 40
    struct.pack_into("<Q4Q", area, eck, 0x0210da7ab10c7a11, offset, 0, 0, 0)
    digest = hashlib.sha256(area).digest()
    struct.pack_into("<4Q", area, eck + 8, *struct.unpack(">4Q", digest))
    return bytes(area)


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
    if sys.argv[2] == "relabel":
        relabel(sys.argv[1], sys.argv[3:])
        return
    pool = Pool(sys.argv[1])
    pool.walk()
    if sys.argv[2] == "damage":
        pool.damage(sys.argv[3])
        return
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
