/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Solaris x86 VTOC (illumos sys/dklabel.h, sys/vtoc.h) inside an MBR
 * partition of type 0xbf (or the older 0x82): the label in the
 * partition's sector 1 holds struct dk_vtoc first (sanity 0x600DDEEE,
 * version 1, 16 slices of tag/flag/start/size, starts relative to the
 * partition) and the magic 0xDABE at byte 508. The backup slice (tag 5,
 * the whole disk) and empty slices are left out, as libblkid does.
 */
#include "volume/volume.h"

#include <stdio.h>

#define VTOC_OFFSET 512
#define VTOC_SANE 0x600DDEEEu
#define DKL_MAGIC 0xDABEu
#define VTOC_PARTS 16
#define VTOC_PART_TABLE 72       /* v_part[] in the x86 struct dk_vtoc */
#define V_BACKUP 5

static int vtoc_enumerate(struct gb_ctx *ctx, struct gb_volume *part,
			  gb_part_emit_fn emit, void *arg)
{
	uint8_t l[512];
	if (part->size < VTOC_OFFSET + sizeof(l))
		return GB_E_NOT_MINE;
	int r = gb_vol_read(ctx, part, VTOC_OFFSET, l, sizeof(l));
	if (r)
		return r;
	if (gb_le32(l + 12) != VTOC_SANE || gb_le32(l + 16) != 1 ||
	    gb_le16(l + 508) != DKL_MAGIC)
		return GB_E_NOT_MINE;
	unsigned n = gb_le16(l + 30);
	if (n > VTOC_PARTS)
		n = VTOC_PARTS;
	uint64_t secs = part->size / 512;
	for (unsigned i = 0; i < n; i++) {
		const uint8_t *p = l + VTOC_PART_TABLE + 12 * i;
		unsigned tag = gb_le16(p);
		uint64_t start = gb_le32(p + 4), size = gb_le32(p + 8);
		if (size == 0 || tag == V_BACKUP)
			continue;
		if (start >= secs || size > secs - start)
			continue; /* outside the partition: libblkid skips it too */
		struct gb_part s = { .start = start * 512, .size = size * 512,
				     .slice = (int)i, .logical = true };
		snprintf(s.type, sizeof(s.type), "0x%02x", tag);
		snprintf(s.name, sizeof(s.name), "s%u", i);
		if ((r = emit(arg, &s)))
			return r;
	}
	return 0;
}

const struct gb_volume_driver gb_vol_vtoc = {
	.name = "solaris",
	.label = "Solaris VTOC",
	.scheme = "vtoc",
	.enumerate = vtoc_enumerate,
	.holder = "Solaris slice",
};
