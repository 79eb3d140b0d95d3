/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The ramdisk a bootloader hands the kernel, laid out piece by piece:
 * the entry's initrds, the cpio archives the bootloader wraps some of them
 * in, and the zero padding between them, as GRUB (grub-core/loader/
 * linux.c: grub_initrd_init, grub_initrd_load) and systemd-stub
 * (src/boot/stub.c, cpio.c, initrd.c: combine_initrds) write them. The
 * pieces go to a sink: counted, written to a file, or inspected. */
#define _GNU_SOURCE
#include "payload/payload.h"
#include "menu/menu.h"

#include <stdio.h>
#include <stdlib.h>

#define NEWC_HDR 110

/* Room for one cpio header and its name (GB_CFG_MAX_LINE bounds GRUB's
 * names, the stub's are a directory and a file name of 255 bytes). */
#define HDR_MAX (NEWC_HDR + 8192 + 4)

struct out {
	struct gb_ctx *ctx;
	const struct gb_ramdisk_sink *s;
	const struct gb_menu *m;
	uint64_t at;         /* bytes emitted so far */
};

static int part_size(struct out *o, const struct gb_boot_file *f, uint64_t *size)
{
	return o->s->size ? o->s->size(o->ctx, o->s->arg, f, size) : gb_payload_size(o->ctx, o->m, f, size);
}

static int put(struct out *o, const void *p, size_t n)
{
	if (!n)
		return 0;
	o->at += n;
	return o->s->bytes(o->ctx, o->s->arg, p, n);
}

static int put_zeros(struct out *o, size_t n)
{
	static const uint8_t zeros[4];
	return put(o, zeros, n);
}

static int put_file(struct out *o, const struct gb_boot_file *f, uint64_t size)
{
	o->at += size;
	return o->s->file(o->ctx, o->s->arg, f, size);
}

static int boundary(struct out *o)
{
	return o->s->boundary ? o->s->boundary(o->ctx, o->s->arg) : 0;
}

static void hex8(char *p, uint32_t v)
{
	static const char digits[] = "0123456789abcdef";
	for (int i = 7; i >= 0; i--, v >>= 4)
		p[i] = digits[v & 15];
}

/* A newc header with name (namesize bytes of it: GRUB 2.06 leaves the
 * NUL out) and zeros up to a multiple of 4 counted from `from` (the
 * header for GRUB, the archive's start for the stub). */
static int put_header(struct out *o, uint32_t ino, uint32_t mode, uint64_t size,
		      const char *name, size_t namesize, uint64_t from)
{
	if (size > UINT32_MAX)
		return gb_error(o->ctx, GB_E_LIMIT, "%s: %llu bytes do not fit a cpio archive "
				"(at most 4 GiB - 1 a member)", name, (unsigned long long)size);
	char h[HDR_MAX];
	if (namesize > HDR_MAX - NEWC_HDR - 4)
		return gb_error(o->ctx, GB_E_LIMIT, "a cpio member name of %zu bytes", namesize);
	const uint32_t fields[13] = { ino, mode, 0, 0, 1, 0, (uint32_t)size, 0, 0, 0, 0,
				      (uint32_t)namesize, 0 };
	memcpy(h, "070701", 6);
	for (int i = 0; i < 13; i++)
		hex8(h + 6 + 8 * i, fields[i]);
	size_t n = NEWC_HDR;
	size_t have = strlen(name);
	memcpy(h + n, name, namesize <= have ? namesize : have);
	if (namesize > have)
		memset(h + n + have, 0, namesize - have);
	n += namesize;
	while ((o->at - from + n) & 3)
		h[n++] = 0;
	return put(o, h, n);
}

/* ---- GRUB ------------------------------------------------------------ */

/* The directories GRUB has made in the current archive, as insert_dir
 * keeps them: a list searched from a moving point. */
struct grub_dir {
	char *name;
	struct grub_dir *next;
};

static void grub_dirs_free(struct grub_dir *d)
{
	while (d) {
		struct grub_dir *next = d->next;
		free(d->name);
		free(d);
		d = next;
	}
}

