/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* UFS1 and UFS2 (the BSD fast file system), read-only, written from
 * FreeBSD's sys/ufs/ffs/fs.h, ufs/dinode.h and ufs/dir.h.
 *
 * Both byte orders are read (NetBSD's makefs -B be writes big-endian): the
 * order is the one in which the superblock magic matches, and every field
 * is then decoded in it. Every byte is untrusted: the geometry is checked
 * for consistency before use, inode numbers against the inode count, block
 * numbers against the file system size (and reads against the volume),
 * directory records against their 512-byte chunk, and arithmetic is
 * overflow-checked. Cylinder group maps, the summary area, snapshots,
 * extended attributes and soft-update journals are never read: they only
 * matter to writers and to access control, not to finding and reading a
 * file. */
#include "fs/fs.h"

#include <stdio.h>
#include <stdlib.h>

/* ---- superblock ------------------------------------------------------- */

#define SB_SIZE 1376
#define UFS1_MAGIC 0x011954u
#define UFS2_MAGIC 0x19540119u

#define SB_IBLKNO 16
#define SB_OLD_CGOFFSET 24
#define SB_OLD_CGMASK 28
#define SB_OLD_SIZE 36
#define SB_NCG 44
#define SB_BSIZE 48
#define SB_FSIZE 52
#define SB_FRAG 56
#define SB_SBSIZE 104
#define SB_NINDIR 116
#define SB_INOPB 120
#define SB_ID 144
#define SB_IPG 184
#define SB_FPG 188
#define SB_VOLNAME 680
#define SB_SBLOCKLOC 1000
#define SB_SIZE64 1080
#define SB_MAXSYMLINKLEN 1320
#define SB_OLD_INODEFMT 1324
#define SB_MAGIC 1372

#define INODEFMT_44 2     /* 4.4BSD directories (type byte) and fast symlinks */

/* Where the superblock may be, in FreeBSD's search order. */
static const uint64_t sb_locations[] = { 65536, 8192, 0, 262144 };

#define MAXBSIZE 65536
#define MINBSIZE 4096
#define NDADDR 12         /* direct block pointers */
#define NIADDR 3          /* single, double, triple indirect */
#define ROOT_INO 2
#define DIRBLKSIZ 512     /* directory records never cross these chunks */
#define MAXNAMLEN 255

/* dinode: UFS1 is 128 bytes, UFS2 256 */
#define DI1_SIZE 8
#define DI1_MTIME 24
#define DI1_DB 40
#define DI2_SIZE 16
#define DI2_MTIME 40
#define DI2_DB 112
#define DI_INLINE_MAX 120 /* (NDADDR + NIADDR) pointers of UFS2 */

#define DT_DIR_ 4
#define DT_REG_ 8
#define DT_LNK_ 10

#define UFS_DIR_MAX_BYTES (1ull << 30) /* a directory read for one scan */

struct ufs_fs {
	struct gb_fs base;
	bool be;            /* big-endian */
	bool ufs2;
	bool old_dirfmt;    /* 4.2BSD directories: 16-bit name length, no type */
	uint32_t bsize, fsize, frag;
	uint32_t ncg, ipg, fpg;
	uint32_t isize;     /* dinode size */
	uint32_t ptrsize;   /* block pointer size */
	uint32_t nindir;    /* pointers per indirect block */
	uint64_t iblkno;    /* inode blocks' offset in a group, in fragments */
	uint64_t cgoffset, cgmask; /* UFS1's cylinder group stagger */
	uint64_t nfrags;    /* file system size, in fragments */
	uint32_t maxsymlink; /* fast symlinks are shorter than this */
};

struct ufs_node {
	struct gb_node base;
	uint32_t ino;
	uint64_t db[NDADDR], ib[NIADDR];
	uint8_t inl[DI_INLINE_MAX]; /* the pointer area: fast symlink targets */
	/* The indirect block read last at each depth (0: the top one). */
	uint64_t ind_addr[NIADDR];
	uint8_t *ind_buf[NIADDR];
};

static uint16_t rd16(bool be, const uint8_t *p) { return be ? gb_be16(p) : gb_le16(p); }
static uint32_t rd32(bool be, const uint8_t *p) { return be ? gb_be32(p) : gb_le32(p); }
static uint64_t rd64(bool be, const uint8_t *p) { return be ? gb_be64(p) : gb_le64(p); }

static bool is_pow2(uint64_t v)
{
	return v && !(v & (v - 1));
}

/* ---- probe and mount -------------------------------------------------- */

/* Does sb, found at loc, carry a magic (in either byte order) and a
 * geometry sane enough to be read? Sets *be and *ufs2. */
static bool sb_valid(const uint8_t *sb, uint64_t loc, bool *be, bool *ufs2)
{
	for (int order = 0; order < 2; order++) {
		bool b = order == 1;
		uint32_t magic = rd32(b, sb + SB_MAGIC);
		if (magic != UFS1_MAGIC && magic != UFS2_MAGIC)
			continue;
		bool v2 = magic == UFS2_MAGIC;
		/* UFS1 lives at 0 or 8 KiB; UFS2 says where it was written, so
		 * that a stray copy is not taken for the primary one. */
		if (v2 ? rd64(b, sb + SB_SBLOCKLOC) != loc : loc > 8192)
			continue;
		uint32_t bsize = rd32(b, sb + SB_BSIZE), fsize = rd32(b, sb + SB_FSIZE);
		if (!is_pow2(bsize) || bsize < MINBSIZE || bsize > MAXBSIZE ||
		    !is_pow2(fsize) || fsize < 512 || fsize > bsize || bsize / fsize > 8 ||
		    rd32(b, sb + SB_FRAG) != bsize / fsize || rd32(b, sb + SB_SBSIZE) > 8192)
			continue;
		*be = b;
		*ufs2 = v2;
		return true;
	}
	return false;
}

static int find_super(struct gb_ctx *ctx, struct gb_volume *vol, uint8_t sb[SB_SIZE],
		      bool *be, bool *ufs2)
{
	for (size_t i = 0; i < sizeof(sb_locations) / sizeof(sb_locations[0]); i++) {
		uint64_t loc = sb_locations[i];
		if (!gb_range_ok(loc, SB_SIZE, vol->size))
			continue;
		int r = gb_vol_read(ctx, vol, loc, sb, SB_SIZE);
		if (r)
			return r;
		if (sb_valid(sb, loc, be, ufs2))
			return 0;
	}
	return GB_E_NOT_MINE;
}

static int ufs_probe(struct gb_ctx *ctx, struct gb_volume *vol, struct gb_fs_probe *out)
{
	uint8_t sb[SB_SIZE];
	bool be, ufs2;
	int r = find_super(ctx, vol, sb, &be, &ufs2);
	if (r)
		return r;
	/* As blkid: the 64-bit fs_id as two words, and UFS2's volume name. */
	snprintf(out->type, sizeof(out->type), "ufs");
	uint32_t id0 = rd32(be, sb + SB_ID), id1 = rd32(be, sb + SB_ID + 4);
	if (id0 || id1)
		snprintf(out->uuid, sizeof(out->uuid), "%08x%08x", id0, id1);
	if (ufs2)
		gb_copy_label(out->label, sizeof(out->label), sb + SB_VOLNAME, 32);
	return 0;
}

/* Fill fs from sb and check that the geometry hangs together. */
static int parse_super(struct gb_ctx *ctx, struct ufs_fs *fs, const uint8_t *sb)
{
	bool be = fs->be;
	fs->bsize = rd32(be, sb + SB_BSIZE);
	fs->fsize = rd32(be, sb + SB_FSIZE);
	fs->frag = fs->bsize / fs->fsize;
	fs->ncg = rd32(be, sb + SB_NCG);
	fs->ipg = rd32(be, sb + SB_IPG);
	fs->fpg = rd32(be, sb + SB_FPG);
	fs->isize = fs->ufs2 ? 256 : 128;
	fs->ptrsize = fs->ufs2 ? 8 : 4;
	fs->nindir = fs->bsize / fs->ptrsize;
	fs->iblkno = rd32(be, sb + SB_IBLKNO);
	fs->nfrags = fs->ufs2 ? rd64(be, sb + SB_SIZE64) : rd32(be, sb + SB_OLD_SIZE);
	if (!fs->ufs2) {
		fs->cgoffset = rd32(be, sb + SB_OLD_CGOFFSET);
		fs->cgmask = rd32(be, sb + SB_OLD_CGMASK);
		fs->old_dirfmt = (int32_t)rd32(be, sb + SB_OLD_INODEFMT) < INODEFMT_44;
	}
	int32_t maxsym = (int32_t)rd32(be, sb + SB_MAXSYMLINKLEN);
	uint32_t area = (NDADDR + NIADDR) * fs->ptrsize;
	/* Only a 4.4 format has fast symlinks; they never exceed the area. */
	fs->maxsymlink = fs->old_dirfmt || maxsym <= 0 ? 0 : (uint32_t)maxsym > area ? area
										: (uint32_t)maxsym;
	/* The inodes of a group must fit in it after its header blocks. */
	uint64_t total, vfrags = fs->base.vol->size / fs->fsize;
	if (fs->ncg == 0 || fs->ipg == 0 || fs->fpg < fs->frag || fs->fpg % fs->frag ||
	    rd32(be, sb + SB_INOPB) != fs->bsize / fs->isize ||
	    (int32_t)rd32(be, sb + SB_NINDIR) != (int32_t)fs->nindir ||
	    !gb_mul_ok(fs->ncg, fs->ipg, &total) || total > UINT32_MAX ||
	    fs->iblkno >= fs->fpg ||
	    (uint64_t)fs->ipg * fs->isize > (uint64_t)(fs->fpg - fs->iblkno) * fs->fsize)
		return gb_error(ctx, GB_E_CORRUPT,
				"inconsistent geometry (bsize %u fsize %u ncg %u ipg %u fpg %u)",
				fs->bsize, fs->fsize, fs->ncg, fs->ipg, fs->fpg);
	if (fs->nfrags > vfrags)
		return gb_error(ctx, GB_E_CORRUPT,
				"file system of %llu fragments on a volume of %llu",
				(unsigned long long)fs->nfrags, (unsigned long long)vfrags);
	return 0;
}

static int ufs_mount(struct gb_ctx *ctx, struct gb_volume *vol, struct gb_fs **out)
{
	uint8_t sb[SB_SIZE];
	bool be, ufs2;
	int r = find_super(ctx, vol, sb, &be, &ufs2);
	if (r == GB_E_NOT_MINE)
		return gb_error(ctx, GB_E_CORRUPT, "no valid superblock");
	if (r)
		return r;
	struct ufs_fs *fs = calloc(1, sizeof(*fs));
	if (!fs)
		return gb_error(ctx, GB_E_NOMEM, "out of memory");
	fs->base.vol = vol;
	fs->be = be;
	fs->ufs2 = ufs2;
	if ((r = parse_super(ctx, fs, sb))) {
		free(fs);
		return r;
	}
	*out = &fs->base;
	return 0;
}

static void ufs_umount(struct gb_fs *fs)
{
	free(fs);
}

/* ---- inodes ----------------------------------------------------------- */

/* The byte offset of inode ino: its group's inode blocks plus its index. */
static int inode_pos(struct gb_ctx *ctx, struct ufs_fs *fs, uint32_t ino, uint64_t *pos)
{
	if (ino < ROOT_INO || ino >= (uint64_t)fs->ncg * fs->ipg)
		return gb_error(ctx, GB_E_CORRUPT, "inode number %u out of range", ino);
	uint64_t cg = ino / fs->ipg, start, frags;
	bool ok = gb_mul_ok(cg, fs->fpg, &start);
	if (!fs->ufs2) /* UFS1 groups may be staggered (cgstart) */
		ok = ok && gb_add_ok(start, fs->cgoffset * (cg & ~fs->cgmask), &start);
	ok = ok && gb_add_ok(start, fs->iblkno, &frags) &&
	     gb_mul_ok(frags, fs->fsize, pos) &&
	     gb_add_ok(*pos, (uint64_t)(ino % fs->ipg) * fs->isize, pos);
	if (!ok || !gb_range_ok(*pos, fs->isize, fs->base.vol->size))
		return gb_error(ctx, GB_E_CORRUPT, "inode %u lies outside the volume", ino);
	return 0;
}

/* The largest file the block map can describe, in bytes. */
static uint64_t max_file_size(const struct ufs_fs *fs)
{
	uint64_t n = fs->nindir, blocks = NDADDR + n + n * n, b3, bytes;
	if (!gb_mul_ok(n * n, n, &b3) || !gb_add_ok(blocks, b3, &blocks) ||
	    !gb_mul_ok(blocks, fs->bsize, &bytes))
		return UINT64_MAX;
	return bytes;
}

static int load_node(struct gb_ctx *ctx, struct ufs_fs *fs, uint32_t ino, struct gb_node **out)
{
	uint64_t pos = 0;
	uint8_t di[256];
	int r = inode_pos(ctx, fs, ino, &pos);
	if (r || (r = gb_vol_read(ctx, fs->base.vol, pos, di, fs->isize)))
		return r;
	struct ufs_node *n = calloc(1, sizeof(*n));
	if (!n)
		return gb_error(ctx, GB_E_NOMEM, "out of memory");
	bool be = fs->be;
	uint16_t mode = rd16(be, di);
	n->ino = ino;
	n->base.st.type = gb_mode_type(mode);
	n->base.st.mode = mode & 07777;
	n->base.st.ino = ino;
	size_t dbo = fs->ufs2 ? DI2_DB : DI1_DB;
	if (fs->ufs2) {
		n->base.st.size = rd64(be, di + DI2_SIZE);
		n->base.st.mtime = (int64_t)rd64(be, di + DI2_MTIME);
	} else {
		n->base.st.size = rd64(be, di + DI1_SIZE);
		n->base.st.mtime = (int32_t)rd32(be, di + DI1_MTIME);
	}
	memcpy(n->inl, di + dbo, (NDADDR + NIADDR) * fs->ptrsize);
	for (unsigned i = 0; i < NDADDR + NIADDR; i++) {
		const uint8_t *p = di + dbo + i * fs->ptrsize;
		uint64_t a = fs->ufs2 ? rd64(be, p) : rd32(be, p);
		if (i < NDADDR)
			n->db[i] = a;
		else
			n->ib[i - NDADDR] = a;
	}
	uint64_t size = n->base.st.size;
	if (size > max_file_size(fs) || size > INT64_MAX) {
		free(n);
		return gb_error(ctx, GB_E_CORRUPT, "inode %u: size %llu beyond its block map", ino,
				(unsigned long long)size);
	}
	*out = &n->base;
	return 0;
}

static void ufs_release(struct gb_fs *fs, struct gb_node *node)
{
	(void)fs;
	struct ufs_node *n = (struct ufs_node *)node;
	for (unsigned i = 0; i < NIADDR; i++)
		free(n->ind_buf[i]);
	free(n);
}

static int ufs_root(struct gb_ctx *ctx, struct gb_fs *base, struct gb_node **out)
{
	int r = load_node(ctx, (struct ufs_fs *)base, ROOT_INO, out);
	if (r == 0 && (*out)->st.type != GB_FT_DIR) {
		ufs_release(base, *out);
		return gb_error(ctx, GB_E_CORRUPT, "root inode is not a directory");
	}
	return r;
}

/* ---- block map -------------------------------------------------------- */

/* Check a block address (in fragments) from the map: UFS1 stores signed
 * 32-bit numbers, UFS2 signed 64-bit; the block must lie inside. */
static int check_addr(struct gb_ctx *ctx, struct ufs_fs *fs, uint64_t a)
{
	if (!fs->ufs2 && a > INT32_MAX)
		a = UINT64_MAX; /* a negative UFS1 address */
	if (a >= fs->nfrags || fs->nfrags - a < 1)
		return gb_error(ctx, GB_E_CORRUPT, "block address %lld outside the file system",
				(long long)a);
	return 0;
}

/* Entry idx of the indirect block at addr, through the cache of depth d. */
static int ind_entry(struct gb_ctx *ctx, struct ufs_fs *fs, struct ufs_node *n, unsigned d,
		     uint64_t addr, uint64_t idx, uint64_t *out)
{
	if (!n->ind_buf[d]) {
		n->ind_buf[d] = malloc(fs->bsize);
		if (!n->ind_buf[d])
			return gb_error(ctx, GB_E_NOMEM, "out of memory");
		n->ind_addr[d] = 0;
	}
	if (n->ind_addr[d] != addr) {
		int r = check_addr(ctx, fs, addr);
		if (r == 0 && fs->nfrags - addr < fs->frag)
			r = gb_error(ctx, GB_E_CORRUPT, "indirect block past the file system end");
		if (r || (r = gb_vol_read(ctx, fs->base.vol, addr * fs->fsize, n->ind_buf[d],
					  fs->bsize))) {
			n->ind_addr[d] = 0;
			return r;
		}
		n->ind_addr[d] = addr;
	}
	const uint8_t *p = n->ind_buf[d] + idx * fs->ptrsize;
	*out = fs->ufs2 ? rd64(fs->be, p) : rd32(fs->be, p);
	return 0;
}

/* Map logical block lbn to a fragment address (0: a hole). */
static int bmap(struct gb_ctx *ctx, struct ufs_fs *fs, struct ufs_node *n, uint64_t lbn,
		uint64_t *addr)
{
	if (lbn < NDADDR) {
		*addr = n->db[lbn];
		return 0;
	}
	lbn -= NDADDR;
	uint64_t span = 1; /* blocks covered by one entry at this depth */
	unsigned levels = 0;
	for (levels = 1; levels <= NIADDR; levels++) {
		uint64_t cover = span * fs->nindir; /* blocks under ib[levels-1] */
		if (lbn < cover)
			break;
		lbn -= cover;
		span = cover;
	}
	if (levels > NIADDR)
		return gb_error(ctx, GB_E_CORRUPT, "file block beyond the triple indirect block");
	uint64_t a = n->ib[levels - 1];
	for (unsigned d = 0; d < levels && a; d++) {
		uint64_t idx = lbn / span % fs->nindir;
		int r = ind_entry(ctx, fs, n, d, a, idx, &a);
		if (r)
			return r;
		span /= fs->nindir;
	}
	*addr = a;
	return 0;
}

/* What lies at off: a hole of one block, or a run of blocks that follow
 * each other on disk (the last block may be a run of fragments: only the
 * bytes up to the file's size are read). */
static int ufs_extent(struct gb_ctx *ctx, struct gb_fs *base, struct gb_node *node,
		      uint64_t off, uint64_t want, struct gb_extent *ex)
{
	struct ufs_fs *fs = (struct ufs_fs *)base;
	struct ufs_node *n = (struct ufs_node *)node;
	uint64_t lbn = off / fs->bsize, in = off % fs->bsize, a = 0;
	uint64_t have = fs->bsize - in, end = fs->nfrags * fs->fsize;
	int r = bmap(ctx, fs, n, lbn, &a);
	if (r)
		return r;
	if (a == 0) {
		ex->kind = GB_EXTENT_HOLE;
		ex->len = have < want ? have : want;
		return 0;
	}
	if ((r = check_addr(ctx, fs, a)))
		return r;
	uint64_t pos = a * fs->fsize + in;
	if (!gb_range_ok(pos, have < want ? have : want, end))
		return gb_error(ctx, GB_E_CORRUPT, "file block past the file system end");
	/* Longer while the next block follows on disk; a block that does
	 * not map is reported when it is asked for itself. */
	struct gb_ctx quiet = { 0 };
	while (have < want && gb_range_ok(pos, have + fs->bsize, end)) {
		uint64_t next = 0, k = (in + have) / fs->bsize;
		if (bmap(&quiet, fs, n, lbn + k, &next) || next != a + k * fs->frag)
			break;
		have += fs->bsize;
	}
	ex->kind = GB_EXTENT_DATA;
	ex->vol_off = pos;
	ex->len = have < want ? have : want;
	return 0;
}

static int ufs_readlink(struct gb_ctx *ctx, struct gb_fs *base, struct gb_node *node,
			char *buf, size_t cap, size_t *len)
{
	struct ufs_fs *fs = (struct ufs_fs *)base;
	struct ufs_node *n = (struct ufs_node *)node;
	/* a fast symlink: the target sits in the block pointers */
	bool fast = node->st.size < fs->maxsymlink;
	return gb_fs_symlink_target(ctx, base, node, fast ? n->inl : NULL, sizeof(n->inl),
				    buf, cap, len);
}

/* ---- directories ------------------------------------------------------ */

struct ufs_dirent {
	char name[MAXNAMLEN + 1];
	size_t len;
	uint32_t ino;
	uint8_t type;
};

/* Check and decode the record at p (chunk bytes left in its chunk). */
static int parse_record(struct gb_ctx *ctx, struct ufs_fs *fs, const uint8_t *p, size_t left,
			struct ufs_dirent *de, size_t *reclen)
{
	/* The 8-byte header must lie in the chunk before it is read. */
	if (left < 8)
		return gb_error(ctx, GB_E_CORRUPT, "directory record in the last %zu bytes of a chunk",
				left);
	de->ino = rd32(fs->be, p);
	*reclen = rd16(fs->be, p + 4);
	if (fs->old_dirfmt) {
		de->len = rd16(fs->be, p + 6);
		de->type = 0;
	} else {
		/* d_type then d_namlen, in this order in both byte orders */
		de->type = p[6];
		de->len = p[7];
	}
	if (*reclen < 8 || *reclen % 4 || *reclen > left || de->len > MAXNAMLEN ||
	    8 + de->len > *reclen)
		return gb_error(ctx, GB_E_CORRUPT,
				"directory record of length %zu (name %zu) in a chunk of %zu bytes",
				*reclen, de->len, left);
	memcpy(de->name, p + 8, de->len);
	de->name[de->len] = '\0';
	if (de->ino && (memchr(de->name, '\0', de->len) || memchr(de->name, '/', de->len) ||
			de->len == 0))
		return gb_error(ctx, GB_E_CORRUPT, "directory entry with a bad name");
	return 0;
}

/* Each used entry of dir (but "." and "..") to fn, until it returns
 * non-zero (a positive value stops without error). */
static int ufs_scan(struct gb_ctx *ctx, struct gb_fs *base, struct gb_node *node,
		    gb_fs_entry_fn fn, void *arg)
{
	struct ufs_fs *fs = (struct ufs_fs *)base;
	uint64_t size = node->st.size;
	uint8_t chunk[DIRBLKSIZ];
	struct ufs_dirent de;
	if (size % DIRBLKSIZ || size > UFS_DIR_MAX_BYTES)
		return gb_error(ctx, GB_E_CORRUPT, "directory of %llu bytes",
				(unsigned long long)size);
	for (uint64_t off = 0; off < size; off += DIRBLKSIZ) {
		size_t got;
		/* a 1 GiB directory whose blocks all name one block is read at
		 * the page cache's speed: the command's bound stops it */
		int r = gb_fs_charge(ctx, base, DIRBLKSIZ);
		if (r || (r = gb_fs_pread_node(ctx, base, node, off, chunk, DIRBLKSIZ, &got)))
			return r;
		/* Each record advances by at least 8 bytes: bounded. */
		for (size_t at = 0, reclen = 0; at < DIRBLKSIZ; at += reclen) {
			if ((r = parse_record(ctx, fs, chunk + at, DIRBLKSIZ - at, &de, &reclen)))
				return r;
			if (!de.ino || (de.len == 1 && de.name[0] == '.') ||
			    (de.len == 2 && !memcmp(de.name, "..", 2)))
				continue;
			struct gb_fs_entry e = { .name = de.name, .len = de.len, .ino = de.ino };
			switch (de.type) {
			case DT_DIR_: e.type = GB_FT_DIR; break;
			case DT_REG_: e.type = GB_FT_REG; break;
			case DT_LNK_: e.type = GB_FT_LNK; break;
			case 0: e.type_unknown = true; break; /* 4.2BSD format: the inode says */
			default: e.type = GB_FT_OTHER;
			}
			if ((r = fn(arg, &e)))
				return r > 0 ? 0 : r;
		}
	}
	return 0;
}

static int ufs_entry_node(struct gb_ctx *ctx, struct gb_fs *base, struct gb_fs_entry *e,
			  struct gb_node **out)
{
	return load_node(ctx, (struct ufs_fs *)base, (uint32_t)e->ino, out);
}

const struct gb_fs_driver gb_fs_ufs = {
	.name = "ufs",
	.probe = ufs_probe,
	.mount = ufs_mount,
	.umount = ufs_umount,
	.root = ufs_root,
	.scan = ufs_scan,
	.entry_node = ufs_entry_node,
	.readlink = ufs_readlink,
	.extent = ufs_extent,
	.release = ufs_release,
};
