/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* NBD exports through libnbd: any format a server such as qemu-nbd reads
 * (vmdk, vhdx, ...) reaches us as a plain disk. Read-only. */
#include "source/source.h"

#include <stdlib.h>

bool gb_source_is_nbd_uri(const char *path)
{
	static const char *const schemes[] = {
		"nbd://", "nbds://", "nbd+unix://", "nbds+unix://", "nbd+vsock://", "nbds+vsock://",
	};
	for (size_t i = 0; i < sizeof(schemes) / sizeof(schemes[0]); i++)
		if (!strncmp(path, schemes[i], strlen(schemes[i])))
			return true;
	return false;
}

#ifdef GB_HAVE_LIBNBD
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <libnbd.h>
#include <pthread.h>

/*
 * Reads go through a small cache of aligned blocks, fetched with libnbd's
 * asynchronous requests so that several are in flight together: the blocks
 * a read spans, the blocks after a sequential stream (readahead) and the
 * ranges a copy announces (gb_source_prefetch). Bounds: NBD_SLOTS requests
 * in flight at most, NBD_SLOTS * NBD_BLOCK bytes of buffers (5 MiB),
 * allocated as they are first used.
 */
#define NBD_BLOCK (256u << 10)
#define NBD_SLOTS 20
#define NBD_READAHEAD 8 /* blocks after a sequential read */
/* Readahead leaves this many slots to reads that must wait (metadata such
 * as an extent tree's block, read between the pieces of a file). */
#define NBD_SPARE 2

/*
 * libnbd is loaded when an NBD URI is opened, not linked: it pulls in
 * GnuTLS, libxml2 and ICU, whose loading and constructors cost every run
 * about 3 ms (most of `guestboot list`) and a few MiB of RSS. It is loaded
 * before the sandbox is entered (sources are opened before parsing).
 */
static struct {
	__typeof__(nbd_create) *create;
	__typeof__(nbd_close) *close;
	__typeof__(nbd_get_error) *get_error;
	__typeof__(nbd_set_uri_allow_local_file) *set_uri_allow_local_file;
	__typeof__(nbd_connect_uri) *connect_uri;
	__typeof__(nbd_get_size) *get_size;
	__typeof__(nbd_aio_pread) *aio_pread;
	__typeof__(nbd_poll) *poll;
	__typeof__(nbd_aio_in_flight) *aio_in_flight;
} nbd;

static int load_libnbd(struct gb_ctx *ctx)
{
	if (nbd.aio_pread)
		return 0;
	void *h = dlopen("libnbd.so.0", RTLD_NOW | RTLD_LOCAL);
	if (!h)
		return gb_error(ctx, GB_E_UNSUPPORTED, "nbd: cannot load libnbd: %s", dlerror());
	/* POSIX lets a data pointer hold a function's address from dlsym. */
#define SYM(name) (*(void **)&nbd.name = dlsym(h, "nbd_" #name)) != NULL
	if (!(SYM(create) && SYM(close) && SYM(get_error) && SYM(set_uri_allow_local_file) &&
	      SYM(connect_uri) && SYM(get_size) && SYM(aio_pread) && SYM(poll) &&
	      SYM(aio_in_flight))) {
		memset(&nbd, 0, sizeof(nbd));
		dlclose(h);
		return gb_error(ctx, GB_E_UNSUPPORTED, "nbd: libnbd lacks a function guestboot uses");
	}
#undef SYM
	return 0; /* stays loaded for the life of the process */
}

/* libnbd's last error, which may quote the server: made printable. */
static const char *nbd_msg(char *buf, size_t cap)
{
	const char *m = nbd.get_error ? nbd.get_error() : NULL;
	gb_copy_label(buf, cap, m ? m : "unknown error", m ? strlen(m) : 13);
	return buf;
}

enum slot_state { SLOT_EMPTY, SLOT_BUSY, SLOT_READY, SLOT_FAILED };

