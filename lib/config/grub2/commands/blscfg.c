/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The blscfg command of the GRUB the image holds (gb_grub2_probe_build):
 * GRUB 2.14's (commands/blsuki.c), none, or Fedora's, here. */
/* blscfg as Fedora/RHEL patch GRUB: BLS entries from $blsdir, else
 * /loader/entries, else /boot/loader/entries on $root, newest first by rpm
 * version order; each becomes a menuentry whose body is the script
 * blscfg would generate ("linux ($root)PATH OPTIONS", one initrd line with
 * $early_initrd first). `$var`s in options are expanded when blscfg runs;
 * with no options line, $default_kernelopts is used. */
#define _GNU_SOURCE
#include "config/grub2/grub2.h"
#include "config/cfgutil.h"

#include <stdio.h>
#include <stdlib.h>

static bool var_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_';
}

/* $name and ${name} from the environment; unset ones vanish. */
static void expand_into(struct gb_grub2 *g, struct gb_sbuf *b, const char *s)
{
	while (*s) {
		if (*s != '$') {
			const char *e = strchrnul(s, '$');
			gb_sbuf_add(b, s, (size_t)(e - s));
			s = e;
			continue;
		}
		bool braced = s[1] == '{';
		const char *name = s + 1 + braced, *e = name;
		while (var_char(*e))
			e++;
		if (e == name || (braced && *e != '}')) {
			gb_sbuf_add(b, "$", 1);
			s++;
			continue;
		}
		char *v = strndup(name, (size_t)(e - name));
		const char *val = v ? gb_grub2_env_get(g->env, v) : NULL;
		if (val)
			gb_sbuf_add(b, val, strlen(val));
		free(v);
		s = e + braced;
	}
}

static void add_path(struct gb_sbuf *b, const char *p)
{
	gb_sbuf_add(b, " ($root)", 8);
	if (p[0] != '/')
		gb_sbuf_add(b, "/", 1);
	gb_sbuf_add(b, p, strlen(p));
}

static void add_early_initrds(struct gb_grub2 *g, struct gb_sbuf *b, const char *linux)
{
	const char *list = gb_grub2_env_get(g->env, "early_initrd");
	if (!list)
		return;
	char *copy = strdup(list), *s = copy, *w;
	char *dir = gb_path_dir(linux[0] == '/' ? linux : "/");
	while (copy && dir && (w = gb_next_word(&s))) {
		char *p = gb_path_join(dir, w);
		if (p)
			add_path(b, p);
		free(p);
	}
	free(dir);
	free(copy);
}

static char *entry_body(struct gb_grub2 *g, const struct gb_bls_entry *e)
{
	struct gb_sbuf b = { 0 };
	const char *opts = e->options ? e->options : gb_grub2_env_get(g->env, "default_kernelopts");
	const char *head = "load_video\nset gfxpayload=keep\ninsmod gzio\nlinux";
	gb_sbuf_add(&b, head, strlen(head));
	add_path(&b, e->linux);
	if (opts) {
		gb_sbuf_add(&b, " ", 1);
		expand_into(g, &b, opts);
	}
	if (e->ninitrds || gb_grub2_env_get(g->env, "early_initrd")) {
		gb_sbuf_add(&b, "\ninitrd", 7);
		add_early_initrds(g, &b, e->linux);
		for (size_t i = 0; i < e->ninitrds; i++)
			add_path(&b, e->initrds[i]);
	}
	if (e->devicetree) {
		gb_sbuf_add(&b, "\ndevicetree", 11);
		add_path(&b, e->devicetree);
	}
	gb_sbuf_add(&b, "\n", 1);
	return gb_sbuf_take(&b);
}

static int scan(struct gb_grub2 *g, int dev, struct gb_bls_entry **ents, size_t *n)
{
	const char *blsdir = gb_grub2_env_get(g->env, "blsdir");
	const char *dirs[] = { blsdir, "/loader/entries", "/boot/loader/entries" };
	for (size_t i = blsdir ? 0 : 1; i < (blsdir ? 1u : 3u); i++) {
		enum gb_ftype type;
		if (!gb_grub2_cost(g, GB_GRUB2_COST_READ))
			return g->fatal;
		if (!gb_cfg_exists(g->devs, dev, dirs[i], &type) || type != GB_FT_DIR)
			continue;
		struct gb_ctx quiet = { 0 };
		if (gb_bls_scan(&quiet, g->devs, dev, dirs[i], g->menu, ents, n)) {
			gb_grub2_warn(g, "blscfg: %s", quiet.msg);
			return GB_GRUB2_ERR_FILE;
		}
		return 0;
	}
	gb_grub2_warn(g, "blscfg: no BLS entries directory on (%s)", gb_grub2_env_get(g->env, "root"));
	return GB_GRUB2_ERR_FILE;
}

