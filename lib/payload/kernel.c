/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define _GNU_SOURCE
/* Kernel inspection: what kind of kernel a file is, for which machine, its
 * version, and whether Xen can boot it PV (Xen ELF notes with an entry
 * point) or PVH (XEN_ELFNOTE_PHYS32_ENTRY). arm64 kernels come as the
 * Image (Documentation/arch/arm64/booting.rst: a 64-byte header with
 * "ARM\x64" at 0x38, an EFI stub's PE header at the offset in 0x3c), the
 * Image compressed whole (Image.gz), or an EFI zboot image (an MZ file
 * with "zimg" at 4, its compressed Image at the offset and size in
 * 0x08/0x0c, the compressor's name at 0x18). The bytes come from the
 * guest: every offset is range-checked and decompression is bounded. */
#include "core/pe.h"
#include "payload/payload.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define BZ_HDR_MAGIC 0x53726448u  /* "HdrS" at 0x202 */
#define ARM64_MAGIC 0x644d5241u   /* "ARM\x64" at 0x38 */
#define ZBOOT_PAYLOAD 0x08        /* zboot: payload offset, then size (le32) */
#define ZBOOT_COMP 0x18           /* zboot: the compressor's name, NUL-ended */
#define MB1_MAGIC 0x1BADB002u
#define MB2_MAGIC 0xE85250D6u
#define MAX_DEPTH 3               /* UKI > bzImage > ELF */
#define MAX_NOTES 4096
#define MAX_PHDRS 256
#define MAX_SHDRS 1024

/* Xen's ELF note types (public/elfnote.h). */
enum { XEN_ENTRY = 1, XEN_HYPERCALL_PAGE = 2, XEN_VERSION = 5, XEN_GUEST_OS = 6,
       XEN_FEATURES = 10, XEN_PHYS32_ENTRY = 18 };

static void set_str(char *dst, size_t cap, const char *s)
{
	snprintf(dst, cap, "%s", s);
}

/* The outermost form names the file: set only what is not set yet. */
static void set_once(char *dst, size_t cap, const char *s)
{
	if (!dst[0])
		set_str(dst, cap, s);
}

static bool is_arm64_image(const uint8_t *d, size_t n)
{
	return n >= 0x40 && gb_le32(d + 0x38) == ARM64_MAGIC;
}

static bool is_zboot(const uint8_t *d, size_t n)
{
	return n >= 0x40 && d[0] == 'M' && d[1] == 'Z' && !memcmp(d + 4, "zimg", 4);
}

/* A zboot image's compressed Image (its header's offset and size, checked
 * against the file); false when it lies outside. */
static bool zboot_payload(const uint8_t *d, size_t n, const uint8_t **p, size_t *pn)
{
	uint32_t off = gb_le32(d + ZBOOT_PAYLOAD), len = gb_le32(d + ZBOOT_PAYLOAD + 4);
	if (!len || !gb_range_ok(off, len, n))
		return false;
	*p = d + off;
	*pn = len;
	return true;
}

/* The file-name suffix of a compressor ("Image.gz"). */
static const char *comp_ext(enum gb_comp c)
{
	static const char *const ext[] = { "", "gz", "bz2", "lzma", "xz", "lzo", "lz4", "zst" };
	return (unsigned)c < sizeof(ext) / sizeof(ext[0]) ? ext[c] : "";
}

/* The machine of an ELF (e_machine) or PE (Machine) header. */
static const char *elf_arch(uint16_t m)
{
	return m == 0x3e ? "x86_64" : m == 3 ? "x86" : m == 0xb7 ? "arm64" : "";
}

static const char *pe_arch(const uint8_t *d, size_t n)
{
	uint32_t pe = gb_le32(d + 0x3c);
	if (!gb_range_ok(pe, 6, n) || memcmp(d + pe, "PE\0\0", 4))
		return "";
	uint16_t m = gb_le16(d + pe + 4);
	return m == 0x8664 ? "x86_64" : m == 0x14c ? "x86" : m == 0xaa64 ? "arm64" : "";
}

static void note_why(struct gb_kernel_info *k, const char *why)
{
	if (!k->note[0])
		set_str(k->note, sizeof(k->note), why);
}

/* Copy the first word of untrusted text (a version) as printable ASCII. */
static void copy_word(char *dst, size_t cap, const uint8_t *s, size_t n)
{
	size_t o = 0;
	for (size_t i = 0; i < n && o + 1 < cap; i++) {
		if (s[i] <= ' ' || s[i] >= 0x7f)
			break;
		dst[o++] = (char)s[i];
	}
	dst[o] = '\0';
}

/* "Linux version 6.1.0-18-cloud-amd64 (...)" anywhere in an image. */
static void find_linux_version(const uint8_t *d, size_t n, struct gb_kernel_info *k)
{
	static const char pat[] = "Linux version ";
	/* The setup header's or a UKI's .uname came first; they say the same. */
	if (k->version[0])
		return;
	const uint8_t *p = memmem(d, n, pat, sizeof(pat) - 1);
	/* The banner is followed by a digit; format strings ("%s") are not. */
	for (size_t guard = 0; p && guard < 64; guard++) {
		size_t off = (size_t)(p - d) + sizeof(pat) - 1;
		if (off < n && p[sizeof(pat) - 1] >= '0' && p[sizeof(pat) - 1] <= '9') {
			copy_word(k->version, sizeof(k->version), d + off, n - off);
			if (!k->os[0])
				set_str(k->os, sizeof(k->os), "linux");
			return;
		}
		p = off < n ? memmem(d + off, n - off, pat, sizeof(pat) - 1) : NULL;
	}
}

