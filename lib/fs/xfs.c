/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* XFS, read-only, written from "XFS Algorithms & Data Structures".
 *
 * Every on-disk structure is decoded field by field with gb_be* at named
 * offsets, so no struct layout is assumed. Every byte is untrusted: counts
 * are checked against the block they live in, block numbers against the
 * allocation group and the data device, arithmetic is overflow-checked.
 *
 * Checksums (CRC32c on v5) are not verified: the structural checks below
 * catch what would make us misread, and GRUB, which boots these file
 * systems, does not verify them either.
 *
 * Directories of every form (shortform, block, leaf, node, B-tree) are read
 * the same way: the data blocks below XFS_DIR2_LEAF_OFFSET hold every entry,
 * so a bounded scan of them answers both readdir and lookup without ever
 * following the hash/node trees (no pointer loops there to worry about). */
#include "fs/fs.h"

#include <stdio.h>
#include <stdlib.h>

/* ---- limits ----------------------------------------------------------- */

#define XFS_MAX_EXTENTS (1u << 20)   /* per file: memory bound of the map */
#define XFS_MAX_BMBT_LEVELS 10        /* real trees have at most 9 */
#define XFS_MAX_BMBT_BLOCKS (1u << 20) /* blocks visited loading one map */
#define XFS_MAX_DIR_BYTES (1ull << 30) /* directory data read per scan: a
					* real 10M-entry directory is ~400 MiB */
#define XFS_MAX_DIR_ENTRIES (1u << 24) /* entries (used or free) per scan */
#define XFS_SYMLINK_MAX 1024          /* the format's own limit */

/* ---- superblock ------------------------------------------------------- */

#define SB_MAGIC 0x58465342u /* "XFSB" */
#define SB_SIZE 512          /* everything we read is in the first sector */

#define SB_BLOCKSIZE 4
#define SB_DBLOCKS 8
#define SB_UUID 32
#define SB_ROOTINO 56
#define SB_AGBLOCKS 84
#define SB_AGCOUNT 88
#define SB_VERSIONNUM 100
#define SB_SECTSIZE 102
#define SB_INODESIZE 104
#define SB_INOPBLOCK 106
#define SB_FNAME 108
#define SB_BLOCKLOG 120
#define SB_SECTLOG 121
#define SB_INODELOG 122
#define SB_INOPBLOG 123
#define SB_AGBLKLOG 124
#define SB_SHARED_VN 179
#define SB_DIRBLKLOG 192
#define SB_FEATURES2 200
#define SB_BAD_FEATURES2 204
#define SB_FEAT_INCOMPAT 216

#define VERSION_NUMBITS 0x000fu
#define VERSION_SHAREDBIT 0x0200u
#define VERSION_DIRV2BIT 0x2000u
#define VERSION_MOREBITSBIT 0x8000u

/* v4 sb_features2 bits; v5 file systems keep only CRC here. */
#define F2_LAZYSBCOUNT 0x0002u
#define F2_ATTR2 0x0008u
#define F2_PARENT 0x0010u
#define F2_PROJID32 0x0080u
#define F2_CRC 0x0100u
#define F2_FTYPE 0x0200u

/* sb_features_incompat of v5 file systems, with our decision per bit.
 * sb_features_log_incompat is not checked at all: its bits only describe
 * log item formats, which matter to log recovery, and we never replay the
 * log (a dirty log means recent changes are missing, as after a crash). */
static const struct gb_fs_feature incompat_features[] = {
	{ 0x001, "ftype", true, "directory entries carry a type byte" },
	{ 0x002, "sparse inodes", true, "inode chunks partly allocated: inode lookup is unchanged" },
	{ 0x004, "meta_uuid", true, "only the metadata UUID stamped in blocks differs" },
	{ 0x008, "bigtime", true, "64-bit timestamps, decoded" },
	{ 0x010, "needsrepair", true, "every structure we read is validated anyway" },
	{ 0x020, "nrext64", true, "64-bit extent counters, decoded" },
	{ 0x040, "exchange-range", true, "only log items change" },
	{ 0x080, "parent", true, "parent pointers live in extended attributes" },
	{ 0x100, "metadir", false, "metadata directory tree (not implemented)" },
	{ 0x200, "zoned", false, "zoned realtime allocator" },
};

/* v4 sb_features2 bits we know; none changes what we read except ftype. */
#define F2_KNOWN (F2_LAZYSBCOUNT | F2_ATTR2 | F2_PARENT | F2_PROJID32 | F2_FTYPE)

/* Directory data blocks live below 32 GiB in the directory's address space;
 * leaf and free-index blocks above it are not needed for a scan. */
#define DIR2_LEAF_OFFSET (32ull << 30)

struct xfs_fs {
	struct gb_fs base;
	uint32_t bs;        /* file system block size */
	unsigned blocklog;
	uint32_t agblocks, agcount;
	unsigned agblklog, inopblog;
	uint32_t inodesize;
	uint32_t dirbs;     /* directory block size */
	unsigned dirblklog; /* log2(dirbs / bs) */
	uint64_t dblocks;
	uint64_t rootino;
	bool v5;
	bool ftype;         /* dirents carry a file type byte */
};

/* ---- inode ------------------------------------------------------------ */

#define DI_MAGIC 0x494eu /* "IN" */
#define DI_MODE 2
#define DI_VERSION 4
#define DI_FORMAT 5
#define DI_BIG_NEXTENTS 24
#define DI_MTIME 40
#define DI_SIZE 56
#define DI_NEXTENTS 76
#define DI_FORKOFF 82
#define DI_FLAGS 90
#define DI_FLAGS2 120
#define DI_INO 152
#define DI_V2_CORE 100 /* 96-byte core + di_next_unlinked */
#define DI_V3_CORE 176

#define FMT_DEV 0
#define FMT_LOCAL 1
#define FMT_EXTENTS 2
#define FMT_BTREE 3

