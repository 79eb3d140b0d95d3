/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* An in-memory file system behind the real fs interface, so that tests can
 * hand configuration parsers a tree without building a disk image (and so
 * the path walker in fs.c is tested the same way as with real drivers). */
#define _GNU_SOURCE
#include "fs/fs.h"

#include <stdio.h>
#include <stdlib.h>

struct mem_inode {
	char *name;
	size_t parent;
	enum gb_ftype type;
	char *data; /* file contents, or symlink target */
	size_t len;
};

struct memfs {
	struct gb_fs base;
	struct gb_volume vol;   /* for messages only: no bytes behind it */
	struct gb_source *src;
	struct mem_inode *ino;
	size_t n, cap;
};

struct mem_node {
	struct gb_node base;
	size_t idx;
};

static int memfs_mount(struct gb_ctx *ctx, struct gb_volume *vol, struct gb_fs **out)
{
	(void)vol, (void)out;
	return gb_error(ctx, GB_E_USAGE, "the memory file system is made with gb_memfs_new");
}

static void memfs_umount(struct gb_fs *base)
{
	struct memfs *m = (struct memfs *)base;
	for (size_t i = 0; i < m->n; i++) {
		free(m->ino[i].name);
		free(m->ino[i].data);
	}
	free(m->ino);
	gb_source_close(m->src);
	free(m);
}

static int node_for(struct gb_ctx *ctx, struct memfs *m, size_t idx, struct gb_node **out)
{
	struct mem_node *n = calloc(1, sizeof(*n));
	if (!n)
		return gb_error(ctx, GB_E_NOMEM, "out of memory");
	n->idx = idx;
	n->base.st.type = m->ino[idx].type;
	n->base.st.mode = m->ino[idx].type == GB_FT_DIR ? 0755 : 0644;
	n->base.st.size = m->ino[idx].len;
	n->base.st.ino = idx + 1;
	*out = &n->base;
	return 0;
}

static int memfs_root(struct gb_ctx *ctx, struct gb_fs *base, struct gb_node **out)
{
	return node_for(ctx, (struct memfs *)base, 0, out);
}

static int memfs_lookup(struct gb_ctx *ctx, struct gb_fs *base, struct gb_node *dir,
			const char *name, size_t len, struct gb_node **out)
{
	struct memfs *m = (struct memfs *)base;
	size_t d = ((struct mem_node *)dir)->idx;
	for (size_t i = 1; i < m->n; i++)
		if (m->ino[i].parent == d && strlen(m->ino[i].name) == len &&
		    !memcmp(m->ino[i].name, name, len))
			return node_for(ctx, m, i, out);
	return GB_E_NOT_FOUND;
}

static int memfs_readdir(struct gb_ctx *ctx, struct gb_fs *base, struct gb_node *dir,
			 int (*fn)(void *arg, const struct gb_dirent *de), void *arg)
{
	(void)ctx;
	struct memfs *m = (struct memfs *)base;
	size_t d = ((struct mem_node *)dir)->idx;
	for (size_t i = 1; i < m->n; i++)
		if (m->ino[i].parent == d) {
			struct gb_dirent de = { m->ino[i].name, m->ino[i].type, i + 1 };
			if (fn(arg, &de))
				break;
		}
	return 0;
}

static int memfs_readlink(struct gb_ctx *ctx, struct gb_fs *base, struct gb_node *node,
			  char *buf, size_t cap, size_t *len)
{
	struct mem_inode *i = &((struct memfs *)base)->ino[((struct mem_node *)node)->idx];
	if (i->len >= cap)
		return gb_error(ctx, GB_E_LIMIT, "symbolic link too long");
	memcpy(buf, i->data, i->len + 1);
	*len = i->len;
	return 0;
}

static int memfs_extent(struct gb_ctx *ctx, struct gb_fs *base, struct gb_node *node,
			uint64_t off, uint64_t want, struct gb_extent *ex)
{
	(void)ctx;
	struct mem_inode *i = &((struct memfs *)base)->ino[((struct mem_node *)node)->idx];
	/* the walker reads inside the size (i->len) */
	ex->kind = GB_EXTENT_INLINE;
	ex->len = want;
	ex->data = (const uint8_t *)i->data + off;
	return 0;
}

