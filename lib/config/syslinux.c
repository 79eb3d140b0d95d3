/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* syslinux, extlinux, isolinux (and pxelinux-style) configs. The file is
 * read whole (with INCLUDEs) into a list of labels and global settings;
 * entries and the default are built once everything is known, since
 * DEFAULT may name a label defined further down. Relative paths resolve
 * from the main config's directory, syslinux's working directory. */
#define _GNU_SOURCE
#include "config/cfgutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <strings.h>

#define SX_MAX_INCLUDE_DEPTH 16 /* as syslinux's own nesting limit */

/* How a label boots, from the keyword that named the file (KERNEL
 * guesses from the file name's extension, as syslinux does). */
enum sx_type { SX_LINUX, SX_COM32, SX_BOOT, SX_CONFIG, SX_LOCAL };

struct sx_label {
	char *name, *title;
	char *kernel;       /* as written; NULL: the label name is the kernel */
	enum sx_type type;
	char *append;       /* NULL: not given (the global APPEND applies) */
	char *initrd;       /* INITRD keyword, comma-separated; NULL: none */
	bool menu_default;
	bool menu_exit;     /* MENU EXIT / MENU GOTO: a menu item, boots nothing */
	size_t line;
};

struct sx {
	struct gb_ctx *ctx;
	const struct gb_cfg_devices *devs;
	int dev;
	char *cwd;          /* directory of the main config */
	struct gb_menu *menu;
	struct sx_label *labels;
	size_t nlabels;
	char *default_cmd, *ontimeout, *global_append, *ui;
	char *files[SX_MAX_INCLUDE_DEPTH + 1]; /* config files being read */
	size_t depth;
	const char *file;   /* the file being read */
	size_t lineno;
	bool in_text;       /* inside TEXT HELP ... ENDTEXT */
	bool label_open;    /* per-label keywords apply to the last label */
	bool no_implicit;   /* IMPLICIT 0: only LABELs boot, no bare file names */
};

static struct sx_label *cur_label(struct sx *s)
{
	return s->nlabels && s->label_open ? &s->labels[s->nlabels - 1] : NULL;
}

static void warn(struct sx *s, const char *what, const char *arg)
{
	gb_menu_warn(s->menu, "%s:%zu: %s%s%s", s->file, s->lineno, what,
		     arg ? " " : "", arg ? arg : "");
}

static int add_label(struct sx *s, const char *name)
{
	if (s->nlabels >= GB_MENU_MAX_ENTRIES)
		return gb_error(s->ctx, GB_E_LIMIT, "%s:%zu: more than %d labels", s->file,
				s->lineno, GB_MENU_MAX_ENTRIES);
	struct sx_label *p = realloc(s->labels, (s->nlabels + 1) * sizeof(*p));
	if (!p)
		return gb_error(s->ctx, GB_E_NOMEM, "out of memory");
	s->labels = p;
	struct sx_label *l = &p[s->nlabels++];
	memset(l, 0, sizeof(*l));
	l->line = s->lineno;
	s->label_open = true;
	return gb_set_str(s->ctx, &l->name, name);
}

static void free_labels(struct sx *s)
{
	for (size_t i = 0; i < s->nlabels; i++) {
		struct sx_label *l = &s->labels[i];
		free(l->name);
		free(l->title);
		free(l->kernel);
		free(l->append);
		free(l->initrd);
	}
	free(s->labels);
}

/* What KERNEL does with a file, judged by its extension. */
static enum sx_type type_of_file(const char *f)
{
	if (gb_ends_with(f, ".c32", true))
		return SX_COM32;
	static const char *const other[] = { ".bss", ".bs", ".bin", ".0", ".img", ".com", ".cbt" };
	for (size_t i = 0; i < sizeof(other) / sizeof(other[0]); i++)
		if (gb_ends_with(f, other[i], true))
			return SX_BOOT;
	return SX_LINUX;
}

