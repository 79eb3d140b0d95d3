/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* In-memory source: lets tests and fuzzers run every layer without files. */
#include "source/source.h"

#include <stdlib.h>

static int mem_pread(struct gb_ctx *ctx, struct gb_source *src, uint64_t off,
		     void *buf, size_t len)
{
	(void)ctx;
	memcpy(buf, (const uint8_t *)src->priv + off, len);
	return 0;
}

static void mem_close(struct gb_source *src)
{
	free(src);
}

static const struct gb_source_ops mem_ops = {
	.name = "mem",
	.pread = mem_pread,
	.close = mem_close,
};

int gb_source_open_mem(struct gb_ctx *ctx, const char *name, const void *data,
		       size_t size, uint64_t offset, struct gb_source **out)
{
	if (offset > size)
		return gb_error(ctx, GB_E_USAGE,
				"offset %llu is past the end of the image (%zu bytes)",
				(unsigned long long)offset, size);
	struct gb_source *src = calloc(1, sizeof(*src));
	if (!src)
		return gb_error(ctx, GB_E_NOMEM, "out of memory");
	src->ops = &mem_ops;
	src->format = "raw";
	src->name = name;
	src->priv = (void *)((const uint8_t *)data + offset);
	src->size = size - offset;
	src->fd = -1;
	src->concurrent = true;
	*out = src;
	return 0;
}
