/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* GRUB 2 commands: the table of every command we run, the explicit no-op
 * lists, and the commands on variables, flow and files (set, break,
 * source, configfile, load_env...). Menu definitions and loaders live in
 * load.c, test in test.c, search/probe/regexp in search.c. Unknown
 * commands are reported by the executor. Return values are GRUB status
 * numbers, 0 = success. */
#define _GNU_SOURCE
#include "config/grub2/grub2.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>

typedef int (*cmd_fn)(struct gb_grub2 *g, int argc, char **argv, const struct gb_grub2_node *n);

int gb_grub2_nomem(struct gb_grub2 *g)
{
	return gb_grub2_fatal(g, GB_E_NOMEM, "out of memory");
}

int gb_grub2_usage(struct gb_grub2 *g, const char *cmd, const char *what)
{
	gb_grub2_warn(g, "%s: %s", cmd, what);
	return GB_GRUB2_ERR_ARG;
}

/* "--name=value" / "--name value": the value of a long option, or NULL
 * when argv[*i] is not --name. */
const char *gb_grub2_long_opt(int argc, char **argv, int *i, const char *name, bool has_arg,
			    bool *matched)
{
	const char *a = argv[*i];
	size_t n = strlen(name);
	*matched = false;
	if (strncmp(a, "--", 2) || strncmp(a + 2, name, n) || (a[2 + n] && a[2 + n] != '='))
		return NULL;
	*matched = true;
	if (a[2 + n] == '=')
		return a + 3 + n;
	if (has_arg && *i + 1 < argc)
		return argv[++*i];
	return NULL;
}

/* ---- variables and flow ------------------------------------------------ */

static int cmd_true(struct gb_grub2 *g, int argc, char **argv, const struct gb_grub2_node *n)
{
	(void)g, (void)argc, (void)argv, (void)n;
	return 0;
}

static int cmd_false(struct gb_grub2 *g, int argc, char **argv, const struct gb_grub2_node *n)
{
	(void)g, (void)argc, (void)argv, (void)n;
	return GB_GRUB2_FALSE;
}

/* set NAME=VALUE: only the first argument counts, as in GRUB. */
static int cmd_set(struct gb_grub2 *g, int argc, char **argv, const struct gb_grub2_node *n)
{
	(void)n;
	if (argc < 2)
		return 0;
	char *eq = strchr(argv[1], '=');
	if (!eq)
		return gb_grub2_usage(g, "set", "not an assignment");
	*eq = '\0';
	int r = gb_grub2_env_set(g, argv[1], eq + 1);
	*eq = '=';
	return r;
}

static int cmd_unset(struct gb_grub2 *g, int argc, char **argv, const struct gb_grub2_node *n)
{
	(void)n;
	for (int i = 1; i < argc; i++)
		gb_grub2_env_unset(g, argv[i]);
	return 0;
}

static int cmd_export(struct gb_grub2 *g, int argc, char **argv, const struct gb_grub2_node *n)
{
	(void)n;
	for (int i = 1; i < argc; i++)
		if (gb_grub2_env_export(g, argv[i]))
			return g->fatal;
	return 0;
}

static int cmd_break(struct gb_grub2 *g, int argc, char **argv, const struct gb_grub2_node *n)
{
	(void)n;
	unsigned long count = 1;
	const char *end;
	if (argc > 2)
		return gb_grub2_usage(g, argv[0], "one argument expected");
	if (argc == 2 && (!gb_grub2_strtoul(argv[1], &count, &end) || *end))
		return gb_grub2_usage(g, argv[0], "unrecognized number");
	if (!count)
		return gb_grub2_usage(g, argv[0], "can't break 0 loops");
	g->is_continue = strcmp(argv[0], "break") != 0;
	g->active_breaks = count < g->active_loops ? count : g->active_loops;
	return 0;
}

static int cmd_return(struct gb_grub2 *g, int argc, char **argv, const struct gb_grub2_node *n)
{
	(void)n;
	unsigned long v = 0;
	const char *end;
	if (!g->scope || argc > 2)
		return gb_grub2_usage(g, "return", "not in function body");
	if (argc == 1) {
		const char *q = gb_grub2_env_get(g->env, "?");
		if (q)
			gb_grub2_strtoul(q, &v, NULL);
	} else if (!gb_grub2_strtoul(argv[1], &v, &end) || *end) {
		return gb_grub2_usage(g, "return", "unrecognized number");
	}
	g->func_return = true;
	return v > 255 ? 255 : (int)v;
}

