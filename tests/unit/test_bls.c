/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* rpm's version comparison and the two BLS sort orders. Expected results
 * come from rpm's documented behaviour (its rpmvercmp test table) and
 * from the UAPI Version Format Specification's examples; gnulib's
 * filevercmp is checked against `sort -V`. */
#define _GNU_SOURCE
#include "t.h"

#include "config/config.h"

#include <stdlib.h>
#include <unistd.h>

struct vpair {
	const char *a, *b;
	int want; /* sign of rpmvercmp(a, b) */
};

static int sgn(int v) { return (v > 0) - (v < 0); }

static void check_pairs(const struct vpair *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		int got = sgn(gb_rpmvercmp(p[i].a, p[i].b));
		int rev = sgn(gb_rpmvercmp(p[i].b, p[i].a));
		if (got != p[i].want || rev != -p[i].want) {
			fprintf(stderr, "  rpmvercmp(%s, %s) = %d (reverse %d), expected %d\n",
				p[i].a, p[i].b, got, rev, p[i].want);
			t_failures++;
		}
	}
}

static void rpmvercmp_basic(void)
{
	static const struct vpair p[] = {
		{ "1.0", "1.0", 0 },
		{ "1.0", "2.0", -1 },
		{ "1.0", "1.0.1", -1 },
		{ "2.0.1a", "2.0.1", 1 },
		{ "5.5p1", "5.5p2", -1 },
		{ "5.5p10", "5.5p1", 1 },
		{ "10xyz", "10.1xyz", -1 },
		{ "xyz10", "xyz10.1", -1 },
		{ "xyz.4", "8", -1 },   /* letters lose to digits */
		{ "a", "1", -1 },
		{ "aaa", "bbb", -1 },
		{ "1.0a", "1.0aa", -1 },
		{ "10.0001", "10.1", 0 }, /* leading zeros do not count */
		{ "10.0001", "10.0039", -1 },
		{ "4.999.9", "5.0", -1 },
		{ "20101121", "20101122", -1 },
		{ "2_0", "2.0", 0 },     /* every separator is equal */
		{ "a+", "a_", 0 },
		{ "+", "_", 0 },
		{ "5.14.0-70.el9", "5.14.0-7.el9", 1 },
		{ "1.2.3-10", "1.2.3-9", 1 },
		{ "12345678901234567890", "12345678901234567891", -1 }, /* no overflow */
	};
	check_pairs(p, sizeof(p) / sizeof(p[0]));
}

static void rpmvercmp_tilde_caret(void)
{
	static const struct vpair p[] = {
		{ "1.0~rc1", "1.0", -1 },
		{ "1.0~rc1", "1.0~rc1", 0 },
		{ "1.0~rc1", "1.0~rc2", -1 },
		{ "1.0~rc1~git123", "1.0~rc1", -1 },
		{ "1.0~rc1", "1.0arc1", -1 },
		{ "1.0^", "1.0", 1 },
		{ "1.0^git1", "1.0", 1 },
		{ "1.0^git1", "1.01", -1 },
		{ "1.0^20160101", "1.0.1", -1 },
		{ "1.0^20160101", "1.0^20160102", -1 },
		{ "1.0^", "1.0^git1", -1 },
		{ "1.0~rc1^git1", "1.0~rc1", 1 },
		{ "1.0^git1~pre", "1.0^git1", -1 },
		{ "1.0^git1", "1.0~rc1", 1 },
	};
	check_pairs(p, sizeof(p) / sizeof(p[0]));
}

/* Build entries named by id (file name id.conf) for the sort tests. */
static struct gb_bls_entry *make(const char *const *ids, size_t n)
{
	struct gb_bls_entry *e = calloc(n, sizeof(*e));
	for (size_t i = 0; i < n; i++) {
		e[i].id = strdup(ids[i]);
		if (asprintf(&e[i].filename, "%s.conf", ids[i]) < 0)
			abort();
		e[i].tries_left = e[i].tries_done = -1;
	}
	return e;
}

/* UAPI order of two file names: the higher version comes first. */
static const char *uapi_first(const char *a, const char *b)
{
	static char first[64];
	const char *ids[] = { a, b };
	struct gb_bls_entry *e = make(ids, 2);
	gb_bls_sort_uapi(e, 2);
	snprintf(first, sizeof(first), "%s", e[0].id);
	gb_bls_free(e, 2);
	return first;
}

static void uapi_version_order(void)
{
	/* the spec's examples, as "higher sorts first" */
	CHECK_STR(uapi_first("bar-123", "foo-123"), "foo-123");
	CHECK_STR(uapi_first("123", "123a"), "123a");
	CHECK_STR(uapi_first("123", "123.a"), "123.a");
	CHECK_STR(uapi_first("123.a", "123.b"), "123.b");
	CHECK_STR(uapi_first("123.a", "123a"), "123a");
	CHECK_STR(uapi_first("a", "A"), "a");
	CHECK_STR(uapi_first("0", "0."), "0.");
	CHECK_STR(uapi_first("0", "0.0"), "0.0");
	CHECK_STR(uapi_first("1.2", "1_"), "1.2");
	CHECK_STR(uapi_first("1.3.3", "1_2_3"), "1_2_3");
	/* '-' sorts lower, '~' lowest, '^' higher */
	CHECK_STR(uapi_first("123-1", "123.1"), "123.1");
	CHECK_STR(uapi_first("123-1", "123"), "123-1"); /* longer is newer */
	CHECK_STR(uapi_first("6.1~rc1", "6.1"), "6.1");
	CHECK_STR(uapi_first("6.1", "6.1^1"), "6.1^1");
	CHECK_STR(uapi_first("fedora-6.9.1", "fedora-6.10.0"), "fedora-6.10.0");
}