static int inspect(struct gb_ctx *ctx, const uint8_t *d, size_t n, struct gb_kernel_info *k,
		   int depth, struct gb_work *work);
static int write_all(struct gb_ctx *ctx, int fd, const uint8_t *p, size_t n, const char *what);
static void inspect_arm64_image(const uint8_t *d, size_t n, struct gb_kernel_info *k);

/* ---- ELF ---- */

struct elf {
	const uint8_t *d;
	size_t n;
	bool is64;
};

static uint64_t elf_word(const struct elf *e, size_t off, size_t size)
{
	return size == 8 ? gb_le64(e->d + off) : size == 4 ? gb_le32(e->d + off) : gb_le16(e->d + off);
}

/* Xen's names for its note types; the string-valued ones are marked. */
static const struct { const char *name; bool text; } xen_note_types[] = {
	[1] = { "ENTRY", false },        [2] = { "HYPERCALL_PAGE", false },
	[3] = { "VIRT_BASE", false },    [4] = { "PADDR_OFFSET", false },
	[5] = { "XEN_VERSION", true },   [6] = { "GUEST_OS", true },
	[7] = { "GUEST_VERSION", true }, [8] = { "LOADER", true },
	[9] = { "PAE_MODE", true },      [10] = { "FEATURES", true },
	[11] = { "BSD_SYMTAB", true },   [12] = { "HV_START_LOW", false },
	[13] = { "L1_MFN_VALID", false }, [14] = { "SUSPEND_CANCEL", false },
	[15] = { "INIT_P2M", false },    [16] = { "MOD_START_PFN", false },
	[17] = { "SUPPORTED_FEATURES", false }, [18] = { "PHYS32_ENTRY", false },
};

/* One "NAME=VALUE" word more in k->xen_notes (what inspect shows). */
static void xen_note_text(struct gb_kernel_info *k, uint32_t type, const uint8_t *desc, size_t dn)
{
	size_t ntypes = sizeof(xen_note_types) / sizeof(xen_note_types[0]);
	const char *name = type < ntypes ? xen_note_types[type].name : NULL;
	char word[96], val[64];
	if (name && xen_note_types[type].text) {
		copy_word(val, sizeof(val), desc, dn);
	} else {
		uint64_t v = dn >= 8 ? gb_le64(desc) : dn >= 4 ? gb_le32(desc) : dn ? desc[0] : 0;
		snprintf(val, sizeof(val), "0x%llx", (unsigned long long)v);
	}
	if (name)
		snprintf(word, sizeof(word), "%s=%s", name, val);
	else
		snprintf(word, sizeof(word), "NOTE%u=%s", (unsigned)type, val);
	size_t used = strlen(k->xen_notes);
	snprintf(k->xen_notes + used, sizeof(k->xen_notes) - used, "%s%s", used ? " " : "", word);
}

static void xen_note(struct gb_kernel_info *k, uint32_t type, const uint8_t *desc, size_t dn)
{
	uint64_t v = dn >= 8 ? gb_le64(desc) : dn >= 4 ? gb_le32(desc) : 0;
	xen_note_text(k, type, desc, dn);
	switch (type) {
	case XEN_ENTRY:
		if (dn >= 4) {
			k->xen_pv = true;
			k->xen_entry = v;
		}
		break;
	case XEN_PHYS32_ENTRY:
		if (dn >= 4) {
			k->xen_pvh = true;
			k->pvh_entry = gb_le32(desc);
		}
		break;
	case XEN_GUEST_OS:
		copy_word(k->xen_guest_os, sizeof(k->xen_guest_os), desc, dn);
		/* illumos's i86xpv unix says "SunOS" (OpenSolaris "Solaris") */
		if (!k->os[0] && (!strcmp(k->xen_guest_os, "SunOS") || !strcmp(k->xen_guest_os, "Solaris")))
			set_str(k->os, sizeof(k->os), "illumos");
		break;
	default: /* HYPERCALL_PAGE, XEN_VERSION, FEATURES: present, not needed */
		break;
	}
}

/* Walk one note area; *budget bounds the notes over the whole file. */
static void elf_notes(const uint8_t *p, size_t n, struct gb_kernel_info *k, size_t *budget)
{
	size_t off = 0;
	while (gb_range_ok(off, 12, n) && *budget) {
		(*budget)--;
		uint32_t namesz = gb_le32(p + off), descsz = gb_le32(p + off + 4);
		uint32_t type = gb_le32(p + off + 8);
		uint64_t name_off = off + 12;
		uint64_t desc_off = name_off + (((uint64_t)namesz + 3) & ~3ull);
		uint64_t next = desc_off + (((uint64_t)descsz + 3) & ~3ull);
		if (!gb_range_ok(name_off, namesz, n) || !gb_range_ok(desc_off, descsz, n))
			return;
		const char *name = (const char *)p + name_off;
		size_t nl = strnlen(name, namesz);
		if (nl == 3 && !memcmp(name, "Xen", 3))
			xen_note(k, type, p + desc_off, descsz);
		else if (nl == 7 && !memcmp(name, "FreeBSD", 7))
			set_str(k->os, sizeof(k->os), "freebsd");
		else if (nl == 6 && !memcmp(name, "NetBSD", 6))
			set_str(k->os, sizeof(k->os), "netbsd");
		if (next > n)
			return;
		off = (size_t)next;
	}
}

