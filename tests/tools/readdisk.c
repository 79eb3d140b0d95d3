/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Test tool: open an image as guestboot does (format, backing file, offset)
 * and write its whole virtual disk to standard output, in reads of CHUNK
 * bytes (an odd chunk crosses every cluster boundary at a new place), so
 * that the test can compare it with `qemu-img convert -O raw`.
 * Usage: readdisk [--format F] [--backing FILE --backing-format F]
 *                 [--offset N] [--chunk N] IMAGE
 * Errors: the one-line message on stderr, exit status as guestboot's. */
#include "source/source.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static int dump(struct gb_ctx *ctx, struct gb_source *src, size_t chunk)
{
	uint8_t *buf = malloc(chunk);
	if (!buf)
		return gb_error(ctx, GB_E_NOMEM, "out of memory");
	int r = 0;
	for (uint64_t off = 0; off < src->size && !r; off += chunk) {
		size_t n = src->size - off < chunk ? (size_t)(src->size - off) : chunk;
		r = gb_source_read(ctx, src, off, buf, n);
		if (!r && gb_write_all(STDOUT_FILENO, buf, n))
			r = gb_error(ctx, GB_E_IO, "write to stdout failed");
	}
	free(buf);
	return r;
}

int main(int argc, char **argv)
{
	struct gb_image_options o = GB_SIZED(struct gb_image_options);
	size_t chunk = 1 << 20;
	int i = 1;
	for (; i + 1 < argc && argv[i][0] == '-'; i += 2) {
		const char *k = argv[i], *v = argv[i + 1];
		if (!strcmp(k, "--format"))
			o.format = v;
		else if (!strcmp(k, "--backing"))
			o.backing = v;
		else if (!strcmp(k, "--backing-format"))
			o.backing_format = v;
		else if (!strcmp(k, "--offset"))
			o.offset = strtoull(v, NULL, 0);
		else if (!strcmp(k, "--chunk"))
			chunk = strtoul(v, NULL, 0);
		else
			break;
	}
	if (i + 1 != argc || !chunk) {
		fprintf(stderr, "usage: readdisk [--format F] [--backing FILE --backing-format F] "
				"[--offset N] [--chunk N] IMAGE\n");
		return 2;
	}
	struct gb_ctx *ctx = gb_ctx_new();
	struct gb_source *src = NULL;
	size_t mark = gb_scope_push(ctx, "%s", argv[i]);
	int r = gb_source_open_image(ctx, argv[i], &o, &src);
	if (!r)
		r = dump(ctx, src, chunk);
	gb_scope_pop(ctx, mark);
	if (r)
		fprintf(stderr, "readdisk: %s\n", gb_ctx_message(ctx));
	gb_source_close(src);
	gb_ctx_free(ctx);
	return gb_exit_code(r);
}
