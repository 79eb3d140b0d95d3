/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Test tool: lay out a ramdisk from host files as guestboot's
 * gb_ramdisk_build does for an entry, and write it to stdout, so that
 * every layout (GRUB 2.12's too, which no parser chooses yet) can be
 * compared with tests/lib/ramdisk_model.py.
 * Usage: ramdisk-layout grub|grub-nul PART...   PART: FILE or newc:NAME:FILE
 *        ramdisk-layout stub PART...            PART: FILE or cpio:DIR:FILE[:FILE...] */
#define _GNU_SOURCE
#include "menu/menu.h"
#include "payload/payload.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static int host_size(struct gb_ctx *ctx, void *arg, const struct gb_boot_file *f, uint64_t *size)
{
	(void)arg;
	struct stat st;
	if (stat(f->path, &st))
		return gb_error(ctx, GB_E_NOT_FOUND, "%s: %s", f->path, strerror(errno));
	*size = (uint64_t)st.st_size;
	return 0;
}

static int put_bytes(struct gb_ctx *ctx, void *arg, const uint8_t *p, size_t n)
{
	(void)arg;
	return fwrite(p, 1, n, stdout) == n ? 0 : gb_error(ctx, GB_E_IO, "writing: %s", strerror(errno));
}

static int put_file(struct gb_ctx *ctx, void *arg, const struct gb_boot_file *f, uint64_t size)
{
	FILE *in = fopen(f->path, "rb");
	if (!in)
		return gb_error(ctx, GB_E_NOT_FOUND, "%s: %s", f->path, strerror(errno));
	char buf[65536];
	size_t n;
	int r = 0;
	while (!r && size && (n = fread(buf, 1, sizeof(buf), in)) > 0) {
		r = put_bytes(ctx, arg, (const uint8_t *)buf, n);
		size -= n < size ? n : size;
	}
	fclose(in);
	return r;
}

static int add(struct gb_ctx *ctx, struct gb_entry *e, const char *path, const char *name, int cpio)
{
	int r = gb_entry_add_file(ctx, &e->initrds, &e->ninitrds, 0, path, NULL);
	if (!r && name) {
		e->initrds[e->ninitrds - 1].cpio_name = strdup(name);
		e->initrds[e->ninitrds - 1].cpio = cpio;
	}
	return r;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: ramdisk-layout grub|grub-nul|stub PART...\n");
		return 2;
	}
	struct gb_ctx *ctx = gb_ctx_new();
	struct gb_entry e = { .kind = GB_ENTRY_LINUX };
	bool stub = !strcmp(argv[1], "stub");
	int newc = !strcmp(argv[1], "grub-nul") ? GB_CPIO_GRUB_NUL : GB_CPIO_GRUB;
	if (stub) { /* a UKI's kernel: the stub joins the initrds */
		e.kernel.path = "uki.efi";
		e.kernel.length = 1;
		e.kernel.section = ".linux";
	}
	int r = 0;
	for (int i = 2; i < argc && !r; i++) {
		char *a = strdup(argv[i]), *c;
		if (!stub && !strncmp(a, "newc:", 5) && (c = strchr(a + 5 + strspn(a + 5, "/"), ':'))) {
			*c = '\0'; /* the name without its leading slashes, as GRUB takes it */
			r = add(ctx, &e, c + 1, a + 5 + strspn(a + 5, "/"), newc);
		} else if (stub && !strncmp(a, "cpio:", 5) && (c = strchr(a + 5, ':'))) {
			*c = '\0';
			char *dir = a + 5, *file = c + 1, *next;
			for (int k = 0; file && !r; k++, file = next) {
				if ((next = strchr(file, ':')))
					*next++ = '\0';
				char *name = NULL;
				const char *base = strrchr(file, '/');
				if (asprintf(&name, "%s/%s", dir, base ? base + 1 : file) < 0)
					return 1;
				r = add(ctx, &e, file, name, k ? GB_CPIO_STUB_MORE : GB_CPIO_STUB);
				free(name);
			}
		} else {
			r = add(ctx, &e, a, NULL, GB_CPIO_NONE);
		}
		free(a);
	}
	const struct gb_ramdisk_sink sink = { put_bytes, host_size, put_file, NULL, NULL };
	if (!r)
		r = gb_ramdisk_build(ctx, NULL, &e, &sink);
	if (r)
		fprintf(stderr, "ramdisk-layout: %s\n", gb_ctx_message(ctx));
	for (size_t i = 0; i < e.ninitrds; i++) {
		free(e.initrds[i].path);
		free(e.initrds[i].cpio_name);
	}
	free(e.initrds);
	gb_ctx_free(ctx);
	return r ? 1 : 0;
}