static void memfs_release(struct gb_fs *fs, struct gb_node *node)
{
	(void)fs;
	free(node);
}

static const struct gb_fs_driver memfs_driver = {
	.name = "memfs",
	.mount = memfs_mount,
	.umount = memfs_umount,
	.root = memfs_root,
	.lookup = memfs_lookup,
	.readdir = memfs_readdir,
	.readlink = memfs_readlink,
	.extent = memfs_extent,
	.release = memfs_release,
};

static int add_inode(struct memfs *m, const char *name, size_t nlen, size_t parent,
		     enum gb_ftype type, size_t *idx)
{
	if (m->n == m->cap) {
		size_t cap = m->cap ? 2 * m->cap : 16;
		void *p = realloc(m->ino, cap * sizeof(*m->ino));
		if (!p)
			return GB_E_NOMEM;
		m->ino = p;
		m->cap = cap;
	}
	struct mem_inode *i = &m->ino[m->n];
	memset(i, 0, sizeof(*i));
	if (!(i->name = strndup(name, nlen)))
		return GB_E_NOMEM;
	i->parent = parent;
	i->type = type;
	*idx = m->n++;
	return 0;
}

/* Create (or find) every directory on the way to path's last component. */
static int add_path(struct memfs *m, const struct gb_memfs_entry *e)
{
	size_t dir = 0;
	const char *p = e->path;
	for (;;) {
		while (*p == '/')
			p++;
		if (!*p)
			return 0; /* "/" or "dir/": directories only */
		const char *end = strchrnul(p, '/');
		size_t len = (size_t)(end - p);
		bool last = !*end || !end[strspn(end, "/")];
		size_t found = SIZE_MAX;
		for (size_t i = 1; i < m->n; i++)
			if (m->ino[i].parent == dir && strlen(m->ino[i].name) == len &&
			    !memcmp(m->ino[i].name, p, len))
				found = i;
		if (last && *end != '/') {
			if (found != SIZE_MAX)
				return GB_E_USAGE;
			enum gb_ftype t = e->link ? GB_FT_LNK : GB_FT_REG;
			int r = add_inode(m, p, len, dir, t, &found);
			if (r)
				return r;
			const char *src = e->link ? e->link : e->data ? e->data : "";
			size_t n = e->link ? strlen(e->link) : e->data ? (e->len ? e->len : strlen(e->data)) : 0;
			m->ino[found].data = malloc(n + 1);
			if (!m->ino[found].data)
				return GB_E_NOMEM;
			memcpy(m->ino[found].data, src, n);
			m->ino[found].data[n] = '\0';
			m->ino[found].len = n;
			return 0;
		}
		if (found == SIZE_MAX) {
			int r = add_inode(m, p, len, dir, GB_FT_DIR, &found);
			if (r)
				return r;
		} else if (m->ino[found].type != GB_FT_DIR) {
			return GB_E_USAGE;
		}
		dir = found;
		p = end;
	}
}

int gb_memfs_new(struct gb_ctx *ctx, const char *name,
		 const struct gb_memfs_entry *entries, size_t n, struct gb_fs **out)
{
	struct memfs *m = calloc(1, sizeof(*m));
	if (!m)
		return gb_error(ctx, GB_E_NOMEM, "out of memory");
	static const char nothing[1];
	size_t root;
	int r = gb_source_open_mem(ctx, name, nothing, 0, 0, &m->src);
	if (r) {
		free(m);
		return r;
	}
	m->vol.src = m->src;
	m->base.drv = &memfs_driver;
	m->base.vol = &m->vol;
	snprintf(m->base.type, sizeof(m->base.type), "memfs");
	r = add_inode(m, "", 0, 0, GB_FT_DIR, &root);
	for (size_t i = 0; i < n && !r; i++) {
		r = add_path(m, &entries[i]);
		if (r == GB_E_USAGE)
			r = gb_error(ctx, GB_E_USAGE, "memfs: conflicting entry '%s'", entries[i].path);
	}
	if (r) {
		memfs_umount(&m->base);
		return r == GB_E_NOMEM ? gb_error(ctx, r, "out of memory") : r;
	}
	*out = &m->base;
	return 0;
}
