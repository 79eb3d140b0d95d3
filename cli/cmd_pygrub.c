/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * pygrub: a drop-in for Xen's pygrub, so that xl's bootloader= and libvirt's
 * <bootloader> can point at guestboot. Same options, same output formats
 * byte for byte; where pygrub is wrong, guestboot is not: it follows GRUB's
 * semantics, exits non-zero on any failure and removes every partial copy.
 */
#define _GNU_SOURCE
#include "cli.h"
#include "menu_ui.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define PYGRUB_DEFAULT_DIR "/var/run/xen/pygrub/"

struct pygrub {
	const char *prog, *image;
	bool interactive, list, not_really, isconfig, debug, update_grubenv;
	const char *output, *output_dir, *kernel, *ramdisk, *args, *entry;
	int format;
	long runas;
	struct cli_image_opts img;
	struct gb_boot_limits lim;
	/* state */
	char *path_kernel, *path_ramdisk;
	int fd_kernel, fd_ramdisk, fd_out;
	FILE *tty_in, *tty_out; /* the menu's terminal (-i), NULL when none */
};

/* pygrub's usage line, to the byte; --help adds guestboot's extensions. */
static void usage(const char *prog)
{
	fprintf(stderr, "Usage: %s [-q|--quiet] [-i|--interactive] [-l|--list-entries] [-n|--not-really] [--output=] [--kernel=] [--ramdisk=] [--args=] [--entry=] [--output-directory=] [--output-format=sxp|simple|simple0] [--runas=] [--offset=] <image>\n",
		prog);
}

static void help(const char *prog)
{
	usage(prog);
	fprintf(stderr, "guestboot extensions: [--max-kernel-size=BYTES] [--max-ramdisk-size=BYTES]\n"
			"(suffixes K, M, G; defaults 256M and 1G) [--image-format=raw|qcow2]\n"
			"(default raw: the format is never guessed from the guest's disk)\n"
			"[--update-grubenv] (write the guest's grubenv as GRUB's save_env would for\n"
			"this boot: clears grub-reboot's next_entry).\n"
			"[--probe-formats=LIST] (the formats probed, '-zfs,-ufs': as for guestboot).\n"
			"See guestboot(1).\n");
}

/* Remove the copies made so far: a failed run leaves nothing behind. */
static void discard(struct pygrub *p)
{
	if (p->path_kernel)
		unlink(p->path_kernel);
	if (p->path_ramdisk)
		unlink(p->path_ramdisk);
}

static void close_copies(struct pygrub *p)
{
	if (p->fd_kernel >= 0)
		close(p->fd_kernel);
	if (p->fd_ramdisk >= 0)
		close(p->fd_ramdisk);
	free(p->path_kernel);
	free(p->path_ramdisk);
	p->fd_kernel = p->fd_ramdisk = -1;
	p->path_kernel = p->path_ramdisk = NULL;
}

static int fail(struct pygrub *p, struct gb_ctx *ctx, int err)
{
	discard(p);
	return cli_fail(ctx, err);
}

static int fail_msg(struct pygrub *p, const char *fmt, const char *arg)
{
	discard(p);
	fprintf(stderr, "guestboot: ");
	fprintf(stderr, fmt, arg);
	fputc('\n', stderr);
	return 1;
}

/* Python's os.path.abspath: absolute, with "//", "." and ".." folded
 * lexically (symlinks are not resolved). */
static char *abspath(const char *path)
{
	char *cwd = path[0] == '/' ? strdup("") : getcwd(NULL, 0);
	char *joined = NULL;
	if (!cwd || asprintf(&joined, "%s/%s", cwd, path) < 0) {
		free(cwd);
		return NULL;
	}
	free(cwd);
	char *out = malloc(strlen(joined) + 2);
	size_t o = 0;
	if (!out) {
		free(joined);
		return NULL;
	}
	for (char *save, *c = strtok_r(joined, "/", &save); c; c = strtok_r(NULL, "/", &save)) {
		if (!strcmp(c, "."))
			continue;
		if (!strcmp(c, "..")) {
			while (o > 0 && out[--o] != '/')
				;
			continue;
		}
		out[o++] = '/';
		size_t n = strlen(c);
		memcpy(out + o, c, n);
		o += n;
	}
	if (!o)
		out[o++] = '/';
	out[o] = '\0';
	free(joined);
	return out;
}

