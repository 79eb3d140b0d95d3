/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libFuzzer: the input is a whole disk image. Every volume layer and file
 * system driver runs on it: the partition scan, probing, mounting, a walk
 * of each file system (bounded) reading every file's first bytes, and the
 * boot menu; with BOOT_PATH (fuzz-boot) what pygrub then does. */
#include "guestboot.h"
#include "walk.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef BOOT_PATH
/* fuzz-boot: then pygrub's own steps on the default entry and one chosen
 * by title: the file checks, the kernel and the initrds (concatenated)
 * written out under limits, the sxp line with the ZFS boot string, which
 * must parse back as at most three fields (XSA-198). */
#include <fcntl.h>
#include <unistd.h>

static void boot_entry(struct gb_ctx *ctx, struct gb_menu *menu, const struct gb_entry *e)
{
	static int sink = -1;
	if (sink < 0 && (sink = open("/dev/null", O_WRONLY | O_CLOEXEC)) < 0)
		abort();
	const struct gb_boot_limits lim = { .struct_size = sizeof(lim), .kernel_max = 4u << 20,
					     .initrd_max = 8u << 20 };
	gb_ctx_clear(ctx);
	if (!e || gb_entry_check_files(ctx, menu, e, &lim))
		return;
	gb_ctx_clear(ctx);
	gb_entry_write_kernel(ctx, menu, e, sink, &lim);
	gb_ctx_clear(ctx);
	gb_entry_write_initrd(ctx, menu, e, sink, &lim);
	char args[4096];
	snprintf(args, sizeof(args), "%s%s%s", e->args ? e->args : "", e->zfs_bootfs ? " " : "",
		 e->zfs_bootfs ? e->zfs_bootfs : "");
	char *out = NULL;
	size_t len;
	gb_ctx_clear(ctx);
	if (gb_pygrub_format(ctx, GB_PYGRUB_SXP, "/var/run/k", e->ninitrds ? "/var/run/r" : NULL,
			     args, &out, &len) == 0) {
		/* one line: "linux (kernel ...)(ramdisk ...)(args ...)" */
		if (memchr(out, '\n', len) && memchr(out, '\n', len) != out + len - 1)
			abort();
		free(out);
	}
}

static void boot(struct gb_ctx *ctx, struct gb_menu *menu)
{
	size_t n;
	const struct gb_entry *list = gb_menu_entries(menu, &n);
	boot_entry(ctx, menu, gb_menu_default(menu, NULL, NULL));
	if (n > 1 && list[n - 1].title)
		boot_entry(ctx, menu, gb_menu_search(menu, list[n - 1].title, NULL, NULL));
}
#endif

static void run_image(const uint8_t *data, size_t size)
{
	struct gb_ctx *ctx = gb_ctx_new();
	struct gb_image *img;
	if (gb_image_open_mem(ctx, "fuzz.img", data, size, NULL, &img) == 0) {
		for (size_t i = 0; i < gb_image_volume_count(img); i++) {
			struct gb_fs *fs;
			gb_ctx_clear(ctx);
			if (gb_volume_mount(ctx, gb_image_volume(img, i), &fs))
				continue;
			walk_fs(ctx, fs, -1, 0);
		}
		/* and what a boot would do */
		struct gb_menu *menu;
		gb_ctx_clear(ctx);
		if (gb_menu_load(ctx, img, NULL, &menu) == 0) {
#ifdef BOOT_PATH
			boot(ctx, menu);
#endif
			gb_menu_close(menu);
		}
		gb_image_close(img);
	}
	gb_ctx_free(ctx);
}

#ifdef SPARSE_INPUT
/* fuzz-sparse: the input describes a large, mostly empty image (sparse.h). */
#include "sparse.h"
#define MAX_SPARSE (256u << 20)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint64_t isize = sparse_size(data, size, MAX_SPARSE);
	/* pages never written stay unmapped: calloc of a large block maps
	 * zero pages */
	uint8_t *img = calloc(1, isize ? isize : 1);
	if (!img)
		return 0;
	size_t at = 8;
	uint64_t off;
	const uint8_t *bytes;
	size_t len;
	while (sparse_next(data, size, &at, isize, &off, &bytes, &len))
		memcpy(img + off, bytes, len);
	run_image(img, (size_t)isize);
	free(img);
	return 0;
}
#else
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	run_image(data, size);
	return 0;
}
#endif
