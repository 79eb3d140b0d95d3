/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "core.h"

#include <stdio.h>
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
	const unsigned char *s = src;
	size_t i = 0;
	if (!cap)
		return;
	for (; i < n && i + 1 < cap && s[i]; i++)
		dst[i] = (s[i] < 0x20 || s[i] == 0x7f) ? '?' : (char)s[i];
	dst[i] = '\0';
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
