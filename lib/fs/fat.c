/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* FAT12/16/32 with VFAT long names, read-only, after Microsoft's "FAT32
 * File System Specification" (fatgen103). Every on-disk number is checked
 * before use: the BPB at mount, each FAT entry as a chain is followed
 * (chains are bounded by the cluster count, so a loop ends the walk), and
 * each directory entry's cluster and size against the volume. */
#include "fs/fs.h"

#include <stdio.h>
#include <stdlib.h>

#define BS_SIZE 512
#define DIRENT_SIZE 32
/* The spec caps a directory at 65536 entries; we never read more. */
#define DIR_MAX_BYTES (65536u * DIRENT_SIZE)
#define FAT_WINDOW 65536 /* bytes of the FAT cached at once */
#define LFN_MAX_SLOTS 20 /* 20 * 13 = 260 UTF-16 units, the VFAT maximum */
#define NAME_MAX_UTF8 (255 * 3 + 1)

#define ATTR_RO 0x01
#define ATTR_VOLUME 0x08
#define ATTR_DIR 0x10
#define ATTR_LFN 0x0f
#define NT_LOWER_BASE 0x08
#define NT_LOWER_EXT 0x10
#define ROOT_INO 1 /* the root has no directory entry of its own */

/* Geometry from the BPB, all in bytes or clusters. */
struct fat_geom {
	int bits;                 /* 12, 16 or 32: by cluster count, as the spec says */
	uint32_t bps, spc;        /* bytes per sector, sectors per cluster */
	uint32_t cluster_size;
	uint64_t fat_off, fat_bytes; /* the first FAT */
	uint64_t root_off;        /* FAT12/16 fixed root directory */
	uint32_t root_bytes;
	uint32_t root_cluster;    /* FAT32 */
	uint64_t data_off;        /* cluster 2 */
	uint64_t fs_bytes;        /* total sectors * bps */
	uint32_t nclusters;       /* valid clusters are 2 .. nclusters + 1 */
	char uuid[10];
	char label[12];
};

struct fat_fs {
	struct gb_fs base;
	struct fat_geom g;
	/* A window onto the first FAT, so a chain walk is not a read per
	 * entry. Owned by this handle: no global state. */
	uint8_t *win;
	uint64_t win_off, win_len;
};

struct fat_node {
	struct gb_node base;
	uint32_t first;      /* first cluster; 0 for empty files and a fixed root */
	bool fixed_root;     /* FAT12/16 root: a region, not a chain */
	bool checked;        /* chain length checked against the size */
	/* Where the last read ended, so sequential reads do not walk the
	 * chain from its start each time. */
	uint64_t pos_index;
	uint32_t pos_cluster;
};

/* ---- boot sector ------------------------------------------------------ */

static bool pow2(uint32_t v)
{
	return v && !(v & (v - 1));
}

/* Trim trailing spaces of a space-padded on-disk string. */
static void copy_trimmed(char *dst, size_t cap, const uint8_t *src, size_t n)
{
	gb_copy_label(dst, cap, src, n);
	size_t len = strlen(dst);
	while (len && dst[len - 1] == ' ')
		dst[--len] = '\0';
}

/* Validate the BPB and derive the layout. GB_E_NOT_MINE when the sector is
 * no FAT boot sector; GB_E_CORRUPT when it is one with impossible values. */
