/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config/cfgutil.h"

#include <stdlib.h>
#include <string.h>

void gb_lines_init(struct gb_lines *it, char *data, size_t len)
{
	it->p = data;
	it->end = data + len;
	it->lineno = 0;
}

char *gb_lines_next(struct gb_lines *it)
{
	if (it->p >= it->end)
		return NULL;
	char *line = it->p;
	char *nl = memchr(line, '\n', (size_t)(it->end - line));
	if (nl) {
		*nl = '\0';
		it->p = nl + 1;
	} else {
		it->p = it->end;
	}
	it->lineno++;
	size_t n = strlen(line);
	if (n && line[n - 1] == '\r')
		line[n - 1] = '\0';
	return line;
}

char *gb_lines_next_bounded(struct gb_lines *it, struct gb_menu *menu, const char *path)
{
	char *line;
	while ((line = gb_lines_next(it)) && strlen(line) > GB_CFG_MAX_LINE)
		gb_menu_warn(menu, "%s:%zu: line too long, ignored", path, it->lineno);
	return line;
}

char *gb_trim(char *s)
{
	while (gb_is_space(*s))
		s++;
	size_t n = strlen(s);
	while (n && gb_is_space(s[n - 1]))
		s[--n] = '\0';
	return s;
}

char *gb_next_word(char **s)
{
	char *p = *s;
	while (gb_is_space(*p))
		p++;
	if (!*p) {
		*s = p;
		return NULL;
	}
	char *w = p;
	while (*p && !gb_is_space(*p))
		p++;
	if (*p)
		*p++ = '\0';
	while (gb_is_space(*p))
		p++;
	*s = p;
	return w;
}

void gb_squeeze_spaces(char *s)
{
	char *o = s;
	const char *i = s;
	while (gb_is_space(*i))
		i++;
	while (*i) {
		if (gb_is_space(*i)) {
			while (gb_is_space(*i))
				i++;
			if (*i)
				*o++ = ' ';
			continue;
		}
		*o++ = *i++;
	}
	*o = '\0';
}

void gb_sbuf_add_word(struct gb_sbuf *b, const char *w)
{
	if (!*w)
		return;
	if (b->len)
		gb_sbuf_add(b, " ", 1);
	gb_sbuf_add(b, w, strlen(w));
}

int gb_set_str(struct gb_ctx *ctx, char **dst, const char *src)
{
	char *c = NULL;
	if (src && !(c = strdup(src)))
		return gb_error(ctx, GB_E_NOMEM, "out of memory");
	free(*dst);
	*dst = c;
	return 0;
}

/* Append one path component (already free of slashes) to b; ".." drops
 * the last one (at the root it stays there, as in any file system). */
static void add_component(struct gb_sbuf *b, const char *c, size_t n)
{
	if (!n || (n == 1 && c[0] == '.'))
		return;
	if (n == 2 && c[0] == '.' && c[1] == '.') {
		while (b->len && b->p[b->len - 1] != '/')
			b->len--;
		if (b->len)
			b->len--; /* the slash before it */
		if (b->p)
			b->p[b->len] = '\0';
		return;
	}
	gb_sbuf_add(b, "/", 1);
	gb_sbuf_add(b, c, n);
}

static void add_components(struct gb_sbuf *b, const char *s)
{
	while (*s) {
		size_t n = strcspn(s, "/");
		add_component(b, s, n);
		s += n;
		if (*s == '/')
			s++;
	}
}

char *gb_path_join(const char *dir, const char *rel)
{
	struct gb_sbuf b = { 0 };
	if (rel[0] != '/' && dir)
		add_components(&b, dir);
	add_components(&b, rel);
	if (!b.len)
		gb_sbuf_add(&b, "/", 1);
	return gb_sbuf_take(&b);
}

char *gb_path_dir(const char *path)
{
	const char *slash = strrchr(path, '/');
	if (!slash || slash == path)
		return strdup("/");
	return strndup(path, (size_t)(slash - path));
}

struct names_walk {
	struct gb_cfg_names *l;
	size_t cap;
	bool (*keep)(const char *name);
	bool oom;
	bool dirs; /* directories instead of files */
};

static int collect_name(void *arg, const struct gb_dirent *de)
{
	struct names_walk *w = arg;
	struct gb_cfg_names *l = w->l;
	if (de->name[0] == '.' || (de->type == GB_FT_DIR) != w->dirs || (w->keep && !w->keep(de->name)))
		return 0;
	if (l->n >= w->cap) {
		l->truncated = true;
		return 0;
	}
	char *c = strdup(de->name);
	char **p = c ? realloc(l->names, (l->n + 1) * sizeof(*p)) : NULL;
	if (!p) {
		free(c);
		w->oom = true;
		return 1;
	}
	l->names = p;
	l->names[l->n++] = c;
	return 0;
}

static int cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int list_names(struct gb_ctx *ctx, struct gb_fs *fs, const char *dir, size_t cap,
		      bool (*keep)(const char *name), bool dirs, struct gb_cfg_names *out)
{
	*out = (struct gb_cfg_names){ 0 };
	struct names_walk w = { out, cap, keep, false, dirs };
	int r = gb_fs_readdir(ctx, fs, dir, collect_name, &w);
	if (!r && w.oom)
		r = gb_error(ctx, GB_E_NOMEM, "out of memory");
	if (r) {
		gb_cfg_names_free(out);
		return r;
	}
	if (out->n > 1)
		qsort(out->names, out->n, sizeof(*out->names), cmp_name);
	return 0;
}

int gb_cfg_list_names(struct gb_ctx *ctx, struct gb_fs *fs, const char *dir, size_t cap,
		      bool (*keep)(const char *name), struct gb_cfg_names *out)
{
	return list_names(ctx, fs, dir, cap, keep, false, out);
}

int gb_cfg_list_dirs(struct gb_ctx *ctx, struct gb_fs *fs, const char *dir, size_t cap,
		     struct gb_cfg_names *out)
{
	return list_names(ctx, fs, dir, cap, NULL, true, out);
}

void gb_cfg_names_free(struct gb_cfg_names *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->names[i]);
	free(l->names);
	*l = (struct gb_cfg_names){ 0 };
}
