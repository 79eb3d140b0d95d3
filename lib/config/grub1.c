/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* GRUB legacy (0.97, PV-GRUB) menu.lst / grub.conf: a global section of
 * settings, then one block of commands per "title". We record what each
 * block would load instead of running it: the kernel (or multiboot
 * hypervisor and its modules), initrd and command line, each file on the
 * device GRUB would read it from. */
#define _GNU_SOURCE
#include "config/cfgutil.h"

#include <stdio.h>
#include <stdlib.h>

struct g1 {
	struct gb_ctx *ctx;
	const struct gb_cfg_devices *devs;
	int cfg_dev;          /* where the config is: GRUB's boot device */
	const char *path;
	struct gb_menu *menu;
	struct gb_entry *entry; /* the current title's entry, NULL before one */
	int root;             /* the current entry's root device, -1 unknown */
	char *bootfs;         /* "bootfs pool/ROOT/be" (ZFS) in effect, or NULL */
	char *global_bootfs;  /* the one set before any title */
	size_t lineno;
	bool password_warned;
};

/* Commands GRUB legacy knows that do not change what boots. */
static const char *const ignored_cmds[] = {
	"color", "splashimage", "gfxmenu", "foreground", "background", "serial",
	"terminal", "terminfo", "boot", "lock", "makeactive", "map", "hide", "unhide",
	"setkey", "uppermem", "pager", "partnew", "parttype", "rarp", "bootp", "dhcp",
	"ifconfig", "tftpserver", "device", "debug", "geometry", "quiet", "savedefault",
	"findroot", "verbose", "fstest", "impsprobe", "ioprobe", "displaymem",
	"displayapm", "clear", "echo", "pause", "setup", "install", "embed", "cat",
	"find", "help", "read", "testload", "testvbe", "vbeprobe", "kernelversion",
};

static bool in_list(const char *w, const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(w, list[i]))
			return true;
	return false;
}

/* ---- devices and paths ------------------------------------------------ */

/* The device index whose Linux partition number is `number`, or -1.
 * BSD and VTOC slices ("hd0,msdos1,bsd1") are numbered after the MBR's
 * partitions as Linux does, but GRUB legacy reaches them only as
 * (hd0,N,a): (hd0,4) is a logical partition or nothing. */
static int device_by_number(const struct gb_cfg_devices *devs, int number)
{
	for (size_t i = 0; i < devs->n; i++) {
		const char *comma = devs->dev[i].grub_name ? strchr(devs->dev[i].grub_name, ',') : NULL;
		const char *g = devs->dev[i].grub_name;
		/* the first disk's (hd0,N); further disks are not reached this way */
		if (devs->dev[i].number == number && !(comma && strchr(comma + 1, ',')) &&
		    (!g || !strncmp(g, "hd0", 3)))
			return (int)i;
	}
	return -1;
}

/* A decimal number at *s (at most 3 digits), advancing *s; -1 if none. */
static int small_num(const char **s)
{
	size_t n = strspn(*s, "0123456789");
	if (!n || n > 3)
		return -1;
	int v = atoi(*s);
	*s += n;
	return v;
}

/* The device of slice `letter` (a BSD disklabel's or a Solaris VTOC's) in
 * partition `number`, which GRUB 2 names hd0,msdosN,bsdM or
 * hd0,msdosN,sunpcM (M = 1 for "a"), or -1. */
static int device_by_slice(const struct gb_cfg_devices *devs, int number, char letter)
{
	char bsd[40], sunpc[40];
	snprintf(bsd, sizeof(bsd), "hd0,msdos%d,bsd%d", number, letter - 'a' + 1);
	snprintf(sunpc, sizeof(sunpc), "hd0,msdos%d,sunpc%d", number, letter - 'a' + 1);
	for (size_t i = 0; i < devs->n; i++) {
		const char *name = devs->dev[i].grub_name;
		if (name && (!strcmp(name, bsd) || !strcmp(name, sunpc)))
			return (int)i;
	}
	return -1;
}