/* Notes from PT_NOTE segments, and SHT_NOTE sections (kernels that only
 * carry them there). */
static void elf_scan_notes(const struct elf *e, struct gb_kernel_info *k)
{
	size_t w = e->is64 ? 8 : 4, budget = MAX_NOTES;
	uint64_t phoff = elf_word(e, e->is64 ? 32 : 28, w);
	uint64_t shoff = elf_word(e, e->is64 ? 40 : 32, w);
	size_t phentsz = gb_le16(e->d + (e->is64 ? 54 : 42));
	size_t phnum = gb_le16(e->d + (e->is64 ? 56 : 44));
	size_t shentsz = gb_le16(e->d + (e->is64 ? 58 : 46));
	size_t shnum = gb_le16(e->d + (e->is64 ? 60 : 48));
	size_t ph_min = e->is64 ? 56 : 32, sh_min = e->is64 ? 64 : 40;
	for (size_t i = 0; i < phnum && i < MAX_PHDRS && phentsz >= ph_min; i++) {
		uint64_t at = phoff + (uint64_t)i * phentsz;
		if (!gb_range_ok(at, ph_min, e->n))
			break;
		if (gb_le32(e->d + at) != 4 /* PT_NOTE */)
			continue;
		uint64_t off = elf_word(e, (size_t)at + (e->is64 ? 8 : 4), w);
		uint64_t sz = elf_word(e, (size_t)at + (e->is64 ? 32 : 16), w);
		if (gb_range_ok(off, sz, e->n))
			elf_notes(e->d + off, (size_t)sz, k, &budget);
	}
	if (k->xen_pv || k->xen_pvh || k->xen_notes[0])
		return;
	for (size_t i = 0; i < shnum && i < MAX_SHDRS && shentsz >= sh_min; i++) {
		uint64_t at = shoff + (uint64_t)i * shentsz;
		if (!gb_range_ok(at, sh_min, e->n))
			break;
		if (gb_le32(e->d + at + 4) != 7 /* SHT_NOTE */)
			continue;
		uint64_t off = elf_word(e, (size_t)at + (e->is64 ? 24 : 16), w);
		uint64_t sz = elf_word(e, (size_t)at + (e->is64 ? 32 : 20), w);
		if (gb_range_ok(off, sz, e->n))
			elf_notes(e->d + off, (size_t)sz, k, &budget);
	}
}

static bool is_elf(const uint8_t *d, size_t n)
{
	return n >= 64 && !memcmp(d, "\x7f" "ELF", 4) && (d[4] == 1 || d[4] == 2);
}

static void inspect_elf(const uint8_t *d, size_t n, struct gb_kernel_info *k)
{
	k->elf = true;
	if (d[5] != 1) {
		note_why(k, "big-endian ELF: notes not read");
		return;
	}
	struct elf e = { d, n, d[4] == 2 };
	set_once(k->arch, sizeof(k->arch), elf_arch(gb_le16(d + 18)));
	if (d[7] == 9)
		set_str(k->os, sizeof(k->os), "freebsd");
	elf_scan_notes(&e, k);
	find_linux_version(d, n, k);
}

/* ---- multiboot ---- */

static bool multiboot1(const uint8_t *d, size_t n)
{
	for (size_t off = 0; off + 12 <= n && off < 8192; off += 4)
		if (gb_le32(d + off) == MB1_MAGIC &&
		    (uint32_t)(gb_le32(d + off) + gb_le32(d + off + 4) + gb_le32(d + off + 8)) == 0)
			return true;
	return false;
}

static bool multiboot2(const uint8_t *d, size_t n)
{
	for (size_t off = 0; off + 16 <= n && off < 32768; off += 8)
		if (gb_le32(d + off) == MB2_MAGIC &&
		    (uint32_t)(gb_le32(d + off) + gb_le32(d + off + 4) + gb_le32(d + off + 8) +
			       gb_le32(d + off + 12)) == 0)
			return true;
	return false;
}

/* Who a multiboot kernel is: Xen or illumos, told by their banners. */
static void multiboot_os(const uint8_t *d, size_t n, struct gb_kernel_info *k)
{
	if (memmem(d, n, "Xen version", 11) || memmem(d, n, "__  __", 6))
		set_str(k->os, sizeof(k->os), "xen");
	else if (memmem(d, n, "illumos", 7) || memmem(d, n, "SunOS", 5))
		set_str(k->os, sizeof(k->os), "illumos");
}

/* ---- x86 bzImage ---- */

