/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* extract: the chosen entry's kernel and initrd as files, and what QEMU,
 * Firecracker or a script needs to boot them. */
#define _GNU_SOURCE
#include "cli.h"
#include "menu_ui.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void extract_help(void)
{
	printf("Usage: guestboot extract [OPTIONS] IMAGE\n\n"
	       "Write the kernel and initrd of the entry the guest's bootloader would\n"
	       "boot (or --entry) into DIR as 'vmlinuz' and 'initrd' (several initrds\n"
	       "concatenated in order, as GRUB passes them), and print how to boot them.\n\n"
	       "Options:\n"
	       "  -e, --entry SPEC       a GRUB path (1>0), an index, an id or a title\n"
	       CLI_EXTRACT_HELP
	       CLI_ENTRY_HELP
	       "  -h, --help             this text\n\n"
	       "firecracker writes and names 'vmlinux' (what Firecracker loads);\n"
	       "cloud-hypervisor and qemu with --vmlinux refuse a kernel without a PVH entry.\n"
	       "An arm64 kernel has no vmlinux: firecracker and cloud-hypervisor write and\n"
	       "name 'Image' instead, and qemu does for a kernel it cannot load (EFI zboot).\n"
	       "The entry's devicetree, when it names one, is written as 'dtb' (qemu: -dtb).\n"
	       "The files appear complete or not at all: they are written under a\n"
	       "temporary name and renamed at the end; on any failure nothing is left.\n");
}

struct staged {
	char *tmp, *final;
	int fd;
};

static int stage(const char *dir, const char *name, struct staged *s)
{
	s->fd = -1;
	/* Absolute, so the printed paths work from anywhere. */
	char *abs = realpath(dir, NULL);
	if (!abs)
		return -1;
	int r = asprintf(&s->final, "%s/%s", abs, name) < 0 ||
		asprintf(&s->tmp, "%s/.%s.XXXXXX", abs, name) < 0;
	free(abs);
	if (r)
		return -1;
	s->fd = mkostemp(s->tmp, O_CLOEXEC);
	return s->fd < 0 ? -1 : 0;
}

static void unstage(struct staged *s)
{
	if (s->fd >= 0) {
		close(s->fd);
		unlink(s->tmp);
	}
	free(s->tmp);
	free(s->final);
	s->tmp = s->final = NULL;
	s->fd = -1;
}

/* Remove the files kept for this boot (unstaged ones have no name). */
static void unlink_kept(struct staged *const *all, size_t n)
{
	for (size_t j = 0; j < n; j++)
		if (all[j]->final)
			unlink(all[j]->final);
}

static int commit(struct staged *s)
{
	/* no fsync: the files feed a boot now, not a crash later. Renaming
	 * over an older file replaces it atomically; ext4's auto_da_alloc
	 * flush at that rename costs little now that the copy fallocate()s
	 * the file's blocks (it used to cost more than the copy). */
	int r = fchmod(s->fd, 0644) || close(s->fd) ? -1 : 0;
	s->fd = -1;
	if (r || rename(s->tmp, s->final)) {
		unlink(s->tmp);
		return -1;
	}
	return 0;
}

static char *vol_path(const struct gb_menu *m, const struct gb_boot_file *f)
{
	struct gb_volume *v = gb_menu_file_volume(m, f);
	char *s = NULL;
	/* The VOL spec, so that LVs and arrays ("lvm/vg0/root") work too. */
	/* A UKI's kernel or initrd is a section of the file: PATH#.linux; a
	 * file the bootloader wraps in a cpio archive is written as GRUB's
	 * initrd command names it: newc:NAME:VOL:PATH */
	if (asprintf(&s, "%s%s%s%s:%s%s%s", f->cpio_name ? "newc:" : "",
		     f->cpio_name ? f->cpio_name : "", f->cpio_name ? ":" : "",
		     v ? gb_volume_info(v)->id : "-1", f->path, f->length ? "#" : "",
		     f->length && f->section ? f->section : "") < 0)
		return NULL;
	return s;
}

