/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* ISO9660 images crafted in memory for what xorriso will not write cheaply:
 * a multi-extent file (ISO level 3 writes one only past 4 GiB), a missing
 * final extent, and Rock Ridge continuation areas that loop through two
 * areas or chain past the limit. */
#include "t.h"
#include "fs/fs.h"

#include <stdlib.h>

#define BS 2048
#define BLOCKS 80
#define ROOT_BLOCK 18

static uint8_t img[BLOCKS * BS];

static void both32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++) {
		p[i] = (uint8_t)(v >> (8 * i));
		p[7 - i] = (uint8_t)(v >> (8 * i));
	}
}

static void both16(uint8_t *p, uint16_t v)
{
	p[0] = p[3] = (uint8_t)v;
	p[1] = p[2] = (uint8_t)(v >> 8);
}

/* A directory record at p; returns its length. */
static size_t record(uint8_t *p, uint32_t lba, uint32_t len, uint8_t flags,
		     const char *id, size_t idlen, const uint8_t *su, size_t sulen)
{
	size_t n = 33 + idlen + !(idlen & 1);
	memset(p, 0, n + sulen);
	p[0] = (uint8_t)(n + sulen);
	both32(p + 2, lba);
	both32(p + 10, len);
	p[18] = 120, p[19] = 1, p[20] = 2; /* 2020-01-02 */
	p[25] = flags;
	both16(p + 28, 1);
	p[32] = (uint8_t)idlen;
	memcpy(p + 33, id, idlen);
	if (sulen)
		memcpy(p + n, su, sulen);
	return n + sulen;
}

static const uint8_t sp_entry[7] = { 'S', 'P', 7, 1, 0xbe, 0xef, 0 };

/* PVD, terminator, a root directory with "." (SP when rr) and "..". The
 * caller adds records at the returned offset of the root block. */
static size_t build(bool rr)
{
	memset(img, 0, sizeof(img));
	uint8_t *pvd = img + 16 * BS;
	pvd[0] = 1;
	memcpy(pvd + 1, "CD001", 5);
	pvd[6] = 1;
	memset(pvd + 40, ' ', 32);
	memcpy(pvd + 40, "CRAFTED", 7);
	both32(pvd + 80, BLOCKS);
	both16(pvd + 128, BS);
	record(pvd + 156, ROOT_BLOCK, BS, 2, "\0", 1, NULL, 0);
	uint8_t *end = img + 17 * BS;
	end[0] = 255;
	memcpy(end + 1, "CD001", 5);
	end[6] = 1;
	uint8_t *root = img + ROOT_BLOCK * BS;
	size_t p = record(root, ROOT_BLOCK, BS, 2, "\0", 1, rr ? sp_entry : NULL, rr ? 7 : 0);
	p += record(root + p, ROOT_BLOCK, BS, 2, "\1", 1, NULL, 0);
	return p;
}

static struct gb_ctx *ctx;
static struct gb_image *image;
static struct gb_fs *fs;

static int mount(void)
{
	if (!ctx)
		ctx = gb_ctx_new();
	gb_ctx_clear(ctx);
	gb_image_close(image);
	image = NULL;
	struct gb_volume *v;
	int r = gb_image_open_mem(ctx, "crafted.iso", img, sizeof(img), NULL, &image);
	if (!r)
		r = gb_image_find_volume(ctx, image, "0", &v);
	if (!r)
		r = gb_volume_mount(ctx, v, &fs);
	if (r)
		fprintf(stderr, "  mount: %s\n", gb_ctx_message(ctx));
	return r;
}

static char *data;
static size_t len;

static int read_file(const char *path)
{
	free(data);
	data = NULL;
	gb_ctx_clear(ctx);
	return gb_fs_read_file(ctx, fs, path, 1 << 20, &data, &len);
}

static void multi_extent(void)
{
	size_t p = build(false);
	uint8_t *root = img + ROOT_BLOCK * BS;
	/* BIG.BIN: 2048 bytes of 'A' at block 30, then 100 of 'B' at 40 */
	p += record(root + p, 30, BS, 0x80, "BIG.BIN;1", 9, NULL, 0);
	p += record(root + p, 40, 100, 0, "BIG.BIN;1", 9, NULL, 0);
	record(root + p, 50, 3, 0, "A.TXT;1", 7, NULL, 0);
	memset(img + 30 * BS, 'A', BS);
	memset(img + 40 * BS, 'B', 100);
	memcpy(img + 50 * BS, "abc", 3);
	if (mount())
		{ CHECK(0); return; }
	CHECK_INT(read_file("/big.bin"), 0);
	CHECK_INT(len, BS + 100);
	CHECK(data && data[0] == 'A' && data[BS - 1] == 'A' && data[BS] == 'B' &&
	      data[BS + 99] == 'B');
	/* a read across the seam, through the file interface */
	struct gb_file *f;
	CHECK_INT(gb_file_open(ctx, fs, "/BIG.BIN", &f), 0);
	char buf[4] = { 0 };
	size_t got = 0;
	CHECK_INT(gb_file_pread(ctx, f, BS - 2, buf, 4, &got), 0);
	CHECK_INT(got, 4);
	CHECK(!memcmp(buf, "AABB", 4));
	gb_file_close(f);
	CHECK_INT(read_file("/a.txt"), 0);
	CHECK_STR(data, "abc");
}