/* "hdX", "hdX,Y" or "hdX,Y,a" (slice a of the label in partition Y): the
 * disk, the 0-based partition (-1: whole disk) and the slice letter (0:
 * none). False when not of that shape. */
static bool parse_hd(const char *name, int *disk, int *part, char *slice)
{
	const char *s = name;
	*part = -1;
	*slice = 0;
	if (strncmp(s, "hd", 2))
		return false;
	s += 2;
	if ((*disk = small_num(&s)) < 0)
		return false;
	if (*s == ',') {
		s++;
		if ((*part = small_num(&s)) < 0)
			return false;
		if (s[0] == ',' && s[1] >= 'a' && s[1] <= 'z') {
			*slice = s[1];
			s += 2;
		}
	}
	return *s == '\0';
}

/* GRUB legacy counts partitions from 0: (hd0,0) is Linux partition 1,
 * (hd0,4) the first logical one (5), (hd0) the whole disk, (hd0,1,a)
 * slice a of the BSD label in partition 2 (as GRUB, no fallback to the
 * partition when there is no such slice). `name` is the text between the
 * parentheses. Returns the device index, or -1 after a warning. */
static int resolve_grub_device(struct g1 *g, const char *name)
{
	int disk, part;
	char slice;
	if (!parse_hd(name, &disk, &part, &slice)) {
		gb_menu_warn(g->menu, "%s:%zu: device (%s) not understood", g->path, g->lineno, name);
		return -1;
	}
	if (disk != 0) {
		gb_menu_warn(g->menu, "%s:%zu: (%s) is not the first disk", g->path, g->lineno, name);
		return -1;
	}
	int dev = slice ? device_by_slice(g->devs, part + 1, slice) : device_by_number(g->devs, part + 1);
	if (dev < 0)
		gb_menu_warn(g->menu, "%s:%zu: no device (%s)", g->path, g->lineno, name);
	return dev;
}

/* Split "(hd0,0)/vmlinuz" into its device and "/vmlinuz"; without a
 * prefix the entry's root. *rest points into `word`. False after a
 * warning when the prefix is unterminated. */
static bool split_device(struct g1 *g, char *word, int *dev, char **rest)
{
	*dev = g->root;
	*rest = word;
	if (word[0] != '(')
		return true;
	char *close = strchr(word, ')');
	if (!close) {
		gb_menu_warn(g->menu, "%s:%zu: unterminated device in '%s'", g->path, g->lineno, word);
		return false;
	}
	*close = '\0';
	*dev = resolve_grub_device(g, word + 1);
	*rest = close + 1;
	return true;
}

/* illumos menu.lst "kernel$"/"module$" lines: GRUB expands $ISADIR to the
 * 64-bit directory; $ZFS-BOOTFS stays for the kernel to read. */
static char *expand_isadir(const char *s)
{
	struct gb_sbuf b = { 0 };
	const char *key = "$ISADIR";
	for (const char *p; (p = strstr(s, key)); s = p + strlen(key)) {
		gb_sbuf_add(&b, s, (size_t)(p - s));
		gb_sbuf_add(&b, "amd64", 5);
	}
	gb_sbuf_add(&b, s, strlen(s));
	return gb_sbuf_take(&b);
}

/* The boot dataset of a ZFS device, as Solaris GRUB and libfsimage take
 * it: the entry's "bootfs", else the pool's bootfs property, else the
 * root dataset. False (after a warning if it failed and warn is set)
 * when dev is not ZFS. */
static bool zfs_bootfs(struct g1 *g, int dev, bool warn, struct gb_fs_bootfs *bf)
{
	struct gb_fs *fs = gb_cfg_fs(g->devs, dev);
	if (!fs)
		return false;
	struct gb_ctx quiet = { 0 };
	int r = gb_fs_bootfs(&quiet, fs, g->bootfs, bf);
	if (r && r != GB_E_NOT_MINE && warn)
		gb_menu_warn(g->menu, "%s:%zu: %s", g->path, g->lineno, quiet.msg);
	return r == 0;
}

