/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* ZFS block decompressors: lz4 against liblz4's own compressor behind
 * ZFS's 4-byte big-endian length (zfs-fuse cannot write lz4), zstd against
 * libzstd's behind ZFS's 8-byte header, and lzjb
 * and zle on streams built by hand from the formats' description; every
 * truncation and a bad length fail cleanly. */
#include "t.h"
#include "fs/zfs.h"
#include "guestboot.h"

#include <lz4.h>
#define ZSTD_STATIC_LINKING_ONLY
#include <zstd.h>
#include <stdlib.h>

/* A 128 KiB block with text, zeros and noise: something to compress. */
static uint8_t *sample(size_t n)
{
	uint8_t *p = malloc(n);
	uint32_t x = 12345;
	for (size_t i = 0; i < n; i++) {
		x = x * 1103515245u + 12345u;
		p[i] = i % 4096 < 1024 ? 0 : i % 4096 < 3000 ? (uint8_t)("zfs block "[i % 10]) : (uint8_t)(x >> 24);
	}
	return p;
}

/* ZFS's lz4 framing: big-endian compressed length, the LZ4 block, then
 * padding up to the sector-rounded physical size. */
static size_t zfs_lz4(const uint8_t *src, size_t n, uint8_t *dst, size_t cap)
{
	int c = LZ4_compress_default((const char *)src, (char *)dst + 4, (int)n, (int)cap - 4);
	if (c <= 0)
		return 0;
	dst[0] = (uint8_t)(c >> 24);
	dst[1] = (uint8_t)(c >> 16);
	dst[2] = (uint8_t)(c >> 8);
	dst[3] = (uint8_t)c;
	size_t psize = ((size_t)c + 4 + 511) & ~(size_t)511;
	memset(dst + 4 + c, 0xAA, psize - 4 - (size_t)c);
	return psize;
}

static void test_lz4_roundtrip(void)
{
	size_t n = 128 << 10;
	uint8_t *src = sample(n), *comp = malloc(n + 1024), *out = malloc(n);
	size_t psize = zfs_lz4(src, n, comp, n + 1024);
	CHECK(psize > 0 && psize < n);
	CHECK_INT(gb_zfs_decompress(GB_ZIO_COMP_LZ4, comp, psize, out, n), 0);
	CHECK(!memcmp(out, src, n));
	/* a length past the buffer, and a stream cut anywhere, fail */
	uint8_t saved = comp[1];
	comp[1] = 0x7f;
	CHECK_INT(gb_zfs_decompress(GB_ZIO_COMP_LZ4, comp, psize, out, n), GB_E_CORRUPT);
	comp[1] = saved;
	for (size_t cut = 0; cut < psize; cut += 97) {
		uint32_t len = (uint32_t)comp[0] << 24 | comp[1] << 16 | comp[2] << 8 | comp[3];
		if (cut >= 4 && len <= cut - 4)
			continue; /* the whole stream is still there */
		uint8_t *copy = malloc(cut ? cut : 1); /* exact size: ASan sees overreads */
		memcpy(copy, comp, cut);
		CHECK(gb_zfs_decompress(GB_ZIO_COMP_LZ4, copy, cut, out, n) != 0);
		free(copy);
	}
	/* the output must fill the logical size exactly */
	CHECK(gb_zfs_decompress(GB_ZIO_COMP_LZ4, comp, psize, out, n - 1) != 0);
	free(src);
	free(comp);
	free(out);
}

/* ZFS's zstd framing as zfs_zstd_compress writes it: the frame's length
 * and a version/level word, big-endian, then a magicless frame without
 * checksum or content size; padding to the sector. */
static size_t zfs_zstd(const uint8_t *src, size_t n, uint8_t *dst, size_t cap, int level)
{
	ZSTD_CCtx *c = ZSTD_createCCtx();
	ZSTD_CCtx_setParameter(c, ZSTD_c_compressionLevel, level);
	ZSTD_CCtx_setParameter(c, ZSTD_c_format, ZSTD_f_zstd1_magicless);
	ZSTD_CCtx_setParameter(c, ZSTD_c_checksumFlag, 0);
	ZSTD_CCtx_setParameter(c, ZSTD_c_contentSizeFlag, 0);
	size_t len = ZSTD_compress2(c, dst + 8, cap - 8, src, n);
	ZSTD_freeCCtx(c);
	if (ZSTD_isError(len))
		return 0;
	uint32_t vl = (uint32_t)ZSTD_versionNumber() << 8 | (uint32_t)level;
	for (int i = 0; i < 4; i++) {
		dst[i] = (uint8_t)(len >> (24 - 8 * i));
		dst[4 + i] = (uint8_t)(vl >> (24 - 8 * i));
	}
	size_t psize = (len + 8 + 511) & ~(size_t)511;
	memset(dst + 8 + len, 0x55, psize - 8 - len);
	return psize;
}

