/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* GRUB 2 script parser: recursive descent over GRUB's grammar
 * (grub-core/script/parser.y), building a tree in an arena. GRUB reads a
 * config one top-level chunk at a time: the statements of one line, or
 * one construct spanning lines (if/for/while/function/{ }). A syntax error
 * discards its chunk up to the end of the line where it was found; GRUB
 * reports it and goes on with the next line. We do the same. */
#include "config/grub2/grub2.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

/* ---- arena ------------------------------------------------------------ */

struct gb_grub2_chunk {
	struct gb_grub2_chunk *next;
	size_t used, cap;
	_Alignas(16) unsigned char data[];
};

void *gb_grub2_alloc(struct gb_grub2_arena *a, size_t size)
{
	size = (size + 15) & ~(size_t)15;
	struct gb_grub2_chunk *c = a->head;
	if (!c || c->cap - c->used < size) {
		size_t cap = size > 8192 ? size : 8192;
		c = malloc(sizeof(*c) + cap);
		if (!c)
			return NULL;
		c->used = 0;
		c->cap = cap;
		c->next = a->head;
		a->head = c;
	}
	void *p = c->data + c->used;
	c->used += size;
	memset(p, 0, size);
	return p;
}

char *gb_grub2_strndup(struct gb_grub2_arena *a, const char *s, size_t n)
{
	char *p = gb_grub2_alloc(a, n + 1);
	if (p) {
		memcpy(p, s, n);
		p[n] = '\0';
	}
	return p;
}

void gb_grub2_arena_free(struct gb_grub2_arena *a)
{
	while (a->head) {
		struct gb_grub2_chunk *c = a->head;
		a->head = c->next;
		free(c);
	}
}

/* ---- tokens ------------------------------------------------------------ */

static const struct gb_grub2_token *tok(struct gb_grub2_parser *p)
{
	if (!p->have_tok) {
		gb_grub2_lex_next(&p->lx, &p->tok);
		p->have_tok = true;
	}
	return &p->tok;
}

static void take(struct gb_grub2_parser *p)
{
	tok(p);
	p->have_tok = false;
}

static bool is(struct gb_grub2_parser *p, enum gb_grub2_tok type)
{
	return tok(p)->type == type;
}

static bool is_kw(struct gb_grub2_parser *p, enum gb_grub2_kw kw)
{
	return tok(p)->type == GB_GRUB2_T_WORD && tok(p)->kw == kw;
}

static void describe(const struct gb_grub2_token *t, char *out, size_t cap)
{
	switch (t->type) {
	case GB_GRUB2_T_EOF: snprintf(out, cap, "end of file"); return;
	case GB_GRUB2_T_NEWLINE: snprintf(out, cap, "newline"); return;
	case GB_GRUB2_T_SEMI: snprintf(out, cap, "';'"); return;
	case GB_GRUB2_T_LBR: snprintf(out, cap, "'{'"); return;
	case GB_GRUB2_T_RBR: snprintf(out, cap, "'}'"); return;
	case GB_GRUB2_T_BAD: snprintf(out, cap, "%s%s%s", t->bad[1] && strchr(t->bad, ' ') ? "" : "'",
				    t->bad, t->bad[1] && strchr(t->bad, ' ') ? "" : "'"); return;
	case GB_GRUB2_T_WORD:
		if (t->text)
			snprintf(out, cap, "'%.40s'", t->text);
		else
			snprintf(out, cap, "word");
		return;
	}
}

static void *fail(struct gb_grub2_parser *p, const char *expected)
{
	if (p->error)
		return NULL;
	const struct gb_grub2_token *t = tok(p);
	char what[64];
	describe(t, what, sizeof(what));
	p->error = true;
	p->err_line = t->line;
	p->err_col = t->col;
	if (t->type == GB_GRUB2_T_BAD && strchr(t->bad, ' '))
		snprintf(p->err_msg, sizeof(p->err_msg), "syntax error: %s", t->bad);
	else if (expected)
		snprintf(p->err_msg, sizeof(p->err_msg), "syntax error: unexpected %s, expecting %s",
			 what, expected);
	else
		snprintf(p->err_msg, sizeof(p->err_msg), "syntax error: unexpected %s", what);
	return NULL;
}

