/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The interactive boot menu: the guest's entries on a terminal (curses). */
#ifndef GB_MENU_UI_H
#define GB_MENU_UI_H

#include "guestboot.h"

#include <stdbool.h>
#include <stdio.h>

/* cli_menu_run's results besides 0 (an entry was chosen). */
enum {
	CLI_MENU_QUIT = 1,     /* the user quit (q, ^C): nothing chosen */
	CLI_MENU_NO_TERM = -1, /* the terminal cannot be used (unknown type, no
				  cursor addressing, input lost) or the menu is
				  empty: callers boot the default instead */
};

/*
 * Show the menu on the terminal behind in/out (TERM, or vt100 when unset)
 * and let the user pick an entry, edit its kernel command line, or quit.
 * The config's timeout counts down first (any key stops it; 0 chooses the
 * default without drawing anything; -1 waits for the user).
 * Returns 0 with *chosen (an entry of m) and *args (malloc'd: its command
 * line, possibly edited) set, CLI_MENU_QUIT or CLI_MENU_NO_TERM. The
 * terminal is restored before it returns.
 */
int cli_menu_run(const struct gb_menu *m, FILE *in, FILE *out,
		 const struct gb_entry **chosen, char **args);

/* Make the terminal ready (terminfo read, locale set, signals taken)
 * without drawing: a process about to enter the sandbox, which opens no
 * file, calls this first; cli_menu_run then uses this terminal. Returns 0
 * or CLI_MENU_NO_TERM. */
int cli_menu_prepare(FILE *in, FILE *out);
/* Give the terminal back as it was (cli_menu_run does it itself). */
void cli_menu_release(void);

/* The path of indices (submenu, then entry) to an entry of m, found by
 * identity; false when e is not one of m's entries. path holds 8. */
bool cli_menu_locate(const struct gb_menu *m, const struct gb_entry *e,
		     size_t *path, size_t *depth);

#endif
