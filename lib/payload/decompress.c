/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Bounded decompression of kernel payloads and initrd segments. Every
 * decoder writes into a buffer we grow ourselves up to a hard cap, so a
 * stream that claims (or really expands to) gigabytes costs at most cap. */
#include "payload/payload.h"

#include <bzlib.h>
#include <lz4.h>
#include <lzma.h>
#include <stdlib.h>
#include <zlib.h>
#ifdef GB_HAVE_ZSTD
#include <zstd.h>
#endif
#ifdef GB_HAVE_LZO
#include "codec/lzo.h"
#endif

#define LZ4_LEGACY_MAGIC 0x184C2102u
#define LZ4_LEGACY_BLOCK (8u << 20) /* the legacy format's fixed block size */
#define XZ_MEMLIMIT (256ull << 20)

static const uint8_t lzop_magic[9] = { 0x89, 'L', 'Z', 'O', 0, 0x0d, 0x0a, 0x1a, 0x0a };

enum gb_comp gb_comp_detect(const uint8_t *d, size_t n)
{
	if (n >= 3 && d[0] == 0x1f && (d[1] == 0x8b || d[1] == 0x9e) && d[2] == 8)
		return GB_COMP_GZIP;
	if (n >= 4 && d[0] == 'B' && d[1] == 'Z' && d[2] == 'h' && d[3] >= '1' && d[3] <= '9')
		return GB_COMP_BZIP2;
	if (n >= 6 && !memcmp(d, "\xfd" "7zXZ\0", 6))
		return GB_COMP_XZ;
	if (n >= 9 && !memcmp(d, lzop_magic, 9))
		return GB_COMP_LZO;
	if (n >= 4 && gb_le32(d) == LZ4_LEGACY_MAGIC)
		return GB_COMP_LZ4;
	if (n >= 4 && gb_le32(d) == 0xFD2FB528u)
		return GB_COMP_ZSTD;
	/* .lzma ("alone"): properties byte 0x5d for every kernel and initramfs
	 * tool, then a 32-bit dictionary size that is a power of two here. */
	if (n >= 13 && d[0] == 0x5d && d[1] == 0 && (gb_le32(d + 1) & (gb_le32(d + 1) - 1)) == 0 &&
	    gb_le32(d + 1) >= 4096)
		return GB_COMP_LZMA;
	return GB_COMP_NONE;
}

const char *gb_comp_name(enum gb_comp c)
{
	static const char *const names[] = { "none", "gzip", "bzip2", "lzma", "xz", "lzo", "lz4", "zstd" };
	return (unsigned)c < sizeof(names) / sizeof(names[0]) ? names[c] : "?";
}

/* The output buffer: grown by doubling, never past cap. With a sink, it
 * is a window: when full, the sink takes what it is done with and the rest
 * moves to the front, so a stream costs memory for its window only. Every
 * byte made is charged to the command's account (work). */
struct obuf {
	uint8_t *p;
	size_t len, size, cap;
	struct gb_decompress_sink *sink;
	uint64_t flushed;  /* bytes handed to the sink and dropped */
	uint64_t charged;  /* bytes charged to work */
	struct gb_ctx *ctx;
	struct gb_work *work;
	bool over_budget;  /* the command's bound stopped the stream */
	bool stopped;      /* the sink needs no more */
};

#define OBUF_WINDOW (8u << 20)
#define SINK_STOP 1 /* not an error: the sink has seen enough */

static bool obuf_charge(struct obuf *o, int *err)
{
	uint64_t made = o->flushed + o->len;
	if (made > o->charged) {
		struct gb_ctx quiet = { 0 };
		if (gb_work_charge(&quiet, o->work, GB_CHARGE_INFLATE, made - o->charged, "")) {
			o->over_budget = true;
			*err = GB_E_LIMIT;
			return false;
		}
		o->charged = made;
	}
	return true;
}

/* Hand the window to the sink and keep what it did not take; false when
 * it stopped (*err SINK_STOP). */
static bool obuf_flush(struct obuf *o, int *err)
{
	size_t k = o->sink->feed(o->sink->arg, o->p, o->len, false);
	if (k > o->len)
		k = o->len;
	memmove(o->p, o->p + k, o->len - k);
	o->len -= k;
	o->flushed += k;
	if (o->sink->stop) {
		o->stopped = true;
		*err = SINK_STOP;
		return false;
	}
	return true;
}

/* Make the buffer at least n bytes larger (never past cap). */
static bool obuf_enlarge(struct obuf *o, size_t need, int *err)
{
	while (o->size - o->len < need) {
		if (o->flushed + o->size >= o->cap) {
			*err = GB_E_LIMIT;
			return false;
		}
		size_t n = o->size ? o->size * 2 : (1u << 20);
		if (n > o->cap - o->flushed || n < o->size)
			n = (size_t)(o->cap - o->flushed);
		uint8_t *p = realloc(o->p, n);
		if (!p) {
			*err = GB_E_NOMEM;
			return false;
		}
		o->p = p;
		o->size = n;
	}
	return true;
}

