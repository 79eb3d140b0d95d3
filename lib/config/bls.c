/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Boot Loader Specification Type #1 entries (uapi-group): the directory
 * scan and entry parsing shared with GRUB's blscfg, the two sort orders
 * (UAPI/systemd-boot and Fedora's GRUB), rpm's version comparison, and a
 * standalone "bls" parser that reads an entries directory the way
 * systemd-boot does, with loader.conf's default and timeout. */
#define _GNU_SOURCE
#include "config/cfgutil.h"

#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>

/* ---- version comparison --------------------------------------------- */

static bool is_digit(char c) { return c >= '0' && c <= '9'; }
static bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
static bool is_alnum(char c) { return is_digit(c) || is_alpha(c); }

static int sign(int v) { return (v > 0) - (v < 0); }

/* Compare two numeric runs as numbers of any length: leading zeros do
 * not count, then the longer run is bigger, then digit by digit. */
static int cmp_digits(const char *a, size_t na, const char *b, size_t nb)
{
	while (na && *a == '0')
		a++, na--;
	while (nb && *b == '0')
		b++, nb--;
	if (na != nb)
		return na < nb ? -1 : 1;
	return sign(memcmp(a, b, na));
}

/* Byte order of two runs; a run that is a prefix of the other is lower. */
static int cmp_run(const char *a, size_t na, const char *b, size_t nb)
{
	int r = memcmp(a, b, na < nb ? na : nb);
	if (r)
		return sign(r);
	return na == nb ? 0 : (na < nb ? -1 : 1);
}

static size_t span(const char *s, bool (*cls)(char))
{
	size_t n = 0;
	while (s[n] && cls(s[n]))
		n++;
	return n;
}

/* rpm: the strings are cut into runs of digits or of letters, everything
 * else separating them; '~' sorts before anything (even the end), '^'
 * after the end but before anything else. A digit run beats a letter run. */
int gb_rpmvercmp(const char *a, const char *b)
{
	if (!strcmp(a, b))
		return 0;
	while (*a || *b) {
		while (*a && !is_alnum(*a) && *a != '~' && *a != '^')
			a++;
		while (*b && !is_alnum(*b) && *b != '~' && *b != '^')
			b++;
		if (*a == '~' || *b == '~') {
			if (*a != '~')
				return 1;
			if (*b != '~')
				return -1;
			a++, b++;
			continue;
		}
		if (*a == '^' || *b == '^') {
			if (!*a)
				return -1;
			if (!*b)
				return 1;
			if (*a != '^')
				return 1;
			if (*b != '^')
				return -1;
			a++, b++;
			continue;
		}
		if (!*a || !*b)
			break;
		bool num = is_digit(*a);
		bool (*cls)(char) = num ? is_digit : is_alpha;
		size_t na = span(a, cls), nb = span(b, cls);
		if (!nb) /* the runs are of different kinds */
			return num ? 1 : -1;
		int r = num ? cmp_digits(a, na, b, nb) : cmp_run(a, na, b, nb);
		if (r)
			return r;
		a += na, b += nb;
	}
	if (!*a && !*b)
		return 0;
	return *a ? 1 : -1;
}

static bool uapi_valid(char c)
{
	return is_alnum(c) || c == '-' || c == '.' || c == '~' || c == '^';
}

/* One of the marker characters of the UAPI order: when either string
 * starts with c, *r gets the order (the string starting with c is the
 * lower one when `lower`) or, both starting with it, 0 and both skip it.
 * Returns whether c was there. */
static bool uapi_marker(const char **a, const char **b, char c, bool lower, int *r)
{
	if (**a != c && **b != c)
		return false;
	*r = 0;
	if (**a == c && **b == c)
		(*a)++, (*b)++;
	else
		*r = ((**a == c) == lower) ? -1 : 1;
	return true;
}

/* The UAPI Version Format Specification comparison (what systemd calls
 * strverscmp_improved), used for BLS "version" and file names. */
static int uapi_vercmp(const char *a, const char *b)
{
	int r;
	for (;;) {
		while (*a && !uapi_valid(*a))
			a++;
		while (*b && !uapi_valid(*b))
			b++;
		/* '~' before the end check: "6.1~rc1" < "6.1", as systemd
		 * does (the spec's prose lists the end check first, but then
		 * a tilde suffix would not "always sort lower"). */
		if (uapi_marker(&a, &b, '~', true, &r) && r)
			return r;
		if (!*a || !*b)
			return (*a != 0) - (*b != 0);
		if (uapi_marker(&a, &b, '-', true, &r) ||
		    uapi_marker(&a, &b, '^', false, &r) ||
		    uapi_marker(&a, &b, '.', true, &r)) {
			if (r)
				return r;
			continue;
		}
		if (!uapi_valid(*a) || !uapi_valid(*b) || *a == '~' || *b == '~')
			continue;
		if (is_digit(*a) || is_digit(*b)) {
			size_t na = span(a, is_digit), nb = span(b, is_digit);
			if ((r = cmp_digits(a, na, b, nb)))
				return r;
			a += na, b += nb;
			continue;
		}
		size_t na = span(a, is_alpha), nb = span(b, is_alpha);
		if ((r = cmp_run(a, na, b, nb)))
			return r;
		a += na, b += nb;
	}
}

/* gnulib's filevercmp (what GRUB 2.14's blscfg sorts file names with,
 * and `sort -V`): a file suffix (a run of ".letter[alnum~]*") only
 * breaks ties; the rest is compared as Debian versions are, except that
 * the end of the string sorts after '~' and before anything else. */
static size_t file_prefix_len(const char *s, size_t len)
{
	for (size_t i = 0;; i++) {
		size_t prefix = i;
		while (i + 1 < len && s[i] == '.' && (is_alpha(s[i + 1]) || s[i + 1] == '~'))
			for (i += 2; i < len && (is_alnum(s[i]) || s[i] == '~'); i++)
				;
		if (i >= len)
			return prefix;
	}
}

/* The rank of the byte at pos (len: the end) outside a digit run. */
static int ver_order(const char *s, size_t pos, size_t len)
{
	if (pos == len)
		return -1;
	unsigned char c = (unsigned char)s[pos];
	if (is_digit((char)c))
		return 0;
	if (is_alpha((char)c))
		return c;
	if (c == '~')
		return -2;
	return c + 256;
}

static int verrevcmp(const char *a, size_t alen, const char *b, size_t blen)
{
	size_t i = 0, j = 0;
	while (i < alen || j < blen) {
		int first_diff = 0;
		while ((i < alen && !is_digit(a[i])) || (j < blen && !is_digit(b[j]))) {
			int ca = ver_order(a, i, alen), cb = ver_order(b, j, blen);
			if (ca != cb)
				return ca - cb;
			i++, j++;
		}
		while (i < alen && a[i] == '0')
			i++;
		while (j < blen && b[j] == '0')
			j++;
		while (i < alen && j < blen && is_digit(a[i]) && is_digit(b[j])) {
			if (!first_diff)
				first_diff = a[i] - b[j];
			i++, j++;
		}
		if (i < alen && is_digit(a[i]))
			return 1;
		if (j < blen && is_digit(b[j]))
			return -1;
		if (first_diff)
			return first_diff;
	}
	return 0;
}

int gb_filevercmp(const char *a, const char *b)
{
	if (!*a || !*b)
		return (*b == 0) - (*a == 0);
	/* ".", "..", then other dot names, then the rest */
	if (a[0] == '.' || b[0] == '.') {
		if (b[0] != '.')
			return -1;
		if (a[0] != '.')
			return 1;
		bool adot = !a[1], bdot = !b[1];
		if (adot || bdot)
			return bdot - adot;
		bool adotdot = a[1] == '.' && !a[2], bdotdot = b[1] == '.' && !b[2];
		if (adotdot || bdotdot)
			return bdotdot - adotdot;
	}
	size_t alen = strlen(a), blen = strlen(b);
	size_t ap = file_prefix_len(a, alen), bp = file_prefix_len(b, blen);
	int r = verrevcmp(a, ap, b, bp);
	if (r || (ap == alen && bp == blen))
		return sign(r);
	return sign(verrevcmp(a, alen, b, blen));
}

/* ---- entry files ----------------------------------------------------- */

static void entry_clear(struct gb_bls_entry *e)
{
	free(e->id);
	free(e->filename);
	free(e->title);
	free(e->version);
	free(e->machine_id);
	free(e->sort_key);
	free(e->architecture);
	free(e->linux);
	free(e->efi);
	free(e->devicetree);
	free(e->uki_path);
	free(e->uki_url);
	for (size_t k = 0; k < e->ninitrds; k++)
		free(e->initrds[k]);
	free(e->initrds);
	free(e->options);
	free(e->id_without_profile);
	memset(e, 0, sizeof(*e));
}

void gb_bls_free(struct gb_bls_entry *e, size_t n)
{
	for (size_t i = 0; e && i < n; i++)
		entry_clear(&e[i]);
	free(e);
}

/* A non-negative decimal number spanning [s, end); -1 otherwise. */
static int small_number(const char *s, const char *end)
{
	if (s == end || end - s > 6)
		return -1;
	int v = 0;
	for (; s < end; s++) {
		if (!is_digit(*s))
			return -1;
		v = v * 10 + (*s - '0');
	}
	return v;
}

/* "name+LEFT-DONE" or "name+LEFT": cut the counter off the id. */
void gb_bls_split_counter(char *id, int *left, int *done)
{
	*left = *done = -1;
	char *plus = strrchr(id, '+');
	if (!plus)
		return;
	char *dash = strchr(plus, '-');
	char *end = plus + strlen(plus);
	int l = small_number(plus + 1, dash ? dash : end);
	int d = dash ? small_number(dash + 1, end) : 0;
	if (l < 0 || d < 0)
		return;
	*left = l;
	*done = dash ? d : -1;
	*plus = '\0';
}

static int set_id_from_filename(struct gb_ctx *ctx, struct gb_bls_entry *e, const char *name)
{
	e->filename = strdup(name);
	e->id = strndup(name, strlen(name) - strlen(".conf"));
	if (!e->filename || !e->id)
		return gb_error(ctx, GB_E_NOMEM, "out of memory");
	gb_bls_split_counter(e->id, &e->tries_left, &e->tries_done);
	return 0;
}

static int add_initrd(struct gb_ctx *ctx, struct gb_bls_entry *e, const char *v)
{
	if (e->ninitrds >= GB_MENU_MAX_INITRDS)
		return gb_error(ctx, GB_E_LIMIT, "more than %d initrds", GB_MENU_MAX_INITRDS);
	char **p = realloc(e->initrds, (e->ninitrds + 1) * sizeof(*p));
	if (!p)
		return gb_error(ctx, GB_E_NOMEM, "out of memory");
	e->initrds = p;
	if (!(p[e->ninitrds] = strdup(v)))
		return gb_error(ctx, GB_E_NOMEM, "out of memory");
	e->ninitrds++;
	return 0;
}

static int add_options(struct gb_ctx *ctx, struct gb_bls_entry *e, char *v)
{
	struct gb_sbuf b = { 0 };
	gb_squeeze_spaces(v);
	if (e->options)
		gb_sbuf_add_word(&b, e->options);
	gb_sbuf_add_word(&b, v);
	char *s = gb_sbuf_take(&b);
	if (!s)
		return gb_error(ctx, GB_E_NOMEM, "out of memory");
	free(e->options);
	e->options = s;
	return 0;
}

/* Single-valued keys: a later line replaces an earlier one, as in
 * systemd-boot. */
static char **single_key(struct gb_bls_entry *e, const char *key)
{
	static const struct { const char *k; size_t off; } keys[] = {
		{ "title", offsetof(struct gb_bls_entry, title) },
		{ "version", offsetof(struct gb_bls_entry, version) },
		{ "machine-id", offsetof(struct gb_bls_entry, machine_id) },
		{ "sort-key", offsetof(struct gb_bls_entry, sort_key) },
		{ "architecture", offsetof(struct gb_bls_entry, architecture) },
		{ "linux", offsetof(struct gb_bls_entry, linux) },
		{ "efi", offsetof(struct gb_bls_entry, efi) },
		{ "devicetree", offsetof(struct gb_bls_entry, devicetree) },
	};
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (!strcmp(keys[i].k, key))
			return (char **)((char *)e + keys[i].off);
	return NULL;
}

/* The keys naming what boots; systemd-boot rejects an entry with two
 * different ones (LOADER_BAD). */
static const char *const loader_keys[] = { "linux", "efi", "uki", "uki-url" };

static int entry_key(struct gb_ctx *ctx, struct gb_bls_entry *e, const char *key, char *value,
		     const char *path, size_t line, struct gb_menu *menu)
{
	for (unsigned i = 0; i < 4; i++)
		if (!strcmp(key, loader_keys[i]))
			e->loaders |= 1u << i;
	char **slot = single_key(e, key);
	if (slot)
		return gb_set_str(ctx, slot, value);
	if (!strcmp(key, "initrd"))
		return add_initrd(ctx, e, value);
	if (!strcmp(key, "options"))
		return add_options(ctx, e, value);
	if (!strcmp(key, "uki"))
		return gb_set_str(ctx, &e->uki_path, value);
	if (!strcmp(key, "uki-url"))
		return gb_set_str(ctx, &e->uki_url, value);
	if (!strcmp(key, "profile")) {
		/* a UKI profile, passed to the stub as "@N" */
		int p = small_number(value, value + strlen(value));
		if (p < 0)
			gb_menu_warn(menu, "%s:%zu: profile '%s' is not a number, ignored", path, line,
				     value);
		else
			e->profile = p;
		return 0;
	}
	/* devicetree-overlay, grub_*, extra...: not needed to find what
	 * boots, and the spec says unknown keys are ignored. */
	return 0;
}

/* Parse one entry's text into e; odd lines become warnings. */
static int parse_entry_text(struct gb_ctx *ctx, struct gb_bls_entry *e, const char *path,
			    char *text, size_t len, struct gb_menu *menu)
{
	struct gb_lines it;
	gb_lines_init(&it, text, len);
	char *line;
	while ((line = gb_lines_next_bounded(&it, menu, path))) {
		char *rest = gb_trim(line);
		if (!*rest || *rest == '#')
			continue;
		char *key = gb_next_word(&rest);
		if (!*rest) {
			gb_menu_warn(menu, "%s:%zu: '%s' without a value, ignored", path, it.lineno, key);
			continue;
		}
		int r = entry_key(ctx, e, key, rest, path, it.lineno, menu);
		if (r)
			return r;
	}
	return 0;
}

static bool is_conf(const char *name)
{
	return gb_ends_with(name, ".conf", false);
}

/* Read and parse dir/name into e. GB_E_NOT_MINE: skip this file (a
 * warning was recorded); other errors are fatal. */
static int read_entry(struct gb_ctx *ctx, const struct gb_cfg_devices *devs, int dev,
		      const char *dir, const char *name, struct gb_menu *menu,
		      struct gb_bls_entry *e)
{
	char *path = gb_path_join(dir, name);
	if (!path)
		return gb_error(ctx, GB_E_NOMEM, "out of memory");
	struct gb_ctx quiet = { 0 };
	char *text = NULL;
	size_t len = 0;
	int r = gb_cfg_read(&quiet, devs, dev, path, &text, &len);
	if (r) {
		gb_menu_warn(menu, "%s: %s", path, quiet.msg[0] ? quiet.msg : "unreadable");
		free(path);
		return GB_E_NOT_MINE;
	}
	memset(e, 0, sizeof(*e));
	e->dev = dev;
	r = set_id_from_filename(ctx, e, name);
	if (!r)
		r = parse_entry_text(ctx, e, path, text, len, menu);
	if (!r && !e->loaders) {
		gb_menu_warn(menu, "%s: no 'linux', 'efi', 'uki' or 'uki-url' key, entry skipped", path);
		r = GB_E_NOT_MINE;
	}
	if (r)
		entry_clear(e);
	free(text);
	free(path);
	return r;
}

int gb_bls_scan(struct gb_ctx *ctx, const struct gb_cfg_devices *devs, int dev,
		const char *dir, struct gb_menu *menu, struct gb_bls_entry **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	struct gb_fs *fs = gb_cfg_fs(devs, dev);
	if (!fs)
		return gb_error(ctx, GB_E_NOT_FOUND, "%s: no readable file system on that device", dir);
	struct gb_cfg_names l;
	int r = gb_cfg_list_names(ctx, fs, dir, GB_BLS_MAX_ENTRIES, is_conf, &l);
	if (r)
		return r;
	if (l.truncated)
		gb_menu_warn(menu, "%s: more than %d entries, the rest ignored", dir, GB_BLS_MAX_ENTRIES);
	struct gb_bls_entry *e = l.n ? calloc(l.n, sizeof(*e)) : NULL;
	if (l.n && !e) {
		gb_cfg_names_free(&l);
		return gb_error(ctx, GB_E_NOMEM, "out of memory");
	}
	size_t k = 0;
	for (size_t i = 0; i < l.n && !r; i++) {
		r = read_entry(ctx, devs, dev, dir, l.names[i], menu, &e[k]);
		if (!r)
			k++;
		else if (r == GB_E_NOT_MINE)
			r = 0;
	}
	gb_cfg_names_free(&l);
	if (r) {
		gb_bls_free(e, k);
		return r;
	}
	*out = e;
	*n = k;
	return 0;
}

/* ---- sorting --------------------------------------------------------- */

/* NULL sorts below any string, as systemd's strcmp_ptr does. */
static int cmp_opt(const char *a, const char *b, int (*cmp)(const char *, const char *))
{
	if (!a || !b)
		return (a != NULL) - (b != NULL);
	return sign(cmp(a, b));
}

static int uapi_cmp(const void *pa, const void *pb)
{
	const struct gb_bls_entry *a = pa, *b = pb;
	/* entries out of tries ("bad") go last */
	int r = (a->tries_left == 0) - (b->tries_left == 0);
	if (r)
		return r;
	/* entries with a sort-key before those without */
	if ((r = (!a->sort_key) - (!b->sort_key)))
		return r;
	if (a->sort_key) {
		if ((r = sign(strcmp(a->sort_key, b->sort_key))) ||
		    (r = cmp_opt(a->machine_id, b->machine_id, strcmp)) ||
		    (r = -cmp_opt(a->version, b->version, uapi_vercmp)))
			return r;
	}
	/* a UKI's profiles stay together, in profile order */
	const char *ida = a->id_without_profile ? a->id_without_profile : a->id;
	const char *idb = b->id_without_profile ? b->id_without_profile : b->id;
	if ((r = -uapi_vercmp(ida, idb)) || (r = (a->profile > b->profile) - (a->profile < b->profile)))
		return r;
	/* both counting: more tries left first, then fewer done */
	if (a->tries_left >= 0 && b->tries_left >= 0 &&
	    ((r = (a->tries_left < b->tries_left) - (a->tries_left > b->tries_left)) ||
	     (r = (a->tries_done > b->tries_done) - (a->tries_done < b->tries_done))))
		return r;
	if ((r = strcmp(a->filename, b->filename)))
		return r;
	return (a->dev > b->dev) - (a->dev < b->dev);
}

void gb_bls_sort_uapi(struct gb_bls_entry *e, size_t n)
{
	if (n > 1)
		qsort(e, n, sizeof(*e), uapi_cmp);
}

/* Fedora's blscfg reads a file name as an rpm name-version-release,
 * cutting at the last two '-'; with one '-' the part after it is the
 * version, not the release (split_package_string's bubbling up). */
struct nvr {
	char buf[512];
	const char *name, *version, *release;
};

static void split_nvr(const char *id, struct nvr *v)
{
	snprintf(v->buf, sizeof(v->buf), "%s", id);
	v->name = v->buf;
	v->version = v->release = "";
	char *dash = strrchr(v->buf, '-');
	if (!dash)
		return;
	*dash = '\0';
	v->release = dash + 1;
	if ((dash = strrchr(v->buf, '-'))) {
		*dash = '\0';
		v->version = dash + 1;
	} else {
		v->version = v->release;
		v->release = "";
	}
}

static int grub_cmp(const void *pa, const void *pb)
{
	const struct gb_bls_entry *a = pa, *b = pb;
	struct nvr va, vb;
	split_nvr(a->id, &va);
	split_nvr(b->id, &vb);
	int r;
	/* newest first */
	if ((r = gb_rpmvercmp(va.name, vb.name)) ||
	    (r = gb_rpmvercmp(va.version, vb.version)) ||
	    (r = gb_rpmvercmp(va.release, vb.release)))
		return -r;
	return strcmp(a->filename, b->filename);
}

void gb_bls_sort_grub(struct gb_bls_entry *e, size_t n)
{
	if (n > 1)
		qsort(e, n, sizeof(*e), grub_cmp);
}

/* ---- the standalone parser ------------------------------------------ */

/* The architecture name BLS uses for GRUB's grub_cpu. */
static const char *bls_arch(const char *cpu)
{
	static const struct { const char *cpu, *arch; } map[] = {
		{ "x86_64", "x64" }, { "i386", "ia32" }, { "arm64", "aa64" },
		{ "aarch64", "aa64" }, { "arm", "arm" }, { "riscv64", "riscv64" },
		{ "loongarch64", "loongarch64" },
	};
	for (size_t i = 0; cpu && i < sizeof(map) / sizeof(map[0]); i++)
		if (!strcmp(map[i].cpu, cpu))
			return map[i].arch;
	return NULL;
}

static int set_file(struct gb_ctx *ctx, struct gb_boot_file *f, int dev, const char *p)
{
	f->device = dev;
	if (!(f->path = gb_path_join("/", p)))
		return gb_error(ctx, GB_E_NOMEM, "out of memory");
	return 0;
}

static int add_initrds(struct gb_ctx *ctx, struct gb_entry *e, int dev,
		       const struct gb_bls_entry *b)
{
	for (size_t i = 0; i < b->ninitrds; i++) {
		char *p = gb_path_join("/", b->initrds[i]);
		if (!p)
			return gb_error(ctx, GB_E_NOMEM, "out of memory");
		int r = gb_entry_add_file(ctx, &e->initrds, &e->ninitrds, dev, p, NULL);
		free(p);
		if (r)
			return r;
	}
	return 0;
}

/* What an entry boots, as systemd-boot starts it (call_image_start):
 * a kernel with its initrds and options; a UKI, Type 2 or named by "uki",
 * through systemd-stub (gb_uki_boot), which for a Type 1 entry is handed
 * the entry's options, profile and devicetree but not its initrds
 * (initrd_prepare serves "linux" entries only); an EFI program. */
static int bls_to_entry(struct gb_ctx *ctx, const struct gb_cfg_devices *devs, const char *boot_root,
			struct gb_menu *menu, const struct gb_bls_entry *b)
{
	int dev = b->dev;
	char *uki = NULL;
	enum gb_ftype type;
	if (b->uki_path && !(uki = gb_path_join("/", b->uki_path)))
		return gb_error(ctx, GB_E_NOMEM, "out of memory");
	if (uki && (!gb_cfg_exists(devs, dev, uki, &type) || type != GB_FT_REG)) {
		/* systemd-boot drops an entry whose loader it cannot open */
		gb_menu_warn(menu, "%s: uki %s: no such file, entry dropped (as systemd-boot drops it)",
			     b->filename, uki);
		free(uki);
		return 0;
	}
	struct gb_entry *e = gb_menu_add(ctx, menu, &menu->entries, &menu->nentries);
	if (!e) {
		free(uki);
		return ctx->code;
	}
	e->line = 1;
	int r;
	if ((r = gb_set_str(ctx, &e->title, b->title ? b->title : b->id)) ||
	    (r = gb_set_str(ctx, &e->id, b->id)) ||
	    (r = gb_set_str(ctx, &e->args, b->options ? b->options : "")))
		goto out;
	if (!b->uki && b->devicetree && (r = set_file(ctx, &e->devicetree, dev, b->devicetree)))
		goto out;
	if (b->uki && b->linux) {
		r = gb_uki_boot(ctx, devs, dev, boot_root, b->linux, b->profile, NULL, menu, e);
	} else if (uki) {
		if (b->ninitrds)
			gb_menu_warn(menu, "%s: its initrd lines are not used: systemd-boot passes none "
				     "to a UKI", b->filename);
		r = gb_uki_boot(ctx, devs, dev, boot_root, uki, b->profile, b->options, menu, e);
	} else if (b->uki_url) {
		gb_menu_warn(menu, "%s: uki-url %s: a UKI fetched over the network at boot, which "
			     "guestboot cannot follow in an image", b->filename, b->uki_url);
	} else if (b->linux) {
		e->kind = GB_ENTRY_LINUX;
		if (!(r = set_file(ctx, &e->kernel, dev, b->linux)))
			r = add_initrds(ctx, e, dev, b);
	} else {
		e->kind = GB_ENTRY_CHAIN;
		gb_menu_warn(menu, "%s: EFI program entry, not a Linux kernel", b->filename);
		r = set_file(ctx, &e->kernel, dev, b->efi);
	}
out:
	free(uki);
	return r;
}

static bool all_digits(const char *s)
{
	return *s && span(s, is_digit) == strlen(s);
}

/* systemd-boot matches its glob against the entry id, which newer
 * versions spell with ".conf": accept either. */
static bool default_matches(const char *pattern, const struct gb_entry *e)
{
	char with_conf[512];
	snprintf(with_conf, sizeof(with_conf), "%s.conf", e->id);
	/* systemd-boot lower-cases ids and the pattern */
	return !fnmatch(pattern, e->id, FNM_CASEFOLD) || !fnmatch(pattern, with_conf, FNM_CASEFOLD);
}

/* The first entry (highest priority) the pattern matches becomes the
 * default; written as its id, or its index if the id looks like one. */
static int apply_default(struct gb_ctx *ctx, struct gb_menu *menu, const char *pattern)
{
	if (!strcmp(pattern, "@saved")) {
		gb_menu_warn(menu, "loader.conf: default @saved is kept in EFI variables, which an image does not have; using the first entry%s%s%s",
			     menu->nentries ? " ('" : "", menu->nentries ? menu->entries[0].id : "",
			     menu->nentries ? "')" : "");
		return 0;
	}
	for (size_t i = 0; i < menu->nentries; i++) {
		const struct gb_entry *e = &menu->entries[i];
		if (!default_matches(pattern, e))
			continue;
		if (!all_digits(e->id))
			return gb_set_str(ctx, &menu->default_spec, e->id);
		char idx[24];
		snprintf(idx, sizeof(idx), "%zu", i);
		return gb_set_str(ctx, &menu->default_spec, idx);
	}
	gb_menu_warn(menu, "loader.conf: default '%s' matches no entry", pattern);
	return 0;
}

static void apply_timeout(struct gb_menu *menu, const char *v)
{
	if (!strcmp(v, "menu-force")) {
		menu->timeout = -1;
		return;
	}
	if (!strcmp(v, "menu-hidden") || !strcmp(v, "menu-disabled") || !strcmp(v, "0")) {
		menu->timeout = 0;
		menu->hidden = true;
		return;
	}
	char *end;
	long t = strtol(v, &end, 10);
	if (!all_digits(v) || *end || t > 1000000) {
		gb_menu_warn(menu, "loader.conf: bad timeout '%s', ignored", v);
		return;
	}
	menu->timeout = (int)t;
}

/* loader.conf: $BOOT/loader/loader.conf (on the ESP when there is one). */
static int read_loader_conf(struct gb_ctx *ctx, const struct gb_cfg_devices *devs, int dev,
			    const char *boot_root, struct gb_menu *menu)
{
	char *path = gb_path_join(boot_root, "loader/loader.conf");
	if (!path)
		return gb_error(ctx, GB_E_NOMEM, "out of memory");
	char *text = NULL, *pattern = NULL;
	size_t len = 0;
	int r = 0;
	enum gb_ftype type;
	if (!gb_cfg_exists(devs, dev, path, &type) || type != GB_FT_REG ||
	    gb_cfg_read(ctx, devs, dev, path, &text, &len))
		goto out; /* absent (or unreadable: gb_cfg_read recorded why) */
	struct gb_lines it;
	gb_lines_init(&it, text, len);
	char *line;
	while (!r && (line = gb_lines_next(&it))) {
		char *rest = gb_trim(line);
		if (!*rest || *rest == '#' || strlen(rest) > GB_CFG_MAX_LINE)
			continue;
		char *key = gb_next_word(&rest);
		if (!strcmp(key, "default"))
			r = gb_set_str(ctx, &pattern, rest);
		else if (!strcmp(key, "timeout"))
			apply_timeout(menu, rest);
	}
	if (!r && pattern)
		r = apply_default(ctx, menu, pattern);
out:
	free(pattern);
	free(text);
	free(path);
	return r;
}

static bool arch_mismatch(const struct gb_bls_entry *b, const struct gb_cfg_options *opt)
{
	const char *want = bls_arch(opt ? opt->grub_cpu : NULL);
	return b->architecture && want && strcasecmp(b->architecture, want);
}

/* Partition types systemd-boot looks for. */
static bool ptype_is(const struct gb_cfg_device *d, const char *mbr, const char *guid)
{
	return d->ptype && (!strcasecmp(d->ptype, mbr) || !strcasecmp(d->ptype, guid));
}
static bool is_esp(const struct gb_cfg_device *d)
{
	return ptype_is(d, "0xef", "c12a7328-f81f-11d2-ba4b-00a0c93ec93b");
}
static bool is_xbootldr(const struct gb_cfg_device *d)
{
	return ptype_is(d, "0xea", "bc13c2ff-59e6-4262-a352-b275fd6f7172");
}

/* "/boot/loader/entries" or "/EFI/Linux" -> the boot root ("/boot", "/");
 * NULL for any other directory (only its Type 1 entries are read). */
static char *boot_root_of(const char *path)
{
	static const char *const tails[] = { "/loader/entries", "/EFI/Linux" };
	size_t n = strlen(path);
	while (n > 1 && path[n - 1] == '/')
		n--;
	for (size_t i = 0; i < 2; i++) {
		size_t t = strlen(tails[i]);
		if (n >= t && !strncasecmp(path + n - t, tails[i], t))
			return n == t ? strdup("/") : strndup(path, n - t);
	}
	return NULL;
}

/* Type 1 entries from one directory, appended to *all. */
static int add_type1(struct gb_ctx *ctx, const struct gb_cfg_devices *devs, int dev,
		     const char *dir, struct gb_menu *menu, struct gb_bls_entry **all, size_t *n)
{
	struct gb_bls_entry *be;
	size_t k;
	int r = gb_bls_scan(ctx, devs, dev, dir, menu, &be, &k);
	if (r == GB_E_NOT_FOUND && *n + k == 0)
		return r; /* the named directory must exist when nothing else does */
	if (r == GB_E_NOT_FOUND)
		return 0;
	if (r)
		return r;
	struct gb_bls_entry *p = k ? realloc(*all, (*n + k) * sizeof(*p)) : *all;
	if (k && !p) {
		gb_bls_free(be, k);
		return gb_error(ctx, GB_E_NOMEM, "out of memory");
	}
	if (k)
		memcpy(p + *n, be, k * sizeof(*p));
	free(be);
	*all = p;
	*n += k;
	return 0;
}

/*
 * systemd-boot: Type 1 entries ($BOOT/loader/entries/NAME.conf) and Type 2
 * entries ($BOOT/EFI/Linux/NAME.efi) from the EFI system partition and from
 * the XBOOTLDR partition, merged and sorted together. A boot directory
 * elsewhere (a root file system's /boot) is read alone.
 */
static int bls_parse(struct gb_ctx *ctx, const struct gb_cfg_devices *devs, int dev,
		     const char *path, const struct gb_cfg_options *opt, struct gb_menu *menu)
{
	struct gb_bls_entry *be = NULL;
	size_t n = 0;
	char *root = boot_root_of(path);
	int r = 0, esp = -1, xbl = -1;
	if (root && !strcmp(root, "/") && dev >= 0 && (size_t)dev < devs->n &&
	    (is_esp(&devs->dev[dev]) || is_xbootldr(&devs->dev[dev]))) {
		for (size_t d = 0; d < devs->n; d++) {
			if (esp < 0 && is_esp(&devs->dev[d]))
				esp = (int)d;
			if (xbl < 0 && is_xbootldr(&devs->dev[d]))
				xbl = (int)d;
		}
	}
	int boot_devs[2] = { esp >= 0 ? esp : dev, xbl >= 0 && xbl != esp ? xbl : -1 };
	if (esp < 0 && xbl >= 0)
		boot_devs[0] = xbl, boot_devs[1] = -1;
	if (!root) {
		r = add_type1(ctx, devs, dev, path, menu, &be, &n);
	} else {
		for (int i = 0; i < 2 && !r; i++) {
			if (boot_devs[i] < 0)
				continue;
			char *t1 = gb_path_join(root, "loader/entries");
			char *t2 = gb_path_join(root, "EFI/Linux");
			if (!t1 || !t2)
				r = gb_error(ctx, GB_E_NOMEM, "out of memory");
			if (!r) {
				struct gb_ctx quiet = { 0 };
				r = add_type1(&quiet, devs, boot_devs[i], t1, menu, &be, &n);
				if (r == GB_E_NOMEM)
					r = gb_error(ctx, r, "out of memory");
				else
					r = 0;
			}
			if (!r)
				r = gb_bls_scan_uki(ctx, devs, boot_devs[i], t2, menu, &be, &n);
			free(t1);
			free(t2);
		}
	}
	enum gb_ftype type;
	if (!r && root && !n && (!gb_cfg_exists(devs, dev, path, &type) || type != GB_FT_DIR))
		r = gb_error(ctx, GB_E_NOT_FOUND, "%s: no such directory", path);
	if (!r)
		gb_bls_sort_uapi(be, n);
	/* where loader/ lies: the boot root, or above a plain entries dir */
	char *dir = root ? NULL : gb_path_dir(path);
	char *lroot = root ? NULL : (dir ? gb_path_dir(dir) : NULL);
	free(dir);
	const char *boot_root = root ? root : lroot;
	if (!r && !boot_root)
		r = gb_error(ctx, GB_E_NOMEM, "out of memory");
	for (size_t i = 0; i < n && !r; i++) {
		const struct gb_bls_entry *b = &be[i];
		if (arch_mismatch(b, opt)) {
			gb_menu_warn(menu, "%s: architecture %s, not this machine's; hidden",
				     b->filename, b->architecture);
			continue;
		}
		if (b->loaders & (b->loaders - 1)) {
			gb_menu_warn(menu, "%s: more than one of 'linux', 'efi', 'uki' and 'uki-url': "
				     "systemd-boot rejects the entry", b->filename);
			continue;
		}
		if (b->uki_url && b->uki_url[0] == ':') {
			gb_menu_warn(menu, "%s: uki-url %s is relative to the URL systemd-boot was loaded "
				     "from, which a disk boot has none of: hidden, as systemd-boot hides it",
				     b->filename, b->uki_url);
			continue;
		}
		r = bls_to_entry(ctx, devs, boot_root, menu, b);
	}
	gb_bls_free(be, n);
	if (!r)
		r = read_loader_conf(ctx, devs, root ? boot_devs[0] : dev, boot_root, menu);
	free(lroot);
	free(root);
	return r;
}

/* systemd-boot: Type 1 entries, else Type 2 (UKIs); bls_parse merges the
 * ESP's and the XBOOTLDR partition's. */
static const char *const bls_entry_dirs[] = { "/loader/entries", "/boot/loader/entries", NULL };
static const char *const bls_entry_names[] = { ".conf", NULL };
static const char *const bls_uki_dirs[] = { "/EFI/Linux", NULL };
static const char *const bls_uki_names[] = { ".efi", NULL };
static const struct gb_cfg_place bls_places[] = {
	{ 50, GB_CFG_DIR_HOLDING, bls_entry_dirs, bls_entry_names },
	{ 50, GB_CFG_DIR_HOLDING, bls_uki_dirs, bls_uki_names },
	{ 0 },
};
/* A directory named: loader/entries, EFI/Linux */
static const char *const bls_file_names[] = { "entries", "Linux", NULL };

const struct gb_config_parser gb_cfg_bls = {
	.name = "bls",
	.looks_for = "BLS entries, UKI in /EFI/Linux",
	.places = bls_places,
	.file_names = bls_file_names,
	.default_path = "/loader/entries",
	.default_file = "/loader/entries/entry.conf",
	.parse = bls_parse,
};
