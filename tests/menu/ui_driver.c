/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * menu-ui-driver: cli_menu_run on a menu built here, with the shapes no
 * config parser produces yet (nested submenus, an empty submenu, a long
 * submenu), for tests/integration/menu_tmux.sh.
 * Usage: menu-ui-driver TIMEOUT RESULT_FILE
 * Writes "rc=N path=P args=A" to RESULT_FILE when the menu returns.
 */
#define _GNU_SOURCE
#include "menu/menu.h"
#include "menu_ui.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct gb_entry *add(struct gb_ctx *ctx, struct gb_menu *m, struct gb_entry **list,
			    size_t *n, enum gb_entry_kind kind, const char *title, const char *args)
{
	struct gb_entry *e = gb_menu_add(ctx, m, list, n);
	if (!e)
		exit(2);
	e->kind = kind;
	e->title = strdup(title);
	e->args = strdup(args ? args : "");
	if (kind == GB_ENTRY_LINUX) {
		e->kernel.device = 0;
		e->kernel.path = strdup("/boot/vmlinuz");
	}
	return e;
}

/* Adding to a list may move it: fill a submenu only after its parent list
 * is complete, through the index. */
static void build(struct gb_ctx *ctx, struct gb_menu *m)
{
	add(ctx, m, &m->entries, &m->nentries, GB_ENTRY_LINUX, "Linux A", "a");
	add(ctx, m, &m->entries, &m->nentries, GB_ENTRY_SUBMENU, "Advanced options", NULL);
	add(ctx, m, &m->entries, &m->nentries, GB_ENTRY_SUBMENU, "Empty submenu", NULL);
	add(ctx, m, &m->entries, &m->nentries, GB_ENTRY_SUBMENU, "Many", NULL);
	struct gb_entry *adv = &m->entries[1], *many = &m->entries[3];
	add(ctx, m, &adv->children, &adv->nchildren, GB_ENTRY_LINUX, "Linux B (recovery)", "b");
	add(ctx, m, &adv->children, &adv->nchildren, GB_ENTRY_LINUX, "Linux C", "c");
	add(ctx, m, &adv->children, &adv->nchildren, GB_ENTRY_SUBMENU, "Deeper", NULL);
	struct gb_entry *deep = &adv->children[2];
	add(ctx, m, &deep->children, &deep->nchildren, GB_ENTRY_LINUX, "Linux D", "d");
	for (int i = 0; i < 40; i++) {
		char t[32], a[32];
		snprintf(t, sizeof(t), "Entry %d", i);
		snprintf(a, sizeof(a), "n=%d", i);
		add(ctx, m, &many->children, &many->nchildren, GB_ENTRY_LINUX, t, a);
	}
	m->default_spec = strdup("1>1");
	gb_menu_choose(m);
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: menu-ui-driver TIMEOUT RESULT_FILE\n");
		return 2;
	}
	struct gb_ctx *ctx = gb_ctx_new();
	struct gb_menu *m = calloc(1, sizeof(*m));
	if (!ctx || !m)
		return 2;
	m->timeout = atoi(argv[1]);
	build(ctx, m);
	const struct gb_entry *e;
	char *args;
	int r = cli_menu_run(m, stdin, stdout, &e, &args);
	size_t path[8], depth = 0;
	char label[64] = "-";
	if (!r && cli_menu_locate(m, e, path, &depth))
		for (size_t d = 0, n = 0; d < depth; d++)
			n += (size_t)snprintf(label + n, sizeof(label) - n, d ? ">%zu" : "%zu", path[d]);
	FILE *f = fopen(argv[2], "w");
	if (!f)
		return 2;
	fprintf(f, "rc=%d path=%s args=%s\n", r, label, r ? "-" : args);
	fclose(f);
	if (!r)
		free(args);
	gb_menu_free(m);
	free(m);
	gb_ctx_free(ctx);
	return r;
}
