/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* ZFS, read-only, written from Sun's "ZFS On-Disk Specification" (2006)
 * and the layout of the structures it describes.
 *
 * The chain from the disk to a file: four vdev labels (an XDR nvlist with
 * the pool's name, guid, version and vdev tree, then a ring of
 * uberblocks); the uberblock with the highest txg whose meta-object set
 * (MOS) reads and checksums; the MOS object directory's "root_dataset"
 * (a DSL directory), its head dataset, that dataset's object set, whose
 * ZPL master node names the root directory. Objects are dnodes whose
 * block pointers lead, through indirect blocks, to data blocks; names
 * live in ZAPs (micro and fat). Files are described by a znode_phys_t in
 * the dnode's bonus buffer (ZPL versions up to 4: what zfs-fuse writes),
 * or by system attributes (ZPL 5, below). Every on-disk number is untrusted: sizes
 * and shifts are range-checked before use, chains of ZAP chunks are
 * bounded, block reads stay inside the vdev's data area.
 *
 * Vdevs: one disk, mirror, raidz1/2/3, their members found among the
 * image's volumes (all its disks) by the guids in their labels. Pools of
 * version 5000 are read when every active read-incompatible feature is
 * one we handle. Files are described by a znode_phys_t (ZPL 1-4) or by
 * system attributes (ZPL 5: the object set's SA registry and layouts).
 *
 * Checksums: fletcher2, fletcher4 and SHA-256 are verified, and a block
 * that fails is read from its next copy (DVA) or rebuilt from raidz
 * parity (P, Q, R); the newer algorithms are read unverified with a warning. Gang
 * blocks are read member by member. Large dnodes (up to 32 slots) are
 * read. Any compression
 * we do not read (lib/codec/zfs.c has lzjb, gzip, zle, lz4, zstd)
 * are refused with a message naming them.
 *
 * Datasets: a path reads the pool's root dataset; GRUB's syntax
 * "/ROOT/be@/boot/x" names a child dataset (and "/ds@snap/x" a snapshot)
 * in the leading components. */
#include "fs/fs.h"
#include "fs/zfs.h"

#include <stdio.h>
#include <stdlib.h>

#define LABEL_SIZE (256u << 10)
#define LABEL_NVLIST_OFF (16u << 10)
#define LABEL_NVLIST_SIZE (112u << 10)
#define LABEL_UB_OFF (128u << 10)
#define LABEL_UB_SIZE (128u << 10)
#define DATA_START (4u << 20)     /* two labels and the boot block area */
#define UB_MAGIC 0x00bab10cull
#define UB_STEP 1024              /* slots are 1 KiB or more (ashift): scan at 1 KiB */
#define UB_MAX_CANDIDATES 512

#define BP_SIZE 128
#define DNODE_SIZE 512           /* a dnode slot */
#define DNODE_MAX (16u << 10)     /* large_dnode: up to 32 slots */
#define MAX_BLOCK (16u << 20)     /* large_blocks' limit */
#define MAX_LEVELS 8
#define DNODE_BLOCK (16u << 10)   /* a meta-dnode's blocks: fixed by the format */
#define CACHE_SLOTS 32
#define CACHE_BYTES (8u << 20)

#define SPA_VERSION_MAX 28
#define SPA_VERSION_FEATURES 5000
#define ZPL_VERSION_MAX 5         /* 5: system attributes */
#define ZPL_VERSION_SA 5

/* DMU object types (dmu_object_type_t) */
#define OT_OBJECT_DIRECTORY 1
#define OT_DNODE 10
#define OT_DSL_DIR 12
#define OT_DSL_DATASET 16
#define OT_ZNODE 17
#define OT_SA 44

#define OST_ZFS 2                 /* objset type of a file system */

#define ZBT_LEAF ((1ull << 63) + 0)
#define ZBT_HEADER ((1ull << 63) + 1)
#define ZBT_MICRO ((1ull << 63) + 3)
#define ZAP_MAGIC 0x2F52AB2ABull
#define ZAP_LEAF_MAGIC 0x2AB1EAFu
#define ZAP_CHUNK_ENTRY 252
#define ZAP_CHUNK_ARRAY 251
#define ZAP_CHUNK_SIZE 24
#define ZAP_ARRAY_BYTES 21
#define MZAP_ENT_SIZE 64
#define MZAP_NAME_LEN 50
#define ZAP_MAX_BLOCK (1u << 20)    /* ZFS writes ZAP blocks of 128 KiB at most */
#define ZAP_MAX_BYTES (32u << 20)   /* a lookup walks every leaf: bound the walk */
#define ZAP_NAME_MAX 256

#define CKSUM_OFF 2
#define CKSUM_FLETCHER2 6
#define CKSUM_FLETCHER4 7
#define CKSUM_SHA256 8
#define CKSUM_NOPARITY 10

#define MAX_TOPS 64               /* top-level vdevs of a pool */
#define MAX_CHILDREN 64           /* members of a mirror or raidz */

#define ZNODE_SIZE 264

/* nvlist XDR data types */
#define NV_UINT64 8
#define NV_STRING 9
#define NV_NVLIST 19
#define NV_NVLIST_ARRAY 20

/* Fuzz builds read blocks whose checksums do not match: a mutated block
 * would otherwise never get past them. Never in a production build. */
#ifdef FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION
#define CHECKSUMS_ENFORCED false
#else
#define CHECKSUMS_ENFORCED true
#endif

/* Features a read needs that this reader handles (features_for_read);
 * an active one not here refuses the pool. The checksums (sha512, skein,
 * edonr, blake3) are read unverified, with a warning. */
static const char *const read_features[] = {
	"com.delphix:hole_birth", "com.delphix:extensible_dataset",
	"com.delphix:embedded_data", "org.illumos:lz4_compress",
	"org.open-zfs:large_blocks", "com.delphix:empty_bpobj", "org.freebsd:zstd_compress",
	"org.zfsonlinux:large_dnode",
	"org.illumos:sha512", "org.illumos:skein", "org.illumos:edonr",
	"org.openzfs:blake3",
};

static bool read_feature_known(const char *name)
{
	for (size_t i = 0; i < sizeof(read_features) / sizeof(read_features[0]); i++)
		if (!strcmp(name, read_features[i]))
			return true;
	return false;
}

static uint16_t rd16(bool be, const uint8_t *p) { return be ? gb_be16(p) : gb_le16(p); }
static uint32_t rd32(bool be, const uint8_t *p) { return be ? gb_be32(p) : gb_le32(p); }
static uint64_t rd64(bool be, const uint8_t *p) { return be ? gb_be64(p) : gb_le64(p); }

/* ---- XDR nvlists ------------------------------------------------------ */

/* An nvlist is [version, flags] then pairs, each [encoded size, decoded
 * size, name, type, count, value], ended by a zero size. `nv` spans the
 * list from its version word. */
struct nvl {
	const uint8_t *p;
	size_t len;
};

struct nvval {
	int type;
	uint32_t count;
	const uint8_t *p; /* value bytes, to the end of the pair */
	size_t len;
};

static bool nv_find(struct nvl nv, const char *name, int type, struct nvval *out)
{
	size_t at = 8, nlen = strlen(name);
	while (at + 8 <= nv.len) {
		uint32_t esize = gb_be32(nv.p + at);
		if (esize == 0)
			return false;
		if (esize < 20 || esize > nv.len - at)
			return false;
		const uint8_t *pr = nv.p + at;
		uint32_t klen = gb_be32(pr + 8);
		size_t kpad = ((size_t)klen + 3) & ~(size_t)3;
		if (kpad > esize - 20)
			return false;
		const uint8_t *key = pr + 12;
		int t = (int)gb_be32(pr + 12 + kpad);
		uint32_t count = gb_be32(pr + 16 + kpad);
		/* names are stored with their NUL; older writers may omit it */
		size_t kl = strnlen((const char *)key, klen);
		if (kl == nlen && !memcmp(key, name, nlen) && t == type) {
			out->type = t;
			out->count = count;
			out->p = pr + 20 + kpad;
			out->len = esize - 20 - kpad;
			return true;
		}
		at += esize;
	}
	return false;
}

static bool nv_u64(struct nvl nv, const char *name, uint64_t *v)
{
	struct nvval x;
	if (!nv_find(nv, name, NV_UINT64, &x) || x.len < 8)
		return false;
	*v = gb_be64(x.p);
	return true;
}

/* A string value, NUL-terminated into buf (control characters kept: the
 * caller sanitizes what it shows). */
static bool nv_str(struct nvl nv, const char *name, char *buf, size_t cap)
{
	struct nvval x;
	if (!nv_find(nv, name, NV_STRING, &x) || x.len < 4)
		return false;
	uint32_t n = gb_be32(x.p);
	if (n > x.len - 4 || n >= cap)
		return false;
	memcpy(buf, x.p + 4, n);
	buf[n] = '\0';
	return strlen(buf) == n;
}

/* The length of the nvlist at p (its version word to past its end). */
static bool nv_span(const uint8_t *p, size_t len, size_t *span)
{
	size_t at = 8;
	while (at + 8 <= len) {
		uint32_t esize = gb_be32(p + at);
		if (esize == 0) {
			*span = at + 8;
			return true;
		}
		if (esize < 20 || esize > len - at)
			return false;
		at += esize;
	}
	return false;
}

static bool nv_list(struct nvl nv, const char *name, struct nvl *out)
{
	struct nvval x;
	if (!nv_find(nv, name, NV_NVLIST, &x))
		return false;
	out->p = x.p;
	out->len = x.len;
	return x.len >= 8;
}

/* Element i of an nvlist array. */
static bool nv_list_at(struct nvl nv, const char *name, uint32_t i, struct nvl *out, uint32_t *n)
{
	struct nvval x;
	if (!nv_find(nv, name, NV_NVLIST_ARRAY, &x))
		return false;
	*n = x.count;
	size_t at = 0, span;
	for (uint32_t k = 0; k < x.count && k <= i; k++) {
		if (!nv_span(x.p + at, x.len - at, &span))
			return false;
		if (k == i) {
			out->p = x.p + at;
			out->len = span;
			return true;
		}
		at += span;
	}
	return false;
}

/* ---- the file system handle ------------------------------------------- */

struct dnode {
	uint8_t raw[DNODE_MAX];
	uint32_t size;    /* 512 times its slots; raw holds that many bytes */
	bool be;          /* byte order of the block it came from */
	uint8_t type, indblkshift, nlevels, nblkptr, bonustype;
	uint32_t datablksz;
	uint16_t bonuslen;
	uint64_t maxblkid;
};

struct cache_slot {
	uint64_t k0, k1, k2;
	uint8_t *buf;
	uint32_t len;
	bool used;
};

/* A top-level vdev: one disk, a mirror or a raidz, its members found
 * among the image's volumes by the guids of their labels (NULL: missing). */
enum { VD_DISK = 1, VD_MIRROR, VD_RAIDZ };
struct vdev {
	int kind;             /* 0: not among the labels found */
	char type[24];        /* as the label says, for messages */
	bool log;             /* a separate intent log: never read */
	unsigned nparity, ashift;
	uint64_t guid;
	uint32_t n;
	uint64_t child_guid[MAX_CHILDREN];
	struct gb_volume *leaf[MAX_CHILDREN];
};

struct zfs_fs {
	struct gb_fs base;
	char pool[256];
	char bootpath[512];   /* this disk's phys_path, for $ZFS-BOOTFS */
	uint64_t pool_guid, version;
	struct vdev top[MAX_TOPS];
	bool warned;          /* about checksums not verified: once */
	unsigned gang_depth;  /* gang blocks being read, one inside the other */
	struct dnode mos;     /* the MOS's meta-dnode */
	uint64_t root_dir;    /* DSL dir of the root dataset */
	struct cache_slot cache[CACHE_SLOTS];
	struct sa_table *sa;  /* object sets' SA tables, newest first */
	unsigned nsa;
	unsigned cache_next;
	size_t cache_bytes;
};

/* ---- system attributes (ZPL 5): the tables of one object set ---- */
#define SA_MAGIC 0x2F505Au
#define SA_MAX_ATTRS 256          /* attribute numbers we keep (ZPL uses ~30) */
#define SA_MAX_LAYOUTS 1024       /* a layout number has 10 bits */
#define SA_LAYOUT_MAX 64          /* attributes of one layout */
#define SA_MAX_TABLES 64          /* object sets one mount keeps tables for */
#define SPILL_MAX (128u << 10)
#define DNODE_FLAG_SPILL 4

struct sa_layout {
	unsigned n;
	uint16_t attr[SA_LAYOUT_MAX];
};

struct sa_table {
	struct sa_table *next;
	uint8_t key[64 + BP_SIZE];  /* the object set's meta-dnode: its first pointer */
	bool reg[SA_MAX_ATTRS];     /* registered */
	uint16_t len[SA_MAX_ATTRS]; /* registered length, 0: variable */
	int mode, size, mtime, symlink; /* ZPL's attribute numbers, -1: none */
	struct sa_layout *layout[SA_MAX_LAYOUTS];
};

struct zfs_node {
	struct gb_node base;
	const struct sa_table *sa; /* ZPL 5: the object set's tables, owned by the mount */
	struct dnode os;      /* meta-dnode of the node's object set */
	struct dnode dn;      /* the object (a file system node) */
	bool zpl;             /* false: a dataset with no directory here */
	uint64_t dsl_dir;     /* the dataset this path names so far, 0: none */
	uint8_t *blk;         /* pread's last data block (blocks reach 16 MiB) */
	uint64_t blkid;
};

/* ---- labels ----------------------------------------------------------- */

static uint64_t label_offset(uint64_t vsize, int l)
{
	uint64_t psize = vsize & ~(uint64_t)(LABEL_SIZE - 1);
	return l < 2 ? (uint64_t)l * LABEL_SIZE : psize - (uint64_t)(4 - l) * LABEL_SIZE;
}

struct label {
	uint8_t *nv;        /* LABEL_NVLIST_SIZE bytes */
	struct nvl list;
};

/* Read and check label l's nvlist: XDR encoding and the pool's name and
 * guid. GB_E_NOT_MINE when it is not a label. */
static int read_label(struct gb_ctx *ctx, struct gb_volume *vol, int l, struct label *lb)
{
	if (vol->size < DATA_START + 2 * LABEL_SIZE)
		return GB_E_NOT_MINE;
	uint64_t off = label_offset(vol->size, l) + LABEL_NVLIST_OFF;
	uint8_t head[12];
	int r = gb_vol_read(ctx, vol, off, head, sizeof(head));
	if (r)
		return r;
	/* encoding 1 (XDR), then nvlist version 0 */
	if (head[0] != 1 || gb_be32(head + 4) != 0)
		return GB_E_NOT_MINE;
	if ((r = gb_vol_read(ctx, vol, off, lb->nv, LABEL_NVLIST_SIZE)))
		return r;
	lb->list.p = lb->nv + 4;
	lb->list.len = LABEL_NVLIST_SIZE - 4 - 40; /* the checksum tail */
	uint64_t guid;
	char name[256];
	if (!nv_u64(lb->list, "pool_guid", &guid) || !nv_str(lb->list, "name", name, sizeof(name)))
		return GB_E_NOT_MINE;
	return 0;
}

/* The first label that parses. */
static int find_label(struct gb_ctx *ctx, struct gb_volume *vol, struct label *lb)
{
	for (int l = 0; l < 4; l++) {
		int r = read_label(ctx, vol, l, lb);
		if (r != GB_E_NOT_MINE)
			return r;
	}
	return GB_E_NOT_MINE;
}

static int zfs_probe(struct gb_ctx *ctx, struct gb_volume *vol, struct gb_fs_probe *out)
{
	struct label lb = { .nv = malloc(LABEL_NVLIST_SIZE) };
	if (!lb.nv)
		return gb_error(ctx, GB_E_NOMEM, "out of memory");
	int r = find_label(ctx, vol, &lb);
	if (r == 0) {
		/* as blkid: TYPE zfs_member, LABEL the pool, UUID its guid in decimal */
		uint64_t guid = 0;
		char name[256] = "";
		nv_u64(lb.list, "pool_guid", &guid);
		nv_str(lb.list, "name", name, sizeof(name));
		snprintf(out->type, sizeof(out->type), "zfs_member");
		snprintf(out->uuid, sizeof(out->uuid), "%llu", (unsigned long long)guid);
		gb_copy_label(out->label, sizeof(out->label), name, strlen(name));
	}
	free(lb.nv);
	return r;
}

/* ---- checksums -------------------------------------------------------- */

static void fletcher(int kind, bool be, const uint8_t *p, size_t len, uint64_t ck[4])
{
	uint64_t a = 0, b = 0, c = 0, d = 0;
	if (kind == CKSUM_FLETCHER4) {
		for (size_t i = 0; i + 4 <= len; i += 4) {
			a += rd32(be, p + i);
			b += a;
			c += b;
			d += c;
		}
	} else {
		/* fletcher2: two interleaved 64-bit sums */
		for (size_t i = 0; i + 16 <= len; i += 16) {
			a += rd64(be, p + i);
			b += rd64(be, p + i + 8);
			c += a;
			d += b;
		}
	}
	ck[0] = a;
	ck[1] = b;
	ck[2] = c;
	ck[3] = d;
}

/* SHA-256 (FIPS 180-4) of p, as ZFS stores it: four 64-bit words, each
 * two of the state words. */
static void sha256(const uint8_t *p, size_t len, uint64_t ck[4])
{
	static const uint32_t k[64] = {
		0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
		0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
		0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
		0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
		0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
		0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
		0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
		0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
	};
	uint32_t h[8] = { 0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
			  0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19 };
#define ROR(x, n) ((x) >> (n) | (x) << (32 - (n)))
	uint8_t tail[128];
	size_t full = len & ~(size_t)63, rest = len - full;
	memset(tail, 0, sizeof(tail));
	memcpy(tail, p + full, rest);
	tail[rest] = 0x80;
	size_t tlen = rest < 56 ? 64 : 128;
	uint64_t bits = (uint64_t)len * 8;
	for (int i = 0; i < 8; i++)
		tail[tlen - 1 - i] = (uint8_t)(bits >> (8 * i));
	for (size_t off = 0; off < full + tlen; off += 64) {
		const uint8_t *blk = off < full ? p + off : tail + (off - full);
		uint32_t w[64], a[8];
		for (int i = 0; i < 16; i++)
			w[i] = gb_be32(blk + 4 * i);
		for (int i = 16; i < 64; i++) {
			uint32_t s0 = ROR(w[i - 15], 7) ^ ROR(w[i - 15], 18) ^ (w[i - 15] >> 3);
			uint32_t s1 = ROR(w[i - 2], 17) ^ ROR(w[i - 2], 19) ^ (w[i - 2] >> 10);
			w[i] = w[i - 16] + s0 + w[i - 7] + s1;
		}
		memcpy(a, h, sizeof(a));
		for (int i = 0; i < 64; i++) {
			uint32_t t1 = a[7] + (ROR(a[4], 6) ^ ROR(a[4], 11) ^ ROR(a[4], 25)) +
				      ((a[4] & a[5]) ^ (~a[4] & a[6])) + k[i] + w[i];
			uint32_t t2 = (ROR(a[0], 2) ^ ROR(a[0], 13) ^ ROR(a[0], 22)) +
				      ((a[0] & a[1]) ^ (a[0] & a[2]) ^ (a[1] & a[2]));
			memmove(a + 1, a, 7 * sizeof(a[0]));
			a[4] += t1;
			a[0] = t1 + t2;
		}
		for (int i = 0; i < 8; i++)
			h[i] += a[i];
	}
#undef ROR
	for (int i = 0; i < 4; i++)
		ck[i] = (uint64_t)h[2 * i] << 32 | h[2 * i + 1];
}

/* ---- block pointers --------------------------------------------------- */

struct bp {
	uint64_t dva[3][2];
	uint64_t prop, birth;
	uint64_t cksum[4];
	bool embedded;
	unsigned comp, cktype;
	uint32_t lsize, psize;
	bool be;  /* byte order of the block it points to */
	bool in_be; /* byte order of the block that holds the pointer */
};

static void bp_decode(const uint8_t *p, bool be, struct bp *bp)
{
	for (int i = 0; i < 3; i++) {
		bp->dva[i][0] = rd64(be, p + 16 * i);
		bp->dva[i][1] = rd64(be, p + 16 * i + 8);
	}
	bp->prop = rd64(be, p + 48);
	bp->birth = rd64(be, p + 80);
	for (int i = 0; i < 4; i++)
		bp->cksum[i] = rd64(be, p + 96 + 8 * i);
	bp->embedded = bp->prop >> 39 & 1;
	bp->comp = (unsigned)(bp->prop >> 32) & 0x7f;
	bp->cktype = (unsigned)(bp->prop >> 40) & 0xff;
	bp->be = !(bp->prop >> 63);
	bp->in_be = be;
	if (bp->embedded) {
		bp->lsize = (uint32_t)(bp->prop & 0x1ffffff) + 1;
		bp->psize = (uint32_t)(bp->prop >> 25 & 0x7f) + 1;
	} else {
		bp->lsize = (uint32_t)((bp->prop & 0xffff) + 1) << 9;
		bp->psize = (uint32_t)((bp->prop >> 16 & 0xffff) + 1) << 9;
	}
}

static bool bp_hole(const struct bp *bp)
{
	return !bp->embedded && bp->dva[0][0] == 0 && bp->dva[0][1] == 0;
}

static struct cache_slot *cache_find(struct zfs_fs *fs, const struct bp *bp)
{
	for (unsigned i = 0; i < CACHE_SLOTS; i++) {
		struct cache_slot *s = &fs->cache[i];
		if (s->used && s->k0 == bp->dva[0][1] && s->k1 == bp->prop && s->k2 == bp->cksum[0] &&
		    s->len == bp->lsize)
			return s;
	}
	return NULL;
}

static void cache_drop(struct zfs_fs *fs, struct cache_slot *s)
{
	if (!s->used)
		return;
	fs->cache_bytes -= s->len;
	free(s->buf);
	s->buf = NULL;
	s->used = false;
}

/* Keep buf (malloc'd, bp->lsize bytes, at most CACHE_BYTES / 4): the
 * cache owns it from now on, until a later insertion evicts it. */
static void cache_insert(struct zfs_fs *fs, const struct bp *bp, uint8_t *buf)
{
	struct cache_slot *s = &fs->cache[fs->cache_next];
	fs->cache_next = (fs->cache_next + 1) % CACHE_SLOTS;
	cache_drop(fs, s);
	/* oldest first until it fits; ends once the cache is empty */
	for (unsigned i = fs->cache_next; fs->cache_bytes + bp->lsize > CACHE_BYTES; i = (i + 1) % CACHE_SLOTS)
		cache_drop(fs, &fs->cache[i]);
	s->buf = buf;
	s->len = bp->lsize;
	s->k0 = bp->dva[0][1];
	s->k1 = bp->prop;
	s->k2 = bp->cksum[0];
	s->used = true;
	fs->cache_bytes += s->len;
}

/* An embedded block pointer carries up to 112 bytes in its own words:
 * all but the property word (6) and the birth txg (10). */
static int read_embedded(struct gb_ctx *ctx, const uint8_t *raw, const struct bp *bp,
			 uint8_t *out)
{
	unsigned etype = (unsigned)(bp->prop >> 40) & 0xff;
	if (etype != 0)
		return gb_error(ctx, GB_E_UNSUPPORTED, "embedded block pointer of type %u", etype);
	if (bp->psize > 112)
		return gb_error(ctx, GB_E_CORRUPT, "embedded block pointer of %u bytes", bp->psize);
	uint8_t payload[112];
	size_t n = 0;
	for (int w = 0; w < 16; w++)
		if (w != 6 && w != 10) {
			/* ZFS byte-swaps a foreign block's pointers word by word,
			 * payload included, and reads the payload as native
			 * (little-endian) words */
			uint64_t v = rd64(bp->in_be, raw + 8 * w);
			for (int k = 0; k < 8; k++)
				payload[n + k] = (uint8_t)(v >> 8 * k);
			n += 8;
		}
	int r = gb_zfs_decompress((int)bp->comp, payload, bp->psize, out, bp->lsize);
	if (r)
		return gb_error(ctx, r, "embedded block: cannot decompress (method %u)", bp->comp);
	return 0;
}

/* Does the block's checksum match phys (psize bytes)? Types we cannot
 * verify pass, said once per mount (the caller's command). */
static bool cksum_ok(struct gb_ctx *ctx, struct zfs_fs *fs, const struct bp *bp, const uint8_t *phys)
{
	uint64_t ck[4];
	switch (bp->cktype) {
	case CKSUM_FLETCHER2:
	case CKSUM_FLETCHER4:
		fletcher((int)bp->cktype, bp->be, phys, bp->psize, ck);
		break;
	case CKSUM_SHA256:
		sha256(phys, bp->psize, ck);
		break;
	case CKSUM_OFF:
	case CKSUM_NOPARITY:
		return true; /* written without a checksum */
	default:
		if (!fs->warned)
			gb_warn(ctx, "blocks with checksum type %u are read without verifying it",
				bp->cktype);
		fs->warned = true;
		return true;
	}
	return !memcmp(ck, bp->cksum, sizeof(ck)) || !CHECKSUMS_ENFORCED;
}

/* Read len bytes at off of a member's data area (after labels 0 and 1,
 * before 2 and 3). */
static int leaf_read(struct gb_volume *vol, uint64_t off, uint8_t *buf, size_t len)
{
	uint64_t pos;
	struct gb_ctx quiet = { 0 };
	if (!vol || !gb_add_ok(off, DATA_START, &pos) ||
	    !gb_range_ok(pos, len, label_offset(vol->size, 2)))
		return GB_E_CORRUPT;
	return gb_vol_read(&quiet, vol, pos, buf, len);
}

/* GF(2^8) with ZFS's polynomial x^8+x^4+x^3+x^2+1 (0x11d): RAID-Z's Q
 * and R are sums of the data columns times powers of 2 and of 4. */
struct gf {
	uint8_t exp[512], log[256];
};

static void gf_init(struct gf *g)
{
	unsigned x = 1;
	for (unsigned i = 0; i < 255; i++) {
		g->exp[i] = g->exp[i + 255] = (uint8_t)x;
		g->log[x] = (uint8_t)i;
		x = (x << 1) ^ (x & 0x80 ? 0x11d : 0);
	}
	g->exp[510] = g->exp[511] = g->exp[0];
	g->log[0] = 0;
}

static uint8_t gf_mul(const struct gf *g, uint8_t a, uint8_t b)
{
	return a && b ? g->exp[g->log[a] + g->log[b]] : 0;
}

/* dst ^= k * src, byte by byte */
static void gf_muladd(const struct gf *g, uint8_t *dst, const uint8_t *src, size_t len, uint8_t k)
{
	uint8_t t[256];
	for (unsigned x = 0; x < 256; x++)
		t[x] = gf_mul(g, k, (uint8_t)x);
	for (size_t i = 0; i < len; i++)
		dst[i] ^= t[src[i]];
}

/* Invert the n x n matrix a (n <= 3) into v: false if it is singular. */
static bool gf_invert(const struct gf *g, uint8_t a[3][3], uint8_t v[3][3], int n)
{
	for (int i = 0; i < n; i++)
		for (int j = 0; j < n; j++)
			v[i][j] = i == j;
	for (int c = 0; c < n; c++) {
		int p = c;
		while (p < n && !a[p][c])
			p++;
		if (p == n)
			return false;
		for (int j = 0; j < n; j++) {
			uint8_t x = a[c][j]; a[c][j] = a[p][j]; a[p][j] = x;
			x = v[c][j]; v[c][j] = v[p][j]; v[p][j] = x;
		}
		uint8_t inv = g->exp[255 - g->log[a[c][c]]];
		for (int j = 0; j < n; j++) {
			a[c][j] = gf_mul(g, a[c][j], inv);
			v[c][j] = gf_mul(g, v[c][j], inv);
		}
		for (int r = 0; r < n; r++) {
			uint8_t k = a[r][c];
			if (r == c || !k)
				continue;
			for (int j = 0; j < n; j++) {
				a[r][j] ^= gf_mul(g, k, a[c][j]);
				v[r][j] ^= gf_mul(g, k, v[c][j]);
			}
		}
	}
	return true;
}

struct rz_col {
	uint32_t dev;
	uint64_t off, size;
	uint8_t *buf;
	bool missing;
};

/* Parity row p's coefficient for data column j of nd: (2^p)^(nd-1-j),
 * as vdev_raidz_generate_parity folds the columns in order. */
static uint8_t rz_coef(const struct gf *g, unsigned p, unsigned j, unsigned nd)
{
	return g->exp[(p * (nd - 1 - j)) % 255];
}

/* Rebuild the k data columns bad[] (indices among the nd data columns
 * dc[]) from the parity columns rows[] (k of them, pc[]): every column
 * is read as zero-padded to the parity's length plen; tmp holds k*plen. */
static bool rz_rebuild(const struct gf *g, struct rz_col *pc, struct rz_col *dc, unsigned nd,
		       const unsigned *rows, const unsigned *bad, int k, uint64_t plen, uint8_t *tmp)
{
	uint8_t a[3][3], v[3][3];
	for (int r = 0; r < k; r++)
		for (int c = 0; c < k; c++)
			a[r][c] = rz_coef(g, rows[r], bad[c], nd);
	if (!gf_invert(g, a, v, k))
		return false;
	/* syndromes: each parity less the columns we keep */
	for (int r = 0; r < k; r++) {
		uint8_t *s = tmp + (uint64_t)r * plen;
		memcpy(s, pc[rows[r]].buf, plen);
		for (unsigned j = 0; j < nd; j++) {
			bool isbad = false;
			for (int c = 0; c < k; c++)
				isbad |= bad[c] == j;
			if (!isbad)
				gf_muladd(g, s, dc[j].buf, dc[j].size, rz_coef(g, rows[r], j, nd));
		}
	}
	for (int c = 0; c < k; c++) {
		struct rz_col *d = &dc[bad[c]];
		memset(d->buf, 0, d->size);
		for (int r = 0; r < k; r++)
			gf_muladd(g, d->buf, tmp + (uint64_t)r * plen, d->size, v[c][r]);
	}
	return true;
}

/* The next k-subset of 0..n-1 after idx (ascending): false after the last. */
static bool next_subset(unsigned *idx, int k, unsigned n)
{
	int i = k - 1;
	while (i >= 0 && idx[i] == n - (unsigned)(k - i))
		i--;
	if (i < 0)
		return false;
	idx[i]++;
	for (int j = i + 1; j < k; j++)
		idx[j] = idx[j - 1] + 1;
	return true;
}

/* A block on a raidz vdev, as vdev_raidz_map_alloc lays it out: sectors
 * go round the members from the one the offset names; each row holds
 * nparity parity sectors (P, Q, R) then data; the data is the data
 * columns one after the other. Missing or unreadable members are rebuilt
 * from as many parity columns; a block that fails its checksum is
 * rebuilt supposing in turn each set of data columns bad that the
 * remaining parity covers (every attempt after the first is charged to
 * the command). */
static const char *raidz_read(struct gb_ctx *ctx, struct zfs_fs *fs, const struct vdev *t,
			      uint64_t off, const struct bp *bp, uint8_t *phys)
{
	struct rz_col col[MAX_CHILDREN];
	uint64_t sec = 1ull << t->ashift, dcols = t->n, np = t->nparity;
	uint64_t b = off >> t->ashift, s = (bp->psize + sec - 1) >> t->ashift;
	uint64_t f = b % dcols, o = (b / dcols) << t->ashift;
	uint64_t q = s / (dcols - np), rem = s - q * (dcols - np);
	uint64_t bc = rem ? rem + np : 0, acols = q ? dcols : bc;
	uint64_t at = 0;
	if (acols <= np || acols > MAX_CHILDREN || np > 3)
		return "empty raidz block";
	for (uint64_t c = 0; c < acols; c++) {
		uint64_t d = f + c, coff = o;
		if (d >= dcols) {
			d -= dcols;
			coff += sec;
		}
		col[c] = (struct rz_col){ (uint32_t)d, coff, (c < bc ? q + 1 : q) << t->ashift, NULL, false };
		if (c >= np)
			at += col[c].size;
	}
	/* raidz1 swaps P with the first data column every other MiB */
	if (np == 1 && (off & (1ull << 20)) && acols > 1) {
		struct rz_col x = col[0];
		col[0].dev = col[1].dev;
		col[0].off = col[1].off;
		col[1].dev = x.dev;
		col[1].off = x.off;
	}
	/* the data, a copy of it as read, the parity columns and np
	 * syndromes: s sectors at most, each column at most q+1 of them */
	uint64_t plen = col[0].size, total;
	if (at < bp->psize || plen > MAX_BLOCK || at > MAX_BLOCK + (uint64_t)MAX_CHILDREN * sec)
		return "raidz block larger than its vdev rows";
	total = 2 * at + 2 * np * plen;
	uint8_t *data = malloc(total);
	if (!data)
		return "out of memory";
	uint8_t *orig = data + at, *par = orig + at, *tmp = par + np * plen;
	struct rz_col *pc = col, *dc = col + np;
	unsigned nd = (unsigned)(acols - np);
	uint64_t pos = 0;
	const char *why = NULL;
	unsigned miss[3], nmiss = 0, prows[3], npar = 0;
	for (unsigned j = 0; j < nd; j++) {
		dc[j].buf = data + pos;
		pos += dc[j].size;
		if (leaf_read(t->leaf[dc[j].dev], dc[j].off, dc[j].buf, dc[j].size)) {
			dc[j].missing = true;
			memset(dc[j].buf, 0, dc[j].size);
			if (nmiss < 3)
				miss[nmiss] = j;
			nmiss++;
		}
	}
	if (nmiss == 0 && cksum_ok(ctx, fs, bp, data))
		goto done;
	why = "checksum mismatch";
	if (nmiss > np) {
		why = "more members missing than parity rebuilds";
		goto done;
	}
	memcpy(orig, data, at);
	for (unsigned p = 0; p < np; p++) {
		pc[p].buf = par + p * plen;
		if (!leaf_read(t->leaf[pc[p].dev], pc[p].off, pc[p].buf, plen))
			prows[npar++] = p;
	}
	if (nmiss > npar) {
		why = "more members missing or unreadable than parity rebuilds";
		goto done;
	}
	/* e data columns read but supposed bad, on top of the missing ones */
	struct gf g;
	unsigned tries = 0;
	gf_init(&g);
	for (unsigned e = nmiss ? 0 : 1; nmiss + e <= npar; e++) {
		unsigned sus[3] = { 0, 1, 2 }, nok = 0, okcol[MAX_CHILDREN];
		for (unsigned j = 0; j < nd; j++)
			if (!dc[j].missing)
				okcol[nok++] = j;
		if (e > nok)
			break;
		do {
			unsigned bad[3], k = 0, rsel[3] = { 0, 1, 2 };
			for (unsigned i = 0; i < nmiss; i++)
				bad[k++] = miss[i];
			for (unsigned i = 0; i < e; i++)
				bad[k++] = okcol[sus[i]];
			/* each choice of k parity columns among those read */
			do {
				unsigned rows[3];
				for (unsigned i = 0; i < k; i++)
					rows[i] = prows[rsel[i]];
				/* the plain rebuild of what is missing is free: a
				 * degraded pool reads as much as a whole one; a
				 * guess costs its syndromes, their multiplication
				 * tables and the checksum */
				if (tries++ && gb_fs_charge(ctx, &fs->base, k * (at + 256ull * nd) + at)) {
					why = "raidz rebuild: the command's work bound is reached";
					goto done;
				}
				if (rz_rebuild(&g, pc, dc, nd, rows, bad, (int)k, plen, tmp) &&
				    cksum_ok(ctx, fs, bp, data)) {
					why = NULL;
					goto done;
				}
				memcpy(data, orig, at);
			} while (next_subset(rsel, (int)k, npar));
		} while (e && next_subset(sus, (int)e, nok));
	}
done:
	if (!why)
		memcpy(phys, data, bp->psize);
	free(data);
	return why;
}

/* Copy dva of bp into phys (psize bytes), its checksum verified: NULL, or
 * why it cannot be had. */
static const char *read_dva(struct gb_ctx *ctx, struct zfs_fs *fs, const struct bp *bp, int dva,
			    uint8_t *phys)
{
	uint64_t w0 = bp->dva[dva][0], w1 = bp->dva[dva][1] & ~(1ull << 63);
	uint64_t id = w0 >> 32, off;
	if (id >= MAX_TOPS || !fs->top[id].kind)
		return "copy on a vdev that is not here";
	const struct vdev *t = &fs->top[id];
	if (w1 > (UINT64_MAX >> 9) - DATA_START)
		return "block outside the vdev";
	off = w1 << 9;
	if (t->kind == VD_RAIDZ)
		return raidz_read(ctx, fs, t, off, bp, phys);
	const char *why = "copy on a missing member";
	for (uint32_t i = 0; i < t->n; i++) {
		if (!t->leaf[i])
			continue;
		if (leaf_read(t->leaf[i], off, phys, bp->psize)) {
			why = "read error or block outside the vdev";
			continue;
		}
		if (cksum_ok(ctx, fs, bp, phys))
			return NULL;
		why = "checksum mismatch";
	}
	return why;
}

static int fetch_bp(struct gb_ctx *ctx, struct zfs_fs *fs, const uint8_t *raw, const struct bp *bp,
		    uint8_t *out);

#define GANG_SIZE 512
#define GANG_DEPTH 4              /* gang members that are gang blocks again */
#define ZEC_MAGIC 0x210da7ab10c7a11ull

/* A gang block: at the DVA a 512-byte header of three block pointers,
 * its SHA-256 embedded in its tail (computed with the tail set to the
 * DVA's vdev and offset and the block's birth); the members' data,
 * one after the other, are the block's psize bytes. */
static const char *read_gang(struct gb_ctx *ctx, struct zfs_fs *fs, const struct bp *bp, int dva,
			     uint8_t *phys)
{
	struct bp h = *bp;
	uint8_t hdr[GANG_SIZE], copy[GANG_SIZE];
	h.psize = GANG_SIZE;
	h.cktype = CKSUM_OFF; /* verified below, with the embedded checksum */
	const char *why = read_dva(ctx, fs, &h, dva, hdr);
	if (why)
		return why;
	bool hbe = gb_be64(hdr + GANG_SIZE - 40) == ZEC_MAGIC;
	if (rd64(hbe, hdr + GANG_SIZE - 40) != ZEC_MAGIC)
		return "gang header without its magic";
	uint64_t verifier[4] = { bp->dva[dva][0] >> 32 & 0xffffff, (bp->dva[dva][1] & ~(1ull << 63)) << 9,
				 bp->birth, 0 }, ck[4];
	memcpy(copy, hdr, GANG_SIZE);
	for (int i = 0; i < 4; i++)
		for (int k = 0; k < 8; k++)
			copy[GANG_SIZE - 32 + 8 * i + k] =
				(uint8_t)(verifier[i] >> (hbe ? 56 - 8 * k : 8 * k));
	sha256(copy, GANG_SIZE, ck);
	for (int i = 0; i < 4; i++)
		if (ck[i] != rd64(hbe, hdr + GANG_SIZE - 32 + 8 * i) && CHECKSUMS_ENFORCED)
			return "gang header checksum mismatch";
	if (fs->gang_depth >= GANG_DEPTH)
		return "gang blocks nested too deep";
	uint32_t at = 0;
	for (int m = 0; m < 3 && at < bp->psize; m++) {
		struct bp mb;
		bp_decode(hdr + m * BP_SIZE, hbe, &mb);
		if (bp_hole(&mb))
			continue;
		if (mb.embedded || mb.lsize > bp->psize - at)
			return "gang member larger than its block";
		struct gb_ctx quiet = { 0 };
		fs->gang_depth++;
		int r = fetch_bp(&quiet, fs, hdr + m * BP_SIZE, &mb, phys + at);
		fs->gang_depth--;
		if (r)
			return "gang member unreadable";
		at += mb.lsize;
	}
	if (at != bp->psize)
		return "gang members shorter than their block";
	return cksum_ok(ctx, fs, bp, phys) ? NULL : "checksum mismatch";
}

/* Read the block bp (decoded from raw) from the vdevs into out (lsize
 * bytes): the first copy (DVA) that reads, checksums and decompresses. */
static int fetch_bp(struct gb_ctx *ctx, struct zfs_fs *fs, const uint8_t *raw, const struct bp *bp,
		    uint8_t *out)
{
	if (bp_hole(bp)) {
		memset(out, 0, bp->lsize);
		return 0;
	}
	if (bp->embedded)
		return read_embedded(ctx, raw, bp, out);
	if (bp->psize > MAX_BLOCK || (bp->psize > bp->lsize && bp->comp != GB_ZIO_COMP_OFF))
		return gb_error(ctx, GB_E_CORRUPT, "block of %u bytes stored in %u", bp->lsize, bp->psize);
	/* an uncompressed block is read where it goes: no copy */
	bool direct = bp->comp == GB_ZIO_COMP_OFF && bp->psize == bp->lsize;
	uint8_t *phys = direct ? out : malloc(bp->psize);
	if (!phys)
		return gb_error(ctx, GB_E_NOMEM, "out of memory");
	int r = GB_E_CORRUPT;
	const char *why = "no valid copy";
	for (int i = 0; i < 3; i++) {
		if (bp->dva[i][0] == 0 && bp->dva[i][1] == 0)
			continue;
		why = bp->dva[i][1] >> 63 ? read_gang(ctx, fs, bp, i, phys) : read_dva(ctx, fs, bp, i, phys);
		if (why)
			continue;
		r = direct ? 0 : gb_zfs_decompress((int)bp->comp, phys, bp->psize, out, bp->lsize);
		if (r == GB_E_UNSUPPORTED) {
			free(phys);
			return gb_error(ctx, r, "compression method %u is not supported", bp->comp);
		}
		if (r == 0)
			break;
		why = "cannot decompress";
	}
	if (!direct)
		free(phys);
	if (r)
		return gb_error(ctx, GB_E_CORRUPT, "block at %#llx: %s",
				(unsigned long long)((bp->dva[0][1] & ~(1ull << 63)) << 9), why);
	return 0;
}

/* Check that the block `raw` points at (decoded in byte order be) fits
 * in cap bytes, and decode it. */
static int bp_check(struct gb_ctx *ctx, const uint8_t *raw, bool be, size_t cap, struct bp *bp)
{
	bp_decode(raw, be, bp);
	if (bp->lsize > cap || bp->lsize > MAX_BLOCK)
		return gb_error(ctx, GB_E_CORRUPT, "block of %u bytes where %zu fit", bp->lsize, cap);
	return 0;
}

/* Read the block `raw` points at (decoded in byte order be) into out
 * (cap bytes; the block's logical size is returned). Holes read as
 * zeros. *obe gets the block's byte order. With keep, the block is kept
 * in the cache (metadata: read again and again). */
static int read_bp(struct gb_ctx *ctx, struct zfs_fs *fs, const uint8_t *raw, bool be,
		   uint8_t *out, size_t cap, uint32_t *lsize, bool *obe, bool keep)
{
	struct bp bp;
	int r = bp_check(ctx, raw, be, cap, &bp);
	if (r)
		return r;
	*obe = bp.be;
	*lsize = bp.lsize;
	keep = keep && !bp_hole(&bp) && !bp.embedded && bp.lsize <= CACHE_BYTES / 4;
	struct cache_slot *s = keep ? cache_find(fs, &bp) : NULL;
	if (s) {
		memcpy(out, s->buf, s->len);
		return 0;
	}
	/* metadata (what is kept) read and decompressed: charged to the
	 * command; file contents are bounded by the copy's own limits */
	if (keep && (r = gb_fs_charge(ctx, &fs->base, bp.lsize)))
		return r;
	if ((r = fetch_bp(ctx, fs, raw, &bp, out)))
		return r;
	uint8_t *copy = keep ? malloc(bp.lsize) : NULL;
	if (copy) {
		memcpy(copy, out, bp.lsize);
		cache_insert(fs, &bp, copy);
	}
	return 0;
}

/* As read_bp for a block of at most CACHE_BYTES / 4 that is not a hole,
 * without a copy: *ref points into the cache until the next read. */
static int read_bp_ref(struct gb_ctx *ctx, struct zfs_fs *fs, const uint8_t *raw, bool be,
		       size_t cap, const uint8_t **ref, uint32_t *lsize, bool *obe)
{
	struct bp bp;
	int r = bp_check(ctx, raw, be, cap, &bp);
	if (r)
		return r;
	*obe = bp.be;
	*lsize = bp.lsize;
	struct cache_slot *s = cache_find(fs, &bp);
	if (s) {
		*ref = s->buf;
		return 0;
	}
	if ((r = gb_fs_charge(ctx, &fs->base, bp.lsize)))
		return r;
	uint8_t *buf = malloc(bp.lsize);
	if (!buf)
		return gb_error(ctx, GB_E_NOMEM, "out of memory");
	if ((r = fetch_bp(ctx, fs, raw, &bp, buf))) {
		free(buf);
		return r;
	}
	cache_insert(fs, &bp, buf);
	*ref = buf;
	return 0;
}

/* ---- dnodes and objects ----------------------------------------------- */

int gb_zfs_dnode_layout(const uint8_t *p, size_t avail, bool be, struct gb_zfs_dnode_layout *out)
{
	if (avail < DNODE_SIZE)
		return GB_E_CORRUPT;
	/* a free slot's other fields mean nothing: one slot */
	uint32_t size = p[0] ? (1u + p[12]) * DNODE_SIZE : DNODE_SIZE;
	uint32_t nblkptr = p[3], bonuslen = rd16(be, p + 10);
	uint32_t bonus = 64 + nblkptr * BP_SIZE;
	out->size = size;
	out->nblkptr = nblkptr;
	out->bonus_off = bonus;
	out->bonus_len = bonuslen;
	out->spill_off = size - BP_SIZE;
	if (!p[0])
		return 0;
	if (size > avail || size > DNODE_MAX || nblkptr < 1 || bonus > size || bonuslen > size - bonus)
		return GB_E_CORRUPT;
	/* the spill block pointer is the dnode's last 128 bytes */
	if ((p[7] & DNODE_FLAG_SPILL) && (size - bonus < BP_SIZE || bonuslen > size - bonus - BP_SIZE))
		return GB_E_CORRUPT;
	return 0;
}

/* The dnode at p, avail bytes before the end of its block. */
static int dnode_parse(struct gb_ctx *ctx, const uint8_t *p, size_t avail, bool be, struct dnode *dn)
{
	struct gb_zfs_dnode_layout l;
	if (gb_zfs_dnode_layout(p, avail, be, &l))
		return gb_error(ctx, GB_E_CORRUPT,
				"dnode of %u slots, %u pointers, bonus %u, where %zu bytes remain",
				avail >= DNODE_SIZE ? 1u + p[12] : 0u, avail >= DNODE_SIZE ? p[3] : 0u,
				avail >= DNODE_SIZE ? rd16(be, p + 10) : 0u, avail);
	memcpy(dn->raw, p, l.size);
	dn->size = l.size;
	dn->be = be;
	dn->type = p[0];
	dn->indblkshift = p[1];
	dn->nlevels = p[2];
	dn->nblkptr = p[3];
	dn->bonustype = p[4];
	dn->datablksz = (uint32_t)rd16(be, p + 8) << 9;
	dn->bonuslen = rd16(be, p + 10);
	dn->maxblkid = rd64(be, p + 16);
	if (dn->type == 0)
		return 0; /* a free slot */
	if (dn->nlevels < 1 || dn->nlevels > MAX_LEVELS ||
	    dn->indblkshift < 10 || dn->indblkshift > 17 || dn->datablksz < 512 ||
	    dn->datablksz > MAX_BLOCK)
		return gb_error(ctx, GB_E_CORRUPT,
				"dnode with %u levels, %u pointers, blocks of %u, bonus %u",
				dn->nlevels, dn->nblkptr, dn->datablksz, dn->bonuslen);
	return 0;
}

/* An object set's meta-dnode: the array of its objects, in blocks of
 * DNODE_BLOCK (dnode_get reads one per object). */
static int meta_dnode_parse(struct gb_ctx *ctx, const uint8_t *p, bool be, struct dnode *dn)
{
	int r = dnode_parse(ctx, p, DNODE_SIZE, be, dn); /* objset_phys_t's: one slot */
	if (!r && (dn->type != OT_DNODE || dn->datablksz != DNODE_BLOCK))
		r = gb_error(ctx, GB_E_CORRUPT, "object set with a meta-dnode of type %u, blocks of %u",
			     dn->type, dn->datablksz);
	return r;
}

static const uint8_t *dn_bonus(const struct dnode *dn)
{
	return dn->raw + 64 + dn->nblkptr * BP_SIZE;
}

/* The level-0 block pointer of logical block blkid of the object, found
 * through its indirect blocks, into bpraw (byte order *be); *hole when
 * the block was never written. */
static int dn_block_bp(struct gb_ctx *ctx, struct zfs_fs *fs, const struct dnode *dn,
		       uint64_t blkid, uint8_t bpraw[BP_SIZE], bool *be, bool *hole)
{
	*be = dn->be;
	*hole = true;
	if (blkid > dn->maxblkid)
		return 0;
	unsigned epbs = dn->indblkshift - 7;
	unsigned shift = epbs * (dn->nlevels - 1u);
	uint64_t top = shift >= 64 ? 0 : blkid >> shift;
	if (top >= dn->nblkptr)
		return gb_error(ctx, GB_E_CORRUPT, "block %llu beyond the dnode's pointers",
				(unsigned long long)blkid);
	memcpy(bpraw, dn->raw + 64 + top * BP_SIZE, BP_SIZE);
	struct bp bp;
	for (unsigned level = dn->nlevels - 1u; level >= 1; level--) {
		bp_decode(bpraw, *be, &bp);
		if (bp_hole(&bp))
			return 0;
		size_t isz = (size_t)1 << dn->indblkshift;
		const uint8_t *ind = NULL;
		uint32_t got;
		int r = read_bp_ref(ctx, fs, bpraw, *be, isz, &ind, &got, be);
		if (r)
			return r;
		if (got != isz)
			return gb_error(ctx, GB_E_CORRUPT, "indirect block of %u bytes", got);
		uint64_t idx = blkid >> (epbs * (level - 1)) & ((1ull << epbs) - 1);
		memcpy(bpraw, ind + idx * BP_SIZE, BP_SIZE);
	}
	bp_decode(bpraw, *be, &bp);
	*hole = bp_hole(&bp);
	return 0;
}

/* Logical block blkid of the object (datablksz bytes into out); *obe
 * (if not NULL) gets the block's byte order, for blocks read as tables;
 * *hole (if not NULL) tells a block never written (read as zeros). keep:
 * as read_bp's. */
static int dn_read(struct gb_ctx *ctx, struct zfs_fs *fs, const struct dnode *dn,
		   uint64_t blkid, uint8_t *out, bool *obe_out, bool *hole_out, bool keep)
{
	uint8_t bpraw[BP_SIZE];
	bool be, hole, obe;
	int r = dn_block_bp(ctx, fs, dn, blkid, bpraw, &be, &hole);
	if (r)
		return r;
	if (obe_out)
		*obe_out = dn->be;
	if (hole_out)
		*hole_out = hole;
	if (hole) {
		memset(out, 0, dn->datablksz);
		return 0;
	}
	uint32_t got;
	if ((r = read_bp(ctx, fs, bpraw, be, out, dn->datablksz, &got, &obe, keep)))
		return r;
	if (got != dn->datablksz)
		return gb_error(ctx, GB_E_CORRUPT, "data block of %u bytes in an object of %u",
				got, dn->datablksz);
	if (obe_out)
		*obe_out = obe;
	return 0;
}

static int dn_read_block(struct gb_ctx *ctx, struct zfs_fs *fs, const struct dnode *dn,
			 uint64_t blkid, uint8_t *out, bool *obe_out, bool *hole_out)
{
	return dn_read(ctx, fs, dn, blkid, out, obe_out, hole_out, true);
}

/* Object obj of the object set whose meta-dnode is os. */
static int dnode_get(struct gb_ctx *ctx, struct zfs_fs *fs, const struct dnode *os, uint64_t obj,
		     struct dnode *out)
{
	uint64_t per = os->datablksz / DNODE_SIZE;
	uint64_t blkid = obj / per;
	if (obj == 0 || blkid > os->maxblkid)
		return gb_error(ctx, GB_E_CORRUPT, "object %llu does not exist",
				(unsigned long long)obj);
	uint8_t *buf = malloc(os->datablksz);
	if (!buf)
		return gb_error(ctx, GB_E_NOMEM, "out of memory");
	bool be;
	int r = dn_read_block(ctx, fs, os, blkid, buf, &be, NULL);
	if (!r)
		r = dnode_parse(ctx, buf + (obj % per) * DNODE_SIZE,
				os->datablksz - (obj % per) * DNODE_SIZE, be, out);
	free(buf);
	if (!r && out->type == 0)
		r = gb_error(ctx, GB_E_CORRUPT, "object %llu is free", (unsigned long long)obj);
	return r;
}

/* ---- ZAPs ------------------------------------------------------------- */

/* Called with each entry's name and first integer (0 when the value is
 * not an integer); a non-zero return stops the walk and is passed on. */
#define ZVAL_MAX 256             /* value bytes handed to a walk's callback */
struct zval {
	unsigned intlen;  /* 1, 2, 4 or 8 */
	unsigned total;   /* integers in the value */
	unsigned n;       /* integers in p (those that fit in ZVAL_MAX bytes) */
	uint8_t p[ZVAL_MAX]; /* big-endian, as fat ZAP leaves store them */
};
typedef int (*zap_fn)(void *arg, const char *name, uint64_t value, const struct zval *zv);

/* Gather a chain of leaf array chunks into buf (n bytes). */
static bool leaf_array(const uint8_t *chunks, uint32_t nchunks, uint32_t c, uint8_t *buf, size_t n)
{
	size_t got = 0;
	for (uint32_t hops = 0; got < n; hops++) {
		if (c >= nchunks || hops > nchunks)
			return false;
		const uint8_t *ch = chunks + (size_t)c * ZAP_CHUNK_SIZE;
		if (ch[0] != ZAP_CHUNK_ARRAY)
			return false;
		size_t take = n - got < ZAP_ARRAY_BYTES ? n - got : ZAP_ARRAY_BYTES;
		memcpy(buf + got, ch + 1, take);
		got += take;
		c = gb_be16(ch + 22); /* made big-endian by walk_leaf; 0xffff ends */
	}
	return true;
}

static int walk_leaf(struct gb_ctx *ctx, const uint8_t *blk, uint32_t bs, bool be, zap_fn fn, void *arg)
{
	if (rd32(be, blk + 24) != ZAP_LEAF_MAGIC)
		return gb_error(ctx, GB_E_CORRUPT, "ZAP leaf without its magic");
	unsigned shift = 0;
	while ((1u << shift) < bs)
		shift++;
	uint32_t hashents = 1u << (shift - 5);
	uint32_t nchunks = (bs - 2 * hashents) / ZAP_CHUNK_SIZE - 2;
	const uint8_t *chunks = blk + 48 + 2 * hashents;
	/* the chunk links are 16-bit words in the block's byte order: make a
	 * big-endian copy so that leaf_array reads them one way */
	uint8_t *cp = malloc((size_t)nchunks * ZAP_CHUNK_SIZE);
	if (!cp)
		return gb_error(ctx, GB_E_NOMEM, "out of memory");
	memcpy(cp, chunks, (size_t)nchunks * ZAP_CHUNK_SIZE);
	for (uint32_t i = 0; i < nchunks; i++) {
		uint8_t *ch = cp + (size_t)i * ZAP_CHUNK_SIZE;
		if (ch[0] == ZAP_CHUNK_ARRAY) {
			uint16_t nx = rd16(be, ch + 22);
			ch[22] = (uint8_t)(nx >> 8);
			ch[23] = (uint8_t)nx;
		}
	}
	int r = 0;
	for (uint32_t i = 0; i < nchunks && !r; i++) {
		const uint8_t *ch = cp + (size_t)i * ZAP_CHUNK_SIZE;
		if (ch[0] != ZAP_CHUNK_ENTRY)
			continue;
		uint8_t intlen = ch[1];
		uint16_t name_chunk = rd16(be, ch + 4), name_len = rd16(be, ch + 6);
		uint16_t val_chunk = rd16(be, ch + 8), val_n = rd16(be, ch + 10);
		char name[ZAP_NAME_MAX + 1];
		if (name_len == 0 || name_len >= sizeof(name) ||
		    !leaf_array(cp, nchunks, name_chunk, (uint8_t *)name, name_len)) {
			r = gb_error(ctx, GB_E_CORRUPT, "ZAP entry with a bad name");
			break;
		}
		name[name_len] = '\0';
		uint64_t value = 0;
		if (intlen == 8 && val_n >= 1) {
			uint8_t v[8];
			if (!leaf_array(cp, nchunks, val_chunk, v, 8)) {
				r = gb_error(ctx, GB_E_CORRUPT, "ZAP entry with a bad value");
				break;
			}
			value = gb_be64(v); /* leaf values are big-endian byte strings */
		}
		if (strlen(name) + 1 != name_len)
			continue; /* not a string key (a hashed uint64 key): not ours */
		/* the whole value, for arrays (SA layouts), as far as it fits */
		struct zval zv = { .intlen = intlen, .total = val_n };
		if (intlen == 1 || intlen == 2 || intlen == 4 || intlen == 8) {
			zv.n = val_n < ZVAL_MAX / intlen ? val_n : ZVAL_MAX / intlen;
			if (!leaf_array(cp, nchunks, val_chunk, zv.p, (size_t)zv.n * intlen)) {
				r = gb_error(ctx, GB_E_CORRUPT, "ZAP entry with a bad value");
				break;
			}
		}
		r = fn(arg, name, value, &zv);
	}
	free(cp);
	return r;
}

/* ZFS's CRC-64 (reflected, ECMA-182 polynomial) of key from salt: the
 * name hash of a fat ZAP, its low 36 bits cleared unless the ZAP keeps 64. */
static uint64_t zap_hash(uint64_t salt, bool hash64, const char *key, size_t len)
{
	uint64_t h = salt;
	for (size_t i = 0; i < len; i++) {
		h ^= (uint8_t)key[i];
		for (int b = 0; b < 8; b++)
			h = (h >> 1) ^ (0xC96C5795D7870F42ull & (0 - (h & 1)));
	}
	return hash64 ? h : h & ~((1ull << 36) - 1);
}

/* The leaf of a fat ZAP (header block hdr, bs = 1 << shift bytes) that
 * holds key, through the pointer table (embedded in the header's second
 * half, or in blocks of its own). 1 when the ZAP cannot be searched by
 * hash (normalized names, integer keys): walk it. *hash gets the hash. */
static int zap_leaf_for(struct gb_ctx *ctx, struct zfs_fs *fs, const struct dnode *dn,
			const uint8_t *hdr, bool be, unsigned shift, const char *key, size_t len,
			uint64_t *leaf, uint64_t *hash)
{
	uint64_t tblk = rd64(be, hdr + 16), tnum = rd64(be, hdr + 24), tshift = rd64(be, hdr + 32);
	uint64_t salt = rd64(be, hdr + 80), norm = rd64(be, hdr + 88), flags = rd64(be, hdr + 96);
	if (salt == 0 || norm != 0 || (flags & ~1ull))
		return 1;
	*hash = zap_hash(salt, flags & 1, key, len);
	uint64_t idx = tshift ? *hash >> (64 - tshift) : 0;
	size_t bs = (size_t)1 << shift;
	if (tnum == 0) {
		if (tshift > shift - 4)
			return gb_error(ctx, GB_E_CORRUPT, "ZAP pointer table of 2^%llu entries in its header",
					(unsigned long long)tshift);
		*leaf = rd64(be, hdr + bs / 2 + idx * 8);
	} else {
		uint64_t per = bs / 8;
		if (tshift >= 64 || tblk > dn->maxblkid || idx / per >= tnum ||
		    idx / per > dn->maxblkid - tblk)
			return gb_error(ctx, GB_E_CORRUPT, "ZAP pointer table of 2^%llu entries in %llu blocks",
					(unsigned long long)tshift, (unsigned long long)tnum);
		uint8_t *tb = malloc(bs);
		if (!tb)
			return gb_error(ctx, GB_E_NOMEM, "out of memory");
		bool tbe;
		int r = dn_read_block(ctx, fs, dn, tblk + idx / per, tb, &tbe, NULL);
		if (!r)
			*leaf = rd64(tbe, tb + (idx % per) * 8);
		free(tb);
		if (r)
			return r;
	}
	if (*leaf == 0 || *leaf > dn->maxblkid)
		return gb_error(ctx, GB_E_CORRUPT, "ZAP pointer to block %llu of %llu",
				(unsigned long long)*leaf, (unsigned long long)dn->maxblkid + 1);
	return 0;
}

/* Every entry of the ZAP, or with key (len bytes) set, the entries of the
 * leaf that holds key when the ZAP is searched by hash. */
static int zap_walk(struct gb_ctx *ctx, struct zfs_fs *fs, const struct dnode *dn, const char *key,
		    size_t len, zap_fn fn, void *arg)
{
	uint32_t bs = dn->datablksz;
	if (bs > ZAP_MAX_BLOCK)
		return gb_error(ctx, GB_E_CORRUPT, "ZAP with blocks of %u bytes", bs);
	uint8_t *blk = malloc(bs);
	if (!blk)
		return gb_error(ctx, GB_E_NOMEM, "out of memory");
	bool be, hole;
	int r = dn_read_block(ctx, fs, dn, 0, blk, &be, NULL);
	if (r)
		goto out;
	uint64_t type = rd64(be, blk);
	if (type == ZBT_MICRO) {
		for (uint32_t at = MZAP_ENT_SIZE; at + MZAP_ENT_SIZE <= bs && !r; at += MZAP_ENT_SIZE) {
			const uint8_t *e = blk + at;
			char name[MZAP_NAME_LEN + 1];
			memcpy(name, e + 14, MZAP_NAME_LEN);
			name[MZAP_NAME_LEN] = '\0';
			if (name[0])
				r = fn(arg, name, rd64(be, e), NULL);
		}
		goto out;
	}
	if (type != ZBT_HEADER || rd64(be, blk + 8) != ZAP_MAGIC) {
		r = gb_error(ctx, GB_E_CORRUPT, "not a ZAP object");
		goto out;
	}
	/* a micro ZAP grows by sectors; a fat one's blocks are a power of two */
	if (bs < 1024 || (bs & (bs - 1))) {
		r = gb_error(ctx, GB_E_CORRUPT, "fat ZAP with blocks of %u bytes", bs);
		goto out;
	}
	if (dn->maxblkid >= ZAP_MAX_BYTES / bs) {
		r = gb_error(ctx, GB_E_LIMIT, "ZAP of %llu blocks of %u bytes",
			     (unsigned long long)dn->maxblkid + 1, bs);
		goto out;
	}
	unsigned shift = 10;
	while ((1u << shift) < bs)
		shift++;
	uint64_t leaf = 0, hash = 0;
	if (key && (r = zap_leaf_for(ctx, fs, dn, blk, be, shift, key, len, &leaf, &hash)) <= 0) {
		if (r || (r = dn_read_block(ctx, fs, dn, leaf, blk, &be, NULL)))
			goto out;
		/* the leaf holds the hashes that begin with its prefix */
		unsigned plen = rd16(be, blk + 32);
		if (rd64(be, blk) != ZBT_LEAF || plen > 64 ||
		    (plen && hash >> (64 - plen) != rd64(be, blk + 16))) {
			r = gb_error(ctx, GB_E_CORRUPT, "ZAP pointer to a wrong leaf");
			goto out;
		}
		r = walk_leaf(ctx, blk, bs, be, fn, arg);
		goto out;
	}
	/* Every leaf once, in block order (the pointer table may name a leaf
	 * many times). */
	r = 0;
	for (uint64_t b = 1; b <= dn->maxblkid && !r; b++) {
		if ((r = dn_read_block(ctx, fs, dn, b, blk, &be, &hole)))
			break;
		if (!hole && rd64(be, blk) == ZBT_LEAF)
			r = walk_leaf(ctx, blk, bs, be, fn, arg);
	}
out:
	free(blk);
	return r;
}

struct zfind {
	const char *name;
	size_t len;
	uint64_t value;
	bool found;
};

static int zfind_cb(void *arg, const char *name, uint64_t value, const struct zval *zv)
{
	(void)zv;
	struct zfind *f = arg;
	if (strlen(name) != f->len || memcmp(name, f->name, f->len))
		return 0;
	f->value = value;
	f->found = true;
	return 1;
}

/* GB_E_NOT_FOUND (unrecorded) when the ZAP has no such name. */
static int zap_lookup(struct gb_ctx *ctx, struct zfs_fs *fs, const struct dnode *dn,
		      const char *name, size_t len, uint64_t *value)
{
	struct zfind f = { .name = name, .len = len };
	int r = zap_walk(ctx, fs, dn, name, len, zfind_cb, &f);
	if (r < 0)
		return r;
	if (!f.found)
		return GB_E_NOT_FOUND;
	*value = f.value;
	return 0;
}

static int mos_zap_lookup(struct gb_ctx *ctx, struct zfs_fs *fs, uint64_t obj, const char *name,
			  uint64_t *value)
{
	struct dnode dn;
	int r = dnode_get(ctx, fs, &fs->mos, obj, &dn);
	if (r)
		return r;
	return zap_lookup(ctx, fs, &dn, name, strlen(name), value);
}

/* ---- datasets --------------------------------------------------------- */

/* A MOS object of the given type with a bonus buffer of at least need bytes. */
static int mos_bonus(struct gb_ctx *ctx, struct zfs_fs *fs, uint64_t obj, uint8_t type,
		     size_t need, struct dnode *dn)
{
	int r = dnode_get(ctx, fs, &fs->mos, obj, dn);
	if (r)
		return r;
	if (dn->type != type || dn->bonuslen < need)
		return gb_error(ctx, GB_E_CORRUPT, "MOS object %llu: type %u, bonus %u, expected type %u",
				(unsigned long long)obj, dn->type, dn->bonuslen, type);
	return 0;
}

/* The child DSL dir of dir named (name, len); GB_E_NOT_FOUND if none. */
static int dsl_child(struct gb_ctx *ctx, struct zfs_fs *fs, uint64_t dir, const char *name,
		     size_t len, uint64_t *child)
{
	struct dnode dn;
	int r = mos_bonus(ctx, fs, dir, OT_DSL_DIR, 40, &dn);
	if (r)
		return r;
	uint64_t zap = rd64(dn.be, dn_bonus(&dn) + 32);
	struct dnode zdn;
	if ((r = dnode_get(ctx, fs, &fs->mos, zap, &zdn)))
		return r;
	return zap_lookup(ctx, fs, &zdn, name, len, child);
}

/* The meta-dnode of dataset ds's object set, which must be a file system. */
static int dataset_objset(struct gb_ctx *ctx, struct zfs_fs *fs, uint64_t ds, struct dnode *os)
{
	struct dnode dn;
	int r = mos_bonus(ctx, fs, ds, OT_DSL_DATASET, 256, &dn);
	if (r)
		return r;
	uint8_t *buf = malloc(16384);
	if (!buf)
		return gb_error(ctx, GB_E_NOMEM, "out of memory");
	uint32_t got;
	bool be;
	r = read_bp(ctx, fs, dn_bonus(&dn) + 128, dn.be, buf, 16384, &got, &be, true);
	if (!r && got < 1024)
		r = gb_error(ctx, GB_E_CORRUPT, "object set of %u bytes", got);
	if (!r && rd64(be, buf + 704) != OST_ZFS)
		r = gb_error(ctx, GB_E_UNSUPPORTED, "dataset %llu is not a file system (type %llu)",
			     (unsigned long long)ds, (unsigned long long)rd64(be, buf + 704));
	if (!r)
		r = meta_dnode_parse(ctx, buf, be, os);
	free(buf);
	return r;
}

static int dir_head(struct gb_ctx *ctx, struct zfs_fs *fs, uint64_t dir, uint64_t *ds)
{
	struct dnode dn;
	int r = mos_bonus(ctx, fs, dir, OT_DSL_DIR, 40, &dn);
	if (r)
		return r;
	*ds = rd64(dn.be, dn_bonus(&dn) + 8);
	return 0;
}

/* ---- mount ------------------------------------------------------------ */

static int check_features(struct gb_ctx *ctx, struct nvl list)
{
	struct nvl feat;
	if (!nv_list(list, "features_for_read", &feat))
		return 0;
	size_t at = 8;
	while (at + 20 <= feat.len) {
		uint32_t esize = gb_be32(feat.p + at);
		if (esize == 0)
			break;
		if (esize < 20 || esize > feat.len - at)
			return gb_error(ctx, GB_E_CORRUPT, "bad features_for_read list");
		uint32_t klen = gb_be32(feat.p + at + 8);
		if (klen > esize - 20 || klen > 200)
			return gb_error(ctx, GB_E_CORRUPT, "bad features_for_read list");
		char name[201];
		gb_copy_label(name, sizeof(name), feat.p + at + 12, klen);
		if (!read_feature_known(name))
			return gb_error(ctx, GB_E_UNSUPPORTED, "feature %s is not supported", name);
		at += esize;
	}
	return 0;
}

/* Label `list` of member vol: its top-level vdev joins fs->top (the first
 * label that names a top-level vdev describes it), and vol takes the slot
 * whose guid is the label's. The mounted member (first) also gives the
 * bootpath for $ZFS-BOOTFS, its phys_path, as libfsimage takes it. */
static int add_member(struct gb_ctx *ctx, struct zfs_fs *fs, struct gb_volume *vol,
		      struct nvl list, bool first)
{
	struct nvl tree, child;
	char type[24];
	uint64_t id, guid = 0, tguid = 0, v;
	if (!nv_list(list, "vdev_tree", &tree) || !nv_str(tree, "type", type, sizeof(type)) ||
	    !nv_u64(tree, "id", &id) || !nv_u64(list, "guid", &guid))
		return first ? gb_error(ctx, GB_E_CORRUPT, "label without a vdev tree") : 0;
	if (id >= MAX_TOPS)
		return first ? gb_error(ctx, GB_E_LIMIT, "top-level vdev %llu", (unsigned long long)id) : 0;
	nv_u64(tree, "guid", &tguid);
	struct vdev *t = &fs->top[id];
	if (t->kind && t->guid != tguid)
		return 0; /* a stale label of a vdev since replaced */
	if (!t->kind) {
		snprintf(t->type, sizeof(t->type), "%s", type);
		t->guid = tguid;
		t->ashift = nv_u64(tree, "ashift", &v) && v >= 9 && v <= 16 ? (unsigned)v : 9;
		t->log = nv_u64(tree, "is_log", &v) && v;
		if (!strcmp(type, "disk") || !strcmp(type, "file")) {
			t->kind = VD_DISK;
			t->n = 1;
			t->child_guid[0] = tguid;
		} else if (!strcmp(type, "mirror") || !strcmp(type, "raidz")) {
			t->kind = type[0] == 'm' ? VD_MIRROR : VD_RAIDZ;
			t->nparity = nv_u64(tree, "nparity", &v) ? (unsigned)v : 1;
			uint32_t n = 0;
			for (uint32_t i = 0; i < MAX_CHILDREN && nv_list_at(tree, "children", i, &child, &n) &&
			     i < n; i++) {
				nv_u64(child, "guid", &t->child_guid[i]);
				t->n = i + 1;
			}
			if (t->n != n || !n || (t->kind == VD_RAIDZ &&
			    (t->nparity < 1 || t->nparity > 3 || t->n <= t->nparity))) {
				t->kind = 0;
				return first ? gb_error(ctx, GB_E_CORRUPT, "%s vdev of %u members, parity %u",
							type, n, t->nparity) : 0;
			}
		} else {
			t->kind = 0;
			return first ? gb_error(ctx, GB_E_UNSUPPORTED, "%s vdevs are not supported", type) : 0;
		}
	}
	for (uint32_t i = 0; i < t->n; i++)
		if (t->child_guid[i] == guid && !t->leaf[i]) {
			t->leaf[i] = vol;
			uint32_t nc;
			if (first && t->kind != VD_DISK && nv_list_at(tree, "children", i, &child, &nc))
				nv_str(child, "phys_path", fs->bootpath, sizeof(fs->bootpath));
		}
	if (first && t->kind == VD_DISK)
		nv_str(tree, "phys_path", fs->bootpath, sizeof(fs->bootpath));
	return 0;
}

/* The pool's members: the mounted volume, then every volume of the image
 * (all its disks) whose label names the same pool. */
static int gather_members(struct gb_ctx *ctx, struct zfs_fs *fs, struct nvl first)
{
	int r = add_member(ctx, fs, fs->base.vol, first, true);
	struct gb_image *img = fs->base.vol->img;
	size_t n = img ? gb_image_volume_count(img) : 0;
	struct label lb = { .nv = n > 1 ? malloc(LABEL_NVLIST_SIZE) : NULL };
	if (n > 1 && !lb.nv)
		return gb_error(ctx, GB_E_NOMEM, "out of memory");
	for (size_t i = 0; !r && i < n; i++) {
		struct gb_volume *v = gb_image_volume(img, i);
		const struct gb_volume_info *vi = gb_volume_info(v);
		char guid[24];
		snprintf(guid, sizeof(guid), "%llu", (unsigned long long)fs->pool_guid);
		if (v == fs->base.vol || strcmp(vi->fstype, "zfs_member") || strcmp(vi->fs_uuid, guid))
			continue;
		struct gb_ctx quiet = { 0 };
		uint64_t pg = 0;
		if (find_label(&quiet, v, &lb) == 0 && nv_u64(lb.list, "pool_guid", &pg) &&
		    pg == fs->pool_guid)
			r = add_member(ctx, fs, v, lb.list, false);
	}
	free(lb.nv);
	return r;
}

struct feat_check {
	struct gb_ctx *ctx;
};

static int feature_cb(void *arg, const char *name, uint64_t refcount, const struct zval *zv)
{
	(void)zv;
	struct feat_check *f = arg;
	if (refcount == 0 || read_feature_known(name))
		return 0;
	char shown[ZAP_NAME_MAX + 1];
	gb_copy_label(shown, sizeof(shown), name, strlen(name));
	return gb_error(f->ctx, GB_E_UNSUPPORTED, "feature %s is not supported", shown);
}

/* The MOS's features_for_read: every feature in use (a refcount above 0)
 * that a reader must know, whether or not the label lists it. */
static int check_mos_features(struct gb_ctx *ctx, struct zfs_fs *fs)
{
	uint64_t obj;
	int r = mos_zap_lookup(ctx, fs, 1, "features_for_read", &obj);
	if (r == GB_E_NOT_FOUND)
		return 0; /* a pool before feature flags */
	struct dnode dn;
	struct feat_check f = { ctx };
	if (r || (r = dnode_get(ctx, fs, &fs->mos, obj, &dn)))
		return r;
	r = zap_walk(ctx, fs, &dn, NULL, 0, feature_cb, &f);
	return r > 0 ? 0 : r;
}

struct ub {
	uint64_t txg, timestamp;
	uint8_t rootbp[BP_SIZE];
	bool be;
};

static int ub_cmp(const void *a, const void *b)
{
	const struct ub *x = a, *y = b;
	if (x->txg != y->txg)
		return x->txg < y->txg ? 1 : -1;
	return x->timestamp < y->timestamp ? 1 : x->timestamp > y->timestamp ? -1 : 0;
}

/* Gather every uberblock of the four labels, newest first. */
static int gather_ubs(struct gb_ctx *ctx, struct gb_volume *vol, uint64_t max_version,
		      struct ub *ubs, size_t *n)
{
	uint8_t *ring = malloc(LABEL_UB_SIZE);
	if (!ring)
		return gb_error(ctx, GB_E_NOMEM, "out of memory");
	*n = 0;
	for (int l = 0; l < 4; l++) {
		struct gb_ctx quiet = { 0 };
		if (gb_vol_read(&quiet, vol, label_offset(vol->size, l) + LABEL_UB_OFF, ring,
				LABEL_UB_SIZE))
			continue;
		for (size_t at = 0; at < LABEL_UB_SIZE && *n < UB_MAX_CANDIDATES; at += UB_STEP) {
			const uint8_t *u = ring + at;
			bool be;
			if (gb_le64(u) == UB_MAGIC)
				be = false;
			else if (gb_be64(u) == UB_MAGIC)
				be = true;
			else
				continue;
			uint64_t version = rd64(be, u + 8), txg = rd64(be, u + 16);
			if (version == 0 || version > max_version || txg == 0)
				continue;
			struct ub *x = &ubs[(*n)++];
			x->txg = txg;
			x->timestamp = rd64(be, u + 32);
			x->be = be;
			memcpy(x->rootbp, u + 40, BP_SIZE);
		}
	}
	free(ring);
	qsort(ubs, *n, sizeof(*ubs), ub_cmp);
	return 0;
}

/* The newest uberblock whose MOS reads (checksums verified). */
static int load_mos(struct gb_ctx *ctx, struct zfs_fs *fs)
{
	struct ub *ubs = malloc(UB_MAX_CANDIDATES * sizeof(*ubs));
	uint8_t *buf = malloc(16384);
	size_t n = 0;
	int r = 0;
	if (!ubs || !buf) {
		r = gb_error(ctx, GB_E_NOMEM, "out of memory");
		goto out;
	}
	if ((r = gather_ubs(ctx, fs->base.vol, fs->version, ubs, &n)))
		goto out;
	r = gb_error(ctx, GB_E_CORRUPT, "no valid uberblock");
	for (size_t i = 0; i < n; i++) {
		if (i && ubs[i].txg == ubs[i - 1].txg &&
		    !memcmp(ubs[i].rootbp, ubs[i - 1].rootbp, BP_SIZE))
			continue;
		struct gb_ctx quiet = { 0 };
		uint32_t got;
		bool be;
		if (read_bp(&quiet, fs, ubs[i].rootbp, ubs[i].be, buf, 16384, &got, &be, true) ||
		    got < 1024 || rd64(be, buf + 704) != 1 /* DMU_OST_META */)
			continue;
		if (meta_dnode_parse(&quiet, buf, be, &fs->mos))
			continue;
		ctx->code = 0; /* forget the provisional error */
		ctx->msg[0] = '\0';
		r = 0;
		break;
	}
out:
	free(ubs);
	free(buf);
	return r;
}

static void zfs_umount(struct gb_fs *base)
{
	struct zfs_fs *fs = (struct zfs_fs *)base;
	if (!fs)
		return;
	for (unsigned i = 0; i < CACHE_SLOTS; i++)
		free(fs->cache[i].buf);
	while (fs->sa) {
		struct sa_table *t = fs->sa;
		fs->sa = t->next;
		for (unsigned i = 0; i < SA_MAX_LAYOUTS; i++)
			free(t->layout[i]);
		free(t);
	}
	free(fs);
}

static int zfs_mount(struct gb_ctx *ctx, struct gb_volume *vol, struct gb_fs **out)
{
	struct label lb = { .nv = malloc(LABEL_NVLIST_SIZE) };
	struct zfs_fs *fs = calloc(1, sizeof(*fs));
	int r;
	if (!lb.nv || !fs) {
		r = gb_error(ctx, GB_E_NOMEM, "out of memory");
		goto fail;
	}
	fs->base.vol = vol;
	if ((r = find_label(ctx, vol, &lb))) {
		if (r == GB_E_NOT_MINE)
			r = gb_error(ctx, GB_E_CORRUPT, "no valid vdev label");
		goto fail;
	}
	nv_u64(lb.list, "pool_guid", &fs->pool_guid);
	nv_str(lb.list, "name", fs->pool, sizeof(fs->pool));
	if (!nv_u64(lb.list, "version", &fs->version)) {
		r = gb_error(ctx, GB_E_CORRUPT, "label without a pool version");
		goto fail;
	}
	if (fs->version > SPA_VERSION_MAX && fs->version != SPA_VERSION_FEATURES) {
		r = gb_error(ctx, GB_E_UNSUPPORTED, "pool version %llu",
			     (unsigned long long)fs->version);
		goto fail;
	}
	if ((r = check_features(ctx, lb.list)) || (r = gather_members(ctx, fs, lb.list)))
		goto fail;
	if ((r = load_mos(ctx, fs)) || (r = check_mos_features(ctx, fs)))
		goto fail;
	uint64_t root = 0;
	if ((r = mos_zap_lookup(ctx, fs, 1, "root_dataset", &root))) {
		if (r == GB_E_NOT_FOUND)
			r = gb_error(ctx, GB_E_CORRUPT, "no root dataset");
		goto fail;
	}
	fs->root_dir = root;
	free(lb.nv);
	*out = &fs->base;
	return 0;
fail:
	free(lb.nv);
	zfs_umount(fs ? &fs->base : NULL);
	return r;
}

/* ---- system attributes ------------------------------------------------- */

struct sa_load {
	struct gb_ctx *ctx;
	struct sa_table *t;
};

/* REGISTRY: "ZPL_MODE" -> number (bits 0-15), byte swap (16-23), length
 * (24-39). */
static int sa_reg_cb(void *arg, const char *name, uint64_t value, const struct zval *zv)
{
	(void)zv;
	struct sa_table *t = ((struct sa_load *)arg)->t;
	unsigned a = (unsigned)(value & 0xffff);
	if (a >= SA_MAX_ATTRS)
		return 0; /* never in a layout we accept */
	t->reg[a] = true;
	t->len[a] = (uint16_t)(value >> 24 & 0xffff);
	if (!strcmp(name, "ZPL_MODE"))
		t->mode = (int)a;
	else if (!strcmp(name, "ZPL_SIZE"))
		t->size = (int)a;
	else if (!strcmp(name, "ZPL_MTIME"))
		t->mtime = (int)a;
	else if (!strcmp(name, "ZPL_SYMLINK"))
		t->symlink = (int)a;
	return 0;
}

/* LAYOUTS: "2" -> the attribute numbers of layout 2, in order. */
static int sa_layout_cb(void *arg, const char *name, uint64_t value, const struct zval *zv)
{
	(void)value;
	struct sa_load *l = arg;
	char *end;
	unsigned long num = strtoul(name, &end, 10);
	if (*end || end == name || num >= SA_MAX_LAYOUTS || !zv || zv->intlen != 2 ||
	    zv->total > SA_LAYOUT_MAX || zv->n != zv->total || l->t->layout[num])
		return gb_error(l->ctx, GB_E_CORRUPT, "system attribute layout '%.20s'", name);
	struct sa_layout *lay = calloc(1, sizeof(*lay));
	if (!lay)
		return gb_error(l->ctx, GB_E_NOMEM, "out of memory");
	lay->n = zv->n;
	for (unsigned i = 0; i < zv->n; i++)
		lay->attr[i] = gb_be16(zv->p + 2 * i);
	l->t->layout[num] = lay;
	return 0;
}

/* The SA tables of object set os, whose master node names them (sa_obj),
 * kept by the mount for every node of the object set. */
static int sa_tables(struct gb_ctx *ctx, struct zfs_fs *fs, const struct dnode *os, uint64_t sa_obj,
		     const struct sa_table **out)
{
	for (struct sa_table *t = fs->sa; t; t = t->next)
		if (!memcmp(t->key, os->raw, sizeof(t->key))) {
			*out = t;
			return 0;
		}
	if (fs->nsa == SA_MAX_TABLES)
		return gb_error(ctx, GB_E_LIMIT, "more than %d object sets", SA_MAX_TABLES);
	struct sa_table *t = calloc(1, sizeof(*t));
	if (!t)
		return gb_error(ctx, GB_E_NOMEM, "out of memory");
	memcpy(t->key, os->raw, sizeof(t->key));
	t->mode = t->size = t->mtime = t->symlink = -1;
	t->next = fs->sa;
	fs->sa = t;
	fs->nsa++;
	struct dnode master, reg, lay;
	uint64_t reg_obj = 0, lay_obj = 0;
	struct sa_load l = { ctx, t };
	int r = dnode_get(ctx, fs, os, sa_obj, &master);
	if (!r && (r = zap_lookup(ctx, fs, &master, "REGISTRY", 8, &reg_obj)) == GB_E_NOT_FOUND)
		r = gb_error(ctx, GB_E_CORRUPT, "system attributes without a registry");
	if (!r && (r = zap_lookup(ctx, fs, &master, "LAYOUTS", 7, &lay_obj)) == GB_E_NOT_FOUND)
		r = gb_error(ctx, GB_E_CORRUPT, "system attributes without layouts");
	if (!r && !(r = dnode_get(ctx, fs, os, reg_obj, &reg)))
		r = zap_walk(ctx, fs, &reg, NULL, 0, sa_reg_cb, &l);
	if (!r && !(r = dnode_get(ctx, fs, os, lay_obj, &lay)))
		r = zap_walk(ctx, fs, &lay, NULL, 0, sa_layout_cb, &l);
	if (!r && (t->mode < 0 || t->size < 0 || t->len[t->mode] != 8 || t->len[t->size] != 8 ||
		   (t->mtime >= 0 && t->len[t->mtime] != 16)))
		r = gb_error(ctx, GB_E_CORRUPT, "system attribute registry without ZPL's mode and size");
	*out = t;
	return r;
}

/* Attribute a in the SA header at h (len bytes, byte order be): *val and
 * *vlen. GB_E_NOT_FOUND (unrecorded) when its layout has no such one. */
static int sa_in(struct gb_ctx *ctx, const struct sa_table *t, const uint8_t *h, size_t len,
		 bool be, int a, const uint8_t **val, size_t *vlen)
{
	if (len < 8 || rd32(be, h) != SA_MAGIC)
		return gb_error(ctx, GB_E_CORRUPT, "system attributes without their magic");
	uint16_t info = rd16(be, h + 4);
	size_t hdrsize = (size_t)(info >> 10 & 0x3f) * 8, at = hdrsize, nvar = 0;
	const struct sa_layout *lay = t->layout[info & 0x3ff];
	if (hdrsize < 8 || hdrsize > len || !lay)
		return gb_error(ctx, GB_E_CORRUPT, "system attributes of layout %u, header of %zu bytes",
				info & 0x3ff, hdrsize);
	for (unsigned i = 0; i < lay->n; i++) {
		unsigned id = lay->attr[i];
		if (id >= SA_MAX_ATTRS || !t->reg[id])
			return gb_error(ctx, GB_E_CORRUPT, "system attribute %u is not registered", id);
		size_t alen = t->len[id];
		if (alen == 0) {
			/* variable: its length in the header, after the fixed words */
			if (6 + 2 * nvar + 2 > hdrsize)
				return gb_error(ctx, GB_E_CORRUPT, "system attribute header too short");
			alen = rd16(be, h + 6 + 2 * nvar++);
		}
		if (at > len || alen > len - at)
			return gb_error(ctx, GB_E_CORRUPT, "system attribute %u past its buffer", id);
		if ((int)id == a) {
			*val = h + at;
			*vlen = alen;
			return 0;
		}
		at += (alen + 7) & ~(size_t)7; /* each starts on 8 bytes */
	}
	return GB_E_NOT_FOUND;
}

/* Attribute a of node n: in its bonus buffer, else its spill block (read
 * into *spill, which the caller frees). */
static int sa_get(struct gb_ctx *ctx, struct zfs_fs *fs, const struct zfs_node *n, int a,
		  const uint8_t **val, size_t *vlen, bool *vbe, uint8_t **spill)
{
	*spill = NULL;
	*vbe = n->dn.be;
	if (a < 0)
		return GB_E_NOT_FOUND;
	bool has_spill = n->dn.raw[7] & DNODE_FLAG_SPILL;
	size_t blen = n->dn.bonuslen; /* dnode_parse: clear of the spill pointer */
	int r = sa_in(ctx, n->sa, dn_bonus(&n->dn), blen, n->dn.be, a, val, vlen);
	if (r != GB_E_NOT_FOUND || !has_spill)
		return r;
	if (!(*spill = malloc(SPILL_MAX)))
		return gb_error(ctx, GB_E_NOMEM, "out of memory");
	uint32_t got;
	bool be;
	r = read_bp(ctx, fs, n->dn.raw + n->dn.size - BP_SIZE, n->dn.be, *spill, SPILL_MAX, &got, &be,
		    false);
	if (!r)
		r = sa_in(ctx, n->sa, *spill, got, be, a, val, vlen);
	*vbe = be;
	return r;
}

/* A fixed 8-byte attribute (or the first word of a longer one). */
static int sa_u64(struct gb_ctx *ctx, struct zfs_fs *fs, const struct zfs_node *n, int a,
		  uint64_t *v)
{
	const uint8_t *p;
	size_t len;
	uint8_t *spill;
	bool be;
	int r = sa_get(ctx, fs, n, a, &p, &len, &be, &spill);
	if (!r && len < 8)
		r = gb_error(ctx, GB_E_CORRUPT, "system attribute %d of %zu bytes", a, len);
	if (!r)
		*v = rd64(be, p);
	free(spill);
	return r;
}

/* ---- nodes ------------------------------------------------------------ */

/* Object obj of os as a node: its znode gives type, mode, size, mtime. */
static int load_node(struct gb_ctx *ctx, struct zfs_fs *fs, const struct dnode *os,
		     const struct sa_table *sa, uint64_t obj, struct zfs_node **out)
{
	struct zfs_node *n = calloc(1, sizeof(*n));
	if (!n)
		return gb_error(ctx, GB_E_NOMEM, "out of memory");
	int r = dnode_get(ctx, fs, os, obj, &n->dn);
	uint64_t mode = 0, size = 0, mtime = 0;
	n->sa = sa;
	if (!r && n->dn.bonustype == OT_SA && sa) {
		/* ZPL 5: mode, size and mtime are system attributes */
		if (!(r = sa_u64(ctx, fs, n, sa->mode, &mode)) && !(r = sa_u64(ctx, fs, n, sa->size, &size)) &&
		    (r = sa_u64(ctx, fs, n, sa->mtime, &mtime)) == GB_E_NOT_FOUND)
			r = 0;
		if (r == GB_E_NOT_FOUND)
			r = gb_error(ctx, GB_E_CORRUPT, "object %llu without its mode or size",
				     (unsigned long long)obj);
	} else if (!r && (n->dn.bonustype != OT_ZNODE || n->dn.bonuslen < ZNODE_SIZE)) {
		r = gb_error(ctx, GB_E_CORRUPT, "object %llu has no znode", (unsigned long long)obj);
	} else if (!r) {
		const uint8_t *z = dn_bonus(&n->dn);
		mode = rd64(n->dn.be, z + 72);
		size = rd64(n->dn.be, z + 80);
		mtime = rd64(n->dn.be, z + 16);
	}
	if (r) {
		free(n);
		return r;
	}
	n->os = *os;
	n->zpl = true;
	n->base.st.type = gb_mode_type(mode);
	n->base.st.mode = (uint32_t)(mode & 07777);
	n->base.st.size = size;
	n->base.st.mtime = (int64_t)mtime;
	n->base.st.ino = obj;
	if (n->base.st.size > INT64_MAX) {
		free(n);
		return gb_error(ctx, GB_E_CORRUPT, "object %llu: size beyond 2^63",
				(unsigned long long)obj);
	}
	*out = n;
	return 0;
}

/* The root directory of dataset ds (through its ZPL master node). */
static int dataset_root(struct gb_ctx *ctx, struct zfs_fs *fs, uint64_t ds, struct zfs_node **out)
{
	struct dnode os, master;
	int r = dataset_objset(ctx, fs, ds, &os);
	if (!r)
		r = dnode_get(ctx, fs, &os, 1, &master);
	if (r)
		return r;
	uint64_t version = 0, root = 0, sa_obj = 0;
	const struct sa_table *sa = NULL;
	if ((r = zap_lookup(ctx, fs, &master, "VERSION", 7, &version)) == 0 &&
	    version > ZPL_VERSION_MAX)
		return gb_error(ctx, GB_E_UNSUPPORTED, "ZPL version %llu is not supported",
				(unsigned long long)version);
	if (r && r != GB_E_NOT_FOUND)
		return r;
	if (version >= ZPL_VERSION_SA) {
		r = zap_lookup(ctx, fs, &master, "SA_ATTRS", 8, &sa_obj);
		if (r == GB_E_NOT_FOUND)
			r = gb_error(ctx, GB_E_CORRUPT, "ZPL version %llu without SA_ATTRS",
				     (unsigned long long)version);
		if (r || (r = sa_tables(ctx, fs, &os, sa_obj, &sa)))
			return r;
	}
	if ((r = zap_lookup(ctx, fs, &master, "ROOT", 4, &root))) {
		if (r == GB_E_NOT_FOUND)
			r = gb_error(ctx, GB_E_CORRUPT, "master node without ROOT");
		return r;
	}
	if ((r = load_node(ctx, fs, &os, sa, root, out)))
		return r;
	if ((*out)->base.st.type != GB_FT_DIR) {
		free(*out);
		return gb_error(ctx, GB_E_CORRUPT, "root is not a directory");
	}
	return 0;
}

static int zfs_root(struct gb_ctx *ctx, struct gb_fs *base, struct gb_node **out)
{
	struct zfs_fs *fs = (struct zfs_fs *)base;
	uint64_t ds;
	struct zfs_node *n;
	int r = dir_head(ctx, fs, fs->root_dir, &ds);
	if (!r)
		r = dataset_root(ctx, fs, ds, &n);
	if (r)
		return r;
	n->dsl_dir = fs->root_dir;
	*out = &n->base;
	return 0;
}

static void zfs_release(struct gb_fs *fs, struct gb_node *node)
{
	(void)fs;
	if (node)
		free(((struct zfs_node *)node)->blk);
	free(node);
}

/* A dataset with no directory at this place in its parent: listed and
 * entered only through GRUB's dataset syntax. */
static int virtual_node(struct gb_ctx *ctx, uint64_t dir, struct gb_node **out)
{
	struct zfs_node *n = calloc(1, sizeof(*n));
	if (!n)
		return gb_error(ctx, GB_E_NOMEM, "out of memory");
	n->base.st.type = GB_FT_DIR;
	n->base.st.mode = 0555;
	n->dsl_dir = dir;
	*out = &n->base;
	return 0;
}

/* "child@snap" from dataset dir: the child's (or dir's, for "@snap")
 * head dataset, or the named snapshot of it. */
static int enter_dataset(struct gb_ctx *ctx, struct zfs_fs *fs, uint64_t dir, const char *name,
			 size_t len, struct gb_node **out)
{
	const char *at = memchr(name, '@', len);
	size_t dlen = (size_t)(at - name), slen = len - dlen - 1;
	int r;
	if (dlen && (r = dsl_child(ctx, fs, dir, name, dlen, &dir)))
		return r;
	uint64_t ds;
	if ((r = dir_head(ctx, fs, dir, &ds)))
		return r;
	if (slen) {
		struct dnode dn;
		if ((r = mos_bonus(ctx, fs, ds, OT_DSL_DATASET, 256, &dn)))
			return r;
		uint64_t snaps = rd64(dn.be, dn_bonus(&dn) + 32);
		struct dnode zdn;
		if ((r = dnode_get(ctx, fs, &fs->mos, snaps, &zdn)) ||
		    (r = zap_lookup(ctx, fs, &zdn, at + 1, slen, &ds)))
			return r;
	}
	struct zfs_node *n;
	if ((r = dataset_root(ctx, fs, ds, &n)))
		return r;
	*out = &n->base;
	return 0;
}

static int zfs_lookup(struct gb_ctx *ctx, struct gb_fs *base, struct gb_node *dnode,
		      const char *name, size_t len, struct gb_node **out)
{
	struct zfs_fs *fs = (struct zfs_fs *)base;
	struct zfs_node *dir = (struct zfs_node *)dnode;
	int r;
	if (dir->dsl_dir && memchr(name, '@', len)) {
		r = enter_dataset(ctx, fs, dir->dsl_dir, name, len, out);
		if (r != GB_E_NOT_FOUND)
			return r;
	}
	uint64_t child_dir = 0;
	if (dir->dsl_dir && (r = dsl_child(ctx, fs, dir->dsl_dir, name, len, &child_dir)) &&
	    r != GB_E_NOT_FOUND)
		return r;
	if (!dir->zpl)
		return child_dir ? virtual_node(ctx, child_dir, out) : GB_E_NOT_FOUND;
	uint64_t de;
	r = zap_lookup(ctx, fs, &dir->dn, name, len, &de);
	if (r == GB_E_NOT_FOUND && child_dir)
		return virtual_node(ctx, child_dir, out);
	if (r)
		return r;
	struct zfs_node *n;
	if ((r = load_node(ctx, fs, &dir->os, dir->sa, de & ((1ull << 48) - 1), &n)))
		return r;
	if (n->base.st.type == GB_FT_DIR)
		n->dsl_dir = child_dir;
	*out = &n->base;
	return 0;
}

struct list {
	int (*fn)(void *arg, const struct gb_dirent *de);
	void *arg;
	bool datasets;
};

static int list_cb(void *arg, const char *name, uint64_t value, const struct zval *zv)
{
	(void)zv;
	struct list *l = arg;
	struct gb_dirent d = { .name = name };
	if (l->datasets) {
		d.type = GB_FT_DIR;
		d.ino = value;
	} else {
		d.ino = value & ((1ull << 48) - 1);
		switch (value >> 60) {
		case 4: d.type = GB_FT_DIR; break;
		case 8: d.type = GB_FT_REG; break;
		case 10: d.type = GB_FT_LNK; break;
		default: d.type = GB_FT_OTHER;
		}
	}
	return l->fn(l->arg, &d) ? 1 : 0;
}

static int zfs_readdir(struct gb_ctx *ctx, struct gb_fs *base, struct gb_node *dnode,
		       int (*fn)(void *arg, const struct gb_dirent *de), void *arg)
{
	struct zfs_fs *fs = (struct zfs_fs *)base;
	struct zfs_node *dir = (struct zfs_node *)dnode;
	struct list l = { .fn = fn, .arg = arg, .datasets = !dir->zpl };
	int r;
	if (dir->zpl) {
		r = zap_walk(ctx, fs, &dir->dn, NULL, 0, list_cb, &l);
	} else {
		/* a dataset with no directory: its child datasets */
		struct dnode dn, zdn;
		if ((r = mos_bonus(ctx, fs, dir->dsl_dir, OT_DSL_DIR, 40, &dn)) ||
		    (r = dnode_get(ctx, fs, &fs->mos, rd64(dn.be, dn_bonus(&dn) + 32), &zdn)))
			return r;
		r = zap_walk(ctx, fs, &zdn, NULL, 0, list_cb, &l);
	}
	return r > 0 ? 0 : r;
}

/* Every block is checksummed and may be compressed, embedded or a gang:
 * the rest of the block at off, which zfs_decode reads. */
static int zfs_extent(struct gb_ctx *ctx, struct gb_fs *base, struct gb_node *node,
		      uint64_t off, uint64_t want, struct gb_extent *ex)
{
	(void)base;
	struct zfs_node *n = (struct zfs_node *)node;
	if (!n->zpl) /* a dataset's place in its parent: no contents */
		return gb_error(ctx, GB_E_USAGE, "not a file");
	uint32_t bs = n->dn.datablksz;
	uint64_t left = bs - off % bs;
	ex->kind = GB_EXTENT_ENCODED;
	ex->len = left < want ? left : want;
	return 0;
}

/* len bytes at off, inside one block. File data stays out of the block
 * cache (read once, it would only evict metadata); a whole block goes
 * straight to the caller, a part through n->blk. */
static int zfs_decode(struct gb_ctx *ctx, struct gb_fs *base, struct gb_node *node,
		      uint64_t off, void *buf, size_t len)
{
	struct zfs_fs *fs = (struct zfs_fs *)base;
	struct zfs_node *n = (struct zfs_node *)node;
	uint32_t bs = n->dn.datablksz;
	uint64_t blkid = off / bs;
	if (len == bs)
		return dn_read(ctx, fs, &n->dn, blkid, buf, NULL, NULL, false);
	if (!n->blk && !(n->blk = malloc(bs)))
		return gb_error(ctx, GB_E_NOMEM, "out of memory");
	/* blkid + 1: 0 means no block held */
	if (n->blkid != blkid + 1) {
		n->blkid = 0;
		int r = dn_read(ctx, fs, &n->dn, blkid, n->blk, NULL, NULL, false);
		if (r)
			return r;
		n->blkid = blkid + 1;
	}
	memcpy(buf, n->blk + off % bs, len);
	return 0;
}

static int zfs_readlink(struct gb_ctx *ctx, struct gb_fs *base, struct gb_node *node, char *buf,
			size_t cap, size_t *len)
{
	struct zfs_node *n = (struct zfs_node *)node;
	if (n->dn.bonustype == OT_SA && n->sa) {
		/* ZPL 5: the target is a system attribute (bonus or spill) */
		const uint8_t *p;
		size_t plen;
		uint8_t *spill;
		bool be;
		int r = sa_get(ctx, (struct zfs_fs *)base, n, n->sa->symlink, &p, &plen, &be, &spill);
		if (r == GB_E_NOT_FOUND)
			r = gb_error(ctx, GB_E_CORRUPT, "symbolic link without its target");
		if (!r && plen != node->st.size)
			r = gb_error(ctx, GB_E_CORRUPT, "symbolic link target of %zu bytes, size %llu",
				     plen, (unsigned long long)node->st.size);
		if (!r)
			r = gb_fs_symlink_target(ctx, base, node, p, plen, buf, cap, len);
		free(spill);
		return r;
	}
	/* a short target follows the znode in the bonus buffer */
	bool inl = node->st.size <= (uint64_t)n->dn.bonuslen - ZNODE_SIZE;
	return gb_fs_symlink_target(ctx, base, node, inl ? dn_bonus(&n->dn) + ZNODE_SIZE : NULL,
				    (size_t)n->dn.bonuslen - ZNODE_SIZE, buf, cap, len);
}

/* ---- the boot dataset, for GRUB legacy's bootfs and $ZFS-BOOTFS -------- */

struct byval {
	uint64_t value;
	char name[ZAP_NAME_MAX + 1];
	bool found;
};

static int byval_cb(void *arg, const char *name, uint64_t value, const struct zval *zv)
{
	(void)zv;
	struct byval *b = arg;
	if (value != b->value)
		return 0;
	snprintf(b->name, sizeof(b->name), "%s", name);
	b->found = true;
	return 1;
}

/* The name of DSL dir `dir` relative to the pool ("ROOT/be"). */
static int dir_name(struct gb_ctx *ctx, struct zfs_fs *fs, uint64_t dir, char *out, size_t cap)
{
	out[0] = '\0';
	for (int depth = 0; dir != fs->root_dir; depth++) {
		struct dnode dn, pdn, zdn;
		int r;
		if (depth > 64)
			return gb_error(ctx, GB_E_CORRUPT, "dataset hierarchy too deep");
		if ((r = mos_bonus(ctx, fs, dir, OT_DSL_DIR, 40, &dn)))
			return r;
		uint64_t parent = rd64(dn.be, dn_bonus(&dn) + 16);
		if ((r = mos_bonus(ctx, fs, parent, OT_DSL_DIR, 40, &pdn)) ||
		    (r = dnode_get(ctx, fs, &fs->mos, rd64(pdn.be, dn_bonus(&pdn) + 32), &zdn)))
			return r;
		struct byval b = { .value = dir };
		if ((r = zap_walk(ctx, fs, &zdn, NULL, 0, byval_cb, &b)) < 0)
			return r;
		if (!b.found)
			return gb_error(ctx, GB_E_CORRUPT, "dataset %llu is not in its parent",
					(unsigned long long)dir);
		size_t have = strlen(out), nl = strlen(b.name);
		if (nl + 1 + have >= cap)
			return gb_error(ctx, GB_E_LIMIT, "dataset name too long");
		memmove(out + nl + (have ? 1 : 0), out, have + 1);
		memcpy(out, b.name, nl);
		if (have)
			out[nl] = '/';
		dir = parent;
	}
	return 0;
}

static int zfs_bootfs(struct gb_ctx *ctx, struct gb_fs *base, const char *name,
		      struct gb_fs_bootfs *out)
{
	struct zfs_fs *fs = (struct zfs_fs *)base;
	memset(out, 0, sizeof(*out));
	snprintf(out->pool, sizeof(out->pool), "%s", fs->pool);
	snprintf(out->bootpath, sizeof(out->bootpath), "%s", fs->bootpath);
	uint64_t dir = fs->root_dir;
	int r;
	if (name) {
		/* "pool/ROOT/be": the pool's name, then child datasets */
		size_t pl = strlen(fs->pool);
		if (strncmp(name, fs->pool, pl) || (name[pl] && name[pl] != '/'))
			return gb_error(ctx, GB_E_NOT_FOUND, "bootfs %s is not in pool %s", name, fs->pool);
		const char *p = name + pl;
		while (*p) {
			while (*p == '/')
				p++;
			size_t cl = strcspn(p, "/");
			if (!cl)
				break;
			if ((r = dsl_child(ctx, fs, dir, p, cl, &dir))) {
				if (r == GB_E_NOT_FOUND)
					r = gb_error(ctx, r, "no dataset %s", name);
				return r;
			}
			p += cl;
		}
		if ((r = dir_head(ctx, fs, dir, &out->obj)))
			return r;
	} else {
		/* the pool's bootfs property (a dataset object), else the root */
		uint64_t props = 0, ds = 0;
		r = mos_zap_lookup(ctx, fs, 1, "pool_props", &props);
		if (r == 0)
			r = mos_zap_lookup(ctx, fs, props, "bootfs", &ds);
		if (r && r != GB_E_NOT_FOUND)
			return r;
		if (r == 0 && ds) {
			struct dnode dn;
			if ((r = mos_bonus(ctx, fs, ds, OT_DSL_DATASET, 256, &dn)))
				return r;
			dir = rd64(dn.be, dn_bonus(&dn));
			out->obj = ds;
		} else if ((r = dir_head(ctx, fs, dir, &out->obj))) {
			return r;
		}
	}
	return dir_name(ctx, fs, dir, out->dataset, sizeof(out->dataset));
}

const struct gb_fs_driver gb_fs_zfs = {
	.name = "zfs",
	.probe = zfs_probe,
	.mount = zfs_mount,
	.umount = zfs_umount,
	.root = zfs_root,
	.lookup = zfs_lookup,
	.readdir = zfs_readdir,
	.readlink = zfs_readlink,
	.extent = zfs_extent,
	.decode = zfs_decode,
	.release = zfs_release,
	.bootfs = zfs_bootfs,
};
