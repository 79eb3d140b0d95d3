/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Per-command work bounds: the charge helper and the memo kept in the
 * context, and the regexp size estimate that refuses patterns glibc's
 * regcomp would expand into millions of nodes. */
#include "t.h"
#include "core/core.h"
#include "config/grub2/grub2.h"

#include <stdlib.h>

static void charge_bounds(void)
{
	struct gb_ctx *ctx = gb_ctx_new();
	struct gb_work w = { 0 };
	CHECK_INT(gb_work_charge(ctx, &w, GB_CHARGE_META, GB_META_BUDGET - 1, "x"), 0);
	CHECK(!gb_work_spent(&w, GB_CHARGE_META));
	CHECK_INT(gb_work_charge(ctx, &w, GB_CHARGE_META, 1, "x"), 0);
	CHECK(gb_work_spent(&w, GB_CHARGE_META));
	/* the other kind has its own account */
	CHECK_INT(gb_work_charge(ctx, &w, GB_CHARGE_INFLATE, GB_INFLATE_BUDGET, "y"), 0);
	CHECK_INT(gb_work_charge(ctx, &w, GB_CHARGE_META, 1, "squashfs metadata read"), GB_E_LIMIT);
	char want[96];
	snprintf(want, sizeof(want), "squashfs metadata read exceeds this command's bound of %u MiB",
		 (unsigned)(GB_META_BUDGET >> 20));
	CHECK_STR(gb_ctx_message(ctx), want);
	/* another context (a lookup whose errors are ignored) on the same
	 * account gets no work back */
	struct gb_ctx quiet = { 0 };
	CHECK_INT(gb_work_charge(&quiet, &w, GB_CHARGE_META, 0, "x"), GB_E_LIMIT);
	/* a huge charge saturates instead of wrapping to a small total */
	struct gb_work w2 = { 0 };
	CHECK_INT(gb_work_charge(ctx, &w2, GB_CHARGE_INFLATE, 10, "x"), 0);
	CHECK_INT(gb_work_charge(ctx, &w2, GB_CHARGE_INFLATE, UINT64_MAX, "x"), GB_E_LIMIT);
	CHECK_INT(gb_work_charge(ctx, &w2, GB_CHARGE_INFLATE, 0, "x"), GB_E_LIMIT);
	/* no account: not bounded (memory-only images of the unit tests) */
	CHECK_INT(gb_work_charge(ctx, NULL, GB_CHARGE_META, UINT64_MAX, "x"), 0);
	gb_ctx_free(ctx);
}

static void memo(void)
{
	struct gb_work w = { 0 };
	int v = 42, x = 7;
	CHECK(!gb_work_memo_get(&w, "a", sizeof(v)));
	gb_work_memo_put(&w, "a", &v, sizeof(v));
	gb_work_memo_put(&w, "b", &x, sizeof(x));
	const int *p = gb_work_memo_get(&w, "a", sizeof(v));
	CHECK(p && *p == 42);
	p = gb_work_memo_get(&w, "b", sizeof(x));
	CHECK(p && *p == 7);
	/* another size under the same key is another thing */
	CHECK(!gb_work_memo_get(&w, "a", sizeof(v) + 1));
	gb_work_release(&w);
	CHECK(!gb_work_memo_get(&w, "a", sizeof(v)));
}

static void regex_size(void)
{
	/* plain patterns: about their length */
	CHECK_INT(gb_grub2_regex_size("abc"), 3);
	CHECK_INT(gb_grub2_regex_size("^(hd[0-9]+),msdos([0-9]+)$"), 18);
	CHECK(gb_grub2_regex_size("[]a-z[:alpha:]]x") == 2);
	/* bounds multiply, nested bounds multiply again */
	CHECK_INT(gb_grub2_regex_size("a{1,100}"), 101);
	CHECK_INT(gb_grub2_regex_size("a{3}"), 4);
	CHECK_INT(gb_grub2_regex_size("a{3,}"), 4);
	CHECK_INT(gb_grub2_regex_size("a{,9}"), 10);
	CHECK(gb_grub2_regex_size("(a{1,100}){1,100}") > 10000);
	CHECK(gb_grub2_regex_size("(((a{1,100}){1,100}){1,100})") > 1000000);
	CHECK(gb_grub2_regex_size("(.*){1,1000}") > GB_GRUB2_REGEX_NODES);
	CHECK(gb_grub2_regex_size("(.*){1,255}") < GB_GRUB2_REGEX_NODES);
	/* + copies its operand: nesting doubles */
	CHECK(gb_grub2_regex_size("((((((((((((a+)+)+)+)+)+)+)+)+)+)+)+)+") > 4096);
	/* saturates instead of wrapping */
	CHECK(gb_grub2_regex_size("((((a{32767}){32767}){32767}){32767}){32767}") >= ((size_t)1 << 40));
	/* not a bound: a literal brace */
	CHECK_INT(gb_grub2_regex_size("a{x}"), 4);
	/* deep nesting counts as too large; unbalanced text still ends */
	char deep[200];
	memset(deep, '(', sizeof(deep) - 2);
	deep[sizeof(deep) - 2] = 'a';
	deep[sizeof(deep) - 1] = '\0';
	CHECK(gb_grub2_regex_size(deep) > GB_GRUB2_REGEX_NODES);
	CHECK(gb_grub2_regex_size("a))b\\") < 10);
}

const struct t_case bounds_cases[] = {
	{ "bounds/charge", charge_bounds },
	{ "bounds/memo", memo },
	{ "bounds/regex-size", regex_size },
	{ NULL, NULL },
};
