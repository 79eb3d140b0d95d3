/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* squashfs 4.0, read-only, written from squashfs-tools-ng's doc/format.adoc.
 *
 * Every byte is untrusted. Each table is read only inside its own region of
 * [0, bytes_used), bytes_used must lie inside the volume, every compressed
 * block is at most one block long and decompresses into a buffer capped at
 * the block size (data) or 8 KiB (metadata), and every count is bounded by
 * the size of the region it is read from. Directory indexes, the export
 * table, xattrs and uid/gid ids are not needed to find and read files, so
 * they are never read: lookups scan the directory listing, which is bounded
 * by the directory's size. */
#include "fs/fs.h"

#include <lz4.h>
#include <lzma.h>
#include <stdio.h>
#include <stdlib.h>
#include <zlib.h>
#include <zstd.h>

#ifdef GB_HAVE_LZO
#include "codec/lzo.h"
#endif

/* ---- on-disk format --------------------------------------------------- */

#define SQ_MAGIC 0x73717368u /* "hsqs" */
#define SQ_SB_SIZE 96

#define SB_INODES 4
#define SB_MTIME 8
#define SB_BLOCK_SIZE 12
#define SB_FRAG_COUNT 16
#define SB_COMPRESSION 20
#define SB_BLOCK_LOG 22
#define SB_FLAGS 24
#define SB_ID_COUNT 26
#define SB_VMAJOR 28
#define SB_VMINOR 30
#define SB_ROOT 32
#define SB_BYTES_USED 40
#define SB_ID_TABLE 48
#define SB_XATTR_TABLE 56
#define SB_INODE_TABLE 64
#define SB_DIR_TABLE 72
#define SB_FRAG_TABLE 80
#define SB_EXPORT_TABLE 88

#define FLAG_NO_FRAGMENTS 0x0010u

#define COMP_GZIP 1
#define COMP_LZMA 2
#define COMP_LZO 3
#define COMP_XZ 4
#define COMP_LZ4 5
#define COMP_ZSTD 6

#define MD_SIZE 8192u            /* a metadata block, decompressed */
#define MD_UNCOMPRESSED 0x8000u  /* in the 2-byte metadata header */
#define DATA_UNCOMPRESSED (1u << 24) /* in a data block's size word */
#define DATA_SIZE_MASK 0xffffffu
#define NO_FRAGMENT 0xffffffffu
#define FRAGS_PER_BLOCK 512      /* 16-byte fragment entries per metadata block */
#define ABSENT 0xffffffffffffffffull /* an optional table that is not there */

/* inode types */
#define T_DIR 1
#define T_FILE 2
#define T_SYMLINK 3
#define T_LDIR 8
#define T_LFILE 9
#define T_LSYMLINK 10
#define T_MAX 14

/* ---- limits ----------------------------------------------------------- */

#define SQ_MAX_BLOCKS (1u << 22)   /* blocks of one file: 48 MiB of map */
#define SQ_SYMLINK_MAX 4096        /* as GB_PATH_MAX: longer ones are refused */
#define SQ_MD_CACHE 8              /* metadata blocks kept decompressed */
#define SQ_MEMLIMIT (64u << 20)    /* liblzma's decoder memory */
#define SQ_DIR_HEADER_MAX 256      /* entries under one directory header */
#define SQ_NAME_LEN 256            /* as the kernel's SQUASHFS_NAME_LEN */

/* ---- handle and nodes ------------------------------------------------- */

struct md_block {
	uint64_t pos;   /* where its header lies; ABSENT: slot unused */
	uint64_t next;  /* where the next block's header lies */
	uint32_t len;   /* decompressed bytes */
	uint8_t data[MD_SIZE];
};

/* One decompressed data block, kept for sequential reads. */
struct data_cache {
	uint64_t pos;   /* its place on disk; ABSENT: empty */
	uint32_t word;  /* its size word */
	uint32_t len;
	uint8_t *buf;
};

struct sq_fs {
	struct gb_fs base;
	uint32_t block_size;
	unsigned block_log;
	unsigned comp;
	uint16_t flags;
	uint32_t frag_count;
	uint64_t bytes_used;
	uint64_t root_ref;
	uint64_t inode_table, dir_table, frag_table;
	uint64_t inode_end, dir_end; /* where those tables end */
	struct md_block md[SQ_MD_CACHE];
	unsigned md_next;            /* round-robin victim */
	struct data_cache data, frag;
	uint8_t *cbuf;               /* a compressed block, as read */
	ZSTD_DCtx *zstd;
};

