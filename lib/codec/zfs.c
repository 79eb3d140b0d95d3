/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* ZFS block compression, decoding side: lzjb and zle (our own, from the
 * format's description), lz4 (liblz4, behind ZFS's 4-byte big-endian
 * length header), gzip (zlib streams) and zstd (libzstd, behind ZFS's
 * 8-byte header). */
#include "fs/zfs.h"

#include "guestboot.h"

#include <string.h>
#include <lz4.h>
#include <zlib.h>
#define ZSTD_STATIC_LINKING_ONLY /* ZSTD_d_format: ZFS writes magicless frames */
#include <zstd.h>

/* lzjb: a copy map byte announces eight items; each is a literal byte or
 * a 2-byte match (6 bits of length - 3, 10 bits of distance). */
static int lzjb_decompress(const uint8_t *in, size_t inlen, uint8_t *out, size_t outlen)
{
	size_t i = 0, o = 0;
	unsigned map = 0, mask = 0x80;
	while (o < outlen) {
		mask <<= 1;
		if (mask == 0x100) {
			if (i >= inlen)
				return GB_E_CORRUPT;
			map = in[i++];
			mask = 1;
		}
		if (map & mask) {
			if (inlen - i < 2)
				return GB_E_CORRUPT;
			size_t len = (in[i] >> 2) + 3;
			size_t dist = ((size_t)(in[i] & 3) << 8) | in[i + 1];
			i += 2;
			/* distance 0 is never written: it would copy unwritten bytes */
			if (dist == 0 || dist > o)
				return GB_E_CORRUPT;
			for (; len && o < outlen; len--, o++)
				out[o] = out[o - dist];
		} else {
			if (i >= inlen)
				return GB_E_CORRUPT;
			out[o++] = in[i++];
		}
	}
	return 0;
}

/* zle: a byte n below 64 announces n+1 literal bytes, otherwise n-63
 * zero bytes (ZFS's level 64, the only one it writes). */
static int zle_decompress(const uint8_t *in, size_t inlen, uint8_t *out, size_t outlen)
{
	size_t i = 0, o = 0;
	while (i < inlen && o < outlen) {
		size_t n = (size_t)in[i++] + 1;
		if (n <= 64) {
			if (n > inlen - i || n > outlen - o)
				return GB_E_CORRUPT;
			memcpy(out + o, in + i, n);
			i += n;
		} else {
			n -= 64;
			if (n > outlen - o)
				return GB_E_CORRUPT;
			memset(out + o, 0, n);
		}
		o += n;
	}
	return o == outlen ? 0 : GB_E_CORRUPT;
}

/* lz4: ZFS puts the compressed length (big-endian) before a raw LZ4 block. */
static int lz4_decompress(const uint8_t *in, size_t inlen, uint8_t *out, size_t outlen)
{
	if (inlen < 4 || outlen > INT32_MAX)
		return GB_E_CORRUPT;
	uint32_t n = (uint32_t)in[0] << 24 | (uint32_t)in[1] << 16 | (uint32_t)in[2] << 8 | in[3];
	if (n > inlen - 4)
		return GB_E_CORRUPT;
	int r = LZ4_decompress_safe((const char *)in + 4, (char *)out, (int)n, (int)outlen);
	return r == (int)outlen ? 0 : GB_E_CORRUPT;
}

/* zstd: ZFS's header is the frame's length (big-endian), then a word of
 * zstd version and level (not needed to decode), then the frame without
 * its magic number, without checksum or content size (ZFS has both). */
static int zstd_decompress(const uint8_t *in, size_t inlen, uint8_t *out, size_t outlen)
{
	if (inlen < 8)
		return GB_E_CORRUPT;
	uint32_t n = (uint32_t)in[0] << 24 | (uint32_t)in[1] << 16 | (uint32_t)in[2] << 8 | in[3];
	if (n > inlen - 8)
		return GB_E_CORRUPT;
	ZSTD_DCtx *z = ZSTD_createDCtx();
	if (!z)
		return GB_E_NOMEM;
	size_t r = ZSTD_DCtx_setParameter(z, ZSTD_d_format, ZSTD_f_zstd1_magicless);
	if (!ZSTD_isError(r))
		r = ZSTD_DCtx_setParameter(z, ZSTD_d_windowLogMax, 27);
	if (!ZSTD_isError(r))
		r = ZSTD_decompressDCtx(z, out, outlen, in + 8, n);
	ZSTD_freeDCtx(z);
	return !ZSTD_isError(r) && r == outlen ? 0 : GB_E_CORRUPT;
}

static int gzip_decompress(const uint8_t *in, size_t inlen, uint8_t *out, size_t outlen)
{
	uLongf dlen = (uLongf)outlen;
	uLong slen = (uLong)inlen;
	/* psize is rounded up to a sector: trailing bytes follow the stream */
	int r = uncompress2(out, &dlen, in, &slen);
	return r == Z_OK && dlen == outlen ? 0 : GB_E_CORRUPT;
}

int gb_zfs_decompress(int comp, const uint8_t *in, size_t inlen, uint8_t *out, size_t outlen)
{
	switch (comp) {
	case GB_ZIO_COMP_OFF:
		if (inlen < outlen)
			return GB_E_CORRUPT;
		memcpy(out, in, outlen);
		return 0;
	case GB_ZIO_COMP_EMPTY:
		memset(out, 0, outlen);
		return 0;
	case GB_ZIO_COMP_LZJB:
		return lzjb_decompress(in, inlen, out, outlen);
	case GB_ZIO_COMP_ZLE:
		return zle_decompress(in, inlen, out, outlen);
	case GB_ZIO_COMP_LZ4:
		return lz4_decompress(in, inlen, out, outlen);
	case GB_ZIO_COMP_ZSTD:
		return zstd_decompress(in, inlen, out, outlen);
	default:
		if (comp >= GB_ZIO_COMP_GZIP1 && comp <= GB_ZIO_COMP_GZIP9)
			return gzip_decompress(in, inlen, out, outlen);
		return GB_E_UNSUPPORTED;
	}
}
