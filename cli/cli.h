/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef GB_CLI_H
#define GB_CLI_H

#include "guestboot.h"

#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>

/* Options every subcommand that opens an image takes. */
struct cli_image_opts {
	struct gb_image_options img;
	const char *disks[GB_MAX_DISKS]; /* --disk, in order (img.disks) */
};

/* Codes above every subcommand's own (those stay below 0x1000). */
enum { CLI_O_FORMAT = 0x1000, CLI_O_BACKING, CLI_O_BACKING_FORMAT, CLI_O_DISK,
       CLI_O_PROBE_FORMATS };

/* `extract` has its own --format (of its output) listed before these, which
 * getopt matches first; --image-format works everywhere. */
#define CLI_IMAGE_LONGOPTS \
	{ "offset", required_argument, NULL, 'O' }, \
	{ "sector-size", required_argument, NULL, 'S' }, \
	{ "format", required_argument, NULL, CLI_O_FORMAT }, \
	{ "image-format", required_argument, NULL, CLI_O_FORMAT }, \
	{ "backing", required_argument, NULL, CLI_O_BACKING }, \
	{ "backing-format", required_argument, NULL, CLI_O_BACKING_FORMAT }, \
	{ "disk", required_argument, NULL, CLI_O_DISK }, \
	{ "probe-formats", required_argument, NULL, CLI_O_PROBE_FORMATS }, \
	{ "help", no_argument, NULL, 'h' }

/* Help lines for those options. */
#define CLI_IMAGE_HELP \
	"  --offset BYTES     the disk starts at this byte offset (of the virtual disk)\n" \
	"  --sector-size N    512 or 4096 (default: detect)\n" \
	"  --format FMT       raw or qcow2 (default: from the file's magic, never its name)\n" \
	"  --backing FILE     the backing file of a qcow2 overlay (never taken from the image)\n" \
	"  --backing-format FMT  its format: raw or qcow2 (required with --backing)\n" \
	"  --disk FILE        another disk of the guest (repeatable, in order: (hd1), (hd2)...;\n" \
	"                     raw or qcow2): pools, arrays and volume groups span the disks\n" \
	"  --probe-formats LIST  the formats probed: -NAME never ('-zfs,-ufs'), plain names\n" \
	"                     only those of their layer ('ext,xfs'); volume formats gpt, mbr,\n" \
	"                     bsd, vtoc, md, lvm; file systems ext, xfs, squashfs, ufs, fat,\n" \
	"                     iso9660, btrfs, zfs (default: all)\n"

/* Handle an image option (returns true when c was one). */
bool cli_image_opt(int c, const char *arg, struct cli_image_opts *o);

/* Guest text for a terminal: printable ASCII and UTF-8 as is; controls
 * (C0, DEL, C1), stray bytes and '\\' escaped as \xNN or \uNNNN. */
void cli_put_safe(FILE *f, const char *s);
/* The same with gb_text_safe's flags ('\\' kept as is without
 * GB_SAFE_BACKSLASH). */
void cli_put_text(FILE *f, const char *s, unsigned flags);

/* Print a JSON document (pretty, '/' unescaped) on stdout and free it. */
struct json_object;
void cli_print_json(struct json_object *root);

/* A byte count with an optional K, M or G suffix. */
bool cli_parse_size(const char *s, uint64_t *out);
/* write() until done; -1 with errno on failure. */
int cli_write_all(int fd, const void *data, size_t len);

