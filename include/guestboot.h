/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * guestboot: read a virtual machine's disk image and find what it boots.
 *
 * This is the library's only public header. Every function that can fail
 * returns 0 or a negative GB_E_* code and records a one-line message in the
 * caller's struct gb_ctx (the first error is kept until gb_ctx_clear()).
 * Handles are opaque; the image owns its volumes and mounted file systems.
 *
 * ABI (libguestboot.so.0, the functions of lib/guestboot.map): a struct
 * the caller allocates, whether it passes options in (gb_image_options,
 * gb_menu_options, gb_doctor_options, gb_boot_limits, gb_sandbox_limits,
 * gb_boot_output) or receives results (gb_stat, gb_kernel_info,
 * gb_initrd_info), begins with `size_t struct_size`, which the caller sets to
 * sizeof the struct as its header declared it (GB_SIZED(type) does). The
 * library reads and writes only the bytes within that struct_size and treats
 * fields past it as zero, so fields are only ever appended and a program
 * built against an older header keeps working. struct_size 0 is refused
 * (GB_E_USAGE): a struct left zeroed was not meant for this library.
 * Structs the library allocates and lends out (gb_volume_info, gb_entry,
 * gb_boot_file, gb_dirent, gb_finding) may grow at their end: never
 * allocate or copy one by value. A removed or changed field or function
 * means a new SONAME.
 */
#ifndef GUESTBOOT_H
#define GUESTBOOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

#define GB_VERSION "0.1.0"

/* A zeroed struct of a sized type (see "ABI" above) with its size set:
 * struct gb_menu_options mo = GB_SIZED(struct gb_menu_options); */
#define GB_SIZED(type) ((type){ .struct_size = sizeof(type) })

enum gb_err {
	GB_OK = 0,
	GB_E_NOT_MINE = -1,    /* a probe found another format (never reported) */
	GB_E_USAGE = -2,       /* bad argument from the caller */
	GB_E_NOT_FOUND = -3,   /* no such volume, file or entry */
	GB_E_UNSUPPORTED = -4, /* a valid format or feature we do not read */
	GB_E_CORRUPT = -5,     /* on-disk data is inconsistent */
	GB_E_IO = -6,          /* the image could not be read */
	GB_E_LIMIT = -7,       /* a safety bound was exceeded */
	GB_E_AMBIGUOUS = -8,   /* more than one candidate matches */
	GB_E_SYNTAX = -9,      /* a configuration file does not parse */
	GB_E_NOMEM = -10,      /* out of memory */
};

/* Process exit status for an error class (0 for GB_OK); see guestboot(1). */
int gb_exit_code(int err);
/* Short name of an error class ("corrupt", "not found", ...). */
const char *gb_strerror(int err);

/* ---- error context -------------------------------------------------- */
struct gb_ctx;
struct gb_ctx *gb_ctx_new(void);
void gb_ctx_free(struct gb_ctx *ctx);
/* The first recorded error: "disk.img: partition 2: ext4: reason". */
const char *gb_ctx_message(const struct gb_ctx *ctx);
int gb_ctx_code(const struct gb_ctx *ctx);
void gb_ctx_clear(struct gb_ctx *ctx);
/* Where the library's warnings go (one line each, no newline): things it
 * did that the caller should know of but that are no error, such as data
 * read without its checksum verified. NULL (the default): dropped. */
void gb_set_warning_handler(void (*fn)(const char *msg));

/* ---- images and volumes --------------------------------------------- */
struct gb_image;
struct gb_volume;
struct gb_fs;
struct gb_file;

struct gb_image_options {
	size_t struct_size;   /* sizeof(struct gb_image_options): see "ABI" above */
	uint64_t offset;      /* the disk (or file system) starts here, in the
				 virtual disk (after the image format) */
	uint32_t sector_size; /* 0: detect (GPT at 512 and 4096, else 512) */
	/* Called once the image's files are open and before any byte of it
	 * is parsed: the place to enter a sandbox (gb_sandbox_enter). A
	 * non-zero return aborts the open with that code. */
	int (*before_parse)(void *arg);
	void *before_parse_arg;
	/* Image format: "raw" or "qcow2"; NULL: from the magic at the start of
	 * the file (never from its name). A path of the form nbd://... or
	 * nbd+unix://... is read through libnbd. */
	const char *format;
	/* The backing file of a qcow2 overlay and its format ("raw" or
	 * "qcow2", required with it); NULL: none. The backing file name stored
	 * inside an image is never opened. */
	const char *backing;
	const char *backing_format;
	/* Further disks of the same guest, in order (disk 1, 2, ...): each a
	 * file, device or NBD URI, raw or qcow2 (from its magic). Their
	 * volumes join the image's: pools, arrays and volume groups assemble
	 * across every disk. At most GB_MAX_DISKS - 1. */
	const char *const *disks;
	size_t ndisks;
	/* Which formats may be probed, as blkid filters its probers: NULL or
	 * "" probes every one. A comma-separated list of names; "-NAME" is
	 * never probed ("-zfs,-ufs": every format but ZFS and UFS, say for
	 * untrusted guests), and plain names make an allow-list of their
	 * layer ("ext,xfs": no other file system, any partition table;
	 * "gpt,lvm,ext": also no MBR, BSD or VTOC label, nor md). Names:
	 * volume formats gpt, mbr, bsd, vtoc, md, lvm; file systems ext, xfs,
	 * squashfs, ufs, fat, iso9660, btrfs, zfs. A volume that holds a
	 * format not probed is left without one (the messages that say no
	 * file system or configuration was found name the formats not
	 * probed). An unknown name: GB_E_USAGE. */
	const char *probe_formats;
};