static int inspect_payload(struct gb_ctx *ctx, const uint8_t *p, size_t n, struct gb_kernel_info *k,
			   int depth, struct gb_work *work)
{
	enum gb_comp c = gb_comp_detect(p, n);
	set_str(k->compression, sizeof(k->compression), gb_comp_name(c));
	if (c == GB_COMP_NONE) {
		if (is_elf(p, n)) {
			inspect_elf(p, n, k);
			k->payload_read = true;
		} else if (is_arm64_image(p, n)) {
			inspect_arm64_image(p, n, k);
		} else {
			note_why(k, "the payload is neither compressed nor ELF");
		}
		return 0;
	}
	uint8_t *out = NULL;
	size_t outlen, used;
	struct gb_ctx *sub = gb_ctx_new();
	if (!sub)
		return gb_error(ctx, GB_E_NOMEM, "out of memory");
	int r = gb_decompress(sub, work, c, p, n, GB_INSPECT_OUTPUT_MAX, &out, &outlen, &used);
	if (r == GB_E_NOMEM) {
		gb_ctx_free(sub);
		return gb_error(ctx, r, "out of memory decompressing the kernel");
	}
	if (r) {
		note_why(k, gb_ctx_message(sub));
	} else if (is_elf(out, outlen)) {
		inspect_elf(out, outlen, k);
		k->payload_read = true;
	} else {
		r = inspect(ctx, out, outlen, k, depth + 1, work);
		k->payload_read = !r;
	}
	gb_ctx_free(sub);
	free(out);
	return r == GB_E_NOMEM ? r : 0;
}

static int inspect_bzimage(struct gb_ctx *ctx, const uint8_t *d, size_t n, struct gb_kernel_info *k,
			   int depth, struct gb_work *work)
{
	set_str(k->kind, sizeof(k->kind), "bzImage");
	set_str(k->os, sizeof(k->os), "linux");
	set_once(k->format, sizeof(k->format), "bzImage");
	k->boot_protocol = gb_le16(d + 0x206);
	/* XLF_KERNEL_64 (protocol 2.12): a 64-bit kernel; else the ELF says */
	if (k->boot_protocol >= 0x20c && (gb_le16(d + 0x236) & 1))
		set_once(k->arch, sizeof(k->arch), "x86_64");
	size_t setup_sects = d[0x1f1] ? d[0x1f1] : 4;
	size_t setup = (setup_sects + 1) * 512;
	uint16_t vptr = gb_le16(d + 0x20e);
	/* The version string lives in the setup code, 0x200 past the pointer. */
	if (vptr && (size_t)vptr + 0x200 < setup && (size_t)vptr + 0x200 < n)
		copy_word(k->version, sizeof(k->version), d + vptr + 0x200,
			  n - vptr - 0x200 < 128 ? n - vptr - 0x200 : 128);
	if (k->boot_protocol < 0x208 || n < 0x250) {
		note_why(k, "boot protocol before 2.08: no payload fields");
		return 0;
	}
	uint64_t off = (uint64_t)setup + gb_le32(d + 0x248), len = gb_le32(d + 0x24c);
	if (!len || !gb_range_ok(off, len, n)) {
		note_why(k, "the payload offset or length lies outside the file");
		set_once(k->arch, sizeof(k->arch), "x86");
		return 0;
	}
	int r = inspect_payload(ctx, d + off, (size_t)len, k, depth, work);
	set_once(k->arch, sizeof(k->arch), "x86");
	return r;
}

/* ---- arm64: Image and EFI zboot ---- */

static void inspect_arm64_image(const uint8_t *d, size_t n, struct gb_kernel_info *k)
{
	set_str(k->kind, sizeof(k->kind), "arm64-image");
	set_str(k->os, sizeof(k->os), "linux");
	set_str(k->arch, sizeof(k->arch), "arm64");
	set_once(k->format, sizeof(k->format), "Image");
	if (!k->compression[0])
		set_str(k->compression, sizeof(k->compression), "none");
	/* the header's fields are little-endian whatever the kernel's endianness */
	uint64_t flags = gb_le64(d + 0x18);
	static const uint32_t pages[4] = { 0, 4096, 16384, 65536 };
	k->image_size = gb_le64(d + 0x10);
	k->big_endian = flags & 1;
	k->page_size = k->image_size ? pages[(flags >> 1) & 3] : 0;
	k->payload_read = true;
	find_linux_version(d, n, k);
}

static int inspect_zboot(struct gb_ctx *ctx, const uint8_t *d, size_t n, struct gb_kernel_info *k,
			 int depth, struct gb_work *work)
{
	set_str(k->kind, sizeof(k->kind), "arm64-image");
	set_str(k->os, sizeof(k->os), "linux");
	set_once(k->format, sizeof(k->format), "zboot");
	set_once(k->arch, sizeof(k->arch), pe_arch(d, n));
	const uint8_t *p;
	size_t len;
	if (!zboot_payload(d, n, &p, &len)) {
		note_why(k, "the zboot payload offset or size lies outside the file");
		return 0;
	}
	int r = inspect_payload(ctx, p, len, k, depth, work);
	if (!strcmp(k->kind, "unknown"))
		note_why(k, "the zboot payload is not a kernel image guestboot knows");
	return r;
}

/* ---- PE: Unified Kernel Images ---- */

