/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "core.h"

#include <errno.h>
#include <stdio.h>
#include <unistd.h>
#include <zlib.h>

void gb_guid_str(const uint8_t g[16], char out[37])
{
	snprintf(out, 37,
		 "%08x-%04x-%04x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		 gb_le32(g), gb_le16(g + 4), gb_le16(g + 6), g[8], g[9], g[10],
		 g[11], g[12], g[13], g[14], g[15]);
}

void gb_uuid_str(const uint8_t u[16], char out[37])
{
	snprintf(out, 37,
		 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		 u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9],
		 u[10], u[11], u[12], u[13], u[14], u[15]);
}

void gb_copy_label(char *dst, size_t cap, const void *src, size_t n)
{
	gb_text_safe(dst, cap, src, n, GB_SAFE_QMARK);
}

size_t gb_text_safe(char *dst, size_t cap, const void *src, size_t n, unsigned flags)
{
	const unsigned char *s = src;
	size_t o = 0;
	if (!cap)
		return 0;
	for (size_t i = 0; i < n && s[i];) {
		char esc[8];
		const void *out = s + i;
		size_t len = 1, used = 1;
		uint32_t cp = 0;
		size_t u = s[i] >= 0x80 ? gb_utf8_decode(s + i, n - i, &cp) : 0;
		if (u && cp >= 0xa0) {
			len = used = u; /* printable beyond ASCII */
		} else if ((s[i] >= 0x20 && s[i] < 0x7f &&
			    (s[i] != '\\' || !(flags & GB_SAFE_BACKSLASH))) ||
			   ((flags & GB_SAFE_NEWLINES) && (s[i] == '\n' || s[i] == '\t'))) {
			/* as is */
		} else if (flags & GB_SAFE_QMARK) {
			out = "?";
			used = u ? u : 1;
		} else if (u) { /* a C1 control, well encoded */
			len = (size_t)snprintf(esc, sizeof(esc), "\\u%04x", (unsigned)cp);
			out = esc;
			used = u;
		} else {
			len = (size_t)snprintf(esc, sizeof(esc), "\\x%02x", s[i]);
			out = esc;
		}
		if (len >= cap - o)
			break;
		memcpy(dst + o, out, len);
		o += len;
		i += used;
	}
	dst[o] = '\0';
	return o;
}

/* CRC-32 (IEEE 802.3), as GPT uses it: zlib's implementation. */
uint32_t gb_crc32(uint32_t crc, const void *buf, size_t len)
{
	return (uint32_t)crc32_z(crc, buf, len);
}

void gb_path_clean(char *path)
{
	if (path[0] != '/')
		return;
	size_t o = 0; /* output length; path[0..o) is clean and starts with '/' */
	const char *p = path;
	while (*p) {
		while (*p == '/')
			p++;
		if (!*p)
			break;
		const char *end = p;
		while (*end && *end != '/')
			end++;
		size_t len = (size_t)(end - p);
		if (len == 1 && p[0] == '.') {
			/* nothing */
		} else if (len == 2 && p[0] == '.' && p[1] == '.') {
			while (o > 0 && path[--o] != '/')
				;
		} else {
			path[o++] = '/';
			memmove(path + o, p, len);
			o += len;
		}
		p = end;
	}
	if (o == 0)
		path[o++] = '/';
	path[o] = '\0';
}

static size_t put_utf8(char *d, uint32_t c)
{
	if (c < 0x80) {
		d[0] = (char)c;
		return 1;
	}
	if (c < 0x800) {
		d[0] = (char)(0xc0 | c >> 6);
		d[1] = (char)(0x80 | (c & 0x3f));
		return 2;
	}
	if (c < 0x10000) {
		d[0] = (char)(0xe0 | c >> 12);
		d[1] = (char)(0x80 | (c >> 6 & 0x3f));
		d[2] = (char)(0x80 | (c & 0x3f));
		return 3;
	}
	d[0] = (char)(0xf0 | c >> 18);
	d[1] = (char)(0x80 | (c >> 12 & 0x3f));
	d[2] = (char)(0x80 | (c >> 6 & 0x3f));
	d[3] = (char)(0x80 | (c & 0x3f));
	return 4;
}

int gb_utf16_to_utf8(const uint8_t *src, size_t n, bool big_endian,
		     char *dst, size_t cap)
{
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		const uint8_t *p = src + 2 * i;
		uint32_t c = big_endian ? gb_be16(p) : gb_le16(p);
		if (c == 0)
			break;
		if (c >= 0xdc00 && c <= 0xdfff)
			return -1; /* a low surrogate with no high one */
		if (c >= 0xd800 && c <= 0xdbff) {
			if (i + 1 >= n)
				return -1;
			const uint8_t *q = src + 2 * (i + 1);
			uint32_t lo = big_endian ? gb_be16(q) : gb_le16(q);
			if (lo < 0xdc00 || lo > 0xdfff)
				return -1;
			c = 0x10000 + ((c - 0xd800) << 10) + (lo - 0xdc00);
			i++;
		}
		if (c == '/' || c < 0x20 || c == 0x7f)
			return -1; /* a path separator or control character in a name */
		if (o + 4 >= cap)
			return -1;
		o += put_utf8(dst + o, c);
	}
	if (o >= cap)
		return -1;
	dst[o] = '\0';
	return (int)o;
}

/* Days from 1970-01-01 of a proleptic Gregorian date (H. Hinnant's
 * well-known algorithm, written out here). */
size_t gb_utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
	if (!n)
		return 0;
	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	size_t len;
	uint32_t min, c;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2, min = 0x80, c = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3, min = 0x800, c = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4, min = 0x10000, c = s[0] & 0x07;
	else
		return 0;
	if (n < len)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (s[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return len;
}

int64_t gb_civil_to_epoch(int64_t y, unsigned m, unsigned d, unsigned hour,
			  unsigned min, unsigned sec)
{
	if (m < 1 || m > 12)
		m = 1;
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t mp = (m + 9) % 12;
	int64_t doy = (153 * mp + 2) / 5 + (int64_t)d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	int64_t days = era * 146097 + doe - 719468;
	return days * 86400 + (int64_t)hour * 3600 + (int64_t)min * 60 + sec;
}

static char ascii_lower(char c)
{
	return (c >= 'A' && c <= 'Z') ? (char)(c + 32) : c;
}

bool gb_name_eq_nocase(const char *name, const char *s, size_t len)
{
	size_t i = 0;
	for (; i < len; i++)
		if (!name[i] || ascii_lower(name[i]) != ascii_lower(s[i]))
			return false;
	return name[i] == '\0';
}

int gb_write_all(int fd, const void *data, size_t len)
{
	const uint8_t *p = data;
	while (len) {
		ssize_t n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n == 0)
				errno = EIO;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}
