/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "volume/volume.h"

/* GPT before MBR: a GPT disk also carries a protective MBR. */
static const struct gb_volume_driver *const table_drivers[] = {
	&gb_vol_gpt,
	&gb_vol_mbr,
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
