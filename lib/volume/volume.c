/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "volume/volume.h"

/* GPT before MBR: a GPT disk also carries a protective MBR. */
static const struct gb_volume_driver *const table_drivers[] = {
	&gb_vol_gpt,
	&gb_vol_mbr,
};

int gb_vol_read(struct gb_ctx *ctx, struct gb_volume *vol, uint64_t off,
		void *buf, size_t len)
{
	if (!gb_range_ok(off, len, vol->size))
		return gb_error(ctx, GB_E_CORRUPT,
				"read of %zu bytes at offset %llu is outside the volume (%llu bytes)",
				len, (unsigned long long)off,
				(unsigned long long)vol->size);
	return gb_source_read(ctx, vol->src, vol->start + off, buf, len);
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
	return gb_scope_push(ctx, "%s", vol->src->name);
}
