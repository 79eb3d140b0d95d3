/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Initrd inspection: the segments the kernel unpacks (cpio archives, some
 * compressed, separated by zero padding), the files in them, and which of
 * the drivers a VM's disk and network need are there as modules or are
 * listed as built in. Every count and size is bounded. */
#define _GNU_SOURCE
#include "payload/payload.h"
#include "menu/menu.h"

#include <stdio.h>
#include <stdlib.h>

#define CPIO_HDR 110
#define CPIO_NAME_MAX 4096
#define MAX_ENTRIES (1u << 20)  /* over all segments */
#define MAX_SEGMENTS 64
#define BUILTIN_MAX (4u << 20)  /* modules.builtin read as text */

static const struct {
	uint32_t bit;
	const char *name;      /* as modprobe calls it */
	const char *alias;     /* older names (RHEL 5's xenblk) or NULL */
	const char *config;    /* "CONFIG_...=" */
} drivers[GB_DRV_COUNT] = {
	{ GB_DRV_XEN_BLKFRONT, "xen-blkfront", "xenblk", "CONFIG_XEN_BLKDEV_FRONTEND=" },
	{ GB_DRV_XEN_NETFRONT, "xen-netfront", "xennet", "CONFIG_XEN_NETDEV_FRONTEND=" },
	{ GB_DRV_VIRTIO_BLK, "virtio_blk", NULL, "CONFIG_VIRTIO_BLK=" },
	{ GB_DRV_VIRTIO_SCSI, "virtio_scsi", NULL, "CONFIG_SCSI_VIRTIO=" },
	{ GB_DRV_VIRTIO_NET, "virtio_net", NULL, "CONFIG_VIRTIO_NET=" },
	{ GB_DRV_NVME, "nvme", NULL, "CONFIG_BLK_DEV_NVME=" },
	{ GB_DRV_EXT4, "ext4", NULL, "CONFIG_EXT4_FS=" },
	{ GB_DRV_XFS, "xfs", NULL, "CONFIG_XFS_FS=" },
	{ GB_DRV_BTRFS, "btrfs", NULL, "CONFIG_BTRFS_FS=" },
	{ GB_DRV_VIRTIO_MMIO, "virtio_mmio", NULL, "CONFIG_VIRTIO_MMIO=" },
	{ GB_DRV_VIRTIO_PCI, "virtio_pci", NULL, "CONFIG_VIRTIO_PCI=" },
};

const char *gb_driver_name(uint32_t bit)
{
	for (size_t i = 0; i < GB_DRV_COUNT; i++)
		if (drivers[i].bit == bit)
			return drivers[i].name;
	return NULL;
}

/* Module names treat '-' and '_' alike (modprobe does). */
static bool modname_eq(const char *a, size_t n, const char *b)
{
	if (!b || strlen(b) != n)
		return false;
	for (size_t i = 0; i < n; i++) {
		char x = a[i] == '-' ? '_' : a[i], y = b[i] == '-' ? '_' : b[i];
		if (x != y)
			return false;
	}
	return true;
}

uint32_t gb_driver_of_module(const char *path)
{
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	const char *ko = strstr(base, ".ko");
	if (!ko || (ko[3] && strcmp(ko + 3, ".xz") && strcmp(ko + 3, ".zst") && strcmp(ko + 3, ".gz")))
		return 0;
	size_t n = (size_t)(ko - base);
	for (size_t i = 0; i < GB_DRV_COUNT; i++)
		if (modname_eq(base, n, drivers[i].name) || modname_eq(base, n, drivers[i].alias))
			return drivers[i].bit;
	return 0;
}

/* One line at a time of untrusted text: at most n bytes, no NUL needed. */
static uint32_t scan_lines(const char *text, size_t len, bool config)
{
	uint32_t bits = 0;
	size_t pos = 0;
	while (pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t end = nl ? (size_t)(nl - text) : len;
		char line[256];
		size_t n = end - pos < sizeof(line) - 1 ? end - pos : sizeof(line) - 1;
		memcpy(line, text + pos, n);
		line[n] = '\0';
		if (config) {
			for (size_t i = 0; i < GB_DRV_COUNT; i++) {
				size_t cl = strlen(drivers[i].config);
				if (!strncmp(line, drivers[i].config, cl) && !strcmp(line + cl, "y"))
					bits |= drivers[i].bit;
			}
		} else {
			bits |= gb_driver_of_module(line);
		}
		pos = end + 1;
	}
	return bits;
}

