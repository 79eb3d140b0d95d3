/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "cli.h"

#include <json-c/json.h>
#include <stdio.h>
#include <string.h>

static void inspect_help(void)
{
	printf("Usage: guestboot inspect [OPTIONS] IMAGE\n\n"
	       "Show the partition table, the volumes, and the file system on each\n"
	       "(type, UUID, label).\n\n"
	       "Options:\n"
	       "  --json             one JSON object (documented in guestboot(1))\n"
	       "  --kernels          instead: each menu entry's kernel (kind, machine,\n"
	       "                     format, arm64 page size, version, Xen PV/PVH\n"
	       "                     support) and its initrd's drivers\n"
	       "  --config VOL:PATH  with --kernels: run this configuration\n"
	       CLI_IMAGE_HELP
	       "  -h, --help         this text\n");
}

static json_object *jstr(const char *s)
{
	return s && *s ? json_object_new_string(s) : json_object_new_null();
}

static void print_json(struct gb_image *img, const char *path, const struct gb_image_options *io)
{
	json_object *root = json_object_new_object();
	json_object_object_add(root, "image", json_object_new_string(path));
	json_object_object_add(root, "format", json_object_new_string(gb_image_format(img)));
	json_object_object_add(root, "format_probed",
			       json_object_new_boolean(gb_image_format_probed(img)));
	json_object_object_add(root, "foreign_magic", jstr(gb_image_foreign_magic(img)));
	if (io->backing) {
		json_object *b = json_object_new_object();
		json_object_object_add(b, "path", json_object_new_string(io->backing));
		json_object_object_add(b, "format", json_object_new_string(io->backing_format));
		json_object_object_add(root, "backing", b);
	}
	json_object_object_add(root, "table", jstr(gb_image_table(img)));
	json_object *vols = json_object_new_array();
	for (size_t i = 0; i < gb_image_volume_count(img); i++) {
		const struct gb_volume_info *v = gb_volume_info(gb_image_volume(img, i));
		json_object *o = json_object_new_object();
		json_object_object_add(o, "number", json_object_new_int(v->number));
		json_object_object_add(o, "scheme", json_object_new_string(v->scheme));
		json_object_object_add(o, "start", json_object_new_int64((int64_t)v->start));
		json_object_object_add(o, "size", json_object_new_int64((int64_t)v->size));
		json_object_object_add(o, "type", jstr(v->type));
		json_object_object_add(o, "name", jstr(v->name));
		json_object_object_add(o, "partuuid", jstr(v->partuuid));
		json_object_object_add(o, "bootable", json_object_new_boolean(v->bootable));
		json_object_object_add(o, "logical", json_object_new_boolean(v->logical));
		json_object_object_add(o, "id", json_object_new_string(v->id));
		json_object_object_add(o, "parent", v->parent >= 0 ?
				       json_object_new_string(gb_volume_info(gb_image_volume(img, (size_t)v->parent))->id) :
				       json_object_new_null());
		json_object_object_add(o, "stack", json_object_new_string(v->stack));
		json_object_object_add(o, "container", jstr(v->container ? v->container_kind : NULL));
		json_object_object_add(o, "error", jstr(v->error));
		if (v->slice >= 0)
			json_object_object_add(o, "slice", json_object_new_int(v->slice));
		if (v->fstype[0]) {
			json_object *fs = json_object_new_object();
			json_object_object_add(fs, "type", json_object_new_string(v->fstype));
			json_object_object_add(fs, "uuid", jstr(v->fs_uuid));
			json_object_object_add(fs, "label", jstr(v->fs_label));
			json_object_object_add(o, "fs", fs);
		} else {
			json_object_object_add(o, "fs", json_object_new_null());
		}
		json_object_array_add(vols, o);
	}
	json_object_object_add(root, "volumes", vols);
	cli_print_json(root);
}

