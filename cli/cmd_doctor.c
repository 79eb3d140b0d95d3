/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* doctor: would the image boot on a target, and if not, why and how to
 * fix it. The checks live in the library (lib/payload/doctor.c); this is
 * their presentation. */
#include "cli.h"

#include <json-c/json.h>
#include <stdio.h>
#include <string.h>

static void doctor_help(void)
{
	printf("Usage: guestboot doctor [OPTIONS] IMAGE\n\n"
	       "Run the whole boot chain for a target and explain each problem in\n"
	       "plain words with its fix: the configuration's place, the default entry,\n"
	       "missing kernels and initrds, the kernel's machine and Xen PV/PVH support\n"
	       "(or the vmlinux or arm64 Image a VMM loads), the initrd's disk driver and\n"
	       "virtio transport, the console, root= and /etc/fstab devices, and grub.cfg\n"
	       "features Xen's stock pygrub misreads.\n\n"
	       "Options:\n"
	       "  --target T           xen-pv (default), xen-pvh, pvgrub-hd0, pvgrub-hd00,\n"
	       "                       kvm, firecracker, cloud-hypervisor, qemu-pvh,\n"
	       "                       firecracker-arm64, cloud-hypervisor-arm64, qemu-arm64\n"
	       "  --json               the findings as a JSON object\n"
	       "  --config VOL:PATH    run this configuration instead of searching\n"
	       "  --kind KIND          its parser: grub2, grub1, bls, syslinux, lilo\n"
	       "  --platform NAME      GRUB 2 $grub_platform: pc (default) or xen\n"
	       CLI_IMAGE_HELP
	       "  -h, --help           this text\n\n"
	       "Exit status: 0 when it would boot (warnings only), 1 with errors.\n");
}

static size_t count_errors(const struct gb_report *r)
{
	size_t n = 0;
	for (size_t i = 0; i < gb_report_count(r); i++)
		n += !strcmp(gb_report_finding(r, i)->severity, "error");
	return n;
}

static void print_text(const struct gb_report *r, const char *image, const char *target)
{
	printf("%s: target %s\n", image, target);
	for (size_t i = 0; i < gb_report_note_count(r); i++) {
		printf("  ");
		cli_put_safe(stdout, gb_report_note(r, i));
		putchar('\n');
	}
	for (size_t i = 0; i < gb_report_count(r); i++) {
		const struct gb_finding *f = gb_report_finding(r, i);
		printf("%s [%s]: ", f->severity, f->code);
		cli_put_safe(stdout, f->message);
		printf("\n  fix: ");
		cli_put_safe(stdout, f->fix);
		putchar('\n');
	}
	size_t errors = count_errors(r), warnings = gb_report_count(r) - errors;
	if (!gb_report_count(r))
		printf("no problems found: it would boot\n");
	else
		printf("%zu error%s, %zu warning%s: %s\n", errors, errors == 1 ? "" : "s", warnings,
		       warnings == 1 ? "" : "s", errors ? "it would not boot" : "it would boot");
}

static void print_json(const struct gb_report *r, const char *image, const char *target)
{
	json_object *root = json_object_new_object();
	json_object_object_add(root, "image", json_object_new_string(image));
	json_object_object_add(root, "target", json_object_new_string(target));
	json_object_object_add(root, "boots", json_object_new_boolean(!count_errors(r)));
	json_object *arr = json_object_new_array();
	for (size_t i = 0; i < gb_report_count(r); i++) {
		const struct gb_finding *f = gb_report_finding(r, i);
		json_object *o = json_object_new_object();
		json_object_object_add(o, "severity", json_object_new_string(f->severity));
		json_object_object_add(o, "code", json_object_new_string(f->code));
		json_object_object_add(o, "message", json_object_new_string(f->message));
		json_object_object_add(o, "fix", json_object_new_string(f->fix));
		json_object_array_add(arr, o);
	}
	json_object_object_add(root, "findings", arr);
	json_object *notes = json_object_new_array();
	for (size_t i = 0; i < gb_report_note_count(r); i++)
		json_object_array_add(notes, json_object_new_string(gb_report_note(r, i)));
	json_object_object_add(root, "checked", notes);
	cli_print_json(root);
}

int cmd_doctor(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "target", required_argument, NULL, 't' },
		{ "config", required_argument, NULL, 'c' },
		{ "kind", required_argument, NULL, 'k' },
		{ "platform", required_argument, NULL, 'P' },
		CLI_IMAGE_LONGOPTS,
		{ 0 },
	};
	struct cli_image_opts o = { 0 };
	struct gb_menu_options mo = GB_SIZED(struct gb_menu_options);
	struct gb_doctor_options d = { .struct_size = sizeof d, .target = GB_TARGET_XEN_PV,
				       .menu = &mo };
	const char *target = "xen-pv";
	bool json = false;
	int c;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		if (cli_image_opt(c, optarg, &o))
			continue;
		switch (c) {
		case 'j': json = true; break;
		case 't':
			target = optarg;
			if (gb_target_parse(optarg, &d.target))
				return cli_usage_error("doctor", "unknown --target '%s'", optarg);
			break;
		case 'c': mo.config = optarg; break;
		case 'k': mo.kind = optarg; break;
		case 'P': mo.grub_platform = optarg; break;
		case 'h': doctor_help(); return 0;
		default: return cli_usage_error("doctor", "bad option");
		}
	}
	if (optind + 1 != argc)
		return cli_usage_error("doctor", "expected one IMAGE");
	if (mo.config && (d.target == GB_TARGET_PVGRUB_HD0 || d.target == GB_TARGET_PVGRUB_HD00))
		return cli_usage_error("doctor", "--config and the pvgrub targets exclude each other");

	struct gb_ctx *ctx = gb_ctx_new();
	struct gb_image *img = NULL;
	struct gb_report *rep = NULL;
	int r = cli_open(ctx, argv[optind], &o, &img);
	if (!r)
		r = gb_doctor_run(ctx, img, &d, &rep);
	if (r) {
		r = cli_fail(ctx, r);
	} else {
		if (json)
			print_json(rep, argv[optind], target);
		else
			print_text(rep, argv[optind], target);
		r = fflush(stdout) ? 6 : count_errors(rep) ? 1 : 0;
	}
	gb_report_free(rep);
	gb_image_close(img);
	gb_ctx_free(ctx);
	return r;
}
