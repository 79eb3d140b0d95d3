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
#include "core/pool.h"

#include <stdatomic.h>
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

/* One thread's means to decompress a cluster. */
struct decoder {
	uint8_t *cbuf; /* compressed input, 2 clusters at most */
	z_stream zs;
	bool zs_ready;
#ifdef GB_HAVE_LIBDEFLATE
	struct libdeflate_decompressor *ld;
#endif
#ifdef GB_HAVE_ZSTD
	ZSTD_DCtx *zd;
#endif
};

/* Whole compressed clusters a read asks for, decompressed together (on
 * the pool's threads) straight into the caller's buffer before anything
 * after them is read. Errors are each cluster's own; the read fails with
 * the first in disk order, as one thread reading in order would. The
 * read-ahead's clusters are a batch too. */
#define BATCH_MAX 256
struct batch {
	struct qcow2 *q;
	const struct gb_ctx *parent; /* the read's context: its scope */
	size_t n;
	uint64_t entry[BATCH_MAX]; /* L2 entries */
	uint8_t *out[BATCH_MAX];
	atomic_size_t failed; /* the lowest index that failed; n when none */
	size_t slot_failed[GB_POOL_MAX_THREADS]; /* each slot's first failure */
	struct gb_ctx slot_err[GB_POOL_MAX_THREADS];
};

/* After a large read of compressed clusters, the pool decompresses those
 * that follow while the caller writes out what it read, and the next read
 * takes them from there. Two buffers: while a read copies from one, the
 * pool fills the other. Only clusters whose L2 table is cached are looked
 * at: read-ahead loads nothing and charges nothing, and what fails in it
 * is left for the read that asks for it to decompress and report. */