/* insert_dir: a directory entry for each parent of name that the search
 * does not find. GRUB's search takes a node whose name has the same length
 * and is *different* (its memcmp test is inverted), and goes on from the
 * node found, not into it; new nodes go to the head of the whole list.
 * Where GRUB reads past a shorter node's name (undefined), no match is
 * assumed. Reproduced as it is, since it decides which entries appear. */
static int grub_insert_dirs(struct out *o, struct grub_dir **head, const char *name, bool nul)
{
	struct grub_dir **from = head;
	const char *cb, *ce = name;
	for (;;) {
		for (cb = ce; *cb == '/'; cb++)
			;
		for (ce = cb; *ce && *ce != '/'; ce++)
			;
		if (!*ce)
			return 0;
		size_t k = (size_t)(ce - cb);
		struct grub_dir *cur;
		for (cur = *from; cur; cur = cur->next)
			if (strlen(cur->name) == k && memcmp(cur->name, cb, k))
				break;
		if (!cur) {
			struct grub_dir *d = calloc(1, sizeof(*d));
			if (!d || !(d->name = strndup(cb, k))) {
				free(d);
				return gb_error(o->ctx, GB_E_NOMEM, "out of memory");
			}
			d->next = *head;
			*head = d;
			cur = d;
			char *path = strndup(name, (size_t)(ce - name));
			if (!path)
				return gb_error(o->ctx, GB_E_NOMEM, "out of memory");
			int r = put_header(o, 0, 040777, 0, path, strlen(path) + nul, o->at);
			free(path);
			if (r)
				return r;
		}
		from = &cur->next;
	}
}

static int grub_trailer(struct out *o, bool nul)
{
	return put_header(o, 0, 0, 0, "TRAILER!!!", 10 + nul, o->at);
}

static bool grub_newc(const struct gb_boot_file *f)
{
	return f->cpio_name && (f->cpio == GB_CPIO_GRUB || f->cpio == GB_CPIO_GRUB_NUL);
}

/* grub_initrd_load: before each initrd, zeros to pad the one before to 4
 * bytes; a newc: one is preceded by its directories and its header; the
 * first plain one after a run of them by the run's trailer. */
static int grub_join(struct out *o, const struct gb_entry *e)
{
	struct grub_dir *dirs = NULL;
	uint64_t cursize = 0;
	bool newc = false, nul = false;
	int r = 0;
	for (size_t i = 0; !r && i < e->ninitrds; i++) {
		const struct gb_boot_file *f = &e->initrds[i];
		uint64_t size;
		if ((r = part_size(o, f, &size)) || (r = put_zeros(o, (size_t)(-cursize & 3))))
			break;
		if (grub_newc(f)) {
			nul = f->cpio == GB_CPIO_GRUB_NUL;
			if (!newc)
				r = boundary(o);
			if (!r)
				r = grub_insert_dirs(o, &dirs, f->cpio_name, nul);
			if (!r)
				r = put_header(o, 0, 0100777, size, f->cpio_name, strlen(f->cpio_name) + nul,
					       o->at);
			newc = true;
		} else if (newc) {
			r = grub_trailer(o, nul);
			grub_dirs_free(dirs);
			dirs = NULL;
			newc = false;
			if (!r)
				r = boundary(o);
		}
		if (!r)
			r = put_file(o, f, size);
		if (!r && !newc)
			r = boundary(o);
		cursize = size;
	}
	grub_dirs_free(dirs);
	if (!r && newc && !(r = put_zeros(o, (size_t)(-cursize & 3))) && !(r = grub_trailer(o, nul)))
		r = boundary(o);
	return r;
}

/* ---- systemd-stub ------------------------------------------------------ */

/* cpio.c's pack_cpio_trailer: a fixed record, its name size in capitals. */
static const char stub_trailer[] =
	"070701" "00000000" "00000000" "00000000" "00000000" "00000001" "00000000" "00000000"
	"00000000" "00000000" "00000000" "00000000" "0000000B" "00000000" "TRAILER!!!\0\0\0";

