/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A bounded walk of a mounted file system for the harnesses: readdir,
 * lstat, readlink and stat of links, pread at both ends of each file and,
 * for the first few files, the streaming copy into sink. */
#ifndef FUZZ_WALK_H
#define FUZZ_WALK_H

#include "guestboot.h"
#include "fs/fs.h"

#include <stdio.h>
#include <string.h>

#define WALK_ENTRIES 100     /* each entry re-walks its path: cost grows fast */
#define WALK_PER_DIR 24      /* then the rest of a directory is listed only */
#define WALK_DEPTH 4
#define COPY_MAX (2u << 20)   /* a corrupt size reads holes: keep runs short */

struct walk {
	struct gb_ctx *ctx;
	struct gb_fs *fs;
	int sink;
	int copies;
	int budget;
	int in_dir;
	int depth;
	char path[1024];
};

static void visit(struct walk *w);

static void read_file(struct walk *w)
{
	static char buf[65536];
	struct gb_file *f;
	size_t got;
	gb_ctx_clear(w->ctx);
	if (gb_file_open(w->ctx, w->fs, w->path, &f) == 0) {
		uint64_t size = gb_file_size(f);
		gb_file_pread(w->ctx, f, 0, buf, sizeof(buf), &got);
		/* the last bytes: the end of an extent list, a tail block */
		if (size > sizeof(buf))
			gb_file_pread(w->ctx, f, size - 100, buf, 200, &got);
		gb_file_close(f);
	}
	if (w->copies-- > 0) {
		gb_ctx_clear(w->ctx);
		gb_fs_copy_to_fd(w->ctx, w->fs, w->path, w->sink, COPY_MAX);
	}
}

static int entry(void *arg, const struct gb_dirent *de)
{
	struct walk *w = arg;
	if (--w->budget <= 0)
		return 1;
	if (++w->in_dir > WALK_PER_DIR)
		return 0;
	size_t len = strlen(w->path);
	if (len + strlen(de->name) + 2 >= sizeof(w->path))
		return 0;
	snprintf(w->path + len, sizeof(w->path) - len, "%s%s", len > 1 ? "/" : "", de->name);
	struct gb_stat st = GB_SIZED(struct gb_stat);
	gb_ctx_clear(w->ctx);
	if (gb_fs_lstat(w->ctx, w->fs, w->path, &st) == 0) {
		if (st.type == GB_FT_LNK) {
			char target[GB_PATH_MAX];
			gb_ctx_clear(w->ctx);
			gb_fs_readlink(w->ctx, w->fs, w->path, target, sizeof(target));
			gb_ctx_clear(w->ctx);
			if (gb_fs_stat(w->ctx, w->fs, w->path, &st) == 0 && st.type == GB_FT_REG)
				read_file(w);
		} else if (st.type == GB_FT_DIR && w->depth < WALK_DEPTH) {
			w->depth++;
			visit(w);
			w->depth--;
		} else if (st.type == GB_FT_REG) {
			read_file(w);
		}
	}
	w->path[len] = '\0';
	return 0;
}

static void visit(struct walk *w)
{
	int outer = w->in_dir;
	w->in_dir = 0;
	gb_ctx_clear(w->ctx);
	gb_fs_readdir(w->ctx, w->fs, w->path, entry, w);
	w->in_dir = outer;
}

static void walk_fs(struct gb_ctx *ctx, struct gb_fs *fs, int sink, int copies)
{
	struct walk w = { ctx, fs, sink, copies, WALK_ENTRIES, 0, 0, "/" };
	visit(&w);
}

#endif