static void uapi_keys_and_counting(void)
{
	const char *ids[] = { "a", "b", "c", "d", "e" };
	struct gb_bls_entry *e = make(ids, 5);
	/* a: no sort-key; b, c: same sort-key, versions 6.1 and 6.10;
	 * d: sort-key "aaa" sorts before "fedora"; e: out of tries */
	e[1].sort_key = strdup("fedora");
	e[1].version = strdup("6.1");
	e[2].sort_key = strdup("fedora");
	e[2].version = strdup("6.10");
	e[3].sort_key = strdup("aaa");
	e[4].sort_key = strdup("aaa");
	e[4].tries_left = 0;
	gb_bls_sort_uapi(e, 5);
	CHECK_STR(e[0].id, "d");
	CHECK_STR(e[1].id, "c");
	CHECK_STR(e[2].id, "b");
	CHECK_STR(e[3].id, "a");
	CHECK_STR(e[4].id, "e");
	gb_bls_free(e, 5);
}

static void grub_order(void)
{
	const char *ids[] = {
		"8f2c-0-rescue",
		"8f2c-5.14.0-7.el9.x86_64",
		"8f2c-5.14.0-70.el9.x86_64",
		"8f2c-5.14.0-70.el9~beta.x86_64",
	};
	struct gb_bls_entry *e = make(ids, 4);
	gb_bls_sort_grub(e, 4);
	CHECK_STR(e[0].id, "8f2c-5.14.0-70.el9.x86_64");
	CHECK_STR(e[1].id, "8f2c-5.14.0-70.el9~beta.x86_64");
	CHECK_STR(e[2].id, "8f2c-5.14.0-7.el9.x86_64");
	CHECK_STR(e[3].id, "8f2c-0-rescue");
	gb_bls_free(e, 4);
}

/* gnulib's filevercmp against its other user on this machine: `sort -s
 * -V` (coreutils, the same gnulib code) orders a few thousand random
 * names; a stable insertion sort with gb_filevercmp must agree. */
static void filevercmp_vs_sort(void)
{
	static const char alphabet[] = "0019.-~_aAzZc+.conf";
	enum { N = 3000 };
	static char names[N][16];
	char path[] = "/tmp/gb-filever-XXXXXX";
	int fd = mkstemp(path);
	FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
	CHECK(f != NULL);
	if (!f)
		return;
	srand(12345);
	for (size_t i = 0; i < N; i++) {
		size_t len = (size_t)(rand() % 10);
		for (size_t k = 0; k < len; k++)
			names[i][k] = alphabet[rand() % (sizeof(alphabet) - 1)];
		if (rand() % 4 == 0 && len < 10)
			strcpy(names[i] + len, ".conf");
		fprintf(f, "%s\n", names[i]);
	}
	fclose(f);
	/* ours: stable, by insertion */
	static const char *mine[N];
	for (size_t i = 0; i < N; i++) {
		size_t j = i;
		while (j > 0 && gb_filevercmp(mine[j - 1], names[i]) > 0) {
			mine[j] = mine[j - 1];
			j--;
		}
		mine[j] = names[i];
	}
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "LC_ALL=C sort -s -V %s", path);
	FILE *p = popen(cmd, "r");
	CHECK(p != NULL);
	char line[64];
	size_t i = 0, bad = 0;
	while (p && fgets(line, sizeof(line), p) && i < N) {
		line[strcspn(line, "\n")] = '\0';
		if (strcmp(line, mine[i]) && bad++ < 5)
			fprintf(stderr, "  sort -V line %zu: '%s', gb_filevercmp: '%s'\n", i, line, mine[i]);
		i++;
	}
	if (p)
		pclose(p);
	unlink(path);
	CHECK_INT(i, N);
	CHECK_INT(bad, 0);
	/* and the cases GRUB 2.14's blscfg meets */
	CHECK(gb_filevercmp("abc-6.1.0-rc7.conf", "abc-6.1.0-1.conf") > 0);
	CHECK(gb_filevercmp("abc-6.10.0.conf", "abc-6.9.0.conf") > 0);
	CHECK(gb_filevercmp("a-01.conf", "a-1.conf") == 0);
}

const struct t_case bls_cases[] = {
	{ "bls/rpmvercmp-basic", rpmvercmp_basic },
	{ "bls/rpmvercmp-tilde-caret", rpmvercmp_tilde_caret },
	{ "bls/uapi-version-order", uapi_version_order },
	{ "bls/uapi-keys-and-counting", uapi_keys_and_counting },
	{ "bls/grub-order", grub_order },
	{ "bls/filevercmp-vs-sort", filevercmp_vs_sort },
	{ NULL, NULL },
};
