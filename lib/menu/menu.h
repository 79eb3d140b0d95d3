/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The menu every config parser produces: entries (nested for submenus),
 * each with its kernel, initrds and command line resolved to a device and
 * an absolute path, and the default as GRUB chooses it. */
#ifndef GB_MENU_H
#define GB_MENU_H

#include <stdarg.h>
#include "core/core.h"

#define GB_MENU_MAX_ENTRIES 1024 /* all entries of a menu, submenus included */
#define GB_MENU_MAX_DEPTH 8      /* submenu nesting */
#define GB_MENU_MAX_INITRDS 64
#define GB_MENU_MAX_WARNINGS 64

/* enum gb_entry_kind, struct gb_boot_file and struct gb_entry are public:
 * see include/guestboot.h. */

/* GRUB's save_env as the script ran it: one variable it would write into
 * a grubenv (value NULL: delete it, the variable being unset), and when:
 * at the top level of the script (depth 0), or while the entry or
 * submenu at path[0..depth) runs. Written only on request
 * (gb_grubenv_plan), for the entry that boots. */
struct gb_menu_save {
	size_t depth;
	size_t path[GB_MENU_MAX_DEPTH];
	int dev;           /* the grubenv's device, -1 unknown */
	char *file;        /* its path there */
	char *grub_name;   /* as GRUB names it ("(hd0,msdos1)/boot/grub/grubenv") */
	char *name, *value;
};
#define GB_MENU_MAX_SAVES 256

struct gb_menu {
	struct gb_entry *entries;
	size_t nentries;
	/* The default as the config states it, resolved by gb_menu_choose:
	 * a number, a title, an id, or a GRUB "a>b" path. NULL: entry 0. */
	char *default_spec;
	char *fallback_spec;
	int timeout;          /* seconds; -1 = wait forever/unset */
	bool hidden;          /* hiddenmenu / timeout_style=hidden */
	/* GRUB: the next_entry a grubenv held (grub-reboot's one-shot entry,
	 * which GRUB clears with save_env and guestboot cannot); NULL: none */
	char *one_shot;
	/* GRUB: which blscfg ran ("grub 2.14 upstream blscfg", "fedora blscfg
	 * (grub 2.06)") and the file that told (NULL: none); NULL when the
	 * config ran no blscfg */
	char *semantics, *semantics_from;
	/* GRUB: every save_env run (at most GB_MENU_MAX_SAVES; saves_lost
	 * when there were more) */
	struct gb_menu_save *saves;
	size_t nsaves;
	bool saves_lost;
	/* where the configuration came from */
	char *config_kind;    /* parser name */
	char *config_path;
	int config_device;
	char *warnings[GB_MENU_MAX_WARNINGS];
	size_t nwarnings;
	/* gb_menu_options.trace: what the bootloader prints (echo, errors),
	 * bounded by GB_MENU_MAX_TRACE */
	bool trace_on;
	char *trace;
	size_t trace_len;
	size_t total_entries; /* for GB_MENU_MAX_ENTRIES */
	/* Filled by gb_menu_choose: path of indices to the default entry. */
	size_t chosen[GB_MENU_MAX_DEPTH];
	size_t chosen_depth;  /* 0: nothing bootable */
	/* gb_menu_load: the volume behind each device index */
	struct gb_volume **dev_volumes;
	size_t ndev;
};

#define GB_MENU_MAX_TRACE (1024u * 1024)
/* Add text to the trace (when on); past the bound it is cut. */
void gb_menu_trace_add(struct gb_menu *m, const char *s, size_t n);

/* Append a fresh entry to a list (menu top level or a submenu's children);
 * counts against GB_MENU_MAX_ENTRIES. Returns NULL after recording an error. */
struct gb_entry *gb_menu_add(struct gb_ctx *ctx, struct gb_menu *m,
			     struct gb_entry **list, size_t *n);
/* Append a boot file to an array (initrds, modules). */
int gb_entry_add_file(struct gb_ctx *ctx, struct gb_boot_file **list, size_t *n,
		      int device, const char *path, const char *args);
/* Record a warning (a printf line); silently dropped past the cap. */
void gb_menu_warn(struct gb_menu *m, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* The same with a va_list; once: not when the same text was said before. */
void gb_menu_vwarn(struct gb_menu *m, bool once, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));

/* After parsing: clean every file path ("/boot/extlinux/../vmlinuz" is
 * "/boot/vmlinuz") and choose the default (gb_menu_choose). */
void gb_menu_finish(struct gb_menu *m);

/* Resolve default_spec as GRUB 2 does after the script ran: a number is an
 * index among top-level entries (a submenu counts as one), otherwise it is
 * matched against titles and ids, with "a>b" descending into submenus
 * (">>" is a literal '>'); out of range or no match means entry 0 at that
 * level. When the path ends at a submenu, its first entry is taken. */
void gb_menu_choose(struct gb_menu *m);
/* The chosen entry (after gb_menu_choose), or NULL. */
const struct gb_entry *gb_menu_chosen(const struct gb_menu *m);

/* A stable, line-oriented dump, used by the config tests' expectations:
 *   default 1>0
 *   timeout 5
 *   entry 0 "Title" id=... kind=linux
 *     kernel dev=0 /boot/vmlinuz
 *     initrd dev=0 /boot/initrd.img
 *     args "root=/dev/sda1 ro"
 *   submenu 1 "Advanced"
 *     entry 1>0 ...
 */
char *gb_menu_dump(const struct gb_menu *m);

void gb_entry_free(struct gb_entry *e);
void gb_menu_free(struct gb_menu *m);

#endif
