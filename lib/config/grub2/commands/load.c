/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Commands that define menu entries (menuentry, submenu) and those that
 * would load something (linux, initrd, multiboot, module, chainloader,
 * devicetree): here they record files and command lines into the entry
 * being evaluated. */
#define _GNU_SOURCE
#include "config/grub2/grub2.h"

#include <stdio.h>

#include <stdlib.h>

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

static int add_item(struct gb_grub2 *g, bool submenu, const char *id, const char *const *args,
		    int nargs, const char *body, size_t body_line)
{
	struct gb_grub2_items *it = g->items;
	if (it->n >= GB_GRUB2_MAX_ITEMS)
		return gb_grub2_fatal(g, GB_E_LIMIT, "%s:%zu: more than %d menu entries", g->file,
				      g->line, GB_GRUB2_MAX_ITEMS);
	struct gb_grub2_item *v = realloc(it->v, (it->n + 1) * sizeof(*v));
	if (!v)
		return gb_grub2_nomem(g);
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
	return ok ? 0 : gb_grub2_nomem(g);
}

int gb_grub2_add_entry(struct gb_grub2 *g, const char *id, const char *const *args, int nargs,
		       const char *body, size_t body_line)
{
	return add_item(g, false, id, args, nargs, body, body_line);
}

/* menuentry/submenu TITLE [ARGS...] [--class C] [--id ID] ... { body } */
int gb_grub2_cmd_menuentry(struct gb_grub2 *g, int argc, char **argv, const struct gb_grub2_node *n)
{
	const char *id = NULL, *source = NULL;
	char **pos = calloc((size_t)argc, sizeof(char *));
	int npos = 0;
	if (!pos)
		return gb_grub2_nomem(g);
	for (int i = 1; i < argc; i++) {
		static const char *const with_arg[] = { "class", "users", "hotkey", "source", "id" };
		bool m = false;
		const char *v = NULL;
		for (size_t k = 0; k < 5 && !m; k++) {
			/* GRUB's option parser (lib/arg.c) takes the next word as
			 * the value only when it does not start with '-' */
			bool next_ok = i + 1 < argc && argv[i + 1][0] != '-';
			v = gb_grub2_long_opt(argc, argv, &i, with_arg[k], next_ok, &m);
			if (m && !v) {
				free(pos);
				gb_grub2_warn(g, "%s: missing mandatory option for `%s'", argv[0],
					      with_arg[k]);
				return GB_GRUB2_ERR_ARG;
			}
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
			return gb_grub2_usage(g, argv[0], "unknown argument");
		}
		pos[npos++] = argv[i];
	}
	const char *body = n->block ? n->block : source;
	int r = 0;
	if (!npos)
		r = gb_grub2_usage(g, argv[0], "missing arguments");
	else if (!body)
		r = gb_grub2_usage(g, argv[0], "no menuentry definition");
	else if (n->block && source)
		r = gb_grub2_usage(g, argv[0], "multiple menuentry definitions");
	else if (!g->items) {
		gb_grub2_warn(g, "%s '%.60s' inside a menu entry is ignored", argv[0], pos[0]);
		r = GB_GRUB2_ERR_ARG;
	} else
		r = add_item(g, argv[0][0] == 's', id, (const char *const *)pos, npos, body,
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
		free((*f)[i].cpio_name);
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
		return gb_grub2_nomem(g);
	}
	/* GRUB's Linux loaders write "BOOT_IMAGE=" and then the kernel
	 * word as written, quoted like the arguments (loader/i386/linux.c) */
	char *image = kind == GB_ENTRY_LINUX ? loader_cmdline(argv + i, argc - i) : NULL;
	char *cmdline = NULL;
	if (image && asprintf(&cmdline, "BOOT_IMAGE=%s", image) < 0)
		cmdline = NULL;
	free(image);
	if (kind == GB_ENTRY_LINUX && !cmdline) {
		free(path);
		free(args);
		return gb_grub2_nomem(g);
	}
	free(e->kernel.path);
	free(e->args);
	free(e->cmdline);
	e->kernel.device = dev;
	e->kernel.path = path;
	e->args = args;
	e->cmdline = cmdline;
	e->kind = kind;
	clear_files(&e->initrds, &e->ninitrds);
	clear_files(&e->modules, &e->nmodules);
	return 0;
}

