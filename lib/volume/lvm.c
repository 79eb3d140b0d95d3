/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * LVM2 (libyal's "Logical Volume Manager (LVM) format"): the PV label in
 * one of the first four sectors, its PV header (data and metadata area
 * descriptors), the metadata area header and its newest raw location, and
 * the volume group text found there. Linear and striped segments are
 * mapped; other segment types (thin, raid, mirror, snapshot, cache) are
 * reported as unsupported by name.
 */
#include "volume/lvm.h"
#include "volume/volume.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>

#define LVM_SECTOR 512
#define LVM_LABEL_SCAN 4         /* sectors searched for "LABELONE" */
#define MDA_HEADER_SIZE 512
#define MDA_MAGIC " LVM2 x[5A%r0N*>"
#define LVM_CRC_INIT 0xf597a6cfu
#define LVM_MAX_PVS 256          /* PVs of one VG we keep track of */

/* An LVM physical volume: its label and newest metadata text. */
struct gb_lvm_pv {
	struct gb_volume *vol;
	char id[33];            /* PV UUID without dashes */
	char *meta;             /* metadata text (malloc'd, NUL-terminated), or NULL */
	size_t meta_len;
	char meta_err[200];     /* why its metadata copy is unusable ("" if not):
				   the PV still holds data for its VG */
	bool used;              /* its VG has been assembled */
};

/* A logical volume as assembly reports it; segs are malloc'd and handed
 * over to the callee (which frees them when it fails). */
struct gb_lvm_lv {
	char vg[129], lv[129];
	uint64_t size;
	struct gb_vol_seg *segs;
	size_t nsegs;
	int err_code;           /* 0, or why it cannot be read */
	char err[200];
};
typedef int (*gb_lv_emit_fn)(void *arg, struct gb_lvm_lv *lv);

/* ---- the text format ------------------------------------------------- */

struct parser {
	struct gb_ctx *ctx;
	struct gb_lvm_tree *t;
	char *p, *end;
	size_t line;
};

static int syntax(struct parser *ps, const char *what)
{
	return gb_error(ps->ctx, GB_E_SYNTAX, "metadata line %zu: %s", ps->line, what);
}

static void skip_space(struct parser *ps)
{
	while (ps->p < ps->end) {
		if (*ps->p == '\n') {
			ps->line++;
			ps->p++;
		} else if (isspace((unsigned char)*ps->p)) {
			ps->p++;
		} else if (*ps->p == '#') {
			while (ps->p < ps->end && *ps->p != '\n')
				ps->p++;
		} else {
			break;
		}
	}
}

static int new_node(struct parser *ps, int parent, enum gb_lvm_type type, int *out)
{
	struct gb_lvm_tree *t = ps->t;
	if (t->n == GB_LVM_MAX_NODES)
		return gb_error(ps->ctx, GB_E_LIMIT, "metadata has more than %d values",
				GB_LVM_MAX_NODES);
	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 64;
		struct gb_lvm_node *n = realloc(t->nodes, cap * sizeof(*n));
		if (!n)
			return gb_error(ps->ctx, GB_E_NOMEM, "out of memory");
		t->nodes = n;
		t->cap = cap;
	}
	int i = (int)t->n++;
	t->nodes[i] = (struct gb_lvm_node){ .type = type, .first = -1, .last = -1, .next = -1 };
	if (parent >= 0) {
		struct gb_lvm_node *par = &t->nodes[parent];
		if (par->last >= 0)
			t->nodes[par->last].next = i;
		else
			par->first = i;
		par->last = i;
		par->count++;
	}
	*out = i;
	return 0;
}

static bool ident_char(char c)
{
	return isalnum((unsigned char)c) || c == '_' || c == '.' || c == '+' || c == '-';
}

/* A quoted string, unescaped in place: the result is never longer than
 * the source, so it is written over it and NUL-terminated where the
 * closing quote was. */
static int parse_string(struct parser *ps, int node)
{
	char *out = ++ps->p, *start = out;
	while (ps->p < ps->end && *ps->p != '"') {
		if (*ps->p == '\n')
			ps->line++;
		if (*ps->p == '\\' && ps->p + 1 < ps->end)
			ps->p++;
		*out++ = *ps->p++;
	}
	if (ps->p >= ps->end)
		return syntax(ps, "unterminated string");
	ps->p++;
	*out = '\0';
	ps->t->nodes[node].str = start;
	ps->t->nodes[node].str_len = (size_t)(out - start);
	return 0;
}