#define DIFLAG_REALTIME 0x0001u
#define DIFLAG2_BIGTIME 0x0008u
#define DIFLAG2_NREXT64 0x0010u

/* bigtime counts nanoseconds from the smallest 32-bit time, 1901-12-13. */
#define BIGTIME_EPOCH_OFFSET 2147483648ll

struct xfs_extent {
	uint64_t off;   /* logical file block */
	uint64_t block; /* linear block on the data device (agno * agblocks + agbno) */
	uint64_t len;   /* blocks */
	bool unwritten; /* preallocated: reads as zeros */
};

struct xfs_node {
	struct gb_node base;
	uint64_t ino;
	uint8_t format;
	uint16_t flags;
	uint64_t nextents;
	uint8_t *raw;        /* the whole inode */
	size_t fork_off;     /* data fork within raw */
	size_t fork_len;
	struct xfs_extent *ext; /* the data fork's map, loaded on first use */
	size_t next;
	bool loaded;
};

static bool is_pow2(uint64_t v)
{
	return v && !(v & (v - 1));
}

static unsigned log2u(uint64_t v)
{
	unsigned l = 0;
	while (v > 1) {
		v >>= 1;
		l++;
	}
	return l;
}

/* ---- probe and mount -------------------------------------------------- */

static int read_super(struct gb_ctx *ctx, struct gb_volume *vol, uint8_t sb[SB_SIZE])
{
	if (vol->size < SB_SIZE)
		return GB_E_NOT_MINE;
	int r = gb_vol_read(ctx, vol, 0, sb, SB_SIZE);
	if (r)
		return r;
	if (gb_be32(sb) != SB_MAGIC)
		return GB_E_NOT_MINE;
	/* The same sanity blkid asks of a match, so that stray magic does
	 * not claim a volume. */
	uint32_t bs = gb_be32(sb + SB_BLOCKSIZE);
	uint16_t ss = gb_be16(sb + SB_SECTSIZE);
	if (bs < 512 || bs > 65536 || !is_pow2(bs) || ss < 512 || ss > 32768 ||
	    !is_pow2(ss) || gb_be32(sb + SB_AGCOUNT) == 0 ||
	    gb_be32(sb + SB_AGBLOCKS) == 0)
		return GB_E_NOT_MINE;
	return 0;
}

static int xfs_probe(struct gb_ctx *ctx, struct gb_volume *vol, struct gb_fs_probe *out)
{
	uint8_t sb[SB_SIZE];
	int r = read_super(ctx, vol, sb);
	if (r)
		return r;
	snprintf(out->type, sizeof(out->type), "xfs");
	/* blkid prints sb_uuid even when meta_uuid keeps another one. */
	gb_uuid_str(sb + SB_UUID, out->uuid);
	gb_copy_label(out->label, sizeof(out->label), sb + SB_FNAME, 12);
	return 0;
}

static int check_features(struct gb_ctx *ctx, const uint8_t *sb, bool *ftype)
{
	uint16_t vn = gb_be16(sb + SB_VERSIONNUM);
	unsigned version = vn & VERSION_NUMBITS;
	uint32_t f2 = 0;
	if (vn & VERSION_MOREBITSBIT)
		/* Old kernels wrote features2 at the wrong offset; Linux
		 * merges both copies, so do we. */
		f2 = gb_be32(sb + SB_FEATURES2) | gb_be32(sb + SB_BAD_FEATURES2);
	if (version == 5) {
		if (!(f2 & F2_CRC))
			return gb_error(ctx, GB_E_CORRUPT, "v5 superblock without the CRC feature");
		int r = gb_fs_check_features(ctx, incompat_features,
					     sizeof(incompat_features) / sizeof(incompat_features[0]),
					     gb_be32(sb + SB_FEAT_INCOMPAT));
		if (r)
			return r;
		*ftype = gb_be32(sb + SB_FEAT_INCOMPAT) & 0x1;
		return 0;
	}
	if (version != 4)
		return gb_error(ctx, GB_E_UNSUPPORTED, "superblock version %u", version);
	/* v4: every versionnum bit is defined; the ones that change layout
	 * are directory v1 (no DIRV2BIT) and the never-used shared bit. */
	if (!(vn & VERSION_DIRV2BIT))
		return gb_error(ctx, GB_E_UNSUPPORTED, "unsupported feature 'dirv1' (version 1 directories)");
	if ((vn & VERSION_SHAREDBIT) || sb[SB_SHARED_VN])
		return gb_error(ctx, GB_E_UNSUPPORTED, "unsupported feature 'shared' (shared file system)");
	if (f2 & F2_CRC)
		return gb_error(ctx, GB_E_CORRUPT, "v4 superblock with the CRC feature");
	if (f2 & ~F2_KNOWN)
		return gb_error(ctx, GB_E_UNSUPPORTED, "unknown features2 bits 0x%x", f2 & ~F2_KNOWN);
	*ftype = f2 & F2_FTYPE;
	return 0;
}

