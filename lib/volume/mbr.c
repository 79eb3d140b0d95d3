/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* MBR (DOS) partition tables: four primaries and the chain of extended boot
 * records, numbered as Linux numbers them (logicals from 5). */
#include "volume/volume.h"

#include <stdio.h>

#define MBR_SECTOR 512
#define MBR_MAX_LOGICAL 128 /* Linux stops at 100 EBRs; nobody has more */

struct mbr_entry {
	uint8_t status, type;
	uint32_t lba, sectors;
};

static void mbr_entry(const uint8_t *sec, int i, struct mbr_entry *e)
{
	const uint8_t *p = sec + 446 + 16 * i;
	e->status = p[0];
	e->type = p[4];
	e->lba = gb_le32(p + 8);
	e->sectors = gb_le32(p + 12);
}

static bool is_extended(uint8_t type)
{
	return type == 0x05 || type == 0x0f || type == 0x85;
}

static bool has_signature(const uint8_t *sec)
{
	return sec[510] == 0x55 && sec[511] == 0xaa;
}

/* Clamp a partition to the disk as Linux does ("truncated"); false when it
 * starts past the end, and is then left out. */
static bool clamp_to_disk(const struct gb_volume *disk, struct gb_part *p)
{
	if (p->start >= disk->size || p->size == 0)
		return false;
	if (p->size > disk->size - p->start)
		p->size = disk->size - p->start;
	return true;
}

static int walk_extended(struct gb_ctx *ctx, struct gb_volume *disk,
			 uint64_t ext_lba, uint64_t ext_sectors, uint32_t disk_id,
			 int *next_number, gb_part_emit_fn emit, void *arg)
{
	uint64_t ebr = ext_lba;
	uint64_t seen[MBR_MAX_LOGICAL];
	size_t nseen = 0;
	uint8_t sec[MBR_SECTOR];

	for (;;) {
		for (size_t i = 0; i < nseen; i++)
			if (seen[i] == ebr)
				return gb_error(ctx, GB_E_CORRUPT,
						"extended partition chain loops back to sector %llu",
						(unsigned long long)ebr);
		if (nseen == MBR_MAX_LOGICAL)
			return gb_error(ctx, GB_E_LIMIT,
					"more than %d extended boot records",
					MBR_MAX_LOGICAL);
		seen[nseen++] = ebr;

		uint64_t off;
		if (!gb_mul_ok(ebr, MBR_SECTOR, &off) ||
		    !gb_range_ok(off, MBR_SECTOR, disk->size))
			return gb_error(ctx, GB_E_CORRUPT,
					"extended boot record at sector %llu is past the end of the disk",
					(unsigned long long)ebr);
		int r = gb_vol_read(ctx, disk, off, sec, sizeof(sec));
		if (r)
			return r;
		if (!has_signature(sec))
			return 0; /* end of a chain that was never terminated: Linux stops too */

		uint64_t next = 0;
		for (int i = 0; i < 4; i++) {
			struct mbr_entry e;
			mbr_entry(sec, i, &e);
			if (e.type == 0 || e.sectors == 0)
				continue;
			if (is_extended(e.type)) {
				/* Links are relative to the extended partition. */
				if (!next)
					next = ext_lba + e.lba;
				continue;
			}
			/* Data partitions are relative to their own EBR and must
			 * lie inside the extended partition. */
			uint64_t start = ebr + e.lba;
			if (start < ext_lba || start + e.sectors > ext_lba + ext_sectors)
				continue;
			struct gb_part p = { .number = (*next_number)++,
					     .start = start * MBR_SECTOR,
					     .size = (uint64_t)e.sectors * MBR_SECTOR,
					     .bootable = e.status == 0x80,
					     .logical = true };
			snprintf(p.type, sizeof(p.type), "0x%x", e.type);
			snprintf(p.partuuid, sizeof(p.partuuid), "%08x-%02x",
				 disk_id, p.number);
			if (p.number > GB_MAX_VOLUMES)
				return gb_error(ctx, GB_E_LIMIT,
						"more than %d partitions",
						GB_MAX_VOLUMES);
			if (clamp_to_disk(disk, &p) && (r = emit(arg, &p)))
				return r;
		}
		if (!next)
			return 0;
		if (next < ext_lba || next >= ext_lba + ext_sectors)
			return gb_error(ctx, GB_E_CORRUPT,
					"extended boot record at sector %llu links outside the extended partition",
					(unsigned long long)ebr);
		ebr = next;
	}
}

