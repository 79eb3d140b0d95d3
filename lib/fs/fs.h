/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* File systems: a driver mounts a volume once into a handle, then answers
 * lookups, directory listings, symlink targets and positioned reads on
 * nodes. Path walking, "..", and the symlink limit live once, in fs.c. */
#ifndef GB_FS_H
#define GB_FS_H

#include "core/core.h"
#include "volume/volume.h"

#define GB_SYMLINK_MAX_HOPS 8     /* as GRUB: a loop is refused, not followed */
#define GB_PATH_MAX 4096
#define GB_PATH_MAX_DEPTH 256     /* components held while walking a path */
#define GB_READ_CHUNK (1u << 20)  /* streaming copies move 1 MiB at a time */

/* A driver's pread of *len bytes at off, cut at the file's size: false
 * when none of it lies inside the file. */
static inline bool gb_read_clamp(uint64_t size, uint64_t off, size_t *len)
{
	if (off >= size || *len == 0)
		return false;
	if (*len > size - off)
		*len = (size_t)(size - off);
	return true;
}

struct gb_fs;
/* Charge n bytes of metadata work (blocks read or decompressed, directory
 * entries scanned) to the command's account on the image: every driver
 * calls it where a lookup's cost grows with what the guest wrote, so that
 * no image costs more than GB_META_BUDGET whatever its volumes. */
int gb_fs_charge(struct gb_ctx *ctx, struct gb_fs *fs, uint64_t n);
/* A listing hands out at most this many entries (GB_E_LIMIT beyond), each
 * charged this much plus its name's length. */
#define GB_READDIR_MAX (1u << 20)
#define GB_DIRENT_COST 64

/* Drivers allocate nodes with this as their first member. */
struct gb_node {
	struct gb_stat st;
};

struct gb_fs {
	const struct gb_fs_driver *drv;
	struct gb_volume *vol;
	char type[16]; /* "ext4", as probing named it */
};

struct gb_fs_probe {
	char type[16];
	char uuid[40];
	char label[GB_FS_LABEL_MAX];
};

/* A pool's boot dataset (ZFS): what GRUB legacy's "bootfs" names and
 * $ZFS-BOOTFS expands to. */
struct gb_fs_bootfs {
	char pool[256];
	char dataset[256];  /* relative to the pool; "" is its root dataset */
	uint64_t obj;       /* the dataset's object number */
	char bootpath[512]; /* the vdevs' phys_path ("" when not recorded) */
};

struct gb_fs_driver {
	const char *name;
	/* A tolerant format leaves other formats room on the same volume
	 * (ISO9660 starts at 32 KiB; the system area before it may hold an
	 * MBR, a FAT boot sector, anything). When a tolerant and a
	 * non-tolerant driver both match, the non-tolerant one is taken; two
	 * non-tolerant matches are ambiguous. As libblkid's TOLERANT flag. */
	bool tolerant;
	/* Identify without side effects: GB_E_NOT_MINE when not ours. */
	int (*probe)(struct gb_ctx *ctx, struct gb_volume *vol, struct gb_fs_probe *out);
	/* Parse the superblock into a handle; refuse unknown incompatible
	 * features with GB_E_UNSUPPORTED naming them. */
	int (*mount)(struct gb_ctx *ctx, struct gb_volume *vol, struct gb_fs **out);
	void (*umount)(struct gb_fs *fs);
	int (*root)(struct gb_ctx *ctx, struct gb_fs *fs, struct gb_node **out);
	/* GB_E_NOT_FOUND (unrecorded is fine) when dir has no such name. */
	int (*lookup)(struct gb_ctx *ctx, struct gb_fs *fs, struct gb_node *dir,
		      const char *name, size_t len, struct gb_node **out);
	int (*readdir)(struct gb_ctx *ctx, struct gb_fs *fs, struct gb_node *dir,
		       int (*fn)(void *arg, const struct gb_dirent *de), void *arg);
	int (*readlink)(struct gb_ctx *ctx, struct gb_fs *fs, struct gb_node *node,
			char *buf, size_t cap, size_t *len);
	int (*pread)(struct gb_ctx *ctx, struct gb_fs *fs, struct gb_node *node,
		     uint64_t off, void *buf, size_t len, size_t *got);
	void (*release)(struct gb_fs *fs, struct gb_node *node);
	/* Optional: where the file's bytes at off lie on the volume, as one
	 * physically contiguous run of *run bytes (0 < *run <= len), so that
	 * copies read it straight from the image. GB_E_NOT_MINE for a hole, an
	 * inline, compressed or unwritten extent: those go through pread. */
	int (*map)(struct gb_ctx *ctx, struct gb_fs *fs, struct gb_node *node,
		   uint64_t off, uint64_t len, uint64_t *vol_off, uint64_t *run);
	/* Optional (ZFS): the boot dataset `name` ("pool/ROOT/be"), or with
	 * NULL the pool's bootfs property, else its root dataset. */
	int (*bootfs)(struct gb_ctx *ctx, struct gb_fs *fs, const char *name,
		      struct gb_fs_bootfs *out);
	/* Optional: the path from the root to the directory the file system
	 * is mounted at by default (btrfs's default subvolume), "" for the
	 * root itself. */
	int (*default_root)(struct gb_ctx *ctx, struct gb_fs *fs, const char **path);
};

