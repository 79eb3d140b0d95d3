/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Which GRUB reads this grub.cfg. Where it matters (blscfg: Fedora's
 * patch or GRUB 2.14's blsuki module, or none at all), the image says:
 *  - the modules directory GRUB loads from, $prefix/CPU-PLATFORM, which
 *    grub-install fills: command.lst maps each command to the module
 *    providing it ("blscfg: blsuki" upstream from 2.14, "blscfg: blscfg"
 *    in Fedora's GRUB, no line in a GRUB without it), and modinfo.sh holds
 *    grub_version="2.06";
 *  - else a core image on the EFI system partition (EFI/NAME/grub*.efi, as
 *    Fedora installs one without a modules directory): its SBAT section
 *    ("grub,N,Free Software Foundation,grub,2.06,..." and the vendor's
 *    "grub.rh,..." line) gives the version and whose build it is.
 */
#define _GNU_SOURCE
#include "config/grub2/grub2.h"
#include "config/cfgutil.h"
#include "core/pe.h"

#include <stdio.h>
#include <stdlib.h>

/* The platform's directory first, then every other GRUB builds. */
static const char *const module_dirs[] = {
	"i386-pc", "x86_64-efi", "i386-efi", "arm64-efi", "arm-efi", "riscv64-efi",
	"loongarch64-efi", "x86_64-xen", "i386-xen", "i386-xen_pvh", "i386-coreboot",
	"i386-multiboot", "i386-qemu", "i386-ieee1275", "powerpc-ieee1275", "sparc64-ieee1275",
};

#define SBAT_MAX 16384u

static bool version_char(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       c == '.' || c == '-' || c == '+' || c == '~' || c == '_';
}

/* Copy a version of n bytes if it looks like one; false otherwise. */
static bool set_version(char *dst, size_t cap, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!version_char(s[i]))
			return false;
	return n && gb_copy_str(dst, cap, s, n);
}

bool gb_grub2_version_at_least(const char *v, unsigned long want_major, unsigned long want_minor)
{
	char *end;
	unsigned long major = strtoul(v, &end, 10);
	unsigned long minor = *end == '.' ? strtoul(end + 1, NULL, 10) : 0;
	return end != v && (major > want_major || (major == want_major && minor >= want_minor));
}

/* Is the version "2.14" or later? */
static bool at_least_2_14(const char *v)
{
	return gb_grub2_version_at_least(v, 2, 14);
}

static char *read_file(struct gb_grub2 *g, int dev, const char *path, size_t *len)
{
	char *text = NULL;
	struct gb_ctx quiet = { 0 };
	if (!gb_grub2_cost(g, GB_GRUB2_COST_READ) ||
	    gb_cfg_read(&quiet, g->devs, dev, path, &text, len))
		return NULL;
	return text;
}

/* command.lst: "[*]NAME: MODULE" lines; the module that provides blscfg
 * into mod ("" when none does). */
static void blscfg_module(char *text, size_t len, char *mod, size_t cap)
{
	struct gb_lines it;
	gb_lines_init(&it, text, len);
	mod[0] = '\0';
	for (char *line; (line = gb_lines_next(&it));) {
		if (*line == '*')
			line++;
		if (strncmp(line, "blscfg:", 7))
			continue;
		char *m = gb_trim(line + 7);
		if (!gb_copy_str(mod, cap, m, strlen(m)))
			mod[0] = '\0';
		return;
	}
}

/* modinfo.sh: grub_version="2.06" */
static void modinfo_version(struct gb_grub2_build *b, char *text, size_t len)
{
	struct gb_lines it;
	gb_lines_init(&it, text, len);
	for (char *line; (line = gb_lines_next(&it));) {
		static const char key[] = "grub_version=\"";
		if (strncmp(line, key, sizeof(key) - 1))
			continue;
		char *v = line + sizeof(key) - 1, *q = strchr(v, '"');
		if (q)
			set_version(b->version, sizeof(b->version), v, (size_t)(q - v));
		return;
	}
}

static bool probe_module_dir(struct gb_grub2 *g, const char *prefix, const char *name)
{
	struct gb_grub2_build *b = &g->build;
	char *dirname = NULL;
	if (asprintf(&dirname, "%s/%s", prefix, name) < 0)
		return false;
	int dev;
	char *dir = NULL;
	bool found = false;
	if (gb_grub2_resolve(g, dirname, &dev, &dir, false) || dev < 0 ||
	    !gb_grub2_cost(g, GB_GRUB2_COST_LOOKUP))
		goto out;
	char *cmdlst = gb_path_join(dir, "command.lst"), *modinfo = gb_path_join(dir, "modinfo.sh");
	size_t clen = 0, mlen = 0;
	char *ctext = cmdlst ? read_file(g, dev, cmdlst, &clen) : NULL;
	char *mtext = modinfo ? read_file(g, dev, modinfo, &mlen) : NULL;
	if (ctext || mtext) {
		found = true;
		snprintf(b->source, sizeof(b->source), "%s/%s", dirname,
			 ctext ? "command.lst" : "modinfo.sh");
		if (mtext)
			modinfo_version(b, mtext, mlen);
		char mod[64] = "";
		if (ctext) {
			blscfg_module(ctext, clen, mod, sizeof(mod));
		} else {
			/* no command list: the module files tell */
			char *m = gb_path_join(dir, "blsuki.mod"), *f = gb_path_join(dir, "blscfg.mod");
			if (m && gb_cfg_exists(g->devs, dev, m, NULL))
				snprintf(mod, sizeof(mod), "blsuki");
			else if (f && gb_cfg_exists(g->devs, dev, f, NULL))
				snprintf(mod, sizeof(mod), "blscfg");
			free(m);
			free(f);
		}
		b->blscfg = !mod[0] ? GB_BLSCFG_NONE : !strcmp(mod, "blsuki") ? GB_BLSCFG_UPSTREAM
									  : GB_BLSCFG_FEDORA;
	}
	free(ctext);
	free(mtext);
	free(cmdlst);
	free(modinfo);
out:
	free(dir);
	free(dirname);
	return found;
}

/* The SBAT text of a PE file, "" when it has none; NULL when unreadable. */
static char *read_sbat(struct gb_grub2 *g, struct gb_fs *fs, const char *path)
{
	struct gb_ctx quiet = { 0 };
	struct gb_file *f;
	if (!gb_grub2_cost(g, GB_GRUB2_COST_READ) || gb_file_open(&quiet, fs, path, &f))
		return NULL;
	uint64_t size = gb_file_size(f);
	size_t want = size < GB_PE_HEADER_MAX ? (size_t)size : GB_PE_HEADER_MAX, got = 0;
	uint8_t *hdr = malloc(want ? want : 1);
	int r = hdr ? gb_file_pread(&quiet, f, 0, hdr, want, &got) : GB_E_NOMEM;
	gb_file_close(f);
	struct gb_pe_section sec[GB_PE_MAX_SECTIONS];
	bool bad;
	int n = r ? -1 : gb_pe_sections(hdr, got, size, sec, GB_PE_MAX_SECTIONS, &bad);
	free(hdr);
	for (int i = 0; i < n; i++) {
		if (strcmp(sec[i].name, ".sbat") || !sec[i].size)
			continue;
		size_t len = sec[i].size < SBAT_MAX ? (size_t)sec[i].size : SBAT_MAX;
		char *text = NULL;
		if (gb_fs_read_range(&quiet, fs, path, sec[i].offset, len, &text))
			return NULL;
		return text; /* NUL-padded: it ends at the first NUL */
	}
	return n < 0 ? NULL : strdup("");
}

/* SBAT CSV: "component,generation,vendor,package,version,url" lines. */
static bool parse_sbat(struct gb_grub2_build *b, char *text)
{
	bool grub = false;
	struct gb_lines it;
	gb_lines_init(&it, text, strlen(text));
	for (char *line; (line = gb_lines_next(&it));) {
		char *field[6] = { 0 };
		size_t nf = 0;
		for (char *save, *t = strtok_r(line, ",", &save); t && nf < 6; t = strtok_r(NULL, ",", &save))
			field[nf++] = t;
		if (nf < 5)
			continue;
		if (!strcmp(field[0], "grub"))
			grub = set_version(b->version, sizeof(b->version), field[4], strlen(field[4]));
		else if (!strncmp(field[0], "grub.", 5) && !b->vendor[0])
			gb_copy_str(b->vendor, sizeof(b->vendor), field[0], strlen(field[0]));
	}
	return grub;
}

static bool is_esp(const struct gb_cfg_device *d)
{
	return d->ptype && (!strcasecmp(d->ptype, "0xef") ||
			    !strcasecmp(d->ptype, "c12a7328-f81f-11d2-ba4b-00a0c93ec93b"));
}

static bool is_grub_efi(const char *name)
{
	return !strncasecmp(name, "grub", 4) && gb_ends_with(name, ".efi", true);
}

/* EFI/NAME/grub*.efi on the EFI system partitions. */
static bool probe_esp(struct gb_grub2 *g)
{
	struct gb_grub2_build *b = &g->build;
	for (size_t d = 0; d < g->devs->n; d++) {
		struct gb_fs *fs = is_esp(&g->devs->dev[d]) ? gb_cfg_fs(g->devs, (int)d) : NULL;
		struct gb_ctx quiet = { 0 };
		struct gb_cfg_names vendors = { 0 };
		if (!fs || !gb_grub2_cost(g, GB_GRUB2_COST_LOOKUP) ||
		    gb_cfg_list_dirs(&quiet, fs, "/EFI", 32, &vendors))
			continue;
		bool found = false;
		for (size_t v = 0; v < vendors.n && !found; v++) {
			char *dir = gb_path_join("/EFI", vendors.names[v]);
			struct gb_cfg_names files;
			if (!dir || !gb_grub2_cost(g, GB_GRUB2_COST_LOOKUP) ||
			    gb_cfg_list_names(&quiet, fs, dir, 64, is_grub_efi, &files)) {
				free(dir);
				continue;
			}
			for (size_t k = 0; k < files.n && !found; k++) {
				char *path = gb_path_join(dir, files.names[k]);
				char *sbat = path ? read_sbat(g, fs, path) : NULL;
				b->vendor[0] = b->version[0] = '\0';
				if (sbat && parse_sbat(b, sbat)) {
					found = true;
					snprintf(b->source, sizeof(b->source), "(%s)%s",
						 g->devs->dev[d].grub_name, path);
				}
				free(sbat);
				free(path);
			}
			gb_cfg_names_free(&files);
			free(dir);
		}
		gb_cfg_names_free(&vendors);
		if (found) {
			/* Red Hat's builds (Fedora, RHEL and its rebuilds) carry
			 * their blscfg; a vendor's older GRUB that runs a config with
			 * blscfg has a patch derived from it */
			b->blscfg = !strcmp(b->vendor, "grub.rh") || !at_least_2_14(b->version)
				    ? GB_BLSCFG_FEDORA : GB_BLSCFG_UPSTREAM;
			return true;
		}
		b->version[0] = '\0';
	}
	return false;
}

void gb_grub2_probe_build(struct gb_grub2 *g)
{
	struct gb_grub2_build *b = &g->build;
	if (b->probed)
		return;
	b->probed = true;
	b->blscfg = GB_BLSCFG_ASSUMED_FEDORA;
	const char *prefix = gb_grub2_env_get(g->env, "prefix");
	const char *plat = g->opt && g->opt->grub_platform ? g->opt->grub_platform : "pc";
	const char *cpu = g->opt && g->opt->grub_cpu ? g->opt->grub_cpu : "x86_64";
	char own[64];
	snprintf(own, sizeof(own), "%s-%s", !strcmp(plat, "pc") ? "i386" : cpu, plat);
	if (prefix && *prefix) {
		if (probe_module_dir(g, prefix, own))
			return;
		for (size_t i = 0; i < sizeof(module_dirs) / sizeof(*module_dirs); i++)
			if (strcmp(module_dirs[i], own) && probe_module_dir(g, prefix, module_dirs[i]))
				return;
	}
	if (!probe_esp(g)) {
		b->version[0] = '\0';
		b->source[0] = '\0';
	}
}