static int cmd_shift(struct gb_grub2 *g, int argc, char **argv, const struct gb_grub2_node *n)
{
	(void)n;
	unsigned long k = 1;
	const char *end;
	if (!g->scope)
		return 0;
	if (argc > 2 || (argc == 2 && (!gb_grub2_strtoul(argv[1], &k, &end) || *end)))
		return GB_GRUB2_ERR_ARG;
	if (k > g->scope->argc - g->scope->shift)
		return GB_GRUB2_ERR_ARG;
	g->scope->shift += k;
	return 0;
}

static int cmd_setparams(struct gb_grub2 *g, int argc, char **argv, const struct gb_grub2_node *n)
{
	(void)n;
	struct gb_grub2_scope *sc = g->scope;
	if (!sc)
		return gb_grub2_usage(g, "setparams", "not in function body");
	char **v = calloc((size_t)argc, sizeof(char *));
	if (!v)
		return gb_grub2_nomem(g);
	for (int i = 1; i < argc; i++)
		if (!(v[i - 1] = strdup(argv[i]))) {
			for (int k = 1; k < i; k++)
				free(v[k - 1]);
			free(v);
			return gb_grub2_nomem(g);
		}
	for (size_t i = 0; i < sc->argc; i++)
		free(sc->argv[i]);
	free(sc->argv);
	sc->argv = v;
	sc->argc = (size_t)argc - 1;
	sc->shift = 0;
	return 0;
}

/* increment/decrement VAR (Fedora's boot counting). */
static int cmd_increment(struct gb_grub2 *g, int argc, char **argv, const struct gb_grub2_node *n)
{
	(void)n;
	if (argc != 2)
		return gb_grub2_usage(g, argv[0], "one argument expected");
	const char *v = gb_grub2_env_get(g->env, argv[1]);
	char *end;
	long x = v ? strtol(v, &end, 10) : 0;
	if (!v || *end || x == LONG_MIN || x == LONG_MAX)
		return gb_grub2_usage(g, argv[0], "not a number");
	char buf[32];
	snprintf(buf, sizeof(buf), "%ld", argv[0][0] == 'i' ? x + 1 : x - 1);
	return gb_grub2_env_set(g, argv[1], buf);
}

/* ---- files: source, configfile, eval, load_env ----------------------------- */

/* Past the limit the command fails and the script goes on, as GRUB's
 * "maximum recursion depth exceeded": the entries made so far stay. */
static bool enter_source(struct gb_grub2 *g)
{
	if (g->source_depth >= GB_GRUB2_MAX_SOURCE_DEPTH) {
		gb_grub2_warn(g, "source/configfile nested deeper than %d, not followed",
			      GB_GRUB2_MAX_SOURCE_DEPTH);
		return false;
	}
	g->source_depth++;
	return true;
}

static int cmd_source(struct gb_grub2 *g, int argc, char **argv, const struct gb_grub2_node *n)
{
	(void)n;
	if (argc != 2)
		return gb_grub2_usage(g, argv[0], "filename expected");
	if (!enter_source(g))
		return GB_GRUB2_ERR_RECURSION;
	bool found;
	int r = gb_grub2_run_file(g, argv[1], &found);
	g->source_depth--;
	return found ? r : GB_GRUB2_ERR_FILE;
}

static void items_free(struct gb_grub2_items *it)
{
	for (size_t i = 0; it && i < it->n; i++) {
		struct gb_grub2_item *m = &it->v[i];
		free(m->title);
		free(m->id);
		for (size_t k = 0; k < m->nargs; k++)
			free(m->args[k]);
		free(m->args);
		free(m->body);
		free(m->file);
	}
	if (it)
		free(it->v);
	free(it);
}

void gb_grub2_items_free(struct gb_grub2_items *it)
{
	items_free(it);
}

/* configfile: a new context (exported variables only) and a new menu that
 * replaces the current one, unless it ends up empty (then GRUB returns). */