static int parse_int(struct parser *ps, int node)
{
	bool neg = *ps->p == '-';
	if (neg)
		ps->p++;
	if (ps->p >= ps->end || !isdigit((unsigned char)*ps->p))
		return syntax(ps, "expected a number");
	uint64_t v = 0;
	while (ps->p < ps->end && isdigit((unsigned char)*ps->p)) {
		if (!gb_mul_ok(v, 10, &v) || !gb_add_ok(v, (uint64_t)(*ps->p - '0'), &v) ||
		    v > (uint64_t)INT64_MAX)
			return syntax(ps, "number out of range");
		ps->p++;
	}
	ps->t->nodes[node].num = neg ? -(int64_t)v : (int64_t)v;
	return 0;
}

/* A scalar (string or integer) as a new child of parent. */
static int parse_scalar(struct parser *ps, int parent, int *out)
{
	int r;
	if (ps->p < ps->end && *ps->p == '"') {
		if ((r = new_node(ps, parent, GB_LVM_STRING, out)))
			return r;
		return parse_string(ps, *out);
	}
	if (ps->p < ps->end && (*ps->p == '-' || isdigit((unsigned char)*ps->p))) {
		if ((r = new_node(ps, parent, GB_LVM_INT, out)))
			return r;
		return parse_int(ps, *out);
	}
	return syntax(ps, "expected a string, a number or an array");
}

/* [ v, v, ... ]: scalars only (LVM never nests arrays). The count is
 * bounded by the node limit. */
static int parse_array(struct parser *ps, int node)
{
	ps->p++;
	for (;;) {
		skip_space(ps);
		if (ps->p >= ps->end)
			return syntax(ps, "unterminated array");
		if (*ps->p == ']') {
			ps->p++;
			return 0;
		}
		int el, r = parse_scalar(ps, node, &el);
		if (r)
			return r;
		skip_space(ps);
		if (ps->p < ps->end && *ps->p == ',')
			ps->p++;
		else if (ps->p < ps->end && *ps->p != ']')
			return syntax(ps, "expected ',' or ']' in an array");
	}
}

static int parse_value(struct parser *ps, int parent, const char *key, size_t key_len)
{
	int node, r;
	if (ps->p < ps->end && *ps->p == '[') {
		if ((r = new_node(ps, parent, GB_LVM_ARRAY, &node)))
			return r;
		r = parse_array(ps, node);
	} else {
		r = parse_scalar(ps, parent, &node);
	}
	if (r)
		return r;
	ps->t->nodes[node].key = key;
	ps->t->nodes[node].key_len = key_len;
	return 0;
}

/* The entries of a section until its '}' (or the end of the text at the
 * top level). Recursion is bounded by GB_LVM_MAX_DEPTH. */
static int parse_section(struct parser *ps, int section, int depth)
{
	for (;;) {
		skip_space(ps);
		if (ps->p >= ps->end)
			return depth ? syntax(ps, "unbalanced braces: '}' missing at the end") : 0;
		if (*ps->p == '}') {
			if (!depth)
				return syntax(ps, "unbalanced braces: '}' without '{'");
			ps->p++;
			return 0;
		}
		char *key = ps->p;
		while (ps->p < ps->end && ident_char(*ps->p))
			ps->p++;
		size_t key_len = (size_t)(ps->p - key);
		if (!key_len)
			return syntax(ps, "expected a name");
		skip_space(ps);
		if (ps->p < ps->end && *ps->p == '{') {
			if (depth + 1 >= GB_LVM_MAX_DEPTH)
				return gb_error(ps->ctx, GB_E_LIMIT,
						"metadata line %zu: sections nested deeper than %d",
						ps->line, GB_LVM_MAX_DEPTH);
			int node, r = new_node(ps, section, GB_LVM_SECTION, &node);
			if (r)
				return r;
			ps->t->nodes[node].key = key;
			ps->t->nodes[node].key_len = key_len;
			ps->p++;
			if ((r = parse_section(ps, node, depth + 1)))
				return r;
		} else if (ps->p < ps->end && *ps->p == '=') {
			ps->p++;
			skip_space(ps);
			int r = parse_value(ps, section, key, key_len);
			if (r)
				return r;
		} else {
			return syntax(ps, "expected '=' or '{' after a name");
		}
	}
}

int gb_lvm_parse(struct gb_ctx *ctx, const char *text, size_t len,
		 struct gb_lvm_tree *t)
{
	*t = (struct gb_lvm_tree){ 0 };
	len = strnlen(text, len);
	if (len > GB_LVM_MAX_TEXT)
		return gb_error(ctx, GB_E_LIMIT, "metadata text of %zu bytes is too large", len);
	t->buf = malloc(len + 1);
	if (!t->buf)
		return gb_error(ctx, GB_E_NOMEM, "out of memory");
	memcpy(t->buf, text, len);
	t->buf[len] = '\0';
	struct parser ps = { ctx, t, t->buf, t->buf + len, 1 };
	int root, r = new_node(&ps, -1, GB_LVM_SECTION, &root);
	if (!r)
		r = parse_section(&ps, root, 0);
	if (r)
		gb_lvm_tree_free(t);
	return r;
}

