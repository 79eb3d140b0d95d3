/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libFuzzer: GPT headers and partition entries, past their CRCs. Input:
 * one flags byte (bit 0: 4096-byte sectors; bit 1: the primary header is
 * damaged, so the backup is read), the header's bytes 8..92 (the
 * signature is always written; my_lba is set to where the header lies,
 * as a copy that does not point to itself is refused before anything
 * else), then the entry array, written at the LBA the header names when
 * it lies on the disk. Both CRCs are computed here over what the parser
 * will read. Then partitions are enumerated and each one probed and
 * mounted (their bytes are zero: the probes' bounds are what runs). */
#include "guestboot.h"
#include "bytes.h"

#include <stdlib.h>
#include <string.h>

#define DISK (2u << 20)

static uint32_t crc32_ieee(const uint8_t *p, size_t n)
{
	return ~crc32_raw(0xffffffffu, p, n);
}

static uint64_t get64(const uint8_t *p)
{
	uint64_t v = 0;
	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* The header at lba from the fuzzed fields, with its CRC over hsize bytes
 * (taken from the input, bounded by the sector) and the CRC of the entries
 * as they lie on the disk. */
static void header(uint8_t *disk, uint32_t ss, uint64_t lba, const uint8_t fields[84])
{
	uint8_t *h = disk + lba * ss;
	memcpy(h, "EFI PART", 8);
	memcpy(h + 8, fields, 84);
	put64(h + 24, lba);
	uint64_t elba = get64(h + 72);
	uint64_t bytes = (uint64_t)get32(h + 80) * get32(h + 84);
	if (elba < DISK / ss && bytes <= DISK - elba * ss)
		put32(h + 88, crc32_ieee(disk + elba * ss, (size_t)bytes));
	uint32_t hsize = get32(h + 12);
	put32(h + 16, 0);
	if (hsize >= 92 && hsize <= ss)
		put32(h + 16, crc32_ieee(h, hsize));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1 + 84 || size > 1 + 84 + (1u << 20))
		return 0;
	uint32_t ss = data[0] & 1 ? 4096 : 512;
	/* one disk for every run, cleared (a fresh one costs page faults) */
	static uint8_t *disk;
	if (!disk && !(disk = malloc(DISK)))
		abort();
	memset(disk, 0, DISK);
	/* protective MBR */
	disk[446 + 4] = 0xee;
	put32(disk + 446 + 8, 1);
	put32(disk + 446 + 12, DISK / 512 - 1);
	disk[510] = 0x55;
	disk[511] = 0xaa;
	const uint8_t *fields = data + 1;
	const uint8_t *entries = data + 1 + 84;
	size_t elen = size - 1 - 84;
	uint64_t elba = get64(fields + 64);
	if (elba >= 2 && elba < DISK / ss - 1) {
		size_t room = DISK - ss - (size_t)elba * ss; /* not over the backup header */
		memcpy(disk + elba * ss, entries, elen < room ? elen : room);
	}
	uint64_t last = DISK / ss - 1;
	header(disk, ss, last, fields);
	put64(disk + last * ss + 32, 1); /* the backup's alternate: the primary */
	put32(disk + last * ss + 16, 0);
	uint32_t hsize = get32(disk + last * ss + 12);
	if (hsize >= 92 && hsize <= ss)
		put32(disk + last * ss + 16, crc32_ieee(disk + last * ss, hsize));
	header(disk, ss, 1, fields);
	if (data[0] & 2)
		disk[ss + 16] ^= 0x55; /* a damaged primary CRC */
	struct gb_ctx *ctx = gb_ctx_new();
	struct gb_image *img;
	if (ctx && gb_image_open_mem(ctx, "gpt.img", disk, DISK, NULL, &img) == 0) {
		for (size_t i = 0; i < gb_image_volume_count(img); i++) {
			struct gb_fs *fs;
			gb_ctx_clear(ctx);
			gb_volume_mount(ctx, gb_image_volume(img, i), &fs);
		}
		gb_image_close(img);
	}
	gb_ctx_free(ctx);
	return 0;
}
