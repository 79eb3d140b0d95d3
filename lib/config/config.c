/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What every config parser shares: reading files from a device. */
#include "config/config.h"

int gb_cfg_read(struct gb_ctx *ctx, const struct gb_cfg_devices *devs, int dev,
		const char *path, char **data, size_t *len)
{
	if (dev < 0 || (size_t)dev >= devs->n || !devs->dev[dev].fs)
		return gb_error(ctx, GB_E_NOT_FOUND, "%s: no readable file system on that device", path);
	return gb_fs_read_file(ctx, devs->dev[dev].fs, path, GB_CONFIG_MAX_BYTES, data, len);
}

bool gb_cfg_exists(const struct gb_cfg_devices *devs, int dev, const char *path,
		   enum gb_ftype *type)
{
	if (dev < 0 || (size_t)dev >= devs->n || !devs->dev[dev].fs)
		return false;
	struct gb_ctx quiet = { 0 };
	struct gb_stat st;
	if (gb_fs_stat(&quiet, devs->dev[dev].fs, path, &st))
		return false;
	if (type)
		*type = st.type;
	return true;
}
