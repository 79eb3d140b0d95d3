/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* GRUB 2 commands. Those that define the menu or load a kernel record
 * what they name (in g->items, or in the entry being evaluated); the rest
 * act on variables and devices as GRUB does. Harmless commands (terminal,
 * fonts, modules) are an explicit no-op list; unknown ones are reported by
 * the executor. Return values are GRUB status numbers, 0 = success. */
#define _GNU_SOURCE
#include "config/grub2.h"

#include <limits.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>

typedef int (*cmd_fn)(struct gb_grub2 *g, int argc, char **argv, const struct gb_grub2_node *n);

static int nomem(struct gb_grub2 *g)
{
	return gb_grub2_fatal(g, GB_E_NOMEM, "out of memory");
}

static int usage(struct gb_grub2 *g, const char *cmd, const char *what)
{
	gb_grub2_warn(g, "%s: %s", cmd, what);
	return GB_GRUB2_ERR_ARG;
}

/* "--name=value" / "--name value": the value of a long option, or NULL
 * when argv[*i] is not --name. */
static const char *long_opt(int argc, char **argv, int *i, const char *name, bool has_arg,
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
		return usage(g, "set", "not an assignment");
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
		return usage(g, argv[0], "one argument expected");
	if (argc == 2 && (!gb_grub2_strtoul(argv[1], &count, &end) || *end))
		return usage(g, argv[0], "unrecognized number");
	if (!count)
		return usage(g, argv[0], "can't break 0 loops");
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
		return usage(g, "return", "not in function body");
	if (argc == 1) {
		const char *q = gb_grub2_env_get(g->env, "?");
		if (q)
			gb_grub2_strtoul(q, &v, NULL);
	} else if (!gb_grub2_strtoul(argv[1], &v, &end) || *end) {
		return usage(g, "return", "unrecognized number");
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
		return usage(g, "setparams", "not in function body");
	char **v = calloc((size_t)argc, sizeof(char *));
	if (!v)
		return nomem(g);
	for (int i = 1; i < argc; i++)
		if (!(v[i - 1] = strdup(argv[i]))) {
			for (int k = 1; k < i; k++)
				free(v[k - 1]);
			free(v);
			return nomem(g);
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
		return usage(g, argv[0], "one argument expected");
	const char *v = gb_grub2_env_get(g->env, argv[1]);
	char *end;
	long x = v ? strtol(v, &end, 10) : 0;
	if (!v || *end || x == LONG_MIN || x == LONG_MAX)
		return usage(g, argv[0], "not a number");
	char buf[32];
	snprintf(buf, sizeof(buf), "%ld", argv[0][0] == 'i' ? x + 1 : x - 1);
	return gb_grub2_env_set(g, argv[1], buf);
}

/* ---- test ----------------------------------------------------------------- */

struct finfo {
	bool exists, dir;
	bool mtimeset;
	int64_t mtime;
	uint64_t size;
};

static void file_info(struct gb_grub2 *g, const char *name, struct finfo *fi)
{
	int dev;
	char *path;
	memset(fi, 0, sizeof(*fi));
	if (gb_grub2_resolve(g, name, &dev, &path, false) || dev < 0 || !g->devs->dev[dev].fs) {
		free(path);
		return;
	}
	struct gb_ctx quiet = { 0 };
	struct gb_stat st;
	if (!gb_fs_stat(&quiet, g->devs->dev[dev].fs, path, &st)) {
		fi->exists = true;
		fi->dir = st.type == GB_FT_DIR;
		fi->mtimeset = true;
		fi->mtime = st.mtime;
		fi->size = st.size;
	}
	free(path);
}

static long strtosl(const char *s)
{
	unsigned long v = 0;
	if (s[0] == '-') {
		gb_grub2_strtoul(s + 1, &v, NULL);
		return -(long)v;
	}
	gb_grub2_strtoul(s, &v, NULL);
	return (long)v;
}

struct tctx {
	bool invert, or, and;
};

static void update(struct tctx *t, bool v)
{
	t->and = t->and && (t->invert ? !v : v);
	t->invert = false;
}

static bool test_three(struct gb_grub2 *g, char **a, struct tctx *t)
{
	const char *op = a[1];
	int c = strcmp(a[0], a[2]);
	if (!strcmp(op, "=") || !strcmp(op, "=="))
		update(t, c == 0);
	else if (!strcmp(op, "!="))
		update(t, c != 0);
	else if (!strcmp(op, "<"))
		update(t, c < 0);
	else if (!strcmp(op, "<="))
		update(t, c <= 0);
	else if (!strcmp(op, ">"))
		update(t, c > 0);
	else if (!strcmp(op, ">="))
		update(t, c >= 0);
	else if (!strcmp(op, "-eq"))
		update(t, strtosl(a[0]) == strtosl(a[2]));
	else if (!strcmp(op, "-ne"))
		update(t, strtosl(a[0]) != strtosl(a[2]));
	else if (!strcmp(op, "-lt"))
		update(t, strtosl(a[0]) < strtosl(a[2]));
	else if (!strcmp(op, "-le"))
		update(t, strtosl(a[0]) <= strtosl(a[2]));
	else if (!strcmp(op, "-gt"))
		update(t, strtosl(a[0]) > strtosl(a[2]));
	else if (!strcmp(op, "-ge"))
		update(t, strtosl(a[0]) >= strtosl(a[2]));
	else if (!strcmp(op, "-pgt") || !strcmp(op, "-plt")) {
		/* numbers after the common prefix, digits included back */
		size_t i = 0;
		while (a[0][i] && a[0][i] == a[2][i])
			i++;
		/* back over the digits, but as GRUB never to index 0 */
		long k = (long)i - 1;
		while (k > 0 && a[0][k] >= '0' && a[0][k] <= '9')
			k--;
		i = (size_t)(k + 1);
		unsigned long x = 0, y = 0;
		gb_grub2_strtoul(a[0] + i, &x, NULL);
		gb_grub2_strtoul(a[2] + i, &y, NULL);
		update(t, op[2] == 'g' ? x > y : x < y);
	} else if (!strncmp(op, "-nt", 3) || !strncmp(op, "-ot", 3)) {
		struct finfo f1, f2;
		file_info(g, a[0], &f1);
		file_info(g, a[2], &f2);
		long bias = op[3] ? strtosl(op + 3) : 0;
		if (op[1] == 'n')
			update(t, (f1.exists && !f2.exists) ||
				  (f1.mtimeset && f2.mtimeset && f1.mtime + bias > f2.mtime));
		else
			update(t, (!f1.exists && f2.exists) ||
				  (f1.mtimeset && f2.mtimeset && f1.mtime + bias < f2.mtime));
	} else
		return false;
	return true;
}

static bool test_two(struct gb_grub2 *g, char **a, struct tctx *t)
{
	struct finfo fi;
	if (!strcmp(a[0], "-n") || !strcmp(a[0], "-z")) {
		update(t, (a[1][0] != '\0') == (a[0][1] == 'n'));
		return true;
	}
	if (strcmp(a[0], "-d") && strcmp(a[0], "-e") && strcmp(a[0], "-f") && strcmp(a[0], "-s"))
		return false;
	file_info(g, a[1], &fi);
	switch (a[0][1]) {
	case 'd': update(t, fi.exists && fi.dir); break;
	case 'e': update(t, fi.exists); break;
	case 'f': update(t, fi.exists && !fi.dir); break;
	default: update(t, fi.exists && !fi.dir && fi.size); break;
	}
	return true;
}

/* GRUB's test: left to right, -a binds as juxtaposition, -o splits, ( )
 * nest (bounded by the argument count), unknown words test non-empty. */
static bool test_parse(struct gb_grub2 *g, char **a, int *i, int argc)
{
	struct tctx t = { .and = true };
	while (*i < argc) {
		if (*i + 2 < argc && test_three(g, a + *i, &t)) {
			*i += 3;
			continue;
		}
		if (*i + 1 < argc && test_two(g, a + *i, &t)) {
			*i += 2;
			continue;
		}
		const char *w = a[*i];
		(*i)++;
		if (!strcmp(w, ")"))
			return t.or || t.and;
		if (!strcmp(w, "("))
			update(&t, test_parse(g, a, i, argc));
		else if (!strcmp(w, "!"))
			t.invert = !t.invert;
		else if (!strcmp(w, "-o")) {
			t.or = t.or || t.and;
			t.and = true;
		} else if (strcmp(w, "-a"))
			update(&t, w[0] != '\0');
	}
	return t.or || t.and;
}

static int cmd_test(struct gb_grub2 *g, int argc, char **argv, const struct gb_grub2_node *n)
{
	(void)n;
	int i = 0, c = argc - 1;
	if (c >= 1 && !strcmp(argv[argc - 1], "]"))
		c--;
	return test_parse(g, argv + 1, &i, c) ? 0 : GB_GRUB2_FALSE;
}

/* ---- files: source, configfile, eval, load_env ----------------------------- */

static bool enter_source(struct gb_grub2 *g)
{
	if (g->source_depth >= GB_GRUB2_MAX_SOURCE_DEPTH) {
		gb_grub2_fatal(g, GB_E_LIMIT, "%s:%zu: source/configfile nested deeper than %d",
			       g->file, g->line, GB_GRUB2_MAX_SOURCE_DEPTH);
		return false;
	}
	g->source_depth++;
	return true;
}

static int cmd_source(struct gb_grub2 *g, int argc, char **argv, const struct gb_grub2_node *n)
{
	(void)n;
	if (argc != 2)
		return usage(g, argv[0], "filename expected");
	if (!enter_source(g))
		return g->fatal;
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
		return usage(g, "configfile", "filename expected");
	if (g->target || !g->items) {
		gb_grub2_warn(g, "configfile %.80s inside a menu entry is not followed", argv[1]);
		return GB_GRUB2_ERR_ARG;
	}
	struct gb_grub2_env *old_env = g->env;
	struct gb_grub2_items *old_items = g->items;
	g->env = gb_grub2_env_copy(old_env, true);
	g->items = calloc(1, sizeof(*g->items));
	if (!g->env || !g->items || !enter_source(g)) {
		gb_grub2_env_free(g->env);
		free(g->items);
		g->env = old_env;
		g->items = old_items;
		return g->fatal ? g->fatal : nomem(g);
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
		return nomem(g);
	for (int i = 1; i < argc; i++)
		p += sprintf(p, "%s%s", i > 1 ? " " : "", argv[i]);
	*p = '\0';
	int r = 0;
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
	if (dev < 0 || gb_cfg_read(&quiet, g->devs, dev, path, data, len)) {
		gb_grub2_warn(g, "%s: cannot read %.120s: %s", cmd, name, gb_grub2_read_error(&quiet));
		free(path);
		return GB_GRUB2_ERR_FILE;
	}
	free(path);
	return 0;
}

static int cmd_load_env(struct gb_grub2 *g, int argc, char **argv, const struct gb_grub2_node *n)
{
	(void)n;
	const char *file = NULL;
	char *deflt = NULL;
	struct loadenv le = { .g = g, .only = argv + argc };
	for (int i = 1; i < argc; i++) {
		bool m;
		const char *v = long_opt(argc, argv, &i, "file", true, &m);
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
			return usage(g, "load_env", "variable `prefix' isn't set");
		if (asprintf(&deflt, "%s/grubenv", prefix) < 0)
			return nomem(g);
		file = deflt;
	}
	char *data;
	size_t len;
	int r = read_named(g, "load_env", file, &data, &len);
	if (!r) {
		if (!gb_grub2_envblk_parse(data, len, loadenv_set, &le))
			r = usage(g, "load_env", "invalid environment block");
		free(data);
	}
	free(deflt);
	return g->fatal ? g->fatal : r;
}

/* ---- search and probe ------------------------------------------------------ */

enum search_kind { S_NONE, S_FILE, S_LABEL, S_UUID };

static bool search_match(struct gb_grub2 *g, int d, enum search_kind k, const char *key)
{
	const struct gb_cfg_device *dev = &g->devs->dev[d];
	switch (k) {
	case S_UUID: return dev->uuid && *dev->uuid && !strcasecmp(dev->uuid, key);
	case S_LABEL: return dev->label && *dev->label && !strcmp(dev->label, key);
	case S_FILE: return gb_cfg_exists(g->devs, d, key, NULL);
	default: return false;
	}
}

/* A hint names a device, or all partitions of a disk ("hd0,"). */
static bool hint_covers(const char *hint, const char *devname)
{
	size_t n = strlen(hint);
	if (hint[0] == '(' && n > 1 && hint[n - 1] == ')') {
		hint++;
		n -= 2;
	}
	if (n && hint[n - 1] == ',')
		return !strncmp(devname, hint, n);
	return strlen(devname) == n && !strncmp(devname, hint, n);
}

static int search_do(struct gb_grub2 *g, enum search_kind k, const char *key, const char *var,
		     char **hints, int nhints)
{
	int found = -1;
	for (int h = 0; h < nhints && found < 0; h++)
		for (size_t d = 0; d < g->devs->n && found < 0; d++)
			if (g->devs->dev[d].grub_name && hint_covers(hints[h], g->devs->dev[d].grub_name) &&
			    search_match(g, (int)d, k, key))
				found = (int)d;
	for (size_t d = 0; d < g->devs->n && found < 0; d++)
		if (search_match(g, (int)d, k, key))
			found = (int)d;
	if (found < 0) {
		gb_grub2_warn(g, "search: no such device: %.80s", key);
		return GB_GRUB2_ERR_FILE;
	}
	return var ? gb_grub2_env_set(g, var, g->devs->dev[found].grub_name) : 0;
}

static bool platform_hint(struct gb_grub2 *g, const char *opt)
{
	const char *plat = g->opt && g->opt->grub_platform ? g->opt->grub_platform : "pc";
	if (!strcmp(plat, "pc"))
		return !strcmp(opt, "hint-bios") || !strcmp(opt, "hint-baremetal");
	if (!strcmp(plat, "efi"))
		return !strcmp(opt, "hint-efi");
	if (!strcmp(plat, "ieee1275"))
		return !strcmp(opt, "hint-ieee1275");
	return !strcmp(opt, "hint-arc") && !strcmp(plat, "arc");
}

static int cmd_search(struct gb_grub2 *g, int argc, char **argv, const struct gb_grub2_node *n)
{
	(void)n;
	enum search_kind k = S_NONE;
	const char *var = NULL, *key = NULL;
	char *hints[64];
	int nhints = 0;
	bool opts = true;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (opts && !strcmp(a, "--")) {
			opts = false;
		} else if (opts && !strncmp(a, "--", 2)) {
			const char *eq = strchr(a, '=');
			size_t len = eq ? (size_t)(eq - a - 2) : strlen(a + 2);
			char name[32];
			snprintf(name, sizeof(name), "%.*s", (int)(len < 31 ? len : 31), a + 2);
			const char *val = eq ? eq + 1 : NULL;
			if (!strcmp(name, "file"))
				k = S_FILE;
			else if (!strcmp(name, "label"))
				k = S_LABEL;
			else if (!strcmp(name, "fs-uuid"))
				k = S_UUID;
			else if (!strcmp(name, "set"))
				var = val ? val : "root";
			else if (!strcmp(name, "no-floppy") || !strcmp(name, "efidisk-only"))
				continue;
			else if (!strncmp(name, "hint", 4)) {
				if (!val && i + 1 < argc)
					val = argv[++i];
				if (val && nhints < 64 && (!strcmp(name, "hint") || platform_hint(g, name)))
					hints[nhints++] = (char *)val;
			} else
				return usage(g, argv[0], "unknown option");
		} else if (opts && a[0] == '-' && a[1]) {
			for (const char *c = a + 1; *c; c++) {
				if (*c == 'f')
					k = S_FILE;
				else if (*c == 'l')
					k = S_LABEL;
				else if (*c == 'u')
					k = S_UUID;
				else if (*c == 's')
					var = "root";
				else if (*c == 'h' && i + 1 < argc && nhints < 64)
					hints[nhints++] = argv[++i];
				else if (*c != 'n')
					return usage(g, argv[0], "unknown option");
			}
		} else if (!key) {
			key = a;
		} else if (nhints < 64) {
			hints[nhints++] = (char *)a; /* extra arguments are hints */
		}
	}
	if (!strcmp(argv[0], "search.fs_uuid") || !strcmp(argv[0], "search.fs_label") ||
	    !strcmp(argv[0], "search.file")) {
		/* search.X KEY [VAR [HINTS...]] */
		k = argv[0][10] == 'u' ? S_UUID : argv[0][10] == 'l' ? S_LABEL : S_FILE;
		if (argc < 2)
			return usage(g, argv[0], "one argument expected");
		return search_do(g, k, argv[1], argc > 2 ? argv[2] : NULL, argv + 3,
				 argc > 3 ? argc - 3 : 0);
	}
	if (!key)
		return usage(g, argv[0], "one argument expected");
	if (k == S_NONE)
		return usage(g, argv[0], "unspecified search type");
	return search_do(g, k, key, var, hints, nhints);
}

static const char *grub_fs_name(const char *fstype)
{
	if (!strcmp(fstype, "ext2") || !strcmp(fstype, "ext3") || !strcmp(fstype, "ext4"))
		return "ext2";
	if (!strncmp(fstype, "fat", 3) || !strcmp(fstype, "vfat"))
		return "fat";
	return fstype;
}

static int cmd_probe(struct gb_grub2 *g, int argc, char **argv, const struct gb_grub2_node *n)
{
	(void)n;
	const char *var = NULL, *what = NULL, *devarg = NULL;
	for (int i = 1; i < argc; i++) {
		bool m;
		const char *v = long_opt(argc, argv, &i, "set", true, &m);
		if (m)
			var = v;
		else if (!strcmp(argv[i], "-s") && i + 1 < argc)
			var = argv[++i];
		else if (argv[i][0] == '-' && argv[i][1])
			what = argv[i];
		else
			devarg = argv[i];
	}
	if (!devarg || !what)
		return usage(g, "probe", "device and one of --fs, --fs-uuid, --label, --part-uuid expected");
	size_t len = strlen(devarg);
	char *name = devarg[0] == '(' && len > 1 && devarg[len - 1] == ')' ? strndup(devarg + 1, len - 2)
									     : strdup(devarg);
	if (!name)
		return nomem(g);
	int d = gb_grub2_find_device(g->devs, name);
	free(name);
	if (d < 0)
		return usage(g, "probe", "unknown device");
	const struct gb_cfg_device *dev = &g->devs->dev[d];
	const char *val = NULL;
	if (!strcmp(what, "--fs") || !strcmp(what, "-f"))
		val = dev->fstype && *dev->fstype ? grub_fs_name(dev->fstype) : NULL;
	else if (!strcmp(what, "--fs-uuid") || !strcmp(what, "-u"))
		val = dev->uuid && *dev->uuid ? dev->uuid : NULL;
	else if (!strcmp(what, "--label") || !strcmp(what, "-l"))
		val = dev->label ? dev->label : "";
	else if (!strcmp(what, "--part-uuid"))
		val = dev->partuuid && *dev->partuuid ? dev->partuuid : NULL;
	if (!val)
		return usage(g, "probe", "no such information for that device");
	return var ? gb_grub2_env_set(g, var, val) : 0;
}

/* ---- regexp ---------------------------------------------------------------- */

static bool has_backref(const char *re)
{
	for (; *re; re++)
		if (*re == '\\' && re[1]) {
			if (re[1] >= '1' && re[1] <= '9')
				return true;
			re++;
		}
	return false;
}

static int set_match(struct gb_grub2 *g, const char *spec, const char *str, const regmatch_t *m,
		     size_t nm)
{
	unsigned long j = 1;
	const char *colon = strchr(spec, ':'), *name = spec, *end;
	if (colon) {
		if (!gb_grub2_strtoul(spec, &j, &end) || end != colon)
			return usage(g, "regexp", "invalid variable name format");
		name = colon + 1;
	}
	if (j >= nm || m[j].rm_so < 0) {
		gb_grub2_env_unset(g, name);
		return 0;
	}
	char *v = strndup(str + m[j].rm_so, (size_t)(m[j].rm_eo - m[j].rm_so));
	if (!v)
		return nomem(g);
	int r = gb_grub2_env_set(g, name, v);
	free(v);
	return r;
}

static int cmd_regexp(struct gb_grub2 *g, int argc, char **argv, const struct gb_grub2_node *n)
{
	(void)n;
	char *sets[16], *pos[2];
	int nsets = 0, npos = 0;
	for (int i = 1; i < argc; i++) {
		bool m;
		const char *v = long_opt(argc, argv, &i, "set", true, &m);
		if (!m && !strcmp(argv[i], "-s") && i + 1 < argc) {
			m = true;
			v = argv[++i];
		}
		if (m) {
			if (v && nsets < 16)
				sets[nsets++] = (char *)v;
		} else if (npos < 2) {
			pos[npos++] = argv[i];
		} else {
			npos++;
		}
	}
	if (npos != 2)
		return usage(g, "regexp", "two arguments expected");
	/* glibc backtracks on back-references: refuse them, bound the sizes */
	size_t rl = strlen(pos[0]), sl = strlen(pos[1]);
	if (has_backref(pos[0]) || rl > 256 || sl > 4096)
		return usage(g, "regexp", "expression not supported here");
	if (!gb_grub2_charge(g, (rl + 1) * (sl + 1) / 16))
		return g->fatal;
	regex_t re;
	if (regcomp(&re, pos[0], REG_EXTENDED))
		return usage(g, "regexp", "invalid regular expression");
	size_t nm = re.re_nsub + 1;
	regmatch_t *m = calloc(nm, sizeof(*m));
	int r;
	if (!m)
		r = nomem(g);
	else if (regexec(&re, pos[1], nm, m, 0))
		r = GB_GRUB2_FALSE;
	else {
		r = 0;
		for (int i = 0; i < nsets && !r; i++)
			r = set_match(g, sets[i], pos[1], m, nm);
	}
	free(m);
	regfree(&re);
	return r;
}

/* ---- menu entries ----------------------------------------------------------- */

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

static int add_item(struct gb_grub2 *g, bool submenu, const char *id, char **args, int nargs,
		    const char *body, size_t body_line)
{
	struct gb_grub2_items *it = g->items;
	if (it->n >= GB_GRUB2_MAX_ITEMS)
		return gb_grub2_fatal(g, GB_E_LIMIT, "%s:%zu: more than %d menu entries", g->file,
				      g->line, GB_GRUB2_MAX_ITEMS);
	struct gb_grub2_item *v = realloc(it->v, (it->n + 1) * sizeof(*v));
	if (!v)
		return nomem(g);
	it->v = v;
	struct gb_grub2_item *m = &v[it->n];
	memset(m, 0, sizeof(*m));
	m->submenu = submenu;
	m->line = g->line;
	m->body_line = body_line;
	m->title = strdup(args[0]);
	m->id = dup_or_null(id);
	m->body = strdup(body);
	m->file = strdup(g->file ? g->file : "?");
	m->args = calloc((size_t)nargs, sizeof(char *));
	bool ok = m->title && (!id || m->id) && m->body && m->file && m->args;
	for (int i = 0; ok && i < nargs; i++)
		ok = (m->args[m->nargs++] = strdup(args[i])) != NULL;
	it->n++; /* freed with the list even when incomplete */
	return ok ? 0 : nomem(g);
}

/* menuentry/submenu TITLE [ARGS...] [--class C] [--id ID] ... { body } */
static int cmd_menuentry(struct gb_grub2 *g, int argc, char **argv, const struct gb_grub2_node *n)
{
	const char *id = NULL, *source = NULL;
	char **pos = calloc((size_t)argc, sizeof(char *));
	int npos = 0;
	if (!pos)
		return nomem(g);
	for (int i = 1; i < argc; i++) {
		static const char *const with_arg[] = { "class", "users", "hotkey", "source", "id" };
		bool m = false;
		const char *v = NULL;
		for (size_t k = 0; k < 5 && !m; k++) {
			v = long_opt(argc, argv, &i, with_arg[k], true, &m);
			if (m && k == 3)
				source = v;
			if (m && k == 4)
				id = v;
		}
		if (m || !strcmp(argv[i], "--unrestricted"))
			continue;
		if (!strcmp(argv[i], "--")) {
			while (++i < argc)
				pos[npos++] = argv[i];
			break;
		}
		if (!strncmp(argv[i], "--", 2) && argv[i][2]) {
			free(pos);
			return usage(g, argv[0], "unknown argument");
		}
		pos[npos++] = argv[i];
	}
	const char *body = n->block ? n->block : source;
	int r = 0;
	if (!npos)
		r = usage(g, argv[0], "missing arguments");
	else if (!body)
		r = usage(g, argv[0], "no menuentry definition");
	else if (n->block && source)
		r = usage(g, argv[0], "multiple menuentry definitions");
	else if (!g->items) {
		gb_grub2_warn(g, "%s '%.60s' inside a menu entry is ignored", argv[0], pos[0]);
		r = GB_GRUB2_ERR_ARG;
	} else
		r = add_item(g, argv[0][0] == 's', id, pos, npos, body,
			     n->block ? n->block_line : g->line);
	free(pos);
	return r;
}

/* ---- loaders: record instead of load ----------------------------------------- */

static struct gb_entry *target(struct gb_grub2 *g, const char *cmd)
{
	if (!g->target)
		gb_grub2_warn(g, "'%s' outside a menu entry is ignored", cmd);
	return g->target;
}

/* The command line as GRUB hands it over (grub_create_loader_cmdline):
 * arguments joined by spaces, quoted when they hold a space, with \ ' "
 * escaped. */
static char *loader_cmdline(char **argv, int argc)
{
	size_t len = 1;
	for (int i = 0; i < argc; i++)
		len += 2 * strlen(argv[i]) + 3;
	char *s = malloc(len), *p = s;
	if (!s)
		return NULL;
	for (int i = 0; i < argc; i++) {
		bool space = strchr(argv[i], ' ') != NULL;
		if (i)
			*p++ = ' ';
		if (space)
			*p++ = '"';
		for (const char *c = argv[i]; *c; c++) {
			if (*c == '\\' || *c == '\'' || *c == '"')
				*p++ = '\\';
			*p++ = *c;
		}
		if (space)
			*p++ = '"';
	}
	*p = '\0';
	return s;
}

static void clear_files(struct gb_boot_file **f, size_t *n)
{
	for (size_t i = 0; i < *n; i++) {
		free((*f)[i].path);
		free((*f)[i].args);
	}
	free(*f);
	*f = NULL;
	*n = 0;
}

/* Skip leading --options of a loader command. */
static int first_file(int argc, char **argv)
{
	int i = 1;
	while (i < argc && !strncmp(argv[i], "--", 2))
		i++;
	return i;
}

static int set_kernel(struct gb_grub2 *g, struct gb_entry *e, enum gb_entry_kind kind,
		      int argc, char **argv, int i)
{
	int dev;
	char *path;
	int r = gb_grub2_resolve(g, argv[i], &dev, &path, true);
	if (r)
		return r;
	char *args = loader_cmdline(argv + i + 1, argc - i - 1);
	if (!args) {
		free(path);
		return nomem(g);
	}
	free(e->kernel.path);
	free(e->args);
	e->kernel.device = dev;
	e->kernel.path = path;
	e->args = args;
	e->kind = kind;
	clear_files(&e->initrds, &e->ninitrds);
	clear_files(&e->modules, &e->nmodules);
	return 0;
}

static int cmd_linux(struct gb_grub2 *g, int argc, char **argv, const struct gb_grub2_node *n)
{
	(void)n;
	struct gb_entry *e = target(g, argv[0]);
	if (!e)
		return GB_GRUB2_ERR_ARG;
	int i = first_file(argc, argv);
	if (i >= argc)
		return usage(g, argv[0], "filename expected");
	enum gb_entry_kind kind = GB_ENTRY_LINUX;
	if (!strncmp(argv[0], "multiboot", 9))
		kind = GB_ENTRY_MULTIBOOT;
	else if (!strcmp(argv[0], "chainloader"))
		kind = GB_ENTRY_CHAIN;
	return set_kernel(g, e, kind, argc, argv, i);
}

static int add_files(struct gb_grub2 *g, struct gb_boot_file **list, size_t *nlist,
		     char **names, int n, const char *args)
{
	for (int i = 0; i < n; i++) {
		int dev;
		char *path;
		int r = gb_grub2_resolve(g, names[i], &dev, &path, true);
		if (r)
			return r;
		r = gb_entry_add_file(g->ctx, list, nlist, dev, path, args);
		free(path);
		if (r)
			return gb_grub2_fatal(g, r, "%s", gb_ctx_message(g->ctx));
	}
	return 0;
}

/* initrd: needs a loaded kernel; a new initrd command replaces the list. */
static int cmd_initrd(struct gb_grub2 *g, int argc, char **argv, const struct gb_grub2_node *n)
{
	(void)n;
	struct gb_entry *e = target(g, argv[0]);
	if (!e)
		return GB_GRUB2_ERR_ARG;
	if (e->kind != GB_ENTRY_LINUX)
		return usage(g, argv[0], "you need to load the kernel first");
	int i = first_file(argc, argv);
	if (i >= argc)
		return usage(g, argv[0], "filename expected");
	clear_files(&e->initrds, &e->ninitrds);
	return add_files(g, &e->initrds, &e->ninitrds, argv + i, argc - i, NULL);
}

static int cmd_module(struct gb_grub2 *g, int argc, char **argv, const struct gb_grub2_node *n)
{
	(void)n;
	struct gb_entry *e = target(g, argv[0]);
	if (!e)
		return GB_GRUB2_ERR_ARG;
	if (e->kind != GB_ENTRY_MULTIBOOT)
		return usage(g, argv[0], "you need to load the multiboot kernel first");
	int i = first_file(argc, argv);
	if (i >= argc)
		return usage(g, argv[0], "filename expected");
	char *args = loader_cmdline(argv + i + 1, argc - i - 1);
	if (!args)
		return nomem(g);
	int r = add_files(g, &e->modules, &e->nmodules, argv + i, 1, args);
	free(args);
	return r;
}

static int cmd_devicetree(struct gb_grub2 *g, int argc, char **argv, const struct gb_grub2_node *n)
{
	(void)n;
	struct gb_entry *e = target(g, argv[0]);
	if (!e)
		return GB_GRUB2_ERR_ARG;
	if (argc < 2)
		return usage(g, argv[0], "filename expected");
	int dev;
	char *path;
	int r = gb_grub2_resolve(g, argv[1], &dev, &path, true);
	if (r)
		return r;
	free(e->devicetree.path);
	e->devicetree.device = dev;
	e->devicetree.path = path;
	return 0;
}

/* keystatus: no key is ever held down here. */
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
	{ "[", cmd_test }, { "test", cmd_test }, { "true", cmd_true }, { "false", cmd_false },
	{ "set", cmd_set }, { "unset", cmd_unset }, { "export", cmd_export },
	{ "break", cmd_break }, { "continue", cmd_break }, { "return", cmd_return },
	{ "shift", cmd_shift }, { "setparams", cmd_setparams },
	{ "increment", cmd_increment }, { "decrement", cmd_increment },
	{ "source", cmd_source }, { ".", cmd_source }, { "configfile", cmd_configfile },
	{ "eval", cmd_eval }, { "load_env", cmd_load_env },
	{ "search", cmd_search }, { "search.fs_uuid", cmd_search },
	{ "search.fs_label", cmd_search }, { "search.file", cmd_search },
	{ "probe", cmd_probe }, { "regexp", cmd_regexp },
	{ "menuentry", cmd_menuentry }, { "submenu", cmd_menuentry },
	{ "linux", cmd_linux }, { "linux16", cmd_linux }, { "linuxefi", cmd_linux },
	{ "multiboot", cmd_linux }, { "multiboot2", cmd_linux }, { "chainloader", cmd_linux },
	{ "initrd", cmd_initrd }, { "initrd16", cmd_initrd }, { "initrdefi", cmd_initrd },
	{ "module", cmd_module }, { "module2", cmd_module }, { "devicetree", cmd_devicetree },
	{ "blscfg", gb_grub2_cmd_blscfg },
	{ "keystatus", cmd_keystatus }, { "cpuid", cmd_cpuid },
};

/* GRUB commands with no effect on what boots: output, terminals, fonts,
 * modules, sounds, passwords (an entry's --users is not enforced here),
 * and save_env, which never writes here. */
static const char *const noops[] = {
	"echo", "insmod", "rmmod", "loadfont", "terminal_input", "terminal_output", "terminal",
	"terminfo", "serial", "background_image", "background_color", "play", "clear", "sleep",
	"boot", "nativedisk", "save_env", "lsmod", "ls", "cat", "videoinfo", "gettext",
	"password", "password_pbkdf2", "font", "set_color", "tpm", "fwsetup", "pager",
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
