/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* An image: its source, the partition table found on it, and a volume per
 * partition (or one for the whole disk), each probed for a file system. */
#include "fs/fs.h"
#include "source/source.h"
#include "volume/volume.h"

#include <stdio.h>
#include <stdlib.h>
#include <strings.h>

struct gb_image {
	struct gb_source *src;
	char *name;
	const struct gb_volume_driver *table; /* NULL: no partition table */
	bool hybrid; /* a table, and an ISO9660 across the whole disk too */
	bool format_probed; /* no format named: from the magic */
	const char *foreign; /* raw, and the disk starts with this format's magic */
	struct gb_volume disk; /* the whole disk, number 0 */
	/* Further disks (--disk): their sources and whole-disk volumes
	 * (xdisk[i] is disk i + 1; listed in vols only when it has no
	 * partition table). */
	struct gb_source *xsrc[GB_MAX_DISKS];
	struct gb_volume *xdisk[GB_MAX_DISKS];
	size_t nxdisks;
	struct gb_volume *vols[GB_MAX_VOLUMES];
	size_t nvols;
};

struct gb_work *gb_image_work(struct gb_image *img)
{
	return &img->src->work;
}

/* What the container probes found, while the image is being opened. */
struct nest {
	struct gb_lvm_pv pv[GB_MAX_VOLUMES];
	size_t npv;
	struct md_found {
		struct gb_volume *vol;
		struct gb_md_member m;
		bool used;
	} md[GB_MAX_VOLUMES];
	size_t nmd;
	int next_number;       /* for BSD/VTOC slices, after the MBR's */
};

static void publish(struct gb_image *img, struct gb_volume *v, const char *scheme)
{
	v->info.scheme = scheme;
	v->info.start = v->start;
	v->info.size = v->size;
	v->info.type = v->type;
	v->info.name = v->name;
	v->info.partuuid = v->partuuid;
	v->info.fstype = v->fstype;
	v->info.fs_uuid = v->fs_uuid;
	v->info.fs_label = v->fs_label;
	v->info.id = v->id;
	v->info.stack = v->stack;
	v->info.container = v->container;
	v->info.container_kind = v->container_kind;
	v->info.error = v->err;
	v->info.slice = v->slice;
	v->info.parent = -1;
	for (size_t i = 0; v->parent && i < img->nvols; i++)
		if (img->vols[i] == v->parent)
			v->info.parent = (int)i;
}

/* A new volume appended to the image's list. */
static int new_volume(struct gb_ctx *ctx, struct gb_image *img, struct gb_volume **out)
{
	if (img->nvols == GB_MAX_VOLUMES)
		return gb_error(ctx, GB_E_LIMIT, "more than %d volumes", GB_MAX_VOLUMES);
	struct gb_volume *v = calloc(1, sizeof(*v));
	if (!v)
		return gb_error(ctx, GB_E_NOMEM, "out of memory");
	v->img = img;
	v->src = img->src;
	v->sector_size = img->disk.sector_size ? img->disk.sector_size : 512;
	v->slice = -1;
	img->vols[img->nvols++] = v;
	*out = v;
	return 0;
}

/* Make v the window [off, off+size) of parent: a plain window when the
 * parent is one (the fast path), else a one-segment mapping onto it. */
static int set_window(struct gb_ctx *ctx, struct gb_volume *v, struct gb_volume *parent,
		      uint64_t off, uint64_t size)
{
	v->parent = parent;
	v->size = size;
	v->depth = parent->depth + 1;
	v->src = parent->src;
	v->info.disk = parent->info.disk;
	if (!parent->segs) {
		v->start = parent->start + off;
		v->disk_off = parent->disk_off + off;
		return 0;
	}
	v->segs = calloc(1, sizeof(*v->segs));
	if (!v->segs)
		return gb_error(ctx, GB_E_NOMEM, "out of memory");
	v->nsegs = 1;
	v->segs[0] = (struct gb_vol_seg){ .size = size, .nstripes = 1,
					  .stripe[0] = { parent, off } };
	return 0;
}

struct add_ctx {
	struct gb_ctx *ctx;
	struct gb_image *img;
	struct nest *nest;
	struct gb_volume *disk;   /* partitions: the disk whose table it is */
	struct gb_volume *parent; /* slices: the MBR partition holding the label */
	const char *scheme;       /* slices: their label's */
};