/* mkstemp in the output directory, named as pygrub names its copies (an
 * absolute path, as Python's tempfile returns it). */
static int make_temp(struct pygrub *p, const char *prefix, char **path, int *fd)
{
	char *dir = abspath(p->output_dir ? p->output_dir : PYGRUB_DEFAULT_DIR);
	if (!dir || asprintf(path, "%s%s%sXXXXXX", dir, strcmp(dir, "/") ? "/" : "", prefix) < 0) {
		free(dir);
		*path = NULL;
		return -1;
	}
	free(dir);
	*fd = mkostemp(*path, O_CLOEXEC);
	if (*fd < 0) {
		free(*path);
		*path = NULL;
		return -1;
	}
	return 0;
}

/* pygrub's notation for a root device: (hd0,msdos1) is "d0p1". */
static void print_root(const char *root)
{
	if (!root) {
		printf("  root: None\n");
		return;
	}
	const char *s = root;
	while (*s == '(')
		s++;
	int disk = -1, part = -1;
	if (!strncmp(s, "hd", 2))
		disk = atoi(s + 2);
	const char *comma = strchr(s, ',');
	if (comma) {
		comma++;
		if (!strncmp(comma, "msdos", 5))
			comma += 5;
		else if (!strncmp(comma, "gpt", 3))
			comma += 3;
		part = atoi(comma);
	}
	if (part >= 0)
		printf("  root: d%dp%d\n", disk, part);
	else
		printf("  root: d%d\n", disk);
}

/* pygrub flattens submenus: its entries are every non-submenu entry in
 * order. Visit them, stopping when fn returns true. */
static const struct gb_entry *flat_walk(const struct gb_entry *list, size_t n, size_t *index,
					bool (*fn)(const struct gb_entry *, size_t, void *),
					void *arg, int depth)
{
	for (size_t i = 0; i < n && depth < 8; i++) {
		const struct gb_entry *e = &list[i];
		if (e->kind == GB_ENTRY_SUBMENU) {
			const struct gb_entry *hit =
				flat_walk(e->children, e->nchildren, index, fn, arg, depth + 1);
			if (hit)
				return hit;
			continue;
		}
		if (fn(e, (*index)++, arg))
			return e;
	}
	return NULL;
}

/* pygrub prints these raw; here terminal controls are escaped (a title
 * with ESC ] or CSI would drive the operator's terminal). */
static void put_field(const char *label, const char *value)
{
	fputs(label, stdout);
	cli_put_text(stdout, value, 0);
	fputc('\n', stdout);
}

/* pygrub prints the initrd line as it is; here the files the entry
 * loads, as the config lists them (syslinux: commas), in GRUB's words
 * "newc:NAME:PATH" for one GRUB puts into a cpio archive. One plain initrd
 * prints as pygrub prints it. */
static char *initrd_words(const struct gb_entry *e, const char *sep)
{
	char *all = strdup("");
	for (size_t k = 0; all && k < e->ninitrds; k++) {
		const struct gb_boot_file *f = &e->initrds[k];
		char *more = NULL;
		if (asprintf(&more, "%s%s%s%s%s%s", all, k ? sep : "", f->cpio_name ? "newc:" : "",
			     f->cpio_name ? f->cpio_name : "", f->cpio_name ? ":" : "", f->path) < 0)
			more = NULL;
		free(all);
		all = more;
	}
	return all;
}

/* ARG is the config's kind: pygrub's extlinux images have an empty root,
 * never None. */
static bool list_one(const struct gb_entry *e, size_t i, void *arg)
{
	(void)i;
	put_field("title: ", e->title ? e->title : "");
	if (arg && !strcmp(arg, "syslinux"))
		printf("  root: \n");
	else
		print_root(e->root);
	put_field("  kernel: ", e->kernel.path ? e->kernel.path : "None");
	put_field("  args: ", e->args && *e->args ? e->args : "None");
	char *initrds = e->ninitrds ? initrd_words(e, arg && !strcmp(arg, "syslinux") ? "," : " ") : NULL;
	put_field("  initrd: ", initrds ? initrds : "None");
	free(initrds);
	return false;
}

struct find {
	const char *spec;
	long index;
};

static bool match_index(const struct gb_entry *e, size_t i, void *arg)
{
	(void)e;
	return (long)i == ((struct find *)arg)->index;
}

