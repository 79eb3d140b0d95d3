/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Commands that ask about devices and strings: search (and its
 * search.fs_uuid/fs_label/file forms, with platform hints), probe, and
 * regexp (POSIX extended, back-references refused). */
#define _GNU_SOURCE
#include "config/grub2/grub2.h"

#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>

enum search_kind { S_NONE, S_FILE, S_LABEL, S_UUID };

static bool search_match(struct gb_grub2 *g, int d, enum search_kind k, const char *key)
{
	const struct gb_cfg_device *dev = &g->devs->dev[d];
	if (k == S_FILE && !gb_grub2_cost(g, GB_GRUB2_COST_LOOKUP))
		return false;
	switch (k) {
	case S_UUID: return dev->uuid && *dev->uuid && !strcasecmp(dev->uuid, key);
	case S_LABEL: return dev->label && *dev->label && !strcmp(dev->label, key);
	case S_FILE: {
		char *path = gb_grub2_fs_path(g, d, key);
		bool hit = path && gb_cfg_exists(g->devs, d, path, NULL);
		if (!path)
			gb_grub2_fatal(g, GB_E_NOMEM, "out of memory");
		free(path);
		return hit;
	}
	default: return false;
	}
}

/* A hint names a device, or all partitions of a disk ("hd0,"). */
static bool hint_covers(const char *hint, const char *devname)
{
	size_t n = strlen(hint);
	if (hint[0] == '(' && n > 1 && hint[n - 1] == ')') {
		hint++;
		n -= 2;
	}
	if (n && hint[n - 1] == ',')
		return !strncmp(devname, hint, n);
	return strlen(devname) == n && !strncmp(devname, hint, n);
}

static int search_do(struct gb_grub2 *g, enum search_kind k, const char *key, const char *var,
		     char **hints, int nhints)
{
	int found = -1;
	for (int h = 0; h < nhints && found < 0; h++)
		for (size_t d = 0; d < g->devs->n && found < 0; d++)
			if (g->devs->dev[d].grub_name && hint_covers(hints[h], g->devs->dev[d].grub_name) &&
			    search_match(g, (int)d, k, key))
				found = (int)d;
	for (size_t d = 0; d < g->devs->n && found < 0; d++)
		if (search_match(g, (int)d, k, key))
			found = (int)d;
	if (found < 0) {
		gb_grub2_warn(g, "search: no such device: %.80s", key);
		return GB_GRUB2_ERR_FILE;
	}
	const char *name = g->devs->dev[found].grub_name;
	return var ? gb_grub2_env_set(g, var, name ? name : "") : 0;
}

static bool platform_hint(struct gb_grub2 *g, const char *opt)
{
	const char *plat = g->opt && g->opt->grub_platform ? g->opt->grub_platform : "pc";
	if (!strcmp(plat, "pc"))
		return !strcmp(opt, "hint-bios") || !strcmp(opt, "hint-baremetal");
	if (!strcmp(plat, "efi"))
		return !strcmp(opt, "hint-efi");
	if (!strcmp(plat, "ieee1275"))
		return !strcmp(opt, "hint-ieee1275");
	return !strcmp(opt, "hint-arc") && !strcmp(plat, "arc");
}