static int parse_bpb(struct gb_ctx *ctx, const uint8_t *bs, struct fat_geom *g)
{
	/* A jump instruction, then BPB values a FAT driver would accept. */
	if (!(bs[0] == 0xeb && bs[2] == 0x90) && bs[0] != 0xe9)
		return GB_E_NOT_MINE;
	uint32_t bps = gb_le16(bs + 11), spc = bs[13], rsvd = gb_le16(bs + 14);
	uint32_t nfats = bs[16], root_ents = gb_le16(bs + 17), media = bs[21];
	uint64_t total = gb_le16(bs + 19) ? gb_le16(bs + 19) : gb_le32(bs + 32);
	uint64_t fatsz = gb_le16(bs + 22) ? gb_le16(bs + 22) : gb_le32(bs + 36);
	if (!pow2(bps) || bps < 512 || bps > 4096 || !pow2(spc) || rsvd == 0 ||
	    nfats == 0 || (media != 0xf0 && media < 0xf8) || total == 0 || fatsz == 0)
		return GB_E_NOT_MINE;

	memset(g, 0, sizeof(*g));
	/* Serial and label first: a probe reports them even when the
	 * geometry below is damaged. FAT32 is told apart here as blkid does,
	 * by the 16-bit sizes being zero. */
	bool fat32 = root_ents == 0 && gb_le16(bs + 22) == 0;
	const uint8_t *ext = bs + (fat32 ? 64 : 36); /* extended BPB */
	/* Extended boot signature 0x29: serial and label follow (0x28: serial only). */
	if (ext[2] == 0x29 || ext[2] == 0x28)
		snprintf(g->uuid, sizeof(g->uuid), "%04X-%04X", gb_le16(ext + 5), gb_le16(ext + 3));
	if (ext[2] == 0x29)
		copy_trimmed(g->label, sizeof(g->label), ext + 7, 11);

	g->bps = bps;
	g->spc = spc;
	g->cluster_size = bps * spc;
	if (g->cluster_size > 65536) /* the spec's limit; 256 KiB would wrap */
		return gb_error(ctx, GB_E_CORRUPT, "cluster size %u", g->cluster_size);
	uint64_t root_sectors = ((uint64_t)root_ents * DIRENT_SIZE + bps - 1) / bps;
	uint64_t meta = rsvd + nfats * fatsz + root_sectors;
	if (meta >= total)
		return gb_error(ctx, GB_E_CORRUPT, "no room for data: %llu of %llu sectors are metadata",
				(unsigned long long)meta, (unsigned long long)total);
	uint64_t count = (total - meta) / spc;
	g->bits = count < 4085 ? 12 : count < 65525 ? 16 : 32;
	if (count > 0x0ffffff5)
		return gb_error(ctx, GB_E_CORRUPT, "%llu clusters", (unsigned long long)count);
	g->nclusters = (uint32_t)count;
	g->fat_off = (uint64_t)rsvd * bps;
	g->fat_bytes = fatsz * bps;
	g->root_off = (rsvd + nfats * fatsz) * bps;
	g->root_bytes = (uint32_t)(root_sectors * bps);
	g->data_off = meta * bps;
	g->fs_bytes = total * bps;

	/* The FAT must hold an entry for every cluster. */
	uint64_t need = g->bits == 12 ? ((count + 2) * 3 + 1) / 2 : (count + 2) * (uint64_t)(g->bits / 8);
	if (g->fat_bytes < need)
		return gb_error(ctx, GB_E_CORRUPT, "FAT of %llu bytes is too small for %u clusters",
				(unsigned long long)g->fat_bytes, g->nclusters);

	if (g->bits == 32) {
		if (!fat32)
			return gb_error(ctx, GB_E_CORRUPT, "FAT32 with a fixed root directory");
		if (gb_le16(bs + 42) != 0)
			return gb_error(ctx, GB_E_UNSUPPORTED, "FAT32 version %u", gb_le16(bs + 42));
		g->root_cluster = gb_le32(bs + 44);
	} else if (root_ents == 0) {
		return gb_error(ctx, GB_E_CORRUPT, "FAT%d without a root directory", g->bits);
	}
	return 0;
}

/* ---- FAT entries and chains ------------------------------------------- */

static int fat_byte(struct gb_ctx *ctx, struct fat_fs *fs, uint64_t off, uint8_t *out)
{
	if (off >= fs->g.fat_bytes) /* parse_bpb sized the FAT; never reached */
		return gb_error(ctx, GB_E_CORRUPT, "FAT entry past the FAT");
	if (off < fs->win_off || off >= fs->win_off + fs->win_len) {
		uint64_t start = off - off % FAT_WINDOW;
		uint64_t len = fs->g.fat_bytes - start;
		if (len > FAT_WINDOW)
			len = FAT_WINDOW;
		int r = gb_vol_read(ctx, fs->base.vol, fs->g.fat_off + start, fs->win, (size_t)len);
		if (r) {
			fs->win_len = 0;
			return r;
		}
		fs->win_off = start;
		fs->win_len = len;
	}
	*out = fs->win[off - fs->win_off];
	return 0;
}

/* The FAT entry of cluster cl (2 .. nclusters+1), in FAT32 terms: end of
 * chain is >= 0x0ffffff8, bad is 0x0ffffff7. */
