/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Raw images: a regular file or a block device, read with pread. */
#define _GNU_SOURCE
#include "source/source.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

static int raw_pread(struct gb_ctx *ctx, struct gb_source *src, uint64_t off,
		     void *buf, size_t len)
{
	uint8_t *p = buf;
	uint64_t pos = src->fd_base + off;
	while (len) {
		ssize_t n = pread(src->fd, p, len, (off_t)pos);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return gb_error(ctx, GB_E_IO, "read at offset %llu: %s",
					(unsigned long long)(pos), strerror(errno));
		if (n == 0)
			return gb_error(ctx, GB_E_IO,
					"unexpected end of file at offset %llu",
					(unsigned long long)pos);
		p += n;
		pos += (uint64_t)n;
		len -= (size_t)n;
	}
	return 0;
}

static void raw_close(struct gb_source *src)
{
	close(src->fd);
	free(src);
}

static const struct gb_source_ops raw_ops = {
	.name = "raw",
	.pread = raw_pread,
	.close = raw_close,
};

int gb_source_open_raw(struct gb_ctx *ctx, const char *path, uint64_t offset,
		       struct gb_source **out)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return gb_error(ctx, errno == ENOENT ? GB_E_NOT_FOUND : GB_E_IO,
				"cannot open: %s", strerror(errno));
	struct stat st;
	uint64_t size = 0;
	if (fstat(fd, &st) < 0) {
		int e = errno;
		close(fd);
		return gb_error(ctx, GB_E_IO, "cannot stat: %s", strerror(e));
	}
	if (S_ISREG(st.st_mode)) {
		size = (uint64_t)st.st_size;
	} else if (S_ISBLK(st.st_mode)) {
		if (ioctl(fd, BLKGETSIZE64, &size) < 0) {
			int e = errno;
			close(fd);
			return gb_error(ctx, GB_E_IO, "cannot get device size: %s",
					strerror(e));
		}
	} else {
		close(fd);
		return gb_error(ctx, GB_E_USAGE,
				"not a regular file or block device");
	}
	if (offset > size) {
		close(fd);
		return gb_error(ctx, GB_E_USAGE,
				"offset %llu is past the end of the image (%llu bytes)",
				(unsigned long long)offset, (unsigned long long)size);
	}
	struct gb_source *src = calloc(1, sizeof(*src));
	if (!src) {
		close(fd);
		return gb_error(ctx, GB_E_NOMEM, "out of memory");
	}
	/* We read metadata scattered and file data sequentially; the kernel's
	 * default readahead serves both, so no fadvise here. */
	src->ops = &raw_ops;
	src->format = "raw";
	src->name = path;
	src->fd = fd;
	src->concurrent = true; /* pread */
	src->fd_base = offset;
	src->size = size - offset;
	*out = src;
	return 0;
}
