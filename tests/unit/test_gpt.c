/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* GPT parsing on crafted buffers: CRCs, backup header, 4K sectors, bounds. */
#include "t.h"
#include "core/core.h"

#include <stdlib.h>

#define DISK_BYTES (4u << 20)
static uint8_t *disk;
static uint32_t ss;       /* logical sector size of the disk being built */
static uint64_t nsectors;

static void put16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }
static void put32(uint8_t *p, uint32_t v) { put16(p, (uint16_t)v); put16(p + 2, (uint16_t)(v >> 16)); }
static void put64(uint8_t *p, uint64_t v) { put32(p, (uint32_t)v); put32(p + 4, (uint32_t)(v >> 32)); }

/* EFI GUID bytes for "0fc63daf-8483-4772-8e79-3d69d8477de4" (Linux data). */
static const uint8_t linux_type[16] = { 0xaf, 0x3d, 0xc6, 0x0f, 0x83, 0x84, 0x72, 0x47,
					0x8e, 0x79, 0x3d, 0x69, 0xd8, 0x47, 0x7d, 0xe4 };

static uint8_t *sector(uint64_t lba) { return disk + lba * ss; }

static void header(uint64_t lba, uint64_t alt, uint64_t entries_lba, uint32_t n,
		   uint32_t esize)
{
	uint8_t *h = sector(lba);
	memset(h, 0, ss);
	memcpy(h, "EFI PART", 8);
	put32(h + 8, 0x00010000);
	put32(h + 12, 92);
	put64(h + 24, lba);
	put64(h + 32, alt);
	put64(h + 40, 34);
	put64(h + 48, nsectors - 34);
	memset(h + 56, 0x11, 16);
	put64(h + 72, entries_lba);
	put32(h + 80, n);
	put32(h + 84, esize);
	uint64_t end = entries_lba * ss + (uint64_t)n * esize;
	if (entries_lba < nsectors && end <= DISK_BYTES)
		put32(h + 88, gb_crc32(0, sector(entries_lba), (size_t)n * esize));
	put32(h + 16, gb_crc32(0, h, 92));
}

static void name16(uint8_t *p, const uint16_t *units, size_t n)
{
	for (size_t i = 0; i < n; i++)
		put16(p + 2 * i, units[i]);
}

/* A disk with two Linux partitions (entries 1 and 3), both headers good. */
static void build(uint32_t sector_size)
{
	ss = sector_size;
	nsectors = DISK_BYTES / ss;
	free(disk);
	disk = calloc(1, DISK_BYTES);
	/* protective MBR */
	disk[446 + 4] = 0xee;
	put32(disk + 446 + 8, 1);
	put32(disk + 446 + 12, (uint32_t)(nsectors - 1));
	disk[510] = 0x55;
	disk[511] = 0xaa;
	uint32_t n = 128, es = 128;
	uint64_t elba = 2, belba = nsectors - 1 - (n * es) / ss;
	uint8_t *e = sector(elba);
	memcpy(e, linux_type, 16);
	memset(e + 16, 0xab, 16);
	put64(e + 32, 40);
	put64(e + 40, 99);
	put64(e + 48, 4); /* legacy BIOS bootable */
	static const uint16_t boot[] = { 'b', 'o', 'o', 't', 0xe9 /* é */ };
	name16(e + 56, boot, 5);
	e += 2 * es;
	memcpy(e, linux_type, 16);
	memset(e + 16, 0xcd, 16);
	put64(e + 32, 100);
	put64(e + 40, 199);
	static const uint16_t rootname[] = { 'r', 0x0a /* newline */, 0xd83d, 0xde00 /* U+1F600 */ };
	name16(e + 56, rootname, 4);
	memcpy(sector(belba), sector(elba), n * es);
	header(1, nsectors - 1, elba, n, es);
	header(nsectors - 1, 1, belba, n, es);
}

static struct gb_ctx *ctx;
static struct gb_image *img;

static int open_disk(void)
{
	gb_image_close(img);
	img = NULL;
	if (!ctx)
		ctx = gb_ctx_new();
	gb_ctx_clear(ctx);
	return gb_image_open_mem(ctx, "gpt.img", disk, DISK_BYTES, NULL, &img);
}

static const struct gb_volume_info *vol(int number)
{
	for (size_t i = 0; img && i < gb_image_volume_count(img); i++) {
		const struct gb_volume_info *v = gb_volume_info(gb_image_volume(img, i));
		if (v->number == number)
			return v;
	}
	return NULL;
}

static void expect_good_table(void)
{
	CHECK_STR(gb_image_table(img), "gpt");
	CHECK_INT(gb_image_volume_count(img), 2);
	const struct gb_volume_info *v = vol(1);
	CHECK(v != NULL);
	if (v) {
		CHECK_STR(v->scheme, "gpt");
		CHECK_INT(v->start, 40 * ss);
		CHECK_INT(v->size, 60 * ss);
		CHECK_STR(v->type, "0fc63daf-8483-4772-8e79-3d69d8477de4");
		CHECK_STR(v->partuuid, "abababab-abab-abab-abab-abababababab");
		CHECK_STR(v->name, "boot\xc3\xa9");
		CHECK_INT(v->bootable, 1);
	}
	v = vol(3);
	CHECK(v != NULL);
	if (v) {
		CHECK_INT(v->start, 100 * ss);
		CHECK_STR(v->name, "r?\xf0\x9f\x98\x80"); /* control char neutralised */
		CHECK_INT(v->bootable, 0);
	}
}

