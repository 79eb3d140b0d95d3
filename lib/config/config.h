/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Boot configurations: a parser per format (grub2, grub1, bls, syslinux,
 * lilo) turns a config file into a menu. Parsers reach files only through
 * the devices they are given (each a mounted struct gb_fs), so tests hand
 * them in-memory file systems and real runs hand them the image's volumes. */
#ifndef GB_CONFIG_H
#define GB_CONFIG_H

#include "core/core.h"
#include "fs/fs.h"
#include "menu/menu.h"

#define GB_CONFIG_MAX_BYTES (1u << 20)  /* a config (or grubenv, BLS entry) file */

/* A place a configuration can name: one volume of the image. */
struct gb_cfg_device {
	const char *grub_name; /* "hd0,msdos1", "hd0,gpt2", "hd0" (whole disk) */
	int number;            /* Linux partition number; 0 = whole disk */
	const char *fstype;    /* "ext4", ... ("" when none) */
	const char *uuid;      /* file system UUID ("" when none) */
	const char *label;     /* file system label ("" when none) */
	const char *partuuid;  /* ("" when none) */
	/* Partition type: "0xef", a GPT type GUID; "" or NULL when none. Tells
	 * the EFI system partition and XBOOTLDR (BLS). */
	const char *ptype;
	/* Read through gb_cfg_fs(): an image's volumes are mounted when the
	 * search first looks at them (the first config found ends it). */
	struct gb_fs *fs;
	struct gb_volume *vol; /* NULL: fs is all there is (tests, --isconfig) */
	bool mount_tried;
};

struct gb_cfg_devices {
	struct gb_cfg_device *dev;
	size_t n;
	struct gb_menu *warn; /* where a volume that cannot be mounted is told */
};

/* The device's file system, mounted on first use; NULL when there is no
 * readable one (out-of-range dev included). */
struct gb_fs *gb_cfg_fs(const struct gb_cfg_devices *devs, int dev);

#define GB_GRUB_NAME_MAX 540 /* "lvm/" + two 128-byte names, dashes doubled */
/* The device GRUB would name volume vi of img (config/grub2/dev.c). */
void gb_grub2_device_name(struct gb_image *img, const struct gb_volume_info *vi, char *out,
			  size_t cap);

struct gb_cfg_options {
	/* GRUB 2 platform variables: grub_platform ("pc" by default; "xen"
	 * for PV-GRUB2 emulation) and grub_cpu ("x86_64"/"i386"). */
	const char *grub_platform;
	const char *grub_cpu;
	/* The grub.cfg was found in a btrfs default subvolume: GRUB (as
	 * openSUSE patches it) runs with btrfs_relative_path=y. */
	bool btrfs_relative;
};

/* Where the configuration search (find.c) looks for a parser's files: in
 * each dir (in order), each name. */
enum gb_cfg_where {
	GB_CFG_AT,                /* the file dir/name */
	GB_CFG_IN_SUBVOL,         /* /SUBVOL/dir/name, SUBVOL a directory at the
				     top of a btrfs (Ubuntu's "@") */
	GB_CFG_IN_DEFAULT_SUBVOL, /* dir/name in the btrfs default subvolume
				     (openSUSE): parsed with btrfs_relative */
	GB_CFG_IN_SUBDIR,         /* dir/ANY/name: /EFI/<vendor>/grub.cfg */
	GB_CFG_DIR_HOLDING,       /* dir itself, when it holds a file whose name
				     ends in name (BLS entries: ".conf") */
};

struct gb_cfg_place {
	/* The search runs pass by pass, lowest first; in a pass, over the
	 * volumes in partition order, and the first hit wins:
	 *   10-12 GRUB 2 (BIOS places, top-level subvolume, default one)
	 *   20 GRUB legacy  30 syslinux  40 GRUB 2 on an ESP  50 BLS  60 LILO */
	unsigned pass;
	enum gb_cfg_where where;
	const char *const *dirs;  /* NULL-terminated */
	const char *const *names; /* NULL-terminated */
};

/* Each parser reads the config at `path` on device `dev` and fills `menu`
 * (entries, default_spec, timeout, warnings). The caller has set
 * menu->config_* already. Bad syntax: GB_E_SYNTAX with "file:line:col:".
 * Its other fields are what the rest of guestboot knows of the format. */
struct gb_config_parser {
	const char *name; /* "grub2", "grub1", "bls", "syslinux", "lilo" */
	/* What a search that finds nothing names ("no grub.cfg, ..."). */
	const char *looks_for;
	/* Where the search looks; ended by a place with pass 0. */
	const struct gb_cfg_place *places;
	/* fnmatch(3) patterns of the base names of files it reads, for a
	 * configuration named without its kind; NULL-terminated. */
	const char *const *file_names;
	/* The path a configuration given as bytes is parsed at (--isconfig,
	 * fuzzers), and where its bytes go when that differs (BLS: an entry
	 * in the directory); NULL: default_path. */
	const char *default_path;
	const char *default_file;
	int (*parse)(struct gb_ctx *ctx, const struct gb_cfg_devices *devs, int dev,
		     const char *path, const struct gb_cfg_options *opt,
		     struct gb_menu *menu);
};