void gb_lvm_tree_free(struct gb_lvm_tree *t)
{
	free(t->nodes);
	free(t->buf);
	*t = (struct gb_lvm_tree){ 0 };
}

int gb_lvm_child(const struct gb_lvm_tree *t, int section, const char *key)
{
	if (section < 0 || (size_t)section >= t->n)
		return -1;
	size_t klen = strlen(key);
	for (int i = t->nodes[section].first; i >= 0; i = t->nodes[i].next)
		if (t->nodes[i].key_len == klen && !memcmp(t->nodes[i].key, key, klen))
			return i;
	return -1;
}

bool gb_lvm_int(const struct gb_lvm_tree *t, int section, const char *key, int64_t *out)
{
	int i = gb_lvm_child(t, section, key);
	if (i < 0 || t->nodes[i].type != GB_LVM_INT)
		return false;
	*out = t->nodes[i].num;
	return true;
}

const char *gb_lvm_str(const struct gb_lvm_tree *t, int section, const char *key)
{
	int i = gb_lvm_child(t, section, key);
	return i >= 0 && t->nodes[i].type == GB_LVM_STRING ? t->nodes[i].str : NULL;
}

/* ---- the PV label and metadata area ----------------------------------- */

/* LVM's checksum: CRC-32 (the reflected IEEE polynomial) from LVM's own
 * initial value, without the final inversion zlib applies. */
static uint32_t lvm_crc(const void *buf, size_t len)
{
	return ~gb_crc32(~LVM_CRC_INIT, buf, len);
}

/* Copy the 32-character PV UUID, refusing anything but letters and digits
 * (LVM's alphabet), so it can be printed and compared safely. */
static bool copy_uuid(char out[33], const uint8_t *in)
{
	for (int i = 0; i < 32; i++) {
		if (!isalnum(in[i]))
			return false;
		out[i] = (char)in[i];
	}
	out[32] = '\0';
	return true;
}

static int read_metadata(struct gb_ctx *ctx, struct gb_volume *vol, uint64_t mda_off,
			 uint64_t mda_size, struct gb_lvm_pv *pv)
{
	uint8_t h[MDA_HEADER_SIZE];
	if (mda_size < MDA_HEADER_SIZE || !gb_range_ok(mda_off, mda_size, vol->size))
		return gb_error(ctx, GB_E_CORRUPT, "metadata area lies outside the PV");
	int r = gb_vol_read(ctx, vol, mda_off, h, sizeof(h));
	if (r)
		return r;
	if (memcmp(h + 4, MDA_MAGIC, 16))
		return gb_error(ctx, GB_E_CORRUPT, "metadata area header has no LVM2 magic");
	if (lvm_crc(h + 4, sizeof(h) - 4) != gb_le32(h))
		return gb_error(ctx, GB_E_CORRUPT, "metadata area header checksum mismatch");
	uint64_t off = gb_le64(h + 40), len = gb_le64(h + 48);
	uint32_t crc = gb_le32(h + 56);
	if (off == 0 || len == 0)
		return 0; /* an empty area: no VG written yet */
	if (off < MDA_HEADER_SIZE || off >= mda_size || len > mda_size - MDA_HEADER_SIZE ||
	    len > GB_LVM_MAX_TEXT)
		return gb_error(ctx, GB_E_CORRUPT,
				"metadata location %llu+%llu does not fit its %llu-byte area",
				(unsigned long long)off, (unsigned long long)len,
				(unsigned long long)mda_size);
	char *text = malloc((size_t)len + 1);
	if (!text)
		return gb_error(ctx, GB_E_NOMEM, "out of memory");
	/* The area is a circular buffer after its header: text that runs
	 * past the end continues right after the header. */
	uint64_t first = len;
	if (first > mda_size - off)
		first = mda_size - off;
	r = gb_vol_read(ctx, vol, mda_off + off, text, (size_t)first);
	if (!r && first < len)
		r = gb_vol_read(ctx, vol, mda_off + MDA_HEADER_SIZE, text + first,
				(size_t)(len - first));
	if (!r && lvm_crc(text, (size_t)len) != crc)
		r = gb_error(ctx, GB_E_CORRUPT, "metadata text checksum mismatch");
	if (r) {
		free(text);
		return r;
	}
	text[len] = '\0';
	pv->meta = text;
	pv->meta_len = strlen(text);
	return 0;
}

