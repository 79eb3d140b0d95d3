/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Building the virtual disk from what the caller names: the container
 * (file, device or NBD export), its format, a backing file, an offset. */
#include "source/source.h"

#include <stdlib.h>

struct window {
	struct gb_source *parent;
	uint64_t base;
};

static int window_pread(struct gb_ctx *ctx, struct gb_source *src, uint64_t off,
			void *buf, size_t len)
{
	struct window *w = src->priv;
	return gb_source_read(ctx, w->parent, w->base + off, buf, len);
}

static void window_close(struct gb_source *src)
{
	struct window *w = src->priv;
	gb_source_close(w->parent);
	free(w);
	free(src);
}

static const struct gb_source_ops window_ops = {
	.name = "window",
	.pread = window_pread,
	.close = window_close,
};

int gb_source_open_window(struct gb_ctx *ctx, struct gb_source *parent,
			  uint64_t offset, struct gb_source **out)
{
	if (offset > parent->size) {
		int r = gb_error(ctx, GB_E_USAGE,
				 "offset %llu is past the end of the image (%llu bytes)",
				 (unsigned long long)offset, (unsigned long long)parent->size);
		gb_source_close(parent);
		return r;
	}
	struct gb_source *src = calloc(1, sizeof(*src));
	struct window *w = calloc(1, sizeof(*w));
	if (!src || !w) {
		free(src);
		free(w);
		gb_source_close(parent);
		return gb_error(ctx, GB_E_NOMEM, "out of memory");
	}
	w->parent = parent;
	w->base = offset;
	*src = *parent;
	src->ops = &window_ops;
	src->priv = w;
	src->size = parent->size - offset;
	/* A raw file keeps its descriptor: the window only moves its base. */
	src->fd_base = parent->fd >= 0 ? parent->fd_base + offset : 0;
	*out = src;
	return 0;
}

static int check_format(struct gb_ctx *ctx, const char *what, const char *f)
{
	if (f && strcmp(f, "raw") && strcmp(f, "qcow2"))
		return gb_error(ctx, GB_E_USAGE, "unknown %s '%s' (raw or qcow2)", what, f);
	return 0;
}

static int open_container(struct gb_ctx *ctx, const char *path, struct gb_source **out)
{
	if (gb_source_is_nbd_uri(path))
		return gb_source_open_nbd(ctx, path, out);
	return gb_source_open_raw(ctx, path, 0, out);
}

/* One image of the stack: container, then format; `backing` (owned) goes
 * to a qcow2 image. */
static int open_layer(struct gb_ctx *ctx, const char *path, const char *format,
		      struct gb_source *backing, struct gb_source **out)
{
	struct gb_source *c;
	int r = open_container(ctx, path, &c);
	if (r) {
		gb_source_close(backing);
		return r;
	}
	bool qcow2 = format && !strcmp(format, "qcow2");
	if (!format && (r = gb_source_is_qcow2(ctx, c, &qcow2))) {
		gb_source_close(backing);
		gb_source_close(c);
		return r;
	}
	if (qcow2)
		return gb_source_open_qcow2(ctx, c, backing, out);
	if (backing) {
		gb_source_close(backing);
		gb_source_close(c);
		return gb_error(ctx, GB_E_USAGE, "a backing file was given, but the image is raw");
	}
	*out = c;
	return 0;
}

int gb_source_open_image(struct gb_ctx *ctx, const char *path,
			 const struct gb_image_options *opt, struct gb_source **out)
{
	static const struct gb_image_options none = { 0 };
	if (!opt)
		opt = &none;
	int r;
	if ((r = check_format(ctx, "format", opt->format)) ||
	    (r = check_format(ctx, "backing format", opt->backing_format)))
		return r;
	if (opt->backing && !opt->backing_format)
		return gb_error(ctx, GB_E_USAGE,
				"a backing file needs its format (--backing-format raw|qcow2)");
	struct gb_source *backing = NULL, *src;
	if (opt->backing) {
		size_t mark = gb_scope_push(ctx, "backing file %s", opt->backing);
		r = open_layer(ctx, opt->backing, opt->backing_format, NULL, &backing);
		gb_scope_pop(ctx, mark);
		if (r)
			return r;
	}
	if ((r = open_layer(ctx, path, opt->format, backing, &src)))
		return r;
	if (opt->offset)
		return gb_source_open_window(ctx, src, opt->offset, out);
	*out = src;
	return 0;
}
