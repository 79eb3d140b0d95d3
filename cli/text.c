/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Guest text on the user's terminal: titles, file names and command lines
 * come from the image, so anything a terminal could act on is escaped. */
#include "cli.h"

#include <stdio.h>
#include <string.h>

void cli_put_safe(FILE *f, const char *s)
{
	if (!s)
		return;
	const unsigned char *end = (const unsigned char *)s + strlen(s);
	for (const unsigned char *p = (const unsigned char *)s; *p;) {
		uint32_t cp;
		size_t n;
		if (*p >= 0x20 && *p < 0x7f && *p != '\\') {
			fputc(*p++, f);
		} else if (*p >= 0x80 && (n = gb_utf8_decode(p, (size_t)(end - p), &cp)) && cp >= 0xa0) {
			fwrite(p, 1, n, f);
			p += n;
		} else if (*p >= 0x80 && (n = gb_utf8_decode(p, (size_t)(end - p), &cp))) {
			/* C1 controls, even well encoded: some terminals obey them */
			fprintf(f, "\\u%04x", (unsigned)cp);
			p += n;
		} else {
			fprintf(f, "\\x%02x", *p++);
		}
	}
}