/* Fill f with the file named by `word` (device prefix allowed). On ZFS,
 * files are read from the boot dataset, written in GRUB 2's path syntax
 * ("/ROOT/be@/platform/…"). */
static int set_boot_file(struct g1 *g, char *word, int *dev, char **abs)
{
	char *rest;
	*abs = NULL;
	if (!split_device(g, word, dev, &rest))
		return 0;
	struct gb_fs_bootfs bf;
	/* "+1" and other block lists are kept as written (chainloader) */
	if (rest[0] == '+') {
		*abs = strdup(rest);
	} else if (zfs_bootfs(g, *dev, true, &bf) && bf.dataset[0]) {
		char *p = gb_path_join("/", rest);
		if (p && asprintf(abs, "/%s@%s", bf.dataset, p) < 0)
			*abs = NULL;
		free(p);
	} else {
		*abs = gb_path_join("/", rest);
	}
	if (!*abs)
		return gb_error(g->ctx, GB_E_NOMEM, "out of memory");
	return 0;
}

/* libfsimage's boot string for a ZFS boot dataset, which Solaris GRUB's
 * $ZFS-BOOTFS expands to and pygrub adds to the command line:
 * "zfs-bootfs=POOL/OBJECT,bootpath='PHYS_PATH'" (bootpath='' when the
 * label records no phys_path, as libfsimage writes it). */
static void add_bootstring(struct gb_sbuf *b, const struct gb_fs_bootfs *bf)
{
	gb_sbuf_addf(b, "zfs-bootfs=%s/%llu,bootpath='%s'", bf->pool,
		     (unsigned long long)bf->obj, bf->bootpath);
}

/* $ZFS-BOOTFS, kept as written when the entry's root is not ZFS. */
static char *expand_zfs_bootfs(struct g1 *g, char *s)
{
	const char *key = "$ZFS-BOOTFS";
	struct gb_fs_bootfs bf;
	if (!strstr(s, key) || !zfs_bootfs(g, g->root, true, &bf))
		return s;
	struct gb_sbuf b = { 0 };
	const char *t = s;
	for (const char *p; (p = strstr(t, key)); t = p + strlen(key)) {
		gb_sbuf_add(&b, t, (size_t)(p - t));
		add_bootstring(&b, &bf);
	}
	gb_sbuf_add(&b, t, strlen(t));
	free(s);
	return gb_sbuf_take(&b);
}

/* ---- entry commands --------------------------------------------------- */

/* The file argument of kernel, initrd, module or chainloader, after any
 * "--type=netbsd", "--no-mem-option", "--force"... when options are
 * allowed. *abs stays NULL (with a warning) when there is none. */
static int boot_file_arg(struct g1 *g, const char *cmd, bool options, char **rest, int *dev,
			 char **abs, char **word)
{
	char *w;
	while ((w = gb_next_word(rest)) && options && !strncmp(w, "--", 2))
		;
	if (!w) {
		*abs = NULL;
		gb_menu_warn(g->menu, "%s:%zu: %s without a file", g->path, g->lineno, cmd);
		return 0;
	}
	/* before set_boot_file, which cuts the device prefix off */
	if (word && !(*word = strdup(w)))
		return gb_error(g->ctx, GB_E_NOMEM, "out of memory");
	return set_boot_file(g, w, dev, abs);
}

static int cmd_kernel(struct g1 *g, char *rest)
{
	struct gb_entry *e = g->entry;
	int dev;
	char *abs, *word = NULL;
	int r = boot_file_arg(g, "kernel", true, &rest, &dev, &abs, &word);
	if (r || !abs) {
		free(word);
		return r;
	}
	gb_squeeze_spaces(rest);
	free(e->kernel.path);
	e->kernel.path = abs;
	e->kernel.device = dev;
	free(e->kernel_word);
	e->kernel_word = word;
	/* for pygrub's output (see gb_entry) */
	struct gb_fs_bootfs bf;
	free(e->zfs_bootfs);
	e->zfs_bootfs = NULL;
	if (zfs_bootfs(g, dev, false, &bf)) { /* set_boot_file warned */
		struct gb_sbuf b = { 0 };
		add_bootstring(&b, &bf);
		if (!(e->zfs_bootfs = gb_sbuf_take(&b)))
			return gb_error(g->ctx, GB_E_NOMEM, "out of memory");
	}
	/* a later "module" turns this into a multiboot entry */
	if (e->kind != GB_ENTRY_MULTIBOOT)
		e->kind = GB_ENTRY_LINUX;
	return gb_set_str(g->ctx, &e->args, rest);
}

