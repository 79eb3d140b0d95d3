/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Finding the guest's boot configuration on an image and running it:
 * the devices GRUB would see, the search order, PV-GRUB emulation. */
#define _GNU_SOURCE
#include "config/config.h"

#include <stdio.h>
#include <stdlib.h>
#include <strings.h>

struct candidate {
	const struct gb_config_parser *parser;
	int dev;
	char path[256];
	bool btrfs_relative; /* found in the default subvolume */
};

static bool is_file(const struct gb_cfg_devices *devs, int dev, const char *path)
{
	enum gb_ftype t;
	return gb_cfg_exists(devs, dev, path, &t) && t == GB_FT_REG;
}

/* The machine the image boots on, from the EFI bootloaders its ESPs hold
 * (the removable-media path and systemd-boot's own): "arm64" when they
 * are arm64's only, else "x86_64". GRUB calls it $grub_cpu; the BLS
 * parser shows only the entries whose architecture matches it. */
static const char *efi_cpu(const struct gb_cfg_devices *devs)
{
	static const char *const aa64[] = { "/EFI/BOOT/BOOTAA64.EFI", "/EFI/systemd/systemd-bootaa64.efi" };
	static const char *const x64[] = { "/EFI/BOOT/BOOTX64.EFI", "/EFI/systemd/systemd-bootx64.efi",
					   "/EFI/BOOT/BOOTIA32.EFI" };
	bool arm = false, x86 = false;
	for (size_t d = 0; d < devs->n && d < 64; d++) {
		const char *t = devs->dev[d].ptype;
		if (!t || (strcasecmp(t, "0xef") && strcasecmp(t, "c12a7328-f81f-11d2-ba4b-00a0c93ec93b")))
			continue;
		for (size_t i = 0; i < sizeof(aa64) / sizeof(aa64[0]); i++)
			arm |= is_file(devs, (int)d, aa64[i]);
		for (size_t i = 0; i < sizeof(x64) / sizeof(x64[0]); i++)
			x86 |= is_file(devs, (int)d, x64[i]);
	}
	return arm && !x86 ? "arm64" : "x86_64";
}

static bool found(struct candidate *c, const struct gb_config_parser *p, int dev,
		  const char *path)
{
	c->parser = p;
	c->dev = dev;
	snprintf(c->path, sizeof(c->path), "%s", path);
	return true;
}

/* prefix + dir + "/" + name into out ("/" + "x" is "/x"); false when it
 * does not fit. */
static bool join(char *out, size_t cap, const char *prefix, const char *dir, const char *name)
{
	size_t n = strlen(dir);
	return (size_t)snprintf(out, cap, "%s%s%s%s", prefix, dir,
				n && dir[n - 1] == '/' ? "" : "/", name) < cap;
}

/* The first prefix + dir/name of place that is a file, into hit. */
static bool first_file(const struct gb_cfg_devices *devs, int dev, const struct gb_cfg_place *pl,
		       const char *prefix, char *hit, size_t cap)
{
	char path[256];
	for (const char *const *d = pl->dirs; *d; d++)
		for (const char *const *n = pl->names; *n; n++)
			if (join(path, sizeof(path), prefix, *d, *n) && is_file(devs, dev, path)) {
				snprintf(hit, cap, "%s", path);
				return true;
			}
	return false;
}

/* A readdir whose directories are searched for the place's files. */
struct dir_scan {
	const struct gb_cfg_devices *devs;
	int dev;
	const struct gb_cfg_place *pl;
	const char *dir;
	unsigned seen;
	char hit[256];
};

/* Only the first entries of / are tried for subvolumes. */
#define SUBVOL_SCAN_MAX 64

/* A top-level btrfs subvolume, /SUBVOL/dir/name. */
static int subvol_entry(void *arg, const struct gb_dirent *de)
{
	struct dir_scan *s = arg;
	char prefix[300];
	if (++s->seen > SUBVOL_SCAN_MAX)
		return 1;
	if (de->type != GB_FT_DIR)
		return 0;
	snprintf(prefix, sizeof(prefix), "/%s", de->name);
	return first_file(s->devs, s->dev, s->pl, prefix, s->hit, sizeof(s->hit));
}