static int cmd_configfile(struct gb_grub2 *g, int argc, char **argv, const struct gb_grub2_node *n)
{
	(void)n;
	if (argc != 2)
		return gb_grub2_usage(g, "configfile", "filename expected");
	if (g->target || !g->items) {
		gb_grub2_warn(g, "configfile %.80s inside a menu entry is not followed", argv[1]);
		return GB_GRUB2_ERR_ARG;
	}
	struct gb_grub2_env *old_env = g->env;
	struct gb_grub2_items *old_items = g->items;
	g->env = gb_grub2_env_copy(old_env, true);
	g->items = calloc(1, sizeof(*g->items));
	bool deep = g->env && g->items && !enter_source(g);
	if (!g->env || !g->items || deep) {
		gb_grub2_env_free(g->env);
		free(g->items);
		g->env = old_env;
		g->items = old_items;
		return deep ? GB_GRUB2_ERR_RECURSION : gb_grub2_nomem(g);
	}
	bool found;
	int r = gb_grub2_run_file(g, argv[1], &found);
	g->source_depth--;
	if (g->items->n || g->replaced) {
		gb_grub2_env_free(old_env);
		items_free(old_items);
		g->replaced = true;
	} else {
		gb_grub2_env_free(g->env);
		items_free(g->items);
		g->env = old_env;
		g->items = old_items;
	}
	return found ? r : GB_GRUB2_ERR_FILE;
}

static int cmd_eval(struct gb_grub2 *g, int argc, char **argv, const struct gb_grub2_node *n)
{
	(void)n;
	size_t len = 0;
	for (int i = 1; i < argc; i++)
		len += strlen(argv[i]) + 1;
	char *text = malloc(len + 1), *p = text;
	if (!text)
		return gb_grub2_nomem(g);
	for (int i = 1; i < argc; i++)
		p += sprintf(p, "%s%s", i > 1 ? " " : "", argv[i]);
	*p = '\0';
	int r = GB_GRUB2_ERR_RECURSION;
	if (enter_source(g)) {
		r = gb_grub2_run_source(g, text, strlen(text), g->file, g->line);
		g->source_depth--;
	}
	free(text);
	return g->fatal ? g->fatal : r;
}

struct loadenv {
	struct gb_grub2 *g;
	char **only;
	int nonly;
};

static int loadenv_set(void *arg, const char *name, const char *value)
{
	struct loadenv *le = arg;
	bool wanted = le->nonly == 0;
	for (int i = 0; i < le->nonly && !wanted; i++)
		wanted = !strcmp(le->only[i], name);
	/* grub-reboot's one-shot entry: doctor warns that it sticks here */
	if (wanted && !strcmp(name, "next_entry") && *value && !le->g->menu->one_shot &&
	    !(le->g->menu->one_shot = strdup(value)))
		return gb_grub2_nomem(le->g);
	return wanted ? gb_grub2_env_set(le->g, name, value) : 0;
}

/* Read a (dev)/path file quietly: GB status on failure (warned). */
static int read_named(struct gb_grub2 *g, const char *cmd, const char *name, char **data,
		      size_t *len)
{
	int dev;
	char *path;
	int r = gb_grub2_resolve(g, name, &dev, &path, true);
	if (r)
		return r;
	struct gb_ctx quiet = { 0 };
	if (!gb_grub2_cost(g, GB_GRUB2_COST_READ)) {
		free(path);
		return g->fatal;
	}
	if (dev < 0 || gb_cfg_read(&quiet, g->devs, dev, path, data, len)) {
		gb_grub2_warn(g, "%s: cannot read %.120s: %s", cmd, name, gb_grub2_read_error(&quiet));
		free(path);
		return GB_GRUB2_ERR_FILE;
	}
	free(path);
	return gb_grub2_charge(g, *len) ? 0 : g->fatal;
}

static int cmd_load_env(struct gb_grub2 *g, int argc, char **argv, const struct gb_grub2_node *n)
{
	(void)n;
	const char *file = NULL;
	char *deflt = NULL;
	struct loadenv le = { .g = g, .only = argv + argc };
	for (int i = 1; i < argc; i++) {
		bool m;
		const char *v = gb_grub2_long_opt(argc, argv, &i, "file", true, &m);
		if (m) {
			file = v;
		} else if (!strcmp(argv[i], "-f") && i + 1 < argc) {
			file = argv[++i];
		} else if (!strcmp(argv[i], "-s") || !strcmp(argv[i], "--skip-sig")) {
			continue;
		} else {
			le.only = argv + i;
			le.nonly = argc - i;
			break;
		}
	}
	if (!file) {
		const char *prefix = gb_grub2_env_get(g->env, "prefix");
		if (!prefix)
			return gb_grub2_usage(g, "load_env", "variable `prefix' isn't set");
		if (asprintf(&deflt, "%s/grubenv", prefix) < 0)
			return gb_grub2_nomem(g);
		file = deflt;
	}
	char *data;
	size_t len;
	int r = read_named(g, "load_env", file, &data, &len);
	if (!r) {
		if (!gb_grub2_envblk_parse(data, len, loadenv_set, &le))
			r = gb_grub2_usage(g, "load_env", "invalid environment block");
		free(data);
	}
	free(deflt);
	return g->fatal ? g->fatal : r;
}