static bool match_title(const struct gb_entry *e, size_t i, void *arg)
{
	(void)i;
	return e->title && !strcmp(e->title, ((struct find *)arg)->spec);
}

/* --entry as pygrub reads it: an index into its flattened list, or an
 * exact title; then, as guestboot extensions, an id or a GRUB path "1>2".
 * pygrub ignores an entry that matches nothing and boots the default. */
static const struct gb_entry *pick_entry(const struct gb_menu *m, const char *spec)
{
	size_t n, idx = 0;
	const struct gb_entry *list = gb_menu_entries(m, &n);
	const struct gb_entry *e = NULL;
	if (spec) {
		char *end;
		struct find f = { spec, strtol(spec, &end, 10) };
		if (*spec && !*end)
			e = flat_walk(list, n, &idx, match_index, &f, 0);
		idx = 0;
		if (!e)
			e = flat_walk(list, n, &idx, match_title, &f, 0);
		if (!e)
			e = gb_menu_search(m, spec, NULL, NULL);
	}
	return e ? e : gb_menu_default(m, NULL, NULL);
}

/* --kernel: the named file from the first volume that has it. */
static int find_named(struct gb_image *img, const char *path, struct gb_fs **out)
{
	for (size_t i = 0; i < gb_image_volume_count(img); i++) {
		struct gb_volume *v = gb_image_volume(img, i);
		struct gb_fs *fs;
		struct gb_stat st = GB_SIZED(struct gb_stat);
		struct gb_ctx *q = gb_ctx_new();
		if (!q)
			return GB_E_NOMEM;
		int ok = gb_volume_info(v)->fstype[0] && !gb_volume_mount(q, v, &fs) &&
			 !gb_fs_stat(q, fs, path, &st) && st.type == GB_FT_REG;
		gb_ctx_free(q);
		if (ok) {
			*out = fs;
			return 0;
		}
	}
	return GB_E_NOT_FOUND;
}

static int copy_named(struct gb_ctx *ctx, struct gb_image *img, const char *path, int fd,
		      uint64_t max, const char *what)
{
	struct gb_fs *fs;
	if (find_named(img, path, &fs)) {
		fprintf(stderr, "guestboot: %s: %s %s not found on any volume\n",
			gb_image_name(img), what, path);
		return 3;
	}
	if (fd < 0) /* -n: existence is all that is checked */
		return 0;
	int r = gb_fs_copy_to_fd(ctx, fs, path, fd, max);
	return r ? cli_fail(ctx, r) : 0;
}

/* The controlling terminal (libxl gives the bootloader a pty proxied to
 * the domain's console), made ready for the menu while files can still be
 * opened: the sandbox is entered when the image is. Without one, the
 * default boots, as with -q. */
static void open_tty(struct pygrub *p)
{
	p->tty_in = fopen("/dev/tty", "re");
	p->tty_out = fopen("/dev/tty", "we");
	if (p->tty_in && p->tty_out && !cli_menu_prepare(p->tty_in, p->tty_out))
		return;
	cli_menu_release();
	if (p->tty_in)
		fclose(p->tty_in);
	if (p->tty_out)
		fclose(p->tty_out);
	p->tty_in = p->tty_out = NULL;
}

static void close_tty(struct pygrub *p)
{
	if (!p->tty_in)
		return;
	cli_menu_release();
	fclose(p->tty_in);
	fclose(p->tty_out);
	p->tty_in = p->tty_out = NULL;
}

/* The menu, when there is a terminal and something to choose: 0 with *e
 * and *args (the command line, maybe edited) set or left NULL (no menu:
 * boot the default), or 1 when the person quit. */
static int choose_interactively(struct pygrub *p, const struct gb_menu *menu,
				const struct gb_entry **e, char **args)
{
	if (!p->tty_in || !gb_menu_default(menu, NULL, NULL))
		return 0;
	cli_watchdog_pause(true);
	int r = cli_menu_run(menu, p->tty_in, p->tty_out, e, args);
	cli_watchdog_pause(false);
	if (r == CLI_MENU_QUIT) {
		fprintf(stderr, "guestboot: %s: No kernel image selected!\n", p->image);
		return 1;
	}
	return 0;
}

