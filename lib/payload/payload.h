/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Payload internals: bounded decompression and reading an entry's files
 * into memory for inspection. */
#ifndef GB_PAYLOAD_H
#define GB_PAYLOAD_H

#include "core/core.h"

enum gb_comp {
	GB_COMP_NONE = 0,
	GB_COMP_GZIP,
	GB_COMP_BZIP2,
	GB_COMP_LZMA,
	GB_COMP_XZ,
	GB_COMP_LZO,
	GB_COMP_LZ4,
	GB_COMP_ZSTD,
};

/* The compressor whose magic starts data, or GB_COMP_NONE. */
enum gb_comp gb_comp_detect(const uint8_t *data, size_t len);
/* "gzip", "bzip2", ... "none". */
const char *gb_comp_name(enum gb_comp c);

/* Decompress one stream at the start of data into a malloc'd *out of at
 * most cap bytes (GB_E_LIMIT beyond). *used is how many input bytes the
 * stream took, so concatenated segments can be walked. Declared sizes in
 * the stream are never trusted for allocation. A compressor not built in
 * is recognised but not decoded (GB_E_UNSUPPORTED). */
int gb_decompress(struct gb_ctx *ctx, enum gb_comp c, const uint8_t *data, size_t len,
		  size_t cap, uint8_t **out, size_t *outlen, size_t *used);

/* Read a whole boot file of an entry into memory (at most max bytes). */
struct gb_menu;
struct gb_boot_file;
int gb_payload_read(struct gb_ctx *ctx, const struct gb_menu *m, const struct gb_boot_file *f,
		    size_t max, uint8_t **data, size_t *len);

/* Drivers a modules.builtin text lists (one module path a line). */
uint32_t gb_drivers_of_builtin(const char *text, size_t len);

#endif
