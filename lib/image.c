/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* An image's lifecycle: its sources opened, the partition tables found on
 * them, the volumes inside (lib/volume: nested labels, md and LVM) and
 * each volume probed for a file system; the public accessors; close. */
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
	struct gb_vol_list list; /* every volume, in the order found */
	/* gb_image_options.probe_formats: formats never probed, and those
	 * that make an allow-list of their layer (volume, file system) */
	struct probe_rule {
		char name[16];
		bool deny;
	} rules[32];
	size_t nrules;
	bool allow_list[2];
	char not_probed[200]; /* "disabled formats, not probed: ufs, zfs" */
};

struct gb_work *gb_image_work(struct gb_image *img)
{
	return &img->src->work;
}

/* 0: a volume format, 1: a file system, -1: neither. */
static int format_layer(const char *name)
{
	const char *n;
	for (size_t i = 0; (n = gb_vol_format_name(i)); i++)
		if (!strcmp(n, name))
			return 0;
	for (size_t i = 0; (n = gb_fs_format_name(i)); i++)
		if (!strcmp(n, name))
			return 1;
	return -1;
}

bool gb_image_probes(const struct gb_image *img, const char *name)
{
	if (!img || !img->nrules)
		return true;
	bool listed = false;
	for (size_t i = 0; i < img->nrules; i++)
		if (!strcmp(img->rules[i].name, name)) {
			if (img->rules[i].deny)
				return false;
			listed = true;
		}
	int layer = format_layer(name);
	return listed || layer < 0 || !img->allow_list[layer];
}

const char *gb_image_not_probed(const struct gb_image *img)
{
	return img ? img->not_probed : "";
}

const char *gb_image_read_error(const struct gb_image *img)
{
	const char *e = img ? gb_source_read_error(img->src) : NULL;
	for (size_t i = 0; img && !e && i < img->nxdisks; i++)
		e = gb_source_read_error(img->xsrc[i]);
	return e;
}

/* Every known format's name, in messages: "gpt, mbr, ..., zfs". */
static void format_names(char *out, size_t cap)
{
	const char *n;
	size_t len = 0;
	out[0] = '\0';
	for (size_t layer = 0; layer < 2; layer++)
		for (size_t i = 0; (n = layer ? gb_fs_format_name(i) : gb_vol_format_name(i)) &&
				   len < cap; i++)
			len += (size_t)snprintf(out + len, cap - len, "%s%s", len ? ", " : "", n);
}

/* Take gb_image_options.probe_formats ("-zfs,-ufs", "ext,xfs"). */
static int set_probe_formats(struct gb_ctx *ctx, struct gb_image *img, const char *list)
{
	char known[200];
	for (const char *p = list; p && *p;) {
		size_t len = strcspn(p, ",");
		bool deny = *p == '-';
		struct probe_rule *rule = &img->rules[img->nrules];
		int layer = -1;
		if (img->nrules == sizeof(img->rules) / sizeof(img->rules[0]))
			return gb_error(ctx, GB_E_USAGE, "probe formats: more than %zu names",
					sizeof(img->rules) / sizeof(img->rules[0]));
		if (gb_copy_str(rule->name, sizeof(rule->name), p + deny, len - deny))
			layer = format_layer(rule->name);
		if (layer < 0) {
			format_names(known, sizeof(known));
			return gb_error(ctx, GB_E_USAGE,
					"probe formats: '%.*s' is not a format (a list of NAME or -NAME, NAME one of %s)",
					(int)(len > 40 ? 40 : len), p, known);
		}
		rule->deny = deny;
		img->allow_list[layer] |= !deny;
		img->nrules++;
		p += len + (p[len] == ',');
	}
	const char *n;
	size_t len = 0;
	for (size_t layer = 0; layer < 2; layer++)
		for (size_t i = 0; (n = layer ? gb_fs_format_name(i) : gb_vol_format_name(i)) &&
				   len < sizeof(img->not_probed); i++)
			if (!gb_image_probes(img, n))
				len += (size_t)snprintf(img->not_probed + len, sizeof(img->not_probed) - len,
							"%s%s", len ? ", " : "disabled formats, not probed: ", n);
	return 0;
}

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
	for (size_t i = 0; v->parent && i < img->list.n; i++)
		if (img->list.vols[i] == v->parent)
			v->info.parent = (int)i;
}

