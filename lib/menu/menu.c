/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define _GNU_SOURCE
#include "menu/menu.h"

#include <stdio.h>
#include <stdlib.h>

struct gb_entry *gb_menu_add(struct gb_ctx *ctx, struct gb_menu *m,
			     struct gb_entry **list, size_t *n)
{
	if (m->total_entries >= GB_MENU_MAX_ENTRIES) {
		gb_error(ctx, GB_E_LIMIT, "more than %d menu entries", GB_MENU_MAX_ENTRIES);
		return NULL;
	}
	struct gb_entry *p = realloc(*list, (*n + 1) * sizeof(**list));
	if (!p) {
		gb_error(ctx, GB_E_NOMEM, "out of memory");
		return NULL;
	}
	*list = p;
	struct gb_entry *e = &p[(*n)++];
	memset(e, 0, sizeof(*e));
	e->kernel.device = -1;
	e->devicetree.device = -1;
	e->kind = GB_ENTRY_EMPTY;
	m->total_entries++;
	return e;
}

int gb_entry_add_file(struct gb_ctx *ctx, struct gb_boot_file **list, size_t *n,
		      int device, const char *path, const char *args)
{
	if (*n >= GB_MENU_MAX_INITRDS)
		return gb_error(ctx, GB_E_LIMIT, "more than %d files in one entry",
				GB_MENU_MAX_INITRDS);
	struct gb_boot_file *p = realloc(*list, (*n + 1) * sizeof(**list));
	if (!p)
		return gb_error(ctx, GB_E_NOMEM, "out of memory");
	*list = p;
	struct gb_boot_file *f = &p[*n];
	f->device = device;
	f->path = strdup(path);
	f->args = args ? strdup(args) : NULL;
	f->offset = f->length = 0;
	f->section = NULL;
	f->cpio_name = NULL;
	f->cpio = GB_CPIO_NONE;
	if (!f->path || (args && !f->args)) {
		free(f->path);
		free(f->args);
		return gb_error(ctx, GB_E_NOMEM, "out of memory");
	}
	(*n)++;
	return 0;
}

void gb_menu_trace_add(struct gb_menu *m, const char *s, size_t n)
{
	if (!m->trace_on || m->trace_len >= GB_MENU_MAX_TRACE)
		return;
	if (n > GB_MENU_MAX_TRACE - m->trace_len)
		n = GB_MENU_MAX_TRACE - m->trace_len;
	char *t = realloc(m->trace, m->trace_len + n + 1);
	if (!t)
		return;
	memcpy(t + m->trace_len, s, n);
	m->trace_len += n;
	t[m->trace_len] = '\0';
	m->trace = t;
}

const char *gb_menu_trace(const struct gb_menu *m)
{
	return m->trace ? m->trace : "";
}

void gb_menu_vwarn(struct gb_menu *m, bool once, const char *fmt, va_list ap)
{
	char *s = NULL;
	if (vasprintf(&s, fmt, ap) < 0)
		s = NULL;
	for (size_t i = 0; once && s && i < m->nwarnings; i++)
		if (!strcmp(m->warnings[i], s)) {
			free(s);
			return;
		}
	if (s && m->trace_on) {
		/* as GRUB prints its errors, in order with echo's output */
		gb_menu_trace_add(m, "error: ", 7);
		gb_menu_trace_add(m, s, strlen(s));
		gb_menu_trace_add(m, "\n", 1);
	}
	if (s && m->nwarnings < GB_MENU_MAX_WARNINGS)
		m->warnings[m->nwarnings++] = s;
	else
		free(s);
}

void gb_menu_warn(struct gb_menu *m, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	gb_menu_vwarn(m, false, fmt, ap);
	va_end(ap);
}

/* One component of a GRUB default path: up to a single '>' (">>" stands
 * for a literal '>'). Returns the unescaped component and advances *spec
 * past its separator. */
static char *next_component(const char **spec)
{
	const char *s = *spec;
	size_t cap = strlen(s) + 1, o = 0;
	char *out = malloc(cap);
	if (!out)
		return NULL;
	while (*s) {
		if (s[0] == '>' && s[1] == '>') {
			out[o++] = '>';
			s += 2;
			continue;
		}
		if (s[0] == '>') {
			s++;
			break;
		}
		out[o++] = *s++;
	}
	out[o] = '\0';
	*spec = s;
	return out;
}

