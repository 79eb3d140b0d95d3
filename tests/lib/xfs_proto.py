#!/usr/bin/env python3
# Print a mkfs.xfs protofile (mkfs.xfs(8), "-p") describing directory DIR:
# regular files (contents taken from the file), directories, symlinks.
# Names are tokens in that syntax: no whitespace and no ':' allowed.
import os
import stat
import sys


def perm(st):
    return "%03o" % (st.st_mode & 0o777)


def walk(path, depth, out):
    for name in sorted(os.listdir(path)):
        if any(c.isspace() for c in name) or ":" in name:
            sys.exit("xfs_proto: name not expressible in a protofile: %r" % name)
        full = os.path.join(path, name)
        st = os.lstat(full)
        pad = "  " * depth
        if stat.S_ISLNK(st.st_mode):
            out.append("%s%s l--777 0 0 %s" % (pad, name, os.readlink(full)))
        elif stat.S_ISDIR(st.st_mode):
            out.append("%s%s d--%s 0 0" % (pad, name, perm(st)))
            walk(full, depth + 1, out)
            out.append("%s$" % pad)
        elif stat.S_ISREG(st.st_mode):
            out.append("%s%s ---%s 0 0 %s" % (pad, name, perm(st), os.path.abspath(full)))


def main():
    root = sys.argv[1]
    out = ["guestboot", "0 0", "d--755 0 0"]
    walk(root, 1, out)
    out.append("$")
    print("\n".join(out))


main()
