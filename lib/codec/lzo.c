/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* LZO1X decompression from the bitstream description. A stream is a
 * sequence of instructions; each either copies literals from the input or
 * copies a match from the output already produced, and may carry up to 3
 * trailing literals ("state") that change how the next short opcode reads.
 * Every read and write is checked: the input is attacker-controlled. */
#include "codec/lzo.h"

#include <string.h>

struct lzo_dec {
	const uint8_t *in;
	size_t ilen, ip;
	uint8_t *out;
	size_t ocap, op;
};

static enum gb_lzo_result next_byte(struct lzo_dec *d, unsigned *b)
{
	if (d->ip >= d->ilen)
		return GB_LZO_INPUT_OVERRUN;
	*b = d->in[d->ip++];
	return GB_LZO_OK;
}

static enum gb_lzo_result next_le16(struct lzo_dec *d, unsigned *v)
{
	if (d->ilen - d->ip < 2)
		return GB_LZO_INPUT_OVERRUN;
	*v = (unsigned)d->in[d->ip] | (unsigned)d->in[d->ip + 1] << 8;
	d->ip += 2;
	return GB_LZO_OK;
}

/* A zero length field is extended: each following zero byte adds 255, the
 * first non-zero byte ends it and is added too. The zero run is bounded by
 * the input, so the sum cannot overflow a size_t. */
static enum gb_lzo_result extended_len(struct lzo_dec *d, size_t base, size_t *len)
{
	size_t zeros = 0;
	while (d->ip < d->ilen && d->in[d->ip] == 0) {
		d->ip++;
		zeros++;
	}
	unsigned b;
	enum gb_lzo_result r = next_byte(d, &b);
	if (r)
		return r;
	*len = base + zeros * 255 + b;
	return GB_LZO_OK;
}

static enum gb_lzo_result copy_literals(struct lzo_dec *d, size_t n)
{
	if (d->ilen - d->ip < n)
		return GB_LZO_INPUT_OVERRUN;
	if (d->ocap - d->op < n)
		return GB_LZO_OUTPUT_OVERRUN;
	memcpy(d->out + d->op, d->in + d->ip, n);
	d->ip += n;
	d->op += n;
	return GB_LZO_OK;
}

/* Byte by byte: a distance shorter than the length repeats a pattern. */
static enum gb_lzo_result copy_match(struct lzo_dec *d, size_t dist, size_t len)
{
	if (dist == 0 || dist > d->op)
		return GB_LZO_LOOKBEHIND;
	if (d->ocap - d->op < len)
		return GB_LZO_OUTPUT_OVERRUN;
	uint8_t *o = d->out + d->op;
	const uint8_t *m = o - dist;
	for (size_t i = 0; i < len; i++)
		o[i] = m[i];
	d->op += len;
	return GB_LZO_OK;
}

/* Decode one instruction t. *state is the number of literals the previous
 * instruction copied (4: four or more). Sets *end at the end marker. */
static enum gb_lzo_result instruction(struct lzo_dec *d, unsigned t, unsigned *state,
				      int *end)
{
	size_t len, dist;
	unsigned h, v, s;
	enum gb_lzo_result r;
	if (t < 16) {
		if (*state == 0) { /* a run of 4 or more literals */
			if (t)
				len = t + 3;
			else if ((r = extended_len(d, 18, &len)))
				return r;
			if ((r = copy_literals(d, len)))
				return r;
			*state = 4;
			return GB_LZO_OK;
		}
		if ((r = next_byte(d, &h)))
			return r;
		if (*state < 4) { /* 2 bytes within 1 KiB */
			len = 2;
			dist = ((size_t)h << 2) + (t >> 2) + 1;
		} else { /* 3 bytes at 2..3 KiB */
			len = 3;
			dist = ((size_t)h << 2) + (t >> 2) + 2049;
		}
		s = t & 3;
	} else if (t < 32) { /* 16..48 KiB away; distance 16384 ends the stream */
		if (t & 7)
			len = (t & 7) + 2;
		else if ((r = extended_len(d, 9, &len)))
			return r;
		if ((r = next_le16(d, &v)))
			return r;
		dist = 16384 + ((size_t)(t & 8) << 11) + (v >> 2);
		s = v & 3;
		if (dist == 16384) {
			*end = 1;
			return GB_LZO_OK;
		}
	} else if (t < 64) { /* within 16 KiB */
		if (t & 31)
			len = (t & 31) + 2;
		else if ((r = extended_len(d, 33, &len)))
			return r;
		if ((r = next_le16(d, &v)))
			return r;
		dist = (v >> 2) + 1;
		s = v & 3;
	} else { /* 3..8 bytes within 2 KiB */
		if ((r = next_byte(d, &h)))
			return r;
		len = t < 128 ? 3 + ((t >> 5) & 1) : 5 + ((t >> 5) & 3);
		dist = ((size_t)h << 3) + ((t >> 2) & 7) + 1;
		s = t & 3;
	}
	if ((r = copy_match(d, dist, len)) || (r = copy_literals(d, s)))
		return r;
	*state = s;
	return GB_LZO_OK;
}

enum gb_lzo_result gb_lzo1x_decompress(const uint8_t *in, size_t in_len,
				       uint8_t *out, size_t out_cap,
				       size_t *out_len)
{
	struct lzo_dec d = { .in = in, .ilen = in_len, .out = out, .ocap = out_cap };
	unsigned state = 0;
	enum gb_lzo_result r = GB_LZO_OK;
	*out_len = 0;
	/* A first byte above 17 is a literal run of (byte - 17). */
	if (in_len > 0 && in[0] > 17) {
		size_t n = in[0] - 17u;
		d.ip = 1;
		if ((r = copy_literals(&d, n)))
			goto out;
		state = n < 4 ? (unsigned)n : 4;
	}
	/* Each instruction consumes at least one input byte: bounded. */
	for (;;) {
		int end = 0;
		unsigned t;
		if (d.ip >= d.ilen) {
			r = GB_LZO_NO_END;
			break;
		}
		t = d.in[d.ip++];
		if ((r = instruction(&d, t, &state, &end)))
			break;
		if (end) {
			r = d.ip == d.ilen ? GB_LZO_OK : GB_LZO_TRAILING;
			break;
		}
	}
out:
	*out_len = d.op;
	return r;
}

const char *gb_lzo_strerror(enum gb_lzo_result r)
{
	switch (r) {
	case GB_LZO_OK: return "ok";
	case GB_LZO_INPUT_OVERRUN: return "compressed data ends inside an instruction";
	case GB_LZO_OUTPUT_OVERRUN: return "decompresses past its stated size";
	case GB_LZO_LOOKBEHIND: return "a match points before the start of the data";
	case GB_LZO_NO_END: return "no end marker";
	case GB_LZO_TRAILING: return "data after the end marker";
	}
	return "unknown error";
}