static bool all_digits(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

/* Index of key in list: a number, else an id or title; SIZE_MAX when
 * nothing matches (a number out of range included). */
static size_t find_in(const struct gb_entry *list, size_t n, const char *key)
{
	if (all_digits(key)) {
		unsigned long i = strtoul(key, NULL, 10);
		return i < n ? (size_t)i : SIZE_MAX;
	}
	for (size_t i = 0; i < n; i++)
		if ((list[i].id && !strcmp(list[i].id, key)) ||
		    (list[i].title && !strcmp(list[i].title, key)))
			return i;
	return SIZE_MAX;
}

/* Follow spec down the menu. Strict: every component must match. Else
 * GRUB's rules: a component that matches nothing (or is out of range) means
 * entry 0 at that level (a submenu gets the rest of the path as its own
 * default), and a path ending at a submenu goes on to its first entry. */
static bool walk(const struct gb_menu *m, const char *spec, bool strict,
		 size_t *path, size_t *depth)
{
	*depth = 0;
	if (!m->nentries)
		return false;
	const struct gb_entry *list = m->entries;
	size_t n = m->nentries;
	while (*depth < GB_MENU_MAX_DEPTH) {
		size_t idx = 0;
		if (*spec) {
			char *key = next_component(&spec);
			idx = key ? find_in(list, n, key) : SIZE_MAX;
			free(key);
			if (idx == SIZE_MAX) {
				if (strict)
					return false;
				/* as GRUB: the rest of the path still applies below */
				idx = 0;
			}
		} else if (strict && !*spec) {
			/* nothing named (an empty spec) matches nothing */
			if (*depth == 0)
				return false;
			return list[path[*depth - 1]].kind != GB_ENTRY_SUBMENU;
		}
		path[(*depth)++] = idx;
		if (list[idx].kind != GB_ENTRY_SUBMENU || !list[idx].nchildren)
			return !*spec || !strict;
		n = list[idx].nchildren;
		list = list[idx].children;
	}
	return false;
}

void gb_menu_choose(struct gb_menu *m)
{
	if (!walk(m, m->default_spec ? m->default_spec : "", false, m->chosen, &m->chosen_depth))
		m->chosen_depth = m->nentries ? m->chosen_depth : 0;
}

static void clean_entries(struct gb_entry *list, size_t n, int depth)
{
	for (size_t i = 0; i < n && depth < GB_MENU_MAX_DEPTH; i++) {
		struct gb_entry *e = &list[i];
		if (e->kernel.path)
			gb_path_clean(e->kernel.path);
		if (e->devicetree.path)
			gb_path_clean(e->devicetree.path);
		for (size_t k = 0; k < e->ninitrds; k++)
			gb_path_clean(e->initrds[k].path);
		for (size_t k = 0; k < e->nmodules; k++)
			gb_path_clean(e->modules[k].path);
		clean_entries(e->children, e->nchildren, depth + 1);
	}
}

void gb_menu_finish(struct gb_menu *m)
{
	clean_entries(m->entries, m->nentries, 0);
	gb_menu_choose(m);
}

const struct gb_entry *gb_menu_find(const struct gb_menu *m, const char *spec,
				    size_t *path, size_t *depth)
{
	size_t p[GB_MENU_MAX_DEPTH], d;
	if (!walk(m, spec, true, p, &d))
		return NULL;
	const struct gb_entry *list = m->entries, *e = NULL;
	for (size_t i = 0; i < d; i++) {
		e = &list[p[i]];
		list = e->children;
		if (path)
			path[i] = p[i];
	}
	if (depth)
		*depth = d;
	return e;
}

/* Depth-first search for a bootable entry whose id or title is key. */
static const struct gb_entry *find_nested(const struct gb_entry *list, size_t n, const char *key,
					  size_t *path, size_t *depth)
{
	if (*depth >= GB_MENU_MAX_DEPTH)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		const struct gb_entry *e = &list[i];
		path[(*depth)++] = i;
		if (e->kind == GB_ENTRY_SUBMENU) {
			const struct gb_entry *f = find_nested(e->children, e->nchildren, key, path, depth);
			if (f)
				return f;
		} else if ((e->id && !strcmp(e->id, key)) || (e->title && !strcmp(e->title, key))) {
			return e;
		}
		(*depth)--;
	}
	return NULL;
}

const struct gb_entry *gb_menu_search(const struct gb_menu *m, const char *spec, size_t *path,
				      size_t *depth)
{
	const struct gb_entry *e = gb_menu_find(m, spec, path, depth);
	if (e || !spec || !*spec || strchr(spec, '>'))
		return e;
	size_t p[GB_MENU_MAX_DEPTH], d = 0;
	if (!(e = find_nested(m->entries, m->nentries, spec, p, &d)))
		return NULL;
	if (path)
		memcpy(path, p, d * sizeof(*p));
	if (depth)
		*depth = d;
	return e;
}