#define GB_MAX_DISKS 16

int gb_image_open(struct gb_ctx *ctx, const char *path,
		  const struct gb_image_options *opt, struct gb_image **out);
/* An image over caller-owned bytes (tests, fuzzers); data must outlive it. */
int gb_image_open_mem(struct gb_ctx *ctx, const char *name, const void *data,
		      size_t size, const struct gb_image_options *opt,
		      struct gb_image **out);
void gb_image_close(struct gb_image *img);

struct gb_volume_info {
	int number;            /* Linux numbering: 1-4 primary, 5+ logical, then
				  BSD/VTOC slices; 0 whole disk; -1 LVs, arrays */
	const char *scheme;    /* "disk", "mbr", "gpt", "bsd", "vtoc", "lvm", "md" */
	uint64_t start, size;  /* bytes, relative to the image (an LV: where its
				  first extent lies, 0 when not on the disk) */
	const char *type;      /* "0x83", GPT type GUID, BSD fstype, VTOC tag,
				  "linear"/"striped", "raid1"; "" for whole disk */
	const char *name;      /* GPT partition name, BSD "a", VTOC "s0",
				  "vg0/root", md array name, or "" */
	const char *partuuid;  /* GPT unique GUID, MBR "xxxxxxxx-NN", or "" */
	int bootable;          /* MBR active flag / GPT legacy BIOS bootable */
	int logical;           /* inside an MBR extended partition */
	const char *fstype;    /* "ext4", ... or "" when nothing was recognised */
	const char *fs_uuid;   /* "" when none */
	const char *fs_label;  /* "" when none */
	/* The volume stack. */
	const char *id;        /* how VOL names it: "0", "2", "lvm/vg0/root", "md/0" */
	int parent;            /* index (gb_image_volume) of the volume it lies on
				  (an LV's first PV); -1: directly on the disk */
	const char *stack;     /* "partition 2 > md/0 > lvm/vg0/root" */
	int container;         /* holds other volumes; no file system probed */
	const char *container_kind; /* "LVM physical volume", "md member (1.2)",
				  "extended partition", ... ("" when not one) */
	const char *error;     /* why it cannot be read (missing PV,
				  unsupported type), or "" */
	int slice;             /* BSD/VTOC slice index in its label (a = 0), or -1 */
	int disk;              /* the disk it lies on: 0 the image, 1.. --disk */
};

/* The image's name as given (for messages). */
const char *gb_image_name(const struct gb_image *img);
/* Its format: "raw" or "qcow2". */
const char *gb_image_format(const struct gb_image *img);
/* Partition table of the image: "dos", "gpt" or "" when none. */
const char *gb_image_table(const struct gb_image *img);
/* True when the format came from the file's magic (no format was named). */
bool gb_image_format_probed(const struct gb_image *img);
/* A disk read as raw, with no partition table, that starts with another
 * image format's magic (a guest can write one at the start of its own
 * raw disk): that format's name ("qcow2", "vmdk", ...), else NULL. */
const char *gb_image_foreign_magic(const struct gb_image *img);
size_t gb_image_volume_count(const struct gb_image *img);
struct gb_volume *gb_image_volume(struct gb_image *img, size_t i);
const struct gb_volume_info *gb_volume_info(const struct gb_volume *vol);

/*
 * Find a volume by "N" (Linux partition number, 0 = whole disk),
 * "lvm/VG/LV", "md/N" or "md/NAME", "UUID=…", "LABEL=…", "PARTUUID=…".
 * NULL or "" picks the only volume
 * that holds a file system (the whole disk if it has one).
 */
int gb_image_find_volume(struct gb_ctx *ctx, struct gb_image *img,
			 const char *spec, struct gb_volume **out);

/* ---- file systems ----------------------------------------------------- */
enum gb_ftype { GB_FT_OTHER = 0, GB_FT_REG, GB_FT_DIR, GB_FT_LNK };

struct gb_stat {
	size_t struct_size;   /* sizeof(struct gb_stat): see "ABI" above */
	enum gb_ftype type;
	uint32_t mode;  /* permission bits as stored */
	uint64_t size;
	int64_t mtime;  /* seconds since the epoch */
	uint64_t ino;
};

/* Mount (once; the image keeps it) the file system on a volume. */
int gb_volume_mount(struct gb_ctx *ctx, struct gb_volume *vol, struct gb_fs **out);
const char *gb_fs_type(const struct gb_fs *fs);

/* Paths are absolute inside the file system; symlinks are followed inside
 * it only (absolute ones restart at its root). */
int gb_fs_stat(struct gb_ctx *ctx, struct gb_fs *fs, const char *path,
	       struct gb_stat *st);
