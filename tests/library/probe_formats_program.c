/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* gb_image_options.probe_formats seen from a caller of the installed
 * library (tests/integration/library.sh): IMAGE holds one file system of
 * format FS (blkid's word for it is the script's) with a grub.cfg. Probed,
 * its configuration is found; switched off (-FS, or an allow-list of
 * other file systems), the volume has no file system and the error says
 * the format is disabled; an unknown name is refused; an older caller's
 * shorter struct never reaches the field. Prints "ok" or what failed.
 * Usage: probe_formats_program IMAGE FS */
#include <guestboot.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

static int bad;

/* Open img with probe_formats = list (struct_size size) and load its menu:
 * 0 or the error code, the message in msg. */
static int load(const char *img, const char *list, size_t size, char *msg, size_t cap,
		char *fstype, size_t fcap)
{
	struct gb_ctx *ctx = gb_ctx_new();
	struct gb_image_options io = GB_SIZED(struct gb_image_options);
	struct gb_menu_options mo = GB_SIZED(struct gb_menu_options);
	struct gb_image *image = NULL;
	struct gb_menu *menu = NULL;
	io.struct_size = size;
	io.probe_formats = list;
	msg[0] = fstype[0] = '\0';
	int r = gb_image_open(ctx, img, &io, &image);
	if (!r) {
		if (gb_image_volume_count(image) == 1)
			snprintf(fstype, fcap, "%s", gb_volume_info(gb_image_volume(image, 0))->fstype);
		r = gb_menu_load(ctx, image, &mo, &menu);
	}
	snprintf(msg, cap, "%s", gb_ctx_message(ctx));
	gb_menu_close(menu);
	gb_image_close(image);
	gb_ctx_free(ctx);
	return r;
}

static void expect(const char *what, int r, int want, const char *msg, const char *text)
{
	if (r != want || (text && !strstr(msg, text))) {
		printf("%s: got %d '%s', want %d%s%s\n", what, r, msg, want,
		       text ? " with " : "", text ? text : "");
		bad = 1;
	}
}

int main(int argc, char **argv)
{
	if (argc != 3)
		return 2;
	const char *img = argv[1], *fs = argv[2];
	const size_t full = sizeof(struct gb_image_options);
	char msg[1024], fstype[64], list[64], off[128];
	snprintf(off, sizeof(off), "disabled formats, not probed: %s", fs);

	int r = load(img, NULL, full, msg, sizeof(msg), fstype, sizeof(fstype));
	expect("every format probed", r, 0, msg, NULL);
	if (strncmp(fstype, fs, strlen(fs))) {
		printf("every format probed: the volume's file system is '%s', not %s\n", fstype, fs);
		bad = 1;
	}
	r = load(img, fs, full, msg, sizeof(msg), fstype, sizeof(fstype));
	expect("allow-list naming it", r, 0, msg, NULL);

	snprintf(list, sizeof(list), "-%s", fs);
	r = load(img, list, full, msg, sizeof(msg), fstype, sizeof(fstype));
	expect("switched off", r, GB_E_NOT_FOUND, msg, off);
	if (fstype[0]) {
		printf("switched off: the volume still has file system '%s'\n", fstype);
		bad = 1;
	}
	/* an allow-list of the other layer leaves file systems alone */
	r = load(img, "gpt,mbr", full, msg, sizeof(msg), fstype, sizeof(fstype));
	expect("allow-list of volume formats", r, 0, msg, NULL);
	/* an allow-list of other file systems switches it off */
	snprintf(list, sizeof(list), "%s", strcmp(fs, "xfs") ? "xfs,btrfs" : "ext,btrfs");
	r = load(img, list, full, msg, sizeof(msg), fstype, sizeof(fstype));
	expect("allow-list of other file systems", r, GB_E_NOT_FOUND, msg, off);

	r = load(img, "-no-such-format", full, msg, sizeof(msg), fstype, sizeof(fstype));
	expect("an unknown name", r, GB_E_USAGE, msg, "no-such-format' is not a format");

	/* an older caller: the field lies past its struct */
	snprintf(list, sizeof(list), "-%s", fs);
	r = load(img, list, offsetof(struct gb_image_options, probe_formats), msg, sizeof(msg),
		 fstype, sizeof(fstype));
	expect("an older gb_image_options", r, 0, msg, NULL);
	if (!bad)
		puts("ok");
	return bad;
}