const struct gb_entry *gb_menu_chosen(const struct gb_menu *m)
{
	if (!m->chosen_depth)
		return NULL;
	const struct gb_entry *list = m->entries, *e = NULL;
	for (size_t d = 0; d < m->chosen_depth; d++) {
		e = &list[m->chosen[d]];
		list = e->children;
	}
	return e;
}

/* ---- dump ------------------------------------------------------------- */

static void put_quoted(struct gb_sbuf *b, const char *s)
{
	gb_sbuf_addf(b, "\"");
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			gb_sbuf_addf(b, "\\%c", c);
		else if (c < 0x20 || c == 0x7f)
			gb_sbuf_addf(b, "\\x%02x", c);
		else
			gb_sbuf_addf(b, "%c", c);
	}
	gb_sbuf_addf(b, "\"");
}

static void put_path(struct gb_sbuf *b, const size_t *path, size_t depth)
{
	for (size_t i = 0; i < depth; i++)
		gb_sbuf_addf(b, i ? ">%zu" : "%zu", path[i]);
}

static void put_file(struct gb_sbuf *b, int indent, const char *what, const struct gb_boot_file *f)
{
	gb_sbuf_addf(b, "%*s%s %d:", indent, "", what, f->device);
	gb_sbuf_addf(b, "%s", f->path);
	if (f->length)
		gb_sbuf_addf(b, " %s@%llu+%llu", f->section ? f->section : "part",
			     (unsigned long long)f->offset, (unsigned long long)f->length);
	if (f->args) {
		gb_sbuf_addf(b, " ");
		put_quoted(b, f->args);
	}
	if (f->cpio_name) {
		static const char *const layout[] = { "none", "grub", "grub-nul", "stub", "stub+" };
		gb_sbuf_addf(b, " cpio=%s:", f->cpio >= 0 && f->cpio <= GB_CPIO_STUB_MORE ?
			     layout[f->cpio] : "?");
		put_quoted(b, f->cpio_name);
	}
	gb_sbuf_addf(b, "\n");
}

static const char *kind_name(enum gb_entry_kind k)
{
	switch (k) {
	case GB_ENTRY_LINUX: return "linux";
	case GB_ENTRY_MULTIBOOT: return "multiboot";
	case GB_ENTRY_CHAIN: return "chainloader";
	case GB_ENTRY_SUBMENU: return "submenu";
	case GB_ENTRY_EMPTY: return "empty";
	}
	return "?";
}

static void dump_entries(struct gb_sbuf *b, const struct gb_entry *list, size_t n,
			 size_t *path, size_t depth)
{
	int ind = 2 * (int)depth;
	for (size_t i = 0; i < n && depth < GB_MENU_MAX_DEPTH; i++) {
		const struct gb_entry *e = &list[i];
		path[depth] = i;
		gb_sbuf_addf(b, "%*s%s ", ind, "", e->kind == GB_ENTRY_SUBMENU ? "submenu" : "entry");
		put_path(b, path, depth + 1);
		gb_sbuf_addf(b, " ");
		put_quoted(b, e->title);
		if (e->id)
			gb_sbuf_addf(b, " id=%s", e->id);
		if (e->kind != GB_ENTRY_SUBMENU)
			gb_sbuf_addf(b, " kind=%s", kind_name(e->kind));
		gb_sbuf_addf(b, "\n");
		if (e->kernel.path)
			put_file(b, ind + 2, "kernel", &e->kernel);
		for (size_t k = 0; k < e->ninitrds; k++)
			put_file(b, ind + 2, "initrd", &e->initrds[k]);
		for (size_t k = 0; k < e->nmodules; k++)
			put_file(b, ind + 2, "module", &e->modules[k]);
		if (e->devicetree.path)
			put_file(b, ind + 2, "devicetree", &e->devicetree);
		if (e->kind != GB_ENTRY_SUBMENU && e->kind != GB_ENTRY_EMPTY) {
			gb_sbuf_addf(b, "%*sargs ", ind + 2, "");
			put_quoted(b, e->args ? e->args : "");
			gb_sbuf_addf(b, "\n");
		}
		dump_entries(b, e->children, e->nchildren, path, depth + 1);
	}
}

