/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The sparse image encoding of fuzz inputs larger than libFuzzer's max_len
 * (a ZFS pool is 64 MiB at least, an XFS file system 16 MiB): the image
 * size (64-bit little-endian), then extents, each an offset (64-bit), a
 * length (32-bit) and that many bytes; the rest of the image is zero.
 * Made by tests/lib/zfsmap.py and fuzz/seeds.sh from real images. */
#ifndef FUZZ_SPARSE_H
#define FUZZ_SPARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

static inline uint64_t sparse_le(const uint8_t *p, int n)
{
	uint64_t v = 0;
	for (int i = n - 1; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

/* The image size the input asks for, at most cap (0: not an encoding). */
static inline uint64_t sparse_size(const uint8_t *data, size_t size, uint64_t cap)
{
	if (size < 8)
		return 0;
	uint64_t n = sparse_le(data, 8);
	return n > cap ? cap : n;
}

/* The next extent from *at on, cut to the image: false at the end. */
static inline bool sparse_next(const uint8_t *data, size_t size, size_t *at, uint64_t isize,
			       uint64_t *off, const uint8_t **bytes, size_t *len)
{
	while (*at + 12 <= size) {
		uint64_t o = sparse_le(data + *at, 8);
		size_t n = (size_t)sparse_le(data + *at + 8, 4);
		*at += 12;
		if (n > size - *at)
			n = size - *at;
		const uint8_t *p = data + *at;
		*at += n;
		if (o >= isize || n == 0)
			continue;
		*off = o;
		*bytes = p;
		*len = n < isize - o ? n : (size_t)(isize - o);
		return true;
	}
	return false;
}

#endif
