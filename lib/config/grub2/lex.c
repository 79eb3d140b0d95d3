/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* GRUB 2 script lexer. Token rules as GRUB's yylex.l: blanks are space and
 * tab; `{ } | & ; < >` and newline end a word; `#` starts a comment only
 * at the start of a token; a word is a run of plain characters, quoted
 * strings, backslash escapes and $variables, split into typed parts that
 * the executor expands later. Unquoted text keeps its backslashes (GRUB
 * removes them after expansion); backslash-newline joins lines. */
#include "config/grub2/grub2.h"

#include <stdlib.h>

struct text {
	char *p;
	size_t len, cap;
	bool oom;
};

static void text_add(struct text *t, char c)
{
	if (t->len + 2 > t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 64;
		char *p = realloc(t->p, cap);
		if (!p) {
			t->oom = true;
			return;
		}
		t->p = p;
		t->cap = cap;
	}
	t->p[t->len++] = c;
	t->p[t->len] = '\0';
}

struct build {
	struct gb_grub2_lexer *lx;
	struct gb_grub2_word *word;
	struct gb_grub2_part **tail;
	struct text buf;
};

static int peek(const struct gb_grub2_lexer *lx, size_t off)
{
	return lx->pos + off < lx->len ? (unsigned char)lx->src[lx->pos + off] : -1;
}

static void advance(struct gb_grub2_lexer *lx)
{
	if (lx->pos >= lx->len)
		return;
	if (lx->src[lx->pos] == '\n') {
		lx->line++;
		lx->line_start = lx->pos + 1;
	}
	lx->pos++;
}

static void add_part(struct build *b, enum gb_grub2_part_type type, const char *s, size_t n)
{
	struct gb_grub2_part *p = gb_grub2_alloc(b->lx->arena, sizeof(*p));
	char *str = gb_grub2_strndup(b->lx->arena, s ? s : "", s ? n : 0);
	if (!p || !str) {
		b->lx->oom = true;
		return;
	}
	p->type = type;
	p->str = str;
	*b->tail = p;
	b->tail = &p->next;
}

/* Emit the pending text as a part of the given type (empty parts of
 * unquoted text contribute nothing, so they are skipped). */
static void flush(struct build *b, enum gb_grub2_part_type type, bool keep_empty)
{
	if (b->buf.len || keep_empty)
		add_part(b, type, b->buf.p, b->buf.len);
	b->buf.len = 0;
	if (b->buf.p)
		b->buf.p[0] = '\0';
}