uint32_t gb_drivers_of_config(const char *text, size_t len)
{
	return scan_lines(text, len, true);
}

uint32_t gb_drivers_of_builtin(const char *text, size_t len)
{
	return scan_lines(text, len, false);
}

struct walk {
	struct gb_initrd_info *info;
	int (*file)(void *arg, const char *name);
	void *arg;
	bool stopped;
	struct gb_work *work; /* the command's account; NULL: unbounded */
};

static bool hex8(const uint8_t *p, uint32_t *v)
{
	uint32_t x = 0;
	for (int i = 0; i < 8; i++) {
		uint8_t c = p[i];
		int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 :
			c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
		if (d < 0)
			return false;
		x = x << 4 | (uint32_t)d;
	}
	*v = x;
	return true;
}

static void note_fail(struct gb_initrd_info *in, const char *why)
{
	in->complete = false;
	if (!in->note[0])
		snprintf(in->note, sizeof(in->note), "%s", why);
}

/* What one file tells us: a module, the kernel version, the built-ins. */
static void look_at(struct walk *w, const char *name, const uint8_t *data, uint32_t size,
		    uint32_t mode)
{
	const char *n = name;
	if (!strncmp(n, "usr/", 4))
		n += 4;
	if ((mode & 0170000) == 0100000)
		w->info->modules |= gb_driver_of_module(n);
	if (!strncmp(n, "lib/modules/", 12) && !w->info->kernel_version[0]) {
		const char *v = n + 12, *slash = strchr(v, '/');
		size_t vl = slash ? (size_t)(slash - v) : strlen(v);
		if (vl && vl < sizeof(w->info->kernel_version))
			gb_copy_label(w->info->kernel_version, sizeof(w->info->kernel_version), v, vl);
	}
	const char *b = strrchr(n, '/');
	if (b && !strcmp(b, "/modules.builtin") && (mode & 0170000) == 0100000)
		w->info->builtin |= scan_lines((const char *)data, size < BUILTIN_MAX ? size : BUILTIN_MAX,
					       false);
}

/* One cpio archive at d[*pos..n); *pos ends past its trailer. false when
 * the archive is malformed or truncated. */
static bool walk_cpio(struct walk *w, const uint8_t *d, size_t n, size_t *pos)
{
	size_t p = *pos;
	char name[CPIO_NAME_MAX + 1];
	while (!w->stopped) {
		uint32_t mode, fsize, nsize;
		if (!gb_range_ok(p, CPIO_HDR, n) || memcmp(d + p, "07070", 5) ||
		    (d[p + 5] != '1' && d[p + 5] != '2') || !hex8(d + p + 14, &mode) ||
		    !hex8(d + p + 54, &fsize) || !hex8(d + p + 94, &nsize))
			return false;
		if (!nsize || !gb_range_ok(p + CPIO_HDR, nsize, n) ||
		    !gb_copy_bounded(name, sizeof(name), d + p + CPIO_HDR, nsize))
			return false;
		name[nsize - 1] = '\0';
		size_t data = (p + CPIO_HDR + nsize + 3) & ~(size_t)3;
		if (!gb_range_ok(data, fsize, n))
			return false;
		p = (data + fsize + 3) & ~(size_t)3;
		if (!strcmp(name, "TRAILER!!!"))
			break;
		if (++w->info->files > MAX_ENTRIES) {
			note_fail(w->info, "more cpio entries than guestboot reads");
			w->stopped = true;
			return true;
		}
		const char *nm = name[0] == '/' ? name + 1 : name;
		if (nm[0] == '.' && nm[1] == '/')
			nm += 2;
		look_at(w, nm, d + data, fsize, mode);
		if (w->file && w->file(w->arg, nm))
			w->stopped = true;
	}
	*pos = p < n ? p : n;
	return true;
}

static void add_comp(struct gb_initrd_info *in, const char *name)
{
	size_t l = strlen(in->compressions);
	snprintf(in->compressions + l, sizeof(in->compressions) - l, "%s%s", l ? "+" : "", name);
}

static size_t skip_zeros(const uint8_t *d, size_t n, size_t p)
{
	while (p < n && !d[p])
		p++;
	return p;
}

