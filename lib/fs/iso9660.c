/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* ISO9660 (ECMA-119) with Rock Ridge (SUSP/RRIP, IEEE P1281/P1282) and
 * Joliet, read-only. Rock Ridge is preferred (POSIX names, modes, symlinks),
 * then Joliet (Unicode names), then plain ISO names, as Linux does.
 *
 * Every length in a directory record and a SUSP entry is checked before it
 * is used: XSA-497 (Xen's libfsimage, 2026) was SUSP entries of length 0
 * (an endless loop), lengths that underflowed, and continuation areas that
 * pointed at themselves. Here an entry shorter than its fixed part is an
 * error, a continuation area must lie inside one block of the volume, may
 * not repeat, and at most ISO_CE_MAX are followed per record. */
#include "fs/fs.h"

#include <stdio.h>
#include <stdlib.h>

#define ISO_SECTOR 2048           /* volume descriptors are always 2 KiB apart */
#define VD_FIRST 16
#define VD_MAX 64                 /* descriptors scanned before giving up */
#define DIR_MAX_BYTES (32u << 20) /* a directory larger than this is refused */
#define ISO_CE_MAX 32             /* continuation areas followed per record */
#define ISO_EXTENTS_MAX 4096      /* pieces of one multi-extent file */
#define RR_NAME_MAX 1024
#define DIR_REC_MIN 34            /* 33 fixed bytes and a name of at least one */

#define VD_BOOT 0
#define VD_PRIMARY 1
#define VD_SUPPLEMENTARY 2
#define VD_END 255

#define FLAG_DIR 0x02
#define FLAG_ASSOCIATED 0x04
#define FLAG_NOT_FINAL 0x80

struct extent {
	uint64_t off, len;
};

struct iso_fs {
	struct gb_fs base;
	uint32_t bs;          /* logical block size: extents count in these */
	uint8_t root[34];     /* root directory record of the tree we read */
	uint64_t root_pos;    /* its byte position: the root's inode number */
	bool rr;              /* Rock Ridge (an SP entry in the root's ".") */
	uint8_t susp_skip;    /* SP's LEN_SKP: bytes before SUSP entries */
	bool joliet;
	/* El Torito: the boot catalog's block, when a boot record is present.
	 * Not needed to read files; kept so a caller (and a debugger) can see
	 * that the image is bootable from optical media. */
	bool eltorito;
	uint32_t boot_catalog;
};

struct iso_node {
	struct gb_node base;
	struct extent *ext;
	size_t next;
	char *link;            /* symbolic link target (Rock Ridge SL) */
	bool compressed;       /* zisofs (ZF): refused on read */
	bool interleaved;      /* file unit size/gap: refused on read */
};

/* ---- volume descriptors --------------------------------------------- */

struct vds {
	uint8_t pvd[ISO_SECTOR];
	uint8_t svd[ISO_SECTOR];  /* the Joliet descriptor, when joliet */
	uint64_t pvd_pos, svd_pos;
	bool joliet;
	bool eltorito;
	uint32_t boot_catalog;
};

static bool is_joliet(const uint8_t *vd)
{
	/* Escape sequences %/@, %/C, %/E: UCS-2 levels 1 to 3. */
	const uint8_t *e = vd + 88;
	return e[0] == '%' && e[1] == '/' && (e[2] == '@' || e[2] == 'C' || e[2] == 'E');
}

static int read_vds(struct gb_ctx *ctx, struct gb_volume *vol, struct vds *v)
{
	bool have_pvd = false;
	uint8_t *d = malloc(ISO_SECTOR);
	if (!d)
		return gb_error(ctx, GB_E_NOMEM, "out of memory");
	int r = GB_E_NOT_MINE;
	v->joliet = v->eltorito = false;
	for (uint32_t i = 0; i < VD_MAX; i++) {
		uint64_t off = (uint64_t)(VD_FIRST + i) * ISO_SECTOR;
		if (!gb_range_ok(off, ISO_SECTOR, vol->size))
			break;
		if ((r = gb_vol_read(ctx, vol, off, d, ISO_SECTOR)))
			break;
		r = GB_E_NOT_MINE;
		if (memcmp(d + 1, "CD001", 5) || d[6] != 1)
			break; /* not a descriptor: the set ended without a terminator */
		if (d[0] == VD_END)
			break;
		if (d[0] == VD_PRIMARY && !have_pvd) {
			memcpy(v->pvd, d, ISO_SECTOR);
			v->pvd_pos = off;
			have_pvd = true;
		} else if (d[0] == VD_SUPPLEMENTARY && !v->joliet && is_joliet(d)) {
			memcpy(v->svd, d, ISO_SECTOR);
			v->svd_pos = off;
			v->joliet = true;
		} else if (d[0] == VD_BOOT && !memcmp(d + 7, "EL TORITO SPECIFICATION", 23)) {
			v->eltorito = true;
			v->boot_catalog = gb_le32(d + 71);
		}
	}
	free(d);
	if (r == GB_E_IO || r == GB_E_NOMEM)
		return r;
	return have_pvd ? 0 : GB_E_NOT_MINE;
}

/* blkid's UUID: the modification date's digits, or the creation date's
 * when that is unset, as YYYY-MM-DD-HH-MM-SS-CC. */
static bool date_uuid(const uint8_t *d, char *out, size_t cap)
{
	bool set = false;
	for (int i = 0; i < 16; i++) {
		if (d[i] < '0' || d[i] > '9')
			return false;
		set |= d[i] != '0';
	}
	if (!set)
		return false;
	snprintf(out, cap, "%.4s-%.2s-%.2s-%.2s-%.2s-%.2s-%.2s", d, d + 4, d + 6,
		 d + 8, d + 10, d + 12, d + 14);
	return true;
}

static int iso_probe(struct gb_ctx *ctx, struct gb_volume *vol, struct gb_fs_probe *out)
{
	struct vds *v = malloc(sizeof(*v));
	if (!v)
		return gb_error(ctx, GB_E_NOMEM, "out of memory");
	int r = read_vds(ctx, vol, v);
	if (r == 0) {
		snprintf(out->type, sizeof(out->type), "iso9660");
		if (!date_uuid(v->pvd + 830, out->uuid, sizeof(out->uuid)))
			date_uuid(v->pvd + 813, out->uuid, sizeof(out->uuid));
		gb_copy_label(out->label, sizeof(out->label), v->pvd + 40, 32);
		size_t len = strlen(out->label);
		while (len && out->label[len - 1] == ' ')
			out->label[--len] = '\0';
	}
	free(v);
	return r;
}

/* ---- directory records ------------------------------------------------ */

static int64_t rec_time(const uint8_t *t)
{
	/* Years since 1900 .. seconds, then the offset from UTC in 15-minute
	 * steps (signed). */
	int64_t s = gb_civil_to_epoch(1900 + t[0], t[1], t[2] ? t[2] : 1, t[3], t[4], t[5]);
	return s - (int64_t)(int8_t)t[6] * 15 * 60;
}

/* RRIP TF time, short (7 bytes, as a record's) or long form (17 digits). */
static int64_t tf_time(const uint8_t *t, bool long_form)
{
	if (!long_form)
		return rec_time(t);
	int v[7] = { 0 };
	static const int widths[7] = { 4, 2, 2, 2, 2, 2, 2 };
	const uint8_t *p = t;
	for (int i = 0; i < 7; i++)
		for (int k = 0; k < widths[i]; k++, p++)
			v[i] = v[i] * 10 + (*p >= '0' && *p <= '9' ? *p - '0' : 0);
	int64_t s = gb_civil_to_epoch(v[0], (unsigned)v[1], v[2] ? (unsigned)v[2] : 1,
				      (unsigned)v[3], (unsigned)v[4], (unsigned)v[5]);
	return s - (int64_t)(int8_t)t[16] * 15 * 60;
}

/* What the Rock Ridge entries of one record say. */
struct rr_info {
	char name[RR_NAME_MAX];
	size_t name_len;
	bool have_name, dot;  /* NM; NM naming "." or ".." */
	bool have_mode;
	uint32_t mode;
	bool have_mtime;
	int64_t mtime;
	char *link;           /* SL, assembled; malloc'd */
	size_t link_len;
	bool link_sep;        /* the next component needs a '/' first */
	bool relocated;       /* RE: shown where its CL entry is instead */
	bool have_cl;
	uint32_t cl;          /* CL: the directory's real block */
	bool compressed;      /* ZF */
};

static int rr_append_name(struct gb_ctx *ctx, struct rr_info *rr, const uint8_t *s, size_t n)
{
	if (n >= RR_NAME_MAX - rr->name_len)
		return gb_error(ctx, GB_E_CORRUPT, "Rock Ridge name longer than %d bytes", RR_NAME_MAX - 1);
	for (size_t i = 0; i < n; i++)
		if (s[i] == '\0' || s[i] == '/')
			return gb_error(ctx, GB_E_CORRUPT, "Rock Ridge name contains '%s'",
					s[i] ? "/" : "NUL");
	memcpy(rr->name + rr->name_len, s, n);
	rr->name_len += n;
	rr->name[rr->name_len] = '\0';
	rr->have_name = true;
	return 0;
}

static int rr_append_link(struct gb_ctx *ctx, struct rr_info *rr, const char *s, size_t n)
{
	if (!rr->link && !(rr->link = malloc(GB_PATH_MAX + 1)))
		return gb_error(ctx, GB_E_NOMEM, "out of memory");
	if (n > GB_PATH_MAX - rr->link_len)
		return gb_error(ctx, GB_E_CORRUPT, "symbolic link longer than %d bytes", GB_PATH_MAX);
	if (memchr(s, '\0', n))
		return gb_error(ctx, GB_E_CORRUPT, "symbolic link contains a NUL byte");
	memcpy(rr->link + rr->link_len, s, n);
	rr->link_len += n;
	rr->link[rr->link_len] = '\0';
	return 0;
}

/* SL: a list of components, each {flags, length, text}. Flags: 1 the
 * component continues in the next one, 2 ".", 4 "..", 8 the root. */
static int rr_symlink(struct gb_ctx *ctx, struct rr_info *rr, const uint8_t *e, size_t len)
{
	int r = 0;
	for (size_t p = 5; p < len && !r;) {
		if (len - p < 2)
			return gb_error(ctx, GB_E_CORRUPT, "truncated SL component");
		uint8_t flags = e[p], clen = e[p + 1];
		if (clen > len - p - 2)
			return gb_error(ctx, GB_E_CORRUPT, "SL component of %u bytes overruns its entry", clen);
		const uint8_t *text = e + p + 2;
		p += 2 + (size_t)clen;
		if (flags & 0x08) {
			rr->link_len = 0; /* absolute: starts again at the root */
			r = rr_append_link(ctx, rr, "/", 1);
			rr->link_sep = false;
			continue;
		}
		if (rr->link_sep && (r = rr_append_link(ctx, rr, "/", 1)))
			break;
		if (flags & 0x02)
			r = rr_append_link(ctx, rr, ".", 1);
		else if (flags & 0x04)
			r = rr_append_link(ctx, rr, "..", 2);
		else
			r = rr_append_link(ctx, rr, (const char *)text, clen);
		rr->link_sep = !(flags & 0x01);
	}
	if (!r && !rr->link)
		r = rr_append_link(ctx, rr, "", 0);
	return r;
}

/* One SUSP entry; *ce set when it is a continuation entry. Lengths were
 * checked to be at least 4 and inside the area. */
static int susp_entry(struct gb_ctx *ctx, struct rr_info *rr, const uint8_t *e, size_t len,
		      const uint8_t **ce)
{
	uint16_t sig = (uint16_t)(e[0] << 8 | e[1]);
	size_t min = 4;
	switch (sig) {
	case 'C' << 8 | 'E': min = 28; break;
	case 'P' << 8 | 'X': min = 36; break;
	case 'N' << 8 | 'M': min = 5; break;
	case 'S' << 8 | 'L': min = 5; break;
	case 'T' << 8 | 'F': min = 5; break;
	case 'C' << 8 | 'L': min = 12; break;
	}
	if (len < min)
		return gb_error(ctx, GB_E_CORRUPT, "SUSP entry %c%c of %zu bytes (at least %zu)",
				e[0] >= 0x20 && e[0] < 0x7f ? e[0] : '?',
				e[1] >= 0x20 && e[1] < 0x7f ? e[1] : '?', len, min);
	switch (sig) {
	case 'C' << 8 | 'E':
		*ce = e;
		return 0;
	case 'P' << 8 | 'X':
		rr->have_mode = true;
		rr->mode = gb_le32(e + 4);
		return 0;
	case 'N' << 8 | 'M':
		if (e[4] & 0x06) {
			rr->dot = true;
			return 0;
		}
		return rr_append_name(ctx, rr, e + 5, len - 5);
	case 'S' << 8 | 'L':
		return rr_symlink(ctx, rr, e, len);
	case 'T' << 8 | 'F': {
		uint8_t f = e[4];
		size_t w = (f & 0x80) ? 17 : 7, idx = (f & 0x01) ? 1 : 0;
		if ((f & 0x02) && 5 + (idx + 1) * w <= len) {
			rr->have_mtime = true;
			rr->mtime = tf_time(e + 5 + idx * w, f & 0x80);
		}
		return 0;
	}
	case 'C' << 8 | 'L':
		rr->have_cl = true;
		rr->cl = gb_le32(e + 4);
		return 0;
	case 'R' << 8 | 'E':
		rr->relocated = true;
		return 0;
	case 'Z' << 8 | 'F':
		rr->compressed = true;
		return 0;
	default:
		return 0; /* SP, RR, PN, ER, ES, PD, PL, SF and unknown: not needed */
	}
}

static bool all_zero(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return false;
	return true;
}

/* Walk the entries of one System Use area (or continuation area). */
static int susp_area(struct gb_ctx *ctx, struct rr_info *rr, const uint8_t *a, size_t len,
		     const uint8_t **ce)
{
	size_t p = 0;
	while (len - p >= 4) {
		size_t el = a[p + 2];
		if (el < 4) {
			/* Zero padding ends an area; anything else of length 0
			 * would loop forever (XSA-497). */
			if (all_zero(a + p, len - p))
				return 0;
			return gb_error(ctx, GB_E_CORRUPT, "SUSP entry of length %zu", el);
		}
		if (el > len - p)
			return gb_error(ctx, GB_E_CORRUPT,
					"SUSP entry of %zu bytes overruns its area (%zu left)", el, len - p);
		if (a[p] == 'S' && a[p + 1] == 'T')
			return 0; /* terminator */
		int r = susp_entry(ctx, rr, a + p, el, ce);
		if (r)
			return r;
		p += el;
	}
	return 0;
}

/* All Rock Ridge entries of a record: its System Use area, then the chain
 * of continuation areas, bounded and loop-checked. */
static int parse_susp(struct gb_ctx *ctx, struct iso_fs *fs, const uint8_t *area,
		      size_t len, struct rr_info *rr)
{
	const uint8_t *ce = NULL;
	int r = susp_area(ctx, rr, area, len, &ce);
	uint64_t seen[ISO_CE_MAX];
	uint8_t *buf = NULL;
	for (int hops = 0; !r && ce; hops++) {
		uint64_t block = gb_le32(ce + 4), off = gb_le32(ce + 12), clen = gb_le32(ce + 20);
		ce = NULL;
		if (hops == ISO_CE_MAX) {
			r = gb_error(ctx, GB_E_LIMIT, "more than %d SUSP continuation areas", ISO_CE_MAX);
			break;
		}
		uint64_t pos = block * fs->bs + off;
		if (off >= fs->bs || clen > fs->bs - off || !gb_range_ok(pos, clen, fs->base.vol->size)) {
			r = gb_error(ctx, GB_E_CORRUPT,
				     "SUSP continuation area (block %llu, offset %llu, %llu bytes) is invalid",
				     (unsigned long long)block, (unsigned long long)off,
				     (unsigned long long)clen);
			break;
		}
		for (int i = 0; i < hops; i++)
			if (seen[i] == pos)
				r = gb_error(ctx, GB_E_CORRUPT, "SUSP continuation areas loop (block %llu)",
					     (unsigned long long)block);
		seen[hops] = pos;
		if (r)
			break;
		if (!buf && !(buf = malloc(fs->bs))) {
			r = gb_error(ctx, GB_E_NOMEM, "out of memory");
			break;
		}
		if (!(r = gb_fs_charge(ctx, &fs->base, clen)) &&
		    !(r = gb_vol_read(ctx, fs->base.vol, pos, buf, (size_t)clen)))
			r = susp_area(ctx, rr, buf, (size_t)clen, &ce);
	}
	free(buf);
	return r;
}

/* One file as a directory lists it (its records merged). */
struct iso_entry {
	char name[RR_NAME_MAX];
	const uint8_t *id;  /* raw identifier, to match multi-extent pieces */
	uint8_t id_len;
	enum gb_ftype type;
	uint32_t mode;
	int64_t mtime;
	uint64_t ino;
	struct extent *ext;
	size_t next;
	uint64_t size;
	char *link;
	bool compressed, interleaved;
};

static void entry_free(struct iso_entry *e)
{
	free(e->ext);
	free(e->link);
	e->ext = NULL;
	e->link = NULL;
	e->next = 0;
}

/* Plain ISO names: "NAME.EXT;1" → "name.ext" (Linux's map=normal). */
static void iso_name(const uint8_t *id, size_t n, char *out, size_t cap)
{
	size_t o = 0;
	for (size_t i = 0; i < n && id[i] != ';' && o + 1 < cap; i++) {
		uint8_t c = id[i];
		if (c >= 'A' && c <= 'Z')
			c = (uint8_t)(c + 32);
		out[o++] = (c < 0x20 || c >= 0x7f || c == '/') ? '?' : (char)c;
	}
	if (o > 1 && out[o - 1] == '.')
		o--; /* "FILE." had no extension */
	out[o] = '\0';
}

static int joliet_name(struct gb_ctx *ctx, const uint8_t *id, size_t n, char *out, size_t cap)
{
	if (gb_utf16_to_utf8(id, n / 2, true, out, cap) <= 0)
		return gb_error(ctx, GB_E_CORRUPT, "invalid Joliet name");
	char *semi = strrchr(out, ';');
	if (semi)
		*semi = '\0';
	size_t len = strlen(out);
	if (len > 1 && out[len - 1] == '.')
		out[len - 1] = '\0';
	if (!out[0])
		return gb_error(ctx, GB_E_CORRUPT, "empty Joliet name");
	return 0;
}

static int add_extent(struct gb_ctx *ctx, struct iso_fs *fs, struct iso_entry *e,
		      const uint8_t *rec)
{
	uint64_t lba = gb_le32(rec + 2), len = gb_le32(rec + 10), off;
	/* Extended attribute records come first in the extent. */
	if (!gb_mul_ok(lba + rec[1], fs->bs, &off))
		return gb_error(ctx, GB_E_CORRUPT, "extent block overflows");
	if (len && !gb_range_ok(off, len, fs->base.vol->size))
		return gb_error(ctx, GB_E_CORRUPT,
				"extent at block %llu of %llu bytes is outside the volume",
				(unsigned long long)lba, (unsigned long long)len);
	if (e->next == ISO_EXTENTS_MAX)
		return gb_error(ctx, GB_E_LIMIT, "file of more than %d extents", ISO_EXTENTS_MAX);
	if (!(e->next & (e->next - 1)) || e->next == 0) {
		size_t cap = e->next ? e->next * 2 : 1;
		struct extent *x = realloc(e->ext, cap * sizeof(*x));
		if (!x)
			return gb_error(ctx, GB_E_NOMEM, "out of memory");
		e->ext = x;
	}
	e->ext[e->next].off = off;
	e->ext[e->next].len = len;
	e->next++;
	if (!gb_add_ok(e->size, len, &e->size))
		return gb_error(ctx, GB_E_CORRUPT, "file size overflows");
	return 0;
}

/* A directory relocated by Rock Ridge (CL): its "." record gives the size. */
static int relocated_dir(struct gb_ctx *ctx, struct iso_fs *fs, uint32_t block,
			 struct iso_entry *e)
{
	uint8_t dot[34];
	uint64_t off;
	int r;
	if (!gb_mul_ok(block, fs->bs, &off) || (r = gb_vol_read(ctx, fs->base.vol, off, dot, 34)))
		return gb_error(ctx, GB_E_CORRUPT, "Rock Ridge child link to block %u is invalid", block);
	if (dot[0] < DIR_REC_MIN || !(dot[25] & FLAG_DIR) || gb_le32(dot + 2) != block)
		return gb_error(ctx, GB_E_CORRUPT, "Rock Ridge child link to block %u is no directory", block);
	e->size = 0;
	e->next = 0;
	return add_extent(ctx, fs, e, dot);
}

/* Decode the first (or only) record of a file into e. */
static int start_entry(struct gb_ctx *ctx, struct iso_fs *fs, const uint8_t *rec,
		       uint64_t pos, struct iso_entry *e, bool *skip)
{
	uint8_t rl = rec[0], nl = rec[32];
	memset(e, 0, sizeof(*e));
	e->id = rec + 33;
	e->id_len = nl;
	e->ino = pos;
	e->mtime = rec_time(rec + 18);
	bool dir = rec[25] & FLAG_DIR;
	e->type = dir ? GB_FT_DIR : GB_FT_REG;
	e->mode = dir ? 0555 : 0444;
	e->interleaved = rec[26] || rec[27];
	*skip = (rec[25] & FLAG_ASSOCIATED) != 0;

	int r = 0;
	struct rr_info *rr = NULL;
	if (fs->rr) {
		size_t su = 33 + (size_t)nl + !(nl & 1) + fs->susp_skip;
		if (!(rr = calloc(1, sizeof(*rr))))
			return gb_error(ctx, GB_E_NOMEM, "out of memory");
		if (su < rl)
			r = parse_susp(ctx, fs, rec + su, rl - su, rr);
	}
	if (!r && rr && rr->have_name) {
		if (!gb_copy_str(e->name, sizeof(e->name), rr->name, rr->name_len))
			r = gb_error(ctx, GB_E_CORRUPT, "Rock Ridge name of %zu bytes", rr->name_len);
	} else if (!r && fs->joliet)
		r = joliet_name(ctx, rec + 33, nl, e->name, sizeof(e->name));
	else if (!r)
		iso_name(rec + 33, nl, e->name, sizeof(e->name));
	if (!r && rr) {
		*skip |= rr->relocated || rr->dot;
		if (rr->have_mode) {
			e->mode = rr->mode & 07777;
			enum gb_ftype t = gb_mode_type(rr->mode);
			if (t == GB_FT_LNK && rr->link && !dir)
				e->type = GB_FT_LNK;
			else if (t == GB_FT_OTHER && !dir)
				e->type = GB_FT_OTHER; /* devices, fifos, sockets */
		}
		if (rr->have_mtime)
			e->mtime = rr->mtime;
		e->compressed = rr->compressed;
		if (e->type == GB_FT_LNK) {
			e->link = rr->link;
			rr->link = NULL;
		}
		if (rr->have_cl) {
			e->type = GB_FT_DIR;
			r = relocated_dir(ctx, fs, rr->cl, e);
		}
	}
	if (!r && !(rr && rr->have_cl))
		r = add_extent(ctx, fs, e, rec);
	if (rr)
		free(rr->link);
	free(rr);
	if (r)
		entry_free(e);
	return r;
}

static int check_record(struct gb_ctx *ctx, const uint8_t *rec, size_t room, uint64_t pos)
{
	uint8_t rl = rec[0];
	if (rl < DIR_REC_MIN)
		return gb_error(ctx, GB_E_CORRUPT, "directory record at %llu of %u bytes",
				(unsigned long long)pos, rl);
	if (rl > room)
		return gb_error(ctx, GB_E_CORRUPT, "directory record at %llu crosses a block boundary",
				(unsigned long long)pos);
	if (33u + rec[32] > rl)
		return gb_error(ctx, GB_E_CORRUPT, "name of %u bytes overruns its record at %llu",
				rec[32], (unsigned long long)pos);
	return 0;
}

/* Walk the records of one directory extent; pieces of a multi-extent file
 * (all but the last flagged "not final") are merged into one entry, which
 * fn gets (iso_entry_node may take its extents and link). */
static int walk_records(struct gb_ctx *ctx, struct iso_fs *fs, const uint8_t *buf,
			uint64_t len, uint64_t base, gb_fs_entry_fn fn, void *arg)
{
	struct iso_entry *e = calloc(1, sizeof(*e));
	if (!e)
		return gb_error(ctx, GB_E_NOMEM, "out of memory");
	bool open = false, skip = false;
	int r = 0;
	for (uint64_t p = 0; p < len && r == 0;) {
		uint64_t block_end = (p / ISO_SECTOR + 1) * ISO_SECTOR;
		if (block_end > len)
			block_end = len;
		const uint8_t *rec = buf + p;
		if (rec[0] == 0) {
			p = block_end; /* the rest of this block is padding */
			continue;
		}
		if ((r = check_record(ctx, rec, (size_t)(block_end - p), base + p)))
			break;
		uint8_t nl = rec[32];
		bool more = rec[25] & FLAG_NOT_FINAL;
		if (!open && nl == 1 && (rec[33] == 0 || rec[33] == 1)) {
			p += rec[0]; /* "." and "..": the path walker handles them */
			continue;
		}
		if (open) {
			/* The next piece of the same file. */
			if (nl != e->id_len || memcmp(rec + 33, e->id, nl))
				r = gb_error(ctx, GB_E_CORRUPT, "multi-extent file '%s' is not finished",
					     e->name);
			else
				r = add_extent(ctx, fs, e, rec);
		} else {
			r = start_entry(ctx, fs, rec, base + p, e, &skip);
			if (!r && more && e->type == GB_FT_DIR)
				r = gb_error(ctx, GB_E_CORRUPT, "directory '%s' in several extents", e->name);
		}
		open = more;
		p += rec[0];
		if (r || more)
			continue;
		if (!skip) {
			struct gb_fs_entry ge = { .name = e->name, .len = strlen(e->name),
						  .type = e->type, .ino = e->ino, .rec = e };
			r = fn(arg, &ge);
		}
		entry_free(e);
	}
	if (!r && open)
		r = gb_error(ctx, GB_E_CORRUPT, "multi-extent file '%s' has no final extent", e->name);
	entry_free(e);
	free(e);
	return r < 0 ? r : 0;
}

/* Rock Ridge names are POSIX names, compared exactly; ISO and Joliet
 * names without case, as Windows and Linux (check=relaxed) do: fold_case
 * is set at mount. */
static int iso_scan(struct gb_ctx *ctx, struct gb_fs *base, struct gb_node *node,
		    gb_fs_entry_fn fn, void *arg)
{
	struct iso_fs *fs = (struct iso_fs *)base;
	const struct iso_node *dir = (const struct iso_node *)node;
	if (dir->next != 1)
		return gb_error(ctx, GB_E_CORRUPT, "directory without one extent");
	uint64_t len = dir->ext[0].len;
	if (len > DIR_MAX_BYTES)
		return gb_error(ctx, GB_E_LIMIT, "directory of %llu bytes (limit %u)",
				(unsigned long long)len, DIR_MAX_BYTES);
	/* each lookup reads the whole directory: charged to the command */
	int r = gb_fs_charge(ctx, &fs->base, len);
	if (r)
		return r;
	uint8_t *buf = malloc(len ? (size_t)len : 1);
	if (!buf)
		return gb_error(ctx, GB_E_NOMEM, "out of memory");
	r = gb_vol_read(ctx, fs->base.vol, dir->ext[0].off, buf, (size_t)len);
	if (!r)
		r = walk_records(ctx, fs, buf, len, dir->ext[0].off, fn, arg);
	free(buf);
	return r;
}

/* ---- mount ------------------------------------------------------------ */

/* Rock Ridge is in use when the root's "." record starts its System Use
 * area with an SP entry (SUSP 5.3), which also gives the bytes to skip. */
static int detect_rr(struct gb_ctx *ctx, struct iso_fs *fs)
{
	uint8_t rec[255];
	/* rec[0] bytes are read into it: a record's length is one byte. */
	_Static_assert(sizeof(rec) >= UINT8_MAX, "a directory record fits rec");
	uint64_t off = (uint64_t)gb_le32(fs->root + 2) * fs->bs;
	int r = gb_vol_read(ctx, fs->base.vol, off, rec, 1);
	if (r || rec[0] < DIR_REC_MIN)
		return r ? r : gb_error(ctx, GB_E_CORRUPT, "root directory has no '.' record");
	if ((r = gb_vol_read(ctx, fs->base.vol, off, rec, rec[0])))
		return r;
	size_t su = 33 + (size_t)rec[32] + !(rec[32] & 1);
	if (su + 7 <= rec[0] && rec[su] == 'S' && rec[su + 1] == 'P' && rec[su + 2] >= 7 &&
	    rec[su + 4] == 0xbe && rec[su + 5] == 0xef) {
		fs->rr = true;
		fs->susp_skip = rec[su + 6];
	}
	return 0;
}

static int use_root(struct gb_ctx *ctx, struct iso_fs *fs, const uint8_t *vd, uint64_t vd_pos)
{
	const uint8_t *root = vd + 156;
	if (root[0] < DIR_REC_MIN || !(root[25] & FLAG_DIR))
		return gb_error(ctx, GB_E_CORRUPT, "bad root directory record");
	memcpy(fs->root, root, 34);
	fs->root_pos = vd_pos + 156;
	uint64_t off, len = gb_le32(root + 10);
	if (!gb_mul_ok(gb_le32(root + 2), fs->bs, &off) || !gb_range_ok(off, len, fs->base.vol->size) ||
	    len == 0)
		return gb_error(ctx, GB_E_CORRUPT, "root directory (block %u, %llu bytes) is outside the volume",
				gb_le32(root + 2), (unsigned long long)len);
	return 0;
}

static int iso_mount(struct gb_ctx *ctx, struct gb_volume *vol, struct gb_fs **out)
{
	struct vds *v = malloc(sizeof(*v));
	struct iso_fs *fs = calloc(1, sizeof(*fs));
	int r = 0;
	if (!v || !fs) {
		r = gb_error(ctx, GB_E_NOMEM, "out of memory");
		goto fail;
	}
	fs->base.vol = vol;
	if ((r = read_vds(ctx, vol, v))) {
		if (r == GB_E_NOT_MINE)
			r = gb_error(ctx, GB_E_CORRUPT, "no primary volume descriptor");
		goto fail;
	}
	fs->bs = gb_le16(v->pvd + 128);
	if (fs->bs != 512 && fs->bs != 1024 && fs->bs != 2048) {
		r = gb_error(ctx, GB_E_CORRUPT, "logical block size %u", fs->bs);
		goto fail;
	}
	fs->eltorito = v->eltorito;
	fs->boot_catalog = v->boot_catalog;
	if ((r = use_root(ctx, fs, v->pvd, v->pvd_pos)) || (r = detect_rr(ctx, fs)))
		goto fail;
	if (!fs->rr && v->joliet) {
		/* No Rock Ridge: Joliet's tree has the long (Unicode) names. */
		if (gb_le16(v->svd + 128) != fs->bs) {
			r = gb_error(ctx, GB_E_CORRUPT, "Joliet block size differs from the primary's");
			goto fail;
		}
		if ((r = use_root(ctx, fs, v->svd, v->svd_pos)))
			goto fail;
		fs->joliet = true;
	}
	fs->base.fold_case = !fs->rr;
	free(v);
	*out = &fs->base;
	return 0;
fail:
	free(v);
	free(fs);
	return r;
}

static void iso_umount(struct gb_fs *base)
{
	free(base);
}

/* ---- nodes ------------------------------------------------------------ */

static void iso_release(struct gb_fs *fs, struct gb_node *node)
{
	(void)fs;
	struct iso_node *n = (struct iso_node *)node;
	if (n) {
		free(n->ext);
		free(n->link);
		free(n);
	}
}

static int iso_root(struct gb_ctx *ctx, struct gb_fs *base, struct gb_node **out)
{
	struct iso_fs *fs = (struct iso_fs *)base;
	struct iso_node *n = calloc(1, sizeof(*n));
	struct extent *x = malloc(sizeof(*x));
	if (!n || !x) {
		free(n);
		free(x);
		return gb_error(ctx, GB_E_NOMEM, "out of memory");
	}
	x->off = (uint64_t)gb_le32(fs->root + 2) * fs->bs;
	x->len = gb_le32(fs->root + 10);
	n->ext = x;
	n->next = 1;
	n->base.st.type = GB_FT_DIR;
	n->base.st.mode = fs->rr ? 0755 : 0555;
	n->base.st.mtime = rec_time(fs->root + 18);
	n->base.st.ino = fs->root_pos;
	*out = &n->base;
	return 0;
}

static int node_from_entry(struct gb_ctx *ctx, struct iso_entry *e, struct iso_node **out)
{
	struct iso_node *n = calloc(1, sizeof(*n));
	if (!n)
		return gb_error(ctx, GB_E_NOMEM, "out of memory");
	n->base.st.type = e->type;
	n->base.st.mode = e->mode;
	n->base.st.size = e->type == GB_FT_LNK && e->link ? strlen(e->link) : e->size;
	n->base.st.mtime = e->mtime;
	n->base.st.ino = e->ino;
	n->ext = e->ext;
	n->next = e->next;
	n->link = e->link;
	n->compressed = e->compressed;
	n->interleaved = e->interleaved;
	e->ext = NULL;
	e->link = NULL;
	e->next = 0;
	*out = n;
	return 0;
}

static int iso_entry_node(struct gb_ctx *ctx, struct gb_fs *base, struct gb_fs_entry *ge,
			  struct gb_node **out)
{
	(void)base;
	struct iso_node *n = NULL;
	int r = node_from_entry(ctx, ge->rec, &n);
	if (!r)
		*out = &n->base;
	return r;
}

static int iso_readlink(struct gb_ctx *ctx, struct gb_fs *fs, struct gb_node *node,
			char *buf, size_t cap, size_t *len)
{
	(void)fs;
	struct iso_node *n = (struct iso_node *)node;
	size_t l = n->link ? strlen(n->link) : 0;
	if (!n->link || l == 0 || l >= cap)
		return gb_error(ctx, GB_E_CORRUPT, "symbolic link of %zu bytes", l);
	memcpy(buf, n->link, l + 1);
	*len = l;
	return 0;
}

/* Each extent lies as is on the volume. */
static int iso_extent(struct gb_ctx *ctx, struct gb_fs *base, struct gb_node *node,
		      uint64_t off, uint64_t want, struct gb_extent *ex)
{
	(void)base;
	struct iso_node *n = (struct iso_node *)node;
	if (n->compressed)
		return gb_error(ctx, GB_E_UNSUPPORTED, "zisofs-compressed file");
	if (n->interleaved)
		return gb_error(ctx, GB_E_UNSUPPORTED, "interleaved file");
	uint64_t start = 0; /* file offset of extent i */
	for (size_t i = 0; i < n->next; i++) {
		const struct extent *x = &n->ext[i];
		if (off < start + x->len) {
			uint64_t in = off - start;
			ex->kind = GB_EXTENT_DATA;
			ex->vol_off = x->off + in;
			ex->len = x->len - in < want ? x->len - in : want;
			return 0;
		}
		start += x->len;
	}
	/* the size is the extents' sum: never reached */
	return gb_error(ctx, GB_E_CORRUPT, "file ends before its size");
}

const struct gb_fs_driver gb_fs_iso9660 = {
	.name = "iso9660",
	.tolerant = true,
	.probe = iso_probe,
	.mount = iso_mount,
	.umount = iso_umount,
	.root = iso_root,
	.scan = iso_scan,
	.entry_node = iso_entry_node,
	.readlink = iso_readlink,
	.extent = iso_extent,
	.release = iso_release,
};