struct slot {
	enum slot_state state;
	uint64_t block;
	size_t len;      /* bytes of the block inside the export */
	uint64_t stamp;  /* last use, for eviction */
	bool used;       /* read since fetched: readahead may replace it */
	int err;         /* errno of a failed request */
	uint8_t *buf;
};

struct nbd_src {
	/* the cache is shared: reads from several threads (a decompression
	 * pool reading a qcow2 image's clusters) take turns */
	pthread_mutex_t lock;
	struct nbd_handle *h;
	uint64_t size;
	uint64_t clock;
	uint64_t next_off; /* where a sequential read would start */
	uint64_t seq;      /* bytes read sequentially up to next_off */
	struct slot slots[NBD_SLOTS];
	/* GUESTBOOT_NBD_STATS: requests sent, bytes they asked for, reads
	 * served, and stalls (a read waiting for the server: a round trip
	 * not hidden behind another) */
	uint64_t requests, bytes, reads, stalls;
};

static int read_done(void *user_data, int *error)
{
	struct slot *s = user_data;
	s->err = *error;
	s->state = *error ? SLOT_FAILED : SLOT_READY;
	return 1; /* retire the command */
}

static struct slot *find_block(struct nbd_src *n, uint64_t block)
{
	for (int i = 0; i < NBD_SLOTS; i++)
		if (n->slots[i].state != SLOT_EMPTY && n->slots[i].block == block)
			return &n->slots[i];
	return NULL;
}

/* A slot to fetch into: never one in flight or `keep`; the least recently
 * used of those read already, and only for a read that must wait anyway
 * (`any`) one fetched ahead but not read yet. */
static struct slot *victim(struct nbd_src *n, const struct slot *keep, bool any)
{
	struct slot *best = NULL;
	for (int i = 0; i < NBD_SLOTS; i++) {
		struct slot *s = &n->slots[i];
		if (s == keep || s->state == SLOT_BUSY)
			continue;
		if (s->state == SLOT_EMPTY)
			return s;
		bool ahead = s->state == SLOT_READY && !s->used;
		if (ahead && !any)
			continue;
		/* of blocks fetched ahead, the one needed last */
		bool best_ahead = best && best->state == SLOT_READY && !best->used;
		if (!best || (best_ahead && !ahead) ||
		    (!ahead && !best_ahead && s->stamp < best->stamp) ||
		    (ahead && best_ahead && s->block > best->block))
			best = s;
	}
	return best;
}

/* 0 sent, GB_E_NOMEM, or -1 libnbd refused (its error is set). */
static int send_block(struct nbd_src *n, struct slot *s, uint64_t block)
{
	if (!s->buf && !(s->buf = malloc(NBD_BLOCK)))
		return GB_E_NOMEM;
	uint64_t off = block * NBD_BLOCK;
	s->block = block;
	s->len = n->size - off < NBD_BLOCK ? (size_t)(n->size - off) : NBD_BLOCK;
	s->stamp = ++n->clock;
	s->used = false;
	s->err = 0;
	s->state = SLOT_BUSY;
	nbd_completion_callback cb = { .callback = read_done, .user_data = s };
	if (nbd.aio_pread(n->h, s->buf, s->len, off, cb, 0) == -1) {
		s->state = SLOT_EMPTY;
		return -1;
	}
	n->requests++;
	n->bytes += s->len;
	return 0;
}

/* Ask for blocks [first, first+count) that are neither here nor on their
 * way, while slots are free; never waits. */
static void fetch_ahead(struct nbd_src *n, uint64_t first, uint64_t count, const struct slot *keep)
{
	uint64_t nblocks = (n->size + NBD_BLOCK - 1) / NBD_BLOCK;
	if (count > NBD_SLOTS)
		count = NBD_SLOTS;
	int pending = 0;
	for (int i = 0; i < NBD_SLOTS; i++)
		pending += n->slots[i].state == SLOT_BUSY ||
			   (n->slots[i].state == SLOT_READY && !n->slots[i].used);
	for (uint64_t b = first; b < first + count && b < nblocks; b++) {
		if (find_block(n, b))
			continue;
		if (pending++ >= NBD_SLOTS - NBD_SPARE)
			return;
		struct slot *s = victim(n, keep, false);
		if (!s || send_block(n, s, b))
			return;
	}
}