static int mbr_enumerate(struct gb_ctx *ctx, struct gb_volume *disk,
			 gb_part_emit_fn emit, void *arg)
{
	uint8_t sec[MBR_SECTOR];
	if (disk->size < MBR_SECTOR)
		return GB_E_NOT_MINE;
	int r = gb_vol_read(ctx, disk, 0, sec, sizeof(sec));
	if (r)
		return r;
	if (!has_signature(sec))
		return GB_E_NOT_MINE;

	/* A boot sector of a file system (FAT, NTFS) also ends in 55 AA; its
	 * "entries" are boot code, whose status bytes are rarely 0 or 0x80.
	 * An all-empty table is no table either. */
	struct mbr_entry e[4];
	bool any = false;
	for (int i = 0; i < 4; i++) {
		mbr_entry(sec, i, &e[i]);
		if (e[i].status != 0 && e[i].status != 0x80)
			return GB_E_NOT_MINE;
		if (e[i].type && e[i].sectors)
			any = true;
	}
	if (!any)
		return GB_E_NOT_MINE;

	uint32_t disk_id = gb_le32(sec + 440);
	int next_logical = 5;
	for (int i = 0; i < 4; i++) {
		if (e[i].type == 0 || e[i].sectors == 0)
			continue;
		if (e[i].type == 0xee)
			return gb_error(ctx, GB_E_CORRUPT,
					"protective MBR of a GPT disk, but no valid GPT header");
		struct gb_part p = { .number = i + 1,
				     .start = (uint64_t)e[i].lba * MBR_SECTOR,
				     .size = (uint64_t)e[i].sectors * MBR_SECTOR,
				     .bootable = e[i].status == 0x80,
				     .container = is_extended(e[i].type) };
		snprintf(p.type, sizeof(p.type), "0x%x", e[i].type);
		snprintf(p.partuuid, sizeof(p.partuuid), "%08x-%02x", disk_id, i + 1);
		if (!clamp_to_disk(disk, &p))
			continue;
		if ((r = emit(arg, &p)))
			return r;
	}
	for (int i = 0; i < 4; i++) {
		if (!is_extended(e[i].type) || e[i].sectors == 0 ||
		    (uint64_t)e[i].lba * MBR_SECTOR >= disk->size)
			continue;
		r = walk_extended(ctx, disk, e[i].lba, e[i].sectors, disk_id,
				  &next_logical, emit, arg);
		if (r)
			return r;
	}
	return 0;
}

/* BSD disklabels and Solaris VTOCs in MBR partitions of their types. */
static const struct gb_vol_nested mbr_nested[] = {
	{ "0xa5", &gb_vol_bsd },  /* FreeBSD */
	{ "0xa6", &gb_vol_bsd },  /* OpenBSD */
	{ "0xa9", &gb_vol_bsd },  /* NetBSD */
	{ "0xbf", &gb_vol_vtoc }, /* Solaris */
	{ "0x82", &gb_vol_vtoc }, /* Solaris before 0xbf; also Linux swap: the probe decides */
	{ NULL, NULL },
};

const struct gb_volume_driver gb_vol_mbr = {
	.name = "dos",
	.label = "MBR",
	.scheme = "mbr",
	.enumerate = mbr_enumerate,
	.nested = mbr_nested,
};
