/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Internal helpers shared by every layer: error context, checked arithmetic,
 * little-endian decoding. */
#ifndef GB_CORE_H
#define GB_CORE_H

#include "guestboot.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#define GB_MSG_MAX 512
#define GB_SCOPE_MAX 256

struct gb_ctx {
	int code;
	char msg[GB_MSG_MAX];
	/* "disk.img: partition 2: ext4" while working below that point */
	char scope[GB_SCOPE_MAX];
	size_t scope_len;
};

/* Work one command may do on what a guest controls, whatever the number of
 * volumes, entries or lookups (SECURITY.md, "Bounds"): bytes of file
 * system metadata read, decompressed or scanned (directory listings, tree
 * and metadata blocks, qcow2 tables), and bytes decompressed to inspect
 * kernels and initrds. The account lives with the image's source (one per
 * opened image), not in a gb_ctx: lookups whose errors are ignored run
 * under throw-away contexts and must still be charged. */
#define GB_META_BUDGET (256ull << 20)
#define GB_INFLATE_BUDGET (512ull << 20)

enum gb_charge { GB_CHARGE_META, GB_CHARGE_INFLATE };

struct gb_memo;
struct gb_work {
	uint64_t used[2]; /* by enum gb_charge */
	struct gb_memo *memo;
};

/* Charge n bytes of work of a kind to the account (NULL: not bounded).
 * Past the bound, records and returns GB_E_LIMIT: "WHAT exceeds this
 * command's bound of N MiB", and keeps failing (the bound is for the whole
 * command). */
int gb_work_charge(struct gb_ctx *ctx, struct gb_work *w, enum gb_charge kind, uint64_t n,
		   const char *what);
/* Is the bound of a kind already spent? */
bool gb_work_spent(const struct gb_work *w, enum gb_charge kind);
/* The bound of a kind, in MiB (for messages). */
unsigned gb_work_bound_mib(enum gb_charge kind);
/* Results kept for the rest of the command, so that work done for one
 * entry is not done again for the next one naming the same file. get
 * returns NULL when key is absent or was stored with another size. */
const void *gb_work_memo_get(const struct gb_work *w, const char *key, size_t size);
void gb_work_memo_put(struct gb_work *w, const char *key, const void *data, size_t size);
/* Free the memo (the account's owner is closing). */
void gb_work_release(struct gb_work *w);

/* The ABI of caller-allocated structs (guestboot.h, "ABI"): each begins
 * with size_t struct_size. gb_abi_in copies the caller's struct (NULL: none, all
 * zero) into the library's own of dst_size bytes, zeroing the fields it
 * does not hold; gb_abi_out_ok checks a result struct's struct_size and
 * gb_abi_out copies the library's full result into it within that size
 * (keeping the caller's size). */
int gb_abi_in(struct gb_ctx *ctx, void *dst, size_t dst_size, const void *src, const char *what);
int gb_abi_out_ok(struct gb_ctx *ctx, const void *dst, const char *what);
void gb_abi_out(void *dst, const void *src, size_t src_size);
#define GB_ABI_IN(ctx, dst, src) gb_abi_in(ctx, dst, sizeof(*(dst)), src, #src)

/* Record an error (the first one is kept) and return its code, so callers
 * can write `return gb_error(ctx, GB_E_CORRUPT, "…")`. GB_E_NOT_MINE is
 * returned without being recorded. */