static void copy_part(struct gb_volume *v, const struct gb_part *p)
{
	v->info.bootable = p->bootable;
	v->info.logical = p->logical;
	memcpy(v->type, p->type, sizeof(v->type));
	memcpy(v->name, p->name, sizeof(v->name));
	memcpy(v->partuuid, p->partuuid, sizeof(v->partuuid));
}

static int add_partition(void *arg, const struct gb_part *p)
{
	struct add_ctx *a = arg;
	struct gb_volume *v;
	int r = new_volume(a->ctx, a->img, &v);
	if (r)
		return r;
	v->src = a->disk->src;
	v->info.disk = a->disk->info.disk;
	v->start = a->disk->start + p->start;
	v->disk_off = p->start;
	v->size = p->size;
	v->container = p->container;
	if (p->container)
		snprintf(v->container_kind, sizeof(v->container_kind),
			 "extended partition (a container of logical partitions)");
	v->info.number = p->number;
	copy_part(v, p);
	if (v->info.disk) {
		snprintf(v->id, sizeof(v->id), "hd%d,%d", v->info.disk, p->number);
		snprintf(v->stack, sizeof(v->stack), "disk %d partition %d", v->info.disk, p->number);
		return 0;
	}
	snprintf(v->id, sizeof(v->id), "%d", p->number);
	snprintf(v->stack, sizeof(v->stack), "partition %d", p->number);
	return 0;
}

/* A BSD or VTOC slice, numbered after the MBR's partitions as Linux does. */
static int add_slice(void *arg, const struct gb_part *p)
{
	struct add_ctx *a = arg;
	struct gb_volume *v;
	int r = new_volume(a->ctx, a->img, &v);
	if (!r)
		r = set_window(a->ctx, v, a->parent, p->start, p->size);
	if (r)
		return r;
	v->info.number = a->nest->next_number++;
	copy_part(v, p);
	v->slice = p->slice;
	v->scheme = a->scheme;
	snprintf(v->id, sizeof(v->id), "%d", v->info.number);
	snprintf(v->stack, sizeof(v->stack), "%s > slice %s (partition %d)",
		 a->parent->stack, p->name, v->info.number);
	return 0;
}

/* Record trouble with a container's metadata on the container itself:
 * the rest of the image stays readable, and using the container says why. */
static int container_note(struct gb_ctx *ctx, struct gb_volume *v, const char *kind,
			  struct gb_ctx *why, int r)
{
	if (r == GB_E_NOMEM)
		return gb_error(ctx, r, "out of memory");
	v->container = true;
	snprintf(v->container_kind, sizeof(v->container_kind), "%s (%s)", kind, why->msg);
	return 0;
}

/* BSD disklabels and Solaris VTOCs in MBR partitions of their types. */
static int scan_slices(struct gb_ctx *ctx, struct gb_image *img, struct nest *nest)
{
	size_t n = img->nvols;
	for (size_t i = 0; i < n; i++) {
		struct gb_volume *v = img->vols[i];
		/* slices of the first disk's MBR (numbered after its partitions) */
		if (img->table != &gb_vol_mbr || v->container || v->info.disk)
			continue;
		const struct gb_volume_driver *drv = NULL;
		if (!strcmp(v->type, "0xa5") || !strcmp(v->type, "0xa6") || !strcmp(v->type, "0xa9"))
			drv = &gb_vol_bsd;
		else if (!strcmp(v->type, "0xbf") || !strcmp(v->type, "0x82"))
			drv = &gb_vol_vtoc; /* 0x82 is also Linux swap: the probe decides */
		if (!drv)
			continue;
		struct add_ctx a = { ctx, img, nest, NULL, v, drv->scheme };
		struct gb_ctx quiet = { 0 };
		size_t before = img->nvols;
		int r = drv->enumerate(&quiet, v, add_slice, &a);
		if (r == GB_E_NOT_MINE)
			continue;
		if (r && (r = container_note(ctx, v, drv->label, &quiet, r)))
			return r;
		if (img->nvols > before || !v->container) {
			v->container = true;
			if (!v->container_kind[0])
				snprintf(v->container_kind, sizeof(v->container_kind),
					 "%s slice (holds a %s)", drv == &gb_vol_bsd ? "BSD" : "Solaris",
					 drv->label);
		}
	}
	return 0;
}

