/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The GRUB 2 config parser: sets up the environment GRUB's normal mode
 * has before it reads grub.cfg, runs the script, then -- as GRUB does when
 * an entry is booted -- runs every menu entry's body in a copy of the
 * final environment with the entry's arguments as $1..., recording what
 * linux/initrd/multiboot/... name. The default is taken from the final
 * $default and resolved later by gb_menu_choose. */
#define _GNU_SOURCE
#include "config/grub2.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>

/* GRUB 2.06 normal mode sets these (normal/main.c: features[]). */
static const char *const features[] = {
	"feature_chainloader_bpb", "feature_ntldr", "feature_platform_search_hint",
	"feature_default_font_path", "feature_all_video_module", "feature_menuentry_id",
	"feature_menuentry_options", "feature_200_final", "feature_nativedisk_cmd",
	"feature_timeout_style",
};

static int set_exported(struct gb_grub2 *g, const char *name, const char *value)
{
	int r = gb_grub2_env_set(g, name, value);
	return r ? r : gb_grub2_env_export(g, name);
}

static int setup_env(struct gb_grub2 *g, int dev, const char *path)
{
	const char *devname = g->devs->dev[dev].grub_name ? g->devs->dev[dev].grub_name : "";
	const char *plat = g->opt && g->opt->grub_platform ? g->opt->grub_platform : "pc";
	/* BIOS GRUB is an i386 program even on 64-bit machines */
	const char *cpu = g->opt && g->opt->grub_cpu ? g->opt->grub_cpu
			  : !strcmp(plat, "pc") ? "i386" : "x86_64";
	/* Found in the btrfs default subvolume: $prefix is inside it, as paths
	 * are with btrfs_relative_path=y (set by the core image's config). */
	const char *top = "";
	struct gb_ctx quiet = { 0 };
	struct gb_fs *fs = g->opt && g->opt->btrfs_relative ? gb_cfg_fs(g->devs, dev) : NULL;
	bool rel = fs && !gb_fs_default_root(&quiet, fs, &top) &&
		   !strncmp(path, top, strlen(top));
	if (rel)
		path += strlen(top);
	const char *slash = strrchr(path, '/');
	size_t dirlen = slash ? (size_t)(slash - path) : 0;
	size_t disklen = strcspn(devname, ",");
	char *prefix = NULL, *cmdpath = NULL;
	int r = 0;
	if (asprintf(&prefix, "(%s)%.*s", devname, (int)dirlen, path) < 0)
		prefix = NULL;
	/* BIOS GRUB is loaded from the disk; other platforms from a directory */
	if (!strcmp(plat, "pc") ? asprintf(&cmdpath, "(%.*s)", (int)disklen, devname) < 0
				: asprintf(&cmdpath, "%s", prefix ? prefix : "") < 0)
		cmdpath = NULL;
	if (!prefix || !cmdpath)
		r = gb_grub2_fatal(g, GB_E_NOMEM, "out of memory");
	if (!r)
		r = set_exported(g, "root", devname);
	if (!r)
		r = set_exported(g, "prefix", prefix);
	if (!r)
		r = set_exported(g, "cmdpath", cmdpath);
	if (!r && rel)
		r = set_exported(g, "btrfs_relative_path", "y");
	if (!r)
		r = set_exported(g, "grub_platform", plat);
	if (!r)
		r = set_exported(g, "grub_cpu", cpu);
	for (size_t i = 0; !r && i < sizeof(features) / sizeof(features[0]); i++)
		r = set_exported(g, features[i], "y");
	free(prefix);
	free(cmdpath);
	return r;
}

/* ---- running files --------------------------------------------------------- */

static char *dup_var(struct gb_grub2 *g, const char *name)
{
	const char *v = gb_grub2_env_get(g->env, name);
	return v ? strdup(v) : NULL;
}

static void restore_var(struct gb_grub2 *g, const char *name, char *old)
{
	if (g->fatal) {
		free(old);
		return;
	}
	if (old)
		gb_grub2_env_set(g, name, old);
	else
		gb_grub2_env_unset(g, name);
	free(old);
}

