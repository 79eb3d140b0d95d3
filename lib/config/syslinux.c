/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Placeholder until the syslinux parser lands (issue 3). */
#include "config/config.h"

static int syslinux_parse(struct gb_ctx *ctx, const struct gb_cfg_devices *devs, int dev,
		      const char *path, const struct gb_cfg_options *opt, struct gb_menu *menu)
{
	(void)devs, (void)dev, (void)opt, (void)menu;
	return gb_error(ctx, GB_E_UNSUPPORTED, "%s: syslinux configurations are not read yet", path);
}

const struct gb_config_parser gb_cfg_syslinux = {
	.name = "syslinux",
	.parse = syslinux_parse,
};