/* Print "guestboot: <message>" and return the exit status for err. */
int cli_fail(struct gb_ctx *ctx, int err);
/* Usage error: message, hint, exit status 2. */
int cli_usage_error(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

int cli_open(struct gb_ctx *ctx, const char *path, const struct cli_image_opts *o,
	     struct gb_image **img);
/* Split "VOL:PATH" and mount VOL; *path points into spec. Returns 0 or the
 * exit status, after printing the error. */
int cli_mount_spec(struct gb_ctx *ctx, struct gb_image *img, const char *cmd,
		   const char *spec, struct gb_fs **fs, const char **path);

/* ---- privilege separation (sandbox.c) ---- */
struct cli_sandbox {
	bool enabled;        /* --no-sandbox (debugging only) turns it off */
	unsigned timeout;    /* watchdog, seconds */
	struct gb_sandbox_limits lim;
	long runas;          /* pygrub --runas: drop to this uid too */
	bool interactive;    /* the child may show a menu: while it waits for a
				person (cli_watchdog_pause), the watchdog stops,
				up to cli_menu_limit() seconds in all */
	int files[5];        /* descriptors the parent made for the child to
				fill (-1: none); the child keeps these, its result
				and control pipes, and nothing else it inherited */
	bool discard_stdout; /* the host parses this command's stdout (pygrub,
				extract): what the child writes there is dropped */
};
extern struct cli_sandbox cli_sandbox;

/* Run fn(arg) in a sandboxed child and return its exit status, or report
 * how it died. Up to cap bytes that the child sends with cli_result_send
 * land in result (*len). Without the sandbox, fn runs in this process. */
int cli_supervise(const char *what, int (*fn)(void *arg), void *arg,
		  char *result, size_t cap, size_t *len);
int cli_result_send(const void *data, size_t len);
/* In the child: a menu starts (true) or stops (false) waiting for a person;
 * the watchdog's time starts again when it stops. */
void cli_watchdog_pause(bool paused);
/* GUESTBOOT_MENU_LIMIT, or 1800 seconds. */
unsigned cli_menu_limit(void);
/* A result as n NUL-terminated strings; parse checks there are exactly n. */
#define GB_RESULT_MAX 65536
int cli_result_fields(const char *const *fields, size_t n);
int cli_result_parse(const char *buf, size_t len, const char **fields, size_t n);
/* Make an image open enter the sandbox before parsing (in the child). */
void cli_sandbox_hook(struct gb_ctx *ctx, struct gb_image_options *opt);

/* ---- extract and menu: write an entry's files, print how to boot them ---- */

struct cli_extract {
	const char *image;
	const char *entry;     /* NULL: the default */
	bool interactive;      /* choose on the terminal (guestboot menu) */
	struct cli_image_opts img;
	struct gb_menu_options menu;
	const char *dir;       /* where the files go */
	int format;            /* enum gb_out_format */
	bool kernel_only;      /* no initrd */
	bool print_only;       /* no files: name them as VOL:PATH */
	bool vmlinux;          /* also write the ELF vmlinux (--vmlinux) */
	bool raw_image;        /* also write the arm64 Image (--raw-image) */
	const char *vmm_version; /* --vmm-version: the target's release, or NULL */
	bool update_grubenv;   /* write grubenv as GRUB's save_env would (not with print_only) */
	struct gb_boot_limits lim;
};

#define CLI_EXTRACT_DEFAULTS \
	{ .dir = ".", .format = GB_OUT_JSON, .menu = GB_SIZED(struct gb_menu_options), \
	  .lim = { sizeof(struct gb_boot_limits), GB_DEFAULT_KERNEL_MAX, GB_DEFAULT_INITRD_MAX } }

enum { CLI_O_KONLY = 256, CLI_O_PRINT, CLI_O_MAXK, CLI_O_MAXR, CLI_O_CONFIG, CLI_O_KIND,
       CLI_O_PVGRUB, CLI_O_PLATFORM, CLI_O_VMLINUX, CLI_O_VMMVER, CLI_O_GRUBENV,
       CLI_O_RAWIMAGE };

/* The options that choose an entry and bound its files (extract, menu, kexec). */
#define CLI_ENTRY_LONGOPTS \
	{ "kernel-only", no_argument, NULL, CLI_O_KONLY }, \
	{ "max-kernel-size", required_argument, NULL, CLI_O_MAXK }, \
	{ "max-ramdisk-size", required_argument, NULL, CLI_O_MAXR }, \
	{ "config", required_argument, NULL, CLI_O_CONFIG }, \
	{ "kind", required_argument, NULL, CLI_O_KIND }, \
	{ "pvgrub", required_argument, NULL, CLI_O_PVGRUB }, \
	{ "platform", required_argument, NULL, CLI_O_PLATFORM }, \
	{ "update-grubenv", no_argument, NULL, CLI_O_GRUBENV }

/* Help lines for the size limits, the menu options and the image options
 * (extract, menu, kexec). */
#define CLI_ENTRY_HELP \
	"      --max-kernel-size BYTES, --max-ramdisk-size BYTES (suffixes K, M, G;\n" \
	"                         defaults 256M and 1G)\n" \
	"      --config VOL:PATH, --kind KIND, --pvgrub MODE, --platform NAME\n" \
	"                         as for 'guestboot list'\n" \
	"      --update-grubenv   write the image's grubenv as GRUB's save_env would for\n" \
	"                         this boot (clears grub-reboot's next_entry; raw images,\n" \
	"                         a plain 1024-byte grubenv on ext2/3/4, XFS or FAT only)\n" \
	"      --offset BYTES, --sector-size N, --image-format FMT (raw, qcow2),\n" \
	"      --backing FILE, --backing-format FMT, --disk FILE,\n" \
	"      --probe-formats LIST   as for 'guestboot inspect'\n"

/* extract and menu's help for the options below */
#define CLI_EXTRACT_HELP \
	"  -o, --output-dir DIR   where to write (default: the current directory)\n" \
	"  -f, --format FMT       json (default), shell, qemu, firecracker, cloud-hypervisor\n" \
	"      --vmlinux          also write 'vmlinux', the ELF inside the kernel (decompressed);\n" \
	"                         qemu and cloud-hypervisor then boot it through its PVH entry\n" \
	"      --raw-image        also write 'Image', the uncompressed arm64 Image (from an\n" \
	"                         Image.gz or an EFI zboot kernel); the VMMs then boot it\n" \
	"      --vmm-version V    the target's release (cloud-hypervisor 39 and later boot\n" \
	"                         the bzImage itself, earlier ones only a PVH vmlinux)\n" \
	"      --kernel-only      write no initrd\n" \
	"      --print            write no files: print the entry's files as VOL:PATH\n"

/* The options extract and menu share ("o:f:" as short options). */
#define CLI_EXTRACT_LONGOPTS \
	{ "output-dir", required_argument, NULL, 'o' }, \
	{ "format", required_argument, NULL, 'f' }, \
	{ "print", no_argument, NULL, CLI_O_PRINT }, \
	{ "vmlinux", no_argument, NULL, CLI_O_VMLINUX }, \
	{ "raw-image", no_argument, NULL, CLI_O_RAWIMAGE }, \
	{ "vmm-version", required_argument, NULL, CLI_O_VMMVER }, \
	CLI_ENTRY_LONGOPTS

/* Handle one of those options or an image option (true when c was one); a
 * bad value sets *err to the exit status after printing why. */
bool cli_extract_opt(int c, const char *arg, const char *cmd, struct cli_extract *x, int *err);
/* Choose the entry (x->entry, the default, or the menu), write its kernel
 * and initrd into x->dir (or, with print_only, name them) and print how to
 * boot it. Parsing runs sandboxed; the files appear complete or not at
 * all. Returns the exit status, after printing any error. */
int cli_extract_run(const struct cli_extract *x, const char *cmd);

/* What the sandboxed parser reports about the entry it chose: kernel and
 * initrd as VOL:PATHs (initrd "" when none is written; several are
 * space-separated); id NULL when the entry has none; volume is the
 * kernel's VOL name. The strings point into buf. */
struct cli_entry_result {
	const char *kernel, *initrd, *args, *path, *title, *id, *volume;
	const char *cmdline; /* what the kernel receives (BOOT_IMAGE=... first) */
	const char *grubenv; /* with update_grubenv: the grubenv plan, "" none */
	const char *boot;    /* the decompressed kernel written: "vmlinux", "Image" or "" */
	const char *dtb;     /* the entry's devicetree as VOL:PATH, or "" */
	char buf[GB_RESULT_MAX];
};
/* The descriptors the parent opened for the child to fill (-1: none). */
struct cli_extract_fds {
	int kernel, initrd, vmlinux, image, dtb;
};
/* The core of cli_extract_run: choose the entry of x->image (sandboxed)
 * and write its kernel and initrd into the descriptors (unused with
 * print_only; initrd_fd unused with kernel_only). Returns the exit status,
 * after printing any error. */
/* The file size limit of a child that writes copies within lim. */
uint64_t largest_copy(const struct gb_boot_limits *lim);
int cli_extract_to_fds(const struct cli_extract *x, const struct cli_extract_fds *fds,
		       struct cli_entry_result *res);
/* Write the grubenv plan the sandboxed child sent (gb_grubenv_apply), here
 * in the parent, into the image as opened with o. Returns 0 or the exit
 * status, after printing the error. */
int cli_update_grubenv(const char *image, const struct cli_image_opts *o, const char *plan);

int cmd_inspect(int argc, char **argv);
int cmd_list(int argc, char **argv);
int cmd_pygrub(int argc, char **argv);
int cmd_extract(int argc, char **argv);
int cmd_menu(int argc, char **argv);
int cmd_sandbox_test(int argc, char **argv);
int cmd_ls(int argc, char **argv);
int cmd_doctor(int argc, char **argv);
int cmd_cat(int argc, char **argv);
int cmd_kexec(int argc, char **argv);

#endif