/* One variable save_env would write: recorded with where the script is
 * (the top level, or the body of the entry at g->path). */
static int record_save(struct gb_grub2 *g, int dev, const char *path, const char *grub_name,
		       const char *name)
{
	struct gb_menu *m = g->menu;
	if (m->nsaves >= GB_MENU_MAX_SAVES) {
		m->saves_lost = true;
		return 0;
	}
	struct gb_menu_save *v = realloc(m->saves, (m->nsaves + 1) * sizeof(*v));
	if (!v)
		return gb_grub2_nomem(g);
	m->saves = v;
	struct gb_menu_save *s = &v[m->nsaves];
	memset(s, 0, sizeof(*s));
	s->depth = g->depth;
	memcpy(s->path, g->path, g->depth * sizeof(*s->path));
	s->dev = dev;
	const char *value = gb_grub2_env_get(g->env, name);
	s->file = strdup(path);
	s->grub_name = strdup(grub_name);
	s->name = strdup(name);
	s->value = value ? strdup(value) : NULL;
	m->nsaves++;
	if (!s->file || !s->grub_name || !s->name || (value && !s->value))
		return gb_grub2_nomem(g);
	return 0;
}

/* save_env [-f FILE] NAME...: GRUB rewrites grubenv in place; here each
 * variable's value (or its absence) is recorded, for a caller that asks
 * for the write (gb_grubenv_plan). */
int gb_grub2_cmd_save_env(struct gb_grub2 *g, int argc, char **argv, const struct gb_grub2_node *n)
{
	(void)n;
	const char *file = NULL;
	int i = 1;
	for (; i < argc; i++) {
		bool m;
		const char *v = gb_grub2_long_opt(argc, argv, &i, "file", true, &m);
		if (m && !v)
			return gb_grub2_usage(g, "save_env", "missing mandatory option for `file'");
		if (m) {
			file = v;
		} else if (!strcmp(argv[i], "-f")) {
			if (i + 1 >= argc)
				return gb_grub2_usage(g, "save_env", "missing mandatory option for `f'");
			file = argv[++i];
		} else if (strcmp(argv[i], "-s") && strcmp(argv[i], "--skip-sig")) {
			break;
		}
	}
	if (i >= argc)
		return gb_grub2_usage(g, "save_env", "no variable is specified");
	char *deflt = NULL;
	if (!file) {
		const char *prefix = gb_grub2_env_get(g->env, "prefix");
		if (!prefix)
			return gb_grub2_usage(g, "save_env", "variable `prefix' isn't set");
		if (asprintf(&deflt, "%s/grubenv", prefix) < 0)
			return gb_grub2_nomem(g);
		file = deflt;
	}
	int dev;
	char *path;
	int r = gb_grub2_resolve(g, file, &dev, &path, true);
	for (; !r && i < argc; i++)
		r = record_save(g, dev, path, file, argv[i]);
	free(path);
	free(deflt);
	return g->fatal ? g->fatal : r;
}

/* echo [-n] [-e] ARGS (commands/echo.c): into the trace, if one is kept. */
static int cmd_echo(struct gb_grub2 *g, int argc, char **argv, const struct gb_grub2_node *n)
{
	(void)n;
	struct gb_menu *m = g->menu;
	bool newline = true, esc = false;
	int i = 1;
	for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		const char *o = argv[i] + 1;
		if (strspn(o, "ne") != strlen(o))
			break;
		newline = newline && !strchr(o, 'n');
		esc = esc || strchr(o, 'e');
	}
	for (int k = i; k < argc && m->trace_on; k++) {
		if (k > i)
			gb_menu_trace_add(m, " ", 1);
		for (const char *s = argv[k]; *s; s++) {
			static const char from[] = "\\afnrtv", to[] = "\\\a\f\n\r\t\v";
			const char *e = esc && s[0] == '\\' && s[1] ? strchr(from, s[1]) : NULL;
			if (esc && s[0] == '\\' && s[1] == 'c')
				return 0; /* \c: stop, no newline */
			if (e) {
				gb_menu_trace_add(m, &to[e - from], 1);
				s++;
			} else {
				gb_menu_trace_add(m, s, 1);
			}
		}
	}
	if (newline)
		gb_menu_trace_add(m, "\n", 1);
	return 0;
}

/* insmod: only the regexp module changes what a script does (wildcards). */
static int cmd_insmod(struct gb_grub2 *g, int argc, char **argv, const struct gb_grub2_node *n)
{
	(void)n;
	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], "regexp"))
			g->wildcards = true;
	return 0;
}