static int fat_entry(struct gb_ctx *ctx, struct fat_fs *fs, uint32_t cl, uint32_t *val)
{
	uint8_t b[4] = { 0 };
	int r = 0;
	if (fs->g.bits == 12) {
		uint64_t off = (uint64_t)cl * 3 / 2;
		if ((r = fat_byte(ctx, fs, off, &b[0])) || (r = fat_byte(ctx, fs, off + 1, &b[1])))
			return r;
		uint32_t v = gb_le16(b);
		v = (cl & 1) ? v >> 4 : v & 0xfff;
		*val = v >= 0xff7 ? v | 0x0ffff000 : v;
	} else if (fs->g.bits == 16) {
		uint64_t off = (uint64_t)cl * 2;
		if ((r = fat_byte(ctx, fs, off, &b[0])) || (r = fat_byte(ctx, fs, off + 1, &b[1])))
			return r;
		uint32_t v = gb_le16(b);
		*val = v >= 0xfff7 ? v | 0x0fff0000 : v;
	} else {
		for (int i = 0; i < 4 && !r; i++)
			r = fat_byte(ctx, fs, (uint64_t)cl * 4 + (uint64_t)i, &b[i]);
		if (r)
			return r;
		*val = gb_le32(b) & 0x0fffffff; /* the top four bits are reserved */
	}
	return 0;
}

static bool valid_cluster(const struct fat_fs *fs, uint32_t cl)
{
	return cl >= 2 && cl - 2 < fs->g.nclusters;
}

/* Next cluster of a chain: *next = 0 at the end of the chain. */
static int chain_next(struct gb_ctx *ctx, struct fat_fs *fs, uint32_t cl, uint32_t *next)
{
	uint32_t v;
	int r = fat_entry(ctx, fs, cl, &v);
	if (r)
		return r;
	if (v >= 0x0ffffff8) {
		*next = 0;
		return 0;
	}
	if (v == 0x0ffffff7)
		return gb_error(ctx, GB_E_CORRUPT, "cluster %u is marked bad but in use", cl);
	if (!valid_cluster(fs, v))
		return gb_error(ctx, GB_E_CORRUPT, "cluster %u links to invalid cluster %u", cl, v);
	*next = v;
	return 0;
}

static uint64_t cluster_off(const struct fat_fs *fs, uint32_t cl)
{
	return fs->g.data_off + (uint64_t)(cl - 2) * fs->g.cluster_size;
}

/* Count the clusters of a chain, refusing loops and chains longer than
 * max (walking at most max + 1 links, so the walk is always bounded). */
static int chain_length(struct gb_ctx *ctx, struct fat_fs *fs, uint32_t first,
			uint64_t max, uint64_t *count)
{
	uint32_t cl = first;
	uint64_t n = 0;
	while (cl) {
		if (++n > max)
			return gb_error(ctx, GB_E_CORRUPT,
					"cluster chain from %u is longer than %llu clusters (a loop?)",
					first, (unsigned long long)max);
		int r = chain_next(ctx, fs, cl, &cl);
		if (r)
			return r;
	}
	*count = n;
	return 0;
}

/* ---- directories -------------------------------------------------------- */

struct fat_entry {
	char name[NAME_MAX_UTF8];
	char short_name[13];
	uint8_t attr;
	uint32_t first;
	uint32_t size;
	int64_t mtime;
	uint64_t pos; /* byte offset of the short entry in the volume */
};

/* The long-name run being assembled while walking a directory. */
struct lfn_state {
	int expect;   /* next ordinal expected; 0 when no run is open */
	int count;    /* slots in the run */
	uint8_t sum;  /* checksum of the short name it belongs to */
	uint8_t units[LFN_MAX_SLOTS * 26];
};

/* The checksum a long-name run carries of its short name (fatgen103). */
static uint8_t short_sum(const uint8_t *e)
{
	uint8_t s = 0;
	for (int i = 0; i < 11; i++)
		s = (uint8_t)(((s & 1) << 7) + (s >> 1) + e[i]);
	return s;
}

