/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* GRUB device names and file names: "(hd0,msdos1)/boot/vmlinuz",
 * "(hd0,1)" (partition 1 of any table), "/path" on $root. LVs and
 * arrays match the GRUB names the image gives them ("lvm/vg-root",
 * "md/0"); a name no device has resolves to -1 with a warning. With
 * btrfs_relative_path set, as openSUSE's patched GRUB, btrfs paths start
 * in the default subvolume. */
#define _GNU_SOURCE
#include "config/grub2/grub2.h"

#include <stdio.h>
#include <stdlib.h>

bool gb_grub2_strtoul(const char *s, unsigned long *out, const char **end)
{
	while (*s == ' ' || *s == '\t')
		s++;
	unsigned base = 10;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	} else if (s[0] == '0') {
		base = 8;
	}
	unsigned long v = 0;
	size_t digits = 0;
	for (;; s++, digits++) {
		unsigned d;
		if (*s >= '0' && *s <= '9')
			d = (unsigned)(*s - '0');
		else if (*s >= 'a' && *s <= 'f')
			d = (unsigned)(*s - 'a' + 10);
		else if (*s >= 'A' && *s <= 'F')
			d = (unsigned)(*s - 'A' + 10);
		else
			break;
		if (d >= base)
			break;
		if (__builtin_mul_overflow(v, base, &v) || __builtin_add_overflow(v, d, &v))
			return false;
	}
	if (end)
		*end = s;
	*out = v;
	return digits > 0;
}

/* Partition number of a "disk,part" name whose part is a bare number. */
static bool bare_partition(const char *name, size_t *disk_len, unsigned long *num)
{
	const char *comma = strchr(name, ',');
	const char *end;
	if (!comma || comma[1] < '0' || comma[1] > '9')
		return false;
	if (!gb_grub2_strtoul(comma + 1, num, &end) || *end)
		return false;
	*disk_len = (size_t)(comma - name);
	return true;
}

/* "hd0,msdos1" -> disk "hd0", partition 1 (one level of partitions). */
static bool split_device(const char *name, size_t *disk_len, unsigned long *num)
{
	const char *comma = strchr(name, ',');
	if (!comma || strchr(comma + 1, ','))
		return false;
	const char *p = comma + 1, *end;
	while ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z'))
		p++;
	if (!gb_grub2_strtoul(p, num, &end) || *end)
		return false;
	*disk_len = (size_t)(comma - name);
	return true;
}

int gb_grub2_find_device(const struct gb_cfg_devices *devs, const char *name)
{
	size_t dl, ddl;
	unsigned long num, dnum;
	for (size_t i = 0; i < devs->n; i++)
		if (devs->dev[i].grub_name && !strcmp(devs->dev[i].grub_name, name))
			return (int)i;
	if (!bare_partition(name, &dl, &num))
		return -1;
	for (size_t i = 0; i < devs->n; i++) {
		const char *d = devs->dev[i].grub_name;
		if (d && split_device(d, &ddl, &dnum) && ddl == dl && !strncmp(d, name, dl) &&
		    dnum == num)
			return (int)i;
	}
	return -1;
}

const char *gb_grub2_read_error(const struct gb_ctx *quiet)
{
	switch (quiet->code) {
	case 0: return "no such device";
	case GB_E_NOT_FOUND: return "file not found";
	case GB_E_LIMIT: return "file too large";
	default: return quiet->msg;
	}
}

