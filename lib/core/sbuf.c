/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define _GNU_SOURCE
#include "core/core.h"

#include <stdio.h>
#include <stdlib.h>

void gb_sbuf_add(struct gb_sbuf *b, const void *s, size_t n)
{
	if (b->oom)
		return;
	if (n > SIZE_MAX / 4 - b->len) {
		b->oom = true;
		return;
	}
	if (b->len + n + 1 > b->cap) {
		size_t cap = (b->len + n + 1) * 2;
		char *p = realloc(b->p, cap);
		if (!p) {
			b->oom = true;
			return;
		}
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

void gb_sbuf_adds(struct gb_sbuf *b, const char *s)
{
	gb_sbuf_add(b, s, strlen(s));
}

void gb_sbuf_addf(struct gb_sbuf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *s = NULL;
	int n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0) {
		b->oom = true;
		return;
	}
	gb_sbuf_add(b, s, (size_t)n);
	free(s);
}

char *gb_sbuf_take(struct gb_sbuf *b)
{
	char *p = b->p;
	bool oom = b->oom;
	memset(b, 0, sizeof(*b));
	if (oom) {
		free(p);
		return NULL;
	}
	return p ? p : strdup("");
}
