/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Placeholder until the grub1 parser lands (issue 3). */
#include "config/config.h"

static int grub1_parse(struct gb_ctx *ctx, const struct gb_cfg_devices *devs, int dev,
		      const char *path, const struct gb_cfg_options *opt, struct gb_menu *menu)
{
	(void)devs, (void)dev, (void)opt, (void)menu;
	return gb_error(ctx, GB_E_UNSUPPORTED, "%s: grub1 configurations are not read yet", path);
}

const struct gb_config_parser gb_cfg_grub1 = {
	.name = "grub1",
	.parse = grub1_parse,
};
