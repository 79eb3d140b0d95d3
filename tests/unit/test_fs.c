/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The generic path walker, through the in-memory file system: "..",
 * symlinks (relative, absolute, chained, looping), and the error classes. */
#include "t.h"
#include "fs/fs.h"

#include <stdlib.h>

static const struct gb_memfs_entry tree[] = {
	{ .path = "/boot/vmlinuz-6.1", .data = "KERNEL" },
	{ .path = "/boot/initrd.img-6.1", .data = "INITRD" },
	{ .path = "/boot/vmlinuz", .link = "vmlinuz-6.1" },
	{ .path = "/vmlinuz", .link = "boot/vmlinuz" },
	{ .path = "/abs", .link = "/boot/initrd.img-6.1" },
	{ .path = "/up", .link = "../../../boot/vmlinuz-6.1" },
	{ .path = "/bootdir", .link = "/boot" },
	{ .path = "/loop1", .link = "loop2" },
	{ .path = "/loop2", .link = "loop1" },
	{ .path = "/self", .link = "self" },
	{ .path = "/dangling", .link = "nowhere" },
	{ .path = "/chain/1", .link = "2" }, { .path = "/chain/2", .link = "3" },
	{ .path = "/chain/3", .link = "4" }, { .path = "/chain/4", .link = "5" },
	{ .path = "/chain/5", .link = "6" }, { .path = "/chain/6", .link = "7" },
	{ .path = "/chain/7", .link = "8" }, { .path = "/chain/8", .link = "9" },
	{ .path = "/chain/9", .link = "/boot/vmlinuz-6.1" },
	{ .path = "/empty/" },
};

static struct gb_ctx *ctx;
static struct gb_fs *fs;

static void setup(void)
{
	if (!ctx)
		ctx = gb_ctx_new();
	gb_ctx_clear(ctx);
	if (!fs && gb_memfs_new(ctx, "mem", tree, sizeof(tree) / sizeof(tree[0]), &fs))
		fprintf(stderr, "memfs: %s\n", gb_ctx_message(ctx));
}

/* Read a whole file; "" on error (and the error stays in ctx). */
static char *read(const char *path)
{
	static char *last;
	free(last);
	last = NULL;
	size_t len;
	gb_ctx_clear(ctx);
	if (gb_fs_read_file(ctx, fs, path, 1 << 20, &last, &len))
		return "";
	return last;
}

static void plain_paths(void)
{
	setup();
	CHECK_STR(read("/boot/vmlinuz-6.1"), "KERNEL");
	CHECK_STR(read("//boot///initrd.img-6.1"), "INITRD");
	CHECK_STR(read("/boot/./vmlinuz-6.1"), "KERNEL");
	CHECK_STR(read("/boot/../boot/vmlinuz-6.1"), "KERNEL");
	CHECK_STR(read("/../../boot/vmlinuz-6.1"), "KERNEL"); /* never above the root */
}

static void symlinks(void)
{
	setup();
	CHECK_STR(read("/boot/vmlinuz"), "KERNEL");       /* relative */
	CHECK_STR(read("/vmlinuz"), "KERNEL");            /* two hops */
	CHECK_STR(read("/abs"), "INITRD");                /* absolute: guest root */
	CHECK_STR(read("/up"), "KERNEL");                 /* .. past the root stops there */
	CHECK_STR(read("/bootdir/vmlinuz-6.1"), "KERNEL"); /* symlinked directory */
	CHECK_STR(read("/bootdir/../abs"), "INITRD");     /* .. of the link's target */
	CHECK_STR(read("/chain/2"), "KERNEL");            /* eight hops: allowed */
}

static void symlink_limits(void)
{
	setup();
	CHECK_STR(read("/chain/1"), "");                  /* nine hops */
	CHECK_INT(gb_ctx_code(ctx), GB_E_LIMIT);
	CHECK_CONTAINS(gb_ctx_message(ctx), "more than 8 levels of symbolic links");
	CHECK_STR(read("/loop1"), "");
	CHECK_INT(gb_ctx_code(ctx), GB_E_LIMIT);
	CHECK_STR(read("/self/x"), "");
	CHECK_INT(gb_ctx_code(ctx), GB_E_LIMIT);
}

static void errors(void)
{
	setup();
	CHECK_STR(read("/boot/missing"), "");
	CHECK_INT(gb_ctx_code(ctx), GB_E_NOT_FOUND);
	CHECK_STR(gb_ctx_message(ctx), "mem: memfs: /boot/missing: no such file or directory");
	CHECK_STR(read("/dangling"), "");
	CHECK_INT(gb_ctx_code(ctx), GB_E_NOT_FOUND);
	CHECK_STR(read("/boot/vmlinuz-6.1/x"), "");
	CHECK_CONTAINS(gb_ctx_message(ctx), "not a directory");
	CHECK_STR(read("/boot"), "");
	CHECK_CONTAINS(gb_ctx_message(ctx), "is a directory");
	CHECK_STR(read("boot/vmlinuz"), "");
	CHECK_INT(gb_ctx_code(ctx), GB_E_USAGE);
	CHECK_STR(read("/boot/vmlinuz-6.1"), "KERNEL"); /* size limit */
	char *data;
	size_t len;
	gb_ctx_clear(ctx);
	CHECK_INT(gb_fs_read_file(ctx, fs, "/boot/vmlinuz-6.1", 3, &data, &len), GB_E_LIMIT);
}

