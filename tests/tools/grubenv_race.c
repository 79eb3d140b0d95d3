/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Test tool: the two halves of --update-grubenv with a writer in between.
 * Reads the raw IMAGE's menu, plans the grubenv write for the default
 * entry (gb_grubenv_plan), then changes one byte of that grubenv block in
 * the image (another writer, such as the running guest, would), then
 * applies the plan (gb_grubenv_apply), which must refuse.
 * Usage: grubenv-race IMAGE
 * Prints the apply's message on stderr; exit 0 when it refused, 1 when it
 * wrote, 2 when the test could not run. */
#define _GNU_SOURCE
#include "guestboot.h"

#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: grubenv-race IMAGE\n");
		return 2;
	}
	struct gb_ctx *ctx = gb_ctx_new();
	struct gb_image_options o = GB_SIZED(struct gb_image_options);
	o.format = "raw";
	struct gb_image *img = NULL;
	struct gb_menu *menu = NULL;
	struct gb_menu_options mo = GB_SIZED(struct gb_menu_options);
	char *plan = NULL;
	size_t len = 0;
	if (gb_image_open(ctx, argv[1], &o, &img) || gb_menu_load(ctx, img, &mo, &menu) ||
	    gb_grubenv_plan(ctx, menu, gb_menu_default(menu, NULL, NULL), &plan, &len) || !plan) {
		fprintf(stderr, "grubenv-race: no plan: %s\n", gb_ctx_message(ctx));
		return 2;
	}
	gb_menu_close(menu);
	gb_image_close(img);
	const char *at = strstr(plan, "\noffset ");
	uint64_t off = at ? strtoull(at + 8, NULL, 10) : 0;
	int fd = open(argv[1], O_RDWR);
	char c;
	if (!at || fd < 0 || pread(fd, &c, 1, (off_t)off + 1023) != 1) {
		fprintf(stderr, "grubenv-race: cannot reach the block\n");
		return 2;
	}
	c = c == '#' ? '\n' : '#';
	if (pwrite(fd, &c, 1, (off_t)off + 1023) != 1 || close(fd)) {
		fprintf(stderr, "grubenv-race: cannot change the block\n");
		return 2;
	}
	int r = gb_grubenv_apply(ctx, argv[1], &o, plan, len);
	if (r)
		fprintf(stderr, "%s\n", gb_ctx_message(ctx));
	free(plan);
	gb_ctx_free(ctx);
	return r ? 0 : 1;
}
