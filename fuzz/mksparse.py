#!/usr/bin/env python3
"""Encode an image as the fuzzers' sparse input (fuzz/sparse.h): the image
size, then one extent (offset, length, bytes) per run of non-zero 512-byte
sectors. For seeds of file systems larger than libFuzzer's max_len.

usage: mksparse.py IMAGE OUT"""
import struct
import sys

SECTOR = 512

data = open(sys.argv[1], "rb").read()
out = [struct.pack("<Q", len(data))]
run = None
for off in range(0, len(data), SECTOR):
    if data[off:off + SECTOR].strip(b"\0"):
        run = off if run is None else run
        continue
    if run is not None:
        out.append(struct.pack("<QI", run, off - run) + data[run:off])
        run = None
if run is not None:
    out.append(struct.pack("<QI", run, len(data) - run) + data[run:])
open(sys.argv[2], "wb").write(b"".join(out))