/* Wait until s is no longer in flight. */
static int wait_slot(struct gb_ctx *ctx, struct nbd_src *n, struct slot *s)
{
	if (s->state == SLOT_BUSY)
		n->stalls++;
	while (s->state == SLOT_BUSY) {
		if (nbd.poll(n->h, -1) == -1) {
			char m[200];
			return gb_error(ctx, GB_E_IO, "nbd: read at offset %llu: %s",
					(unsigned long long)(s->block * NBD_BLOCK), nbd_msg(m, sizeof(m)));
		}
	}
	return 0;
}

/* The slot holding `block`, fetched (and waited for) if need be. */
static int get_block(struct gb_ctx *ctx, struct nbd_src *n, uint64_t block, struct slot **out)
{
	char m[200];
	struct slot *s = find_block(n, block);
	while (!s) {
		s = victim(n, NULL, true);
		if (!s) {
			/* every slot in flight: wait for the oldest */
			struct slot *old = NULL;
			for (int i = 0; i < NBD_SLOTS; i++)
				if (!old || n->slots[i].stamp < old->stamp)
					old = &n->slots[i];
			int r = wait_slot(ctx, n, old);
			if (r)
				return r;
			s = NULL;
			continue;
		}
		int r = send_block(n, s, block);
		if (r == GB_E_NOMEM)
			return gb_error(ctx, GB_E_NOMEM, "out of memory");
		if (r)
			return gb_error(ctx, GB_E_IO, "nbd: read at offset %llu: %s",
					(unsigned long long)(block * NBD_BLOCK), nbd_msg(m, sizeof(m)));
	}
	s->stamp = ++n->clock;
	*out = s;
	return 0;
}

static int cached_pread(struct gb_ctx *ctx, struct nbd_src *n, uint64_t off,
			void *buf, size_t len)
{
	uint8_t *p = buf;
	/* Partition tables and labels sit at both ends of a disk (MBR and GPT
	 * at the start, GPT's backup header, md 0.90 and 1.0 superblocks at
	 * the end): the first read asks for both, one round trip for the two.
	 * (Not at open: a process that leaves without reading, as the sandbox
	 * audit does, would leave replies unread, which nbdkit 1.32 aborts on.) */
	if (n->reads++ == 0) {
		uint64_t nblocks = (n->size + NBD_BLOCK - 1) / NBD_BLOCK;
		fetch_ahead(n, 0, 1, NULL);
		if (nblocks > 1)
			fetch_ahead(n, nblocks - 1, 1, NULL);
	}
	n->seq = off == n->next_off ? n->seq + len : 0;
	n->next_off = off + len;
	/* readahead grows with the sequential run: none for a few small
	 * metadata reads in a row, NBD_READAHEAD blocks for a stream */
	uint64_t stream = n->seq / (NBD_BLOCK / 4);
	if (stream > NBD_READAHEAD)
		stream = NBD_READAHEAD;
	uint64_t last = (off + len - 1) / NBD_BLOCK;
	while (len) {
		uint64_t block = off / NBD_BLOCK;
		struct slot *s = NULL;
		int r = get_block(ctx, n, block, &s);
		if (r)
			return r;
		/* the rest of this read, and after a sequential one what follows */
		uint64_t ahead = last - block + stream;
		fetch_ahead(n, block + 1, ahead, s);
		r = wait_slot(ctx, n, s);
		if (r)
			return r;
		if (s->state == SLOT_FAILED) {
			s->state = SLOT_EMPTY; /* a later read asks again */
			return gb_error(ctx, GB_E_IO, "nbd: read at offset %llu: %s",
					(unsigned long long)(block * NBD_BLOCK), strerror(s->err));
		}
		s->used = true;
		size_t in = (size_t)(off - block * NBD_BLOCK);
		size_t k = s->len - in < len ? s->len - in : len;
		memcpy(p, s->buf + in, k);
		p += k;
		off += k;
		len -= k;
	}
	return 0;
}

