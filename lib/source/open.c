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

static int window_map(struct gb_ctx *ctx, struct gb_source *src, uint64_t off, uint64_t len,
		      int *fd, uint64_t *abs, uint64_t *run)
{
	struct window *w = src->priv;
	return gb_source_map(ctx, w->parent, w->base + off, len, fd, abs, run);
}

static void window_prefetch(struct gb_source *src, uint64_t off, uint64_t len)
{
	struct window *w = src->priv;
	gb_source_prefetch(w->parent, w->base + off, len);
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
	.map = window_map,
	.prefetch = window_prefetch,
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

/* One image of the stack: its format over its opened container `c`;
 * `backing` goes to a qcow2 image. Owns both, also on failure. */
static int open_layer(struct gb_ctx *ctx, struct gb_source *c, const char *format,
		      struct gb_source *backing, struct gb_source **out)
{
	bool qcow2 = format && !strcmp(format, "qcow2");
	int r;
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

static int check_options(struct gb_ctx *ctx, const struct gb_image_options *opt)
{
	int r;
	if ((r = check_format(ctx, "format", opt->format)) ||
	    (r = check_format(ctx, "backing format", opt->backing_format)))
		return r;
	if (opt->backing && !opt->backing_format)
		return gb_error(ctx, GB_E_USAGE,
				"a backing file needs its format (--backing-format raw|qcow2)");
	return 0;
}

/* Every file is open: run the caller's hook (entering a sandbox), then
 * parse the formats and apply the offset. Owns c and bc (may be NULL). */
static int stack(struct gb_ctx *ctx, struct gb_source *c, struct gb_source *bc,
		 const struct gb_image_options *opt, struct gb_source **out)
{
	int r = 0;
	if (opt->before_parse && (r = opt->before_parse(opt->before_parse_arg))) {
		gb_source_close(c);
		gb_source_close(bc);
		return gb_error(ctx, r < 0 ? r : GB_E_IO, "cannot enter the sandbox");
	}
	struct gb_source *backing = NULL, *src;
	if (bc) {
		size_t mark = gb_scope_push(ctx, "backing file %s", opt->backing);
		r = open_layer(ctx, bc, opt->backing_format, NULL, &backing);
		gb_scope_pop(ctx, mark);
		if (r) {
			gb_source_close(c);
			return r;
		}
	}
	if ((r = open_layer(ctx, c, opt->format, backing, &src)))
		return r;
	if (opt->offset)
		return gb_source_open_window(ctx, src, opt->offset, out);
	*out = src;
	return 0;
}

/* The image (with its backing file, format and offset) and each further
 * disk (format from its magic): every container is opened first, then the
 * hook runs, then the formats are parsed. out[0] is the image, out[1..n)
 * the disks. */
static int open_all(struct gb_ctx *ctx, const char *path, const struct gb_image_options *opt,
		    size_t ndisks, struct gb_source **out)
{
	int r = check_options(ctx, opt);
	if (r)
		return r;
	if (ndisks >= GB_MAX_DISKS)
		return gb_error(ctx, GB_E_LIMIT, "more than %d disks", GB_MAX_DISKS);
	/* Open every file (and socket) first: the hook may forbid opening. */
	struct gb_source *c, *bc = NULL, *dc[GB_MAX_DISKS] = { 0 };
	if ((r = open_container(ctx, path, &c)))
		return r;
	if (opt->backing) {
		size_t mark = gb_scope_push(ctx, "backing file %s", opt->backing);
		r = open_container(ctx, opt->backing, &bc);
		gb_scope_pop(ctx, mark);
	}
	for (size_t i = 0; !r && i < ndisks; i++) {
		size_t mark = gb_scope_push(ctx, "%s", opt->disks[i]);
		r = open_container(ctx, opt->disks[i], &dc[i]);
		gb_scope_pop(ctx, mark);
	}
	if (r) {
		gb_source_close(c);
		gb_source_close(bc);
		for (size_t i = 0; i < ndisks; i++)
			gb_source_close(dc[i]);
		return r;
	}
	if ((r = stack(ctx, c, bc, opt, &out[0]))) {
		for (size_t i = 0; i < ndisks; i++)
			gb_source_close(dc[i]);
		return r;
	}
	for (size_t i = 0; i < ndisks; i++) {
		size_t mark = gb_scope_push(ctx, "%s", opt->disks[i]);
		if (!r)
			r = open_layer(ctx, dc[i], NULL, NULL, &out[1 + i]);
		else
			gb_source_close(dc[i]);
		gb_scope_pop(ctx, mark);
		if (r)
			out[1 + i] = NULL;
	}
	if (r)
		for (size_t i = 0; i < 1 + ndisks; i++)
			gb_source_close(out[i]);
	return r;
}

int gb_source_open_image(struct gb_ctx *ctx, const char *path,
			 const struct gb_image_options *opt, struct gb_source **out)
{
	static const struct gb_image_options none = { 0 };
	return open_all(ctx, path, opt ? opt : &none, 0, out);
}

int gb_source_open_disks(struct gb_ctx *ctx, const char *path,
			 const struct gb_image_options *opt, struct gb_source **out)
{
	return open_all(ctx, path, opt, opt->ndisks, out);
}

int gb_source_open_image_mem(struct gb_ctx *ctx, const char *name, const void *data,
			     size_t size, const struct gb_image_options *opt,
			     struct gb_source **out)
{
	static const struct gb_image_options none = { 0 };
	if (!opt)
		opt = &none;
	int r = check_options(ctx, opt);
	if (r)
		return r;
	if (opt->backing)
		return gb_error(ctx, GB_E_USAGE, "a backing file for an image in memory");
	struct gb_source *c;
	if ((r = gb_source_open_mem(ctx, name, data, size, 0, &c)))
		return r;
	return stack(ctx, c, NULL, opt, out);
}