/* Like gb_fs_stat but a final symlink is not followed. */
int gb_fs_lstat(struct gb_ctx *ctx, struct gb_fs *fs, const char *path,
		struct gb_stat *st);

struct gb_dirent {
	const char *name;
	enum gb_ftype type;
	uint64_t ino;
};
/* Calls fn for each entry except "." and ".."; fn returns non-zero to stop. */
int gb_fs_readdir(struct gb_ctx *ctx, struct gb_fs *fs, const char *path,
		  int (*fn)(void *arg, const struct gb_dirent *de), void *arg);
int gb_fs_readlink(struct gb_ctx *ctx, struct gb_fs *fs, const char *path,
		   char *buf, size_t cap);

int gb_file_open(struct gb_ctx *ctx, struct gb_fs *fs, const char *path,
		 struct gb_file **out);
uint64_t gb_file_size(const struct gb_file *f);
/* Reads up to len bytes at off; *got < len only at end of file. */
int gb_file_pread(struct gb_ctx *ctx, struct gb_file *f, uint64_t off,
		  void *buf, size_t len, size_t *got);
void gb_file_close(struct gb_file *f);

/* Whole small file into a malloc'd buffer (NUL-terminated); GB_E_LIMIT
 * when larger than max. */
int gb_fs_read_file(struct gb_ctx *ctx, struct gb_fs *fs, const char *path,
		    size_t max, char **data, size_t *len);
/* Stream a file to a descriptor in large chunks; GB_E_LIMIT past max
 * bytes (0: no limit). */
int gb_fs_copy_to_fd(struct gb_ctx *ctx, struct gb_fs *fs, const char *path,
		     int fd, uint64_t max);
/* Stream len bytes at off of a file (GB_E_CORRUPT when that range is not
 * inside the file; GB_E_LIMIT when len is past max, 0: no limit). */
int gb_fs_copy_range_to_fd(struct gb_ctx *ctx, struct gb_fs *fs, const char *path,
			   uint64_t off, uint64_t len, int fd, uint64_t max);
/* Read len bytes at off of a file into a malloc'd, NUL-terminated buffer;
 * GB_E_CORRUPT when the range is not inside the file. */
int gb_fs_read_range(struct gb_ctx *ctx, struct gb_fs *fs, const char *path,
		     uint64_t off, size_t len, char **data);

/* ---- sandbox ---------------------------------------------------------------- */

struct gb_sandbox_limits {
	size_t struct_size;   /* sizeof(struct gb_sandbox_limits): see "ABI" above */
	uint64_t memory;      /* RLIMIT_AS, bytes; 0 = unchanged */
	uint64_t cpu_seconds; /* RLIMIT_CPU; 0 = unchanged */
	uint64_t file_size;   /* RLIMIT_FSIZE: the largest file written; 0 = unchanged */
};

/* Confine the calling process for parsing untrusted images: the limits,
 * no new privileges, no core dumps, and a seccomp allowlist of reading and
 * writing descriptors that are already open, memory management and exit.
 * Opening files, sockets, exec and fork are killed (SIGSYS). Irreversible. */
int gb_sandbox_enter(struct gb_ctx *ctx, const struct gb_sandbox_limits *lim);
/* False in sanitizer builds, whose runtime needs /proc: limits only. */
bool gb_sandbox_filtered(void);

/* ---- boot menus ---------------------------------------------------------- */

enum gb_entry_kind {
	GB_ENTRY_LINUX,     /* linux/linux16/linuxefi/kernel/KERNEL... */
	GB_ENTRY_MULTIBOOT, /* multiboot(2): Xen or illumos; modules[] */
	GB_ENTRY_CHAIN,     /* chainloader: recorded, not bootable here */
	GB_ENTRY_SUBMENU,   /* children[] */
	GB_ENTRY_EMPTY,     /* no boot command at all */
};

/* A file named by the config. */
struct gb_boot_file {
	int device;  /* index into the gb_cfg_devices given to the parser; -1 unknown */
	char *path;  /* absolute inside that device's file system */
	char *args;  /* multiboot module arguments; NULL otherwise */
	/* Part of the file only: `length` bytes at `offset` (a UKI's .linux or
	 * .initrd section); length 0 means the whole file. */
	uint64_t offset, length;
	const char *section; /* that part's name (".linux"), NULL for a whole file */
	/* An initrd the bootloader does not pass as it is but wraps, as the
	 * member named cpio_name (no leading '/'), in a cpio archive (newc) it
	 * writes into the ramdisk: GRUB's "initrd newc:NAME:PATH", and the
	 * files systemd-stub adds under /.extra. How: `cpio`. */
	char *cpio_name;     /* NULL: the file's bytes as they are */
	int cpio;            /* enum gb_cpio */
};

/* The archive layout of an initrd with a cpio_name (see
 * gb_entry_write_initrd). */
