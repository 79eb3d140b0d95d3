/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What every config parser shares: the registry, reading files from a
 * device. */
#include "config/config.h"

#include <fnmatch.h>

/* In the order a search that finds nothing names them. */
const struct gb_config_parser *const gb_cfg_parsers[] = {
	&gb_cfg_grub2, &gb_cfg_grub1, &gb_cfg_syslinux, &gb_cfg_bls, &gb_cfg_lilo, NULL,
};

const struct gb_config_parser *gb_cfg_parser_named(const char *name)
{
	for (size_t i = 0; name && gb_cfg_parsers[i]; i++)
		if (!strcmp(gb_cfg_parsers[i]->name, name))
			return gb_cfg_parsers[i];
	return NULL;
}

const struct gb_config_parser *gb_cfg_parser_for_file(const char *path)
{
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	for (size_t i = 0; gb_cfg_parsers[i]; i++)
		for (const char *const *n = gb_cfg_parsers[i]->file_names; n && *n; n++)
			if (!fnmatch(*n, base, 0))
				return gb_cfg_parsers[i];
	return NULL;
}

struct gb_fs *gb_cfg_fs(const struct gb_cfg_devices *devs, int dev)
{
	if (dev < 0 || (size_t)dev >= devs->n)
		return NULL;
	struct gb_cfg_device *d = &devs->dev[dev];
	if (!d->fs && d->vol && !d->mount_tried) {
		/* A volume we cannot mount is one GRUB could not read either:
		 * the search goes on without it. */
		struct gb_ctx quiet = { 0 };
		d->mount_tried = true;
		if (gb_volume_mount(&quiet, d->vol, &d->fs) && devs->warn)
			gb_menu_warn(devs->warn, "%s", gb_ctx_message(&quiet));
	}
	return d->fs;
}

int gb_cfg_read(struct gb_ctx *ctx, const struct gb_cfg_devices *devs, int dev,
		const char *path, char **data, size_t *len)
{
	struct gb_fs *fs = gb_cfg_fs(devs, dev);
	if (!fs)
		return gb_error(ctx, GB_E_NOT_FOUND, "%s: no readable file system on that device", path);
	return gb_fs_read_file(ctx, fs, path, GB_CONFIG_MAX_BYTES, data, len);
}

bool gb_cfg_exists(const struct gb_cfg_devices *devs, int dev, const char *path,
		   enum gb_ftype *type)
{
	struct gb_fs *fs = gb_cfg_fs(devs, dev);
	if (!fs)
		return false;
	struct gb_ctx quiet = { 0 };
	struct gb_stat st = GB_SIZED(struct gb_stat);
	if (gb_fs_stat(&quiet, fs, path, &st))
		return false;
	if (type)
		*type = st.type;
	return true;
}
