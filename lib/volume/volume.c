/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Reads through volumes (windows, segment maps), and the building of an
 * image's volumes below its partition tables: nested labels, then the
 * containers' assembly loop. */
#include "volume/volume.h"

#include <stdio.h>
#include <stdlib.h>

/* GPT before MBR: a GPT disk also carries a protective MBR. */
static const struct gb_volume_driver *const table_drivers[] = {
	&gb_vol_gpt,
	&gb_vol_mbr,
};

/* md before LVM, in probing and in assembly: PVs often live on arrays. */
static const struct gb_container_driver *const container_drivers[] = {
	&gb_container_md,
	&gb_container_lvm,
};

/* The segment holding byte off of a mapped volume (binary search: the
 * segments are sorted and contiguous, as image.c checked). */
static const struct gb_vol_seg *find_seg(const struct gb_volume *vol, uint64_t off)
{
	size_t lo = 0, hi = vol->nsegs;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct gb_vol_seg *s = &vol->segs[mid];
		if (off < s->start)
			hi = mid;
		else if (off - s->start >= s->size)
			lo = mid + 1;
		else
			return s;
	}
	return NULL;
}

/* The piece of a mapped volume at off that lies in one place below: the
 * lower volume *dev at *at, for *n bytes (0 < *n <= len: one stripe chunk
 * at most). */
static int seg_piece(struct gb_ctx *ctx, const struct gb_volume *vol, uint64_t off, uint64_t len,
		     struct gb_volume **dev, uint64_t *at, uint64_t *n)
{
	const struct gb_vol_seg *s = find_seg(vol, off);
	if (!s)
		return gb_error(ctx, GB_E_CORRUPT, "offset %llu is not mapped by any segment",
				(unsigned long long)off);
	uint64_t in = off - s->start;
	uint64_t avail = s->size - in;
	const struct gb_vol_stripe *st = &s->stripe[0];
	uint64_t dev_off = in;
	if (s->nstripes > 1) {
		uint64_t chunk = in / s->stripe_size;
		uint64_t within = in % s->stripe_size;
		st = &s->stripe[chunk % s->nstripes];
		dev_off = (chunk / s->nstripes) * s->stripe_size + within;
		if (avail > s->stripe_size - within)
			avail = s->stripe_size - within;
	}
	if (!gb_add_ok(st->off, dev_off, at))
		return gb_error(ctx, GB_E_CORRUPT, "segment offset overflows");
	*dev = st->dev;
	*n = avail < len ? avail : len;
	return 0;
}

/* Read through the segment table, one stripe chunk at a time. Every piece
 * makes progress, so the loop ends after at most len iterations; the
 * recursion into lower volumes is bounded by GB_VOL_MAX_DEPTH. */
static int mapped_read(struct gb_ctx *ctx, struct gb_volume *vol, uint64_t off,
		       uint8_t *buf, size_t len)
{
	while (len) {
		struct gb_volume *dev;
		uint64_t at, n;
		int r = seg_piece(ctx, vol, off, len, &dev, &at, &n);
		if (r || (r = gb_vol_read(ctx, dev, at, buf, (size_t)n)))
			return r;
		buf += n;
		off += n;
		len -= n;
	}
	return 0;
}

int gb_vol_read(struct gb_ctx *ctx, struct gb_volume *vol, uint64_t off,
		void *buf, size_t len)
{
	if (vol->err_code)
		return gb_error(ctx, vol->err_code, "%s", vol->err);
	if (!gb_range_ok(off, len, vol->size))
		return gb_error(ctx, GB_E_CORRUPT,
				"read of %zu bytes at offset %llu is outside the volume (%llu bytes)",
				len, (unsigned long long)off,
				(unsigned long long)vol->size);
	if (vol->segs)
		return mapped_read(ctx, vol, off, buf, len);
	return gb_source_read(ctx, vol->src, vol->start + off, buf, len);
}

int gb_vol_locate(struct gb_ctx *ctx, const struct gb_volume *vol, uint64_t off, uint64_t len,
		  int *fd, uint64_t *abs, uint64_t *run)
{
	if (vol->err_code || !len || !gb_range_ok(off, len, vol->size))
		return GB_E_NOT_MINE;
	if (vol->segs) {
		/* LVs and arrays: one stripe chunk at a time, in the volume
		 * below (depth bounded by GB_VOL_MAX_DEPTH). */
		struct gb_volume *dev;
		uint64_t at, n;
		int r = seg_piece(ctx, vol, off, len, &dev, &at, &n);
		return r ? r : gb_vol_locate(ctx, dev, at, n, fd, abs, run);
	}
	uint64_t at;
	if (!gb_add_ok(vol->start, off, &at))
		return GB_E_NOT_MINE;
	return gb_source_map(ctx, vol->src, at, len, fd, abs, run);
}

