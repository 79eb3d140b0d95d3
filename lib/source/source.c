/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "source/source.h"

#include <string.h>

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
	struct gb_ctx local;
	gb_ctx_child(&local, ctx);
	int r = src->ops->pread(&local, src, off, buf, len);
	if (r == GB_E_IO && !atomic_exchange(&src->read_failed, true))
		memcpy(src->read_error, local.msg, sizeof(src->read_error));
	gb_ctx_adopt(ctx, &local);
	return r;
}

const char *gb_source_read_error(const struct gb_source *src)
{
	return src && atomic_load(&src->read_failed) ? src->read_error : NULL;
}

int gb_source_map(struct gb_ctx *ctx, struct gb_source *src, uint64_t off, uint64_t len,
		  int *fd, uint64_t *abs, uint64_t *run)
{
	if (!len || !gb_range_ok(off, len, src->size))
		return GB_E_NOT_MINE;
	if (src->fd >= 0) {
		/* raw, and windows over raw: the bytes are there as they are */
		if (!gb_add_ok(src->fd_base, off, abs))
			return GB_E_NOT_MINE;
		*fd = src->fd;
		*run = len;
		return 0;
	}
	if (!src->ops->map)
		return GB_E_NOT_MINE;
	int r = src->ops->map(ctx, src, off, len, fd, abs, run);
	if (!r && (*run == 0 || *run > len))
		return GB_E_NOT_MINE;
	return r;
}

void gb_source_prefetch(struct gb_source *src, uint64_t off, uint64_t len)
{
	if (src->ops->prefetch && len && gb_range_ok(off, len, src->size))
		src->ops->prefetch(src, off, len);
}

void gb_source_close(struct gb_source *src)
{
	if (src) {
		gb_work_release(&src->work);
		src->ops->close(src);
	}
}