int gb_grub2_cmd_search(struct gb_grub2 *g, int argc, char **argv, const struct gb_grub2_node *n)
{
	(void)n;
	enum search_kind k = S_NONE;
	const char *var = NULL, *key = NULL;
	char *hints[64];
	int nhints = 0;
	bool opts = true;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (opts && !strcmp(a, "--")) {
			opts = false;
		} else if (opts && !strncmp(a, "--", 2)) {
			const char *eq = strchr(a, '=');
			size_t len = eq ? (size_t)(eq - a - 2) : strlen(a + 2);
			char name[32];
			snprintf(name, sizeof(name), "%.*s", (int)(len < 31 ? len : 31), a + 2);
			const char *val = eq ? eq + 1 : NULL;
			if (!strcmp(name, "file"))
				k = S_FILE;
			else if (!strcmp(name, "label"))
				k = S_LABEL;
			else if (!strcmp(name, "fs-uuid"))
				k = S_UUID;
			else if (!strcmp(name, "set"))
				var = val ? val : "root";
			else if (!strcmp(name, "no-floppy") || !strcmp(name, "efidisk-only"))
				continue;
			else if (!strncmp(name, "hint", 4)) {
				if (!val && i + 1 < argc)
					val = argv[++i];
				if (val && nhints < 64 && (!strcmp(name, "hint") || platform_hint(g, name)))
					hints[nhints++] = (char *)val;
			} else
				return gb_grub2_usage(g, argv[0], "unknown option");
		} else if (opts && a[0] == '-' && a[1]) {
			for (const char *c = a + 1; *c; c++) {
				if (*c == 'f')
					k = S_FILE;
				else if (*c == 'l')
					k = S_LABEL;
				else if (*c == 'u')
					k = S_UUID;
				else if (*c == 's')
					var = "root";
				else if (*c == 'h' && i + 1 < argc && nhints < 64)
					hints[nhints++] = argv[++i];
				else if (*c != 'n')
					return gb_grub2_usage(g, argv[0], "unknown option");
			}
		} else if (!key) {
			key = a;
		} else if (nhints < 64) {
			hints[nhints++] = (char *)a; /* extra arguments are hints */
		}
	}
	if (!strcmp(argv[0], "search.fs_uuid") || !strcmp(argv[0], "search.fs_label") ||
	    !strcmp(argv[0], "search.file")) {
		/* search.X KEY [VAR [HINTS...]] */
		k = argv[0][10] == 'u' ? S_UUID : argv[0][10] == 'l' ? S_LABEL : S_FILE;
		if (argc < 2)
			return gb_grub2_usage(g, argv[0], "one argument expected");
		return search_do(g, k, argv[1], argc > 2 ? argv[2] : NULL, argv + 3,
				 argc > 3 ? argc - 3 : 0);
	}
	if (!key)
		return gb_grub2_usage(g, argv[0], "one argument expected");
	if (k == S_NONE)
		return gb_grub2_usage(g, argv[0], "unspecified search type");
	return search_do(g, k, key, var, hints, nhints);
}

static const char *grub_fs_name(const char *fstype)
{
	if (!strcmp(fstype, "ext2") || !strcmp(fstype, "ext3") || !strcmp(fstype, "ext4"))
		return "ext2";
	if (!strncmp(fstype, "fat", 3) || !strcmp(fstype, "vfat"))
		return "fat";
	return fstype;
}

int gb_grub2_cmd_probe(struct gb_grub2 *g, int argc, char **argv, const struct gb_grub2_node *n)
{
	(void)n;
	const char *var = NULL, *what = NULL, *devarg = NULL;
	for (int i = 1; i < argc; i++) {
		bool m;
		const char *v = gb_grub2_long_opt(argc, argv, &i, "set", true, &m);
		if (m)
			var = v;
		else if (!strcmp(argv[i], "-s") && i + 1 < argc)
			var = argv[++i];
		else if (argv[i][0] == '-' && argv[i][1])
			what = argv[i];
		else
			devarg = argv[i];
	}
	if (!devarg || !what)
		return gb_grub2_usage(g, "probe", "device and one of --fs, --fs-uuid, --label, --part-uuid expected");
	size_t len = strlen(devarg);
	char *name = devarg[0] == '(' && len > 1 && devarg[len - 1] == ')' ? strndup(devarg + 1, len - 2)
									     : strdup(devarg);
	if (!name)
		return gb_grub2_nomem(g);
	int d = gb_grub2_find_device(g->devs, name);
	free(name);
	if (d < 0)
		return gb_grub2_usage(g, "probe", "unknown device");
	const struct gb_cfg_device *dev = &g->devs->dev[d];
	const char *val = NULL;
	if (!strcmp(what, "--fs") || !strcmp(what, "-f"))
		val = dev->fstype && *dev->fstype ? grub_fs_name(dev->fstype) : NULL;
	else if (!strcmp(what, "--fs-uuid") || !strcmp(what, "-u"))
		val = dev->uuid && *dev->uuid ? dev->uuid : NULL;
	else if (!strcmp(what, "--label") || !strcmp(what, "-l"))
		val = dev->label ? dev->label : "";
	else if (!strcmp(what, "--part-uuid"))
		val = dev->partuuid && *dev->partuuid ? dev->partuuid : NULL;
	if (!val)
		return gb_grub2_usage(g, "probe", "no such information for that device");
	return var ? gb_grub2_env_set(g, var, val) : 0;
}

