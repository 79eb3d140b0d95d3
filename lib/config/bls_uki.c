/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Unified Kernel Images: Boot Loader Specification Type #2 entries in
 * /EFI/Linux, listed as systemd-boot lists them (one entry per profile; the
 * title, version and sort key from .osrel), and any UKI started as
 * systemd-stub starts it (src/boot/stub.c): the kernel (.linux), the
 * command line (the one passed in, or .cmdline, then the add-ons'), the
 * devicetree, and the initrds in the stub's order: the add-ons' .ucode,
 * .ucode, .initrd, the archives it makes of credentials, system and
 * configuration extensions and of its own .pcrsig, .pcrpkey, .osrel and
 * .profile sections, the add-ons' .initrd. Every section is a byte range of
 * the PE file, checked against the file's size; nothing of a UKI but its
 * small text sections is read here. */
#define _GNU_SOURCE
#include "config/cfgutil.h"
#include "core/pe.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>

#define UKI_TEXT_MAX (64u << 10)  /* .osrel, .cmdline, .profile, .uname */
#define UKI_MAX_PROFILES 256      /* systemd-boot's UNIFIED_PROFILES_MAX */
#define UKI_MAX_DROPINS 64        /* add-ons, credentials, extensions: per directory */
#define STUB_NAME_MAX 255         /* the stub skips longer file names */

enum {
	S_LINUX, S_INITRD, S_UCODE, S_CMDLINE, S_OSREL, S_PROFILE, S_UNAME, S_DTB, S_DTBAUTO,
	S_PCRSIG, S_PCRPKEY, S_COUNT
};
static const char *const section_names[S_COUNT] = {
	".linux", ".initrd", ".ucode", ".cmdline", ".osrel", ".profile", ".uname", ".dtb",
	".dtbauto", ".pcrsig", ".pcrpkey",
};

/* A UKI is read when it is listed and again when each of its profiles
 * is booted: say each thing once. */
static void __attribute__((format(printf, 2, 3))) warn(struct gb_menu *menu, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	gb_menu_vwarn(menu, true, fmt, ap);
	va_end(ap);
}

struct pe_file {
	struct gb_pe_section sec[GB_PE_MAX_SECTIONS];
	int n;
	bool bad;
};

/* The section table of path; false (with a warning) when the file is not
 * a PE file that can be read. */
static bool read_pe(struct gb_fs *fs, const char *path, struct gb_menu *menu, struct pe_file *pe)
{
	struct gb_ctx quiet = { 0 };
	struct gb_file *f;
	if (gb_file_open(&quiet, fs, path, &f)) {
		warn(menu, "%s: %s", path, quiet.msg[0] ? quiet.msg : "unreadable");
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
		warn(menu, "%s: %s", path, r ? (quiet.msg[0] ? quiet.msg : "unreadable")
						: "not a PE file (no section table in its first 64 KiB)");
		return false;
	}
	if (pe->bad)
		warn(menu, "%s: a PE section lies outside the file, ignored", path);
	return true;
}

static int which_section(const char *name)
{
	for (int k = 0; k < S_COUNT; k++)
		if (!strcmp(name, section_names[k]))
			return k;
	return -1;
}

static void no_sections(int v[S_COUNT])
{
	for (int k = 0; k < S_COUNT; k++)
		v[k] = -1;
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
	no_sections(got);
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
		warn(menu, "%s: section %s is %llu bytes, more than %u: ignored", path, s->name,
			     (unsigned long long)s->size, UKI_TEXT_MAX);
		return NULL;
	}
	struct gb_ctx quiet = { 0 };
	char *text = NULL;
	if (gb_fs_read_range(&quiet, fs, path, s->offset, (size_t)s->size, &text)) {
		warn(menu, "%s: section %s: %s", path, s->name, quiet.msg);
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

/* The stub's mangle_stub_cmdline: leading and trailing blanks and control
 * characters go, each one inside becomes a space. */
static void mangle_cmdline(char *s)
{
	const char *p = s;
	char *q = s, *end = s;
	while (*p && ((unsigned char)*p <= ' ' || *p == 0x7f))
		p++;
	for (; *p; p++) {
		if ((unsigned char)*p <= ' ' || *p == 0x7f) {
			*q++ = ' ';
			continue;
		}
		*q++ = *p;
		end = q;
	}
	*end = '\0';
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

/* The stub's drop-in files (load_addons_from_dir, pack_cpio): ASCII names
 * of at most 255 bytes with the suffix, in either case. */
static bool stub_name(const char *name, const char *suffix)
{
	size_t n = strlen(name);
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)name[i] > 0x7f)
			return false;
	return n <= STUB_NAME_MAX && gb_ends_with(name, suffix, true);
}

static bool is_addon(const char *name)
{
	return stub_name(name, ".addon.efi");
}

static bool is_cred(const char *name)
{
	return stub_name(name, ".cred");
}

/* *.raw are system extensions ("for compat", the stub says), but for
 * configuration extensions, *.confext.raw */
static bool is_sysext(const char *name)
{
	return stub_name(name, ".raw") && !gb_ends_with(name, ".confext.raw", true);
}

static bool is_confext(const char *name)
{
	return stub_name(name, ".confext.raw");
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
		warn(menu, "%s: %s", dir, quiet.msg);
	if (l->truncated)
		warn(menu, "%s: more than %zu files, the rest ignored", dir, cap);
	return 0;
}

/* ---- how systemd-stub starts a UKI ----------------------------------------- */

/* The parts of the stub's ramdisk that come from add-ons, kept until the
 * UKI's own are in place. */
struct addon_part {
	char *path;
	const char *section;
	uint64_t offset, length;
};

struct stub_run {
	struct gb_ctx *ctx;
	struct gb_menu *menu;
	struct gb_fs *fs;
	int dev;
	const char *uki;        /* the UKI's path */
	char *uname;            /* its .uname, NULL: none */
	char *addon_cmdline;
	struct addon_part *ucode, *initrd;
	size_t nucode, ninitrd;
	struct gb_entry *e;
};

static int add_part(struct stub_run *s, struct addon_part **list, size_t *n, const char *path,
		    const struct gb_pe_section *sec, const char *section)
{
	struct addon_part *p = realloc(*list, (*n + 1) * sizeof(*p));
	if (!p)
		return gb_error(s->ctx, GB_E_NOMEM, "out of memory");
	*list = p;
	if (!(p[*n].path = strdup(path)))
		return gb_error(s->ctx, GB_E_NOMEM, "out of memory");
	p[*n].section = section;
	p[*n].offset = sec->offset;
	p[*n].length = sec->size;
	(*n)++;
	return 0;
}

static void free_parts(struct addon_part *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(p[i].path);
	free(p);
}

/* Another initrd of the entry: a section (length > 0) or a whole file,
 * wrapped in a stub archive as cpio_name when that is set. */
static int add_initrd(struct stub_run *s, const char *path, const char *section, uint64_t off,
		      uint64_t len, const char *cpio_name, int cpio)
{
	struct gb_entry *e = s->e;
	int r = gb_entry_add_file(s->ctx, &e->initrds, &e->ninitrds, s->dev, path, NULL);
	if (r)
		return r;
	struct gb_boot_file *f = &e->initrds[e->ninitrds - 1];
	f->section = section;
	f->offset = off;
	f->length = len;
	if (cpio_name) {
		if (!(f->cpio_name = strdup(cpio_name)))
			return gb_error(s->ctx, GB_E_NOMEM, "out of memory");
		f->cpio = cpio;
	}
	return 0;
}

static int add_section(struct stub_run *s, const struct pe_file *pe, const int v[S_COUNT], int k,
		       const char *cpio_name)
{
	if (v[k] < 0)
		return 0;
	const struct gb_pe_section *sec = &pe->sec[v[k]];
	return add_initrd(s, s->uki, section_names[k], sec->offset, sec->size, cpio_name,
			  cpio_name ? GB_CPIO_STUB : GB_CPIO_NONE);
}

/* The devicetree a section holds: it replaces the one installed before
 * (devicetree_install_from_memory), so the last one wins. */
static int set_devicetree(struct stub_run *s, const char *path, const struct gb_pe_section *sec)
{
	struct gb_boot_file *d = &s->e->devicetree;
	if (gb_set_str(s->ctx, &d->path, path))
		return s->ctx->code;
	d->device = s->dev;
	d->offset = sec->offset;
	d->length = sec->size;
	d->section = ".dtb";
	return 0;
}

/* The stub takes a .dtbauto section whose compatible string or hardware
 * ids match the machine's firmware, else .dtb. */
static void warn_dtbauto(struct stub_run *s, const char *path)
{
	warn(s->menu, "%s: its .dtbauto sections are chosen by the firmware's hardware ids, "
		     "which an image does not have: .dtb is used as when none matches", path);
}

/* One add-on (load_addons): refused when it holds a kernel or its .uname
 * is not the UKI's (compared over the add-on's length, as strneq8 does). */
static int load_addon(struct stub_run *s, const char *path)
{
	struct pe_file *pe = malloc(sizeof(*pe));
	if (!pe)
		return gb_error(s->ctx, GB_E_NOMEM, "out of memory");
	int v[S_COUNT], r = 0;
	no_sections(v);
	if (!read_pe(s->fs, path, s->menu, pe))
		goto out;
	locate_profile(pe, -1, v);
	if (v[S_CMDLINE] < 0 && v[S_DTB] < 0 && v[S_DTBAUTO] < 0 && v[S_INITRD] < 0 && v[S_UCODE] < 0)
		goto out;
	if (v[S_LINUX] >= 0) {
		warn(s->menu, "%s: an add-on with a kernel, ignored (systemd-stub refuses it)",
			     path);
		goto out;
	}
	if (s->uname && v[S_UNAME] >= 0) {
		char *un = read_text(s->fs, path, &pe->sec[v[S_UNAME]], s->menu);
		bool same = un && !strncmp(s->uname, un, (size_t)pe->sec[v[S_UNAME]].size);
		free(un);
		if (!same) {
			warn(s->menu, "%s: its .uname is not the UKI's (%s): ignored", path,
				     s->uname);
			goto out;
		}
	}
	if (v[S_CMDLINE] >= 0) {
		char *c = read_text(s->fs, path, &pe->sec[v[S_CMDLINE]], s->menu);
		if (c) {
			mangle_cmdline(c);
			r = append_words(s->ctx, &s->addon_cmdline, c);
			free(c);
		}
	}
	if (v[S_DTBAUTO] >= 0)
		warn_dtbauto(s, path);
	if (!r && v[S_DTB] >= 0)
		r = set_devicetree(s, path, &pe->sec[v[S_DTB]]);
	if (!r && v[S_INITRD] >= 0)
		r = add_part(s, &s->initrd, &s->ninitrd, path, &pe->sec[v[S_INITRD]], ".initrd");
	if (!r && v[S_UCODE] >= 0)
		r = add_part(s, &s->ucode, &s->nucode, path, &pe->sec[v[S_UCODE]], ".ucode");
out:
	free(pe);
	return r;
}

static int load_addons(struct stub_run *s, const char *dir)
{
	struct gb_cfg_names l;
	int r = list_dir(s->ctx, s->fs, dir, is_addon, UKI_MAX_DROPINS, s->menu, &l);
	for (size_t i = 0; i < l.n && !r; i++) {
		char *path = gb_path_join(dir, l.names[i]);
		r = path ? load_addon(s, path) : gb_error(s->ctx, GB_E_NOMEM, "out of memory");
		free(path);
	}
	gb_cfg_names_free(&l);
	return r;
}

/* pack_cpio: the files of dir that keep() takes, as one archive in
 * target (".extra/credentials"). */
static int add_archive(struct stub_run *s, const char *dir, bool (*keep)(const char *),
		       const char *target)
{
	struct gb_cfg_names l;
	int r = list_dir(s->ctx, s->fs, dir, keep, UKI_MAX_DROPINS, s->menu, &l);
	for (size_t i = 0; i < l.n && !r; i++) {
		char *path = gb_path_join(dir, l.names[i]), *name = NULL;
		if (!path || asprintf(&name, "%s/%s", target, l.names[i]) < 0)
			r = gb_error(s->ctx, GB_E_NOMEM, "out of memory");
		else
			r = add_initrd(s, path, NULL, 0, 0, name, i ? GB_CPIO_STUB_MORE : GB_CPIO_STUB);
		free(path);
		free(name);
	}
	gb_cfg_names_free(&l);
	return r;
}

/* get_extra_dir: the UKI's path without its boot counter ("+LEFT[-DONE]"
 * at the first '+', followed by the end or a '.'), then ".extra.d". */
static char *extra_dir(const char *path)
{
	char *p = strdup(path);
	char *plus = p ? strchr(p, '+') : NULL;
	if (plus) {
		char *t = plus + 1;
		bool ok = isdigit((unsigned char)*t);
		while (isdigit((unsigned char)*t))
			t++;
		if (ok && *t == '-') {
			ok = isdigit((unsigned char)t[1]);
			for (t++; isdigit((unsigned char)*t); t++)
				;
		}
		if (ok && (!*t || *t == '.'))
			memmove(plus, t, strlen(t) + 1);
	}
	char *d = NULL;
	if (p && asprintf(&d, "%s.extra.d", p) < 0)
		d = NULL;
	free(p);
	return d;
}

/* The initrds, in the order stub.c joins them. */
static int stub_initrds(struct stub_run *s, const struct pe_file *pe, const int v[S_COUNT],
			const char *boot_root, const char *extra)
{
	int r = 0;
	for (size_t i = s->nucode; i-- > 0 && !r;) /* the kernel takes the first microcode */
		r = add_initrd(s, s->ucode[i].path, s->ucode[i].section, s->ucode[i].offset,
			       s->ucode[i].length, NULL, GB_CPIO_NONE);
	if (!r)
		r = add_section(s, pe, v, S_UCODE, NULL);
	if (!r)
		r = add_section(s, pe, v, S_INITRD, NULL);
	char *creds = gb_path_join(boot_root, "loader/credentials");
	char *exts = gb_path_join(boot_root, "loader/extensions");
	if (!creds || !exts)
		r = gb_error(s->ctx, GB_E_NOMEM, "out of memory");
	if (!r)
		r = add_archive(s, extra, is_cred, ".extra/credentials");
	if (!r)
		r = add_archive(s, creds, is_cred, ".extra/global_credentials");
	if (!r)
		r = add_archive(s, extra, is_sysext, ".extra/sysext");
	if (!r)
		r = add_archive(s, exts, is_sysext, ".extra/global_sysext");
	if (!r)
		r = add_archive(s, extra, is_confext, ".extra/confext");
	if (!r)
		r = add_archive(s, exts, is_confext, ".extra/global_confext");
	free(creds);
	free(exts);
	if (!r)
		r = add_section(s, pe, v, S_PCRSIG, ".extra/tpm2-pcr-signature.json");
	if (!r)
		r = add_section(s, pe, v, S_PCRPKEY, ".extra/tpm2-pcr-public-key.pem");
	if (!r)
		r = add_section(s, pe, v, S_OSREL, ".extra/os-release");
	if (!r)
		r = add_section(s, pe, v, S_PROFILE, ".extra/profile");
	for (size_t i = 0; i < s->ninitrd && !r; i++)
		r = add_initrd(s, s->initrd[i].path, s->initrd[i].section, s->initrd[i].offset,
			       s->initrd[i].length, NULL, GB_CPIO_NONE);
	return r;
}

static int stub_boot(struct stub_run *s, const char *boot_root, int profile, const char *options)
{
	struct gb_entry *e = s->e;
	struct pe_file *pe = malloc(sizeof(*pe));
	char *cmdline = NULL, *extra = extra_dir(s->uki);
	int v[S_COUNT], r = pe && extra ? 0 : gb_error(s->ctx, GB_E_NOMEM, "out of memory");
	if (!r && !read_pe(s->fs, s->uki, s->menu, pe))
		r = GB_E_NOT_MINE;
	if (r)
		goto out;
	no_sections(v);
	locate_profile(pe, -1, v);
	/* find_sections: profile 0 is implied when there are none */
	if (!locate_profile(pe, profile, v) && profile > 0) {
		warn(s->menu, "%s: no profile %d: systemd-stub refuses to boot it", s->uki,
			     profile);
		r = GB_E_NOT_MINE;
		goto out;
	}
	if (v[S_LINUX] < 0) {
		warn(s->menu, "%s: no .linux section: systemd-stub refuses to boot it", s->uki);
		r = GB_E_NOT_MINE;
		goto out;
	}
	if (v[S_UNAME] >= 0)
		s->uname = read_text(s->fs, s->uki, &pe->sec[v[S_UNAME]], s->menu);
	/* settle_command_line: the one passed in (without Secure Boot), else
	 * .cmdline; then the add-ons' (global ones first) */
	if (options && (r = gb_set_str(s->ctx, &cmdline, options)))
		goto out;
	if (cmdline)
		mangle_cmdline(cmdline);
	if ((!cmdline || !*cmdline) && v[S_CMDLINE] >= 0) {
		free(cmdline);
		if ((cmdline = read_text(s->fs, s->uki, &pe->sec[v[S_CMDLINE]], s->menu)))
			mangle_cmdline(cmdline);
	}
	if (v[S_DTBAUTO] >= 0)
		warn_dtbauto(s, s->uki);
	if (v[S_DTB] >= 0 && (r = set_devicetree(s, s->uki, &pe->sec[v[S_DTB]])))
		goto out;
	char *global = gb_path_join(boot_root, "loader/addons");
	r = global ? load_addons(s, global) : gb_error(s->ctx, GB_E_NOMEM, "out of memory");
	free(global);
	if (!r)
		r = load_addons(s, extra);
	if (!r && s->addon_cmdline)
		r = append_words(s->ctx, &cmdline, s->addon_cmdline);
	if (r)
		goto out;
	e->kind = GB_ENTRY_LINUX;
	if ((r = gb_set_str(s->ctx, &e->kernel.path, s->uki)))
		goto out;
	e->kernel.device = s->dev;
	e->kernel.offset = pe->sec[v[S_LINUX]].offset;
	e->kernel.length = pe->sec[v[S_LINUX]].size;
	e->kernel.section = ".linux";
	if ((r = gb_set_str(s->ctx, &e->args, cmdline ? cmdline : "")))
		goto out;
	r = stub_initrds(s, pe, v, boot_root, extra);
	if (r == GB_E_LIMIT) {
		warn(s->menu, "%s: %s: not bootable", s->uki, gb_ctx_message(s->ctx));
		gb_ctx_clear(s->ctx);
		r = GB_E_NOT_MINE;
	}
out:
	free(cmdline);
	free(extra);
	free(pe);
	return r;
}

static void clear_boot(struct gb_entry *e)
{
	for (size_t i = 0; i < e->ninitrds; i++) {
		free(e->initrds[i].path);
		free(e->initrds[i].cpio_name);
	}
	free(e->initrds);
	e->initrds = NULL;
	e->ninitrds = 0;
	free(e->kernel.path);
	free(e->devicetree.path);
	e->kernel = (struct gb_boot_file){ .device = -1 };
	e->devicetree = (struct gb_boot_file){ .device = -1 };
	e->kind = GB_ENTRY_EMPTY;
}

int gb_uki_boot(struct gb_ctx *ctx, const struct gb_cfg_devices *devs, int dev,
		const char *boot_root, const char *path, int profile, const char *options,
		struct gb_menu *menu, struct gb_entry *e)
{
	struct stub_run s = { .ctx = ctx, .menu = menu, .fs = gb_cfg_fs(devs, dev), .dev = dev,
			      .uki = path, .e = e };
	int r = s.fs ? stub_boot(&s, boot_root, profile, options) : GB_E_NOT_MINE;
	if (!s.fs)
		warn(menu, "%s: no readable file system on that device", path);
	free(s.uname);
	free(s.addon_cmdline);
	free_parts(s.ucode, s.nucode);
	free_parts(s.initrd, s.ninitrd);
	if (r == GB_E_NOT_MINE) {
		clear_boot(e);
		return 0;
	}
	return r;
}

/* ---- Type 2 entries ---------------------------------------------------- */

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
		warn(menu, "%s: .osrel has no PRETTY_NAME, IMAGE_ID, NAME or ID: skipped", path);
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
		      const char *path, const int v[S_COUNT], int profile, struct uki_meta *m)
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
	/* a UKI is booted as the stub boots it (gb_uki_boot); without a
	 * kernel it is an EFI program */
	return gb_set_str(ctx, v[S_LINUX] < 0 ? &e->efi : &e->linux, path);
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
static int read_uki(struct gb_ctx *ctx, struct gb_fs *fs, int dev, const char *dir,
		    const char *file, struct gb_menu *menu, struct gb_bls_entry **list, size_t *n)
{
	char *path = gb_path_join(dir, file);
	struct pe_file *pe = path ? malloc(sizeof(*pe)) : NULL;
	int r = pe ? 0 : gb_error(ctx, GB_E_NOMEM, "out of memory");
	if (r || !read_pe(fs, path, menu, pe))
		goto out;
	int base[S_COUNT];
	no_sections(base);
	locate_profile(pe, -1, base);
	for (int p = 0; p < UKI_MAX_PROFILES && !r; p++) {
		int v[S_COUNT];
		memcpy(v, base, sizeof(v));
		if (!locate_profile(pe, p, v) && p > 0)
			break;
		if (v[S_OSREL] < 0) {
			warn(menu, "%s: no .osrel section%s: not listed", path,
				     p ? " in a profile" : "");
			continue;
		}
		if (*n >= GB_BLS_MAX_ENTRIES) {
			warn(menu, "%s: more than %d entries, the rest ignored", dir,
				     GB_BLS_MAX_ENTRIES);
			break;
		}
		struct uki_meta m = { 0 };
		if (read_meta(fs, path, pe, v, menu, &m) && !(r = grow(ctx, list, *n))) {
			r = make_entry(ctx, &(*list)[*n], dev, file, path, v, p, &m);
			(*n)++; /* freed with the list on error */
		}
		meta_clear(&m);
	}
out:
	free(pe);
	free(path);
	return r;
}

int gb_bls_scan_uki(struct gb_ctx *ctx, const struct gb_cfg_devices *devs, int dev,
		    const char *dir, struct gb_menu *menu, struct gb_bls_entry **out, size_t *n)
{
	struct gb_fs *fs = gb_cfg_fs(devs, dev);
	if (!fs)
		return 0;
	struct gb_cfg_names l;
	int r = list_dir(ctx, fs, dir, is_uki, GB_BLS_MAX_ENTRIES, menu, &l);
	for (size_t i = 0; i < l.n && !r; i++)
		r = read_uki(ctx, fs, dev, dir, l.names[i], menu, out, n);
	gb_cfg_names_free(&l);
	return r;
}