int gb_grub2_resolve(struct gb_grub2 *g, const char *name, int *dev, char **path, bool warn)
{
	const char *rest = name;
	char *devname = NULL;
	*dev = -1;
	*path = NULL;
	if (name[0] == '(') {
		const char *close = strchr(name, ')');
		if (!close) {
			if (warn)
				gb_grub2_warn(g, "missing ')' in '%.80s'", name);
			return GB_GRUB2_ERR_ARG;
		}
		devname = strndup(name + 1, (size_t)(close - name - 1));
		rest = close + 1;
	} else {
		const char *root = gb_grub2_env_get(g->env, "root");
		devname = strdup(root ? root : "");
	}
	if (!devname)
		return gb_grub2_fatal(g, GB_E_NOMEM, "out of memory");
	if (!*devname) {
		if (warn)
			gb_grub2_warn(g, "no root device set for '%.80s'", name);
	} else {
		*dev = gb_grub2_find_device(g->devs, devname);
		if (*dev < 0 && warn)
			gb_grub2_warn(g, "device (%.60s) not found for '%.80s'", devname, name);
	}
	free(devname);
	bool absolute = rest[0] == '/' || rest[0] == '+';
	char *p = NULL;
	if (asprintf(&p, "%s%s", absolute ? "" : "/", rest) < 0 ||
	    !(*path = rest[0] == '+' ? p : gb_grub2_fs_path(g, *dev, p))) {
		free(p);
		return gb_grub2_fatal(g, GB_E_NOMEM, "out of memory");
	}
	if (*path != p)
		free(p);
	return 0;
}

char *gb_grub2_fs_path(struct gb_grub2 *g, int dev, const char *path)
{
	const char *rel = gb_grub2_env_get(g->env, "btrfs_relative_path");
	const char *top = "";
	struct gb_ctx quiet = { 0 };
	/* GRUB's test: the value's first character */
	struct gb_fs *fs = rel && (rel[0] == 'y' || rel[0] == '1') ? gb_cfg_fs(g->devs, dev) : NULL;
	if (fs && gb_fs_default_root(&quiet, fs, &top))
		gb_grub2_warn(g, "default subvolume of (%.60s): %s", g->devs->dev[dev].grub_name,
			      gb_ctx_message(&quiet));
	char *out = NULL;
	return asprintf(&out, "%s%s", top, path) < 0 ? NULL : out;
}

/* ---- the names of the image's devices -------------------------------------- */

/* Append s with each '-' doubled, as GRUB and device-mapper escape LVM
 * names ("my-vg" -> "my--vg"). */
static size_t append_dm(char *out, size_t cap, size_t len, const char *s)
{
	for (; *s && len + 2 < cap; s++) {
		out[len++] = *s;
		if (*s == '-')
			out[len++] = '-';
	}
	out[len] = '\0';
	return len;
}

/* The device GRUB would name: (hd0), (hd0,gpt2), (hd0,msdos5),
 * (hd0,msdos1,bsd1) and (hd0,msdos1,sunpc1) for slices, (lvm/VG-LV),
 * (md/NAME) for 1.x arrays and (md/mdN) for 0.90 ones, as GRUB 2.06 lists
 * them. */
void gb_grub2_device_name(struct gb_image *img, const struct gb_volume_info *vi, char *out,
			  size_t cap)
{
	const struct gb_volume_info *pi = vi->parent >= 0 ?
		gb_volume_info(gb_image_volume(img, (size_t)vi->parent)) : NULL;
	if (!strcmp(vi->scheme, "disk")) {
		snprintf(out, cap, "hd%d", vi->disk);
	} else if (!strcmp(vi->scheme, "lvm")) {
		const char *slash = strchr(vi->name, '/');
		char vg[160];
		snprintf(vg, sizeof(vg), "%.*s", slash ? (int)(slash - vi->name) : 0, vi->name);
		size_t len = (size_t)snprintf(out, cap, "lvm/");
		len = append_dm(out, cap, len, vg);
		if (len + 1 < cap) {
			out[len++] = '-';
			out[len] = '\0';
		}
		append_dm(out, cap, len, slash ? slash + 1 : "");
	} else if (!strcmp(vi->scheme, "md")) {
		snprintf(out, cap, "md/%s", vi->name);
	} else if ((!strcmp(vi->scheme, "bsd") || !strcmp(vi->scheme, "vtoc")) && pi) {
		snprintf(out, cap, "hd%d,msdos%d,%s%d", vi->disk, pi->number,
			 !strcmp(vi->scheme, "bsd") ? "bsd" : "sunpc", vi->slice + 1);
	} else {
		snprintf(out, cap, "hd%d,%s%d", vi->disk, !strcmp(vi->scheme, "gpt") ? "gpt" : "msdos",
			 vi->number);
	}
}
