/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef GB_CLI_H
#define GB_CLI_H

#include "guestboot.h"

#include <getopt.h>
#include <stdbool.h>

/* Options every subcommand that opens an image takes. */
struct cli_image_opts {
	struct gb_image_options img;
};

#define CLI_IMAGE_LONGOPTS \
	{ "offset", required_argument, NULL, 'O' }, \
	{ "sector-size", required_argument, NULL, 'S' }, \
	{ "help", no_argument, NULL, 'h' }

/* Handle an image option (returns true when c was one). */
bool cli_image_opt(int c, const char *arg, struct cli_image_opts *o);

/* Print "guestboot: <message>" and return the exit status for err. */
int cli_fail(struct gb_ctx *ctx, int err);
/* Usage error: message, hint, exit status 2. */
int cli_usage_error(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

int cli_open(struct gb_ctx *ctx, const char *path, const struct cli_image_opts *o,
	     struct gb_image **img);
/* Split "VOL:PATH" and mount VOL; *path points into spec. Returns 0 or the
 * exit status, after printing the error. */
int cli_mount_spec(struct gb_ctx *ctx, struct gb_image *img, const char *cmd,
		   const char *spec, struct gb_fs **fs, const char **path);

/* ---- privilege separation (sandbox.c) ---- */
struct cli_sandbox {
	bool enabled;        /* --no-sandbox (debugging only) turns it off */
	unsigned timeout;    /* watchdog, seconds */
	struct gb_sandbox_limits lim;
	long runas;          /* pygrub --runas: drop to this uid too */
};
extern struct cli_sandbox cli_sandbox;

/* Run fn(arg) in a sandboxed child and return its exit status, or report
 * how it died. Up to cap bytes that the child sends with cli_result_send
 * land in result (*len). Without the sandbox, fn runs in this process. */
int cli_supervise(const char *what, int (*fn)(void *arg), void *arg,
		  char *result, size_t cap, size_t *len);
int cli_result_send(const void *data, size_t len);
/* A result as n NUL-terminated strings; parse checks there are exactly n. */
#define GB_RESULT_MAX 65536
int cli_result_fields(const char *const *fields, size_t n);
int cli_result_parse(const char *buf, size_t len, const char **fields, size_t n);
/* Make an image open enter the sandbox before parsing (in the child). */
void cli_sandbox_hook(struct gb_ctx *ctx, struct gb_image_options *opt);

int cmd_inspect(int argc, char **argv);
int cmd_list(int argc, char **argv);
int cmd_pygrub(int argc, char **argv);
int cmd_extract(int argc, char **argv);
int cmd_sandbox_test(int argc, char **argv);
int cmd_ls(int argc, char **argv);
int cmd_cat(int argc, char **argv);

#endif
