/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * BSD disklabels (FreeBSD/NetBSD/OpenBSD sys/disklabel.h) inside an MBR
 * slice of type 0xa5, 0xa6 or 0xa9: the label is in the slice's sector 1.
 * Partitions are listed as libblkid and Linux list them: unused ones, the
 * whole-slice 'c' and the whole-disk 'd' are left out, as are partitions
 * outside the slice.
 */
#include "volume/volume.h"

#include <stdio.h>

#define BSD_MAGIC 0x82564557u
#define BSD_LABEL_OFFSET 512
#define BSD_MAX_PARTS 16         /* what fits a 512-byte label sector */
#define BSD_PART_TABLE 148       /* offset of d_partitions[] */

static int bsd_enumerate(struct gb_ctx *ctx, struct gb_volume *slice,
			 gb_part_emit_fn emit, void *arg)
{
	uint8_t l[512];
	if (slice->size < BSD_LABEL_OFFSET + sizeof(l))
		return GB_E_NOT_MINE;
	int r = gb_vol_read(ctx, slice, BSD_LABEL_OFFSET, l, sizeof(l));
	if (r)
		return r;
	if (gb_le32(l) != BSD_MAGIC || gb_le32(l + 132) != BSD_MAGIC)
		return GB_E_NOT_MINE;
	uint32_t secsize = gb_le32(l + 40);
	unsigned n = gb_le16(l + 138);
	if (secsize != 512)
		return gb_error(ctx, GB_E_UNSUPPORTED, "BSD label with %u-byte sectors", secsize);
	if (n > BSD_MAX_PARTS)
		n = BSD_MAX_PARTS; /* libblkid ignores the rest too */
	/* FreeBSD 10 and later write offsets relative to the slice; older
	 * labels (and NetBSD, OpenBSD) relative to the disk. As libblkid
	 * does, a 'c' that starts at 0 tells the relative kind. */
	uint64_t base = slice->disk_off / 512;
	bool relative = n > 2 && gb_le32(l + BSD_PART_TABLE + 2 * 16 + 4) == 0;
	uint64_t slice_secs = slice->size / 512;
	for (unsigned i = 0; i < n; i++) {
		const uint8_t *p = l + BSD_PART_TABLE + 16 * i;
		uint64_t size = gb_le32(p), off = gb_le32(p + 4);
		uint8_t fstype = p[12];
		if (size == 0 || fstype == 0)
			continue; /* FS_UNUSED */
		if (!relative) {
			if (off < base)
				continue; /* outside the slice (the whole-disk 'd') */
			off -= base;
		}
		if (off == 0 && size == slice_secs)
			continue; /* the whole slice, 'c' */
		if (off >= slice_secs || size > slice_secs - off)
			continue; /* outside the slice: libblkid skips it too */
		struct gb_part part = { .start = off * 512, .size = size * 512,
					.slice = (int)i, .logical = true };
		snprintf(part.type, sizeof(part.type), "%u", fstype);
		snprintf(part.name, sizeof(part.name), "%c", 'a' + i);
		if ((r = emit(arg, &part)))
			return r;
	}
	return 0;
}

const struct gb_volume_driver gb_vol_bsd = {
	.name = "bsd",
	.label = "BSD disklabel",
	.scheme = "bsd",
	.enumerate = bsd_enumerate,
	.holder = "BSD slice",
};
