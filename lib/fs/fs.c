/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* File system registry, probing, and everything that is the same for every
 * driver: path walking, "..", symlinks (inside the file system only, with a
 * hop limit), lookups by scanning, and reads and copies walked over the
 * driver's extents (GRUB's fshelp does this for GRUB's drivers). */
#define _GNU_SOURCE
#include "fs/fs.h"

#include <stdio.h>
#include <stdlib.h>

/* Probing runs every driver; two non-tolerant matches are reported as
 * ambiguous rather than resolved by order. A tolerant match (ISO9660)
 * yields to a non-tolerant one; among tolerant ones the first wins. */
#define GB_FS_ENTRY(name) &gb_fs_##name,
static const struct gb_fs_driver *const fs_drivers[] = { GB_FS_DRIVERS(GB_FS_ENTRY) };
#undef GB_FS_ENTRY

int gb_fs_charge(struct gb_ctx *ctx, struct gb_fs *fs, uint64_t n)
{
	struct gb_work *w = fs->vol && fs->vol->src ? &fs->vol->src->work : NULL;
	/* the common case, called per directory entry: no message to build */
	if (!w || (w->used[GB_CHARGE_META] + n >= n &&
		   w->used[GB_CHARGE_META] + n <= GB_META_BUDGET)) {
		if (w)
			w->used[GB_CHARGE_META] += n;
		return 0;
	}
	return gb_work_charge(ctx, w, GB_CHARGE_META, n, "metadata read");
}

int gb_fs_check_features(struct gb_ctx *ctx, const struct gb_fs_feature *table, size_t n,
			 uint64_t bits)
{
	for (size_t i = 0; i < n; i++) {
		const struct gb_fs_feature *f = &table[i];
		if ((bits & f->bit) && !f->supported)
			return f->why ? gb_error(ctx, GB_E_UNSUPPORTED, "unsupported feature '%s' (%s)",
						 f->name, f->why)
				      : gb_error(ctx, GB_E_UNSUPPORTED, "unsupported feature '%s'",
						 f->name);
		bits &= ~f->bit;
	}
	if (bits)
		return gb_error(ctx, GB_E_UNSUPPORTED, "unknown incompatible feature bits 0x%llx",
				(unsigned long long)bits);
	return 0;
}

static int probe_drivers(struct gb_ctx *ctx, struct gb_volume *vol, bool tolerant_only)
{
	const struct gb_fs_driver *found = NULL;
	struct gb_fs_probe best = { 0 };
	for (size_t i = 0; i < sizeof(fs_drivers) / sizeof(fs_drivers[0]); i++) {
		const struct gb_fs_driver *d = fs_drivers[i];
		if ((tolerant_only && !d->tolerant) || !gb_image_probes(vol->img, d->name))
			continue;
		struct gb_fs_probe p = { 0 };
		/* A probe's I/O trouble means "not this one" for the others. */
		struct gb_ctx quiet = { 0 };
		int r = d->probe(&quiet, vol, &p);
		if (r == GB_E_NOT_MINE)
			continue;
		if (r)
			return gb_error(ctx, r, "%s", quiet.msg);
		if (found && !found->tolerant && !d->tolerant)
			return gb_error(ctx, GB_E_AMBIGUOUS,
					"both %s and %s signatures found", best.type, p.type);
		if (found && !(found->tolerant && !d->tolerant))
			continue; /* keep the earlier match */
		found = d;
		best = p;
	}
	vol->fs_driver = found;
	if (found) {
		snprintf(vol->fstype, sizeof(vol->fstype), "%s", best.type);
		snprintf(vol->fs_uuid, sizeof(vol->fs_uuid), "%s", best.uuid);
		snprintf(vol->fs_label, sizeof(vol->fs_label), "%s", best.label);
	}
	return 0;
}

const char *gb_fs_format_name(size_t i)
{
	return i < sizeof(fs_drivers) / sizeof(fs_drivers[0]) ? fs_drivers[i]->name : NULL;
}

int gb_fs_probe_volume(struct gb_ctx *ctx, struct gb_volume *vol)
{
	return probe_drivers(ctx, vol, false);
}

