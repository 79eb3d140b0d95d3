/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Payload: the chosen entry's kernel and initrds, read from the guest with
 * size limits checked before and during the copy. */
#include "fs/fs.h"
#include "menu/menu.h"
#include "payload/payload.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static int open_file_fs(struct gb_ctx *ctx, const struct gb_menu *m,
			const struct gb_boot_file *f, struct gb_fs **fs)
{
	struct gb_volume *v = gb_menu_file_volume(m, f);
	if (!v)
		return gb_error(ctx, GB_E_NOT_FOUND, "%s: the configuration names no device this image has",
				f->path);
	return gb_volume_mount(ctx, v, fs);
}

static int file_size(struct gb_ctx *ctx, const struct gb_menu *m, const struct gb_boot_file *f,
		     uint64_t *size)
{
	struct gb_fs *fs;
	int r = open_file_fs(ctx, m, f, &fs);
	if (r)
		return r;
	struct gb_stat st;
	r = gb_fs_stat(ctx, fs, f->path, &st);
	if (r)
		return r;
	if (st.type != GB_FT_REG) {
		size_t mark = gb_vol_scope(ctx, fs->vol);
		r = gb_error(ctx, GB_E_NOT_FOUND, "%s: not a regular file", f->path);
		gb_scope_pop(ctx, mark);
		return r;
	}
	*size = st.size;
	return 0;
}

static int limit_error(struct gb_ctx *ctx, const char *what, uint64_t size, uint64_t max)
{
	return gb_error(ctx, GB_E_LIMIT,
			"%s is %llu bytes, more than the limit of %llu (raise it with --max-%s-size)",
			what, (unsigned long long)size, (unsigned long long)max,
			!strcmp(what, "kernel") ? "kernel" : "ramdisk");
}

static int bootable(struct gb_ctx *ctx, const struct gb_entry *e)
{
	if (e->kind == GB_ENTRY_LINUX && e->kernel.path)
		return 0;
	const char *why = e->kind == GB_ENTRY_MULTIBOOT ? "a multiboot entry (a hypervisor or another OS)" :
			  e->kind == GB_ENTRY_CHAIN ? "a chainloader entry" :
			  e->kind == GB_ENTRY_SUBMENU ? "a submenu" : "an entry with no kernel";
	return gb_error(ctx, GB_E_UNSUPPORTED, "'%s' is %s, not a Linux kernel to boot directly",
			e->title ? e->title : "(untitled)", why);
}

int gb_entry_check_files(struct gb_ctx *ctx, const struct gb_menu *m, const struct gb_entry *e,
			 const struct gb_boot_limits *lim)
{
	int r = bootable(ctx, e);
	if (r)
		return r;
	uint64_t size, total = 0;
	if ((r = file_size(ctx, m, &e->kernel, &size)))
		return r;
	if (lim && lim->kernel_max && size > lim->kernel_max)
		return limit_error(ctx, "kernel", size, lim->kernel_max);
	for (size_t i = 0; i < e->ninitrds; i++) {
		if ((r = file_size(ctx, m, &e->initrds[i], &size)))
			return r;
		/* the one before was padded to 4 bytes (gb_entry_write_initrd) */
		if (i && !gb_add_ok(total, -total & 3, &total))
			return limit_error(ctx, "ramdisk", total, lim ? lim->initrd_max : 0);
		if (!gb_add_ok(total, size, &total) ||
		    (lim && lim->initrd_max && total > lim->initrd_max))
			return limit_error(ctx, "ramdisk", total, lim->initrd_max);
	}
	return 0;
}

int gb_entry_write_kernel(struct gb_ctx *ctx, const struct gb_menu *m, const struct gb_entry *e,
			  int fd, const struct gb_boot_limits *lim)
{
	int r = gb_entry_check_files(ctx, m, e, lim);
	struct gb_fs *fs;
	if (r || (r = open_file_fs(ctx, m, &e->kernel, &fs)))
		return r;
	return gb_fs_copy_to_fd(ctx, fs, e->kernel.path, fd, lim ? lim->kernel_max : 0);
}

static int write_zeros(struct gb_ctx *ctx, int fd, size_t n)
{
	static const char zeros[4];
	while (n) {
		ssize_t w = write(fd, zeros, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return gb_error(ctx, GB_E_IO, "writing the ramdisk: %s",
					w < 0 ? strerror(errno) : "short write");
		n -= (size_t)w;
	}
	return 0;
}

/* Several initrds are joined in order as GRUB loads them
 * (grub-core/loader/linux.c, grub_initrd_load): each but the last is
 * padded with zeros to a multiple of 4 bytes, where the kernel looks for
 * the next cpio archive. syslinux's initramfs chain aligns the same way. */
int gb_entry_write_initrd(struct gb_ctx *ctx, const struct gb_menu *m, const struct gb_entry *e,
			  int fd, const struct gb_boot_limits *lim)
{
	int r = gb_entry_check_files(ctx, m, e, lim);
	for (size_t i = 0; !r && i < e->ninitrds; i++) {
		struct gb_fs *fs;
		uint64_t size = 0;
		if (!(r = file_size(ctx, m, &e->initrds[i], &size)) &&
		    !(r = open_file_fs(ctx, m, &e->initrds[i], &fs)))
			r = gb_fs_copy_to_fd(ctx, fs, e->initrds[i].path, fd,
					     lim ? lim->initrd_max : 0);
		if (!r && i + 1 < e->ninitrds)
			r = write_zeros(ctx, fd, (size_t)(-size & 3));
	}
	return r;
}

int gb_payload_read(struct gb_ctx *ctx, const struct gb_menu *m, const struct gb_boot_file *f,
		    size_t max, uint8_t **data, size_t *len)
{
	struct gb_fs *fs;
	int r = open_file_fs(ctx, m, f, &fs);
	if (r)
		return r;
	char *p;
	r = gb_fs_read_file(ctx, fs, f->path, max, &p, len);
	if (!r)
		*data = (uint8_t *)p;
	return r;
}