/* Carriage returns never reach GRUB's lexer (grub_file_getline). */
static size_t drop_cr(char *text, size_t len)
{
	size_t o = 0;
	for (size_t i = 0; i < len; i++)
		if (text[i] != '\r')
			text[o++] = text[i];
	text[o] = '\0';
	return o;
}

int gb_grub2_run_text(struct gb_grub2 *g, const char *name, const char *path, char *text,
		      size_t len)
{
	char *old_file = dup_var(g, "config_file"), *old_dir = dup_var(g, "config_directory");
	char *file = NULL;
	const char *root = gb_grub2_env_get(g->env, "root");
	if (name[0] == '(' ? asprintf(&file, "%s", name) < 0
			   : asprintf(&file, "(%s)%s", root ? root : "", name) < 0)
		file = NULL;
	int r = file ? 0 : gb_grub2_fatal(g, GB_E_NOMEM, "out of memory");
	if (!r) {
		char *slash = strrchr(file, '/');
		r = set_exported(g, "config_file", file);
		if (slash)
			*slash = '\0';
		if (!r)
			r = set_exported(g, "config_directory", file);
	}
	free(file);
	if (!r)
		r = gb_grub2_run_source(g, text, drop_cr(text, len), path, 1);
	restore_var(g, "config_file", old_file);
	restore_var(g, "config_directory", old_dir);
	return g->fatal ? g->fatal : r;
}

int gb_grub2_run_file(struct gb_grub2 *g, const char *name, bool *found)
{
	int dev;
	char *path, *text;
	size_t len;
	*found = false;
	int r = gb_grub2_resolve(g, name, &dev, &path, true);
	if (r)
		return r;
	struct gb_ctx quiet = { 0 };
	if (!gb_grub2_cost(g, GB_GRUB2_COST_READ)) {
		free(path);
		return g->fatal;
	}
	if (dev < 0 || gb_cfg_read(&quiet, g->devs, dev, path, &text, &len)) {
		gb_grub2_warn(g, "cannot read %.120s: %s", name, gb_grub2_read_error(&quiet));
		free(path);
		return GB_GRUB2_ERR_FILE;
	}
	*found = true;
	r = gb_grub2_run_text(g, name, path, text, len);
	free(text);
	free(path);
	return r;
}

/* ---- the menu ---------------------------------------------------------------- */

/* GRUB reads a number with strtoul wherever a default path component
 * starts with digits ("2abc" is entry 2): rewrite those components as
 * plain numbers so gb_menu_choose, which matches other text exactly,
 * agrees with GRUB. */
static char *normalize_default(const char *spec)
{
	char *out = malloc(strlen(spec) + 32 * (strlen(spec) + 1)), *o = out;
	if (!out)
		return NULL;
	const char *s = spec;
	for (;;) {
		const char *c = s, *digit = s;
		while (*c && !(c[0] == '>' && c[1] != '>'))
			c += (c[0] == '>' && c[1] == '>') ? 2 : 1;
		while (*digit == ' ' || *digit == '\t')
			digit++;
		unsigned long v;
		if (*digit >= '0' && *digit <= '9')
			/* too large: GRUB fails and boots entry 0, as any index past the end */
			o += sprintf(o, "%lu", gb_grub2_strtoul(s, &v, NULL) ? v : ULONG_MAX);
		else
			o = mempcpy(o, s, (size_t)(c - s));
		if (!*c)
			break;
		*o++ = '>';
		s = c + 1;
	}
	*o = '\0';
	return out;
}

/* $timeout as grub_menu_get_timeout reads it: unset or not a number is
 * "wait forever". */
static int menu_timeout(const char *v)
{
	unsigned long t;
	if (!v)
		return -1;
	bool neg = false;
	while (*v == ' ' || *v == '\t')
		v++;
	if (*v == '-') {
		neg = true;
		v++;
	}
	if (!gb_grub2_strtoul(v, &t, NULL) || t > INT32_MAX)
		return -1;
	return neg ? -1 : (int)t;
}

/* Fedora's GRUB (the only one with blscfg) matches an id or title before
 * reading a number: BLS ids often start with a machine-id digit. */