int gb_fs_probe_tolerant(struct gb_ctx *ctx, struct gb_volume *vol)
{
	return probe_drivers(ctx, vol, true);
}

size_t gb_fs_scope(struct gb_ctx *ctx, const struct gb_fs *fs)
{
	size_t mark = gb_vol_scope(ctx, fs->vol);
	gb_scope_push(ctx, "%s", fs->type);
	return mark;
}

int gb_volume_mount(struct gb_ctx *ctx, struct gb_volume *vol, struct gb_fs **out)
{
	if (vol->fs) {
		*out = vol->fs;
		return 0;
	}
	size_t mark = gb_vol_scope(ctx, vol);
	int r;
	if (vol->container) {
		r = gb_error(ctx, GB_E_NOT_FOUND, "%s: no file system", vol->container_kind);
	} else if (vol->err_code) {
		r = gb_error(ctx, vol->err_code, "%s", vol->err);
	} else if (!vol->fs_driver) {
		const char *off = gb_image_not_probed(vol->img);
		r = gb_error(ctx, GB_E_NOT_FOUND,
			     "no file system found (unknown type or damaged superblock%s%s)",
			     *off ? "; " : "", off);
	} else {
		gb_scope_push(ctx, "%s", vol->fstype);
		struct gb_fs *fs = NULL;
		r = vol->fs_driver->mount(ctx, vol, &fs);
		if (r == 0) {
			fs->drv = vol->fs_driver;
			fs->vol = vol;
			snprintf(fs->type, sizeof(fs->type), "%s", vol->fstype);
			vol->fs = fs;
			*out = fs;
		}
	}
	gb_scope_pop(ctx, mark);
	return r;
}

void gb_fs_umount(struct gb_fs *fs)
{
	if (fs)
		fs->drv->umount(fs);
}

int gb_fs_symlink_target(struct gb_ctx *ctx, struct gb_fs *fs, struct gb_node *node,
			 const void *inl, size_t inl_len, char *buf, size_t cap, size_t *len)
{
	uint64_t size = node->st.size;
	if (size == 0 || size >= cap)
		return gb_error(ctx, GB_E_CORRUPT, "symbolic link of %llu bytes",
				(unsigned long long)size);
	if (inl) {
		if (size > inl_len)
			return gb_error(ctx, GB_E_CORRUPT, "inline symbolic link of %llu bytes in %zu",
					(unsigned long long)size, inl_len);
		memcpy(buf, inl, (size_t)size);
	} else {
		size_t got;
		int r = gb_fs_pread_node(ctx, fs, node, 0, buf, (size_t)size, &got);
		if (r)
			return r;
		if (got != size)
			return gb_error(ctx, GB_E_CORRUPT, "short symbolic link");
	}
	buf[size] = '\0';
	if (memchr(buf, '\0', (size_t)size))
		return gb_error(ctx, GB_E_CORRUPT, "symbolic link contains a NUL byte");
	*len = (size_t)size;
	return 0;
}

int gb_fs_bootfs(struct gb_ctx *ctx, struct gb_fs *fs, const char *name,
		 struct gb_fs_bootfs *out)
{
	if (!fs->drv->bootfs)
		return GB_E_NOT_MINE;
	size_t mark = gb_fs_scope(ctx, fs);
	int r = fs->drv->bootfs(ctx, fs, name, out);
	gb_scope_pop(ctx, mark);
	return r;
}

const char *gb_fs_type(const struct gb_fs *fs)
{
	return fs->type;
}

/* ---- reading through extents ----------------------------------------- */

struct gb_file {
	struct gb_fs *fs;
	struct gb_node *node;
};

/* The driver's answer at off, held to what was asked: each answer moves a
 * read forward, so a read of len bytes ends. */
