/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* ZFS block decompressors (lib/codec/zfs.c) and the dnode layout
 * check (lib/fs/zfs.c), apart from the driver so that unit tests can
 * reach them. */
#ifndef GB_FS_ZFS_H
#define GB_FS_ZFS_H

#include <stdbool.h>
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

/* Where the parts of the dnode at p lie (lib/fs/zfs.c), in bytes from
 * it: its size (512 times 1 + dn_extra_slots: large_dnode), the bonus
 * buffer after the nblkptr block pointers, the spill block pointer in
 * its last 128 bytes. GB_E_CORRUPT unless it all fits in the avail bytes
 * to the end of its block and bonus and spill pointer do not overlap.
 * A free slot (type 0) is one slot, unchecked. */
struct gb_zfs_dnode_layout {
	uint32_t size, nblkptr, bonus_off, bonus_len, spill_off;
};
int gb_zfs_dnode_layout(const uint8_t *p, size_t avail, bool be, struct gb_zfs_dnode_layout *out);

#endif
