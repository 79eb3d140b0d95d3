/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* btrfs, read-only, written from btrfs-progs' On-disk-format.rst and the
 * kernel's btrfs_tree.h. Every byte is untrusted:
 *  - the superblock bootstraps the chunk map (sys_chunk_array), the chunk
 *    tree completes it; logical addresses map through it to this volume
 *    (single, DUP, RAID1/1C3/1C4: one copy is enough; striped and parity
 *    profiles and other devices are refused by name when first needed);
 *  - tree blocks are validated when read (address, fsid, level, item
 *    table) and descents go down one level at a time, so a walk is at most
 *    BTRFS_MAX_LEVEL blocks deep and cannot loop;
 *  - paths start in the top-level subvolume (5), as upstream GRUB reads
 *    them; a directory entry naming a subvolume root switches tree, so
 *    "/@/boot/vmlinuz" reads inside subvolume "@". The default subvolume
 *    (what the kernel mounts, and where openSUSE's GRUB starts paths) is
 *    told as its path from the top, built from the back references.
 * Checksums are not verified (GRUB does not either): a flipped bit in data
 * is returned as stored, a flipped bit in metadata fails validation or
 * reads as whatever the bytes say, within bounds. The log tree is not
 * replayed. */
#include "fs/fs.h"
#include "codec/lzo.h"

#include <stdio.h>
#include <stdlib.h>
#include <zlib.h>
#ifdef GB_HAVE_LIBDEFLATE
#include <libdeflate.h>
#endif
#include <zstd.h>

/* ---- limits ----------------------------------------------------------- */
#define NODE_CACHE_SLOTS 64            /* tree blocks kept: ≤ 4 MiB */
#define MAX_CHUNKS (1u << 16)          /* chunk map entries */
#define MAX_EXTENTS (1u << 19)         /* extent items of one file */
#define MAX_INLINE_TOTAL (1u << 22)    /* inline bytes kept for one file */
#define MAX_LEAF_VISITS (1u << 22)     /* leaves one walk may read */
#define MAX_DECOMPRESSED (128u << 10)  /* the format's own limit per extent */
#define MAX_COMPRESSED (128u << 10)    /* likewise on disk */
#define MAX_LEVEL 8                    /* BTRFS_MAX_LEVEL */
#define MAX_SUBVOL_NESTING 64          /* subvolumes above the default one */
#define ZSTD_WINDOW_LOG_MAX 20         /* btrfs writes at most 2^17 */

/* ---- superblock ------------------------------------------------------- */
#define SB_OFFSET 0x10000
#define SB_SIZE 4096
#define SB_FSID 0x20
#define SB_BYTENR 0x30
#define SB_MAGIC 0x40
#define SB_ROOT 0x50
#define SB_CHUNK_ROOT 0x58
#define SB_NUM_DEVICES 0x88
#define SB_SECTORSIZE 0x90
#define SB_NODESIZE 0x94
#define SB_SYS_ARRAY_SIZE 0xa0
#define SB_INCOMPAT 0xbc
#define SB_ROOT_LEVEL 0xc6
#define SB_CHUNK_ROOT_LEVEL 0xc7
#define SB_DEV_ITEM 0xc9
#define SB_LABEL 0x12b
#define SB_METADATA_UUID 0x23b
#define SB_SYS_ARRAY 0x32b
#define SYS_ARRAY_MAX 2048
#define DEV_ITEM_DEVID 0
#define DEV_ITEM_UUID 66
static const char btrfs_magic[8] = { '_', 'B', 'H', 'R', 'f', 'S', '_', 'M' };

/* ---- tree blocks ------------------------------------------------------ */
#define HDR_FSID 0x20
#define HDR_BYTENR 0x30
#define HDR_NRITEMS 0x60
#define HDR_LEVEL 0x64
#define HDR_SIZE 0x65
#define KEY_SIZE 17
#define ITEM_SIZE 25 /* key, data offset (from the header's end), size */
#define PTR_SIZE 33  /* key, child address, generation */

/* ---- keys and objects ------------------------------------------------- */
#define ROOT_TREE_ID 1
#define CHUNK_TREE_ID 3
#define FS_TREE_ID 5
#define FIRST_CHUNK_TREE_OBJECTID 256
#define ROOT_TREE_DIR_OBJECTID 6
#define TYPE_INODE_ITEM 1
#define TYPE_INODE_REF 12
#define TYPE_DIR_ITEM 84
#define TYPE_DIR_INDEX 96
#define TYPE_EXTENT_DATA 108
#define TYPE_ROOT_ITEM 132
#define TYPE_ROOT_BACKREF 144
#define TYPE_CHUNK_ITEM 228

#define INODE_SIZE_ 16
#define INODE_MODE 52
#define INODE_MTIME 136
#define INODE_ITEM_LEN 160
#define ROOT_DIRID 168
#define ROOT_BYTENR 176
#define ROOT_LEVEL 238
#define ROOT_ITEM_MIN 239

#define DIR_ITEM_HDR 30 /* location key, transid, data_len, name_len, type */
#define DIR_TYPE_REG 1
#define DIR_TYPE_DIR 2
#define DIR_TYPE_SYMLINK 7
#define NAME_MAX_ 255

#define CHUNK_ITEM_HDR 48
#define CHUNK_STRIPE 32
#define BG_RAID0 0x8u
#define BG_RAID1 0x10u
#define BG_DUP 0x20u
#define BG_RAID10 0x40u
#define BG_RAID5 0x80u
#define BG_RAID6 0x100u
#define BG_RAID1C3 0x200u
#define BG_RAID1C4 0x400u
#define BG_PROFILES 0x7f8u

#define FE_INLINE_DATA 21
#define FE_ITEM_LEN 53
#define FE_INLINE 0
#define FE_REG 1
#define FE_PREALLOC 2
#define COMP_NONE 0
#define COMP_ZLIB 1
#define COMP_LZO 2
#define COMP_ZSTD 3

/* Every incompatible feature bit defined so far, with our decision. The
 * compat_ro bits (free_space_tree, verity, block_group_tree) only matter to
 * writers and are not checked. */
static const struct gb_fs_feature incompat_features[] = {
	{ 1u << 0, "mixed_backref", true, NULL },
	{ 1u << 1, "default_subvol", true, NULL },
	{ 1u << 2, "mixed_groups", true, NULL },
	{ 1u << 3, "compress_lzo", true, NULL },
	{ 1u << 4, "compress_zstd", true, NULL },
	{ 1u << 5, "big_metadata", true, NULL },
	{ 1u << 6, "extended_iref", true, NULL },
	{ 1u << 7, "raid56", true, NULL },  /* its chunks are refused when read */
	{ 1u << 8, "skinny_metadata", true, NULL },
	{ 1u << 9, "no_holes", true, NULL },
	{ 1u << 10, "metadata_uuid", true, NULL },
	{ 1u << 11, "raid1c34", true, NULL },
	{ 1u << 12, "zoned", false, NULL },
	{ 1u << 13, "extent_tree_v2", false, NULL },
	{ 1u << 14, "raid_stripe_tree", false, NULL },
	{ 1u << 16, "simple_quota", true, NULL },
	{ 1u << 17, "remap_tree", false, NULL },
};
#define INCOMPAT_METADATA_UUID (1u << 10)

struct key {
	uint64_t objectid;
	uint8_t type;
	uint64_t offset;
};

struct tree {
	uint64_t id;
	uint64_t bytenr;
	uint8_t level;
};

enum chunk_state { CHUNK_OK, CHUNK_MISSING, CHUNK_PROFILE };

struct chunk {
	uint64_t logical, length;
	uint64_t phys;          /* of the copy on this device */
	uint64_t type;
	enum chunk_state state;
	uint64_t want_devid;    /* CHUNK_MISSING: the device it needs */
	uint8_t want_uuid[16];
};

struct cache_slot {
	bool valid;
	uint64_t logical;
	uint64_t stamp;
	uint8_t *buf;
};

struct btrfs_fs {
	struct gb_fs base;
	uint32_t sectorsize, nodesize;
	uint64_t num_devices, devid;
	uint8_t fsid[16], meta_fsid[16], dev_uuid[16];
	struct chunk *chunks; /* sorted by logical, disjoint */
	size_t nchunks, chunks_cap;
	struct cache_slot cache[NODE_CACHE_SLOTS];
	uint64_t clock;
	struct tree root_tree, chunk_tree, top;
	uint64_t top_dirid;
	char *default_path;   /* of the default subvolume, once asked */
	uint8_t *zbuf;        /* compressed bytes of one extent */
	ZSTD_DCtx *zstd;
#ifdef GB_HAVE_LIBDEFLATE
	struct libdeflate_decompressor *deflate;
#endif
};

struct extent {
	uint64_t file_off, len;   /* the file bytes it covers */
	uint64_t disk_bytenr;     /* 0: a hole */
	uint64_t disk_len;
	uint64_t data_off;        /* into the (decompressed) extent */
	uint64_t ram_bytes;
	uint8_t type, comp;
	uint32_t inline_len;
	uint8_t *inline_data;
};

struct btrfs_node {
	struct gb_node base;
	struct tree tree;
	uint64_t ino;
	bool extents_loaded;
	struct extent *ext;
	size_t next, ext_cap;
	size_t inline_total;
	/* The last decompressed extent, for sequential reads. */
	uint8_t *dcache;
	size_t dcache_idx;
	bool dcache_valid;
};

/* ---- small helpers ---------------------------------------------------- */

static void read_key(const uint8_t *p, struct key *k)
{
	k->objectid = gb_le64(p);
	k->type = p[8];
	k->offset = gb_le64(p + 9);
}

static int key_cmp(const struct key *a, const struct key *b)
{
	if (a->objectid != b->objectid)
		return a->objectid < b->objectid ? -1 : 1;
	if (a->type != b->type)
		return a->type < b->type ? -1 : 1;
	if (a->offset != b->offset)
		return a->offset < b->offset ? -1 : 1;
	return 0;
}

static bool is_pow2(uint64_t v)
{
	return v && !(v & (v - 1));
}

static unsigned long long ull(uint64_t v)
{
	return (unsigned long long)v;
}

/* What a node's st.ino is: the inode number in the top-level tree, the
 * tree id folded in elsewhere (inode numbers repeat across subvolumes). */
static uint64_t combined_ino(uint64_t tree, uint64_t ino)
{
	return tree == FS_TREE_ID ? ino : (tree << 40) ^ ino;
}

/* btrfs_name_hash: CRC-32C seeded with ~1, without the final inversion. */
static uint32_t name_hash(const char *name, size_t len)
{
	uint32_t crc = ~1u;
	for (size_t i = 0; i < len; i++) {
		crc ^= (uint8_t)name[i];
		for (int b = 0; b < 8; b++)
			crc = (crc >> 1) ^ (0x82F63B78u & (0u - (crc & 1u)));
	}
	return crc;
}

/* ---- superblock, probe ------------------------------------------------ */

static int read_super(struct gb_ctx *ctx, struct gb_volume *vol, uint8_t *sb)
{
	if (vol->size < SB_OFFSET + SB_SIZE)
		return GB_E_NOT_MINE;
	int r = gb_vol_read(ctx, vol, SB_OFFSET, sb, SB_SIZE);
	if (r)
		return r;
	if (memcmp(sb + SB_MAGIC, btrfs_magic, sizeof(btrfs_magic)))
		return GB_E_NOT_MINE;
	return 0;
}

static int btrfs_probe(struct gb_ctx *ctx, struct gb_volume *vol, struct gb_fs_probe *out)
{
	uint8_t *sb = malloc(SB_SIZE);
	if (!sb)
		return gb_error(ctx, GB_E_NOMEM, "out of memory");
	int r = read_super(ctx, vol, sb);
	if (r == 0) {
		snprintf(out->type, sizeof(out->type), "btrfs");
		gb_uuid_str(sb + SB_FSID, out->uuid);
		gb_copy_label(out->label, sizeof(out->label), sb + SB_LABEL, 256);
	}
	free(sb);
	return r;
}

static int check_features(struct gb_ctx *ctx, uint64_t incompat)
{
	return gb_fs_check_features(ctx, incompat_features,
				    sizeof(incompat_features) / sizeof(incompat_features[0]),
				    incompat);
}

/* Geometry that every later bound relies on. */
static int check_geometry(struct gb_ctx *ctx, const uint8_t *sb)
{
	uint32_t ss = gb_le32(sb + SB_SECTORSIZE), ns = gb_le32(sb + SB_NODESIZE);
	uint32_t sys = gb_le32(sb + SB_SYS_ARRAY_SIZE);
	if (gb_le64(sb + SB_BYTENR) != SB_OFFSET)
		return gb_error(ctx, GB_E_CORRUPT, "superblock says it is at %llu",
				ull(gb_le64(sb + SB_BYTENR)));
	if (!is_pow2(ss) || ss < 4096 || ss > 65536)
		return gb_error(ctx, GB_E_CORRUPT, "bad sector size %u", ss);
	if (!is_pow2(ns) || ns < ss || ns > 65536)
		return gb_error(ctx, GB_E_CORRUPT, "bad node size %u", ns);
	if (sys < KEY_SIZE + CHUNK_ITEM_HDR + CHUNK_STRIPE || sys > SYS_ARRAY_MAX)
		return gb_error(ctx, GB_E_CORRUPT, "bad sys_chunk_array size %u", sys);
	if (sb[SB_ROOT_LEVEL] >= MAX_LEVEL || sb[SB_CHUNK_ROOT_LEVEL] >= MAX_LEVEL)
		return gb_error(ctx, GB_E_CORRUPT, "tree root level out of range");
	if (gb_le64(sb + SB_NUM_DEVICES) == 0)
		return gb_error(ctx, GB_E_CORRUPT, "superblock counts no devices");
	return 0;
}

/* ---- chunk map -------------------------------------------------------- */

static const char *profile_name(uint64_t type)
{
	switch (type & BG_PROFILES) {
	case 0: return "single";
	case BG_RAID0: return "RAID0";
	case BG_RAID1: return "RAID1";
	case BG_DUP: return "DUP";
	case BG_RAID10: return "RAID10";
	case BG_RAID5: return "RAID5";
	case BG_RAID6: return "RAID6";
	case BG_RAID1C3: return "RAID1C3";
	case BG_RAID1C4: return "RAID1C4";
	default: return NULL; /* more than one profile bit */
	}
}

/* Whether one stripe holds every byte of the chunk. */
static bool profile_is_whole_copy(uint64_t type)
{
	uint64_t p = type & BG_PROFILES;
	return p == 0 || p == BG_RAID1 || p == BG_DUP || p == BG_RAID1C3 || p == BG_RAID1C4;
}

/* Where a chunk of logical address space would go in the sorted map. */
static size_t chunk_slot(const struct btrfs_fs *fs, uint64_t logical)
{
	size_t lo = 0, hi = fs->nchunks;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (fs->chunks[mid].logical <= logical)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo; /* the first chunk starting after logical */
}

static int add_chunk(struct gb_ctx *ctx, struct btrfs_fs *fs, const struct chunk *c)
{
	size_t i = chunk_slot(fs, c->logical);
	uint64_t end = c->logical + c->length; /* checked by the parser */
	if (i > 0) {
		const struct chunk *prev = &fs->chunks[i - 1];
		if (prev->logical == c->logical && prev->length == c->length)
			return 0; /* a sys_chunk_array chunk met again in the tree */
		if (prev->logical + prev->length > c->logical)
			return gb_error(ctx, GB_E_CORRUPT, "chunks at %llu and %llu overlap",
					ull(prev->logical), ull(c->logical));
	}
	if (i < fs->nchunks && fs->chunks[i].logical < end)
		return gb_error(ctx, GB_E_CORRUPT, "chunks at %llu and %llu overlap",
				ull(c->logical), ull(fs->chunks[i].logical));
	if (fs->nchunks == MAX_CHUNKS)
		return gb_error(ctx, GB_E_LIMIT, "more than %u chunks", MAX_CHUNKS);
	if (fs->nchunks == fs->chunks_cap) {
		size_t cap = fs->chunks_cap ? fs->chunks_cap * 2 : 64;
		struct chunk *n = realloc(fs->chunks, cap * sizeof(*n));
		if (!n)
			return gb_error(ctx, GB_E_NOMEM, "out of memory");
		fs->chunks = n;
		fs->chunks_cap = cap;
	}
	memmove(&fs->chunks[i + 1], &fs->chunks[i], (fs->nchunks - i) * sizeof(*c));
	fs->chunks[i] = *c;
	fs->nchunks++;
	return 0;
}

/* Decode a chunk item (avail bytes at p) for logical address `logical`;
 * *used is its length. The copy on this device is chosen now; a chunk we
 * cannot read is remembered as such and refused only when read. */
static int parse_chunk(struct gb_ctx *ctx, struct btrfs_fs *fs, uint64_t logical,
		       const uint8_t *p, size_t avail, size_t *used)
{
	if (avail < CHUNK_ITEM_HDR)
		return gb_error(ctx, GB_E_CORRUPT, "chunk item at %llu truncated", ull(logical));
	struct chunk c = { .logical = logical, .length = gb_le64(p), .type = gb_le64(p + 24) };
	uint16_t nstripes = gb_le16(p + 44);
	uint64_t end;
	if (nstripes == 0 || (size_t)CHUNK_ITEM_HDR + (size_t)nstripes * CHUNK_STRIPE > avail)
		return gb_error(ctx, GB_E_CORRUPT, "chunk at %llu: %u stripes do not fit",
				ull(logical), nstripes);
	if (c.length == 0 || !gb_add_ok(logical, c.length, &end))
		return gb_error(ctx, GB_E_CORRUPT, "chunk at %llu: bad length", ull(logical));
	if (!profile_name(c.type))
		return gb_error(ctx, GB_E_CORRUPT, "chunk at %llu: several profiles 0x%llx",
				ull(logical), ull(c.type & BG_PROFILES));
	*used = CHUNK_ITEM_HDR + (size_t)nstripes * CHUNK_STRIPE;
	if (!profile_is_whole_copy(c.type)) {
		c.state = CHUNK_PROFILE;
		return add_chunk(ctx, fs, &c);
	}
	c.state = CHUNK_MISSING;
	c.want_devid = gb_le64(p + CHUNK_ITEM_HDR);
	memcpy(c.want_uuid, p + CHUNK_ITEM_HDR + 16, 16);
	for (uint16_t s = 0; s < nstripes; s++) {
		const uint8_t *st = p + CHUNK_ITEM_HDR + (size_t)s * CHUNK_STRIPE;
		if (gb_le64(st) == fs->devid && !memcmp(st + 16, fs->dev_uuid, 16)) {
			c.state = CHUNK_OK;
			c.phys = gb_le64(st + 8);
			break;
		}
	}
	return add_chunk(ctx, fs, &c);
}

static int load_sys_chunks(struct gb_ctx *ctx, struct btrfs_fs *fs, const uint8_t *sb)
{
	const uint8_t *a = sb + SB_SYS_ARRAY;
	size_t size = gb_le32(sb + SB_SYS_ARRAY_SIZE), pos = 0;
	/* Each entry takes at least 17 + 48 + 32 bytes: bounded. */
	while (pos < size) {
		struct key k;
		size_t used;
		if (size - pos < KEY_SIZE)
			return gb_error(ctx, GB_E_CORRUPT, "sys_chunk_array: truncated key");
		read_key(a + pos, &k);
		if (k.type != TYPE_CHUNK_ITEM)
			return gb_error(ctx, GB_E_CORRUPT, "sys_chunk_array: item type %u", k.type);
		pos += KEY_SIZE;
		int r = parse_chunk(ctx, fs, k.offset, a + pos, size - pos, &used);
		if (r)
			return r;
		pos += used;
	}
	return 0;
}

static int chunk_unreadable(struct gb_ctx *ctx, const struct btrfs_fs *fs,
			    const struct chunk *c)
{
	if (c->state == CHUNK_PROFILE)
		return gb_error(ctx, GB_E_UNSUPPORTED, "chunk at %llu uses the %s profile",
				ull(c->logical), profile_name(c->type));
	char uuid[37];
	gb_uuid_str(c->want_uuid, uuid);
	return gb_error(ctx, GB_E_NOT_FOUND,
			"missing device: chunk at %llu is on devid %llu (UUID %s); this volume "
			"is devid %llu of %llu", ull(c->logical), ull(c->want_devid), uuid,
			ull(fs->devid), ull(fs->num_devices));
}

/* Where logical lies on this volume (*phys), and how many of len bytes
 * follow it inside its chunk (*n). */
static int map_logical(struct gb_ctx *ctx, struct btrfs_fs *fs, uint64_t logical, uint64_t len,
		       uint64_t *phys, uint64_t *n)
{
	size_t i = chunk_slot(fs, logical);
	const struct chunk *c = i ? &fs->chunks[i - 1] : NULL;
	if (!c || logical - c->logical >= c->length)
		return gb_error(ctx, GB_E_CORRUPT, "logical address %llu is in no chunk",
				ull(logical));
	if (c->state != CHUNK_OK)
		return chunk_unreadable(ctx, fs, c);
	uint64_t in = logical - c->logical;
	*n = c->length - in < len ? c->length - in : len;
	if (!gb_add_ok(c->phys, in, phys) || !gb_range_ok(*phys, *n, fs->base.vol->size))
		return gb_error(ctx, GB_E_CORRUPT,
				"chunk at %llu points past the end of the volume",
				ull(c->logical));
	return 0;
}

/* Read len bytes at a logical address, chunk by chunk. */
static int read_logical(struct gb_ctx *ctx, struct btrfs_fs *fs, uint64_t logical,
			void *buf, size_t len)
{
	uint8_t *out = buf;
	/* Each round ends a chunk or the request: bounded by the map. */
	while (len) {
		uint64_t phys, n;
		int r = map_logical(ctx, fs, logical, len, &phys, &n);
		if (!r)
			r = gb_vol_read(ctx, fs->base.vol, phys, out, (size_t)n);
		if (r)
			return r;
		out += n;
		logical += n;
		len -= (size_t)n;
	}
	return 0;
}

/* ---- tree blocks ------------------------------------------------------ */

static int check_leaf(struct gb_ctx *ctx, const struct btrfs_fs *fs, uint64_t at,
		      const uint8_t *b, uint32_t n)
{
	uint32_t data = fs->nodesize - HDR_SIZE;
	if (n > data / ITEM_SIZE)
		return gb_error(ctx, GB_E_CORRUPT, "tree block at %llu: %u items", ull(at), n);
	struct key prev = { 0 }, k;
	for (uint32_t i = 0; i < n; i++) {
		const uint8_t *it = b + HDR_SIZE + (size_t)i * ITEM_SIZE;
		uint32_t off = gb_le32(it + KEY_SIZE), size = gb_le32(it + KEY_SIZE + 4);
		read_key(it, &k);
		if (i && key_cmp(&prev, &k) >= 0)
			return gb_error(ctx, GB_E_CORRUPT, "tree block at %llu: keys out of order",
					ull(at));
		/* Data lies after the item table and inside the block. */
		if (off < n * ITEM_SIZE || !gb_range_ok(off, size, data))
			return gb_error(ctx, GB_E_CORRUPT, "tree block at %llu: item %u outside the block",
					ull(at), i);
		prev = k;
	}
	return 0;
}

static int check_internal(struct gb_ctx *ctx, const struct btrfs_fs *fs, uint64_t at,
			  const uint8_t *b, uint32_t n)
{
	if (n == 0 || n > (fs->nodesize - HDR_SIZE) / PTR_SIZE)
		return gb_error(ctx, GB_E_CORRUPT, "tree block at %llu: %u pointers", ull(at), n);
	struct key prev = { 0 }, k;
	for (uint32_t i = 0; i < n; i++) {
		const uint8_t *p = b + HDR_SIZE + (size_t)i * PTR_SIZE;
		read_key(p, &k);
		if (i && key_cmp(&prev, &k) >= 0)
			return gb_error(ctx, GB_E_CORRUPT, "tree block at %llu: keys out of order",
					ull(at));
		if (gb_le64(p + KEY_SIZE) % fs->sectorsize)
			return gb_error(ctx, GB_E_CORRUPT, "tree block at %llu: misaligned child",
					ull(at));
		prev = k;
	}
	return 0;
}

static int check_block(struct gb_ctx *ctx, const struct btrfs_fs *fs, uint64_t at,
		       const uint8_t *b)
{
	if (gb_le64(b + HDR_BYTENR) != at)
		return gb_error(ctx, GB_E_CORRUPT, "tree block at %llu says it is at %llu",
				ull(at), ull(gb_le64(b + HDR_BYTENR)));
	if (memcmp(b + HDR_FSID, fs->meta_fsid, 16))
		return gb_error(ctx, GB_E_CORRUPT, "tree block at %llu: wrong fsid", ull(at));
	if (b[HDR_LEVEL] >= MAX_LEVEL)
		return gb_error(ctx, GB_E_CORRUPT, "tree block at %llu: level %u", ull(at),
				b[HDR_LEVEL]);
	uint32_t n = gb_le32(b + HDR_NRITEMS);
	return b[HDR_LEVEL] ? check_internal(ctx, fs, at, b, n) : check_leaf(ctx, fs, at, b, n);
}

/* A validated tree block; the pointer is good until the next call. */
static int read_block(struct gb_ctx *ctx, struct btrfs_fs *fs, uint64_t at,
		      const uint8_t **out)
{
	struct cache_slot *victim = &fs->cache[0];
	for (size_t i = 0; i < NODE_CACHE_SLOTS; i++) {
		struct cache_slot *s = &fs->cache[i];
		if (s->valid && s->logical == at) {
			s->stamp = ++fs->clock;
			*out = s->buf;
			return 0;
		}
		if (!s->valid || (victim->valid && s->stamp < victim->stamp))
			victim = s;
	}
	if (at == 0 || at % fs->sectorsize)
		return gb_error(ctx, GB_E_CORRUPT, "tree block address %llu is misaligned", ull(at));
	if (!victim->buf && !(victim->buf = malloc(fs->nodesize)))
		return gb_error(ctx, GB_E_NOMEM, "out of memory");
	victim->valid = false;
	int r = gb_fs_charge(ctx, &fs->base, fs->nodesize);
	if (!r)
		r = read_logical(ctx, fs, at, victim->buf, fs->nodesize);
	if (r || (r = check_block(ctx, fs, at, victim->buf)))
		return r;
	victim->valid = true;
	victim->logical = at;
	victim->stamp = ++fs->clock;
	*out = victim->buf;
	return 0;
}

static void node_key(const uint8_t *b, uint32_t i, struct key *k)
{
	size_t stride = b[HDR_LEVEL] ? PTR_SIZE : ITEM_SIZE;
	read_key(b + HDR_SIZE + (size_t)i * stride, k);
}

/* The last pointer whose key is <= target (0 when all are greater). */
static uint32_t last_le(const uint8_t *b, uint32_t n, const struct key *target)
{
	uint32_t lo = 0, hi = n;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		struct key k;
		node_key(b, mid, &k);
		if (key_cmp(&k, target) <= 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo ? lo - 1 : 0;
}

/* The first item whose key is >= target (n when none). */
static uint32_t first_ge(const uint8_t *b, uint32_t n, const struct key *target)
{
	uint32_t lo = 0, hi = n;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		struct key k;
		node_key(b, mid, &k);
		if (key_cmp(&k, target) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* A child's keys must lie inside the range its parent gave it. */
static int check_child_range(struct gb_ctx *ctx, uint64_t at, const uint8_t *b,
			     const struct key *lo, const struct key *hi)
{
	uint32_t n = gb_le32(b + HDR_NRITEMS);
	struct key first, last;
	if (n == 0)
		return gb_error(ctx, GB_E_CORRUPT, "tree block at %llu: empty below a parent",
				ull(at));
	node_key(b, 0, &first);
	node_key(b, n - 1, &last);
	if (key_cmp(&first, lo) < 0 || (hi && key_cmp(&last, hi) >= 0))
		return gb_error(ctx, GB_E_CORRUPT, "tree block at %llu: keys outside its parent's range",
				ull(at));
	return 0;
}

/* Descend from the root to the leaf that would hold `target`, copying it
 * to leaf. *next is the first key of the subtree right of that leaf, when
 * there is one. Levels must go down by one per step: no loops. */
static int descend(struct gb_ctx *ctx, struct btrfs_fs *fs, const struct tree *t,
		   const struct key *target, uint8_t *leaf, struct key *next, bool *has_next)
{
	uint64_t at = t->bytenr;
	unsigned level = t->level;
	struct key lo = { 0 }, hi = { 0 };
	bool bounded = false, has_hi = false;
	*has_next = false;
	for (;;) {
		const uint8_t *b = NULL;
		int r = read_block(ctx, fs, at, &b);
		if (r)
			return r;
		if (b[HDR_LEVEL] != level)
			return gb_error(ctx, GB_E_CORRUPT, "tree block at %llu: level %u, expected %u",
					ull(at), b[HDR_LEVEL], level);
		if (bounded && (r = check_child_range(ctx, at, b, &lo, has_hi ? &hi : NULL)))
			return r;
		uint32_t n = gb_le32(b + HDR_NRITEMS);
		if (level == 0) {
			memcpy(leaf, b, fs->nodesize);
			return 0;
		}
		uint32_t slot = last_le(b, n, target);
		if (slot + 1 < n) {
			node_key(b, slot + 1, &hi);
			*next = hi;
			*has_next = has_hi = true;
		}
		node_key(b, slot, &lo);
		bounded = true;
		at = gb_le64(b + HDR_SIZE + (size_t)slot * PTR_SIZE + KEY_SIZE);
		level--;
	}
}

/* Called per item: 0 goes on, 1 stops, negative is an error. */
typedef int (*item_fn)(struct gb_ctx *ctx, void *arg, const struct key *k,
		       const uint8_t *data, uint32_t size);

/* Visit the items with from <= key <= to, in key order. */
static int tree_walk(struct gb_ctx *ctx, struct btrfs_fs *fs, const struct tree *t,
		     const struct key *from, const struct key *to, item_fn fn, void *arg)
{
	uint8_t *leaf = malloc(fs->nodesize);
	if (!leaf)
		return gb_error(ctx, GB_E_NOMEM, "out of memory");
	struct key cur = *from;
	int r = 0;
	for (unsigned visits = 0;; visits++) {
		struct key next;
		bool has_next;
		if (visits == MAX_LEAF_VISITS) {
			r = gb_error(ctx, GB_E_LIMIT, "more than %u tree leaves in one walk",
				     MAX_LEAF_VISITS);
			break;
		}
		if ((r = descend(ctx, fs, t, &cur, leaf, &next, &has_next)))
			break;
		uint32_t n = gb_le32(leaf + HDR_NRITEMS);
		for (uint32_t i = first_ge(leaf, n, &cur); i < n && r == 0; i++) {
			const uint8_t *it = leaf + HDR_SIZE + (size_t)i * ITEM_SIZE;
			struct key k;
			read_key(it, &k);
			if (key_cmp(&k, to) > 0) {
				r = 1;
				break;
			}
			r = fn(ctx, arg, &k, leaf + HDR_SIZE + gb_le32(it + KEY_SIZE),
			       gb_le32(it + KEY_SIZE + 4));
		}
		/* next is strictly greater than cur: the walk moves forward. */
		if (r || !has_next || key_cmp(&next, to) > 0)
			break;
		cur = next;
	}
	free(leaf);
	return r < 0 ? r : 0;
}

struct item_copy {
	uint8_t *buf;
	size_t cap, len;
	bool found;
};

static int copy_item(struct gb_ctx *ctx, void *arg, const struct key *k,
		     const uint8_t *data, uint32_t size)
{
	(void)ctx, (void)k;
	struct item_copy *c = arg;
	c->len = size < c->cap ? size : c->cap;
	memcpy(c->buf, data, c->len);
	c->found = true;
	return 1;
}

/* Copy the item with exactly key k (up to cap bytes); GB_E_NOT_FOUND,
 * unrecorded, when there is none. */
static int get_item(struct gb_ctx *ctx, struct btrfs_fs *fs, const struct tree *t,
		    const struct key *k, uint8_t *buf, size_t cap, size_t *len)
{
	struct item_copy c = { .buf = buf, .cap = cap };
	int r = tree_walk(ctx, fs, t, k, k, copy_item, &c);
	if (r)
		return r;
	if (!c.found)
		return GB_E_NOT_FOUND;
	*len = c.len;
	return 0;
}

/* ---- roots ------------------------------------------------------------ */

struct root_find {
	uint8_t item[ROOT_ITEM_MIN];
	size_t len;
	bool found;
};

/* Keep the last ROOT_ITEM of the object: a snapshot's offset is its
 * generation, and the newest one is the live root. */
static int keep_root(struct gb_ctx *ctx, void *arg, const struct key *k,
		     const uint8_t *data, uint32_t size)
{
	(void)ctx, (void)k;
	struct root_find *f = arg;
	f->len = size < ROOT_ITEM_MIN ? size : ROOT_ITEM_MIN;
	memcpy(f->item, data, f->len);
	f->found = true;
	return 0;
}

static int find_root(struct gb_ctx *ctx, struct btrfs_fs *fs, uint64_t id,
		     struct tree *t, uint64_t *dirid)
{
	struct key from = { id, TYPE_ROOT_ITEM, 0 }, to = { id, TYPE_ROOT_ITEM, UINT64_MAX };
	struct root_find f = { .found = false };
	int r = tree_walk(ctx, fs, &fs->root_tree, &from, &to, keep_root, &f);
	if (r)
		return r;
	if (!f.found)
		return gb_error(ctx, GB_E_NOT_FOUND, "tree %llu has no root item", ull(id));
	if (f.len < ROOT_ITEM_MIN)
		return gb_error(ctx, GB_E_CORRUPT, "root item of tree %llu truncated", ull(id));
	t->id = id;
	t->bytenr = gb_le64(f.item + ROOT_BYTENR);
	t->level = f.item[ROOT_LEVEL];
	*dirid = gb_le64(f.item + ROOT_DIRID);
	if (t->level >= MAX_LEVEL)
		return gb_error(ctx, GB_E_CORRUPT, "root of tree %llu: level %u", ull(id), t->level);
	return 0;
}

/* ---- mount ------------------------------------------------------------ */

static int add_tree_chunk(struct gb_ctx *ctx, void *arg, const struct key *k,
			  const uint8_t *data, uint32_t size)
{
	size_t used;
	return parse_chunk(ctx, arg, k->offset, data, size, &used);
}

static int load_chunk_tree(struct gb_ctx *ctx, struct btrfs_fs *fs)
{
	struct key from = { FIRST_CHUNK_TREE_OBJECTID, TYPE_CHUNK_ITEM, 0 };
	struct key to = { FIRST_CHUNK_TREE_OBJECTID, TYPE_CHUNK_ITEM, UINT64_MAX };
	return tree_walk(ctx, fs, &fs->chunk_tree, &from, &to, add_tree_chunk, fs);
}

static void btrfs_umount(struct gb_fs *base)
{
	struct btrfs_fs *fs = (struct btrfs_fs *)base;
	for (size_t i = 0; i < NODE_CACHE_SLOTS; i++)
		free(fs->cache[i].buf);
	free(fs->chunks);
	free(fs->default_path);
	free(fs->zbuf);
	ZSTD_freeDCtx(fs->zstd);
#ifdef GB_HAVE_LIBDEFLATE
	libdeflate_free_decompressor(fs->deflate);
#endif
	free(fs);
}

static int setup_fs(struct gb_ctx *ctx, struct btrfs_fs *fs, const uint8_t *sb)
{
	fs->sectorsize = gb_le32(sb + SB_SECTORSIZE);
	fs->nodesize = gb_le32(sb + SB_NODESIZE);
	fs->num_devices = gb_le64(sb + SB_NUM_DEVICES);
	fs->devid = gb_le64(sb + SB_DEV_ITEM + DEV_ITEM_DEVID);
	memcpy(fs->fsid, sb + SB_FSID, 16);
	memcpy(fs->dev_uuid, sb + SB_DEV_ITEM + DEV_ITEM_UUID, 16);
	/* With metadata_uuid, tree blocks carry that one instead. */
	memcpy(fs->meta_fsid, gb_le64(sb + SB_INCOMPAT) & INCOMPAT_METADATA_UUID ?
	       sb + SB_METADATA_UUID : sb + SB_FSID, 16);
	fs->root_tree = (struct tree){ ROOT_TREE_ID, gb_le64(sb + SB_ROOT), sb[SB_ROOT_LEVEL] };
	fs->chunk_tree = (struct tree){ CHUNK_TREE_ID, gb_le64(sb + SB_CHUNK_ROOT),
					sb[SB_CHUNK_ROOT_LEVEL] };
	fs->zbuf = malloc(MAX_COMPRESSED);
	if (!fs->zbuf)
		return gb_error(ctx, GB_E_NOMEM, "out of memory");
	fs->zstd = ZSTD_createDCtx();
	if (!fs->zstd)
		return gb_error(ctx, GB_E_NOMEM, "out of memory");
	if (ZSTD_isError(ZSTD_DCtx_setParameter(fs->zstd, ZSTD_d_windowLogMax,
						 ZSTD_WINDOW_LOG_MAX)))
		return gb_error(ctx, GB_E_NOMEM, "zstd: cannot set the window limit");
	int r = load_sys_chunks(ctx, fs, sb);
	if (r || (r = load_chunk_tree(ctx, fs)))
		return r;
	r = find_root(ctx, fs, FS_TREE_ID, &fs->top, &fs->top_dirid);
	if (r == GB_E_NOT_FOUND)
		r = gb_error(ctx, GB_E_CORRUPT, "no top-level subvolume");
	return r;
}

static int btrfs_mount(struct gb_ctx *ctx, struct gb_volume *vol, struct gb_fs **out)
{
	uint8_t *sb = malloc(SB_SIZE);
	if (!sb)
		return gb_error(ctx, GB_E_NOMEM, "out of memory");
	int r = read_super(ctx, vol, sb);
	if (r == GB_E_NOT_MINE)
		r = gb_error(ctx, GB_E_CORRUPT, "bad superblock");
	if (r || (r = check_geometry(ctx, sb)) ||
	    (r = check_features(ctx, gb_le64(sb + SB_INCOMPAT)))) {
		free(sb);
		return r;
	}
	struct btrfs_fs *fs = calloc(1, sizeof(*fs));
	if (!fs) {
		free(sb);
		return gb_error(ctx, GB_E_NOMEM, "out of memory");
	}
	fs->base.vol = vol;
	r = setup_fs(ctx, fs, sb);
	free(sb);
	if (r) {
		btrfs_umount(&fs->base);
		return r;
	}
	*out = &fs->base;
	return 0;
}

/* ---- nodes ------------------------------------------------------------ */

static int load_node(struct gb_ctx *ctx, struct btrfs_fs *fs, const struct tree *t,
		     uint64_t ino, struct gb_node **out)
{
	uint8_t item[INODE_ITEM_LEN];
	size_t len;
	struct key k = { ino, TYPE_INODE_ITEM, 0 };
	int r = get_item(ctx, fs, t, &k, item, sizeof(item), &len);
	if (r == GB_E_NOT_FOUND)
		return gb_error(ctx, GB_E_CORRUPT, "tree %llu: inode %llu has no inode item",
				ull(t->id), ull(ino));
	if (r)
		return r;
	if (len < INODE_ITEM_LEN)
		return gb_error(ctx, GB_E_CORRUPT, "tree %llu: inode %llu truncated",
				ull(t->id), ull(ino));
	struct btrfs_node *n = calloc(1, sizeof(*n));
	if (!n)
		return gb_error(ctx, GB_E_NOMEM, "out of memory");
	uint32_t mode = gb_le32(item + INODE_MODE);
	n->tree = *t;
	n->ino = ino;
	n->base.st.type = gb_mode_type(mode);
	n->base.st.mode = mode & 07777;
	n->base.st.size = gb_le64(item + INODE_SIZE_);
	n->base.st.mtime = (int64_t)gb_le64(item + INODE_MTIME);
	n->base.st.ino = combined_ino(t->id, ino);
	*out = &n->base;
	return 0;
}

static int btrfs_root(struct gb_ctx *ctx, struct gb_fs *base, struct gb_node **out)
{
	struct btrfs_fs *fs = (struct btrfs_fs *)base;
	return load_node(ctx, fs, &fs->top, fs->top_dirid, out);
}

static void btrfs_release(struct gb_fs *base, struct gb_node *node)
{
	(void)base;
	struct btrfs_node *n = (struct btrfs_node *)node;
	for (size_t i = 0; i < n->next; i++)
		free(n->ext[i].inline_data);
	free(n->ext);
	free(n->dcache);
	free(n);
}

/* ---- directories ------------------------------------------------------ */

struct dir_entry {
	struct key loc;
	uint8_t type;
	const uint8_t *name;
	uint16_t name_len;
};

/* One directory entry at p; *used is its length. */
static int parse_dir_entry(struct gb_ctx *ctx, const uint8_t *p, size_t avail,
			   struct dir_entry *e, size_t *used)
{
	if (avail < DIR_ITEM_HDR)
		return gb_error(ctx, GB_E_CORRUPT, "directory item truncated");
	read_key(p, &e->loc);
	uint16_t data_len = gb_le16(p + 25);
	e->name_len = gb_le16(p + 27);
	e->type = p[29];
	e->name = p + DIR_ITEM_HDR;
	*used = (size_t)DIR_ITEM_HDR + e->name_len + data_len;
	if (*used > avail)
		return gb_error(ctx, GB_E_CORRUPT, "directory item longer than its item");
	if (e->name_len == 0 || e->name_len > NAME_MAX_ || memchr(e->name, '/', e->name_len) ||
	    memchr(e->name, '\0', e->name_len))
		return gb_error(ctx, GB_E_CORRUPT, "directory entry with a bad name");
	return 0;
}

/* The node a directory entry names: an inode of the same tree, or the root
 * directory of another subvolume. */
static int entry_node(struct gb_ctx *ctx, struct btrfs_fs *fs, const struct tree *t,
		      const struct dir_entry *e, struct gb_node **out)
{
	if (e->loc.type == TYPE_INODE_ITEM)
		return load_node(ctx, fs, t, e->loc.objectid, out);
	if (e->loc.type != TYPE_ROOT_ITEM)
		return gb_error(ctx, GB_E_CORRUPT, "directory entry points to item type %u",
				e->loc.type);
	struct tree sub;
	uint64_t dirid;
	int r = find_root(ctx, fs, e->loc.objectid, &sub, &dirid);
	if (r)
		return r;
	return load_node(ctx, fs, &sub, dirid, out);
}

static int btrfs_lookup(struct gb_ctx *ctx, struct gb_fs *base, struct gb_node *dir,
			const char *name, size_t len, struct gb_node **out)
{
	struct btrfs_fs *fs = (struct btrfs_fs *)base;
	struct btrfs_node *d = (struct btrfs_node *)dir;
	if (len == 0 || len > NAME_MAX_)
		return GB_E_NOT_FOUND;
	struct key k = { d->ino, TYPE_DIR_ITEM, name_hash(name, len) };
	uint8_t *item = malloc(fs->nodesize);
	if (!item)
		return gb_error(ctx, GB_E_NOMEM, "out of memory");
	size_t ilen, pos = 0;
	int r = get_item(ctx, fs, &d->tree, &k, item, fs->nodesize, &ilen);
	/* Names whose hashes collide share one item: each entry is checked. */
	while (r == 0) {
		struct dir_entry e;
		size_t used;
		if (pos >= ilen) {
			r = GB_E_NOT_FOUND;
			break;
		}
		if ((r = parse_dir_entry(ctx, item + pos, ilen - pos, &e, &used)))
			break;
		if (e.name_len == len && !memcmp(e.name, name, len)) {
			r = entry_node(ctx, fs, &d->tree, &e, out);
			break;
		}
		pos += used;
	}
	free(item);
	return r;
}

struct readdir_walk {
	const struct tree *tree;
	int (*fn)(void *arg, const struct gb_dirent *de);
	void *arg;
};

static enum gb_ftype entry_type(const struct dir_entry *e)
{
	if (e->loc.type == TYPE_ROOT_ITEM)
		return GB_FT_DIR;
	switch (e->type) {
	case DIR_TYPE_REG: return GB_FT_REG;
	case DIR_TYPE_DIR: return GB_FT_DIR;
	case DIR_TYPE_SYMLINK: return GB_FT_LNK;
	default: return GB_FT_OTHER;
	}
}

static int emit_entry(struct gb_ctx *ctx, void *arg, const struct key *k,
		      const uint8_t *data, uint32_t size)
{
	(void)k;
	struct readdir_walk *w = arg;
	struct dir_entry e;
	size_t used;
	int r = parse_dir_entry(ctx, data, size, &e, &used);
	if (r)
		return r;
	char name[NAME_MAX_ + 1];
	if (!gb_copy_str(name, sizeof(name), e.name, e.name_len))
		return gb_error(ctx, GB_E_CORRUPT, "directory entry name of %u bytes (limit %d)",
				(unsigned)e.name_len, NAME_MAX_);
	/* A subvolume's root directory is inode 256 of its own tree. */
	uint64_t ino = e.loc.type == TYPE_ROOT_ITEM ?
		combined_ino(e.loc.objectid, FIRST_CHUNK_TREE_OBJECTID) :
		combined_ino(w->tree->id, e.loc.objectid);
	struct gb_dirent de = { .name = name, .type = entry_type(&e), .ino = ino };
	return w->fn(w->arg, &de) ? 1 : 0;
}

/* DIR_INDEX items list a directory in creation order, one entry each. */
static int btrfs_readdir(struct gb_ctx *ctx, struct gb_fs *base, struct gb_node *dir,
			 int (*fn)(void *arg, const struct gb_dirent *de), void *arg)
{
	struct btrfs_node *d = (struct btrfs_node *)dir;
	struct key from = { d->ino, TYPE_DIR_INDEX, 0 };
	struct key to = { d->ino, TYPE_DIR_INDEX, UINT64_MAX };
	struct readdir_walk w = { .tree = &d->tree, .fn = fn, .arg = arg };
	return tree_walk(ctx, (struct btrfs_fs *)base, &d->tree, &from, &to, emit_entry, &w);
}

/* ---- the default subvolume --------------------------------------------- */

struct first_ref {
	uint64_t offset; /* the key's: the parent (subvolume or directory) */
	uint8_t item[NAME_MAX_ + 18];
	size_t len;
	bool found;
};

static int keep_first(struct gb_ctx *ctx, void *arg, const struct key *k,
		      const uint8_t *data, uint32_t size)
{
	(void)ctx;
	struct first_ref *f = arg;
	f->offset = k->offset;
	f->len = size < sizeof(f->item) ? size : sizeof(f->item);
	memcpy(f->item, data, f->len);
	f->found = true;
	return 1;
}

/* The first reference item (objectid, type, any offset) of tree t: its
 * name is at name_at, after which a little-endian 16-bit length. */
static int first_ref(struct gb_ctx *ctx, struct btrfs_fs *fs, const struct tree *t,
		     uint64_t objectid, uint8_t type, size_t len_at, struct first_ref *f,
		     const uint8_t **name, size_t *name_len)
{
	struct key from = { objectid, type, 0 }, to = { objectid, type, UINT64_MAX };
	*f = (struct first_ref){ .found = false };
	int r = tree_walk(ctx, fs, t, &from, &to, keep_first, f);
	if (r)
		return r;
	if (!f->found)
		return gb_error(ctx, GB_E_CORRUPT, "tree %llu: object %llu has no back reference",
				ull(t->id), ull(objectid));
	if (f->len < len_at + 2)
		return gb_error(ctx, GB_E_CORRUPT, "tree %llu: reference of %llu truncated",
				ull(t->id), ull(objectid));
	*name_len = gb_le16(f->item + len_at);
	*name = f->item + len_at + 2;
	if (!*name_len || *name_len > NAME_MAX_ || len_at + 2 + *name_len > f->len ||
	    memchr(*name, '/', *name_len) || memchr(*name, '\0', *name_len))
		return gb_error(ctx, GB_E_CORRUPT, "tree %llu: reference of %llu has a bad name",
				ull(t->id), ull(objectid));
	return 0;
}

/* Put "/name" before the path built backwards at buf + *start. */
static int prepend(struct gb_ctx *ctx, char *buf, size_t *start, const uint8_t *name, size_t n)
{
	if (n + 1 > *start)
		return gb_error(ctx, GB_E_LIMIT, "default subvolume path longer than %d bytes",
				GB_PATH_MAX);
	*start -= n;
	memcpy(buf + *start, name, n);
	buf[--*start] = '/';
	return 0;
}

/* The subvolume the "default" entry of the root tree's directory names;
 * the top level (5) when it names none, as the kernel mounts then. */
static int default_subvol_id(struct gb_ctx *ctx, struct btrfs_fs *fs, uint64_t *id)
{
	*id = FS_TREE_ID;
	struct key k = { ROOT_TREE_DIR_OBJECTID, TYPE_DIR_ITEM, name_hash("default", 7) };
	uint8_t *item = malloc(fs->nodesize);
	if (!item)
		return gb_error(ctx, GB_E_NOMEM, "out of memory");
	size_t ilen, pos = 0, used;
	int r = get_item(ctx, fs, &fs->root_tree, &k, item, fs->nodesize, &ilen);
	for (struct dir_entry e; r == 0 && pos < ilen; pos += used) {
		if ((r = parse_dir_entry(ctx, item + pos, ilen - pos, &e, &used)))
			break;
		if (e.name_len == 7 && !memcmp(e.name, "default", 7) && e.loc.type == TYPE_ROOT_ITEM) {
			*id = e.loc.objectid;
			break;
		}
	}
	free(item);
	return r == GB_E_NOT_FOUND ? 0 : r;
}

/* The path from the top level to subvolume id: its back reference (in the
 * root tree) names it in a directory of the parent subvolume, whose inode
 * references lead up to the parent's root; and so on up to the top. */
static int subvol_path(struct gb_ctx *ctx, struct btrfs_fs *fs, uint64_t id, char *buf,
		       size_t *start)
{
	struct first_ref f;
	const uint8_t *name;
	size_t n;
	for (unsigned depth = 0; id != FS_TREE_ID; depth++) {
		if (depth == MAX_SUBVOL_NESTING)
			return gb_error(ctx, GB_E_CORRUPT, "subvolumes nested deeper than %u",
					MAX_SUBVOL_NESTING);
		/* root_ref: dirid, sequence, name_len, name */
		int r = first_ref(ctx, fs, &fs->root_tree, id, TYPE_ROOT_BACKREF, 16, &f, &name, &n);
		if (r || (r = prepend(ctx, buf, start, name, n)))
			return r;
		uint64_t dir = gb_le64(f.item), parent = f.offset, parent_root;
		struct tree pt;
		if ((r = find_root(ctx, fs, parent, &pt, &parent_root)))
			return r;
		for (unsigned steps = 0; dir != parent_root; steps++) {
			if (steps == GB_PATH_MAX_DEPTH)
				return gb_error(ctx, GB_E_CORRUPT, "tree %llu: directory %llu is deeper than %d",
						ull(parent), ull(dir), GB_PATH_MAX_DEPTH);
			/* inode_ref: index, name_len, name; the key's offset is the parent */
			r = first_ref(ctx, fs, &pt, dir, TYPE_INODE_REF, 8, &f, &name, &n);
			if (r || (r = prepend(ctx, buf, start, name, n)))
				return r;
			dir = f.offset;
		}
		id = parent;
	}
	return 0;
}

static int btrfs_default_root(struct gb_ctx *ctx, struct gb_fs *base, const char **path)
{
	struct btrfs_fs *fs = (struct btrfs_fs *)base;
	if (!fs->default_path) {
		char buf[GB_PATH_MAX];
		size_t start = sizeof(buf) - 1;
		uint64_t id;
		buf[start] = '\0';
		int r = default_subvol_id(ctx, fs, &id);
		if (r || (r = subvol_path(ctx, fs, id, buf, &start)))
			return r;
		if (!(fs->default_path = strdup(buf + start)))
			return gb_error(ctx, GB_E_NOMEM, "out of memory");
	}
	*path = fs->default_path;
	return 0;
}

/* ---- file extents ----------------------------------------------------- */

struct extent_load {
	struct btrfs_fs *fs;
	struct btrfs_node *n;
};

static int push_extent(struct gb_ctx *ctx, struct btrfs_node *n, const struct extent *e)
{
	if (n->next) {
		const struct extent *p = &n->ext[n->next - 1];
		if (e->file_off < p->file_off + p->len)
			return gb_error(ctx, GB_E_CORRUPT, "inode %llu: extents overlap at %llu",
					ull(n->ino), ull(e->file_off));
	}
	if (n->next == MAX_EXTENTS)
		return gb_error(ctx, GB_E_LIMIT, "inode %llu: more than %u extents",
				ull(n->ino), MAX_EXTENTS);
	if (n->next == n->ext_cap) {
		size_t cap = n->ext_cap ? n->ext_cap * 2 : 16;
		struct extent *x = realloc(n->ext, cap * sizeof(*x));
		if (!x)
			return gb_error(ctx, GB_E_NOMEM, "out of memory");
		n->ext = x;
		n->ext_cap = cap;
	}
	n->ext[n->next++] = *e;
	return 0;
}

static int check_encoding(struct gb_ctx *ctx, const struct btrfs_node *n, const uint8_t *d)
{
	if (d[17] || gb_le16(d + 18))
		return gb_error(ctx, GB_E_UNSUPPORTED, "inode %llu: encrypted or encoded extent",
				ull(n->ino));
	if (d[16] > COMP_ZSTD)
		return gb_error(ctx, GB_E_UNSUPPORTED, "inode %llu: compression type %u",
				ull(n->ino), d[16]);
	return 0;
}

static int parse_inline(struct gb_ctx *ctx, struct btrfs_node *n, const uint8_t *d,
			uint32_t size, struct extent *e)
{
	uint64_t end;
	e->inline_len = size - FE_INLINE_DATA;
	e->len = e->ram_bytes;
	if (!gb_add_ok(e->file_off, e->len, &end))
		return gb_error(ctx, GB_E_CORRUPT, "inode %llu: inline extent past the end",
				ull(n->ino));
	if (e->ram_bytes == 0 || e->ram_bytes > MAX_DECOMPRESSED)
		return gb_error(ctx, GB_E_CORRUPT, "inode %llu: inline extent of %llu bytes",
				ull(n->ino), ull(e->ram_bytes));
	if (e->inline_len > MAX_INLINE_TOTAL - n->inline_total)
		return gb_error(ctx, GB_E_LIMIT, "inode %llu: more than %u inline bytes",
				ull(n->ino), MAX_INLINE_TOTAL);
	e->inline_data = malloc(e->inline_len ? e->inline_len : 1);
	if (!e->inline_data)
		return gb_error(ctx, GB_E_NOMEM, "out of memory");
	memcpy(e->inline_data, d + FE_INLINE_DATA, e->inline_len);
	n->inline_total += e->inline_len;
	return 0;
}

static int parse_regular(struct gb_ctx *ctx, struct btrfs_node *n, const uint8_t *d,
			 uint32_t size, struct extent *e)
{
	uint64_t end;
	if (size < FE_ITEM_LEN)
		return gb_error(ctx, GB_E_CORRUPT, "inode %llu: extent item truncated", ull(n->ino));
	e->disk_bytenr = gb_le64(d + 21);
	e->disk_len = gb_le64(d + 29);
	e->data_off = gb_le64(d + 37);
	e->len = gb_le64(d + 45);
	if (e->len == 0 || !gb_add_ok(e->file_off, e->len, &end))
		return gb_error(ctx, GB_E_CORRUPT, "inode %llu: extent of bad length", ull(n->ino));
	if (e->disk_bytenr == 0 || e->type == FE_PREALLOC)
		return 0; /* zeros: nothing on disk is read */
	if (e->comp != COMP_NONE) {
		if (e->ram_bytes > MAX_DECOMPRESSED || e->disk_len > MAX_COMPRESSED ||
		    e->disk_len == 0 || !gb_range_ok(e->data_off, e->len, e->ram_bytes))
			return gb_error(ctx, GB_E_CORRUPT,
					"inode %llu: compressed extent at %llu has bad sizes",
					ull(n->ino), ull(e->file_off));
		return 0;
	}
	if (!gb_range_ok(e->data_off, e->len, e->disk_len) ||
	    !gb_add_ok(e->disk_bytenr, e->disk_len, &end))
		return gb_error(ctx, GB_E_CORRUPT, "inode %llu: extent at %llu exceeds its disk extent",
				ull(n->ino), ull(e->file_off));
	return 0;
}

static int add_extent(struct gb_ctx *ctx, void *arg, const struct key *k,
		      const uint8_t *d, uint32_t size)
{
	struct extent_load *l = arg;
	struct extent e = { .file_off = k->offset };
	if (size < FE_INLINE_DATA)
		return gb_error(ctx, GB_E_CORRUPT, "inode %llu: extent item truncated",
				ull(l->n->ino));
	int r = check_encoding(ctx, l->n, d);
	if (r)
		return r;
	e.ram_bytes = gb_le64(d + 8);
	e.comp = d[16];
	e.type = d[20];
	if (e.type == FE_INLINE)
		r = parse_inline(ctx, l->n, d, size, &e);
	else if (e.type == FE_REG || e.type == FE_PREALLOC)
		r = parse_regular(ctx, l->n, d, size, &e);
	else
		r = gb_error(ctx, GB_E_CORRUPT, "inode %llu: extent type %u", ull(l->n->ino), e.type);
	if (r == 0 && (r = push_extent(ctx, l->n, &e)))
		free(e.inline_data);
	else if (r)
		free(e.inline_data);
	return r;
}

static int load_extents(struct gb_ctx *ctx, struct btrfs_fs *fs, struct btrfs_node *n)
{
	if (n->extents_loaded)
		return 0;
	struct key from = { n->ino, TYPE_EXTENT_DATA, 0 };
	struct key to = { n->ino, TYPE_EXTENT_DATA, UINT64_MAX };
	struct extent_load l = { fs, n };
	int r = tree_walk(ctx, fs, &n->tree, &from, &to, add_extent, &l);
	if (r) {
		for (size_t i = 0; i < n->next; i++)
			free(n->ext[i].inline_data);
		n->next = 0;
		n->inline_total = 0;
		return r;
	}
	n->extents_loaded = true;
	return 0;
}

/* The extent covering off, or the index of the first one after it (or
 * next when none) with *inside false. */
static size_t find_extent(const struct btrfs_node *n, uint64_t off, bool *inside)
{
	size_t lo = 0, hi = n->next;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (n->ext[mid].file_off <= off)
			lo = mid + 1;
		else
			hi = mid;
	}
	*inside = lo > 0 && off - n->ext[lo - 1].file_off < n->ext[lo - 1].len;
	return *inside ? lo - 1 : lo;
}

/* ---- decompression ---------------------------------------------------- */

static int inflate_zlib(struct gb_ctx *ctx, struct btrfs_fs *fs, const uint8_t *in,
			size_t in_len, uint8_t *out, size_t out_len, size_t *got)
{
#ifdef GB_HAVE_LIBDEFLATE
	/* The fast path: one complete, checksummed stream that fits. Anything
	 * else (a stream longer than the extent, damage) goes to zlib below. */
	if (!fs->deflate)
		fs->deflate = libdeflate_alloc_decompressor();
	if (fs->deflate && libdeflate_zlib_decompress(fs->deflate, in, in_len, out, out_len,
						      got) == LIBDEFLATE_SUCCESS)
		return 0;
#else
	(void)fs;
#endif
	z_stream z = { 0 };
	if (inflateInit(&z) != Z_OK)
		return gb_error(ctx, GB_E_NOMEM, "zlib: cannot initialise");
	z.next_in = (Bytef *)in;
	z.avail_in = (uInt)in_len;
	z.next_out = out;
	z.avail_out = (uInt)out_len;
	int zr = inflate(&z, Z_FINISH);
	*got = out_len - z.avail_out;
	bool full = z.avail_out == 0;
	inflateEnd(&z);
	/* Output full before the stream's end is fine: we need no more. */
	if (zr == Z_STREAM_END || full)
		return 0;
	return gb_error(ctx, GB_E_CORRUPT, "zlib: %s",
			zr == Z_DATA_ERROR && z.msg ? z.msg : "truncated stream");
}

static int inflate_zstd(struct gb_ctx *ctx, struct btrfs_fs *fs, const uint8_t *in,
			size_t in_len, uint8_t *out, size_t out_len, size_t *got)
{
	ZSTD_inBuffer ib = { in, in_len, 0 };
	ZSTD_outBuffer ob = { out, out_len, 0 };
	ZSTD_DCtx_reset(fs->zstd, ZSTD_reset_session_only);
	/* Each call consumes input or produces output, or we stop: bounded. */
	for (;;) {
		size_t before_in = ib.pos, before_out = ob.pos;
		size_t zr = ZSTD_decompressStream(fs->zstd, &ob, &ib);
		if (ZSTD_isError(zr))
			return gb_error(ctx, GB_E_CORRUPT, "zstd: %s", ZSTD_getErrorName(zr));
		if (zr == 0 || ob.pos == ob.size)
			break;
		if (ib.pos == before_in && ob.pos == before_out)
			return gb_error(ctx, GB_E_CORRUPT, "zstd: truncated frame");
	}
	*got = ob.pos;
	return 0;
}

#define LZO_LEN 4

/* btrfs's LZO framing: a 4-byte total length, then segments, each a 4-byte
 * length and one LZO1X stream of at most a sector of output. A segment's
 * length never straddles a sector boundary: the writer pads to the next. */
static int inflate_lzo(struct gb_ctx *ctx, const struct btrfs_fs *fs, const uint8_t *in,
		       size_t in_len, uint8_t *out, size_t out_cap, size_t *got)
{
	size_t sector = fs->sectorsize;
	size_t worst = sector + sector / 16 + 64 + 3; /* lzo1x worst case */
	if (in_len < LZO_LEN)
		return gb_error(ctx, GB_E_CORRUPT, "lzo: truncated header");
	size_t total = gb_le32(in), pos = LZO_LEN, op = 0;
	if (total > in_len || total < LZO_LEN)
		return gb_error(ctx, GB_E_CORRUPT, "lzo: total length %zu of %zu bytes", total, in_len);
	/* Each segment consumes at least 5 input bytes: bounded by total. */
	while (pos < total && op < out_cap) {
		if (sector - pos % sector < LZO_LEN)
			pos += sector - pos % sector;
		if (pos >= total)
			break;
		if (total - pos < LZO_LEN)
			return gb_error(ctx, GB_E_CORRUPT, "lzo: truncated segment header");
		size_t seg = gb_le32(in + pos);
		pos += LZO_LEN;
		if (seg == 0 || seg > worst || seg > total - pos)
			return gb_error(ctx, GB_E_CORRUPT, "lzo: segment of %zu bytes", seg);
		size_t room = out_cap - op < sector ? out_cap - op : sector, n;
		enum gb_lzo_result lr = gb_lzo1x_decompress(in + pos, seg, out + op, room, &n);
		if (lr)
			return gb_error(ctx, GB_E_CORRUPT, "lzo: %s", gb_lzo_strerror(lr));
		op += n;
		pos += seg;
	}
	*got = op;
	return 0;
}

/* Decompress in[0..in_len) into out; bytes the stream does not produce
 * (up to out_len) are zeros, as the kernel reads them. out has room for
 * out_cap >= out_len bytes (a whole last LZO sector). */
static int decompress(struct gb_ctx *ctx, struct btrfs_fs *fs, uint8_t comp,
		      const uint8_t *in, size_t in_len, uint8_t *out, size_t out_len,
		      size_t out_cap)
{
	size_t got = 0;
	int r;
	switch (comp) {
	case COMP_ZLIB: r = inflate_zlib(ctx, fs, in, in_len, out, out_len, &got); break;
	case COMP_ZSTD: r = inflate_zstd(ctx, fs, in, in_len, out, out_len, &got); break;
	case COMP_LZO: r = inflate_lzo(ctx, fs, in, in_len, out, out_cap, &got); break;
	default: r = gb_error(ctx, GB_E_UNSUPPORTED, "compression type %u", comp);
	}
	if (r)
		return r;
	if (got < out_len)
		memset(out + got, 0, out_len - got);
	return 0;
}

/* Extent e's compressed bytes: inline, or read into fs->zbuf. */
static int extent_input(struct gb_ctx *ctx, struct btrfs_fs *fs, const struct extent *e,
			const uint8_t **in, size_t *in_len)
{
	*in = e->inline_data;
	*in_len = e->inline_len;
	if (e->type == FE_INLINE)
		return 0;
	*in = fs->zbuf;
	*in_len = (size_t)e->disk_len;
	if (e->disk_len > MAX_COMPRESSED) /* zbuf's size; parse_extent refuses it too */
		return gb_error(ctx, GB_E_CORRUPT, "compressed extent of %llu bytes",
				ull(e->disk_len));
	return read_logical(ctx, fs, e->disk_bytenr, fs->zbuf, (size_t)e->disk_len);
}

/* The whole decompressed extent i, cached on the node. */
static int extent_data(struct gb_ctx *ctx, struct btrfs_fs *fs, struct btrfs_node *n,
		       size_t i, const uint8_t **out)
{
	const struct extent *e = &n->ext[i];
	if (n->dcache_valid && n->dcache_idx == i) {
		*out = n->dcache;
		return 0;
	}
	size_t cap = MAX_DECOMPRESSED + 65536; /* a whole last LZO sector */
	if (!n->dcache && !(n->dcache = malloc(cap)))
		return gb_error(ctx, GB_E_NOMEM, "out of memory");
	n->dcache_valid = false;
	const uint8_t *in;
	size_t in_len;
	int r = extent_input(ctx, fs, e, &in, &in_len);
	if (!r)
		r = decompress(ctx, fs, e->comp, in, in_len, n->dcache, (size_t)e->ram_bytes, cap);
	if (r)
		return r;
	n->dcache_idx = i;
	n->dcache_valid = true;
	*out = n->dcache;
	return 0;
}

/* What lies at off: a hole (between extents, preallocated, or sparse), an
 * uncompressed extent's bytes inside one chunk, inline bytes (zeros past
 * them), or a compressed extent, which btrfs_decode reads. */
static int btrfs_extent(struct gb_ctx *ctx, struct gb_fs *base, struct gb_node *node,
			uint64_t off, uint64_t want, struct gb_extent *ex)
{
	struct btrfs_fs *fs = (struct btrfs_fs *)base;
	struct btrfs_node *n = (struct btrfs_node *)node;
	int r = load_extents(ctx, fs, n);
	if (r)
		return r;
	bool inside;
	size_t i = find_extent(n, off, &inside);
	if (!inside) { /* a hole: up to the next extent */
		uint64_t gap = i < n->next ? n->ext[i].file_off - off : want;
		ex->kind = GB_EXTENT_HOLE;
		ex->len = gap < want ? gap : want;
		return 0;
	}
	const struct extent *e = &n->ext[i];
	uint64_t in = off - e->file_off, left = e->len - in;
	ex->len = left < want ? left : want;
	if (e->type == FE_PREALLOC || (e->type == FE_REG && e->disk_bytenr == 0)) {
		ex->kind = GB_EXTENT_HOLE;
	} else if (e->type == FE_REG && e->comp == COMP_NONE) {
		ex->kind = GB_EXTENT_DATA;
		return map_logical(ctx, fs, e->disk_bytenr + e->data_off + in, ex->len,
				   &ex->vol_off, &ex->len);
	} else if (e->type == FE_INLINE && e->comp == COMP_NONE) {
		uint64_t avail = in < e->inline_len ? e->inline_len - in : 0;
		ex->kind = avail ? GB_EXTENT_INLINE : GB_EXTENT_HOLE;
		if (avail && avail < ex->len)
			ex->len = avail;
		ex->data = e->inline_data + (avail ? in : 0);
	} else {
		ex->kind = GB_EXTENT_ENCODED;
	}
	return 0;
}

/* len bytes at off of a compressed extent. */
static int btrfs_decode(struct gb_ctx *ctx, struct gb_fs *base, struct gb_node *node,
			uint64_t off, void *buf, size_t len)
{
	struct btrfs_fs *fs = (struct btrfs_fs *)base;
	struct btrfs_node *n = (struct btrfs_node *)node;
	bool inside;
	size_t i = find_extent(n, off, &inside);
	if (!inside) /* btrfs_extent answered ENCODED here: never reached */
		return gb_error(ctx, GB_E_CORRUPT, "inode %llu: no extent at %llu", ull(n->ino),
				ull(off));
	const struct extent *e = &n->ext[i];
	uint64_t in = off - e->file_off;
	/* A whole extent asked for is decompressed straight into buf (not
	 * LZO: its last sector may run past the extent's length). */
	if (in == 0 && e->data_off == 0 && len == e->ram_bytes && e->comp != COMP_LZO) {
		const uint8_t *src;
		size_t src_len;
		int r = extent_input(ctx, fs, e, &src, &src_len);
		return r ? r : decompress(ctx, fs, e->comp, src, src_len, buf, len, len);
	}
	const uint8_t *data = NULL;
	int r = extent_data(ctx, fs, n, i, &data);
	if (r)
		return r;
	memcpy(buf, data + e->data_off + in, len); /* inside ram_bytes: checked */
	return 0;
}

static int btrfs_readlink(struct gb_ctx *ctx, struct gb_fs *base, struct gb_node *node,
			  char *buf, size_t cap, size_t *len)
{
	/* the target is the file's data (an inline extent) */
	return gb_fs_symlink_target(ctx, base, node, NULL, 0, buf, cap, len);
}

const struct gb_fs_driver gb_fs_btrfs = {
	.name = "btrfs",
	.probe = btrfs_probe,
	.mount = btrfs_mount,
	.umount = btrfs_umount,
	.root = btrfs_root,
	.lookup = btrfs_lookup,
	.readdir = btrfs_readdir,
	.readlink = btrfs_readlink,
	.extent = btrfs_extent,
	.decode = btrfs_decode,
	.release = btrfs_release,
	.default_root = btrfs_default_root,
};