/* What pygrub does after reading the kernel from ZFS (bs: libfsimage's
 * boot string): in a non-empty command line, each word its pattern
 * zfs-bootfs=[\w\-\.\:@/]+ matches becomes bs, and with none " -B bs"
 * is added. Bytes beyond ASCII count as \w (Python's is Unicode's). A
 * line that holds bs already (an expanded $ZFS-BOOTFS) is kept: pygrub
 * would repeat its ",bootpath=" part. */
static char *add_zfs_bootstring(const char *args, const char *bs)
{
	if (!*args || strstr(args, bs))
		return strdup(args);
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);
	if (!f)
		return NULL;
	const char *key = "zfs-bootfs=", *t = args;
	bool found = false;
	for (const char *p; (p = strstr(t, key));) {
		const char *q = p + strlen(key), *w = q;
		while (*w && ((unsigned char)*w >= 0x80 || isalnum((unsigned char)*w) || strchr("_-.:@/", *w)))
			w++;
		if (w == q) { /* "+": one character at least */
			fwrite(t, 1, (size_t)(q - t), f);
		} else {
			fwrite(t, 1, (size_t)(p - t), f);
			fputs(bs, f);
			found = true;
		}
		t = w;
	}
	fputs(t, f);
	if (!found)
		fprintf(f, " -B %s", bs);
	if (fclose(f)) {
		free(out);
		return NULL;
	}
	return out;
}

/*
 * The sandboxed half: parse the image, choose the entry, write the kernel
 * and ramdisk into the descriptors the parent opened, and send back only
 * what the parent cannot know: whether there is a ramdisk, and the command
 * line. The parent formats the output with its own file names, so nothing
 * from the guest can name a host file (XSA-198). With -l, the listing goes
 * to stdout from here.
 */
static int child(void *arg)
{
	struct pygrub *p = arg;
	struct gb_ctx *ctx = gb_ctx_new();
	struct gb_image *img = NULL;
	struct gb_menu *menu = NULL;
	const struct gb_entry *e = NULL;
	char *args = NULL, *menu_args = NULL;
	struct gb_entry pv = { .args = NULL };
	char *plan = NULL;
	size_t plan_len = 0;
	int r;

	if (p->interactive && !p->kernel && !p->list)
		open_tty(p);
	if ((r = cli_open(ctx, p->image, &p->img, &img))) {
		r = cli_fail(ctx, r);
		goto out;
	}
	if (p->kernel) {
		r = 0;
		if (p->list)
			goto out;
		args = strdup(p->args ? p->args : "");
		if ((r = copy_named(ctx, img, p->kernel, p->not_really ? -1 : p->fd_kernel,
				    p->lim.kernel_max, "kernel")) ||
		    (p->ramdisk && (r = copy_named(ctx, img, p->ramdisk,
						   p->not_really ? -1 : p->fd_ramdisk,
						   p->lim.initrd_max, "ramdisk"))))
			goto out;
	} else {
		struct gb_menu_options mo = GB_SIZED(struct gb_menu_options);
		if ((r = gb_menu_load(ctx, img, &mo, &menu))) {
			r = cli_fail(ctx, r);
			goto out;
		}
		/* pygrub --debug logs what it skipped; these are ours */
		for (size_t i = 0; p->debug && i < gb_menu_warning_count(menu); i++)
			fprintf(stderr, "guestboot: debug: %s\n", gb_menu_warning(menu, i));
		if (p->list) {
			size_t n, idx = 0;
			const struct gb_entry *list = gb_menu_entries(menu, &n);
			flat_walk(list, n, &idx, list_one, (void *)gb_menu_kind(menu), 0);
			r = fflush(stdout) ? 6 : 0;
			goto out;
		}
		if ((r = choose_interactively(p, menu, &e, &menu_args)))
			goto out;
		if (!e)
			e = pick_entry(menu, p->entry);
		if (!e) {
			fprintf(stderr, "guestboot: %s: No kernel image selected!\n", p->image);
			r = 3;
			goto out;
		}
		/* what GRUB's save_env writes as this entry boots; the parent
		 * writes it */
		if (p->update_grubenv && !p->not_really &&
		    (r = gb_grubenv_plan(ctx, menu, e, &plan, &plan_len))) {
			r = cli_fail(ctx, r);
			goto out;
		}
		/* an illumos PV entry: booted as PV-GRUB boots it */
		if (e->kind == GB_ENTRY_MULTIBOOT) {
			if ((r = gb_entry_as_xen_pv(ctx, menu, e, menu_args, &pv))) {
				r = cli_fail(ctx, r);
				goto out;
			}
			e = &pv;
			free(menu_args);
			menu_args = NULL;
		}
		if ((r = gb_entry_check_files(ctx, menu, e, &p->lim)) ||
		    (!p->not_really &&
		     ((r = gb_entry_write_kernel(ctx, menu, e, p->fd_kernel, &p->lim)) ||
		      (e->ninitrds &&
		       (r = gb_entry_write_initrd(ctx, menu, e, p->fd_ramdisk, &p->lim)))))) {
			r = cli_fail(ctx, r);
			goto out;
		}
		const char *entry_args = menu_args ? menu_args : e->args;
		if (asprintf(&args, "%s%s%s", entry_args ? entry_args : "",
			     p->args && *p->args ? " " : "", p->args ? p->args : "") < 0)
			args = NULL;
		if (args && e->zfs_bootfs) {
			char *z = add_zfs_bootstring(args, e->zfs_bootfs);
			free(args);
			args = z;
		}
	}
	if (!args) {
		r = cli_fail(ctx, GB_E_NOMEM);
		goto out;
	}
	const char *fields[] = { (e ? e->ninitrds > 0 : p->ramdisk != NULL) ? "1" : "0", args,
				 plan ? plan : "" };
	r = cli_result_fields(fields, p->update_grubenv ? 3 : 2) ? 6 : 0;
out:
	close_tty(p);
	free(plan);
	free(args);
	free(menu_args);
	free(pv.args);
	gb_menu_close(menu);
	gb_image_close(img);
	gb_ctx_free(ctx);
	return r;
}