static int inspect_pe(struct gb_ctx *ctx, const uint8_t *d, size_t n, struct gb_kernel_info *k,
		      int depth, struct gb_work *work)
{
	set_str(k->kind, sizeof(k->kind), "pe");
	const char *pe_machine = pe_arch(d, n);
	struct gb_pe_section sec[GB_PE_MAX_SECTIONS];
	bool bad;
	int nsec = gb_pe_sections(d, n, n, sec, GB_PE_MAX_SECTIONS, &bad);
	if (nsec < 0) {
		note_why(k, "an MZ file without a PE header");
		return 0;
	}
	if (bad)
		note_why(k, "a PE section lies outside the file");
	const uint8_t *linux_p = NULL;
	size_t linux_n = 0;
	/* The first of each name: a multi-profile UKI's base sections. */
	for (int i = 0; i < nsec; i++) {
		const uint8_t *p = d + sec[i].offset;
		size_t size = (size_t)sec[i].size;
		if (!size)
			continue;
		if (!strcmp(sec[i].name, ".linux") && !linux_p) {
			linux_p = p;
			linux_n = size;
		} else if (!strcmp(sec[i].name, ".uname") && !k->version[0]) {
			copy_word(k->version, sizeof(k->version), p, size);
		} else if (!strcmp(sec[i].name, ".initrd")) {
			k->uki_initrd = true;
		} else if (!strcmp(sec[i].name, ".cmdline")) {
			k->uki_cmdline = true;
		}
	}
	if (!linux_p) {
		set_once(k->format, sizeof(k->format), "PE");
		set_once(k->arch, sizeof(k->arch), pe_machine);
		return 0;
	}
	set_str(k->kind, sizeof(k->kind), "uki");
	set_once(k->format, sizeof(k->format), "UKI");
	set_str(k->os, sizeof(k->os), "linux");
	struct gb_kernel_info inner = { 0 };
	int r = inspect(ctx, linux_p, linux_n, &inner, depth + 1, work);
	if (!k->version[0])
		memcpy(k->version, inner.version, sizeof(k->version));
	memcpy(k->compression, inner.compression, sizeof(k->compression));
	k->boot_protocol = inner.boot_protocol;
	k->payload_read = inner.payload_read;
	k->elf = inner.elf;
	k->xen_pv = inner.xen_pv;
	k->xen_pvh = inner.xen_pvh;
	k->xen_entry = inner.xen_entry;
	k->pvh_entry = inner.pvh_entry;
	memcpy(k->xen_guest_os, inner.xen_guest_os, sizeof(k->xen_guest_os));
	memcpy(k->xen_notes, inner.xen_notes, sizeof(k->xen_notes));
	set_once(k->arch, sizeof(k->arch), inner.arch[0] ? inner.arch : pe_machine);
	k->page_size = inner.page_size;
	k->big_endian = inner.big_endian;
	k->image_size = inner.image_size;
	note_why(k, inner.note);
	return r;
}

/* ---- dispatch ---- */

static int inspect(struct gb_ctx *ctx, const uint8_t *d, size_t n, struct gb_kernel_info *k,
		   int depth, struct gb_work *work)
{
	if (depth > MAX_DEPTH) {
		note_why(k, "kernel images nested too deep");
		return 0;
	}
	if (n >= 0x250 && gb_le32(d + 0x202) == BZ_HDR_MAGIC)
		return inspect_bzimage(ctx, d, n, k, depth, work);
	/* before PE: an arm64 Image with an EFI stub is an MZ file too */
	if (is_arm64_image(d, n)) {
		inspect_arm64_image(d, n, k);
		return 0;
	}
	if (is_zboot(d, n))
		return inspect_zboot(ctx, d, n, k, depth, work);
	if (n >= 0x40 && d[0] == 'M' && d[1] == 'Z')
		return inspect_pe(ctx, d, n, k, depth, work);
	bool mb2 = multiboot2(d, n), mb1 = !mb2 && multiboot1(d, n);
	if (is_elf(d, n)) {
		set_str(k->kind, sizeof(k->kind), mb2 ? "multiboot2" : mb1 ? "multiboot" : "elf");
		set_once(k->format, sizeof(k->format), mb2 ? "multiboot2" : mb1 ? "multiboot" : "ELF");
		if (!k->compression[0])
			set_str(k->compression, sizeof(k->compression), "none");
		inspect_elf(d, n, k);
		if (mb1 || mb2)
			multiboot_os(d, n, k);
		else if (!strcmp(k->os, "linux") && !strcmp(k->format, "ELF"))
			set_str(k->format, sizeof(k->format), "vmlinux");
		return 0;
	}
	if (mb1 || mb2) {
		set_str(k->kind, sizeof(k->kind), mb2 ? "multiboot2" : "multiboot");
		set_once(k->format, sizeof(k->format), mb2 ? "multiboot2" : "multiboot");
		multiboot_os(d, n, k);
		return 0;
	}
	enum gb_comp c = gb_comp_detect(d, n);
	if (c != GB_COMP_NONE && depth == 0) {
		/* vmlinuz that is a compressed ELF (gzip'd vmlinux, xen.gz) */
		int r = inspect_payload(ctx, d, n, k, depth, work);
		set_str(k->compression, sizeof(k->compression), gb_comp_name(c));
		if (!k->kind[0])
			set_str(k->kind, sizeof(k->kind), k->elf ? "elf" : "unknown");
		/* the whole file compressed: Image.gz, vmlinux.gz */
		bool image = !strcmp(k->kind, "arm64-image");
		if (image || k->elf)
			snprintf(k->format, sizeof(k->format), "%s.%s",
				 image ? "Image" : !strcmp(k->os, "linux") ? "vmlinux" : "ELF", comp_ext(c));
		return r;
	}
	set_str(k->kind, sizeof(k->kind), "unknown");
	note_why(k, "not a kernel format guestboot knows");
	return 0;
}

static int kernel_inspect(struct gb_ctx *ctx, const void *data, size_t len, struct gb_kernel_info *out)
{
	memset(out, 0, sizeof(*out));
	if (!data && len)
		return gb_error(ctx, GB_E_USAGE, "no kernel data");
	return inspect(ctx, data, len, out, 0, NULL);
}