static int nbd_src_pread(struct gb_ctx *ctx, struct gb_source *src, uint64_t off,
			 void *buf, size_t len)
{
	struct nbd_src *n = src->priv;
	pthread_mutex_lock(&n->lock);
	int r = cached_pread(ctx, n, off, buf, len);
	pthread_mutex_unlock(&n->lock);
	return r;
}

static void nbd_src_prefetch(struct gb_source *src, uint64_t off, uint64_t len)
{
	struct nbd_src *n = src->priv;
	if (!len)
		return;
	uint64_t first = off / NBD_BLOCK;
	pthread_mutex_lock(&n->lock);
	fetch_ahead(n, first, (off + len - 1) / NBD_BLOCK - first + 1, NULL);
	pthread_mutex_unlock(&n->lock);
}

static void nbd_src_close(struct gb_source *src)
{
	struct nbd_src *n = src->priv;
	if (getenv("GUESTBOOT_NBD_STATS"))
		fprintf(stderr, "guestboot: nbd: %llu requests (%llu KiB), %llu reads, %llu stalls\n",
			(unsigned long long)n->requests, (unsigned long long)(n->bytes >> 10),
			(unsigned long long)n->reads, (unsigned long long)n->stalls);
	/* Readahead still in flight is received first: servers take a client
	 * that leaves in the middle of a reply as an error (nbdkit 1.32
	 * aborts). After the close no request writes into a buffer. */
	while (nbd.aio_in_flight(n->h) > 0 && nbd.poll(n->h, -1) != -1)
		;
	nbd.close(n->h);
	for (int i = 0; i < NBD_SLOTS; i++)
		free(n->slots[i].buf);
	pthread_mutex_destroy(&n->lock);
	free(n);
	free(src);
}

static const struct gb_source_ops nbd_ops = {
	.name = "nbd",
	.pread = nbd_src_pread,
	.close = nbd_src_close,
	.prefetch = nbd_src_prefetch,
};

int gb_source_open_nbd(struct gb_ctx *ctx, const char *uri, struct gb_source **out)
{
	char m[200];
	int r = load_libnbd(ctx);
	if (r)
		return r;
	struct nbd_handle *h = nbd.create();
	if (!h)
		return gb_error(ctx, GB_E_NOMEM, "nbd: %s", nbd_msg(m, sizeof(m)));
	/* A URI may not make libnbd read host files (?tls-psk-file=); this
	 * is libnbd's default, said here so that it stays so. */
	nbd.set_uri_allow_local_file(h, false);
	if (nbd.connect_uri(h, uri) == -1) {
		r = gb_error(ctx, GB_E_IO, "nbd: cannot connect: %s", nbd_msg(m, sizeof(m)));
		nbd.close(h);
		return r;
	}
	int64_t size = nbd.get_size(h);
	struct gb_source *src = size < 0 ? NULL : calloc(1, sizeof(*src));
	struct nbd_src *n = src ? calloc(1, sizeof(*n)) : NULL;
	if (!n) {
		r = size < 0 ? gb_error(ctx, GB_E_IO, "nbd: no export size: %s", nbd_msg(m, sizeof(m)))
			     : gb_error(ctx, GB_E_NOMEM, "out of memory");
		free(src);
		nbd.close(h);
		return r;
	}
	pthread_mutex_init(&n->lock, NULL);
	n->h = h;
	n->size = (uint64_t)size;
	n->next_off = UINT64_MAX;
	src->ops = &nbd_ops;
	src->name = uri;
	src->format = "raw";
	src->size = (uint64_t)size;
	src->priv = n;
	src->fd = -1;
	src->concurrent = true; /* the cache takes its lock */
	*out = src;
	return 0;
}
#else
int gb_source_open_nbd(struct gb_ctx *ctx, const char *uri, struct gb_source **out)
{
	(void)uri;
	(void)out;
	return gb_error(ctx, GB_E_UNSUPPORTED, "NBD URIs need guestboot built with libnbd");
}
#endif