void gb_vol_prefetch(const struct gb_volume *vol, uint64_t off, uint64_t len)
{
	uint64_t at;
	if (!vol->err_code && !vol->segs && gb_range_ok(off, len, vol->size) &&
	    gb_add_ok(vol->start, off, &at))
		gb_source_prefetch(vol->src, at, len);
}

bool gb_vol_prefetches(const struct gb_volume *vol)
{
	return !vol->err_code && !vol->segs && vol->src->ops->prefetch;
}

int gb_volume_scan(struct gb_ctx *ctx, struct gb_volume *disk,
		   const struct gb_volume_driver **drv, gb_part_emit_fn emit,
		   void *arg)
{
	*drv = NULL;
	for (size_t i = 0; i < sizeof(table_drivers) / sizeof(table_drivers[0]); i++) {
		if (!gb_image_probes(disk->img, table_drivers[i]->scheme))
			continue;
		size_t mark = gb_scope_push(ctx, "%s", table_drivers[i]->label);
		int r = table_drivers[i]->enumerate(ctx, disk, emit, arg);
		gb_scope_pop(ctx, mark);
		if (r == GB_E_NOT_MINE)
			continue;
		if (r == 0)
			*drv = table_drivers[i];
		return r;
	}
	return 0;
}

size_t gb_vol_scope(struct gb_ctx *ctx, const struct gb_volume *vol)
{
	if (vol->info.number > 0)
		return gb_scope_push(ctx, "%s: partition %d", vol->src->name,
				     vol->info.number);
	if (vol->info.number < 0 && vol->id[0])
		return gb_scope_push(ctx, "%s: %s", vol->src->name, vol->id);
	return gb_scope_push(ctx, "%s", vol->src->name);
}

/* ---- building an image's volumes ------------------------------------ */

/* names[*n] = name unless it is there already (bsd, nested in three types) */
static void add_name(const char **names, size_t cap, size_t *n, const char *name)
{
	for (size_t j = 0; j < *n; j++)
		if (!strcmp(names[j], name))
			return;
	if (*n < cap)
		names[(*n)++] = name;
}

const char *gb_vol_format_name(size_t i)
{
	const char *names[16];
	size_t n = 0, cap = sizeof(names) / sizeof(names[0]);
	for (size_t t = 0; t < sizeof(table_drivers) / sizeof(table_drivers[0]); t++) {
		add_name(names, cap, &n, table_drivers[t]->scheme);
		for (const struct gb_vol_nested *k = table_drivers[t]->nested; k && k->type; k++)
			add_name(names, cap, &n, k->label->scheme);
	}
	for (size_t c = 0; c < sizeof(container_drivers) / sizeof(container_drivers[0]); c++)
		add_name(names, cap, &n, container_drivers[c]->name);
	return i < n ? names[i] : NULL;
}

int gb_vol_add(struct gb_ctx *ctx, struct gb_vol_list *l, struct gb_volume **out)
{
	if (l->n == GB_MAX_VOLUMES)
		return gb_error(ctx, GB_E_LIMIT, "more than %d volumes", GB_MAX_VOLUMES);
	struct gb_volume *v = calloc(1, sizeof(*v));
	if (!v)
		return gb_error(ctx, GB_E_NOMEM, "out of memory");
	v->img = l->img;
	v->src = l->disk->src;
	v->sector_size = l->disk->sector_size ? l->disk->sector_size : 512;
	v->slice = -1;
	l->vols[l->n++] = v;
	*out = v;
	return 0;
}

int gb_vol_window(struct gb_ctx *ctx, struct gb_volume *v, struct gb_volume *parent,
		  uint64_t off, uint64_t size)
{
	v->parent = parent;
	v->size = size;
	v->depth = parent->depth + 1;
	v->src = parent->src;
	v->info.disk = parent->info.disk;
	if (!parent->segs) {
		v->start = parent->start + off;
		v->disk_off = parent->disk_off + off;
		return 0;
	}
	v->segs = calloc(1, sizeof(*v->segs));
	if (!v->segs)
		return gb_error(ctx, GB_E_NOMEM, "out of memory");
	v->nsegs = 1;
	v->segs[0] = (struct gb_vol_seg){ .size = size, .nstripes = 1,
					  .stripe[0] = { parent, off } };
	return 0;
}

int gb_vol_trouble(struct gb_ctx *ctx, struct gb_volume *v, const char *kind,
		   const struct gb_ctx *why, int r)
{
	if (r == GB_E_NOMEM)
		return gb_error(ctx, r, "out of memory");
	v->container = true;
	snprintf(v->container_kind, sizeof(v->container_kind), "%s (%s)", kind, why->msg);
	return 0;
}

