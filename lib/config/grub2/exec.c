/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* GRUB 2 script executor: argument expansion and the run-time rules of
 * grub-core/script/execute.c -- `$?` after every command, `!`, command
 * lookup order (builtin, function, assignment), if/for/while with
 * break/continue counts, functions with their own positional parameters.
 * Every command and token costs one step of a shared budget. */
#include "config/grub2/grub2.h"

#include <stdio.h>
#include <stdlib.h>

bool gb_grub2_step(struct gb_grub2 *g)
{
	if (g->fatal)
		return false;
	if (++g->steps > GB_GRUB2_MAX_STEPS) {
		gb_grub2_fatal(g, GB_E_LIMIT, "%s: script ran more than %u steps (endless loop?)",
			       g->file ? g->file : "grub.cfg", GB_GRUB2_MAX_STEPS);
		return false;
	}
	return true;
}

bool gb_grub2_charge(struct gb_grub2 *g, size_t bytes)
{
	g->steps += bytes / 64;
	return g->steps < GB_GRUB2_MAX_STEPS || gb_grub2_step(g);
}

void gb_grub2_warn(struct gb_grub2 *g, const char *fmt, ...)
{
	char msg[384];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	gb_menu_warn(g->menu, "%s:%zu: %s", g->file ? g->file : "?", g->line, msg);
}

int gb_grub2_fatal(struct gb_grub2 *g, int code, const char *fmt, ...)
{
	if (!g->fatal) {
		char msg[GB_MSG_MAX];
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(msg, sizeof(msg), fmt, ap);
		va_end(ap);
		g->fatal = gb_error(g->ctx, code, "%s", msg);
	}
	return g->fatal;
}

/* ---- argument expansion ------------------------------------------------ */

/* GRUB builds argv in slots: a word whose parts produce nothing leaves its
 * slot empty, and the next word reuses it, so it vanishes. Text is kept
 * backslash-escaped until the end, when every argument is unescaped. */
struct argv {
	char **v;
	size_t n, cap;
	size_t *len;
	struct gb_grub2 *g;
};

static bool argv_next(struct argv *a)
{
	if (a->n && !a->v[a->n - 1])
		return true;
	if (a->n >= GB_GRUB2_MAX_ARGS) {
		gb_grub2_fatal(a->g, GB_E_LIMIT, "%s:%zu: a command with more than %d arguments",
			       a->g->file, a->g->line, GB_GRUB2_MAX_ARGS);
		return false;
	}
	if (a->n + 1 >= a->cap) {
		size_t cap = a->cap ? a->cap * 2 : 8;
		char **v = realloc(a->v, cap * sizeof(*v));
		size_t *len = realloc(a->len, cap * sizeof(*len));
		if (v)
			a->v = v;
		if (len)
			a->len = len;
		if (!v || !len) {
			gb_grub2_fatal(a->g, GB_E_NOMEM, "out of memory");
			return false;
		}
		a->cap = cap;
	}
	a->v[a->n] = NULL;
	a->len[a->n] = 0;
	a->n++;
	return true;
}

/* How appended text is protected from the final unescaping: not at all
 * (unquoted text), its backslashes (an unquoted $var, whose wildcards stay
 * active, as GRUB appends it unescaped), or also its wildcard characters
 * (quoted text, "$var": GRUB's wildcard_escape). */
enum { ESC_NONE, ESC_BACKSLASH, ESC_ALL };

static bool escaped_char(char c, int escape)
{
	return (escape >= ESC_BACKSLASH && c == '\\') ||
	       (escape == ESC_ALL && (c == '*' || c == '?' || c == '['));
}