static void good(void)
{
	build(512);
	CHECK_INT(open_disk(), 0);
	expect_good_table();
}

static void sector_4k(void)
{
	build(4096);
	CHECK_INT(open_disk(), 0);
	expect_good_table();
}

static void primary_header_crc(void)
{
	build(512);
	sector(1)[60] ^= 1; /* disk GUID byte: header CRC no longer matches */
	CHECK_INT(open_disk(), 0);
	expect_good_table();
}

static void primary_entries_crc(void)
{
	build(512);
	sector(2)[32] ^= 0xff; /* entry 1's first LBA: array CRC mismatch */
	CHECK_INT(open_disk(), 0);
	expect_good_table(); /* from the backup copy, which is intact */
}

static void both_damaged(void)
{
	build(512);
	sector(1)[60] ^= 1;
	sector(nsectors - 1)[60] ^= 1;
	CHECK_INT(open_disk(), GB_E_CORRUPT);
	CHECK_CONTAINS(gb_ctx_message(ctx),
		       "gpt.img: GPT: no valid GPT (512-byte sectors): primary header: header CRC mismatch; backup header: header CRC mismatch");
}

static void huge_entry_array(void)
{
	build(512);
	header(1, nsectors - 1, 2, 1u << 20, 128); /* 128 MiB of entries */
	CHECK_INT(open_disk(), 0);
	expect_good_table(); /* primary refused, backup used */
	header(nsectors - 1, 1, 2, 100000, 4096);
	CHECK_INT(open_disk(), GB_E_CORRUPT);
	CHECK_CONTAINS(gb_ctx_message(ctx), "entry array size out of bounds");
}

static void bad_entry_size(void)
{
	build(512);
	header(1, nsectors - 1, 2, 128, 100); /* below 128 */
	header(nsectors - 1, 1, 2, 128, 0);
	CHECK_INT(open_disk(), GB_E_CORRUPT);
	CHECK_CONTAINS(gb_ctx_message(ctx), "entry array size out of bounds");
}

static void entries_outside_disk(void)
{
	build(512);
	header(1, nsectors - 1, nsectors + 5, 128, 128);
	header(nsectors - 1, 1, UINT64_MAX / 256, 128, 128);
	CHECK_INT(open_disk(), GB_E_CORRUPT);
	CHECK_CONTAINS(gb_ctx_message(ctx), "entry array outside the disk");
}

static void invalid_entries_skipped(void)
{
	build(512);
	uint8_t *e = sector(2);
	put64(e + 32, 500);         /* entry 1: first > last */
	put64(e + 2 * 128 + 40, nsectors + 10); /* entry 3: past the disk */
	memcpy(e + 5 * 128, linux_type, 16);    /* entry 6: valid */
	put64(e + 5 * 128 + 32, 300);
	put64(e + 5 * 128 + 40, 300);
	header(1, nsectors - 1, 2, 128, 128);
	sector(nsectors - 1)[0] = 0; /* no backup */
	CHECK_INT(open_disk(), 0);
	CHECK_INT(gb_image_volume_count(img), 1);
	const struct gb_volume_info *v = vol(6);
	CHECK(v != NULL);
	if (v)
		CHECK_INT(v->size, 512);
}

static void header_not_self(void)
{
	build(512);
	uint8_t *h = sector(1);
	put64(h + 24, 7); /* my_lba != 1 */
	put32(h + 16, 0);
	put32(h + 16, gb_crc32(0, h, 92));
	sector(nsectors - 1)[0] = 0;
	CHECK_INT(open_disk(), GB_E_CORRUPT);
	CHECK_CONTAINS(gb_ctx_message(ctx), "header does not point to itself");
}

static void protective_no_header(void)
{
	build(512);
	memset(sector(1), 0, 512);
	memset(sector(nsectors - 1), 0, 512);
	CHECK_INT(open_disk(), GB_E_CORRUPT);
	CHECK_CONTAINS(gb_ctx_message(ctx), "protective MBR found but no GPT header");
	gb_image_close(img);
	img = NULL;
}

const struct t_case gpt_cases[] = {
	{ "gpt/good", good },
	{ "gpt/4k-sectors", sector_4k },
	{ "gpt/primary-header-crc", primary_header_crc },
	{ "gpt/primary-entries-crc", primary_entries_crc },
	{ "gpt/both-damaged", both_damaged },
	{ "gpt/huge-entry-array", huge_entry_array },
	{ "gpt/bad-entry-size", bad_entry_size },
	{ "gpt/entries-outside-disk", entries_outside_disk },
	{ "gpt/invalid-entries-skipped", invalid_entries_skipped },
	{ "gpt/header-not-self", header_not_self },
	{ "gpt/protective-no-header", protective_no_header },
	{ NULL, NULL },
};