int gb_error(struct gb_ctx *ctx, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Work on other threads (core/pool.h) records its errors in a context of
 * its own: gb_ctx_child starts one with the parent's scope and no error;
 * gb_ctx_adopt gives the parent the child's error unless it has one. */
void gb_ctx_child(struct gb_ctx *child, const struct gb_ctx *parent);
void gb_ctx_adopt(struct gb_ctx *parent, const struct gb_ctx *child);

/* A warning (see gb_set_warning_handler), prefixed with the scope. */
void gb_warn(struct gb_ctx *ctx, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* An error whose message was made (scoped, sanitised) earlier by
 * gb_error, kept as it is: no second scope in front. */
int gb_error_kept(struct gb_ctx *ctx, int code, const char *msg);
/* Push a scope element ("partition 2"); returns a mark for gb_scope_pop. */
size_t gb_scope_push(struct gb_ctx *ctx, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void gb_scope_pop(struct gb_ctx *ctx, size_t mark);

/* Overflow-checked arithmetic on on-disk sizes and offsets. */
static inline bool gb_add_ok(uint64_t a, uint64_t b, uint64_t *r)
{
	return !__builtin_add_overflow(a, b, r);
}
static inline bool gb_mul_ok(uint64_t a, uint64_t b, uint64_t *r)
{
	return !__builtin_mul_overflow(a, b, r);
}
/* Is [off, off+len) inside [0, size)? */
static inline bool gb_range_ok(uint64_t off, uint64_t len, uint64_t size)
{
	uint64_t end;
	return gb_add_ok(off, len, &end) && end <= size;
}

static inline uint16_t gb_le16(const void *p)
{
	const uint8_t *b = p;
	return (uint16_t)(b[0] | b[1] << 8);
}
static inline uint32_t gb_le32(const void *p)
{
	const uint8_t *b = p;
	return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 |
	       (uint32_t)b[3] << 24;
}
static inline uint64_t gb_le64(const void *p)
{
	return gb_le32(p) | (uint64_t)gb_le32((const uint8_t *)p + 4) << 32;
}
static inline uint16_t gb_be16(const void *p)
{
	const uint8_t *b = p;
	return (uint16_t)(b[0] << 8 | b[1]);
}
static inline uint32_t gb_be32(const void *p)
{
	const uint8_t *b = p;
	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 |
	       (uint32_t)b[3];
}
static inline uint64_t gb_be64(const void *p)
{
	return (uint64_t)gb_be32(p) << 32 | gb_be32((const uint8_t *)p + 4);
}

/* Copies into a fixed-size buffer of a length read from the image
 * (doc/audit-fixed-buffers.md): cap is the destination's size (write
 * sizeof(dst) at the call), n the on-disk length. They copy nothing and
 * return false when n bytes (gb_copy_str: n bytes and a NUL) do not fit;
 * the caller turns that into a one-line error. */
static inline bool gb_copy_bounded(void *dst, size_t cap, const void *src, size_t n)
{
	if (n > cap)
		return false;
	memcpy(dst, src, n);
	return true;
}
static inline bool gb_copy_str(char *dst, size_t cap, const void *src, size_t n)
{
	if (n >= cap)
		return false;
	memcpy(dst, src, n);
	dst[n] = '\0';
	return true;
}

/* Format a 16-byte GUID stored in mixed-endian (GPT/EFI) order. */
void gb_guid_str(const uint8_t g[16], char out[37]);
/* Format 16 bytes as a big-endian UUID (ext, xfs, btrfs). */
void gb_uuid_str(const uint8_t u[16], char out[37]);
/* Copy at most n bytes of possibly unterminated on-disk text, stopping at
 * NUL, replacing control characters with '?' so that labels and names can
 * never inject terminal escapes or newlines into our output. */
void gb_copy_label(char *dst, size_t cap, const void *src, size_t n);

/* Fold "//", "." and ".." of an absolute path in place, lexically (".."
 * at the root stays there). */
void gb_path_clean(char *path);

/* A growable string; `oom` sticks once an allocation failed, so callers
 * check once at the end. */
struct gb_sbuf {
	char *p;
	size_t len, cap;
	bool oom;
};
void gb_sbuf_add(struct gb_sbuf *b, const void *s, size_t n);
void gb_sbuf_adds(struct gb_sbuf *b, const char *s);
void gb_sbuf_addf(struct gb_sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Hand the text over ("" when empty); NULL when out of memory. */
char *gb_sbuf_take(struct gb_sbuf *b);

/* UTF-16 (BE or LE) text of n units to NUL-terminated UTF-8, stopping at a
 * NUL unit. Returns the UTF-8 length, or -1 when the text is not valid
 * UTF-16 (a lone surrogate), does not fit cap, or would contain '/'. */
int gb_utf16_to_utf8(const uint8_t *src, size_t n, bool big_endian,
		     char *dst, size_t cap);
/* Seconds since the epoch of a UTC calendar time (proleptic Gregorian),
 * without the host's time zone or libc's range limits. */
int64_t gb_civil_to_epoch(int64_t year, unsigned month, unsigned day,
			  unsigned hour, unsigned min, unsigned sec);
/* ASCII-only case-insensitive comparison of a NUL-terminated name with
 * (s, len): FAT and ISO9660 names compare so, whatever the host locale. */
bool gb_name_eq_nocase(const char *name, const char *s, size_t len);

/* Write all len bytes to fd, again after EINTR and short writes: 0, or -1
 * with errno set (EIO for a write that wrote nothing). */
int gb_write_all(int fd, const void *data, size_t len);

uint32_t gb_crc32(uint32_t crc, const void *buf, size_t len);

#endif
