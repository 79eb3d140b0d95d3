/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Little-endian stores and the reflected CRC-32 (zlib's polynomial) for
 * harnesses that write on-disk structures with valid checksums. */
#ifndef FUZZ_BYTES_H
#define FUZZ_BYTES_H

#include <stddef.h>
#include <stdint.h>

static inline void put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static inline void put64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* The CRC register after n more bytes, without initial or final
 * inversion: GPT's CRC is ~crc32_raw(~0, ...), LVM's crc32_raw(0xf597a6cf, ...). */
static inline uint32_t crc32_raw(uint32_t c, const uint8_t *p, size_t n)
{
	while (n--) {
		c ^= *p++;
		for (int k = 0; k < 8; k++)
			c = (c >> 1) ^ (0xedb88320u & -(c & 1));
	}
	return c;
}

#endif