static void lfn_slot(struct lfn_state *l, const uint8_t *e)
{
	int ord = e[0] & 0x1f;
	bool last = e[0] & 0x40;
	if (last) {
		/* A new run: any open one was broken. */
		if (ord < 1 || ord > LFN_MAX_SLOTS) {
			l->expect = l->count = 0;
			return;
		}
		l->count = ord;
		l->sum = e[13];
		memset(l->units, 0xff, sizeof(l->units));
	} else if (!l->expect || ord != l->expect || e[13] != l->sum) {
		/* out of order or another name's slot: the run is broken */
		l->expect = l->count = 0;
		return;
	}
	/* 13 UTF-16 units, at bytes 1 (5), 14 (6) and 28 (2). ord came from
	 * the slot: checked against the buffer here, where it is used. */
	size_t at = (size_t)(ord - 1) * 26;
	if (ord < 1 || at + 26 > sizeof(l->units)) {
		l->expect = l->count = 0;
		return;
	}
	uint8_t *u = l->units + at;
	memcpy(u, e + 1, 10);
	memcpy(u + 10, e + 14, 12);
	memcpy(u + 22, e + 28, 4);
	l->expect = ord - 1;
}

/* 8.3 name with the NT lowercase flags; bytes >= 0x80 (an OEM code page
 * we do not know) become '?'. */
static void short_name(const uint8_t *e, char out[13])
{
	size_t o = 0;
	int blen = 8, elen = 3;
	while (blen && e[blen - 1] == ' ')
		blen--;
	while (elen && e[8 + elen - 1] == ' ')
		elen--;
	for (int i = 0; i < blen + elen; i++) {
		if (i == blen)
			out[o++] = '.';
		uint8_t c = e[i < blen ? i : 8 + i - blen];
		if (i == 0 && c == 0x05)
			c = 0xe5; /* a name really starting with 0xE5 */
		bool lower = i < blen ? (e[12] & NT_LOWER_BASE) : (e[12] & NT_LOWER_EXT);
		if (lower && c >= 'A' && c <= 'Z')
			c = (uint8_t)(c + 32);
		if (c >= 0x80 || c < 0x20 || c == '/')
			c = '?';
		out[o++] = (char)c;
	}
	out[o] = '\0';
}

static int64_t fat_time(uint16_t date, uint16_t time)
{
	if (date == 0)
		return 0;
	/* No time zone on disk: taken as UTC, as mtools and Linux (tz=UTC) do. */
	unsigned day = date & 31, mon = date >> 5 & 15, sec = (time & 31) * 2;
	return gb_civil_to_epoch(1980 + (date >> 9), mon ? mon : 1, day ? day : 1,
				 time >> 11, time >> 5 & 63, sec);
}

/* Decode the short entry e (with the long-name run before it). */
static void make_entry(struct lfn_state *l, const uint8_t *e, uint64_t pos,
		       int bits, struct fat_entry *out)
{
	short_name(e, out->short_name);
	out->name[0] = '\0';
	if (l->count && l->expect == 0 && l->sum == short_sum(e) &&
	    gb_utf16_to_utf8(l->units, (size_t)l->count * 13, false, out->name,
			     sizeof(out->name)) <= 0)
		out->name[0] = '\0'; /* broken name: the 8.3 one is used */
	if (!out->name[0])
		memcpy(out->name, out->short_name, sizeof(out->short_name));
	l->count = 0;
	l->expect = 0;
	out->attr = e[11];
	out->first = gb_le16(e + 26) | (bits == 32 ? (uint32_t)gb_le16(e + 20) << 16 : 0);
	out->size = gb_le32(e + 28);
	out->mtime = fat_time(gb_le16(e + 24), gb_le16(e + 22));
	out->pos = pos;
}

static enum gb_ftype entry_type(const struct fat_entry *e)
{
	return (e->attr & ATTR_DIR) ? GB_FT_DIR : GB_FT_REG;
}

/* Walk the 32-byte entries of buf (one cluster or the fixed root), each
 * entry to fn: found by its long or its short name (fold_case is set at
 * mount: names match without case, as Windows and Linux do). Returns 1 at
 * the end-of-directory mark or when fn stopped the walk. */