static void print_text(struct gb_image *img, const char *path, const struct gb_image_options *io)
{
	/* The whole stack on one line: image format, partition table (each
	 * volume's file system follows in the table). */
	const char *table = gb_image_table(img);
	printf("%s: %s image", path, gb_image_format(img));
	bool probed = gb_image_format_probed(img);
	if (io->backing)
		printf(" (%sbacking file %s, %s)", probed ? "probed; " : "", io->backing,
		       io->backing_format);
	else if (probed)
		printf(" (probed)");
	printf(", %s\n",
	       !*table ? "no partition table" :
	       !strcmp(table, "gpt") ? "GPT partition table" : "MBR partition table");
	const char *magic = gb_image_foreign_magic(img);
	if (magic)
		printf("note: read as raw, but the disk starts with a %s header "
		       "(a tool that probes the format would read it as %s)\n", magic, magic);
	/* The VOL column is as wide as the longest id ("lvm/vg0/root"); FSTYPE
	 * fits "squashfs3". */
	int w = 4;
	for (size_t i = 0; i < gb_image_volume_count(img); i++) {
		size_t n = strlen(gb_volume_info(gb_image_volume(img, i))->id);
		if (n > (size_t)w && n < 200)
			w = (int)n;
	}
	printf("%-*s %14s %14s  %-8s %-9s %-36s %s\n", w, "VOL", "START", "SIZE", "TYPE",
	       "FSTYPE", "UUID", "LABEL");
	for (size_t i = 0; i < gb_image_volume_count(img); i++) {
		const struct gb_volume_info *v = gb_volume_info(gb_image_volume(img, i));
		const char *type = v->type[0] ? v->type : "-";
		char shortype[16];
		/* GPT type GUIDs are long; the JSON output has them whole. */
		if (strlen(type) > 8) {
			snprintf(shortype, sizeof(shortype), "%.8s", type);
			type = shortype;
		}
		printf("%-*s %14llu %14llu  %-8s %-9s %-36s %s\n", w, v->id,
		       (unsigned long long)v->start, (unsigned long long)v->size, type,
		       v->fstype[0] ? v->fstype : "-", v->fs_uuid[0] ? v->fs_uuid : "-",
		       v->fs_label[0] ? v->fs_label : "-");
		/* Nested volumes and containers get a second line: the stack
		 * (partition > PV > LV) and what holds or stops them. */
		if (v->parent >= 0 || v->container || v->error[0])
			printf("     %s%s%s%s%s\n", v->stack, v->container ? ": " : "",
			       v->container ? v->container_kind : "", v->error[0] ? ": " : "",
			       v->error);
	}
}

/* ---- --kernels: what each entry's kernel and initrd can do ---- */

static void drivers_text(uint32_t bits, char *buf, size_t cap)
{
	size_t o = 0;
	buf[0] = '\0';
	for (uint32_t b = 1; b < (1u << GB_DRV_COUNT); b <<= 1)
		if ((bits & b) && o < cap)
			o += (size_t)snprintf(buf + o, cap - o, "%s%s", o ? "," : "", gb_driver_name(b));
}

static json_object *drivers_json(uint32_t bits)
{
	json_object *a = json_object_new_array();
	for (uint32_t b = 1; b < (1u << GB_DRV_COUNT); b <<= 1)
		if (bits & b)
			json_object_array_add(a, json_object_new_string(gb_driver_name(b)));
	return a;
}

static json_object *kernel_json(const struct gb_kernel_info *k)
{
	json_object *o = json_object_new_object();
	json_object_object_add(o, "kind", json_object_new_string(k->kind));
	json_object_object_add(o, "os", jstr(k->os));
	json_object_object_add(o, "version", jstr(k->version));
	json_object_object_add(o, "compression", jstr(k->compression));
	json_object_object_add(o, "xen_pv", json_object_new_boolean(k->xen_pv));
	json_object_object_add(o, "xen_pvh", json_object_new_boolean(k->xen_pvh));
	json_object_object_add(o, "xen_notes", jstr(k->xen_notes));
	json_object_object_add(o, "payload_read", json_object_new_boolean(k->payload_read));
	json_object_object_add(o, "note", jstr(k->note));
	json_object_object_add(o, "arch", jstr(k->arch));
	json_object_object_add(o, "format", jstr(k->format));
	json_object_object_add(o, "page_size", k->page_size ? json_object_new_int64(k->page_size) :
							       json_object_new_null());
	json_object_object_add(o, "big_endian", json_object_new_boolean(k->big_endian));
	return o;
}

