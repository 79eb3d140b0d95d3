/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libFuzzer: one file system driver (DRIVER, set at build time: fuzz-ext,
 * fuzz-xfs, ...) on the input as a whole volume, with no partition scan
 * and no other driver's probe in the way. After its probe and mount, a
 * bounded walk runs every operation a boot does: lookup (hits and
 * misses), readdir, lstat/stat, readlink, pread at both ends of each
 * file, and the streaming copy (gb_fs_copy_to_fd into /dev/null), whose
 * map calls read straight from a descriptor: the image's bytes are also
 * in a memfd that the source names as its own.
 * With SPARSE_INPUT the input is the sparse encoding (sparse.h), for file
 * systems larger than max_len (XFS, ZFS). */
#define _GNU_SOURCE
#include "guestboot.h"
#include "fs/fs.h"
#include "source/source.h"
#include "sparse.h"
#include "walk.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#ifndef DRIVER
#error DRIVER must name a gb_fs_* driver
#endif

#define COPY_FILES 4 /* copies per run (each moves 1 MiB buffers about) */
#ifndef MAX_SPARSE
#define MAX_SPARSE (128u << 20)
#endif

/* The driver on the image's bytes (img, also in fd): probe, mount, walk. */
static void run_fs(const uint8_t *img, uint64_t isize, int fd, int sink)
{
	struct gb_ctx *ctx = gb_ctx_new();
	struct gb_source *src;
	struct gb_volume *vol = calloc(1, sizeof(*vol));
	if (!ctx || !vol || gb_source_open_mem(ctx, "fuzz.img", img, (size_t)isize, 0, &src)) {
		free(vol);
		gb_ctx_free(ctx);
		return;
	}
	src->fd = fd; /* the same bytes, for the copy path's direct reads */
	src->fd_base = 0;
	vol->src = src;
	vol->size = src->size;
	vol->sector_size = 512;
	vol->slice = -1;
	struct gb_fs_probe p = { 0 };
	struct gb_fs *fs;
	if (DRIVER.probe(ctx, vol, &p) == 0) {
		vol->fs_driver = &DRIVER;
		snprintf(vol->fstype, sizeof(vol->fstype), "%s", p.type);
		gb_ctx_clear(ctx);
		if (gb_volume_mount(ctx, vol, &fs) == 0) {
			const char *def;
			struct gb_fs_bootfs bootfs;
			struct gb_stat st = GB_SIZED(struct gb_stat);
			gb_fs_default_root(ctx, fs, &def);
			gb_ctx_clear(ctx);
			gb_fs_bootfs(ctx, fs, NULL, &bootfs);
			/* lookups that miss walk a whole hashed or B-tree directory */
			gb_ctx_clear(ctx);
			gb_fs_stat(ctx, fs, "/boot/grub/grub.cfg", &st);
			gb_ctx_clear(ctx);
			gb_fs_stat(ctx, fs, "/boot/no-such-name-0123456789", &st);
			gb_ctx_clear(ctx);
			gb_fs_stat(ctx, fs, "/d/file39/..", &st);
			walk_fs(ctx, fs, sink, COPY_FILES);
			gb_fs_umount(fs);
		}
	}
	gb_source_close(src);
	free(vol);
	gb_ctx_free(ctx);
}

static int memfd = -1, sink = -1;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	memfd = memfd_create("fuzz-image", MFD_CLOEXEC);
	sink = open("/dev/null", O_WRONLY | O_CLOEXEC);
	return 0;
}

static void fill_fd(const void *data, size_t len, uint64_t off)
{
	if (memfd >= 0 && pwrite(memfd, data, len, (off_t)off) != (ssize_t)len)
		abort(); /* a harness failure, not a finding to chase */
}

#ifdef SPARSE_INPUT
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* one zeroed area for every run: the extents are written, then
	 * cleared again (calloc of 100 MiB per run would cost more than the
	 * walk) */
	static uint8_t *area;
	if (!area && (area = mmap(NULL, MAX_SPARSE, PROT_READ | PROT_WRITE,
				  MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0)) == MAP_FAILED)
		abort();
	uint64_t isize = sparse_size(data, size, MAX_SPARSE);
	if (!isize)
		return 0;
	size_t at = 8, len;
	uint64_t off;
	const uint8_t *bytes;
	if (memfd >= 0 && ftruncate(memfd, (off_t)isize))
		abort();
	while (sparse_next(data, size, &at, isize, &off, &bytes, &len)) {
		memcpy(area + off, bytes, len);
		fill_fd(bytes, len, off);
	}
	run_fs(area, isize, memfd, sink);
	for (at = 8; sparse_next(data, size, &at, isize, &off, &bytes, &len);)
		memset(area + off, 0, len);
	if (memfd >= 0 && ftruncate(memfd, 0))
		abort();
	return 0;
}
#else
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (memfd >= 0 && ftruncate(memfd, (off_t)size))
		abort();
	fill_fd(data, size, 0);
	run_fs(data, size, memfd, sink);
	return 0;
}
#endif