static int set_kernel(struct sx *s, const char *kw, const char *arg)
{
	struct sx_label *l = cur_label(s);
	if (!l) {
		warn(s, "kernel outside a LABEL, ignored:", arg);
		return 0;
	}
	if (!*arg) {
		warn(s, "no file given to", kw);
		return 0;
	}
	if (!strcasecmp(kw, "kernel"))
		l->type = type_of_file(arg);
	else if (!strcasecmp(kw, "linux"))
		l->type = SX_LINUX;
	else if (!strcasecmp(kw, "com32"))
		l->type = SX_COM32;
	else if (!strcasecmp(kw, "config"))
		l->type = SX_CONFIG;
	else if (!strcasecmp(kw, "localboot"))
		l->type = SX_LOCAL;
	else
		l->type = SX_BOOT;
	return gb_set_str(s->ctx, &l->kernel, arg);
}

static int set_append(struct sx *s, char *arg)
{
	gb_squeeze_spaces(arg);
	/* "APPEND -": no options at all, overriding a global APPEND */
	const char *v = strcmp(arg, "-") ? arg : "";
	struct sx_label *l = cur_label(s);
	return gb_set_str(s->ctx, l ? &l->append : &s->global_append, v);
}

/* MENU LABEL text: '^' marks the hotkey and is not shown. */
static int set_title(struct sx *s, const char *arg)
{
	struct sx_label *l = cur_label(s);
	if (!l)
		return 0;
	struct gb_sbuf b = { 0 };
	for (const char *p = arg; *p; p++)
		if (*p != '^')
			gb_sbuf_add(&b, p, 1);
	char *t = gb_sbuf_take(&b);
	if (!t)
		return gb_error(s->ctx, GB_E_NOMEM, "out of memory");
	free(l->title);
	l->title = t;
	return 0;
}

static int parse_file(struct sx *s, const char *path);

static int include(struct sx *s, const char *arg)
{
	char *name = strndup(arg, strcspn(arg, " \t"));
	char *path = name ? gb_path_join(s->cwd, name) : NULL;
	free(name);
	if (!path)
		return gb_error(s->ctx, GB_E_NOMEM, "out of memory");
	int r = parse_file(s, path);
	free(path);
	return r;
}

/* TIMEOUT is in tenths of a second; 0 means wait forever. */
static void set_timeout(struct sx *s, const char *arg)
{
	char *end;
	long t = strtol(arg, &end, 10);
	if (end == arg || *end || t < 0 || t > 10000000) {
		warn(s, "bad TIMEOUT, ignored:", arg);
		return;
	}
	s->menu->timeout = t ? (int)((t + 9) / 10) : -1;
}

/* "MENU xxx ..." lines. */
static int menu_command(struct sx *s, char *rest)
{
	char *sub = gb_next_word(&rest);
	if (!sub)
		return 0;
	struct sx_label *l = cur_label(s);
	if (!strcasecmp(sub, "label"))
		return set_title(s, rest);
	if (!strcasecmp(sub, "default")) {
		if (l)
			l->menu_default = true;
		return 0;
	}
	if (!strcasecmp(sub, "include"))
		return include(s, rest);
	/* a submenu's own MENU LABEL/TITLE must not land on the last label */
	if (!strcasecmp(sub, "begin") || !strcasecmp(sub, "end"))
		s->label_open = false;
	if (l && (!strcasecmp(sub, "exit") || !strcasecmp(sub, "goto")))
		l->menu_exit = true;
	/* MENU HIDE, TITLE, COLOR, BEGIN/END (flattened), SEPARATOR...: how
	 * the menu looks, not what boots */
	return 0;
}

static const char *const ignored_kw[] = {
	"say", "serial", "prompt", "totaltimeout", "display", "allowoptions",
	"noescape", "nocomplete", "nohalt", "kbdmap", "console", "font", "ipappend",
	"sysappend", "f1", "f2", "f3", "f4", "f5", "f6", "f7", "f8", "f9", "f10", "f11",
	"f12", "f0", "onerror", "path", "fdimage_flags", "gfxboot",
};

static bool ignored(const char *kw)
{
	for (size_t i = 0; i < sizeof(ignored_kw) / sizeof(ignored_kw[0]); i++)
		if (!strcasecmp(kw, ignored_kw[i]))
			return true;
	return false;
}

