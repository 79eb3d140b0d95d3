/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* An image: its source, the partition table found on it, and a volume per
 * partition (or one for the whole disk), each probed for a file system. */
#include "fs/fs.h"
#include "source/source.h"
#include "volume/volume.h"

#include <stdio.h>
#include <stdlib.h>

struct gb_image {
	struct gb_source *src;
	char *name;
	const struct gb_volume_driver *table; /* NULL: no partition table */
	struct gb_volume disk; /* the whole disk, number 0 */
	struct gb_volume *vols[GB_MAX_VOLUMES];
	size_t nvols;
};

static void publish(struct gb_volume *v, const char *scheme)
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
}

struct add_ctx {
	struct gb_ctx *ctx;
	struct gb_image *img;
};

static int add_partition(void *arg, const struct gb_part *p)
{
	struct add_ctx *a = arg;
	struct gb_image *img = a->img;
	if (img->nvols == GB_MAX_VOLUMES)
		return gb_error(a->ctx, GB_E_LIMIT, "more than %d partitions", GB_MAX_VOLUMES);
	struct gb_volume *v = calloc(1, sizeof(*v));
	if (!v)
		return gb_error(a->ctx, GB_E_NOMEM, "out of memory");
	v->img = img;
	v->src = img->src;
	v->start = img->disk.start + p->start;
	v->size = p->size;
	v->sector_size = img->disk.sector_size;
	v->container = p->container;
	v->info.number = p->number;
	v->info.bootable = p->bootable;
	v->info.logical = p->logical;
	memcpy(v->type, p->type, sizeof(v->type));
	memcpy(v->name, p->name, sizeof(v->name));
	memcpy(v->partuuid, p->partuuid, sizeof(v->partuuid));
	img->vols[img->nvols++] = v;
	return 0;
}

static int image_init(struct gb_ctx *ctx, struct gb_image *img,
		      const struct gb_image_options *opt)
{
	struct gb_volume *d = &img->disk;
	d->img = img;
	d->src = img->src;
	d->start = 0;
	d->size = img->src->size;
	d->sector_size = opt ? opt->sector_size : 0;
	if (d->sector_size && d->sector_size != 512 && d->sector_size != 4096)
		return gb_error(ctx, GB_E_USAGE, "sector size must be 512 or 4096");

	const struct gb_volume_driver *table = NULL;
	struct add_ctx a = { ctx, img };
	int r = gb_volume_scan(ctx, d, &table, add_partition, &a);
	if (r)
		return r;
	if (!d->sector_size)
		d->sector_size = 512;
	img->table = table;
	if (!table)
		img->vols[img->nvols++] = d;
	publish(d, "disk");
	for (size_t i = 0; i < img->nvols; i++) {
		struct gb_volume *v = img->vols[i];
		publish(v, v == d ? "disk" : table->scheme);
		if (v->container)
			continue;
		size_t mark = gb_vol_scope(ctx, v);
		r = gb_fs_probe_volume(ctx, v);
		gb_scope_pop(ctx, mark);
		if (r)
			return r;
	}
	return 0;
}

static int image_open(struct gb_ctx *ctx, struct gb_source *src,
		      const struct gb_image_options *opt, struct gb_image **out)
{
	struct gb_image *img = calloc(1, sizeof(*img));
	if (!img) {
		gb_source_close(src);
		return gb_error(ctx, GB_E_NOMEM, "out of memory");
	}
	img->src = src;
	img->name = strdup(src->name);
	if (!img->name) {
		gb_image_close(img);
		return gb_error(ctx, GB_E_NOMEM, "out of memory");
	}
	src->name = img->name;
	size_t mark = gb_scope_push(ctx, "%s", img->name);
	int r = 0;
	if (opt && opt->before_parse && (r = opt->before_parse(opt->before_parse_arg)))
		r = gb_error(ctx, r < 0 ? r : GB_E_IO, "cannot enter the sandbox");
	if (!r)
		r = image_init(ctx, img, opt);
	gb_scope_pop(ctx, mark);
	if (r) {
		gb_image_close(img);
		return r;
	}
	*out = img;
	return 0;
}

