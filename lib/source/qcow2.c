/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * qcow2 images, versions 2 and 3, read-only (QEMU's docs/interop/qcow2.txt).
 *
 * The container is another source (a raw file, an NBD export, memory), read
 * only through gb_source_read, so every host offset is bounds-checked there
 * too. Every header field and table entry is checked against the container
 * size before use. Refcount tables, snapshots and bitmaps are not needed to
 * read the active disk and are ignored. A backing file is only ever the
 * source the caller hands us: the name written in the header is reported,
 * never opened.
 */
#include "source/source.h"

#include <stdio.h>
#include <stdlib.h>
#include <zlib.h>
#ifdef GB_HAVE_LIBDEFLATE
#include <libdeflate.h>
#endif
#ifdef GB_HAVE_ZSTD
#include <zstd.h>
#endif

#define QCOW2_MAGIC 0x514649fbu /* "QFI\xfb" */
#define QCOW2_V2_HEADER 72
#define QCOW2_V3_HEADER 104
/* 512-byte clusters are the spec's minimum; QEMU opens nothing above 2 MiB. */
#define QCOW2_MIN_CLUSTER_BITS 9
#define QCOW2_MAX_CLUSTER_BITS 21
/* Extended L2 entries split a cluster in 32; the spec wants 16 KiB or more. */
#define QCOW2_MIN_EXTL2_BITS 14
/* QEMU's own limit on the active L1 table (4 Mi entries). */
#define QCOW2_MAX_L1_BYTES (32u << 20)
#define QCOW2_MAX_BACKING_NAME 1023
/* Each cache (L2 tables, decompressed clusters) holds this many bytes, and
 * between CACHE_MIN and CACHE_MAX entries: a 64 KiB-cluster L2 table maps
 * 512 MiB of disk, so a handful covers a kernel and initrd read; one 2 MiB
 * table maps 256 GiB or more, and sequential reads need one decompressed
 * cluster (this keeps memory under 16 MiB with 2 MiB clusters too). */
#define QCOW2_CACHE_BYTES (2u << 20)
#define QCOW2_CACHE_MIN 1
#define QCOW2_CACHE_MAX 32
/* Header extensions live in the first cluster; each takes 8 bytes or more. */
#define QCOW2_MAX_EXTENSIONS ((1u << QCOW2_MAX_CLUSTER_BITS) / 8)

#define INCOMPAT_DIRTY 0x1ull
#define INCOMPAT_CORRUPT 0x2ull
#define INCOMPAT_DATA_FILE 0x4ull
#define INCOMPAT_COMPRESSION 0x8ull
#define INCOMPAT_EXTL2 0x10ull
#define INCOMPAT_KNOWN 0x1full

/* Bits 9-55 of L1 and standard L2 entries: a cluster-aligned host offset. */
#define ENTRY_OFFSET_MASK 0x00fffffffffffe00ull
#define L2E_COMPRESSED (1ull << 62)
#define L2E_ZERO 1ull /* v3, without extended L2 */

#define EXT_END 0u
#define EXT_BACKING_FORMAT 0xe2792acau
#define EXT_FEATURE_NAMES 0x6803f857u
#define EXT_DATA_FILE 0x44415441u
#define FEATURE_NAME_ENTRY 48

enum { COMP_ZLIB = 0, COMP_ZSTD = 1 };

struct cache_slot {
	uint64_t key;
	uint64_t used; /* tick of the last use: the oldest is replaced */
	uint8_t *data; /* allocated on first use */
	bool valid;
};

struct cache {
	struct cache_slot *slot;
	size_t n;
	size_t size; /* bytes per entry */
	uint64_t tick;
};

struct qcow2 {
	struct gb_work *work;      /* the command's account (source.h) */
	struct gb_source *file;    /* the container */
	struct gb_source *backing; /* NULL: unallocated clusters read as zeros */
	uint64_t size;    /* of the virtual disk */
	uint32_t version;
	uint32_t cluster_bits;
	uint64_t cluster_size;
	uint32_t l2_bits; /* log2 of the entries in one L2 table */
	bool extl2;       /* 128-bit L2 entries with 32 subclusters */
	int compression;
	uint64_t *l1;     /* host byte order */
	uint32_t l1_size;
	struct cache l2c; /* L2 tables by host offset, as read (big-endian) */
	struct cache zc;  /* decompressed clusters by compressed descriptor */
	uint8_t *cbuf;    /* compressed input, 2 clusters at most */
	z_stream zs;
	bool zs_ready;
#ifdef GB_HAVE_LIBDEFLATE
	struct libdeflate_decompressor *ld;
#endif
#ifdef GB_HAVE_ZSTD
	ZSTD_DCtx *zd;
#endif
};

/* ---- bounded LRU caches ------------------------------------------------- */

static int cache_init(struct gb_ctx *ctx, struct cache *c, size_t size)
{
	size_t n = QCOW2_CACHE_BYTES / size;
	n = n < QCOW2_CACHE_MIN ? QCOW2_CACHE_MIN : n > QCOW2_CACHE_MAX ? QCOW2_CACHE_MAX : n;
	c->slot = calloc(n, sizeof(*c->slot));
	if (!c->slot)
		return gb_error(ctx, GB_E_NOMEM, "out of memory");
	c->n = n;
	c->size = size;
	return 0;
}

static void cache_free(struct cache *c)
{
	for (size_t i = 0; c->slot && i < c->n; i++)
		free(c->slot[i].data);
	free(c->slot);
}

static uint8_t *cache_find(struct cache *c, uint64_t key)
{
	for (size_t i = 0; i < c->n; i++)
		if (c->slot[i].valid && c->slot[i].key == key) {
			c->slot[i].used = ++c->tick;
			return c->slot[i].data;
		}
	return NULL;
}

/* The least recently used slot, invalidated until the caller has filled it
 * and called cache_fill_done (a failed fill leaves no half-read entry). */
static struct cache_slot *cache_victim(struct gb_ctx *ctx, struct cache *c)
{
	struct cache_slot *v = &c->slot[0];
	for (size_t i = 1; i < c->n; i++)
		if (!c->slot[i].valid || (v->valid && c->slot[i].used < v->used))
			v = &c->slot[i];
	v->valid = false;
	if (!v->data && !(v->data = malloc(c->size))) {
		gb_error(ctx, GB_E_NOMEM, "out of memory");
		return NULL;
	}
	return v;
}

static void cache_fill_done(struct cache *c, struct cache_slot *s, uint64_t key)
{
	s->key = key;
	s->used = ++c->tick;
	s->valid = true;
}

/* ---- mapping a guest offset ------------------------------------------- */

enum run_kind { RUN_ZERO, RUN_BACKING, RUN_DATA, RUN_COMPRESSED };

/* A stretch of the guest disk read the same way. */
struct run {
	enum run_kind kind;
	uint64_t len;  /* bytes from the guest offset asked for */
	uint64_t host; /* RUN_DATA: host offset of the first byte;
			  RUN_COMPRESSED: the L2 entry */
};

static int load_l2(struct gb_ctx *ctx, struct qcow2 *q, uint64_t l1e,
		   const uint8_t **table)
{
	uint64_t off = l1e & ENTRY_OFFSET_MASK;
	if (off & (q->cluster_size - 1))
		return gb_error(ctx, GB_E_CORRUPT,
				"qcow2: L2 table offset 0x%llx is not cluster-aligned",
				(unsigned long long)off);
	if (!gb_range_ok(off, q->cluster_size, q->file->size))
		return gb_error(ctx, GB_E_CORRUPT,
				"qcow2: L2 table at 0x%llx is outside the file",
				(unsigned long long)off);
	uint8_t *t = cache_find(&q->l2c, off);
	if (!t) {
		/* up to 2 MiB per table: reads scattered over L1 entries would
		 * load one each, so they count as metadata work */
		int r = gb_work_charge(ctx, q->work, GB_CHARGE_META, q->cluster_size,
				       "qcow2: L2 table read");
		if (r)
			return r;
		struct cache_slot *s = cache_victim(ctx, &q->l2c);
		if (!s)
			return GB_E_NOMEM;
		r = gb_source_read(ctx, q->file, off, s->data, q->cluster_size);
		if (r)
			return r;
		cache_fill_done(&q->l2c, s, off);
		t = s->data;
	}
	*table = t;
	return 0;
}

static int check_data_offset(struct gb_ctx *ctx, const struct qcow2 *q, uint64_t host)
{
	if (host & (q->cluster_size - 1))
		return gb_error(ctx, GB_E_CORRUPT,
				"qcow2: data cluster offset 0x%llx is not cluster-aligned",
				(unsigned long long)host);
	return 0;
}

/* Extended L2: the status of subcluster i (0..31). */
static enum run_kind sub_kind(uint64_t bitmap, unsigned i)
{
	if (bitmap >> i & 1)
		return RUN_DATA;
	if (bitmap >> (32 + i) & 1)
		return RUN_ZERO;
	return RUN_BACKING;
}

static int map_extl2(struct gb_ctx *ctx, const struct qcow2 *q, uint64_t entry,
		     uint64_t bitmap, uint64_t in, struct run *run)
{
	if ((bitmap & 0xffffffffu) & (bitmap >> 32))
		return gb_error(ctx, GB_E_CORRUPT,
				"qcow2: subcluster both allocated and zero (bitmap 0x%016llx)",
				(unsigned long long)bitmap);
	unsigned sub_bits = q->cluster_bits - 5;
	unsigned s = (unsigned)(in >> sub_bits), t = s + 1;
	run->kind = sub_kind(bitmap, s);
	/* Subclusters of one status read as one run (32 at most). */
	while (t < 32 && sub_kind(bitmap, t) == run->kind)
		t++;
	run->len = ((uint64_t)t << sub_bits) - in;
	if (run->kind == RUN_DATA) {
		uint64_t host = entry & ENTRY_OFFSET_MASK;
		if (!host)
			return gb_error(ctx, GB_E_CORRUPT,
					"qcow2: allocated subcluster without a host cluster");
		int r = check_data_offset(ctx, q, host);
		if (r)
			return r;
		run->host = host + in;
	}
	return 0;
}

static int map(struct gb_ctx *ctx, struct qcow2 *q, uint64_t off, struct run *run)
{
	uint64_t cluster = off >> q->cluster_bits;
	uint64_t in = off & (q->cluster_size - 1);
	uint64_t l1i = cluster >> q->l2_bits;
	uint64_t l2i = cluster & ((1ull << q->l2_bits) - 1);
	/* Checked at open (the L1 table covers the disk); kept as a guard. */
	if (l1i >= q->l1_size)
		return gb_error(ctx, GB_E_CORRUPT, "qcow2: offset %llu beyond the L1 table",
				(unsigned long long)off);
	run->host = 0;
	if (!(q->l1[l1i] & ENTRY_OFFSET_MASK)) {
		/* No L2 table: everything it would map is unallocated. */
		run->kind = RUN_BACKING;
		run->len = (((1ull << q->l2_bits) - l2i) << q->cluster_bits) - in;
		return 0;
	}
	const uint8_t *table = NULL;
	int r = load_l2(ctx, q, q->l1[l1i], &table);
	if (r)
		return r;
	uint64_t entry = gb_be64(table + (l2i << (q->extl2 ? 4 : 3)));
	run->len = q->cluster_size - in;
	if (entry & L2E_COMPRESSED) {
		/* Compressed clusters have no subclusters (bitmap reserved). */
		run->kind = RUN_COMPRESSED;
		run->host = entry;
		return 0;
	}
	if (q->extl2)
		return map_extl2(ctx, q, entry, gb_be64(table + (l2i << 4) + 8), in, run);
	uint64_t host = entry & ENTRY_OFFSET_MASK;
	if (q->version >= 3 && (entry & L2E_ZERO))
		run->kind = RUN_ZERO; /* even when preallocated: the flag wins */
	else if (!host)
		run->kind = RUN_BACKING;
	else {
		if ((r = check_data_offset(ctx, q, host)))
			return r;
		run->kind = RUN_DATA;
		run->host = host + in;
	}
	return 0;
}

/* ---- compressed clusters ------------------------------------------------ */

static int inflate_cluster(struct gb_ctx *ctx, struct qcow2 *q, const uint8_t *in,
			   size_t inlen, uint8_t *out)
{
#ifdef GB_HAVE_LIBDEFLATE
	/* The fast path: one complete stream that fills the cluster exactly.
	 * Anything else (a stream running past the cluster, damage) goes to
	 * zlib below, which decides as QEMU does. */
	if (!q->ld)
		q->ld = libdeflate_alloc_decompressor();
	if (q->ld && libdeflate_deflate_decompress(q->ld, in, inlen, out, (size_t)q->cluster_size,
						   NULL) == LIBDEFLATE_SUCCESS)
		return 0;
#endif
	if (!q->zs_ready) {
		/* Raw deflate with a 4 KiB window, as QEMU writes it. */
		if (inflateInit2(&q->zs, -12) != Z_OK)
			return gb_error(ctx, GB_E_NOMEM, "qcow2: cannot set up zlib");
		q->zs_ready = true;
	} else if (inflateReset(&q->zs) != Z_OK) {
		return gb_error(ctx, GB_E_CORRUPT, "qcow2: zlib reset failed");
	}
	q->zs.next_in = (Bytef *)(uintptr_t)in;
	q->zs.avail_in = (uInt)inlen;
	q->zs.next_out = out;
	q->zs.avail_out = (uInt)q->cluster_size;
	int r = inflate(&q->zs, Z_FINISH);
	/* The stream may run on into the next cluster's bytes: what counts is
	 * that a whole cluster came out (QEMU's rule). */
	if ((r == Z_STREAM_END || r == Z_BUF_ERROR || r == Z_OK) && q->zs.avail_out == 0)
		return 0;
	return gb_error(ctx, GB_E_CORRUPT, "qcow2: bad deflate data in a compressed cluster");
}

static int unzstd_cluster(struct gb_ctx *ctx, struct qcow2 *q, const uint8_t *in,
			  size_t inlen, uint8_t *out)
{
#ifdef GB_HAVE_ZSTD
	if (!q->zd) {
		q->zd = ZSTD_createDCtx();
		/* A frame holds one cluster (2 MiB at most): refuse frames that
		 * ask for a larger window than that. */
		if (!q->zd || ZSTD_isError(ZSTD_DCtx_setParameter(q->zd, ZSTD_d_windowLogMax,
								  QCOW2_MAX_CLUSTER_BITS + 1)))
			return gb_error(ctx, GB_E_NOMEM, "qcow2: cannot set up zstd");
	}
	ZSTD_DCtx_reset(q->zd, ZSTD_reset_session_only);
	ZSTD_inBuffer ib = { in, inlen, 0 };
	ZSTD_outBuffer ob = { out, q->cluster_size, 0 };
	/* Streaming, because the input ends on a sector boundary and may hold
	 * the start of another cluster; stop once the cluster is full. Every
	 * round consumes input or produces output, so inlen + cluster size
	 * rounds bound it. */
	for (uint64_t i = 0; i <= inlen + q->cluster_size; i++) {
		size_t in0 = ib.pos, out0 = ob.pos;
		size_t r = ZSTD_decompressStream(q->zd, &ob, &ib);
		if (ZSTD_isError(r))
			return gb_error(ctx, GB_E_CORRUPT, "qcow2: bad zstd data in a compressed cluster: %s",
					ZSTD_getErrorName(r));
		if (ob.pos == ob.size)
			return 0;
		if (ib.pos == ib.size || (ib.pos == in0 && ob.pos == out0))
			break;
	}
	return gb_error(ctx, GB_E_CORRUPT, "qcow2: truncated zstd data in a compressed cluster");
#else
	(void)q; (void)in; (void)inlen; (void)out;
	return gb_error(ctx, GB_E_UNSUPPORTED, "qcow2: zstd compression (guestboot was built without libzstd)");
#endif
}

/* Where a compressed cluster's bytes are: offset and length in the file. */
static int compressed_extent(struct gb_ctx *ctx, const struct qcow2 *q, uint64_t entry,
			     uint64_t *off, size_t *len)
{
	unsigned x = 62 - (q->cluster_bits - 8);
	uint64_t host = entry & ((1ull << x) - 1);
	uint64_t sectors = (entry >> x) & ((1ull << (q->cluster_bits - 8)) - 1);
	if (host >> 56)
		return gb_error(ctx, GB_E_CORRUPT,
				"qcow2: compressed cluster offset 0x%llx beyond 64 PiB",
				(unsigned long long)host);
	if (host >= q->file->size)
		return gb_error(ctx, GB_E_CORRUPT,
				"qcow2: compressed cluster at 0x%llx is outside the file",
				(unsigned long long)host);
	/* The sector holding the offset and `sectors` more; the last sector
	 * may be cut short by the end of the file. At most two clusters. */
	uint64_t end = (host & ~511ull) + (sectors + 1) * 512;
	if (end > q->file->size)
		end = q->file->size;
	*off = host;
	*len = (size_t)(end - host);
	return 0;
}

/* One compressed cluster, decompressed into out (cluster_size bytes). */
static int decompress(struct gb_ctx *ctx, struct qcow2 *q, uint64_t entry, uint8_t *out)
{
	uint64_t off = 0;
	size_t len = 0;
	int r = compressed_extent(ctx, q, entry, &off, &len);
	if (r)
		return r;
	/* q->cbuf holds two clusters, all the sector count can name */
	if (len > 2 * q->cluster_size)
		return gb_error(ctx, GB_E_CORRUPT, "qcow2: compressed cluster of %zu bytes", len);
	if ((r = gb_source_read(ctx, q->file, off, q->cbuf, len)))
		return r;
	return q->compression == COMP_ZSTD ? unzstd_cluster(ctx, q, q->cbuf, len, out)
					   : inflate_cluster(ctx, q, q->cbuf, len, out);
}

static int load_compressed(struct gb_ctx *ctx, struct qcow2 *q, uint64_t entry,
			   const uint8_t **data)
{
	uint64_t key = entry & ~(3ull << 62);
	uint8_t *d = cache_find(&q->zc, key);
	if (d) {
		*data = d;
		return 0;
	}
	struct cache_slot *s = cache_victim(ctx, &q->zc);
	if (!s)
		return GB_E_NOMEM;
	int r = decompress(ctx, q, entry, s->data);
	if (r)
		return r;
	cache_fill_done(&q->zc, s, key);
	*data = s->data;
	return 0;
}

/* ---- reading ------------------------------------------------------------ */

static int read_backing(struct gb_ctx *ctx, struct qcow2 *q, uint64_t off,
			uint8_t *p, size_t n)
{
	size_t have = 0;
	/* Past the backing file's end (or with none) the disk reads zeros. */
	if (q->backing && off < q->backing->size) {
		uint64_t left = q->backing->size - off;
		have = left < n ? (size_t)left : n;
		int r = gb_source_read(ctx, q->backing, off, p, have);
		if (r)
			return r;
	}
	memset(p + have, 0, n - have);
	return 0;
}

static int read_run(struct gb_ctx *ctx, struct qcow2 *q, const struct run *run,
		    uint64_t off, uint8_t *p, size_t n)
{
	switch (run->kind) {
	case RUN_ZERO:
		memset(p, 0, n);
		return 0;
	case RUN_BACKING:
		return read_backing(ctx, q, off, p, n);
	case RUN_DATA:
		if (!gb_range_ok(run->host, n, q->file->size))
			return gb_error(ctx, GB_E_CORRUPT,
					"qcow2: data cluster at 0x%llx is outside the file",
					(unsigned long long)(run->host & ~(q->cluster_size - 1)));
		return gb_source_read(ctx, q->file, run->host, p, n);
	case RUN_COMPRESSED: {
		/* A whole cluster asked for goes straight to the caller: the
		 * cache only serves clusters read piecewise. */
		if (n == q->cluster_size)
			return decompress(ctx, q, run->host, p);
		const uint8_t *d = NULL;
		int r = load_compressed(ctx, q, run->host, &d);
		if (!r)
			memcpy(p, d + (off & (q->cluster_size - 1)), n);
		return r;
	}
	}
	return gb_error(ctx, GB_E_CORRUPT, "qcow2: bad cluster kind");
}

/* The run at off, coalesced with what follows while it reads the same way
 * (for data: at the next host byte), up to len bytes in all (*n), so that a
 * sequential read of a large file is one pread per contiguous host extent. */
static int map_extent(struct gb_ctx *ctx, struct qcow2 *q, uint64_t off, uint64_t len,
		      struct run *run, uint64_t *n)
{
	int r = map(ctx, q, off, run);
	if (r)
		return r;
	*n = run->len < len ? run->len : len;
	while (*n < len && run->kind != RUN_COMPRESSED) {
		struct run next;
		if (map(ctx, q, off + *n, &next) || next.kind != run->kind ||
		    (run->kind == RUN_DATA && next.host != run->host + *n))
			break;
		*n += next.len < len - *n ? next.len : len - *n;
	}
	return 0;
}

static int qcow2_pread(struct gb_ctx *ctx, struct gb_source *src, uint64_t off,
		       void *buf, size_t len)
{
	struct qcow2 *q = src->priv;
	uint8_t *p = buf;
	/* Each round reads at least one byte, so len bounds the loop. */
	while (len) {
		struct run run;
		uint64_t n;
		int r = map_extent(ctx, q, off, len, &run, &n);
		if (r || (r = read_run(ctx, q, &run, off, p, (size_t)n)))
			return r;
		off += n;
		p += n;
		len -= n;
	}
	return 0;
}

/* Allocated, uncompressed clusters lie as they are in the container: the
 * kernel can copy them from there when the container is a host file. */
static int qcow2_map(struct gb_ctx *ctx, struct gb_source *src, uint64_t off, uint64_t len,
		     int *fd, uint64_t *abs, uint64_t *run)
{
	struct qcow2 *q = src->priv;
	struct run first;
	uint64_t n;
	/* The first cluster decides: only data is worth coalescing here. */
	int r = map(ctx, q, off, &first);
	if (r || first.kind != RUN_DATA)
		return r ? r : GB_E_NOT_MINE;
	if ((r = map_extent(ctx, q, off, len, &first, &n)))
		return r;
	if (!gb_range_ok(first.host, n, q->file->size))
		return GB_E_NOT_MINE; /* reading says what is wrong */
	return gb_source_map(ctx, q->file, first.host, n, fd, abs, run);
}

static void qcow2_free(struct qcow2 *q)
{
	if (!q)
		return;
	gb_source_close(q->file);
	gb_source_close(q->backing);
	cache_free(&q->l2c);
	cache_free(&q->zc);
	free(q->l1);
	free(q->cbuf);
	if (q->zs_ready)
		inflateEnd(&q->zs);
#ifdef GB_HAVE_LIBDEFLATE
	libdeflate_free_decompressor(q->ld);
#endif
#ifdef GB_HAVE_ZSTD
	ZSTD_freeDCtx(q->zd);
#endif
	free(q);
}

static void qcow2_close(struct gb_source *src)
{
	qcow2_free(src->priv);
	free(src);
}

static const struct gb_source_ops qcow2_ops = {
	.name = "qcow2",
	.pread = qcow2_pread,
	.close = qcow2_close,
	.map = qcow2_map,
};

/* ---- opening ------------------------------------------------------------ */

/* What the header says, before it is trusted. */
struct header {
	uint32_t version, cluster_bits, crypt, l1_size, header_length;
	uint32_t backing_len;
	uint64_t backing_off, size, l1_off, incompat;
	uint8_t compression;
	/* from the header extensions (offsets into the first cluster) */
	size_t names_off, names_len;
	char data_file[128];
};

static int read_header(struct gb_ctx *ctx, struct gb_source *file, struct header *h)
{
	uint8_t b[QCOW2_V3_HEADER + 8] = { 0 };
	if (file->size < QCOW2_V2_HEADER)
		return gb_error(ctx, GB_E_CORRUPT, "qcow2: header truncated (%llu bytes)",
				(unsigned long long)file->size);
	size_t n = file->size < sizeof(b) ? (size_t)file->size : sizeof(b);
	int r = gb_source_read(ctx, file, 0, b, n);
	if (r)
		return r;
	if (gb_be32(b) != QCOW2_MAGIC)
		return gb_error(ctx, GB_E_CORRUPT, "qcow2: no qcow2 header (magic QFI\\xfb)");
	h->version = gb_be32(b + 4);
	h->backing_off = gb_be64(b + 8);
	h->backing_len = gb_be32(b + 16);
	h->cluster_bits = gb_be32(b + 20);
	h->size = gb_be64(b + 24);
	h->crypt = gb_be32(b + 32);
	h->l1_size = gb_be32(b + 36);
	h->l1_off = gb_be64(b + 40);
	if (h->version == 1)
		return gb_error(ctx, GB_E_UNSUPPORTED, "qcow2: version 1 (the old qcow format)");
	if (h->version != 2 && h->version != 3)
		return gb_error(ctx, GB_E_UNSUPPORTED, "qcow2: version %u", h->version);
	if (h->cluster_bits < QCOW2_MIN_CLUSTER_BITS)
		return gb_error(ctx, GB_E_CORRUPT, "qcow2: cluster_bits %u below 9", h->cluster_bits);
	if (h->cluster_bits > QCOW2_MAX_CLUSTER_BITS)
		return gb_error(ctx, GB_E_UNSUPPORTED, "qcow2: clusters of 2^%u bytes (2 MiB at most)",
				h->cluster_bits);
	if (h->version == 2) {
		h->header_length = QCOW2_V2_HEADER;
		return 0;
	}
	if (n < QCOW2_V3_HEADER)
		return gb_error(ctx, GB_E_CORRUPT, "qcow2: v3 header truncated");
	h->incompat = gb_be64(b + 72);
	h->header_length = gb_be32(b + 100);
	if (h->header_length < QCOW2_V3_HEADER || h->header_length % 8 ||
	    h->header_length > (1u << h->cluster_bits) || h->header_length > file->size)
		return gb_error(ctx, GB_E_CORRUPT, "qcow2: bad header length %u", h->header_length);
	/* The field is there only when the header says it is long enough. */
	h->compression = h->header_length > QCOW2_V3_HEADER ? b[104] : 0;
	return 0;
}

/* Walk the header extensions (v3 only has them after header_length; v2
 * after the 72-byte header). `first` holds the first cluster, `len` bytes. */
static int walk_extensions(struct gb_ctx *ctx, const uint8_t *first, size_t len,
			   struct header *h)
{
	size_t pos = h->header_length;
	for (unsigned i = 0; i < QCOW2_MAX_EXTENSIONS && pos + 8 <= len; i++) {
		uint32_t type = gb_be32(first + pos), elen = gb_be32(first + pos + 4);
		if (type == EXT_END)
			return 0;
		if (elen > len - pos - 8)
			return gb_error(ctx, GB_E_CORRUPT,
					"qcow2: header extension 0x%08x runs past the first cluster", type);
		const uint8_t *data = first + pos + 8;
		if (type == EXT_FEATURE_NAMES) {
			/* Kept to name unknown feature bits in the error. */
			h->names_off = pos + 8;
			h->names_len = elen;
		} else if (type == EXT_DATA_FILE) {
			gb_copy_label(h->data_file, sizeof(h->data_file), data, elen);
		}
		/* EXT_BACKING_FORMAT is not needed: the caller names the format. */
		pos += 8 + (((size_t)elen + 7) & ~(size_t)7);
	}
	return 0;
}

/* ", name" for each bit of `bits` the feature name table names. */
static void feature_names(const uint8_t *first, const struct header *h, uint64_t bits,
			  char *out, size_t cap)
{
	size_t used = 0;
	out[0] = '\0';
	for (size_t i = 0; i + FEATURE_NAME_ENTRY <= h->names_len; i += FEATURE_NAME_ENTRY) {
		const uint8_t *e = first + h->names_off + i;
		if (e[0] != 0 || e[1] > 63 || !(bits >> e[1] & 1))
			continue;
		char name[47];
		gb_copy_label(name, sizeof(name), e + 2, 46);
		int w = snprintf(out + used, cap - used, "%s'%s'", used ? ", " : " (", name);
		if (w < 0 || (size_t)w >= cap - used)
			break;
		used += (size_t)w;
	}
	if (used && used + 2 <= cap)
		memcpy(out + used, ")", 2);
}

static int check_features(struct gb_ctx *ctx, const uint8_t *first, const struct header *h)
{
	if (h->crypt)
		return gb_error(ctx, GB_E_UNSUPPORTED, "qcow2: encrypted image (crypt_method %u)",
				h->crypt);
	uint64_t unknown = h->incompat & ~INCOMPAT_KNOWN;
	if (unknown) {
		char names[200];
		feature_names(first, h, unknown, names, sizeof(names));
		return gb_error(ctx, GB_E_UNSUPPORTED, "qcow2: unknown incompatible feature bits 0x%llx%s",
				(unsigned long long)unknown, names);
	}
	if (h->incompat & INCOMPAT_CORRUPT)
		return gb_error(ctx, GB_E_CORRUPT, "qcow2: the image is marked corrupt");
	if (h->incompat & INCOMPAT_DATA_FILE)
		return gb_error(ctx, GB_E_UNSUPPORTED,
				"qcow2: external data file%s%s%s refused (it names a host path)",
				h->data_file[0] ? " '" : "", h->data_file, h->data_file[0] ? "'" : "");
	/* INCOMPAT_DIRTY: only the refcounts may be stale; the L1/L2 tables we
	 * read are valid, and we never write, so a dirty image reads fine. */
	bool typed = h->incompat & INCOMPAT_COMPRESSION;
	if (typed != (h->compression != 0))
		return gb_error(ctx, GB_E_CORRUPT,
				"qcow2: compression type %u disagrees with the compression feature bit",
				h->compression);
	if (h->compression > COMP_ZSTD)
		return gb_error(ctx, GB_E_UNSUPPORTED, "qcow2: compression type %u", h->compression);
	if ((h->incompat & INCOMPAT_EXTL2) && h->cluster_bits < QCOW2_MIN_EXTL2_BITS)
		return gb_error(ctx, GB_E_CORRUPT,
				"qcow2: extended L2 entries with clusters under 16 KiB");
	return 0;
}

static int load_l1(struct gb_ctx *ctx, struct qcow2 *q, const struct header *h)
{
	/* Entries needed to map the whole disk; the table must have them, so
	 * that no guest offset can index past it. */
	uint32_t span_bits = q->cluster_bits + q->l2_bits; /* 2^39 at most */
	uint64_t need = (h->size >> span_bits) + ((h->size & ((1ull << span_bits) - 1)) != 0);
	uint64_t bytes = (uint64_t)h->l1_size * 8;
	if (bytes > QCOW2_MAX_L1_BYTES)
		return gb_error(ctx, GB_E_LIMIT, "qcow2: L1 table of %u entries (32 MiB at most)",
				h->l1_size);
	if (need > h->l1_size)
		return gb_error(ctx, GB_E_CORRUPT,
				"qcow2: L1 table of %u entries is too small for a %llu-byte disk",
				h->l1_size, (unsigned long long)h->size);
	if (h->l1_off & (q->cluster_size - 1))
		return gb_error(ctx, GB_E_CORRUPT, "qcow2: L1 table offset 0x%llx is not cluster-aligned",
				(unsigned long long)h->l1_off);
	if (!gb_range_ok(h->l1_off, bytes, q->file->size))
		return gb_error(ctx, GB_E_CORRUPT, "qcow2: L1 table outside the file");
	q->l1_size = h->l1_size;
	q->l1 = malloc(bytes ? bytes : 1);
	if (!q->l1)
		return gb_error(ctx, GB_E_NOMEM, "out of memory");
	int r = gb_source_read(ctx, q->file, h->l1_off, q->l1, bytes);
	if (r)
		return r;
	for (uint32_t i = 0; i < q->l1_size; i++)
		q->l1[i] = gb_be64(&q->l1[i]);
	return 0;
}

static int check_backing(struct gb_ctx *ctx, const struct qcow2 *q, const struct header *h)
{
	if (!h->backing_off) {
		if (q->backing)
			return gb_error(ctx, GB_E_USAGE,
					"qcow2: a backing file was given, but the image has none");
		return 0;
	}
	/* Only to say which file it wants: the name is never opened. */
	uint8_t raw[QCOW2_MAX_BACKING_NAME];
	char name[QCOW2_MAX_BACKING_NAME + 1];
	if (h->backing_len == 0 || h->backing_len > sizeof(raw) ||
	    !gb_range_ok(h->backing_off, h->backing_len, q->file->size))
		return gb_error(ctx, GB_E_CORRUPT, "qcow2: bad backing file name (%u bytes at 0x%llx)",
				h->backing_len, (unsigned long long)h->backing_off);
	if (q->backing)
		return 0;
	int r = gb_source_read(ctx, q->file, h->backing_off, raw, h->backing_len);
	if (r)
		return r;
	gb_copy_label(name, sizeof(name), raw, h->backing_len);
	return gb_error(ctx, GB_E_UNSUPPORTED,
			"qcow2: image has a backing file '%s': give it with --backing", name);
}

static int qcow2_setup(struct gb_ctx *ctx, struct qcow2 *q)
{
	struct header h = { 0 };
	int r = read_header(ctx, q->file, &h);
	if (r)
		return r;
	q->version = h.version;
	q->size = h.size;
	q->cluster_bits = h.cluster_bits;
	q->cluster_size = 1ull << h.cluster_bits;
	size_t first_len = q->file->size < q->cluster_size ? (size_t)q->file->size
							    : (size_t)q->cluster_size;
	uint8_t *first = malloc(first_len);
	if (!first)
		return gb_error(ctx, GB_E_NOMEM, "out of memory");
	r = gb_source_read(ctx, q->file, 0, first, first_len);
	if (!r)
		r = walk_extensions(ctx, first, first_len, &h);
	if (!r)
		r = check_features(ctx, first, &h);
	free(first);
	if (r)
		return r;
	q->extl2 = h.incompat & INCOMPAT_EXTL2;
	q->compression = h.compression;
	q->l2_bits = q->cluster_bits - (q->extl2 ? 4 : 3);
	if ((r = load_l1(ctx, q, &h)) || (r = check_backing(ctx, q, &h)))
		return r;
	if ((r = cache_init(ctx, &q->l2c, q->cluster_size)) ||
	    (r = cache_init(ctx, &q->zc, q->cluster_size)))
		return r;
	if (!(q->cbuf = malloc(2 * q->cluster_size)))
		return gb_error(ctx, GB_E_NOMEM, "out of memory");
	return 0;
}

int gb_source_is_qcow2(struct gb_ctx *ctx, struct gb_source *file, bool *is)
{
	uint8_t m[4];
	*is = false;
	if (file->size < sizeof(m))
		return 0;
	int r = gb_source_read(ctx, file, 0, m, sizeof(m));
	*is = !r && gb_be32(m) == QCOW2_MAGIC;
	return r;
}

int gb_source_open_qcow2(struct gb_ctx *ctx, struct gb_source *file,
			 struct gb_source *backing, struct gb_source **out)
{
	struct qcow2 *q = calloc(1, sizeof(*q));
	struct gb_source *src = calloc(1, sizeof(*src));
	if (!q || !src) {
		free(q);
		free(src);
		gb_source_close(file);
		gb_source_close(backing);
		return gb_error(ctx, GB_E_NOMEM, "out of memory");
	}
	q->file = file;
	q->backing = backing;
	q->work = &src->work;
	int r = qcow2_setup(ctx, q);
	if (r) {
		qcow2_free(q);
		free(src);
		return r;
	}
	src->ops = &qcow2_ops;
	src->name = file->name;
	src->format = "qcow2";
	src->size = q->size;
	src->priv = q;
	src->fd = -1;
	*out = src;
	return 0;
}