/* A subdirectory of dir, dir/SUBDIR/name. */
static int subdir_entry(void *arg, const struct gb_dirent *de)
{
	struct dir_scan *s = arg;
	char sub[300], path[256];
	if (de->type != GB_FT_DIR && de->type != GB_FT_OTHER)
		return 0;
	for (const char *const *n = s->pl->names; *n; n++)
		if (join(sub, sizeof(sub), "", s->dir, de->name) &&
		    join(path, sizeof(path), "", sub, *n) && is_file(s->devs, s->dev, path)) {
			snprintf(s->hit, sizeof(s->hit), "%s", path);
			return 1;
		}
	return 0;
}

struct any_file {
	const char *suffix;
	bool found;
};

static int any_file(void *arg, const struct gb_dirent *de)
{
	struct any_file *a = arg;
	size_t n = strlen(de->name), m = strlen(a->suffix);
	if (n > m && !strcasecmp(de->name + n - m, a->suffix) && de->type != GB_FT_DIR)
		a->found = true;
	return a->found;
}

/* Does dir hold a file whose name ends in suffix (a BLS entry)? */
static bool holds_file(const struct gb_cfg_devices *devs, int dev, const char *dir,
		       const char *suffix)
{
	struct any_file a = { suffix, false };
	struct gb_ctx quiet = { 0 };
	struct gb_fs *fs = gb_cfg_fs(devs, dev);
	if (fs)
		gb_fs_readdir(&quiet, fs, dir, any_file, &a);
	return a.found;
}

/* Is the place's configuration on device dev? Its path into c. */
static bool look(const struct gb_cfg_devices *devs, int dev, const struct gb_config_parser *p,
		 const struct gb_cfg_place *pl, struct candidate *c)
{
	struct gb_ctx quiet = { 0 };
	struct gb_fs *fs;
	const char *top;
	char hit[sizeof(c->path)];
	switch (pl->where) {
	case GB_CFG_AT:
		return first_file(devs, dev, pl, "", hit, sizeof(hit)) && found(c, p, dev, hit);
	case GB_CFG_IN_DEFAULT_SUBVOL:
		fs = gb_cfg_fs(devs, dev);
		if (!fs || gb_fs_default_root(&quiet, fs, &top) || !*top ||
		    !first_file(devs, dev, pl, top, hit, sizeof(hit)))
			return false;
		c->btrfs_relative = true;
		return found(c, p, dev, hit);
	case GB_CFG_IN_SUBVOL: {
		struct dir_scan s = { devs, dev, pl, "/", 0, "" };
		fs = gb_cfg_fs(devs, dev);
		return fs && !strcmp(gb_fs_type(fs), "btrfs") &&
		       gb_fs_readdir(&quiet, fs, "/", subvol_entry, &s) == 0 && s.hit[0] &&
		       found(c, p, dev, s.hit);
	}
	case GB_CFG_IN_SUBDIR:
		fs = gb_cfg_fs(devs, dev);
		for (const char *const *d = pl->dirs; fs && *d; d++) {
			struct dir_scan s = { devs, dev, pl, *d, 0, "" };
			if (gb_fs_readdir(&quiet, fs, *d, subdir_entry, &s) == 0 && s.hit[0])
				return found(c, p, dev, s.hit);
		}
		return false;
	case GB_CFG_DIR_HOLDING:
		for (const char *const *d = pl->dirs; *d; d++)
			for (const char *const *n = pl->names; *n; n++)
				if (holds_file(devs, dev, *d, *n))
					return found(c, p, dev, *d);
		return false;
	}
	return false;
}

/*
 * The search (documented in guestboot(1)): each parser's places
 * (config.h, struct gb_cfg_place) pass by pass, lowest first; in a pass,
 * over the volumes in partition order, and the first hit wins.
 */
