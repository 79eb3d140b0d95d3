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
/* May the image's volumes be probed for format name (a volume driver's
 * scheme, a container or file system driver's name)? The caller's
 * gb_image_options.probe_formats; true for no image. */
bool gb_image_probes(const struct gb_image *img, const char *name);
/* The formats it does not probe, for messages: "disabled formats, not
 * probed: ufs, zfs" ("" when it probes all). */
const char *gb_image_not_probed(const struct gb_image *img);
/* The first read of the image (or a --disk) that failed with an I/O
 * error, even one whose caller went on; NULL when none did. */
const char *gb_image_read_error(const struct gb_image *img);
/* The i-th volume format's name (tables, nested labels, containers);
 * NULL past the last. */
const char *gb_vol_format_name(size_t i);

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

struct gb_volume_driver;

/* A label nested in a partition of a given type, as libblkid's
 * dos_nested[]: its driver runs on the partition (and decides: a type can
 * mean something else too). */
struct gb_vol_nested {
	const char *type; /* the partition's, "0xa5" */
	const struct gb_volume_driver *label;
};

struct gb_volume_driver {
	const char *name;  /* blkid's PTTYPE: "gpt", "dos" */
	const char *label; /* in messages: "GPT", "MBR" */
	const char *scheme; /* gb_volume_info.scheme of its partitions */
	/* GB_E_NOT_MINE when there is no table of this kind. */
	int (*enumerate)(struct gb_ctx *ctx, struct gb_volume *disk,
			 gb_part_emit_fn emit, void *arg);
	/* Labels its partitions may hold, ended by { NULL }; NULL: none. */
	const struct gb_vol_nested *nested;
	/* A nested label: what a partition holding one is ("BSD slice"). */
	const char *holder;
};

extern const struct gb_volume_driver gb_vol_gpt;
extern const struct gb_volume_driver gb_vol_mbr;
/* Nested in MBR partitions (gb_vol_mbr.nested). */
extern const struct gb_volume_driver gb_vol_bsd;
extern const struct gb_volume_driver gb_vol_vtoc;

/* ---- building an image's volumes (volume.c) ---- */

/* The volumes of an image, in the order they are found. */
struct gb_vol_list {
	struct gb_image *img;
	struct gb_volume *disk; /* new volumes take its source and sector size */
	struct gb_volume *vols[GB_MAX_VOLUMES];
	size_t n;
};

/* A new volume at the end of the list: on the disk's source, slice -1. */
int gb_vol_add(struct gb_ctx *ctx, struct gb_vol_list *l, struct gb_volume **out);
/* Make v the window [off, off+size) of parent: a plain window when the
 * parent is one (the fast path), else a one-segment mapping onto it. */
int gb_vol_window(struct gb_ctx *ctx, struct gb_volume *v, struct gb_volume *parent,
		  uint64_t off, uint64_t size);
/* Record trouble with a container's metadata (r, why's message) on v, a
 * container of that kind: the rest of the image stays readable, and using
 * v says why. 0, or GB_E_NOMEM in ctx. */
int gb_vol_trouble(struct gb_ctx *ctx, struct gb_volume *v, const char *kind,
		   const struct gb_ctx *why, int r);
/* The labels nested in the partitions of the first disk's table, their
 * slices appended and numbered after every partition, as Linux does. */
int gb_vol_scan_nested(struct gb_ctx *ctx, struct gb_vol_list *l,
		       const struct gb_volume_driver *table);

/* A container format: its members hold no file system, and assemble into
 * new volumes (md arrays, LVM logical volumes). */
struct gb_container_driver {
	const char *name;
	size_t state_size; /* what it keeps while an image opens (zeroed) */
	/* Is vol a member? 0 when it is (vol->container and container_kind
	 * set, its trouble recorded with gb_vol_trouble), GB_E_NOT_MINE when
	 * not, else an error that ends the open (in ctx). */
	int (*probe)(struct gb_ctx *ctx, void *state, struct gb_volume *vol);
	/* Append the volumes that the members probed so far make and that are
	 * not assembled yet. */
	int (*assemble)(struct gb_ctx *ctx, void *state, struct gb_vol_list *l);
	void (*release)(void *state); /* optional */
};

extern const struct gb_container_driver gb_container_md;
extern const struct gb_container_driver gb_container_lvm;

/* Containers inside the list's volumes, assembled round by round until no
 * volume is added. */
int gb_vol_assemble(struct gb_ctx *ctx, struct gb_vol_list *l);

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