static bool is_kernel_kw(const char *kw)
{
	static const char *const k[] = { "kernel", "linux", "boot", "bss", "pxe",
					 "fdimage", "com32", "config", "localboot" };
	for (size_t i = 0; i < sizeof(k) / sizeof(k[0]); i++)
		if (!strcasecmp(kw, k[i]))
			return true;
	return false;
}

static int keyword(struct sx *s, const char *kw, char *rest)
{
	if (!strcasecmp(kw, "label"))
		return add_label(s, rest);
	if (is_kernel_kw(kw))
		return set_kernel(s, kw, rest);
	if (!strcasecmp(kw, "append"))
		return set_append(s, rest);
	if (!strcasecmp(kw, "initrd")) {
		struct sx_label *l = cur_label(s);
		if (!l)
			warn(s, "INITRD outside a LABEL, ignored", NULL);
		return l ? gb_set_str(s->ctx, &l->initrd, rest) : 0;
	}
	if (!strcasecmp(kw, "menu"))
		return menu_command(s, rest);
	if (!strcasecmp(kw, "include"))
		return include(s, rest);
	if (!strcasecmp(kw, "default"))
		return gb_set_str(s->ctx, &s->default_cmd, rest);
	if (!strcasecmp(kw, "ontimeout"))
		return gb_set_str(s->ctx, &s->ontimeout, rest);
	if (!strcasecmp(kw, "ui"))
		return gb_set_str(s->ctx, &s->ui, rest);
	if (!strcasecmp(kw, "timeout")) {
		set_timeout(s, rest);
		return 0;
	}
	if (!strcasecmp(kw, "implicit")) {
		s->no_implicit = atoi(rest) == 0;
		return 0;
	}
	if (!strcasecmp(kw, "text")) {
		s->in_text = true; /* TEXT HELP: free text up to ENDTEXT */
		return 0;
	}
	if (!ignored(kw))
		warn(s, "unknown keyword, ignored:", kw);
	return 0;
}

static int parse_line(struct sx *s, char *line)
{
	if (strlen(line) > GB_CFG_MAX_LINE) {
		warn(s, "line too long, ignored", NULL);
		return 0;
	}
	char *rest = gb_trim(line);
	if (s->in_text) {
		if (!strncasecmp(rest, "endtext", 7) && (!rest[7] || gb_is_space(rest[7])))
			s->in_text = false;
		return 0;
	}
	if (!*rest || *rest == '#')
		return 0;
	char *kw = gb_next_word(&rest);
	return keyword(s, kw, rest);
}

static int parse_file(struct sx *s, const char *path)
{
	for (size_t i = 0; i < s->depth; i++)
		if (!strcmp(s->files[i], path))
			return gb_error(s->ctx, GB_E_LIMIT, "%s:%zu: INCLUDE %s loops", s->file,
					s->lineno, path);
	if (s->depth > SX_MAX_INCLUDE_DEPTH)
		return gb_error(s->ctx, GB_E_LIMIT, "%s:%zu: INCLUDEs nested deeper than %d",
				s->file, s->lineno, SX_MAX_INCLUDE_DEPTH);
	char *text = NULL;
	size_t len = 0;
	struct gb_ctx quiet = { 0 };
	int r = gb_cfg_read(s->depth ? &quiet : s->ctx, s->devs, s->dev, path, &text, &len);
	if (r) {
		if (!s->depth)
			return r;
		/* syslinux skips an INCLUDE it cannot open */
		warn(s, "cannot read INCLUDE", path);
		return 0;
	}
	char *copy = strdup(path);
	if (!copy) {
		free(text);
		return gb_error(s->ctx, GB_E_NOMEM, "out of memory");
	}
	const char *saved_file = s->file;
	size_t saved_line = s->lineno;
	s->files[s->depth++] = copy;
	s->file = copy;
	struct gb_lines it;
	gb_lines_init(&it, text, len);
	char *line;
	while (!r && (line = gb_lines_next(&it))) {
		s->lineno = it.lineno;
		r = parse_line(s, line);
	}
	free(s->files[--s->depth]);
	s->file = saved_file;
	s->lineno = saved_line;
	s->in_text = false;
	free(text);
	return r;
}

/* ---- building the menu ------------------------------------------------ */

