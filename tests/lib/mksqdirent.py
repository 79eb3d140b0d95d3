#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""A small uncompressed squashfs 4.0 image that boots (/boot/grub/grub.cfg,
/boot/vmlinuz, /boot/initrd.img) and whose root directory also holds an
empty file with a NAMELEN-byte name, listed before /boot. mksquashfs cannot
make names longer than the host's 255 bytes; squashfs allows 256, and the
reader must refuse longer ones (its name buffer holds 256) as corruption.
Usage: mksqdirent.py OUT NAMELEN"""
import struct
import sys

out, namelen = sys.argv[1], int(sys.argv[2])
BLOCK_LOG = 12
T_DIR, T_FILE = 1, 2


def md(data):  # uncompressed metadata blocks of at most 8 KiB
    res = b''
    for i in range(0, len(data), 8192):
        part = data[i:i + 8192]
        res += struct.pack('<H', 0x8000 | len(part)) + part
    return res


files = {
    'grub.cfg': b'set default=0\nset timeout=0\nmenuentry "sq" {\n'
                b'\tlinux /boot/vmlinuz root=/dev/xvda1\n\tinitrd /boot/initrd.img\n}\n',
    'vmlinuz': b'K' * 3000,
    'initrd.img': b'I' * 2000,
}

# Data: each file is one uncompressed block (all are under 4 KiB).
data = b''
blocks = {}
for name, body in files.items():
    blocks[name] = (96 + len(data), len(body))
    data += body
data_end = 96 + len(data)

# Inodes, all in the first metadata block: ref = offset in that block.
inodes = b''
ino_num = 0


def header(t, mode):
    global ino_num
    ino_num += 1
    return struct.pack('<HHHHII', t, mode, 0, 0, 0, ino_num), ino_num


def file_inode(name):
    start, size = blocks[name] if name in blocks else (0, 0)
    h, n = header(T_FILE, 0o644)
    body = struct.pack('<IIII', start, 0xffffffff, 0, size)
    if size:
        body += struct.pack('<I', size | (1 << 24))
    return h + body, n


listing = b''


def add_dir(entries):
    """entries: (name, type, ref, ino); returns the dir inode bytes, number."""
    global listing
    off = len(listing)
    # one header for all entries (inode block 0), inode numbers relative
    body = struct.pack('<III', len(entries) - 1, 0, 1)
    for name, t, ref, ino in entries:
        body += struct.pack('<HhHH', ref, ino - 1, t, len(name) - 1) + name
    listing += body
    h, n = header(T_DIR, 0o755)
    return h + struct.pack('<IIHHI', 0, 2, len(body) + 3, off, 1), n


def put(blob_num):
    global inodes
    blob, num = blob_num
    ref = len(inodes)
    inodes += blob
    return ref, num


grub_ents = []
boot_ents = []
for name in ('initrd.img', 'vmlinuz'):
    ref, n = put(file_inode(name))
    boot_ents.append((name.encode(), T_FILE, ref, n))
ref, n = put(file_inode('grub.cfg'))
grub_ents.append((b'grub.cfg', T_FILE, ref, n))
ref, n = put(add_dir(grub_ents))
boot_ents.append((b'grub', T_DIR, ref, n))
boot_ents.sort()
ref, n = put(add_dir(boot_ents))
root_ents = [(b'boot', T_DIR, ref, n)]
ref, n = put(file_inode('long'))
root_ents.insert(0, (b'A' * namelen, T_FILE, ref, n))
root_ref, _ = put(add_dir(root_ents))

itab = md(inodes)
dtab = md(listing)
inode_table = data_end
dir_table = inode_table + len(itab)
idblock_pos = dir_table + len(dtab)
idblock = md(struct.pack('<I', 0))
id_table = idblock_pos + len(idblock)
used = id_table + 8
ABSENT = 0xffffffffffffffff
sb = struct.pack('<IIIIIHHHHHHQQQQQQQQ', 0x73717368, ino_num, 0, 1 << BLOCK_LOG, 0,
                 1, BLOCK_LOG, 0x0010 | 0x0002 | 0x0008 | 0x0001, 1, 4, 0,
                 root_ref, used, id_table, ABSENT, inode_table, dir_table, ABSENT, ABSENT)
img = sb + data + itab + dtab + idblock + struct.pack('<Q', idblock_pos)
img += b'\0' * (-len(img) % 4096)
with open(out, 'wb') as f:
    f.write(img)