struct extract {
	const struct cli_extract *req;
	struct cli_extract_fds fd; /* opened by the parent, filled by the child */
	FILE *tty_in, *tty_out; /* the menu's terminal, opened before the sandbox */
};

/* The child's result: NUL-separated fields, in this order. */
enum { F_KERNEL, F_INITRD, F_ARGS, F_PATH, F_TITLE, F_ID, F_HAS_ID, F_VOLUME, F_CMDLINE, F_GRUBENV,
       F_BOOT, F_DTB, NFIELDS };

/* Several initrds for --print: their VOL:PATHs, space-separated. */
static char *initrd_paths(const struct gb_menu *m, const struct gb_entry *e)
{
	char *all = strdup("");
	for (size_t n = 0; all && n < e->ninitrds; n++) {
		char *one = vol_path(m, &e->initrds[n]), *joined = NULL;
		if (!one || asprintf(&joined, "%s%s%s", all, *all ? " " : "", one) < 0)
			joined = NULL;
		free(one);
		free(all);
		all = joined;
	}
	return all;
}

/* The controlling terminal, made ready for the menu while files can still
 * be opened (the sandbox is entered when the image is). */
static int open_tty(struct extract *x)
{
	x->tty_in = fopen("/dev/tty", "re");
	x->tty_out = fopen("/dev/tty", "we");
	if (x->tty_in && x->tty_out && !cli_menu_prepare(x->tty_in, x->tty_out))
		return 0;
	fprintf(stderr, "guestboot: %s: cannot show the menu: no usable terminal "
			"(use 'guestboot extract')\n", x->req->image);
	return 1;
}

static void close_tty(struct extract *x)
{
	cli_menu_release();
	if (x->tty_in)
		fclose(x->tty_in);
	if (x->tty_out)
		fclose(x->tty_out);
	x->tty_in = x->tty_out = NULL;
}

/* The person at the terminal chooses, and may edit the command line
 * (*args, malloc'd). Returns 0 or the exit status. */
static int choose_on_tty(struct extract *x, const struct gb_menu *menu,
			 const struct gb_entry **e, char **args)
{
	cli_watchdog_pause(true);
	int r = cli_menu_run(menu, x->tty_in, x->tty_out, e, args);
	cli_watchdog_pause(false);
	if (r == CLI_MENU_QUIT) {
		fprintf(stderr, "guestboot: %s: no entry chosen\n", x->req->image);
		return 1;
	}
	if (r) {
		fprintf(stderr, "guestboot: %s: cannot show the menu: no usable terminal "
				"(use 'guestboot extract')\n", x->req->image);
		return 1;
	}
	return 0;
}

/* The entry to extract: the menu's choice, --entry, or the default; its
 * place in the menu in path[0..*depth). Returns 0 or the exit status. */
static int choose_entry(struct extract *x, const struct gb_menu *menu, const struct gb_entry **e,
			size_t *path, size_t *depth, char **args)
{
	const struct cli_extract *q = x->req;
	const size_t *p;
	if (q->entry) {
		*e = gb_menu_search(menu, q->entry, path, depth);
		if (!*e) {
			fprintf(stderr, "guestboot: %s: no entry '%s' (see 'guestboot list')\n",
				q->image, q->entry);
			return 3;
		}
		return 0;
	}
	*e = gb_menu_default(menu, &p, depth);
	if (!*e) {
		fprintf(stderr, "guestboot: %s: the menu has no entries\n", q->image);
		return 3;
	}
	memcpy(path, p, *depth * sizeof(*p));
	if (!q->interactive)
		return 0;
	int r = choose_on_tty(x, menu, e, args);
	if (!r)
		cli_menu_locate(menu, *e, path, depth);
	return r;
}