static void *oom(struct gb_grub2_parser *p)
{
	p->lx.oom = true;
	return fail(p, NULL);
}

/* ---- grammar --------------------------------------------------------- */

static struct gb_grub2_node *command(struct gb_grub2_parser *p);

static bool starts_command(struct gb_grub2_parser *p)
{
	const struct gb_grub2_token *t = tok(p);
	return t->type == GB_GRUB2_T_WORD &&
	       (t->kw == GB_GRUB2_KW_NONE || t->kw == GB_GRUB2_KW_IF || t->kw == GB_GRUB2_KW_FOR ||
		t->kw == GB_GRUB2_KW_WHILE || t->kw == GB_GRUB2_KW_UNTIL);
}

static bool is_delimiter(struct gb_grub2_parser *p)
{
	return is(p, GB_GRUB2_T_SEMI) || is(p, GB_GRUB2_T_NEWLINE);
}

/* delimiters1: one ';' or newline, then any newlines */
static bool delimiters1(struct gb_grub2_parser *p)
{
	if (!is_delimiter(p))
		return false;
	take(p);
	while (is(p, GB_GRUB2_T_NEWLINE))
		take(p);
	return true;
}

/* commands1: newlines0 command { delimiters1 command }; *delim tells
 * whether a trailing delimiters1 was consumed. */
static struct gb_grub2_node *commands1(struct gb_grub2_parser *p, bool *delim)
{
	while (is(p, GB_GRUB2_T_NEWLINE))
		take(p);
	if (!starts_command(p))
		return fail(p, "a command");
	struct gb_grub2_node *first = command(p), *last = first;
	*delim = false;
	while (first && !p->error) {
		*delim = delimiters1(p);
		if (!*delim || !starts_command(p))
			break;
		struct gb_grub2_node *n = command(p);
		if (!n)
			return NULL;
		last->next = n;
		last = n;
		*delim = false;
	}
	return p->error ? NULL : first;
}

static struct gb_grub2_node *new_node(struct gb_grub2_parser *p, enum gb_grub2_node_kind kind)
{
	struct gb_grub2_node *n = gb_grub2_alloc(p->lx.arena, sizeof(*n));
	if (!n)
		return oom(p);
	n->kind = kind;
	n->line = tok(p)->line;
	return n;
}

static bool expect_kw(struct gb_grub2_parser *p, bool delim, enum gb_grub2_kw kw)
{
	if (!delim) {
		if (!p->error)
			fail(p, "';' or newline");
		return false;
	}
	if (!is_kw(p, kw)) {
		char want[16];
		snprintf(want, sizeof(want), "'%s'", gb_grub2_kw_name(kw));
		fail(p, want);
		return false;
	}
	take(p);
	return true;
}

static bool enter(struct gb_grub2_parser *p)
{
	if (++p->depth > GB_GRUB2_MAX_PARSE_DEPTH) {
		fail(p, NULL);
		snprintf(p->err_msg, sizeof(p->err_msg), "constructs nested deeper than %d",
			 GB_GRUB2_MAX_PARSE_DEPTH);
		return false;
	}
	return true;
}

/* ifclause: commands1 delimiters1 then commands1 delimiters1
 *           [ else commands1 delimiters1 | elif ifclause ] -- and one fi */
static struct gb_grub2_node *ifclause(struct gb_grub2_parser *p)
{
	bool d;
	struct gb_grub2_node *n = new_node(p, GB_GRUB2_IF);
	if (!n || !enter(p))
		return NULL;
	n->cond = commands1(p, &d);
	if (!n->cond || !expect_kw(p, d, GB_GRUB2_KW_THEN))
		return NULL;
	n->body = commands1(p, &d);
	if (!n->body)
		return NULL;
	if (!d)
		return fail(p, "';' or newline");
	if (is_kw(p, GB_GRUB2_KW_ELSE)) {
		take(p);
		n->orelse = commands1(p, &d);
		if (!n->orelse)
			return NULL;
		if (!d)
			return fail(p, "';' or newline");
	} else if (is_kw(p, GB_GRUB2_KW_ELIF)) {
		take(p);
		n->orelse = ifclause(p);
		if (!n->orelse)
			return NULL;
		p->depth--;
		return n;
	}
	if (!is_kw(p, GB_GRUB2_KW_FI))
		return fail(p, "'fi'");
	p->depth--;
	return n;
}

