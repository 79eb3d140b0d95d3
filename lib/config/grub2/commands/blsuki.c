/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * blscfg as upstream GRUB ships it from 2.14 on (grub-core/commands/
 * blsuki.c), which differs from Fedora's patch (blscfg.c) in every
 * respect that decides what boots:
 *  - options -p/--path DIR|FILE.conf|(DEV)[DIR], -f/--enable-fallback,
 *    -d/--show-default, -n/--show-non-default, -e/--entry FILE; no other
 *    arguments;
 *  - entries only from /loader/entries on $root (or --path; with
 *    --enable-fallback, /loader/entries on that device when --path held
 *    none); no $blsdir, no /boot/loader/entries;
 *  - newest first by gnulib's filevercmp of the file names; a name that
 *    compares equal to one already read is refused;
 *  - in a file, the first value of a key counts; a blank line or a key
 *    without a value ends the file;
 *  - the entry's script is "linux PATH OPTIONS" (the first options line,
 *    its $variables expanded by blsuki_expand_val, quirks and all), one
 *    "initrd" line with every initrd value, "devicetree PATH"; no
 *    $default_kernelopts, no $early_initrd, no ($root) prefix; the title
 *    falls back to the linux path; $blsuki_save_default puts savedefault
 *    first.
 */
#define _GNU_SOURCE
#include "config/grub2/grub2.h"
#include "config/cfgutil.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>

#define DEFAULT_DIR "/loader/entries/"
#define MAX_KEYVALS 10000 /* BLSUKI_KEYVALS_MAX */

struct keyval {
	char *key, *val;
};

struct bls {
	char *filename; /* as read, ".conf" included */
	struct keyval *kv;
	size_t n;
};

static void bls_clear(struct bls *e)
{
	for (size_t i = 0; i < e->n; i++) {
		free(e->kv[i].key);
		free(e->kv[i].val);
	}
	free(e->kv);
	free(e->filename);
	memset(e, 0, sizeof(*e));
}