/* Probe one volume for an md superblock, then an LVM label. */
static int probe_container(struct gb_ctx *ctx, struct gb_volume *v, struct nest *nest)
{
	struct gb_ctx quiet = { 0 };
	/* One slot per volume probed, and volumes are bounded: checked here
	 * all the same, where the slots are taken. */
	if (nest->nmd >= sizeof(nest->md) / sizeof(nest->md[0]) ||
	    nest->npv >= sizeof(nest->pv) / sizeof(nest->pv[0]))
		return gb_error(ctx, GB_E_LIMIT, "more than %d md members or LVM PVs", GB_MAX_VOLUMES);
	struct md_found *md = &nest->md[nest->nmd];
	int r = gb_md_probe(&quiet, v, &md->m);
	if (r == 0) {
		md->vol = v;
		nest->nmd++;
		v->container = true;
		snprintf(v->container_kind, sizeof(v->container_kind), "md member (%s)",
			 md->m.version);
		return 0;
	}
	if (r != GB_E_NOT_MINE)
		return container_note(ctx, v, "md member", &quiet, r);
	struct gb_lvm_pv *pv = &nest->pv[nest->npv];
	r = gb_lvm_probe(&quiet, v, pv);
	if (r == GB_E_NOT_MINE)
		return 0;
	if (r) {
		gb_lvm_pv_free(pv);
		return container_note(ctx, v, "LVM physical volume", &quiet, r);
	}
	nest->npv++;
	v->container = true;
	if (pv->meta_err[0])
		snprintf(v->container_kind, sizeof(v->container_kind), "LVM physical volume (%s)",
			 pv->meta_err);
	else
		snprintf(v->container_kind, sizeof(v->container_kind), "LVM physical volume");
	return 0;
}

/* An array over the first member of each set (RAID1 members hold the
 * same data; a degraded array is fine). */
static int assemble_md(struct gb_ctx *ctx, struct gb_image *img, struct nest *nest)
{
	for (size_t i = 0; i < nest->nmd; i++) {
		struct md_found *f = &nest->md[i];
		if (f->used)
			continue;
		for (size_t j = i; j < nest->nmd; j++)
			if (!memcmp(nest->md[j].m.uuid, f->m.uuid, 16))
				nest->md[j].used = true;
		struct gb_volume *v;
		int r = new_volume(ctx, img, &v);
		if (r)
			return r;
		v->info.number = -1;
		v->scheme = "md";
		snprintf(v->id, sizeof(v->id), "md/%s", f->m.name);
		/* /dev/md0 for 0.90 (GRUB: md/md0), the set name for 1.x. */
		snprintf(v->name, sizeof(v->name), "%s%s",
			 strcmp(f->m.version, "0.90") ? "" : "md", f->m.name);
		snprintf(v->type, sizeof(v->type), "raid%d", f->m.level);
		snprintf(v->stack, sizeof(v->stack), "%s > %s", f->vol->stack, v->id);
		if (f->m.level != 1) {
			v->parent = f->vol;
			v->src = f->vol->src;
			v->info.disk = f->vol->info.disk;
			v->depth = f->vol->depth + 1;
			v->err_code = GB_E_UNSUPPORTED;
			snprintf(v->err, sizeof(v->err),
				 "RAID level %d is not supported (only RAID1)", f->m.level);
			continue;
		}
		if ((r = set_window(ctx, v, f->vol, f->m.data_offset, f->m.data_size)))
			return r;
	}
	return 0;
}

struct lv_ctx {
	struct gb_ctx *ctx;
	struct gb_image *img;
	struct gb_volume *pv; /* the PV whose VG is being assembled */
};