static struct gb_grub2_node *ifcmd(struct gb_grub2_parser *p)
{
	take(p);
	p->refs++;
	struct gb_grub2_node *n = ifclause(p);
	if (!n)
		return NULL;
	take(p); /* fi */
	p->refs--;
	return n;
}

/* Append words (any word, reserved words included) to *tail. */
static void arguments(struct gb_grub2_parser *p, struct gb_grub2_word **head)
{
	struct gb_grub2_word **tail = head;
	while (is(p, GB_GRUB2_T_WORD)) {
		*tail = tok(p)->word;
		tail = &(*tail)->next;
		take(p);
	}
}

static struct gb_grub2_node *forcmd(struct gb_grub2_parser *p)
{
	bool d;
	struct gb_grub2_node *n = new_node(p, GB_GRUB2_FOR);
	if (!n || !enter(p))
		return NULL;
	take(p);
	if (!is(p, GB_GRUB2_T_WORD) || !tok(p)->name || tok(p)->kw)
		return fail(p, "a variable name");
	n->name = tok(p)->text;
	take(p);
	p->refs++;
	if (!is_kw(p, GB_GRUB2_KW_IN))
		return fail(p, "'in'");
	take(p);
	arguments(p, &n->words);
	if (!expect_kw(p, delimiters1(p), GB_GRUB2_KW_DO))
		return NULL;
	n->body = commands1(p, &d);
	if (!n->body || !expect_kw(p, d, GB_GRUB2_KW_DONE))
		return NULL;
	p->refs--;
	p->depth--;
	return n;
}

static struct gb_grub2_node *whilecmd(struct gb_grub2_parser *p, bool until)
{
	bool d;
	struct gb_grub2_node *n = new_node(p, GB_GRUB2_WHILE);
	if (!n || !enter(p))
		return NULL;
	n->until = until;
	take(p);
	p->refs++;
	n->cond = commands1(p, &d);
	if (!n->cond || !expect_kw(p, d, GB_GRUB2_KW_DO))
		return NULL;
	n->body = commands1(p, &d);
	if (!n->body || !expect_kw(p, d, GB_GRUB2_KW_DONE))
		return NULL;
	p->refs--;
	p->depth--;
	return n;
}

/* block: { commands1 [delimiters1] }, kept as source text for the
 * command (menuentry/submenu run it later). */
static bool block(struct gb_grub2_parser *p, struct gb_grub2_node *n)
{
	bool d;
	size_t start = tok(p)->end;
	n->block_line = tok(p)->line;
	if (!enter(p))
		return false;
	take(p);
	p->refs++;
	if (!commands1(p, &d))
		return false;
	if (!is(p, GB_GRUB2_T_RBR))
		return fail(p, "'}'"), false;
	n->block = gb_grub2_strndup(p->lx.arena, p->lx.src + start, tok(p)->start - start);
	if (!n->block)
		return oom(p), false;
	take(p);
	p->refs--;
	p->depth--;
	return true;
}

static struct gb_grub2_node *grubcmd(struct gb_grub2_parser *p)
{
	struct gb_grub2_node *n = new_node(p, GB_GRUB2_CMD);
	if (!n)
		return NULL;
	n->words = tok(p)->word;
	take(p);
	arguments(p, &n->words->next);
	if (is(p, GB_GRUB2_T_LBR) && !block(p, n))
		return NULL;
	return n;
}

