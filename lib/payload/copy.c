/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Copying a guest's file to a host descriptor. The file system says where
 * each piece of the file lies (gb_file_piece); how it is moved is decided
 * here, by what the output is: a reflink where the output can share the
 * image's blocks, else read() and write() into space reserved ahead. */
#define _GNU_SOURCE
#include "fs/fs.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

/* Pieces that are read, zeroed or decoded go through a buffer this big. */
#define COPY_BUFFER (1u << 20)

/*
 * Where the output can share the image's blocks (the same XFS, btrfs or
 * bcachefs: a reflink), copy_file_range copies nothing. Elsewhere it is a
 * splice through the page cache, and measured on Linux 6.18 with ext4
 * output it was slower than read() and write() with a 256 KiB buffer
 * into space fallocate()d ahead (bench/run, 37 MiB: 9.9 ms against 5.5).
 */
#define COPY_CHUNK (256u << 10) /* stays in the CPU cache between read and write */

static bool output_shares_blocks(int in, int out)
{
	struct stat si, so;
	struct statfs fs;
	if (fstat(in, &si) || fstat(out, &so) || si.st_dev != so.st_dev || fstatfs(out, &fs))
		return false;
	switch ((unsigned long)fs.f_type) {
	case 0x58465342: /* XFS */
	case 0x9123683e: /* btrfs */
	case 0xca451a4e: /* bcachefs */
		return true;
	default:
		return false;
	}
}

/* Reserve the output's blocks in one go (ext4 then skips delayed
 * allocation page by page); the size stays what has been written. */
static void reserve_output(int out, uint64_t len)
{
	struct stat st;
	off_t at = lseek(out, 0, SEEK_CUR);
	if (len && at >= 0 && !fstat(out, &st) && S_ISREG(st.st_mode))
		(void)fallocate(out, FALLOC_FL_KEEP_SIZE, at, (off_t)len);
}

/* Copy len bytes that lie as they are in host file `in` at `at` (a raw
 * image, a qcow2 image's plain clusters). *reflink: whether the output
 * shares blocks with it (-1: not known yet). */
static int copy_host(struct gb_ctx *ctx, int in, uint64_t at, uint64_t len, int out,
		     uint8_t *buf, int *reflink)
{
	if (*reflink < 0)
		*reflink = output_shares_blocks(in, out);
	for (uint64_t done = 0; done < len;) {
		size_t cap = *reflink ? 1u << 30 : COPY_CHUNK;
		size_t n = len - done > cap ? cap : (size_t)(len - done);
		ssize_t w;
		if (*reflink) {
			loff_t pos = (loff_t)(at + done);
			w = copy_file_range(in, &pos, out, NULL, n, 0);
			if (w < 0 && errno != EINTR) {
				*reflink = 0; /* another kind of output after all */
				continue;
			}
		} else {
			w = pread(in, buf, n, (off_t)(at + done));
			if (w > 0 && gb_write_all(out, buf, (size_t)w))
				return gb_error(ctx, GB_E_IO, "write: %s", strerror(errno));
		}
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return gb_error(ctx, GB_E_IO, "read: %s", strerror(errno));
		if (w == 0)
			return gb_error(ctx, GB_E_IO, "read: the image ends inside the file");
		done += (uint64_t)w;
	}
	return 0;
}

/* Copy [start, start+size) of an open file to fd. */
static int copy_part(struct gb_ctx *ctx, struct gb_fs *fs, struct gb_file *f, const char *path,
		     uint64_t start, uint64_t size, int fd, uint64_t max)
{
	int r = 0;
	if (max && size > max) {
		size_t mark = gb_fs_scope(ctx, fs);
		r = gb_error(ctx, GB_E_LIMIT, "%s: %llu bytes, more than the limit of %llu",
			     path, (unsigned long long)size, (unsigned long long)max);
		gb_scope_pop(ctx, mark);
		return r;
	}
	uint8_t *buf = malloc(COPY_BUFFER);
	if (!buf)
		return gb_error(ctx, GB_E_NOMEM, "out of memory");
	reserve_output(fd, size);
	int reflink = -1; /* not known yet */
	for (uint64_t done = 0; done < size && r == 0;) {
		struct gb_file_piece p;
		gb_file_prefetch(f, start + done, size - done);
		r = gb_file_piece(ctx, f, start + done, size - done, buf, COPY_BUFFER, &p);
		if (r)
			break;
		if (p.fd >= 0)
			r = copy_host(ctx, p.fd, p.host_off, p.len, fd, buf, &reflink);
		else if (gb_write_all(fd, p.bytes, (size_t)p.len))
			r = gb_error(ctx, GB_E_IO, "write: %s", strerror(errno));
		done += p.len;
	}
	free(buf);
	return r;
}

int gb_fs_copy_to_fd(struct gb_ctx *ctx, struct gb_fs *fs, const char *path,
		     int fd, uint64_t max)
{
	struct gb_file *f;
	int r = gb_file_open(ctx, fs, path, &f);
	if (r)
		return r;
	r = copy_part(ctx, fs, f, path, 0, gb_file_size(f), fd, max);
	gb_file_close(f);
	return r;
}

int gb_fs_copy_range_to_fd(struct gb_ctx *ctx, struct gb_fs *fs, const char *path,
			   uint64_t off, uint64_t len, int fd, uint64_t max)
{
	struct gb_file *f;
	int r = gb_file_open_range(ctx, fs, path, off, len, &f);
	if (r)
		return r;
	r = copy_part(ctx, fs, f, path, off, len, fd, max);
	gb_file_close(f);
	return r;
}
