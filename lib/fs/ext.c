/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* ext2/3/4 through libext2fs, read-only. libext2fs reads the volume through
 * our own io_manager, so it works inside any source (raw, qcow2, NBD) and
 * every read is bounds-checked by the volume layer. */
#include "fs/fs.h"

#include <ext2fs/ext2fs.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#define SB_OFFSET 1024
#define SB_SIZE 1024

/* Superblock fields we decode ourselves (probe and feature check). */
#define SB_MAGIC 0x38
#define SB_LOG_BLOCK 0x18
#define SB_FLAGS 0x160
#define SB_COMPAT 0x5c
#define SB_INCOMPAT 0x60
#define SB_RO_COMPAT 0x64
#define SB_UUID 0x68
#define SB_LABEL 0x78

#define COMPAT_HAS_JOURNAL 0x4
#define INCOMPAT_JOURNAL_DEV 0x8
/* What blkid calls ext2/ext3: anything beyond these is ext4. */
#define EXT3_RO_COMPAT 0x7u   /* sparse_super, large_file, btree_dir */
#define EXT3_INCOMPAT 0x16u   /* filetype, recover, meta_bg */

/* Every incompatible feature bit ext4 defines, with our decision. */
static const struct gb_fs_feature incompat_features[] = {
	{ 0x0001, "compression", false, "never merged into Linux" },
	{ 0x0002, "filetype", true, "directory entries carry a type byte" },
	{ 0x0004, "recover", true, "journal not replayed: metadata may be stale" },
	{ 0x0008, "journal_dev", false, "an external journal device, not a file system" },
	{ 0x0010, "meta_bg", true, "handled by libext2fs" },
	{ 0x0040, "extents", true, "handled by libext2fs" },
	{ 0x0080, "64bit", true, "handled by libext2fs" },
	{ 0x0100, "mmp", true, "multi-mount protection only matters to writers" },
	{ 0x0200, "flex_bg", true, "handled by libext2fs" },
	{ 0x0400, "ea_inode", true, "large extended attributes, not read" },
	{ 0x1000, "dirdata", false, "Lustre directory data" },
	{ 0x2000, "metadata_csum_seed", true, "checksums are not verified" },
	{ 0x4000, "large_dir", true, "read by a linear scan" },
	{ 0x8000, "inline_data", true, "small files and directories inside the inode" },
	{ 0x10000, "encrypt", true, "encrypted files are refused one by one" },
	{ 0x20000, "casefold", true, "exact-name lookups by a linear scan" },
};

struct ext_fs {
	struct gb_fs base;
	ext2_filsys e2;
	struct gb_ctx *ctx; /* of the call in progress, for I/O errors */
	unsigned id;        /* key in the channel registry */
};

struct ext_node {
	struct gb_node base;
	ext2_ino_t ino;
	struct ext2_inode inode;
	char *inl;      /* inline data, once read */
	size_t inl_len;
};

/* ---- io_manager ------------------------------------------------------- */

/* libext2fs opens its device by name only. The name is "gb:<id>", a key
 * into this registry, never a pointer or a host path. */
#define REGISTRY_SLOTS 64
static pthread_mutex_t registry_lock = PTHREAD_MUTEX_INITIALIZER;
static struct ext_fs *registry[REGISTRY_SLOTS];

static int registry_add(struct ext_fs *fs)
{
	int r = -1;
	pthread_mutex_lock(&registry_lock);
	for (unsigned i = 0; i < REGISTRY_SLOTS; i++)
		if (!registry[i]) {
			registry[i] = fs;
			fs->id = i;
			r = 0;
			break;
		}
	pthread_mutex_unlock(&registry_lock);
	return r;
}

static void registry_remove(struct ext_fs *fs)
{
	pthread_mutex_lock(&registry_lock);
	if (registry[fs->id] == fs)
		registry[fs->id] = NULL;
	pthread_mutex_unlock(&registry_lock);
}

static struct struct_io_manager gb_io_manager;