char *gb_menu_dump(const struct gb_menu *m)
{
	struct gb_sbuf b = { 0 };
	size_t path[GB_MENU_MAX_DEPTH];
	gb_sbuf_addf(&b, "config %s %d:%s\n", m->config_kind ? m->config_kind : "?",
	    m->config_device, m->config_path ? m->config_path : "?");
	gb_sbuf_addf(&b, "default ");
	if (m->chosen_depth)
		put_path(&b, m->chosen, m->chosen_depth);
	else
		gb_sbuf_addf(&b, "none");
	gb_sbuf_addf(&b, "\n");
	if (m->fallback_spec)
		gb_sbuf_addf(&b, "fallback %s\n", m->fallback_spec);
	if (m->timeout >= 0)
		gb_sbuf_addf(&b, "timeout %d\n", m->timeout);
	if (m->hidden)
		gb_sbuf_addf(&b, "hidden\n");
	if (m->semantics)
		gb_sbuf_addf(&b, "semantics %s%s%s\n", m->semantics, m->semantics_from ? " from " : "",
			     m->semantics_from ? m->semantics_from : "");
	dump_entries(&b, m->entries, m->nentries, path, 0);
	for (size_t i = 0; i < m->nwarnings; i++)
		gb_sbuf_addf(&b, "warning %s\n", m->warnings[i]);
	if (b.oom) {
		free(b.p);
		return NULL;
	}
	if (!b.p)
		return strdup("");
	return b.p;
}

/* ---- freeing ---------------------------------------------------------- */

static void free_files(struct gb_boot_file *f, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(f[i].path);
		free(f[i].args);
		free(f[i].cpio_name);
	}
	free(f);
}

void gb_entry_free(struct gb_entry *e)
{
	free(e->title);
	free(e->id);
	free(e->root);
	free(e->kernel.path);
	free(e->kernel.args);
	free(e->args);
	free(e->cmdline);
	free_files(e->initrds, e->ninitrds);
	free_files(e->modules, e->nmodules);
	free(e->devicetree.path);
	free(e->devicetree.args);
	free(e->zfs_bootfs);
	free(e->kernel_word);
	for (size_t i = 0; i < e->nchildren; i++)
		gb_entry_free(&e->children[i]);
	free(e->children);
}

void gb_menu_free(struct gb_menu *m)
{
	for (size_t i = 0; i < m->nentries; i++)
		gb_entry_free(&m->entries[i]);
	free(m->entries);
	free(m->default_spec);
	free(m->fallback_spec);
	free(m->one_shot);
	free(m->semantics);
	free(m->semantics_from);
	for (size_t i = 0; i < m->nsaves; i++) {
		free(m->saves[i].file);
		free(m->saves[i].grub_name);
		free(m->saves[i].name);
		free(m->saves[i].value);
	}
	free(m->saves);
	free(m->trace);
	free(m->config_kind);
	free(m->config_path);
	for (size_t i = 0; i < m->nwarnings; i++)
		free(m->warnings[i]);
	free(m->dev_volumes);
	memset(m, 0, sizeof(*m));
	m->timeout = -1;
}

/* ---- the public accessors ---------------------------------------------------- */

void gb_menu_close(struct gb_menu *m)
{
	if (m) {
		gb_menu_free(m);
		free(m);
	}
}

const struct gb_entry *gb_menu_entries(const struct gb_menu *m, size_t *n)
{
	*n = m->nentries;
	return m->entries;
}

const struct gb_entry *gb_menu_default(const struct gb_menu *m, const size_t **path,
				       size_t *depth)
{
	if (path)
		*path = m->chosen;
	if (depth)
		*depth = m->chosen_depth;
	return gb_menu_chosen(m);
}

int gb_menu_timeout(const struct gb_menu *m) { return m->timeout; }
bool gb_menu_hidden(const struct gb_menu *m) { return m->hidden; }
const char *gb_menu_kind(const struct gb_menu *m) { return m->config_kind; }
const char *gb_menu_path(const struct gb_menu *m) { return m->config_path; }

const char *gb_menu_semantics(const struct gb_menu *m, const char **from)
{
	if (from)
		*from = m->semantics_from;
	return m->semantics;
}

struct gb_volume *gb_menu_volume(const struct gb_menu *m)
{
	return m->config_device >= 0 && (size_t)m->config_device < m->ndev ?
	       m->dev_volumes[m->config_device] : NULL;
}

struct gb_volume *gb_menu_file_volume(const struct gb_menu *m, const struct gb_boot_file *f)
{
	if (f->device >= 0 && (size_t)f->device < m->ndev)
		return m->dev_volumes[f->device];
	/* An image that is one file system (a partition handed to the guest
	 * as a whole disk, or --offset) is what the guest's (hd0,0) means:
	 * PV-GRUB shows such a disk as (hd0) and configs keep saying (hd0,0). */
	if (m->ndev == 1 && gb_volume_info(m->dev_volumes[0])->number == 0)
		return m->dev_volumes[0];
	return NULL;
}

size_t gb_menu_warning_count(const struct gb_menu *m) { return m->nwarnings; }

const char *gb_menu_warning(const struct gb_menu *m, size_t i)
{
	return i < m->nwarnings ? m->warnings[i] : NULL;
}