struct add_ctx {
	struct gb_ctx *ctx;
	struct gb_image *img;
	struct gb_volume *disk; /* the disk whose table it is */
};

static int add_partition(void *arg, const struct gb_part *p)
{
	struct add_ctx *a = arg;
	struct gb_volume *v;
	int r = gb_vol_add(a->ctx, &a->img->list, &v);
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
	v->info.bootable = p->bootable;
	v->info.logical = p->logical;
	memcpy(v->type, p->type, sizeof(v->type));
	memcpy(v->name, p->name, sizeof(v->name));
	memcpy(v->partuuid, p->partuuid, sizeof(v->partuuid));
	if (v->info.disk) {
		snprintf(v->id, sizeof(v->id), "hd%d,%d", v->info.disk, p->number);
		snprintf(v->stack, sizeof(v->stack), "disk %d partition %d", v->info.disk, p->number);
		return 0;
	}
	snprintf(v->id, sizeof(v->id), "%d", p->number);
	snprintf(v->stack, sizeof(v->stack), "partition %d", p->number);
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
	if (img->list.n == GB_MAX_VOLUMES)
		return gb_error(ctx, GB_E_LIMIT, "more than %d partitions", GB_MAX_VOLUMES);
	memmove(img->list.vols + 1, img->list.vols, img->list.n * sizeof(img->list.vols[0]));
	img->list.vols[0] = d;
	img->list.n++;
	img->hybrid = true;
	return 0;
}

/* Further disk i (disk i + 1): its partitions join the image's volumes
 * (ids "hd1,2"), or the whole disk ("hd1") when it has no table. */
static int add_disk(struct gb_ctx *ctx, struct gb_image *img, size_t i)
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
	struct add_ctx a = { ctx, img, d };
	size_t mark = gb_scope_push(ctx, "%s", d->src->name);
	int r = gb_volume_scan(ctx, d, &table, add_partition, &a);
	gb_scope_pop(ctx, mark);
	if (r)
		return r;
	d->scheme = table ? table->scheme : "disk";
	if (!table) {
		if (img->list.n == GB_MAX_VOLUMES)
			return gb_error(ctx, GB_E_LIMIT, "more than %d volumes", GB_MAX_VOLUMES);
		img->list.vols[img->list.n++] = d;
	} else {
		for (size_t k = 0; k < img->list.n; k++)
			if (img->list.vols[k]->info.disk == d->info.disk && !img->list.vols[k]->scheme)
				img->list.vols[k]->scheme = table->scheme;
	}
	return 0;
}

/* The image's disks and the partitions of their tables. */
static int find_partitions(struct gb_ctx *ctx, struct gb_image *img,
			   const struct gb_image_options *opt)
{
	struct gb_volume *d = &img->disk;
	img->list.img = img;
	img->list.disk = d;
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
	struct add_ctx a = { ctx, img, d };
	int r = gb_volume_scan(ctx, d, &table, add_partition, &a);
	if (r)
		return r;
	if (!d->sector_size)
		d->sector_size = 512;
	img->table = table;
	if (!table)
		img->list.vols[img->list.n++] = d;
	for (size_t i = 0; i < img->nxdisks; i++)
		if ((r = add_disk(ctx, img, i)))
			return r;
	return 0;
}