/* The parent's half: trust only the child's two fields, format the result
 * with the copies' names, write it, or remove the copies. */
static int run(struct pygrub *p)
{
	char result[GB_RESULT_MAX];
	size_t len;
	int r = cli_supervise(p->image, child, p, result, sizeof(result), &len);
	if (r || p->list) {
		discard(p);
		return r;
	}
	const char *fields[3] = { NULL, NULL, "" };
	if (cli_result_parse(result, len, fields, p->update_grubenv ? 3 : 2) ||
	    (strcmp(fields[0], "0") && strcmp(fields[0], "1"))) {
		fprintf(stderr, "guestboot: %s: malformed result from the parser\n", p->image);
		discard(p);
		return 1;
	}
	bool has_ramdisk = fields[0][0] == '1';
	if (!has_ramdisk && p->path_ramdisk) {
		unlink(p->path_ramdisk);
		free(p->path_ramdisk);
		p->path_ramdisk = NULL;
	}
	struct gb_ctx *ctx = gb_ctx_new();
	char *out = NULL;
	size_t outlen = 0;
	r = gb_pygrub_format(ctx, p->format, p->path_kernel, has_ramdisk ? p->path_ramdisk : NULL,
			     fields[1], &out, &outlen);
	if (r) {
		r = fail(p, ctx, r);
	} else if (*fields[2] && (r = cli_update_grubenv(p->image, &p->img, fields[2]))) {
		/* written last, here in the parent: a refusal fails the boot */
		discard(p);
	} else {
		fflush(stdout);
		if (cli_write_all(p->fd_out, out, outlen))
			r = fail_msg(p, "cannot write the result: %s", strerror(errno));
	}
	free(out);
	gb_ctx_free(ctx);
	return r;
}

/* --isconfig: IMAGE is a configuration file on the host (a debugging aid
 * of pygrub's): print the entry it would boot. The file is read here; the
 * parsing runs sandboxed like any other. */
struct isconfig {
	struct pygrub *p;
	const char *data;
	size_t len;
};