enum gb_cpio {
	GB_CPIO_NONE,
	/* GRUB 2.06 and older (grub-core/loader/linux.c): a run of newc:
	 * initrds is one archive ending in TRAILER!!! before the next plain
	 * initrd or at the end; each member is preceded by entries for its
	 * parent directories (mode 040777) as GRUB's insert_dir makes them;
	 * members have mode 0100777; inode, uid, gid and mtime 0, nlink 1;
	 * name sizes without the NUL. */
	GB_CPIO_GRUB,
	/* GRUB 2.12 and later: the same with the NUL counted in name sizes
	 * (the image's GRUB decides; GB_CPIO_GRUB when it is unknown). */
	GB_CPIO_GRUB_NUL,
	/* systemd-stub: the first member of a new archive, in whose
	 * directory the archive lies (".extra/credentials"): the entries for
	 * that directory and its parents, then members numbered from inode 1
	 * up, mode 0444 (0400 and a 0500 directory for credentials), then a
	 * trailer; the archive is one of the stub's initrds. */
	GB_CPIO_STUB,
	GB_CPIO_STUB_MORE,   /* a further member of the archive before */
};

struct gb_entry {
	enum gb_entry_kind kind;
	char *title;
	char *id;            /* --id, BLS file id, syslinux LABEL; NULL when none */
	char *root;          /* the root device the entry sets, as written without
				parentheses or quotes ("hd0,0", "hd0,msdos1"); NULL if none */
	struct gb_boot_file kernel;   /* path NULL when none */
	char *args;          /* kernel command line ("" when none) */
	char *cmdline;       /* the whole command line the bootloader hands the
				kernel: GRUB and syslinux put "BOOT_IMAGE=KERNEL"
				(the path as written) first; NULL: args */
	struct gb_boot_file *initrds;
	size_t ninitrds;
	struct gb_boot_file *modules; /* multiboot modules, in order */
	size_t nmodules;
	struct gb_boot_file devicetree; /* path NULL when none */
	struct gb_entry *children;    /* GB_ENTRY_SUBMENU */
	size_t nchildren;
	size_t line;         /* where the entry starts in its config file */
	char *kernel_word;   /* GRUB legacy: the kernel file as the line wrote it
				(device prefix kept, $ISADIR expanded), which a
				multiboot command line starts with; NULL otherwise */
	char *zfs_bootfs;    /* GRUB legacy, kernel on ZFS: the boot string pygrub
				adds to the command line, "zfs-bootfs=POOL/OBJ,
				bootpath='PHYS_PATH'"; NULL otherwise */
};

struct gb_menu;

struct gb_menu_options {
	size_t struct_size;   /* sizeof(struct gb_menu_options): see "ABI" above */
	/* "VOL:PATH" of the configuration to run; NULL: search (see
	 * guestboot(1) for the order). */
	const char *config;
	/* Parser for `config`: "grub2", "grub1", "bls", "syslinux", "lilo";
	 * NULL: from the file name. */
	const char *kind;
	/* EC2 PV-GRUB emulation: "hd0", "hd00" (PV-GRUB 1.03 and earlier,
	 * one place each) or "1.04" (the whole list); NULL: off. */
	const char *pvgrub;
	/* GRUB 2's $grub_platform: "pc" (default) or "xen" (PV-GRUB2). */
	const char *grub_platform;
	/* Record what the bootloader would print while it reads the config:
	 * GRUB's echo output and its error messages (gb_menu_trace). */
	bool trace;
};

/* Find the guest's boot configuration, run it as its bootloader would, and
 * choose the default entry. */
int gb_menu_load(struct gb_ctx *ctx, struct gb_image *img,
		 const struct gb_menu_options *opt, struct gb_menu **out);
void gb_menu_close(struct gb_menu *menu);
/* Run a configuration held in memory (name for messages; kind NULL: from
 * the name). Its files resolve to no volume: only the menu is known. */
int gb_menu_load_config(struct gb_ctx *ctx, const char *name, const char *data, size_t len,
			const char *kind, const struct gb_menu_options *opt, struct gb_menu **out);

const struct gb_entry *gb_menu_entries(const struct gb_menu *menu, size_t *n);
/* The entry the bootloader would boot, or NULL; its path of indices
 * (submenu, then entry) in path[0..*depth). */
const struct gb_entry *gb_menu_default(const struct gb_menu *menu,
				       const size_t **path, size_t *depth);
int gb_menu_timeout(const struct gb_menu *menu); /* seconds; -1 none */
bool gb_menu_hidden(const struct gb_menu *menu);
const char *gb_menu_kind(const struct gb_menu *menu);  /* "grub2", ... */
const char *gb_menu_path(const struct gb_menu *menu);  /* of the config */
/* GRUB 2: which blscfg the configuration ran, as the GRUB in the image
 * has it: "grub 2.14 upstream blscfg", "fedora blscfg (grub 2.06)",
 * "grub 2.06 without blscfg", "fedora blscfg (assumed: ...)"; *from (may
 * be NULL) the GRUB file that told ("(hd0,msdos1)/boot/grub2/i386-pc/
 * command.lst"), or NULL. NULL when the configuration ran no blscfg. */
const char *gb_menu_semantics(const struct gb_menu *menu, const char **from);
struct gb_volume *gb_menu_volume(const struct gb_menu *menu); /* holding it */
/* The volume a file of an entry lives on, or NULL when unresolved. */
struct gb_volume *gb_menu_file_volume(const struct gb_menu *menu,
				      const struct gb_boot_file *f);