struct sq_node {
	struct gb_node base;
	unsigned type;
	/* directories: where the listing starts, and its length */
	uint64_t dir_block;
	uint32_t dir_offset;
	uint64_t dir_size;
	/* files */
	uint64_t blocks_start;
	uint32_t frag_index;
	uint32_t frag_offset;
	uint32_t nblocks;
	uint32_t *words;   /* size word of each full block */
	uint64_t *offs;    /* where each block starts on disk */
	/* symlinks */
	char *target;
};

/* A position in a metadata table: the block header's place, the offset in
 * the decompressed block, and where the table ends. */
struct md_cursor {
	uint64_t block;
	uint32_t off;
	uint64_t end;
};

/* ---- decompression ---------------------------------------------------- */

static const char *comp_name(unsigned c)
{
	static const char *const names[] = { "?", "gzip", "lzma", "lzo", "xz", "lz4", "zstd" };
	return c < sizeof(names) / sizeof(names[0]) ? names[c] : "?";
}

static int unz_gzip(const uint8_t *in, size_t inlen, uint8_t *out, size_t cap, size_t *outlen)
{
	z_stream zs = { 0 };
	if (inflateInit(&zs) != Z_OK)
		return -1;
	zs.next_in = (Bytef *)in;
	zs.avail_in = (uInt)inlen;
	zs.next_out = out;
	zs.avail_out = (uInt)cap;
	int zr = inflate(&zs, Z_FINISH);
	*outlen = cap - zs.avail_out;
	inflateEnd(&zs);
	return zr == Z_STREAM_END ? 0 : -1;
}

/* Legacy lzma ("alone" header) and xz both go through liblzma with a
 * memory limit; the output buffer is the cap. */
static int unz_lzma(bool xz, const uint8_t *in, size_t inlen, uint8_t *out, size_t cap,
		    size_t *outlen)
{
	lzma_stream s = LZMA_STREAM_INIT;
	lzma_ret lr = xz ? lzma_stream_decoder(&s, SQ_MEMLIMIT, 0)
			 : lzma_alone_decoder(&s, SQ_MEMLIMIT);
	if (lr != LZMA_OK)
		return -1;
	s.next_in = in;
	s.avail_in = inlen;
	s.next_out = out;
	s.avail_out = cap;
	/* One call does all the work; a second one only when the first
	 * stopped at a buffer edge without reporting the end. */
	for (int i = 0; i < 2 && lr == LZMA_OK; i++)
		lr = lzma_code(&s, LZMA_FINISH);
	*outlen = cap - s.avail_out;
	lzma_end(&s);
	return lr == LZMA_STREAM_END ? 0 : -1;
}

static int decompress(struct sq_fs *fs, const uint8_t *in, size_t inlen, uint8_t *out,
		      size_t cap, size_t *outlen)
{
	*outlen = 0;
	switch (fs->comp) {
	case COMP_GZIP:
		return unz_gzip(in, inlen, out, cap, outlen);
	case COMP_LZMA:
		return unz_lzma(false, in, inlen, out, cap, outlen);
	case COMP_XZ:
		return unz_lzma(true, in, inlen, out, cap, outlen);
	case COMP_LZ4: {
		int n = LZ4_decompress_safe((const char *)in, (char *)out, (int)inlen, (int)cap);
		if (n < 0)
			return -1;
		*outlen = (size_t)n;
		return 0;
	}
	case COMP_ZSTD: {
		size_t n = ZSTD_decompressDCtx(fs->zstd, out, cap, in, inlen);
		if (ZSTD_isError(n))
			return -1;
		*outlen = n;
		return 0;
	}
#ifdef GB_HAVE_LZO
	case COMP_LZO:
		return gb_lzo1x_decompress(in, inlen, out, cap, outlen) ? -1 : 0;
#endif
	}
	return -1;
}

/* ---- metadata blocks -------------------------------------------------- */