/* Make room for n more bytes; false when cap is reached, the command's
 * bound is spent, the sink stopped or memory ran out (*err says which). */
static bool obuf_reserve(struct obuf *o, size_t n, int *err)
{
	if (o->size - o->len >= n)
		return true;
	if (!obuf_charge(o, err))
		return false;
	if (o->sink && o->len && !obuf_flush(o, err))
		return false;
	if (o->flushed + o->len >= o->cap) {
		*err = GB_E_LIMIT;
		return false;
	}
	return obuf_enlarge(o, n, err);
}

/* Make room for at least one more byte. */
static bool obuf_grow(struct obuf *o, int *err)
{
	return obuf_reserve(o, 1, err);
}

static int gunzip(const uint8_t *in, size_t len, struct obuf *o, size_t *used)
{
	z_stream z = { 0 };
	if (inflateInit2(&z, 16 + 15) != Z_OK)
		return GB_E_NOMEM;
	z.next_in = (Bytef *)in;
	int err = GB_E_CORRUPT, r = Z_OK;
	/* zlib counts in uInt: feed at most 1 GiB at a time. */
	size_t fed = 0;
	while (r == Z_OK && obuf_grow(o, &err)) {
		if (!z.avail_in && fed < len) {
			z.avail_in = (uInt)(len - fed > (1u << 30) ? (1u << 30) : len - fed);
			fed += z.avail_in;
		}
		z.next_out = o->p + o->len;
		z.avail_out = (uInt)(o->size - o->len > (1u << 30) ? (1u << 30) : o->size - o->len);
		uInt before = z.avail_out;
		r = inflate(&z, Z_NO_FLUSH);
		o->len += before - z.avail_out;
		if (r == Z_BUF_ERROR && z.avail_out)
			break; /* truncated input */
		if (r == Z_BUF_ERROR)
			r = Z_OK;
	}
	*used = fed - z.avail_in;
	inflateEnd(&z);
	return r == Z_STREAM_END ? 0 : r == Z_OK ? err : GB_E_CORRUPT;
}

static int bunzip2(const uint8_t *in, size_t len, struct obuf *o, size_t *used)
{
	bz_stream b = { 0 };
	if (BZ2_bzDecompressInit(&b, 0, 0) != BZ_OK)
		return GB_E_NOMEM;
	b.next_in = (char *)in;
	size_t fed = 0;
	int err = GB_E_CORRUPT, r = BZ_OK;
	while (r == BZ_OK && obuf_grow(o, &err)) {
		if (!b.avail_in && fed < len) {
			b.avail_in = (unsigned)(len - fed > (1u << 30) ? (1u << 30) : len - fed);
			fed += b.avail_in;
		}
		b.next_out = (char *)o->p + o->len;
		b.avail_out = (unsigned)(o->size - o->len > (1u << 30) ? (1u << 30) : o->size - o->len);
		unsigned before = b.avail_out, in_before = b.avail_in;
		r = BZ2_bzDecompress(&b);
		o->len += before - b.avail_out;
		/* No input left and no output made: the stream is truncated. (All
		 * input consumed with the output full is not: pending output
		 * comes on the next call.) */
		if (r == BZ_OK && b.avail_out == before && b.avail_in == in_before)
			break;
	}
	*used = fed - b.avail_in;
	BZ2_bzDecompressEnd(&b);
	return r == BZ_STREAM_END ? 0 : r == BZ_OK ? err : GB_E_CORRUPT;
}

static int unxz(enum gb_comp c, const uint8_t *in, size_t len, struct obuf *o, size_t *used)
{
	lzma_stream s = LZMA_STREAM_INIT;
	lzma_ret r = c == GB_COMP_XZ ? lzma_stream_decoder(&s, XZ_MEMLIMIT, 0) :
				       lzma_alone_decoder(&s, XZ_MEMLIMIT);
	if (r != LZMA_OK)
		return GB_E_NOMEM;
	s.next_in = in;
	s.avail_in = len;
	int err = GB_E_CORRUPT;
	while (r == LZMA_OK && obuf_grow(o, &err)) {
		s.next_out = o->p + o->len;
		s.avail_out = o->size - o->len;
		size_t before = s.avail_out;
		/* LZMA_FINISH: all input is here, so truncation is an error. */
		r = lzma_code(&s, LZMA_FINISH);
		o->len += before - s.avail_out;
	}
	*used = len - s.avail_in;
	lzma_end(&s);
	return r == LZMA_STREAM_END ? 0 : r == LZMA_OK ? err : GB_E_CORRUPT;
}

