/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* LZO1X decompression, written from the bitstream description (the
 * kernel's Documentation/staging/lzo.rst). liblzo2 is GPL, so this is our
 * own; every input byte is untrusted. */
#ifndef GB_LZO_H
#define GB_LZO_H

#include <stddef.h>
#include <stdint.h>

enum gb_lzo_result {
	GB_LZO_OK = 0,
	GB_LZO_INPUT_OVERRUN,   /* the stream ends inside an instruction */
	GB_LZO_OUTPUT_OVERRUN,  /* it produces more than the output holds */
	GB_LZO_LOOKBEHIND,      /* a match reaches before the output's start */
	GB_LZO_NO_END,          /* input used up without the end marker */
	GB_LZO_TRAILING,        /* bytes follow the end marker */
};

/* Decompress one LZO1X stream of in_len bytes into out (at most out_cap
 * bytes); *out_len is the number of bytes produced. */
enum gb_lzo_result gb_lzo1x_decompress(const uint8_t *in, size_t in_len,
				       uint8_t *out, size_t out_cap,
				       size_t *out_len);
const char *gb_lzo_strerror(enum gb_lzo_result r);

#endif