/* Load the metadata block whose header is at pos (inside [pos, end)). */
static int md_load(struct gb_ctx *ctx, struct sq_fs *fs, uint64_t pos, uint64_t end,
		   struct md_block **out)
{
	for (unsigned i = 0; i < SQ_MD_CACHE; i++)
		if (fs->md[i].pos == pos) {
			*out = &fs->md[i];
			return 0;
		}
	uint8_t hdr[2];
	if (!gb_range_ok(pos, 2, end))
		return gb_error(ctx, GB_E_CORRUPT, "metadata block at %llu outside its table",
				(unsigned long long)pos);
	int r = gb_vol_read(ctx, fs->base.vol, pos, hdr, 2);
	if (r)
		return r;
	uint16_t h = gb_le16(hdr);
	uint32_t size = h & ~MD_UNCOMPRESSED;
	if (size == 0 || size > MD_SIZE || !gb_range_ok(pos + 2, size, end))
		return gb_error(ctx, GB_E_CORRUPT, "metadata block at %llu: bad size %u",
				(unsigned long long)pos, size);
	struct md_block *b = &fs->md[fs->md_next];
	b->pos = ABSENT; /* invalid until filled */
	if ((r = gb_vol_read(ctx, fs->base.vol, pos + 2, fs->cbuf, size)))
		return r;
	size_t len = size;
	if (h & MD_UNCOMPRESSED)
		memcpy(b->data, fs->cbuf, size);
	else if (decompress(fs, fs->cbuf, size, b->data, MD_SIZE, &len))
		return gb_error(ctx, GB_E_CORRUPT, "metadata block at %llu does not decompress (%s)",
				(unsigned long long)pos, comp_name(fs->comp));
	/* the read and the decompression, against the command's bound */
	if ((r = gb_fs_charge(ctx, &fs->base, 2 + size + len)))
		return r;
	b->pos = pos;
	b->next = pos + 2 + size;
	b->len = (uint32_t)len;
	fs->md_next = (fs->md_next + 1) % SQ_MD_CACHE;
	*out = b;
	return 0;
}

/* Read len bytes at the cursor and advance it, across block boundaries. */
static int md_read(struct gb_ctx *ctx, struct sq_fs *fs, struct md_cursor *c, void *dst,
		   size_t len)
{
	uint8_t *out = dst;
	/* Each turn copies bytes or moves to the next block, which lies at
	 * least 3 bytes further on inside the table: bounded. */
	while (len) {
		struct md_block *b = NULL;
		int r = md_load(ctx, fs, c->block, c->end, &b);
		if (r)
			return r;
		if (c->off > b->len)
			return gb_error(ctx, GB_E_CORRUPT, "offset %u past metadata block at %llu",
					c->off, (unsigned long long)c->block);
		size_t take = b->len - c->off;
		if (take == 0) {
			c->block = b->next;
			c->off = 0;
			continue;
		}
		if (take > len)
			take = len;
		/* scanning cached blocks is work too (a lookup per entry of a
		 * big directory) */
		if ((r = gb_fs_charge(ctx, &fs->base, take)))
			return r;
		memcpy(out, b->data + c->off, take);
		out += take;
		len -= take;
		c->off += (uint32_t)take;
	}
	return 0;
}

/* ---- data blocks ------------------------------------------------------ */

/* Read and decompress the block at pos with size word `word` into cache,
 * unless it is there already. */
static int data_load(struct gb_ctx *ctx, struct sq_fs *fs, struct data_cache *dc,
		     uint64_t pos, uint32_t word)
{
	if (dc->pos == pos && dc->word == word)
		return 0;
	uint32_t size = word & DATA_SIZE_MASK;
	if (size > fs->block_size || !gb_range_ok(pos, size, fs->bytes_used))
		return gb_error(ctx, GB_E_CORRUPT, "data block at %llu of %u bytes out of bounds",
				(unsigned long long)pos, size);
	dc->pos = ABSENT;
	uint8_t *in = (word & DATA_UNCOMPRESSED) ? dc->buf : fs->cbuf;
	int r = gb_vol_read(ctx, fs->base.vol, pos, in, size);
	if (r)
		return r;
	size_t len = size;
	if (!(word & DATA_UNCOMPRESSED) &&
	    decompress(fs, fs->cbuf, size, dc->buf, fs->block_size, &len))
		return gb_error(ctx, GB_E_CORRUPT, "data block at %llu does not decompress (%s)",
				(unsigned long long)pos, comp_name(fs->comp));
	dc->pos = pos;
	dc->word = word;
	dc->len = (uint32_t)len;
	return 0;
}

/* Where fragment block idx lies and its size word. */
static int frag_entry(struct gb_ctx *ctx, struct sq_fs *fs, uint32_t idx, uint64_t *pos,
		      uint32_t *word)
{
	if (idx >= fs->frag_count)
		return gb_error(ctx, GB_E_CORRUPT, "fragment %u of %u", idx, fs->frag_count);
	uint8_t b[16];
	int r = gb_vol_read(ctx, fs->base.vol, fs->frag_table + (uint64_t)(idx / FRAGS_PER_BLOCK) * 8,
			    b, 8);
	if (r)
		return r;
	struct md_cursor c = { .block = gb_le64(b), .off = (idx % FRAGS_PER_BLOCK) * 16,
			       .end = fs->frag_table };
	if ((r = md_read(ctx, fs, &c, b, 16)))
		return r;
	*pos = gb_le64(b);
	*word = gb_le32(b + 8);
	return 0;
}