static int entry_inspect_kernel(struct gb_ctx *ctx, const struct gb_menu *m, const struct gb_entry *e,
				struct gb_kernel_info *out)
{
	memset(out, 0, sizeof(*out));
	if (!e->kernel.path)
		return gb_error(ctx, GB_E_NOT_FOUND, "the entry names no kernel");
	/* a kernel named by several entries is read and inspected once */
	char key[GB_PAYLOAD_KEY_MAX];
	struct gb_work *work = gb_payload_work(m, &e->kernel, "kernel", key, sizeof(key));
	const struct gb_kernel_info *seen = gb_work_memo_get(work, key, sizeof(*out));
	if (seen) {
		*out = *seen;
		return 0;
	}
	uint8_t *d;
	size_t n;
	int r = gb_payload_read(ctx, m, &e->kernel, GB_DEFAULT_KERNEL_MAX, &d, &n);
	if (r)
		return r;
	if (!d && n)
		r = gb_error(ctx, GB_E_USAGE, "no kernel data");
	else
		r = inspect(ctx, d, n, out, 0, work);
	free(d);
	if (!r)
		gb_work_memo_put(work, key, out, sizeof(*out));
	return r;
}

/* The caller's struct may be older or newer than ours (guestboot.h, ABI):
 * fill a whole one, hand over what the caller's holds, also on failure. */
int gb_kernel_inspect(struct gb_ctx *ctx, const void *data, size_t len, struct gb_kernel_info *out)
{
	struct gb_kernel_info full;
	int r = gb_abi_out_ok(ctx, out, "struct gb_kernel_info");
	if (r)
		return r;
	r = kernel_inspect(ctx, data, len, &full);
	gb_abi_out(out, &full, sizeof full);
	return r;
}

int gb_entry_inspect_kernel(struct gb_ctx *ctx, const struct gb_menu *m, const struct gb_entry *e,
			    struct gb_kernel_info *out)
{
	struct gb_kernel_info full;
	int r = gb_abi_out_ok(ctx, out, "struct gb_kernel_info");
	if (r)
		return r;
	r = entry_inspect_kernel(ctx, m, e, &full);
	gb_abi_out(out, &full, sizeof full);
	return r;
}

/* ---- vmlinux: the ELF a bzImage carries ---- */

/* Where the vmlinux lies in a kernel file: the file itself (an ELF), a
 * bzImage's payload, a UKI's .linux section (a bzImage), or the whole file
 * compressed (a gzip'd vmlinux). NULL, with why, when none of these. */
static const uint8_t *vmlinux_source(const uint8_t *d, size_t n, size_t *pn, const char **why,
				     int depth)
{
	if (depth > MAX_DEPTH) {
		*why = "kernel images nested too deep";
		return NULL;
	}
	if (is_arm64_image(d, n) || is_zboot(d, n)) {
		*why = "this is an arm64 kernel, which has no ELF vmlinux: use its Image (--raw-image)";
		return NULL;
	}
	if (is_elf(d, n) || (depth == 0 && gb_comp_detect(d, n) != GB_COMP_NONE)) {
		*pn = n;
		return d;
	}
	if (n >= 0x250 && gb_le32(d + 0x202) == BZ_HDR_MAGIC) {
		size_t setup = ((size_t)(d[0x1f1] ? d[0x1f1] : 4) + 1) * 512;
		uint64_t off = (uint64_t)setup + gb_le32(d + 0x248), len = gb_le32(d + 0x24c);
		if (gb_le16(d + 0x206) < 0x208) {
			*why = "a bzImage before boot protocol 2.08 names no payload";
			return NULL;
		}
		if (!len || !gb_range_ok(off, len, n)) {
			*why = "the bzImage's payload lies outside the file";
			return NULL;
		}
		*pn = (size_t)len;
		return d + off;
	}
	if (n >= 0x40 && d[0] == 'M' && d[1] == 'Z') {
		struct gb_pe_section sec[GB_PE_MAX_SECTIONS];
		bool bad;
		int nsec = gb_pe_sections(d, n, n, sec, GB_PE_MAX_SECTIONS, &bad);
		for (int i = 0; i < nsec; i++)
			if (!strcmp(sec[i].name, ".linux") && sec[i].size)
				return vmlinux_source(d + sec[i].offset, (size_t)sec[i].size, pn, why,
						      depth + 1);
		*why = "a PE file without a .linux section";
		return NULL;
	}
	*why = "not an x86 bzImage, UKI or ELF kernel";
	return NULL;
}

