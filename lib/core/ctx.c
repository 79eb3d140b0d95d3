/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "core.h"

#include <stdio.h>
#include <stdlib.h>

struct gb_ctx *gb_ctx_new(void)
{
	return calloc(1, sizeof(struct gb_ctx));
}

void gb_ctx_free(struct gb_ctx *ctx)
{
	free(ctx);
}

/* ---- the per-command work account ---- */

struct gb_memo {
	struct gb_memo *next;
	char *key;
	size_t size;
	unsigned char data[];
};

#define MEMO_MAX 256 /* results kept; beyond, work is simply redone */

void gb_work_release(struct gb_work *w)
{
	for (struct gb_memo *m = w->memo, *next; m; m = next) {
		next = m->next;
		free(m->key);
		free(m);
	}
	w->memo = NULL;
}

const void *gb_work_memo_get(const struct gb_work *w, const char *key, size_t size)
{
	for (const struct gb_memo *m = w ? w->memo : NULL; m; m = m->next)
		if (m->size == size && !strcmp(m->key, key))
			return m->data;
	return NULL;
}

void gb_work_memo_put(struct gb_work *w, const char *key, const void *data, size_t size)
{
	size_t n = 0;
	if (!w || !key[0])
		return;
	for (const struct gb_memo *m = w->memo; m; m = m->next)
		n++;
	if (n >= MEMO_MAX)
		return;
	struct gb_memo *m = malloc(sizeof(*m) + size);
	char *k = strdup(key);
	if (!m || !k) { /* a cache: missing it only costs time */
		free(m);
		free(k);
		return;
	}
	m->key = k;
	m->size = size;
	memcpy(m->data, data, size);
	m->next = w->memo;
	w->memo = m;
}

static uint64_t bound(enum gb_charge kind)
{
	return kind == GB_CHARGE_META ? GB_META_BUDGET : GB_INFLATE_BUDGET;
}

unsigned gb_work_bound_mib(enum gb_charge kind)
{
	return (unsigned)(bound(kind) >> 20);
}

bool gb_work_spent(const struct gb_work *w, enum gb_charge kind)
{
	return w && w->used[kind] >= bound(kind);
}

int gb_work_charge(struct gb_ctx *ctx, struct gb_work *w, enum gb_charge kind, uint64_t n,
		   const char *what)
{
	if (!w)
		return 0;
	if (!gb_add_ok(w->used[kind], n, &w->used[kind]))
		w->used[kind] = UINT64_MAX;
	if (w->used[kind] <= bound(kind))
		return 0;
	return gb_error(ctx, GB_E_LIMIT, "%s exceeds this command's bound of %u MiB", what,
			gb_work_bound_mib(kind));
}

const char *gb_ctx_message(const struct gb_ctx *ctx)
{
	return ctx->code ? ctx->msg : "";
}

int gb_ctx_code(const struct gb_ctx *ctx)
{
	return ctx->code;
}

void gb_ctx_clear(struct gb_ctx *ctx)
{
	ctx->code = 0;
	ctx->msg[0] = '\0';
}

/* "scope: message", made one line and safe on a terminal by the one
 * sanitiser, whatever the guest data it quotes (errors and warnings). */
static void format_message(const struct gb_ctx *ctx, char *out, size_t cap, const char *fmt,
			   va_list ap)
{
	char raw[GB_MSG_MAX];
	size_t n = 0;
	if (ctx && ctx->scope_len) {
		int w = snprintf(raw, sizeof(raw), "%s: ", ctx->scope);
		n = w < 0 ? 0 : (size_t)w < sizeof(raw) ? (size_t)w : sizeof(raw) - 1;
	}
	vsnprintf(raw + n, sizeof(raw) - n, fmt, ap);
	gb_text_safe(out, cap, raw, sizeof(raw), 0);
}

int gb_error(struct gb_ctx *ctx, int code, const char *fmt, ...)
{
	if (code == GB_E_NOT_MINE || code == GB_OK || !ctx || ctx->code)
		return code;
	ctx->code = code;
	va_list ap;
	va_start(ap, fmt);
	format_message(ctx, ctx->msg, sizeof(ctx->msg), fmt, ap);
	va_end(ap);
	return code;
}

int gb_error_kept(struct gb_ctx *ctx, int code, const char *msg)
{
	if (code == GB_E_NOT_MINE || code == GB_OK || !ctx || ctx->code)
		return code;
	ctx->code = code;
	snprintf(ctx->msg, sizeof(ctx->msg), "%s", msg);
	return code;
}

