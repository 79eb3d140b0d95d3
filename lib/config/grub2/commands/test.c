/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* GRUB 2's test / [ command (grub-core/commands/test.c semantics): no
 * operator precedence, -a as juxtaposition, -o splitting, ( ) nesting,
 * file tests against the devices' file systems. */
#include "config/grub2/grub2.h"

#include <limits.h>
#include <stdlib.h>

struct finfo {
	bool exists, dir;
	bool mtimeset;
	int64_t mtime;
	uint64_t size;
};

static void file_info(struct gb_grub2 *g, const char *name, struct finfo *fi)
{
	int dev;
	char *path;
	memset(fi, 0, sizeof(*fi));
	if (!gb_grub2_cost(g, GB_GRUB2_COST_LOOKUP))
		return;
	struct gb_fs *fs = NULL;
	if (gb_grub2_resolve(g, name, &dev, &path, false) || !(fs = gb_cfg_fs(g->devs, dev))) {
		free(path);
		return;
	}
	struct gb_ctx quiet = { 0 };
	struct gb_stat st = GB_SIZED(struct gb_stat);
	if (!gb_fs_stat(&quiet, fs, path, &st)) {
		fi->exists = true;
		fi->dir = st.type == GB_FT_DIR;
		fi->mtimeset = true;
		fi->mtime = st.mtime;
		fi->size = st.size;
	}
	free(path);
}

/* GRUB's signed reading, saturated instead of wrapping. */
static long strtosl(const char *s)
{
	unsigned long v = 0;
	bool neg = s[0] == '-';
	gb_grub2_strtoul(s + neg, &v, NULL);
	long x = v > LONG_MAX ? LONG_MAX : (long)v;
	return neg ? -x : x;
}

static int64_t add_bias(int64_t t, long bias)
{
	int64_t r;
	return __builtin_add_overflow(t, (int64_t)bias, &r) ? (bias < 0 ? INT64_MIN : INT64_MAX) : r;
}

struct tctx {
	bool invert, or, and;
};

static void update(struct tctx *t, bool v)
{
	t->and = t->and && (t->invert ? !v : v);
	t->invert = false;
}

static bool test_three(struct gb_grub2 *g, char **a, struct tctx *t)
{
	const char *op = a[1];
	int c = strcmp(a[0], a[2]);
	if (!strcmp(op, "=") || !strcmp(op, "=="))
		update(t, c == 0);
	else if (!strcmp(op, "!="))
		update(t, c != 0);
	else if (!strcmp(op, "<"))
		update(t, c < 0);
	else if (!strcmp(op, "<="))
		update(t, c <= 0);
	else if (!strcmp(op, ">"))
		update(t, c > 0);
	else if (!strcmp(op, ">="))
		update(t, c >= 0);
	else if (!strcmp(op, "-eq"))
		update(t, strtosl(a[0]) == strtosl(a[2]));
	else if (!strcmp(op, "-ne"))
		update(t, strtosl(a[0]) != strtosl(a[2]));
	else if (!strcmp(op, "-lt"))
		update(t, strtosl(a[0]) < strtosl(a[2]));
	else if (!strcmp(op, "-le"))
		update(t, strtosl(a[0]) <= strtosl(a[2]));
	else if (!strcmp(op, "-gt"))
		update(t, strtosl(a[0]) > strtosl(a[2]));
	else if (!strcmp(op, "-ge"))
		update(t, strtosl(a[0]) >= strtosl(a[2]));
	else if (!strcmp(op, "-pgt") || !strcmp(op, "-plt")) {
		/* numbers after the common prefix, digits included back */
		size_t i = 0;
		while (a[0][i] && a[0][i] == a[2][i])
			i++;
		/* back over the digits, but as GRUB never to index 0 */
		long k = (long)i - 1;
		while (k > 0 && a[0][k] >= '0' && a[0][k] <= '9')
			k--;
		i = (size_t)(k + 1);
		unsigned long x = 0, y = 0;
		gb_grub2_strtoul(a[0] + i, &x, NULL);
		gb_grub2_strtoul(a[2] + i, &y, NULL);
		update(t, op[2] == 'g' ? x > y : x < y);
	} else if (!strncmp(op, "-nt", 3) || !strncmp(op, "-ot", 3)) {
		struct finfo f1, f2;
		file_info(g, a[0], &f1);
		file_info(g, a[2], &f2);
		long bias = op[3] ? strtosl(op + 3) : 0;
		if (op[1] == 'n')
			update(t, (f1.exists && !f2.exists) ||
				  (f1.mtimeset && f2.mtimeset && add_bias(f1.mtime, bias) > f2.mtime));
		else
			update(t, (!f1.exists && f2.exists) ||
				  (f1.mtimeset && f2.mtimeset && add_bias(f1.mtime, bias) < f2.mtime));
	} else
		return false;
	return true;
}

static bool test_two(struct gb_grub2 *g, char **a, struct tctx *t)
{
	struct finfo fi;
	if (!strcmp(a[0], "-n") || !strcmp(a[0], "-z")) {
		update(t, (a[1][0] != '\0') == (a[0][1] == 'n'));
		return true;
	}
	if (strcmp(a[0], "-d") && strcmp(a[0], "-e") && strcmp(a[0], "-f") && strcmp(a[0], "-s"))
		return false;
	file_info(g, a[1], &fi);
	switch (a[0][1]) {
	case 'd': update(t, fi.exists && fi.dir); break;
	case 'e': update(t, fi.exists); break;
	case 'f': update(t, fi.exists && !fi.dir); break;
	default: update(t, fi.exists && !fi.dir && fi.size); break;
	}
	return true;
}

/* GRUB's test: left to right, -a binds as juxtaposition, -o splits, ( )
 * nest (bounded by the argument count), unknown words test non-empty. */
static bool test_parse(struct gb_grub2 *g, char **a, int *i, int argc)
{
	struct tctx t = { .and = true };
	while (*i < argc) {
		if (*i + 2 < argc && test_three(g, a + *i, &t)) {
			*i += 3;
			continue;
		}
		if (*i + 1 < argc && test_two(g, a + *i, &t)) {
			*i += 2;
			continue;
		}
		const char *w = a[*i];
		(*i)++;
		if (!strcmp(w, ")"))
			return t.or || t.and;
		if (!strcmp(w, "("))
			update(&t, test_parse(g, a, i, argc));
		else if (!strcmp(w, "!"))
			t.invert = !t.invert;
		else if (!strcmp(w, "-o")) {
			t.or = t.or || t.and;
			t.and = true;
		} else if (strcmp(w, "-a"))
			update(&t, w[0] != '\0');
	}
	return t.or || t.and;
}

int gb_grub2_cmd_test(struct gb_grub2 *g, int argc, char **argv, const struct gb_grub2_node *n)
{
	(void)n;
	int i = 0, c = argc - 1;
	if (c >= 1 && !strcmp(argv[argc - 1], "]"))
		c--;
	return test_parse(g, argv + 1, &i, c) ? 0 : GB_GRUB2_FALSE;
}

