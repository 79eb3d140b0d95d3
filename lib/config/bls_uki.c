/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Boot Loader Specification Type #2 entries: Unified Kernel Images in
 * /EFI/Linux, read as systemd-boot lists them (one entry per profile; the
 * title, version and sort key from .osrel) and as systemd-stub starts
 * them (.linux, .ucode then .initrd, .cmdline with the add-ons' command
 * lines after it). Every section is a byte range of the PE file, checked
 * against the file's size; nothing of a UKI but its small text sections is
 * read here. */
#define _GNU_SOURCE
#include "config/cfgutil.h"
#include "core/pe.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>

#define UKI_TEXT_MAX (64u << 10)  /* .osrel, .cmdline, .profile, .uname */
#define UKI_MAX_PROFILES 256      /* systemd-boot's UNIFIED_PROFILES_MAX */
#define UKI_MAX_ADDONS 64         /* per directory */

enum { S_LINUX, S_INITRD, S_UCODE, S_CMDLINE, S_OSREL, S_PROFILE, S_COUNT };
static const char *const section_names[S_COUNT] = {
	".linux", ".initrd", ".ucode", ".cmdline", ".osrel", ".profile",
};

struct pe_file {
	struct gb_pe_section sec[GB_PE_MAX_SECTIONS];
	int n;
	bool bad;
};

/* The section table of dir/name; false (with a warning) when the file is
 * not a PE file that can be read. */
static bool read_pe(struct gb_fs *fs, const char *path, struct gb_menu *menu, struct pe_file *pe)
{
	struct gb_ctx quiet = { 0 };
	struct gb_file *f;
	if (gb_file_open(&quiet, fs, path, &f)) {
		gb_menu_warn(menu, "%s: %s", path, quiet.msg[0] ? quiet.msg : "unreadable");
		return false;
	}
	uint64_t size = gb_file_size(f);
	size_t want = size < GB_PE_HEADER_MAX ? (size_t)size : GB_PE_HEADER_MAX, got = 0;
	uint8_t *hdr = malloc(want ? want : 1);
	int r = hdr ? gb_file_pread(&quiet, f, 0, hdr, want, &got) : GB_E_NOMEM;
	gb_file_close(f);
	pe->n = r ? -1 : gb_pe_sections(hdr, got, size, pe->sec, GB_PE_MAX_SECTIONS, &pe->bad);
	free(hdr);
	if (pe->n < 0) {
		gb_menu_warn(menu, "%s: %s", path, r ? (quiet.msg[0] ? quiet.msg : "unreadable")
						: "not a PE file (no section table in its first 64 KiB)");
		return false;
	}
	if (pe->bad)
		gb_menu_warn(menu, "%s: a PE section lies outside the file, ignored", path);
	return true;
}

static int which_section(const char *name)
{
	for (int k = 0; k < S_COUNT; k++)
		if (!strcmp(name, section_names[k]))
			return k;
	return -1;
}

/* The sections of profile p (-1: the base, before the first .profile),
 * laid over what *v holds: the first of each name in the profile's range
 * wins. False when the UKI has no profile p. */
static bool locate_profile(const struct pe_file *pe, int p, int v[S_COUNT])
{
	int start = 0, seen = -1;
	if (p >= 0) {
		for (start = 0; start < pe->n; start++)
			if (!strcmp(pe->sec[start].name, ".profile") && ++seen == p)
				break;
		if (start == pe->n)
			return false;
	}
	int got[S_COUNT];
	for (int k = 0; k < S_COUNT; k++)
		got[k] = -1;
	for (int i = start; i < pe->n; i++) {
		if (i > start && !strcmp(pe->sec[i].name, ".profile"))
			break;
		if (p < 0 && !strcmp(pe->sec[i].name, ".profile"))
			break;
		int k = which_section(pe->sec[i].name);
		if (k >= 0 && got[k] < 0 && pe->sec[i].size)
			got[k] = i;
	}
	for (int k = 0; k < S_COUNT; k++)
		if (got[k] >= 0)
			v[k] = got[k];
	return true;
}

/* A small text section as a string; NULL (and a warning) when too big or
 * unreadable. */
static char *read_text(struct gb_fs *fs, const char *path, const struct gb_pe_section *s,
		       struct gb_menu *menu)
{
	if (s->size > UKI_TEXT_MAX) {
		gb_menu_warn(menu, "%s: section %s is %llu bytes, more than %u: ignored", path, s->name,
			     (unsigned long long)s->size, UKI_TEXT_MAX);
		return NULL;
	}
	struct gb_ctx quiet = { 0 };
	char *text = NULL;
	if (gb_fs_read_range(&quiet, fs, path, s->offset, (size_t)s->size, &text)) {
		gb_menu_warn(menu, "%s: section %s: %s", path, s->name, quiet.msg);
		return NULL;
	}
	/* a NUL ends the text, as it does for the stub */
	return text;
}

