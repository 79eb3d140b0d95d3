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
#include <libnbd.h>

/* Below every server's maximum request: the protocol lets a client that was
 * told nothing send 32 MiB. */
#define NBD_CHUNK (8u << 20)

/* libnbd's last error, which may quote the server: made printable. */
static const char *nbd_msg(char *buf, size_t cap)
{
	const char *m = nbd_get_error();
	gb_copy_label(buf, cap, m ? m : "unknown error", m ? strlen(m) : 13);
	return buf;
}

static int nbd_src_pread(struct gb_ctx *ctx, struct gb_source *src, uint64_t off,
			 void *buf, size_t len)
{
	uint8_t *p = buf;
	while (len) {
		size_t n = len < NBD_CHUNK ? len : NBD_CHUNK;
		if (nbd_pread(src->priv, p, n, off, 0) == -1) {
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
	nbd_close(src->priv);
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
	struct nbd_handle *h = nbd_create();
	if (!h)
		return gb_error(ctx, GB_E_NOMEM, "nbd: %s", nbd_msg(m, sizeof(m)));
	/* A URI may not make libnbd read host files (?tls-psk-file=); this
	 * is libnbd's default, said here so that it stays so. */
	nbd_set_uri_allow_local_file(h, false);
	if (nbd_connect_uri(h, uri) == -1) {
		int r = gb_error(ctx, GB_E_IO, "nbd: cannot connect: %s", nbd_msg(m, sizeof(m)));
		nbd_close(h);
		return r;
	}
	int64_t size = nbd_get_size(h);
	struct gb_source *src = size < 0 ? NULL : calloc(1, sizeof(*src));
	if (!src) {
		int r = size < 0 ? gb_error(ctx, GB_E_IO, "nbd: no export size: %s", nbd_msg(m, sizeof(m)))
				 : gb_error(ctx, GB_E_NOMEM, "out of memory");
		nbd_close(h);
		return r;
	}
	src->ops = &nbd_ops;
	src->name = uri;
	src->format = "raw";
	src->size = (uint64_t)size;
	src->priv = h;
	src->fd = -1;
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