/* ---- regexp ---------------------------------------------------------------- */

static bool has_backref(const char *re)
{
	for (; *re; re++)
		if (*re == '\\' && re[1]) {
			if (re[1] >= '1' && re[1] <= '9')
				return true;
			re++;
		}
	return false;
}

/* ---- regexp size: what glibc's regcomp builds -------------------------- */

/* glibc's parser copies a repeated subexpression once per bound
 * (x{1,100} is 100 copies of x, x+ is x x*), so nested bounds multiply:
 * ((a{1,100}){1,100}){1,100} is a million nodes, seconds and gigabytes to
 * compile. Estimate the tree's size the same way, saturating, before
 * regcomp sees the pattern. */
#define RE_SAT ((size_t)1 << 40)

static size_t sat_mul(size_t a, size_t b)
{
	size_t r;
	return __builtin_mul_overflow(a, b, &r) || r > RE_SAT ? RE_SAT : r;
}

static size_t sat_add(size_t a, size_t b)
{
	return a + b > RE_SAT ? RE_SAT : a + b;
}

/* "{m}", "{m,}", "{m,n}" at *p: the copies glibc makes, or 0 when it is
 * not a valid bound (regcomp then decides). */
static size_t re_bound(const char **p)
{
	const char *s = *p + 1;
	size_t m = 0, n;
	bool have_m = false, comma = false, have_n = false;
	for (; *s >= '0' && *s <= '9'; s++, have_m = true)
		m = m > RE_SAT ? RE_SAT : m * 10 + (size_t)(*s - '0');
	n = m;
	if (*s == ',') {
		comma = true;
		n = 0;
		for (s++; *s >= '0' && *s <= '9'; s++, have_n = true)
			n = n > RE_SAT ? RE_SAT : n * 10 + (size_t)(*s - '0');
	}
	if (*s != '}' || (!have_m && !have_n))
		return 0;
	*p = s + 1;
	if (comma && !have_n) /* {m,}: m copies and a star */
		return m + 1;
	return (m > n ? m : n) + 1;
}

static size_t re_alt(const char **p, unsigned depth);

/* One atom and its repetition operators. */
static size_t re_piece(const char **p, unsigned depth)
{
	const char *s = *p;
	size_t size = 1;
	if (*s == '(') {
		s++;
		size = sat_add(re_alt(&s, depth + 1), 1);
		if (*s == ')')
			s++;
	} else if (*s == '[') {
		s++;
		if (*s == '^')
			s++;
		if (*s == ']')
			s++;
		while (*s && *s != ']') {
			if (*s == '[' && (s[1] == ':' || s[1] == '.' || s[1] == '=')) {
				const char *e = strchr(s + 2, s[1]);
				s = e && e[1] == ']' ? e + 2 : s + 1;
			} else {
				s++;
			}
		}
		if (*s)
			s++;
	} else if (*s == '\\' && s[1]) {
		s += 2;
	} else if (*s) {
		s++;
	}
	for (;;) {
		if (*s == '*' || *s == '?') {
			s++;
			size = sat_add(size, 1);
		} else if (*s == '+') {
			s++;
			size = sat_add(sat_mul(size, 2), 1);
		} else if (*s == '{') {
			const char *t = s;
			size_t copies = re_bound(&t);
			if (!copies)
				break;
			s = t;
			size = sat_mul(size, copies);
		} else {
			break;
		}
	}
	*p = s;
	return size;
}