static int node_extent(struct gb_ctx *ctx, struct gb_fs *fs, struct gb_node *node,
		       uint64_t off, uint64_t want, struct gb_extent *ex)
{
	int r = fs->drv->extent(ctx, fs, node, off, want, ex);
	if (!r && (ex->len == 0 || ex->len > want))
		r = gb_error(ctx, GB_E_CORRUPT, "%s: %llu bytes at %llu where %llu were asked",
			     fs->drv->name, (unsigned long long)ex->len, (unsigned long long)off,
			     (unsigned long long)want);
	return r;
}

int gb_fs_read_node(struct gb_ctx *ctx, struct gb_fs *fs, struct gb_node *node,
		    uint64_t off, void *buf, size_t len)
{
	uint8_t *out = buf;
	while (len) {
		struct gb_extent ex;
		int r = node_extent(ctx, fs, node, off, len, &ex);
		if (r)
			return r;
		size_t n = (size_t)ex.len;
		switch (ex.kind) {
		case GB_EXTENT_DATA:
			r = gb_vol_read(ctx, fs->vol, ex.vol_off, out, n);
			break;
		case GB_EXTENT_HOLE:
			memset(out, 0, n);
			break;
		case GB_EXTENT_INLINE:
			memcpy(out, ex.data, n);
			break;
		case GB_EXTENT_ENCODED:
			r = fs->drv->decode(ctx, fs, node, off, out, n);
			break;
		}
		if (r)
			return r;
		out += n;
		off += n;
		len -= n;
	}
	return 0;
}

int gb_fs_pread_node(struct gb_ctx *ctx, struct gb_fs *fs, struct gb_node *node,
		     uint64_t off, void *buf, size_t len, size_t *got)
{
	*got = 0;
	uint64_t size = node->st.size;
	if (off >= size || len == 0)
		return 0;
	if (len > size - off)
		len = (size_t)(size - off);
	int r = gb_fs_read_node(ctx, fs, node, off, buf, len);
	if (r == 0)
		*got = len;
	return r;
}

int gb_file_piece(struct gb_ctx *ctx, struct gb_file *f, uint64_t off, uint64_t want,
		  void *buf, size_t cap, struct gb_file_piece *p)
{
	struct gb_fs *fs = f->fs;
	struct gb_extent ex;
	struct gb_ctx quiet = { 0 };
	int fd;
	uint64_t at, run;
	size_t mark = gb_fs_scope(ctx, fs);
	int r = node_extent(ctx, fs, f->node, off, want, &ex);
	if (r == 0 && ex.kind == GB_EXTENT_DATA &&
	    !gb_vol_locate(&quiet, fs->vol, ex.vol_off, ex.len, &fd, &at, &run)) {
		p->fd = fd;
		p->host_off = at;
		p->len = run;
		p->bytes = NULL;
	} else {
		/* Anything else is read a whole buffer at a time, whatever
		 * its extents: a file that fails to read leaves nothing of
		 * that buffer written. */
		p->fd = -1;
		p->len = want < cap ? want : cap;
		p->bytes = buf;
		if (r == 0)
			r = gb_fs_read_node(ctx, fs, f->node, off, buf, (size_t)p->len);
	}
	gb_scope_pop(ctx, mark);
	return r;
}

/* A source that fetches over a network (NBD) starts on the next pieces of
 * the file while this one is consumed: tell it where the next 4 MiB lie,
 * extent boundaries included. A hint: failures end it quietly. */
void gb_file_prefetch(struct gb_file *f, uint64_t off, uint64_t len)
{
	struct gb_fs *fs = f->fs;
	struct gb_ctx quiet = { 0 };
	if (!gb_vol_prefetches(fs->vol))
		return;
	if (len > (4u << 20))
		len = 4u << 20;
	for (int i = 0; i < 16 && len; i++) {
		struct gb_extent ex;
		if (node_extent(&quiet, fs, f->node, off, len, &ex))
			return;
		if (ex.kind == GB_EXTENT_DATA)
			gb_vol_prefetch(fs->vol, ex.vol_off, ex.len);
		off += ex.len;
		len -= ex.len;
	}
}

/* ---- directories without an index --------------------------------------- */

struct scan_lookup {
	struct gb_ctx *ctx;
	struct gb_fs *fs;
	const char *name;
	size_t len;
	struct gb_node *found;
};