static int add_files(struct sx *s, struct gb_entry *e, const char *list)
{
	char *copy = strdup(list);
	if (!copy)
		return gb_error(s->ctx, GB_E_NOMEM, "out of memory");
	int r = 0;
	char *save = NULL;
	for (char *f = strtok_r(copy, ",", &save); f && !r; f = strtok_r(NULL, ",", &save)) {
		char *abs = gb_path_join(s->cwd, f);
		r = abs ? gb_entry_add_file(s->ctx, &e->initrds, &e->ninitrds, s->dev, abs, NULL)
			: gb_error(s->ctx, GB_E_NOMEM, "out of memory");
		free(abs);
	}
	free(copy);
	return r;
}

/* Take every "initrd=" word out of the options. */
static int strip_initrd(struct sx *s, const char *append, char **args)
{
	struct gb_sbuf b = { 0 };
	char *copy = strdup(append);
	*args = NULL;
	if (!copy)
		return gb_error(s->ctx, GB_E_NOMEM, "out of memory");
	char *rest = copy, *w;
	while ((w = gb_next_word(&rest)))
		if (strncmp(w, "initrd=", 7))
			gb_sbuf_add_word(&b, w);
	free(copy);
	*args = gb_sbuf_take(&b);
	return *args ? 0 : gb_error(s->ctx, GB_E_NOMEM, "out of memory");
}

/* The initrd list syslinux loads: INITRD is appended to the command line
 * as " initrd=LIST", and kernel.c takes the first "initrd=" it finds
 * (strstr), so an initrd= in APPEND (the label's or the global one)
 * wins over INITRD. malloc'd; "" when there is none. */
static char *initrd_list(const char *append, const char *initrd_kw)
{
	const char *first = strstr(append, "initrd=");
	if (first)
		return strndup(first + 7, strcspn(first + 7, " \t"));
	return strdup(initrd_kw ? initrd_kw : "");
}

static int set_kernel_file(struct sx *s, struct gb_entry *e, const char *path)
{
	e->kernel.device = s->dev;
	if (!(e->kernel.path = gb_path_join(s->cwd, path)))
		return gb_error(s->ctx, GB_E_NOMEM, "out of memory");
	return 0;
}

static int build_linux(struct sx *s, struct gb_entry *e, const char *kernel,
		       const char *initrd_kw, const char *append)
{
	e->kind = GB_ENTRY_LINUX;
	int r = set_kernel_file(s, e, kernel);
	if (!r)
		r = strip_initrd(s, append, &e->args);
	char *list = r ? NULL : initrd_list(append, initrd_kw);
	if (!r && !list)
		r = gb_error(s->ctx, GB_E_NOMEM, "out of memory");
	/* kernel.c: "BOOT_IMAGE=%s %s" with the kernel as written and the
	 * options, INITRD appended as " initrd=LIST" */
	if (!r && asprintf(&e->cmdline, "BOOT_IMAGE=%s %s%s%s", kernel, append,
			   initrd_kw ? " initrd=" : "", initrd_kw ? initrd_kw : "") < 0) {
		e->cmdline = NULL;
		r = gb_error(s->ctx, GB_E_NOMEM, "out of memory");
	}
	if (!r && *list)
		r = add_files(s, e, list);
	free(list);
	return r;
}

/* mboot.c32 options: "xen.gz xenargs --- vmlinuz args --- initrd ...". */
static int build_mboot(struct sx *s, struct gb_entry *e, const char *append)
{
	e->kind = GB_ENTRY_MULTIBOOT;
	char *copy = strdup(append);
	if (!copy)
		return gb_error(s->ctx, GB_E_NOMEM, "out of memory");
	int r = 0;
	char *part = copy;
	for (size_t i = 0; part && !r; i++) {
		char *sep = strstr(part, "---");
		if (sep)
			*sep = '\0';
		char *rest = part, *file = gb_next_word(&rest);
		gb_squeeze_spaces(rest);
		if (!file) {
			gb_menu_warn(s->menu, "label %s: empty mboot.c32 part", e->id);
		} else if (i == 0) {
			r = set_kernel_file(s, e, file);
			if (!r)
				r = gb_set_str(s->ctx, &e->args, rest);
		} else {
			char *abs = gb_path_join(s->cwd, file);
			r = abs ? gb_entry_add_file(s->ctx, &e->modules, &e->nmodules, s->dev, abs,
						    *rest ? rest : NULL)
				: gb_error(s->ctx, GB_E_NOMEM, "out of memory");
			free(abs);
		}
		part = sep ? sep + 3 : NULL;
	}
	free(copy);
	if (!r && !e->args)
		r = gb_set_str(s->ctx, &e->args, "");
	return r;
}