/* Find "LABELONE" ... "LVM2 001" in the first sectors. */
static int find_label(struct gb_ctx *ctx, struct gb_volume *vol, uint8_t *buf,
		      const uint8_t **label)
{
	if (vol->size < LVM_LABEL_SCAN * LVM_SECTOR)
		return GB_E_NOT_MINE;
	int r = gb_vol_read(ctx, vol, 0, buf, LVM_LABEL_SCAN * LVM_SECTOR);
	if (r)
		return r;
	for (int i = 0; i < LVM_LABEL_SCAN; i++) {
		const uint8_t *s = buf + i * LVM_SECTOR;
		if (!memcmp(s, "LABELONE", 8) && !memcmp(s + 24, "LVM2 001", 8) &&
		    gb_le64(s + 8) == (uint64_t)i) {
			*label = s;
			return 0;
		}
	}
	return GB_E_NOT_MINE;
}

/* GB_E_NOT_MINE when vol carries no PV label. */
static int probe_pv(struct gb_ctx *ctx, struct gb_volume *vol, struct gb_lvm_pv *pv)
{
	uint8_t buf[LVM_LABEL_SCAN * LVM_SECTOR];
	const uint8_t *label;
	*pv = (struct gb_lvm_pv){ .vol = vol };
	int r = find_label(ctx, vol, buf, &label);
	if (r)
		return r;
	if (lvm_crc(label + 20, LVM_SECTOR - 20) != gb_le32(label + 16))
		return gb_error(ctx, GB_E_CORRUPT, "LVM label checksum mismatch");
	uint32_t hoff = gb_le32(label + 20);
	/* PV header: UUID, device size, then two zero-terminated lists of
	 * (offset, size): data areas, then metadata areas; all inside the
	 * label's sector. */
	if (hoff < 32 || hoff > LVM_SECTOR - 40 - 16)
		return gb_error(ctx, GB_E_CORRUPT, "PV header offset %u is out of range", hoff);
	const uint8_t *h = label + hoff, *end = label + LVM_SECTOR;
	if (!copy_uuid(pv->id, h))
		return gb_error(ctx, GB_E_CORRUPT, "PV UUID is not alphanumeric");
	const uint8_t *p = h + 40;
	int list = 0; /* 0: data areas, 1: metadata areas */
	while (p + 16 <= end) {
		uint64_t off = gb_le64(p), size = gb_le64(p + 8);
		p += 16;
		if (off == 0) {
			if (++list == 2)
				return 0;
			continue;
		}
		if (list == 1 && !pv->meta && !pv->meta_err[0]) {
			/* A damaged metadata copy leaves the PV usable: the VG
			 * may be described by another PV's copy. */
			struct gb_ctx why = { 0 };
			r = read_metadata(&why, vol, off, size, pv);
			if (r == GB_E_NOMEM)
				return gb_error(ctx, r, "out of memory");
			if (r)
				snprintf(pv->meta_err, sizeof(pv->meta_err), "%s", why.msg);
		}
	}
	return gb_error(ctx, GB_E_CORRUPT, "PV header area lists are not terminated");
}

static void pv_free(struct gb_lvm_pv *pv)
{
	free(pv->meta);
	pv->meta = NULL;
}

/* ---- assembling a volume group --------------------------------------- */

struct vg_pv {
	const char *name;        /* "pv0", the key in physical_volumes */
	size_t name_len;
	char id[33];
	struct gb_volume *dev;   /* NULL: not in this image */
	uint64_t pe_start;       /* bytes */
	uint64_t pe_count;
};

struct vg {
	struct gb_ctx *ctx;
	struct gb_lvm_tree t;
	int sect;                /* the VG's section in t */
	const char *name;
	size_t name_len;
	uint64_t extent;         /* bytes */
	struct vg_pv *pvs;
	size_t npvs;
};

static void strip_dashes(char out[33], const char *in)
{
	size_t n = 0;
	for (; *in && n < 32; in++)
		if (*in != '-')
			out[n++] = *in;
	out[n] = '\0';
}

/* The top-level section that describes a VG (it has physical_volumes). */
static int vg_section(const struct gb_lvm_tree *t)
{
	for (int i = t->nodes[0].first; i >= 0; i = t->nodes[i].next)
		if (t->nodes[i].type == GB_LVM_SECTION &&
		    gb_lvm_child(t, i, "physical_volumes") >= 0)
			return i;
	return -1;
}

static int parse_pv_text(struct gb_ctx *ctx, const struct gb_lvm_pv *pv,
			 struct gb_lvm_tree *t, int *sect, int64_t *seqno)
{
	int r = gb_lvm_parse(ctx, pv->meta, pv->meta_len, t);
	if (r)
		return r;
	*sect = vg_section(t);
	if (*sect < 0 || !gb_lvm_int(t, *sect, "seqno", seqno)) {
		gb_lvm_tree_free(t);
		return gb_error(ctx, GB_E_CORRUPT, "metadata describes no volume group");
	}
	return 0;
}