/* "partition 1 + partition 2" for the PVs an LV lies on. */
static void lv_stack(struct gb_volume *v, const struct gb_lvm_lv *lv, struct gb_volume *pv)
{
	const struct gb_volume *seen[GB_VOL_MAX_STRIPES * 2];
	size_t nseen = 0, len = 0;
	v->stack[0] = '\0';
	for (size_t s = 0; s < lv->nsegs; s++)
		for (uint32_t k = 0; k < lv->segs[s].nstripes; k++) {
			const struct gb_volume *d = lv->segs[s].stripe[k].dev;
			bool dup = false;
			for (size_t i = 0; i < nseen; i++)
				dup |= seen[i] == d;
			if (dup || nseen == sizeof(seen) / sizeof(*seen))
				continue;
			seen[nseen++] = d;
			len += (size_t)snprintf(v->stack + len, sizeof(v->stack) - len, "%s%s",
						len ? " + " : "", d->stack);
			if (len >= sizeof(v->stack))
				len = sizeof(v->stack) - 1;
		}
	if (!nseen)
		len = (size_t)snprintf(v->stack, sizeof(v->stack), "%s", pv->stack);
	if (len < sizeof(v->stack))
		snprintf(v->stack + len, sizeof(v->stack) - len, " > %s", v->id);
}

static int add_lv(void *arg, struct gb_lvm_lv *lv)
{
	struct lv_ctx *a = arg;
	struct gb_volume *v;
	int r = new_volume(a->ctx, a->img, &v);
	if (r) {
		free(lv->segs);
		return r;
	}
	v->info.number = -1;
	v->scheme = "lvm";
	v->segs = lv->segs;
	v->nsegs = lv->nsegs;
	v->size = lv->size;
	v->err_code = lv->err_code;
	snprintf(v->err, sizeof(v->err), "%s", lv->err);
	if (!v->err_code)
		v->err[0] = '\0';
	snprintf(v->id, sizeof(v->id), "lvm/%s/%s", lv->vg, lv->lv);
	snprintf(v->name, sizeof(v->name), "%s/%s", lv->vg, lv->lv);
	bool striped = false;
	int depth = a->pv->depth;
	for (size_t s = 0; s < lv->nsegs; s++) {
		striped |= lv->segs[s].nstripes > 1;
		for (uint32_t k = 0; k < lv->segs[s].nstripes; k++)
			if (lv->segs[s].stripe[k].dev->depth > depth)
				depth = lv->segs[s].stripe[k].dev->depth;
	}
	snprintf(v->type, sizeof(v->type), "%s", lv->err_code ? "" : striped ? "striped" : "linear");
	v->depth = depth + 1;
	v->parent = lv->nsegs ? lv->segs[0].stripe[0].dev : a->pv;
	v->src = v->parent->src;
	v->info.disk = v->parent->info.disk;
	if (lv->nsegs && !v->parent->segs)
		v->start = v->parent->start + lv->segs[0].stripe[0].off;
	lv_stack(v, lv, a->pv);
	return 0;
}

static int assemble_lvm(struct gb_ctx *ctx, struct gb_image *img, struct nest *nest)
{
	for (size_t i = 0; i < nest->npv; i++) {
		if (nest->pv[i].used)
			continue;
		struct lv_ctx a = { ctx, img, nest->pv[i].vol };
		struct gb_ctx quiet = { 0 };
		int r = gb_lvm_assemble(&quiet, nest->pv, nest->npv, i, add_lv, &a);
		if (r && (r = container_note(ctx, nest->pv[i].vol, "LVM physical volume whose metadata cannot be used",
					     &quiet, r)))
			return r;
	}
	return 0;
}

/* Containers inside volumes, round by round: probe the volumes not yet
 * probed, assemble md arrays (whose contents are probed next round before
 * any VG is assembled, as PVs often live on arrays), then VGs. Rounds and
 * volumes are bounded by GB_VOL_MAX_DEPTH and GB_MAX_VOLUMES. */
static int scan_containers(struct gb_ctx *ctx, struct gb_image *img, struct nest *nest)
{
	size_t probed = 0;
	for (int round = 0; round <= 2 * GB_VOL_MAX_DEPTH; round++) {
		for (; probed < img->nvols; probed++) {
			struct gb_volume *v = img->vols[probed];
			if (v->container || v->err_code || v->depth >= GB_VOL_MAX_DEPTH)
				continue;
			int r = probe_container(ctx, v, nest);
			if (r)
				return r;
		}
		size_t before = img->nvols;
		int r = assemble_md(ctx, img, nest);
		if (!r && img->nvols == before)
			r = assemble_lvm(ctx, img, nest);
		if (r)
			return r;
		if (img->nvols == before)
			return 0;
	}
	return 0;
}

