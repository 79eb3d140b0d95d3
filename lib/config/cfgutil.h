/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Small text helpers shared by the line-oriented config parsers (bls,
 * grub1, syslinux, lilo): in-place line splitting, words, a growable
 * string, and path joining. Internal to lib/config. */
#ifndef GB_CFGUTIL_H
#define GB_CFGUTIL_H

#include "config/config.h"

#include <string.h>
#include <strings.h>

/* Longest line we interpret; bootloaders have fixed line buffers too
 * (GRUB legacy 1500 bytes, syslinux 4096), so longer ones are dropped
 * with a warning rather than read in part. */
#define GB_CFG_MAX_LINE 4096

/* Walks a NUL-terminated, writable buffer line by line. */
struct gb_lines {
	char *p, *end;
	size_t lineno; /* number of the line last returned (1-based) */
};

void gb_lines_init(struct gb_lines *it, char *data, size_t len);
/* The next line, NUL-terminated in place, "\r\n" and "\n" both ending a
 * line; NULL at the end. */
char *gb_lines_next(struct gb_lines *it);
/* The same, but lines longer than GB_CFG_MAX_LINE are skipped with a
 * warning on menu naming path and line. */
char *gb_lines_next_bounded(struct gb_lines *it, struct gb_menu *menu, const char *path);

static inline bool gb_is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}
/* Skip leading blanks and cut trailing ones, in place. */
char *gb_trim(char *s);
/* Cut the next blank-separated word out of *s (NUL-terminating it) and
 * advance *s past the following blanks; NULL when none is left. */
char *gb_next_word(char **s);
/* Collapse runs of blanks to one space and trim, in place. */
void gb_squeeze_spaces(char *s);

/* struct gb_sbuf (a growable string) lives in core/core.h. */
/* Append a word, separated from what is there by one space. */
void gb_sbuf_add_word(struct gb_sbuf *b, const char *w);

/* Replace *dst by a copy of src (NULL allowed): GB_E_NOMEM on failure. */
int gb_set_str(struct gb_ctx *ctx, char **dst, const char *src);

/* An absolute, slash-normalized path: rel as is when it starts with '/',
 * else dir/rel ("." components dropped, ".." applied lexically, repeated
 * slashes collapsed). Lexical ".." differs from the file system's only
 * across symlinked directories, which boot directories rarely are. NULL
 * when out of memory. */
char *gb_path_join(const char *dir, const char *rel);
/* Does s end with suffix (nocase: ASCII case ignored, as FAT names and
 * syslinux's extensions are)? */
static inline bool gb_ends_with(const char *s, const char *suffix, bool nocase)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && !(nocase ? strcasecmp : strcmp)(s + n - m, suffix);
}

/* The directory part of an absolute path ("/" for "/x"). */
char *gb_path_dir(const char *path);

/* The names of the files in a directory that keep() accepts (directories
 * and dot files never), sorted by strcmp: BLS entries, UKIs, add-ons. At
 * most cap names; truncated says when there were more. */
struct gb_cfg_names {
	char **names;
	size_t n;
	bool truncated;
};
int gb_cfg_list_names(struct gb_ctx *ctx, struct gb_fs *fs, const char *dir, size_t cap,
		      bool (*keep)(const char *name), struct gb_cfg_names *out);
/* The same for the subdirectories (dot names never). */
int gb_cfg_list_dirs(struct gb_ctx *ctx, struct gb_fs *fs, const char *dir, size_t cap,
		     struct gb_cfg_names *out);
void gb_cfg_names_free(struct gb_cfg_names *l);

#endif