static errcode_t gbio_open(const char *name, int flags, io_channel *channel)
{
	unsigned id;
	char tail;
	if (flags & IO_FLAG_RW)
		return EXT2_ET_RO_FILSYS;
	if (sscanf(name, "gb:%u%c", &id, &tail) != 1 || id >= REGISTRY_SLOTS)
		return EXT2_ET_BAD_DEVICE_NAME;
	pthread_mutex_lock(&registry_lock);
	struct ext_fs *fs = registry[id];
	pthread_mutex_unlock(&registry_lock);
	if (!fs)
		return EXT2_ET_BAD_DEVICE_NAME;

	io_channel io = calloc(1, sizeof(*io));
	char *copy = strdup(name);
	if (!io || !copy) {
		free(io);
		free(copy);
		return EXT2_ET_NO_MEMORY;
	}
	io->magic = EXT2_ET_MAGIC_IO_CHANNEL;
	io->manager = &gb_io_manager;
	io->name = copy;
	io->block_size = 1024;
	io->refcount = 1;
	io->private_data = fs;
	*channel = io;
	return 0;
}

static errcode_t gbio_close(io_channel io)
{
	if (--io->refcount > 0)
		return 0;
	free(io->name);
	free(io);
	return 0;
}

static errcode_t gbio_set_blksize(io_channel io, int blksize)
{
	if (blksize <= 0 || blksize > 65536)
		return EXT2_ET_INVALID_ARGUMENT;
	io->block_size = blksize;
	return 0;
}

static errcode_t gbio_read_blk64(io_channel io, unsigned long long block,
				 int count, void *data)
{
	struct ext_fs *fs = io->private_data;
	uint64_t off, len;
	/* A negative count is a byte count (libext2fs reads the superblock so). */
	len = count < 0 ? (uint64_t)-(int64_t)count : (uint64_t)count * (uint64_t)io->block_size;
	if (!gb_mul_ok(block, (uint64_t)io->block_size, &off) || len > SIZE_MAX)
		return EXT2_ET_LLSEEK_FAILED;
	if (!gb_range_ok(off, len, fs->base.vol->size))
		return EXT2_ET_SHORT_READ;
	if (gb_vol_read(fs->ctx, fs->base.vol, off, data, (size_t)len))
		return EXT2_ET_SHORT_READ;
	return 0;
}

static errcode_t gbio_read_blk(io_channel io, unsigned long block, int count,
			       void *data)
{
	return gbio_read_blk64(io, block, count, data);
}

static errcode_t gbio_write_blk64(io_channel io, unsigned long long block,
				  int count, const void *data)
{
	(void)io, (void)block, (void)count, (void)data;
	return EXT2_ET_RO_FILSYS;
}

static errcode_t gbio_write_blk(io_channel io, unsigned long block, int count,
				const void *data)
{
	return gbio_write_blk64(io, block, count, data);
}

static errcode_t gbio_flush(io_channel io)
{
	(void)io;
	return 0;
}

static errcode_t gbio_set_option(io_channel io, const char *option, const char *arg)
{
	(void)io, (void)option, (void)arg;
	return EXT2_ET_INVALID_ARGUMENT;
}

static struct struct_io_manager gb_io_manager = {
	.magic = EXT2_ET_MAGIC_IO_MANAGER,
	.name = "guestboot volume",
	.open = gbio_open,
	.close = gbio_close,
	.set_blksize = gbio_set_blksize,
	.read_blk = gbio_read_blk,
	.write_blk = gbio_write_blk,
	.flush = gbio_flush,
	.set_option = gbio_set_option,
	.read_blk64 = gbio_read_blk64,
	.write_blk64 = gbio_write_blk64,
};

/* ---- errors ----------------------------------------------------------- */

static pthread_once_t error_table_once = PTHREAD_ONCE_INIT;
static void load_error_table(void)
{
	initialize_ext2_error_table();
}