/* Append to the current slot, escaped as asked. */
static bool argv_append(struct argv *a, const char *s, size_t n, int escape)
{
	size_t extra = n;
	for (size_t i = 0; i < n; i++)
		extra += escaped_char(s[i], escape);
	size_t cur = a->len[a->n - 1];
	if (!gb_grub2_charge(a->g, cur + extra))
		return false;
	if (cur + extra > GB_GRUB2_MAX_ARG_BYTES) {
		gb_grub2_fatal(a->g, GB_E_LIMIT, "%s:%zu: an argument longer than %u bytes",
			       a->g->file, a->g->line, GB_GRUB2_MAX_ARG_BYTES);
		return false;
	}
	char *p = realloc(a->v[a->n - 1], cur + extra + 1);
	if (!p) {
		gb_grub2_fatal(a->g, GB_E_NOMEM, "out of memory");
		return false;
	}
	for (size_t i = 0; i < n; i++) {
		if (escaped_char(s[i], escape))
			p[cur++] = '\\';
		p[cur++] = s[i];
	}
	p[cur] = '\0';
	a->v[a->n - 1] = p;
	a->len[a->n - 1] = cur;
	return true;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

/* An unquoted expansion: fields split at blanks, leading and trailing
 * blanks dropped (grub_script_argv_split_append). */
static bool argv_split_append(struct argv *a, const char *s)
{
	while (is_blank(*s))
		s++;
	while (*s) {
		const char *f = s;
		while (*s && !is_blank(*s))
			s++;
		if (!argv_append(a, f, (size_t)(s - f), ESC_BACKSLASH))
			return false;
		while (is_blank(*s))
			s++;
		if (*s && !argv_next(a))
			return false;
	}
	return true;
}

static void argv_free(struct argv *a)
{
	for (size_t i = 0; i < a->n; i++)
		free(a->v[i]);
	free(a->v);
	free(a->len);
	memset(a, 0, sizeof(*a));
}

static bool is_special(const char *name)
{
	return (name[0] >= '0' && name[0] <= '9') || !strcmp(name, "#") || !strcmp(name, "*") ||
	       !strcmp(name, "@");
}

static bool append_value(struct argv *a, const char *v, bool split)
{
	return split ? argv_split_append(a, v) : argv_append(a, v, strlen(v), ESC_ALL);
}

/* $# $* $@ $N: from the innermost function or menu entry scope. */
static bool expand_positional(struct argv *a, const char *name, bool split)
{
	struct gb_grub2_scope *sc = a->g->scope;
	if (!sc)
		return true;
	size_t argc = sc->argc - sc->shift;
	char **args = sc->argv + sc->shift;
	if (!strcmp(name, "#")) {
		char buf[24];
		snprintf(buf, sizeof(buf), "%zu", argc);
		return argv_append(a, buf, strlen(buf), ESC_NONE);
	}
	if (!strcmp(name, "*") || !strcmp(name, "@")) {
		bool joined = !split && name[0] == '*';
		for (size_t i = 0; i < argc; i++) {
			bool ok = !i || (joined ? argv_append(a, " ", 1, ESC_NONE) : argv_next(a));
			if (!ok || !append_value(a, args[i], split))
				return false;
		}
		return true;
	}
	unsigned long num;
	if (!gb_grub2_strtoul(name, &num, NULL) || num == 0 || num > argc)
		return true;
	return append_value(a, args[num - 1], split);
}

static bool expand_var(struct argv *a, const char *name, bool split)
{
	if (is_special(name))
		return expand_positional(a, name, split);
	const char *v = gb_grub2_env_get(a->g->env, name);
	if (!v || !*v)
		return true;
	return append_value(a, v, split);
}

/* One variable of a $"..." string: grub_env_get, except $# (the scope's
 * argument count). */
static bool gettext_var(struct argv *a, const char *name, size_t n)
{
	char buf[24];
	const char *v = NULL;
	if (n == 1 && name[0] == '#') {
		struct gb_grub2_scope *sc = a->g->scope;
		snprintf(buf, sizeof(buf), "%zu", sc ? sc->argc - sc->shift : 0);
		v = buf;
	} else if (n < 256) {
		char key[256];
		memcpy(key, name, n);
		key[n] = '\0';
		v = gb_grub2_env_get(a->g->env, key);
	}
	return !v || argv_append(a, v, strlen(v), ESC_ALL);
}

/* $"..." as execute.c's parse_string puts it together: \ toggles an
 * escape (\$ is a dollar), $name ${name} $N $? $# are expanded, a '$'
 * before anything else is itself; the result is one unsplit piece. */
static bool expand_gettext(struct argv *a, const char *s)
{
	bool escaped = false;
	if (!argv_append(a, "", 0, ESC_ALL)) /* $"" is an argument, as "" is */
		return false;
	while (*s) {
		if (*s == '\\') {
			escaped = !escaped;
			if (!escaped && !argv_append(a, "\\", 1, ESC_ALL))
				return false;
			s++;
			continue;
		}
		if (*s != '$' || escaped) {
			if (escaped && *s != '$' && !argv_append(a, "\\", 1, ESC_ALL))
				return false;
			escaped = false;
			if (!argv_append(a, s, 1, ESC_ALL))
				return false;
			s++;
			continue;
		}
		const char *name = ++s;
		if (*s == '{') {
			const char *close = strchr(s + 1, '}');
			if (!close)
				return true; /* GRUB stops at an unclosed ${ */
			if (!gettext_var(a, s + 1, (size_t)(close - s - 1)))
				return false;
			s = close + 1;
		} else if (*s >= '0' && *s <= '9') {
			while (*s >= '0' && *s <= '9')
				s++;
			if (!gettext_var(a, name, (size_t)(s - name)))
				return false;
		} else if ((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || *s == '_') {
			while ((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || *s == '_' ||
			       (*s >= '0' && *s <= '9'))
				s++;
			if (!gettext_var(a, name, (size_t)(s - name)))
				return false;
		} else if (*s == '?' || *s == '#') {
			if (!gettext_var(a, s++, 1))
				return false;
		} else if (!argv_append(a, "$", 1, ESC_ALL)) {
			return false;
		}
	}
	return true;
}

static bool expand_word(struct argv *a, const struct gb_grub2_word *w)
{
	if (!argv_next(a))
		return false;
	for (const struct gb_grub2_part *p = w->parts; p; p = p->next) {
		bool ok = true;
		switch (p->type) {
		case GB_GRUB2_TEXT:
			ok = argv_append(a, p->str, strlen(p->str), ESC_NONE);
			break;
		case GB_GRUB2_DQSTR:
		case GB_GRUB2_SQSTR:
			ok = argv_append(a, p->str, strlen(p->str), ESC_ALL);
			break;
		case GB_GRUB2_VAR:
		case GB_GRUB2_DQVAR:
			ok = expand_var(a, p->str, p->type == GB_GRUB2_VAR);
			break;
		case GB_GRUB2_GETTEXT:
			ok = expand_gettext(a, p->str);
			break;
		}
		if (!ok)
			return false;
	}
	return true;
}

static void unescape(char *s)
{
	char *o = s;
	for (; *s; s++) {
		if (*s == '\\' && s[1])
			s++;
		*o++ = *s;
	}
	*o = '\0';
}

/* With the regexp module loaded, GRUB expands wildcards in every argument
 * (execute.c, grub_wildcard_translator): each match becomes an argument,
 * escaped again for the final unescaping. */
static bool expand_wildcards(struct gb_grub2 *g, struct argv *a)
{
	for (size_t i = 0; i < a->n && !g->fatal; i++) {
		if (!a->v[i] || !gb_grub2_has_wildcard(a->v[i]))
			continue;
		char **m;
		size_t nm;
		if (gb_grub2_glob(g, a->v[i], &m, &nm) || !nm)
			continue;
		size_t extra = nm - 1;
		if (a->n + extra >= GB_GRUB2_MAX_ARGS) {
			gb_grub2_fatal(g, GB_E_LIMIT, "%s:%zu: a command with more than %d arguments",
				       g->file, g->line, GB_GRUB2_MAX_ARGS);
		} else {
			char **v = realloc(a->v, (a->n + extra + 1) * sizeof(*v));
			if (v) {
				a->v = v;
				free(v[i]);
				memmove(v + i + nm, v + i + 1, (a->n - i - 1) * sizeof(*v));
				a->n += extra;
				for (size_t k = 0; k < nm; k++) {
					struct argv one = { .g = g };
					v[i + k] = NULL;
					if (argv_next(&one) && argv_append(&one, m[k], strlen(m[k]), ESC_BACKSLASH)) {
						v[i + k] = one.v[0];
						one.v[0] = NULL;
					}
					argv_free(&one);
					if (!v[i + k] && !(v[i + k] = strdup("")))
						gb_grub2_nomem(g);
				}
				i += extra;
			} else {
				gb_grub2_nomem(g);
			}
		}
		for (size_t k = 0; k < nm; k++)
			free(m[k]);
		free(m);
	}
	return !g->fatal;
}

/* Expand words into a NULL-terminated argv; false on a fatal error. */
static bool expand(struct gb_grub2 *g, const struct gb_grub2_word *words, struct argv *a)
{
	memset(a, 0, sizeof(*a));
	a->g = g;
	for (const struct gb_grub2_word *w = words; w; w = w->next)
		if (!expand_word(a, w)) {
			argv_free(a);
			return false;
		}
	if (a->n && !a->v[a->n - 1])
		a->n--;
	if (g->wildcards && !expand_wildcards(g, a)) {
		argv_free(a);
		return false;
	}
	if (!a->v) {
		/* no words: an empty argv, still NULL-terminated */
		a->v = calloc(1, sizeof(*a->v));
		if (!a->v) {
			gb_grub2_fatal(g, GB_E_NOMEM, "out of memory");
			return false;
		}
	}
	for (size_t i = 0; i < a->n; i++)
		unescape(a->v[i]);
	a->v[a->n] = NULL;
	return true;
}

/* ---- functions ---------------------------------------------------------- */

static struct gb_grub2_func *find_function(struct gb_grub2 *g, const char *name)
{
	for (size_t i = 0; i < g->nfuncs; i++)
		if (!strcmp(g->funcs[i].name, name))
			return &g->funcs[i];
	return NULL;
}

int gb_grub2_define_function(struct gb_grub2 *g, const char *name, const char *body,
			     size_t len, size_t body_line)
{
	struct gb_grub2_func *f = find_function(g, name);
	if (!f) {
		if (g->nfuncs >= GB_GRUB2_MAX_FUNCS)
			return gb_grub2_fatal(g, GB_E_LIMIT, "more than %d functions",
					      GB_GRUB2_MAX_FUNCS);
		f = &g->funcs[g->nfuncs];
		memset(f, 0, sizeof(*f));
		if (!(f->name = strdup(name)))
			return gb_grub2_fatal(g, GB_E_NOMEM, "out of memory");
		g->nfuncs++;
	}
	free(f->body);
	free(f->file);
	f->body = strndup(body, len);
	f->file = strdup(g->file ? g->file : "?");
	f->body_line = body_line;
	if (!f->body || !f->file)
		return gb_grub2_fatal(g, GB_E_NOMEM, "out of memory");
	return 0;
}

/* Functions are kept as source and parsed per call (the text may be
 * redefined while it runs); parsing counts against the step budget. */
static int call_function(struct gb_grub2 *g, struct gb_grub2_func *f, int argc, char **argv)
{
	if (g->call_depth >= GB_GRUB2_MAX_CALL_DEPTH)
		return gb_grub2_fatal(g, GB_E_LIMIT, "%s:%zu: function calls nested deeper than %d",
				      g->file, g->line, GB_GRUB2_MAX_CALL_DEPTH);
	char *body = strdup(f->body), *file = strdup(f->file);
	struct gb_grub2_scope sc = { .argc = (size_t)argc - 1 };
	sc.argv = calloc((size_t)argc, sizeof(char *));
	bool ok = body && file && sc.argv;
	for (int i = 1; ok && i < argc; i++)
		ok = (sc.argv[i - 1] = strdup(argv[i])) != NULL;
	int r = 0;
	if (!ok) {
		r = gb_grub2_fatal(g, GB_E_NOMEM, "out of memory");
	} else {
		struct gb_grub2_scope *old = g->scope;
		unsigned long loops = g->active_loops;
		const char *ofile = g->file;
		size_t oline = g->line;
		g->scope = &sc;
		g->active_loops = 0;
		g->call_depth++;
		r = gb_grub2_run_source(g, body, strlen(body), file, f->body_line);
		g->call_depth--;
		g->func_return = false;
		g->active_loops = loops;
		g->scope = old;
		g->file = ofile;
		g->line = oline;
	}
	for (size_t i = 0; sc.argv && i < sc.argc; i++)
		free(sc.argv[i]);
	free(sc.argv);
	free(body);
	free(file);
	return r;
}

/* ---- commands ------------------------------------------------------------- */

static int assign(struct gb_grub2 *g, const char *word)
{
	const char *eq = strchr(word, '=');
	char *name = strndup(word, (size_t)(eq - word));
	if (!name)
		return gb_grub2_fatal(g, GB_E_NOMEM, "out of memory");
	int r = 0;
	if (is_special(name) || !*name) {
		gb_grub2_warn(g, "invalid variable name '%s'", name);
		r = GB_GRUB2_ERR_ARG;
	} else if (gb_grub2_env_set(g, name, eq + 1)) {
		r = g->fatal;
	}
	free(name);
	return r;
}

static int dispatch(struct gb_grub2 *g, int argc, char **argv, const struct gb_grub2_node *n)
{
	/* the regexp command autoloads its module, which brings wildcards */
	if (!strcmp(argv[0], "regexp"))
		g->wildcards = true;
	gb_grub2_cmd_fn fn = gb_grub2_builtin(argv[0]);
	if (fn)
		return fn(g, argc, argv, n);
	struct gb_grub2_func *f = find_function(g, argv[0]);
	if (f)
		return call_function(g, f, argc, argv);
	if (strchr(argv[0], '='))
		return assign(g, argv[0]);
	if (gb_grub2_fallback_noop(argv[0]))
		return GB_GRUB2_OK;
	gb_grub2_warn(g, "unknown command '%.60s'", argv[0]);
	return GB_GRUB2_ERR_UNKNOWN;
}

static int exec_cmdline(struct gb_grub2 *g, const struct gb_grub2_node *n)
{
	struct argv a;
	if (!expand(g, n->words, &a))
		return g->fatal;
	int r = 0;
	if (a.n && !strcmp(a.v[0], "!")) {
		if (a.n < 2) {
			gb_grub2_warn(g, "no command is specified after '!'");
			r = GB_GRUB2_ERR_ARG;
		} else {
			r = dispatch(g, (int)a.n - 1, a.v + 1, n);
			/* ! turns false into true and true into false; other errors
			 * are reported and count as success, as GRUB does */
			r = r == GB_GRUB2_FALSE ? 0 : r == 0 ? GB_GRUB2_FALSE : 0;
		}
	} else if (a.n) {
		r = dispatch(g, (int)a.n, a.v, n);
	}
	argv_free(&a);
	return g->fatal ? g->fatal : r;
}

static int exec_node(struct gb_grub2 *g, const struct gb_grub2_node *n);

static int set_status(struct gb_grub2 *g, int r)
{
	char buf[16];
	snprintf(buf, sizeof(buf), "%d", r < 0 ? 1 : r);
	if (!g->fatal)
		gb_grub2_env_set(g, "?", buf);
	return r;
}

static int exec_cmd(struct gb_grub2 *g, const struct gb_grub2_node *n)
{
	if (!gb_grub2_step(g))
		return g->fatal;
	if (g->exec_depth >= GB_GRUB2_MAX_EXEC_DEPTH)
		return gb_grub2_fatal(g, GB_E_LIMIT, "%s:%zu: commands nested deeper than %d",
				      g->file, n->line, GB_GRUB2_MAX_EXEC_DEPTH);
	g->exec_depth++;
	int r = exec_node(g, n);
	g->exec_depth--;
	return set_status(g, r);
}

int gb_grub2_exec_list(struct gb_grub2 *g, struct gb_grub2_node *list)
{
	int r = 0;
	for (const struct gb_grub2_node *n = list; n; n = n->next) {
		if (g->active_breaks || g->fatal || g->replaced)
			break;
		r = exec_cmd(g, n);
		if (g->func_return)
			break;
	}
	return g->fatal ? g->fatal : r;
}

static int exec_list_cmd(struct gb_grub2 *g, struct gb_grub2_node *list)
{
	return set_status(g, gb_grub2_exec_list(g, list));
}

static int exec_if(struct gb_grub2 *g, const struct gb_grub2_node *n)
{
	int r = exec_list_cmd(g, n->cond);
	if (g->func_return || g->fatal)
		return r;
	if (r == 0)
		return exec_list_cmd(g, n->body);
	if (!n->orelse)
		return 0;
	return exec_list_cmd(g, n->orelse);
}

static int exec_for(struct gb_grub2 *g, const struct gb_grub2_node *n)
{
	struct argv a;
	if (!expand(g, n->words, &a))
		return g->fatal;
	int r = 0;
	g->active_loops++;
	for (size_t i = 0; i < a.n && !g->fatal; i++) {
		if (g->is_continue && g->active_breaks == 1)
			g->active_breaks = 0;
		if (g->active_breaks)
			continue;
		if (gb_grub2_env_set(g, n->name, a.v[i]))
			break;
		r = exec_list_cmd(g, n->body);
		if (g->func_return)
			break;
	}
	if (g->active_breaks)
		g->active_breaks--;
	g->active_loops--;
	argv_free(&a);
	return g->fatal ? g->fatal : r;
}

static int exec_while(struct gb_grub2 *g, const struct gb_grub2_node *n)
{
	int r = 0;
	g->active_loops++;
	while (!g->fatal && gb_grub2_step(g)) {
		r = exec_list_cmd(g, n->cond);
		if (g->func_return || g->fatal)
			break;
		if (n->until ? !r : r)
			break;
		r = exec_list_cmd(g, n->body);
		if (g->func_return)
			break;
		if (g->active_breaks == 1 && g->is_continue)
			g->active_breaks = 0;
		if (g->active_breaks)
			break;
	}
	if (g->active_breaks)
		g->active_breaks--;
	g->active_loops--;
	return g->fatal ? g->fatal : r;
}

static int exec_node(struct gb_grub2 *g, const struct gb_grub2_node *n)
{
	g->line = n->line;
	switch (n->kind) {
	case GB_GRUB2_CMD: return exec_cmdline(g, n);
	case GB_GRUB2_IF: return exec_if(g, n);
	case GB_GRUB2_FOR: return exec_for(g, n);
	case GB_GRUB2_WHILE: return exec_while(g, n);
	}
	return 0;
}

/* ---- sources -------------------------------------------------------------- */

int gb_grub2_run_source(struct gb_grub2 *g, const char *text, size_t len, const char *file,
			size_t first_line)
{
	struct gb_grub2_arena arena = { 0 };
	struct gb_grub2_parser p;
	const char *ofile = g->file;
	int r = 0;
	gb_grub2_parser_init(&p, g, file, text, len, first_line, &arena, &g->steps);
	while (!g->fatal) {
		struct gb_grub2_node *list;
		g->file = file;
		enum gb_grub2_chunk_result c = gb_grub2_parse_chunk(&p, &list);
		if (p.lx.oom) {
			gb_grub2_fatal(g, GB_E_NOMEM, "out of memory");
		} else if (g->steps > GB_GRUB2_MAX_STEPS) {
			gb_grub2_step(g);
		} else if (c == GB_GRUB2_CHUNK_ERROR) {
			gb_menu_warn(g->menu, "%s:%zu:%zu: %s", file, p.err_line, p.err_col,
				     p.err_msg);
			if (!g->syntax[0])
				snprintf(g->syntax, sizeof(g->syntax), "%s:%zu:%zu: %s", file,
					 p.err_line, p.err_col, p.err_msg);
		} else if (c == GB_GRUB2_CHUNK_OK) {
			r = gb_grub2_exec_list(g, list);
		}
		gb_grub2_arena_free(&arena);
		if (c == GB_GRUB2_CHUNK_EOF || g->replaced || g->func_return || g->active_breaks)
			break;
	}
	gb_grub2_arena_free(&arena);
	g->file = ofile;
	return g->fatal ? g->fatal : r;
}