static void test_zstd(void)
{
	size_t n = 128 << 10;
	uint8_t *src = sample(n), *comp = malloc(n + 1024), *out = malloc(n);
	for (int level = 1; level <= 19; level += 9) {
		size_t psize = zfs_zstd(src, n, comp, n + 1024, level);
		CHECK(psize > 0 && psize < n);
		memset(out, 0, n);
		CHECK_INT(gb_zfs_decompress(GB_ZIO_COMP_ZSTD, comp, psize, out, n), 0);
		CHECK(!memcmp(out, src, n));
	}
	size_t psize = zfs_zstd(src, n, comp, n + 1024, 3);
	uint32_t len = (uint32_t)comp[0] << 24 | comp[1] << 16 | comp[2] << 8 | comp[3];
	/* a length past the buffer; a header alone; every cut of the frame */
	comp[0] ^= 0x40;
	CHECK_INT(gb_zfs_decompress(GB_ZIO_COMP_ZSTD, comp, psize, out, n), GB_E_CORRUPT);
	comp[0] ^= 0x40;
	CHECK_INT(gb_zfs_decompress(GB_ZIO_COMP_ZSTD, comp, 7, out, n), GB_E_CORRUPT);
	for (size_t cut = 0; cut < len + 8; cut += 61) {
		uint8_t *copy = malloc(cut ? cut : 1); /* exact size: ASan sees overreads */
		memcpy(copy, comp, cut);
		CHECK(gb_zfs_decompress(GB_ZIO_COMP_ZSTD, copy, cut, out, n) != 0);
		free(copy);
	}
	/* the length cut short in the header, the frame whole behind it */
	comp[3] = (uint8_t)(comp[3] - 1);
	if (comp[3] == 0xff)
		comp[2]--;
	CHECK(gb_zfs_decompress(GB_ZIO_COMP_ZSTD, comp, psize, out, n) != 0);
	comp[3] = (uint8_t)(comp[3] + 1);
	if (comp[3] == 0)
		comp[2]++;
	/* the output must fill the logical size exactly, no more, no less */
	CHECK(gb_zfs_decompress(GB_ZIO_COMP_ZSTD, comp, psize, out, n - 1) != 0);
	uint8_t *big = malloc(n + 1);
	CHECK(gb_zfs_decompress(GB_ZIO_COMP_ZSTD, comp, psize, big, n + 1) != 0);
	CHECK_INT(gb_zfs_decompress(GB_ZIO_COMP_ZSTD, comp, psize, out, n), 0);
	free(big);
	free(src);
	free(comp);
	free(out);
}

/* lzjb: a copy-map byte, then literals (bit clear) or 2-byte matches
 * (6 bits length - 3, 10 bits distance). */
static void test_lzjb(void)
{
	/* "abc", then a match of 3 + 5 bytes at distance 3, then "!" */
	const uint8_t s[] = { 0x08, 'a', 'b', 'c', 5 << 2, 3, '!' };
	uint8_t out[12];
	CHECK_INT(gb_zfs_decompress(GB_ZIO_COMP_LZJB, s, sizeof(s), out, sizeof(out)), 0);
	CHECK(!memcmp(out, "abcabcabcab!", 12));
	/* distance 0, distance before the start, truncation */
	const uint8_t d0[] = { 0x02, 'a', 0, 0 };
	const uint8_t far[] = { 0x02, 'a', 0, 9 };
	CHECK_INT(gb_zfs_decompress(GB_ZIO_COMP_LZJB, d0, sizeof(d0), out, 4), GB_E_CORRUPT);
	CHECK_INT(gb_zfs_decompress(GB_ZIO_COMP_LZJB, far, sizeof(far), out, 4), GB_E_CORRUPT);
	for (size_t n = 0; n < sizeof(s); n++) {
		uint8_t *copy = malloc(n ? n : 1);
		memcpy(copy, s, n);
		CHECK(gb_zfs_decompress(GB_ZIO_COMP_LZJB, copy, n, out, sizeof(out)) != 0);
		free(copy);
	}
}

/* zle: n < 64 is n + 1 literals, otherwise n - 63 zeros. */
static void test_zle(void)
{
	const uint8_t s[] = { 1, 'h', 'i', 64 + 4, 0, 'x' };
	uint8_t out[8], want[8] = { 'h', 'i', 0, 0, 0, 0, 0, 'x' };
	CHECK_INT(gb_zfs_decompress(GB_ZIO_COMP_ZLE, s, sizeof(s), out, sizeof(out)), 0);
	CHECK(!memcmp(out, want, sizeof(want)));
	CHECK(gb_zfs_decompress(GB_ZIO_COMP_ZLE, s, sizeof(s), out, 6) != 0);  /* zeros overflow */
	CHECK(gb_zfs_decompress(GB_ZIO_COMP_ZLE, s, 5, out, sizeof(out)) != 0); /* short */
	CHECK_INT(gb_zfs_decompress(99, s, sizeof(s), out, sizeof(out)), GB_E_UNSUPPORTED);
}