static int scan_block(struct fat_fs *fs, struct lfn_state *l, const uint8_t *buf,
		      size_t len, uint64_t pos, gb_fs_entry_fn fn, void *arg, uint8_t *label)
{
	for (size_t i = 0; i + DIRENT_SIZE <= len; i += DIRENT_SIZE) {
		const uint8_t *e = buf + i;
		if (e[0] == 0x00)
			return 1; /* this and every later entry are free */
		if (e[0] == 0xe5) {
			l->expect = l->count = 0;
			continue;
		}
		if ((e[11] & 0x3f) == ATTR_LFN) {
			lfn_slot(l, e);
			continue;
		}
		if (e[11] & ATTR_VOLUME) {
			if (label && !label[0])
				memcpy(label, e, 11);
			l->expect = l->count = 0;
			continue;
		}
		if (e[0] == '.' && (e[1] == ' ' || (e[1] == '.' && e[2] == ' '))) {
			l->expect = l->count = 0;
			continue; /* "." and "..": the path walker handles them */
		}
		if (!fn)
			continue;
		struct fat_entry ent;
		make_entry(l, e, pos + i, fs->g.bits, &ent);
		struct gb_fs_entry ge = { .name = ent.name, .len = strlen(ent.name),
					  .alias = ent.short_name, .type = entry_type(&ent),
					  .ino = ent.pos, .rec = &ent };
		int r = fn(arg, &ge);
		if (r)
			return r;
	}
	return 0;
}

/* Walk a directory: the fixed root, or a chain (FAT32 root, subdirectories)
 * bounded by the spec's 65536 entries. label, when given, receives the
 * volume-label entry (11 bytes). */
static int walk_dir(struct gb_ctx *ctx, struct fat_fs *fs, const struct fat_node *dir,
		    gb_fs_entry_fn fn, void *arg, uint8_t *label)
{
	struct lfn_state *l = calloc(1, sizeof(*l));
	size_t bufsize = dir->fixed_root ? fs->g.root_bytes : fs->g.cluster_size;
	uint8_t *buf = malloc(bufsize ? bufsize : 1);
	int r = 0;
	if (!l || !buf) {
		r = gb_error(ctx, GB_E_NOMEM, "out of memory");
		goto out;
	}
	if (dir->fixed_root) {
		if (!(r = gb_fs_charge(ctx, &fs->base, bufsize)) &&
		    !(r = gb_vol_read(ctx, fs->base.vol, fs->g.root_off, buf, bufsize)))
			r = scan_block(fs, l, buf, bufsize, fs->g.root_off, fn, arg, label);
		goto out;
	}
	uint32_t cl = dir->first;
	uint64_t max = DIR_MAX_BYTES / fs->g.cluster_size + 1, n = 0;
	if (!valid_cluster(fs, cl)) {
		r = gb_error(ctx, GB_E_CORRUPT, "directory starts at invalid cluster %u", cl);
		goto out;
	}
	while (cl && r == 0) {
		if (++n > max) {
			r = gb_error(ctx, GB_E_CORRUPT,
				     "directory longer than %u entries (a cluster loop?)", 65536u);
			break;
		}
		uint64_t off = cluster_off(fs, cl);
		if ((r = gb_fs_charge(ctx, &fs->base, bufsize)) ||
		    (r = gb_vol_read(ctx, fs->base.vol, off, buf, bufsize)))
			break;
		r = scan_block(fs, l, buf, bufsize, off, fn, arg, label);
		if (r == 0)
			r = chain_next(ctx, fs, cl, &cl);
	}
out:
	free(l);
	free(buf);
	return r < 0 ? r : 0;
}

/* ---- probe and mount -------------------------------------------------- */

static int read_geom(struct gb_ctx *ctx, struct gb_volume *vol, struct fat_geom *g)
{
	uint8_t bs[BS_SIZE];
	if (vol->size < BS_SIZE)
		return GB_E_NOT_MINE;
	int r = gb_vol_read(ctx, vol, 0, bs, sizeof(bs));
	if (r)
		return r;
	return parse_bpb(ctx, bs, g);
}

static int check_geom(struct gb_ctx *ctx, struct gb_volume *vol, const struct fat_geom *g)
{
	if (g->fs_bytes > vol->size)
		return gb_error(ctx, GB_E_CORRUPT,
				"file system of %llu bytes is larger than its volume (%llu bytes)",
				(unsigned long long)g->fs_bytes, (unsigned long long)vol->size);
	if (g->bits == 32 && !(g->root_cluster >= 2 && g->root_cluster - 2 < g->nclusters))
		return gb_error(ctx, GB_E_CORRUPT, "root directory at invalid cluster %u",
				g->root_cluster);
	return 0;
}

