/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* PE/COFF section tables, as Unified Kernel Images (UKIs) and their
 * add-ons carry them: each section a byte range of the file. Shared by
 * kernel inspection and the BLS Type 2 (UKI) parser. */
#ifndef GB_PE_H
#define GB_PE_H

#include "core/core.h"

#define GB_PE_MAX_SECTIONS 96   /* more are ignored (the PE format allows 96) */
#define GB_PE_HEADER_MAX (64u << 10) /* headers and section table lie in the first 64 KiB */

struct gb_pe_section {
	char name[9];       /* NUL-terminated; "/N" long names are kept as written */
	uint64_t offset;    /* PointerToRawData */
	uint64_t size;      /* min(VirtualSize, SizeOfRawData): the bytes the
			       loader reads, as systemd-stub takes them */
};

/*
 * The section table of a PE file whose first n bytes are hdr and whose
 * whole length is file_size (hdr may be the whole file). Sections are
 * returned in table order (UKI profiles depend on it), at most cap; a
 * section whose range lies outside the file gets size 0 and offset 0 and
 * *bad is set. Returns the number of sections, or -1 when hdr is not a PE
 * file or its section table does not lie within hdr.
 */
int gb_pe_sections(const uint8_t *hdr, size_t n, uint64_t file_size,
		   struct gb_pe_section *out, size_t cap, bool *bad);

#endif