static bool search(const struct gb_cfg_devices *devs, struct candidate *c)
{
	unsigned pass = 0;
	for (;;) {
		/* the next pass any parser has */
		unsigned next = 0;
		for (size_t i = 0; gb_cfg_parsers[i]; i++)
			for (const struct gb_cfg_place *pl = gb_cfg_parsers[i]->places; pl->pass; pl++)
				if (pl->pass > pass && (!next || pl->pass < next))
					next = pl->pass;
		if (!next)
			return false;
		pass = next;
		for (size_t d = 0; d < devs->n; d++)
			for (size_t i = 0; gb_cfg_parsers[i]; i++)
				for (const struct gb_cfg_place *pl = gb_cfg_parsers[i]->places; pl->pass; pl++)
					if (pl->pass == pass && look(devs, (int)d, gb_cfg_parsers[i], pl, c))
						return true;
	}
}

/*
 * EC2 PV-GRUB (GRUB 0.97): menu.lst only. Versions up to 1.03 look in one
 * place, (hd0)/boot/grub for the "hd0" kernels and (hd0,0)/boot/grub for
 * "hd00"; 1.04 and later try (hd0)/boot/grub, then /boot/grub and /grub
 * of (hd0,0) to (hd0,3), and the first menu.lst found wins.
 */
static int pvgrub_search(struct gb_ctx *ctx, const struct gb_cfg_devices *devs,
			 const char *mode, struct candidate *c)
{
	struct place { int part; const char *dir; } places[9];
	size_t n = 0;
	if (!strcmp(mode, "hd0")) {
		places[n++] = (struct place){ -1, "/boot/grub" };
	} else if (!strcmp(mode, "hd00")) {
		places[n++] = (struct place){ 0, "/boot/grub" };
	} else if (!strcmp(mode, "1.04")) {
		places[n++] = (struct place){ -1, "/boot/grub" };
		for (int p = 0; p < 4; p++) {
			places[n++] = (struct place){ p, "/boot/grub" };
			places[n++] = (struct place){ p, "/grub" };
		}
	} else {
		return gb_error(ctx, GB_E_USAGE, "PV-GRUB mode must be hd0, hd00 or 1.04, not '%s'", mode);
	}
	char tried[600] = "";
	for (size_t i = 0; i < n; i++) {
		/* (hd0) is the whole disk; (hd0,N) GRUB legacy's 0-based partition. */
		int want = places[i].part < 0 ? 0 : places[i].part + 1;
		char path[64];
		snprintf(path, sizeof(path), "%s/menu.lst", places[i].dir);
		size_t len = strlen(tried);
		if (places[i].part < 0)
			snprintf(tried + len, sizeof(tried) - len, "%s(hd0)%s", len ? ", " : "", path);
		else
			snprintf(tried + len, sizeof(tried) - len, "%s(hd0,%d)%s", len ? ", " : "",
				 places[i].part, path);
		for (size_t d = 0; d < devs->n; d++)
			if (devs->dev[d].number == want && is_file(devs, (int)d, path)) {
				found(c, &gb_cfg_grub1, (int)d, path);
				return 0;
			}
	}
	return gb_error(ctx, GB_E_NOT_FOUND, "PV-GRUB (%s) finds no menu.lst: it looks at %s",
			mode, tried);
}

/* ---- the image's devices ---------------------------------------------------- */

static int make_devices(struct gb_ctx *ctx, struct gb_image *img, struct gb_menu *m,
			struct gb_cfg_devices *devs, char (**names)[GB_GRUB_NAME_MAX])
{
	size_t n = gb_image_volume_count(img);
	devs->dev = calloc(n ? n : 1, sizeof(*devs->dev));
	*names = calloc(n ? n : 1, sizeof(**names));
	m->dev_volumes = calloc(n ? n : 1, sizeof(*m->dev_volumes));
	if (!devs->dev || !*names || !m->dev_volumes)
		return gb_error(ctx, GB_E_NOMEM, "out of memory");
	devs->n = n;
	m->ndev = n;
	for (size_t i = 0; i < n; i++) {
		struct gb_volume *v = gb_image_volume(img, i);
		const struct gb_volume_info *vi = gb_volume_info(v);
		struct gb_cfg_device *d = &devs->dev[i];
		gb_grub2_device_name(img, vi, (*names)[i], sizeof((*names)[i]));
		d->grub_name = (*names)[i];
		d->number = vi->number;
		d->fstype = vi->fstype;
		d->uuid = vi->fs_uuid;
		d->label = vi->fs_label;
		d->partuuid = vi->partuuid;
		d->ptype = vi->type;
		m->dev_volumes[i] = v;
		if (vi->fstype[0])
			d->vol = v; /* mounted when first looked at */
	}
	devs->warn = m;
	return 0;
}