/* A hybrid ISO (isohybrid, xorriso -isohybrid-mbr or -isohybrid-gpt-*)
 * carries a partition table for USB firmware and an ISO9660 file system
 * across the whole disk, as blkid reports it. The partitions are views for
 * the firmware; the ISO is what the guest boots from. So when a table was
 * found, the whole disk is probed with the tolerant drivers only (ISO9660:
 * its signature at 32 KiB leaves the table alone) and, when one matches,
 * the disk becomes volume 0, listed first and chosen when no volume is
 * named. Nothing changes for disks without such a signature. */
static int add_hybrid_disk(struct gb_ctx *ctx, struct gb_image *img)
{
	struct gb_volume *d = &img->disk;
	size_t mark = gb_vol_scope(ctx, d);
	int r = gb_fs_probe_tolerant(ctx, d);
	gb_scope_pop(ctx, mark);
	if (r || !d->fs_driver)
		return r;
	if (img->nvols == GB_MAX_VOLUMES)
		return gb_error(ctx, GB_E_LIMIT, "more than %d partitions", GB_MAX_VOLUMES);
	memmove(img->vols + 1, img->vols, img->nvols * sizeof(img->vols[0]));
	img->vols[0] = d;
	img->nvols++;
	img->hybrid = true;
	return 0;
}

/* Further disk i (disk i + 1): its partitions join the image's volumes
 * (ids "hd1,2"), or the whole disk ("hd1") when it has no table. */
static int add_disk(struct gb_ctx *ctx, struct gb_image *img, struct nest *nest, size_t i)
{
	struct gb_volume *d = calloc(1, sizeof(*d));
	if (!d)
		return gb_error(ctx, GB_E_NOMEM, "out of memory");
	img->xdisk[i] = d;
	d->img = img;
	d->src = img->xsrc[i];
	d->size = d->src->size;
	d->slice = -1;
	d->sector_size = img->disk.sector_size;
	d->info.disk = (int)i + 1;
	snprintf(d->id, sizeof(d->id), "hd%zu", i + 1);
	snprintf(d->stack, sizeof(d->stack), "disk %zu", i + 1);
	const struct gb_volume_driver *table = NULL;
	struct add_ctx a = { ctx, img, nest, d, NULL, NULL };
	size_t mark = gb_scope_push(ctx, "%s", d->src->name);
	int r = gb_volume_scan(ctx, d, &table, add_partition, &a);
	gb_scope_pop(ctx, mark);
	if (r)
		return r;
	d->scheme = table ? table->scheme : "disk";
	if (!table) {
		if (img->nvols == GB_MAX_VOLUMES)
			return gb_error(ctx, GB_E_LIMIT, "more than %d volumes", GB_MAX_VOLUMES);
		img->vols[img->nvols++] = d;
	} else {
		for (size_t k = 0; k < img->nvols; k++)
			if (img->vols[k]->info.disk == d->info.disk && !img->vols[k]->scheme)
				img->vols[k]->scheme = table->scheme;
	}
	return 0;
}

