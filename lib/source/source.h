/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Sources: where the image's bytes come from (raw file or device, memory;
 * later qcow2 and NBD). Every read goes through gb_source_read, which checks
 * it against the source's size. */
#ifndef GB_SOURCE_H
#define GB_SOURCE_H

#include "core/core.h"

struct gb_source;

struct gb_source_ops {
	const char *name;
	/* Fill buf with len bytes at off (already bounds-checked). */
	int (*pread)(struct gb_ctx *ctx, struct gb_source *src, uint64_t off,
		     void *buf, size_t len);
	void (*close)(struct gb_source *src);
};

struct gb_source {
	const struct gb_source_ops *ops;
	const char *name;  /* for messages: the path as the user gave it */
	uint64_t size;     /* bytes readable */
	void *priv;
	/* A raw source also exposes its descriptor and base offset, so that a
	 * later zero-copy path (copy_file_range of uncompressed extents) can
	 * bypass user-space buffers; -1 for other sources. */
	int fd;
	uint64_t fd_base;
};

int gb_source_read(struct gb_ctx *ctx, struct gb_source *src, uint64_t off,
		   void *buf, size_t len);
void gb_source_close(struct gb_source *src);

/* Raw image file or block device, starting at `offset`. */
int gb_source_open_raw(struct gb_ctx *ctx, const char *path, uint64_t offset,
		       struct gb_source **out);
/* Caller-owned memory. */
int gb_source_open_mem(struct gb_ctx *ctx, const char *name, const void *data,
		       size_t size, uint64_t offset, struct gb_source **out);

#endif
