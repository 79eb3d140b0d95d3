/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* NBD exports through libnbd: any format a server such as qemu-nbd reads
 * (vmdk, vhdx, ...) reaches us as a plain disk. Read-only. */
#include "source/source.h"

#include <stdlib.h>

bool gb_source_is_nbd_uri(const char *path)
{
	static const char *const schemes[] = {
		"nbd://", "nbds://", "nbd+unix://", "nbds+unix://", "nbd+vsock://", "nbds+vsock://",
	};
	for (size_t i = 0; i < sizeof(schemes) / sizeof(schemes[0]); i++)
		if (!strncmp(path, schemes[i], strlen(schemes[i])))
			return true;
	return false;
}

#ifdef GB_HAVE_LIBNBD
#include <dlfcn.h>
#include <libnbd.h>

/* Below every server's maximum request: the protocol lets a client that was
 * told nothing send 32 MiB. */
#define NBD_CHUNK (8u << 20)

/*
 * libnbd is loaded when an NBD URI is opened, not linked: it pulls in
 * GnuTLS, libxml2 and ICU, whose loading and constructors cost every run
 * about 3 ms (most of `guestboot list`) and a few MiB of RSS. It is loaded
 * before the sandbox is entered (sources are opened before parsing).
 */
static struct {
	__typeof__(nbd_create) *create;
	__typeof__(nbd_close) *close;
	__typeof__(nbd_get_error) *get_error;
	__typeof__(nbd_set_uri_allow_local_file) *set_uri_allow_local_file;
	__typeof__(nbd_connect_uri) *connect_uri;
	__typeof__(nbd_get_size) *get_size;
	__typeof__(nbd_pread) *pread;
} nbd;

static int load_libnbd(struct gb_ctx *ctx)
{
	if (nbd.pread)
		return 0;
	void *h = dlopen("libnbd.so.0", RTLD_NOW | RTLD_LOCAL);
	if (!h)
		return gb_error(ctx, GB_E_UNSUPPORTED, "nbd: cannot load libnbd: %s", dlerror());
	/* POSIX lets a data pointer hold a function's address from dlsym. */
#define SYM(name) (*(void **)&nbd.name = dlsym(h, "nbd_" #name)) != NULL
	if (!(SYM(create) && SYM(close) && SYM(get_error) && SYM(set_uri_allow_local_file) &&
	      SYM(connect_uri) && SYM(get_size) && SYM(pread))) {
		memset(&nbd, 0, sizeof(nbd));
		dlclose(h);
		return gb_error(ctx, GB_E_UNSUPPORTED, "nbd: libnbd lacks a function guestboot uses");
	}
#undef SYM
	return 0; /* stays loaded for the life of the process */
}

/* libnbd's last error, which may quote the server: made printable. */
static const char *nbd_msg(char *buf, size_t cap)
{
	const char *m = nbd.get_error ? nbd.get_error() : NULL;
	gb_copy_label(buf, cap, m ? m : "unknown error", m ? strlen(m) : 13);
	return buf;
}

static int nbd_src_pread(struct gb_ctx *ctx, struct gb_source *src, uint64_t off,
			 void *buf, size_t len)
{
	uint8_t *p = buf;
	while (len) {
		size_t n = len < NBD_CHUNK ? len : NBD_CHUNK;
		if (nbd.pread(src->priv, p, n, off, 0) == -1) {
			char m[200];
			return gb_error(ctx, GB_E_IO, "nbd: read at offset %llu: %s",
					(unsigned long long)off, nbd_msg(m, sizeof(m)));
		}
		p += n;
		off += n;
		len -= n;
	}
	return 0;
}

static void nbd_src_close(struct gb_source *src)
{
	nbd.close(src->priv);
	free(src);
}

static const struct gb_source_ops nbd_ops = {
	.name = "nbd",
	.pread = nbd_src_pread,
	.close = nbd_src_close,
};

int gb_source_open_nbd(struct gb_ctx *ctx, const char *uri, struct gb_source **out)
{
	char m[200];
	int r = load_libnbd(ctx);
	if (r)
		return r;
	struct nbd_handle *h = nbd.create();
	if (!h)
		return gb_error(ctx, GB_E_NOMEM, "nbd: %s", nbd_msg(m, sizeof(m)));
	/* A URI may not make libnbd read host files (?tls-psk-file=); this
	 * is libnbd's default, said here so that it stays so. */
	nbd.set_uri_allow_local_file(h, false);
	if (nbd.connect_uri(h, uri) == -1) {
		r = gb_error(ctx, GB_E_IO, "nbd: cannot connect: %s", nbd_msg(m, sizeof(m)));
		nbd.close(h);
		return r;
	}
	int64_t size = nbd.get_size(h);
	struct gb_source *src = size < 0 ? NULL : calloc(1, sizeof(*src));
	if (!src) {
		r = size < 0 ? gb_error(ctx, GB_E_IO, "nbd: no export size: %s", nbd_msg(m, sizeof(m)))
			     : gb_error(ctx, GB_E_NOMEM, "out of memory");
		nbd.close(h);
		return r;
	}
	src->ops = &nbd_ops;
	src->name = uri;
	src->format = "raw";
	src->size = (uint64_t)size;
	src->priv = h;
	src->fd = -1;
	src->concurrent = true; /* libnbd handles lock themselves */
	*out = src;
	return 0;
}
#else
int gb_source_open_nbd(struct gb_ctx *ctx, const char *uri, struct gb_source **out)
{
	(void)uri;
	(void)out;
	return gb_error(ctx, GB_E_UNSUPPORTED, "NBD URIs need guestboot built with libnbd");
}
#endif