/* The entry a user names: a GRUB path "1>0", an index, an id or a title,
 * matched strictly; NULL when nothing matches. path may be NULL. */
const struct gb_entry *gb_menu_find(const struct gb_menu *menu, const char *spec,
				    size_t *path, size_t *depth);
/* gb_menu_find, then an id or title of an entry inside a submenu (the
 * first in menu order): what a user typing a nested entry's id means. */
const struct gb_entry *gb_menu_search(const struct gb_menu *menu, const char *spec,
				      size_t *path, size_t *depth);
size_t gb_menu_warning_count(const struct gb_menu *menu);
/* What the bootloader printed while reading the config (echo output,
 * "error: ..." lines), with gb_menu_options.trace; "" otherwise. */
const char *gb_menu_trace(const struct gb_menu *menu);
const char *gb_menu_warning(const struct gb_menu *menu, size_t i);

/* ---- grubenv: what GRUB's save_env writes when an entry boots ------------- */

/* GRUB runs save_env as it boots an entry: grub-mkconfig's scripts clear
 * grub-reboot's one-shot next_entry, savedefault records saved_entry.
 * guestboot never writes the image while it reads it; these two calls let
 * a caller do what GRUB would have done, split between a sandboxed reader
 * and the unconfined process that may write the image.
 *
 * gb_grubenv_plan (the reader): the grubenv writes the boot of entry e (an
 * entry of menu) makes, as text for gb_grubenv_apply in *plan (malloc'd;
 * NULL and *len 0 when it saves nothing). Refused, with the reason
 * (GB_E_UNSUPPORTED and others), unless GRUB itself could write that
 * grubenv in place and guestboot exactly so: a plain, pre-allocated
 * 1024-byte block, in one contiguous run of a raw image (not qcow2, NBD or
 * another --disk), on ext2/3/4, XFS or FAT (not btrfs or ZFS, which GRUB
 * does not write; not LVM or RAID), whose blocks read back what the file
 * holds. */
int gb_grubenv_plan(struct gb_ctx *ctx, const struct gb_menu *menu, const struct gb_entry *e,
		    char **plan, size_t *len);
/* gb_grubenv_apply (the writer, never the sandboxed reader): open image
 * (as the reader opened it: opt's format must be raw or unset, no backing
 * file) for writing, check the plan's place against the image's and the
 * volume's size, re-read the block there and compare it with what the
 * reader read (GB_E_CORRUPT "changed since it was read" when not), edit it
 * as grub_envblk_set and grub_envblk_delete do (byte for byte what
 * grub-editenv writes) and write it back. A plan of length 0 does nothing. */
int gb_grubenv_apply(struct gb_ctx *ctx, const char *image, const struct gb_image_options *opt,
		     const char *plan, size_t len);

/* ---- payload: the chosen entry's files ------------------------------------ */

#define GB_DEFAULT_KERNEL_MAX (256ull << 20)  /* UKIs reach 100 MiB */
#define GB_DEFAULT_INITRD_MAX (1ull << 30)    /* libxc's decompression cap */

struct gb_boot_limits {
	size_t struct_size;   /* sizeof(struct gb_boot_limits): see "ABI" above */
	uint64_t kernel_max; /* bytes; 0 = no limit */
	uint64_t initrd_max; /* all initrds together */
};

/* Is the entry a Linux kernel we can hand over, and do its files exist
 * within the limits? */
int gb_entry_check_files(struct gb_ctx *ctx, const struct gb_menu *menu,
			 const struct gb_entry *e, const struct gb_boot_limits *lim);
/* A multiboot entry whose kernel is itself a Xen PV kernel (illumos's
 * i86xpv unix: Xen ELF notes with XEN_ELFNOTE_ENTRY), as PV-GRUB boots
 * it: that kernel, its first module as the ramdisk, and the command line
 * GRUB legacy hands a multiboot kernel: the kernel's path as written,
 * then its arguments (args, or the entry's when NULL). *pv is filled with
 * kind GB_ENTRY_LINUX and e's files and strings, borrowed, except
 * pv->args, which the caller frees. Refused (GB_E_UNSUPPORTED, the reason
 * named) when the kernel is not a Xen PV kernel (a hypervisor: xen.gz
 * with its dom0 kernel as a module) or there is more than one module. */
int gb_entry_as_xen_pv(struct gb_ctx *ctx, const struct gb_menu *menu, const struct gb_entry *e,
		       const char *args, struct gb_entry *pv);
int gb_entry_write_kernel(struct gb_ctx *ctx, const struct gb_menu *menu,
			  const struct gb_entry *e, int fd, const struct gb_boot_limits *lim);
/* The ramdisk the bootloader hands the kernel: the initrds in order,
 * each wrapped in its cpio archive when it has a cpio_name (enum gb_cpio).
 * As GRUB joins them (grub-core/loader/linux.c), each but the last padded
 * with zeros to a multiple of 4 bytes; when the kernel is a UKI's .linux
 * section (kernel.section), as systemd-stub joins them: each part padded
 * when there is more than one. */
