/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What `extract` prints for each hypervisor: JSON, shell assignments, QEMU
 * arguments, a Firecracker boot-source, Cloud Hypervisor arguments. Guest
 * strings are quoted for the target (JSON escaping, POSIX single quotes),
 * never pasted raw. */
#include "core/core.h"

#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>

/* POSIX shell single quoting: 'it'\''s'. Terminal controls (C0 but tab,
 * DEL) would reach the user's terminal when the output is shown, and
 * single quotes cannot escape them: with `escape` they are written as the
 * text \xNN (for the title, which is only shown), else refused. */
static int add_quoted(struct gb_ctx *ctx, struct gb_sbuf *t, const char *name, const char *s,
		      bool escape)
{
	gb_sbuf_adds(t, "'");
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '\'') {
			gb_sbuf_adds(t, "'\\''");
		} else if ((c < 0x20 && c != '\t') || c == 0x7f) {
			if (!escape)
				return gb_error(ctx, GB_E_USAGE,
						"the %s holds a control character (0x%02x), which shell "
						"quoting cannot show safely; use the json format",
						name, c);
			char esc[8];
			snprintf(esc, sizeof(esc), "\\x%02x", c);
			gb_sbuf_adds(t, esc);
		} else {
			gb_sbuf_add(t, s, 1);
		}
	}
	gb_sbuf_adds(t, "'");
	return 0;
}

static json_object *jstr(const char *s)
{
	return s ? json_object_new_string(s) : json_object_new_null();
}

static char *json_text(json_object *o)
{
	const char *s = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY |
							      JSON_C_TO_STRING_SPACED |
							      JSON_C_TO_STRING_NOSLASHESCAPE);
	char *r = s ? malloc(strlen(s) + 2) : NULL;
	if (r)
		sprintf(r, "%s\n", s);
	json_object_put(o);
	return r;
}

/* One line of a VMM's arguments: kernel, initrd (when there is one) and
 * command line after the VMM's own option names, each quoted. */
static int add_vmm_args(struct gb_ctx *ctx, struct gb_sbuf *t, const char *kopt, const char *iopt,
			const char *copt, const char *kernel, const char *initrd, const char *cmdline,
			const char *dtb)
{
	gb_sbuf_adds(t, kopt);
	gb_sbuf_adds(t, " ");
	int err = add_quoted(ctx, t, "kernel path", kernel, false);
	if (initrd && !err) {
		gb_sbuf_adds(t, " ");
		gb_sbuf_adds(t, iopt);
		gb_sbuf_adds(t, " ");
		err = add_quoted(ctx, t, "initrd path", initrd, false);
	}
	gb_sbuf_adds(t, " ");
	gb_sbuf_adds(t, copt);
	gb_sbuf_adds(t, " ");
	if (!err)
		err = add_quoted(ctx, t, "command line", cmdline, false);
	if (dtb && !err) {
		gb_sbuf_adds(t, " -dtb ");
		err = add_quoted(ctx, t, "devicetree path", dtb, false);
	}
	gb_sbuf_adds(t, "\n");
	return err;
}

int gb_format_boot(struct gb_ctx *ctx, const struct gb_boot_output *caller_b, char **out)
{
	struct gb_boot_output full, *b = &full;
	if (!caller_b)
		return gb_error(ctx, GB_E_USAGE, "no boot output");
	if (GB_ABI_IN(ctx, &full, caller_b))
		return gb_ctx_code(ctx);
	struct gb_sbuf t = { 0 };
	char *r = NULL;
	int err = 0;
	/* what the hypervisor boots: the vmlinux when one was written */
	const char *boot_kernel = b->vmlinux ? b->vmlinux : b->raw_image ? b->raw_image :
				  b->kernel ? b->kernel : "";
	/* qemu's -append and Firecracker's boot_args: what the kernel gets */
	const char *cmdline = b->cmdline ? b->cmdline : b->args ? b->args : "";
	switch (b->format) {
	case GB_OUT_JSON: {
		json_object *o = json_object_new_object();
		json_object_object_add(o, "kernel", jstr(b->kernel));
		json_object_object_add(o, "initrd", jstr(b->initrd));
		json_object_object_add(o, "args", jstr(b->args ? b->args : ""));
		json_object_object_add(o, "cmdline", jstr(cmdline));
		json_object *e = json_object_new_object();
		json_object_object_add(e, "path", jstr(b->entry_path));
		json_object_object_add(e, "title", jstr(b->title));
		json_object_object_add(e, "id", jstr(b->id));
		json_object_object_add(o, "entry", e);
		json_object_object_add(o, "volume", b->volume >= 0 ? json_object_new_int(b->volume)
						    : jstr(b->volume_id));
		json_object_object_add(o, "vmlinux", jstr(b->vmlinux));
		json_object_object_add(o, "image", jstr(b->raw_image));
		json_object_object_add(o, "dtb", jstr(b->devicetree));
		r = json_text(o);
		break;
	}
	case GB_OUT_FIRECRACKER: {
		json_object *o = json_object_new_object();
		json_object *bs = json_object_new_object();
		json_object_object_add(bs, "kernel_image_path", jstr(boot_kernel));
		if (b->initrd)
			json_object_object_add(bs, "initrd_path", jstr(b->initrd));
		json_object_object_add(bs, "boot_args", jstr(cmdline));
		json_object_object_add(o, "boot-source", bs);
		r = json_text(o);
		break;
	}
	case GB_OUT_SHELL: {
		const char *names[] = { "KERNEL", "INITRD", "ARGS", "ENTRY", "TITLE", "CMDLINE",
					"VMLINUX", "IMAGE", "DTB" };
		const char *what[] = { "kernel path", "initrd path", "command line", "entry path",
				       "title", "command line", "vmlinux path", "Image path",
				       "devicetree path" };
		const char *vals[] = { b->kernel, b->initrd, b->args, b->entry_path, b->title,
				       cmdline, b->vmlinux, b->raw_image, b->devicetree };
		for (size_t i = 0; i < 9 && !err; i++) {
			/* the last three only when there is such a file */
			if (i >= 6 && !vals[i])
				continue;
			gb_sbuf_adds(&t, names[i]);
			gb_sbuf_adds(&t, "=");
			err = add_quoted(ctx, &t, what[i], vals[i] ? vals[i] : "", i == 4);
			gb_sbuf_adds(&t, "\n");
		}
		r = t.p;
		break;
	}
	case GB_OUT_QEMU:
		err = add_vmm_args(ctx, &t, "-kernel", "-initrd", "-append", boot_kernel, b->initrd,
				   cmdline, b->devicetree);
		r = t.p;
		break;
	case GB_OUT_CLOUD_HYPERVISOR:
		/* Cloud Hypervisor makes its own devicetree: it takes none */
		err = add_vmm_args(ctx, &t, "--kernel", "--initramfs", "--cmdline", boot_kernel,
				   b->initrd, cmdline, NULL);
		r = t.p;
		break;
	default:
		return gb_error(ctx, GB_E_USAGE, "unknown output format");
	}
	if (err) {
		free(r);
		return err;
	}
	if (!r || t.oom) {
		free(r);
		return gb_error(ctx, GB_E_NOMEM, "out of memory");
	}
	*out = r;
	return 0;
}