static struct gb_grub2_node *command(struct gb_grub2_parser *p)
{
	switch (tok(p)->kw) {
	case GB_GRUB2_KW_IF: return ifcmd(p);
	case GB_GRUB2_KW_FOR: return forcmd(p);
	case GB_GRUB2_KW_WHILE: return whilecmd(p, false);
	case GB_GRUB2_KW_UNTIL: return whilecmd(p, true);
	default: return grubcmd(p);
	}
}

/* function NAME newlines0 { commands1 delimiters1 }: defined while
 * parsing, as GRUB does, even if the rest of the chunk fails. */
static bool function(struct gb_grub2_parser *p)
{
	bool d;
	take(p);
	if (!is(p, GB_GRUB2_T_WORD) || !tok(p)->name || tok(p)->kw)
		return fail(p, "a function name"), false;
	const char *name = tok(p)->text;
	take(p);
	p->refs++;
	while (is(p, GB_GRUB2_T_NEWLINE))
		take(p);
	if (!is(p, GB_GRUB2_T_LBR))
		return fail(p, "'{'"), false;
	size_t start = tok(p)->end, line = tok(p)->line;
	take(p);
	if (!commands1(p, &d))
		return false;
	if (!d)
		return fail(p, "';' or newline"), false;
	if (!is(p, GB_GRUB2_T_RBR))
		return fail(p, "'}'"), false;
	size_t end = tok(p)->start;
	take(p);
	p->refs--;
	if (p->g)
		gb_grub2_define_function(p->g, name, p->lx.src + start, end - start, line);
	return true;
}

void gb_grub2_parser_init(struct gb_grub2_parser *p, struct gb_grub2 *g, const char *file,
			  const char *src, size_t len, size_t first_line,
			  struct gb_grub2_arena *arena, unsigned long *steps)
{
	memset(p, 0, sizeof(*p));
	p->g = g;
	p->file = file;
	gb_grub2_lex_init(&p->lx, src, len, first_line, arena, steps);
}

/* Throw away what GRUB would have read for the failed chunk: after the
 * first error its lexer reads nothing more (lexer.c returns BAD while
 * err is set), so the rest of the current line goes, and parsing starts
 * again with the next line, even inside an open construct. */
static void recover(struct gb_grub2_parser *p)
{
	if (!(p->have_tok && p->tok.type == GB_GRUB2_T_NEWLINE))
		gb_grub2_lex_skip_line(&p->lx);
	p->have_tok = false;
}

enum gb_grub2_chunk_result gb_grub2_parse_chunk(struct gb_grub2_parser *p,
						struct gb_grub2_node **list)
{
	struct gb_grub2_node **tail = list;
	*list = NULL;
	p->error = false;
	p->refs = 0;
	p->depth = 0;
	while (is(p, GB_GRUB2_T_NEWLINE))
		take(p);
	if (is(p, GB_GRUB2_T_EOF))
		return GB_GRUB2_CHUNK_EOF;
	for (;;) {
		if (is_kw(p, GB_GRUB2_KW_FUNCTION)) {
			function(p);
		} else if (starts_command(p)) {
			struct gb_grub2_node *n = command(p);
			if (n) {
				*tail = n;
				tail = &n->next;
			}
		} else {
			fail(p, NULL);
		}
		if (p->error || p->lx.oom)
			break;
		if (is(p, GB_GRUB2_T_EOF))
			return GB_GRUB2_CHUNK_OK;
		if (is(p, GB_GRUB2_T_NEWLINE)) {
			take(p);
			return GB_GRUB2_CHUNK_OK;
		}
		if (!is(p, GB_GRUB2_T_SEMI)) {
			fail(p, "';' or newline");
			break;
		}
		take(p);
		if (is(p, GB_GRUB2_T_NEWLINE)) {
			take(p);
			return GB_GRUB2_CHUNK_OK;
		}
		if (is(p, GB_GRUB2_T_EOF))
			return GB_GRUB2_CHUNK_OK;
	}
	if (!p->error)
		fail(p, NULL);
	recover(p);
	*list = NULL;
	return GB_GRUB2_CHUNK_ERROR;
}
