/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "source/source.h"

int gb_source_read(struct gb_ctx *ctx, struct gb_source *src, uint64_t off,
		   void *buf, size_t len)
{
	if (!gb_range_ok(off, len, src->size))
		return gb_error(ctx, GB_E_CORRUPT,
				"read of %zu bytes at offset %llu is past the end of the image (%llu bytes)",
				len, (unsigned long long)off,
				(unsigned long long)src->size);
	if (!len)
		return 0;
	return src->ops->pread(ctx, src, off, buf, len);
}

void gb_source_close(struct gb_source *src)
{
	if (src)
		src->ops->close(src);
}