static int image_init(struct gb_ctx *ctx, struct gb_image *img,
		      const struct gb_image_options *opt, struct nest *nest)
{
	struct gb_volume *d = &img->disk;
	d->img = img;
	d->src = img->src;
	d->start = 0;
	d->size = img->src->size;
	d->slice = -1;
	d->sector_size = opt ? opt->sector_size : 0;
	if (d->sector_size && d->sector_size != 512 && d->sector_size != 4096)
		return gb_error(ctx, GB_E_USAGE, "sector size must be 512 or 4096");
	snprintf(d->id, sizeof(d->id), "0");
	snprintf(d->stack, sizeof(d->stack), "disk");

	const struct gb_volume_driver *table = NULL;
	struct add_ctx a = { ctx, img, nest, d, NULL, NULL };
	int r = gb_volume_scan(ctx, d, &table, add_partition, &a);
	if (r)
		return r;
	if (!d->sector_size)
		d->sector_size = 512;
	img->table = table;
	if (!table)
		img->vols[img->nvols++] = d;
	for (size_t i = 0; i < img->nxdisks; i++)
		if ((r = add_disk(ctx, img, nest, i)))
			return r;
	nest->next_number = 5;
	for (size_t i = 0; i < img->nvols; i++)
		if (img->vols[i]->info.number >= nest->next_number)
			nest->next_number = img->vols[i]->info.number + 1;
	if ((r = scan_slices(ctx, img, nest)) || (r = scan_containers(ctx, img, nest)))
		return r;
	/* after the containers: a hybrid ISO disk is no md or LVM member */
	if (table && (r = add_hybrid_disk(ctx, img)))
		return r;
	publish(img, d, "disk");
	for (size_t i = 0; i < img->nvols; i++) {
		struct gb_volume *v = img->vols[i];
		const char *scheme = v == d ? "disk" : v->scheme ? v->scheme : table->scheme;
		if (v->info.disk && v->info.number == 0)
			scheme = "disk";
		publish(img, v, scheme);
		if (v->container || v->err_code || (v == d && img->hybrid))
			continue;
		size_t mark = gb_vol_scope(ctx, v);
		r = gb_fs_probe_volume(ctx, v);
		gb_scope_pop(ctx, mark);
		if (r)
			return r;
	}
	return 0;
}

/* Image formats' magics at the start of a disk (qemu's probes), so that
 * doctor and inspect can say when a raw disk holds one: a guest that
 * writes a qcow2 header into its raw disk must not have it read as qcow2
 * where the format is probed. */
static const char *foreign_magic(struct gb_image *img)
{
	static const struct {
		const char *name;
		size_t off;
		const char *magic;
		size_t len;
	} magics[] = {
		{ "qcow2", 0, "QFI\xfb", 4 },
		{ "qed", 0, "QED\0", 4 },
		{ "vmdk", 0, "KDMV", 4 },
		{ "vmdk", 0, "# Disk DescriptorFile", 21 },
		{ "vhdx", 0, "vhdxfile", 8 },
		{ "vpc", 0, "conectix", 8 },
		{ "vdi", 64, "\x7f\x10\xda\xbe", 4 },
		{ "parallels", 0, "WithoutFreeSpace", 16 },
		{ "parallels", 0, "WithouFreSpacExt", 16 },
	};
	unsigned char head[128];
	struct gb_ctx quiet = { 0 };
	if (img->table || strcmp(gb_image_format(img), "raw") ||
	    gb_source_read(&quiet, img->src, 0, head, sizeof(head)))
		return NULL;
	for (size_t i = 0; i < sizeof(magics) / sizeof(magics[0]); i++)
		if (!memcmp(head + magics[i].off, magics[i].magic, magics[i].len))
			return magics[i].name;
	return NULL;
}

/* Owns src and xsrc[0..nx) (further disks), also on failure. */
static int image_open(struct gb_ctx *ctx, struct gb_source *src, struct gb_source **xsrc,
		      size_t nx, const struct gb_image_options *opt, struct gb_image **out)
{
	struct gb_image *img = calloc(1, sizeof(*img));
	if (!img) {
		gb_source_close(src);
		for (size_t i = 0; i < nx; i++)
			gb_source_close(xsrc[i]);
		return gb_error(ctx, GB_E_NOMEM, "out of memory");
	}
	img->src = src;
	for (size_t i = 0; i < nx; i++)
		img->xsrc[i] = xsrc[i];
	img->nxdisks = nx;
	img->name = strdup(src->name);
	if (!img->name) {
		gb_image_close(img);
		return gb_error(ctx, GB_E_NOMEM, "out of memory");
	}
	src->name = img->name;
	size_t mark = gb_scope_push(ctx, "%s", img->name);
	/* opt->before_parse ran in the source layer, once every file was
	 * open and before the first byte was parsed. */
	int r = 0;
	struct nest *nest = calloc(1, sizeof(*nest));
	if (!nest)
		r = gb_error(ctx, GB_E_NOMEM, "out of memory");
	if (!r)
		r = image_init(ctx, img, opt, nest);
	for (size_t i = 0; nest && i < nest->npv; i++)
		gb_lvm_pv_free(&nest->pv[i]);
	free(nest);
	gb_scope_pop(ctx, mark);
	if (r) {
		gb_image_close(img);
		return r;
	}
	img->format_probed = !opt || !opt->format;
	img->foreign = foreign_magic(img);
	*out = img;
	return 0;
}

