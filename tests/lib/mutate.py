#!/usr/bin/env python3
"""Mutation test: flip random bytes in the metadata regions of a disk image
(or truncate it), run guestboot on each mutant, and check that it never
crashes or hangs: every failure must be a clean, one-line error with a
documented exit status, and extract must leave no partial files.

usage: mutate.py NAME IMAGE COUNT SEED REGION... (REGION = start:length)
Prints one PASS/FAIL line for the image; the first bad mutant is kept.
MUTATE_ALSO="ls:/boot cat:/x ..." adds commands run on every mutant.
Mutants are written sparse (pools and large images stay small on disk)."""
import os
import random
import shutil
import subprocess
import sys
import tempfile

GOOD_EXITS = {0, 2, 3, 4, 5, 6, 7, 8, 9, 10}


def run(cmd, cwd):
    try:
        p = subprocess.run(cmd, cwd=cwd, capture_output=True, timeout=30)
    except subprocess.TimeoutExpired:
        return None, b"", b"hang: no exit within 30 s"
    return p.returncode, p.stdout, p.stderr


def check(guestboot, path, work):
    """None when guestboot behaved, else a reason."""
    out = os.path.join(work, "out")
    shutil.rmtree(out, ignore_errors=True)
    os.mkdir(out)
    for cmd in ([[guestboot, "--timeout=10", "inspect", "--json", path],
                [guestboot, "--timeout=10", "list", "--json", path],
                [guestboot, "--timeout=10", "extract", "-o", out, path],
                [guestboot, "--timeout=10", "cat", path, "/boot/vmlinuz"]] +
               [[guestboot, "--timeout=10", c.split(":", 1)[0], path, c.split(":", 1)[1]]
                for c in os.environ.get("MUTATE_ALSO", "").split()]):
        rc, _, err = run(cmd, work)
        lines = err.decode(errors="replace").splitlines()
        if rc is None:
            return "%s: hang" % cmd[2]
        if rc not in GOOD_EXITS:
            return "%s: exit %d: %s" % (cmd[2], rc, " | ".join(lines[:3]))
        if rc != 0 and len(lines) != 1:
            return "%s: exit %d with %d lines on stderr: %s" % (cmd[2], rc, len(lines), " | ".join(lines[:3]))
        if b"Sanitizer" in err or b"runtime error" in err:
            return "%s: sanitizer report" % cmd[2]
        if cmd[2] == "extract" and rc != 0 and os.listdir(out):
            return "extract: exit %d but left %s" % (rc, os.listdir(out))
    return None


def write_sparse(path, data, chunk=65536):
    zero = bytes(chunk)
    with open(path, "wb") as f:
        for at in range(0, len(data), chunk):
            piece = data[at:at + chunk]
            if piece == zero[:len(piece)]:
                f.seek(len(piece), os.SEEK_CUR)
            else:
                f.write(piece)
        f.truncate(len(data))


def main():
    name, image, count, seed = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    regions = [tuple(int(x) for x in r.split(":")) for r in sys.argv[5:]]
    guestboot = os.environ["GUESTBOOT"]
    rnd = random.Random(seed)
    base = open(image, "rb").read()
    work = tempfile.mkdtemp(prefix="mutate.", dir=".")
    path = os.path.join(work, "m.img")
    for i in range(count):
        data = bytearray(base)
        what = []
        if rnd.random() < 0.1:
            cut = rnd.randrange(len(data))
            del data[cut:]
            what.append("truncate@%d" % cut)
        else:
            for _ in range(rnd.randint(1, 8)):
                start, length = rnd.choice(regions)
                off = start + rnd.randrange(length)
                val = rnd.choice([0, 0xff, 0x80, 0x7f, rnd.randrange(256)])
                data[off] = val
                what.append("%d=%02x" % (off, val))
        write_sparse(path, data)
        bad = check(guestboot, "m.img", work)
        if bad:
            keep = "%s.bad%d.img" % (name.replace("/", "_"), i)
            shutil.copy(path, keep)
            print("FAIL mutate/%s" % name)
            print("  mutant %d (%s): %s; kept as %s" % (i, " ".join(what), bad, os.path.abspath(keep)),
                  file=sys.stderr)
            return
    shutil.rmtree(work, ignore_errors=True)
    print("PASS mutate/%s (%d mutants)" % (name, count))


main()
