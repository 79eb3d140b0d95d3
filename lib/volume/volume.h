/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Volumes: windows onto the image (whole disk, partitions, BSD/VTOC slices,
 * MD arrays) and mapped volumes (LVM logical volumes) whose reads go through
 * a segment table to the volumes below. Table drivers only describe child
 * windows; the core creates them and checks every read against the window,
 * the mapping and the source. */
#ifndef GB_VOLUME_H
#define GB_VOLUME_H

#include "core/core.h"
#include "source/source.h"

#define GB_VOL_TYPE_MAX 40
#define GB_VOL_NAME_MAX 160  /* 36 UTF-16 units as UTF-8, with room */
#define GB_FS_LABEL_MAX 256
#define GB_MAX_VOLUMES 256   /* volumes of one image: partitions, slices, LVs, arrays */
#define GB_VOL_ID_MAX 300    /* "lvm/" + two 128-byte LVM names */
#define GB_VOL_MAX_DEPTH 3   /* partition > PV > LV, partition > md > PV > LV */
#define GB_VOL_MAX_STRIPES 16
#define GB_VOL_MAX_SEGS 256  /* segments of one LV */

struct gb_fs_driver;
struct gb_volume;

/* One stripe of a segment: where its data starts on a lower volume. */
struct gb_vol_stripe {
	struct gb_volume *dev;
	uint64_t off;
};

/* [start, start+size) of a mapped volume, laid over nstripes lower areas in
 * chunks of stripe_size bytes (one stripe: a linear run). */
struct gb_vol_seg {
	uint64_t start, size;
	uint64_t stripe_size;
	uint32_t nstripes;
	struct gb_vol_stripe stripe[GB_VOL_MAX_STRIPES];
};

/* The command's work account on an image (core.h): its source's. */
struct gb_work *gb_image_work(struct gb_image *img);

struct gb_volume {
	struct gb_volume_info info; /* public view; strings point below */
	struct gb_image *img;
	struct gb_source *src;
	uint64_t start, size;       /* bytes, absolute in src (plain windows) */
	uint64_t disk_off;          /* partitions: start relative to the disk */
	uint32_t sector_size;
	bool container;             /* holds volumes (extended, PV, md member) */
	char container_kind[240];   /* "extended partition", "LVM physical volume
				       (its metadata does not parse: ...)" */
	/* A mapped volume: reads go through segs (sorted, contiguous from 0);
	 * NULL for a plain window over src, the fast path. */
	struct gb_vol_seg *segs;
	size_t nsegs;
	/* Set when the volume cannot be read (a missing PV, an unsupported
	 * segment type or RAID level): every read fails with it. */
	int err_code;
	char err[200];
	int depth;                  /* 0: on the disk's partition table */
	const char *scheme;         /* slices, LVs, arrays; NULL: the table's */
	char id[GB_VOL_ID_MAX];     /* VOL spec: "2", "lvm/vg0/root", "md/0" */
	char stack[GB_VOL_ID_MAX];  /* "partition 2 > lvm/vg0/root" */
	char type[GB_VOL_TYPE_MAX];
	char name[GB_VOL_NAME_MAX];
	char partuuid[40];
	int slice;                  /* BSD/VTOC slice index (a = 0), or -1 */
	struct gb_volume *parent;   /* the volume it lies on, NULL: the disk */
	char fstype[16];
	char fs_uuid[40];
	char fs_label[GB_FS_LABEL_MAX];
	const struct gb_fs_driver *fs_driver; /* from probing, or NULL */
	struct gb_fs *fs;                     /* mounted on first use */
};

/* A partition as a table driver reports it; start/size relative to the
 * volume that holds the table. */
struct gb_part {
	int number;
	uint64_t start, size;
	char type[GB_VOL_TYPE_MAX];
	char name[GB_VOL_NAME_MAX];
	char partuuid[40];
	int slice;   /* index in a BSD/VTOC label (a = 0); 0 elsewhere */
	bool bootable, logical, container;
};

typedef int (*gb_part_emit_fn)(void *arg, const struct gb_part *p);

