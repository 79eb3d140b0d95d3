/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Config test runner. Each tests/config/<parser>/<case>.t file holds:
 *
 *   # free text
 *   --- device N [grub=hd0,msdos1] [number=1] [uuid=...] [label=...] [fstype=ext4] [nofs]
 *   --- file N:/boot/grub/grub.cfg
 *   ...contents, verbatim...
 *   --- file N:/boot/grub/grub.cfg from=debian12/boot/grub/grub.cfg
 *   (no body: the contents are tests/config/data/debian12/boot/grub/grub.cfg,
 *   a real config that several cases share)
 *   --- link N:/boot/vmlinuz vmlinuz-6.1
 *   --- run PARSER N:/path/to/config [platform=xen] [cpu=arm64]
 *   --- expect
 *   ...gb_menu_dump() output...
 *   --- expect-error CODE text-the-message-contains
 *
 * Device 0 exists by default (grub=hd0,msdos1 number=1 fstype=ext4). Files
 * go into an in-memory file system per device, served through the real fs
 * interface. Prints one PASS/FAIL line per .t file, with a diff on failure.
 *
 * config-runner --update CASE... rewrites each case's "--- expect" body with
 * what the parser gives now (nothing else in the file changes; review the
 * change with git diff): "UPDATE name" for a rewritten case, "PASS name"
 * for one already right, "FAIL name" for one it cannot rewrite (an
 * expect-error case, whose text is a chosen part of the message, or a
 * parse that failed).
 *
 * A directory argument stands for the cases in its subfolders (meson test).
 *
 * config-runner --cat CASE N:/PATH writes the contents CASE gives that file
 * (its body or its from= data file) to stdout, for scripts that reuse a
 * case's configs (grub_script_check.sh, xen_nested.sh).
 *
 * config-runner --syntax FILE only lexes and parses FILE with the GRUB 2
 * parser: exit 0 when it parses, 1 (message on stderr) when it does not.
 */
#define _GNU_SOURCE
#include "config/config.h"
#include "config/grub2.h"

#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_DEV 8
#define MAX_FILES 256

struct tcase {
	struct gb_cfg_device dev[MAX_DEV];
	char grub[MAX_DEV][32], uuid[MAX_DEV][64], label[MAX_DEV][64], fstype[MAX_DEV][16];
	bool nofs[MAX_DEV];
	size_t ndev;
	struct gb_memfs_entry files[MAX_DEV][MAX_FILES];
	size_t nfiles[MAX_DEV];
	char parser[32], platform[32], cpu[32];
	int run_dev;
	char run_path[512];
	char *data[MAX_DEV][MAX_FILES];  /* contents read from tests/config/data */
	char *expect, *expect_end;
	char err_code[32], err_text[512];
	bool want_error;
};

static int code_of(const char *name)
{
	static const struct { const char *n; int c; } codes[] = {
		{ "USAGE", GB_E_USAGE }, { "NOT_FOUND", GB_E_NOT_FOUND },
		{ "UNSUPPORTED", GB_E_UNSUPPORTED }, { "CORRUPT", GB_E_CORRUPT },
		{ "IO", GB_E_IO }, { "LIMIT", GB_E_LIMIT }, { "AMBIGUOUS", GB_E_AMBIGUOUS },
		{ "SYNTAX", GB_E_SYNTAX }, { "NOMEM", GB_E_NOMEM },
	};
	for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++)
		if (!strcmp(codes[i].n, name))
			return codes[i].c;
	return 1;
}

static int parse_devpath(const char *s, int *dev, const char **path)
{
	char *end;
	long d = strtol(s, &end, 10);
	if (end == s || *end != ':' || d < 0 || d >= MAX_DEV)
		return -1;
	*dev = (int)d;
	*path = end + 1;
	return 0;
}

static void ensure_dev(struct tcase *t, int d)
{
	while (t->ndev <= (size_t)d) {
		size_t i = t->ndev++;
		snprintf(t->grub[i], sizeof(t->grub[i]), "hd0,msdos%zu", i + 1);
		snprintf(t->fstype[i], sizeof(t->fstype[i]), "ext4");
		t->dev[i].number = (int)i + 1;
	}
}

static char *read_all(const char *path, size_t *len)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return NULL;
	char *text = NULL;
	size_t cap = 0;
	ssize_t n = getdelim(&text, &cap, '\0', f);
	fclose(f);
	if (n < 0) {
		free(text);
		return NULL;
	}
	if (len)
		*len = (size_t)n;
	return text;
}

/* from=NAME: NAME is below tests/config/data, beside the case's parser
 * folder; no absolute names or "..", so a case names only shared data. */