static int ext_err(struct gb_ctx *ctx, errcode_t e, const char *what)
{
	pthread_once(&error_table_once, load_error_table);
	int code;
	switch (e) {
	case EXT2_ET_NO_MEMORY:
	case ENOMEM:
		code = GB_E_NOMEM;
		break;
	case EXT2_ET_UNSUPP_FEATURE:
	case EXT2_ET_RO_UNSUPP_FEATURE:
		code = GB_E_UNSUPPORTED;
		break;
	case EXT2_ET_FILE_NOT_FOUND:
		code = GB_E_NOT_FOUND;
		break;
	default:
		/* A short read means metadata points outside the volume (the
		 * volume layer has said so when it was an I/O error). */
		code = GB_E_CORRUPT;
	}
	return gb_error(ctx, code, "%s: %s", what, error_message(e));
}

/* ---- probe and mount -------------------------------------------------- */

static int read_super(struct gb_ctx *ctx, struct gb_volume *vol, uint8_t sb[SB_SIZE])
{
	if (vol->size < SB_OFFSET + SB_SIZE)
		return GB_E_NOT_MINE;
	int r = gb_vol_read(ctx, vol, SB_OFFSET, sb, SB_SIZE);
	if (r)
		return r;
	if (gb_le16(sb + SB_MAGIC) != 0xEF53 || gb_le32(sb + SB_LOG_BLOCK) > 6)
		return GB_E_NOT_MINE;
	return 0;
}

static int ext_probe(struct gb_ctx *ctx, struct gb_volume *vol, struct gb_fs_probe *out)
{
	uint8_t sb[SB_SIZE];
	int r = read_super(ctx, vol, sb);
	if (r)
		return r;
	uint32_t compat = gb_le32(sb + SB_COMPAT);
	uint32_t incompat = gb_le32(sb + SB_INCOMPAT);
	uint32_t ro = gb_le32(sb + SB_RO_COMPAT);
	/* The same names blkid gives. */
	const char *type;
	if (incompat & INCOMPAT_JOURNAL_DEV)
		type = "jbd";
	else if ((ro & ~EXT3_RO_COMPAT) || (incompat & ~EXT3_INCOMPAT))
		type = "ext4";
	else if (compat & COMPAT_HAS_JOURNAL)
		type = "ext3";
	else
		type = "ext2";
	snprintf(out->type, sizeof(out->type), "%s", type);
	gb_uuid_str(sb + SB_UUID, out->uuid);
	gb_copy_label(out->label, sizeof(out->label), sb + SB_LABEL, 16);
	return 0;
}

static int check_features(struct gb_ctx *ctx, const uint8_t *sb)
{
	return gb_fs_check_features(ctx, incompat_features,
				    sizeof(incompat_features) / sizeof(incompat_features[0]),
				    gb_le32(sb + SB_INCOMPAT));
}

static int ext_mount(struct gb_ctx *ctx, struct gb_volume *vol, struct gb_fs **out)
{
	uint8_t sb[SB_SIZE];
	int r = read_super(ctx, vol, sb);
	if (r == GB_E_NOT_MINE)
		return gb_error(ctx, GB_E_CORRUPT, "bad superblock");
	if (r || (r = check_features(ctx, sb)))
		return r;

	struct ext_fs *fs = calloc(1, sizeof(*fs));
	if (!fs)
		return gb_error(ctx, GB_E_NOMEM, "out of memory");
	if (registry_add(fs)) {
		free(fs);
		return gb_error(ctx, GB_E_LIMIT, "too many ext file systems open at once");
	}
	fs->ctx = ctx;
	fs->base.vol = vol;
	char name[32];
	snprintf(name, sizeof(name), "gb:%u", fs->id);
	/* Read-only (no EXT2_FLAG_RW). Checksums are not verified, as GRUB
	 * does not: the guest's own bootloader would boot this file system. */
	errcode_t e = ext2fs_open2(name, NULL,
				   EXT2_FLAG_64BITS | EXT2_FLAG_IGNORE_CSUM_ERRORS |
				   EXT2_FLAG_SKIP_MMP,
				   0, 0, &gb_io_manager, &fs->e2);
	if (e) {
		registry_remove(fs);
		free(fs);
		return ext_err(ctx, e, "cannot open");
	}
	*out = &fs->base;
	return 0;
}

