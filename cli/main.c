/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* guestboot command line: a thin layer over libguestboot. This file
 * dispatches to the commands (cmd_*.c); their shared helpers are in
 * common.c. */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

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
