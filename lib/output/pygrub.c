/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* pygrub's three output formats, byte for byte. sxp quotes values the way
 * Python's repr() does (the XSA-198 fix); simple and simple0 cannot quote,
 * so a value containing the separator is refused, as pygrub refuses it. */
#include "core/core.h"

#include <stdio.h>
#include <stdlib.h>

/* Python's str.isprintable() for the code points a boot config can carry:
 * controls, the Latin-1 no-break space and soft hyphen, separators and
 * format characters are escaped. */
static bool py_printable(uint32_t c)
{
	if (c < 0x20 || (c >= 0x7f && c <= 0xa0) || c == 0xad)
		return false;
	if ((c >= 0x2000 && c <= 0x200f) || (c >= 0x2028 && c <= 0x202f) ||
	    (c >= 0x205f && c <= 0x206f) || c == 0x3000 || c == 0xfeff ||
	    c == 0x1680 || c == 0x180e || (c >= 0xfff9 && c <= 0xfffb) ||
	    (c >= 0xe000 && c <= 0xf8ff) || (c & 0xfffe) == 0xfffe)
		return false;
	return true;
}

/* repr() of a str, quote choice included: single quotes unless the value
 * holds a ' and no ". Bytes that are not UTF-8 are shown as \xNN. */
static void py_repr(struct gb_sbuf *o, const char *s)
{
	char q = strchr(s, '\'') && !strchr(s, '"') ? '"' : '\'';
	gb_sbuf_add(o, &q, 1);
	const unsigned char *end = (const unsigned char *)s + strlen(s);
	for (const unsigned char *p = (const unsigned char *)s; *p;) {
		uint32_t c;
		size_t n = gb_utf8_decode(p, (size_t)(end - p), &c);
		char esc[16];
		if (!n) {
			snprintf(esc, sizeof(esc), "\\x%02x", *p);
			gb_sbuf_adds(o, esc);
			p++;
			continue;
		}
		if (c == (uint32_t)q || c == '\\') {
			esc[0] = '\\';
			esc[1] = (char)c;
			gb_sbuf_add(o, esc, 2);
		} else if (c == '\n') {
			gb_sbuf_adds(o, "\\n");
		} else if (c == '\r') {
			gb_sbuf_adds(o, "\\r");
		} else if (c == '\t') {
			gb_sbuf_adds(o, "\\t");
		} else if (py_printable(c)) {
			gb_sbuf_add(o, p, n);
		} else {
			snprintf(esc, sizeof(esc), c < 0x100 ? "\\x%02x" : c < 0x10000 ? "\\u%04x" : "\\U%08x", c);
			gb_sbuf_adds(o, esc);
		}
		p += n;
	}
	gb_sbuf_add(o, &q, 1);
}

int gb_pygrub_format(struct gb_ctx *ctx, int format, const char *kernel,
		     const char *ramdisk, const char *args, char **data, size_t *len)
{
	struct gb_sbuf o = { 0 };
	if (format == GB_PYGRUB_SXP) {
		gb_sbuf_adds(&o, "linux (kernel ");
		if (kernel)
			py_repr(&o, kernel);
		else
			gb_sbuf_adds(&o, "None");
		gb_sbuf_adds(&o, ")");
		if (ramdisk && *ramdisk) {
			gb_sbuf_adds(&o, "(ramdisk ");
			py_repr(&o, ramdisk);
			gb_sbuf_adds(&o, ")");
		}
		if (args && *args) {
			gb_sbuf_adds(&o, "(args ");
			py_repr(&o, args);
			gb_sbuf_adds(&o, ")");
		}
	} else if (format == GB_PYGRUB_SIMPLE || format == GB_PYGRUB_SIMPLE0) {
		char sep = format == GB_PYGRUB_SIMPLE ? '\n' : '\0';
		/* NUL cannot occur inside a C string: the newline check is the one
		 * that can fire, and for simple0 any value is representable. */
		const char *vals[] = { kernel, ramdisk, args };
		for (size_t i = 0; i < 3; i++)
			if (sep == '\n' && vals[i] && strchr(vals[i], '\n'))
				return gb_error(ctx, GB_E_USAGE,
						"the simple format cannot represent a value containing a newline");
		gb_sbuf_adds(&o, "kernel ");
		gb_sbuf_adds(&o, kernel ? kernel : "None");
		gb_sbuf_add(&o, &sep, 1);
		if (ramdisk && *ramdisk) {
			gb_sbuf_adds(&o, "ramdisk ");
			gb_sbuf_adds(&o, ramdisk);
			gb_sbuf_add(&o, &sep, 1);
		}
		if (args && *args) {
			gb_sbuf_adds(&o, "args ");
			gb_sbuf_adds(&o, args);
			gb_sbuf_add(&o, &sep, 1);
		}
		gb_sbuf_add(&o, &sep, 1);
	} else {
		return gb_error(ctx, GB_E_USAGE, "unknown output format");
	}
	if (o.oom) {
		free(o.p);
		return gb_error(ctx, GB_E_NOMEM, "out of memory");
	}
	*data = o.p;
	*len = o.len;
	return 0;
}