static bool names_top_entry(const struct gb_menu *m, const char *spec)
{
	if (strchr(spec, '>'))
		return false;
	for (size_t i = 0; i < m->nentries; i++)
		if ((m->entries[i].id && !strcmp(m->entries[i].id, spec)) ||
		    (m->entries[i].title && !strcmp(m->entries[i].title, spec)))
			return true;
	return false;
}

static int menu_settings(struct gb_grub2 *g)
{
	const char *def = gb_grub2_env_get(g->env, "default");
	if (def && g->blscfg_used && names_top_entry(g->menu, def)) {
		if (!(g->menu->default_spec = strdup(def)))
			return gb_grub2_fatal(g, GB_E_NOMEM, "out of memory");
		def = NULL;
	}
	const char *fb = gb_grub2_env_get(g->env, "fallback");
	const char *style = gb_grub2_env_get(g->env, "timeout_style");
	if (def && !(g->menu->default_spec = normalize_default(def)))
		return gb_grub2_fatal(g, GB_E_NOMEM, "out of memory");
	if (fb && !(g->menu->fallback_spec = strdup(fb)))
		return gb_grub2_fatal(g, GB_E_NOMEM, "out of memory");
	g->menu->timeout = menu_timeout(gb_grub2_env_get(g->env, "timeout"));
	/* GRUB ignores the style when it would wait forever */
	g->menu->hidden = style && !strcmp(style, "hidden") && g->menu->timeout >= 0;
	return 0;
}

static int build_entries(struct gb_grub2 *g, struct gb_grub2_items *items,
			 const struct gb_grub2_env *base, struct gb_entry **list, size_t *n,
			 int depth);

static void reset_flow(struct gb_grub2 *g)
{
	g->func_return = false;
	g->active_breaks = 0;
	g->active_loops = 0;
	g->is_continue = false;
	g->replaced = false;
}

/* Run a submenu's body: its menuentries become the children, evaluated
 * with the environment the body left. */
static int eval_submenu(struct gb_grub2 *g, const struct gb_grub2_item *it, struct gb_entry *e,
			int depth)
{
	e->kind = GB_ENTRY_SUBMENU;
	if (depth + 1 >= GB_MENU_MAX_DEPTH) {
		gb_menu_warn(g->menu, "%s:%zu: submenus nested deeper than %d are ignored", it->file,
			     it->line, GB_MENU_MAX_DEPTH);
		return 0;
	}
	struct gb_grub2_items *children = calloc(1, sizeof(*children));
	if (!children)
		return gb_grub2_fatal(g, GB_E_NOMEM, "out of memory");
	g->items = children;
	gb_grub2_run_source(g, it->body, strlen(it->body), it->file, it->body_line);
	/* a configfile in the body may have replaced the list */
	children = g->items;
	g->items = NULL;
	reset_flow(g);
	if (!g->fatal)
		build_entries(g, children, g->env, &e->children, &e->nchildren, depth + 1);
	gb_grub2_items_free(children);
	return g->fatal;
}

/* What GRUB's grub_menu_execute_entry sets before an entry's body runs:
 * $chosen, the path of ids (or titles) to it with '>' doubled inside each,
 * exported; $default, what follows its first '>' (unset when nothing
 * does), which is what a submenu's own menu then chooses by. */
static int enter_entry(struct gb_grub2 *g, const struct gb_grub2_item *it)
{
	const char *id = it->id ? it->id : it->title;
	const char *old = gb_grub2_env_get(g->env, "chosen");
	struct gb_sbuf b = { 0 };
	if (old) {
		gb_sbuf_adds(&b, old);
		gb_sbuf_add(&b, ">", 1);
	}
	for (const char *c = id; *c; c++)
		gb_sbuf_add(&b, *c == '>' ? ">>" : c, *c == '>' ? 2 : 1);
	char *chosen = gb_sbuf_take(&b);
	if (!chosen)
		return gb_grub2_fatal(g, GB_E_NOMEM, "out of memory");
	int r = set_exported(g, "chosen", chosen);
	free(chosen);
	const char *def = gb_grub2_env_get(g->env, "default");
	const char *p = def;
	for (; p && *p; p++) {
		if (p[0] == '>' && p[1] == '>') {
			p++;
			continue;
		}
		if (p[0] == '>')
			break;
	}
	if (r)
		return r;
	if (p && p[0] && p[1]) {
		char *rest = strdup(p + 1);
		r = rest ? gb_grub2_env_set(g, "default", rest) : gb_grub2_fatal(g, GB_E_NOMEM, "out of memory");
		free(rest);
	} else if (def) {
		gb_grub2_env_unset(g, "default");
	}
	return r;
}