int gb_image_open(struct gb_ctx *ctx, const char *path,
		  const struct gb_image_options *caller_opt, struct gb_image **out)
{
	struct gb_image_options o, *opt = &o;
	int r = GB_ABI_IN(ctx, &o, caller_opt);
	if (r)
		return r;
	struct gb_source *src[GB_MAX_DISKS];
	size_t nx = opt->ndisks;
	size_t mark = gb_scope_push(ctx, "%s", path);
	r = nx ? gb_source_open_disks(ctx, path, opt, src) :
		     gb_source_open_image(ctx, path, opt, src);
	gb_scope_pop(ctx, mark);
	if (r)
		return r;
	return image_open(ctx, src[0], src + 1, nx, opt, out);
}

int gb_image_open_mem(struct gb_ctx *ctx, const char *name, const void *data,
		      size_t size, const struct gb_image_options *caller_opt,
		      struct gb_image **out)
{
	struct gb_image_options o, *opt = &o;
	int r = GB_ABI_IN(ctx, &o, caller_opt);
	if (r)
		return r;
	struct gb_source *src;
	size_t mark = gb_scope_push(ctx, "%s", name);
	r = gb_source_open_image_mem(ctx, name, data, size, opt, &src);
	gb_scope_pop(ctx, mark);
	if (r)
		return r;
	if (opt && opt->ndisks) {
		gb_source_close(src);
		return gb_error(ctx, GB_E_USAGE, "further disks for an image in memory");
	}
	return image_open(ctx, src, NULL, 0, opt, out);
}

void gb_image_close(struct gb_image *img)
{
	if (!img)
		return;
	for (size_t i = 0; i < img->nvols; i++) {
		gb_fs_umount(img->vols[i]->fs);
		free(img->vols[i]->segs);
		if (img->vols[i] != &img->disk)
			free(img->vols[i]);
	}
	for (size_t i = 0; i < img->nxdisks; i++) {
		bool listed = false;
		for (size_t k = 0; k < img->nvols; k++)
			listed |= img->vols[k] == img->xdisk[i];
		if (!listed)
			free(img->xdisk[i]);
		gb_source_close(img->xsrc[i]);
	}
	gb_source_close(img->src);
	free(img->name);
	free(img);
}

const char *gb_image_name(const struct gb_image *img)
{
	return img->name;
}

const char *gb_image_format(const struct gb_image *img)
{
	return img->src->format ? img->src->format : "raw";
}

bool gb_image_format_probed(const struct gb_image *img)
{
	return img->format_probed;
}

const char *gb_image_foreign_magic(const struct gb_image *img)
{
	return img->foreign;
}

const char *gb_image_table(const struct gb_image *img)
{
	return img->table ? img->table->name : "";
}

size_t gb_image_volume_count(const struct gb_image *img)
{
	return img->nvols;
}

struct gb_volume *gb_image_volume(struct gb_image *img, size_t i)
{
	return i < img->nvols ? img->vols[i] : NULL;
}

const struct gb_volume_info *gb_volume_info(const struct gb_volume *vol)
{
	return &vol->info;
}

static bool spec_matches(const struct gb_volume *v, const char *key, const char *val)
{
	if (!strcmp(key, "UUID"))
		return v->fs_uuid[0] && !strcasecmp(v->fs_uuid, val);
	if (!strcmp(key, "LABEL"))
		return v->fs_label[0] && !strcmp(v->fs_label, val);
	if (!strcmp(key, "PARTUUID"))
		return v->partuuid[0] && !strcasecmp(v->partuuid, val);
	return false;
}

/* Is vols[i] a member of a ZFS pool an earlier volume belongs to too (the
 * pool is one file system, named by its first member)? */
static bool pool_member_seen(const struct gb_image *img, size_t i)
{
	const struct gb_volume *v = img->vols[i];
	if (strcmp(v->fstype, "zfs_member") || !v->fs_uuid[0])
		return false;
	for (size_t k = 0; k < i; k++)
		if (img->vols[k]->fs_driver && !strcmp(img->vols[k]->fstype, "zfs_member") &&
		    !strcmp(img->vols[k]->fs_uuid, v->fs_uuid))
			return true;
	return false;
}

