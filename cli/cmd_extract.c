/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* extract: the chosen entry's kernel and initrd as files, and what QEMU,
 * Firecracker or a script needs to boot them. */
#define _GNU_SOURCE
#include "cli.h"

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
	       "  -o, --output-dir DIR   where to write (default: the current directory)\n"
	       "  -e, --entry SPEC       a GRUB path (1>0), an index, an id or a title\n"
	       "  -f, --format FMT       json (default), shell, qemu, firecracker\n"
	       "      --kernel-only      write no initrd\n"
	       "      --print            write no files: print the entry's files as VOL:PATH\n"
	       "      --max-kernel-size BYTES, --max-ramdisk-size BYTES (suffixes K, M, G;\n"
	       "                         defaults 256M and 1G)\n"
	       "      --config VOL:PATH, --kind KIND, --pvgrub MODE, --platform NAME\n"
	       "                         as for 'guestboot list'\n"
	       "      --offset BYTES, --sector-size N\n"
	       "  -h, --help             this text\n\n"
	       "The files appear complete or not at all: they are written under a\n"
	       "temporary name and renamed at the end; on any failure nothing is left.\n");
}

static bool parse_size(const char *s, uint64_t *out)
{
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	unsigned shift = 0;
	if (errno || end == s || s[0] == '-')
		return false;
	switch (*end) {
	case 'K': case 'k': shift = 10; end++; break;
	case 'M': case 'm': shift = 20; end++; break;
	case 'G': case 'g': shift = 30; end++; break;
	}
	if (*end || (shift && v > (UINT64_MAX >> shift)))
		return false;
	*out = (uint64_t)v << shift;
	return true;
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

static int commit(struct staged *s)
{
	int r = fchmod(s->fd, 0644) || fsync(s->fd) || close(s->fd) ? -1 : 0;
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
	if (asprintf(&s, "%s:%s", v ? gb_volume_info(v)->id : "-1", f->path) < 0)
		return NULL;
	return s;
}

struct extract {
	const char *image, *entry;
	struct cli_image_opts img;
	struct gb_menu_options menu;
	struct gb_boot_limits lim;
	bool kernel_only, print_only;
	struct staged k, i;
};

/* The child's result: NUL-separated fields, in this order. */
enum { F_KERNEL, F_INITRD, F_ARGS, F_PATH, F_TITLE, F_ID, F_HAS_ID, F_VOLUME, NFIELDS };

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

/* The sandboxed half: parse, choose, write into the staged descriptors,
 * and send back what the parent prints. */
static int extract_child(void *arg)
{
	struct extract *x = arg;
	struct gb_ctx *ctx = gb_ctx_new();
	struct gb_image *img = NULL;
	struct gb_menu *menu = NULL;
	const struct gb_entry *e = NULL;
	char label[64] = "", volume[256], *kpath = NULL, *ipath = NULL;
	size_t path[8], depth = 0;
	struct gb_boot_limits lim = x->lim;
	if (x->kernel_only)
		lim.initrd_max = 0;
	int r = cli_open(ctx, x->image, &x->img, &img);
	if (!r)
		r = gb_menu_load(ctx, img, &x->menu, &menu);
	if (r)
		goto fail;
	if (x->entry) {
		e = gb_menu_find(menu, x->entry, path, &depth);
		if (!e) {
			fprintf(stderr, "guestboot: %s: no entry '%s' (see 'guestboot list')\n",
				x->image, x->entry);
			r = 3;
			goto done;
		}
	} else {
		const size_t *p;
		e = gb_menu_default(menu, &p, &depth);
		if (!e) {
			fprintf(stderr, "guestboot: %s: the menu has no entries\n", x->image);
			r = 3;
			goto done;
		}
		memcpy(path, p, depth * sizeof(*p));
	}
	for (size_t d = 0, n = 0; d < depth; d++)
		n += (size_t)snprintf(label + n, sizeof(label) - n, d ? ">%zu" : "%zu", path[d]);
	bool with_initrd = e->ninitrds && !x->kernel_only;
	if ((r = gb_entry_check_files(ctx, menu, e, &lim)))
		goto fail;
	if (x->print_only) {
		kpath = vol_path(menu, &e->kernel);
		ipath = with_initrd ? initrd_paths(menu, e) : strdup("");
	} else {
		if ((r = gb_entry_write_kernel(ctx, menu, e, x->k.fd, &lim)) ||
		    (with_initrd && (r = gb_entry_write_initrd(ctx, menu, e, x->i.fd, &lim))))
			goto fail;
		/* the parent knows the paths; these only say which exist */
		kpath = strdup("k");
		ipath = strdup(with_initrd ? "i" : "");
	}
	if (!kpath || !ipath) {
		r = GB_E_NOMEM;
		goto fail;
	}
	struct gb_volume *kv = gb_menu_file_volume(menu, &e->kernel);
	snprintf(volume, sizeof(volume), "%s", kv ? gb_volume_info(kv)->id : "");
	const char *f[NFIELDS] = {
		[F_KERNEL] = kpath, [F_INITRD] = ipath, [F_ARGS] = e->args ? e->args : "",
		[F_PATH] = label, [F_TITLE] = e->title ? e->title : "",
		[F_ID] = e->id ? e->id : "", [F_HAS_ID] = e->id ? "1" : "0", [F_VOLUME] = volume,
	};
	r = cli_result_fields(f, NFIELDS) ? 6 : 0;
	goto done;
fail:
	r = cli_fail(ctx, r);
done:
	free(kpath);
	free(ipath);
	gb_menu_close(menu);
	gb_image_close(img);
	gb_ctx_free(ctx);
	return r;
}

int cmd_extract(int argc, char **argv)
{
	enum { O_KONLY = 256, O_PRINT, O_MAXK, O_MAXR, O_CONFIG, O_KIND, O_PVGRUB, O_PLATFORM };
	static const struct option longopts[] = {
		{ "output-dir", required_argument, NULL, 'o' },
		{ "entry", required_argument, NULL, 'e' },
		{ "format", required_argument, NULL, 'f' },
		{ "kernel-only", no_argument, NULL, O_KONLY },
		{ "print", no_argument, NULL, O_PRINT },
		{ "max-kernel-size", required_argument, NULL, O_MAXK },
		{ "max-ramdisk-size", required_argument, NULL, O_MAXR },
		{ "config", required_argument, NULL, O_CONFIG },
		{ "kind", required_argument, NULL, O_KIND },
		{ "pvgrub", required_argument, NULL, O_PVGRUB },
		{ "platform", required_argument, NULL, O_PLATFORM },
		CLI_IMAGE_LONGOPTS,
		{ 0 },
	};
	struct cli_image_opts o = { 0 };
	struct gb_menu_options mo = { 0 };
	struct gb_boot_limits lim = { GB_DEFAULT_KERNEL_MAX, GB_DEFAULT_INITRD_MAX };
	const char *dir = ".", *entry = NULL;
	int format = GB_OUT_JSON, c;
	bool kernel_only = false, print_only = false;
	while ((c = getopt_long(argc, argv, "ho:e:f:", longopts, NULL)) != -1) {
		if (cli_image_opt(c, optarg, &o))
			continue;
		switch (c) {
		case 'o': dir = optarg; break;
		case 'e': entry = optarg; break;
		case 'f':
			if (!strcmp(optarg, "json"))
				format = GB_OUT_JSON;
			else if (!strcmp(optarg, "shell"))
				format = GB_OUT_SHELL;
			else if (!strcmp(optarg, "qemu"))
				format = GB_OUT_QEMU;
			else if (!strcmp(optarg, "firecracker"))
				format = GB_OUT_FIRECRACKER;
			else
				return cli_usage_error("extract", "unknown format '%s'", optarg);
			break;
		case O_KONLY: kernel_only = true; break;
		case O_PRINT: print_only = true; break;
		case O_MAXK:
		case O_MAXR:
			if (!parse_size(optarg, c == O_MAXK ? &lim.kernel_max : &lim.initrd_max))
				return cli_usage_error("extract", "bad size '%s'", optarg);
			break;
		case O_CONFIG: mo.config = optarg; break;
		case O_KIND: mo.kind = optarg; break;
		case O_PVGRUB: mo.pvgrub = optarg; break;
		case O_PLATFORM: mo.grub_platform = optarg; break;
		case 'h': extract_help(); return 0;
		default: return cli_usage_error("extract", "bad option");
		}
	}
	if (optind + 1 != argc)
		return cli_usage_error("extract", "expected one IMAGE");
	struct stat st;
	if (!print_only && (stat(dir, &st) || !S_ISDIR(st.st_mode)))
		return cli_usage_error("extract", "%s is not an existing directory", dir);

	/* The output files are opened here, before the image is; the
	 * sandboxed child fills them, and they are renamed into place only
	 * when everything succeeded. */
	struct extract x = { .image = argv[optind], .img = o, .menu = mo, .lim = lim,
			     .entry = entry, .kernel_only = kernel_only, .print_only = print_only,
			     .k = { .fd = -1 }, .i = { .fd = -1 } };
	int r;
	if (!print_only &&
	    (stage(dir, "vmlinuz", &x.k) || (!kernel_only && stage(dir, "initrd", &x.i)))) {
		fprintf(stderr, "guestboot: cannot create a file in %s: %s\n", dir, strerror(errno));
		unstage(&x.k);
		unstage(&x.i);
		return 6;
	}
	char result[GB_RESULT_MAX];
	size_t len;
	const char *f[NFIELDS];
	r = cli_supervise(x.image, extract_child, &x, result, sizeof(result), &len);
	if (!r && cli_result_parse(result, len, f, NFIELDS)) {
		fprintf(stderr, "guestboot: %s: malformed result from the parser\n", x.image);
		r = 1;
	}
	if (r)
		goto done;
	bool with_initrd = f[F_INITRD][0] != '\0';
	if (!with_initrd)
		unstage(&x.i);
	if (!print_only && (commit(&x.k) || (with_initrd && commit(&x.i)))) {
		fprintf(stderr, "guestboot: cannot write into %s: %s\n", dir, strerror(errno));
		unlink(x.k.final);
		r = 6;
		goto done;
	}
	struct gb_ctx *ctx = gb_ctx_new();
	char *out = NULL;
	struct gb_boot_output b = {
		.format = format,
		.kernel = print_only ? f[F_KERNEL] : x.k.final,
		.initrd = !with_initrd ? NULL : print_only ? f[F_INITRD] : x.i.final,
		.args = f[F_ARGS], .entry_path = f[F_PATH], .title = f[F_TITLE],
		.id = f[F_HAS_ID][0] == '1' ? f[F_ID] : NULL,
		/* a partition number, or an LV's or array's VOL name */
		.volume = f[F_VOLUME][0] >= '0' && f[F_VOLUME][0] <= '9' ? atoi(f[F_VOLUME]) : -1,
		.volume_id = f[F_VOLUME][0] ? f[F_VOLUME] : NULL,
	};
	if ((r = gb_format_boot(ctx, &b, &out)))
		r = cli_fail(ctx, r);
	else {
		fputs(out, stdout);
		r = fflush(stdout) ? 6 : 0;
	}
	free(out);
	gb_ctx_free(ctx);
done:
	unstage(&x.k);
	unstage(&x.i);
	return r;
}
