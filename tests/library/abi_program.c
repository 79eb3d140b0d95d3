/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The struct_size rule of guestboot.h ("ABI"), seen from a caller of the
 * installed library (tests/integration/library.sh): a struct left zeroed
 * is refused; an older caller's shorter struct is read only up to its
 * size (bytes past it are not its fields) and written only up to it. */
#include <guestboot.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

static const char cfg[] = "menuentry 'a' { linux /vmlinuz-a }\n";

int main(void)
{
	struct gb_ctx *ctx = gb_ctx_new();
	struct gb_menu *menu;
	int bad = 0;
	if (!ctx)
		return 1;

	struct gb_menu_options zero = { 0 };
	if (gb_menu_load_config(ctx, "grub.cfg", cfg, strlen(cfg), "grub2", &zero, &menu) != GB_E_USAGE) {
		puts("a zeroed gb_menu_options was taken");
		bad = 1;
	}
	gb_ctx_clear(ctx);

	/* An older caller knew struct_size and config only: what lies after
	 * (here an invalid platform) is none of its business. */
	struct gb_menu_options old = GB_SIZED(struct gb_menu_options);
	old.struct_size = offsetof(struct gb_menu_options, kind);
	old.grub_platform = "no-such-platform";
	old.kind = "no-such-kind";
	if (gb_menu_load_config(ctx, "grub.cfg", cfg, strlen(cfg), "grub2", &old, &menu) != 0) {
		printf("an older gb_menu_options: %s\n", gb_ctx_message(ctx));
		bad = 1;
	} else {
		gb_menu_close(menu);
	}
	gb_ctx_clear(ctx);

	/* A result struct is written within its size only. */
	static const unsigned char elf[64] = { 0x7f, 'E', 'L', 'F', 2, 1, 1 };
	struct gb_kernel_info k;
	memset(&k, 0xa5, sizeof k);
	k.struct_size = offsetof(struct gb_kernel_info, os);
	if (gb_kernel_inspect(ctx, elf, sizeof elf, &k) != 0) {
		printf("gb_kernel_inspect: %s\n", gb_ctx_message(ctx));
		bad = 1;
	}
	for (size_t i = offsetof(struct gb_kernel_info, os); i < sizeof k; i++)
		if (((unsigned char *)&k)[i] != 0xa5) {
			printf("gb_kernel_inspect wrote byte %zu past struct_size %zu\n", i, k.struct_size);
			bad = 1;
			break;
		}
	if (k.struct_size != offsetof(struct gb_kernel_info, os) || k.kind[0] == (char)0xa5) {
		puts("gb_kernel_inspect changed struct_size or left kind unwritten");
		bad = 1;
	}
	k.struct_size = 0;
	if (gb_kernel_inspect(ctx, elf, sizeof elf, &k) != GB_E_USAGE) {
		puts("a gb_kernel_info without struct_size was taken");
		bad = 1;
	}
	gb_ctx_free(ctx);
	if (!bad)
		puts("ok");
	return bad;
}