struct gb_volume_driver {
	const char *name;  /* blkid's PTTYPE: "gpt", "dos" */
	const char *label; /* in messages: "GPT", "MBR" */
	const char *scheme; /* gb_volume_info.scheme of its partitions */
	/* GB_E_NOT_MINE when there is no table of this kind. */
	int (*enumerate)(struct gb_ctx *ctx, struct gb_volume *disk,
			 gb_part_emit_fn emit, void *arg);
};

extern const struct gb_volume_driver gb_vol_gpt;
extern const struct gb_volume_driver gb_vol_mbr;
/* Nested tables, run on an MBR partition of their type by image.c. */
extern const struct gb_volume_driver gb_vol_bsd;
extern const struct gb_volume_driver gb_vol_vtoc;

/* ---- container formats (image.c assembles their volumes) ---- */

/* An MD RAID member: what its superblock says. */
struct gb_md_member {
	uint8_t uuid[16];
	char version[8];        /* "0.90", "1.0", "1.1", "1.2" */
	char name[40];          /* GRUB's name: minor ("0") or set_name after ':' */
	int level;
	uint32_t raid_disks;
	uint64_t data_offset;   /* bytes in the member */
	uint64_t data_size;     /* bytes */
	uint64_t events;
};
/* GB_E_NOT_MINE when vol carries no md superblock. */
int gb_md_probe(struct gb_ctx *ctx, struct gb_volume *vol, struct gb_md_member *m);

/* An LVM physical volume: its label and newest metadata text. */
struct gb_lvm_pv {
	struct gb_volume *vol;
	char id[33];            /* PV UUID without dashes */
	char *meta;             /* metadata text (malloc'd, NUL-terminated), or NULL */
	size_t meta_len;
	char meta_err[200];     /* why its metadata copy is unusable ("" if not):
				   the PV still holds data for its VG */
	bool used;              /* its VG has been assembled */
};
int gb_lvm_probe(struct gb_ctx *ctx, struct gb_volume *vol, struct gb_lvm_pv *pv);
void gb_lvm_pv_free(struct gb_lvm_pv *pv);

/* A logical volume as assembly reports it; segs are malloc'd and handed
 * over to the callee (which frees them when it fails). */
struct gb_lvm_lv {
	char vg[129], lv[129];
	uint64_t size;
	struct gb_vol_seg *segs;
	size_t nsegs;
	int err_code;           /* 0, or why it cannot be read */
	char err[200];
};
typedef int (*gb_lv_emit_fn)(void *arg, struct gb_lvm_lv *lv);
/* Assemble the VG of pvs[first] from every PV of that VG in pvs[0..n),
 * marking them used, and emit its visible LVs. */
int gb_lvm_assemble(struct gb_ctx *ctx, struct gb_lvm_pv *pvs, size_t n,
		    size_t first, gb_lv_emit_fn emit, void *arg);

/* Bounds-checked read inside a volume. */
int gb_vol_read(struct gb_ctx *ctx, struct gb_volume *vol, uint64_t off,
		void *buf, size_t len);

/* Where the volume's bytes at off lie as they are in a host descriptor, for
 * copies that read straight from it (gb_fs_copy_to_fd): *fd at *abs for *run
 * bytes (0 < *run <= len; shorter where an LV's segment, a stripe chunk or
 * a qcow2 extent ends). GB_E_NOT_MINE where they do not (see
 * gb_source_map); the range is bounds-checked like a read. */
int gb_vol_locate(struct gb_ctx *ctx, const struct gb_volume *vol, uint64_t off, uint64_t len,
		  int *fd, uint64_t *abs, uint64_t *run);

/* A hint that [off, off+len) of the volume will be read soon (see
 * gb_source_prefetch); plain windows only. */
void gb_vol_prefetch(const struct gb_volume *vol, uint64_t off, uint64_t len);
/* Does the volume's source take such hints (an NBD export below)? */
bool gb_vol_prefetches(const struct gb_volume *vol);

/* Find the partition table on disk and emit its partitions. Returns the
 * driver that matched, NULL when there is no table, via *drv. */
int gb_volume_scan(struct gb_ctx *ctx, struct gb_volume *disk,
		   const struct gb_volume_driver **drv, gb_part_emit_fn emit,
		   void *arg);

/* "disk.img: partition 2", "disk.img: lvm/vg0/root" (or "disk.img" for the
 * whole disk). */
size_t gb_vol_scope(struct gb_ctx *ctx, const struct gb_volume *vol);

#endif