/* The value of KEY=VALUE in os-release text (the last one), quotes
 * removed; NULL when absent. */
static char *osrel_value(const char *text, const char *key)
{
	char *found = NULL;
	size_t kl = strlen(key);
	for (const char *line = text; line && *line;) {
		const char *end = strchr(line, '\n');
		size_t len = end ? (size_t)(end - line) : strlen(line);
		while (len && gb_is_space(*line))
			line++, len--;
		if (len > kl && !strncmp(line, key, kl) && line[kl] == '=') {
			const char *v = line + kl + 1;
			size_t vl = len - kl - 1;
			while (vl && gb_is_space(v[vl - 1]))
				vl--;
			if (vl >= 2 && (v[0] == '"' || v[0] == '\'') && v[vl - 1] == v[0])
				v++, vl -= 2;
			free(found);
			found = strndup(v, vl);
		}
		line = end ? end + 1 : NULL;
	}
	return found;
}

/* The stub's command line: control characters become spaces, and runs of
 * blanks one space (what the kernel's parser makes of them anyway). */
static void mangle_cmdline(char *s)
{
	for (char *p = s; *p; p++)
		if ((unsigned char)*p < ' ' || *p == 0x7f)
			*p = ' ';
	gb_squeeze_spaces(s);
}

static int append_words(struct gb_ctx *ctx, char **dst, const char *words)
{
	if (!*words)
		return 0;
	struct gb_sbuf b = { 0 };
	if (*dst)
		gb_sbuf_add_word(&b, *dst);
	gb_sbuf_add_word(&b, words);
	char *s = gb_sbuf_take(&b);
	if (!s)
		return gb_error(ctx, GB_E_NOMEM, "out of memory");
	free(*dst);
	*dst = s;
	return 0;
}

/* systemd-boot skips auto-* files: its own generated entries' names */
static bool is_uki(const char *name)
{
	return gb_ends_with(name, ".efi", true) && strncasecmp(name, "auto-", 5);
}

static bool is_addon(const char *name)
{
	return gb_ends_with(name, ".addon.efi", true) && strncasecmp(name, "auto-", 5);
}

/* The names in dir that keep() takes, sorted; a missing dir is empty, an
 * unreadable one a warning. */
static int list_dir(struct gb_ctx *ctx, struct gb_fs *fs, const char *dir,
		    bool (*keep)(const char *name), size_t cap, struct gb_menu *menu,
		    struct gb_cfg_names *l)
{
	*l = (struct gb_cfg_names){ 0 };
	struct gb_stat st = GB_SIZED(struct gb_stat);
	struct gb_ctx quiet = { 0 };
	if (gb_fs_stat(&quiet, fs, dir, &st) || st.type != GB_FT_DIR)
		return 0;
	int r = gb_cfg_list_names(&quiet, fs, dir, cap, keep, l);
	if (r == GB_E_NOMEM)
		return gb_error(ctx, r, "out of memory");
	if (r)
		gb_menu_warn(menu, "%s: %s", dir, quiet.msg);
	if (l->truncated)
		gb_menu_warn(menu, "%s: more than %zu files, the rest ignored", dir, cap);
	return 0;
}

/* The add-ons' command lines, in the stub's order: the global ones in
 * BOOT/loader/addons, then the UKI's own in NAME.efi.extra.d/, each
 * directory sorted by name. Add-ons holding a kernel are refused, as the
 * stub refuses them. */
static int addon_cmdline(struct gb_ctx *ctx, struct gb_fs *fs, const char *boot_root,
			 const char *uki_path, struct gb_menu *menu, char **out)
{
	char *dirs[2] = { gb_path_join(boot_root, "loader/addons"), NULL };
	size_t ul = strlen(uki_path);
	if ((dirs[1] = malloc(ul + sizeof(".extra.d"))))
		memcpy(dirs[1], uki_path, ul), memcpy(dirs[1] + ul, ".extra.d", sizeof(".extra.d"));
	int r = dirs[0] && dirs[1] ? 0 : gb_error(ctx, GB_E_NOMEM, "out of memory");
	struct gb_cfg_names l = { 0 };
	for (int d = 0; d < 2 && !r; d++) {
		if ((r = list_dir(ctx, fs, dirs[d], is_addon, UKI_MAX_ADDONS, menu, &l)))
			break;
		for (size_t i = 0; i < l.n && !r; i++) {
			char *path = gb_path_join(dirs[d], l.names[i]);
			struct pe_file *pe = path ? malloc(sizeof(*pe)) : NULL;
			if (!pe) {
				free(path);
				r = gb_error(ctx, GB_E_NOMEM, "out of memory");
				break;
			}
			int v[S_COUNT];
			for (int k = 0; k < S_COUNT; k++)
				v[k] = -1;
			if (read_pe(fs, path, menu, pe)) {
				locate_profile(pe, -1, v);
				if (v[S_LINUX] >= 0) {
					gb_menu_warn(menu, "%s: an add-on with a kernel, ignored", path);
				} else if (v[S_CMDLINE] >= 0) {
					char *c = read_text(fs, path, &pe->sec[v[S_CMDLINE]], menu);
					if (c) {
						mangle_cmdline(c);
						r = append_words(ctx, out, c);
						free(c);
					}
				}
			}
			free(pe);
			free(path);
		}
		gb_cfg_names_free(&l);
	}
	free(dirs[0]);
	free(dirs[1]);
	return r;
}