int gb_entry_write_initrd(struct gb_ctx *ctx, const struct gb_menu *menu,
			  const struct gb_entry *e, int fd, const struct gb_boot_limits *lim);

/* ---- output: pygrub's formats ---------------------------------------------- */

enum gb_pygrub_format { GB_PYGRUB_SXP, GB_PYGRUB_SIMPLE, GB_PYGRUB_SIMPLE0 };
/* kernel NULL prints as None (pygrub -n); empty ramdisk/args are left out.
 * *data is malloc'd, *len its length (simple0 holds NULs). */
int gb_pygrub_format(struct gb_ctx *ctx, int format, const char *kernel,
		     const char *ramdisk, const char *args, char **data, size_t *len);

/* Guest text is shown escaped; this decodes one UTF-8 sequence of at most
 * n bytes at s: its length (1 for ASCII), 0 when it is not valid UTF-8
 * (overlong forms, surrogates and values past U+10FFFF included). */
size_t gb_utf8_decode(const unsigned char *s, size_t n, uint32_t *cp);

/* The one rule for guest text that may reach a terminal: printable ASCII
 * and UTF-8 from U+00A0 up pass; C0 controls, DEL, C1 controls (raw 0x80-
 * 0x9F bytes or encoded U+0080-U+009F) and bytes that are not valid UTF-8
 * are escaped as \xNN (C1 as \u00NN), or each replaced by '?' with
 * GB_SAFE_QMARK. GB_SAFE_NEWLINES lets '\n' and '\t' pass (a relayed
 * stream of messages); GB_SAFE_BACKSLASH escapes '\\' too, so that the
 * escaped form reads back unambiguously. At most n bytes of src are read
 * (fewer at a NUL); dst is always terminated, cut before an escape that
 * does not fit. Returns the length written. */
enum { GB_SAFE_QMARK = 1, GB_SAFE_NEWLINES = 2, GB_SAFE_BACKSLASH = 4 };
size_t gb_text_safe(char *dst, size_t cap, const void *src, size_t n, unsigned flags);

/* ---- output: what `extract` prints ---------------------------------------- */

enum gb_out_format { GB_OUT_JSON, GB_OUT_SHELL, GB_OUT_QEMU, GB_OUT_FIRECRACKER,
		     GB_OUT_CLOUD_HYPERVISOR };

struct gb_boot_output {
	size_t struct_size;   /* sizeof(struct gb_boot_output): see "ABI" above */
	int format;           /* enum gb_out_format */
	const char *kernel;   /* host path of the kernel copy */
	const char *initrd;   /* host path, or NULL */
	const char *args;     /* the entry's arguments */
	const char *cmdline;  /* what the kernel receives (BOOT_IMAGE=...); NULL: args */
	const char *entry_path, *title, *id; /* the entry booted */
	int volume;           /* where the kernel came from: partition number, */
	const char *volume_id; /* or (LVs, arrays: volume < 0) its VOL name; NULL unknown */
	const char *vmlinux;  /* host path of the ELF vmlinux, or NULL: when set,
				 qemu, firecracker and cloud-hypervisor boot it */
	const char *raw_image; /* host path of the uncompressed arm64 Image, or
				 NULL: when set (and no vmlinux), the VMMs boot it */
	const char *devicetree; /* host path of the entry's devicetree blob, or
				 NULL: qemu gets it as -dtb */
};
/* JSON {kernel, initrd, args, entry, volume, vmlinux, image, dtb}; KERNEL=...
 * shell assignments (VMLINUX=..., IMAGE=..., DTB=... too when set);
 * "-kernel ... -initrd ... -append ... [-dtb ...]" for qemu-system-*; a
 * Firecracker {"boot-source": ...} object; "--kernel ... --initramfs ...
 * --cmdline ..." for cloud-hypervisor. *out is malloc'd text. */
int gb_format_boot(struct gb_ctx *ctx, const struct gb_boot_output *b, char **out);

/* ---- payload inspection: what a kernel and an initrd can do --------------- */

/* Bounds for inspection: a decompressed kernel or initrd segment larger
 * than this is refused (GB_E_LIMIT). */
#define GB_INSPECT_OUTPUT_MAX (256ull << 20)

