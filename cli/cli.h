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

int cmd_inspect(int argc, char **argv);
int cmd_list(int argc, char **argv);
int cmd_pygrub(int argc, char **argv);
int cmd_extract(int argc, char **argv);
int cmd_ls(int argc, char **argv);
int cmd_cat(int argc, char **argv);

#endif