static void ext_umount(struct gb_fs *base)
{
	struct ext_fs *fs = (struct ext_fs *)base;
	ext2fs_close_free(&fs->e2);
	registry_remove(fs);
	free(fs);
}

/* ---- nodes ------------------------------------------------------------ */

static int load_node(struct gb_ctx *ctx, struct ext_fs *fs, ext2_ino_t ino,
		     struct gb_node **out)
{
	struct ext_node *n = calloc(1, sizeof(*n));
	if (!n)
		return gb_error(ctx, GB_E_NOMEM, "out of memory");
	fs->ctx = ctx;
	errcode_t e = ext2fs_read_inode(fs->e2, ino, &n->inode);
	if (e) {
		free(n);
		return ext_err(ctx, e, "cannot read inode");
	}
	n->ino = ino;
	n->base.st.type = gb_mode_type(n->inode.i_mode);
	n->base.st.mode = n->inode.i_mode & 07777;
	n->base.st.size = EXT2_I_SIZE(&n->inode);
	n->base.st.mtime = (int32_t)n->inode.i_mtime;
	n->base.st.ino = ino;
	*out = &n->base;
	return 0;
}

static int ext_root(struct gb_ctx *ctx, struct gb_fs *base, struct gb_node **out)
{
	return load_node(ctx, (struct ext_fs *)base, EXT2_ROOT_INO, out);
}

static void ext_release(struct gb_fs *fs, struct gb_node *node)
{
	(void)fs;
	free(((struct ext_node *)node)->inl);
	free(node);
}

struct dir_walk {
	const char *name; /* lookup: the name sought */
	size_t len;
	ext2_ino_t found;
	int (*fn)(void *arg, const struct gb_dirent *de); /* readdir */
	void *arg;
	int stop;
	size_t bad_len; /* a name that did not fit: the walk stopped there */
};

static enum gb_ftype dirent_type(int ft)
{
	switch (ft) {
	case EXT2_FT_REG_FILE: return GB_FT_REG;
	case EXT2_FT_DIR: return GB_FT_DIR;
	case EXT2_FT_SYMLINK: return GB_FT_LNK;
	default: return GB_FT_OTHER;
	}
}

static int dir_cb(ext2_ino_t dir, int entry, struct ext2_dir_entry *d,
		  int offset, int blocksize, char *buf, void *priv)
{
	(void)dir, (void)entry, (void)offset, (void)blocksize, (void)buf;
	struct dir_walk *w = priv;
	size_t len = (size_t)ext2fs_dirent_name_len(d);
	if (d->inode == 0)
		return 0;
	if (w->name) {
		if (len == w->len && !memcmp(d->name, w->name, len)) {
			w->found = d->inode;
			return DIRENT_ABORT;
		}
		return 0;
	}
	if ((len == 1 && d->name[0] == '.') ||
	    (len == 2 && d->name[0] == '.' && d->name[1] == '.'))
		return 0;
	char name[EXT2_NAME_LEN + 1];
	if (!gb_copy_str(name, sizeof(name), d->name, len)) {
		w->bad_len = len;
		return DIRENT_ABORT;
	}
	struct gb_dirent de = { .name = name,
				.type = dirent_type(ext2fs_dirent_file_type(d)),
				.ino = d->inode };
	w->stop = w->fn(w->arg, &de);
	return w->stop ? DIRENT_ABORT : 0;
}

static int iterate(struct gb_ctx *ctx, struct ext_fs *fs, struct ext_node *dir,
		   struct dir_walk *w)
{
	if (dir->inode.i_flags & EXT4_ENCRYPT_FL)
		return gb_error(ctx, GB_E_UNSUPPORTED, "encrypted directory");
	fs->ctx = ctx;
	errcode_t e = ext2fs_dir_iterate2(fs->e2, dir->ino, 0, NULL, dir_cb, w);
	if (e)
		return ext_err(ctx, e, "cannot read directory");
	if (w->bad_len)
		return gb_error(ctx, GB_E_CORRUPT, "directory entry name of %zu bytes (limit %d)",
				w->bad_len, EXT2_NAME_LEN);
	return 0;
}