int gb_image_open(struct gb_ctx *ctx, const char *path,
		  const struct gb_image_options *opt, struct gb_image **out)
{
	struct gb_source *src;
	size_t mark = gb_scope_push(ctx, "%s", path);
	int r = gb_source_open_raw(ctx, path, opt ? opt->offset : 0, &src);
	gb_scope_pop(ctx, mark);
	if (r)
		return r;
	return image_open(ctx, src, opt, out);
}

int gb_image_open_mem(struct gb_ctx *ctx, const char *name, const void *data,
		      size_t size, const struct gb_image_options *opt,
		      struct gb_image **out)
{
	struct gb_source *src;
	size_t mark = gb_scope_push(ctx, "%s", name);
	int r = gb_source_open_mem(ctx, name, data, size, opt ? opt->offset : 0, &src);
	gb_scope_pop(ctx, mark);
	if (r)
		return r;
	return image_open(ctx, src, opt, out);
}

void gb_image_close(struct gb_image *img)
{
	if (!img)
		return;
	for (size_t i = 0; i < img->nvols; i++) {
		gb_fs_umount(img->vols[i]->fs);
		if (img->vols[i] != &img->disk)
			free(img->vols[i]);
	}
	gb_source_close(img->src);
	free(img->name);
	free(img);
}

const char *gb_image_name(const struct gb_image *img)
{
	return img->name;
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

int gb_image_find_volume(struct gb_ctx *ctx, struct gb_image *img,
			 const char *spec, struct gb_volume **out)
{
	size_t mark = gb_scope_push(ctx, "%s", img->name);
	int r = 0;
	struct gb_volume *found = NULL;

	if (!spec || !*spec) {
		size_t n = 0;
		for (size_t i = 0; i < img->nvols; i++)
			if (img->vols[i]->fs_driver) {
				found = img->vols[i];
				n++;
			}
		if (n == 0)
			r = gb_error(ctx, GB_E_NOT_FOUND, "no volume with a file system guestboot reads");
		else if (n > 1)
			r = gb_error(ctx, GB_E_AMBIGUOUS,
				     "%zu volumes have file systems: name one (a partition number, UUID=…, LABEL=…)", n);
	} else if (spec[0] >= '0' && spec[0] <= '9') {
		char *end;
		long num = strtol(spec, &end, 10);
		if (*end || num < 0 || num > GB_MAX_VOLUMES) {
			r = gb_error(ctx, GB_E_USAGE, "bad volume '%s'", spec);
		} else if (num == 0) {
			if (img->table)
				r = gb_error(ctx, GB_E_NOT_FOUND,
					     "volume 0 (whole disk): the disk has a partition table (%s)",
					     img->table->label);
			else
				found = &img->disk;
		} else {
			for (size_t i = 0; i < img->nvols; i++)
				if (img->vols[i]->info.number == num)
					found = img->vols[i];
			if (!found)
				r = gb_error(ctx, GB_E_NOT_FOUND, "no partition %ld", num);
		}
	} else {
		const char *eq = strchr(spec, '=');
		char key[16];
		if (!eq || (size_t)(eq - spec) >= sizeof(key)) {
			r = gb_error(ctx, GB_E_USAGE,
				     "bad volume '%s' (use a number, UUID=, LABEL= or PARTUUID=)", spec);
		} else {
			memcpy(key, spec, (size_t)(eq - spec));
			key[eq - spec] = '\0';
			if (strcmp(key, "UUID") && strcmp(key, "LABEL") && strcmp(key, "PARTUUID")) {
				r = gb_error(ctx, GB_E_USAGE,
					     "bad volume '%s' (use a number, UUID=, LABEL= or PARTUUID=)", spec);
			} else {
				size_t n = 0;
				for (size_t i = 0; i < img->nvols; i++)
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