static int cmd_keystatus(struct gb_grub2 *g, int argc, char **argv, const struct gb_grub2_node *n)
{
	(void)g, (void)argc, (void)argv, (void)n;
	return GB_GRUB2_FALSE;
}

/* cpuid -l: long mode, true on x86_64. */
static int cmd_cpuid(struct gb_grub2 *g, int argc, char **argv, const struct gb_grub2_node *n)
{
	(void)argc, (void)argv, (void)n;
	const char *cpu = g->opt && g->opt->grub_cpu ? g->opt->grub_cpu : "x86_64";
	return !strcmp(cpu, "x86_64") ? 0 : GB_GRUB2_FALSE;
}

/* ---- tables ---------------------------------------------------------------- */

static const struct {
	const char *name;
	cmd_fn fn;
} builtins[] = {
	{ "[", gb_grub2_cmd_test }, { "test", gb_grub2_cmd_test }, { "true", cmd_true }, { "false", cmd_false },
	{ "set", cmd_set }, { "unset", cmd_unset }, { "export", cmd_export },
	{ "break", cmd_break }, { "continue", cmd_break }, { "return", cmd_return },
	{ "shift", cmd_shift }, { "setparams", cmd_setparams },
	{ "increment", cmd_increment }, { "decrement", cmd_increment },
	{ "source", cmd_source }, { ".", cmd_source }, { "configfile", cmd_configfile },
	{ "eval", cmd_eval }, { "load_env", cmd_load_env }, { "save_env", gb_grub2_cmd_save_env },
	{ "search", gb_grub2_cmd_search }, { "search.fs_uuid", gb_grub2_cmd_search },
	{ "search.fs_label", gb_grub2_cmd_search }, { "search.file", gb_grub2_cmd_search },
	{ "probe", gb_grub2_cmd_probe }, { "regexp", gb_grub2_cmd_regexp },
	{ "menuentry", gb_grub2_cmd_menuentry }, { "submenu", gb_grub2_cmd_menuentry },
	{ "linux", gb_grub2_cmd_linux }, { "linux16", gb_grub2_cmd_linux }, { "linuxefi", gb_grub2_cmd_linux },
	{ "multiboot", gb_grub2_cmd_linux }, { "multiboot2", gb_grub2_cmd_linux }, { "chainloader", gb_grub2_cmd_linux },
	{ "initrd", gb_grub2_cmd_initrd }, { "initrd16", gb_grub2_cmd_initrd }, { "initrdefi", gb_grub2_cmd_initrd },
	{ "module", gb_grub2_cmd_module }, { "module2", gb_grub2_cmd_module }, { "devicetree", gb_grub2_cmd_devicetree },
	{ "blscfg", gb_grub2_cmd_blscfg },
	{ "keystatus", cmd_keystatus }, { "insmod", cmd_insmod }, { "echo", cmd_echo }, { "cpuid", cmd_cpuid },
};

/* GRUB commands with no effect on what boots: output, terminals, fonts,
 * modules, sounds, passwords (an entry's --users is not enforced here),
 * and list_env. */
static const char *const noops[] = {
	"rmmod", "loadfont", "terminal_input", "terminal_output", "terminal",
	"terminfo", "serial", "background_image", "background_color", "play", "clear", "sleep",
	"boot", "nativedisk", "lsmod", "ls", "cat", "videoinfo", "gettext",
	"password", "password_pbkdf2", "font", "set_color", "tpm", "fwsetup", "pager", "list_env",
};

/* Helpers grub-mkconfig defines as functions; quietly ignored when a
 * config calls them without the definition. */
static const char *const fallback_noops[] = {
	"load_video", "gfxmode", "savedefault", "recordfail", "load_kernel_modules",
};

gb_grub2_cmd_fn gb_grub2_builtin(const char *name)
{
	for (size_t i = 0; i < sizeof(builtins) / sizeof(builtins[0]); i++)
		if (!strcmp(builtins[i].name, name))
			return builtins[i].fn;
	for (size_t i = 0; i < sizeof(noops) / sizeof(noops[0]); i++)
		if (!strcmp(noops[i], name))
			return cmd_true;
	return NULL;
}

bool gb_grub2_fallback_noop(const char *name)
{
	for (size_t i = 0; i < sizeof(fallback_noops) / sizeof(fallback_noops[0]); i++)
		if (!strcmp(fallback_noops[i], name))
			return true;
	return false;
}