static bool is_name_start(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static bool is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static bool is_special_var(int c)
{
	return c == '?' || c == '#' || c == '*' || c == '@';
}

/* Length of a variable name at the lexer position (NAME, DIGITS or one
 * special character), 0 when there is none. */
static size_t var_name_len(const struct gb_grub2_lexer *lx, size_t off)
{
	int c = peek(lx, off);
	size_t n = 0;
	if (is_special_var(c))
		return 1;
	if (is_digit(c)) {
		while (is_digit(peek(lx, off + n)))
			n++;
		return n;
	}
	if (!is_name_start(c))
		return 0;
	while (is_name_start(peek(lx, off + n)) || is_digit(peek(lx, off + n)))
		n++;
	return n;
}

/* After a '$': $name, ${name}. False when no valid variable follows. */
static bool lex_var(struct build *b, enum gb_grub2_part_type type)
{
	struct gb_grub2_lexer *lx = b->lx;
	bool braced = peek(lx, 0) == '{';
	size_t n = var_name_len(lx, braced);
	if (!n || (braced && peek(lx, 1 + n) != '}'))
		return false;
	add_part(b, type, lx->src + lx->pos + braced, n);
	for (size_t i = 0; i < n + 2 * braced; i++)
		advance(lx);
	return true;
}

/* Inside "...": \$ \\ \" are escapes, backslash-newline vanishes, any
 * other backslash is literal; $variables are expanded unsplit. */
static const char *lex_dquote(struct build *b)
{
	struct gb_grub2_lexer *lx = b->lx;
	for (;;) {
		int c = peek(lx, 0);
		if (c < 0)
			return "unterminated \" string";
		if (c == '"') {
			flush(b, GB_GRUB2_DQSTR, true);
			advance(lx);
			return NULL;
		}
		if (c == '\\') {
			int n = peek(lx, 1);
			if (n == '$' || n == '\\' || n == '"') {
				text_add(&b->buf, (char)n);
				advance(lx);
				advance(lx);
			} else if (n == '\n') {
				advance(lx);
				advance(lx);
			} else {
				text_add(&b->buf, '\\');
				advance(lx);
			}
			continue;
		}
		if (c == '$') {
			flush(b, GB_GRUB2_DQSTR, true);
			advance(lx);
			if (!lex_var(b, GB_GRUB2_DQVAR))
				return "'$' without a variable name";
			continue;
		}
		text_add(&b->buf, (char)c);
		advance(lx);
	}
}

/* Inside $"..." (GRUB's I18NQUOTE state): \\ stays two backslashes, \"
 * is a quote, backslash-newline vanishes; $ is plain text here, expanded
 * when the command runs (execute.c's gettext_append). */
static const char *lex_gettext(struct build *b)
{
	struct gb_grub2_lexer *lx = b->lx;
	for (;;) {
		int c = peek(lx, 0);
		if (c < 0)
			return "unterminated \" string";
		if (c == '"') {
			flush(b, GB_GRUB2_GETTEXT, true);
			advance(lx);
			return NULL;
		}
		if (c == '\\') {
			int n = peek(lx, 1);
			if (n == '\\' || n == '"') {
				if (n == '\\')
					text_add(&b->buf, '\\');
				text_add(&b->buf, (char)n);
				advance(lx);
			} else if (n == '\n') {
				advance(lx);
			} else {
				text_add(&b->buf, '\\');
			}
			advance(lx);
			continue;
		}
		text_add(&b->buf, (char)c);
		advance(lx);
	}
}

static const char *lex_squote(struct build *b)
{
	struct gb_grub2_lexer *lx = b->lx;
	size_t start = lx->pos;
	while (peek(lx, 0) >= 0 && peek(lx, 0) != '\'')
		advance(lx);
	if (peek(lx, 0) < 0)
		return "unterminated ' string";
	add_part(b, GB_GRUB2_SQSTR, lx->src + start, lx->pos - start);
	advance(lx);
	return NULL;
}

static bool ends_word(int c)
{
	return c < 0 || c == ' ' || c == '\t' || c == '\n' || c == '{' || c == '}' ||
	       c == '|' || c == '&' || c == ';' || c == '<' || c == '>';
}

/* One word; *plain stays true while it is made of plain characters only
 * (then it may be a reserved word or a NAME). */
static const char *lex_word_parts(struct build *b, bool *plain)
{
	struct gb_grub2_lexer *lx = b->lx;
	const char *err = NULL;
	while (!err && !ends_word(peek(lx, 0))) {
		int c = peek(lx, 0);
		if (c == '\\') {
			int n = peek(lx, 1);
			*plain = false;
			/* a continuation needs a next line, as GRUB asks for one */
			if (n < 0 || (n == '\n' && lx->pos + 2 >= lx->len))
				return "unexpected end of file after '\\'";
			if (n != '\n') {
				text_add(&b->buf, '\\');
				text_add(&b->buf, (char)n);
			}
			advance(lx);
			advance(lx);
		} else if (c == '\'' || c == '"' || c == '$') {
			*plain = false;
			flush(b, GB_GRUB2_TEXT, false);
			advance(lx);
			if (c == '\'')
				err = lex_squote(b);
			else if (c == '"')
				err = lex_dquote(b);
			else if (peek(lx, 0) == '"') {
				advance(lx); /* $"..." (gettext): no translation here */
				err = lex_gettext(b);
			} else if (!lex_var(b, GB_GRUB2_VAR))
				err = "'$' without a variable name";
		} else {
			text_add(&b->buf, (char)c);
			advance(lx);
		}
	}
	flush(b, GB_GRUB2_TEXT, false);
	return err;
}

static const char *const keywords[] = {
	[GB_GRUB2_KW_CASE] = "case", [GB_GRUB2_KW_DO] = "do", [GB_GRUB2_KW_DONE] = "done",
	[GB_GRUB2_KW_ELIF] = "elif", [GB_GRUB2_KW_ELSE] = "else", [GB_GRUB2_KW_ESAC] = "esac",
	[GB_GRUB2_KW_FI] = "fi", [GB_GRUB2_KW_FOR] = "for", [GB_GRUB2_KW_IF] = "if",
	[GB_GRUB2_KW_IN] = "in", [GB_GRUB2_KW_SELECT] = "select", [GB_GRUB2_KW_THEN] = "then",
	[GB_GRUB2_KW_UNTIL] = "until", [GB_GRUB2_KW_WHILE] = "while",
	[GB_GRUB2_KW_FUNCTION] = "function",
};

const char *gb_grub2_kw_name(enum gb_grub2_kw kw)
{
	return kw > GB_GRUB2_KW_NONE && kw <= GB_GRUB2_KW_FUNCTION ? keywords[kw] : "";
}

static void classify_plain(struct gb_grub2_token *t, const char *s)
{
	t->text = s;
	for (int k = GB_GRUB2_KW_CASE; k <= GB_GRUB2_KW_FUNCTION; k++)
		if (!strcmp(s, keywords[k])) {
			t->kw = (enum gb_grub2_kw)k;
			return;
		}
	if (!strcmp(s, "[[") || !strcmp(s, "]]")) {
		/* reserved by GRUB's lexer, used by no rule: always an error */
		t->type = GB_GRUB2_T_BAD;
		t->bad = s;
		return;
	}
	bool name = is_name_start((unsigned char)s[0]);
	for (const char *q = s; name && *q; q++)
		name = is_name_start((unsigned char)*q) || is_digit((unsigned char)*q);
	t->name = name;
}

static void lex_word(struct gb_grub2_lexer *lx, struct gb_grub2_token *t)
{
	struct build b = { .lx = lx };
	bool plain = true;
	b.word = gb_grub2_alloc(lx->arena, sizeof(*b.word));
	if (!b.word) {
		lx->oom = true;
		t->type = GB_GRUB2_T_EOF;
		return;
	}
	b.tail = &b.word->parts;
	const char *err = lex_word_parts(&b, &plain);
	free(b.buf.p);
	if (b.buf.oom)
		lx->oom = true;
	t->type = GB_GRUB2_T_WORD;
	t->word = b.word;
	if (err) {
		t->type = GB_GRUB2_T_BAD;
		t->bad = err;
		return;
	}
	if (plain && b.word->parts && !b.word->parts->next)
		classify_plain(t, b.word->parts->str);
}

static void lex_symbol(struct gb_grub2_lexer *lx, struct gb_grub2_token *t, int c)
{
	static const char *const bad2[] = { "||", "&&", ";;" };
	advance(lx);
	switch (c) {
	case '\n': t->type = GB_GRUB2_T_NEWLINE; return;
	case '{': t->type = GB_GRUB2_T_LBR; return;
	case '}': t->type = GB_GRUB2_T_RBR; return;
	case ';':
		if (peek(lx, 0) != ';') {
			t->type = GB_GRUB2_T_SEMI;
			return;
		}
		break;
	default:
		break;
	}
	/* | & < > || && ;; are GRUB tokens that no grammar rule accepts */
	t->type = GB_GRUB2_T_BAD;
	t->bad = c == '|' ? "|" : c == '&' ? "&" : c == '<' ? "<" : c == '>' ? ">" : ";";
	for (size_t i = 0; i < 3; i++)
		if (c == bad2[i][0] && peek(lx, 0) == bad2[i][1]) {
			t->bad = bad2[i];
			advance(lx);
		}
}

void gb_grub2_lex_init(struct gb_grub2_lexer *lx, const char *src, size_t len,
		       size_t first_line, struct gb_grub2_arena *arena, unsigned long *steps)
{
	memset(lx, 0, sizeof(*lx));
	lx->src = src;
	lx->len = len;
	lx->line = first_line;
	lx->arena = arena;
	lx->steps = steps;
}

void gb_grub2_lex_next(struct gb_grub2_lexer *lx, struct gb_grub2_token *t)
{
	memset(t, 0, sizeof(*t));
	for (;;) {
		int c = peek(lx, 0);
		if (c == ' ' || c == '\t') {
			advance(lx);
		} else if (c == '#') {
			while (peek(lx, 0) >= 0 && peek(lx, 0) != '\n')
				advance(lx);
		} else {
			break;
		}
	}
	t->line = lx->line;
	t->col = lx->pos - lx->line_start + 1;
	t->start = lx->pos;
	if (lx->steps)
		(*lx->steps)++;
	int c = peek(lx, 0);
	if (c < 0)
		t->type = GB_GRUB2_T_EOF;
	else if (c == '\n' || c == '{' || c == '}' || c == ';' || c == '|' || c == '&' ||
		 c == '<' || c == '>')
		lex_symbol(lx, t, c);
	else
		lex_word(lx, t);
	t->end = lx->pos;
}

void gb_grub2_lex_skip_line(struct gb_grub2_lexer *lx)
{
	while (peek(lx, 0) >= 0 && peek(lx, 0) != '\n')
		advance(lx);
	advance(lx);
}