/* A decompressed segment, walked as it comes out of the decoder: zero
 * padding and cpio archives (a compressed stream inside is refused, as the
 * kernel refuses it). Only names and headers are kept, and file data is
 * skipped, so memory stays at the decoder's window whatever the segment
 * expands to. */
struct stream {
	struct gb_decompress_sink sink;
	struct walk *w;
	uint64_t at;     /* stream offset of the bytes fed next */
	uint64_t skip;   /* bytes to drop before the next header */
	bool in_cpio;
	bool in_trailer; /* skipping the trailer's padding: may end early */
};

static void stream_stop(struct stream *s, const char *why)
{
	if (why)
		note_fail(s->w->info, why);
	s->sink.stop = true;
}

static size_t stream_feed(void *arg, const uint8_t *d, size_t n, bool final)
{
	struct stream *s = arg;
	struct walk *w = s->w;
	size_t p = 0;
	char name[CPIO_NAME_MAX + 1];
	while (!s->sink.stop) {
		if (w->stopped || !w->info->complete) {
			stream_stop(s, NULL);
			break;
		}
		if (s->skip) {
			size_t t = n - p < s->skip ? n - p : (size_t)s->skip;
			p += t;
			s->skip -= t;
			if (s->skip) {
				if (final && !s->in_trailer)
					stream_stop(s, "a cpio archive is malformed or truncated");
				break;
			}
			s->in_trailer = false;
			continue;
		}
		if (!s->in_cpio) {
			while (p < n && !d[p])
				p++;
			if (p == n)
				break;
			if (n - p < 13 && !final)
				break;
			if (n - p >= 6 && !memcmp(d + p, "07070", 5)) {
				s->in_cpio = true;
				continue;
			}
			stream_stop(s, gb_comp_detect(d + p, n - p) == GB_COMP_NONE ?
				    "data that is neither cpio nor compressed" :
				    "a compressed stream inside a compressed segment");
			break;
		}
		uint32_t mode, fsize, nsize;
		if (n - p < CPIO_HDR) {
			if (final)
				stream_stop(s, "a cpio archive is malformed or truncated");
			break;
		}
		const uint8_t *h = d + p;
		if (memcmp(h, "07070", 5) || (h[5] != '1' && h[5] != '2') || !hex8(h + 14, &mode) ||
		    !hex8(h + 54, &fsize) || !hex8(h + 94, &nsize) || !nsize ||
		    nsize > CPIO_NAME_MAX + 1) {
			stream_stop(s, "a cpio archive is malformed or truncated");
			break;
		}
		/* offsets from this header; alignment is the stream's */
		uint64_t abs = s->at + p;
		size_t data = (size_t)(((abs + CPIO_HDR + nsize + 3) & ~(uint64_t)3) - abs);
		size_t end = (size_t)(((abs + data + fsize + 3) & ~(uint64_t)3) - abs);
		memcpy(name, h + CPIO_HDR, n - p >= CPIO_HDR + nsize ? nsize : 0);
		if (n - p < CPIO_HDR + nsize) {
			if (final)
				stream_stop(s, "a cpio archive is malformed or truncated");
			break;
		}
		name[nsize - 1] = '\0';
		if (!strcmp(name, "TRAILER!!!")) {
			s->in_cpio = false;
			s->in_trailer = true;
			s->skip = end;
			continue;
		}
		/* only modules.builtin is read, and only its first BUILTIN_MAX */
		const char *base = strrchr(name, '/');
		size_t want = base && !strcmp(base, "/modules.builtin") ?
			      (fsize < BUILTIN_MAX ? fsize : BUILTIN_MAX) : 0;
		if (n - p < data + want) {
			if (final)
				stream_stop(s, "a cpio archive is malformed or truncated");
			break;
		}
		if (++w->info->files > MAX_ENTRIES) {
			stream_stop(s, "more cpio entries than guestboot reads");
			break;
		}
		const char *nm = name[0] == '/' ? name + 1 : name;
		if (nm[0] == '.' && nm[1] == '/')
			nm += 2;
		look_at(w, nm, d + p + data, (uint32_t)want, mode);
		if (w->file && w->file(w->arg, nm)) {
			w->stopped = true;
			stream_stop(s, NULL);
			break;
		}
		s->skip = end;
	}
	s->at += p;
	return p;
}

/* A compressed segment: decompress (bounded, streaming), walk its cpio
 * archives, and continue after the stream. */
