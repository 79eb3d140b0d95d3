/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* MBR parsing on crafted byte buffers: primaries, the extended chain, and
 * the damaged tables an untrusted image can carry. */
#include "t.h"
#include "guestboot.h"

#include <stdlib.h>

#define SECTORS 4096 /* a 2 MiB disk */
static uint8_t disk[SECTORS * 512];

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static void entry(uint64_t sector, int i, uint8_t status, uint8_t type,
		  uint32_t lba, uint32_t count)
{
	uint8_t *p = disk + sector * 512 + 446 + 16 * i;
	p[0] = status;
	p[4] = type;
	put32(p + 8, lba);
	put32(p + 12, count);
	disk[sector * 512 + 510] = 0x55;
	disk[sector * 512 + 511] = 0xaa;
}

static void reset(void)
{
	memset(disk, 0, sizeof(disk));
	put32(disk + 440, 0xdeadbeef);
}

static struct gb_ctx *ctx;
static struct gb_image *img;

static int open_disk(size_t size)
{
	gb_image_close(img);
	img = NULL;
	if (!ctx)
		ctx = gb_ctx_new();
	gb_ctx_clear(ctx);
	return gb_image_open_mem(ctx, "mbr.img", disk, size, NULL, &img);
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

static void primaries(void)
{
	reset();
	entry(0, 0, 0x80, 0x83, 2048, 1024);
	entry(0, 2, 0x00, 0x0c, 3072, 512);
	CHECK_INT(open_disk(sizeof(disk)), 0);
	CHECK_STR(gb_image_table(img), "dos");
	CHECK_INT(gb_image_volume_count(img), 2);
	const struct gb_volume_info *v = vol(1);
	CHECK(v != NULL);
	if (v) {
		CHECK_INT(v->start, 2048 * 512);
		CHECK_INT(v->size, 1024 * 512);
		CHECK_STR(v->type, "0x83");
		CHECK_STR(v->scheme, "mbr");
		CHECK_STR(v->partuuid, "deadbeef-01");
		CHECK_INT(v->bootable, 1);
		CHECK_INT(v->logical, 0);
	}
	v = vol(3); /* numbered by slot, as Linux does: slot 2 is empty */
	CHECK(v != NULL);
	if (v) {
		CHECK_STR(v->type, "0xc");
		CHECK_STR(v->partuuid, "deadbeef-03");
		CHECK_INT(v->bootable, 0);
	}
	CHECK(vol(2) == NULL);
}

/* Extended partition at 1000..3999 holding three logicals. */
static void make_chain(void)
{
	reset();
	entry(0, 0, 0, 0x83, 100, 100);
	entry(0, 1, 0, 0x05, 1000, 3000);
	entry(1000, 0, 0, 0x83, 10, 500);   /* sda5 at 1010 */
	entry(1000, 1, 0, 0x05, 600, 700);  /* next EBR at 1600 */
	entry(1600, 0, 0, 0x82, 20, 300);   /* sda6 at 1620 */
	entry(1600, 1, 0, 0x05, 1400, 1000); /* next EBR at 2400 */
	entry(2400, 0, 0x80, 0x83, 2, 1000); /* sda7 at 2402 */
}

static void logicals(void)
{
	make_chain();
	CHECK_INT(open_disk(sizeof(disk)), 0);
	CHECK_INT(gb_image_volume_count(img), 5);
	const struct gb_volume_info *v;
	CHECK((v = vol(2)) != NULL);
	if (v)
		CHECK_STR(v->type, "0x5");
	CHECK((v = vol(5)) != NULL);
	if (v) {
		CHECK_INT(v->start, 1010 * 512);
		CHECK_INT(v->size, 500 * 512);
		CHECK_INT(v->logical, 1);
		CHECK_STR(v->partuuid, "deadbeef-05");
	}
	CHECK((v = vol(6)) != NULL);
	if (v) {
		CHECK_INT(v->start, 1620 * 512);
		CHECK_STR(v->type, "0x82");
	}
	CHECK((v = vol(7)) != NULL);
	if (v) {
		CHECK_INT(v->start, 2402 * 512);
		CHECK_INT(v->bootable, 1);
	}
	/* The extended container holds no file system of its own. */
	struct gb_volume *ext = NULL;
	struct gb_fs *fs;
	CHECK_INT(gb_image_find_volume(ctx, img, "2", &ext), 0);
	if (ext)
		CHECK_INT(gb_volume_mount(ctx, ext, &fs), GB_E_NOT_FOUND);
	CHECK_CONTAINS(gb_ctx_message(ctx), "extended partition");
}

static void ebr_loop(void)
{
	make_chain();
	entry(2400, 1, 0, 0x05, 0, 100); /* links back to the first EBR */
	CHECK_INT(open_disk(sizeof(disk)), GB_E_CORRUPT);
	CHECK_CONTAINS(gb_ctx_message(ctx), "mbr.img: MBR: extended partition chain loops");
}

static void ebr_self_loop(void)
{
	make_chain();
	entry(1600, 1, 0, 0x05, 600, 10); /* EBR at 1600 links to itself */
	CHECK_INT(open_disk(sizeof(disk)), GB_E_CORRUPT);
	CHECK_CONTAINS(gb_ctx_message(ctx), "loops back to sector 1600");
}

static void ebr_link_outside(void)
{
	make_chain();
	entry(1600, 1, 0, 0x05, 3500, 10); /* 1000 + 3500 is past the extended end */
	CHECK_INT(open_disk(sizeof(disk)), GB_E_CORRUPT);
	CHECK_CONTAINS(gb_ctx_message(ctx), "links outside the extended partition");
}

static void ebr_too_many(void)
{
	reset();
	entry(0, 0, 0, 0x05, 100, 3900);
	/* 200 EBRs, each holding a one-sector logical, each linking on. */
	for (uint32_t i = 0; i < 200; i++) {
		entry(100 + 10 * i, 0, 0, 0x83, 1, 1);
		entry(100 + 10 * i, 1, 0, 0x05, 10 * (i + 1), 10);
	}
	CHECK_INT(open_disk(sizeof(disk)), GB_E_LIMIT);
	CHECK_CONTAINS(gb_ctx_message(ctx), "more than 128 extended boot records");
}

static void logical_outside_extended(void)
{
	make_chain();
	entry(1600, 0, 0, 0x83, 20, 3000); /* sda6 would end past the extended */
	CHECK_INT(open_disk(sizeof(disk)), 0);
	CHECK(vol(5) != NULL);
	/* left out; the next logical takes number 6 as Linux numbers them */
	const struct gb_volume_info *v = vol(6);
	CHECK(v != NULL);
	if (v)
		CHECK_INT(v->start, 2402 * 512);
	CHECK(vol(7) == NULL);
}

static void out_of_range(void)
{
	reset();
	entry(0, 0, 0, 0x83, 2048, 100000); /* runs past the 4096-sector disk */
	entry(0, 1, 0, 0x83, 9000, 10);     /* starts past it */
	CHECK_INT(open_disk(sizeof(disk)), 0);
	const struct gb_volume_info *v = vol(1);
	CHECK(v != NULL);
	if (v)
		CHECK_INT(v->size, (SECTORS - 2048) * 512); /* truncated, as Linux */
	CHECK(vol(2) == NULL);
}

static void overlapping(void)
{
	reset();
	entry(0, 0, 0, 0x83, 100, 1000);
	entry(0, 1, 0, 0x83, 500, 1000);
	CHECK_INT(open_disk(sizeof(disk)), 0);
	/* Both are windows onto the same bytes; reads stay bounds-checked. */
	CHECK(vol(1) != NULL);
	CHECK(vol(2) != NULL);
}

static void bad_status_is_no_table(void)
{
	reset();
	entry(0, 0, 0x12, 0x83, 100, 1000); /* boot code, not a table */
	CHECK_INT(open_disk(sizeof(disk)), 0);
	CHECK_STR(gb_image_table(img), "");
	CHECK_INT(gb_image_volume_count(img), 1);
	const struct gb_volume_info *v = vol(0);
	CHECK(v != NULL);
	if (v) {
		CHECK_STR(v->scheme, "disk");
		CHECK_INT(v->size, sizeof(disk));
	}
}

static void no_signature(void)
{
	reset();
	entry(0, 0, 0, 0x83, 100, 1000);
	disk[510] = 0;
	CHECK_INT(open_disk(sizeof(disk)), 0);
	CHECK_STR(gb_image_table(img), "");
	CHECK(vol(0) != NULL);
}

static void protective_without_gpt(void)
{
	reset();
	entry(0, 0, 0, 0xee, 1, SECTORS - 1);
	CHECK_INT(open_disk(sizeof(disk)), GB_E_CORRUPT);
	CHECK_CONTAINS(gb_ctx_message(ctx), "protective MBR");
}

static void truncated_image(void)
{
	make_chain();
	/* The image ends inside the extended partition, before its second EBR. */
	CHECK_INT(open_disk(1500 * 512), GB_E_CORRUPT);
	CHECK_CONTAINS(gb_ctx_message(ctx), "past the end of the disk");
	CHECK_INT(open_disk(100), 0); /* too small for any table: whole disk */
	CHECK_INT(gb_image_volume_count(img), 1);
	gb_image_close(img);
	img = NULL;
}

const struct t_case mbr_cases[] = {
	{ "mbr/primaries", primaries },
	{ "mbr/logicals", logicals },
	{ "mbr/ebr-loop", ebr_loop },
	{ "mbr/ebr-self-loop", ebr_self_loop },
	{ "mbr/ebr-link-outside", ebr_link_outside },
	{ "mbr/ebr-too-many", ebr_too_many },
	{ "mbr/logical-outside-extended", logical_outside_extended },
	{ "mbr/out-of-range", out_of_range },
	{ "mbr/overlapping", overlapping },
	{ "mbr/bad-status-is-no-table", bad_status_is_no_table },
	{ "mbr/no-signature", no_signature },
	{ "mbr/protective-without-gpt", protective_without_gpt },
	{ "mbr/truncated-image", truncated_image },
	{ NULL, NULL },
};
