/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Guest text on the user's terminal: titles, file names and command lines
 * come from the image, so anything a terminal could act on is escaped. */
#include "cli.h"

#include <stdio.h>
#include <string.h>

void cli_put_safe(FILE *f, const char *s)
{
	cli_put_text(f, s, GB_SAFE_BACKSLASH);
}

void cli_put_text(FILE *f, const char *s, unsigned flags)
{
	if (!s)
		return;
	/* In pieces small enough that their escaped form always fits. */
	size_t len = strlen(s);
	while (len) {
		char out[1024];
		size_t n = len < 160 ? len : 160; /* 160 bytes escape to < 1024 */
		/* never cut a UTF-8 sequence: back up to its first byte */
		while (n < len && n > 1 && ((unsigned char)s[n] & 0xc0) == 0x80)
			n--;
		gb_text_safe(out, sizeof(out), s, n, flags);
		fputs(out, f);
		s += n;
		len -= n;
	}
}