static int cmd_initrd(struct g1 *g, char *rest)
{
	int dev;
	char *abs;
	int r = boot_file_arg(g, "initrd", false, &rest, &dev, &abs, NULL);
	if (!r && abs)
		r = gb_entry_add_file(g->ctx, &g->entry->initrds, &g->entry->ninitrds, dev, abs, NULL);
	free(abs);
	return r;
}

static int cmd_module(struct g1 *g, char *rest)
{
	struct gb_entry *e = g->entry;
	int dev;
	char *abs;
	int r = boot_file_arg(g, "module", true, &rest, &dev, &abs, NULL);
	if (r || !abs)
		return r;
	if (!e->kernel.path)
		gb_menu_warn(g->menu, "%s:%zu: module before kernel", g->path, g->lineno);
	gb_squeeze_spaces(rest);
	e->kind = GB_ENTRY_MULTIBOOT;
	r = gb_entry_add_file(g->ctx, &e->modules, &e->nmodules, dev, abs, *rest ? rest : NULL);
	free(abs);
	return r;
}

static int cmd_chainloader(struct g1 *g, char *rest)
{
	struct gb_entry *e = g->entry;
	int dev;
	char *abs;
	int r = boot_file_arg(g, "chainloader", true, &rest, &dev, &abs, NULL);
	if (r || !abs)
		return r;
	free(e->kernel.path);
	e->kernel.path = abs;
	e->kernel.device = dev;
	e->kind = GB_ENTRY_CHAIN;
	return gb_set_str(g->ctx, &e->args, "");
}

static void cmd_root(struct g1 *g, char *rest)
{
	char *w = gb_next_word(&rest);
	if (!w || w[0] != '(' || !strchr(w, ')')) {
		gb_menu_warn(g->menu, "%s:%zu: root needs a (device)", g->path, g->lineno);
		return;
	}
	*strchr(w, ')') = '\0';
	g->root = resolve_grub_device(g, w + 1);
	/* kept as written, for pygrub's listing */
	if (g->entry && gb_set_str(g->ctx, &g->entry->root, w + 1))
		gb_menu_warn(g->menu, "%s:%zu: out of memory", g->path, g->lineno);
}

static void warn_password(struct g1 *g)
{
	if (!g->password_warned)
		gb_menu_warn(g->menu, "menu is password-protected");
	g->password_warned = true;
}

static int new_entry(struct g1 *g, char *rest)
{
	struct gb_entry *e = gb_menu_add(g->ctx, g->menu, &g->menu->entries, &g->menu->nentries);
	if (!e)
		return g->ctx->code;
	g->entry = e;
	e->line = g->lineno;
	/* each entry starts on the boot device: GRUB's default root */
	g->root = g->cfg_dev;
	free(g->bootfs);
	g->bootfs = g->global_bootfs ? strdup(g->global_bootfs) : NULL;
	return gb_set_str(g->ctx, &e->title, rest);
}

/* ---- global settings -------------------------------------------------- */

static bool parse_uint(const char *s, int *out)
{
	if (!*s || strspn(s, "0123456789") != strlen(s) || strlen(s) > 6)
		return false;
	*out = atoi(s);
	return true;
}

/* "default saved": the index stored in the "default" file next to the
 * config (GRUB's prefix), else /boot/grub/default; absent means 0. */
