#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
# Build synthetic kernel images for tests/integration/inspect_kernels.sh:
#   mkkernel.py payload-of BZIMAGE OUT       the payload an x86 bzImage carries
#   mkkernel.py bzimage PAYLOAD VERSION OUT  a minimal bzImage around a payload
#   mkkernel.py uki LINUX UNAME OUT          a PE with .linux/.uname/.initrd/.cmdline
#   mkkernel.py arm64 VERSION OUT [PAGE_KB [pe] [be] [SIZE]]
#                                            an arm64 Image (booting.rst's header:
#                                            code0/code1, text_offset, image_size,
#                                            flags with the page size (0/4/16/64),
#                                            endianness, "ARM\x64"), with an EFI
#                                            stub's PE header when "pe", then
#                                            SIZE bytes of pseudo-random text and
#                                            the banner
#   mkkernel.py zboot PAYLOAD COMP OUT [MACHINE]
#                                            an EFI zboot image (zboot-header.S)
#                                            around an already compressed
#                                            payload; COMP is the name written at
#                                            0x18 ("gzip", "zstd22", ...); a
#                                            non-gzip payload gets the le32 size
#                                            trailer that the header's size leaves
#                                            out, as the kernel's build appends it
#   mkkernel.py multiboot 1|2 BANNER OUT     a multiboot(2) header + banner
#   mkkernel.py elf-note NAME OSABI OUT      an ELF64 with one PT_NOTE (NAME)
#   mkkernel.py xen-pv GUEST_OS SIZE OUT     an ELF64 whose PT_NOTE and .note.Xen
#                                            section carry Xen's notes (GUEST_OS,
#                                            XEN_VERSION, LOADER, ENTRY,
#                                            HYPERCALL_PAGE), padded to SIZE bytes
#                                            of pseudo-random text (a stand-in
#                                            for illumos's i86xpv unix)
import struct
import sys


def payload_of(src, out):
    d = open(src, 'rb').read()
    setup = ((d[0x1f1] or 4) + 1) * 512
    off, ln = struct.unpack_from('<II', d, 0x248)
    open(out, 'wb').write(d[setup + off:setup + off + ln])


def bzimage(payload, version, out):
    p = open(payload, 'rb').read()
    setup = bytearray(2 * 512)            # setup_sects = 1
    setup[0x1f1] = 1
    setup[0x1fe:0x200] = b'\x55\xaa'
    setup[0x202:0x206] = b'HdrS'
    struct.pack_into('<H', setup, 0x206, 0x020f)
    struct.pack_into('<H', setup, 0x20e, 0x300 - 0x200)
    v = version.encode() + b' (test@example) #1 SMP\0'
    setup[0x300:0x300 + len(v)] = v
    struct.pack_into('<II', setup, 0x248, 0, len(p))
    open(out, 'wb').write(bytes(setup) + p)


def uki(linux, uname, out):
    secs = [(b'.linux', open(linux, 'rb').read()), (b'.uname', uname.encode()),
            (b'.initrd', b'07070100'), (b'.cmdline', b'root=/dev/vda1')]
    hdr = bytearray(0x40)
    hdr[0:2] = b'MZ'
    struct.pack_into('<I', hdr, 0x3c, 0x40)
    coff = b'PE\0\0' + struct.pack('<HHIIIHH', 0x8664, len(secs), 0, 0, 0, 0, 0x22)
    table_end = 0x40 + len(coff) + 40 * len(secs)
    data_off = (table_end + 511) & ~511
    table, blob = b'', b''
    for name, data in secs:
        off = data_off + len(blob)
        table += name.ljust(8, b'\0') + struct.pack('<IIIIIIHHI', len(data), 0, len(data), off,
                                                   0, 0, 0, 0, 0x40000040)
        blob += data + b'\0' * ((-len(data)) % 512)
    img = bytes(hdr) + coff + table
    open(out, 'wb').write(img + b'\0' * (data_off - len(img)) + blob)


def filler(size, seed=12345):
    body, x = bytearray(), seed
    while len(body) < size:
        x = (x * 1103515245 + 12345) % 2147483648
        body += b'%08x' % x
    return bytes(body[:size])


def pe_header(machine, nsec=0):
    # a PE32+ header with an optional header and no sections: what an EFI
    # stub puts at the offset in 0x3c
    opt = struct.pack('<HBB', 0x20b, 0, 0) + bytes(0xf0 - 4)
    return b'PE\0\0' + struct.pack('<HHIIIHH', machine, nsec, 0, 0, 0, len(opt), 0x206) + opt


