/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Writing grubenv as GRUB's save_env would when an entry boots (clearing
 * grub-reboot's next_entry, savedefault's saved_entry), in two halves:
 *  - gb_grubenv_plan, in the sandboxed reader: which variables the boot
 *    saves (struct gb_menu_save), and whether GRUB could write that
 *    grubenv in place: a plain, pre-allocated 1024-byte block in one
 *    contiguous run of a raw image, on a file system GRUB writes (its
 *    loadenv.c writes the blocks the file was read from, after checking
 *    that they give back what the file system read: ext2/3/4, XFS and FAT
 *    here; its btrfs and ZFS readers give no such blocks, and LVM and RAID
 *    volumes take no writes). The plan names the block's place in the image
 *    file and the bytes read there.
 *  - gb_grubenv_apply, in the unconfined caller: open the image for writing,
 *    check the place against the file and re-read it, then edit the block
 *    itself as grub_envblk_set/grub_envblk_delete do (what grub-editenv
 *    does too) and write it back. A reader that lied can at most set
 *    variables of a block that already was a grubenv.
 */
#define _GNU_SOURCE
#include "config/config.h"
#include "source/source.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#define ENV_SIZE 1024
#define ENV_SIGNATURE "# GRUB Environment Block\n"
#define SIG_LEN (sizeof(ENV_SIGNATURE) - 1)
#define PLAN_MAGIC "guestboot-grubenv 1"
#define PLAN_MAX_OPS GB_MENU_MAX_SAVES
#define PLAN_MAX_BYTES (48u << 10) /* it travels in the child's result */

/* ---- the block, as grub-core/lib/envblk.c edits it --------------------- */

/* A block GRUB can edit: the signature, no NUL, and its end a run of '#'
 * (the free space) after a '\n'. */
static bool envblk_plain(const char *b, size_t size)
{
	if (size < SIG_LEN + 1 || memcmp(b, ENV_SIGNATURE, SIG_LEN) || memchr(b, '\0', size))
		return false;
	size_t i = size - 1;
	while (i >= SIG_LEN && b[i] == '#')
		i--;
	return b[i] == '\n';
}

static size_t escaped_len(const char *v)
{
	size_t n = 0;
	for (; *v; v++)
		n += *v == '\\' || *v == '\n' ? 2 : 1;
	return n;
}

/* Past the '\n' that ends the line at p; a backslash escapes the next byte. */
static size_t next_line(const char *b, size_t p, size_t end)
{
	while (p < end && b[p] != '\n')
		p += b[p] == '\\' ? 2 : 1;
	return p + 1;
}

/* The length of the value at p, escapes counted as written; false when it
 * runs to the end of the block (a broken block). */
static bool value_len(const char *b, size_t p, size_t end, size_t *len)
{
	size_t n = 0;
	while (p + n < end && b[p + n] != '\n')
		n += b[p + n] == '\\' ? 2 : 1;
	*len = n;
	return p + n < end;
}

/* grub_envblk_set: false when the block is broken or too small. */
static bool envblk_set(char *b, size_t end, const char *name, const char *value)
{
	size_t nl = strlen(name), vl = escaped_len(value), p = SIG_LEN, space = end - 1;
	while (space >= SIG_LEN && b[space] == '#')
		space--;
	if (b[space] != '\n')
		return false;
	space++;
	bool found = false;
	while (p + nl + 1 < space) {
		if (!memcmp(b + p, name, nl) && b[p + nl] == '=') {
			size_t len;
			p += nl + 1;
			if (!value_len(b, p, end, &len))
				return false;
			if (vl > len && end - space < vl - len)
				return false;
			if (vl < len) {
				/* the rest moves back; the freed bytes become '#' */
				memmove(b + p + vl, b + p + len, end - (p + len));
				memset(b + space - (len - vl), '#', len - vl);
			} else {
				memmove(b + p + vl, b + p + len, end - (p + vl));
			}
			found = true;
			break;
		}
		p = next_line(b, p, end);
	}
	if (!found) {
		if (end - space < nl + 1 + vl + 1)
			return false;
		memcpy(b + space, name, nl);
		p = space + nl;
		b[p++] = '=';
	}
	for (const char *v = value; *v; v++) {
		if (*v == '\\' || *v == '\n')
			b[p++] = '\\';
		b[p++] = *v;
	}
	b[p] = '\n';
	return true;
}

