/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Sources: where the virtual disk's bytes come from (raw file or device,
 * memory, an NBD export; a qcow2 image read from one of those). Every read
 * goes through gb_source_read, which checks it against the source's size. */
#ifndef GB_SOURCE_H
#define GB_SOURCE_H

#include "core/core.h"

#include <stdatomic.h>

struct gb_source;

struct gb_source_ops {
	const char *name;
	/* Fill buf with len bytes at off (already bounds-checked). */
	int (*pread)(struct gb_ctx *ctx, struct gb_source *src, uint64_t off,
		     void *buf, size_t len);
	void (*close)(struct gb_source *src);
	/* Optional, for sources without a descriptor of their own (qcow2):
	 * as gb_source_map. */
	int (*map)(struct gb_ctx *ctx, struct gb_source *src, uint64_t off, uint64_t len,
		   int *fd, uint64_t *abs, uint64_t *run);
	/* Optional: start fetching [off, off+len), which will be read soon
	 * (NBD); a hint, never an error. */
	void (*prefetch)(struct gb_source *src, uint64_t off, uint64_t len);
};

struct gb_source {
	const struct gb_source_ops *ops;
	const char *name;  /* for messages: the path as the user gave it */
	const char *format; /* of the disk's bytes: "raw" or "qcow2" */
	uint64_t size;     /* bytes readable */
	void *priv;
	/* A raw source also exposes its descriptor and base offset, so that
	 * copies of uncompressed extents read (or reflink) straight from it;
	 * -1 for other sources. */
	int fd;
	uint64_t fd_base;
	/* pread may run on several threads at once (raw, memory and NBD
	 * sources, and windows over them; not qcow2, whose caches are
	 * unlocked) */
	bool concurrent;
	/* the command's work on this image (core.h); zero when opened */
	struct gb_work work;
	/* The first read that failed with an I/O error, kept even when its
	 * caller ignored it (a lookup of the config search under a quiet
	 * context): a command that then finds nothing says why. */
	atomic_bool read_failed;
	char read_error[GB_MSG_MAX];
};

int gb_source_read(struct gb_ctx *ctx, struct gb_source *src, uint64_t off,
		   void *buf, size_t len);
/* Where the source's bytes at off lie as they are in a host descriptor, for
 * copies that read straight from it (gb_fs_copy_to_fd): *fd at *abs, for *run bytes
 * (0 < *run <= len). GB_E_NOT_MINE when they do not (memory, NBD, a
 * compressed, zero or unallocated qcow2 cluster); other errors as a read's.
 * The range is bounds-checked like a read. */
int gb_source_map(struct gb_ctx *ctx, struct gb_source *src, uint64_t off, uint64_t len,
		  int *fd, uint64_t *abs, uint64_t *run);
/* A hint that [off, off+len) will be read soon: sources that fetch over a
 * network (NBD) start asking for it; others ignore it. */
void gb_source_prefetch(struct gb_source *src, uint64_t off, uint64_t len);
/* The first I/O error a read of src met, or NULL. */
const char *gb_source_read_error(const struct gb_source *src);
void gb_source_close(struct gb_source *src);

/* Raw image file or block device, starting at `offset`. */
int gb_source_open_raw(struct gb_ctx *ctx, const char *path, uint64_t offset,
		       struct gb_source **out);
/* Caller-owned memory. */
int gb_source_open_mem(struct gb_ctx *ctx, const char *name, const void *data,
		       size_t size, uint64_t offset, struct gb_source **out);

/* An NBD URI (nbd://host[:port]/export, nbd+unix:///export?socket=PATH);
 * GB_E_UNSUPPORTED when built without libnbd. */
bool gb_source_is_nbd_uri(const char *path);
int gb_source_open_nbd(struct gb_ctx *ctx, const char *uri, struct gb_source **out);

/* Does the source start with the qcow2 magic? (0 or a read error) */
int gb_source_is_qcow2(struct gb_ctx *ctx, struct gb_source *file, bool *is);
/* The virtual disk of the qcow2 image in `file`. Unallocated clusters read
 * from `backing` (may be NULL: then an image that names a backing file is
 * refused). Takes ownership of both, also on failure. */
int gb_source_open_qcow2(struct gb_ctx *ctx, struct gb_source *file,
			 struct gb_source *backing, struct gb_source **out);

/* The bytes of `parent` from `offset` on (owns parent, also on failure). */
int gb_source_open_window(struct gb_ctx *ctx, struct gb_source *parent,
			  uint64_t offset, struct gb_source **out);

/* The virtual disk at `path` as the options say: the container (file,
 * device or NBD URI) and the backing file the caller names are opened, then
 * opt->before_parse runs (it may forbid opening anything), then the formats
 * are parsed (detected from the magic unless named) and the offset
 * applied. */
int gb_source_open_image(struct gb_ctx *ctx, const char *path,
			 const struct gb_image_options *opt, struct gb_source **out);
/* The image and its further disks (opt->disks): out[0] the image as
 * gb_source_open_image gives it, out[1 + i] disk i (raw or qcow2 from its
 * magic). Every file is opened before opt->before_parse runs. */
int gb_source_open_disks(struct gb_ctx *ctx, const char *path,
			 const struct gb_image_options *opt, struct gb_source **out);
/* The same over caller-owned memory (no backing file). */
int gb_source_open_image_mem(struct gb_ctx *ctx, const char *name, const void *data,
			     size_t size, const struct gb_image_options *opt,
			     struct gb_source **out);

#endif
