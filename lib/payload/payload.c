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

int gb_payload_size(struct gb_ctx *ctx, const struct gb_menu *m, const struct gb_boot_file *f,
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

/* Counting the ramdisk against its limit, reading no file. */
struct count {
	uint64_t total, max;
};

static int count_add(struct gb_ctx *ctx, struct count *c, uint64_t n)
{
	if (!gb_add_ok(c->total, n, &c->total) || (c->max && c->total > c->max))
		return limit_error(ctx, "ramdisk", c->total, c->max);
	return 0;
}

static int count_bytes(struct gb_ctx *ctx, void *arg, const uint8_t *p, size_t n)
{
	(void)p;
	return count_add(ctx, arg, n);
}

static int count_file(struct gb_ctx *ctx, void *arg, const struct gb_boot_file *f, uint64_t size)
{
	(void)f;
	return count_add(ctx, arg, size);
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
	uint64_t size;
	if ((r = gb_payload_size(ctx, m, &e->kernel, &size)))
		return r;
	if (lim->kernel_max && size > lim->kernel_max)
		return limit_error(ctx, "kernel", size, lim->kernel_max);
	/* every initrd exists, and the whole ramdisk (padding and the
	 * bootloader's cpio headers included) is within the limit */
	struct count c = { 0, lim->initrd_max };
	const struct gb_ramdisk_sink sink = { count_bytes, NULL, count_file, NULL, &c };
	return gb_ramdisk_build(ctx, m, e, &sink);
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

/* Writing the ramdisk to a descriptor. */
struct ramdisk_fd {
	const struct gb_menu *m;
	int fd;
	uint64_t max;
};

static int fd_bytes(struct gb_ctx *ctx, void *arg, const uint8_t *p, size_t n)
{
	struct ramdisk_fd *w = arg;
	if (gb_write_all(w->fd, p, n))
		return gb_error(ctx, GB_E_IO, "writing the ramdisk: %s", strerror(errno));
	return 0;
}

static int fd_file(struct gb_ctx *ctx, void *arg, const struct gb_boot_file *f, uint64_t size)
{
	(void)size;
	struct ramdisk_fd *w = arg;
	struct gb_fs *fs;
	int r = open_file_fs(ctx, w->m, f, &fs);
	return r ? r : copy_boot_file(ctx, fs, f, w->fd, w->max);
}

/* The ramdisk as the entry's bootloader builds it (gb_ramdisk_build):
 * GRUB's rule (grub-core/loader/linux.c, grub_initrd_load), which
 * syslinux's initramfs chain and systemd-boot's Type 1 entries follow too,
 * or systemd-stub's for a UKI. */
int gb_entry_write_initrd(struct gb_ctx *ctx, const struct gb_menu *m, const struct gb_entry *e,
			  int fd, const struct gb_boot_limits *caller_lim)
{
	struct gb_boot_limits l, *lim = &l;
	int r = GB_ABI_IN(ctx, &l, caller_lim);
	if (!r)
		r = gb_entry_check_files(ctx, m, e, lim);
	if (r)
		return r;
	struct ramdisk_fd w = { m, fd, lim->initrd_max };
	const struct gb_ramdisk_sink sink = { fd_bytes, NULL, fd_file, NULL, &w };
	return gb_ramdisk_build(ctx, m, e, &sink);
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
