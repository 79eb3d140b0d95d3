/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* File systems: a driver mounts a volume once into a handle, then answers
 * lookups (or directory scans), symlink targets and, for a file, what lies
 * at an offset (its extents). Path walking, "..", the symlink limit, reads
 * and where a copy's bytes lie live once, in fs.c, as GRUB's fshelp. */
#ifndef GB_FS_H
#define GB_FS_H

#include "core/core.h"
#include "volume/volume.h"

#define GB_SYMLINK_MAX_HOPS 8     /* as GRUB: a loop is refused, not followed */
#define GB_PATH_MAX 4096
#define GB_PATH_MAX_DEPTH 256     /* components held while walking a path */

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
	char type[16];  /* "ext4", as probing named it */
	bool fold_case; /* names match without ASCII case (FAT; ISO9660 without
			 * Rock Ridge): set by mount, used by scan_lookup */
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

/* What lies at an offset of a file, as a driver's extent call answers:
 * len bytes (0 < len <= what was asked) that are */
enum gb_extent_kind {
	GB_EXTENT_DATA,    /* on the volume as they are, from vol_off */
	GB_EXTENT_HOLE,    /* zeros: a hole, an unwritten or sparse extent */
	GB_EXTENT_INLINE,  /* at data, kept by the node (in the inode) */
	GB_EXTENT_ENCODED, /* stored otherwise (compressed, checksummed
			    * blocks): the driver's decode produces them */
};

struct gb_extent {
	enum gb_extent_kind kind;
	uint64_t len;
	uint64_t vol_off;    /* DATA */
	const uint8_t *data; /* INLINE: valid until the node's next call */
};

/* One entry of a directory as a driver without an index scans it; fs.c
 * derives lookup and readdir from the scan. */
struct gb_fs_entry {
	const char *name;     /* NUL-terminated, len bytes */
	size_t len;
	const char *alias;    /* another name it answers to (FAT's 8.3), or NULL */
	enum gb_ftype type;
	bool type_unknown;    /* the listing does not say: readdir asks the node */
	uint64_t ino;
	void *rec;            /* the driver's own record, for entry_node */
};

/* Returns 0 to go on, 1 to stop, < 0 (an error) to stop with it. */
typedef int (*gb_fs_entry_fn)(void *arg, struct gb_fs_entry *e);

/*
 * A driver answers what the format alone can: its nodes, its directories,
 * and where a file's bytes lie (extent). fs.c walks paths, and derives
 * reads, copies and (for drivers that only scan) lookups and listings.
 */
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
	/* A directory, one of two ways. With an index (or a library that
	 * searches): lookup (GB_E_NOT_FOUND, unrecorded, when dir has no such
	 * name) and readdir. Without: scan every entry, and entry_node to
	 * make the node of the one that matched (it may take e->rec's
	 * memory). */
	int (*lookup)(struct gb_ctx *ctx, struct gb_fs *fs, struct gb_node *dir,
		      const char *name, size_t len, struct gb_node **out);
	int (*readdir)(struct gb_ctx *ctx, struct gb_fs *fs, struct gb_node *dir,
		       int (*fn)(void *arg, const struct gb_dirent *de), void *arg);
	int (*scan)(struct gb_ctx *ctx, struct gb_fs *fs, struct gb_node *dir,
		    gb_fs_entry_fn fn, void *arg);
	int (*entry_node)(struct gb_ctx *ctx, struct gb_fs *fs, struct gb_fs_entry *e,
			  struct gb_node **out);
	int (*readlink)(struct gb_ctx *ctx, struct gb_fs *fs, struct gb_node *node,
			char *buf, size_t cap, size_t *len);
	/* What lies at off of the file: at most want (> 0) bytes, as long a
	 * run as the format makes cheap to find. The caller keeps off + want
	 * inside the file's size where it reads the file's contents; drivers
	 * reading their own structures (directories) may ask past it. */
	int (*extent)(struct gb_ctx *ctx, struct gb_fs *fs, struct gb_node *node,
		      uint64_t off, uint64_t want, struct gb_extent *ex);
	/* For drivers that answer GB_EXTENT_ENCODED: the len bytes at off,
	 * which lie inside one such answer, into buf. */
	int (*decode)(struct gb_ctx *ctx, struct gb_fs *fs, struct gb_node *node,
		      uint64_t off, void *buf, size_t len);
	void (*release)(struct gb_fs *fs, struct gb_node *node);
	/* Optional (ZFS): the boot dataset `name` ("pool/ROOT/be"), or with
	 * NULL the pool's bootfs property, else its root dataset. */
	int (*bootfs)(struct gb_ctx *ctx, struct gb_fs *fs, const char *name,
		      struct gb_fs_bootfs *out);
	/* Optional: the path from the root to the directory the file system
	 * is mounted at by default (btrfs's default subvolume), "" for the
	 * root itself. */
	int (*default_root)(struct gb_ctx *ctx, struct gb_fs *fs, const char **path);
};