static int walk_compressed(struct gb_ctx *ctx, struct walk *w, enum gb_comp c, const uint8_t *d,
			   size_t n, size_t *used)
{
	struct gb_ctx *sub = gb_ctx_new();
	if (!sub)
		return gb_error(ctx, GB_E_NOMEM, "out of memory");
	struct stream s = { .sink = { stream_feed, NULL, false }, .w = w };
	s.sink.arg = &s;
	int r = gb_decompress_to(sub, w->work, c, d, n, GB_INSPECT_OUTPUT_MAX, &s.sink, used);
	if (r == GB_E_NOMEM)
		r = gb_error(ctx, r, "out of memory decompressing the initrd");
	else if (r) {
		/* the command's bound says so first: it is why the rest was not read */
		w->info->note[0] = '\0';
		note_fail(w->info, gb_ctx_message(sub));
	}
	gb_ctx_free(sub);
	return r == GB_E_NOMEM ? r : 0;
}

static int walk_segments(struct gb_ctx *ctx, struct walk *w, const uint8_t *d, size_t n)
{
	size_t p = skip_zeros(d, n, 0);
	while (p < n && !w->stopped && w->info->complete) {
		if (w->info->segments >= MAX_SEGMENTS) {
			note_fail(w->info, "more initrd segments than guestboot reads");
			break;
		}
		enum gb_comp c = gb_comp_detect(d + p, n - p);
		if (c == GB_COMP_NONE && n - p >= 6 && !memcmp(d + p, "07070", 5)) {
			w->info->segments++;
			add_comp(w->info, "none");
			if (!walk_cpio(w, d, n, &p)) {
				note_fail(w->info, "a cpio archive is malformed or truncated");
				break;
			}
		} else if (c != GB_COMP_NONE) {
			w->info->segments++;
			add_comp(w->info, gb_comp_name(c));
			size_t used = 0;
			int r = walk_compressed(ctx, w, c, d + p, n - p, &used);
			if (r)
				return r;
			if (!used)
				break;
			p += used;
		} else {
			/* Data the kernel would reject ("junk in compressed archive"). */
			note_fail(w->info, "data that is neither cpio nor compressed");
			break;
		}
		p = skip_zeros(d, n, p);
	}
	return 0;
}

static void info_init(struct gb_initrd_info *out)
{
	memset(out, 0, sizeof(*out));
	out->complete = true;
}

static int initrd_inspect(struct gb_ctx *ctx, const void *data, size_t len, struct gb_initrd_info *out,
			  int (*file)(void *arg, const char *name), void *arg)
{
	info_init(out);
	struct walk w = { out, file, arg, false, NULL };
	return walk_segments(ctx, &w, data, len);
}

/* The ramdisk gathered up to a boundary (gb_ramdisk_build), then walked:
 * one plain initrd at a time, or a whole archive the bootloader wraps
 * files in, so that each stretch holds whole segments. */
struct gather {
	struct walk *w;
	const struct gb_menu *m;
	uint8_t *d;
	size_t n, cap;
	uint64_t total;      /* bytes read so far, for GB_DEFAULT_INITRD_MAX */
};

static int gather_room(struct gb_ctx *ctx, struct gather *g, size_t more)
{
	if (more > GB_DEFAULT_INITRD_MAX - g->total)
		return gb_error(ctx, GB_E_LIMIT, "the ramdisk is more than %llu bytes",
				(unsigned long long)GB_DEFAULT_INITRD_MAX);
	if (g->n + more <= g->cap)
		return 0;
	size_t cap = g->cap ? g->cap : 4096;
	while (cap < g->n + more)
		cap *= 2;
	uint8_t *d = realloc(g->d, cap);
	if (!d)
		return gb_error(ctx, GB_E_NOMEM, "out of memory");
	g->d = d;
	g->cap = cap;
	return 0;
}

/* Once the walk has stopped nothing more is read. */
static bool gather_done(const struct gather *g)
{
	return g->w->stopped || !g->w->info->complete;
}

static int gather_bytes(struct gb_ctx *ctx, void *arg, const uint8_t *p, size_t n)
{
	struct gather *g = arg;
	if (gather_done(g))
		return 0;
	int r = gather_room(ctx, g, n);
	if (r)
		return r;
	memcpy(g->d + g->n, p, n);
	g->n += n;
	g->total += n;
	return 0;
}