/* What .osrel and .profile say, as systemd-boot picks it. */
struct uki_meta {
	char *name, *version, *sort_key;
	char *profile_id, *profile_title;
};

static void meta_clear(struct uki_meta *m)
{
	free(m->name);
	free(m->version);
	free(m->sort_key);
	free(m->profile_id);
	free(m->profile_title);
	memset(m, 0, sizeof(*m));
}

static bool read_meta(struct gb_fs *fs, const char *path, const struct pe_file *pe,
		      const int v[S_COUNT], struct gb_menu *menu, struct uki_meta *m)
{
	char *osrel = read_text(fs, path, &pe->sec[v[S_OSREL]], menu);
	if (!osrel)
		return false;
	static const char *const names[] = { "PRETTY_NAME", "IMAGE_ID", "NAME", "ID" };
	static const char *const versions[] = { "IMAGE_VERSION", "VERSION", "VERSION_ID", "BUILD_ID" };
	static const char *const keys[] = { "IMAGE_ID", "ID" };
	for (size_t i = 0; i < 4 && !m->name; i++)
		m->name = osrel_value(osrel, names[i]);
	for (size_t i = 0; i < 4 && !m->version; i++)
		m->version = osrel_value(osrel, versions[i]);
	for (size_t i = 0; i < 2 && !m->sort_key; i++)
		m->sort_key = osrel_value(osrel, keys[i]);
	free(osrel);
	if (v[S_PROFILE] >= 0) {
		char *prof = read_text(fs, path, &pe->sec[v[S_PROFILE]], menu);
		if (prof) {
			m->profile_id = osrel_value(prof, "ID");
			m->profile_title = osrel_value(prof, "TITLE");
			free(prof);
		}
	}
	if (!m->name)
		gb_menu_warn(menu, "%s: .osrel has no PRETTY_NAME, IMAGE_ID, NAME or ID: skipped", path);
	return m->name != NULL;
}

/* "name+LEFT-DONE.efi": the id without the counter, lower case, as
 * systemd-boot makes it. */