/* The stub's targets (cpio.c): credentials are for root's eyes only. */
static bool stub_private(const char *dir, size_t n)
{
	return (n == 18 && !memcmp(dir, ".extra/credentials", n)) ||
	       (n == 25 && !memcmp(dir, ".extra/global_credentials", n));
}

/* One archive as pack_cpio makes it: its directory and the directory's
 * parents (pack_cpio_prefix: 0555 but the last), the members from inode 1
 * on, each padded to 4 bytes from the archive's start, the trailer. */
static int stub_archive(struct out *o, const struct gb_entry *e, size_t first, size_t *end)
{
	uint64_t start = o->at;
	const char *name = e->initrds[first].cpio_name;
	const char *slash = strrchr(name, '/');
	size_t dl = slash ? (size_t)(slash - name) : 0;
	bool priv = stub_private(name, dl);
	uint32_t ino = 1;
	int r = 0;
	for (size_t i = 0; dl && i <= dl && !r; i++) {
		if (i < dl && name[i] != '/')
			continue;
		if (i < dl && (!i || name[i - 1] == '/'))
			continue; /* an empty component makes no entry */
		char *dir = strndup(name, i);
		if (!dir)
			return gb_error(o->ctx, GB_E_NOMEM, "out of memory");
		uint32_t mode = 040000 | (i == dl && priv ? 0500 : 0555);
		r = put_header(o, ino++, mode, 0, dir, i + 1, start);
		free(dir);
	}
	size_t i = first;
	do {
		const struct gb_boot_file *f = &e->initrds[i];
		uint64_t size;
		if (!r)
			r = part_size(o, f, &size);
		if (!r)
			r = put_header(o, ino++, 0100000 | (priv ? 0400 : 0444), size, f->cpio_name,
				       strlen(f->cpio_name) + 1, start);
		if (!r)
			r = put_file(o, f, size);
		if (!r)
			r = put_zeros(o, (size_t)((start - o->at) & 3));
		i++;
	} while (!r && i < e->ninitrds && e->initrds[i].cpio == GB_CPIO_STUB_MORE &&
		 e->initrds[i].cpio_name);
	*end = i;
	return r ? r : put(o, stub_trailer, sizeof(stub_trailer));
}

static bool stub_member(const struct gb_boot_file *f)
{
	return f->cpio_name && f->cpio == GB_CPIO_STUB;
}

/* combine_initrds: with more than one initrd, each is padded to 4 bytes
 * (the last too); a single one is handed over as it is. */
static int stub_join(struct out *o, const struct gb_entry *e)
{
	size_t parts = 0;
	for (size_t i = 0; i < e->ninitrds; i++)
		if (!e->initrds[i].cpio_name || stub_member(&e->initrds[i]))
			parts++;
	int r = 0;
	for (size_t i = 0; !r && i < e->ninitrds;) {
		const struct gb_boot_file *f = &e->initrds[i];
		uint64_t start = o->at, size;
		if (stub_member(f)) {
			r = stub_archive(o, e, i, &i);
		} else if (f->cpio_name) {
			i++; /* a stray further member: no archive to go into */
			continue;
		} else {
			if (!(r = part_size(o, f, &size)))
				r = put_file(o, f, size);
			i++;
		}
		if (!r && parts > 1)
			r = put_zeros(o, (size_t)((start - o->at) & 3));
		if (!r)
			r = boundary(o);
	}
	return r;
}

bool gb_ramdisk_by_stub(const struct gb_entry *e)
{
	return e->kernel.length && e->kernel.section && !strcmp(e->kernel.section, ".linux");
}

int gb_ramdisk_build(struct gb_ctx *ctx, const struct gb_menu *m, const struct gb_entry *e,
		     const struct gb_ramdisk_sink *s)
{
	struct out o = { ctx, s, m, 0 };
	return gb_ramdisk_by_stub(e) ? stub_join(&o, e) : grub_join(&o, e);
}
