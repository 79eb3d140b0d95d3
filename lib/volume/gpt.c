/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* GUID partition tables (UEFI spec, chapter 5): both CRCs checked, the
 * backup header used when the primary is damaged, 512- and 4096-byte
 * logical sectors. */
#include "volume/volume.h"

#include <stdio.h>
#include <stdlib.h>

#define GPT_MAX_ENTRIES_BYTES (1u << 20) /* 128 entries of 128 bytes is usual */
#define GPT_MAX_ENTRY_SIZE 4096

struct gpt_header {
	uint64_t my_lba, alt_lba, first_usable, last_usable, entries_lba;
	uint32_t nentries, entry_size, entries_crc;
	uint8_t disk_guid[16];
};

/* Parse and check the header at `lba`; the reason for refusal goes to
 * `why` (a damaged primary is not an error while the backup is good). */
static bool read_header(struct gb_ctx *ctx, struct gb_volume *disk,
			uint32_t ss, uint64_t lba, struct gpt_header *h,
			const char **why)
{
	uint8_t sec[4096];
	uint64_t off;
	if (ss > sizeof(sec)) {
		*why = "sector size larger than 4096";
		return false;
	}
	if (!gb_mul_ok(lba, ss, &off) || !gb_range_ok(off, ss, disk->size)) {
		*why = "outside the disk";
		return false;
	}
	if (gb_vol_read(ctx, disk, off, sec, ss)) {
		*why = "unreadable";
		return false;
	}
	if (memcmp(sec, "EFI PART", 8) != 0) {
		*why = "no signature";
		return false;
	}
	uint32_t hsize = gb_le32(sec + 12);
	if (hsize < 92 || hsize > ss) {
		*why = "bad header size";
		return false;
	}
	uint32_t crc = gb_le32(sec + 16);
	memset(sec + 16, 0, 4);
	if (gb_crc32(0, sec, hsize) != crc) {
		*why = "header CRC mismatch";
		return false;
	}
	h->my_lba = gb_le64(sec + 24);
	h->alt_lba = gb_le64(sec + 32);
	h->first_usable = gb_le64(sec + 40);
	h->last_usable = gb_le64(sec + 48);
	memcpy(h->disk_guid, sec + 56, 16);
	h->entries_lba = gb_le64(sec + 72);
	h->nentries = gb_le32(sec + 80);
	h->entry_size = gb_le32(sec + 84);
	h->entries_crc = gb_le32(sec + 88);
	uint64_t disk_sectors = disk->size / ss;
	uint64_t bytes;
	if (h->my_lba != lba) {
		*why = "header does not point to itself";
		return false;
	}
	if (h->entry_size < 128 || h->entry_size % 8 || h->entry_size > GPT_MAX_ENTRY_SIZE ||
	    !gb_mul_ok(h->nentries, h->entry_size, &bytes) ||
	    bytes > GPT_MAX_ENTRIES_BYTES) {
		*why = "entry array size out of bounds";
		return false;
	}
	if (h->first_usable > h->last_usable || h->last_usable >= disk_sectors) {
		*why = "usable range outside the disk";
		return false;
	}
	if (!gb_mul_ok(h->entries_lba, ss, &off) || !gb_range_ok(off, bytes, disk->size) ||
	    h->entries_lba == lba) {
		*why = "entry array outside the disk";
		return false;
	}
	return true;
}

static int read_entries(struct gb_ctx *ctx, struct gb_volume *disk, uint32_t ss,
			const struct gpt_header *h, uint8_t **out, const char **why)
{
	size_t bytes = (size_t)h->nentries * h->entry_size;
	uint8_t *buf = malloc(bytes ? bytes : 1);
	if (!buf)
		return gb_error(ctx, GB_E_NOMEM, "out of memory");
	int r = gb_vol_read(ctx, disk, h->entries_lba * ss, buf, bytes);
	if (r) {
		free(buf);
		return r;
	}
	if (gb_crc32(0, buf, bytes) != h->entries_crc) {
		free(buf);
		*why = "partition entry array CRC mismatch";
		return GB_E_CORRUPT;
	}
	*out = buf;
	return 0;
}

static void utf16le_name(const uint8_t *src, size_t units, char *dst, size_t cap)
{
	size_t o = 0;
	for (size_t i = 0; i < units; i++) {
		uint32_t c = gb_le16(src + 2 * i);
		if (c == 0)
			break;
		if (c >= 0xd800 && c <= 0xdbff && i + 1 < units) {
			uint32_t lo = gb_le16(src + 2 * (i + 1));
			if (lo >= 0xdc00 && lo <= 0xdfff) {
				c = 0x10000 + ((c - 0xd800) << 10) + (lo - 0xdc00);
				i++;
			}
		}
		if ((c >= 0xd800 && c <= 0xdfff) || c < 0x20 || c == 0x7f)
			c = '?';
		char u[4];
		size_t n;
		if (c < 0x80) {
			u[0] = (char)c;
			n = 1;
		} else if (c < 0x800) {
			u[0] = (char)(0xc0 | c >> 6);
			u[1] = (char)(0x80 | (c & 0x3f));
			n = 2;
		} else if (c < 0x10000) {
			u[0] = (char)(0xe0 | c >> 12);
			u[1] = (char)(0x80 | ((c >> 6) & 0x3f));
			u[2] = (char)(0x80 | (c & 0x3f));
			n = 3;
		} else {
			u[0] = (char)(0xf0 | c >> 18);
			u[1] = (char)(0x80 | ((c >> 12) & 0x3f));
			u[2] = (char)(0x80 | ((c >> 6) & 0x3f));
			u[3] = (char)(0x80 | (c & 0x3f));
			n = 4;
		}
		if (o + n + 1 > cap)
			break;
		memcpy(dst + o, u, n);
		o += n;
	}
	dst[o] = '\0';
}

