/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libFuzzer: the output formatters on arbitrary kernel/ramdisk/args
 * strings. sxp must keep every value inside its quotes: the checker below
 * parses the output back and fails on any extra field (XSA-198). */
#include "guestboot.h"

#include <stdlib.h>
#include <string.h>

/* Skip a Python string literal starting at s (a quote); NULL if malformed. */
static const char *skip_literal(const char *s)
{
	char q = *s++;
	while (*s && *s != q)
		s += (*s == '\\' && s[1]) ? 2 : 1;
	return *s == q ? s + 1 : NULL;
}

static void check_sxp(const char *out)
{
	if (strncmp(out, "linux ", 6))
		abort();
	const char *s = out + 6;
	int fields = 0;
	while (*s) {
		const char *name = s + 1;
		if (*s != '(' || !(s = strchr(s, ' ')))
			abort();
		if (strncmp(name, "kernel ", 7) && strncmp(name, "ramdisk ", 8) && strncmp(name, "args ", 5))
			abort();
		s++;
		if (!strncmp(s, "None)", 5))
			s += 4;
		else if (!(s = skip_literal(s)))
			abort();
		if (*s++ != ')')
			abort();
		if (++fields > 3)
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	/* three values separated by NUL bytes */
	const char *v[3] = { text, "", "" };
	size_t off = strlen(text) + 1;
	for (int i = 1; i < 3 && off <= size; i++) {
		v[i] = text + off;
		off += strlen(v[i]) + 1;
	}
	struct gb_ctx *ctx = gb_ctx_new();
	for (int fmt = GB_PYGRUB_SXP; fmt <= GB_PYGRUB_SIMPLE0; fmt++) {
		char *out = NULL;
		size_t len;
		gb_ctx_clear(ctx);
		if (gb_pygrub_format(ctx, fmt, v[0], v[1], v[2], &out, &len) == 0) {
			if (fmt == GB_PYGRUB_SXP)
				check_sxp(out);
			free(out);
		}
	}
	for (int fmt = GB_OUT_JSON; fmt <= GB_OUT_FIRECRACKER; fmt++) {
		struct gb_boot_output b = { .struct_size = sizeof b, .format = fmt, .kernel = v[0], .initrd = v[1],
					    .args = v[2], .entry_path = "0", .title = v[0],
					    .id = v[1], .volume = -1, .volume_id = v[2] };
		char *out = NULL;
		if (gb_format_boot(ctx, &b, &out) == 0)
			free(out);
	}
	gb_ctx_free(ctx);
	free(text);
	return 0;
}