/* grub_envblk_delete: the line goes, the block's end fills with '#'. */
static void envblk_delete(char *b, size_t end, const char *name)
{
	size_t nl = strlen(name), p = SIG_LEN;
	while (p + nl + 1 < end) {
		if (!memcmp(b + p, name, nl) && b[p + nl] == '=') {
			size_t len;
			if (!value_len(b, p + nl + 1, end, &len))
				return;
			len += nl + 2; /* "name=", the value, '\n' */
			memmove(b + p, b + p + len, end - (p + len));
			memset(b + end - len, '#', len);
			return;
		}
		p = next_line(b, p, end);
	}
}

/* ---- the plan: text, one field per line, guest strings in hex ------------ */

static void add_hex(struct gb_sbuf *s, const char *data, size_t n)
{
	static const char digits[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		char h[2] = { digits[(unsigned char)data[i] >> 4], digits[(unsigned char)data[i] & 15] };
		gb_sbuf_add(s, h, 2);
	}
}

static int hexval(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Decode a hex word into a malloc'd string of at most max bytes, no NUL;
 * NULL when malformed (or out of memory). */
static char *unhex(const char *s, size_t n, size_t max)
{
	if (n % 2 || n / 2 > max)
		return NULL;
	char *out = malloc(n / 2 + 1);
	for (size_t i = 0; out && i < n / 2; i++) {
		int hi = hexval(s[2 * i]), lo = hexval(s[2 * i + 1]);
		if (hi < 0 || lo < 0 || (hi | lo) == 0) {
			free(out);
			return NULL;
		}
		out[i] = (char)(hi << 4 | lo);
	}
	if (out)
		out[n / 2] = '\0';
	return out;
}

/* Does the save at s apply to the entry at path[0..depth)? */
static bool applies(const struct gb_menu_save *s, const size_t *path, size_t depth)
{
	return s->depth <= depth && !memcmp(s->path, path, s->depth * sizeof(*path));
}

/* Where e is in the menu, by address. */
static bool locate(const struct gb_entry *list, size_t n, const struct gb_entry *e, size_t *path,
		   size_t *depth, size_t d)
{
	for (size_t i = 0; i < n && d < GB_MENU_MAX_DEPTH; i++) {
		path[d] = i;
		if (&list[i] == e) {
			*depth = d + 1;
			return true;
		}
		if (locate(list[i].children, list[i].nchildren, e, path, depth, d + 1))
			return true;
	}
	return false;
}

static bool fs_is(const struct gb_fs *fs, const struct gb_fs_driver *d)
{
	return fs->drv == d;
}

/* Could GRUB write this file in place, and can we exactly as it would?
 * 0 with the host offset of the block and the block read, or the reason. */
static int check_file(struct gb_ctx *ctx, const struct gb_menu *m, const struct gb_menu_save *s,
		      uint64_t *abs, uint64_t *vol_abs, char *old)
{
	const char *name = s->grub_name;
	if (s->dev < 0 || (size_t)s->dev >= m->ndev || !m->dev_volumes)
		return gb_error(ctx, GB_E_NOT_FOUND, "grubenv %s: its device is not in the image", name);
	struct gb_volume *vol = m->dev_volumes[s->dev];
	const struct gb_volume_info *vi = gb_volume_info(vol);
	if (strcmp(gb_image_format(vol->img), "raw"))
		return gb_error(ctx, GB_E_UNSUPPORTED, "grubenv %s: the image is %s, only a raw image is written",
				name, gb_image_format(vol->img));
	if (!strcmp(vi->scheme, "lvm") || !strcmp(vi->scheme, "md") || vol->segs)
		return gb_error(ctx, GB_E_UNSUPPORTED,
				"grubenv %s lies on %s: GRUB does not write to LVM or RAID volumes", name, vi->id);
	if (vi->disk != 0)
		return gb_error(ctx, GB_E_UNSUPPORTED,
				"grubenv %s lies on disk %d: only the image itself is written", name, vi->disk);
	struct gb_fs *fs;
	int r = gb_volume_mount(ctx, vol, &fs);
	if (r)
		return r;
	if (fs_is(fs, &gb_fs_btrfs) || fs_is(fs, &gb_fs_zfs))
		return gb_error(ctx, GB_E_UNSUPPORTED,
				"grubenv %s is on %s, which GRUB does not write to (its save_env fails there)",
				name, fs_is(fs, &gb_fs_btrfs) ? "btrfs" : "ZFS");
	if (!fs_is(fs, &gb_fs_ext) && !fs_is(fs, &gb_fs_xfs) && !fs_is(fs, &gb_fs_fat))
		return gb_error(ctx, GB_E_UNSUPPORTED,
				"grubenv %s is on %s: written only on ext2/3/4, XFS and FAT", name, fs->type);
	struct gb_stat st = { .struct_size = sizeof(st) };
	if ((r = gb_fs_stat(ctx, fs, s->file, &st)))
		return r;
	if (st.type != GB_FT_REG || st.size != ENV_SIZE)
		return gb_error(ctx, GB_E_UNSUPPORTED,
				"grubenv %s is %llu bytes, not a plain pre-allocated 1024-byte block", name,
				(unsigned long long)st.size);
	char *data = NULL;
	if ((r = gb_fs_read_range(ctx, fs, s->file, 0, ENV_SIZE, &data)))
		return r;
	memcpy(old, data, ENV_SIZE);
	free(data);
	if (!envblk_plain(old, ENV_SIZE))
		return gb_error(ctx, GB_E_UNSUPPORTED,
				"grubenv %s is not a plain environment block (signature, '#' padding)", name);
	uint64_t vol_off, run;
	int fd;
	struct gb_ctx quiet = { 0 };
	if (gb_fs_file_run(&quiet, fs, s->file, ENV_SIZE, &vol_off))
		return gb_error(ctx, GB_E_UNSUPPORTED,
				"grubenv %s does not lie in one contiguous run of blocks (inline, sparse or split)",
				name);
	if (gb_vol_locate(&quiet, vol, vol_off, ENV_SIZE, &fd, abs, &run) || run != ENV_SIZE ||
	    vol->src->fd < 0 || fd != vol->src->fd || *abs < vol_off)
		return gb_error(ctx, GB_E_UNSUPPORTED,
				"grubenv %s: the image is not a local raw file that can be written", name);
	*vol_abs = *abs - vol_off;
	/* as GRUB's check_blocklists: the blocks give back what was read */
	char again[ENV_SIZE];
	if ((r = gb_vol_read(ctx, vol, vol_off, again, ENV_SIZE)))
		return r;
	if (memcmp(again, old, ENV_SIZE))
		return gb_error(ctx, GB_E_CORRUPT, "grubenv %s: its blocks do not hold what the file reads",
				name);
	return 0;
}

int gb_grubenv_plan(struct gb_ctx *ctx, const struct gb_menu *m, const struct gb_entry *e,
		    char **plan, size_t *len)
{
	*plan = NULL;
	*len = 0;
	size_t path[GB_MENU_MAX_DEPTH], depth = 0;
	if (!e || !locate(m->entries, m->nentries, e, path, &depth, 0))
		return gb_error(ctx, GB_E_USAGE, "the entry is not one of the menu's");
	if (m->saves_lost)
		return gb_error(ctx, GB_E_LIMIT, "save_env ran more than %d times", GB_MENU_MAX_SAVES);
	const struct gb_menu_save *first = NULL;
	for (size_t i = 0; i < m->nsaves; i++) {
		const struct gb_menu_save *s = &m->saves[i];
		if (!applies(s, path, depth))
			continue;
		/* GRUB fails such a save_env: "environment block too small" */
		if (strlen(s->name) + (s->value ? strlen(s->value) : 0) + 2 > ENV_SIZE - SIG_LEN)
			return gb_error(ctx, GB_E_LIMIT, "save_env %.40s: too long for a 1024-byte grubenv",
					s->name);
		if (!first)
			first = s;
		else if (s->dev != first->dev || strcmp(s->file, first->file))
			return gb_error(ctx, GB_E_UNSUPPORTED, "save_env writes two files, %s and %s",
					first->grub_name, s->grub_name);
	}
	if (!first)
		return 0;
	uint64_t abs = 0, vol_abs = 0;
	char old[ENV_SIZE];
	int r = check_file(ctx, m, first, &abs, &vol_abs, old);
	if (r)
		return r;
	struct gb_sbuf b = { 0 };
	const struct gb_volume_info *vi = gb_volume_info(m->dev_volumes[first->dev]);
	gb_sbuf_addf(&b, PLAN_MAGIC "\nname ");
	add_hex(&b, first->grub_name, strlen(first->grub_name));
	gb_sbuf_addf(&b, "\noffset %llu\nvolume %llu %llu\nold ", (unsigned long long)abs,
		     (unsigned long long)vol_abs, (unsigned long long)vi->size);
	add_hex(&b, old, ENV_SIZE);
	gb_sbuf_add(&b, "\n", 1);
	for (size_t i = 0; i < m->nsaves; i++) {
		const struct gb_menu_save *s = &m->saves[i];
		if (!applies(s, path, depth))
			continue;
		gb_sbuf_adds(&b, s->value ? "set " : "unset ");
		add_hex(&b, s->name, strlen(s->name));
		if (s->value) {
			gb_sbuf_add(&b, " ", 1);
			add_hex(&b, s->value, strlen(s->value));
		}
		gb_sbuf_add(&b, "\n", 1);
	}
	char *text = gb_sbuf_take(&b);
	if (!text)
		return gb_error(ctx, GB_E_NOMEM, "out of memory");
	if (strlen(text) > PLAN_MAX_BYTES) {
		free(text);
		return gb_error(ctx, GB_E_LIMIT, "save_env ran too often: more than %u bytes to hand over",
				PLAN_MAX_BYTES);
	}
	*plan = text;
	*len = strlen(text);
	return 0;
}

/* ---- applying it -------------------------------------------------------- */

struct parsed {
	char *name;
	uint64_t offset, vol_start, vol_size;
	char old[ENV_SIZE];
	char *key[PLAN_MAX_OPS], *value[PLAN_MAX_OPS]; /* value NULL: unset */
	size_t nops;
};

static void parsed_free(struct parsed *p)
{
	free(p->name);
	for (size_t i = 0; i < p->nops; i++) {
		free(p->key[i]);
		free(p->value[i]);
	}
}

static bool number(const char *s, size_t n, uint64_t *v)
{
	*v = 0;
	if (!n || n > 19)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		*v = *v * 10 + (uint64_t)(s[i] - '0');
	}
	return true;
}

