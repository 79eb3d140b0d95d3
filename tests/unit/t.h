/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A minimal unit-test harness: each file exports a NULL-terminated table of
 * cases; main.c runs them all and prints one PASS/FAIL line per case, the
 * format tests/run counts. A failed check reports file:line, got, expected,
 * and the case goes on so every mismatch is seen. */
#ifndef GB_T_H
#define GB_T_H

#include <stdint.h>
#include <stdio.h>
#include <string.h>

struct t_case {
	const char *name;
	void (*fn)(void);
};

extern int t_failures;

#define CHECK(cond)                                                          \
	do {                                                                 \
		if (!(cond)) {                                               \
			fprintf(stderr, "  %s:%d: check failed: %s\n",       \
				__FILE__, __LINE__, #cond);                  \
			t_failures++;                                        \
		}                                                            \
	} while (0)

#define CHECK_INT(got, want)                                                 \
	do {                                                                 \
		long long g_ = (long long)(got), w_ = (long long)(want);     \
		if (g_ != w_) {                                              \
			fprintf(stderr, "  %s:%d: %s: got %lld, expected %lld\n", \
				__FILE__, __LINE__, #got, g_, w_);           \
			t_failures++;                                        \
		}                                                            \
	} while (0)

#define CHECK_STR(got, want)                                                 \
	do {                                                                 \
		const char *g_ = (got), *w_ = (want);                        \
		if (!g_ || strcmp(g_, w_)) {                                 \
			fprintf(stderr, "  %s:%d: %s: got '%s', expected '%s'\n", \
				__FILE__, __LINE__, #got, g_ ? g_ : "(null)", w_); \
			t_failures++;                                        \
		}                                                            \
	} while (0)

#define CHECK_CONTAINS(got, part)                                            \
	do {                                                                 \
		const char *g_ = (got), *w_ = (part);                        \
		if (!g_ || !strstr(g_, w_)) {                                \
			fprintf(stderr, "  %s:%d: %s: '%s' does not contain '%s'\n", \
				__FILE__, __LINE__, #got, g_ ? g_ : "(null)", w_); \
			t_failures++;                                        \
		}                                                            \
	} while (0)

extern const struct t_case mbr_cases[];
extern const struct t_case gpt_cases[];
extern const struct t_case fs_cases[];
extern const struct t_case path_cases[];
extern const struct t_case bls_cases[];
extern const struct t_case lvm_cases[];
extern const struct t_case iso_cases[];
extern const struct t_case lzo_cases[];
extern const struct t_case zfs_cases[];
extern const struct t_case bounds_cases[];
extern const struct t_case pool_cases[];

#endif