/* Does the target boot the vmlinux, and must it have a PVH entry? */
static bool cloud_hypervisor_boots_bzimage(const char *version)
{
	/* bzImage direct boot came back in Cloud Hypervisor in February 2024
	 * (cloud-hypervisor PR 6200); 39 is the first release surely after */
	return version && atoi(version) >= 39;
}

static bool wants_vmlinux(const struct cli_extract *q)
{
	if (q->print_only)
		return false;
	return q->vmlinux || q->format == GB_OUT_FIRECRACKER ||
	       (q->format == GB_OUT_CLOUD_HYPERVISOR &&
		!cloud_hypervisor_boots_bzimage(q->vmm_version));
}

static unsigned vmlinux_flags(const struct cli_extract *q)
{
	/* QEMU's -kernel and Cloud Hypervisor enter an ELF only through PVH;
	 * Firecracker takes the 64-bit boot protocol when there is none */
	return q->format == GB_OUT_QEMU || q->format == GB_OUT_CLOUD_HYPERVISOR ? GB_VMLINUX_PVH : 0;
}

/* Might the target boot an uncompressed arm64 Image? Which kernel it is
 * only the child knows: the parent makes room for one. */
static bool may_want_image(const struct cli_extract *q)
{
	return !q->print_only && (q->raw_image || q->format == GB_OUT_FIRECRACKER ||
				  q->format == GB_OUT_CLOUD_HYPERVISOR || q->format == GB_OUT_QEMU);
}

/* Does the target take this arm64 kernel only as its uncompressed Image?
 * Firecracker and Cloud Hypervisor load nothing else; QEMU's virt loader
 * takes an Image or an Image.gz, and an EFI zboot image only from QEMU 8.0
 * on (gzip only: Debian 12 has 7.2). */
static bool needs_image(const struct cli_extract *q, const struct gb_kernel_info *k)
{
	if (q->raw_image || q->format == GB_OUT_FIRECRACKER || q->format == GB_OUT_CLOUD_HYPERVISOR)
		return true;
	return q->format == GB_OUT_QEMU && strcmp(k->format, "Image") && strcmp(k->format, "Image.gz");
}

/* Write the decompressed kernel the target boots, if any: the vmlinux of
 * an x86 kernel, the Image of an arm64 one. *form says which. Returns 0,
 * a GB_E_* code (ctx says why), or an exit status after saying why (a
 * kernel of the other machine than the option asks for). */
static int write_boot_form(struct gb_ctx *ctx, struct extract *x, const struct gb_menu *menu,
			   const struct gb_entry *e, const struct gb_boot_limits *lim, const char **form)
{
	const struct cli_extract *q = x->req;
	*form = "";
	if (x->fd.vmlinux < 0 && x->fd.image < 0)
		return 0;
	struct gb_kernel_info k = GB_SIZED(struct gb_kernel_info);
	int r = gb_entry_inspect_kernel(ctx, menu, e, &k);
	if (r)
		return r;
	bool arm64 = !strcmp(k.arch, "arm64");
	const char *what = k.format[0] ? k.format : k.kind;
	if (arm64 && q->vmlinux) {
		fprintf(stderr, "guestboot: %s: --vmlinux: the kernel %s is an arm64 %s, which has no ELF "
				"vmlinux: use --raw-image\n", q->image, e->kernel.path, what);
		return gb_exit_code(GB_E_UNSUPPORTED);
	}
	if (!arm64 && q->raw_image) {
		fprintf(stderr, "guestboot: %s: --raw-image: the kernel %s is a%s %s %s, not an arm64 "
				"kernel%s\n", q->image, e->kernel.path, k.arch[0] == 'x' ? "n" : "",
			k.arch[0] ? k.arch : "unknown", what,
			k.arch[0] == 'x' ? ": use --vmlinux" : "");
		return gb_exit_code(GB_E_UNSUPPORTED);
	}
	if (arm64 && x->fd.image >= 0 && needs_image(q, &k)) {
		*form = "Image";
		return gb_entry_write_raw_image(ctx, menu, e, x->fd.image, lim);
	}
	if (!arm64 && x->fd.vmlinux >= 0) {
		*form = "vmlinux";
		return gb_entry_write_vmlinux(ctx, menu, e, x->fd.vmlinux, lim, vmlinux_flags(q));
	}
	return 0;
}