static json_object *initrd_json(const struct gb_initrd_info *in)
{
	json_object *o = json_object_new_object();
	json_object_object_add(o, "segments", json_object_new_int64((int64_t)in->segments));
	json_object_object_add(o, "compression", jstr(in->compressions));
	json_object_object_add(o, "files", json_object_new_int64((int64_t)in->files));
	json_object_object_add(o, "kernel_version", jstr(in->kernel_version));
	json_object_object_add(o, "modules", drivers_json(in->modules));
	json_object_object_add(o, "builtin", drivers_json(in->builtin));
	json_object_object_add(o, "complete", json_object_new_boolean(in->complete));
	json_object_object_add(o, "note", jstr(in->note));
	return o;
}

static void entry_text(struct gb_ctx *ctx, const struct gb_menu *m, const struct gb_entry *e,
		       const char *label)
{
	printf("%-5s ", label);
	cli_put_safe(stdout, e->title ? e->title : "(untitled)");
	printf("\n      kernel ");
	cli_put_safe(stdout, e->kernel.path);
	struct gb_kernel_info k = GB_SIZED(struct gb_kernel_info);
	if (gb_entry_inspect_kernel(ctx, m, e, &k)) {
		printf(": ");
		cli_put_safe(stdout, gb_ctx_message(ctx));
		gb_ctx_clear(ctx);
	} else {
		printf(": %s%s%s, %s", k.kind, k.os[0] ? " " : "", k.os,
		       k.compression[0] ? k.compression : "-");
		if (k.arch[0] || k.format[0])
			printf(", %s%s%s", k.arch, k.arch[0] && k.format[0] ? " " : "", k.format);
		if (k.page_size)
			printf(", %uK pages", (unsigned)(k.page_size >> 10));
		if (k.big_endian)
			printf(", big-endian");
		printf(", version ");
		cli_put_safe(stdout, k.version[0] ? k.version : "unknown");
		/* Xen PV and PVH are x86 boot paths */
		if (strcmp(k.arch, "arm64"))
			printf(", Xen PV %s, PVH %s", k.xen_pv ? "yes" : "no", k.xen_pvh ? "yes" : "no");
		if (k.xen_notes[0]) {
			printf(", Xen notes ");
			cli_put_safe(stdout, k.xen_notes);
		}
		if (k.note[0]) {
			printf(" (");
			cli_put_safe(stdout, k.note);
			putchar(')');
		}
	}
	putchar('\n');
	if (!e->ninitrds)
		return;
	struct gb_initrd_info in = GB_SIZED(struct gb_initrd_info);
	printf("      initrd ");
	if (gb_entry_inspect_initrd(ctx, m, e, &in)) {
		cli_put_safe(stdout, gb_ctx_message(ctx));
		gb_ctx_clear(ctx);
	} else {
		char mods[200], bi[200];
		drivers_text(in.modules, mods, sizeof(mods));
		drivers_text(in.builtin, bi, sizeof(bi));
		printf("%s, %zu files, modules: %s, built in: %s", in.compressions, in.files,
		       mods[0] ? mods : "-", bi[0] ? bi : "-");
		if (in.note[0]) {
			printf(" (");
			cli_put_safe(stdout, in.note);
			putchar(')');
		}
	}
	putchar('\n');
}