static size_t re_alt(const char **p, unsigned depth)
{
	size_t size = 0;
	const char *s = *p;
	/* deeper than any real pattern: count it as too large */
	if (depth > 64)
		return RE_SAT;
	while (*s && *s != ')') {
		if (*s == '|') {
			s++;
			size = sat_add(size, 1);
			continue;
		}
		size = sat_add(size, re_piece(&s, depth));
	}
	*p = s;
	return size;
}

size_t gb_grub2_regex_size(const char *re)
{
	size_t size = 0;
	/* an unbalanced ')' is for regcomp to refuse; count the rest */
	while (*re) {
		size = sat_add(size, re_alt(&re, 0));
		if (*re == ')')
			re++;
	}
	return size;
}

static int set_match(struct gb_grub2 *g, const char *spec, const char *str, const regmatch_t *m,
		     size_t nm)
{
	unsigned long j = 1;
	const char *colon = strchr(spec, ':'), *name = spec, *end;
	if (colon) {
		if (!gb_grub2_strtoul(spec, &j, &end) || end != colon)
			return gb_grub2_usage(g, "regexp", "invalid variable name format");
		name = colon + 1;
	}
	if (j >= nm || m[j].rm_so < 0) {
		gb_grub2_env_unset(g, name);
		return 0;
	}
	char *v = strndup(str + m[j].rm_so, (size_t)(m[j].rm_eo - m[j].rm_so));
	if (!v)
		return gb_grub2_nomem(g);
	int r = gb_grub2_env_set(g, name, v);
	free(v);
	return r;
}

int gb_grub2_cmd_regexp(struct gb_grub2 *g, int argc, char **argv, const struct gb_grub2_node *n)
{
	(void)n;
	char *sets[16], *pos[2];
	int nsets = 0, npos = 0;
	for (int i = 1; i < argc; i++) {
		bool m;
		const char *v = gb_grub2_long_opt(argc, argv, &i, "set", true, &m);
		if (!m && !strcmp(argv[i], "-s") && i + 1 < argc) {
			m = true;
			v = argv[++i];
		}
		if (m) {
			if (v && nsets < 16)
				sets[nsets++] = (char *)v;
		} else if (npos < 2) {
			pos[npos++] = argv[i];
		} else {
			npos++;
		}
	}
	if (npos != 2)
		return gb_grub2_usage(g, "regexp", "two arguments expected");
	/* glibc backtracks on back-references: refuse them, bound the sizes */
	size_t rl = strlen(pos[0]), sl = strlen(pos[1]);
	if (has_backref(pos[0]) || rl > 256 || sl > 4096)
		return gb_grub2_usage(g, "regexp", "expression not supported here");
	/* glibc's compile and match cost grows with the square of the tree's
	 * size (epsilon closures): (.*){1,255}, 768 nodes, takes 0.1 s and
	 * 11 MB, (.*){1,1000} 0.5 s and 140 MB. Matching also grows with the
	 * string's length. */
	size_t nodes = gb_grub2_regex_size(pos[0]);
	if (nodes > GB_GRUB2_REGEX_NODES) {
		char why[96];
		snprintf(why, sizeof(why), "expression too large (expands to more than %u nodes)",
			 GB_GRUB2_REGEX_NODES);
		return gb_grub2_usage(g, "regexp", why);
	}
	if (!gb_grub2_cost(g, GB_GRUB2_COST_REGEX + nodes * nodes / 16) ||
	    !gb_grub2_charge(g, (nodes + 1) * (sl + 1) / 16))
		return g->fatal;
	regex_t re;
	if (regcomp(&re, pos[0], REG_EXTENDED))
		return gb_grub2_usage(g, "regexp", "invalid regular expression");
	size_t nm = re.re_nsub + 1;
	regmatch_t *m = calloc(nm, sizeof(*m));
	int r;
	if (!m)
		r = gb_grub2_nomem(g);
	else if (regexec(&re, pos[1], nm, m, 0))
		r = GB_GRUB2_FALSE;
	else {
		r = 0;
		for (int i = 0; i < nsets && !r; i++)
			r = set_match(g, sets[i], pos[1], m, nm);
	}
	free(m);
	regfree(&re);
	return r;
}