static int spec_device(struct gb_ctx *ctx, struct gb_image *img,
		       const struct gb_cfg_devices *devs, const char *spec,
		       int *dev, const char **path)
{
	char vol[256] = "";
	const char *sep = strstr(spec, ":/");
	if (sep) {
		if ((size_t)(sep - spec) >= sizeof(vol))
			return gb_error(ctx, GB_E_USAGE, "bad configuration '%s'", spec);
		memcpy(vol, spec, (size_t)(sep - spec));
		*path = sep + 1;
	} else if (spec[0] == '/') {
		*path = spec;
	} else {
		return gb_error(ctx, GB_E_USAGE, "configuration '%s' is not VOL:/PATH or /PATH", spec);
	}
	struct gb_volume *v;
	int r = gb_image_find_volume(ctx, img, vol, &v);
	if (r)
		return r;
	for (size_t i = 0; i < devs->n; i++)
		if (gb_image_volume(img, i) == v)
			*dev = (int)i;
	return 0;
}

/* "no boot configuration found (no grub.cfg, menu.lst, ... or lilo.conf
 * on any volume)": what each parser looks for, and the formats not probed
 * when a volume was left without a file system. */
static int not_found(struct gb_ctx *ctx, struct gb_image *img)
{
	/* a read that failed may have hidden the configuration: that is
	 * the reason, not its absence */
	const char *io = gb_image_read_error(img);
	if (io)
		return gb_error_kept(ctx, GB_E_IO, io);
	const char *off = gb_image_not_probed(img);
	bool unread = false;
	for (size_t i = 0; i < gb_image_volume_count(img); i++) {
		const struct gb_volume_info *vi = gb_volume_info(gb_image_volume(img, i));
		unread |= !vi->fstype[0] && !vi->container && !vi->error[0];
	}
	char what[300] = "";
	size_t len = 0;
	for (size_t i = 0; gb_cfg_parsers[i] && len < sizeof(what); i++)
		len += (size_t)snprintf(what + len, sizeof(what) - len, "%s%s", !i ? "" :
					gb_cfg_parsers[i + 1] ? ", " : " or ",
					gb_cfg_parsers[i]->looks_for);
	return gb_error(ctx, GB_E_NOT_FOUND, "no boot configuration found (no %s on any volume%s%s)",
			what, unread && *off ? "; " : "", unread ? off : "");
}

int gb_menu_load(struct gb_ctx *ctx, struct gb_image *img,
		 const struct gb_menu_options *caller_opt, struct gb_menu **out)
{
	struct gb_menu_options o;
	const struct gb_menu_options *opt = &o;
	if (GB_ABI_IN(ctx, &o, caller_opt))
		return gb_ctx_code(ctx);
	struct gb_menu *m = calloc(1, sizeof(*m));
	if (m)
		m->trace_on = opt->trace;
	if (!m)
		return gb_error(ctx, GB_E_NOMEM, "out of memory");
	m->timeout = -1;
	struct gb_cfg_devices devs = { 0 };
	char (*names)[GB_GRUB_NAME_MAX] = NULL;
	struct candidate c = { 0 };
	size_t mark = gb_scope_push(ctx, "%s", gb_image_name(img));
	int r = make_devices(ctx, img, m, &devs, &names);
	if (r)
		goto out;
	if (opt->config) {
		const char *path = NULL;
		r = spec_device(ctx, img, &devs, opt->config, &c.dev, &path);
		if (r)
			goto out;
		snprintf(c.path, sizeof(c.path), "%s", path);
		c.parser = gb_cfg_parser_named(opt->kind);
		if (opt->kind && !c.parser) {
			r = gb_error(ctx, GB_E_USAGE, "unknown configuration kind '%s'", opt->kind);
			goto out;
		}
		if (!c.parser && !(c.parser = gb_cfg_parser_for_file(path))) {
			r = gb_error(ctx, GB_E_USAGE,
				     "%s: cannot tell the configuration kind from its name: give one", path);
			goto out;
		}
	} else if (opt->pvgrub) {
		if ((r = pvgrub_search(ctx, &devs, opt->pvgrub, &c)))
			goto out;
	} else if (!search(&devs, &c)) {
		/* the search's lookups ignore their errors: say why it stopped */
		if (gb_work_spent(gb_image_work(img), GB_CHARGE_META))
			r = gb_error(ctx, GB_E_LIMIT,
				     "the configuration search stopped: file system metadata read exceeds this command's bound of %u MiB",
				     gb_work_bound_mib(GB_CHARGE_META));
		else
			r = not_found(ctx, img);
		goto out;
	}
	m->config_kind = strdup(c.parser->name);
	m->config_path = strdup(c.path);
	m->config_device = c.dev;
	if (!m->config_kind || !m->config_path) {
		r = gb_error(ctx, GB_E_NOMEM, "out of memory");
		goto out;
	}
	/* arm64 GRUB is an EFI program only */
	const char *cpu = efi_cpu(&devs);
	struct gb_cfg_options copt = {
		.grub_platform = opt->grub_platform ? opt->grub_platform :
				 !strcmp(cpu, "arm64") ? "efi" : "pc",
		.grub_cpu = cpu,
		.btrfs_relative = c.btrfs_relative,
	};
	if (devs.dev[c.dev].number > 0)
		gb_scope_push(ctx, "partition %d", devs.dev[c.dev].number);
	r = c.parser->parse(ctx, &devs, c.dev, c.path, &copt, m);
	if (r)
		goto out;
	gb_menu_finish(m);
out:
	gb_scope_pop(ctx, mark);
	free(devs.dev);
	free(names);
	if (r) {
		gb_menu_close(m);
		return r;
	}
	*out = m;
	return 0;
}

