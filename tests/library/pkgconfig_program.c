/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A caller of the installed library, built with nothing but
 * `pkg-config --cflags --libs guestboot` (tests/integration/library.sh):
 * runs a GRUB configuration held in memory and prints the default entry. */
#include <guestboot.h>
#include <stdio.h>
#include <string.h>

int main(void)
{
	static const char cfg[] =
		"set default=1\n"
		"menuentry 'first' { linux /vmlinuz-a root=/dev/xvda1 }\n"
		"menuentry 'second' { linux /vmlinuz-b quiet\n initrd /initrd-b }\n";
	struct gb_ctx *ctx = gb_ctx_new();
	struct gb_menu_options mo = GB_SIZED(struct gb_menu_options);
	struct gb_menu *menu;
	if (!ctx)
		return 1;
	if (gb_menu_load_config(ctx, "grub.cfg", cfg, strlen(cfg), "grub2", &mo, &menu) != 0) {
		fprintf(stderr, "%s\n", gb_ctx_message(ctx));
		return 1;
	}
	const struct gb_entry *e = gb_menu_default(menu, NULL, NULL);
	if (!e)
		return 1;
	printf("%s %s %s %s\n", GB_VERSION, e->title, e->kernel.path, e->args);
	gb_menu_close(menu);
	gb_ctx_free(ctx);
	return 0;
}
