/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "t.h"

int t_failures;

static const struct t_case *const suites[] = { mbr_cases, gpt_cases, fs_cases, path_cases, bls_cases,
					       lvm_cases, iso_cases, lzo_cases, zfs_cases,
					       bounds_cases, pool_cases };

int main(int argc, char **argv)
{
	/* With an argument, run only the cases whose name contains it. */
	const char *only = argc > 1 ? argv[1] : NULL;
	int failed = 0;
	for (size_t s = 0; s < sizeof(suites) / sizeof(suites[0]); s++)
		for (const struct t_case *c = suites[s]; c->name; c++) {
			if (only && !strstr(c->name, only))
				continue;
			t_failures = 0;
			c->fn();
			printf("%s unit/%s\n", t_failures ? "FAIL" : "PASS", c->name);
			fflush(stdout);
			failed += t_failures != 0;
		}
	return failed ? 1 : 0;
}