static int read_saved_default(struct g1 *g, int *idx)
{
	*idx = 0;
	char *dir = gb_path_dir(g->path);
	char *p1 = dir ? gb_path_join(dir, "default") : NULL;
	free(dir);
	if (!p1)
		return gb_error(g->ctx, GB_E_NOMEM, "out of memory");
	const char *candidates[] = { p1, "/boot/grub/default" };
	for (size_t i = 0; i < 2; i++) {
		struct gb_ctx quiet = { 0 };
		char *text = NULL;
		size_t len;
		if (gb_cfg_read(&quiet, g->devs, g->cfg_dev, candidates[i], &text, &len))
			continue;
		struct gb_lines it;
		gb_lines_init(&it, text, len);
		char *line = gb_lines_next(&it);
		char *first = line ? gb_trim(line) : NULL;
		if (!first || !parse_uint(first, idx))
			gb_menu_warn(g->menu, "%s: no saved entry number, using 0", candidates[i]);
		free(text);
		break;
	}
	free(p1);
	return 0;
}

static int cmd_default(struct g1 *g, char *rest)
{
	char *w = gb_next_word(&rest);
	int idx = 0;
	if (w && !strcmp(w, "saved")) {
		int r = read_saved_default(g, &idx);
		if (r)
			return r;
	} else if (!w || !parse_uint(w, &idx)) {
		gb_menu_warn(g->menu, "%s:%zu: bad default '%s', using 0", g->path, g->lineno,
			     w ? w : "");
		idx = 0;
	}
	char buf[16];
	snprintf(buf, sizeof(buf), "%d", idx);
	return gb_set_str(g->ctx, &g->menu->default_spec, buf);
}

static void cmd_timeout(struct g1 *g, char *rest)
{
	char *w = gb_next_word(&rest);
	int t;
	if (w && parse_uint(w, &t))
		g->menu->timeout = t;
	else
		gb_menu_warn(g->menu, "%s:%zu: bad timeout '%s', ignored", g->path, g->lineno,
			     w ? w : "");
}

static int cmd_fallback(struct g1 *g, char *rest)
{
	gb_squeeze_spaces(rest);
	return gb_set_str(g->ctx, &g->menu->fallback_spec, *rest ? rest : NULL);
}

/* ---- dispatch --------------------------------------------------------- */

static bool entry_command_name(const char *cmd)
{
	static const char *const names[] = {
		"root", "rootnoverify", "kernel", "kernel$", "module", "module$",
		"modulenounzip", "initrd", "chainloader",
	};
	return in_list(cmd, names, sizeof(names) / sizeof(names[0]));
}

/* Commands that only mean something inside a title block. */
static int entry_command(struct g1 *g, const char *cmd, char *rest, bool *known)
{
	*known = true;
	if (!strcmp(cmd, "root") || !strcmp(cmd, "rootnoverify")) {
		cmd_root(g, rest);
		return 0;
	}
	if (!strcmp(cmd, "kernel") || !strcmp(cmd, "kernel$")) {
		bool dollar = cmd[6] == '$';
		char *x = dollar ? expand_isadir(rest) : rest;
		if (dollar && x)
			x = expand_zfs_bootfs(g, x);
		if (!x)
			return gb_error(g->ctx, GB_E_NOMEM, "out of memory");
		int r = cmd_kernel(g, x);
		if (dollar)
			free(x);
		return r;
	}
	if (!strcmp(cmd, "module") || !strcmp(cmd, "modulenounzip") || !strcmp(cmd, "module$")) {
		bool dollar = !strcmp(cmd, "module$");
		char *x = dollar ? expand_isadir(rest) : rest;
		if (dollar && x)
			x = expand_zfs_bootfs(g, x);
		if (!x)
			return gb_error(g->ctx, GB_E_NOMEM, "out of memory");
		int r = cmd_module(g, x);
		if (dollar)
			free(x);
		return r;
	}
	if (!strcmp(cmd, "initrd"))
		return cmd_initrd(g, rest);
	if (!strcmp(cmd, "chainloader"))
		return cmd_chainloader(g, rest);
	*known = false;
	return 0;
}

