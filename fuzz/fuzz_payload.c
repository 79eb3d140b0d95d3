/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libFuzzer: kernel and initrd inspection on arbitrary bytes (bzImage
 * headers, compressed payloads, ELF notes, PE sections, cpio archives).
 * The first byte picks the inspector so one corpus covers both; the
 * results' strings must stay NUL-terminated inside their arrays. */
#include "guestboot.h"

#include <stdlib.h>
#include <string.h>

static int count(void *arg, const char *name)
{
	(*(size_t *)arg) += strlen(name) > 0;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!size)
		return 0;
	struct gb_ctx *ctx = gb_ctx_new();
	if (!ctx)
		return 0;
	if (data[0] & 1) {
		struct gb_kernel_info k = GB_SIZED(struct gb_kernel_info);
		gb_kernel_inspect(ctx, data + 1, size - 1, &k);
		if (strnlen(k.version, sizeof(k.version)) == sizeof(k.version) ||
		    strnlen(k.kind, sizeof(k.kind)) == sizeof(k.kind) ||
		    strnlen(k.note, sizeof(k.note)) == sizeof(k.note) ||
		    strnlen(k.arch, sizeof(k.arch)) == sizeof(k.arch) ||
		    strnlen(k.format, sizeof(k.format)) == sizeof(k.format))
			abort();
		/* the arm64 Image (an Image, Image.gz, zboot or UKI's) */
		void *img = NULL;
		size_t n = 0;
		if (!gb_kernel_raw_image(ctx, data + 1, size - 1, &img, &n) && n < 0x40)
			abort();
		free(img);
	} else {
		struct gb_initrd_info in = GB_SIZED(struct gb_initrd_info);
		size_t names = 0;
		gb_initrd_inspect(ctx, data + 1, size - 1, &in, count, &names);
		if (names > in.files ||
		    strnlen(in.kernel_version, sizeof(in.kernel_version)) == sizeof(in.kernel_version))
			abort();
	}
	gb_ctx_free(ctx);
	return 0;
}
