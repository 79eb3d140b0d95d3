/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* LILO's /etc/lilo.conf: global options, then "image=" (a Linux kernel)
 * and "other=" (another system's boot sector) sections, each with options
 * that override the global ones. Settings are "name=value" (value quoted
 * when it has blanks) or bare flags, several allowed on a line. The kernel
 * command line is what LILO's map installer stores: "ro"/"rw", "root=...",
 * then the options (BOOT_IMAGE= is added at boot time and not shown). */
#define _GNU_SOURCE
#include "config/cfgutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <strings.h>

#define LILO_MAX_SECTIONS 256

/* Options a section may set; NULL/-1: inherit the global value. */
struct lilo_opts {
	char *root, *initrd, *append, *addappend, *literal;
	int ro; /* 1 read-only, 0 read-write, -1 unset */
};

struct lilo_sect {
	bool other;         /* other= (chain) rather than image= */
	char *path, *label, *alias;
	struct lilo_opts o;
	size_t line;
};

struct lilo {
	struct gb_ctx *ctx;
	int dev;
	const char *path;
	struct gb_menu *menu;
	struct lilo_opts global;
	char *default_label;
	int timeout, delay;  /* tenths; -1 unset */
	bool prompt;
	struct lilo_sect *sect;
	size_t nsect;
	size_t lineno;
};

static void free_opts(struct lilo_opts *o)
{
	free(o->root);
	free(o->initrd);
	free(o->append);
	free(o->addappend);
	free(o->literal);
}

static void free_all(struct lilo *l)
{
	for (size_t i = 0; i < l->nsect; i++) {
		free(l->sect[i].path);
		free(l->sect[i].label);
		free(l->sect[i].alias);
		free_opts(&l->sect[i].o);
	}
	free(l->sect);
	free_opts(&l->global);
	free(l->default_label);
}

static int syntax(struct lilo *l, size_t col, const char *why)
{
	return gb_error(l->ctx, GB_E_SYNTAX, "%s:%zu:%zu: %s", l->path, l->lineno, col, why);
}

/* ---- tokens ----------------------------------------------------------- */

/* One "name", "name=value" or "name = "quoted value"" item from *p.
 * Returns 1 with name/value (value NULL for a flag), 0 at end of line,
 * or a negative error. The line is cut in place. */
static int next_item(struct lilo *l, char *line, char **p, char **name, char **value)
{
	char *s = *p;
	while (gb_is_space(*s))
		s++;
	if (!*s || *s == '#')
		return 0;
	if (*s == '=')
		return syntax(l, (size_t)(s - line) + 1, "'=' without a name");
	*name = s;
	while (*s && !gb_is_space(*s) && *s != '=')
		s++;
	char *name_end = s;
	while (gb_is_space(*s))
		s++;
	*value = NULL;
	if (*s == '=') {
		s++;
		while (gb_is_space(*s))
			s++;
		if (*s == '"') {
			char *close = strchr(s + 1, '"');
			if (!close)
				return syntax(l, (size_t)(s - line) + 1, "unterminated quoted string");
			*value = s + 1;
			*close = '\0';
			s = close + 1;
		} else if (!*s || *s == '#') {
			return syntax(l, (size_t)(s - line) + 1, "missing value after '='");
		} else {
			*value = s;
			while (*s && !gb_is_space(*s))
				s++;
			if (*s)
				*s++ = '\0';
		}
	}
	*name_end = '\0';
	*p = s;
	return 1;
}

/* ---- settings --------------------------------------------------------- */

static struct lilo_sect *cur(struct lilo *l)
{
	return l->nsect ? &l->sect[l->nsect - 1] : NULL;
}

static int new_section(struct lilo *l, bool other, const char *path)
{
	if (l->nsect >= LILO_MAX_SECTIONS)
		return gb_error(l->ctx, GB_E_LIMIT, "%s:%zu: more than %d images", l->path,
				l->lineno, LILO_MAX_SECTIONS);
	struct lilo_sect *p = realloc(l->sect, (l->nsect + 1) * sizeof(*p));
	if (!p)
		return gb_error(l->ctx, GB_E_NOMEM, "out of memory");
	l->sect = p;
	struct lilo_sect *s = &p[l->nsect++];
	memset(s, 0, sizeof(*s));
	s->other = other;
	s->o.ro = -1;
	s->line = l->lineno;
	return gb_set_str(l->ctx, &s->path, path);
}

/* Options valid both globally and per image. */
static int set_opt(struct lilo *l, struct lilo_opts *o, const char *name, const char *value,
		   bool *known)
{
	*known = true;
	if (!strcmp(name, "read-only") || !strcmp(name, "read-write")) {
		o->ro = name[5] == 'o';
		return 0;
	}
	static const struct { const char *n; size_t off; } strs[] = {
		{ "root", offsetof(struct lilo_opts, root) },
		{ "initrd", offsetof(struct lilo_opts, initrd) },
		{ "ramdisk", offsetof(struct lilo_opts, initrd) }, /* old spelling */
		{ "append", offsetof(struct lilo_opts, append) },
		{ "addappend", offsetof(struct lilo_opts, addappend) },
		{ "literal", offsetof(struct lilo_opts, literal) },
	};
	for (size_t i = 0; i < sizeof(strs) / sizeof(strs[0]); i++)
		if (!strcmp(name, strs[i].n)) {
			if (!value)
				return syntax(l, 1, "option needs a value");
			return gb_set_str(l->ctx, (char **)((char *)o + strs[i].off), value);
		}
	*known = false;
	return 0;
}

/* Accepted and irrelevant to what boots. */
static const char *const ignored_opts[] = {
	"boot", "map", "install", "message", "compact", "lba32", "linear", "vga",
	"password", "restricted", "mandatory", "single-key", "lock", "optional",
	"serial", "menu-title", "menu-scheme", "bitmap", "bmp-colors", "bmp-table",
	"bmp-timer", "disk", "bios", "sectors", "heads", "cylinders", "large-memory",
	"change-rules", "reset", "table", "loader", "map-drive", "to", "unsafe",
	"verbose", "backup", "force-backup", "nowarn", "fix-table", "ignore-table",
	"raid-extra-boot", "static-bios-codes", "default-extra", "noraid", "change",
	"activate", "deactivate", "automatic", "set", "partition", "start", "mem",
	"nodevcache", "geometric", "suppress-boot-time-BIOS-data", "keytable",
};

static bool is_ignored(const char *name)
{
	for (size_t i = 0; i < sizeof(ignored_opts) / sizeof(ignored_opts[0]); i++)
		if (!strcmp(name, ignored_opts[i]))
			return true;
	return false;
}

static int tenths(struct lilo *l, const char *value, int *out)
{
	char *end;
	long v = value ? strtol(value, &end, 10) : -1;
	if (!value || end == value || *end || v < 0 || v > 10000000) {
		gb_menu_warn(l->menu, "%s:%zu: bad number '%s', ignored", l->path, l->lineno,
			     value ? value : "");
		return 0;
	}
	*out = (int)v;
	return 0;
}

static int global_only(struct lilo *l, const char *name, const char *value, bool *known)
{
	*known = true;
	if (!strcmp(name, "default"))
		return value ? gb_set_str(l->ctx, &l->default_label, value)
			     : syntax(l, 1, "default needs a label");
	if (!strcmp(name, "timeout"))
		return tenths(l, value, &l->timeout);
	if (!strcmp(name, "delay"))
		return tenths(l, value, &l->delay);
	if (!strcmp(name, "prompt")) {
		l->prompt = true;
		return 0;
	}
	*known = false;
	return 0;
}

static int section_only(struct lilo *l, struct lilo_sect *s, const char *name,
			const char *value, bool *known)
{
	*known = true;
	if (!strcmp(name, "label") || !strcmp(name, "alias")) {
		if (!value)
			return syntax(l, 1, "label needs a value");
		return gb_set_str(l->ctx, name[0] == 'l' ? &s->label : &s->alias, value);
	}
	*known = false;
	return 0;
}

static int setting(struct lilo *l, const char *name, const char *value)
{
	if (!strcmp(name, "image") || !strcmp(name, "other")) {
		if (!value)
			return syntax(l, 1, "image/other needs a file or device");
		return new_section(l, name[0] == 'o', value);
	}
	struct lilo_sect *s = cur(l);
	bool known;
	int r = set_opt(l, s ? &s->o : &l->global, name, value, &known);
	if (known || r)
		return r;
	r = s ? section_only(l, s, name, value, &known) : global_only(l, name, value, &known);
	if (known || r)
		return r;
	if (!is_ignored(name))
		gb_menu_warn(l->menu, "%s:%zu: unknown option '%s', ignored", l->path, l->lineno, name);
	return 0;
}

static int parse_text(struct lilo *l, char *text, size_t len)
{
	struct gb_lines it;
	gb_lines_init(&it, text, len);
	char *line;
	int r = 0;
	while (!r && (line = gb_lines_next_bounded(&it, l->menu, l->path))) {
		l->lineno = it.lineno;
		char *p = line, *name = NULL, *value = NULL;
		while ((r = next_item(l, line, &p, &name, &value)) == 1)
			if ((r = setting(l, name, value)))
				break;
	}
	return r < 0 ? r : 0;
}

/* ---- building the menu ------------------------------------------------ */

static const char *pick(const char *mine, const char *global)
{
	return mine ? mine : global;
}

/* "ro root=/dev/sda1 <append> <addappend>", or literal= as is. */
static char *command_line(const struct lilo *l, const struct lilo_sect *s)
{
	const struct lilo_opts *o = &s->o, *g = &l->global;
	if (o->literal || g->literal)
		return strdup(pick(o->literal, g->literal));
	struct gb_sbuf b = { 0 };
	int ro = o->ro >= 0 ? o->ro : g->ro;
	if (ro >= 0)
		gb_sbuf_add_word(&b, ro ? "ro" : "rw");
	const char *root = pick(o->root, g->root);
	if (root && *root) {
		gb_sbuf_add(&b, b.len ? " root=" : "root=", b.len ? 6 : 5);
		gb_sbuf_add(&b, root, strlen(root));
	}
	const char *append = pick(o->append, g->append);
	if (append)
		gb_sbuf_add_word(&b, append);
	const char *add = pick(o->addappend, g->addappend);
	if (add)
		gb_sbuf_add_word(&b, add);
	char *s2 = gb_sbuf_take(&b);
	if (s2)
		gb_squeeze_spaces(s2);
	return s2;
}

static const char *base_name(const char *p)
{
	const char *slash = strrchr(p, '/');
	return slash ? slash + 1 : p;
}

static int build(struct lilo *l, const struct lilo_sect *s)
{
	struct gb_entry *e = gb_menu_add(l->ctx, l->menu, &l->menu->entries, &l->menu->nentries);
	if (!e)
		return l->ctx->code;
	e->line = s->line;
	/* LILO names an image without label= after its file */
	const char *label = s->label ? s->label : base_name(s->path);
	int r;
	if ((r = gb_set_str(l->ctx, &e->title, label)) || (r = gb_set_str(l->ctx, &e->id, label)))
		return r;
	e->kernel.device = l->dev;
	if (!(e->kernel.path = s->other ? strdup(s->path) : gb_path_join("/", s->path)))
		return gb_error(l->ctx, GB_E_NOMEM, "out of memory");
	if (s->other) {
		e->kind = GB_ENTRY_CHAIN;
		gb_menu_warn(l->menu, "%s: other=%s boots another system, not followed", label, s->path);
		return gb_set_str(l->ctx, &e->args, "");
	}
	e->kind = GB_ENTRY_LINUX;
	if (!(e->args = command_line(l, s)))
		return gb_error(l->ctx, GB_E_NOMEM, "out of memory");
	const char *initrd = pick(s->o.initrd, l->global.initrd);
	if (!initrd)
		return 0;
	char *abs = gb_path_join("/", initrd);
	r = abs ? gb_entry_add_file(l->ctx, &e->initrds, &e->ninitrds, l->dev, abs, NULL)
		: gb_error(l->ctx, GB_E_NOMEM, "out of memory");
	free(abs);
	return r;
}

static size_t find_label(const struct lilo *l, const char *name, bool ci)
{
	for (size_t i = 0; i < l->nsect; i++) {
		const struct lilo_sect *s = &l->sect[i];
		const char *label = s->label ? s->label : base_name(s->path);
		int (*cmp)(const char *, const char *) = ci ? strcasecmp : strcmp;
		if (!cmp(label, name) || (s->alias && !cmp(s->alias, name)))
			return i;
	}
	return SIZE_MAX;
}

/* default= names a label or alias; written as the index, since labels
 * may look like numbers. Without it, the first section boots. */
static int choose_default(struct lilo *l)
{
	if (!l->default_label)
		return 0;
	size_t i = find_label(l, l->default_label, false);
	if (i == SIZE_MAX)
		i = find_label(l, l->default_label, true);
	if (i == SIZE_MAX) {
		gb_menu_warn(l->menu, "default=%s names no image", l->default_label);
		return 0;
	}
	char buf[24];
	snprintf(buf, sizeof(buf), "%zu", i);
	return gb_set_str(l->ctx, &l->menu->default_spec, buf);
}

/* With "prompt", LILO waits timeout= tenths (forever without one);
 * without it, the menu only shows if Shift is held during delay=. */
static void set_timeout(struct lilo *l)
{
	if (l->prompt) {
		l->menu->timeout = l->timeout >= 0 ? (l->timeout + 9) / 10 : -1;
		return;
	}
	l->menu->hidden = true;
	l->menu->timeout = l->delay > 0 ? (l->delay + 9) / 10 : 0;
}

static int lilo_parse(struct gb_ctx *ctx, const struct gb_cfg_devices *devs, int dev,
		      const char *path, const struct gb_cfg_options *opt, struct gb_menu *menu)
{
	(void)opt;
	char *text = NULL;
	size_t len = 0;
	int r = gb_cfg_read(ctx, devs, dev, path, &text, &len);
	if (r)
		return r;
	struct lilo l = { .ctx = ctx, .dev = dev, .path = path, .menu = menu,
			  .timeout = -1, .delay = -1 };
	l.global.ro = -1;
	r = parse_text(&l, text, len);
	for (size_t i = 0; !r && i < l.nsect; i++)
		r = build(&l, &l.sect[i]);
	if (!r)
		r = choose_default(&l);
	if (!r)
		set_timeout(&l);
	free_all(&l);
	free(text);
	return r;
}

static const char *const lilo_dirs[] = { "/etc", NULL };
static const char *const lilo_names[] = { "lilo.conf", NULL };
static const struct gb_cfg_place lilo_places[] = {
	{ 60, GB_CFG_AT, lilo_dirs, lilo_names },
	{ 0 },
};

const struct gb_config_parser gb_cfg_lilo = {
	.name = "lilo",
	.looks_for = "lilo.conf",
	.places = lilo_places,
	.file_names = lilo_names,
	.default_path = "/etc/lilo.conf",
	.parse = lilo_parse,
};