/* ---- inodes ----------------------------------------------------------- */

static enum gb_ftype inode_ftype(unsigned t)
{
	switch (t) {
	case T_DIR: case T_LDIR: return GB_FT_DIR;
	case T_FILE: case T_LFILE: return GB_FT_REG;
	case T_SYMLINK: case T_LSYMLINK: return GB_FT_LNK;
	default: return GB_FT_OTHER;
	}
}

static int load_dir(struct gb_ctx *ctx, struct sq_fs *fs, struct md_cursor *c,
		    struct sq_node *n)
{
	uint8_t b[24];
	uint32_t block, size;
	uint16_t offset;
	int r;
	if (n->type == T_DIR) {
		/* block_index, link_count, file_size(16), block_offset, parent */
		if ((r = md_read(ctx, fs, c, b, 16)))
			return r;
		block = gb_le32(b);
		size = gb_le16(b + 8);
		offset = gb_le16(b + 10);
	} else {
		/* link_count, file_size, block_index, parent, index_count,
		 * block_offset, xattr; the index that follows is not used. */
		if ((r = md_read(ctx, fs, c, b, 24)))
			return r;
		size = gb_le32(b + 4);
		block = gb_le32(b + 8);
		offset = gb_le16(b + 18);
	}
	/* The size counts 3 bytes for "." and "..", which are not stored. */
	n->dir_size = size > 3 ? size - 3 : 0;
	n->dir_block = fs->dir_table + block;
	n->dir_offset = offset;
	if (n->dir_size && (block >= fs->dir_end - fs->dir_table || offset >= MD_SIZE))
		return gb_error(ctx, GB_E_CORRUPT, "directory listing at %u:%u out of bounds",
				block, offset);
	n->base.st.size = size;
	return 0;
}

/* The block list of a file: its size words, and each block's place. */
static int load_blocks(struct gb_ctx *ctx, struct sq_fs *fs, struct md_cursor *c,
		       struct sq_node *n)
{
	uint64_t size = n->base.st.size;
	uint64_t nb = size >> fs->block_log;
	if (n->frag_index == NO_FRAGMENT && (size & (fs->block_size - 1)))
		nb++;
	if (nb > SQ_MAX_BLOCKS)
		return gb_error(ctx, GB_E_LIMIT, "file of %llu blocks (limit %u)",
				(unsigned long long)nb, SQ_MAX_BLOCKS);
	/* The words live in the inode table: a table of T bytes holds at most
	 * T/3 blocks of 8 KiB (header and one byte each). */
	uint64_t table = fs->inode_end - fs->inode_table;
	if (nb * 4 > (table / 3 + 1) * MD_SIZE)
		return gb_error(ctx, GB_E_CORRUPT, "block list longer than the inode table");
	n->nblocks = (uint32_t)nb;
	if (nb == 0)
		return 0;
	n->words = malloc(nb * sizeof(*n->words));
	n->offs = malloc(nb * sizeof(*n->offs));
	if (!n->words || !n->offs)
		return gb_error(ctx, GB_E_NOMEM, "out of memory");
	int r = md_read(ctx, fs, c, n->words, nb * 4);
	if (r)
		return r;
	uint64_t pos = n->blocks_start;
	for (uint64_t i = 0; i < nb; i++) {
		n->words[i] = gb_le32(&n->words[i]);
		uint32_t len = n->words[i] & DATA_SIZE_MASK;
		n->offs[i] = pos;
		if (len > fs->block_size || !gb_add_ok(pos, len, &pos) || pos > fs->bytes_used)
			return gb_error(ctx, GB_E_CORRUPT, "data block %llu out of bounds",
					(unsigned long long)i);
	}
	return 0;
}

