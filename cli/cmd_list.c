/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* list: the guest's boot menu as its bootloader would show it. */
#include "cli.h"

#include <json-c/json.h>
#include <stdio.h>
#include <string.h>

static void list_help(void)
{
	printf("Usage: guestboot list [OPTIONS] IMAGE\n\n"
	       "Find the guest's boot configuration, run it as its bootloader would,\n"
	       "and print the menu: submenus nested, the default entry marked '*',\n"
	       "each entry's kernel, initrds and command line with the volume they\n"
	       "come from.\n\n"
	       "Options:\n"
	       "  --json               one JSON object (documented in guestboot(1))\n"
	       "  --config VOL:PATH    run this configuration instead of searching\n"
	       "  --kind KIND          its parser: grub2, grub1, bls, syslinux, lilo\n"
	       "  --pvgrub MODE        search as EC2 PV-GRUB does: hd0, hd00 (1.03 and\n"
	       "                       earlier) or 1.04 (menu.lst only)\n"
	       "  --platform NAME      GRUB 2 $grub_platform: pc (default) or xen\n"
	       "  --trace              first print what the bootloader prints while it\n"
	       "                       reads the config: GRUB's echo output and its\n"
	       "                       error messages (\"error: ...\"); with --json, as \"trace\"\n"
	       CLI_IMAGE_HELP
	       "  -h, --help           this text\n");
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

static void put_file(const struct gb_menu *m, const char *what, const struct gb_boot_file *f,
		     int indent)
{
	struct gb_volume *v = gb_menu_file_volume(m, f);
	printf("%*s%-7s ", indent, "", what);
	/* The VOL spec: a partition number, or "lvm/vg0/root", "md/0". */
	printf("%s:", v ? gb_volume_info(v)->id : "?");
	cli_put_safe(stdout, f->path);
	/* a UKI's section; a file the bootloader puts into a cpio archive */
	if (f->length && f->section)
		printf("#%s", f->section);
	if (f->cpio_name) {
		printf(" as /");
		cli_put_safe(stdout, f->cpio_name);
	}
	if (f->args && *f->args) {
		putchar(' ');
		cli_put_safe(stdout, f->args);
	}
	putchar('\n');
}

static void print_entries(const struct gb_menu *m, const struct gb_entry *list, size_t n,
			  size_t *path, size_t depth, const size_t *chosen, size_t chosen_depth)
{
	for (size_t i = 0; i < n && depth < 8; i++) {
		const struct gb_entry *e = &list[i];
		path[depth] = i;
		bool on_default = depth < chosen_depth;
		for (size_t d = 0; d <= depth && on_default; d++)
			on_default = path[d] == chosen[d];
		bool is_default = on_default && depth + 1 == chosen_depth;
		char label[64] = "";
		size_t o = 0;
		for (size_t d = 0; d <= depth; d++)
			o += (size_t)snprintf(label + o, sizeof(label) - o, d ? ">%zu" : "%zu", path[d]);
		int ind = 2 * (int)depth;
		printf("%*s%c %-5s ", ind, "", is_default ? '*' : on_default ? '>' : ' ', label);
		cli_put_safe(stdout, e->title ? e->title : "(untitled)");
		if (e->kind == GB_ENTRY_SUBMENU)
			printf("  [submenu]");
		else if (e->kind != GB_ENTRY_LINUX)
			printf("  [%s]", kind_name(e->kind));
		putchar('\n');
		if (e->kernel.path)
			put_file(m, e->kind == GB_ENTRY_MULTIBOOT ? "hyper" : "kernel", &e->kernel, ind + 8);
		for (size_t k = 0; k < e->nmodules; k++)
			put_file(m, "module", &e->modules[k], ind + 8);
		for (size_t k = 0; k < e->ninitrds; k++)
			put_file(m, "initrd", &e->initrds[k], ind + 8);
		if (e->devicetree.path)
			put_file(m, "dtb", &e->devicetree, ind + 8);
		if (e->kernel.path) {
			printf("%*s%-7s ", ind + 8, "", "args");
			cli_put_safe(stdout, e->args);
			putchar('\n');
		}
		print_entries(m, e->children, e->nchildren, path, depth + 1, chosen, chosen_depth);
	}
}

static void print_text(const struct gb_menu *m)
{
	struct gb_volume *cv = gb_menu_volume(m);
	printf("config: %s %s:%s\n", gb_menu_kind(m), cv ? gb_volume_info(cv)->id : "-1",
	       gb_menu_path(m));
	const char *from, *sem = gb_menu_semantics(m, &from);
	if (sem) {
		/* guest text: the file name comes from the guest's config */
		printf("semantics: ");
		cli_put_safe(stdout, sem);
		if (from) {
			printf(" (from ");
			cli_put_safe(stdout, from);
			putchar(')');
		}
		putchar('\n');
	}
	if (gb_menu_timeout(m) >= 0)
		printf("timeout: %d%s\n", gb_menu_timeout(m), gb_menu_hidden(m) ? " (hidden)" : "");
	size_t n, depth, path[8];
	const size_t *chosen;
	const struct gb_entry *list = gb_menu_entries(m, &n);
	gb_menu_default(m, &chosen, &depth);
	print_entries(m, list, n, path, 0, chosen, depth);
	if (!n)
		printf("(no entries)\n");
	for (size_t i = 0; i < gb_menu_warning_count(m); i++) {
		printf("warning: ");
		cli_put_safe(stdout, gb_menu_warning(m, i));
		putchar('\n');
	}
}

static json_object *jstr(const char *s)
{
	return s ? json_object_new_string(s) : json_object_new_null();
}

/* A partition as its number; an LV or array, which has none, by its VOL
 * name ("lvm/vg0/root"); null when the file's device is unknown. */
static json_object *jvol_of(const struct gb_volume *v)
{
	if (!v)
		return json_object_new_null();
	const struct gb_volume_info *i = gb_volume_info(v);
	return i->number >= 0 ? json_object_new_int(i->number) : json_object_new_string(i->id);
}

static json_object *jvol(const struct gb_menu *m, const struct gb_boot_file *f)
{
	return jvol_of(gb_menu_file_volume(m, f));
}


/* A boot file in full: {path, volume, section, cpio}: section is a UKI's
 * (".initrd") or null, cpio the member name the bootloader gives it in a
 * cpio archive it writes (GRUB's newc:NAME:PATH, systemd-stub's /.extra
 * files) or null. */
static json_object *jfile(const struct gb_menu *m, const struct gb_boot_file *f)
{
	json_object *o = json_object_new_object();
	json_object_object_add(o, "path", jstr(f->path));
	json_object_object_add(o, "volume", jvol(m, f));
	json_object_object_add(o, "section", jstr(f->length ? f->section : NULL));
	json_object_object_add(o, "cpio", jstr(f->cpio_name));
	return o;
}

static json_object *entries_json(const struct gb_menu *m, const struct gb_entry *list, size_t n,
				 size_t *path, size_t depth)
{
	json_object *arr = json_object_new_array();
	for (size_t i = 0; i < n && depth < 8; i++) {
		const struct gb_entry *e = &list[i];
		path[depth] = i;
		char label[64] = "";
		size_t o = 0;
		for (size_t d = 0; d <= depth; d++)
			o += (size_t)snprintf(label + o, sizeof(label) - o, d ? ">%zu" : "%zu", path[d]);
		json_object *o_ = json_object_new_object();
		json_object_object_add(o_, "path", json_object_new_string(label));
		json_object_object_add(o_, "title", jstr(e->title));
		json_object_object_add(o_, "id", jstr(e->id));
		json_object_object_add(o_, "kind", json_object_new_string(kind_name(e->kind)));
		json_object_object_add(o_, "kernel", jstr(e->kernel.path));
		json_object_object_add(o_, "volume", e->kernel.path ? jvol(m, &e->kernel) : json_object_new_null());
		json_object *initrds = json_object_new_array();
		json_object *ivols = json_object_new_array();
		json_object *parts = json_object_new_array();
		for (size_t k = 0; k < e->ninitrds; k++) {
			json_object_array_add(initrds, json_object_new_string(e->initrds[k].path));
			json_object_array_add(ivols, jvol(m, &e->initrds[k]));
			json_object_array_add(parts, jfile(m, &e->initrds[k]));
		}
		json_object_object_add(o_, "initrd", initrds);
		json_object_object_add(o_, "initrd_volumes", ivols);
		json_object_object_add(o_, "initrd_parts", parts);
		json_object_object_add(o_, "devicetree", jstr(e->devicetree.path));
		json_object_object_add(o_, "devicetree_volume",
				       e->devicetree.path ? jvol(m, &e->devicetree) : json_object_new_null());
		json_object_object_add(o_, "devicetree_section",
				       jstr(e->devicetree.length ? e->devicetree.section : NULL));
		json_object_object_add(o_, "args", e->kernel.path ? jstr(e->args ? e->args : "") : json_object_new_null());
		json_object_object_add(o_, "cmdline", !e->kernel.path ? json_object_new_null()
						      : jstr(e->cmdline ? e->cmdline : e->args ? e->args : ""));
		json_object *mods = json_object_new_array();
		for (size_t k = 0; k < e->nmodules; k++) {
			json_object *mo = json_object_new_object();
			json_object_object_add(mo, "path", json_object_new_string(e->modules[k].path));
			json_object_object_add(mo, "volume", jvol(m, &e->modules[k]));
			json_object_object_add(mo, "args", jstr(e->modules[k].args ? e->modules[k].args : ""));
			json_object_array_add(mods, mo);
		}
		json_object_object_add(o_, "modules", mods);
		json_object_object_add(o_, "children",
				       entries_json(m, e->children, e->nchildren, path, depth + 1));
		json_object_array_add(arr, o_);
	}
	return arr;
}

static void print_json(const struct gb_menu *m, bool trace)
{
	json_object *root = json_object_new_object();
	json_object *cfg = json_object_new_object();
	struct gb_volume *cv = gb_menu_volume(m);
	json_object_object_add(cfg, "kind", json_object_new_string(gb_menu_kind(m)));
	json_object_object_add(cfg, "volume", jvol_of(cv));
	json_object_object_add(cfg, "path", json_object_new_string(gb_menu_path(m)));
	const char *from, *sem = gb_menu_semantics(m, &from);
	json_object_object_add(cfg, "semantics", jstr(sem));
	json_object_object_add(cfg, "semantics_from", jstr(from));
	json_object_object_add(root, "config", cfg);
	size_t n, depth, path[8];
	const size_t *chosen;
	const struct gb_entry *list = gb_menu_entries(m, &n);
	gb_menu_default(m, &chosen, &depth);
	if (depth) {
		char label[64] = "";
		size_t o = 0;
		for (size_t d = 0; d < depth; d++)
			o += (size_t)snprintf(label + o, sizeof(label) - o, d ? ">%zu" : "%zu", chosen[d]);
		json_object_object_add(root, "default", json_object_new_string(label));
	} else {
		json_object_object_add(root, "default", json_object_new_null());
	}
	json_object_object_add(root, "timeout", gb_menu_timeout(m) >= 0 ?
				json_object_new_int(gb_menu_timeout(m)) : json_object_new_null());
	json_object_object_add(root, "hidden", json_object_new_boolean(gb_menu_hidden(m)));
	json_object_object_add(root, "entries", entries_json(m, list, n, path, 0));
	json_object *w = json_object_new_array();
	for (size_t i = 0; i < gb_menu_warning_count(m); i++)
		json_object_array_add(w, json_object_new_string(gb_menu_warning(m, i)));
	json_object_object_add(root, "warnings", w);
	if (trace)
		json_object_object_add(root, "trace", json_object_new_string(gb_menu_trace(m)));
	cli_print_json(root);
}

/* The trace line by line, each made safe for a terminal. */
static void print_trace(const char *t)
{
	while (*t) {
		size_t n = strcspn(t, "\n");
		char *line = strndup(t, n);
		if (line)
			cli_put_safe(stdout, line);
		free(line);
		fputc('\n', stdout);
		t += n + (t[n] == '\n');
	}
}

int cmd_list(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "config", required_argument, NULL, 'c' },
		{ "kind", required_argument, NULL, 'k' },
		{ "pvgrub", required_argument, NULL, 'p' },
		{ "platform", required_argument, NULL, 'P' },
		{ "trace", no_argument, NULL, 't' },
		CLI_IMAGE_LONGOPTS,
		{ 0 },
	};
	struct cli_image_opts o = { 0 };
	struct gb_menu_options mo = GB_SIZED(struct gb_menu_options);
	bool json = false;
	int c;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		if (cli_image_opt(c, optarg, &o))
			continue;
		switch (c) {
		case 'j': json = true; break;
		case 'c': mo.config = optarg; break;
		case 'k': mo.kind = optarg; break;
		case 'p': mo.pvgrub = optarg; break;
		case 'P': mo.grub_platform = optarg; break;
		case 't': mo.trace = true; break;
		case 'h': list_help(); return 0;
		default: return cli_usage_error("list", "bad option");
		}
	}
	if (optind + 1 != argc)
		return cli_usage_error("list", "expected one IMAGE");
	if (mo.config && mo.pvgrub)
		return cli_usage_error("list", "--config and --pvgrub exclude each other");

	struct gb_ctx *ctx = gb_ctx_new();
	struct gb_image *img = NULL;
	struct gb_menu *menu = NULL;
	int r = cli_open(ctx, argv[optind], &o, &img);
	if (!r)
		r = gb_menu_load(ctx, img, &mo, &menu);
	if (r) {
		r = cli_fail(ctx, r);
	} else {
		if (json) {
			print_json(menu, mo.trace);
		} else {
			if (mo.trace)
				print_trace(gb_menu_trace(menu));
			print_text(menu);
		}
		r = fflush(stdout) ? 6 : 0;
	}
	gb_menu_close(menu);
	gb_image_close(img);
	gb_ctx_free(ctx);
	return r;
}