/*
 * A configuration given as bytes (pygrub --isconfig: a file on the host),
 * run on an in-memory file system that holds only it, so every path it
 * names is looked up there and nothing else is read.
 */
int gb_menu_load_config(struct gb_ctx *ctx, const char *name, const char *data, size_t len,
			const char *kind, const struct gb_menu_options *caller_opt, struct gb_menu **out)
{
	struct gb_menu_options o;
	const struct gb_menu_options *opt = &o;
	if (GB_ABI_IN(ctx, &o, caller_opt))
		return gb_ctx_code(ctx);
	const struct gb_config_parser *parser = kind ? gb_cfg_parser_named(kind) :
						       gb_cfg_parser_for_file(name);
	if (!parser)
		return gb_error(ctx, GB_E_USAGE, "%s: give the configuration's kind", name);
	if (memchr(data, '\0', len))
		return gb_error(ctx, GB_E_CORRUPT, "%s: contains NUL bytes", name);
	struct gb_memfs_entry file = {
		.path = parser->default_file ? parser->default_file : parser->default_path,
		.data = data, .len = len,
	};
	struct gb_menu *m = calloc(1, sizeof(*m));
	if (!m)
		return gb_error(ctx, GB_E_NOMEM, "out of memory");
	m->timeout = -1;
	struct gb_fs *fs = NULL;
	int r = len ? gb_memfs_new(ctx, name, &file, 1, &fs)
		    : gb_memfs_new(ctx, name, NULL, 0, &fs);
	struct gb_cfg_device dev = { .grub_name = "hd0,msdos1", .number = 1, .fstype = "",
				     .uuid = "", .label = "", .partuuid = "", .fs = fs };
	struct gb_cfg_devices devs = { &dev, 1, NULL };
	struct gb_cfg_options copt = {
		.grub_platform = opt && opt->grub_platform ? opt->grub_platform : "pc",
		.grub_cpu = "x86_64",
	};
	if (!r && (!(m->config_kind = strdup(parser->name)) ||
		   !(m->config_path = strdup(parser->default_path))))
		r = gb_error(ctx, GB_E_NOMEM, "out of memory");
	if (!r) {
		size_t mark = gb_scope_push(ctx, "%s", name);
		r = parser->parse(ctx, &devs, 0, m->config_path, &copt, m);
		gb_scope_pop(ctx, mark);
	}
	gb_fs_umount(fs);
	if (r) {
		gb_menu_close(m);
		return r;
	}
	gb_menu_finish(m);
	*out = m;
	return 0;
}
