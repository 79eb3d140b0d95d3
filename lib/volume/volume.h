/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Volumes: windows onto the image (whole disk, partitions; later LVs and
 * arrays). Table drivers only describe child windows; the core creates them
 * and checks every read against the window and the source. */
#ifndef GB_VOLUME_H
#define GB_VOLUME_H

#include "core/core.h"
#include "source/source.h"

#define GB_VOL_TYPE_MAX 40
#define GB_VOL_NAME_MAX 160  /* 36 UTF-16 units as UTF-8, with room */
#define GB_FS_LABEL_MAX 256
#define GB_MAX_VOLUMES 256   /* partitions of one image, logicals included */

struct gb_fs_driver;

struct gb_volume {
	struct gb_volume_info info; /* public view; strings point below */
	struct gb_image *img;
	struct gb_source *src;
	uint64_t start, size;       /* bytes, absolute in src */
	uint32_t sector_size;
	bool container;             /* MBR extended partition: never probed */
	char type[GB_VOL_TYPE_MAX];
	char name[GB_VOL_NAME_MAX];
	char partuuid[40];
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

/* Bounds-checked read inside a volume. */
int gb_vol_read(struct gb_ctx *ctx, struct gb_volume *vol, uint64_t off,
		void *buf, size_t len);

/* Find the partition table on disk and emit its partitions. Returns the
 * driver that matched, NULL when there is no table, via *drv. */
int gb_volume_scan(struct gb_ctx *ctx, struct gb_volume *disk,
		   const struct gb_volume_driver **drv, gb_part_emit_fn emit,
		   void *arg);

/* "disk.img: partition 2" (or "disk.img" for the whole disk). */
size_t gb_vol_scope(struct gb_ctx *ctx, const struct gb_volume *vol);

#endif