static bool name_is(const struct gb_fs *fs, const char *entry, size_t entry_len,
		    const char *name, size_t len)
{
	if (fs->fold_case)
		return gb_name_eq_nocase(entry, name, len);
	return entry_len == len && !memcmp(entry, name, len);
}

static int lookup_entry(void *arg, struct gb_fs_entry *e)
{
	struct scan_lookup *l = arg;
	if (!name_is(l->fs, e->name, e->len, l->name, l->len) &&
	    !(e->alias && name_is(l->fs, e->alias, strlen(e->alias), l->name, l->len)))
		return 0;
	int r = l->fs->drv->entry_node(l->ctx, l->fs, e, &l->found);
	return r ? r : 1;
}

static int node_lookup(struct gb_ctx *ctx, struct gb_fs *fs, struct gb_node *dir,
		       const char *name, size_t len, struct gb_node **out)
{
	if (!fs->drv->scan)
		return fs->drv->lookup(ctx, fs, dir, name, len, out);
	struct scan_lookup l = { ctx, fs, name, len, NULL };
	int r = fs->drv->scan(ctx, fs, dir, lookup_entry, &l);
	if (r) {
		if (l.found)
			fs->drv->release(fs, l.found);
		return r;
	}
	if (!l.found)
		return GB_E_NOT_FOUND;
	*out = l.found;
	return 0;
}

struct scan_list {
	struct gb_ctx *ctx;
	struct gb_fs *fs;
	int (*fn)(void *arg, const struct gb_dirent *de);
	void *arg;
};

static int list_entry(void *arg, struct gb_fs_entry *e)
{
	struct scan_list *l = arg;
	struct gb_dirent de = { .name = e->name, .type = e->type, .ino = e->ino };
	if (e->type_unknown) {
		struct gb_node *n;
		int r = l->fs->drv->entry_node(l->ctx, l->fs, e, &n);
		if (r)
			return r;
		de.type = n->st.type;
		l->fs->drv->release(l->fs, n);
	}
	return l->fn(l->arg, &de) ? 1 : 0;
}

static int node_readdir(struct gb_ctx *ctx, struct gb_fs *fs, struct gb_node *dir,
			int (*fn)(void *arg, const struct gb_dirent *de), void *arg)
{
	if (!fs->drv->scan)
		return fs->drv->readdir(ctx, fs, dir, fn, arg);
	struct scan_list l = { ctx, fs, fn, arg };
	return fs->drv->scan(ctx, fs, dir, list_entry, &l);
}

/* ---- path walking ----------------------------------------------------- */

struct walk {
	struct gb_fs *fs;
	struct gb_node *stack[GB_PATH_MAX_DEPTH]; /* [0] is the root */
	size_t depth;
};

static void walk_release(struct walk *w, size_t keep)
{
	while (w->depth > keep) {
		w->depth--;
		w->fs->drv->release(w->fs, w->stack[w->depth]);
	}
}

/* Resolve `path` to a node the caller releases. With follow_last false a
 * final symlink is returned itself. */