static const char *base_name(const char *p)
{
	const char *slash = strrchr(p, '/');
	return slash ? slash + 1 : p;
}

/* Anything that is not a Linux kernel: recorded, not followed. */
static int build_chain(struct sx *s, struct gb_entry *e, const struct sx_label *l,
		       const char *kernel, const char *append)
{
	static const char *const what[] = {
		[SX_COM32] = "COM32 module", [SX_BOOT] = "boot sector or PXE image",
		[SX_CONFIG] = "CONFIG (another configuration)", [SX_LOCAL] = "LOCALBOOT",
		[SX_LINUX] = "",
	};
	e->kind = GB_ENTRY_CHAIN;
	gb_menu_warn(s->menu, "label %s: %s%s%s, not followed", l->name, what[l->type],
		     l->type == SX_LOCAL ? "" : " ", l->type == SX_LOCAL ? "" : kernel);
	int r = l->type == SX_LOCAL ? 0 : set_kernel_file(s, e, kernel);
	if (!r)
		r = gb_set_str(s->ctx, &e->args, append);
	return r;
}

static int build_label(struct sx *s, const struct sx_label *l)
{
	struct gb_entry *e = gb_menu_add(s->ctx, s->menu, &s->menu->entries, &s->menu->nentries);
	if (!e)
		return s->ctx->code;
	e->line = l->line;
	int r;
	if ((r = gb_set_str(s->ctx, &e->title, l->title ? l->title : l->name)) ||
	    (r = gb_set_str(s->ctx, &e->id, l->name)))
		return r;
	if (l->menu_exit && !l->kernel)
		return 0; /* kind stays GB_ENTRY_EMPTY */
	/* without KERNEL, syslinux boots a file named like the label */
	const char *kernel = l->kernel ? l->kernel : l->name;
	const char *append = l->append ? l->append : (s->global_append ? s->global_append : "");
	enum sx_type type = l->kernel ? l->type : type_of_file(kernel);
	if (type == SX_LINUX)
		return build_linux(s, e, kernel, l->initrd, append);
	if (type == SX_COM32 && !strcasecmp(base_name(kernel), "mboot.c32"))
		return build_mboot(s, e, append);
	struct sx_label tl = *l;
	tl.type = type;
	return build_chain(s, e, &tl, kernel, append);
}

/* DEFAULT (or ONTIMEOUT) naming no label is a command line of its own:
 * "DEFAULT vmlinuz initrd=initrd.gz root=/dev/ram0". */
static int build_command(struct sx *s, const char *cmd)
{
	char *copy = strdup(cmd);
	if (!copy)
		return gb_error(s->ctx, GB_E_NOMEM, "out of memory");
	char *rest = copy, *kernel = gb_next_word(&rest);
	struct sx_label l = { .name = kernel, .kernel = kernel, .line = 0 };
	l.type = kernel ? type_of_file(kernel) : SX_LINUX;
	int r = 0;
	if (kernel) {
		l.append = rest;
		r = build_label(s, &l);
		if (!r) {
			struct gb_entry *e = &s->menu->entries[s->menu->nentries - 1];
			free(e->id);
			e->id = NULL;
			r = gb_set_str(s->ctx, &e->title, cmd);
		}
	}
	free(copy);
	return r;
}

static size_t find_label(const struct sx *s, const char *name)
{
	for (size_t i = 0; i < s->nlabels; i++)
		if (!strcmp(s->labels[i].name, name))
			return i;
	for (size_t i = 0; i < s->nlabels; i++)
		if (!strcasecmp(s->labels[i].name, name))
			return i;
	return SIZE_MAX;
}

