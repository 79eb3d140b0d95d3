/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* GRUB's wildcard expansion (grub-core/commands/wildcard.c), active once
 * the regexp module is loaded: an argument with an unescaped '*', '?' or
 * '[' that names a path ("/boot/vmlinuz-*", "(hd0,1)/vmlinuz-*") becomes
 * the files that match, in the order the directory lists them, as GRUB's
 * file system iteration gives them. No match leaves the argument as it
 * is. Every directory read and name tried is charged to the step budget;
 * the number of results is bounded like a command's arguments. */
#define _GNU_SOURCE
#include "config/grub2/grub2.h"

#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>

/* A pattern still carries the executor's escapes: "\x" is a literal x. */
bool gb_grub2_has_wildcard(const char *s)
{
	for (; *s; s++) {
		if (*s == '\\' && s[1])
			s++;
		else if (*s == '*' || *s == '?' || *s == '[')
			return true;
	}
	return false;
}

static void unescape_into(char *out, const char *s, size_t n)
{
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\\' && i + 1 < n)
			i++;
		out[o++] = s[i];
	}
	out[o] = '\0';
}

struct glob {
	struct gb_grub2 *g;
	struct gb_fs *fs;
	const char *prefix;   /* "(dev)" as written, or "" */
	char **v;
	size_t n;
	bool stop;
};

static bool add_result(struct glob *gl, const char *path)
{
	if (gl->n >= GB_GRUB2_MAX_ARGS) {
		gb_grub2_fatal(gl->g, GB_E_LIMIT, "%s:%zu: a wildcard matching more than %d files",
			       gl->g->file, gl->g->line, GB_GRUB2_MAX_ARGS);
		return false;
	}
	char **v = realloc(gl->v, (gl->n + 1) * sizeof(*v));
	size_t len = strlen(gl->prefix) + strlen(path) + 1;
	char *s = v ? malloc(len) : NULL;
	if (v)
		gl->v = v;
	if (!s) {
		gb_grub2_nomem(gl->g);
		return false;
	}
	strcpy(s, gl->prefix);
	strcat(s, path);
	gl->v[gl->n++] = s;
	return true;
}

static void walk(struct glob *gl, const char *dir, const char *rest);

struct match {
	struct glob *gl;
	const char *dir, *pattern, *rest; /* pattern: one escaped component */
};

static int match_entry(void *arg, const struct gb_dirent *de)
{
	struct match *m = arg;
	struct glob *gl = m->gl;
	if (gl->stop || !gb_grub2_cost(gl->g, 1)) {
		gl->stop = true;
		return 1;
	}
	if (fnmatch(m->pattern, de->name, 0))
		return 0;
	size_t len = strlen(m->dir) + strlen(de->name) + 2;
	char *path = malloc(len);
	if (!path) {
		gb_grub2_nomem(gl->g);
		gl->stop = true;
		return 1;
	}
	snprintf(path, len, "%s%s%s", m->dir, strcmp(m->dir, "/") ? "/" : "", de->name);
	walk(gl, path, m->rest);
	free(path);
	return gl->stop;
}

/* dir: a real directory path; rest: the escaped components after it. */
static void walk(struct glob *gl, const char *dir, const char *rest)
{
	/* no guest path is longer (the fs layer's bound): this also bounds
	 * the recursion, one level per component */
	if (strlen(dir) > 4096)
		return;
	while (*rest == '/')
		rest++;
	size_t clen = strcspn(rest, "/");
	const char *next = rest + clen;
	if (!clen) {
		/* every component matched: the path is a result */
		if (!add_result(gl, dir))
			gl->stop = true;
		return;
	}
	char *comp = strndup(rest, clen);
	if (!comp) {
		gb_grub2_nomem(gl->g);
		gl->stop = true;
		return;
	}
	if (gb_grub2_has_wildcard(comp)) {
		struct match m = { gl, dir, comp, next };
		struct gb_ctx quiet = { 0 };
		if (gb_grub2_cost(gl->g, GB_GRUB2_COST_LOOKUP))
			gb_fs_readdir(&quiet, gl->fs, dir, match_entry, &m);
		else
			gl->stop = true;
	} else {
		/* a literal component: kept when the path exists */
		size_t len = strlen(dir) + clen + 2;
		char *path = malloc(len);
		if (path) {
			strcpy(path, dir);
			if (strcmp(dir, "/"))
				strcat(path, "/");
			unescape_into(path + strlen(path), comp, clen);
			struct gb_ctx quiet = { 0 };
			struct gb_stat st = GB_SIZED(struct gb_stat);
			if (!gb_grub2_cost(gl->g, GB_GRUB2_COST_LOOKUP))
				gl->stop = true;
			else if (!gb_fs_stat(&quiet, gl->fs, path, &st))
				walk(gl, path, next);
			free(path);
		} else {
			gb_grub2_nomem(gl->g);
			gl->stop = true;
		}
	}
	free(comp);
}

/* Expand one escaped argument: 0 with *n = 0 when it names no path or
 * nothing matches; a fatal status on a limit. *out holds plain strings. */
int gb_grub2_glob(struct gb_grub2 *g, const char *arg, char ***out, size_t *n)
{
	*out = NULL;
	*n = 0;
	const char *path = arg;
	char *dev = NULL;
	if (arg[0] == '(') {
		const char *close = strchr(arg, ')');
		if (!close || gb_grub2_has_wildcard((dev = strndup(arg, (size_t)(close - arg + 1))) ? dev : "")) {
			/* no wildcards in device names, as GRUB (here) */
			free(dev);
			return g->fatal;
		}
		path = close + 1;
	}
	if (path[0] != '/') {
		free(dev);
		return g->fatal;
	}
	int d;
	char *ignored = NULL, *root = NULL;
	struct gb_fs *fs = NULL;
	if (asprintf(&root, "%s/", dev ? dev : "") < 0)
		root = NULL;
	if (root && !gb_grub2_resolve(g, root, &d, &ignored, false) && d >= 0)
		fs = gb_cfg_fs(g->devs, d);
	free(ignored);
	free(root);
	struct glob gl = { .g = g, .fs = fs, .prefix = dev ? dev : "" };
	if (fs)
		walk(&gl, "/", path);
	free(dev);
	if (g->fatal) {
		for (size_t i = 0; i < gl.n; i++)
			free(gl.v[i]);
		free(gl.v);
		return g->fatal;
	}
	*out = gl.v;
	*n = gl.n;
	return 0;
}