static int isconfig_child(void *arg)
{
	struct isconfig *ic = arg;
	struct pygrub *p = ic->p;
	struct gb_ctx *ctx = gb_ctx_new();
	struct gb_menu *menu = NULL;
	int r = cli_sandbox.enabled ? gb_sandbox_enter(ctx, &cli_sandbox.lim) : 0;
	const char *base = strrchr(p->image, '/');
	base = base ? base + 1 : p->image;
	/* pygrub reads any such file as a grub.cfg; a menu.lst or an
	 * extlinux.conf is read as what its name says. */
	const char *kind = !strcmp(base, "menu.lst") || !strcmp(base, "grub.conf") ? "grub1" :
			   strstr(base, "linux.c") ? "syslinux" : "grub2";
	if (!r)
		r = gb_menu_load_config(ctx, p->image, ic->data, ic->len, kind, NULL, &menu);
	if (r) {
		r = cli_fail(ctx, r);
	} else {
		const struct gb_entry *e = pick_entry(menu, p->entry);
		if (!e) {
			fprintf(stderr, "guestboot: %s: No kernel image selected!\n", p->image);
			r = 3;
		} else {
			put_field("  kernel: ", e->kernel.path ? e->kernel.path : "None");
			if (e->ninitrds)
				put_field("  initrd: ", e->initrds[0].path);
			fputs("  args: ", stdout);
			cli_put_text(stdout, e->args ? e->args : "", 0);
			printf("%s%s\n", p->args && *p->args ? " " : "", p->args ? p->args : "");
			r = fflush(stdout) ? 6 : 0;
		}
	}
	gb_menu_close(menu);
	gb_ctx_free(ctx);
	return r;
}

static int run_isconfig(struct pygrub *p)
{
	FILE *f = fopen(p->image, "r");
	if (!f) {
		fprintf(stderr, "guestboot: cannot open %s: %s\n", p->image, strerror(errno));
		return errno == ENOENT ? 3 : 6;
	}
	/* as pygrub, only the first 1 MiB of a configuration is read */
	static char data[1 << 20];
	size_t len = fread(data, 1, sizeof(data), f);
	fclose(f);
	struct isconfig ic = { p, data, len };
	return cli_supervise(p->image, isconfig_child, &ic, NULL, 0, NULL);
}