static int load_file(struct gb_ctx *ctx, struct sq_fs *fs, struct md_cursor *c,
		     struct sq_node *n)
{
	uint8_t b[40];
	int r;
	if (n->type == T_FILE) {
		/* blocks_start(32), frag_index, frag_offset, file_size(32) */
		if ((r = md_read(ctx, fs, c, b, 16)))
			return r;
		n->blocks_start = gb_le32(b);
		n->frag_index = gb_le32(b + 4);
		n->frag_offset = gb_le32(b + 8);
		n->base.st.size = gb_le32(b + 12);
	} else {
		/* blocks_start, file_size, sparse, link_count, frag_index,
		 * frag_offset, xattr */
		if ((r = md_read(ctx, fs, c, b, 40)))
			return r;
		n->blocks_start = gb_le64(b);
		n->base.st.size = gb_le64(b + 8);
		n->frag_index = gb_le32(b + 28);
		n->frag_offset = gb_le32(b + 32);
	}
	if (n->frag_index != NO_FRAGMENT &&
	    (n->frag_index >= fs->frag_count || n->frag_offset >= fs->block_size))
		return gb_error(ctx, GB_E_CORRUPT, "fragment %u:%u out of bounds",
				n->frag_index, n->frag_offset);
	return load_blocks(ctx, fs, c, n);
}

static int load_symlink(struct gb_ctx *ctx, struct sq_fs *fs, struct md_cursor *c,
			struct sq_node *n)
{
	uint8_t b[8];
	int r = md_read(ctx, fs, c, b, 8); /* link_count, target_size */
	if (r)
		return r;
	uint32_t len = gb_le32(b + 4);
	if (len == 0 || len > SQ_SYMLINK_MAX)
		return gb_error(ctx, GB_E_CORRUPT, "symbolic link of %u bytes", len);
	n->target = malloc(len + 1);
	if (!n->target)
		return gb_error(ctx, GB_E_NOMEM, "out of memory");
	if ((r = md_read(ctx, fs, c, n->target, len)))
		return r;
	n->target[len] = '\0';
	n->base.st.size = len;
	return 0;
}

static void free_node(struct sq_node *n)
{
	if (!n)
		return;
	free(n->words);
	free(n->offs);
	free(n->target);
	free(n);
}

/* Load the inode at ref: metadata block (relative to the inode table) in
 * the high 48 bits, offset in the block in the low 16. */
static int load_inode(struct gb_ctx *ctx, struct sq_fs *fs, uint64_t ref, struct gb_node **out)
{
	uint64_t blk = ref >> 16;
	if (blk >= fs->inode_end - fs->inode_table)
		return gb_error(ctx, GB_E_CORRUPT, "inode reference %llx outside the inode table",
				(unsigned long long)ref);
	struct md_cursor c = { .block = fs->inode_table + blk, .off = ref & 0xffff,
			       .end = fs->inode_end };
	uint8_t h[16];
	int r = md_read(ctx, fs, &c, h, sizeof(h));
	if (r)
		return r;
	struct sq_node *n = calloc(1, sizeof(*n));
	if (!n)
		return gb_error(ctx, GB_E_NOMEM, "out of memory");
	n->type = gb_le16(h);
	n->base.st.type = inode_ftype(n->type);
	n->base.st.mode = gb_le16(h + 2) & 07777;
	n->base.st.mtime = gb_le32(h + 8);
	n->base.st.ino = gb_le32(h + 12);
	n->frag_index = NO_FRAGMENT;
	switch (n->base.st.type) {
	case GB_FT_DIR: r = load_dir(ctx, fs, &c, n); break;
	case GB_FT_REG: r = load_file(ctx, fs, &c, n); break;
	case GB_FT_LNK: r = load_symlink(ctx, fs, &c, n); break;
	default:
		/* Devices, fifos and sockets: nothing to read. */
		if (n->type == 0 || n->type > T_MAX)
			r = gb_error(ctx, GB_E_CORRUPT, "inode of unknown type %u", n->type);
	}
	if (r) {
		free_node(n);
		return r;
	}
	*out = &n->base;
	return 0;
}

/* ---- probe and mount -------------------------------------------------- */

static int read_super(struct gb_ctx *ctx, struct gb_volume *vol, uint8_t sb[SQ_SB_SIZE])
{
	if (vol->size < SQ_SB_SIZE)
		return GB_E_NOT_MINE;
	int r = gb_vol_read(ctx, vol, 0, sb, SQ_SB_SIZE);
	if (r)
		return r;
	return gb_le32(sb) == SQ_MAGIC ? 0 : GB_E_NOT_MINE;
}

static int sq_probe(struct gb_ctx *ctx, struct gb_volume *vol, struct gb_fs_probe *out)
{
	uint8_t sb[SQ_SB_SIZE];
	int r = read_super(ctx, vol, sb);
	if (r)
		return r;
	/* blkid's names; squashfs has no UUID and no label. Version 3 and
	 * older are named so that mount can refuse them clearly. */
	snprintf(out->type, sizeof(out->type), "%s",
		 gb_le16(sb + SB_VMAJOR) >= 4 ? "squashfs" : "squashfs3");
	return 0;
}

