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

struct gb_cfg_options {
	/* GRUB 2 platform variables: grub_platform ("pc" by default; "xen"
	 * for PV-GRUB2 emulation) and grub_cpu ("x86_64"/"i386"). */
	const char *grub_platform;
	const char *grub_cpu;
	/* The grub.cfg was found in a btrfs default subvolume: GRUB (as
	 * openSUSE patches it) runs with btrfs_relative_path=y. */
	bool btrfs_relative;
};

/* Each parser reads the config at `path` on device `dev` and fills `menu`
 * (entries, default_spec, timeout, warnings). The caller has set
 * menu->config_* already. Bad syntax: GB_E_SYNTAX with "file:line:col:". */
struct gb_config_parser {
	const char *name; /* "grub2", "grub1", "bls", "syslinux", "lilo" */
	int (*parse)(struct gb_ctx *ctx, const struct gb_cfg_devices *devs, int dev,
		     const char *path, const struct gb_cfg_options *opt,
		     struct gb_menu *menu);
};

extern const struct gb_config_parser gb_cfg_grub2;
extern const struct gb_config_parser gb_cfg_grub1;
extern const struct gb_config_parser gb_cfg_bls;
extern const struct gb_config_parser gb_cfg_syslinux;
extern const struct gb_config_parser gb_cfg_lilo;

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
	char **initrds;     /* in order */
	size_t ninitrds;
	char *options;      /* all "options" lines joined with single spaces, unexpanded */
	int tries_left, tries_done; /* boot counting from the file name; -1 when absent */
	int dev;            /* the device the entry was found on */
	/* Type 2: a UKI (`linux` is the PE file; its kernel, microcode and
	 * initrd are sections of it, length 0 when absent). */
	bool uki;
	int profile;        /* the UKI profile; 0 otherwise */
	char *id_without_profile; /* "name.efi" of a profile entry "name.efi@P"; NULL otherwise */
	uint64_t linux_off, linux_len, ucode_off, ucode_len, initrd_off, initrd_len;
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
 * entry per profile, its command line with the add-ons' (boot_root's
 * /loader/addons and NAME.efi.extra.d/), appended to *out (n entries). */
int gb_bls_scan_uki(struct gb_ctx *ctx, const struct gb_cfg_devices *devs, int dev,
		    const char *boot_root, const char *dir, struct gb_menu *menu,
		    struct gb_bls_entry **out, size_t *n);
/* rpm's rpmvercmp: <0, 0, >0. */
int gb_rpmvercmp(const char *a, const char *b);
/* gnulib's filevercmp (GRUB 2.14's blscfg order, `sort -V`): <0, 0, >0;
 * 0 also for names that differ only in leading zeros ("a-01", "a-1"). */
int gb_filevercmp(const char *a, const char *b);

#endif