static int ext_lookup(struct gb_ctx *ctx, struct gb_fs *base, struct gb_node *dir,
		      const char *name, size_t len, struct gb_node **out)
{
	struct ext_fs *fs = (struct ext_fs *)base;
	struct dir_walk w = { .name = name, .len = len };
	int r = iterate(ctx, fs, (struct ext_node *)dir, &w);
	if (r)
		return r;
	if (!w.found)
		return GB_E_NOT_FOUND;
	return load_node(ctx, fs, w.found, out);
}

static int ext_readdir(struct gb_ctx *ctx, struct gb_fs *base, struct gb_node *dir,
		       int (*fn)(void *arg, const struct gb_dirent *de), void *arg)
{
	struct dir_walk w = { .fn = fn, .arg = arg };
	return iterate(ctx, (struct ext_fs *)base, (struct ext_node *)dir, &w);
}

/* Inline data (a file or symlink kept inside the inode): a bounded copy,
 * kept on the node. */
static int read_inline(struct gb_ctx *ctx, struct ext_fs *fs, struct ext_node *n)
{
	if (n->inl)
		return 0;
	size_t size;
	fs->ctx = ctx;
	errcode_t e = ext2fs_inline_data_size(fs->e2, n->ino, &size);
	if (e)
		return ext_err(ctx, e, "cannot read inline data");
	/* Inline data lives in the inode and at most one xattr block. */
	if (size > 60 + (size_t)fs->e2->blocksize + EXT2_INODE_SIZE(fs->e2->super))
		return gb_error(ctx, GB_E_CORRUPT, "inline data of %zu bytes", size);
	char *buf = malloc(size + 1);
	if (!buf)
		return gb_error(ctx, GB_E_NOMEM, "out of memory");
	e = ext2fs_inline_data_get(fs->e2, n->ino, &n->inode, buf, &size);
	if (e) {
		free(buf);
		return ext_err(ctx, e, "cannot read inline data");
	}
	n->inl = buf;
	n->inl_len = size;
	return 0;
}

static int ext_readlink(struct gb_ctx *ctx, struct gb_fs *base, struct gb_node *node,
			char *buf, size_t cap, size_t *len)
{
	struct ext_fs *fs = (struct ext_fs *)base;
	struct ext_node *n = (struct ext_node *)node;
	uint64_t size = node->st.size;
	if (size == 0 || size >= cap)
		return gb_error(ctx, GB_E_CORRUPT, "symbolic link of %llu bytes",
				(unsigned long long)size);
	if (n->inode.i_flags & EXT4_ENCRYPT_FL)
		return gb_error(ctx, GB_E_UNSUPPORTED, "encrypted symbolic link");
	if (ext2fs_is_fast_symlink(&n->inode)) /* the target is in the block map */
		return gb_fs_symlink_target(ctx, base, node, n->inode.i_block,
					    sizeof(n->inode.i_block), buf, cap, len);
	if (!(n->inode.i_flags & EXT4_INLINE_DATA_FL))
		return gb_fs_symlink_target(ctx, base, node, NULL, 0, buf, cap, len);
	int r = read_inline(ctx, fs, n);
	if (r)
		return r;
	if (n->inl_len < size)
		return gb_error(ctx, GB_E_CORRUPT, "short inline symbolic link");
	return gb_fs_symlink_target(ctx, base, node, n->inl, n->inl_len, buf, cap, len);
}

/*
 * The run of blocks at logical block lblk, at most max blocks: where it
 * starts on disk (*pblk; 0 for a hole) and how many blocks follow
 * contiguously. Extent-mapped files answer with one lookup per extent;
 * block-mapped ones block by block.
 */