static int global_command(struct g1 *g, const char *cmd, char *rest, bool *known)
{
	*known = true;
	if (!strcmp(cmd, "default"))
		return cmd_default(g, rest);
	if (!strcmp(cmd, "fallback"))
		return cmd_fallback(g, rest);
	if (!strcmp(cmd, "timeout"))
		cmd_timeout(g, rest);
	else if (!strcmp(cmd, "hiddenmenu"))
		g->menu->hidden = true;
	else
		*known = false;
	return 0;
}

static int command(struct g1 *g, const char *cmd, char *rest)
{
	bool known;
	if (!strcmp(cmd, "title"))
		return new_entry(g, rest);
	if (!strcmp(cmd, "password")) {
		warn_password(g);
		return 0;
	}
	if (!strcmp(cmd, "configfile")) {
		gb_menu_warn(g->menu, "%s:%zu: configfile %s not followed", g->path, g->lineno, rest);
		return 0;
	}
	if (in_list(cmd, ignored_cmds, sizeof(ignored_cmds) / sizeof(ignored_cmds[0])))
		return 0;
	if (!strcmp(cmd, "bootfs")) {
		char *w = gb_next_word(&rest);
		return gb_set_str(g->ctx, g->entry ? &g->bootfs : &g->global_bootfs, w);
	}
	int r = global_command(g, cmd, rest, &known);
	if (known)
		return r;
	if (g->entry) {
		r = entry_command(g, cmd, rest, &known);
		if (known)
			return r;
	} else if (entry_command_name(cmd)) {
		gb_menu_warn(g->menu, "%s:%zu: '%s' before any title, ignored", g->path, g->lineno, cmd);
		return 0;
	}
	gb_menu_warn(g->menu, "%s:%zu: unknown command '%s', ignored", g->path, g->lineno, cmd);
	return 0;
}

/* Keywords end at a blank or '='; "timeout=5" is as good as "timeout 5". */
static char *split_keyword(char *line, char **rest)
{
	size_t n = strcspn(line, " \t=");
	char *p = line + n;
	if (*p) {
		*p++ = '\0';
		p += strspn(p, " \t=");
	}
	*rest = p;
	return line;
}

static bool has_control_chars(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 && *s != '\t')
			return true;
	return false;
}

static int parse_text(struct g1 *g, char *text, size_t len)
{
	struct gb_lines it;
	gb_lines_init(&it, text, len);
	char *line;
	int r = 0;
	while (!r && (line = gb_lines_next_bounded(&it, g->menu, g->path))) {
		g->lineno = it.lineno;
		line = gb_trim(line);
		if (!*line || *line == '#')
			continue;
		if (has_control_chars(line)) {
			gb_menu_warn(g->menu, "%s:%zu: binary garbage, ignored", g->path, g->lineno);
			continue;
		}
		char *rest;
		char *cmd = split_keyword(line, &rest);
		r = command(g, cmd, gb_trim(rest));
	}
	return r;
}

static int grub1_parse(struct gb_ctx *ctx, const struct gb_cfg_devices *devs, int dev,
		       const char *path, const struct gb_cfg_options *opt, struct gb_menu *menu)
{
	(void)opt;
	char *text = NULL;
	size_t len = 0;
	int r = gb_cfg_read(ctx, devs, dev, path, &text, &len);
	if (r)
		return r;
	struct g1 g = { .ctx = ctx, .devs = devs, .cfg_dev = dev, .path = path,
			.menu = menu, .root = dev };
	r = parse_text(&g, text, len);
	free(g.bootfs);
	free(g.global_bootfs);
	free(text);
	return r;
}

static const char *const grub1_dirs[] = { "/boot/grub", "/grub", NULL };
static const char *const grub1_names[] = { "menu.lst", "grub.conf", NULL };
static const struct gb_cfg_place grub1_places[] = {
	{ 20, GB_CFG_AT, grub1_dirs, grub1_names },
	{ 0 },
};

const struct gb_config_parser gb_cfg_grub1 = {
	.name = "grub1",
	.looks_for = "menu.lst",
	.places = grub1_places,
	.file_names = grub1_names,
	.default_path = "/boot/grub/menu.lst",
	.parse = grub1_parse,
};