static int add_entry(struct gb_grub2 *g, const struct gb_bls_entry *e)
{
	char *body = entry_body(g, e);
	if (!body)
		return gb_grub2_fatal(g, GB_E_NOMEM, "out of memory");
	char *title = e->title ? e->title : e->version ? e->version : e->id;
	/* the body is script text, run as a menuentry body would be */
	struct gb_grub2_node n = { .kind = GB_GRUB2_CMD, .line = g->line, .block = body,
				   .block_line = 1 };
	char *argv[] = { "menuentry", title, "--id", e->id, NULL };
	gb_grub2_cmd_fn menuentry = gb_grub2_builtin("menuentry");
	int r = menuentry(g, 4, argv, &n);
	free(body);
	return r;
}

static int fedora(struct gb_grub2 *g)
{
	const char *root = gb_grub2_env_get(g->env, "root");
	int dev = root ? gb_grub2_find_device(g->devs, root) : -1;
	if (dev < 0) {
		gb_grub2_warn(g, "blscfg: root device (%s) not found", root ? root : "");
		return GB_GRUB2_ERR_DEVICE;
	}
	struct gb_bls_entry *ents = NULL;
	size_t count = 0;
	int r = scan(g, dev, &ents, &count);
	if (r)
		return r;
	gb_bls_sort_grub(ents, count);
	g->blscfg_used = true;
	for (size_t i = 0; i < count && !r; i++) {
		if (!ents[i].linux) {
			gb_grub2_warn(g, "blscfg: %s has no linux line", ents[i].filename);
			continue;
		}
		r = add_entry(g, &ents[i]);
	}
	gb_bls_free(ents, count);
	return r;
}

/* What list says: which blscfg ran, and where that was read. */
static int record_semantics(struct gb_grub2 *g)
{
	const struct gb_grub2_build *b = &g->build;
	struct gb_menu *m = g->menu;
	if (m->semantics)
		return 0;
	const char *v = b->version[0] ? b->version : "(version unknown)";
	const char *sep = b->vendor[0] ? ", " : "";
	char text[160];
	switch (b->blscfg) {
	case GB_BLSCFG_UPSTREAM:
		snprintf(text, sizeof(text), "grub %s upstream blscfg%s%s%s", v, b->vendor[0] ? " (" : "",
			 b->vendor, b->vendor[0] ? ")" : "");
		break;
	case GB_BLSCFG_FEDORA:
		snprintf(text, sizeof(text), "fedora blscfg (grub %s%s%s)", v, sep, b->vendor);
		break;
	case GB_BLSCFG_NONE:
		snprintf(text, sizeof(text), "grub %s without blscfg", v);
		break;
	default:
		snprintf(text, sizeof(text), "fedora blscfg (assumed: no GRUB modules or core image found)");
		break;
	}
	m->semantics = strdup(text);
	m->semantics_from = b->source[0] ? strdup(b->source) : NULL;
	if (!m->semantics || (b->source[0] && !m->semantics_from))
		return gb_grub2_nomem(g);
	return 0;
}

int gb_grub2_cmd_blscfg(struct gb_grub2 *g, int argc, char **argv, const struct gb_grub2_node *n)
{
	(void)n;
	gb_grub2_probe_build(g);
	int r = record_semantics(g);
	if (r)
		return r;
	if (g->build.blscfg == GB_BLSCFG_NONE) {
		/* as GRUB: the command is not there */
		gb_grub2_warn(g, "can't find command `blscfg' (GRUB %s, %s, has none)",
			      g->build.version[0] ? g->build.version : "of unknown version",
			      g->build.source);
		return GB_GRUB2_ERR_UNKNOWN;
	}
	if (!g->items) {
		gb_grub2_warn(g, "blscfg inside a menu entry is ignored");
		return GB_GRUB2_ERR_ARG;
	}
	if (g->build.blscfg == GB_BLSCFG_UPSTREAM)
		return gb_grub2_blscfg_upstream(g, argc, argv);
	return fedora(g);
}