static int resolve(struct gb_ctx *ctx, struct gb_fs *fs, const char *path,
		   bool follow_last, struct gb_node **out)
{
	if (path[0] != '/')
		return gb_error(ctx, GB_E_USAGE, "%s: path must be absolute", path);
	size_t plen = strlen(path);
	if (plen > GB_PATH_MAX)
		return gb_error(ctx, GB_E_LIMIT, "path longer than %d bytes", GB_PATH_MAX);

	/* pending holds what is left to walk; a symlink's target is put in
	 * front of the rest. */
	char *pending = malloc(2 * GB_PATH_MAX + 2);
	char *target = malloc(GB_PATH_MAX + 1);
	struct walk *w = calloc(1, sizeof(*w));
	int r = 0, hops = 0;
	if (!pending || !target || !w) {
		r = gb_error(ctx, GB_E_NOMEM, "out of memory");
		goto out;
	}
	memcpy(pending, path, plen + 1);
	w->fs = fs;
	if ((r = fs->drv->root(ctx, fs, &w->stack[0])))
		goto out;
	w->depth = 1;

	char *p = pending;
	for (;;) {
		while (*p == '/')
			p++;
		if (!*p)
			break;
		char *end = strchrnul(p, '/');
		size_t len = (size_t)(end - p);
		char *rest = end;
		while (*rest == '/')
			rest++;
		if (len == 1 && p[0] == '.') {
			p = end;
			continue;
		}
		if (len == 2 && p[0] == '.' && p[1] == '.') {
			/* ".." at the root stays at the root: never above it. */
			if (w->depth > 1)
				walk_release(w, w->depth - 1);
			p = end;
			continue;
		}
		struct gb_node *cur = w->stack[w->depth - 1];
		if (cur->st.type != GB_FT_DIR) {
			r = gb_error(ctx, GB_E_NOT_FOUND, "%s: not a directory", path);
			goto out;
		}
		struct gb_node *child = NULL;
		r = node_lookup(ctx, fs, cur, p, len, &child);
		if (r == GB_E_NOT_FOUND) {
			r = gb_error(ctx, GB_E_NOT_FOUND, "%s: no such file or directory", path);
			goto out;
		}
		if (r)
			goto out;
		if (child->st.type == GB_FT_LNK && (*rest || follow_last || *end == '/')) {
			size_t tlen = 0;
			if (++hops > GB_SYMLINK_MAX_HOPS) {
				fs->drv->release(fs, child);
				r = gb_error(ctx, GB_E_LIMIT,
					     "%s: more than %d levels of symbolic links",
					     path, GB_SYMLINK_MAX_HOPS);
				goto out;
			}
			r = fs->drv->readlink(ctx, fs, child, target, GB_PATH_MAX + 1, &tlen);
			fs->drv->release(fs, child);
			if (r)
				goto out;
			size_t rlen = strlen(rest);
			if (tlen + 1 + rlen > 2 * GB_PATH_MAX) {
				r = gb_error(ctx, GB_E_LIMIT, "%s: path through symbolic links too long", path);
				goto out;
			}
			/* pending = target + '/' + rest */
			memmove(pending + tlen + 1, rest, rlen + 1);
			memcpy(pending, target, tlen);
			pending[tlen] = '/';
			if (target[0] == '/')
				walk_release(w, 1); /* absolute: the guest's root */
			p = pending;
			continue;
		}
		if (w->depth == GB_PATH_MAX_DEPTH) {
			fs->drv->release(fs, child);
			r = gb_error(ctx, GB_E_LIMIT, "%s: more than %d directory levels",
				     path, GB_PATH_MAX_DEPTH);
			goto out;
		}
		w->stack[w->depth++] = child;
		p = end;
	}
	*out = w->stack[w->depth - 1];
	w->depth--; /* the result now belongs to the caller */
out:
	if (w)
		walk_release(w, 0);
	free(w);
	free(pending);
	free(target);
	return r;
}

/* ---- public calls ----------------------------------------------------- */

static int stat_common(struct gb_ctx *ctx, struct gb_fs *fs, const char *path,
		       struct gb_stat *st, bool follow)
{
	size_t mark = gb_fs_scope(ctx, fs);
	struct gb_node *n;
	int r = resolve(ctx, fs, path, follow, &n);
	if (r == 0) {
		*st = n->st;
		fs->drv->release(fs, n);
	}
	gb_scope_pop(ctx, mark);
	return r;
}

int gb_fs_default_root(struct gb_ctx *ctx, struct gb_fs *fs, const char **path)
{
	*path = "";
	if (!fs->drv->default_root)
		return 0;
	size_t mark = gb_fs_scope(ctx, fs);
	int r = fs->drv->default_root(ctx, fs, path);
	gb_scope_pop(ctx, mark);
	return r;
}

/* The caller's struct may be older or newer than ours (guestboot.h, ABI). */
static int stat_out(struct gb_ctx *ctx, struct gb_fs *fs, const char *path,
		    struct gb_stat *st, bool follow)
{
	struct gb_stat full = GB_SIZED(struct gb_stat);
	int r = gb_abi_out_ok(ctx, st, "struct gb_stat");
	if (!r)
		r = stat_common(ctx, fs, path, &full, follow);
	if (!r)
		gb_abi_out(st, &full, sizeof full);
	return r;
}