#define READAHEAD_MAX (2u << 20) /* per buffer */
struct readahead {
	struct gb_pool_job job;
	struct batch b;
	uint64_t off;   /* the guest offset of buf, cluster-aligned */
	size_t carried; /* clusters at the front copied in, not decoded */
	size_t have;    /* clusters of buf that hold the disk's bytes */
	size_t alloc;   /* clusters buf holds */
	uint8_t *buf;
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
	/* dec[0] serves the calling thread; dec[1..slots) the pool's */
	struct decoder dec[GB_POOL_MAX_THREADS];
	unsigned slots;
	struct batch *batch;
	struct readahead *ra; /* [2], NULL: no read-ahead */
	size_t ra_cap;        /* clusters one buffer may hold */
	int ra_posted;        /* the buffer the pool is filling, or -1 */
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

static int inflate_cluster(struct gb_ctx *ctx, const struct qcow2 *q, struct decoder *d,
			   const uint8_t *in, size_t inlen, uint8_t *out)
{
#ifdef GB_HAVE_LIBDEFLATE
	/* The fast path: one complete stream that fills the cluster exactly.
	 * Anything else (a stream running past the cluster, damage) goes to
	 * zlib below, which decides as QEMU does. */
	if (!d->ld)
		d->ld = libdeflate_alloc_decompressor();
	if (d->ld && libdeflate_deflate_decompress(d->ld, in, inlen, out, (size_t)q->cluster_size,
						   NULL) == LIBDEFLATE_SUCCESS)
		return 0;
#endif
	if (!d->zs_ready) {
		/* Raw deflate with a 4 KiB window, as QEMU writes it. */
		if (inflateInit2(&d->zs, -12) != Z_OK)
			return gb_error(ctx, GB_E_NOMEM, "qcow2: cannot set up zlib");
		d->zs_ready = true;
	} else if (inflateReset(&d->zs) != Z_OK) {
		return gb_error(ctx, GB_E_CORRUPT, "qcow2: zlib reset failed");
	}
	d->zs.next_in = (Bytef *)(uintptr_t)in;
	d->zs.avail_in = (uInt)inlen;
	d->zs.next_out = out;
	d->zs.avail_out = (uInt)q->cluster_size;
	int r = inflate(&d->zs, Z_FINISH);
	/* The stream may run on into the next cluster's bytes: what counts is
	 * that a whole cluster came out (QEMU's rule). */
	if ((r == Z_STREAM_END || r == Z_BUF_ERROR || r == Z_OK) && d->zs.avail_out == 0)
		return 0;
	return gb_error(ctx, GB_E_CORRUPT, "qcow2: bad deflate data in a compressed cluster");
}

static int unzstd_cluster(struct gb_ctx *ctx, const struct qcow2 *q, struct decoder *d,
			  const uint8_t *in, size_t inlen, uint8_t *out)
{
#ifdef GB_HAVE_ZSTD
	if (!d->zd) {
		d->zd = ZSTD_createDCtx();
		/* A frame holds one cluster: refuse frames that ask for a
		 * window larger than two (which bounds a decoder's memory:
		 * decoder_slots). */
		if (!d->zd || ZSTD_isError(ZSTD_DCtx_setParameter(d->zd, ZSTD_d_windowLogMax,
								  (int)q->cluster_bits + 1)))
			return gb_error(ctx, GB_E_NOMEM, "qcow2: cannot set up zstd");
	}
	ZSTD_DCtx_reset(d->zd, ZSTD_reset_session_only);
	ZSTD_inBuffer ib = { in, inlen, 0 };
	ZSTD_outBuffer ob = { out, q->cluster_size, 0 };
	/* Streaming, because the input ends on a sector boundary and may hold
	 * the start of another cluster; stop once the cluster is full. Every
	 * round consumes input or produces output, so inlen + cluster size
	 * rounds bound it. */
	for (uint64_t i = 0; i <= inlen + q->cluster_size; i++) {
		size_t in0 = ib.pos, out0 = ob.pos;
		size_t r = ZSTD_decompressStream(d->zd, &ob, &ib);
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
	(void)q; (void)d; (void)in; (void)inlen; (void)out;
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

/* One compressed cluster, decompressed into out (cluster_size bytes) with
 * decoder d. Reads only what open fixed in q, so several threads may run it
 * at once, each with its own decoder, when the container reads
 * concurrently. */
static int decompress(struct gb_ctx *ctx, const struct qcow2 *q, struct decoder *d,
		      uint64_t entry, uint8_t *out)
{
	uint64_t off = 0;
	size_t len = 0;
	int r = compressed_extent(ctx, q, entry, &off, &len);
	if (r)
		return r;
	/* cbuf holds two clusters, all the sector count can name */
	if (len > 2 * q->cluster_size)
		return gb_error(ctx, GB_E_CORRUPT, "qcow2: compressed cluster of %zu bytes", len);
	if (!d->cbuf && !(d->cbuf = malloc(2 * q->cluster_size)))
		return gb_error(ctx, GB_E_NOMEM, "out of memory");
	if ((r = gb_source_read(ctx, q->file, off, d->cbuf, len)))
		return r;
	return q->compression == COMP_ZSTD ? unzstd_cluster(ctx, q, d, d->cbuf, len, out)
					   : inflate_cluster(ctx, q, d, d->cbuf, len, out);
}

static void batch_task(void *arg, size_t i, unsigned slot)
{
	struct batch *b = arg;
	/* After a failed cluster the read fails anyway. */
	if (i > atomic_load_explicit(&b->failed, memory_order_relaxed))
		return;
	struct gb_ctx ctx = { 0 };
	if (b->parent)
		gb_ctx_child(&ctx, b->parent);
	if (!decompress(&ctx, b->q, &b->q->dec[slot], b->entry[i], b->out[i]))
		return;
	if (i < b->slot_failed[slot]) {
		b->slot_failed[slot] = i;
		b->slot_err[slot] = ctx;
	}
	size_t f = atomic_load(&b->failed);
	while (i < f && !atomic_compare_exchange_weak(&b->failed, &f, i))
		;
}

static void batch_reset(struct batch *b, const struct gb_ctx *parent, unsigned slots)
{
	b->parent = parent;
	atomic_store(&b->failed, b->n);
	for (unsigned s = 0; s < slots; s++)
		b->slot_failed[s] = SIZE_MAX;
}

/* Decompress the batched clusters; the first failure in disk order. */
static int batch_flush(struct gb_ctx *ctx, struct qcow2 *q)
{
	struct batch *b = q->batch;
	size_t n = b ? b->n : 0;
	if (!n)
		return 0;
	batch_reset(b, ctx, q->slots);
	b->n = 0;
	gb_pool_run(q->slots, n, batch_task, b);
	size_t f = atomic_load(&b->failed);
	for (unsigned s = 0; f < n && s < q->slots; s++)
		if (b->slot_failed[s] == f) {
			gb_ctx_adopt(ctx, &b->slot_err[s]);
			return b->slot_err[s].code;
		}
	return 0;
}

/* The L2 entry of the compressed cluster at guest offset off, if its L2
 * table is cached (else, or for any other cluster, false). */
static bool peek_compressed(struct qcow2 *q, uint64_t off, uint64_t *entry)
{
	uint64_t cluster = off >> q->cluster_bits;
	uint64_t l1i = cluster >> q->l2_bits;
	uint64_t l2i = cluster & ((1ull << q->l2_bits) - 1);
	if (off >= q->size || l1i >= q->l1_size || !(q->l1[l1i] & ENTRY_OFFSET_MASK))
		return false;
	const uint8_t *table = cache_find(&q->l2c, q->l1[l1i] & ENTRY_OFFSET_MASK);
	if (!table)
		return false;
	*entry = gb_be64(table + (l2i << (q->extl2 ? 4 : 3)));
	return *entry & L2E_COMPRESSED;
}

/* Wait for the read-ahead in flight (helping it). */
static void ra_finish(struct qcow2 *q)
{
	if (q->ra_posted < 0)
		return;
	struct readahead *ra = &q->ra[q->ra_posted];
	gb_pool_finish(&ra->job);
	q->ra_posted = -1;
	ra->have = ra->carried + atomic_load(&ra->b.failed);
}

/* Does [off, off + len) meet the read-ahead in flight? */
static bool ra_overlaps(const struct qcow2 *q, uint64_t off, uint64_t len)
{
	if (q->ra_posted < 0)
		return false;
	const struct readahead *ra = &q->ra[q->ra_posted];
	uint64_t n = (uint64_t)(ra->carried + ra->b.n) << q->cluster_bits;
	return off < ra->off + n && ra->off < off + len;
}

/* Does finished buffer i hold guest offset off? */
static bool ra_holds(const struct qcow2 *q, int i, uint64_t off)
{
	const struct readahead *ra = &q->ra[i];
	return i != q->ra_posted && off >= ra->off &&
	       off - ra->off < (uint64_t)ra->have << q->cluster_bits;
}

/* The finished buffer holding guest offsets off and last, or -1. */
static int ra_holding(const struct qcow2 *q, uint64_t off, uint64_t last)
{
	for (int i = 0; q->ra && i < 2; i++)
		if (ra_holds(q, i, off) && ra_holds(q, i, last))
			return i;
	return -1;
}

/* Copy what read-ahead holds of [off, off + len) to p, from off on: the
 * bytes copied (0: it does not hold off). */
static size_t ra_take(const struct qcow2 *q, uint64_t off, uint8_t *p, uint64_t len)
{
	int i = ra_holding(q, off, off);
	if (i < 0)
		return 0;
	const struct readahead *ra = &q->ra[i];
	uint64_t at = off - ra->off, n = ((uint64_t)ra->have << q->cluster_bits) - at;
	if (n > len)
		n = len;
	memcpy(p, ra->buf + at, (size_t)n);
	return (size_t)n;
}

/* A read of len bytes ends at end: start decompressing, on the pool's
 * threads, the clusters from the one holding end on, as many as such a
 * read takes, into a buffer other than `busy` (the one the read still
 * copies from, or -1). */
static void ra_post(struct qcow2 *q, uint64_t end, uint64_t len, int busy)
{
	uint64_t c = q->cluster_size;
	if (!q->ra_cap || q->ra_posted >= 0)
		return;
	if (!q->ra) {
		if (!(q->ra = calloc(2, sizeof(*q->ra))))
			return;
		q->ra[0].b.q = q->ra[1].b.q = q;
	}
	uint64_t first = end & ~(c - 1);
	int from = ra_holding(q, first, first);
	int to = busy >= 0 ? !busy : from == 0;
	struct readahead *ra = &q->ra[to];
	/* The cluster holding end was decoded for the read: keep it. */
	const uint8_t *carry = from >= 0 ? q->ra[from].buf + (first - q->ra[from].off) : NULL;
	size_t want = (size_t)((len + c - 1) / c) + 1;
	if (want > q->ra_cap)
		want = q->ra_cap;
	uint8_t *old = NULL;
	if (want > ra->alloc) {
		uint8_t *buf = malloc(want * c);
		if (!buf)
			return;
		old = ra->buf;
		ra->buf = buf;
		ra->alloc = want;
	}
	if (carry)
		memmove(ra->buf, carry, (size_t)c);
	free(old);
	ra->off = first;
	ra->carried = carry ? 1 : 0;
	ra->have = ra->carried;
	struct batch *b = &ra->b;
	b->n = 0;
	for (size_t k = ra->carried; k < want; k++) {
		if (!peek_compressed(q, first + k * c, &b->entry[b->n]))
			break;
		b->out[b->n++] = ra->buf + k * c;
	}
	batch_reset(b, NULL, q->slots);
	if (b->n && gb_pool_post(&ra->job, q->slots, b->n, batch_task, b))
		q->ra_posted = to;
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
	int r = decompress(ctx, q, &q->dec[0], entry, s->data);
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
		/* Part of a cluster (whole ones go to the batch): from the
		 * cache, for the next read wants the rest. */
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
	struct batch *b = q->batch;
	uint8_t *p = buf;
	const uint64_t end = off + len, asked = len;
	uint64_t decoded = 0; /* bytes of whole compressed clusters */
	/* The pool's threads work on their own decoders and buffer: reads
	 * elsewhere (metadata) go on meanwhile. */
	if (ra_overlaps(q, off, len))
		ra_finish(q);
	/* A read that read-ahead holds whole: the pool starts on the next one
	 * while this one is copied out. */
	int from = ra_holding(q, off, end - 1);
	if (from >= 0 && len >= 2 * q->cluster_size)
		ra_post(q, end, len, from);
	/* Each round reads at least one byte, so len bounds the loop. */
	while (len) {
		struct run run;
		uint64_t n = ra_take(q, off, p, len);
		if (n) {
			decoded += n;
			off += n;
			p += n;
			len -= n;
			continue;
		}
		/* With clusters waiting in the batch, an error in mapping what
		 * follows them comes after theirs. */
		struct gb_ctx later;
		gb_ctx_child(&later, ctx);
		int r = map_extent(b && b->n ? &later : ctx, q, off, len, &run, &n);
		if (r) {
			int first = batch_flush(ctx, q);
			gb_ctx_adopt(ctx, &later);
			return first ? first : r;
		}
		if (run.kind == RUN_COMPRESSED && n == q->cluster_size) {
			if (!b && !(b = q->batch = calloc(1, sizeof(*b))))
				return gb_error(ctx, GB_E_NOMEM, "out of memory");
			b->q = q;
			decoded += n;
			b->entry[b->n] = run.host;
			b->out[b->n++] = p;
			if (b->n == BATCH_MAX && (r = batch_flush(ctx, q)))
				return r;
		} else if ((r = batch_flush(ctx, q)) ||
			   (r = read_run(ctx, q, &run, off, p, (size_t)n))) {
			return r;
		}
		off += n;
		p += n;
		len -= n;
	}
	int r = batch_flush(ctx, q);
	/* A file read in large pieces: the next piece will follow. */
	if (!r && decoded >= 2 * q->cluster_size)
		ra_post(q, end, asked, -1); /* unless posted above */
	return r;
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
	ra_finish(q); /* its threads read the file and write its buffer */
	for (int i = 0; q->ra && i < 2; i++)
		free(q->ra[i].buf);
	free(q->ra);
	gb_source_close(q->file);
	gb_source_close(q->backing);
	cache_free(&q->l2c);
	cache_free(&q->zc);
	free(q->l1);
	for (unsigned i = 0; i < GB_POOL_MAX_THREADS; i++) {
		struct decoder *d = &q->dec[i];
		free(d->cbuf);
		if (d->zs_ready)
			inflateEnd(&d->zs);
#ifdef GB_HAVE_LIBDEFLATE
		libdeflate_free_decompressor(d->ld);
#endif
#ifdef GB_HAVE_ZSTD
		ZSTD_freeDCtx(d->zd);
#endif
	}
	free(q->batch);
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

/* The threads compressed clusters may be decompressed on. Each beyond the
 * first holds a decoder: two clusters of input, and zlib's and libdeflate's
 * state or zstd's (its context; in streaming mode, a window of up to two
 * clusters and a 128 KiB block). Where that does not fit the pool's
 * per-thread budget (1 MiB clusters with zstd, 2 MiB ones), one thread. */
static uint64_t decoder_bytes(const struct qcow2 *q)
{
	uint64_t state = q->compression == COMP_ZSTD ? 2 * q->cluster_size + (512u << 10)
						     : 128u << 10;
	return 2 * q->cluster_size + state;
}

static unsigned decoder_slots(const struct qcow2 *q)
{
	if (!q->file->concurrent || decoder_bytes(q) > GB_POOL_THREAD_BUDGET)
		return 1;
	return gb_pool_threads();
}

/* The read-ahead's two buffers take what the extra threads' budget leaves,
 * at most READAHEAD_MAX each; fewer than two clusters is not worth it. */
static size_t readahead_clusters(const struct qcow2 *q)
{
	uint64_t left = (uint64_t)(q->slots - 1) * (GB_POOL_THREAD_BUDGET - decoder_bytes(q)) / 2;
	if (left > READAHEAD_MAX)
		left = READAHEAD_MAX;
	size_t n = (size_t)(left >> q->cluster_bits);
	n = n > BATCH_MAX ? BATCH_MAX : n;
	return n < 2 ? 0 : n;
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
	/* decoders, the batch and read-ahead are allocated when needed */
	q->slots = decoder_slots(q);
	if (q->slots > 1)
		q->ra_cap = readahead_clusters(q);
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
	q->ra_posted = -1;
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