/* The geometry everything else relies on, cross-checked field by field. */
static int parse_geometry(struct gb_ctx *ctx, struct xfs_fs *fs, const uint8_t *sb,
			  uint64_t vol_size)
{
	fs->bs = gb_be32(sb + SB_BLOCKSIZE);
	fs->blocklog = sb[SB_BLOCKLOG];
	fs->agblocks = gb_be32(sb + SB_AGBLOCKS);
	fs->agcount = gb_be32(sb + SB_AGCOUNT);
	fs->agblklog = sb[SB_AGBLKLOG];
	fs->inodesize = gb_be16(sb + SB_INODESIZE);
	fs->inopblog = sb[SB_INOPBLOG];
	fs->dirblklog = sb[SB_DIRBLKLOG];
	fs->dblocks = gb_be64(sb + SB_DBLOCKS);
	fs->rootino = gb_be64(sb + SB_ROOTINO);
	uint16_t ss = gb_be16(sb + SB_SECTSIZE);
	uint16_t inopblock = gb_be16(sb + SB_INOPBLOCK);

	if (fs->blocklog != log2u(fs->bs) || sb[SB_SECTLOG] != log2u(ss) || ss > fs->bs)
		return gb_error(ctx, GB_E_CORRUPT, "inconsistent block or sector size");
	if (fs->inodesize < 256 || fs->inodesize > 2048 || !is_pow2(fs->inodesize) ||
	    sb[SB_INODELOG] != log2u(fs->inodesize) || fs->inodesize > fs->bs ||
	    inopblock != fs->bs / fs->inodesize || fs->inopblog != log2u(inopblock) ||
	    (fs->v5 && fs->inodesize < 512))
		return gb_error(ctx, GB_E_CORRUPT, "inconsistent inode size %u", fs->inodesize);
	if (fs->agblocks < 4 || fs->agblklog > 31 || fs->agblklog != log2u(fs->agblocks - 1) + 1 ||
	    fs->agblklog + fs->inopblog > 32)
		return gb_error(ctx, GB_E_CORRUPT, "inconsistent allocation group size");
	uint64_t max_blocks, bytes;
	if (!gb_mul_ok(fs->agblocks, fs->agcount, &max_blocks) || fs->dblocks == 0 ||
	    fs->dblocks > max_blocks || fs->dblocks <= max_blocks - fs->agblocks)
		return gb_error(ctx, GB_E_CORRUPT, "%llu blocks do not fit %u groups of %u",
				(unsigned long long)fs->dblocks, fs->agcount, fs->agblocks);
	if (!gb_mul_ok(fs->dblocks, fs->bs, &bytes) || bytes > vol_size)
		return gb_error(ctx, GB_E_CORRUPT, "file system of %llu blocks is larger than its volume",
				(unsigned long long)fs->dblocks);
	if (fs->blocklog + fs->dirblklog > 16)
		return gb_error(ctx, GB_E_CORRUPT, "directory block size 2^%u",
				fs->blocklog + fs->dirblklog);
	fs->dirbs = fs->bs << fs->dirblklog;
	return 0;
}

static int xfs_mount(struct gb_ctx *ctx, struct gb_volume *vol, struct gb_fs **out)
{
	uint8_t sb[SB_SIZE];
	int r = read_super(ctx, vol, sb);
	if (r == GB_E_NOT_MINE)
		return gb_error(ctx, GB_E_CORRUPT, "bad superblock");
	if (r)
		return r;
	struct xfs_fs *fs = calloc(1, sizeof(*fs));
	if (!fs)
		return gb_error(ctx, GB_E_NOMEM, "out of memory");
	fs->v5 = (gb_be16(sb + SB_VERSIONNUM) & VERSION_NUMBITS) == 5;
	if ((r = check_features(ctx, sb, &fs->ftype)) ||
	    (r = parse_geometry(ctx, fs, sb, vol->size))) {
		free(fs);
		return r;
	}
	fs->base.vol = vol;
	*out = &fs->base;
	return 0;
}

static void xfs_umount(struct gb_fs *base)
{
	free(base);
}

/* ---- addresses -------------------------------------------------------- */

/* A file system block number (agno << agblklog | agbno) of a run of len
 * blocks → the linear block number, checked to stay inside one group. */
static int fsb_linear(struct gb_ctx *ctx, const struct xfs_fs *fs, uint64_t ino,
		      uint64_t fsb, uint64_t len, uint64_t *lin)
{
	uint64_t agno = fsb >> fs->agblklog;
	uint64_t agbno = fsb & ((1ull << fs->agblklog) - 1);
	if (agno >= fs->agcount || !gb_range_ok(agbno, len, fs->agblocks))
		return gb_error(ctx, GB_E_CORRUPT, "inode %llu: block %llu+%llu outside the file system",
				(unsigned long long)ino, (unsigned long long)fsb,
				(unsigned long long)len);
	*lin = agno * fs->agblocks + agbno;
	if (!gb_range_ok(*lin, len, fs->dblocks))
		return gb_error(ctx, GB_E_CORRUPT, "inode %llu: block %llu+%llu past the end of the file system",
				(unsigned long long)ino, (unsigned long long)fsb,
				(unsigned long long)len);
	return 0;
}

/* Read one whole block given by its linear number (checked by fsb_linear). */
static int read_block(struct gb_ctx *ctx, struct xfs_fs *fs, uint64_t lin, void *buf)
{
	/* directory and btree blocks: charged to the command */
	int r = gb_fs_charge(ctx, &fs->base, fs->bs);
	return r ? r : gb_vol_read(ctx, fs->base.vol, lin << fs->blocklog, buf, fs->bs);
}

/* ---- inodes ----------------------------------------------------------- */

static int inode_pos(struct gb_ctx *ctx, const struct xfs_fs *fs, uint64_t ino, uint64_t *pos)
{
	unsigned agino_bits = fs->agblklog + fs->inopblog;
	uint64_t agno = ino >> agino_bits;
	uint64_t agino = ino & ((1ull << agino_bits) - 1);
	uint64_t agbno = agino >> fs->inopblog;
	uint64_t slot = agino & ((1ull << fs->inopblog) - 1);
	if (agno >= fs->agcount || agbno >= fs->agblocks)
		return gb_error(ctx, GB_E_CORRUPT, "inode %llu outside the file system",
				(unsigned long long)ino);
	uint64_t lin = agno * fs->agblocks + agbno;
	if (lin >= fs->dblocks)
		return gb_error(ctx, GB_E_CORRUPT, "inode %llu past the end of the file system",
				(unsigned long long)ino);
	*pos = (lin << fs->blocklog) + slot * fs->inodesize;
	return 0;
}

