/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Guest text on the user's terminal: titles, file names and command lines
 * come from the image, so anything a terminal could act on is escaped. */
#include "cli.h"

#include <stdio.h>

/* Length of a valid UTF-8 sequence at s with its code point, else 0. */
static size_t utf8_len(const unsigned char *s, uint32_t *cp)
{
	size_t n = s[0] >= 0xf0 && s[0] <= 0xf4 ? 4 : s[0] >= 0xe0 && s[0] < 0xf0 ? 3 :
		   s[0] >= 0xc2 && s[0] < 0xe0 ? 2 : 0;
	if (!n)
		return 0;
	uint32_t c = s[0] & (0x7f >> n);
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (s[i] & 0x3f);
	}
	static const uint32_t min[] = { 0, 0, 0x80, 0x800, 0x10000 };
	if (c < min[n] || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return n;
}

void cli_put_safe(FILE *f, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; p && *p;) {
		uint32_t cp;
		size_t n;
		if (*p >= 0x20 && *p < 0x7f && *p != '\\') {
			fputc(*p++, f);
		} else if (*p >= 0x80 && (n = utf8_len(p, &cp)) && cp >= 0xa0) {
			fwrite(p, 1, n, f);
			p += n;
		} else if (*p >= 0x80 && (n = utf8_len(p, &cp))) {
			/* C1 controls, even well encoded: some terminals obey them */
			fprintf(f, "\\u%04x", (unsigned)cp);
			p += n;
		} else {
			fprintf(f, "\\x%02x", *p++);
		}
	}
}