extern const struct gb_fs_driver gb_fs_ext;
extern const struct gb_fs_driver gb_fs_xfs;
extern const struct gb_fs_driver gb_fs_squashfs;
extern const struct gb_fs_driver gb_fs_ufs;
extern const struct gb_fs_driver gb_fs_fat;
extern const struct gb_fs_driver gb_fs_iso9660;
extern const struct gb_fs_driver gb_fs_btrfs;
extern const struct gb_fs_driver gb_fs_zfs;

/* An in-memory file system for tests: each entry is a file (data, len; len
 * 0 means strlen), a symlink (link), or a directory (path ending in '/').
 * Parents are created as needed. Free with gb_fs_umount. */
struct gb_memfs_entry {
	const char *path;
	const char *data;
	size_t len;
	const char *link;
};
int gb_memfs_new(struct gb_ctx *ctx, const char *name,
		 const struct gb_memfs_entry *entries, size_t n, struct gb_fs **out);

/* A symbolic link's target of node->st.size bytes, for drivers: from inl
 * (an area of inl_len bytes) when the target is stored in the inode, else
 * from the file's data; checked (no NUL, fits cap and the inline area) and
 * NUL-terminated into buf. */
int gb_fs_symlink_target(struct gb_ctx *ctx, struct gb_fs *fs, struct gb_node *node,
			 const void *inl, size_t inl_len, char *buf, size_t cap, size_t *len);

/* Where the first len bytes of a file lie on its volume, when they lie
 * there as they are in one contiguous run (not inline, compressed,
 * sparse or split): *vol_off. GB_E_NOT_MINE (unrecorded) when they do
 * not; the open's errors otherwise. */
int gb_fs_file_run(struct gb_ctx *ctx, struct gb_fs *fs, const char *path, uint64_t len,
		   uint64_t *vol_off);

/* The i-th file system driver's name; NULL past the last. */
const char *gb_fs_format_name(size_t i);
/* Run every driver's probe on vol (those its image probes for) and fill
 * vol's fs fields. */
int gb_fs_probe_volume(struct gb_ctx *ctx, struct gb_volume *vol);
/* The same with tolerant drivers only: for a whole disk that carries a
 * partition table, which may also be a hybrid ISO9660 image. */
int gb_fs_probe_tolerant(struct gb_ctx *ctx, struct gb_volume *vol);
void gb_fs_umount(struct gb_fs *fs);
/* The driver's bootfs query; GB_E_NOT_MINE (unrecorded) when the file
 * system has no datasets. */
int gb_fs_bootfs(struct gb_ctx *ctx, struct gb_fs *fs, const char *name,
		 struct gb_fs_bootfs *out);
/* The driver's default_root, or "" when it has none. */
int gb_fs_default_root(struct gb_ctx *ctx, struct gb_fs *fs, const char **path);

#endif
