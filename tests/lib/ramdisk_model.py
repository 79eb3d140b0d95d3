#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
# The ramdisk a bootloader hands the kernel, modelled from the bootloaders'
# sources (not from guestboot's code), for the tests to compare with:
#
#   ramdisk_model.py grub [--nul] OUT PART...
#       GRUB's initrd command (grub-core/loader/linux.c): PART is FILE or
#       newc:NAME:FILE. --nul: GRUB 2.12 and later (name sizes count the NUL).
#   ramdisk_model.py stub OUT PART...
#       systemd-stub (src/boot/stub.c, cpio.c, initrd.c): PART is FILE (an
#       initrd as it is) or cpio:DIR:FILE[:FILE...] (one archive of the
#       files, named DIR/BASENAME, as pack_cpio makes it).
import os
import sys


def align4(n):
    return (n + 3) & ~3


def field(v):
    assert 0 <= v < 1 << 32
    return b'%08x' % v


# ---- GRUB --------------------------------------------------------------
def grub_header(name, mode, size, nul):
    # make_header: ino 0, uid 0, gid 0, nlink 1, mtime 0, devices 0, check 0;
    # the name padded to 4 bytes counted from the header's start
    n = name + (b'\0' if nul else b'')
    h = b'070701' + field(0) + field(mode) + field(0) + field(0) + field(1) + field(0) + \
        field(size) + field(0) * 4 + field(len(n)) + field(0) + n
    return h + b'\0' * (align4(len(h)) - len(h))


class Dir:
    def __init__(self, name, nxt):
        self.name, self.next = name, nxt


def grub_insert_dir(name, state, nul):
    # insert_dir as GRUB 2.06 and 2.12 have it: the list is searched for a
    # node of the same length whose name DIFFERS (memcmp's result is taken
    # as "equal"); the search goes on after the node found; new nodes go to
    # the head of the whole list. state = [head]
    out = b''
    ce = 0
    where = ('head', None)           # the list searched: from head, or after a node
    while True:
        cb = ce
        while cb < len(name) and name[cb:cb + 1] == b'/':
            cb += 1
        ce = cb
        while ce < len(name) and name[ce:ce + 1] != b'/':
            ce += 1
        if ce == len(name):
            return out
        comp = name[cb:ce]
        cur = state[0] if where[0] == 'head' else where[1].next
        while cur is not None:
            if len(cur.name) == len(comp) and cur.name != comp:
                break
            cur = cur.next
        if cur is None:
            cur = Dir(comp, state[0])
            state[0] = cur
            out += grub_header(name[:ce], 0o40777, 0, nul)
        where = ('after', cur)


def grub(out, parts, nul):
    data = b''
    state = [None]
    newc = False
    cursize = 0
    for p in parts:
        data += b'\0' * (align4(cursize) - cursize)
        if p.startswith('newc:') and ':' in p[5:].lstrip('/'):
            rest = p[5:].lstrip('/')
            name, path = rest.split(':', 1)
            body = open(path, 'rb').read()
            data += grub_insert_dir(name.encode(), state, nul)
            data += grub_header(name.encode(), 0o100777, len(body), nul)
            newc = True
        else:
            body = open(p, 'rb').read()
            if newc:
                data += grub_header(b'TRAILER!!!', 0, 0, nul)
                state = [None]
                newc = False
        data += body
        cursize = len(body)
    if newc:
        data += b'\0' * (align4(cursize) - cursize)
        data += grub_header(b'TRAILER!!!', 0, 0, nul)
    open(out, 'wb').write(data)


# ---- systemd-stub ------------------------------------------------------
def stub_header(ino, mode, size, name):
    return b'070701' + field(ino) + field(mode) + field(0) + field(0) + field(1) + field(0) + \
        field(size) + field(0) * 4 + field(len(name) + 1) + field(0) + name + b'\0'


def stub_archive(target, files):
    # pack_cpio: pack_cpio_prefix (every parent 0555, the directory itself
    # 0500 for credentials, else 0555), the files (0400 / 0444) with inodes
    # counted from 1, padding to 4 from the archive's start after each
    # name and each file, and cpio.c's fixed trailer record
    private = target in ('.extra/credentials', '.extra/global_credentials')
    buf = b''
    ino = 1

    def pad(b):
        return b + b'\0' * (align4(len(b)) - len(b))
    comps = target.split('/')
    for i in range(1, len(comps) + 1):
        if not comps[i - 1]:
            continue
        mode = 0o40000 | (0o500 if private and i == len(comps) else 0o555)
        buf = pad(buf + stub_header(ino, mode, 0, '/'.join(comps[:i]).encode()))
        ino += 1
    for f in files:
        body = open(f, 'rb').read()
        name = (target + '/' + os.path.basename(f)).encode()
        buf = pad(buf + stub_header(ino, 0o100000 | (0o400 if private else 0o444), len(body), name))
        buf = pad(buf + body)
        ino += 1
    trailer = b'070701' + b'00000000' * 4 + b'00000001' + b'00000000' * 6 + b'0000000B' + \
        b'00000000' + b'TRAILER!!!\0\0\0\0'
    assert len(trailer) == 124
    return buf + trailer


def stub(out, parts):
    blobs = []
    for p in parts:
        if p.startswith('cpio:'):
            _, target, *files = p.split(':')
            blobs.append(stub_archive(target, files))
        else:
            blobs.append(open(p, 'rb').read())
    # combine_initrds: more than one, each padded to 4 bytes; one as it is
    if len(blobs) > 1:
        blobs = [b + b'\0' * (align4(len(b)) - len(b)) for b in blobs]
    open(out, 'wb').write(b''.join(blobs))


def main():
    args = sys.argv[1:]
    kind = args.pop(0)
    nul = False
    if args and args[0] == '--nul':
        nul = True
        args.pop(0)
    out, parts = args[0], args[1:]
    if kind == 'grub':
        grub(out, parts, nul)
    elif kind == 'stub':
        stub(out, parts)
    else:
        sys.exit('usage: ramdisk_model.py grub|stub ...')


main()
