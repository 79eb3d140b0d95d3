/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libFuzzer: the qcow2 reader alone: header, extensions, L1/L2 tables,
 * compressed clusters (deflate, zstd), extended L2 entries. The input is a
 * qcow2 file; so that mutations stay meaningful the harness writes the
 * magic, and moves an L1 table offset that is unaligned or past the end of
 * the file onto a cluster of the file (its checks still run on what is
 * left). The virtual disk is then read at both ends, in the middle and
 * across cluster edges, and mapped for the copy path (the file's bytes
 * are also in a memfd that the source names as its own). */
#define _GNU_SOURCE
#include "guestboot.h"
#include "source/source.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define READ_SPAN (4u << 20) /* of the virtual disk: its first and last 4 MiB */

static int memfd = -1;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	memfd = memfd_create("fuzz-qcow2", MFD_CLOEXEC);
	return 0;
}

static uint64_t be(const uint8_t *p, int n)
{
	uint64_t v = 0;
	for (int i = 0; i < n; i++)
		v = v << 8 | p[i];
	return v;
}

static void put_be64(uint8_t *p, uint64_t v)
{
	for (int i = 7; i >= 0; i--, v >>= 8)
		p[i] = (uint8_t)v;
}

static void read_at(struct gb_ctx *ctx, struct gb_source *q, uint64_t off, size_t len)
{
	static uint8_t buf[1u << 17];
	if (off >= q->size)
		return;
	if (len > q->size - off)
		len = (size_t)(q->size - off);
	gb_ctx_clear(ctx);
	gb_source_read(ctx, q, off, buf, len);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 104)
		return 0;
	uint8_t *file = malloc(size);
	if (!file)
		return 0;
	memcpy(file, data, size);
	memcpy(file, "QFI\xfb", 4);
	uint32_t bits = (uint32_t)be(file + 20, 4);
	uint64_t l1 = be(file + 40, 8);
	if (bits >= 9 && bits <= 21 && (l1 % (1ull << bits) || l1 >= size))
		put_be64(file + 40, (l1 % size) & ~((1ull << bits) - 1));
	if (memfd >= 0 && (ftruncate(memfd, 0) || pwrite(memfd, file, size, 0) != (ssize_t)size))
		abort();
	struct gb_ctx *ctx = gb_ctx_new();
	struct gb_source *src, *q;
	if (ctx && gb_source_open_mem(ctx, "fuzz.qcow2", file, size, 0, &src) == 0) {
		src->fd = memfd;
		src->fd_base = 0;
		if (gb_source_open_qcow2(ctx, src, NULL, &q) == 0) {
			uint64_t cl = 1ull << bits;
			read_at(ctx, q, 0, 1u << 17);
			read_at(ctx, q, cl - 100, 200);          /* across a cluster edge */
			read_at(ctx, q, q->size / 2, 4096);
			read_at(ctx, q, q->size > 4096 ? q->size - 4096 : 0, 4096);
			/* the copy path's runs over the first 4 MiB */
			for (uint64_t off = 0, n = 0; off < q->size && off < READ_SPAN && n < 256; n++) {
				int fd;
				uint64_t abs, run;
				gb_ctx_clear(ctx);
				int r = gb_source_map(ctx, q, off, q->size - off, &fd, &abs, &run);
				if (r == 0 && run && fd == memfd && abs + run > size)
					abort(); /* a run that the file does not hold */
				off += r == 0 && run ? run : cl;
			}
			gb_source_close(q);
		}
	}
	gb_ctx_free(ctx);
	free(file);
	return 0;
}