#ifdef GB_HAVE_ZSTD
static int unzstd(const uint8_t *in, size_t len, struct obuf *o, size_t *used)
{
	ZSTD_DCtx *z = ZSTD_createDCtx();
	if (!z)
		return GB_E_NOMEM;
	/* The kernel builds with --ultra -22 (128 MiB windows); refuse more. */
	ZSTD_DCtx_setParameter(z, ZSTD_d_windowLogMax, 27);
	ZSTD_inBuffer ib = { in, len, 0 };
	int err = GB_E_CORRUPT;
	size_t r = 1;
	while (r && obuf_grow(o, &err)) {
		ZSTD_outBuffer ob = { o->p, o->size, o->len };
		r = ZSTD_decompressStream(z, &ob, &ib);
		o->len = ob.pos;
		if (ZSTD_isError(r)) {
			err = GB_E_CORRUPT;
			break;
		}
		if (r && ib.pos == ib.size && ob.pos < ob.size)
			break; /* truncated */
	}
	*used = ib.pos;
	ZSTD_freeDCtx(z);
	return r == 0 ? 0 : err;
}
#endif

/* The legacy LZ4 framing the kernel and initramfs tools use: the magic,
 * then blocks of <le32 size><data> each expanding to at most 8 MiB. A
 * repeated magic starts another frame; anything else ends the stream
 * (the kernel appends its size, initrds the next segment). */
static int unlz4(const uint8_t *in, size_t len, struct obuf *o, size_t *used)
{
	size_t pos = 4;
	int err = 0;
	for (size_t guard = 0; guard < (1u << 20) && gb_range_ok(pos, 4, len); guard++) {
		uint32_t n = gb_le32(in + pos);
		if (n == LZ4_LEGACY_MAGIC) {
			pos += 4;
			continue;
		}
		if (!n || n > (uint32_t)LZ4_compressBound(LZ4_LEGACY_BLOCK) ||
		    !gb_range_ok(pos + 4, n, len))
			break;
		/* a whole block's room, or what the cap leaves */
		if (!obuf_reserve(o, LZ4_LEGACY_BLOCK, &err) && err != GB_E_LIMIT)
			return err;
		size_t room = o->size - o->len;
		if (room > LZ4_LEGACY_BLOCK)
			room = LZ4_LEGACY_BLOCK;
		int got = LZ4_decompress_safe((const char *)in + pos + 4, (char *)o->p + o->len, (int)n,
					      (int)room);
		if (got < 0)
			return room < LZ4_LEGACY_BLOCK ? GB_E_LIMIT : GB_E_CORRUPT;
		o->len += (size_t)got;
		pos += 4 + n;
	}
	*used = pos;
	return o->len ? 0 : GB_E_CORRUPT;
}

#ifdef GB_HAVE_LZO
/* lzop's file format, as the kernel's build (lzop -9) and initramfs-tools
 * (COMPRESS=lzo) write it: a header, then blocks of <be32 out size><be32
 * in size>[checksums]<data> up to an out size of 0; a block whose in size
 * equals its out size is stored as is. Checksums are skipped, as the
 * kernel's unlzo skips them. */
#define LZOP_F_ADLER32_D 0x1u
#define LZOP_F_ADLER32_C 0x2u
#define LZOP_F_EXTRA_FIELD 0x40u
#define LZOP_F_CRC32_D 0x100u
#define LZOP_F_CRC32_C 0x200u
#define LZOP_F_FILTER 0x800u
#define LZOP_BLOCK_MAX (64u << 20) /* lzop's own limit */

/* The header's length, 0 when it is malformed or not LZO1X. */
static size_t lzop_header(const uint8_t *in, size_t len, uint32_t *flags)
{
	size_t p = sizeof(lzop_magic);
	if (!gb_range_ok(p, 16, len))
		return 0;
	/* version 0x0940 and later add "version needed", level, mtime high */
	bool v940 = gb_be16(in + p) >= 0x0940;
	p += v940 ? 6 : 4;
	uint8_t method = in[p++];
	if (method < 1 || method > 3) /* LZO1X-1, LZO1X-1(15), LZO1X-999 */
		return 0;
	p += v940;
	*flags = gb_be32(in + p);
	p += 4 + (*flags & LZOP_F_FILTER ? 4 : 0) + (v940 ? 12 : 8); /* mode, mtime */
	if (!gb_range_ok(p, 1, len))
		return 0;
	p += 1 + in[p] + 4; /* name, header checksum */
	if (*flags & LZOP_F_EXTRA_FIELD) {
		if (!gb_range_ok(p, 4, len))
			return 0;
		uint32_t n = gb_be32(in + p);
		if (!gb_range_ok(p + 4, n, len))
			return 0;
		p += 4 + (size_t)n + 4;
	}
	return gb_range_ok(p, 0, len) ? p : 0;
}