def arm64(version, out, page_kb='0', *opts):
    size = int(opts[-1]) if opts and opts[-1].isdigit() else 0
    pe, be = 'pe' in opts, 'be' in opts
    banner = b'Linux version ' + version.encode() + b' (test@example) #1 SMP PREEMPT\n\0'
    h = bytearray(64)
    # code0: "MZ" as an instruction (add x13, x18, #0x16) when there is a PE
    # header, then a branch; without one, the branch first
    struct.pack_into('<II', h, 0, 0x91005a4d if pe else 0x14000010, 0x14000010 if pe else 0)
    pages = {'0': 0, '4': 1, '16': 2, '64': 3}[page_kb]
    body = (pe_header(0xaa64) if pe else b'') + filler(size) + banner
    image_size = (64 + len(body) + 0xffff) & ~0xffff
    struct.pack_into('<QQQ', h, 8, 0, image_size, (1 if be else 0) | pages << 1 | 1 << 3)
    h[0x38:0x3c] = b'ARM\x64'
    struct.pack_into('<I', h, 0x3c, 64 if pe else 0)
    open(out, 'wb').write(bytes(h) + body)


def zboot(payload, comp, out, machine='0xaa64'):
    p = open(payload, 'rb').read()
    trailer = b'' if comp == 'gzip' else struct.pack('<I', 12345678)
    h = bytearray(64)
    h[0:2] = b'MZ'
    h[4:8] = b'zimg'
    hdr = bytes(h[:0x40]) + pe_header(int(machine, 0))
    off = (len(hdr) + 511) & ~511
    struct.pack_into('<II', h, 8, off, len(p))
    c = comp.encode()[:31] + b'\0'
    h[0x18:0x18 + len(c)] = c
    struct.pack_into('<II', h, 0x38, 0x818223cd, 0x40)  # LINUX_PE_MAGIC, PE offset
    hdr = bytes(h) + pe_header(int(machine, 0))
    open(out, 'wb').write(hdr + b'\0' * (off - len(hdr)) + p + trailer)


def multiboot(kind, banner, out):
    d = bytearray(4096)
    if kind == '1':
        struct.pack_into('<III', d, 64, 0x1BADB002, 3, (-(0x1BADB002 + 3)) & 0xffffffff)
    else:
        struct.pack_into('<IIII', d, 64, 0xE85250D6, 0, 24, (-(0xE85250D6 + 24)) & 0xffffffff)
    open(out, 'wb').write(bytes(d) + banner.encode() + b'\0')


def elf_note(name, osabi, out):
    n = name.encode() + b'\0'
    note = struct.pack('<III', len(n), 4, 1) + n + b'\0' * ((-len(n)) % 4) + b'\x01\0\0\0'
    ehdr = bytearray(64)
    ehdr[0:4] = b'\x7fELF'
    ehdr[4], ehdr[5], ehdr[6], ehdr[7] = 2, 1, 1, int(osabi)
    struct.pack_into('<HHIQQQIHHHHHH', ehdr, 16, 2, 0x3e, 1, 0, 64, 0, 0, 64, 56, 1, 64, 0, 0)
    phdr = struct.pack('<IIQQQQQQ', 4, 4, 120, 0, 0, len(note), len(note), 4)
    open(out, 'wb').write(bytes(ehdr) + phdr + note)


def xen_pv(guest_os, size, out):
    def note(t, desc):
        return (struct.pack('<III', 4, len(desc), t) + b'Xen\0' + desc +
                b'\0' * ((-len(desc)) % 4))
    notes = (note(6, guest_os.encode() + b'\0') + note(5, b'xen-3.0\0') +
             note(8, b'generic\0') + note(1, struct.pack('<Q', 0x40000000)) +
             note(2, struct.pack('<Q', 0x40002000)))
    shstr = b'\0.note.Xen\0.shstrtab\0'
    note_off = 64 + 56
    shstr_off = note_off + len(notes)
    sh_off = (shstr_off + len(shstr) + 7) & ~7
    ehdr = bytearray(64)
    ehdr[0:4] = b'\x7fELF'
    ehdr[4], ehdr[5], ehdr[6] = 2, 1, 1
    struct.pack_into('<HHIQQQIHHHHHH', ehdr, 16, 2, 0x3e, 1, 0x40000000, 64, sh_off, 0, 64, 56, 1,
                     64, 3, 2)
    phdr = struct.pack('<IIQQQQQQ', 4, 4, note_off, 0, 0, len(notes), len(notes), 4)
    shdrs = (bytes(64) +
             struct.pack('<IIQQQQIIQQ', 1, 7, 2, 0, note_off, len(notes), 0, 0, 4, 0) +
             struct.pack('<IIQQQQIIQQ', 11, 3, 0, 0, shstr_off, len(shstr), 0, 0, 1, 0))
    head = bytes(ehdr) + phdr + notes + shstr
    head += b'\0' * (sh_off - len(head)) + shdrs
    body, x = bytearray(), 12345
    while len(head) + len(body) < int(size):
        x = (x * 1103515245 + 12345) % 2147483648
        body += b'%08x' % x
    open(out, 'wb').write(head + bytes(body[:max(0, int(size) - len(head))]))


cmds = {'payload-of': payload_of, 'bzimage': bzimage, 'uki': uki, 'arm64': arm64, 'zboot': zboot,
        'multiboot': multiboot, 'elf-note': elf_note, 'xen-pv': xen_pv}
cmds[sys.argv[1]](*sys.argv[2:])