static int kernel_vmlinux(struct gb_ctx *ctx, const uint8_t *d, size_t n, unsigned flags,
			  struct gb_work *work, uint8_t **out, size_t *outlen)
{
	const char *why = "";
	size_t pn = 0;
	const uint8_t *p = vmlinux_source(d, n, &pn, &why, 0);
	if (!p)
		return gb_error(ctx, GB_E_UNSUPPORTED, "no vmlinux in this kernel: %s", why);
	enum gb_comp c = gb_comp_detect(p, pn);
	uint8_t *v = NULL;
	size_t vn = 0, used;
	if (c == GB_COMP_NONE) {
		if (!(v = malloc(pn ? pn : 1)))
			return gb_error(ctx, GB_E_NOMEM, "out of memory");
		memcpy(v, p, pn);
		vn = pn;
	} else {
		struct gb_ctx *sub = gb_ctx_new();
		if (!sub)
			return gb_error(ctx, GB_E_NOMEM, "out of memory");
		int r = gb_decompress(sub, work, c, p, pn, GB_INSPECT_OUTPUT_MAX, &v, &vn, &used);
		if (r) {
			r = gb_error(ctx, r, "cannot decompress the kernel's %s payload: %s",
				     gb_comp_name(c), gb_ctx_message(sub));
			gb_ctx_free(sub);
			return r;
		}
		gb_ctx_free(sub);
	}
	if (is_arm64_image(v, vn)) {
		free(v);
		return gb_error(ctx, GB_E_UNSUPPORTED,
				"no vmlinux in this kernel: it is an arm64 Image (%s), which has no ELF "
				"vmlinux: use the Image (--raw-image)", gb_comp_name(c));
	}
	if (!is_elf(v, vn) || v[5] != 1) {
		free(v);
		return gb_error(ctx, GB_E_UNSUPPORTED,
				"the kernel's payload (%s) is not a little-endian ELF vmlinux",
				gb_comp_name(c));
	}
	if (flags & GB_VMLINUX_PVH) {
		struct gb_kernel_info k = { 0 };
		inspect_elf(v, vn, &k);
		if (!k.xen_pvh) {
			free(v);
			return gb_error(ctx, GB_E_UNSUPPORTED,
					"this kernel has no PVH entry: CONFIG_PVH is off");
		}
	}
	*out = v;
	*outlen = vn;
	return 0;
}

int gb_kernel_vmlinux(struct gb_ctx *ctx, const void *data, size_t len, unsigned flags,
		      void **out, size_t *outlen)
{
	if ((!data && len) || !out || !outlen)
		return gb_error(ctx, GB_E_USAGE, "no kernel data");
	uint8_t *v;
	int r = kernel_vmlinux(ctx, data, len, flags, NULL, &v, outlen);
	if (!r)
		*out = v;
	return r;
}

/* Decode an entry's kernel into its vmlinux or Image (what names it, for
 * errors and the work account) and write that into fd. */
typedef int decode_fn(struct gb_ctx *ctx, const uint8_t *d, size_t n, unsigned flags,
		      struct gb_work *work, uint8_t **out, size_t *outlen);

static int write_decoded(struct gb_ctx *ctx, const struct gb_menu *m, const struct gb_entry *e,
			 int fd, const struct gb_boot_limits *caller_lim, unsigned flags,
			 decode_fn *decode, const char *what)
{
	struct gb_boot_limits l;
	int r = GB_ABI_IN(ctx, &l, caller_lim);
	if (!r)
		r = gb_entry_check_files(ctx, m, e, &l);
	if (r)
		return r;
	char key[GB_PAYLOAD_KEY_MAX];
	struct gb_work *work = gb_payload_work(m, &e->kernel, what, key, sizeof(key));
	uint8_t *d, *v = NULL;
	size_t n, vn = 0;
	r = gb_payload_read(ctx, m, &e->kernel,
			    l.kernel_max ? (size_t)l.kernel_max : GB_DEFAULT_KERNEL_MAX, &d, &n);
	if (r)
		return r;
	r = decode(ctx, d, n, flags, work, &v, &vn);
	free(d);
	if (!r)
		r = write_all(ctx, fd, v, vn, what);
	free(v);
	return r;
}

int gb_entry_write_vmlinux(struct gb_ctx *ctx, const struct gb_menu *m, const struct gb_entry *e,
			   int fd, const struct gb_boot_limits *caller_lim, unsigned flags)
{
	return write_decoded(ctx, m, e, fd, caller_lim, flags, kernel_vmlinux, "vmlinux");
}

/* ---- the uncompressed arm64 Image ---- */

/* What an x86 or other kernel is, for the refusal. */
static const char *not_arm64(const uint8_t *d, size_t n)
{
	if (n >= 0x250 && gb_le32(d + 0x202) == BZ_HDR_MAGIC)
		return "an x86 bzImage, which has no arm64 Image: use its vmlinux (--vmlinux) or the "
		       "bzImage itself";
	if (is_elf(d, n))
		return !strcmp(elf_arch(gb_le16(d + 18)), "arm64") ?
			       "an arm64 ELF vmlinux, not the Image that loaders take" :
			       "an ELF kernel for another machine, not an arm64 Image";
	return "not an arm64 Image, Image.gz, zboot image or UKI holding one";
}

/* The Image inside d (depth: UKI > zboot or compressed file > Image),
 * malloc'd in *out. */
