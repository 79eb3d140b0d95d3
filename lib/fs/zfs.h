/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* ZFS block decompressors (lib/fs/zfs_decomp.c), apart from the driver so
 * that unit tests can reach them. */
#ifndef GB_FS_ZFS_H
#define GB_FS_ZFS_H

#include <stddef.h>
#include <stdint.h>

/* ZFS's enum zio_compress values as stored in block pointers. */
enum {
	GB_ZIO_COMP_OFF = 2,
	GB_ZIO_COMP_LZJB = 3,
	GB_ZIO_COMP_EMPTY = 4,
	GB_ZIO_COMP_GZIP1 = 5,
	GB_ZIO_COMP_GZIP9 = 13,
	GB_ZIO_COMP_ZLE = 14,
	GB_ZIO_COMP_LZ4 = 15,
	GB_ZIO_COMP_ZSTD = 16,
};

/* Decompress in[0..inlen) into exactly outlen bytes of out. 0 on success,
 * GB_E_CORRUPT for a malformed stream, GB_E_UNSUPPORTED for a method we
 * do not read. Never reads or writes outside the buffers. */
int gb_zfs_decompress(int comp, const uint8_t *in, size_t inlen, uint8_t *out, size_t outlen);

#endif
