/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* menu: the guest's boot menu on the terminal; the entry chosen (and its
 * command line, as edited) is then extracted as `extract` does it. */
#define _GNU_SOURCE
#include "cli.h"
#include "menu_ui.h"

#include <stdio.h>
#include <stdlib.h>

static void menu_help(void)
{
	printf("Usage: guestboot menu [OPTIONS] IMAGE\n\n"
	       "Show the guest's boot menu on the terminal (/dev/tty) as its bootloader\n"
	       "would: the config's timeout counts down, then the default boots. Choose\n"
	       "an entry, or press 'e' to edit its kernel command line. The chosen entry\n"
	       "is then extracted as 'guestboot extract' does (with the edited command\n"
	       "line), and how to boot it is printed on standard output.\n\n"
	       "Keys: Up/Down, j/k, PgUp/PgDn, Home/End select; Enter boots or opens a\n"
	       "submenu, Esc/Left leaves it; e edits; q or ^C quits (exit status 1).\n\n"
	       "Options:\n"
	       "  -o, --output-dir DIR   where to write (default: the current directory)\n"
	       "  -f, --format FMT       json (default), shell, qemu, firecracker\n"
	       "      --kernel-only      write no initrd\n"
	       "      --print            write no files: print the entry's files as VOL:PATH\n"
	       "      --max-kernel-size BYTES, --max-ramdisk-size BYTES\n"
	       "      --config VOL:PATH, --kind KIND, --pvgrub MODE, --platform NAME\n"
	       "                         as for 'guestboot list'\n"
	       "      --offset BYTES, --sector-size N\n"
	       "  -h, --help             this text\n");
}

/* Run the menu on the controlling terminal. Returns 0 with *e and *args
 * set, or the exit status after saying why. */
static int choose_on_tty(const struct gb_menu *menu, const char *image,
			 const struct gb_entry **e, char **args)
{
	FILE *in = fopen("/dev/tty", "re"), *out = fopen("/dev/tty", "we");
	int r = in && out ? cli_menu_run(menu, in, out, e, args) : CLI_MENU_NO_TERM;
	if (in)
		fclose(in);
	if (out)
		fclose(out);
	if (r == CLI_MENU_QUIT) {
		fprintf(stderr, "guestboot: %s: no entry chosen\n", image);
		return 1;
	}
	if (r) {
		fprintf(stderr, "guestboot: %s: cannot show the menu: no usable terminal "
				"(use 'guestboot extract')\n", image);
		return 1;
	}
	return 0;
}

int cmd_menu(int argc, char **argv)
{
	static const struct option longopts[] = {
		CLI_EXTRACT_LONGOPTS,
		CLI_IMAGE_LONGOPTS,
		{ 0 },
	};
	struct cli_image_opts io = { 0 };
	struct gb_menu_options mo = { 0 };
	struct cli_extract_opts o = CLI_EXTRACT_DEFAULTS;
	int c, err;
	while ((c = getopt_long(argc, argv, "ho:f:", longopts, NULL)) != -1) {
		if (cli_image_opt(c, optarg, &io))
			continue;
		if (cli_extract_opt(c, optarg, "menu", &o, &mo, &err)) {
			if (err)
				return err;
			continue;
		}
		if (c == 'h') {
			menu_help();
			return 0;
		}
		return cli_usage_error("menu", "bad option");
	}
	if (optind + 1 != argc)
		return cli_usage_error("menu", "expected one IMAGE");
	if ((err = cli_extract_check(&o, "menu")))
		return err;

	const char *image = argv[optind];
	struct gb_ctx *ctx = gb_ctx_new();
	struct gb_image *img = NULL;
	struct gb_menu *menu = NULL;
	const struct gb_entry *e = NULL;
	char *args = NULL;
	size_t path[8], depth = 0;
	int r = cli_open(ctx, image, &io, &img);
	if (!r)
		r = gb_menu_load(ctx, img, &mo, &menu);
	if (r) {
		r = cli_fail(ctx, r);
		goto done;
	}
	if (!gb_menu_default(menu, NULL, NULL)) {
		fprintf(stderr, "guestboot: %s: the menu has no entries\n", image);
		r = 3;
		goto done;
	}
	if ((r = choose_on_tty(menu, image, &e, &args)))
		goto done;
	cli_menu_locate(menu, e, path, &depth);
	r = cli_extract_entry(ctx, menu, e, path, depth, args, &o);
done:
	free(args);
	gb_menu_close(menu);
	gb_image_close(img);
	gb_ctx_free(ctx);
	return r;
}
