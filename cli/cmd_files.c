/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* ls and cat: look inside the image's file systems. */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static void files_help(const char *cmd)
{
	if (!strcmp(cmd, "ls"))
		printf("Usage: guestboot ls [OPTIONS] IMAGE [VOL:]PATH\n\n"
		       "List a directory inside the image, one name per line, sorted.\n\n"
		       "  -l, --long         type and mode, size, modification time, name\n"
		       "                     (and the target of a symbolic link)\n");
	else
		printf("Usage: guestboot cat [OPTIONS] IMAGE [VOL:]PATH\n\n"
		       "Write a file from inside the image to standard output.\n\n");
	printf("VOL is a partition number as Linux numbers it (1-4 primary, 5+ logical),\n"
	       "0 for a file system on the whole disk, UUID=..., LABEL=... or PARTUUID=...;\n"
	       "without VOL, the only volume that holds a file system.\n"
	       "Symbolic links are followed inside the guest's file system only.\n\n"
	       CLI_IMAGE_HELP
	       "  -h, --help         this text\n");
}

struct listing {
	struct {
		char *name;
		enum gb_ftype type;
	} *e;
	size_t n, cap;
	bool oom;
};

static int collect(void *arg, const struct gb_dirent *de)
{
	struct listing *l = arg;
	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 64;
		void *p = realloc(l->e, cap * sizeof(*l->e));
		if (!p) {
			l->oom = true;
			return 1;
		}
		l->e = p;
		l->cap = cap;
	}
	if (!(l->e[l->n].name = strdup(de->name))) {
		l->oom = true;
		return 1;
	}
	l->e[l->n++].type = de->type;
	return 0;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static char type_char(enum gb_ftype t)
{
	return t == GB_FT_DIR ? 'd' : t == GB_FT_LNK ? 'l' : t == GB_FT_REG ? '-' : '?';
}

static int long_entry(struct gb_ctx *ctx, struct gb_fs *fs, const char *dir,
		      const char *name)
{
	char path[8192];
	snprintf(path, sizeof(path), "%s%s%s", dir,
		 dir[strlen(dir) - 1] == '/' ? "" : "/", name);
	struct gb_stat st = GB_SIZED(struct gb_stat);
	int r = gb_fs_lstat(ctx, fs, path, &st);
	if (r)
		return r;
	char when[32] = "-";
	time_t t = (time_t)st.mtime;
	struct tm tm;
	if (gmtime_r(&t, &tm))
		strftime(when, sizeof(when), "%Y-%m-%d %H:%M", &tm);
	printf("%c%04o %12llu %s ", type_char(st.type), st.mode & 07777,
	       (unsigned long long)st.size, when);
	cli_put_safe(stdout, name);
	if (st.type == GB_FT_LNK) {
		char target[4097];
		r = gb_fs_readlink(ctx, fs, path, target, sizeof(target));
		if (r)
			return r;
		fputs(" -> ", stdout);
		cli_put_safe(stdout, target);
	}
	putchar('\n');
	return 0;
}

static int run(const char *cmd, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "long", no_argument, NULL, 'l' },
		CLI_IMAGE_LONGOPTS,
		{ 0 },
	};
	struct cli_image_opts o = { 0 };
	bool is_ls = !strcmp(cmd, "ls"), lng = false;
	int c;
	while ((c = getopt_long(argc, argv, is_ls ? "hl" : "h", longopts, NULL)) != -1) {
		if (cli_image_opt(c, optarg, &o))
			continue;
		if (c == 'l' && is_ls)
			lng = true;
		else if (c == 'h') {
			files_help(cmd);
			return 0;
		} else
			return cli_usage_error(cmd, "bad option");
	}
	if (optind + 2 != argc)
		return cli_usage_error(cmd, "expected IMAGE and [VOL:]PATH");

	struct gb_ctx *ctx = gb_ctx_new();
	struct gb_image *img = NULL;
	struct gb_fs *fs;
	const char *path;
	int r = cli_open(ctx, argv[optind], &o, &img);
	if (r) {
		r = cli_fail(ctx, r);
	} else if ((r = cli_mount_spec(ctx, img, cmd, argv[optind + 1], &fs, &path))) {
		/* already reported */
	} else if (is_ls) {
		struct listing l = { 0 };
		r = gb_fs_readdir(ctx, fs, path, collect, &l);
		if (!r && l.oom)
			r = GB_E_NOMEM;
		if (!r) {
			if (l.n) /* l.e is NULL for an empty directory */
				qsort(l.e, l.n, sizeof(*l.e), by_name);
			for (size_t i = 0; i < l.n && !r; i++) {
				if (lng) {
					r = long_entry(ctx, fs, path, l.e[i].name);
				} else {
					cli_put_safe(stdout, l.e[i].name);
					putchar('\n');
				}
			}
		}
		for (size_t i = 0; i < l.n; i++)
			free(l.e[i].name);
		free(l.e);
		r = r ? cli_fail(ctx, r) : fflush(stdout) ? 6 : 0;
	} else {
		fflush(stdout);
		r = gb_fs_copy_to_fd(ctx, fs, path, STDOUT_FILENO, 0);
		r = r ? cli_fail(ctx, r) : 0;
	}
	gb_image_close(img);
	gb_ctx_free(ctx);
	return r;
}

int cmd_ls(int argc, char **argv)
{
	return run("ls", argc, argv);
}

int cmd_cat(int argc, char **argv)
{
	return run("cat", argc, argv);
}