static int unlzop(const uint8_t *in, size_t len, struct obuf *o, size_t *used)
{
	uint32_t flags;
	size_t p = lzop_header(in, len, &flags);
	if (!p)
		return GB_E_CORRUPT;
	int err = GB_E_CORRUPT;
	for (;;) {
		if (!gb_range_ok(p, 4, len))
			return GB_E_CORRUPT;
		uint32_t dst = gb_be32(in + p);
		p += 4;
		if (!dst)
			break;
		if (!gb_range_ok(p, 4, len))
			return GB_E_CORRUPT;
		uint32_t src = gb_be32(in + p);
		p += 4;
		if (dst > LZOP_BLOCK_MAX || !src || src > dst)
			return GB_E_CORRUPT;
		p += (flags & LZOP_F_ADLER32_D ? 4 : 0) + (flags & LZOP_F_CRC32_D ? 4 : 0);
		if (src < dst)
			p += (flags & LZOP_F_ADLER32_C ? 4 : 0) + (flags & LZOP_F_CRC32_C ? 4 : 0);
		if (!gb_range_ok(p, src, len))
			return GB_E_CORRUPT;
		if (!obuf_reserve(o, dst, &err))
			return err;
		size_t got = dst;
		if (src == dst)
			memcpy(o->p + o->len, in + p, dst);
		else if (gb_lzo1x_decompress(in + p, src, o->p + o->len, dst, &got) != GB_LZO_OK ||
			 got != dst)
			return GB_E_CORRUPT;
		o->len += dst;
		p += src;
	}
	*used = p;
	return 0;
}
#endif

static int run(struct obuf *o, enum gb_comp c, const uint8_t *data, size_t len, size_t *used)
{
	switch (c) {
	case GB_COMP_GZIP: return gunzip(data, len, o, used);
	case GB_COMP_BZIP2: return bunzip2(data, len, o, used);
	case GB_COMP_XZ:
	case GB_COMP_LZMA: return unxz(c, data, len, o, used);
#ifdef GB_HAVE_ZSTD
	case GB_COMP_ZSTD: return unzstd(data, len, o, used);
#endif
	case GB_COMP_LZ4: return unlz4(data, len, o, used);
#ifdef GB_HAVE_LZO
	case GB_COMP_LZO: return unlzop(data, len, o, used);
#endif
	default: return GB_E_UNSUPPORTED;
	}
}

static int finish(struct gb_ctx *ctx, struct obuf *o, enum gb_comp c, int r)
{
	if (r == GB_E_UNSUPPORTED)
		return gb_error(ctx, r, "%s data is recognised but not decompressed", gb_comp_name(c));
	if (!r || r == SINK_STOP) {
		int err = 0;
		if (!r && !obuf_charge(o, &err))
			r = err;
		else
			return 0;
	}
	if (o->over_budget)
		return gb_error(ctx, GB_E_LIMIT, "decompressed data exceeds this command's bound of %u MiB",
				gb_work_bound_mib(GB_CHARGE_INFLATE));
	if (r == GB_E_LIMIT)
		return gb_error(ctx, r, "%s data expands past %zu bytes", gb_comp_name(c), o->cap);
	return gb_error(ctx, r, "%s data does not decompress", gb_comp_name(c));
}

int gb_decompress(struct gb_ctx *ctx, struct gb_work *work, enum gb_comp c, const uint8_t *data,
		  size_t len, size_t cap, uint8_t **out, size_t *outlen, size_t *used)
{
	struct obuf o = { .cap = cap, .ctx = ctx, .work = work };
	*used = 0;
	int r = finish(ctx, &o, c, run(&o, c, data, len, used));
	if (r) {
		free(o.p);
		return r;
	}
	*out = o.p;
	*outlen = o.len;
	return 0;
}

int gb_decompress_to(struct gb_ctx *ctx, struct gb_work *work, enum gb_comp c, const uint8_t *data,
		     size_t len, size_t cap, struct gb_decompress_sink *sink, size_t *used)
{
	struct obuf o = { .cap = cap, .ctx = ctx, .work = work, .sink = sink };
	*used = 0;
	/* the window: what the sink may keep plus room to decode into */
	o.p = malloc(OBUF_WINDOW);
	if (!o.p)
		return gb_error(ctx, GB_E_NOMEM, "out of memory");
	o.size = OBUF_WINDOW < cap ? OBUF_WINDOW : cap;
	int r = run(&o, c, data, len, used);
	if (!r && !o.stopped)
		sink->feed(sink->arg, o.p, o.len, true);
	r = finish(ctx, &o, c, r);
	free(o.p);
	return r;
}