struct slice_ctx {
	struct gb_ctx *ctx;
	struct gb_vol_list *l;
	struct gb_volume *parent; /* the partition holding the label */
	const char *scheme;       /* the label's */
	int next_number;
};

static int add_slice(void *arg, const struct gb_part *p)
{
	struct slice_ctx *a = arg;
	struct gb_volume *v;
	int r = gb_vol_add(a->ctx, a->l, &v);
	if (!r)
		r = gb_vol_window(a->ctx, v, a->parent, p->start, p->size);
	if (r)
		return r;
	v->info.number = a->next_number++;
	v->info.bootable = p->bootable;
	v->info.logical = p->logical;
	memcpy(v->type, p->type, sizeof(v->type));
	memcpy(v->name, p->name, sizeof(v->name));
	memcpy(v->partuuid, p->partuuid, sizeof(v->partuuid));
	v->slice = p->slice;
	v->scheme = a->scheme;
	snprintf(v->id, sizeof(v->id), "%d", v->info.number);
	snprintf(v->stack, sizeof(v->stack), "%s > slice %s (partition %d)",
		 a->parent->stack, p->name, v->info.number);
	return 0;
}

static const struct gb_volume_driver *nested_label(const struct gb_volume_driver *table,
						   const char *type)
{
	for (const struct gb_vol_nested *n = table->nested; n && n->type; n++)
		if (!strcmp(n->type, type))
			return n->label;
	return NULL;
}

int gb_vol_scan_nested(struct gb_ctx *ctx, struct gb_vol_list *l,
		       const struct gb_volume_driver *table)
{
	struct slice_ctx a = { ctx, l, NULL, NULL, 5 };
	for (size_t i = 0; i < l->n; i++)
		if (l->vols[i]->info.number >= a.next_number)
			a.next_number = l->vols[i]->info.number + 1;
	size_t n = l->n;
	for (size_t i = 0; table && i < n; i++) {
		struct gb_volume *v = l->vols[i];
		/* slices of the first disk's table (numbered after its partitions) */
		const struct gb_volume_driver *drv = v->container || v->info.disk ? NULL :
						     nested_label(table, v->type);
		if (!drv || !gb_image_probes(l->img, drv->scheme))
			continue;
		a.parent = v;
		a.scheme = drv->scheme;
		struct gb_ctx quiet = { 0 };
		size_t before = l->n;
		int r = drv->enumerate(&quiet, v, add_slice, &a);
		if (r == GB_E_NOT_MINE)
			continue;
		if (r && (r = gb_vol_trouble(ctx, v, drv->label, &quiet, r)))
			return r;
		if (l->n > before || !v->container) {
			v->container = true;
			if (!v->container_kind[0])
				snprintf(v->container_kind, sizeof(v->container_kind),
					 "%s (holds a %s)", drv->holder, drv->label);
		}
	}
	return 0;
}

/* Round by round: probe the volumes not yet probed, then assemble with the
 * first driver that adds volumes (md arrays, whose contents are probed
 * next round before any VG is assembled). Rounds and volumes are bounded
 * by GB_VOL_MAX_DEPTH and GB_MAX_VOLUMES. */
int gb_vol_assemble(struct gb_ctx *ctx, struct gb_vol_list *l)
{
	enum { N = sizeof(container_drivers) / sizeof(container_drivers[0]) };
	void *state[N] = { 0 };
	int r = 0;
	for (size_t i = 0; !r && i < N; i++)
		if (!(state[i] = calloc(1, container_drivers[i]->state_size)))
			r = gb_error(ctx, GB_E_NOMEM, "out of memory");
	size_t probed = 0;
	for (int round = 0; !r && round <= 2 * GB_VOL_MAX_DEPTH; round++) {
		for (; !r && probed < l->n; probed++) {
			struct gb_volume *v = l->vols[probed];
			if (v->container || v->err_code || v->depth >= GB_VOL_MAX_DEPTH)
				continue;
			r = GB_E_NOT_MINE;
			for (size_t i = 0; r == GB_E_NOT_MINE && i < N; i++)
				if (gb_image_probes(l->img, container_drivers[i]->name))
					r = container_drivers[i]->probe(ctx, state[i], v);
			if (r == GB_E_NOT_MINE)
				r = 0;
		}
		size_t before = l->n;
		for (size_t i = 0; !r && i < N && l->n == before; i++)
			r = container_drivers[i]->assemble(ctx, state[i], l);
		if (l->n == before)
			break;
	}
	for (size_t i = 0; i < N; i++) {
		if (state[i] && container_drivers[i]->release)
			container_drivers[i]->release(state[i]);
		free(state[i]);
	}
	return r;
}
