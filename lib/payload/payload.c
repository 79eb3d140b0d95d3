/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Payload: the chosen entry's kernel and initrds, read from the guest with
 * size limits checked before and during the copy. */
#define _GNU_SOURCE
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
	struct gb_stat st = GB_SIZED(struct gb_stat);
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
	if (f->length) {
		/* a section of the file (a UKI's): checked again at the copy */
		if (!gb_range_ok(f->offset, f->length, st.size)) {
			size_t mark = gb_vol_scope(ctx, fs->vol);
			r = gb_error(ctx, GB_E_CORRUPT, "%s: section %s lies outside the file", f->path,
				     f->section ? f->section : "");
			gb_scope_pop(ctx, mark);
			return r;
		}
		*size = f->length;
	}
	return 0;
}

/* Copy a boot file, or the part of it the entry names, to fd. */
static int copy_boot_file(struct gb_ctx *ctx, struct gb_fs *fs, const struct gb_boot_file *f,
			  int fd, uint64_t max)
{
	if (f->length)
		return gb_fs_copy_range_to_fd(ctx, fs, f->path, f->offset, f->length, fd, max);
	return gb_fs_copy_to_fd(ctx, fs, f->path, fd, max);
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

/* PV-GRUB (GRUB legacy built for Xen) loads whatever `kernel` names as a
 * PV kernel; for an illumos PV entry that is i86xpv's unix, with the boot
 * archive as its module. A multiboot kernel that is not a Xen PV kernel
 * is a hypervisor (xen.gz), which only a machine boots. */
int gb_entry_as_xen_pv(struct gb_ctx *ctx, const struct gb_menu *m, const struct gb_entry *e,
		       const char *args, struct gb_entry *pv)
{
	const char *title = e->title ? e->title : "(untitled)";
	if (e->kind != GB_ENTRY_MULTIBOOT || !e->kernel.path)
		return e->kind == GB_ENTRY_LINUX ? gb_error(ctx, GB_E_USAGE, "'%s' is not a multiboot entry", title) :
		       bootable(ctx, e);
	struct gb_kernel_info k = GB_SIZED(struct gb_kernel_info);
	int r = gb_entry_inspect_kernel(ctx, m, e, &k);
	if (r)
		return r;
	if (!k.xen_pv)
		return gb_error(ctx, GB_E_UNSUPPORTED,
				"'%s' is a multiboot entry whose kernel %s is not a Xen PV kernel (%s%s%s; "
				"no XEN_ELFNOTE_ENTRY note): a hypervisor or another OS, which a "
				"PV guest cannot boot", title, e->kernel.path, k.kind,
				k.os[0] ? " " : "", k.os);
	if (e->nmodules > 1)
		return gb_error(ctx, GB_E_UNSUPPORTED,
				"'%s': a Xen PV kernel with %zu modules; a PV guest is given one ramdisk",
				title, e->nmodules);
	*pv = *e;
	pv->kind = GB_ENTRY_LINUX;
	pv->initrds = e->nmodules ? e->modules : NULL;
	pv->ninitrds = e->nmodules;
	pv->modules = NULL;
	pv->nmodules = 0;
	/* GRUB legacy's multiboot command line: the file as written, then the rest */
	const char *word = e->kernel_word ? e->kernel_word : e->kernel.path;
	if (!args)
		args = e->args ? e->args : "";
	if (asprintf(&pv->args, "%s%s%s", word, *args ? " " : "", args) < 0) {
		pv->args = NULL;
		return gb_error(ctx, GB_E_NOMEM, "out of memory");
	}
	return 0;
}

int gb_entry_check_files(struct gb_ctx *ctx, const struct gb_menu *m, const struct gb_entry *e,
			 const struct gb_boot_limits *caller_lim)
{
	struct gb_boot_limits l, *lim = &l;
	int r = GB_ABI_IN(ctx, &l, caller_lim);
	if (!r)
		r = bootable(ctx, e);
	if (r)
		return r;
	uint64_t size, total = 0;
	if ((r = file_size(ctx, m, &e->kernel, &size)))
		return r;
	if (lim->kernel_max && size > lim->kernel_max)
		return limit_error(ctx, "kernel", size, lim->kernel_max);
	for (size_t i = 0; i < e->ninitrds; i++) {
		if ((r = file_size(ctx, m, &e->initrds[i], &size)))
			return r;
		/* the one before was padded to 4 bytes (gb_entry_write_initrd) */
		if (i && !gb_add_ok(total, -total & 3, &total))
			return limit_error(ctx, "ramdisk", total, lim->initrd_max);
		if (!gb_add_ok(total, size, &total) ||
		    (lim->initrd_max && total > lim->initrd_max))
			return limit_error(ctx, "ramdisk", total, lim->initrd_max);
	}
	return 0;
}

int gb_entry_write_kernel(struct gb_ctx *ctx, const struct gb_menu *m, const struct gb_entry *e,
			  int fd, const struct gb_boot_limits *caller_lim)
{
	struct gb_boot_limits l, *lim = &l;
	int r = GB_ABI_IN(ctx, &l, caller_lim);
	if (!r)
		r = gb_entry_check_files(ctx, m, e, lim);
	struct gb_fs *fs;
	if (r || (r = open_file_fs(ctx, m, &e->kernel, &fs)))
		return r;
	return copy_boot_file(ctx, fs, &e->kernel, fd, lim->kernel_max);
}

static int write_zeros(struct gb_ctx *ctx, int fd, size_t n)
{
	static const char zeros[4];
	if (gb_write_all(fd, zeros, n))
		return gb_error(ctx, GB_E_IO, "writing the ramdisk: %s", strerror(errno));
	return 0;
}

/* Several initrds are joined in order as GRUB loads them
 * (grub-core/loader/linux.c, grub_initrd_load): each but the last is
 * padded with zeros to a multiple of 4 bytes, where the kernel looks for
 * the next cpio archive. syslinux's initramfs chain aligns the same way. */
int gb_entry_write_initrd(struct gb_ctx *ctx, const struct gb_menu *m, const struct gb_entry *e,
			  int fd, const struct gb_boot_limits *caller_lim)
{
	struct gb_boot_limits l, *lim = &l;
	int r = GB_ABI_IN(ctx, &l, caller_lim);
	if (!r)
		r = gb_entry_check_files(ctx, m, e, lim);
	for (size_t i = 0; !r && i < e->ninitrds; i++) {
		struct gb_fs *fs;
		uint64_t size = 0;
		if (!(r = file_size(ctx, m, &e->initrds[i], &size)) &&
		    !(r = open_file_fs(ctx, m, &e->initrds[i], &fs)))
			r = copy_boot_file(ctx, fs, &e->initrds[i], fd, lim->initrd_max);
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
	if (f->length) {
		if (f->length > max)
			return gb_error(ctx, GB_E_LIMIT, "%s: section %s is %llu bytes, more than the limit of %zu",
					f->path, f->section ? f->section : "",
					(unsigned long long)f->length, max);
		r = gb_fs_read_range(ctx, fs, f->path, f->offset, (size_t)f->length, &p);
		if (!r) {
			*data = (uint8_t *)p;
			*len = (size_t)f->length;
		}
		return r;
	}
	r = gb_fs_read_file(ctx, fs, f->path, max, &p, len);
	if (!r)
		*data = (uint8_t *)p;
	return r;
}

struct gb_work *gb_payload_work(const struct gb_menu *m, const struct gb_boot_file *f,
				const char *kind, char *key, size_t cap)
{
	struct gb_volume *v = gb_menu_file_volume(m, f);
	/* a path too long for the key is simply not remembered */
	int w = snprintf(key, cap, "%s:%p:%s", kind, (void *)v, f->path ? f->path : "");
	if (w < 0 || (size_t)w >= cap)
		key[0] = '\0';
	return v && v->src ? &v->src->work : NULL;
}