static void entry_json(struct gb_ctx *ctx, const struct gb_menu *m, const struct gb_entry *e,
		       const char *label, json_object *arr)
{
	json_object *o = json_object_new_object();
	json_object_object_add(o, "path", json_object_new_string(label));
	json_object_object_add(o, "title", jstr(e->title));
	json_object_object_add(o, "kernel_path", json_object_new_string(e->kernel.path));
	struct gb_kernel_info k = GB_SIZED(struct gb_kernel_info);
	if (gb_entry_inspect_kernel(ctx, m, e, &k)) {
		json_object_object_add(o, "kernel", json_object_new_null());
		json_object_object_add(o, "error", json_object_new_string(gb_ctx_message(ctx)));
		gb_ctx_clear(ctx);
	} else {
		json_object_object_add(o, "kernel", kernel_json(&k));
	}
	struct gb_initrd_info in = GB_SIZED(struct gb_initrd_info);
	if (!e->ninitrds) {
		json_object_object_add(o, "initrd", json_object_new_null());
	} else if (gb_entry_inspect_initrd(ctx, m, e, &in)) {
		json_object_object_add(o, "initrd", json_object_new_null());
		json_object_object_add(o, "initrd_error", json_object_new_string(gb_ctx_message(ctx)));
		gb_ctx_clear(ctx);
	} else {
		json_object_object_add(o, "initrd", initrd_json(&in));
	}
	json_object_array_add(arr, o);
}

static void walk_entries(struct gb_ctx *ctx, const struct gb_menu *m, const struct gb_entry *list,
			 size_t n, const char *prefix, int depth, json_object *arr)
{
	for (size_t i = 0; i < n && depth < 8; i++) {
		const struct gb_entry *e = &list[i];
		char label[64];
		snprintf(label, sizeof(label), "%s%s%zu", prefix, *prefix ? ">" : "", i);
		if (e->kind == GB_ENTRY_SUBMENU)
			walk_entries(ctx, m, e->children, e->nchildren, label, depth + 1, arr);
		/* multiboot too: a hypervisor, or illumos's Xen PV unix */
		else if (e->kind != GB_ENTRY_LINUX && e->kind != GB_ENTRY_MULTIBOOT)
			continue;
		else if (e->kernel.path && arr)
			entry_json(ctx, m, e, label, arr);
		else if (e->kernel.path)
			entry_text(ctx, m, e, label);
	}
}

static int inspect_kernels(struct gb_ctx *ctx, struct gb_image *img, const struct gb_menu_options *mo,
			   bool json)
{
	struct gb_menu *m;
	int r = gb_menu_load(ctx, img, mo, &m);
	if (r)
		return cli_fail(ctx, r);
	size_t n;
	const struct gb_entry *list = gb_menu_entries(m, &n);
	if (json) {
		json_object *root = json_object_new_object();
		json_object *arr = json_object_new_array();
		walk_entries(ctx, m, list, n, "", 0, arr);
		json_object_object_add(root, "entries", arr);
		cli_print_json(root);
	} else {
		walk_entries(ctx, m, list, n, "", 0, NULL);
	}
	gb_menu_close(m);
	return fflush(stdout) ? 6 : 0;
}

int cmd_inspect(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "kernels", no_argument, NULL, 'K' },
		{ "config", required_argument, NULL, 'c' },
		{ "kind", required_argument, NULL, 'k' },
		CLI_IMAGE_LONGOPTS,
		{ 0 },
	};
	struct cli_image_opts o = { 0 };
	bool json = false, kernels = false;
	struct gb_menu_options mo = GB_SIZED(struct gb_menu_options);
	int c;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		if (cli_image_opt(c, optarg, &o))
			continue;
		if (c == 'j')
			json = true;
		else if (c == 'K')
			kernels = true;
		else if (c == 'c')
			mo.config = optarg;
		else if (c == 'k')
			mo.kind = optarg;
		else if (c == 'h') {
			inspect_help();
			return 0;
		} else
			return cli_usage_error("inspect", "bad option");
	}
	if (optind + 1 != argc)
		return cli_usage_error("inspect", "expected one IMAGE");

	struct gb_ctx *ctx = gb_ctx_new();
	struct gb_image *img = NULL;
	int r = cli_open(ctx, argv[optind], &o, &img);
	if (r) {
		r = cli_fail(ctx, r);
	} else if (kernels) {
		r = inspect_kernels(ctx, img, &mo, json);
	} else {
		if (json)
			print_json(img, argv[optind], &o.img);
		else
			print_text(img, argv[optind], &o.img);
		r = fflush(stdout) ? 6 : 0;
	}
	gb_image_close(img);
	gb_ctx_free(ctx);
	return r;
}