static int eval_item(struct gb_grub2 *g, const struct gb_grub2_item *it,
		     const struct gb_grub2_env *base, struct gb_entry *e, int depth)
{
	struct gb_grub2_scope sc = { .argv = it->args, .argc = it->nargs };
	struct gb_grub2_env *saved = g->env;
	if (!gb_grub2_charge(g, base->bytes))
		return g->fatal;
	/* a submenu opens a new context, as GRUB's grub_env_context_open:
	 * only exported variables cross into it */
	g->env = gb_grub2_env_copy(base, it->submenu);
	if (!g->env) {
		g->env = saved;
		return gb_grub2_fatal(g, GB_E_NOMEM, "out of memory");
	}
	/* setparams may replace the arguments: give the scope its own copy */
	sc.argv = calloc(it->nargs + 1, sizeof(char *));
	for (size_t i = 0; sc.argv && i < it->nargs; i++)
		if (!(sc.argv[i] = strdup(it->args[i]))) {
			sc.argc = i;
			break;
		}
	if (!sc.argv)
		sc.argc = 0;
	g->scope = &sc;
	/* a failure is fatal: only the clean-up is left to do */
	if (!enter_entry(g, it) && it->submenu) {
		eval_submenu(g, it, e, depth);
	} else if (!g->fatal) {
		g->target = e;
		gb_grub2_run_source(g, it->body, strlen(it->body), it->file, it->body_line);
		g->target = NULL;
	}
	g->scope = NULL;
	for (size_t i = 0; sc.argv && i < sc.argc; i++)
		free(sc.argv[i]);
	free(sc.argv);
	gb_grub2_env_free(g->env);
	g->env = saved;
	reset_flow(g);
	return g->fatal;
}

static int build_entries(struct gb_grub2 *g, struct gb_grub2_items *items,
			 const struct gb_grub2_env *base, struct gb_entry **list, size_t *n,
			 int depth)
{
	for (size_t i = 0; i < items->n && !g->fatal; i++) {
		const struct gb_grub2_item *it = &items->v[i];
		struct gb_entry *e = gb_menu_add(g->ctx, g->menu, list, n);
		if (!e)
			return g->fatal = gb_ctx_code(g->ctx);
		e->line = it->line;
		e->title = strdup(it->title);
		if (!e->title || (it->id && !(e->id = strdup(it->id))))
			return gb_grub2_fatal(g, GB_E_NOMEM, "out of memory");
		size_t outer = g->depth;
		g->path[depth] = i;
		g->depth = (size_t)depth + 1;
		eval_item(g, it, base, e, depth);
		g->depth = outer;
	}
	return g->fatal;
}

static void script_free(struct gb_grub2 *g)
{
	gb_grub2_env_free(g->env);
	gb_grub2_items_free(g->items);
	for (size_t i = 0; i < g->nfuncs; i++) {
		free(g->funcs[i].name);
		free(g->funcs[i].body);
		free(g->funcs[i].file);
	}
	free(g);
}

static int run(struct gb_grub2 *g, int dev, const char *path, char *text, size_t len)
{
	char *name = NULL;
	if (setup_env(g, dev, path))
		return g->fatal;
	const char *devname = g->devs->dev[dev].grub_name ? g->devs->dev[dev].grub_name : "";
	if (asprintf(&name, "(%s)%s", devname, path) < 0)
		return gb_grub2_fatal(g, GB_E_NOMEM, "out of memory");
	gb_grub2_run_text(g, name, path, text, len);
	free(name);
	if (g->fatal)
		return g->fatal;
	reset_flow(g);
	struct gb_grub2_items *items = g->items;
	g->items = NULL;
	struct gb_grub2_env *final = g->env;
	build_entries(g, items, final, &g->menu->entries, &g->menu->nentries, 0);
	g->items = items;
	if (g->fatal || menu_settings(g))
		return g->fatal;
	if (!g->menu->nentries && g->syntax[0])
		return gb_error(g->ctx, GB_E_SYNTAX, "%s", g->syntax);
	return 0;
}