/* The sandboxed half: parse, choose, write into the staged descriptors,
 * and send back what the parent prints. */
static int extract_child(void *arg)
{
	struct extract *x = arg;
	struct gb_ctx *ctx = gb_ctx_new();
	struct gb_image *img = NULL;
	struct gb_menu *menu = NULL;
	const struct gb_entry *e = NULL;
	const struct cli_extract *q = x->req;
	char label[64] = "", volume[256], *kpath = NULL, *ipath = NULL, *dpath = NULL, *args = NULL,
	     *plan = NULL;
	size_t plan_len = 0;
	const char *form = "";
	struct gb_entry pv = { .args = NULL };
	size_t path[8], depth = 0;
	struct gb_boot_limits lim = q->lim;
	if (q->kernel_only)
		lim.initrd_max = 0;
	int r = q->interactive ? open_tty(x) : 0;
	if (r)
		goto done;
	r = cli_open(ctx, q->image, &q->img, &img);
	if (!r)
		r = gb_menu_load(ctx, img, &q->menu, &menu);
	if (r)
		goto fail;
	if ((r = choose_entry(x, menu, &e, path, &depth, &args)))
		goto done;
	for (size_t d = 0, n = 0; d < depth; d++)
		n += (size_t)snprintf(label + n, sizeof(label) - n, d ? ">%zu" : "%zu", path[d]);
	/* what GRUB's save_env writes as this entry boots; the parent writes it */
	if (q->update_grubenv && !q->print_only && (r = gb_grubenv_plan(ctx, menu, e, &plan, &plan_len)))
		goto fail;
	/* an illumos PV entry (its kernel a Xen PV kernel, which only Xen
	 * boots): as PV-GRUB boots it */
	if (e->kind == GB_ENTRY_MULTIBOOT) {
		if ((r = gb_entry_as_xen_pv(ctx, menu, e, args, &pv)))
			goto fail;
		e = &pv;
		free(args);
		args = NULL;
	}
	bool with_initrd = e->ninitrds && !q->kernel_only;
	if ((r = gb_entry_check_files(ctx, menu, e, &lim)))
		goto fail;
	if (!q->print_only &&
	    ((r = gb_entry_write_kernel(ctx, menu, e, x->fd.kernel, &lim)) ||
	     (with_initrd && (r = gb_entry_write_initrd(ctx, menu, e, x->fd.initrd, &lim))) ||
	     (e->devicetree.path && x->fd.dtb >= 0 &&
	      (r = gb_entry_write_devicetree(ctx, menu, e, x->fd.dtb, &lim)))))
		goto fail;
	if (!q->print_only && (r = write_boot_form(ctx, x, menu, e, &lim, &form))) {
		if (r > 0)
			goto done; /* said why */
		goto fail;
	}
	kpath = vol_path(menu, &e->kernel);
	ipath = with_initrd ? initrd_paths(menu, e) : strdup("");
	dpath = e->devicetree.path ? vol_path(menu, &e->devicetree) : strdup("");
	if (!kpath || !ipath || !dpath) {
		r = GB_E_NOMEM;
		goto fail;
	}
	struct gb_volume *kv = gb_menu_file_volume(menu, &e->kernel);
	snprintf(volume, sizeof(volume), "%s", kv ? gb_volume_info(kv)->id : "");
	bool edited = args && strcmp(args, e->args ? e->args : "");
	const char *f[NFIELDS] = {
		[F_KERNEL] = kpath, [F_INITRD] = ipath, [F_ARGS] = args ? args : e->args ? e->args : "",
		[F_PATH] = label, [F_TITLE] = e->title ? e->title : "",
		[F_ID] = e->id ? e->id : "", [F_HAS_ID] = e->id ? "1" : "0", [F_VOLUME] = volume,
		/* a command line edited in the menu is used as typed */
		[F_CMDLINE] = edited ? args : e->cmdline ? e->cmdline : e->args ? e->args : "",
		[F_GRUBENV] = plan ? plan : "", [F_BOOT] = form, [F_DTB] = dpath,
	};
	r = cli_result_fields(f, NFIELDS) ? 6 : 0;
	goto done;
fail:
	r = cli_fail(ctx, r);
done:
	close_tty(x);
	free(plan);
	free(args);
	free(pv.args);
	free(kpath);
	free(ipath);
	free(dpath);
	gb_menu_close(menu);
	gb_image_close(img);
	gb_ctx_free(ctx);
	return r;
}

