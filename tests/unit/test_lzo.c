/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The LZO1X decoder on streams built by hand from the bitstream
 * description: every instruction form, extended lengths, overlapping
 * matches, and malformed streams (truncated, reaching before the start,
 * overflowing the output, trailing bytes). */
#include "t.h"
#include "codec/lzo.h"

#include <stdlib.h>

#define EOS 0x11, 0x00, 0x00 /* M4 with distance 16384: end of stream */

static enum gb_lzo_result run(const uint8_t *in, size_t n, uint8_t *out, size_t cap,
			      size_t *got)
{
	return gb_lzo1x_decompress(in, n, out, cap, got);
}

static void expect_output(const uint8_t *in, size_t n, const char *want)
{
	uint8_t out[256];
	size_t got = 0;
	CHECK_INT(run(in, n, out, sizeof(out), &got), GB_LZO_OK);
	CHECK_INT(got, strlen(want));
	CHECK(got == strlen(want) && !memcmp(out, want, got));
}

/* First byte 17 + n: n literals, then the end marker. */
static void test_literals_only(void)
{
	const uint8_t s[] = { 17 + 12, 'h', 'e', 'l', 'l', 'o', ' ', 'w', 'o', 'r', 'l', 'd', '!', EOS };
	expect_output(s, sizeof(s), "hello world!");
}

/* 1 L L D D D S S: 8 bytes from distance 3 repeat a 3-byte pattern. */
static void test_overlapping_match(void)
{
	const uint8_t s[] = { 17 + 3, 'a', 'b', 'c', 0x80 | 3 << 5 | 2 << 2 | 0, 0x00, EOS };
	expect_output(s, sizeof(s), "abcabcabcab");
}

/* 0 0 1 L..: length 0 extends: 2 + 31 + 1 = 34 bytes from distance 2. */
static void test_m3_extended_length(void)
{
	const uint8_t s[] = { 17 + 2, 'x', 'y', 0x20, 0x01, 1 << 2, 0x00, EOS };
	char want[37];
	for (int i = 0; i < 36; i++)
		want[i] = i % 2 ? 'y' : 'x';
	want[36] = '\0';
	expect_output(s, sizeof(s), want);
}

/* After a match with no trailing literals, 0 0 0 0 L L L L is a run of
 * 3 + L literals. */
static void test_literal_run_after_match(void)
{
	const uint8_t s[] = { 17 + 3, 'a', 'b', 'c', 0xE8, 0x00, 0x01, 'W', 'X', 'Y', 'Z', EOS };
	expect_output(s, sizeof(s), "abcabcabcabWXYZ");
}

/* After 1..3 literals, 0 0 0 0 D D S S copies 2 bytes within 1 KiB and
 * S literals follow. */
static void test_short_match_with_trailing_literal(void)
{
	const uint8_t s[] = { 17 + 3, 'a', 'b', 'c', 1 << 2 | 1, 0x00, '!', EOS };
	expect_output(s, sizeof(s), "abcbc!");
}

/* A 16400-byte literal run (extended length: 18 + 64*255 + 62), then an
 * M4 match 16385 bytes back, which only that form reaches. */
static void test_m4_far_match(void)
{
	size_t lit = 16400, n = 0;
	uint8_t *s = malloc(lit + 100), *out = malloc(lit + 100);
	s[n++] = 0x00;
	for (int i = 0; i < 64; i++)
		s[n++] = 0x00;
	s[n++] = 62;
	for (size_t i = 0; i < lit; i++)
		s[n++] = (uint8_t)(i * 7 + i / 251);
	s[n++] = 0x10 | 2; /* H = 0, length 4 */
	s[n++] = 1 << 2;   /* distance 16384 + 1 */
	s[n++] = 0x00;
	s[n++] = 0x11, s[n++] = 0, s[n++] = 0;
	size_t got = 0;
	CHECK_INT(run(s, n, out, lit + 100, &got), GB_LZO_OK);
	CHECK_INT(got, lit + 4);
	CHECK(!memcmp(out, s + 66, lit));
	CHECK(!memcmp(out + lit, out + lit - 16385, 4));
	free(s);
	free(out);
}

/* After a run of 4+ literals, 0 0 0 0 D D S S copies 3 bytes from
 * 2049 + (H << 2) + D back. */
