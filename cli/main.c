/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* guestboot command line: a thin layer over libguestboot. */
#include "cli.h"

#include <errno.h>
#include <json-c/json.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
	bool supervises; /* runs its own sandboxed child */
} commands[] = {
	{ "inspect", cmd_inspect, "show the volumes of an image and their file systems", false },
	{ "list", cmd_list, "show the guest's boot menu and the entry it boots", false },
	{ "extract", cmd_extract, "write the chosen kernel and initrd, print how to boot them", true },
	{ "menu", cmd_menu, "show the guest's boot menu, then extract the entry chosen", true },
	{ "pygrub", cmd_pygrub, "Xen's pygrub, drop-in (see 'guestboot pygrub --help')", true },
	{ "kexec", cmd_kexec, "find the boot configuration on disks and kexec into it", true },
	{ "doctor", cmd_doctor, "explain why the image would not boot on a target, with fixes", false },
	{ "ls", cmd_ls, "list a directory inside the image", false },
	{ "cat", cmd_cat, "write a file from inside the image to standard output", false },
};

static void usage(FILE *f)
{
	fprintf(f, "Usage: guestboot COMMAND [OPTIONS] IMAGE [ARGS]\n\n"
		   "Read a virtual machine's disk image and find what it boots.\n\n"
		   "Commands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-9s %s\n", commands[i].name, commands[i].summary);
	fprintf(f, "\nRun 'guestboot COMMAND --help' for a command's options.\n"
		   "Options before COMMAND: -h, --help; -V, --version;\n"
		   "  --no-sandbox      parse in this process, unconfined (debugging only)\n"
		   "  --timeout=SECS    the watchdog's limit for the sandboxed parser (default 120)\n");
}

static const char *image_format_arg(const char *opt, const char *arg)
{
	if (strcmp(arg, "raw") && strcmp(arg, "qcow2")) {
		cli_usage_error(NULL, "%s must be raw or qcow2", opt);
		exit(2);
	}
	return arg;
}

bool cli_image_opt(int c, const char *arg, struct cli_image_opts *o)
{
	char *end;
	switch (c) {
	case CLI_O_FORMAT:
		o->img.format = image_format_arg("--format", arg);
		return true;
	case CLI_O_BACKING:
		/* One level: the library takes one backing file. */
		if (o->img.backing) {
			cli_usage_error(NULL, "--backing given twice (one backing file is supported)");
			exit(2);
		}
		o->img.backing = arg;
		return true;
	case CLI_O_DISK:
		if (o->img.ndisks == GB_MAX_DISKS - 1) {
			cli_usage_error(NULL, "more than %d --disk options", GB_MAX_DISKS - 1);
			exit(2);
		}
		o->disks[o->img.ndisks++] = arg;
		o->img.disks = o->disks;
		return true;
	case CLI_O_BACKING_FORMAT:
		o->img.backing_format = image_format_arg("--backing-format", arg);
		return true;
	case CLI_O_PROBE_FORMATS:
		/* the names are checked where the image is opened */
		o->img.probe_formats = arg;
		return true;
	case 'O':
		errno = 0;
		o->img.offset = strtoull(arg, &end, 0);
		if (errno || *end || !*arg || arg[0] == '-') {
			cli_usage_error(NULL, "bad --offset '%s'", arg);
			exit(2);
		}
		return true;
	case 'S':
		o->img.sector_size = (uint32_t)strtoul(arg, &end, 10);
		if (*end || (o->img.sector_size != 512 && o->img.sector_size != 4096)) {
			cli_usage_error(NULL, "--sector-size must be 512 or 4096");
			exit(2);
		}
		return true;
	}
	return false;
}

bool cli_parse_size(const char *s, uint64_t *out)
{
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	unsigned shift = 0;
	if (errno || end == s || s[0] == '-')
		return false;
	switch (*end) {
	case 'K': case 'k': shift = 10; end++; break;
	case 'M': case 'm': shift = 20; end++; break;
	case 'G': case 'g': shift = 30; end++; break;
	}
	if (*end || (shift && v > (UINT64_MAX >> shift)))
		return false;
	*out = (uint64_t)v << shift;
	return true;
}

void cli_print_json(json_object *root)
{
	const char *s = json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY |
							 JSON_C_TO_STRING_SPACED |
							 JSON_C_TO_STRING_NOSLASHESCAPE);
	/* json-c passes bytes from 0x80 up as they are: C1 controls become
	 * \u00NN and bytes that are not UTF-8 U+FFFD, so that the document is
	 * valid UTF-8 and safe on a terminal. */
	const unsigned char *p = (const unsigned char *)s, *end = p + strlen(s);
	while (p < end) {
		uint32_t cp;
		size_t n = *p >= 0x80 ? gb_utf8_decode(p, (size_t)(end - p), &cp) : 1;
		if (*p < 0x80 || (n && cp >= 0xa0))
			fwrite(p, 1, n, stdout);
		else if (n)
			printf("\\u%04x", (unsigned)cp);
		else
			fputs("\\ufffd", stdout);
		p += n ? n : 1;
	}
	putchar('\n');
	json_object_put(root);
}

