#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
# Build a PE file laid out as a Unified Kernel Image (or a UKI add-on), with
# the sections given in order (UKI profiles depend on the order):
#
#   mkuki.py OUT NAME=VALUE ...
#   mkuki.py --fdt OUT MODEL: a minimal flattened devicetree blob (a root
#       node with a "model" property), for .dtb sections and devicetree keys
#
# NAME is a section name (".linux", ".osrel", ".profile", ...); VALUE is
# @FILE for a file's bytes, else text in which \n stands for a newline.
# Not a bootable EFI program: the stand-in for systemd's stub has no code,
# which is all guestboot (and a non-EFI target) needs from a UKI.
# Each section's VirtualSize is its length and SizeOfRawData that rounded
# up to the 512-byte FileAlignment, as real UKIs have them.
import struct
import sys


def fdt(out, model):
    # version 17 layout: header, empty memory reservation map, structure
    # block (FDT_BEGIN_NODE "", FDT_PROP model, FDT_END_NODE, FDT_END),
    # strings block
    def pad4(b):
        return b + b'\0' * (-len(b) % 4)
    value = model.encode() + b'\0'
    struct_ = struct.pack('>I', 1) + pad4(b'\0') + \
        struct.pack('>III', 3, len(value), 0) + pad4(value) + struct.pack('>II', 2, 9)
    strings = b'model\0'
    rsv = b'\0' * 16
    off_rsv = 40
    off_struct = off_rsv + len(rsv)
    off_strings = off_struct + len(struct_)
    total = off_strings + len(strings)
    hdr = struct.pack('>10I', 0xd00dfeed, total, off_struct, off_strings, off_rsv, 17, 16, 0,
                      len(strings), len(struct_))
    open(out, 'wb').write(hdr + rsv + struct_ + strings)


def main():
    if sys.argv[1] == '--fdt':
        fdt(sys.argv[2], sys.argv[3])
        return
    out, specs = sys.argv[1], sys.argv[2:]
    secs = []
    for spec in specs:
        name, _, value = spec.partition('=')
        if value.startswith('@'):
            data = open(value[1:], 'rb').read()
        else:
            data = value.replace('\\n', '\n').encode()
        secs.append((name.encode(), data))
    hdr = bytearray(0x80)
    hdr[0:2] = b'MZ'
    struct.pack_into('<I', hdr, 0x3c, 0x80)
    opt = bytearray(0xf0)                    # PE32+ optional header
    struct.pack_into('<HI', opt, 0, 0x20b, 0)
    struct.pack_into('<II', opt, 32, 4096, 512)   # SectionAlignment, FileAlignment
    coff = b'PE\0\0' + struct.pack('<HHIIIHH', 0x8664, len(secs), 0, 0, 0, len(opt), 0x22)
    table_end = len(hdr) + len(coff) + len(opt) + 40 * len(secs)
    data_off = (table_end + 511) & ~511
    table, blob, vaddr = b'', b'', 0x1000
    for name, data in secs:
        off = data_off + len(blob)
        raw = (len(data) + 511) & ~511
        table += name.ljust(8, b'\0') + struct.pack('<IIIIIIHHI', len(data), vaddr, raw, off,
                                                   0, 0, 0, 0, 0x40000040)
        blob += data + b'\0' * (raw - len(data))
        vaddr += (len(data) + 4095) & ~4095 or 4096
    img = bytes(hdr) + coff + bytes(opt) + table
    open(out, 'wb').write(img + b'\0' * (data_off - len(img)) + blob)


main()