static bool same_vg(const struct gb_lvm_tree *a, int sa, const struct gb_lvm_tree *b, int sb)
{
	const char *ia = gb_lvm_str(a, sa, "id"), *ib = gb_lvm_str(b, sb, "id");
	return ia && ib && !strcmp(ia, ib);
}

static int load_pvs(struct vg *vg, struct gb_lvm_pv *pvs, size_t n)
{
	const struct gb_lvm_tree *t = &vg->t;
	int sect = gb_lvm_child(t, vg->sect, "physical_volumes");
	if (t->nodes[sect].type != GB_LVM_SECTION)
		return gb_error(vg->ctx, GB_E_CORRUPT, "physical_volumes is not a section");
	if (t->nodes[sect].count > LVM_MAX_PVS)
		return gb_error(vg->ctx, GB_E_LIMIT, "volume group has more than %d PVs",
				LVM_MAX_PVS);
	vg->pvs = calloc((size_t)t->nodes[sect].count + 1, sizeof(*vg->pvs));
	if (!vg->pvs)
		return gb_error(vg->ctx, GB_E_NOMEM, "out of memory");
	for (int i = t->nodes[sect].first; i >= 0; i = t->nodes[i].next) {
		const char *id = gb_lvm_str(t, i, "id");
		int64_t pe_start, pe_count;
		uint64_t start;
		if (t->nodes[i].type != GB_LVM_SECTION || !id ||
		    !gb_lvm_int(t, i, "pe_start", &pe_start) ||
		    !gb_lvm_int(t, i, "pe_count", &pe_count) || pe_start < 0 || pe_count < 0 ||
		    !gb_mul_ok((uint64_t)pe_start, LVM_SECTOR, &start))
			return gb_error(vg->ctx, GB_E_CORRUPT,
					"physical volume %.*s lacks id, pe_start or pe_count",
					(int)t->nodes[i].key_len, t->nodes[i].key);
		struct vg_pv *p = &vg->pvs[vg->npvs++];
		p->name = t->nodes[i].key;
		p->name_len = t->nodes[i].key_len;
		strip_dashes(p->id, id);
		p->pe_start = start;
		p->pe_count = (uint64_t)pe_count;
		for (size_t j = 0; j < n && !p->dev; j++)
			if (!strcmp(pvs[j].id, p->id))
				p->dev = pvs[j].vol;
	}
	return 0;
}

static const struct vg_pv *vg_pv_named(const struct vg *vg, const char *name)
{
	for (size_t i = 0; i < vg->npvs; i++)
		if (strlen(name) == vg->pvs[i].name_len &&
		    !memcmp(vg->pvs[i].name, name, vg->pvs[i].name_len))
			return &vg->pvs[i];
	return NULL;
}

