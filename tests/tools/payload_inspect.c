/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Test tool: run the kernel or initrd inspector on a host file and print
 * what it found as KEY=VALUE lines (tests/integration/inspect_kernels.sh).
 * Usage: payload-inspect kernel|initrd FILE
 *        payload-inspect vmlinux FILE OUT [pvh]: write the kernel's vmlinux
 *        payload-inspect image FILE OUT: write the kernel's arm64 Image */
#include "guestboot.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	size_t cap = 1 << 20, n = 0;
	char *p = malloc(cap);
	size_t got;
	while (p && (got = fread(p + n, 1, cap - n, f)) > 0) {
		n += got;
		if (n == cap) {
			char *q = realloc(p, cap *= 2);
			if (!q) {
				free(p);
				p = NULL;
			}
			p = q;
		}
	}
	fclose(f);
	*len = n;
	return p;
}

static int print_name(void *arg, const char *name)
{
	if (arg)
		printf("file=%s\n", name);
	return 0;
}

static void drivers(const char *key, uint32_t bits)
{
	printf("%s=", key);
	const char *sep = "";
	for (uint32_t b = 1; b < (1u << GB_DRV_COUNT); b <<= 1)
		if (bits & b) {
			printf("%s%s", sep, gb_driver_name(b));
			sep = ",";
		}
	putchar('\n');
}

int main(int argc, char **argv)
{
	if (argc < 3)
		return 2;
	size_t len;
	char *d = slurp(argv[2], &len);
	if (!d)
		return 3;
	struct gb_ctx *ctx = gb_ctx_new();
	int r;
	if (!strcmp(argv[1], "vmlinux") && argc > 3) {
		void *v = NULL;
		size_t vn = 0;
		unsigned flags = argc > 4 && !strcmp(argv[4], "pvh") ? GB_VMLINUX_PVH : 0;
		r = gb_kernel_vmlinux(ctx, d, len, flags, &v, &vn);
		FILE *f = r ? NULL : fopen(argv[3], "wb");
		if (!r && (!f || fwrite(v, 1, vn, f) != vn))
			r = 1;
		if (f && fclose(f))
			r = 1;
		free(v);
	} else if (!strcmp(argv[1], "image") && argc > 3) {
		void *v = NULL;
		size_t vn = 0;
		r = gb_kernel_raw_image(ctx, d, len, &v, &vn);
		FILE *f = r ? NULL : fopen(argv[3], "wb");
		if (!r && (!f || fwrite(v, 1, vn, f) != vn))
			r = 1;
		if (f && fclose(f))
			r = 1;
		free(v);
	} else if (!strcmp(argv[1], "kernel")) {
		struct gb_kernel_info k = GB_SIZED(struct gb_kernel_info);
		r = gb_kernel_inspect(ctx, d, len, &k);
		printf("kind=%s\nos=%s\nversion=%s\ncompression=%s\nprotocol=%x\npayload_read=%d\n"
		       "elf=%d\nxen_pv=%d\nxen_pvh=%d\nguest_os=%s\nxen_notes=%s\nuki_initrd=%d\nnote=%s\n",
		       k.kind, k.os, k.version, k.compression, k.boot_protocol, k.payload_read, k.elf,
		       k.xen_pv, k.xen_pvh, k.xen_guest_os, k.xen_notes, k.uki_initrd, k.note);
		printf("arch=%s\nformat=%s\npage_size=%u\nbig_endian=%d\nimage_size=%llu\n", k.arch,
		       k.format, (unsigned)k.page_size, k.big_endian, (unsigned long long)k.image_size);
	} else {
		struct gb_initrd_info in = GB_SIZED(struct gb_initrd_info);
		r = gb_initrd_inspect(ctx, d, len, &in, print_name, argc > 3 ? argv : NULL);
		printf("segments=%zu\ncompressions=%s\nfiles=%zu\nkernel_version=%s\ncomplete=%d\nnote=%s\n",
		       in.segments, in.compressions, in.files, in.kernel_version, in.complete, in.note);
		drivers("modules", in.modules);
		drivers("builtin", in.builtin);
	}
	if (r)
		fprintf(stderr, "payload-inspect: %s\n", gb_ctx_message(ctx));
	gb_ctx_free(ctx);
	free(d);
	return r ? 1 : 0;
}