/* The end of the table starting at `start`: the nearest table start (or
 * bytes_used) after it. Tables are written in order; a missing one is
 * ABSENT and does not count. */
static uint64_t table_end(const uint8_t *sb, uint64_t start, uint64_t bytes_used)
{
	static const unsigned fields[] = { SB_ID_TABLE, SB_XATTR_TABLE, SB_INODE_TABLE,
					   SB_DIR_TABLE, SB_FRAG_TABLE, SB_EXPORT_TABLE };
	uint64_t end = bytes_used;
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		uint64_t v = gb_le64(sb + fields[i]);
		if (v > start && v < end)
			end = v;
	}
	return end;
}

static int check_super(struct gb_ctx *ctx, struct gb_volume *vol, const uint8_t *sb)
{
	unsigned major = gb_le16(sb + SB_VMAJOR), minor = gb_le16(sb + SB_VMINOR);
	if (major != 4 || minor != 0)
		return gb_error(ctx, GB_E_UNSUPPORTED, "squashfs version %u.%u (only 4.0 is read)",
				major, minor);
	unsigned log = gb_le16(sb + SB_BLOCK_LOG);
	uint32_t bs = gb_le32(sb + SB_BLOCK_SIZE);
	if (log < 12 || log > 20 || bs != 1u << log)
		return gb_error(ctx, GB_E_CORRUPT, "block size %u, log %u", bs, log);
	unsigned comp = gb_le16(sb + SB_COMPRESSION);
	if (comp < COMP_GZIP || comp > COMP_ZSTD)
		return gb_error(ctx, GB_E_UNSUPPORTED, "unknown compression %u", comp);
#ifndef GB_HAVE_LZO
	if (comp == COMP_LZO)
		return gb_error(ctx, GB_E_UNSUPPORTED,
				"lzo compression is not supported (no LZO decoder built in)");
#endif
	uint64_t used = gb_le64(sb + SB_BYTES_USED);
	if (used < SQ_SB_SIZE || used > vol->size)
		return gb_error(ctx, GB_E_CORRUPT, "bytes_used %llu but the volume holds %llu",
				(unsigned long long)used, (unsigned long long)vol->size);
	uint64_t it = gb_le64(sb + SB_INODE_TABLE), dt = gb_le64(sb + SB_DIR_TABLE);
	if (it < SQ_SB_SIZE || it >= dt || dt >= used)
		return gb_error(ctx, GB_E_CORRUPT, "inode table %llu, directory table %llu",
				(unsigned long long)it, (unsigned long long)dt);
	return 0;
}

static int check_frag_table(struct gb_ctx *ctx, struct sq_fs *fs, const uint8_t *sb)
{
	fs->frag_count = gb_le32(sb + SB_FRAG_COUNT);
	fs->frag_table = gb_le64(sb + SB_FRAG_TABLE);
	if (fs->frag_count == 0)
		return 0;
	uint64_t len = ((uint64_t)fs->frag_count + FRAGS_PER_BLOCK - 1) / FRAGS_PER_BLOCK * 8;
	if (fs->frag_table <= fs->dir_table || !gb_range_ok(fs->frag_table, len, fs->bytes_used))
		return gb_error(ctx, GB_E_CORRUPT, "fragment table of %u entries at %llu",
				fs->frag_count, (unsigned long long)fs->frag_table);
	return 0;
}

static void sq_umount(struct gb_fs *base)
{
	struct sq_fs *fs = (struct sq_fs *)base;
	free(fs->data.buf);
	free(fs->frag.buf);
	free(fs->cbuf);
	ZSTD_freeDCtx(fs->zstd);
	free(fs);
}