static int uki_id(struct gb_ctx *ctx, struct gb_bls_entry *e, const char *file)
{
	size_t stem = strlen(file) - 4; /* ".efi" */
	char *id = malloc(stem + 5);
	if (!id)
		return gb_error(ctx, GB_E_NOMEM, "out of memory");
	memcpy(id, file, stem);
	id[stem] = '\0';
	gb_bls_split_counter(id, &e->tries_left, &e->tries_done);
	strcat(id, ".efi");
	for (char *p = id; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	e->id = id;
	return 0;
}

static int make_entry(struct gb_ctx *ctx, struct gb_bls_entry *e, int dev, const char *file,
		      const char *path, const struct pe_file *pe, const int v[S_COUNT], int profile,
		      struct uki_meta *m)
{
	memset(e, 0, sizeof(*e));
	e->dev = dev;
	e->uki = true;
	e->profile = profile;
	int r = uki_id(ctx, e, file);
	if (r)
		return r;
	char buf[64];
	const char *title_extra = m->profile_title ? m->profile_title :
				  profile > 0 ? m->profile_id : NULL;
	if (!title_extra && profile > 0) {
		snprintf(buf, sizeof(buf), "Profile #%d", profile + 1);
		title_extra = buf;
	}
	struct gb_sbuf t = { 0 };
	gb_sbuf_addf(&t, "%s", m->name);
	if (title_extra)
		gb_sbuf_addf(&t, " (%s)", title_extra);
	if (!(e->title = gb_sbuf_take(&t)))
		return gb_error(ctx, GB_E_NOMEM, "out of memory");
	if (profile > 0) {
		e->id_without_profile = e->id;
		e->id = NULL;
		struct gb_sbuf b = { 0 };
		if (m->profile_id)
			gb_sbuf_addf(&b, "%s@%s", e->id_without_profile, m->profile_id);
		else
			gb_sbuf_addf(&b, "%s@%d", e->id_without_profile, profile);
		if (!(e->id = gb_sbuf_take(&b)))
			return gb_error(ctx, GB_E_NOMEM, "out of memory");
	}
	e->version = m->version, m->version = NULL;
	e->sort_key = m->sort_key, m->sort_key = NULL;
	if ((r = gb_set_str(ctx, &e->filename, file)))
		return r;
	if (v[S_LINUX] < 0)
		r = gb_set_str(ctx, &e->efi, path);
	else
		r = gb_set_str(ctx, &e->linux, path);
	if (r)
		return r;
	if (v[S_LINUX] >= 0)
		e->linux_off = pe->sec[v[S_LINUX]].offset, e->linux_len = pe->sec[v[S_LINUX]].size;
	if (v[S_UCODE] >= 0)
		e->ucode_off = pe->sec[v[S_UCODE]].offset, e->ucode_len = pe->sec[v[S_UCODE]].size;
	if (v[S_INITRD] >= 0)
		e->initrd_off = pe->sec[v[S_INITRD]].offset, e->initrd_len = pe->sec[v[S_INITRD]].size;
	return 0;
}

static int grow(struct gb_ctx *ctx, struct gb_bls_entry **list, size_t n)
{
	struct gb_bls_entry *p = realloc(*list, (n + 1) * sizeof(*p));
	if (!p)
		return gb_error(ctx, GB_E_NOMEM, "out of memory");
	*list = p;
	return 0;
}

/* One UKI: an entry per profile (the base alone when it has none). */
static int read_uki(struct gb_ctx *ctx, struct gb_fs *fs, int dev, const char *boot_root,
		    const char *dir, const char *file, struct gb_menu *menu,
		    struct gb_bls_entry **list, size_t *n)
{
	char *path = gb_path_join(dir, file);
	struct pe_file *pe = path ? malloc(sizeof(*pe)) : NULL;
	char *addons = NULL;
	int r = pe ? 0 : gb_error(ctx, GB_E_NOMEM, "out of memory");
	if (r || !read_pe(fs, path, menu, pe))
		goto out;
	int base[S_COUNT];
	for (int k = 0; k < S_COUNT; k++)
		base[k] = -1;
	locate_profile(pe, -1, base);
	if ((r = addon_cmdline(ctx, fs, boot_root, path, menu, &addons)))
		goto out;
	for (int p = 0; p < UKI_MAX_PROFILES && !r; p++) {
		int v[S_COUNT];
		memcpy(v, base, sizeof(v));
		if (!locate_profile(pe, p, v) && p > 0)
			break;
		if (v[S_OSREL] < 0) {
			gb_menu_warn(menu, "%s: no .osrel section%s: not listed", path,
				     p ? " in a profile" : "");
			continue;
		}
		if (*n >= GB_BLS_MAX_ENTRIES) {
			gb_menu_warn(menu, "%s: more than %d entries, the rest ignored", dir,
				     GB_BLS_MAX_ENTRIES);
			break;
		}
		struct uki_meta m = { 0 };
		if (!read_meta(fs, path, pe, v, menu, &m)) {
			meta_clear(&m);
			continue;
		}
		char *cmdline = v[S_CMDLINE] >= 0 ? read_text(fs, path, &pe->sec[v[S_CMDLINE]], menu) : NULL;
		if (cmdline)
			mangle_cmdline(cmdline);
		if (!(r = grow(ctx, list, *n))) {
			struct gb_bls_entry *e = &(*list)[*n];
			r = make_entry(ctx, e, dev, file, path, pe, v, p, &m);
			if (!r && cmdline)
				r = append_words(ctx, &e->options, cmdline);
			if (!r && addons)
				r = append_words(ctx, &e->options, addons);
			if (!r && !e->options)
				r = gb_set_str(ctx, &e->options, "");
			(*n)++; /* freed with the list on error */
		}
		free(cmdline);
		meta_clear(&m);
	}
out:
	free(addons);
	free(pe);
	free(path);
	return r;
}

int gb_bls_scan_uki(struct gb_ctx *ctx, const struct gb_cfg_devices *devs, int dev,
		    const char *boot_root, const char *dir, struct gb_menu *menu,
		    struct gb_bls_entry **out, size_t *n)
{
	struct gb_fs *fs = gb_cfg_fs(devs, dev);
	if (!fs)
		return 0;
	struct gb_cfg_names l;
	int r = list_dir(ctx, fs, dir, is_uki, GB_BLS_MAX_ENTRIES, menu, &l);
	for (size_t i = 0; i < l.n && !r; i++)
		r = read_uki(ctx, fs, dev, boot_root, dir, l.names[i], menu, out, n);
	gb_cfg_names_free(&l);
	return r;
}
