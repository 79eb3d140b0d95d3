/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* PE/COFF section tables: every field comes from the guest and is checked
 * against the bytes held and the file's size before use. */
#include "core/pe.h"

int gb_pe_sections(const uint8_t *hdr, size_t n, uint64_t file_size,
		   struct gb_pe_section *out, size_t cap, bool *bad)
{
	*bad = false;
	if (n < 0x40 || hdr[0] != 'M' || hdr[1] != 'Z' || n > file_size)
		return -1;
	uint32_t pe = gb_le32(hdr + 0x3c);
	if (!gb_range_ok(pe, 24, n) || memcmp(hdr + pe, "PE\0\0", 4))
		return -1;
	size_t nsec = gb_le16(hdr + pe + 6);
	uint64_t table = (uint64_t)pe + 24 + gb_le16(hdr + pe + 20);
	if (nsec > GB_PE_MAX_SECTIONS)
		nsec = GB_PE_MAX_SECTIONS;
	if (nsec > cap)
		nsec = cap;
	if (!gb_range_ok(table, (uint64_t)nsec * 40, n))
		return -1;
	for (size_t i = 0; i < nsec; i++) {
		const uint8_t *s = hdr + table + i * 40;
		struct gb_pe_section *o = &out[i];
		memcpy(o->name, s, 8);
		o->name[8] = '\0';
		uint32_t vsize = gb_le32(s + 8), rsize = gb_le32(s + 16);
		o->offset = gb_le32(s + 20);
		/* SizeOfRawData is padded to FileAlignment; VirtualSize is the
		 * content, larger only for zero-filled (bss-like) space that is
		 * not in the file. */
		o->size = vsize < rsize ? vsize : rsize;
		if (!gb_range_ok(o->offset, o->size, file_size)) {
			*bad = true;
			o->offset = o->size = 0;
		}
	}
	return (int)nsec;
}