static int sq_mount(struct gb_ctx *ctx, struct gb_volume *vol, struct gb_fs **out)
{
	uint8_t sb[SQ_SB_SIZE];
	int r = read_super(ctx, vol, sb);
	if (r == GB_E_NOT_MINE)
		return gb_error(ctx, GB_E_CORRUPT, "bad superblock");
	if (r || (r = check_super(ctx, vol, sb)))
		return r;
	struct sq_fs *fs = calloc(1, sizeof(*fs));
	if (!fs)
		return gb_error(ctx, GB_E_NOMEM, "out of memory");
	fs->base.vol = vol;
	fs->block_log = gb_le16(sb + SB_BLOCK_LOG);
	fs->block_size = 1u << fs->block_log;
	fs->comp = gb_le16(sb + SB_COMPRESSION);
	fs->flags = gb_le16(sb + SB_FLAGS);
	fs->bytes_used = gb_le64(sb + SB_BYTES_USED);
	fs->root_ref = gb_le64(sb + SB_ROOT);
	fs->inode_table = gb_le64(sb + SB_INODE_TABLE);
	fs->dir_table = gb_le64(sb + SB_DIR_TABLE);
	fs->inode_end = fs->dir_table;
	fs->dir_end = table_end(sb, fs->dir_table, fs->bytes_used);
	for (unsigned i = 0; i < SQ_MD_CACHE; i++)
		fs->md[i].pos = ABSENT;
	fs->data.pos = fs->frag.pos = ABSENT;
	/* cbuf holds a compressed data block or metadata block. */
	fs->cbuf = malloc(fs->block_size > MD_SIZE ? fs->block_size : MD_SIZE);
	fs->data.buf = malloc(fs->block_size);
	fs->frag.buf = malloc(fs->block_size);
	if (fs->comp == COMP_ZSTD)
		fs->zstd = ZSTD_createDCtx();
	if (!fs->cbuf || !fs->data.buf || !fs->frag.buf || (fs->comp == COMP_ZSTD && !fs->zstd))
		r = gb_error(ctx, GB_E_NOMEM, "out of memory");
	else
		r = check_frag_table(ctx, fs, sb);
	if (r) {
		sq_umount(&fs->base);
		return r;
	}
	*out = &fs->base;
	return 0;
}

/* ---- nodes ------------------------------------------------------------ */

static int sq_root(struct gb_ctx *ctx, struct gb_fs *base, struct gb_node **out)
{
	struct sq_fs *fs = (struct sq_fs *)base;
	int r = load_inode(ctx, fs, fs->root_ref, out);
	if (r == 0 && (*out)->st.type != GB_FT_DIR) {
		free_node((struct sq_node *)*out);
		return gb_error(ctx, GB_E_CORRUPT, "root inode is not a directory");
	}
	return r;
}

static void sq_release(struct gb_fs *fs, struct gb_node *node)
{
	(void)fs;
	free_node((struct sq_node *)node);
}

/* Each entry of dir's listing to fn until it returns non-zero; rec is the
 * entry's inode reference. The listing is a run of headers (count, inode
 * block, inode base) each followed by count+1 entries; everything is read
 * inside dir_size. Lookups scan it: the directory index is never read. */
static int sq_scan(struct gb_ctx *ctx, struct gb_fs *base, struct gb_node *node,
		   gb_fs_entry_fn fn, void *arg)
{
	struct sq_fs *fs = (struct sq_fs *)base;
	struct sq_node *dir = (struct sq_node *)node;
	struct md_cursor c = { .block = dir->dir_block, .off = dir->dir_offset, .end = fs->dir_end };
	uint64_t left = dir->dir_size, ref;
	char name[SQ_NAME_LEN + 1];
	struct gb_fs_entry de = { .name = name, .rec = &ref };
	uint8_t b[12];
	while (left) {
		int r;
		if (left < 12 || (r = md_read(ctx, fs, &c, b, 12)))
			return left < 12 ? gb_error(ctx, GB_E_CORRUPT, "truncated directory header") : r;
		left -= 12;
		uint32_t count = gb_le32(b) + 1, start = gb_le32(b + 4), base_ino = gb_le32(b + 8);
		if (count > SQ_DIR_HEADER_MAX || count == 0)
			return gb_error(ctx, GB_E_CORRUPT, "directory header of %u entries", count);
		for (uint32_t i = 0; i < count; i++) {
			if (left < 8 || (r = md_read(ctx, fs, &c, b, 8)))
				return left < 8 ? gb_error(ctx, GB_E_CORRUPT, "truncated directory entry") : r;
			de.len = (size_t)gb_le16(b + 6) + 1;
			if (left - 8 < de.len)
				return gb_error(ctx, GB_E_CORRUPT, "directory entry past its directory");
			left -= 8 + de.len;
			/* The kernel refuses these as corruption too. */
			if (de.len >= sizeof(name))
				return gb_error(ctx, GB_E_CORRUPT,
						"directory entry name of %zu bytes (limit %d)",
						de.len, SQ_NAME_LEN);
			if ((r = md_read(ctx, fs, &c, name, de.len)))
				return r;
			name[de.len] = '\0';
			de.type = inode_ftype(gb_le16(b + 4));
			ref = (uint64_t)start << 16 | gb_le16(b);
			de.ino = base_ino + (uint32_t)(int32_t)(int16_t)gb_le16(b + 2);
			if (memchr(name, '\0', de.len) || memchr(name, '/', de.len))
				return gb_error(ctx, GB_E_CORRUPT, "directory entry with a '/' or NUL");
			if ((r = fn(arg, &de)))
				return r > 0 ? 0 : r;
		}
	}
	return 0;
}