bool cli_extract_opt(int c, const char *arg, const char *cmd, struct cli_extract *x, int *err)
{
	*err = 0;
	if (cli_image_opt(c, arg, &x->img))
		return true;
	switch (c) {
	case 'o': x->dir = arg; return true;
	case 'f':
		if (!strcmp(arg, "json"))
			x->format = GB_OUT_JSON;
		else if (!strcmp(arg, "shell"))
			x->format = GB_OUT_SHELL;
		else if (!strcmp(arg, "qemu"))
			x->format = GB_OUT_QEMU;
		else if (!strcmp(arg, "firecracker"))
			x->format = GB_OUT_FIRECRACKER;
		else if (!strcmp(arg, "cloud-hypervisor"))
			x->format = GB_OUT_CLOUD_HYPERVISOR;
		else
			*err = cli_usage_error(cmd, "unknown format '%s'", arg);
		return true;
	case CLI_O_KONLY: x->kernel_only = true; return true;
	case CLI_O_GRUBENV: x->update_grubenv = true; return true;
	case CLI_O_PRINT: x->print_only = true; return true;
	case CLI_O_VMLINUX: x->vmlinux = true; return true;
	case CLI_O_RAWIMAGE: x->raw_image = true; return true;
	case CLI_O_VMMVER:
		/* MAJOR[.MINOR[.PATCH]] */
		if (arg[0] < '0' || arg[0] > '9' || strspn(arg, "0123456789.") != strlen(arg))
			*err = cli_usage_error(cmd, "bad version '%s' (MAJOR[.MINOR])", arg);
		x->vmm_version = arg;
		return true;
	case CLI_O_MAXK:
	case CLI_O_MAXR:
		if (!cli_parse_size(arg, c == CLI_O_MAXK ? &x->lim.kernel_max : &x->lim.initrd_max))
			*err = cli_usage_error(cmd, "bad size '%s'", arg);
		return true;
	case CLI_O_CONFIG: x->menu.config = arg; return true;
	case CLI_O_KIND: x->menu.kind = arg; return true;
	case CLI_O_PVGRUB: x->menu.pvgrub = arg; return true;
	case CLI_O_PLATFORM: x->menu.grub_platform = arg; return true;
	}
	return false;
}

/* The parent's half after the child succeeded: format the result with the
 * parent's own file names, then rename the files into place and print it
 * (a result that cannot be printed leaves no files behind). */