struct gb_kernel_info {
	size_t struct_size;   /* sizeof(struct gb_kernel_info): see "ABI" above */
	/* "bzImage", "elf", "arm64-image", "uki", "multiboot", "multiboot2",
	 * "unknown"; for a gzip'd ELF "elf" with compression "gzip". */
	char kind[16];
	/* "linux", "xen", "freebsd", "netbsd", "illumos" or "" (unknown) */
	char os[16];
	char version[128];     /* "6.1.0-18-cloud-amd64", or "" */
	char compression[8];   /* of the payload or file: "gzip", ..., "none" */
	uint16_t boot_protocol; /* bzImage: 0x20f is 2.15; 0 otherwise */
	bool payload_read;     /* the ELF inside was decompressed and read */
	bool elf;              /* an ELF image was found (directly or inside) */
	bool xen_pv;           /* Xen ELF notes with an entry point: PV */
	bool xen_pvh;          /* XEN_ELFNOTE_PHYS32_ENTRY: PVH */
	char xen_guest_os[16]; /* XEN_ELFNOTE_GUEST_OS ("linux") */
	/* Every Xen ELF note read, in file order, as "NAME=VALUE" words
	 * ("GUEST_OS=SunOS XEN_VERSION=xen-3.0 ENTRY=0x40000000
	 * HYPERCALL_PAGE=0x40002000"; a type this reader does not name is
	 * "NOTE17"); cut at the buffer's end. "" when none. */
	char xen_notes[512];
	uint64_t xen_entry, pvh_entry;
	bool uki_initrd, uki_cmdline; /* a UKI's .initrd / .cmdline sections */
	char note[160];        /* why something could not be read, or "" */
	/* The machine the kernel is for: "x86_64", "x86" (32-bit), "arm64",
	 * or "" when not known (from the ELF, the PE header, the bzImage's
	 * xloadflags or the arm64 Image header). */
	char arch[16];
	/* The form the file has, as loaders tell them apart: "bzImage",
	 * "vmlinux" (a Linux ELF), "ELF" (another ELF kernel), "Image" (arm64,
	 * with or without the PE header an EFI stub adds), "Image.gz" (and
	 * "Image.xz", "Image.zst", ...: the whole Image compressed, as is
	 * "vmlinux.gz"), "zboot" (an EFI zboot vmlinuz.efi: a PE whose
	 * compressed payload is the Image; compression names it), "UKI",
	 * "PE", "multiboot", "multiboot2", or "" (unknown). kind stays
	 * "arm64-image" for the three arm64 forms. */
	char format[16];
	/* arm64 Image header: the page size the kernel was built for (4096,
	 * 16384, 65536; 0 unspecified or not an Image), whether it is a
	 * big-endian kernel, and the bytes it occupies in memory (image_size,
	 * 0 for kernels before 3.17). */
	uint32_t page_size;
	bool big_endian;
	uint64_t image_size;
};

/* Inspect a kernel held in memory (untrusted bytes): every header field is
 * validated and decompression is bounded by GB_INSPECT_OUTPUT_MAX. Fails
 * only for allocation errors; what is unknown is left empty, with why in
 * note. */
int gb_kernel_inspect(struct gb_ctx *ctx, const void *data, size_t len,
		      struct gb_kernel_info *out);
/* Read an entry's kernel through the image (at most GB_DEFAULT_KERNEL_MAX)
 * and inspect it. */
int gb_entry_inspect_kernel(struct gb_ctx *ctx, const struct gb_menu *menu,
			    const struct gb_entry *e, struct gb_kernel_info *out);

/* The ELF vmlinux an x86 kernel carries: a bzImage's payload (or a UKI's,
 * or a gzip'd vmlinux) decompressed with whichever compressor the kernel
 * was built with, bounded by GB_INSPECT_OUTPUT_MAX and, for an entry, by
 * the command's decompression budget; an uncompressed ELF kernel as is.
 * With GB_VMLINUX_PVH the ELF must carry XEN_ELFNOTE_PHYS32_ENTRY (what
 * QEMU's -kernel and Cloud Hypervisor enter): else GB_E_UNSUPPORTED "this
 * kernel has no PVH entry: CONFIG_PVH is off". *out is malloc'd. */
enum { GB_VMLINUX_PVH = 1 };
int gb_kernel_vmlinux(struct gb_ctx *ctx, const void *data, size_t len, unsigned flags,
		      void **out, size_t *outlen);
/* The entry's kernel read through the image (within lim's kernel_max) and
 * its vmlinux written to fd. */
int gb_entry_write_vmlinux(struct gb_ctx *ctx, const struct gb_menu *menu,
			   const struct gb_entry *e, int fd, const struct gb_boot_limits *lim,
			   unsigned flags);

/* The uncompressed arm64 Image a kernel carries: the file itself (a plain
 * Image, with or without its PE header), a gzip'd (or otherwise
 * compressed) Image decompressed, an EFI zboot image's payload
 * decompressed, or a UKI's .linux section (any of these); bounded as
 * gb_kernel_vmlinux is. What QEMU 7.2 (no zboot), Firecracker and Cloud
 * Hypervisor load on arm64. An x86 kernel is refused (GB_E_UNSUPPORTED,
 * naming what it is). *out is malloc'd. */
int gb_kernel_raw_image(struct gb_ctx *ctx, const void *data, size_t len, void **out,
			size_t *outlen);
/* The entry's kernel read through the image (within lim's kernel_max) and
 * its uncompressed arm64 Image written to fd. */
int gb_entry_write_raw_image(struct gb_ctx *ctx, const struct gb_menu *menu,
			     const struct gb_entry *e, int fd, const struct gb_boot_limits *lim);
/* The entry's devicetree (GRUB's devicetree command, BLS's devicetree key)
 * written to fd: a flattened devicetree blob, checked for its magic and
 * size (GB_E_CORRUPT otherwise), at most lim's kernel_max or 64 MiB.
 * GB_E_NOT_FOUND when the entry names none. */
int gb_entry_write_devicetree(struct gb_ctx *ctx, const struct gb_menu *menu,
			      const struct gb_entry *e, int fd, const struct gb_boot_limits *lim);

