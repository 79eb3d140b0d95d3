/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* GRUB 2 variables (a hashed table with GRUB's write hook for `root`)
 * and the grubenv block format read by load_env. */
#include "config/grub2/grub2.h"

#include <stdlib.h>

static unsigned hash(const char *s)
{
	unsigned h = 2166136261u;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h % GB_GRUB2_HASH;
}

struct gb_grub2_env *gb_grub2_env_new(void)
{
	struct gb_grub2_env *env = calloc(1, sizeof(*env));
	if (env)
		for (size_t i = 0; i < GB_GRUB2_HASH; i++)
			env->head[i] = -1;
	return env;
}

void gb_grub2_env_free(struct gb_grub2_env *env)
{
	if (!env)
		return;
	for (size_t i = 0; i < env->n; i++) {
		free(env->v[i].name);
		free(env->v[i].value);
	}
	free(env->v);
	free(env);
}

static struct gb_grub2_var *find(const struct gb_grub2_env *env, const char *name)
{
	for (int i = env->head[hash(name)]; i >= 0; i = env->v[i].next)
		if (!strcmp(env->v[i].name, name))
			return &env->v[i];
	return NULL;
}

const char *gb_grub2_env_get(const struct gb_grub2_env *env, const char *name)
{
	const struct gb_grub2_var *v = find(env, name);
	return v ? v->value : NULL;
}

static struct gb_grub2_var *add(struct gb_grub2_env *env, const char *name)
{
	if (env->n == env->cap) {
		size_t cap = env->cap ? env->cap * 2 : 64;
		struct gb_grub2_var *v = realloc(env->v, cap * sizeof(*v));
		if (!v)
			return NULL;
		env->v = v;
		env->cap = cap;
	}
	struct gb_grub2_var *v = &env->v[env->n];
	memset(v, 0, sizeof(*v));
	v->name = strdup(name);
	v->value = strdup("");
	if (!v->name || !v->value) {
		free(v->name);
		free(v->value);
		return NULL;
	}
	unsigned h = hash(name);
	v->next = env->head[h];
	env->head[h] = (int)env->n++;
	env->bytes += strlen(name);
	return v;
}

struct gb_grub2_env *gb_grub2_env_copy(const struct gb_grub2_env *env, bool exported_only)
{
	struct gb_grub2_env *c = gb_grub2_env_new();
	for (size_t i = 0; c && i < env->n; i++) {
		if (exported_only && !env->v[i].exported)
			continue;
		struct gb_grub2_var *v = add(c, env->v[i].name);
		char *value = v ? strdup(env->v[i].value) : NULL;
		if (!value) {
			gb_grub2_env_free(c);
			return NULL;
		}
		free(v->value);
		v->value = value;
		v->exported = env->v[i].exported;
		c->bytes += strlen(value);
	}
	return c;
}

/* GRUB's hook on `root`: "(hd0,1)" is stored as "hd0,1". */
static char *hooked_value(const char *name, const char *value)
{
	size_t len = strlen(value);
	if (!strcmp(name, "root") && len >= 2 && value[0] == '(' && value[len - 1] == ')')
		return strndup(value + 1, len - 2);
	return strdup(value);
}

int gb_grub2_env_set(struct gb_grub2 *g, const char *name, const char *value)
{
	struct gb_grub2_env *env = g->env;
	size_t len = strlen(value);
	if (len > GB_GRUB2_MAX_VALUE)
		return gb_grub2_fatal(g, GB_E_LIMIT, "variable '%.40s' longer than %u bytes", name,
				      GB_GRUB2_MAX_VALUE);
	if (!gb_grub2_charge(g, len))
		return g->fatal;
	struct gb_grub2_var *v = find(env, name);
	if (!v) {
		if (env->n >= GB_GRUB2_MAX_VARS)
			return gb_grub2_fatal(g, GB_E_LIMIT, "more than %d variables",
					      GB_GRUB2_MAX_VARS);
		if (!(v = add(env, name)))
			return gb_grub2_fatal(g, GB_E_NOMEM, "out of memory");
	}
	size_t old = strlen(v->value);
	if (env->bytes - old + len > GB_GRUB2_MAX_ENV_BYTES)
		return gb_grub2_fatal(g, GB_E_LIMIT, "variables larger than %u bytes in all",
				      GB_GRUB2_MAX_ENV_BYTES);
	char *copy = hooked_value(name, value);
	if (!copy)
		return gb_grub2_fatal(g, GB_E_NOMEM, "out of memory");
	free(v->value);
	v->value = copy;
	env->bytes = env->bytes - old + strlen(copy);
	return 0;
}

void gb_grub2_env_unset(struct gb_grub2 *g, const char *name)
{
	struct gb_grub2_env *env = g->env;
	unsigned h = hash(name);
	int *link = &env->head[h];
	while (*link >= 0 && strcmp(env->v[*link].name, name))
		link = &env->v[*link].next;
	if (*link < 0)
		return;
	int i = *link;
	*link = env->v[i].next;
	env->bytes -= strlen(env->v[i].name) + strlen(env->v[i].value);
	free(env->v[i].name);
	free(env->v[i].value);
	/* Move the last variable into the hole and fix the link to it. */
	int last = (int)env->n - 1;
	if (i != last) {
		int *l = &env->head[hash(env->v[last].name)];
		while (*l != last)
			l = &env->v[*l].next;
		*l = i;
		env->v[i] = env->v[last];
	}
	env->n--;
}

int gb_grub2_env_export(struct gb_grub2 *g, const char *name)
{
	struct gb_grub2_var *v = find(g->env, name);
	if (!v) {
		int r = gb_grub2_env_set(g, name, "");
		if (r)
			return r;
		v = find(g->env, name);
	}
	v->exported = true;
	return 0;
}

/* ---- grubenv ------------------------------------------------------------ */

#define ENVBLK_SIGNATURE "# GRUB Environment Block\n"

/* Lines starting with '#' are skipped; "name=value" where "\x" in the
 * value stands for x (grub-core/lib/envblk.c). */
bool gb_grub2_envblk_parse(const char *data, size_t len,
			   int (*set)(void *arg, const char *name, const char *value), void *arg)
{
	size_t sig = sizeof(ENVBLK_SIGNATURE) - 1;
	if (len < sig || memcmp(data, ENVBLK_SIGNATURE, sig))
		return false;
	const char *p = data + sig, *end = data + len;
	char *buf = malloc(len + 1);
	if (!buf)
		return true;
	while (p < end) {
		const char *eol = p;
		while (eol < end && *eol != '\n')
			eol += (*eol == '\\' && eol + 1 < end) ? 2 : 1;
		const char *eq = memchr(p, '=', (size_t)(eol - p));
		if (*p != '#' && *p != '\r' && eq && eq > p) {
			size_t o = 0;
			memcpy(buf, p, (size_t)(eq - p));
			buf[eq - p] = '\0';
			char *value = buf + (eq - p) + 1;
			for (const char *q = eq + 1; q < eol; q++) {
				if (*q == '\\' && q + 1 < eol)
					q++;
				value[o++] = *q;
			}
			value[o] = '\0';
			if (set(arg, buf, value))
				break;
		}
		p = eol + 1;
	}
	free(buf);
	return true;
}