static void test_m1_after_long_run(void)
{
	size_t lit = 2100, n = 0;
	uint8_t *s = malloc(lit + 32), *out = malloc(lit + 32);
	s[n++] = 0x00;
	for (int i = 0; i < 8; i++)
		s[n++] = 0x00;
	s[n++] = 42; /* 18 + 8 * 255 + 42 = 2100 */
	for (size_t i = 0; i < lit; i++)
		s[n++] = (uint8_t)(i * 13 + i / 7);
	s[n++] = 2 << 2; /* D = 2 */
	s[n++] = 1;      /* H = 1: 2049 + 4 + 2 = 2055 back */
	s[n++] = 0x11, s[n++] = 0, s[n++] = 0;
	size_t got = 0;
	CHECK_INT(run(s, n, out, lit + 32, &got), GB_LZO_OK);
	CHECK_INT(got, lit + 3);
	CHECK(!memcmp(out + lit, out + lit - 2055, 3));
	free(s);
	free(out);
}

static void test_malformed(void)
{
	uint8_t out[64];
	size_t got;
	const uint8_t no_end[] = { 17 + 3, 'a', 'b', 'c' };
	CHECK_INT(run(no_end, sizeof(no_end), out, sizeof(out), &got), GB_LZO_NO_END);
	CHECK_INT(run(no_end, 0, out, sizeof(out), &got), GB_LZO_NO_END);
	const uint8_t short_literals[] = { 17 + 9, 'a', 'b' };
	CHECK_INT(run(short_literals, sizeof(short_literals), out, sizeof(out), &got),
		  GB_LZO_INPUT_OVERRUN);
	/* a match 5 back after 1 byte of output */
	const uint8_t behind[] = { 17 + 1, 'a', 0x80 | 4 << 2, 0x00, EOS };
	CHECK_INT(run(behind, sizeof(behind), out, sizeof(out), &got), GB_LZO_LOOKBEHIND);
	/* literals, then an overlapping match, past a small output */
	const uint8_t lits[] = { 17 + 12, 'h', 'e', 'l', 'l', 'o', ' ', 'w', 'o', 'r', 'l', 'd', '!', EOS };
	CHECK_INT(run(lits, sizeof(lits), out, 5, &got), GB_LZO_OUTPUT_OVERRUN);
	const uint8_t overlap[] = { 17 + 3, 'a', 'b', 'c', 0xE8, 0x00, EOS };
	CHECK_INT(run(overlap, sizeof(overlap), out, 6, &got), GB_LZO_OUTPUT_OVERRUN);
	/* an extended length whose zero run never ends */
	const uint8_t zeros[] = { 17 + 2, 'x', 'y', 0x20, 0x00, 0x00, 0x00 };
	CHECK_INT(run(zeros, sizeof(zeros), out, sizeof(out), &got), GB_LZO_INPUT_OVERRUN);
	/* an M4 whose distance bytes are missing */
	const uint8_t m4[] = { 17 + 1, 'a', 0x11, 0x00 };
	CHECK_INT(run(m4, sizeof(m4), out, sizeof(out), &got), GB_LZO_INPUT_OVERRUN);
	const uint8_t trailing[] = { 17 + 1, 'a', EOS, 0x00 };
	CHECK_INT(run(trailing, sizeof(trailing), out, sizeof(out), &got), GB_LZO_TRAILING);
	/* first byte 16 is an M4 match into an empty dictionary */
	const uint8_t empty_dict[] = { 0x10 | 1, 0x04, 0x00, EOS };
	CHECK_INT(run(empty_dict, sizeof(empty_dict), out, sizeof(out), &got), GB_LZO_LOOKBEHIND);
	CHECK_STR(gb_lzo_strerror(GB_LZO_LOOKBEHIND), "a match points before the start of the data");
}

/* Every truncation of a valid stream fails cleanly, never reads past. */
static void test_every_truncation(void)
{
	const uint8_t s[] = { 17 + 3, 'a', 'b', 'c', 0xE8, 0x00, 0x01, 'W', 'X', 'Y', 'Z',
			      0x20, 0x01, 1 << 2, 0x00, EOS };
	uint8_t out[128];
	size_t got;
	CHECK_INT(run(s, sizeof(s), out, sizeof(out), &got), GB_LZO_OK);
	for (size_t n = 0; n < sizeof(s); n++) {
		uint8_t *copy = malloc(n ? n : 1); /* exact size: ASan sees overreads */
		memcpy(copy, s, n);
		CHECK(run(copy, n, out, sizeof(out), &got) != GB_LZO_OK);
		free(copy);
	}
}

const struct t_case lzo_cases[] = {
	{ "lzo/literals-only", test_literals_only },
	{ "lzo/overlapping-match", test_overlapping_match },
	{ "lzo/m3-extended-length", test_m3_extended_length },
	{ "lzo/literal-run-after-match", test_literal_run_after_match },
	{ "lzo/short-match-trailing-literal", test_short_match_with_trailing_literal },
	{ "lzo/m4-far-match", test_m4_far_match },
	{ "lzo/m1-after-long-run", test_m1_after_long_run },
	{ "lzo/malformed", test_malformed },
	{ "lzo/every-truncation", test_every_truncation },
	{ NULL, NULL },
};