/* The plan's lines, strictly: anything unexpected refuses the whole. */
static bool parse_plan(const char *text, size_t len, struct parsed *p)
{
	if (memchr(text, '\0', len))
		return false;
	size_t pos = 0, lineno = 0;
	bool have_old = false;
	while (pos < len) {
		const char *line = text + pos, *nl = memchr(line, '\n', len - pos);
		if (!nl)
			return false;
		size_t n = (size_t)(nl - line);
		pos += n + 1;
		const char *sp = memchr(line, ' ', n), *arg = sp ? sp + 1 : line + n;
		size_t kw = sp ? (size_t)(sp - line) : n, an = n - (size_t)(arg - line);
		if (lineno++ == 0) {
			if (n != strlen(PLAN_MAGIC) || memcmp(line, PLAN_MAGIC, n))
				return false;
		} else if (kw == 4 && !memcmp(line, "name", 4) && !p->name) {
			if (!(p->name = unhex(arg, an, GB_PATH_MAX)))
				return false;
		} else if (kw == 6 && !memcmp(line, "offset", 6)) {
			if (!number(arg, an, &p->offset))
				return false;
		} else if (kw == 6 && !memcmp(line, "volume", 6)) {
			const char *sp2 = memchr(arg, ' ', an);
			if (!sp2 || !number(arg, (size_t)(sp2 - arg), &p->vol_start) ||
			    !number(sp2 + 1, an - (size_t)(sp2 + 1 - arg), &p->vol_size))
				return false;
		} else if (kw == 3 && !memcmp(line, "old", 3) && an == 2 * ENV_SIZE) {
			for (size_t i = 0; i < ENV_SIZE; i++) {
				int hi = hexval(arg[2 * i]), lo = hexval(arg[2 * i + 1]);
				if (hi < 0 || lo < 0)
					return false;
				p->old[i] = (char)(hi << 4 | lo);
			}
			have_old = true;
		} else if ((kw == 3 && !memcmp(line, "set", 3)) || (kw == 5 && !memcmp(line, "unset", 5))) {
			if (p->nops >= PLAN_MAX_OPS)
				return false;
			const char *sp2 = memchr(arg, ' ', an);
			bool set = kw == 3;
			if (set != (sp2 != NULL))
				return false;
			size_t kn = sp2 ? (size_t)(sp2 - arg) : an;
			char *k = unhex(arg, kn, ENV_SIZE);
			char *v = set ? unhex(sp2 + 1, an - kn - 1, ENV_SIZE) : NULL;
			if (!k || !*k || (set && !v)) {
				free(k);
				free(v);
				return false;
			}
			p->key[p->nops] = k;
			p->value[p->nops++] = v;
		} else {
			return false;
		}
	}
	return p->name && have_old;
}