static int fs_new(struct gb_ctx *ctx, struct gb_volume *vol, const struct fat_geom *g,
		  struct fat_fs **out)
{
	struct fat_fs *fs = calloc(1, sizeof(*fs));
	uint8_t *win = malloc(FAT_WINDOW);
	if (!fs || !win) {
		free(fs);
		free(win);
		return gb_error(ctx, GB_E_NOMEM, "out of memory");
	}
	fs->base.vol = vol;
	fs->g = *g;
	fs->win = win;
	*out = fs;
	return 0;
}

static void fat_umount(struct gb_fs *base)
{
	struct fat_fs *fs = (struct fat_fs *)base;
	free(fs->win);
	free(fs);
}

static void root_node(const struct fat_fs *fs, struct fat_node *n)
{
	memset(n, 0, sizeof(*n));
	n->base.st.type = GB_FT_DIR;
	n->base.st.mode = 0755;
	n->base.st.ino = ROOT_INO;
	n->fixed_root = fs->g.bits != 32;
	n->first = fs->g.bits == 32 ? fs->g.root_cluster : 0;
}

static int fat_probe(struct gb_ctx *ctx, struct gb_volume *vol, struct gb_fs_probe *out)
{
	struct fat_geom g;
	int r = read_geom(ctx, vol, &g);
	if (r == GB_E_NOT_MINE || r == GB_E_IO)
		return r;
	/* A FAT boot sector with damaged geometry is still FAT: mount
	 * reports the damage. */
	snprintf(out->type, sizeof(out->type), "vfat");
	snprintf(out->uuid, sizeof(out->uuid), "%s", g.uuid);
	/* blkid prefers the root directory's volume-label entry, and ignores
	 * the boot sector's default "NO NAME". */
	if (strcmp(g.label, "NO NAME"))
		snprintf(out->label, sizeof(out->label), "%s", g.label);
	struct fat_fs *fs;
	if (r || check_geom(ctx, vol, &g) || fs_new(ctx, vol, &g, &fs))
		return 0;
	struct fat_node root;
	root_node(fs, &root);
	uint8_t label[12] = { 0 };
	if (walk_dir(ctx, fs, &root, NULL, NULL, label) == 0 && label[0])
		copy_trimmed(out->label, sizeof(out->label), label, 11);
	fat_umount(&fs->base);
	return 0;
}

static int fat_mount(struct gb_ctx *ctx, struct gb_volume *vol, struct gb_fs **out)
{
	struct fat_geom g;
	int r = read_geom(ctx, vol, &g);
	if (r == GB_E_NOT_MINE)
		return gb_error(ctx, GB_E_CORRUPT, "bad boot sector");
	if (r || (r = check_geom(ctx, vol, &g)))
		return r;
	struct fat_fs *fs;
	if ((r = fs_new(ctx, vol, &g, &fs)))
		return r;
	fs->base.fold_case = true;
	*out = &fs->base;
	return 0;
}

/* ---- nodes ------------------------------------------------------------ */

static int fat_root(struct gb_ctx *ctx, struct gb_fs *base, struct gb_node **out)
{
	struct fat_node *n = malloc(sizeof(*n));
	if (!n)
		return gb_error(ctx, GB_E_NOMEM, "out of memory");
	root_node((struct fat_fs *)base, n);
	*out = &n->base;
	return 0;
}

static void fat_release(struct gb_fs *fs, struct gb_node *node)
{
	(void)fs;
	free(node);
}

static int fat_scan(struct gb_ctx *ctx, struct gb_fs *base, struct gb_node *dir,
		    gb_fs_entry_fn fn, void *arg)
{
	return walk_dir(ctx, (struct fat_fs *)base, (struct fat_node *)dir, fn, arg, NULL);
}