static int publish(const struct cli_extract *q, struct staged *k, struct staged *i,
		   struct staged *v, struct staged *im, struct staged *d,
		   const struct cli_entry_result *e)
{
	bool with_initrd = e->initrd[0] != '\0';
	if (!with_initrd)
		unstage(i);
	/* the child wrote at most one of vmlinux and Image, and the dtb when
	 * the entry names one */
	if (strcmp(e->boot, "vmlinux"))
		unstage(v);
	if (strcmp(e->boot, "Image"))
		unstage(im);
	if (!e->dtb[0])
		unstage(d);
	struct gb_ctx *ctx = gb_ctx_new();
	char *out = NULL;
	struct gb_boot_output b = { .struct_size = sizeof b,
		.format = q->format,
		.kernel = q->print_only ? e->kernel : k->final,
		.initrd = !with_initrd ? NULL : q->print_only ? e->initrd : i->final,
		.args = e->args, .cmdline = e->cmdline, .entry_path = e->path, .title = e->title, .id = e->id,
		/* a partition number, or an LV's or array's VOL name */
		.volume = e->volume[0] >= '0' && e->volume[0] <= '9' ? atoi(e->volume) : -1,
		.volume_id = e->volume[0] ? e->volume : NULL,
		.vmlinux = v->fd >= 0 ? v->final : NULL,
		.raw_image = im->fd >= 0 ? im->final : NULL,
		.devicetree = !e->dtb[0] ? NULL : q->print_only ? e->dtb : d->final,
	};
	struct staged *all[] = { k, i, v, im, d };
	int r = gb_format_boot(ctx, &b, &out);
	if (r) {
		r = cli_fail(ctx, r);
	} else if (!q->print_only && (commit(k) || (with_initrd && commit(i)) ||
				      (v->fd >= 0 && commit(v)) || (im->fd >= 0 && commit(im)) ||
				      (d->fd >= 0 && commit(d)))) {
		fprintf(stderr, "guestboot: cannot write into %s: %s\n", q->dir, strerror(errno));
		unlink_kept(all, sizeof(all) / sizeof(all[0]));
		r = 6;
	} else if (*e->grubenv && (r = cli_update_grubenv(q->image, &q->img, e->grubenv))) {
		/* the boot fails as a whole: no files are left */
		unlink_kept(all, sizeof(all) / sizeof(all[0]));
	} else {
		fputs(out, stdout);
		r = fflush(stdout) ? 6 : 0;
	}
	free(out);
	gb_ctx_free(ctx);
	return r;
}

uint64_t largest_copy(const struct gb_boot_limits *lim)
{
	/* a limit of 0 (none asked for) leaves the file size unlimited */
	if (!lim->kernel_max || !lim->initrd_max)
		return 0;
	return lim->kernel_max > lim->initrd_max ? lim->kernel_max : lim->initrd_max;
}

int cli_extract_to_fds(const struct cli_extract *q, const struct cli_extract_fds *fds,
		       struct cli_entry_result *res)
{
	struct extract x = { .req = q, .fd = *fds };
	int kernel_fd = fds->kernel, initrd_fd = fds->initrd;
	size_t len;
	const char *f[NFIELDS];
	/* A menu waits for a person: the watchdog pauses meanwhile. */
	cli_sandbox.interactive = q->interactive;
	/* The child holds the two copies and nothing else of ours; it can
	 * write no file larger than the largest copy. What the host parses
	 * (our stdout) only the parent writes. */
	cli_sandbox.files[0] = kernel_fd;
	cli_sandbox.files[1] = initrd_fd;
	cli_sandbox.files[2] = fds->vmlinux;
	cli_sandbox.files[3] = fds->image;
	cli_sandbox.files[4] = fds->dtb;
	cli_sandbox.lim.file_size = kernel_fd < 0 && initrd_fd < 0 ? 1 : largest_copy(&q->lim);
	/* a vmlinux or Image is bounded by the decompression cap, not the copy limits */
	if ((fds->vmlinux >= 0 || fds->image >= 0) && cli_sandbox.lim.file_size &&
	    cli_sandbox.lim.file_size < GB_INSPECT_OUTPUT_MAX)
		cli_sandbox.lim.file_size = GB_INSPECT_OUTPUT_MAX;
	cli_sandbox.discard_stdout = true;
	int r = cli_supervise(q->image, extract_child, &x, res->buf, sizeof(res->buf), &len);
	if (!r && cli_result_parse(res->buf, len, f, NFIELDS)) {
		fprintf(stderr, "guestboot: %s: malformed result from the parser\n", q->image);
		r = 1;
	}
	if (r)
		return r;
	res->kernel = f[F_KERNEL];
	res->initrd = f[F_INITRD];
	res->args = f[F_ARGS];
	res->path = f[F_PATH];
	res->title = f[F_TITLE];
	res->id = f[F_HAS_ID][0] == '1' ? f[F_ID] : NULL;
	res->volume = f[F_VOLUME];
	res->cmdline = f[F_CMDLINE];
	res->grubenv = f[F_GRUBENV];
	if (*res->grubenv && !q->update_grubenv) {
		fprintf(stderr, "guestboot: %s: malformed result from the parser\n", q->image);
		return 1;
	}
	res->boot = f[F_BOOT];
	res->dtb = f[F_DTB];
	return 0;
}