static int64_t decode_mtime(const uint8_t *raw, bool bigtime)
{
	if (bigtime)
		return (int64_t)(gb_be64(raw + DI_MTIME) / 1000000000u) - BIGTIME_EPOCH_OFFSET;
	return (int32_t)gb_be32(raw + DI_MTIME);
}

/* Check the core and locate the data fork. */
static int parse_inode(struct gb_ctx *ctx, const struct xfs_fs *fs, uint64_t ino,
		       struct xfs_node *n)
{
	const uint8_t *raw = n->raw;
	unsigned long long i = (unsigned long long)ino;
	if (gb_be16(raw) != DI_MAGIC)
		return gb_error(ctx, GB_E_CORRUPT, "inode %llu: bad magic", i);
	uint8_t version = raw[DI_VERSION];
	if (fs->v5 ? version != 3 : (version != 1 && version != 2))
		return gb_error(ctx, GB_E_CORRUPT, "inode %llu: version %u", i, version);
	if (version == 3 && gb_be64(raw + DI_INO) != ino)
		return gb_error(ctx, GB_E_CORRUPT, "inode %llu: claims to be inode %llu", i,
				(unsigned long long)gb_be64(raw + DI_INO));
	size_t core = version == 3 ? DI_V3_CORE : DI_V2_CORE;
	size_t lit = fs->inodesize - core;
	size_t forkoff = (size_t)raw[DI_FORKOFF] * 8;
	if (forkoff >= lit)
		return gb_error(ctx, GB_E_CORRUPT, "inode %llu: fork offset %zu", i, forkoff);
	n->fork_off = core;
	n->fork_len = forkoff ? forkoff : lit;

	uint16_t mode = gb_be16(raw + DI_MODE);
	uint64_t flags2 = version == 3 ? gb_be64(raw + DI_FLAGS2) : 0;
	n->ino = ino;
	n->format = raw[DI_FORMAT];
	n->flags = gb_be16(raw + DI_FLAGS);
	n->nextents = (flags2 & DIFLAG2_NREXT64) ? gb_be64(raw + DI_BIG_NEXTENTS)
						 : gb_be32(raw + DI_NEXTENTS);
	uint64_t size = gb_be64(raw + DI_SIZE);
	if (size > INT64_MAX)
		return gb_error(ctx, GB_E_CORRUPT, "inode %llu: negative size", i);

	enum gb_ftype t = gb_mode_type(mode);
	bool ok;
	switch (t) {
	case GB_FT_DIR:
		ok = n->format >= FMT_LOCAL && n->format <= FMT_BTREE;
		break;
	case GB_FT_REG:
		ok = n->format == FMT_EXTENTS || n->format == FMT_BTREE;
		break;
	case GB_FT_LNK:
		ok = n->format == FMT_LOCAL || n->format == FMT_EXTENTS ||
		     n->format == FMT_BTREE;
		break;
	default:
		ok = n->format <= FMT_BTREE;
	}
	if (!ok)
		return gb_error(ctx, GB_E_CORRUPT, "inode %llu: data fork format %u", i, n->format);
	if (n->format == FMT_LOCAL && size > n->fork_len)
		return gb_error(ctx, GB_E_CORRUPT, "inode %llu: inline data of %llu bytes", i,
				(unsigned long long)size);
	if (n->format == FMT_EXTENTS && n->nextents > n->fork_len / 16)
		return gb_error(ctx, GB_E_CORRUPT, "inode %llu: %llu extents do not fit the inode",
				i, (unsigned long long)n->nextents);

	n->base.st.type = t;
	n->base.st.mode = mode & 07777;
	n->base.st.size = size;
	n->base.st.mtime = decode_mtime(raw, flags2 & DIFLAG2_BIGTIME);
	n->base.st.ino = ino;
	return 0;
}

static void node_free(struct xfs_node *n)
{
	free(n->ext);
	free(n->raw);
	free(n);
}

static int load_node(struct gb_ctx *ctx, struct xfs_fs *fs, uint64_t ino, struct gb_node **out)
{
	uint64_t pos = 0;
	int r = inode_pos(ctx, fs, ino, &pos);
	if (r)
		return r;
	struct xfs_node *n = calloc(1, sizeof(*n));
	if (!n || !(n->raw = malloc(fs->inodesize))) {
		free(n);
		return gb_error(ctx, GB_E_NOMEM, "out of memory");
	}
	if ((r = gb_vol_read(ctx, fs->base.vol, pos, n->raw, fs->inodesize)) ||
	    (r = parse_inode(ctx, fs, ino, n))) {
		node_free(n);
		return r;
	}
	*out = &n->base;
	return 0;
}

static int xfs_root(struct gb_ctx *ctx, struct gb_fs *base, struct gb_node **out)
{
	struct xfs_fs *fs = (struct xfs_fs *)base;
	int r = load_node(ctx, fs, fs->rootino, out);
	if (r == 0 && (*out)->st.type != GB_FT_DIR) {
		node_free((struct xfs_node *)*out);
		return gb_error(ctx, GB_E_CORRUPT, "root inode is not a directory");
	}
	return r;
}

static void xfs_release(struct gb_fs *fs, struct gb_node *node)
{
	(void)fs;
	node_free((struct xfs_node *)node);
}

/* ---- extent maps ------------------------------------------------------ */

struct map_build {
	struct xfs_fs *fs;
	struct xfs_node *n;
	size_t cap;
	uint64_t next_off; /* records must come in increasing, disjoint order */
	unsigned blocks;   /* bmbt blocks visited */
};

/* Append one packed 128-bit extent record:
 * [1 unwritten][54 file offset][52 start block][21 length]. */