int cli_write_all(int fd, const void *data, size_t len)
{
	const char *p = data;
	while (len) {
		ssize_t n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int cli_fail(struct gb_ctx *ctx, int err)
{
	const char *msg = gb_ctx_message(ctx);
	fprintf(stderr, "guestboot: %s\n", *msg ? msg : gb_strerror(err));
	return gb_exit_code(err);
}

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;
	fputs("guestboot: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	if (cmd)
		fprintf(stderr, " (see 'guestboot %s --help')", cmd);
	fputc('\n', stderr);
	return 2;
}

int cli_open(struct gb_ctx *ctx, const char *path, const struct cli_image_opts *o,
	     struct gb_image **img)
{
	struct gb_image_options opt = o->img;
	opt.struct_size = sizeof opt;
	cli_sandbox_hook(ctx, &opt);
	return gb_image_open(ctx, path, &opt, img);
}

int cli_mount_spec(struct gb_ctx *ctx, struct gb_image *img, const char *cmd,
		   const char *spec, struct gb_fs **fs, const char **path)
{
	/* VOL:PATH, where PATH is absolute; "VOL:" alone is its root and a
	 * bare "/PATH" means the only volume with a file system. */
	char vol[256] = "";
	const char *sep = strstr(spec, ":/");
	size_t n = strlen(spec);
	if (!sep && n && spec[n - 1] == ':')
		sep = spec + n - 1;
	if (sep) {
		if ((size_t)(sep - spec) >= sizeof(vol))
			return cli_usage_error(cmd, "volume name too long in '%s'", spec);
		memcpy(vol, spec, (size_t)(sep - spec));
		vol[sep - spec] = '\0';
		*path = sep[1] ? sep + 1 : "/";
	} else if (spec[0] == '/') {
		*path = spec;
	} else {
		return cli_usage_error(cmd, "'%s' is not VOL:/PATH or /PATH", spec);
	}
	struct gb_volume *v;
	int r = gb_image_find_volume(ctx, img, vol, &v);
	if (!r)
		r = gb_volume_mount(ctx, v, fs);
	return r ? cli_fail(ctx, r) : 0;
}

struct call {
	const struct command *cmd;
	int argc;
	char **argv;
};

static int call_command(void *arg)
{
	struct call *c = arg;
	return c->cmd->run(c->argc, c->argv);
}

static int run_command(const struct command *cmd, int argc, char **argv)
{
	if (cmd->supervises)
		return cmd->run(argc, argv);
	struct call c = { cmd, argc, argv };
	return cli_supervise(argv[0], call_command, &c, NULL, 0, NULL);
}

/* Global options come before the command, so that a command's own argv
 * (pygrub's in particular) stays exactly what it was. */
static int global_options(int *argc, char ***argv)
{
	const char *env = getenv("GUESTBOOT_NO_SANDBOX");
	if (env && *env && strcmp(env, "0"))
		cli_sandbox.enabled = false;
	while (*argc > 1 && !strncmp((*argv)[1], "--", 2)) {
		const char *a = (*argv)[1];
		if (!strcmp(a, "--no-sandbox")) {
			cli_sandbox.enabled = false;
		} else if (!strncmp(a, "--timeout=", 10)) {
			char *end;
			long t = strtol(a + 10, &end, 10);
			if (*end || t <= 0 || t > 86400)
				return cli_usage_error(NULL, "bad --timeout '%s'", a + 10);
			cli_sandbox.timeout = (unsigned)t;
			cli_sandbox.lim.cpu_seconds = (uint64_t)t;
		} else {
			break;
		}
		(*argc)--;
		(*argv)++;
	}
	return 0;
}

static void print_warning(const char *msg)
{
	fprintf(stderr, "guestboot: warning: ");
	cli_put_safe(stderr, msg);
	fputc('\n', stderr);
}

int main(int argc, char **argv)
{
	gb_set_warning_handler(print_warning);
	/* Installed as "pygrub" (a symlink), guestboot is pygrub. */
	const char *base = strrchr(argv[0], '/');
	base = base ? base + 1 : argv[0];
	if (!strcmp(base, "pygrub"))
		return cmd_pygrub(argc, argv);
	/* strftime would open /etc/localtime later, inside the sandbox. */
	tzset();
	int r = global_options(&argc, &argv);
	if (r)
		return r;
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	const char *name = argv[1];
	if (!strcmp(name, "-h") || !strcmp(name, "--help") || !strcmp(name, "help")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(name, "-V") || !strcmp(name, "--version")) {
		printf("guestboot %s\n", GB_VERSION);
		return 0;
	}
	/* Not in the list: a diagnostic for the test suite (SECURITY.md). */
	if (!strcmp(name, "sandbox-test"))
		return cmd_sandbox_test(argc - 1, argv + 1);
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(name, commands[i].name))
			return run_command(&commands[i], argc - 1, argv + 1);
	return cli_usage_error(NULL, "unknown command '%s' (see 'guestboot --help')", name);
}