static int lv_fail(struct gb_lvm_lv *lv, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int lv_fail(struct gb_lvm_lv *lv, int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(lv->err, sizeof(lv->err), fmt, ap);
	va_end(ap);
	lv->err_code = code;
	return code;
}

static bool has_status(const struct gb_lvm_tree *t, int lv, const char *flag)
{
	int st = gb_lvm_child(t, lv, "status");
	if (st < 0 || t->nodes[st].type != GB_LVM_ARRAY)
		return false;
	for (int i = t->nodes[st].first; i >= 0; i = t->nodes[i].next)
		if (t->nodes[i].type == GB_LVM_STRING && !strcmp(t->nodes[i].str, flag))
			return true;
	return false;
}

/* Map the stripes of one "striped" segment onto the PVs. */
static int map_stripes(const struct vg *vg, int seg, const char *segname,
		       uint64_t extents, struct gb_vol_seg *out, struct gb_lvm_lv *lv)
{
	const struct gb_lvm_tree *t = &vg->t;
	int64_t count, ssize = 0;
	if (!gb_lvm_int(t, seg, "stripe_count", &count) || count < 1 ||
	    count > GB_VOL_MAX_STRIPES)
		return lv_fail(lv, GB_E_UNSUPPORTED, "%s: stripe_count must be 1 to %d",
			       segname, GB_VOL_MAX_STRIPES);
	/* Each stripe then holds extents/count whole extents, and chunks
	 * never straddle an extent: the mapping stays inside each area. */
	if (count > 1 &&
	    (!gb_lvm_int(t, seg, "stripe_size", &ssize) || ssize < 1 ||
	     ssize > (int64_t)(vg->extent / LVM_SECTOR) ||
	     (vg->extent / LVM_SECTOR) % (uint64_t)ssize || extents % (uint64_t)count))
		return lv_fail(lv, GB_E_CORRUPT,
			       "%s: stripe_size must divide the extent size, and stripe_count the extent count",
			       segname);
	out->nstripes = (uint32_t)count;
	out->stripe_size = (uint64_t)ssize * LVM_SECTOR;
	uint64_t per = extents / (uint64_t)count, per_bytes = per * vg->extent;
	int arr = gb_lvm_child(t, seg, "stripes");
	if (arr < 0 || t->nodes[arr].type != GB_LVM_ARRAY || t->nodes[arr].count != 2 * count)
		return lv_fail(lv, GB_E_CORRUPT, "%s: stripes must list %lld (PV, extent) pairs",
			       segname, (long long)count);
	int el = t->nodes[arr].first;
	for (int64_t i = 0; i < count; i++) {
		const struct gb_lvm_node *name = &t->nodes[el], *ext = &t->nodes[name->next];
		el = ext->next;
		if (name->type != GB_LVM_STRING || ext->type != GB_LVM_INT || ext->num < 0)
			return lv_fail(lv, GB_E_CORRUPT, "%s: bad stripes entry", segname);
		const struct vg_pv *pv = vg_pv_named(vg, name->str);
		if (!pv)
			return lv_fail(lv, GB_E_CORRUPT, "%s: unknown PV '%s'", segname, name->str);
		if (!pv->dev)
			return lv_fail(lv, GB_E_NOT_FOUND,
				       "missing PV: %s (%s) is not in this image", name->str, pv->id);
		uint64_t first = (uint64_t)ext->num, off, end;
		if (first > pv->pe_count || per > pv->pe_count - first ||
		    !gb_mul_ok(first, vg->extent, &off) || !gb_add_ok(off, pv->pe_start, &off) ||
		    !gb_add_ok(off, per_bytes, &end) || end > pv->dev->size)
			return lv_fail(lv, GB_E_CORRUPT, "%s lies past the end of PV %s", segname,
				       name->str);
		out->stripe[i] = (struct gb_vol_stripe){ pv->dev, off };
	}
	return 0;
}

static int cmp_seg(const void *a, const void *b)
{
	const struct gb_vol_seg *x = a, *y = b;
	return x->start < y->start ? -1 : x->start > y->start;
}

/* Build the segment table of one LV; LV-level trouble goes to lv->err. */
static int build_lv(const struct vg *vg, int node, struct gb_lvm_lv *lv)
{
	const struct gb_lvm_tree *t = &vg->t;
	int count = 0;
	for (int i = t->nodes[node].first; i >= 0; i = t->nodes[i].next)
		count += t->nodes[i].type == GB_LVM_SECTION;
	if (count == 0 || count > GB_VOL_MAX_SEGS)
		return lv_fail(lv, GB_E_CORRUPT, "has %d segments (1 to %d expected)", count,
			       GB_VOL_MAX_SEGS);
	lv->segs = calloc((size_t)count, sizeof(*lv->segs));
	if (!lv->segs)
		return GB_E_NOMEM;
	for (int i = t->nodes[node].first; i >= 0; i = t->nodes[i].next) {
		if (t->nodes[i].type != GB_LVM_SECTION)
			continue;
		char segname[64];
		snprintf(segname, sizeof(segname), "%.*s", (int)t->nodes[i].key_len, t->nodes[i].key);
		const char *type = gb_lvm_str(t, i, "type");
		int64_t start, extents;
		if (!type)
			return lv_fail(lv, GB_E_CORRUPT, "%s has no type", segname);
		if (strcmp(type, "striped"))
			return lv_fail(lv, GB_E_UNSUPPORTED,
				       "segment type '%.40s' is not supported (only linear and striped)",
				       type);
		struct gb_vol_seg *s = &lv->segs[lv->nsegs++];
		if (!gb_lvm_int(t, i, "start_extent", &start) ||
		    !gb_lvm_int(t, i, "extent_count", &extents) || start < 0 || extents < 1 ||
		    !gb_mul_ok((uint64_t)start, vg->extent, &s->start) ||
		    !gb_mul_ok((uint64_t)extents, vg->extent, &s->size))
			return lv_fail(lv, GB_E_CORRUPT, "%s: bad start_extent or extent_count",
				       segname);
		int r = map_stripes(vg, i, segname, (uint64_t)extents, s, lv);
		if (r)
			return r;
	}
	qsort(lv->segs, lv->nsegs, sizeof(*lv->segs), cmp_seg);
	uint64_t at = 0;
	for (size_t i = 0; i < lv->nsegs; i++) {
		if (lv->segs[i].start != at)
			return lv_fail(lv, GB_E_CORRUPT, "segments leave a gap or overlap at extent %llu",
				       (unsigned long long)(at / vg->extent));
		if (!gb_add_ok(at, lv->segs[i].size, &at))
			return lv_fail(lv, GB_E_CORRUPT, "LV size overflows");
	}
	lv->size = at;
	return 0;
}

static int emit_lvs(struct vg *vg, gb_lv_emit_fn emit, void *arg)
{
	const struct gb_lvm_tree *t = &vg->t;
	int lvs = gb_lvm_child(t, vg->sect, "logical_volumes");
	if (lvs < 0)
		return 0;
	if (t->nodes[lvs].type != GB_LVM_SECTION)
		return gb_error(vg->ctx, GB_E_CORRUPT, "logical_volumes is not a section");
	for (int i = t->nodes[lvs].first; i >= 0; i = t->nodes[i].next) {
		if (t->nodes[i].type != GB_LVM_SECTION || !has_status(t, i, "VISIBLE"))
			continue; /* internal LVs (pool data, mirror legs) */
		struct gb_lvm_lv lv = { 0 };
		snprintf(lv.vg, sizeof(lv.vg), "%.*s", (int)vg->name_len, vg->name);
		gb_copy_label(lv.lv, sizeof(lv.lv), t->nodes[i].key, t->nodes[i].key_len);
		int r = build_lv(vg, i, &lv);
		if (r == GB_E_NOMEM)
			return gb_error(vg->ctx, r, "out of memory");
		if (r) {
			free(lv.segs);
			lv.segs = NULL;
			lv.nsegs = 0;
		}
		if ((r = emit(arg, &lv)))
			return r;
	}
	return 0;
}

/* Among the unused PVs of the same VG as pvs[first], keep the newest
 * metadata (highest seqno) and mark them all used. */
static int newest_metadata(struct gb_ctx *ctx, struct gb_lvm_pv *pvs, size_t n,
			   size_t first, struct vg *vg)
{
	int64_t seqno;
	int r = parse_pv_text(ctx, &pvs[first], &vg->t, &vg->sect, &seqno);
	pvs[first].used = true;
	if (r)
		return r;
	for (size_t j = first + 1; j < n; j++) {
		struct gb_lvm_tree t2;
		int s2;
		int64_t q2;
		struct gb_ctx quiet = { 0 };
		if (pvs[j].used || !pvs[j].meta || parse_pv_text(&quiet, &pvs[j], &t2, &s2, &q2))
			continue;
		if (same_vg(&vg->t, vg->sect, &t2, s2)) {
			pvs[j].used = true;
			if (q2 > seqno) {
				gb_lvm_tree_free(&vg->t);
				vg->t = t2;
				vg->sect = s2;
				seqno = q2;
				continue;
			}
		}
		gb_lvm_tree_free(&t2);
	}
	return 0;
}

/* Assemble the VG of pvs[first] from every PV of that VG in pvs[0..n),
 * marking them used, and emit its visible LVs. */
static int assemble_vg(struct gb_ctx *ctx, struct gb_lvm_pv *pvs, size_t n,
		       size_t first, gb_lv_emit_fn emit, void *arg)
{
	struct vg vg = { .ctx = ctx };
	if (!pvs[first].meta) {
		pvs[first].used = true;
		return 0; /* no metadata copy here: another PV of its VG has one */
	}
	int r = newest_metadata(ctx, pvs, n, first, &vg);
	if (r)
		return r;
	const struct gb_lvm_node *s = &vg.t.nodes[vg.sect];
	vg.name = s->key;
	vg.name_len = s->key_len > 128 ? 128 : s->key_len;
	int64_t ext;
	if (!gb_lvm_int(&vg.t, vg.sect, "extent_size", &ext) || ext < 1 ||
	    ext > (int64_t)1 << 32)
		r = gb_error(ctx, GB_E_CORRUPT, "volume group has no valid extent_size");
	else
		vg.extent = (uint64_t)ext * LVM_SECTOR;
	if (!r)
		r = load_pvs(&vg, pvs, n);
	/* PVs without a metadata copy belong to this VG when it lists them. */
	for (size_t i = 0; !r && i < vg.npvs; i++)
		for (size_t j = 0; j < n; j++)
			if (!strcmp(pvs[j].id, vg.pvs[i].id))
				pvs[j].used = true;
	if (!r)
		r = emit_lvs(&vg, emit, arg);
	free(vg.pvs);
	gb_lvm_tree_free(&vg.t);
	return r;
}

/* ---- the container driver -------------------------------------------- */

/* The PVs found while an image opens. */
struct lvm_state {
	struct gb_lvm_pv pv[GB_MAX_VOLUMES];
	size_t n;
};

static int lvm_member(struct gb_ctx *ctx, void *state, struct gb_volume *v)
{
	struct lvm_state *s = state;
	/* one slot per volume probed, and volumes are bounded: checked here
	 * all the same, where the slots are taken */
	if (s->n == sizeof(s->pv) / sizeof(s->pv[0]))
		return gb_error(ctx, GB_E_LIMIT, "more than %d LVM PVs", GB_MAX_VOLUMES);
	struct gb_lvm_pv *pv = &s->pv[s->n];
	struct gb_ctx quiet = { 0 };
	int r = probe_pv(&quiet, v, pv);
	if (r == GB_E_NOT_MINE)
		return r;
	if (r) {
		pv_free(pv);
		return gb_vol_trouble(ctx, v, "LVM physical volume", &quiet, r);
	}
	s->n++;
	v->container = true;
	if (pv->meta_err[0])
		snprintf(v->container_kind, sizeof(v->container_kind), "LVM physical volume (%s)",
			 pv->meta_err);
	else
		snprintf(v->container_kind, sizeof(v->container_kind), "LVM physical volume");
	return 0;
}

struct lv_ctx {
	struct gb_ctx *ctx;
	struct gb_vol_list *l;
	struct gb_volume *pv; /* the PV whose VG is being assembled */
};

/* "partition 1 + partition 2" for the PVs an LV lies on. */
static void lv_stack(struct gb_volume *v, const struct gb_lvm_lv *lv, struct gb_volume *pv)
{
	const struct gb_volume *seen[GB_VOL_MAX_STRIPES * 2];
	size_t nseen = 0, len = 0;
	v->stack[0] = '\0';
	for (size_t s = 0; s < lv->nsegs; s++)
		for (uint32_t k = 0; k < lv->segs[s].nstripes; k++) {
			const struct gb_volume *d = lv->segs[s].stripe[k].dev;
			bool dup = false;
			for (size_t i = 0; i < nseen; i++)
				dup |= seen[i] == d;
			if (dup || nseen == sizeof(seen) / sizeof(*seen))
				continue;
			seen[nseen++] = d;
			len += (size_t)snprintf(v->stack + len, sizeof(v->stack) - len, "%s%s",
						len ? " + " : "", d->stack);
			if (len >= sizeof(v->stack))
				len = sizeof(v->stack) - 1;
		}
	if (!nseen)
		len = (size_t)snprintf(v->stack, sizeof(v->stack), "%s", pv->stack);
	if (len < sizeof(v->stack))
		snprintf(v->stack + len, sizeof(v->stack) - len, " > %s", v->id);
}

static int add_lv(void *arg, struct gb_lvm_lv *lv)
{
	struct lv_ctx *a = arg;
	struct gb_volume *v;
	int r = gb_vol_add(a->ctx, a->l, &v);
	if (r) {
		free(lv->segs);
		return r;
	}
	v->info.number = -1;
	v->scheme = "lvm";
	v->segs = lv->segs;
	v->nsegs = lv->nsegs;
	v->size = lv->size;
	v->err_code = lv->err_code;
	snprintf(v->err, sizeof(v->err), "%s", lv->err);
	if (!v->err_code)
		v->err[0] = '\0';
	snprintf(v->id, sizeof(v->id), "lvm/%s/%s", lv->vg, lv->lv);
	snprintf(v->name, sizeof(v->name), "%s/%s", lv->vg, lv->lv);
	bool striped = false;
	int depth = a->pv->depth;
	for (size_t s = 0; s < lv->nsegs; s++) {
		striped |= lv->segs[s].nstripes > 1;
		for (uint32_t k = 0; k < lv->segs[s].nstripes; k++)
			if (lv->segs[s].stripe[k].dev->depth > depth)
				depth = lv->segs[s].stripe[k].dev->depth;
	}
	snprintf(v->type, sizeof(v->type), "%s", lv->err_code ? "" : striped ? "striped" : "linear");
	v->depth = depth + 1;
	v->parent = lv->nsegs ? lv->segs[0].stripe[0].dev : a->pv;
	v->src = v->parent->src;
	v->info.disk = v->parent->info.disk;
	if (lv->nsegs && !v->parent->segs)
		v->start = v->parent->start + lv->segs[0].stripe[0].off;
	lv_stack(v, lv, a->pv);
	return 0;
}

/* Each VG whose PVs were found, its LVs appended. */
static int lvm_assemble(struct gb_ctx *ctx, void *state, struct gb_vol_list *l)
{
	struct lvm_state *s = state;
	for (size_t i = 0; i < s->n; i++) {
		if (s->pv[i].used)
			continue;
		struct lv_ctx a = { ctx, l, s->pv[i].vol };
		struct gb_ctx quiet = { 0 };
		int r = assemble_vg(&quiet, s->pv, s->n, i, add_lv, &a);
		if (r && (r = gb_vol_trouble(ctx, s->pv[i].vol,
					     "LVM physical volume whose metadata cannot be used", &quiet, r)))
			return r;
	}
	return 0;
}

static void lvm_release(void *state)
{
	struct lvm_state *s = state;
	for (size_t i = 0; i < s->n; i++)
		pv_free(&s->pv[i]);
}

const struct gb_container_driver gb_container_lvm = {
	.name = "lvm",
	.state_size = sizeof(struct lvm_state),
	.probe = lvm_member,
	.assemble = lvm_assemble,
	.release = lvm_release,
};