int gb_image_find_volume(struct gb_ctx *ctx, struct gb_image *img,
			 const char *spec, struct gb_volume **out)
{
	size_t mark = gb_scope_push(ctx, "%s", img->name);
	int r = 0;
	struct gb_volume *found = NULL;

	if ((!spec || !*spec) && img->hybrid) {
		found = &img->disk; /* the ISO, not the views the table gives */
	} else if (!spec || !*spec) {
		size_t n = 0;
		for (size_t i = 0; i < img->nvols; i++)
			if (img->vols[i]->fs_driver && !pool_member_seen(img, i)) {
				if (!found)
					found = img->vols[i];
				n++;
			}
		if (n == 0)
			r = gb_error(ctx, GB_E_NOT_FOUND, "no volume with a file system guestboot reads");
		else if (n > 1)
			r = gb_error(ctx, GB_E_AMBIGUOUS,
				     "%zu volumes have file systems: name one (a partition number, UUID=…, LABEL=…)", n);
	} else if (!strncmp(spec, "lvm/", 4) || !strncmp(spec, "md/", 3) ||
		   (!strncmp(spec, "hd", 2) && spec[2] >= '0' && spec[2] <= '9')) {
		for (size_t i = 0; i < img->nvols && !found; i++)
			if (!strcmp(img->vols[i]->id, spec))
				found = img->vols[i];
		if (!found)
			r = gb_error(ctx, GB_E_NOT_FOUND, "no volume %s", spec);
	} else if (spec[0] >= '0' && spec[0] <= '9') {
		char *end;
		long num = strtol(spec, &end, 10);
		if (*end || num < 0 || num > GB_MAX_VOLUMES) {
			r = gb_error(ctx, GB_E_USAGE, "bad volume '%s'", spec);
		} else if (num == 0) {
			if (img->table && !img->hybrid)
				r = gb_error(ctx, GB_E_NOT_FOUND,
					     "volume 0 (whole disk): the disk has a partition table (%s)",
					     img->table->label);
			else
				found = &img->disk;
		} else {
			for (size_t i = 0; i < img->nvols; i++)
				if (img->vols[i]->info.number == num && !img->vols[i]->info.disk)
					found = img->vols[i];
			if (!found)
				r = gb_error(ctx, GB_E_NOT_FOUND, "no partition %ld", num);
		}
	} else {
		const char *eq = strchr(spec, '=');
		char key[16];
		if (!eq || (size_t)(eq - spec) >= sizeof(key)) {
			r = gb_error(ctx, GB_E_USAGE,
				     "bad volume '%s' (use a number, hdN or hdN,M, lvm/VG/LV, md/N, UUID=, LABEL= or PARTUUID=)", spec);
		} else {
			memcpy(key, spec, (size_t)(eq - spec));
			key[eq - spec] = '\0';
			if (strcmp(key, "UUID") && strcmp(key, "LABEL") && strcmp(key, "PARTUUID")) {
				r = gb_error(ctx, GB_E_USAGE,
					     "bad volume '%s' (use a number, hdN or hdN,M, lvm/VG/LV, md/N, UUID=, LABEL= or PARTUUID=)", spec);
			} else {
				size_t n = 0;
				/* A hybrid's partition 1 often spans the same ISO
				 * (same UUID and label): the disk is the answer. */
				if (img->hybrid && spec_matches(&img->disk, key, eq + 1)) {
					found = &img->disk;
					n = 1;
				}
				for (size_t i = 0; i < img->nvols && !found; i++)
					if (spec_matches(img->vols[i], key, eq + 1)) {
						found = img->vols[i];
						n++;
					}
				if (n == 0)
					r = gb_error(ctx, GB_E_NOT_FOUND, "no volume with %s", spec);
				else if (n > 1)
					r = gb_error(ctx, GB_E_AMBIGUOUS, "%zu volumes with %s", n, spec);
			}
		}
	}
	gb_scope_pop(ctx, mark);
	if (r == 0)
		*out = found;
	return r;
}