static int gather_file(struct gb_ctx *ctx, void *arg, const struct gb_boot_file *f, uint64_t size)
{
	(void)size;
	struct gather *g = arg;
	uint8_t *d;
	size_t n;
	if (gather_done(g))
		return 0;
	int r = gb_payload_read(ctx, g->m, f, (size_t)(GB_DEFAULT_INITRD_MAX - g->total), &d, &n);
	if (r)
		return r;
	if (!g->n) { /* the common case, a plain initrd: no copy */
		free(g->d);
		g->d = d;
		g->n = g->cap = n;
		g->total += n;
		return 0;
	}
	r = gather_bytes(ctx, g, d, n);
	free(d);
	return r;
}

static int gather_walk(struct gb_ctx *ctx, void *arg)
{
	struct gather *g = arg;
	int r = g->n && !g->w->stopped ? walk_segments(ctx, g->w, g->d, g->n) : 0;
	g->n = 0;
	return r;
}

/* A key for the memo: the files, the parts of them and how they are
 * wrapped (two profiles of a UKI name the same file). */
static bool entry_key(const struct gb_menu *m, const struct gb_entry *e, char *key, size_t cap,
		      struct gb_work **work)
{
	size_t l = (size_t)snprintf(key, cap, "initrd%s", gb_ramdisk_by_stub(e) ? "/stub" : "");
	for (size_t i = 0; i < e->ninitrds; i++) {
		const struct gb_boot_file *f = &e->initrds[i];
		char k[GB_PAYLOAD_KEY_MAX];
		*work = gb_payload_work(m, f, "", k, sizeof(k));
		int w = snprintf(key + l, cap - l, "%s#%llu+%llu|%d:%s|", k,
				 (unsigned long long)f->offset, (unsigned long long)f->length, f->cpio,
				 f->cpio_name ? f->cpio_name : "");
		if (!k[0] || w < 0 || (size_t)w >= cap - l)
			return false;
		l += (size_t)w;
	}
	return true;
}

static int entry_inspect_initrd(struct gb_ctx *ctx, const struct gb_menu *m, const struct gb_entry *e,
				struct gb_initrd_info *out)
{
	info_init(out);
	/* initrds named by several entries are read and inspected once */
	char key[GB_PAYLOAD_KEY_MAX * 2];
	struct gb_work *work = NULL;
	bool keyed = entry_key(m, e, key, sizeof(key), &work);
	const struct gb_initrd_info *seen = keyed ? gb_work_memo_get(work, key, sizeof(*out)) : NULL;
	if (seen) {
		*out = *seen;
		return 0;
	}
	struct walk w = { out, NULL, NULL, false, work };
	/* Each stretch is a run of segments, so walking them one after
	 * another sees what the kernel sees in their concatenation, with one
	 * initrd (or one archive of them) in memory at a time. */
	struct gather g = { &w, m, NULL, 0, 0, 0 };
	const struct gb_ramdisk_sink sink = { gather_bytes, NULL, gather_file, gather_walk, &g };
	int r = gb_ramdisk_build(ctx, m, e, &sink);
	if (!r)
		r = gather_walk(ctx, &g);
	free(g.d);
	if (r)
		return r;
	if (keyed)
		gb_work_memo_put(work, key, out, sizeof(*out));
	return 0;
}

/* The caller's struct may be older or newer than ours (guestboot.h, ABI):
 * fill a whole one, hand over what the caller's holds, also on failure. */
int gb_initrd_inspect(struct gb_ctx *ctx, const void *data, size_t len, struct gb_initrd_info *out,
		      int (*file)(void *arg, const char *name), void *arg)
{
	struct gb_initrd_info full;
	int r = gb_abi_out_ok(ctx, out, "struct gb_initrd_info");
	if (r)
		return r;
	r = initrd_inspect(ctx, data, len, &full, file, arg);
	gb_abi_out(out, &full, sizeof full);
	return r;
}

int gb_entry_inspect_initrd(struct gb_ctx *ctx, const struct gb_menu *m, const struct gb_entry *e,
			    struct gb_initrd_info *out)
{
	struct gb_initrd_info full;
	int r = gb_abi_out_ok(ctx, out, "struct gb_initrd_info");
	if (r)
		return r;
	r = entry_inspect_initrd(ctx, m, e, &full);
	gb_abi_out(out, &full, sizeof full);
	return r;
}
