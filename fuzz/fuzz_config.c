/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libFuzzer: a configuration parser (PARSER, set at build time) on an
 * in-memory file system. The input holds up to four files separated by
 * "\n---\n": the config itself (at the parser's default path), then a
 * grubenv, a BLS entry and an included file, placed where GRUB 2 looks
 * for them. */
#include "config/config.h"

#include <stdlib.h>

#ifndef PARSER
#error PARSER must name a gb_cfg_* descriptor
#endif
extern const struct gb_config_parser PARSER;

static const char *const paths[] = {
	NULL, "/boot/grub/grubenv", "/loader/entries/a.conf", "/boot/grub/inc.cfg",
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	struct gb_memfs_entry files[4];
	size_t n = 0;
	char *p = text;
	while (n < 4) {
		char *sep = strstr(p, "\n---\n");
		if (sep)
			*sep = '\0';
		/* the config, or for BLS (whose "config" is a directory) an
		 * entry in it */
		const char *path = n ? paths[n] : PARSER.default_file ? PARSER.default_file :
						    PARSER.default_path;
		files[n] = (struct gb_memfs_entry){ .path = path, .data = p, .len = 0 };
		n++;
		if (!sep)
			break;
		p = sep + 5;
	}
	/* memfs takes len 0 as strlen; an empty file stays empty */
	struct gb_ctx *ctx = gb_ctx_new();
	struct gb_fs *fs;
	if (gb_memfs_new(ctx, "fuzz", files, n, &fs) == 0) {
		struct gb_cfg_device dev = { .grub_name = "hd0,msdos1", .number = 1, .fstype = "ext4",
					     .uuid = "1234", .label = "boot", .partuuid = "", .fs = fs };
		struct gb_cfg_devices devs = { &dev, 1, NULL };
		struct gb_cfg_options opt = { .grub_platform = "pc", .grub_cpu = "x86_64" };
		struct gb_menu menu = { .timeout = -1 };
		PARSER.parse(ctx, &devs, 0, PARSER.default_path, &opt, &menu);
		gb_menu_finish(&menu);
		free(gb_menu_dump(&menu));
		gb_menu_free(&menu);
		gb_fs_umount(fs);
	}
	gb_ctx_free(ctx);
	free(text);
	return 0;
}