static int add_record(struct gb_ctx *ctx, struct map_build *b, const uint8_t *rec)
{
	struct xfs_node *n = b->n;
	uint64_t l0 = gb_be64(rec), l1 = gb_be64(rec + 8);
	struct xfs_extent e = {
		.unwritten = l0 >> 63,
		.off = (l0 >> 9) & ((1ull << 54) - 1),
		.len = l1 & ((1ull << 21) - 1),
	};
	uint64_t fsb = (l0 & 0x1ff) << 43 | l1 >> 21;
	unsigned long long i = (unsigned long long)n->ino;
	uint64_t end;
	if (e.len == 0 || e.off < b->next_off)
		return gb_error(ctx, GB_E_CORRUPT, "inode %llu: extents overlap or are out of order", i);
	/* The largest file offset XFS allows is 2^63 - 1 bytes: keeping
	 * extents below it lets byte offsets be computed without overflow. */
	if (!gb_add_ok(e.off, e.len, &end) || end > ((uint64_t)INT64_MAX >> b->fs->blocklog))
		return gb_error(ctx, GB_E_CORRUPT, "inode %llu: extent past the largest file offset", i);
	int r = fsb_linear(ctx, b->fs, n->ino, fsb, e.len, &e.block);
	if (r)
		return r;
	if (n->next == b->cap) {
		if (n->next >= XFS_MAX_EXTENTS)
			return gb_error(ctx, GB_E_LIMIT, "inode %llu: more than %u extents", i,
					XFS_MAX_EXTENTS);
		size_t cap = b->cap ? 2 * b->cap : 16;
		void *p = realloc(n->ext, cap * sizeof(*n->ext));
		if (!p)
			return gb_error(ctx, GB_E_NOMEM, "out of memory");
		n->ext = p;
		b->cap = cap;
	}
	n->ext[n->next++] = e;
	b->next_off = end;
	return 0;
}

#define BMAP_MAGIC 0x424d4150u  /* "BMAP", v4 */
#define BMAP3_MAGIC 0x424d4133u /* "BMA3", v5 */
#define BMBT_V4_HDR 24
#define BMBT_V5_HDR 72
#define BMBT_V5_OWNER 56

static int walk_bmbt(struct gb_ctx *ctx, struct map_build *b, uint64_t fsb,
		     unsigned level, uint8_t *buf);

/* Keys, then pointers at a fixed distance given by the capacity: records
 * of a node are [maxrecs keys][maxrecs pointers], 8 bytes each. */
static int walk_children(struct gb_ctx *ctx, struct map_build *b, const uint8_t *ptrs,
			 unsigned numrecs, unsigned level)
{
	uint8_t *buf = malloc(b->fs->bs);
	if (!buf)
		return gb_error(ctx, GB_E_NOMEM, "out of memory");
	int r = 0;
	for (unsigned k = 0; k < numrecs && !r; k++)
		r = walk_bmbt(ctx, b, gb_be64(ptrs + 8 * (size_t)k), level - 1, buf);
	free(buf);
	return r;
}

/* One bmbt block at the given level. Levels strictly decrease on the way
 * down, so a pointer loop ends at the leaves; a block reached twice yields
 * records out of order and is refused there. */
static int walk_bmbt(struct gb_ctx *ctx, struct map_build *b, uint64_t fsb,
		     unsigned level, uint8_t *buf)
{
	struct xfs_fs *fs = b->fs;
	unsigned long long i = (unsigned long long)b->n->ino;
	uint64_t lin;
	if (++b->blocks > XFS_MAX_BMBT_BLOCKS)
		return gb_error(ctx, GB_E_LIMIT, "inode %llu: more than %u extent tree blocks", i,
				XFS_MAX_BMBT_BLOCKS);
	int r = fsb_linear(ctx, fs, b->n->ino, fsb, 1, &lin);
	if (r || (r = read_block(ctx, fs, lin, buf)))
		return r;
	size_t hdr = fs->v5 ? BMBT_V5_HDR : BMBT_V4_HDR;
	if (gb_be32(buf) != (fs->v5 ? BMAP3_MAGIC : BMAP_MAGIC))
		return gb_error(ctx, GB_E_CORRUPT, "inode %llu: bad extent tree block magic", i);
	if (gb_be16(buf + 4) != level)
		return gb_error(ctx, GB_E_CORRUPT, "inode %llu: extent tree level %u, expected %u",
				i, gb_be16(buf + 4), level);
	if (fs->v5 && gb_be64(buf + BMBT_V5_OWNER) != b->n->ino)
		return gb_error(ctx, GB_E_CORRUPT, "inode %llu: extent tree block of another inode", i);
	unsigned numrecs = gb_be16(buf + 6);
	size_t maxrecs = (fs->bs - hdr) / 16;
	if (numrecs == 0 || numrecs > maxrecs)
		return gb_error(ctx, GB_E_CORRUPT, "inode %llu: extent tree block with %u records",
				i, numrecs);
	if (level == 0) {
		for (unsigned k = 0; k < numrecs; k++)
			if ((r = add_record(ctx, b, buf + hdr + 16 * (size_t)k)))
				return r;
		return 0;
	}
	return walk_children(ctx, b, buf + hdr + 8 * maxrecs, numrecs, level);
}

/* The root lives in the inode's fork: level, numrecs, keys, pointers. */
static int load_btree(struct gb_ctx *ctx, struct map_build *b)
{
	struct xfs_node *n = b->n;
	const uint8_t *fork = n->raw + n->fork_off;
	unsigned long long i = (unsigned long long)n->ino;
	unsigned level = gb_be16(fork), numrecs = gb_be16(fork + 2);
	size_t maxrecs = (n->fork_len - 4) / 16;
	if (level == 0 || level > XFS_MAX_BMBT_LEVELS)
		return gb_error(ctx, GB_E_CORRUPT, "inode %llu: extent tree of %u levels", i, level);
	if (numrecs == 0 || numrecs > maxrecs)
		return gb_error(ctx, GB_E_CORRUPT, "inode %llu: extent tree root with %u records",
				i, numrecs);
	return walk_children(ctx, b, fork + 4 + 8 * maxrecs, numrecs, level);
}