void gb_ctx_child(struct gb_ctx *child, const struct gb_ctx *parent)
{
	child->code = 0;
	child->msg[0] = '\0';
	child->scope_len = parent->scope_len;
	memcpy(child->scope, parent->scope, parent->scope_len + 1);
}

void gb_ctx_adopt(struct gb_ctx *parent, const struct gb_ctx *child)
{
	if (child->code && !parent->code) {
		parent->code = child->code;
		memcpy(parent->msg, child->msg, sizeof(parent->msg));
	}
}

static void (*warning_handler)(const char *msg);

void gb_set_warning_handler(void (*fn)(const char *msg))
{
	warning_handler = fn;
}

void gb_warn(struct gb_ctx *ctx, const char *fmt, ...)
{
	if (!warning_handler)
		return;
	char msg[GB_MSG_MAX];
	va_list ap;
	va_start(ap, fmt);
	format_message(ctx, msg, sizeof(msg), fmt, ap);
	va_end(ap);
	warning_handler(msg);
}

size_t gb_scope_push(struct gb_ctx *ctx, const char *fmt, ...)
{
	size_t mark = ctx->scope_len;
	size_t n = mark;
	if (n && n + 2 < sizeof(ctx->scope)) {
		memcpy(ctx->scope + n, ": ", 3);
		n += 2;
	}
	if (n < sizeof(ctx->scope)) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(ctx->scope + n, sizeof(ctx->scope) - n, fmt, ap);
		va_end(ap);
	}
	ctx->scope_len = strlen(ctx->scope);
	return mark;
}

void gb_scope_pop(struct gb_ctx *ctx, size_t mark)
{
	if (mark <= ctx->scope_len) {
		ctx->scope_len = mark;
		ctx->scope[mark] = '\0';
	}
}

const char *gb_strerror(int err)
{
	switch (err) {
	case GB_OK: return "success";
	case GB_E_NOT_MINE: return "not recognised";
	case GB_E_USAGE: return "usage";
	case GB_E_NOT_FOUND: return "not found";
	case GB_E_UNSUPPORTED: return "unsupported";
	case GB_E_CORRUPT: return "corrupt";
	case GB_E_IO: return "I/O error";
	case GB_E_LIMIT: return "limit exceeded";
	case GB_E_AMBIGUOUS: return "ambiguous";
	case GB_E_SYNTAX: return "syntax error";
	case GB_E_NOMEM: return "out of memory";
	}
	return "error";
}

int gb_exit_code(int err)
{
	switch (err) {
	case GB_OK: return 0;
	case GB_E_USAGE: return 2;
	case GB_E_NOT_FOUND: return 3;
	case GB_E_UNSUPPORTED: return 4;
	case GB_E_NOT_MINE: /* nothing recognised where something was needed */
	case GB_E_CORRUPT: return 5;
	case GB_E_IO: return 6;
	case GB_E_LIMIT: return 7;
	case GB_E_AMBIGUOUS: return 8;
	case GB_E_SYNTAX: return 9;
	case GB_E_NOMEM: return 10;
	}
	return 1;
}

int gb_abi_in(struct gb_ctx *ctx, void *dst, size_t dst_size, const void *src, const char *what)
{
	memset(dst, 0, dst_size);
	if (src) {
		size_t n;
		memcpy(&n, src, sizeof n);
		if (n < sizeof n)
			return gb_error(ctx, GB_E_USAGE, "%s: size not set (see guestboot.h, ABI)", what);
		memcpy(dst, src, n < dst_size ? n : dst_size);
	}
	memcpy(dst, &dst_size, sizeof dst_size);
	return 0;
}

int gb_abi_out_ok(struct gb_ctx *ctx, const void *dst, const char *what)
{
	size_t n;
	memcpy(&n, dst, sizeof n);
	if (n < sizeof n)
		return gb_error(ctx, GB_E_USAGE, "%s: size not set (see guestboot.h, ABI)", what);
	return 0;
}

void gb_abi_out(void *dst, const void *src, size_t src_size)
{
	size_t n, m;
	memcpy(&n, dst, sizeof n);
	m = n < src_size ? n : src_size;
	if (m > sizeof n)
		memcpy((char *)dst + sizeof n, (const char *)src + sizeof n, m - sizeof n);
	if (n > m) /* fields of a newer header than ours */
		memset((char *)dst + m, 0, n - m);
}