static char *read_data(const char *file, const char *name, char *why, size_t whylen)
{
	if (name[0] == '/' || !strcmp(name, "..") || !strncmp(name, "../", 3) ||
	    strstr(name, "/../") || (strlen(name) >= 3 && !strcmp(name + strlen(name) - 3, "/..")))
		return snprintf(why, whylen, "from=%s: a name below tests/config/data", name), NULL;
	const char *slash = strrchr(file, '/');
	char path[1024];
	if (slash)
		snprintf(path, sizeof(path), "%.*s/../data/%s", (int)(slash - file), file, name);
	else
		snprintf(path, sizeof(path), "../data/%s", name);
	char *data = read_all(path, NULL);
	if (!data)
		snprintf(why, whylen, "from=%s: cannot read %s", name, path);
	return data;
}

/* Split the file into sections; contents are kept verbatim. */
static int load(const char *file, char *text, struct tcase *t, char *why, size_t whylen)
{
	ensure_dev(t, 0);
	char *p = text;
	char **body = NULL;    /* where the current section's text goes */
	struct gb_memfs_entry *cur = NULL;
	while (*p) {
		char *nl = strchrnul(p, '\n');
		bool header = !strncmp(p, "--- ", 4);
		if (!header) {
			if (cur || body) {
				/* extend the current body: bodies are contiguous in text */
			}
			p = *nl ? nl + 1 : nl;
			continue;
		}
		/* close the previous body at the start of this header */
		if (cur) {
			*p = '\0';
			cur->len = strlen(cur->data);
			if (!cur->len)
				cur->data = "", cur->len = 0;
			cur = NULL;
		}
		if (body) {
			*p = '\0';
			t->expect_end = p;
			body = NULL;
		}
		*nl = '\0';
		char *h = p + 4;
		char *next = nl + 1;
		char word[32], a[512], b[512];
		a[0] = b[0] = '\0';
		int nw = sscanf(h, "%31s %511s %511[^\n]", word, a, b);
		int d;
		const char *path;
		if (!strcmp(word, "file") && nw >= 2 && !parse_devpath(a, &d, &path)) {
			ensure_dev(t, d);
			if (t->nfiles[d] == MAX_FILES)
				return snprintf(why, whylen, "too many files"), -1;
			size_t i = t->nfiles[d]++;
			struct gb_memfs_entry *e = &t->files[d][i];
			e->path = strdup(path);
			if (nw == 3) {
				if (strncmp(b, "from=", 5))
					return snprintf(why, whylen, "bad file header '%s'", h), -1;
				if (*next && strncmp(next, "--- ", 4))
					return snprintf(why, whylen, "%s: a file with from= has no body of its own", a), -1;
				t->data[d][i] = read_data(file, b + 5, why, whylen);
				if (!t->data[d][i])
					return -1;
				e->data = t->data[d][i];
				e->len = strlen(e->data);
			} else {
				cur = e;
				cur->data = next;
			}
		} else if (!strcmp(word, "link") && nw == 3 && !parse_devpath(a, &d, &path)) {
			ensure_dev(t, d);
			struct gb_memfs_entry *e = &t->files[d][t->nfiles[d]++];
			e->path = strdup(path);
			e->link = strdup(b);
		} else if (!strcmp(word, "device") && nw >= 2) {
			d = atoi(a);
			if (d < 0 || d >= MAX_DEV)
				return snprintf(why, whylen, "bad device"), -1;
			ensure_dev(t, d);
			char *save, *tok;
			for (tok = strtok_r(b, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
				if (!strncmp(tok, "grub=", 5))
					snprintf(t->grub[d], sizeof(t->grub[d]), "%s", tok + 5);
				else if (!strncmp(tok, "number=", 7))
					t->dev[d].number = atoi(tok + 7);
				else if (!strncmp(tok, "uuid=", 5))
					snprintf(t->uuid[d], sizeof(t->uuid[d]), "%s", tok + 5);
				else if (!strncmp(tok, "label=", 6))
					snprintf(t->label[d], sizeof(t->label[d]), "%s", tok + 6);
				else if (!strncmp(tok, "fstype=", 7))
					snprintf(t->fstype[d], sizeof(t->fstype[d]), "%s", tok + 7);
				else if (!strcmp(tok, "nofs"))
					t->nofs[d] = true;
				else
					return snprintf(why, whylen, "bad device attribute '%s'", tok), -1;
			}
		} else if (!strcmp(word, "run") && nw >= 2) {
			snprintf(t->parser, sizeof(t->parser), "%s", a);
			char dp[512] = "", opt[2][512] = { "", "" };
			sscanf(b, "%511s %511s %511s", dp, opt[0], opt[1]);
			if (parse_devpath(dp, &t->run_dev, &path))
				return snprintf(why, whylen, "bad run line"), -1;
			snprintf(t->run_path, sizeof(t->run_path), "%s", path);
			for (int o = 0; o < 2; o++) {
				if (!strncmp(opt[o], "platform=", 9))
					snprintf(t->platform, sizeof(t->platform), "%s", opt[o] + 9);
				else if (!strncmp(opt[o], "cpu=", 4))
					snprintf(t->cpu, sizeof(t->cpu), "%s", opt[o] + 4);
				else if (opt[o][0])
					return snprintf(why, whylen, "bad run option '%s'", opt[o]), -1;
			}
		} else if (!strcmp(word, "expect") && nw == 1) {
			t->expect = next;
			t->expect_end = next + strlen(next);
			body = &t->expect;
		} else if (!strcmp(word, "expect-error") && nw >= 2) {
			t->want_error = true;
			snprintf(t->err_code, sizeof(t->err_code), "%s", a);
			snprintf(t->err_text, sizeof(t->err_text), "%s", b);
		} else {
			return snprintf(why, whylen, "%s: bad section header '%s'", file, h), -1;
		}
		p = next;
	}
	if (!t->parser[0])
		return snprintf(why, whylen, "no '--- run' line"), -1;
	if (!t->expect && !t->want_error)
		return snprintf(why, whylen, "no '--- expect' section"), -1;
	return 0;
}

static void show_diff(const char *got, const char *want)
{
	/* line by line: the first lines that differ, then both in full */
	fprintf(stderr, "  --- expected\n%s  --- got\n%s", want, got);
}

static void free_case(struct tcase *t)
{
	for (size_t d = 0; d < MAX_DEV; d++)
		for (size_t i = 0; i < t->nfiles[d]; i++) {
			free((char *)t->files[d][i].path);
			free((char *)t->files[d][i].link);
			free(t->data[d][i]);
		}
	free(t);
}

/* Write TEXT with [off, end) replaced by REPL to FILE, through a
 * temporary file renamed over it. */
static int rewrite(const char *file, const char *text, size_t off, size_t end, const char *repl)
{
	char tmp[1024];
	snprintf(tmp, sizeof(tmp), "%s.update", file);
	FILE *f = fopen(tmp, "w");
	if (!f)
		return -1;
	fwrite(text, 1, off, f);
	fputs(repl, f);
	fputs(text + end, f);
	if (fclose(f) || rename(tmp, file)) {
		unlink(tmp);
		return -1;
	}
	return 0;
}

enum { CASE_PASS, CASE_FAIL, CASE_UPDATED };

static int run_case(const char *file, bool update)
{
	size_t n;
	char *text = read_all(file, &n);
	if (!text) {
		fprintf(stderr, "  %s: cannot open\n", file);
		return CASE_FAIL;
	}
	/* load() cuts the text into sections: --update rewrites the original */
	char *orig = update ? strdup(text) : NULL;
	struct tcase *t = calloc(1, sizeof(*t));
	char why[512] = "";
	struct gb_ctx *ctx = gb_ctx_new();
	int fail = 0;
	if (load(file, text, t, why, sizeof(why))) {
		fprintf(stderr, "  %s: %s\n", file, why);
		fail = 1;
		goto out;
	}
	for (size_t i = 0; i < t->ndev; i++) {
		t->dev[i].grub_name = t->grub[i];
		t->dev[i].uuid = t->uuid[i];
		t->dev[i].label = t->label[i];
		t->dev[i].fstype = t->fstype[i];
		t->dev[i].partuuid = "";
		if (!t->nofs[i] && gb_memfs_new(ctx, "mem", t->files[i], t->nfiles[i], &t->dev[i].fs)) {
			fprintf(stderr, "  %s: %s\n", file, gb_ctx_message(ctx));
			fail = 1;
			goto out;
		}
	}
	const struct gb_config_parser *parser = gb_cfg_parser_named(t->parser);
	if (!parser) {
		fprintf(stderr, "  %s: no parser '%s'\n", file, t->parser);
		fail = 1;
		goto out;
	}
	struct gb_cfg_devices devs = { t->dev, t->ndev, NULL };
	struct gb_cfg_options opt = { .grub_platform = t->platform[0] ? t->platform : "pc",
				      .grub_cpu = t->cpu[0] ? t->cpu : "x86_64" };
	struct gb_menu menu = { .timeout = -1 };
	menu.config_kind = strdup(parser->name);
	menu.config_path = strdup(t->run_path);
	menu.config_device = t->run_dev;
	int r = parser->parse(ctx, &devs, t->run_dev, t->run_path, &opt, &menu);
	if (t->want_error) {
		if (r != code_of(t->err_code) || !strstr(gb_ctx_message(ctx), t->err_text)) {
			fprintf(stderr, "  %s: expected error %s containing '%s', got %d '%s'\n",
				file, t->err_code, t->err_text, r, gb_ctx_message(ctx));
			fail = 1;
		}
	} else if (r) {
		fprintf(stderr, "  %s: parse failed: %s\n", file, gb_ctx_message(ctx));
		fail = 1;
	} else {
		gb_menu_finish(&menu);
		char *got = gb_menu_dump(&menu);
		if (got && update && strcmp(got, t->expect)) {
			if (rewrite(file, orig, (size_t)(t->expect - text),
				    (size_t)(t->expect_end - text), got)) {
				fprintf(stderr, "  %s: cannot rewrite: %m\n", file);
				fail = 1;
			} else {
				fail = CASE_UPDATED;
			}
		} else if (!got || strcmp(got, t->expect)) {
			show_diff(got ? got : "(null)\n", t->expect);
			fail = 1;
		}
		free(got);
	}
	gb_menu_free(&menu);
out:
	for (size_t i = 0; i < t->ndev; i++)
		gb_fs_umount(t->dev[i].fs);
	free_case(t);
	free(text);
	free(orig);
	gb_ctx_free(ctx);
	return fail;
}

/* --syntax FILE: parse with the GRUB 2 parser only (grub-script-check). */
static int syntax_only(const char *file)
{
	FILE *f = fopen(file, "r");
	if (!f) {
		fprintf(stderr, "%s: cannot open\n", file);
		return 2;
	}
	char *text = NULL, msg[512] = "";
	size_t cap = 0;
	ssize_t n = getdelim(&text, &cap, '\0', f);
	fclose(f);
	int r = n < 0 ? GB_E_IO : gb_grub2_syntax_check(file, text, (size_t)n, msg, sizeof(msg));
	free(text);
	if (r)
		fprintf(stderr, "%s\n", msg[0] ? msg : "cannot read");
	return r ? 1 : 0;
}

/* --cat CASE N:/PATH */
static int cat_file(const char *file, const char *devpath)
{
	int d, r = 1;
	const char *path;
	char why[512] = "";
	char *text = read_all(file, NULL);
	struct tcase *t = calloc(1, sizeof(*t));
	if (!text || parse_devpath(devpath, &d, &path)) {
		fprintf(stderr, "%s: cannot open, or bad N:/PATH '%s'\n", file, devpath);
		goto out;
	}
	if (load(file, text, t, why, sizeof(why))) {
		fprintf(stderr, "%s: %s\n", file, why);
		goto out;
	}
	for (size_t i = 0; i < t->nfiles[d]; i++)
		if (!strcmp(t->files[d][i].path, path) && t->files[d][i].data) {
			fwrite(t->files[d][i].data, 1, t->files[d][i].len, stdout);
			r = 0;
		}
	if (r)
		fprintf(stderr, "%s: no file %s\n", file, devpath);
out:
	free_case(t);
	free(text);
	return r;
}

static int run_one(const char *file, bool update)
{
	int r = run_case(file, update);
	const char *name = strstr(file, "tests/config/");
	static const char *const word[] = { "PASS", "FAIL", "UPDATE" };
	printf("%s config/%s\n", word[r], name ? name + 13 : file);
	fflush(stdout);
	return r == CASE_FAIL;
}

int main(int argc, char **argv)
{
	int failed = 0;
	if (argc == 3 && !strcmp(argv[1], "--syntax"))
		return syntax_only(argv[2]);
	if (argc == 4 && !strcmp(argv[1], "--cat"))
		return cat_file(argv[2], argv[3]);
	bool update = argc > 1 && !strcmp(argv[1], "--update");
	for (int i = 1 + update; i < argc; i++) {
		struct stat st;
		if (stat(argv[i], &st) || !S_ISDIR(st.st_mode)) {
			failed += run_one(argv[i], update);
			continue;
		}
		char pattern[1024];
		glob_t g;
		snprintf(pattern, sizeof(pattern), "%s/*/*.t", argv[i]);
		if (glob(pattern, 0, NULL, &g)) {
			fprintf(stderr, "%s: no */*.t cases\n", argv[i]);
			failed++;
			continue;
		}
		for (size_t k = 0; k < g.gl_pathc; k++)
			failed += run_one(g.gl_pathv[k], update);
		globfree(&g);
	}
	return failed ? 1 : 0;
}
