#!/usr/bin/env python3
# Rewrite the newest LVM2 metadata text of a PV inside an image, keeping
# the checksums right (so that the reader sees exactly the damage asked
# for), from libyal's description of the format.
# Usage: lvmmeta.py IMAGE PV_OFFSET [--wrap] [--text FILE] [OLD NEW]...
#   OLD NEW: replace the first occurrence of OLD by NEW in the text
#   --text FILE: replace the whole text by FILE's content
#   --wrap: store the text across the end of the circular area
import struct
import sys
import zlib

def lvm_crc(b):
    return zlib.crc32(b, 0xf597a6cf ^ 0xffffffff) ^ 0xffffffff

def main():
    img, pv_off = sys.argv[1], int(sys.argv[2])
    args = sys.argv[3:]
    wrap = '--wrap' in args
    args = [a for a in args if a != '--wrap']
    text_file = None
    if args[:1] == ['--text']:
        text_file, args = args[1], args[2:]
    f = open(img, 'r+b')
    f.seek(pv_off)
    head = f.read(2048)
    for i in range(4):
        if head[i * 512:i * 512 + 8] == b'LABELONE':
            label = i * 512
            break
    else:
        sys.exit('no LVM label')
    hoff = label + struct.unpack_from('<I', head, label + 20)[0]
    p = hoff + 40
    while struct.unpack_from('<Q', head, p)[0]:
        p += 16
    p += 16
    mda_off, mda_size = struct.unpack_from('<QQ', head, p)
    f.seek(pv_off + mda_off)
    h = bytearray(f.read(512))
    off, size, _, flags = struct.unpack_from('<QQII', h, 40)
    f.seek(pv_off + mda_off + off)
    text = f.read(size)
    if text_file:
        text = open(text_file, 'rb').read()
    for old, new in zip(args[0::2], args[1::2]):
        if old.encode() not in text:
            sys.exit('not in the metadata: ' + old)
        text = text.replace(old.encode(), new.encode(), 1)
    if wrap:
        off = mda_size - len(text) // 2
        f.seek(pv_off + mda_off + off)
        f.write(text[:mda_size - off])
        f.seek(pv_off + mda_off + 512)
        f.write(text[mda_size - off:])
    else:
        f.seek(pv_off + mda_off + off)
        f.write(text)
    struct.pack_into('<QQII', h, 40, off, len(text), lvm_crc(text), flags)
    struct.pack_into('<I', h, 0, lvm_crc(bytes(h[4:])))
    f.seek(pv_off + mda_off)
    f.write(h)

main()