static void long_paths(void)
{
	setup();
	char *p = malloc(GB_PATH_MAX + 10);
	memset(p, '/', GB_PATH_MAX + 9);
	p[GB_PATH_MAX + 9] = '\0';
	CHECK_STR(read(p), "");
	CHECK_INT(gb_ctx_code(ctx), GB_E_LIMIT);
	/* 300 components of "./" stay within the depth bound: "." is not pushed */
	size_t n = 0;
	for (int i = 0; i < 300; i++)
		n += (size_t)sprintf(p + n, "/boot/..");
	sprintf(p + n, "/boot/vmlinuz");
	CHECK_STR(read(p), "KERNEL");
	free(p);
}

struct names {
	char buf[256];
};

static int add_name(void *arg, const struct gb_dirent *de)
{
	struct names *n = arg;
	strcat(n->buf, de->name);
	strcat(n->buf, de->type == GB_FT_DIR ? "/ " : de->type == GB_FT_LNK ? "@ " : " ");
	return 0;
}

static void listing(void)
{
	setup();
	struct names n = { "" };
	CHECK_INT(gb_fs_readdir(ctx, fs, "/bootdir", add_name, &n), 0);
	CHECK_STR(n.buf, "vmlinuz-6.1 initrd.img-6.1 vmlinuz@ ");
	memset(&n, 0, sizeof(n));
	CHECK_INT(gb_fs_readdir(ctx, fs, "/empty", add_name, &n), 0);
	CHECK_STR(n.buf, "");
	struct gb_stat st = GB_SIZED(struct gb_stat);
	CHECK_INT(gb_fs_lstat(ctx, fs, "/vmlinuz", &st), 0);
	CHECK_INT(st.type, GB_FT_LNK);
	CHECK_INT(gb_fs_stat(ctx, fs, "/vmlinuz", &st), 0);
	CHECK_INT(st.type, GB_FT_REG);
	CHECK_INT(st.size, 6);
	char target[64];
	CHECK_INT(gb_fs_readlink(ctx, fs, "/vmlinuz", target, sizeof(target)), 0);
	CHECK_STR(target, "boot/vmlinuz");
}

const struct t_case fs_cases[] = {
	{ "fs/plain-paths", plain_paths },
	{ "fs/symlinks", symlinks },
	{ "fs/symlink-limits", symlink_limits },
	{ "fs/errors", errors },
	{ "fs/long-paths", long_paths },
	{ "fs/listing", listing },
	{ NULL, NULL },
};

static void path_clean(void)
{
	static const char *const cases[][2] = {
		{ "/boot/extlinux/../vmlinuz", "/boot/vmlinuz" },
		{ "//boot///./x", "/boot/x" },
		{ "/../../x", "/x" },
		{ "/a/b/..", "/a" },
		{ "/", "/" },
		{ "/..", "/" },
		{ "/a/./b/../../c/", "/c" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char buf[64];
		strcpy(buf, cases[i][0]);
		gb_path_clean(buf);
		CHECK_STR(buf, cases[i][1]);
	}
}

/* Vectors from RFC 3629 and Markus Kuhn's UTF-8 decoder stress test. */
static void utf8_decode(void)
{
	static const struct {
		const char *bytes;
		size_t len;
		uint32_t cp;
	} cases[] = {
		{ "A", 1, 0x41 },
		{ "\xc2\x80", 2, 0x80 },
		{ "\xdf\xbf", 2, 0x7ff },
		{ "\xe0\xa0\x80", 3, 0x800 },
		{ "\xef\xbf\xbd", 3, 0xfffd },
		{ "\xf0\x90\x80\x80", 4, 0x10000 },
		{ "\xf4\x8f\xbf\xbf", 4, 0x10ffff },
		{ "\xc0\xaf", 0, 0 },             /* overlong '/' */
		{ "\xe0\x80\xaf", 0, 0 },         /* overlong, 3 bytes */
		{ "\xed\xa0\x80", 0, 0 },         /* surrogate U+D800 */
		{ "\xf4\x90\x80\x80", 0, 0 },     /* past U+10FFFF */
		{ "\xf5\x80\x80\x80", 0, 0 },
		{ "\x80", 0, 0 },                 /* lone continuation */
		{ "\xe2\x82", 0, 0 },             /* cut short */
		{ "\xe2\x28\xa1", 0, 0 },         /* bad continuation */
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint32_t cp = 0;
		const unsigned char *b = (const unsigned char *)cases[i].bytes;
		size_t n = gb_utf8_decode(b, strlen(cases[i].bytes), &cp);
		CHECK_INT(n, cases[i].len);
		if (n)
			CHECK_INT(cp, cases[i].cp);
	}
	uint32_t cp;
	CHECK_INT(gb_utf8_decode((const unsigned char *)"\xe2\x82\xac", 2, &cp), 0); /* n bounds it */
}

const struct t_case path_cases[] = {
	{ "fs/path-clean", path_clean },
	{ "core/utf8-decode", utf8_decode },
	{ NULL, NULL },
};