static int image_size(int fd, uint64_t *size)
{
	struct stat st;
	if (fstat(fd, &st))
		return -1;
	if (S_ISREG(st.st_mode)) {
		*size = (uint64_t)st.st_size;
		return 0;
	}
	if (S_ISBLK(st.st_mode))
		return ioctl(fd, BLKGETSIZE64, size) ? -1 : 0;
	errno = EINVAL;
	return -1;
}

static bool read_at(int fd, void *buf, size_t n, uint64_t off)
{
	return pread(fd, buf, n, (off_t)off) == (ssize_t)n;
}

int gb_grubenv_apply(struct gb_ctx *ctx, const char *image, const struct gb_image_options *caller,
		     const char *plan, size_t len)
{
	struct gb_image_options o;
	if (GB_ABI_IN(ctx, &o, caller))
		return gb_ctx_code(ctx);
	if (!plan || !len)
		return 0;
	if (gb_source_is_nbd_uri(image))
		return gb_error(ctx, GB_E_UNSUPPORTED, "%s: grubenv is written only in a local raw image, not over NBD",
				image);
	if ((o.format && strcmp(o.format, "raw")) || o.backing)
		return gb_error(ctx, GB_E_UNSUPPORTED, "%s: grubenv is written only in a raw image, not %s",
				image, o.backing ? "a qcow2 overlay" : o.format);
	struct parsed p = { 0 };
	if (!parse_plan(plan, len, &p)) {
		parsed_free(&p);
		return gb_error(ctx, GB_E_CORRUPT, "%s: the reader's grubenv plan is malformed", image);
	}
	char label[128];
	gb_text_safe(label, sizeof(label), p.name, strlen(p.name), GB_SAFE_QMARK);
	int r = 0, fd = open(image, O_RDWR | O_CLOEXEC | O_NOCTTY);
	uint64_t size = 0, end;
	char now[ENV_SIZE], block[ENV_SIZE];
	if (fd < 0 || image_size(fd, &size)) {
		r = gb_error(ctx, GB_E_IO, "%s: cannot open for writing: %s", image, strerror(errno));
		goto out;
	}
	/* what the reader saw must be a raw image: no qcow2 magic at its start
	 * unless raw was named */
	char magic[4];
	if (!o.format && read_at(fd, magic, 4, 0) && !memcmp(magic, "QFI\xfb", 4)) {
		r = gb_error(ctx, GB_E_UNSUPPORTED, "%s: grubenv is written only in a raw image, not qcow2", image);
		goto out;
	}
	if (!gb_add_ok(p.vol_start, p.vol_size, &end) || end > size || p.offset < p.vol_start ||
	    !gb_range_ok(p.offset, ENV_SIZE, end)) {
		r = gb_error(ctx, GB_E_CORRUPT, "%s: grubenv %s: its place (%llu) lies outside its volume or the image",
			     image, label, (unsigned long long)p.offset);
		goto out;
	}
	if (!read_at(fd, now, ENV_SIZE, p.offset)) {
		r = gb_error(ctx, GB_E_IO, "%s: cannot read grubenv %s back", image, label);
		goto out;
	}
	if (memcmp(now, p.old, ENV_SIZE) || !envblk_plain(now, ENV_SIZE)) {
		r = gb_error(ctx, GB_E_CORRUPT, "%s: grubenv %s changed since it was read: not written",
			     image, label);
		goto out;
	}
	memcpy(block, now, ENV_SIZE);
	for (size_t i = 0; i < p.nops; i++) {
		if (!p.value[i]) {
			envblk_delete(block, ENV_SIZE, p.key[i]);
		} else if (!envblk_set(block, ENV_SIZE, p.key[i], p.value[i])) {
			char key[64];
			gb_text_safe(key, sizeof(key), p.key[i], strlen(p.key[i]), GB_SAFE_QMARK);
			r = gb_error(ctx, GB_E_LIMIT, "%s: grubenv %s: environment block too small for %s",
				     image, label, key);
			goto out;
		}
	}
	if (!memcmp(block, now, ENV_SIZE))
		goto out; /* nothing changes */
	if (pwrite(fd, block, ENV_SIZE, (off_t)p.offset) != ENV_SIZE || fdatasync(fd))
		r = gb_error(ctx, GB_E_IO, "%s: cannot write grubenv %s: %s", image, label, strerror(errno));
out:
	if (fd >= 0 && close(fd) && !r)
		r = gb_error(ctx, GB_E_IO, "%s: cannot write grubenv %s: %s", image, label, strerror(errno));
	parsed_free(&p);
	return r;
}
