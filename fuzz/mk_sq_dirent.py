#!/usr/bin/env python3
"""A squashfs image whose first directory entry says its name is LEN bytes
(squashfs allows 256): a regression input for the directory walker, which
once copied the name into a 257-byte stack buffer. The image is made by
mksquashfs without any compression (so the listing lies as is in the
file), from a directory of 200 long names: its listing is larger than LEN,
so a reader that trusts name_size reads all LEN bytes.

usage: mk_sq_dirent.py OUT [LEN]"""
import os
import struct
import subprocess
import sys
import tempfile

out = sys.argv[1]
length = int(sys.argv[2]) if len(sys.argv) > 2 else 4000
with tempfile.TemporaryDirectory() as tmp:
    big = os.path.join(tmp, "root", "big")
    os.makedirs(big)
    for i in range(200):
        open(os.path.join(big, "a_long_file_name_to_fill_the_listing_%03d" % i), "w").close()
    img = os.path.join(tmp, "sq.img")
    subprocess.run(["mksquashfs", os.path.join(tmp, "root"), img, "-noappend", "-quiet",
                    "-no-progress", "-noI", "-noD", "-noF", "-noX", "-no-xattrs"],
                   check=True, stdout=subprocess.DEVNULL)
    data = bytearray(open(img, "rb").read())
assert data[:4] == b"hsqs"
dir_table = struct.unpack_from("<Q", data, 72)[0]
md_header = struct.unpack_from("<H", data, dir_table)[0]
assert md_header & 0x8000, "directory table is compressed"
# the first listing (the leaf directory "big"): a 12-byte header, then an
# entry whose u16 at +6 is name_size (length - 1)
entry = dir_table + 2 + 12
old = struct.unpack_from("<H", data, entry + 6)[0] + 1
name = bytes(data[entry + 8:entry + 8 + old])
assert name.startswith(b"a_long_file_name"), name
struct.pack_into("<H", data, entry + 6, length - 1)
open(out, "wb").write(data)