static int grub2_parse(struct gb_ctx *ctx, const struct gb_cfg_devices *devs, int dev,
		       const char *path, const struct gb_cfg_options *opt, struct gb_menu *menu)
{
	char *text;
	size_t len;
	int r = gb_cfg_read(ctx, devs, dev, path, &text, &len);
	if (r)
		return r;
	struct gb_grub2 *g = calloc(1, sizeof(*g));
	if (g) {
		g->env = gb_grub2_env_new();
		g->items = calloc(1, sizeof(*g->items));
	}
	if (!g || !g->env || !g->items) {
		if (g)
			script_free(g);
		free(text);
		return gb_error(ctx, GB_E_NOMEM, "out of memory");
	}
	g->ctx = ctx;
	g->devs = devs;
	g->opt = opt;
	g->menu = menu;
	g->file = path;
	r = run(g, dev, path, text, len);
	script_free(g);
	free(text);
	return r;
}

/* Parse only, for differential tests against grub-script-check: 0 when
 * the text parses, else GB_E_SYNTAX with the first error in msg. */
int gb_grub2_syntax_check(const char *file, const char *text, size_t len, char *msg, size_t cap)
{
	struct gb_grub2_arena arena = { 0 };
	struct gb_grub2_parser p;
	int r = 0;
	char *copy = malloc(len + 1);
	if (!copy)
		return GB_E_NOMEM;
	memcpy(copy, text, len);
	len = drop_cr(copy, len);
	gb_grub2_parser_init(&p, NULL, file, copy, len, 1, &arena, NULL);
	for (;;) {
		struct gb_grub2_node *list;
		enum gb_grub2_chunk_result c = gb_grub2_parse_chunk(&p, &list);
		if (c == GB_GRUB2_CHUNK_ERROR && !r) {
			snprintf(msg, cap, "%s:%zu:%zu: %s", file, p.err_line, p.err_col, p.err_msg);
			r = GB_E_SYNTAX;
		}
		gb_grub2_arena_free(&arena);
		if (c == GB_GRUB2_CHUNK_EOF || p.lx.oom)
			break;
	}
	gb_grub2_arena_free(&arena);
	free(copy);
	return p.lx.oom ? GB_E_NOMEM : r;
}

/* grub-install's BIOS places, first from the top level, then inside a
 * top-level btrfs subvolume (Ubuntu's "@": GRUB's prefix is then
 * /@/boot/grub, and grub.cfg's paths start at the top level too), then in
 * the btrfs default subvolume (openSUSE's patched GRUB starts its paths
 * there); after GRUB legacy and syslinux, an EFI system partition's
 * /EFI/<vendor>/grub.cfg. A grub.cfg wins over a menu.lst left behind by
 * an upgrade, as the GRUB 2 that the upgrade installed reads grub.cfg. */
static const char *const grub2_dirs[] = { "/boot/grub", "/grub", "/boot/grub2", "/grub2", NULL };
static const char *const grub2_subvol_dirs[] = { "/boot/grub", "/boot/grub2", NULL };
static const char *const grub2_names[] = { "grub.cfg", NULL };
static const char *const esp_dirs[] = { "/EFI", NULL };
static const struct gb_cfg_place grub2_places[] = {
	{ 10, GB_CFG_AT, grub2_dirs, grub2_names },
	{ 11, GB_CFG_IN_SUBVOL, grub2_subvol_dirs, grub2_names },
	{ 12, GB_CFG_IN_DEFAULT_SUBVOL, grub2_dirs, grub2_names },
	{ 40, GB_CFG_IN_SUBDIR, esp_dirs, grub2_names },
	{ 0 },
};

const struct gb_config_parser gb_cfg_grub2 = {
	.name = "grub2",
	.looks_for = "grub.cfg",
	.places = grub2_places,
	.file_names = grub2_names,
	.default_path = "/boot/grub/grub.cfg",
	.parse = grub2_parse,
};