static void multi_extent_unfinished(void)
{
	size_t p = build(false);
	uint8_t *root = img + ROOT_BLOCK * BS;
	p += record(root + p, 30, BS, 0x80, "BIG.BIN;1", 9, NULL, 0);
	record(root + p, 40, 100, 0x80, "BIG.BIN;1", 9, NULL, 0);
	if (mount())
		{ CHECK(0); return; }
	CHECK_INT(read_file("/big.bin"), GB_E_CORRUPT);
	CHECK_CONTAINS(gb_ctx_message(ctx), "has no final extent");

	p = build(false);
	p += record(root + p, 30, BS, 0x80, "BIG.BIN;1", 9, NULL, 0);
	record(root + p, 40, 100, 0, "OTHER.BIN;1", 11, NULL, 0);
	if (mount())
		{ CHECK(0); return; }
	CHECK_INT(read_file("/big.bin"), GB_E_CORRUPT);
	CHECK_CONTAINS(gb_ctx_message(ctx), "is not finished");
}

/* A CE entry at p pointing at (block, off, len). */
static void ce(uint8_t *p, uint32_t block, uint32_t off, uint32_t len)
{
	p[0] = 'C', p[1] = 'E', p[2] = 28, p[3] = 1;
	both32(p + 4, block);
	both32(p + 12, off);
	both32(p + 20, len);
}

static void ce_two_area_loop(void)
{
	size_t p = build(true);
	uint8_t *root = img + ROOT_BLOCK * BS;
	uint8_t su[28];
	ce(su, 60, 0, 28);
	record(root + p, 50, 3, 0, "A.TXT;1", 7, su, sizeof(su));
	ce(img + 60 * BS, 61, 100, 28);  /* area A -> B */
	ce(img + 61 * BS + 100, 60, 0, 28); /* area B -> A */
	if (mount())
		{ CHECK(0); return; }
	CHECK_INT(read_file("/a.txt"), GB_E_CORRUPT);
	CHECK_CONTAINS(gb_ctx_message(ctx), "continuation areas loop");
}

static void ce_chain_limit(void)
{
	size_t p = build(true);
	uint8_t *root = img + ROOT_BLOCK * BS;
	uint8_t su[28];
	ce(su, 60, 0, 28);
	record(root + p, 50, 3, 0, "A.TXT;1", 7, su, sizeof(su));
	/* 40 distinct areas in blocks 60 and 61, each pointing at the next */
	for (uint32_t i = 0; i < 40; i++)
		ce(img + (60 + i % 2) * BS + (i / 2) * 32, 60 + (i + 1) % 2, ((i + 1) / 2) * 32, 28);
	if (mount())
		{ CHECK(0); return; }
	CHECK_INT(read_file("/a.txt"), GB_E_LIMIT);
	CHECK_CONTAINS(gb_ctx_message(ctx), "continuation areas");
}

static void rr_names_and_links(void)
{
	size_t p = build(true);
	uint8_t *root = img + ROOT_BLOCK * BS;
	/* NM split over two entries (CONTINUE), PX, SL "/boot/../x" */
	uint8_t su[128], *q = su;
	memcpy(q, "NM\x09\x01\x01" "Linu", 9), q += 9;
	memcpy(q, "NM\x06\x01\x00" "x", 6), q += 6;
	memcpy(q, "PX\x24\x01", 4);
	memset(q + 4, 0, 32);
	both32(q + 4, 0120777);
	q += 36;
	memcpy(q, "SL\x12\x01\x00" "\x08\x00" "\x00\x04" "boot" "\x04\x00" "\x00\x01" "x", 18), q += 18;
	record(root + p, 0, 0, 0, "LINUX.;1", 8, su, (size_t)(q - su));
	if (mount())
		{ CHECK(0); return; }
	char buf[64];
	gb_ctx_clear(ctx);
	CHECK_INT(gb_fs_readlink(ctx, fs, "/Linux", buf, sizeof(buf)), 0);
	CHECK_STR(buf, "/boot/../x");
	CHECK_INT(read_file("/linux"), GB_E_NOT_FOUND); /* Rock Ridge names are exact */
}

/* ISO9660 is tolerant: a FAT boot sector in its system area wins, as in
 * libblkid; without one the volume is ISO9660. */
static void tolerant_probe(void)
{
	build(false);
	CHECK_INT(mount(), 0);
	CHECK_STR(gb_volume_info(gb_image_volume(image, 0))->fstype, "iso9660");
	static const uint8_t bpb[] = { 0xeb, 0x3c, 0x90, 'm', 'k', 'f', 's', '.', 'f', 'a', 't',
				       0x00, 0x02, 1, 1, 0, 1, 16, 0, 0x40, 0x01, 0xf8, 1, 0 };
	memcpy(img, bpb, sizeof(bpb));
	img[510] = 0x55, img[511] = 0xaa;
	CHECK_INT(mount(), 0);
	CHECK_STR(gb_volume_info(gb_image_volume(image, 0))->fstype, "vfat");
}

static void cleanup(void)
{
	gb_image_close(image);
	image = NULL;
	free(data);
	data = NULL;
}

static void zz_cleanup(void)
{
	cleanup();
	gb_ctx_free(ctx);
	ctx = NULL;
}

const struct t_case iso_cases[] = {
	{ "iso/multi-extent", multi_extent },
	{ "iso/multi-extent-unfinished", multi_extent_unfinished },
	{ "iso/ce-two-area-loop", ce_two_area_loop },
	{ "iso/ce-chain-limit", ce_chain_limit },
	{ "iso/rr-names-and-links", rr_names_and_links },
	{ "iso/tolerant-probe", tolerant_probe },
	{ "iso/cleanup", zz_cleanup },
	{ NULL, NULL },
};