int gb_grub2_cmd_linux(struct gb_grub2 *g, int argc, char **argv, const struct gb_grub2_node *n)
{
	(void)n;
	struct gb_entry *e = target(g, argv[0]);
	if (!e)
		return GB_GRUB2_ERR_ARG;
	int i = first_file(argc, argv);
	if (i >= argc)
		return gb_grub2_usage(g, argv[0], "filename expected");
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

/* The layout GRUB gives newc: initrds: GRUB 2.12 counts the NUL in name
 * sizes (loader/linux.c, "Ensure the newc pathname is NULL-terminated"),
 * 2.06 and the distributions' 2.06 builds do not. The image's GRUB
 * (gb_grub2_probe_build) decides; when it is not known, 2.06's, which the
 * interpreter follows. */
static int newc_layout(struct gb_grub2 *g)
{
	gb_grub2_probe_build(g);
	return gb_grub2_version_at_least(g->build.version, 2, 12) ? GB_CPIO_GRUB_NUL : GB_CPIO_GRUB;
}

/* initrd: needs a loaded kernel; a new initrd command replaces the list.
 * "newc:NAME:PATH" puts PATH into the ramdisk as the cpio member NAME
 * (grub_initrd_init: NAME loses its leading slashes and ends at the first
 * ':' after them; without that ':' the whole word is a file name). */
int gb_grub2_cmd_initrd(struct gb_grub2 *g, int argc, char **argv, const struct gb_grub2_node *n)
{
	(void)n;
	struct gb_entry *e = target(g, argv[0]);
	if (!e)
		return GB_GRUB2_ERR_ARG;
	if (e->kind != GB_ENTRY_LINUX)
		return gb_grub2_usage(g, argv[0], "you need to load the kernel first");
	int i = first_file(argc, argv);
	if (i >= argc)
		return gb_grub2_usage(g, argv[0], "filename expected");
	clear_files(&e->initrds, &e->ninitrds);
	for (; i < argc; i++) {
		const char *file = argv[i], *name = NULL, *colon = NULL;
		if (!strncmp(file, "newc:", 5)) {
			name = file + 5;
			while (*name == '/')
				name++;
			if ((colon = strchr(name, ':')))
				file = colon + 1;
		}
		char *word = (char *)file;
		int r = add_files(g, &e->initrds, &e->ninitrds, &word, 1, NULL);
		if (r)
			return r;
		if (!colon)
			continue;
		struct gb_boot_file *f = &e->initrds[e->ninitrds - 1];
		if (!(f->cpio_name = strndup(name, (size_t)(colon - name))))
			return gb_grub2_nomem(g);
		f->cpio = newc_layout(g);
	}
	return 0;
}

int gb_grub2_cmd_module(struct gb_grub2 *g, int argc, char **argv, const struct gb_grub2_node *n)
{
	(void)n;
	struct gb_entry *e = target(g, argv[0]);
	if (!e)
		return GB_GRUB2_ERR_ARG;
	if (e->kind != GB_ENTRY_MULTIBOOT)
		return gb_grub2_usage(g, argv[0], "you need to load the multiboot kernel first");
	int i = first_file(argc, argv);
	if (i >= argc)
		return gb_grub2_usage(g, argv[0], "filename expected");
	char *args = loader_cmdline(argv + i + 1, argc - i - 1);
	if (!args)
		return gb_grub2_nomem(g);
	int r = add_files(g, &e->modules, &e->nmodules, argv + i, 1, args);
	free(args);
	return r;
}

int gb_grub2_cmd_devicetree(struct gb_grub2 *g, int argc, char **argv, const struct gb_grub2_node *n)
{
	(void)n;
	struct gb_entry *e = target(g, argv[0]);
	if (!e)
		return GB_GRUB2_ERR_ARG;
	if (argc < 2)
		return gb_grub2_usage(g, argv[0], "filename expected");
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