int cli_update_grubenv(const char *image, const struct cli_image_opts *o, const char *plan)
{
	struct gb_ctx *ctx = gb_ctx_new();
	if (!ctx)
		return 10;
	struct gb_image_options opt = o->img;
	opt.struct_size = sizeof opt;
	int r = gb_grubenv_apply(ctx, image, &opt, plan, strlen(plan));
	r = r ? cli_fail(ctx, r) : 0;
	gb_ctx_free(ctx);
	return r;
}

int cli_extract_run(const struct cli_extract *q, const char *cmd)
{
	struct stat st;
	if (!q->print_only && (stat(q->dir, &st) || !S_ISDIR(st.st_mode)))
		return cli_usage_error(cmd, "%s is not an existing directory", q->dir);
	/* The output files are opened here, before the image is; the
	 * sandboxed child fills them, and they are renamed into place only
	 * when everything succeeded. */
	struct staged k = { .fd = -1 }, i = { .fd = -1 }, v = { .fd = -1 }, im = { .fd = -1 },
		      d = { .fd = -1 };
	struct staged *all[] = { &k, &i, &v, &im, &d };
	if (!q->print_only &&
	    (stage(q->dir, "vmlinuz", &k) || (!q->kernel_only && stage(q->dir, "initrd", &i)) ||
	     (wants_vmlinux(q) && stage(q->dir, "vmlinux", &v)) ||
	     (may_want_image(q) && stage(q->dir, "Image", &im)) || stage(q->dir, "dtb", &d))) {
		fprintf(stderr, "guestboot: cannot create a file in %s: %s\n", q->dir, strerror(errno));
		for (size_t n = 0; n < sizeof(all) / sizeof(all[0]); n++)
			unstage(all[n]);
		return 6;
	}
	static struct cli_entry_result res;
	struct cli_extract_fds fds = { k.fd, i.fd, v.fd, im.fd, d.fd };
	int r = cli_extract_to_fds(q, &fds, &res);
	if (!r)
		r = publish(q, &k, &i, &v, &im, &d, &res);
	for (size_t n = 0; n < sizeof(all) / sizeof(all[0]); n++)
		unstage(all[n]);
	return r;
}

int cmd_extract(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "entry", required_argument, NULL, 'e' },
		CLI_EXTRACT_LONGOPTS,
		CLI_IMAGE_LONGOPTS,
		{ 0 },
	};
	struct cli_extract x = CLI_EXTRACT_DEFAULTS;
	int c, err;
	while ((c = getopt_long(argc, argv, "ho:e:f:", longopts, NULL)) != -1) {
		if (cli_extract_opt(c, optarg, "extract", &x, &err)) {
			if (err)
				return err;
			continue;
		}
		switch (c) {
		case 'e': x.entry = optarg; break;
		case 'h': extract_help(); return 0;
		default: return cli_usage_error("extract", "bad option");
		}
	}
	if (optind + 1 != argc)
		return cli_usage_error("extract", "expected one IMAGE");
	x.image = argv[optind];
	return cli_extract_run(&x, "extract");
}
