/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Guest text on the user's terminal: titles, file names and command lines
 * come from the image, so anything a terminal could act on is escaped. */
#include "cli.h"

#include <stdio.h>
#include <string.h>

/* Length of the valid UTF-8 sequence at s (2 to 4 bytes; no overlong
 * forms, surrogates or values past U+10FFFF), or 0. */
size_t cli_utf8_sequence(const unsigned char *s, size_t n, uint32_t *cp)
{
	size_t len;
	uint32_t min;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2, min = 0x80, *cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3, min = 0x800, *cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4, min = 0x10000, *cp = s[0] & 0x07;
	else
		return 0;
	if (n < len)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		*cp = (*cp << 6) | (s[i] & 0x3f);
	}
	if (*cp < min || *cp > 0x10ffff || (*cp >= 0xd800 && *cp <= 0xdfff))
		return 0;
	return len;
}

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
		} else if (*p >= 0x80 && (n = cli_utf8_sequence(p, (size_t)(end - p), &cp)) && cp >= 0xa0) {
			fwrite(p, 1, n, f);
			p += n;
		} else if (*p >= 0x80 && (n = cli_utf8_sequence(p, (size_t)(end - p), &cp))) {
			/* C1 controls, even well encoded: some terminals obey them */
			fprintf(f, "\\u%04x", (unsigned)cp);
			p += n;
		} else {
			fprintf(f, "\\x%02x", *p++);
		}
	}
}
