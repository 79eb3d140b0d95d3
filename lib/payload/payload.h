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
int gb_decompress(struct gb_ctx *ctx, struct gb_work *work, enum gb_comp c, const uint8_t *data,
		  size_t len, size_t cap, uint8_t **out, size_t *outlen, size_t *used);

/* Where a stream goes piece by piece: feed gets the bytes not yet taken
 * (final: the stream's end) and returns how many it is done with; it sets
 * stop when it needs no more. */
struct gb_decompress_sink {
	size_t (*feed)(void *arg, const uint8_t *d, size_t n, bool final);
	void *arg;
	bool stop;
};
/* As gb_decompress, but into a window of a few MiB handed to sink: memory
 * stays small whatever the stream expands to. Every byte made is charged
 * to work (NULL: only cap bounds it); past the command's bound, GB_E_LIMIT
 * "decompressed data exceeds this command's bound of N MiB". */
int gb_decompress_to(struct gb_ctx *ctx, struct gb_work *work, enum gb_comp c, const uint8_t *data,
		     size_t len, size_t cap, struct gb_decompress_sink *sink, size_t *used);

/* Read a whole boot file of an entry into memory (at most max bytes). */
struct gb_menu;
struct gb_boot_file;
int gb_payload_read(struct gb_ctx *ctx, const struct gb_menu *m, const struct gb_boot_file *f,
		    size_t max, uint8_t **data, size_t *len);

/* The size of a boot file, or of the part of it the entry names (checked
 * against the file's size). */
int gb_payload_size(struct gb_ctx *ctx, const struct gb_menu *m, const struct gb_boot_file *f,
		    uint64_t *size);

/* Where the pieces of a ramdisk go, in order. */
struct gb_entry;
struct gb_ramdisk_sink {
	/* bytes the bootloader makes: cpio headers, trailers, padding */
	int (*bytes)(struct gb_ctx *ctx, void *arg, const uint8_t *p, size_t n);
	/* a boot file's size (NULL: gb_payload_size) */
	int (*size)(struct gb_ctx *ctx, void *arg, const struct gb_boot_file *f, uint64_t *size);
	/* a boot file's bytes (size of them, as size gave) */
	int (*file)(struct gb_ctx *ctx, void *arg, const struct gb_boot_file *f, uint64_t size);
	/* what came so far ends with whole archives or initrds (NULL: not
	 * wanted): each stretch between two can be walked on its own */
	int (*boundary)(struct gb_ctx *ctx, void *arg);
	void *arg;
};
/* Lay out the ramdisk of entry e as its bootloader builds it (see
 * gb_entry_write_initrd): GRUB's rule, or systemd-stub's for a UKI. */
int gb_ramdisk_build(struct gb_ctx *ctx, const struct gb_menu *m, const struct gb_entry *e,
		     const struct gb_ramdisk_sink *s);
/* Whether systemd-stub joins e's initrds: its kernel is a UKI's .linux. */
bool gb_ramdisk_by_stub(const struct gb_entry *e);

/* The command's work account for an entry's file (NULL when its volume is
 * unknown), and in key a name for the file ("KIND:volume:path") under
 * which inspection results are kept in the account's memo. */
#define GB_PAYLOAD_KEY_MAX 4200
struct gb_work *gb_payload_work(const struct gb_menu *m, const struct gb_boot_file *f,
				const char *kind, char *key, size_t cap);

/* Drivers a modules.builtin text lists (one module path a line). */
uint32_t gb_drivers_of_builtin(const char *text, size_t len);

#endif