static int raw_image(struct gb_ctx *ctx, const uint8_t *d, size_t n, struct gb_work *work,
		     int depth, uint8_t **out, size_t *outlen)
{
	if (depth > MAX_DEPTH)
		return gb_error(ctx, GB_E_UNSUPPORTED, "no arm64 Image in this kernel: images nested too deep");
	if (is_arm64_image(d, n)) {
		if (!(*out = malloc(n)))
			return gb_error(ctx, GB_E_NOMEM, "out of memory");
		memcpy(*out, d, n);
		*outlen = n;
		return 0;
	}
	const uint8_t *p = d;
	size_t pn = n;
	const char *what = "compressed kernel";
	if (is_zboot(d, n)) {
		if (!zboot_payload(d, n, &p, &pn))
			return gb_error(ctx, GB_E_CORRUPT,
					"no arm64 Image in this kernel: the zboot payload offset or size "
					"lies outside the file");
		what = "zboot payload";
	} else if (n >= 0x40 && d[0] == 'M' && d[1] == 'Z') {
		struct gb_pe_section sec[GB_PE_MAX_SECTIONS];
		bool bad;
		int nsec = gb_pe_sections(d, n, n, sec, GB_PE_MAX_SECTIONS, &bad);
		for (int i = 0; i < nsec; i++)
			if (!strcmp(sec[i].name, ".linux") && sec[i].size)
				return raw_image(ctx, d + sec[i].offset, (size_t)sec[i].size, work,
						 depth + 1, out, outlen);
		return gb_error(ctx, GB_E_UNSUPPORTED,
				"no arm64 Image in this kernel: a PE file (%s) without a .linux section",
				pe_arch(d, n)[0] ? pe_arch(d, n) : "unknown machine");
	} else if (depth > 0 || gb_comp_detect(d, n) == GB_COMP_NONE) {
		return gb_error(ctx, GB_E_UNSUPPORTED, "no arm64 Image in this kernel: it is %s",
				not_arm64(d, n));
	}
	enum gb_comp c = gb_comp_detect(p, pn);
	if (c == GB_COMP_NONE)
		return gb_error(ctx, GB_E_UNSUPPORTED,
				"no arm64 Image in this kernel: the %s is not compressed in a way "
				"guestboot knows", what);
	uint8_t *v = NULL;
	size_t vn = 0, used;
	struct gb_ctx *sub = gb_ctx_new();
	if (!sub)
		return gb_error(ctx, GB_E_NOMEM, "out of memory");
	int r = gb_decompress(sub, work, c, p, pn, GB_INSPECT_OUTPUT_MAX, &v, &vn, &used);
	if (r) {
		r = gb_error(ctx, r, "cannot decompress the kernel's %s %s: %s", gb_comp_name(c), what,
			     gb_ctx_message(sub));
		gb_ctx_free(sub);
		return r;
	}
	gb_ctx_free(sub);
	if (!is_arm64_image(v, vn)) {
		r = gb_error(ctx, GB_E_UNSUPPORTED, "no arm64 Image in this kernel: its %s (%s) holds %s",
			     what, gb_comp_name(c), not_arm64(v, vn));
		free(v);
		return r;
	}
	*out = v;
	*outlen = vn;
	return 0;
}

int gb_kernel_raw_image(struct gb_ctx *ctx, const void *data, size_t len, void **out, size_t *outlen)
{
	if ((!data && len) || !out || !outlen)
		return gb_error(ctx, GB_E_USAGE, "no kernel data");
	uint8_t *v;
	int r = raw_image(ctx, data, len, NULL, 0, &v, outlen);
	if (!r)
		*out = v;
	return r;
}

static int write_all(struct gb_ctx *ctx, int fd, const uint8_t *p, size_t n, const char *what)
{
	for (size_t done = 0; done < n;) {
		ssize_t w = write(fd, p + done, n - done);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return gb_error(ctx, GB_E_IO, "cannot write the %s: %s", what,
					w < 0 ? strerror(errno) : "short write");
		done += (size_t)w;
	}
	return 0;
}

static int decode_raw_image(struct gb_ctx *ctx, const uint8_t *d, size_t n, unsigned flags,
			    struct gb_work *work, uint8_t **out, size_t *outlen)
{
	(void)flags;
	return raw_image(ctx, d, n, work, 0, out, outlen);
}

int gb_entry_write_raw_image(struct gb_ctx *ctx, const struct gb_menu *m, const struct gb_entry *e,
			     int fd, const struct gb_boot_limits *caller_lim)
{
	return write_decoded(ctx, m, e, fd, caller_lim, 0, decode_raw_image, "Image");
}

/* ---- the devicetree an entry names ---- */

#define FDT_MAGIC 0xd00dfeedu /* big-endian, at 0 */
#define FDT_MAX (64u << 20)

int gb_entry_write_devicetree(struct gb_ctx *ctx, const struct gb_menu *m, const struct gb_entry *e,
			      int fd, const struct gb_boot_limits *caller_lim)
{
	struct gb_boot_limits l;
	int r = GB_ABI_IN(ctx, &l, caller_lim);
	if (r)
		return r;
	if (!e->devicetree.path)
		return gb_error(ctx, GB_E_NOT_FOUND, "the entry names no devicetree");
	size_t max = l.kernel_max && l.kernel_max < FDT_MAX ? (size_t)l.kernel_max : FDT_MAX;
	uint8_t *d;
	size_t n;
	if ((r = gb_payload_read(ctx, m, &e->devicetree, max, &d, &n)))
		return r;
	/* the header's totalsize is the blob's; a loader reads no more */
	if (n < 40 || gb_be32(d) != FDT_MAGIC || gb_be32(d + 4) < 40 || gb_be32(d + 4) > n)
		r = gb_error(ctx, GB_E_CORRUPT, "%s: not a flattened devicetree blob (%s)",
			     e->devicetree.path, n < 40 || gb_be32(d) != FDT_MAGIC ?
			     "no FDT magic" : "its totalsize lies outside the file");
	else
		r = write_all(ctx, fd, d, n, "devicetree");
	free(d);
	return r;
}
