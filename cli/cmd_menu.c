/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* menu: the guest's boot menu on the terminal; the entry chosen (and its
 * command line, as edited) is then extracted as `extract` does it. */
#include "cli.h"

#include <stdio.h>

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
	       CLI_EXTRACT_HELP
	       CLI_ENTRY_HELP
	       "  -h, --help             this text\n");
}

int cmd_menu(int argc, char **argv)
{
	static const struct option longopts[] = {
		CLI_EXTRACT_LONGOPTS,
		CLI_IMAGE_LONGOPTS,
		{ 0 },
	};
	struct cli_extract x = CLI_EXTRACT_DEFAULTS;
	int c, err;
	while ((c = getopt_long(argc, argv, "ho:f:", longopts, NULL)) != -1) {
		if (cli_extract_opt(c, optarg, "menu", &x, &err)) {
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
	x.image = argv[optind];
	x.interactive = true;
	return cli_extract_run(&x, "menu");
}