/* What the kernel can reach: one bit per driver (gb_driver_name). */
enum gb_driver {
	GB_DRV_XEN_BLKFRONT = 1u << 0,
	GB_DRV_XEN_NETFRONT = 1u << 1,
	GB_DRV_VIRTIO_BLK = 1u << 2,
	GB_DRV_VIRTIO_SCSI = 1u << 3,
	GB_DRV_VIRTIO_NET = 1u << 4,
	GB_DRV_NVME = 1u << 5,
	GB_DRV_EXT4 = 1u << 6,
	GB_DRV_XFS = 1u << 7,
	GB_DRV_BTRFS = 1u << 8,
	GB_DRV_VIRTIO_MMIO = 1u << 9, /* the transports virtio devices sit on: */
	GB_DRV_VIRTIO_PCI = 1u << 10, /* Firecracker's MMIO, the others' PCI */
};
#define GB_DRV_COUNT 11
/* "xen-blkfront", "virtio_blk", ... for one bit; NULL otherwise. */
const char *gb_driver_name(uint32_t bit);
/* The driver a module file or modules.builtin line names
 * ("kernel/drivers/block/xen-blkfront.ko.zst", "xenblk.ko"), or 0. */
uint32_t gb_driver_of_module(const char *path);
/* Drivers built in according to a kernel .config text (=y). */
uint32_t gb_drivers_of_config(const char *text, size_t len);

struct gb_initrd_info {
	size_t struct_size;   /* sizeof(struct gb_initrd_info): see "ABI" above */
	size_t segments;          /* cpio archives found, compressed or not */
	char compressions[64];    /* "none+zstd" */
	size_t files;             /* cpio entries */
	uint32_t modules;         /* drivers present as .ko files */
	uint32_t builtin;         /* drivers in the initrd's modules.builtin */
	char kernel_version[64];  /* from lib/modules/<version>/, or "" */
	bool complete;            /* every segment was read to its end */
	char note[160];           /* why not complete, or "" */
};

/* Walk an initrd in memory: concatenated cpio archives (newc/crc), zero
 * padding, compressed segments. file (may be NULL) is called for each
 * entry name; a non-zero return stops the walk. */
int gb_initrd_inspect(struct gb_ctx *ctx, const void *data, size_t len,
		      struct gb_initrd_info *out,
		      int (*file)(void *arg, const char *name), void *arg);
/* Read all of an entry's initrds (at most GB_DEFAULT_INITRD_MAX together)
 * and inspect them as the kernel would see them, concatenated. */
int gb_entry_inspect_initrd(struct gb_ctx *ctx, const struct gb_menu *menu,
			    const struct gb_entry *e, struct gb_initrd_info *out);

/* ---- doctor: would this image boot on a target, and if not why ----------- */

enum gb_target {
	GB_TARGET_XEN_PV,
	GB_TARGET_XEN_PVH,
	GB_TARGET_PVGRUB_HD0,
	GB_TARGET_PVGRUB_HD00,
	GB_TARGET_KVM,
	GB_TARGET_FIRECRACKER,
	GB_TARGET_CLOUD_HYPERVISOR, /* its PVH (vmlinux) boot */
	GB_TARGET_QEMU_PVH,         /* qemu -kernel vmlinux */
	/* arm64 hosts: an arm64 kernel, booted from its uncompressed Image */
	GB_TARGET_FIRECRACKER_ARM64,
	GB_TARGET_CLOUD_HYPERVISOR_ARM64,
	GB_TARGET_QEMU_ARM64,       /* qemu-system-aarch64 -machine virt -kernel */
};
/* "xen-pv", ... -> 0 and *t; GB_E_USAGE for an unknown name. */
int gb_target_parse(const char *name, enum gb_target *t);
const char *gb_target_name(enum gb_target t);

struct gb_finding {
	const char *severity;  /* "error" (will not boot) or "warning" */
	const char *code;      /* stable identifier: "root-device-missing", ... */
	const char *message;   /* plain words, guest text escaped by the caller */
	const char *fix;       /* what to change */
};

struct gb_doctor_options {
	size_t struct_size;   /* sizeof(struct gb_doctor_options): see "ABI" above */
	enum gb_target target;
	/* Menu options (config, kind, grub_platform), or NULL; pvgrub is set
	 * by the pvgrub targets. A pointer, so that each struct grows alone. */
	const struct gb_menu_options *menu;
};

struct gb_report;
/* Run the whole chain (menu, default entry, kernel, initrd, root=, fstab,
 * config features) for a target and collect the findings. Fails only when
 * nothing could be checked at all (the image does not open: caller). */
int gb_doctor_run(struct gb_ctx *ctx, struct gb_image *img,
		  const struct gb_doctor_options *opt, struct gb_report **out);
size_t gb_report_count(const struct gb_report *r);
const struct gb_finding *gb_report_finding(const struct gb_report *r, size_t i);
/* What was checked, for the text output: "kernel 1:/boot/vmlinuz ...". */
size_t gb_report_note_count(const struct gb_report *r);
const char *gb_report_note(const struct gb_report *r, size_t i);
void gb_report_free(struct gb_report *r);

#ifdef __cplusplus
}
#endif
#endif