int gb_fs_stat(struct gb_ctx *ctx, struct gb_fs *fs, const char *path, struct gb_stat *st)
{
	return stat_out(ctx, fs, path, st, true);
}

int gb_fs_lstat(struct gb_ctx *ctx, struct gb_fs *fs, const char *path, struct gb_stat *st)
{
	return stat_out(ctx, fs, path, st, false);
}

/* Every entry a listing hands out is charged and counted, whatever the
 * driver: a caller keeps them (ls sorts them), so a listing of millions of
 * one-byte names must stop at a bound, not at memory's end. */
struct listing {
	struct gb_ctx *ctx;
	struct gb_fs *fs;
	int (*fn)(void *arg, const struct gb_dirent *de);
	void *arg;
	size_t n;
	int err;
};

static int list_one(void *arg, const struct gb_dirent *de)
{
	struct listing *l = arg;
	if (++l->n > GB_READDIR_MAX) {
		l->err = gb_error(l->ctx, GB_E_LIMIT, "directory has more than %u entries",
				  GB_READDIR_MAX);
		return 1;
	}
	if ((l->err = gb_fs_charge(l->ctx, l->fs, GB_DIRENT_COST + strlen(de->name))))
		return 1;
	return l->fn(l->arg, de);
}

int gb_fs_readdir(struct gb_ctx *ctx, struct gb_fs *fs, const char *path,
		  int (*fn)(void *arg, const struct gb_dirent *de), void *arg)
{
	size_t mark = gb_fs_scope(ctx, fs);
	struct gb_node *n;
	int r = resolve(ctx, fs, path, true, &n);
	if (r == 0) {
		struct listing l = { ctx, fs, fn, arg, 0, 0 };
		if (n->st.type != GB_FT_DIR)
			r = gb_error(ctx, GB_E_NOT_FOUND, "%s: not a directory", path);
		else
			r = node_readdir(ctx, fs, n, list_one, &l);
		if (l.err)
			r = l.err;
		fs->drv->release(fs, n);
	}
	gb_scope_pop(ctx, mark);
	return r;
}

int gb_fs_readlink(struct gb_ctx *ctx, struct gb_fs *fs, const char *path,
		   char *buf, size_t cap)
{
	size_t mark = gb_fs_scope(ctx, fs);
	struct gb_node *n;
	int r = resolve(ctx, fs, path, false, &n);
	if (r == 0) {
		size_t len;
		if (n->st.type != GB_FT_LNK)
			r = gb_error(ctx, GB_E_USAGE, "%s: not a symbolic link", path);
		else
			r = fs->drv->readlink(ctx, fs, n, buf, cap, &len);
		fs->drv->release(fs, n);
	}
	gb_scope_pop(ctx, mark);
	return r;
}

int gb_file_open(struct gb_ctx *ctx, struct gb_fs *fs, const char *path,
		 struct gb_file **out)
{
	size_t mark = gb_fs_scope(ctx, fs);
	struct gb_node *n;
	int r = resolve(ctx, fs, path, true, &n);
	if (r == 0 && n->st.type != GB_FT_REG) {
		r = gb_error(ctx, GB_E_NOT_FOUND, "%s: %s", path,
			     n->st.type == GB_FT_DIR ? "is a directory" : "not a regular file");
		fs->drv->release(fs, n);
	}
	if (r == 0) {
		struct gb_file *f = malloc(sizeof(*f));
		if (!f) {
			fs->drv->release(fs, n);
			r = gb_error(ctx, GB_E_NOMEM, "out of memory");
		} else {
			f->fs = fs;
			f->node = n;
			*out = f;
		}
	}
	gb_scope_pop(ctx, mark);
	return r;
}

uint64_t gb_file_size(const struct gb_file *f)
{
	return f->node->st.size;
}