/* Every driver, in probing order: adding a file system is its file
 * (lib/fs/NAME.c, defining gb_fs_NAME) and one line here. */
#define GB_FS_DRIVERS(X) \
	X(ext)           \
	X(xfs)           \
	X(squashfs)      \
	X(ufs)           \
	X(fat)           \
	X(iso9660)       \
	X(btrfs)         \
	X(zfs)
#define GB_FS_DECLARE(name) extern const struct gb_fs_driver gb_fs_##name;
GB_FS_DRIVERS(GB_FS_DECLARE)
#undef GB_FS_DECLARE

/* ---- shared by the drivers ------------------------------------------- */

/* The file type of a POSIX st_mode, which every Unix format stores. */
static inline enum gb_ftype gb_mode_type(uint64_t mode)
{
	switch (mode & 0170000u) {
	case 0100000u: return GB_FT_REG;
	case 0040000u: return GB_FT_DIR;
	case 0120000u: return GB_FT_LNK;
	default: return GB_FT_OTHER;
	}
}

/* An incompatible feature bit of a superblock and our decision on it. */
struct gb_fs_feature {
	uint64_t bit;
	const char *name;
	bool supported;
	const char *why; /* why a supported one needs no work, or is refused (or NULL) */
};

/* GB_E_UNSUPPORTED naming the first refused bit of `bits`, or the bits
 * the table does not know. */
int gb_fs_check_features(struct gb_ctx *ctx, const struct gb_fs_feature *table, size_t n,
			 uint64_t bits);

/* Read exactly len bytes at off of a node through its driver's extents,
 * whatever its size says: for a driver's own structures (directories,
 * symbolic link blocks). */
int gb_fs_read_node(struct gb_ctx *ctx, struct gb_fs *fs, struct gb_node *node,
		    uint64_t off, void *buf, size_t len);
/* The same cut at the node's size: *got < len only at its end. */
int gb_fs_pread_node(struct gb_ctx *ctx, struct gb_fs *fs, struct gb_node *node,
		     uint64_t off, void *buf, size_t len, size_t *got);

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

/* ---- for copies (lib/payload/copy.c decides how to write) ------------ */

/* Push the scope of calls on fs ("disk.img: partition 1: ext4"); pop it
 * with gb_scope_pop(ctx, mark) on the mark returned. */
size_t gb_fs_scope(struct gb_ctx *ctx, const struct gb_fs *fs);
/* Open path and check that [off, off+len) lies inside it. */
int gb_file_open_range(struct gb_ctx *ctx, struct gb_fs *fs, const char *path, uint64_t off,
		       uint64_t len, struct gb_file **out);

/* Where the next bytes of a file lie, for a copy: as they are in a host
 * file (a raw image, a qcow2 image's plain clusters), so that they can be
 * copied from there, or else read into memory. */
struct gb_file_piece {
	uint64_t len;
	int fd;             /* >= 0: in this host file, from host_off */
	uint64_t host_off;
	const void *bytes;  /* fd < 0: here */
};
/* The piece at off, at most want (> 0, inside the file) bytes: a run in a
 * host file, else the next cap bytes (at most want) read into buf. */
int gb_file_piece(struct gb_ctx *ctx, struct gb_file *f, uint64_t off, uint64_t want,
		  void *buf, size_t cap, struct gb_file_piece *p);
/* A hint that [off, off+len) of the file will be copied next: a source
 * that fetches over a network starts on the extents it finds there. */
void gb_file_prefetch(struct gb_file *f, uint64_t off, uint64_t len);

#endif