static int sq_entry_node(struct gb_ctx *ctx, struct gb_fs *base, struct gb_fs_entry *e,
			 struct gb_node **out)
{
	return load_inode(ctx, (struct sq_fs *)base, *(const uint64_t *)e->rec, out);
}

static int sq_readlink(struct gb_ctx *ctx, struct gb_fs *base, struct gb_node *node,
		       char *buf, size_t cap, size_t *len)
{
	(void)base;
	struct sq_node *n = (struct sq_node *)node;
	size_t size = (size_t)node->st.size;
	if (!n->target || size >= cap)
		return gb_error(ctx, GB_E_CORRUPT, "symbolic link of %zu bytes", size);
	if (memchr(n->target, '\0', size))
		return gb_error(ctx, GB_E_CORRUPT, "symbolic link contains a NUL byte");
	memcpy(buf, n->target, size + 1);
	*len = size;
	return 0;
}

/* Copy the bytes [in, in+take) of block i (or of the tail, i == nblocks)
 * of a file; want is how long that block must be. */
static int read_block(struct gb_ctx *ctx, struct sq_fs *fs, struct sq_node *n, uint64_t i,
		      uint32_t in, uint32_t want, uint8_t *out, size_t take)
{
	struct data_cache *dc;
	uint32_t base = 0;
	int r;
	if (i < n->nblocks) {
		/* never sparse here: sq_extent answered those as holes */
		dc = &fs->data;
		r = data_load(ctx, fs, dc, n->offs[i], n->words[i]);
	} else {
		uint64_t pos = 0;
		uint32_t word = 0;
		if ((r = frag_entry(ctx, fs, n->frag_index, &pos, &word)))
			return r;
		dc = &fs->frag;
		base = n->frag_offset;
		r = data_load(ctx, fs, dc, pos, word);
	}
	if (r)
		return r;
	if (base > dc->len || dc->len - base < want)
		return gb_error(ctx, GB_E_CORRUPT, "data block %llu shorter than the file says",
				(unsigned long long)i);
	memcpy(out, dc->buf + base + in, take);
	return 0;
}

/* What lies at off: a sparse block (zeros), or the rest of a block or of
 * the tail, compressed or not, which sq_decode reads through the cache. */
static int sq_extent(struct gb_ctx *ctx, struct gb_fs *base, struct gb_node *node,
		     uint64_t off, uint64_t want, struct gb_extent *ex)
{
	struct sq_fs *fs = (struct sq_fs *)base;
	struct sq_node *n = (struct sq_node *)node;
	if (node->st.type != GB_FT_REG)
		return gb_error(ctx, GB_E_USAGE, "not a regular file");
	uint64_t i = off >> fs->block_log;
	uint64_t left = fs->block_size - (off & (fs->block_size - 1));
	if (i >= n->nblocks && n->frag_index == NO_FRAGMENT)
		return gb_error(ctx, GB_E_CORRUPT, "file has no block %llu", (unsigned long long)i);
	ex->kind = i < n->nblocks && (n->words[i] & DATA_SIZE_MASK) == 0 ? GB_EXTENT_HOLE
									 : GB_EXTENT_ENCODED;
	ex->len = left < want ? left : want;
	return 0;
}

/* len bytes at off, inside one block or the tail. */
static int sq_decode(struct gb_ctx *ctx, struct gb_fs *base, struct gb_node *node,
		     uint64_t off, void *buf, size_t len)
{
	struct sq_fs *fs = (struct sq_fs *)base;
	uint64_t size = node->st.size;
	uint64_t i = off >> fs->block_log, bstart = i << fs->block_log;
	uint32_t in = (uint32_t)(off & (fs->block_size - 1));
	uint32_t want = size - bstart < fs->block_size ? (uint32_t)(size - bstart)
						       : fs->block_size;
	return read_block(ctx, fs, (struct sq_node *)node, i, in, want, buf, len);
}

const struct gb_fs_driver gb_fs_squashfs = {
	.name = "squashfs",
	.probe = sq_probe,
	.mount = sq_mount,
	.umount = sq_umount,
	.root = sq_root,
	.scan = sq_scan,
	.entry_node = sq_entry_node,
	.readlink = sq_readlink,
	.extent = sq_extent,
	.decode = sq_decode,
	.release = sq_release,
};