static int pygrub_run(int argc, char **argv)
{
	enum { O_OUTPUT = 256, O_FORMAT, O_DIR, O_OFFSET, O_RUNAS, O_ENTRY, O_KERNEL,
	       O_RAMDISK, O_ARGS, O_ISCONFIG, O_DEBUG, O_MAXK, O_MAXR, O_IMAGE_FORMAT, O_GRUBENV,
	       O_PROBE_FORMATS };
	static const struct option longopts[] = {
		{ "quiet", no_argument, NULL, 'q' },
		{ "interactive", no_argument, NULL, 'i' },
		{ "list-entries", no_argument, NULL, 'l' },
		{ "not-really", no_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ "output", required_argument, NULL, O_OUTPUT },
		{ "output-format", required_argument, NULL, O_FORMAT },
		{ "output-directory", required_argument, NULL, O_DIR },
		{ "offset", required_argument, NULL, O_OFFSET },
		{ "runas", required_argument, NULL, O_RUNAS },
		{ "entry", required_argument, NULL, O_ENTRY },
		{ "kernel", required_argument, NULL, O_KERNEL },
		{ "ramdisk", required_argument, NULL, O_RAMDISK },
		{ "args", required_argument, NULL, O_ARGS },
		{ "isconfig", no_argument, NULL, O_ISCONFIG },
		{ "debug", no_argument, NULL, O_DEBUG },
		{ "max-kernel-size", required_argument, NULL, O_MAXK },
		{ "max-ramdisk-size", required_argument, NULL, O_MAXR },
		{ "image-format", required_argument, NULL, O_IMAGE_FORMAT },
		{ "update-grubenv", no_argument, NULL, O_GRUBENV },
		{ "probe-formats", required_argument, NULL, O_PROBE_FORMATS },
		{ 0 },
	};
	/* Xen hands over the guest's disk as it is: raw, unless the caller
	 * says otherwise. Never probed: a guest could write a qcow2 header at
	 * the start of its own raw disk. */
	struct pygrub p = { .prog = argv[0], .interactive = true, .format = GB_PYGRUB_SXP,
			    .img.img.format = "raw",
			    .fd_kernel = -1, .fd_ramdisk = -1, .fd_out = STDOUT_FILENO,
			    .lim = { sizeof(struct gb_boot_limits), GB_DEFAULT_KERNEL_MAX, GB_DEFAULT_INITRD_MAX } };
	bool want_help = false;
	int c;
	char *end;
	while ((c = getopt_long(argc, argv, "qilnh", longopts, NULL)) != -1) {
		switch (c) {
		case 'q': p.interactive = false; break;
		case 'i': p.interactive = true; break;
		case 'l': p.list = true; break;
		case 'n': p.not_really = true; break;
		case 'h': want_help = true; break;
		case O_OUTPUT: p.output = strcmp(optarg, "-") ? optarg : NULL; break;
		case O_FORMAT:
			if (!strcmp(optarg, "sxp"))
				p.format = GB_PYGRUB_SXP;
			else if (!strcmp(optarg, "simple"))
				p.format = GB_PYGRUB_SIMPLE;
			else if (!strcmp(optarg, "simple0"))
				p.format = GB_PYGRUB_SIMPLE0;
			else {
				fprintf(stderr, "unknown output format %s\n", optarg);
				usage(p.prog);
				return 1;
			}
			break;
		case O_DIR: p.output_dir = optarg; break;
		case O_OFFSET:
			errno = 0;
			p.img.img.offset = strtoull(optarg, &end, 10);
			if (errno || *end || !*optarg || optarg[0] == '-') {
				fprintf(stderr, "offset value must be an integer\n");
				usage(p.prog);
				return 1;
			}
			break;
		case O_RUNAS:
			errno = 0;
			p.runas = strtol(optarg, &end, 10);
			if (errno || *end || !*optarg || p.runas < 0) {
				fprintf(stderr, "runas value must be an integer user id\n");
				usage(p.prog);
				return 1;
			}
			break;
		case O_ENTRY: p.entry = optarg; p.interactive = false; break;
		case O_KERNEL: p.kernel = optarg; break;
		case O_RAMDISK: p.ramdisk = optarg; break;
		case O_ARGS: p.args = optarg; break;
		case O_ISCONFIG: p.isconfig = true; break;
		case O_DEBUG: p.debug = true; break;
		case O_GRUBENV: p.update_grubenv = true; break;
		case O_IMAGE_FORMAT:
			if (strcmp(optarg, "raw") && strcmp(optarg, "qcow2")) {
				fprintf(stderr, "image format must be raw or qcow2\n");
				usage(p.prog);
				return 1;
			}
			p.img.img.format = optarg;
			break;
		case O_PROBE_FORMATS: p.img.img.probe_formats = optarg; break;
		case O_MAXK:
		case O_MAXR:
			if (!cli_parse_size(optarg, c == O_MAXK ? &p.lim.kernel_max : &p.lim.initrd_max)) {
				fprintf(stderr, "bad size '%s'\n", optarg);
				usage(p.prog);
				return 1;
			}
			break;
		default:
			usage(p.prog);
			return 1;
		}
	}
	/* As pygrub: the image is required even with --help. */
	if (optind >= argc) {
		usage(p.prog);
		return 1;
	}
	if (want_help) {
		help(p.prog);
		return 0;
	}
	const char *image = argv[optind];
	if (p.interactive && p.runas) {
		fprintf(stderr, "In order to use --runas, you must also set --entry or -q\n");
		return 1;
	}
	if (p.isconfig) {
		p.image = image;
		return run_isconfig(&p);
	}
	if (p.output_dir) {
		struct stat st;
		if (stat(p.output_dir, &st) || !S_ISDIR(st.st_mode)) {
			printf("%s is not an existing directory\n", p.output_dir);
			return 1;
		}
	} else if (mkdir(PYGRUB_DEFAULT_DIR, 0700) && errno != EEXIST) {
		fprintf(stderr, "guestboot: cannot create %s: %s\n", PYGRUB_DEFAULT_DIR, strerror(errno));
		return 6;
	}
	if (!p.not_really && !p.list &&
	    (make_temp(&p, "boot_kernel.", &p.path_kernel, &p.fd_kernel) ||
	     make_temp(&p, "boot_ramdisk.", &p.path_ramdisk, &p.fd_ramdisk))) {
		int e = errno;
		discard(&p);
		fprintf(stderr, "guestboot: cannot create a file in %s: %s\n",
			p.output_dir ? p.output_dir : PYGRUB_DEFAULT_DIR, strerror(e));
		return 6;
	}
	/* libxl creates the output file; pygrub opens it without O_CREAT. */
	if (p.output && (p.fd_out = open(p.output, O_WRONLY | O_CLOEXEC)) < 0) {
		int e = errno;
		discard(&p);
		close_copies(&p);
		fprintf(stderr, "guestboot: cannot open %s: %s\n", p.output, strerror(e));
		return e == ENOENT ? 3 : 6;
	}
	p.image = image;
	cli_sandbox.runas = p.runas;
	cli_sandbox.interactive = p.interactive && !p.kernel && !p.list;
	/* The child gets the two copies, not --output (libxl parses it) and
	 * not our stdout unless it lists; no file it writes grows past the
	 * larger copy's limit. */
	cli_sandbox.files[0] = p.fd_kernel;
	cli_sandbox.files[1] = p.fd_ramdisk;
	cli_sandbox.discard_stdout = !p.list;
	cli_sandbox.lim.file_size = p.fd_kernel < 0 ? 1 : largest_copy(&p.lim);
	int r = run(&p);
	if (p.output && p.fd_out >= 0 && close(p.fd_out) && !r) {
		discard(&p);
		r = 6;
	}
	close_copies(&p);
	return r;
}

