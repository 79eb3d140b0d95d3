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
	puts(json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY |
						  JSON_C_TO_STRING_SPACED |
						  JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(root);
}

static void print_text(struct gb_image *img, const char *path, const struct gb_image_options *io)
{
	/* The whole stack on one line: image format, partition table (each
	 * volume's file system follows in the table). */
	const char *table = gb_image_table(img);
	printf("%s: %s image", path, gb_image_format(img));
	if (io->backing)
		printf(" (backing file %s, %s)", io->backing, io->backing_format);
	printf(", %s\n",
	       !*table ? "no partition table" :
	       !strcmp(table, "gpt") ? "GPT partition table" : "MBR partition table");
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

int cmd_inspect(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		CLI_IMAGE_LONGOPTS,
		{ 0 },
	};
	struct cli_image_opts o = { 0 };
	bool json = false;
	int c;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		if (cli_image_opt(c, optarg, &o))
			continue;
		if (c == 'j')
			json = true;
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