static int load_map(struct gb_ctx *ctx, struct xfs_fs *fs, struct xfs_node *n)
{
	if (n->loaded)
		return 0;
	if (n->flags & DIFLAG_REALTIME)
		return gb_error(ctx, GB_E_UNSUPPORTED,
				"inode %llu: realtime file (on the realtime device)",
				(unsigned long long)n->ino);
	struct map_build b = { .fs = fs, .n = n };
	int r = 0;
	if (n->format == FMT_EXTENTS) {
		for (uint64_t k = 0; k < n->nextents && !r; k++)
			r = add_record(ctx, &b, n->raw + n->fork_off + 16 * k);
	} else if (n->format == FMT_BTREE) {
		r = load_btree(ctx, &b);
	} else {
		r = gb_error(ctx, GB_E_CORRUPT, "inode %llu: no block map",
			     (unsigned long long)n->ino);
	}
	if (r) {
		free(n->ext);
		n->ext = NULL;
		n->next = 0;
		return r;
	}
	n->loaded = true;
	return 0;
}

/* The first extent that ends after logical block lblk (n->next if none). */
static size_t find_extent(const struct xfs_node *n, uint64_t lblk)
{
	size_t lo = 0, hi = n->next;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (n->ext[mid].off + n->ext[mid].len <= lblk)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* What lies at off: inline data, a hole up to the next extent, or a run of
 * extents that continue each other on disk, all written (data) or all
 * unwritten (zeros). */
static int xfs_extent(struct gb_ctx *ctx, struct gb_fs *base, struct gb_node *node,
		      uint64_t off, uint64_t want, struct gb_extent *ex)
{
	struct xfs_fs *fs = (struct xfs_fs *)base;
	struct xfs_node *n = (struct xfs_node *)node;
	if (n->format == FMT_LOCAL) {
		/* size <= fork_len was checked when the inode was loaded;
		 * only file contents are read here (off < size). */
		uint64_t size = node->st.size;
		ex->kind = off < size ? GB_EXTENT_INLINE : GB_EXTENT_HOLE;
		ex->len = off < size && size - off < want ? size - off : want;
		ex->data = n->raw + n->fork_off + (off < size ? off : 0);
		return 0;
	}
	int r = load_map(ctx, fs, n);
	if (r)
		return r;
	unsigned bl = fs->blocklog;
	size_t k = find_extent(n, off >> bl);
	if (k == n->next || (n->ext[k].off << bl) > off) {
		uint64_t gap = k == n->next ? UINT64_MAX : (n->ext[k].off << bl) - off;
		ex->kind = GB_EXTENT_HOLE;
		ex->len = gap < want ? gap : want;
		return 0;
	}
	const struct xfs_extent *e = &n->ext[k];
	uint64_t into = off - (e->off << bl);
	uint64_t avail = ((e->off + e->len) << bl) - off;
	uint64_t pblock_end = e->block + e->len;
	for (size_t j = k + 1; j < n->next && avail < want; j++) {
		const struct xfs_extent *f = &n->ext[j];
		if (f->off != n->ext[j - 1].off + n->ext[j - 1].len ||
		    f->block != pblock_end || f->unwritten != e->unwritten)
			break;
		avail += f->len << bl;
		pblock_end += f->len;
	}
	ex->kind = e->unwritten ? GB_EXTENT_HOLE : GB_EXTENT_DATA;
	ex->len = avail < want ? avail : want;
	ex->vol_off = (e->block << bl) + into;
	return 0;
}

/* ---- symbolic links --------------------------------------------------- */

#define SYMLINK_MAGIC 0x58534c4du /* "XSLM" */
#define SYMLINK_HDR 56

/* v5 remote symlinks: each block starts with a header naming the byte
 * range it holds; v4 blocks are the bare target. */
static int read_remote_link(struct gb_ctx *ctx, struct xfs_fs *fs, struct xfs_node *n,
			    char *dst, size_t size)
{
	if (!fs->v5)
		return gb_fs_read_node(ctx, &fs->base, &n->base, 0, dst, size);
	uint8_t *blk = malloc(fs->bs);
	if (!blk)
		return gb_error(ctx, GB_E_NOMEM, "out of memory");
	size_t done = 0;
	int r = 0;
	for (uint64_t b = 0; done < size && !r; b++) {
		if ((r = gb_fs_read_node(ctx, &fs->base, &n->base, b << fs->blocklog, blk, fs->bs)))
			break;
		size_t take = fs->bs - SYMLINK_HDR;
		if (take > size - done)
			take = size - done;
		if (gb_be32(blk) != SYMLINK_MAGIC || gb_be32(blk + 4) != done ||
		    gb_be32(blk + 8) != take)
			r = gb_error(ctx, GB_E_CORRUPT, "inode %llu: bad symbolic link block",
				     (unsigned long long)n->ino);
		else
			memcpy(dst + done, blk + SYMLINK_HDR, take);
		done += take;
	}
	free(blk);
	return r;
}

static int xfs_readlink(struct gb_ctx *ctx, struct gb_fs *base, struct gb_node *node,
			char *buf, size_t cap, size_t *len)
{
	struct xfs_fs *fs = (struct xfs_fs *)base;
	struct xfs_node *n = (struct xfs_node *)node;
	uint64_t size = node->st.size;
	if (size == 0 || size > XFS_SYMLINK_MAX || size >= cap)
		return gb_error(ctx, GB_E_CORRUPT, "symbolic link of %llu bytes",
				(unsigned long long)size);
	int r = 0;
	if (n->format == FMT_LOCAL && size > n->fork_len)
		return gb_error(ctx, GB_E_CORRUPT, "symbolic link of %llu bytes in a %zu-byte fork",
				(unsigned long long)size, n->fork_len);
	if (n->format == FMT_LOCAL)
		memcpy(buf, n->raw + n->fork_off, (size_t)size);
	else
		r = read_remote_link(ctx, fs, n, buf, (size_t)size);
	if (r)
		return r;
	buf[size] = '\0';
	if (memchr(buf, '\0', (size_t)size))
		return gb_error(ctx, GB_E_CORRUPT, "symbolic link contains a NUL byte");
	*len = (size_t)size;
	return 0;
}

/* ---- directories ------------------------------------------------------ */

#define DIR2_BLOCK_MAGIC 0x58443242u /* "XD2B": single-block directory, v4 */
#define DIR3_BLOCK_MAGIC 0x58444233u /* "XDB3" */
#define DIR2_DATA_MAGIC 0x58443244u  /* "XD2D": data block of a larger one */
#define DIR3_DATA_MAGIC 0x58444433u  /* "XDD3" */
#define DIR2_DATA_HDR 16
#define DIR3_DATA_HDR 64
#define DIR3_OWNER 40
#define DIR_FREE_TAG 0xffffu

/* Directory entry file types (ftype feature). */
static enum gb_ftype dirent_type(uint8_t ft)
{
	switch (ft) {
	case 1: return GB_FT_REG;
	case 2: return GB_FT_DIR;
	case 7: return GB_FT_LNK;
	default: return GB_FT_OTHER;
	}
}

struct dir_scan {
	struct xfs_fs *fs;
	struct xfs_node *dir;
	unsigned blocks, entries; /* visited, against the limits */
	/* one of: lookup (name != NULL) or readdir (fn) */
	const char *name;
	size_t len;
	uint64_t found;
	int (*fn)(void *arg, const struct gb_dirent *de);
	void *arg;
	bool stop;
};

static int count_entry(struct gb_ctx *ctx, struct dir_scan *s)
{
	if (++s->entries > XFS_MAX_DIR_ENTRIES)
		return gb_error(ctx, GB_E_LIMIT, "directory inode %llu: more than %u entries",
				(unsigned long long)s->dir->ino, XFS_MAX_DIR_ENTRIES);
	return 0;
}

/* One entry found: match it (lookup) or report it (readdir). */
static int emit(struct gb_ctx *ctx, struct dir_scan *s, const uint8_t *name, size_t len,
		uint64_t ino, int ftype)
{
	if (s->name) {
		if (len == s->len && !memcmp(name, s->name, len)) {
			s->found = ino;
			s->stop = true;
		}
		return 0;
	}
	if ((len == 1 && name[0] == '.') || (len == 2 && name[0] == '.' && name[1] == '.'))
		return 0;
	char buf[256]; /* len <= 255 by the format (a u8); checked here anyway */
	if (!gb_copy_str(buf, sizeof(buf), name, len) || memchr(buf, '\0', len) ||
	    memchr(buf, '/', len))
		return gb_error(ctx, GB_E_CORRUPT, "directory inode %llu: bad entry name",
				(unsigned long long)s->dir->ino);
	struct gb_dirent de = { .name = buf, .ino = ino };
	if (ftype >= 0) {
		de.type = dirent_type((uint8_t)ftype);
	} else {
		/* No type in the entry: ask the inode. */
		struct gb_node *child;
		int r = load_node(ctx, s->fs, ino, &child);
		if (r)
			return r;
		de.type = child->st.type;
		node_free((struct xfs_node *)child);
	}
	if (s->fn(s->arg, &de))
		s->stop = true;
	return 0;
}

/* Shortform: {count, i8count, parent} then entries {namelen, offset[2],
 * name, [ftype], inumber (4 bytes, or 8 when i8count is set)}. */
static int scan_shortform(struct gb_ctx *ctx, struct dir_scan *s)
{
	const uint8_t *p = s->dir->raw + s->dir->fork_off;
	size_t size = (size_t)s->dir->base.st.size; /* <= fork_len, checked */
	unsigned long long i = (unsigned long long)s->dir->ino;
	if (size < 2)
		return gb_error(ctx, GB_E_CORRUPT, "directory inode %llu: short header", i);
	unsigned count = p[0];
	size_t inosz = p[1] ? 8 : 4;
	size_t pos = 2 + inosz;
	size_t ft = s->fs->ftype ? 1 : 0;
	if (pos > size)
		return gb_error(ctx, GB_E_CORRUPT, "directory inode %llu: short header", i);
	for (unsigned k = 0; k < count && !s->stop; k++) {
		int r = count_entry(ctx, s);
		if (r)
			return r;
		if (pos + 3 > size)
			return gb_error(ctx, GB_E_CORRUPT, "directory inode %llu: entry past the end", i);
		size_t namelen = p[pos];
		size_t entlen = 3 + namelen + ft + inosz;
		if (namelen == 0 || entlen > size - pos)
			return gb_error(ctx, GB_E_CORRUPT, "directory inode %llu: bad entry", i);
		const uint8_t *name = p + pos + 3;
		const uint8_t *ip = name + namelen + ft;
		uint64_t ino = inosz == 8 ? gb_be64(ip) : gb_be32(ip);
		if ((r = emit(ctx, s, name, namelen, ino, ft ? name[namelen] : -1)))
			return r;
		pos += entlen;
	}
	return 0;
}

/* One directory data block: entries and free spaces tile the area between
 * the header and the end (block form: the leaf and tail at the end). */
static int scan_data_block(struct gb_ctx *ctx, struct dir_scan *s, const uint8_t *blk,
			   bool first)
{
	struct xfs_fs *fs = s->fs;
	unsigned long long i = (unsigned long long)s->dir->ino;
	uint32_t magic = gb_be32(blk);
	bool block_form = magic == (fs->v5 ? DIR3_BLOCK_MAGIC : DIR2_BLOCK_MAGIC);
	if (!block_form && magic != (fs->v5 ? DIR3_DATA_MAGIC : DIR2_DATA_MAGIC))
		return gb_error(ctx, GB_E_CORRUPT, "directory inode %llu: bad block magic", i);
	if (block_form && !first)
		return gb_error(ctx, GB_E_CORRUPT, "directory inode %llu: block form past block 0", i);
	if (fs->v5 && gb_be64(blk + DIR3_OWNER) != s->dir->ino)
		return gb_error(ctx, GB_E_CORRUPT, "directory inode %llu: block of another inode", i);
	size_t hdr = fs->v5 ? DIR3_DATA_HDR : DIR2_DATA_HDR;
	size_t end = fs->dirbs;
	if (block_form) {
		/* tail: {count, stale}; count leaf entries of 8 bytes before it */
		uint64_t count = gb_be32(blk + end - 8);
		if (count > (end - 8 - hdr) / 8)
			return gb_error(ctx, GB_E_CORRUPT, "directory inode %llu: %llu leaf entries",
					i, (unsigned long long)count);
		end = end - 8 - (size_t)count * 8;
	}
	size_t ft = fs->ftype ? 1 : 0;
	size_t pos = hdr;
	while (pos < end && !s->stop) {
		int r = count_entry(ctx, s);
		if (r)
			return r;
		const uint8_t *p = blk + pos;
		size_t entlen;
		if (end - pos >= 4 && gb_be16(p) == DIR_FREE_TAG) {
			entlen = gb_be16(p + 2);
			if (entlen < 8 || entlen % 8 || entlen > end - pos)
				return gb_error(ctx, GB_E_CORRUPT, "directory inode %llu: bad free space", i);
		} else {
			if (end - pos < 16)
				return gb_error(ctx, GB_E_CORRUPT, "directory inode %llu: entry past the end", i);
			size_t namelen = p[8];
			/* inumber, namelen, name, [ftype], tag; 8-byte aligned */
			entlen = (8 + 1 + namelen + ft + 2 + 7) & ~(size_t)7;
			if (namelen == 0 || entlen > end - pos ||
			    gb_be16(p + entlen - 2) != pos)
				return gb_error(ctx, GB_E_CORRUPT, "directory inode %llu: bad entry", i);
			if ((r = emit(ctx, s, p + 9, namelen, gb_be64(p),
				      ft ? p[9 + namelen] : -1)))
				return r;
		}
		pos += entlen;
	}
	return 0;
}

/* Every data block below the leaf offset, each once, in logical order. A
 * directory block may span extents (dirblklog > 0), so it is read through
 * the map. */
static int scan_blocks(struct gb_ctx *ctx, struct dir_scan *s)
{
	struct xfs_fs *fs = s->fs;
	struct xfs_node *d = s->dir;
	int r = load_map(ctx, fs, d);
	if (r)
		return r;
	uint64_t leaf_db = DIR2_LEAF_OFFSET >> (fs->blocklog + fs->dirblklog);
	uint8_t *blk = malloc(fs->dirbs);
	if (!blk)
		return gb_error(ctx, GB_E_NOMEM, "out of memory");
	uint64_t next_db = 0; /* first directory block not yet scanned */
	for (size_t k = 0; k < d->next && !r && !s->stop; k++) {
		const struct xfs_extent *e = &d->ext[k];
		uint64_t db = e->off >> fs->dirblklog;
		uint64_t last = (e->off + e->len - 1) >> fs->dirblklog;
		if (db < next_db)
			db = next_db;
		for (; db <= last && db < leaf_db && !r && !s->stop; db++) {
			if (++s->blocks > XFS_MAX_DIR_BYTES / fs->dirbs) {
				r = gb_error(ctx, GB_E_LIMIT, "directory inode %llu: more than %llu MiB of blocks",
					     (unsigned long long)d->ino, XFS_MAX_DIR_BYTES >> 20);
				break;
			}
			r = gb_fs_charge(ctx, &fs->base, fs->dirbs);
			if (!r)
				r = gb_fs_read_node(ctx, &fs->base, &d->base,
						    db << (fs->blocklog + fs->dirblklog), blk, fs->dirbs);
			if (!r)
				r = scan_data_block(ctx, s, blk, db == 0);
			next_db = db + 1;
		}
	}
	free(blk);
	return r;
}

static int scan_dir(struct gb_ctx *ctx, struct dir_scan *s)
{
	if (s->dir->base.st.type != GB_FT_DIR)
		return gb_error(ctx, GB_E_CORRUPT, "inode %llu is not a directory",
				(unsigned long long)s->dir->ino);
	if (s->dir->format == FMT_LOCAL)
		return scan_shortform(ctx, s);
	return scan_blocks(ctx, s);
}

static int xfs_lookup(struct gb_ctx *ctx, struct gb_fs *base, struct gb_node *dir,
		      const char *name, size_t len, struct gb_node **out)
{
	struct xfs_fs *fs = (struct xfs_fs *)base;
	struct dir_scan s = { .fs = fs, .dir = (struct xfs_node *)dir, .name = name, .len = len };
	int r = scan_dir(ctx, &s);
	if (r)
		return r;
	if (!s.stop)
		return GB_E_NOT_FOUND;
	return load_node(ctx, fs, s.found, out);
}

static int xfs_readdir(struct gb_ctx *ctx, struct gb_fs *base, struct gb_node *dir,
		       int (*fn)(void *arg, const struct gb_dirent *de), void *arg)
{
	struct dir_scan s = { .fs = (struct xfs_fs *)base, .dir = (struct xfs_node *)dir,
			      .fn = fn, .arg = arg };
	return scan_dir(ctx, &s);
}

const struct gb_fs_driver gb_fs_xfs = {
	.name = "xfs",
	.probe = xfs_probe,
	.mount = xfs_mount,
	.umount = xfs_umount,
	.root = xfs_root,
	.lookup = xfs_lookup,
	.readdir = xfs_readdir,
	.readlink = xfs_readlink,
	.extent = xfs_extent,
	.release = xfs_release,
};