static int block_run(struct gb_ctx *ctx, struct ext_fs *fs, struct ext_node *n, blk64_t lblk,
		     uint64_t max, blk64_t *pblk, uint64_t *count, bool *unwritten)
{
	*pblk = 0;
	*count = 1;
	*unwritten = false;
	fs->ctx = ctx;
	if (n->inode.i_flags & EXT4_EXTENTS_FL) {
		ext2_extent_handle_t h;
		struct ext2fs_extent ex;
		errcode_t e = ext2fs_extent_open2(fs->e2, n->ino, &n->inode, &h);
		if (e)
			return ext_err(ctx, e, "cannot read the extent tree");
		e = ext2fs_extent_goto(h, lblk);
		if (!e)
			e = ext2fs_extent_get(h, EXT2_EXTENT_CURRENT, &ex);
		ext2fs_extent_free(h);
		if (e == EXT2_ET_EXTENT_NOT_FOUND)
			return 0; /* a hole */
		if (e)
			return ext_err(ctx, e, "cannot map file block");
		if (lblk < ex.e_lblk || lblk - ex.e_lblk >= ex.e_len)
			return 0;
		*pblk = ex.e_pblk + (lblk - ex.e_lblk);
		*count = ex.e_len - (lblk - ex.e_lblk);
		*unwritten = (ex.e_flags & EXT2_EXTENT_FLAGS_UNINIT) != 0;
		if (*count > max)
			*count = max;
		return 0;
	}
	int flags = 0;
	errcode_t e = ext2fs_bmap2(fs->e2, n->ino, &n->inode, NULL, 0, lblk, &flags, pblk);
	if (e)
		return ext_err(ctx, e, "cannot map file block");
	while (*pblk && *count < max) {
		blk64_t next = 0;
		int nflags = 0;
		e = ext2fs_bmap2(fs->e2, n->ino, &n->inode, NULL, 0, lblk + *count, &nflags, &next);
		if (e || next != *pblk + *count)
			break;
		(*count)++;
	}
	return 0;
}

/* What lies at off: a run of physically contiguous blocks, a hole (or an
 * unwritten extent: zeros), or inline data (zeros past its end). */
static int ext_extent(struct gb_ctx *ctx, struct gb_fs *base, struct gb_node *node,
		      uint64_t off, uint64_t want, struct gb_extent *ex)
{
	struct ext_fs *fs = (struct ext_fs *)base;
	struct ext_node *n = (struct ext_node *)node;
	if (n->inode.i_flags & EXT4_ENCRYPT_FL)
		return gb_error(ctx, GB_E_UNSUPPORTED, "encrypted file");
	if (n->inode.i_flags & EXT4_INLINE_DATA_FL) {
		int r = read_inline(ctx, fs, n);
		if (r)
			return r;
		ex->kind = off < n->inl_len ? GB_EXTENT_INLINE : GB_EXTENT_HOLE;
		ex->len = off < n->inl_len && n->inl_len - off < want ? n->inl_len - off : want;
		ex->data = (const uint8_t *)n->inl + (off < n->inl_len ? off : 0);
		return 0;
	}
	uint32_t bs = fs->e2->blocksize;
	uint64_t in = off % bs, blocks, pos;
	blk64_t pblk;
	bool unwritten;
	int r = block_run(ctx, fs, n, off / bs, (in + want + bs - 1) / bs, &pblk, &blocks, &unwritten);
	if (r)
		return r;
	ex->len = blocks * bs - in < want ? blocks * bs - in : want;
	ex->kind = pblk == 0 || unwritten ? GB_EXTENT_HOLE : GB_EXTENT_DATA;
	if (ex->kind == GB_EXTENT_DATA &&
	    (!gb_mul_ok(pblk, bs, &pos) || !gb_add_ok(pos, in, &ex->vol_off)))
		return gb_error(ctx, GB_E_CORRUPT, "block number overflows");
	return 0;
}

const struct gb_fs_driver gb_fs_ext = {
	.name = "ext",
	.probe = ext_probe,
	.mount = ext_mount,
	.umount = ext_umount,
	.root = ext_root,
	.lookup = ext_lookup,
	.readdir = ext_readdir,
	.readlink = ext_readlink,
	.extent = ext_extent,
	.release = ext_release,
};
