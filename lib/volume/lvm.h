/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* LVM2 metadata text: a small bounded parser for the format LVM writes
 * (`name = value`, `name { ... }`, strings, integers, arrays), kept apart
 * so that unit tests can feed it crafted text. */
#ifndef GB_LVM_H
#define GB_LVM_H

#include "core/core.h"

#define GB_LVM_MAX_TEXT (4u << 20)  /* LVM's default metadata area is 1 MiB */
#define GB_LVM_MAX_NODES 65536
#define GB_LVM_MAX_DEPTH 16         /* LVM nests 4 deep (vg > lvs > lv > segment) */

enum gb_lvm_type { GB_LVM_SECTION, GB_LVM_STRING, GB_LVM_INT, GB_LVM_ARRAY };

struct gb_lvm_node {
	const char *key;  /* not NUL-terminated; NULL for array elements */
	size_t key_len;
	enum gb_lvm_type type;
	const char *str;  /* NUL-terminated, escapes resolved */
	size_t str_len;
	int64_t num;
	int first, last, next; /* children (sections, arrays) and siblings; -1 */
	int count;             /* number of children */
};

struct gb_lvm_tree {
	struct gb_lvm_node *nodes; /* nodes[0] is the top-level section */
	size_t n, cap;
	char *buf;                 /* our copy of the text, strings point in */
};

/* Parse text[0..len) (stopping at a NUL). GB_E_SYNTAX with line number on
 * malformed text, GB_E_LIMIT past the bounds above. */
int gb_lvm_parse(struct gb_ctx *ctx, const char *text, size_t len,
		 struct gb_lvm_tree *t);
void gb_lvm_tree_free(struct gb_lvm_tree *t);
/* The child of section (or -1) named key, -1 when none. */
int gb_lvm_child(const struct gb_lvm_tree *t, int section, const char *key);
bool gb_lvm_int(const struct gb_lvm_tree *t, int section, const char *key, int64_t *out);
/* A string value, NULL when absent or not a string. */
const char *gb_lvm_str(const struct gb_lvm_tree *t, int section, const char *key);

#endif
