#!/usr/bin/env python3
"""Locate btrfs structures in a single-device image, for corruption tests:
where tree blocks and file extents physically are (first stripe, as
guestboot reads them). Test tooling only; trusts its input.

usage: btrfsmap.py IMAGE regions           superblock + every live tree block
       btrfsmap.py IMAGE root chunk|root|fs physical offset of that tree's root
       btrfsmap.py IMAGE extent INO COMP    physical offset of INO's first
                                            regular extent compressed with COMP
                                            (1 zlib, 2 lzo, 3 zstd) in tree 5"""
import struct
import sys

SB = 0x10000
HDR = 0x65
CHUNK_ITEM, ROOT_ITEM, EXTENT_DATA = 228, 132, 108


def u64(b, o):
    return struct.unpack_from("<Q", b, o)[0]


def u32(b, o):
    return struct.unpack_from("<I", b, o)[0]


def key(b, o):
    return (u64(b, o), b[o + 8], u64(b, o + 9))


class Fs:
    def __init__(self, path):
        self.f = open(path, "rb")
        sb = self.raw(SB, 4096)
        self.sb = sb
        self.nodesize = u32(sb, 0x94)
        self.chunks = []
        arr, pos, size = sb[0x32b:], 0, u32(sb, 0xa0)
        while pos < size:
            k = key(arr, pos)
            pos += 17
            pos += self.add_chunk(k[2], arr, pos)
        for k, data in self.items(u64(sb, 0x58)):
            if k[1] == CHUNK_ITEM:
                self.add_chunk(k[2], data, 0)

    def raw(self, off, n):
        self.f.seek(off)
        return self.f.read(n)

    def add_chunk(self, logical, b, o):
        length, nstripes = u64(b, o), struct.unpack_from("<H", b, o + 44)[0]
        self.chunks.append((logical, length, u64(b, o + 48 + 8)))
        return 48 + 32 * nstripes

    def phys(self, logical):
        for start, length, phys in self.chunks:
            if start <= logical < start + length:
                return phys + logical - start
        raise SystemExit("logical %d in no chunk" % logical)

    def block(self, logical):
        return self.raw(self.phys(logical), self.nodesize)

    def blocks(self, logical):
        """Logical addresses of every block of the tree rooted there."""
        out, todo = [], [logical]
        while todo:
            at = todo.pop()
            out.append(at)
            b = self.block(at)
            if b[0x64]:
                todo += [u64(b, HDR + i * 33 + 17) for i in range(u32(b, 0x60))]
        return out

    def items(self, logical):
        for at in self.blocks(logical):
            b = self.block(at)
            if b[0x64] == 0:
                for i in range(u32(b, 0x60)):
                    o = HDR + i * 25
                    off, size = u32(b, o + 17), u32(b, o + 21)
                    yield key(b, o), b[HDR + off:HDR + off + size]

    def tree_root(self, tid):
        for k, data in self.items(u64(self.sb, 0x50)):
            if k[0] == tid and k[1] == ROOT_ITEM:
                return u64(data, 176)
        raise SystemExit("no tree %d" % tid)


def main():
    fs = Fs(sys.argv[1])
    cmd = sys.argv[2]
    if cmd == "regions":
        roots = [u64(fs.sb, 0x58), u64(fs.sb, 0x50)]
        roots += [u64(d, 176) for k, d in fs.items(u64(fs.sb, 0x50)) if k[1] == ROOT_ITEM]
        seen = set()
        print("%d:4096" % SB)
        for r in roots:
            for at in fs.blocks(r):
                if at not in seen:
                    seen.add(at)
                    print("%d:%d" % (fs.phys(at), fs.nodesize))
    elif cmd == "root":
        which = sys.argv[3]
        at = {"chunk": lambda: u64(fs.sb, 0x58), "root": lambda: u64(fs.sb, 0x50),
              "fs": lambda: fs.tree_root(5)}[which]()
        print(fs.phys(at))
    elif cmd == "extent":
        ino, comp = int(sys.argv[3]), int(sys.argv[4])
        for k, d in fs.items(fs.tree_root(5)):
            if k[0] == ino and k[1] == EXTENT_DATA and d[20] == 1 and d[16] == comp:
                print(fs.phys(u64(d, 21)))
                return
        raise SystemExit("no such extent")


if __name__ == "__main__":
    main()