/* Every volume's public view, and its file system. */
static int probe_file_systems(struct gb_ctx *ctx, struct gb_image *img)
{
	struct gb_volume *d = &img->disk;
	publish(img, d, "disk");
	for (size_t i = 0; i < img->list.n; i++) {
		struct gb_volume *v = img->list.vols[i];
		const char *scheme = v == d ? "disk" : v->scheme ? v->scheme : img->table->scheme;
		if (v->info.disk && v->info.number == 0)
			scheme = "disk";
		publish(img, v, scheme);
		if (v->container || v->err_code || (v == d && img->hybrid))
			continue;
		size_t mark = gb_vol_scope(ctx, v);
		int r = gb_fs_probe_volume(ctx, v);
		gb_scope_pop(ctx, mark);
		if (r)
			return r;
	}
	return 0;
}

/* Partitions, the labels and containers inside them, file systems. */
static int image_init(struct gb_ctx *ctx, struct gb_image *img,
		      const struct gb_image_options *opt)
{
	int r = find_partitions(ctx, img, opt);
	if (!r)
		r = gb_vol_scan_nested(ctx, &img->list, img->table);
	if (!r)
		r = gb_vol_assemble(ctx, &img->list);
	/* after the containers: a hybrid ISO disk is no md or LVM member */
	if (!r && img->table)
		r = add_hybrid_disk(ctx, img);
	if (!r)
		r = probe_file_systems(ctx, img);
	return r;
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
	int r = set_probe_formats(ctx, img, opt ? opt->probe_formats : NULL);
	if (!r)
		r = image_init(ctx, img, opt);
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
	for (size_t i = 0; i < img->list.n; i++) {
		gb_fs_umount(img->list.vols[i]->fs);
		free(img->list.vols[i]->segs);
		if (img->list.vols[i] != &img->disk)
			free(img->list.vols[i]);
	}
	for (size_t i = 0; i < img->nxdisks; i++) {
		bool listed = false;
		for (size_t k = 0; k < img->list.n; k++)
			listed |= img->list.vols[k] == img->xdisk[i];
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
	return img->list.n;
}

struct gb_volume *gb_image_volume(struct gb_image *img, size_t i)
{
	return i < img->list.n ? img->list.vols[i] : NULL;
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
	const struct gb_volume *v = img->list.vols[i];
	if (strcmp(v->fstype, "zfs_member") || !v->fs_uuid[0])
		return false;
	for (size_t k = 0; k < i; k++)
		if (img->list.vols[k]->fs_driver && !strcmp(img->list.vols[k]->fstype, "zfs_member") &&
		    !strcmp(img->list.vols[k]->fs_uuid, v->fs_uuid))
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
		for (size_t i = 0; i < img->list.n; i++)
			if (img->list.vols[i]->fs_driver && !pool_member_seen(img, i)) {
				if (!found)
					found = img->list.vols[i];
				n++;
			}
		if (n == 0)
			r = gb_error(ctx, GB_E_NOT_FOUND, "no volume with a file system guestboot reads%s%s%s",
				     img->not_probed[0] ? " (" : "", img->not_probed,
				     img->not_probed[0] ? ")" : "");
		else if (n > 1)
			r = gb_error(ctx, GB_E_AMBIGUOUS,
				     "%zu volumes have file systems: name one (a partition number, UUID=…, LABEL=…)", n);
	} else if (!strncmp(spec, "lvm/", 4) || !strncmp(spec, "md/", 3) ||
		   (!strncmp(spec, "hd", 2) && spec[2] >= '0' && spec[2] <= '9')) {
		for (size_t i = 0; i < img->list.n && !found; i++)
			if (!strcmp(img->list.vols[i]->id, spec))
				found = img->list.vols[i];
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
			for (size_t i = 0; i < img->list.n; i++)
				if (img->list.vols[i]->info.number == num && !img->list.vols[i]->info.disk)
					found = img->list.vols[i];
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
				for (size_t i = 0; i < img->list.n && !found; i++)
					if (spec_matches(img->list.vols[i], key, eq + 1)) {
						found = img->list.vols[i];
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