static bool is_menu_module(const char *cmd)
{
	char first[256];
	snprintf(first, sizeof(first), "%.*s", (int)strcspn(cmd, " \t"), cmd);
	const char *b = base_name(first);
	return !strcasecmp(b, "menu.c32") || !strcasecmp(b, "vesamenu.c32");
}

/* The label DEFAULT/ONTIMEOUT names (its first word), else a new entry
 * for the command line; SIZE_MAX when cmd is empty. */
static int label_or_command(struct sx *s, const char *cmd, size_t *idx)
{
	*idx = SIZE_MAX;
	char first[256];
	snprintf(first, sizeof(first), "%.*s", (int)strcspn(cmd, " \t"), cmd);
	if (!first[0])
		return 0;
	if ((*idx = find_label(s, first)) != SIZE_MAX)
		return 0;
	if (s->no_implicit) {
		gb_menu_warn(s->menu, "\"%s\" names no LABEL and IMPLICIT 0 forbids booting it",
			     first);
		return 0;
	}
	*idx = s->menu->nentries;
	return build_command(s, cmd);
}

/* With a menu UI, MENU DEFAULT marks the default; otherwise (and when no
 * entry is marked) DEFAULT, then ONTIMEOUT, name it. With neither UI nor
 * DEFAULT, MENU DEFAULT is all the config says about it. */
static int choose_default(struct sx *s)
{
	bool menu_ui = s->ui || !s->default_cmd || is_menu_module(s->default_cmd);
	size_t idx = SIZE_MAX;
	for (size_t i = 0; menu_ui && i < s->nlabels && idx == SIZE_MAX; i++)
		if (s->labels[i].menu_default)
			idx = i;
	int r = 0;
	if (idx == SIZE_MAX && s->default_cmd && !is_menu_module(s->default_cmd))
		r = label_or_command(s, s->default_cmd, &idx);
	if (!r && idx == SIZE_MAX && s->ontimeout)
		r = label_or_command(s, s->ontimeout, &idx);
	if (r || idx == SIZE_MAX)
		return r;
	char buf[24];
	snprintf(buf, sizeof(buf), "%zu", idx);
	return gb_set_str(s->ctx, &s->menu->default_spec, buf);
}

static int syslinux_parse(struct gb_ctx *ctx, const struct gb_cfg_devices *devs, int dev,
			  const char *path, const struct gb_cfg_options *opt, struct gb_menu *menu)
{
	(void)opt;
	struct sx s = { .ctx = ctx, .devs = devs, .dev = dev, .menu = menu, .file = path };
	s.cwd = gb_path_dir(path);
	if (!s.cwd)
		return gb_error(ctx, GB_E_NOMEM, "out of memory");
	int r = parse_file(&s, path);
	for (size_t i = 0; !r && i < s.nlabels; i++)
		r = build_label(&s, &s.labels[i]);
	if (!r)
		r = choose_default(&s);
	for (size_t i = 0; i < s.depth; i++)
		free(s.files[i]);
	free_labels(&s);
	free(s.default_cmd);
	free(s.ontimeout);
	free(s.global_append);
	free(s.ui);
	free(s.cwd);
	return r;
}

static const char *const syslinux_dirs[] = {
	"/boot/extlinux", "/boot/syslinux", "/extlinux", "/syslinux", "/isolinux",
	"/boot/isolinux", "/boot", "/", NULL,
};
static const char *const syslinux_names[] = {
	"extlinux.conf", "syslinux.cfg", "isolinux.cfg", NULL,
};
static const struct gb_cfg_place syslinux_places[] = {
	{ 30, GB_CFG_AT, syslinux_dirs, syslinux_names },
	{ 0 },
};
/* Any of the three, and the variants a user may name (pxelinux.cfg,
 * syslinux.cfg.bak) */
static const char *const syslinux_file_names[] = { "*linux.c[of][gn]*", NULL };

const struct gb_config_parser gb_cfg_syslinux = {
	.name = "syslinux",
	.looks_for = "extlinux/syslinux/isolinux config",
	.places = syslinux_places,
	.file_names = syslinux_file_names,
	.default_path = "/boot/extlinux/extlinux.conf",
	.parse = syslinux_parse,
};