/* The first value of key, or NULL. */
static const char *first(const struct bls *e, const char *key)
{
	for (size_t i = 0; i < e->n; i++)
		if (!strcmp(e->kv[i].key, key))
			return e->kv[i].val;
	return NULL;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* grub_isalnum: ASCII only, whatever the host's locale */
static bool is_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* bls_parse_keyvals over the file's text: lines without their carriage
 * returns (grub_file_getline), each cut at a NUL as GRUB's strings are. */
static int parse_keyvals(struct gb_grub2 *g, struct bls *e, const char *text, size_t len)
{
	char *line = malloc(len + 1);
	if (!line)
		return gb_grub2_nomem(g);
	int r = 0;
	for (size_t pos = 0; pos < len && !r;) {
		size_t o = 0;
		while (pos < len && text[pos] != '\n') {
			if (text[pos] != '\r')
				line[o++] = text[pos];
			pos++;
		}
		pos++; /* the newline */
		line[o] = '\0';
		char *key = line;
		while (is_blank(*key))
			key++;
		if (!*key)
			break; /* an empty line ends the entry */
		char *val = key;
		while (*val && !is_blank(*val))
			val++;
		if (*val)
			*val++ = '\0';
		if (key[0] == '#')
			continue;
		while (is_blank(*val))
			val++;
		if (!*val)
			break; /* so does a key without a value */
		if (e->n >= MAX_KEYVALS) {
			gb_grub2_warn(g, "blscfg: %s: too many keyval pairs", e->filename);
			r = GB_GRUB2_ERR_ARG;
			break;
		}
		struct keyval *kv = realloc(e->kv, (e->n + 1) * sizeof(*kv));
		if (!kv) {
			r = gb_grub2_nomem(g);
			break;
		}
		e->kv = kv;
		kv[e->n].key = strdup(key);
		kv[e->n].val = strdup(val);
		if (!kv[e->n].key || !kv[e->n].val) {
			free(kv[e->n].key);
			free(kv[e->n].val);
			r = gb_grub2_nomem(g);
			break;
		}
		e->n++;
	}
	free(line);
	return r;
}

struct list {
	struct bls *v; /* newest first */
	size_t n;
};

static void list_free(struct list *l)
{
	for (size_t i = 0; i < l->n; i++)
		bls_clear(&l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

/* blsuki_add_entry: in place before the first entry it sorts after; an
 * entry that compares equal to one in the list is refused. Takes e. */
static int add_sorted(struct gb_grub2 *g, struct list *l, struct bls *e)
{
	size_t at = l->n;
	for (size_t i = 0; i < l->n; i++) {
		int c = gb_filevercmp(e->filename, l->v[i].filename);
		if (!c) {
			gb_grub2_warn(g, "blscfg: duplicate file: `%s'", e->filename);
			bls_clear(e);
			return 0;
		}
		if (c > 0) {
			at = i;
			break;
		}
	}
	struct bls *v = realloc(l->v, (l->n + 1) * sizeof(*v));
	if (!v) {
		bls_clear(e);
		return gb_grub2_nomem(g);
	}
	l->v = v;
	memmove(v + at + 1, v + at, (l->n - at) * sizeof(*v));
	v[at] = *e;
	l->n++;
	return 0;
}

/* Read one entry file (dev, path) named filename into the list; a file
 * that cannot be read is skipped, as GRUB skips it. */
static int read_entry(struct gb_grub2 *g, struct list *l, int dev, const char *path,
		      const char *filename)
{
	if (!gb_grub2_cost(g, GB_GRUB2_COST_READ))
		return g->fatal;
	struct gb_ctx quiet = { 0 };
	char *text;
	size_t len;
	if (gb_cfg_read(&quiet, g->devs, dev, path, &text, &len)) {
		gb_grub2_warn(g, "blscfg: cannot read %.120s: %s", path, gb_grub2_read_error(&quiet));
		return 0;
	}
	struct bls e = { .filename = strdup(filename) };
	int r = e.filename ? 0 : gb_grub2_nomem(g);
	if (!r && !gb_grub2_charge(g, len))
		r = g->fatal;
	if (!r)
		r = parse_keyvals(g, &e, text, len);
	free(text);
	if (r) {
		bls_clear(&e);
		return g->fatal ? g->fatal : 0;
	}
	return add_sorted(g, l, &e);
}

static bool is_conf(const char *name)
{
	return gb_ends_with(name, ".conf", false);
}

/* Every NAME.conf of dir on dev; a directory that is not there gives
 * nothing, not an error (GRUB clears it). */
static int scan_dir(struct gb_grub2 *g, struct list *l, int dev, const char *dir)
{
	if (!gb_grub2_cost(g, GB_GRUB2_COST_LOOKUP))
		return g->fatal;
	struct gb_fs *fs = gb_cfg_fs(g->devs, dev);
	enum gb_ftype type;
	if (!fs || !gb_cfg_exists(g->devs, dev, dir, &type) || type != GB_FT_DIR)
		return 0;
	struct gb_ctx quiet = { 0 };
	struct gb_cfg_names names;
	if (gb_cfg_list_names(&quiet, fs, dir, GB_BLS_MAX_ENTRIES, is_conf, &names)) {
		gb_grub2_warn(g, "blscfg: %s: %s", dir, quiet.msg);
		return quiet.code == GB_E_NOMEM ? gb_grub2_nomem(g) : 0;
	}
	if (names.truncated)
		gb_grub2_warn(g, "blscfg: %s: more than %d entries, the rest ignored", dir,
			      GB_BLS_MAX_ENTRIES);
	int r = 0;
	for (size_t i = 0; i < names.n && !r; i++) {
		char *path = gb_path_join(dir, names.names[i]);
		r = path ? read_entry(g, l, dev, path, names.names[i]) : gb_grub2_nomem(g);
		free(path);
	}
	gb_cfg_names_free(&names);
	return r;
}

/* ---- the entry's script ------------------------------------------------- */

/* blsuki_field_append: the text [start, end] (end < start: empty), or
 * with var the value of the variable it names followed by a space (an
 * unset variable adds nothing, not even the buffer). */
static void field_append(struct gb_grub2 *g, struct gb_sbuf *b, bool *have, bool var,
			 const char *start, const char *end)
{
	size_t n = end + 1 > start ? (size_t)(end + 1 - start) : 0;
	if (var) {
		char *name = strndup(start, n);
		const char *v = name ? gb_grub2_env_get(g->env, name) : NULL;
		free(name);
		if (!v)
			return;
		gb_sbuf_adds(b, v);
		gb_sbuf_add(b, " ", 1);
	} else {
		gb_sbuf_add(b, start, n);
	}
	*have = true;
}

/* blsuki_expand_val, to the letter: $NAME runs are replaced by the
 * variable's value and a space; the space after a name is dropped; a
 * one-character run at the very end or right before a '$' is lost (its
 * start equals its end). NULL when nothing was appended. */
static char *expand(struct gb_grub2 *g, const char *value, bool *oom)
{
	*oom = false;
	if (!value)
		return NULL;
	struct gb_sbuf b = { 0 };
	bool have = false, var = false;
	const char *start = value, *end = value;
	for (const char *p = value; *p; p++) {
		if (*p == '$') {
			if (start != end)
				field_append(g, &b, &have, var, start, end);
			var = true;
			start = p + 1;
		} else if (var && !(is_alnum(*p) || *p == '_')) {
			field_append(g, &b, &have, var, start, end);
			var = false;
			start = p;
			if (*start == ' ')
				start++;
		}
		end = p;
	}
	if (start != end)
		field_append(g, &b, &have, var, start, end);
	if (b.oom) {
		free(b.p);
		*oom = true;
		return NULL;
	}
	if (!have) {
		free(b.p);
		return NULL;
	}
	return b.p ? b.p : strdup("");
}

/* grub_env_get_bool (kern/env.c): unset or empty is false here; "0",
 * "false", "disable" and "no" are false; anything else is true. */
static bool env_bool(struct gb_grub2 *g, const char *name)
{
	const char *v = gb_grub2_env_get(g->env, name);
	if (!v || !*v)
		return false;
	return strcmp(v, "0") && strcmp(v, "false") && strcmp(v, "disable") && strcmp(v, "no");
}

static char *entry_script(struct gb_grub2 *g, const struct bls *e, bool *oom)
{
	const char *linux = first(e, "linux");
	char *options = expand(g, first(e, "options"), oom);
	if (*oom)
		return NULL;
	char *dt = expand(g, first(e, "devicetree"), oom);
	if (*oom) {
		free(options);
		return NULL;
	}
	struct gb_sbuf b = { 0 };
	if (env_bool(g, "blsuki_save_default"))
		gb_sbuf_adds(&b, "savedefault\n");
	gb_sbuf_addf(&b, "linux %s%s%s\n", linux, options ? " " : "", options ? options : "");
	bool initrd = false;
	for (size_t i = 0; i < e->n; i++) {
		if (strcmp(e->kv[i].key, "initrd"))
			continue;
		gb_sbuf_addf(&b, "%s %s", initrd ? "" : "initrd", e->kv[i].val);
		initrd = true;
	}
	if (initrd)
		gb_sbuf_add(&b, "\n", 1);
	if (dt)
		gb_sbuf_addf(&b, "devicetree %s\n", dt);
	free(options);
	free(dt);
	char *s = gb_sbuf_take(&b);
	*oom = !s;
	return s;
}

static int create_entry(struct gb_grub2 *g, const struct bls *e)
{
	const char *linux = first(e, "linux");
	if (!linux) {
		gb_grub2_warn(g, "blscfg: %s has no linux line", e->filename);
		return 0;
	}
	bool oom;
	char *body = entry_script(g, e, &oom);
	char *id = strndup(e->filename, strlen(e->filename) - strlen(".conf"));
	const char *title = first(e, "title");
	/* grub_arg values follow the title as the entry's arguments */
	size_t nargs = 1;
	for (size_t i = 0; i < e->n; i++)
		nargs += !strcmp(e->kv[i].key, "grub_arg");
	const char **args = calloc(nargs, sizeof(*args));
	int r = 0;
	if (!body || !id || !args) {
		r = gb_grub2_nomem(g);
	} else {
		args[0] = title ? title : linux;
		for (size_t i = 0, k = 1; i < e->n; i++)
			if (!strcmp(e->kv[i].key, "grub_arg"))
				args[k++] = e->kv[i].val;
		r = gb_grub2_add_entry(g, id, args, (int)nargs, body, 1);
	}
	free(args);
	free(id);
	free(body);
	return r;
}

/* blsuki_is_default_entry: $default names the file (".conf" included),
 * its title, or its place in the sorted list (strtol, any base). */
static bool is_default(const char *def, const struct bls *e, size_t idx)
{
	if (!def || !*def)
		return false;
	if (!strcmp(def, e->filename))
		return true;
	const char *title = first(e, "title");
	if (title && !strcmp(def, title))
		return true;
	char *end;
	long v = strtol(def, &end, 0);
	return !*end && v >= 0 && v <= INT_MAX && (size_t)v == idx;
}

/* ---- the command ------------------------------------------------------------ */

struct opts {
	const char *path, *entry;
	bool fallback, show_default, show_non_default;
};

/* GRUB's option parser (lib/arg.c): long options with "=VALUE" or the
 * next word, short ones grouped ("-fd") or with their value attached or
 * next; "--" ends the options. Returns 0 or a GRUB status (warned). */
static int parse_opts(struct gb_grub2 *g, int argc, char **argv, struct opts *o)
{
	static const struct { char c; const char *name; bool arg; } table[] = {
		{ 'p', "path", true }, { 'f', "enable-fallback", false },
		{ 'd', "show-default", false }, { 'n', "show-non-default", false },
		{ 'e', "entry", true },
	};
	int i;
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--")) {
			i++;
			break;
		}
		if (a[0] != '-' || !a[1])
			break;
		int k = -1;
		const char *value = NULL;
		if (a[1] == '-') {
			for (size_t t = 0; t < sizeof(table) / sizeof(*table) && k < 0; t++) {
				bool m;
				value = gb_grub2_long_opt(argc, argv, &i, table[t].name, table[t].arg, &m);
				if (m)
					k = (int)t;
			}
			if (k < 0)
				return gb_grub2_usage(g, "blscfg", "unknown argument");
			if (table[k].arg && !value)
				return gb_grub2_usage(g, "blscfg", "missing mandatory option");
		} else {
			for (const char *c = a + 1; *c; c++) {
				k = -1;
				for (size_t t = 0; t < sizeof(table) / sizeof(*table); t++)
					if (table[t].c == *c)
						k = (int)t;
				if (k < 0)
					return gb_grub2_usage(g, "blscfg", "unknown argument");
				if (table[k].arg) {
					value = c[1] ? c + 1 : i + 1 < argc ? argv[++i] : NULL;
					if (!value)
						return gb_grub2_usage(g, "blscfg", "missing mandatory option");
					break;
				}
				if (c[1]) { /* a flag in a group: record it, go on */
					if (k == 1)
						o->fallback = true;
					else if (k == 2)
						o->show_default = true;
					else
						o->show_non_default = true;
				}
			}
		}
		switch (k) {
		case 0: o->path = value; break;
		case 1: o->fallback = true; break;
		case 2: o->show_default = true; break;
		case 3: o->show_non_default = true; break;
		case 4: o->entry = value; break;
		}
	}
	if (i < argc)
		return gb_grub2_usage(g, "blscfg", "unexpected argument(s) found, see --help");
	return 0;
}

/* blsuki_load_entries: from --path (a FILE.conf alone, a (DEV) and/or a
 * /DIR) or the default directory on $root, with the fallback. */
static int load(struct gb_grub2 *g, const struct opts *o, struct list *l)
{
	const char *path = o->path;
	if (path && gb_ends_with(path, ".conf", false)) {
		int dev;
		char *p;
		int r = gb_grub2_resolve(g, path, &dev, &p, true);
		if (r)
			return r;
		enum gb_ftype type;
		if (dev < 0 || !gb_cfg_exists(g->devs, dev, p, &type) || type != GB_FT_REG) {
			gb_grub2_warn(g, "blscfg: file `%.120s' not found", path);
			free(p);
			return GB_GRUB2_ERR_FILE;
		}
		/* the id is the name after the last '/' (all of it without one) */
		const char *slash = strrchr(path, '/');
		r = read_entry(g, l, dev, p, slash ? slash + 1 : path);
		free(p);
		return r;
	}
	char *devname = NULL;
	const char *dir = NULL;
	if (path && path[0] == '(') {
		const char *close = strchr(path, ')');
		if (!close) {
			gb_grub2_warn(g, "blscfg: invalid file name `%.120s'", path);
			return GB_GRUB2_ERR_ARG;
		}
		if (!(devname = strndup(path + 1, (size_t)(close - path - 1))))
			return gb_grub2_nomem(g);
		if (close[1])
			dir = close + 1;
	} else if (path && path[0] == '/') {
		dir = path;
	}
	if (!devname) {
		const char *root = gb_grub2_env_get(g->env, "root");
		if (!root) {
			gb_grub2_warn(g, "blscfg: variable 'root' isn't set");
			return GB_GRUB2_ERR_FILE;
		}
		if (!(devname = strdup(root)))
			return gb_grub2_nomem(g);
	}
	int dev = gb_grub2_find_device(g->devs, devname);
	if (dev < 0 || !gb_cfg_fs(g->devs, dev)) {
		gb_grub2_warn(g, "blscfg: %s (%.60s)", dev < 0 ? "disk not found" : "unknown filesystem",
			      devname);
		free(devname);
		return dev < 0 ? GB_GRUB2_ERR_DEVICE : GB_GRUB2_ERR_FILE;
	}
	free(devname);
	/* a relative directory names nothing GRUB can list */
	int r = dir && dir[0] != '/' ? 0 : scan_dir(g, l, dev, dir ? dir : DEFAULT_DIR);
	if (!r && !l->n && o->fallback)
		r = scan_dir(g, l, dev, DEFAULT_DIR);
	return r;
}

int gb_grub2_blscfg_upstream(struct gb_grub2 *g, int argc, char **argv)
{
	struct opts o = { 0 };
	int r = parse_opts(g, argc, argv, &o);
	if (r)
		return r;
	if (!o.show_default && !o.show_non_default && !o.entry)
		o.show_default = o.show_non_default = true;
	struct list l = { 0 };
	r = load(g, &o, &l);
	const char *def = gb_grub2_env_get(g->env, "default");
	for (size_t i = 0; i < l.n && !r; i++) {
		bool d = is_default(def, &l.v[i], i);
		if ((o.show_default && d) || (o.show_non_default && !d) ||
		    (o.entry && !strcmp(o.entry, l.v[i].filename)))
			r = create_entry(g, &l.v[i]);
	}
	list_free(&l);
	return r;
}