static bool pmbr_present(struct gb_ctx *ctx, struct gb_volume *disk)
{
	uint8_t sec[512];
	if (disk->size < 512 || gb_vol_read(ctx, disk, 0, sec, 512))
		return false;
	if (sec[510] != 0x55 || sec[511] != 0xaa)
		return false;
	for (int i = 0; i < 4; i++)
		if (sec[446 + 16 * i + 4] == 0xee)
			return true;
	return false;
}

/* Find a good header + entry array for sector size ss. 0 on success,
 * GB_E_NOT_MINE when neither copy has a signature. */
static int find_table(struct gb_ctx *ctx, struct gb_volume *disk, uint32_t ss,
		      struct gpt_header *h, uint8_t **entries)
{
	const char *why_primary = NULL, *why_backup = NULL;
	uint64_t sectors = disk->size / ss;
	if (sectors < 3)
		return GB_E_NOT_MINE;
	if (read_header(ctx, disk, ss, 1, h, &why_primary)) {
		int r = read_entries(ctx, disk, ss, h, entries, &why_primary);
		if (r != GB_E_CORRUPT)
			return r;
	}
	/* The primary's alternate-LBA cannot be trusted once it is damaged;
	 * the backup lives in the disk's last sector. */
	if (read_header(ctx, disk, ss, sectors - 1, h, &why_backup)) {
		int r = read_entries(ctx, disk, ss, h, entries, &why_backup);
		if (r != GB_E_CORRUPT)
			return r;
	}
	if (!strcmp(why_primary, "no signature") && !strcmp(why_backup, "no signature"))
		return GB_E_NOT_MINE;
	return gb_error(ctx, GB_E_CORRUPT,
			"no valid GPT (%u-byte sectors): primary header: %s; backup header: %s",
			ss, why_primary, why_backup);
}

static int gpt_enumerate(struct gb_ctx *ctx, struct gb_volume *disk,
			 gb_part_emit_fn emit, void *arg)
{
	static const uint32_t sizes[] = { 512, 4096 };
	struct gpt_header h;
	uint8_t *entries = NULL;
	uint32_t ss = 0;
	struct gb_ctx damage = { 0 };

	/* Look for a good table at each sector size before reporting damage,
	 * so that a 4K-sector disk is not taken for a damaged 512 one. */
	for (size_t i = 0; i < 2 && !entries; i++) {
		if (disk->sector_size && disk->sector_size != sizes[i])
			continue;
		struct gb_ctx probe = { 0 };
		int r = find_table(&probe, disk, sizes[i], &h, &entries);
		if (r == 0)
			ss = sizes[i];
		else if (r != GB_E_NOT_MINE && !damage.code)
			damage = probe;
	}
	if (!entries) {
		if (damage.code)
			return gb_error(ctx, damage.code, "%s", damage.msg);
		if (pmbr_present(ctx, disk))
			return gb_error(ctx, GB_E_CORRUPT,
					"protective MBR found but no GPT header");
		return GB_E_NOT_MINE;
	}
	int r = 0;
	disk->sector_size = ss;

	uint64_t disk_sectors = disk->size / ss;
	for (uint32_t i = 0; i < h.nentries && r == 0; i++) {
		const uint8_t *e = entries + (size_t)i * h.entry_size;
		static const uint8_t zero[16];
		if (!memcmp(e, zero, 16))
			continue;
		uint64_t first = gb_le64(e + 32), last = gb_le64(e + 40);
		/* Invalid entries are skipped, as Linux does. */
		if (first > last || last >= disk_sectors)
			continue;
		struct gb_part p = { .number = (int)i + 1,
				     .start = first * ss,
				     .size = (last - first + 1) * ss,
				     .bootable = (gb_le64(e + 48) & 4) != 0 };
		if (p.number > GB_MAX_VOLUMES) {
			r = gb_error(ctx, GB_E_LIMIT, "more than %d partitions",
				     GB_MAX_VOLUMES);
			break;
		}
		gb_guid_str(e, p.type);
		gb_guid_str(e + 16, p.partuuid);
		utf16le_name(e + 56, 36, p.name, sizeof(p.name));
		r = emit(arg, &p);
	}
	free(entries);
	return r;
}

const struct gb_volume_driver gb_vol_gpt = {
	.name = "gpt",
	.label = "GPT",
	.scheme = "gpt",
	.enumerate = gpt_enumerate,
};