extern const struct gb_config_parser gb_cfg_grub2;
extern const struct gb_config_parser gb_cfg_grub1;
extern const struct gb_config_parser gb_cfg_bls;
extern const struct gb_config_parser gb_cfg_syslinux;
extern const struct gb_config_parser gb_cfg_lilo;

/* Every parser (config.c), NULL-terminated: adding a format means one
 * file and one line there. */
extern const struct gb_config_parser *const gb_cfg_parsers[];
/* The parser called name; NULL when none is. */
const struct gb_config_parser *gb_cfg_parser_named(const char *name);
/* The parser whose file_names match path's base name; NULL when none do. */
const struct gb_config_parser *gb_cfg_parser_for_file(const char *path);

/* Read a whole config-sized file from a device: GB_E_NOT_FOUND when the
 * device has no fs or the file is missing; GB_E_LIMIT past
 * GB_CONFIG_MAX_BYTES. */
int gb_cfg_read(struct gb_ctx *ctx, const struct gb_cfg_devices *devs, int dev,
		const char *path, char **data, size_t *len);
/* Does path exist on dev (following symlinks)? Type in *type if non-NULL. */
bool gb_cfg_exists(const struct gb_cfg_devices *devs, int dev, const char *path,
		   enum gb_ftype *type);

/* ---- BLS Type 1 entries (bls.c), shared by the bls parser and GRUB 2's
 * blscfg command ---------------------------------------------------------- */
#define GB_BLS_MAX_ENTRIES 256

struct gb_bls_entry {
	char *id;           /* file name without ".conf" (and without a boot-counting "+N[-M]" suffix) */
	char *filename;     /* as found in the directory */
	char *title, *version, *machine_id, *sort_key, *architecture;
	char *linux, *efi, *devicetree;
	char *uki_path, *uki_url; /* Type 1 "uki" and "uki-url" (systemd v254+) */
	unsigned loaders;   /* which of linux, efi, uki, uki-url the entry has (bits in that order) */
	char **initrds;     /* in order */
	size_t ninitrds;
	char *options;      /* all "options" lines joined with single spaces, unexpanded */
	int tries_left, tries_done; /* boot counting from the file name; -1 when absent */
	int dev;            /* the device the entry was found on */
	/* Type 2: a UKI (`linux` is the PE file, booted as systemd-stub boots
	 * it: gb_uki_boot). */
	bool uki;
	int profile;        /* the UKI profile (Type 2, or a Type 1 "profile" line); 0 otherwise */
	char *id_without_profile; /* "name.efi" of a profile entry "name.efi@P"; NULL otherwise */
};

/* Read every "*.conf" in dir on device dev (at most GB_BLS_MAX_ENTRIES;
 * unreadable or malformed files become warnings in menu, not errors). */
int gb_bls_scan(struct gb_ctx *ctx, const struct gb_cfg_devices *devs, int dev,
		const char *dir, struct gb_menu *menu, struct gb_bls_entry **out, size_t *n);
void gb_bls_free(struct gb_bls_entry *e, size_t n);
/* UAPI order: sort-key, machine-id, version (descending, version compare),
 * then file name; entries with tries_left == 0 last. */
void gb_bls_sort_uapi(struct gb_bls_entry *e, size_t n);
/* GRUB blscfg order (Fedora/RHEL): newest first by rpm version compare of
 * the file name (id). */
void gb_bls_sort_grub(struct gb_bls_entry *e, size_t n);
/* Cut a boot-counting suffix "+LEFT[-DONE]" off id (in place). */
void gb_bls_split_counter(char *id, int *left, int *done);
/* Type 2 entries: every UKI in dir on device dev ("/EFI/Linux"), one
 * entry per profile, appended to *out (n entries). */
int gb_bls_scan_uki(struct gb_ctx *ctx, const struct gb_cfg_devices *devs, int dev,
		    const char *dir, struct gb_menu *menu, struct gb_bls_entry **out, size_t *n);
/* What systemd-stub makes of the UKI at path on device dev when started
 * with that profile and those options (NULL: none, the UKI's .cmdline is
 * used): e's kernel (the .linux section), args, devicetree (.dtb, else
 * what e holds) and initrds, in the stub's order, with boot_root's
 * loader/addons, loader/credentials and loader/extensions and the UKI's
 * NAME.efi.extra.d. When the stub would refuse it, a warning and e stays
 * GB_ENTRY_EMPTY. */
int gb_uki_boot(struct gb_ctx *ctx, const struct gb_cfg_devices *devs, int dev,
		const char *boot_root, const char *path, int profile, const char *options,
		struct gb_menu *menu, struct gb_entry *e);
/* rpm's rpmvercmp: <0, 0, >0. */
int gb_rpmvercmp(const char *a, const char *b);
/* gnulib's filevercmp (GRUB 2.14's blscfg order, `sort -V`): <0, 0, >0;
 * 0 also for names that differ only in leading zeros ("a-01", "a-1"). */
int gb_filevercmp(const char *a, const char *b);

#endif