/* xenopsd (XCP-ng, XenServer) runs pygrub and shows the user the last
 * "RuntimeError: ..." line of its stderr: Python's report of pygrub's own
 * failures. So the command runs in a child whose stderr passes through
 * here unchanged, and after a failure guestboot's last message
 * ("guestboot: REASON") follows once more as "RuntimeError: REASON".
 * Usage errors (no "guestboot: " line) stay as pygrub prints them. */
#define LAST_LINE_MAX 4096
struct last_line {
	char line[LAST_LINE_MAX], cur[LAST_LINE_MAX];
	size_t len;
	bool cut; /* the current line went past LAST_LINE_MAX */
};

static void track(struct last_line *l, const char *buf, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (buf[i] != '\n') {
			if (l->len < sizeof(l->cur) - 1)
				l->cur[l->len++] = buf[i];
			else
				l->cut = true;
			continue;
		}
		l->cur[l->len] = '\0';
		if (!strncmp(l->cur, "guestboot: ", 11) && strncmp(l->cur, "guestboot: debug: ", 18))
			memcpy(l->line, l->cur + 11, l->len - 11 + 1);
		l->len = 0;
		l->cut = false;
	}
}

static volatile pid_t pygrub_child;
static const int stop_signals[] = { SIGTERM, SIGHUP, SIGINT };

static void forward_stop(int sig)
{
	if (pygrub_child > 0)
		kill(pygrub_child, sig);
}

int cmd_pygrub(int argc, char **argv)
{
	int fds[2];
	fflush(NULL);
	if (pipe2(fds, O_CLOEXEC))
		return pygrub_run(argc, argv); /* no pipe: the message alone */
	pid_t parent = getpid();
	pid_t pid = fork();
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		return pygrub_run(argc, argv);
	}
	if (pid == 0) {
		/* xl kills pygrub when the domain's creation is abandoned: the
		 * work must not outlive this process. */
		if (prctl(PR_SET_PDEATHSIG, SIGKILL) || getppid() != parent)
			_exit(1);
		close(fds[0]);
		if (dup2(fds[1], STDERR_FILENO) < 0)
			_exit(1);
		close(fds[1]);
		exit(pygrub_run(argc, argv));
	}
	close(fds[1]);
	/* A request to stop (libxl, a hangup, ^C) is the child's to handle:
	 * it removes its copies and restores the terminal, then exits. */
	pygrub_child = pid;
	struct sigaction sa = { .sa_handler = forward_stop };
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof(stop_signals) / sizeof(*stop_signals); i++) {
		struct sigaction old;
		sigaction(stop_signals[i], NULL, &old);
		if (old.sa_handler != SIG_IGN)
			sigaction(stop_signals[i], &sa, NULL);
	}
	static struct last_line last;
	char buf[4096];
	for (;;) {
		ssize_t n = read(fds[0], buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		cli_write_all(STDERR_FILENO, buf, (size_t)n);
		track(&last, buf, (size_t)n);
	}
	close(fds[0]);
	if (last.len)
		track(&last, "\n", 1);
	int status, code;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return 1;
	if (WIFEXITED(status)) {
		code = WEXITSTATUS(status);
	} else {
		code = 128 + WTERMSIG(status);
		fprintf(stderr, "guestboot: %s\n", strsignal(WTERMSIG(status)));
		snprintf(last.line, sizeof(last.line), "%s", strsignal(WTERMSIG(status)));
	}
	if (code && last.line[0])
		fprintf(stderr, "RuntimeError: %s\n", last.line);
	return code;
}