static int fat_entry_node(struct gb_ctx *ctx, struct gb_fs *base, struct gb_fs_entry *ge,
			  struct gb_node **out)
{
	(void)base;
	const struct fat_entry *e = ge->rec;
	struct fat_node *n = calloc(1, sizeof(*n));
	if (!n)
		return gb_error(ctx, GB_E_NOMEM, "out of memory");
	n->base.st.type = entry_type(e);
	n->base.st.mode = n->base.st.type == GB_FT_DIR ? 0755 : (e->attr & ATTR_RO) ? 0444 : 0644;
	n->base.st.size = n->base.st.type == GB_FT_DIR ? 0 : e->size;
	n->base.st.mtime = e->mtime;
	n->base.st.ino = e->pos;
	n->first = e->first;
	*out = &n->base;
	return 0;
}

static int fat_readlink(struct gb_ctx *ctx, struct gb_fs *fs, struct gb_node *node,
			char *buf, size_t cap, size_t *len)
{
	(void)fs, (void)node, (void)buf, (void)cap, (void)len;
	return gb_error(ctx, GB_E_CORRUPT, "FAT has no symbolic links");
}

/* A file's chain must hold exactly the clusters its size needs. */
static int check_chain(struct gb_ctx *ctx, struct fat_fs *fs, struct fat_node *n)
{
	uint64_t size = n->base.st.size, cs = fs->g.cluster_size;
	uint64_t need = (size + cs - 1) / cs, have = 0;
	if (need == 0) {
		n->checked = true;
		return 0; /* an empty file's cluster field is not used */
	}
	if (!valid_cluster(fs, n->first))
		return gb_error(ctx, GB_E_CORRUPT, "file of %llu bytes starts at invalid cluster %u",
				(unsigned long long)size, n->first);
	if (need > fs->g.nclusters)
		return gb_error(ctx, GB_E_CORRUPT, "file of %llu bytes is larger than the volume",
				(unsigned long long)size);
	int r = chain_length(ctx, fs, n->first, need, &have);
	if (r)
		return r;
	if (have < need)
		return gb_error(ctx, GB_E_CORRUPT,
				"file of %llu bytes has only %llu clusters",
				(unsigned long long)size, (unsigned long long)have);
	n->checked = true;
	n->pos_index = 0;
	n->pos_cluster = n->first;
	return 0;
}

/* Cluster number `index` of the file, from the cached position when it is
 * not past it. The chain was checked, so every step is a valid link. */
static int seek_cluster(struct gb_ctx *ctx, struct fat_fs *fs, struct fat_node *n,
			uint64_t index, uint32_t *cl)
{
	if (index < n->pos_index) {
		n->pos_index = 0;
		n->pos_cluster = n->first;
	}
	while (n->pos_index < index) {
		uint32_t next = 0;
		int r = chain_next(ctx, fs, n->pos_cluster, &next);
		if (r)
			return r;
		if (!next)
			return gb_error(ctx, GB_E_CORRUPT, "cluster chain ends early");
		n->pos_cluster = next;
		n->pos_index++;
	}
	*cl = n->pos_cluster;
	return 0;
}

/* The run of clusters that follow each other on disk from off (the chain
 * checked, the position cached). */
static int fat_extent(struct gb_ctx *ctx, struct gb_fs *base, struct gb_node *node,
		      uint64_t off, uint64_t len, struct gb_extent *ex)
{
	struct fat_fs *fs = (struct fat_fs *)base;
	struct fat_node *n = (struct fat_node *)node;
	uint64_t cs = fs->g.cluster_size;
	int r;
	if (!n->checked && (r = check_chain(ctx, fs, n)))
		return r;
	uint32_t cl = 0;
	if ((r = seek_cluster(ctx, fs, n, off / cs, &cl)))
		return r;
	uint64_t in = off % cs, have = cs - in;
	while (have < len) {
		uint32_t next = 0;
		if ((r = chain_next(ctx, fs, n->pos_cluster, &next)))
			return r;
		if (next != n->pos_cluster + 1)
			break;
		n->pos_cluster = next;
		n->pos_index++;
		have += cs;
	}
	ex->kind = GB_EXTENT_DATA;
	ex->vol_off = cluster_off(fs, cl) + in;
	ex->len = have < len ? have : len;
	return 0;
}

const struct gb_fs_driver gb_fs_fat = {
	.name = "fat",
	.probe = fat_probe,
	.mount = fat_mount,
	.umount = fat_umount,
	.root = fat_root,
	.scan = fat_scan,
	.entry_node = fat_entry_node,
	.readlink = fat_readlink,
	.extent = fat_extent,
	.release = fat_release,
};