int gb_file_pread(struct gb_ctx *ctx, struct gb_file *f, uint64_t off,
		  void *buf, size_t len, size_t *got)
{
	size_t mark = gb_fs_scope(ctx, f->fs);
	int r = gb_fs_pread_node(ctx, f->fs, f->node, off, buf, len, got);
	gb_scope_pop(ctx, mark);
	return r;
}

void gb_file_close(struct gb_file *f)
{
	if (f) {
		f->fs->drv->release(f->fs, f->node);
		free(f);
	}
}

/* len bytes at off of an open file (closed here) into a malloc'd,
 * NUL-terminated buffer. */
static int read_and_close(struct gb_ctx *ctx, struct gb_file *f, const char *path,
			  uint64_t off, size_t len, char **data)
{
	size_t got = 0;
	char *buf = len < SIZE_MAX ? malloc(len + 1) : NULL;
	int r = buf ? gb_file_pread(ctx, f, off, buf, len, &got)
		    : gb_error(ctx, GB_E_NOMEM, "out of memory");
	if (!r && got != len) {
		size_t mark = gb_fs_scope(ctx, f->fs);
		r = gb_error(ctx, GB_E_CORRUPT, "%s: file ends before its size", path);
		gb_scope_pop(ctx, mark);
	}
	gb_file_close(f);
	if (r) {
		free(buf);
		return r;
	}
	buf[len] = '\0';
	*data = buf;
	return 0;
}

int gb_fs_read_file(struct gb_ctx *ctx, struct gb_fs *fs, const char *path,
		    size_t max, char **data, size_t *len)
{
	struct gb_file *f;
	int r = gb_file_open(ctx, fs, path, &f);
	if (r)
		return r;
	uint64_t size = gb_file_size(f);
	if (size > max) {
		size_t mark = gb_fs_scope(ctx, fs);
		r = gb_error(ctx, GB_E_LIMIT, "%s: %llu bytes, more than the limit of %zu",
			     path, (unsigned long long)size, max);
		gb_scope_pop(ctx, mark);
		gb_file_close(f);
		return r;
	}
	if ((r = read_and_close(ctx, f, path, 0, (size_t)size, data)) == 0)
		*len = (size_t)size;
	return r;
}

/* Open path and check that [off, off+len) lies inside it. */
int gb_file_open_range(struct gb_ctx *ctx, struct gb_fs *fs, const char *path, uint64_t off,
		       uint64_t len, struct gb_file **out)
{
	struct gb_file *f;
	int r = gb_file_open(ctx, fs, path, &f);
	if (r)
		return r;
	if (!gb_range_ok(off, len, gb_file_size(f))) {
		size_t mark = gb_fs_scope(ctx, fs);
		r = gb_error(ctx, GB_E_CORRUPT, "%s: %llu bytes at %llu lie outside the file (%llu bytes)",
			     path, (unsigned long long)len, (unsigned long long)off,
			     (unsigned long long)gb_file_size(f));
		gb_scope_pop(ctx, mark);
		gb_file_close(f);
		return r;
	}
	*out = f;
	return 0;
}

int gb_fs_read_range(struct gb_ctx *ctx, struct gb_fs *fs, const char *path,
		     uint64_t off, size_t len, char **data)
{
	struct gb_file *f;
	int r = gb_file_open_range(ctx, fs, path, off, len, &f);
	return r ? r : read_and_close(ctx, f, path, off, len, data);
}

int gb_fs_file_run(struct gb_ctx *ctx, struct gb_fs *fs, const char *path, uint64_t len,
		   uint64_t *vol_off)
{
	struct gb_file *f;
	int r = gb_file_open_range(ctx, fs, path, 0, len, &f);
	if (r)
		return r;
	struct gb_extent ex;
	struct gb_ctx quiet = { 0 };
	if (len == 0 || node_extent(&quiet, fs, f->node, 0, len, &ex) ||
	    ex.kind != GB_EXTENT_DATA || ex.len != len)
		r = GB_E_NOT_MINE;
	else
		*vol_off = ex.vol_off;
	gb_file_close(f);
	return r;
}