/* A dnode header: type 19 (a file), nblkptr, bonus length, flags and
 * extra slots, little- or big-endian. */
static void dnode_hdr(uint8_t *p, uint8_t nblkptr, uint16_t bonuslen, uint8_t flags, uint8_t extra, bool be)
{
	memset(p, 0, 64);
	p[0] = 19;
	p[3] = nblkptr;
	p[7] = flags;
	p[10] = (uint8_t)(be ? bonuslen >> 8 : bonuslen);
	p[11] = (uint8_t)(be ? bonuslen : bonuslen >> 8);
	p[12] = extra;
}

/* large_dnode: a dnode of 1 + dn_extra_slots slots; the bonus buffer
 * follows the block pointers, the spill pointer ends the last slot. */
static void test_dnode_layout(void)
{
	uint8_t *blk = calloc(1, 16384);
	struct gb_zfs_dnode_layout l;
	/* one slot: the bonus fills what the pointers leave */
	dnode_hdr(blk, 1, 320, 0, 0, false);
	CHECK_INT(gb_zfs_dnode_layout(blk, 16384, false, &l), 0);
	CHECK(l.size == 512 && l.bonus_off == 192 && l.bonus_len == 320 && l.spill_off == 384);
	dnode_hdr(blk, 1, 321, 0, 0, false);
	CHECK_INT(gb_zfs_dnode_layout(blk, 16384, false, &l), GB_E_CORRUPT);
	/* two slots, four pointers: the bonus lies in the second slot */
	dnode_hdr(blk, 4, 264, 0, 1, false);
	CHECK_INT(gb_zfs_dnode_layout(blk, 1024, false, &l), 0);
	CHECK(l.size == 1024 && l.nblkptr == 4 && l.bonus_off == 576 && l.bonus_len == 264);
	/* 264 written little-endian reads as 2049 big-endian: too long */
	CHECK_INT(gb_zfs_dnode_layout(blk, 1024, true, &l), GB_E_CORRUPT);
	dnode_hdr(blk, 4, 264, 0, 1, true);
	CHECK_INT(gb_zfs_dnode_layout(blk, 1024, true, &l), 0);
	CHECK(l.bonus_len == 264);
	/* the last slot of its block cannot have extra slots */
	dnode_hdr(blk, 1, 100, 0, 1, false);
	CHECK_INT(gb_zfs_dnode_layout(blk, 1023, false, &l), GB_E_CORRUPT);
	CHECK_INT(gb_zfs_dnode_layout(blk, 512, false, &l), GB_E_CORRUPT);
	/* 32 slots is the most; 33 or 256 never fit a block */
	dnode_hdr(blk, 1, 16384 - 192, 0, 31, false);
	CHECK_INT(gb_zfs_dnode_layout(blk, 16384, false, &l), 0);
	CHECK(l.size == 16384 && l.spill_off == 16384 - 128);
	dnode_hdr(blk, 1, 100, 0, 255, false);
	CHECK_INT(gb_zfs_dnode_layout(blk, 16384, false, &l), GB_E_CORRUPT);
	/* no pointer, pointers past the dnode */
	dnode_hdr(blk, 0, 0, 0, 0, false);
	CHECK_INT(gb_zfs_dnode_layout(blk, 512, false, &l), GB_E_CORRUPT);
	dnode_hdr(blk, 255, 0, 0, 1, false);
	CHECK_INT(gb_zfs_dnode_layout(blk, 16384, false, &l), GB_E_CORRUPT);
	/* the spill pointer: the bonus stops before it */
	dnode_hdr(blk, 1, 1024 - 192 - 128, 4, 1, false);
	CHECK_INT(gb_zfs_dnode_layout(blk, 1024, false, &l), 0);
	CHECK(l.spill_off == 896);
	dnode_hdr(blk, 1, 1024 - 192 - 127, 4, 1, false);
	CHECK_INT(gb_zfs_dnode_layout(blk, 1024, false, &l), GB_E_CORRUPT);
	/* three pointers leave 64 bytes: no room for a spill pointer */
	dnode_hdr(blk, 3, 0, 4, 0, false);
	CHECK_INT(gb_zfs_dnode_layout(blk, 512, false, &l), GB_E_CORRUPT);
	/* a free slot is one slot whatever its other bytes say */
	dnode_hdr(blk, 0, 9999, 4, 200, false);
	blk[0] = 0;
	CHECK_INT(gb_zfs_dnode_layout(blk, 512, false, &l), 0);
	CHECK(l.size == 512);
	CHECK_INT(gb_zfs_dnode_layout(blk, 511, false, &l), GB_E_CORRUPT);
	free(blk);
}

const struct t_case zfs_cases[] = {
	{ "zfs/dnode-layout", test_dnode_layout },
	{ "zfs/lz4-roundtrip", test_lz4_roundtrip },
	{ "zfs/zstd", test_zstd },
	{ "zfs/lzjb", test_lzjb },
	{ "zfs/zle", test_zle },
	{ NULL, NULL },
};
