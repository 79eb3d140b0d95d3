/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* doctor: run the whole boot chain for one target (Xen PV/PVH through
 * pygrub, EC2 PV-GRUB, KVM, Firecracker, Cloud Hypervisor, QEMU's PVH
 * boot, and the arm64 hosts' Firecracker, Cloud Hypervisor and QEMU virt)
 * and explain, in plain words with the fix, each reason the guest would
 * not come up: where the bootloader looks for its config, the default
 * entry, the files, the kernel's machine and Xen support (or the vmlinux,
 * PVH note or arm64 Image a VMM loads), the initrd's disk driver and the
 * virtio transport the VMM's devices sit on, the console, root= and
 * /etc/fstab. */
#define _GNU_SOURCE
#include "fs/fs.h"
#include "menu/menu.h"
#include "payload/payload.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#define MAX_FINDINGS 256
#define MAX_NOTES 64
#define FSTAB_MAX (1u << 20)
#define CONFIG_MAX (8u << 20)   /* a /boot/config-<ver> is ~250 KiB */
#define CFG_TEXT_MAX (4u << 20)
#define MAX_WALK_ENTRIES 4096

struct finding_store {
	struct gb_finding pub;
	char *message, *fix;
};

struct gb_report {
	struct finding_store f[MAX_FINDINGS];
	size_t n;
	char *notes[MAX_NOTES];
	size_t nnotes;
	bool oom;
};

static const char *const target_names[] = {
	[GB_TARGET_XEN_PV] = "xen-pv",         [GB_TARGET_XEN_PVH] = "xen-pvh",
	[GB_TARGET_PVGRUB_HD0] = "pvgrub-hd0", [GB_TARGET_PVGRUB_HD00] = "pvgrub-hd00",
	[GB_TARGET_KVM] = "kvm",               [GB_TARGET_FIRECRACKER] = "firecracker",
	[GB_TARGET_CLOUD_HYPERVISOR] = "cloud-hypervisor", [GB_TARGET_QEMU_PVH] = "qemu-pvh",
	[GB_TARGET_FIRECRACKER_ARM64] = "firecracker-arm64",
	[GB_TARGET_CLOUD_HYPERVISOR_ARM64] = "cloud-hypervisor-arm64",
	[GB_TARGET_QEMU_ARM64] = "qemu-arm64",
};

int gb_target_parse(const char *name, enum gb_target *t)
{
	for (size_t i = 0; i < sizeof(target_names) / sizeof(target_names[0]); i++)
		if (name && !strcmp(name, target_names[i])) {
			*t = (enum gb_target)i;
			return 0;
		}
	return GB_E_USAGE;
}

const char *gb_target_name(enum gb_target t)
{
	return (unsigned)t < sizeof(target_names) / sizeof(target_names[0]) ? target_names[t] : "?";
}

static bool is_xen(enum gb_target t)
{
	return t == GB_TARGET_XEN_PV || t == GB_TARGET_XEN_PVH || t == GB_TARGET_PVGRUB_HD0 ||
	       t == GB_TARGET_PVGRUB_HD00;
}

static bool needs_pv(enum gb_target t)
{
	return is_xen(t) && t != GB_TARGET_XEN_PVH;
}

/* Direct kernel boot of an ELF vmlinux (what extract --vmlinux writes). */
static bool is_vmm(enum gb_target t)
{
	return t == GB_TARGET_FIRECRACKER || t == GB_TARGET_CLOUD_HYPERVISOR || t == GB_TARGET_QEMU_PVH;
}

/* An arm64 host: the kernel's uncompressed Image (extract --raw-image). */
static bool is_arm64(enum gb_target t)
{
	return t == GB_TARGET_FIRECRACKER_ARM64 || t == GB_TARGET_CLOUD_HYPERVISOR_ARM64 ||
	       t == GB_TARGET_QEMU_ARM64;
}

static bool is_firecracker(enum gb_target t)
{
	return t == GB_TARGET_FIRECRACKER || t == GB_TARGET_FIRECRACKER_ARM64;
}

static char *vfmt(const char *fmt, va_list ap)
{
	char *s = NULL;
	return vasprintf(&s, fmt, ap) < 0 ? NULL : s;
}

/* Record a finding; fix is a plain string (no format). */
static void add(struct gb_report *r, bool error, const char *code, const char *fix, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
static void add(struct gb_report *r, bool error, const char *code, const char *fix, const char *fmt, ...)
{
	if (r->n >= MAX_FINDINGS)
		return;
	/* The same finding twice (two entries, one missing file) says nothing new. */
	va_list ap;
	va_start(ap, fmt);
	char *msg = vfmt(fmt, ap);
	va_end(ap);
	char *fx = strdup(fix);
	if (!msg || !fx) {
		free(msg);
		free(fx);
		r->oom = true;
		return;
	}
	for (size_t i = 0; i < r->n; i++)
		if (!strcmp(r->f[i].message, msg)) {
			free(msg);
			free(fx);
			return;
		}
	struct finding_store *f = &r->f[r->n++];
	f->message = msg;
	f->fix = fx;
	f->pub = (struct gb_finding){ error ? "error" : "warning", code, msg, fx };
}

static void note(struct gb_report *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void note(struct gb_report *r, const char *fmt, ...)
{
	if (r->nnotes >= MAX_NOTES)
		return;
	va_list ap;
	va_start(ap, fmt);
	char *s = vfmt(fmt, ap);
	va_end(ap);
	if (s)
		r->notes[r->nnotes++] = s;
	else
		r->oom = true;
}

size_t gb_report_count(const struct gb_report *r)
{
	return r ? r->n : 0;
}

const struct gb_finding *gb_report_finding(const struct gb_report *r, size_t i)
{
	return r && i < r->n ? &r->f[i].pub : NULL;
}

size_t gb_report_note_count(const struct gb_report *r)
{
	return r ? r->nnotes : 0;
}

const char *gb_report_note(const struct gb_report *r, size_t i)
{
	return r && i < r->nnotes ? r->notes[i] : NULL;
}

void gb_report_free(struct gb_report *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->n; i++) {
		free(r->f[i].message);
		free(r->f[i].fix);
	}
	for (size_t i = 0; i < r->nnotes; i++)
		free(r->notes[i]);
	free(r);
}

/* The state one run carries between checks. */
struct run {
	struct gb_ctx *ctx;
	struct gb_image *img;
	const struct gb_doctor_options *opt;
	struct gb_report *r;
	struct gb_menu *menu;
	const struct gb_entry *def;
	struct gb_volume *root_vol; /* from root=, when it names one */
	struct gb_kernel_info kinfo;
	bool kinfo_ok;
	struct gb_initrd_info iinfo;
	bool iinfo_ok;
	struct gb_entry pv; /* the default as PV-GRUB boots it (an illumos PV entry) */
	bool pv_multiboot;
	bool kernel_other_arch; /* the kernel is for another machine: said once */
	/* what the kernel builds in (builtin_drivers), read once */
	bool builtin_read, builtin_known, config_read, mmio_cmdline;
	uint32_t builtin;
};

static const char *vol_id(struct gb_volume *v)
{
	return v ? gb_volume_info(v)->id : "?";
}

/* ---- the configuration ---- */

static void pvgrub_places(struct run *x, const char *mode, const char *found_at)
{
	bool hd0 = !strcmp(mode, "hd0");
	add(x->r, true, "pvgrub-config-missing",
	    hd0 ? "Use an hd00 AKI for a partitioned disk, or put menu.lst at /boot/grub/menu.lst "
		  "of an unpartitioned disk" :
		  "Put a GRUB legacy menu.lst at /boot/grub/menu.lst (or /grub/menu.lst) on the "
		  "first partition, or use an hd0 AKI for an unpartitioned disk",
	    "PV-GRUB %s looks for menu.lst at %s, and finds none there%s%s", mode,
	    hd0 ? "(hd0)/boot/grub: the whole, unpartitioned disk" :
		  "(hd0,0)/boot/grub or (hd0,0)/grub: the first partition",
	    found_at ? "; the configuration is at " : "", found_at ? found_at : "");
}

static int load_menu(struct run *x)
{
	struct gb_menu_options mo;
	if (GB_ABI_IN(x->ctx, &mo, x->opt->menu))
		return gb_ctx_code(x->ctx);
	const char *pv = x->opt->target == GB_TARGET_PVGRUB_HD0 ? "hd0" :
			 x->opt->target == GB_TARGET_PVGRUB_HD00 ? "hd00" : NULL;
	mo.pvgrub = pv;
	int rc = gb_menu_load(x->ctx, x->img, &mo, &x->menu);
	if (!rc)
		return 0;
	char why[GB_MSG_MAX];
	snprintf(why, sizeof(why), "%s", gb_ctx_message(x->ctx));
	gb_ctx_clear(x->ctx);
	if (pv) {
		/* Where is it, then? Search as pygrub does, to say so. */
		struct gb_menu *any = NULL;
		mo.pvgrub = NULL;
		char at[512];
		if (!gb_menu_load(x->ctx, x->img, &mo, &any)) {
			snprintf(at, sizeof(at), "%s:%s (%s)", vol_id(gb_menu_volume(any)),
				 gb_menu_path(any), gb_menu_kind(any));
			gb_menu_close(any);
			pvgrub_places(x, pv, at);
		} else {
			pvgrub_places(x, pv, NULL);
		}
		gb_ctx_clear(x->ctx);
		return GB_E_NOT_FOUND;
	}
	add(x->r, true, "no-config",
	    "Install the bootloader's configuration in the guest (grub-mkconfig, update-grub) "
	    "or pass --config VOL:PATH",
	    "No boot configuration could be used: %s", why);
	return GB_E_NOT_FOUND;
}

/* ---- the default entry and the files of every entry ---- */

static void check_file(struct run *x, const struct gb_entry *e, const struct gb_boot_file *f,
		       const char *what);

/* A multiboot default on a PV target: PV-GRUB boots it when its kernel
 * is a Xen PV kernel (illumos's i86xpv unix), its module the ramdisk. */
static void default_as_xen_pv(struct run *x)
{
	const char *title = x->def->title ? x->def->title : "";
	if (gb_entry_as_xen_pv(x->ctx, x->menu, x->def, NULL, &x->pv)) {
		add(x->r, true, "default-not-linux",
		    "Make an entry whose kernel Xen can start as a PV guest the default (a Linux kernel, "
		    "or illumos's /platform/i86xpv/kernel/amd64/unix)",
		    "The default entry '%s' cannot boot as a PV guest: %s", title, gb_ctx_message(x->ctx));
		gb_ctx_clear(x->ctx);
		return;
	}
	x->pv_multiboot = true;
	x->def = &x->pv;
	note(x->r, "default entry '%s': a multiboot entry whose kernel is a Xen PV kernel, booted as "
	     "PV-GRUB boots it: kernel %s, ramdisk %s, command line '%s'", title, x->pv.kernel.path,
	     x->pv.ninitrds ? x->pv.initrds[0].path : "none", x->pv.args);
	for (size_t k = 0; k < x->pv.ninitrds; k++)
		check_file(x, x->def, &x->pv.initrds[k], "ramdisk");
}

static void check_default(struct run *x)
{
	const size_t *path;
	size_t depth;
	x->def = gb_menu_default(x->menu, &path, &depth);
	const char *spec = x->menu->default_spec;
	if (spec && *spec && !gb_menu_find(x->menu, spec, NULL, NULL))
		add(x->r, false, "default-invalid",
		    "Set the default to an entry that exists (its index, id or title)",
		    "The default '%s' names no entry in %s; the bootloader falls back to %s", spec,
		    gb_menu_path(x->menu), x->def && x->def->title ? x->def->title : "the first entry");
	if (!x->def) {
		add(x->r, true, "no-default", "Add a bootable entry and make it the default",
		    "The menu has no entry the bootloader would boot");
		return;
	}
	if (x->def->kind == GB_ENTRY_MULTIBOOT && needs_pv(x->opt->target)) {
		default_as_xen_pv(x);
		return;
	}
	if (x->def->kind != GB_ENTRY_LINUX || !x->def->kernel.path)
		add(x->r, true, "default-not-linux",
		    "Make a Linux entry the default (pygrub and direct kernel boot load only Linux kernels)",
		    "The default entry '%s' is not a Linux kernel entry", x->def->title ? x->def->title : "");
}

static void check_file(struct run *x, const struct gb_entry *e, const struct gb_boot_file *f,
		       const char *what)
{
	struct gb_volume *v = gb_menu_file_volume(x->menu, f);
	struct gb_fs *fs;
	struct gb_stat st = GB_SIZED(struct gb_stat);
	bool dflt = e == x->def;
	if (!v || gb_volume_mount(x->ctx, v, &fs) || gb_fs_stat(x->ctx, fs, f->path, &st) ||
	    st.type != GB_FT_REG) {
		add(x->r, dflt, dflt ? (!strcmp(what, "kernel") ? "kernel-missing" : "initrd-missing") :
				       "entry-file-missing",
		    "Reinstall the kernel package or regenerate the configuration (update-grub) so "
		    "that entries name files that exist",
		    "%s entry '%s': its %s %s:%s does not exist", dflt ? "The default" : "The",
		    e->title ? e->title : "", what, v ? vol_id(v) : "(unknown device)", f->path);
		gb_ctx_clear(x->ctx);
	}
}

static void check_entries(struct run *x, const struct gb_entry *list, size_t n, int depth,
			  size_t *budget)
{
	for (size_t i = 0; i < n && depth < GB_MENU_MAX_DEPTH && *budget; i++, (*budget)--) {
		const struct gb_entry *e = &list[i];
		if (e->kind == GB_ENTRY_SUBMENU) {
			check_entries(x, e->children, e->nchildren, depth + 1, budget);
			continue;
		}
		if (e->kind != GB_ENTRY_LINUX || !e->kernel.path)
			continue;
		check_file(x, e, &e->kernel, "kernel");
		for (size_t k = 0; k < e->ninitrds; k++)
			check_file(x, e, &e->initrds[k], "initrd");
	}
}

/* ---- the kernel ---- */

/* An arm64 target loads the uncompressed Image: from the file itself, or
 * decompressed by extract. */
static void check_arm64_kernel(struct run *x)
{
	const struct gb_entry *e = x->def;
	const struct gb_kernel_info *k = &x->kinfo;
	enum gb_target t = x->opt->target;
	const char *target = gb_target_name(t);
	if (strcmp(k->kind, "arm64-image") && strcmp(k->arch, "arm64")) {
		add(x->r, true, "kernel-no-image",
		    "Install the distribution's arm64 kernel (linux-image-arm64), which is an Image, "
		    "an Image.gz or an EFI zboot image",
		    "The kernel %s (%s) is no arm64 kernel guestboot can read (%s); %s loads an "
		    "uncompressed arm64 Image", e->kernel.path, k->kind,
		    k->note[0] ? k->note : "no arm64 Image header", target);
		return;
	}
	if (!k->payload_read) {
		add(x->r, true, "kernel-no-image",
		    "Install a kernel whose Image guestboot can decompress (gzip, bzip2, lzma, xz, lzo, "
		    "lz4 or zstd), or give the uncompressed Image from the kernel build",
		    "The kernel %s is a%s %s (compression %s) whose Image could not be read (%s); %s "
		    "loads an uncompressed arm64 Image", e->kernel.path,
		    k->format[0] == 'I' ? "n" : "", k->format[0] ? k->format : k->kind,
		    k->compression[0] ? k->compression : "unknown", k->note[0] ? k->note : "unknown",
		    target);
		return;
	}
	if (t == GB_TARGET_QEMU_ARM64 && !strcmp(k->format, "zboot"))
		add(x->r, false, "kernel-zboot",
		    "Boot the Image that guestboot extract -f qemu writes (it decompresses the zboot "
		    "payload), or use QEMU 8.0 or later with a gzip zboot kernel",
		    "The kernel %s is an EFI zboot image (compression %s): QEMU before 8.0 (Debian 12 "
		    "has 7.2) cannot load one with -kernel%s", e->kernel.path, k->compression,
		    strcmp(k->compression, "gzip") ? ", and later releases gzip ones only" : "");
	/* Firecracker and Cloud Hypervisor are built and tested for guests
	 * with 4K pages; a 16K or 64K kernel needs the host CPU to offer that
	 * granule to guests (Apple's M1 has no 64K, Neoverse N1 no 16K). */
	if ((t == GB_TARGET_FIRECRACKER_ARM64 || t == GB_TARGET_CLOUD_HYPERVISOR_ARM64) &&
	    k->page_size && k->page_size != 4096)
		add(x->r, false, "kernel-page-size",
		    "Install a kernel built with 4K pages (the distributions' default arm64 kernels "
		    "are; their 16k and 64k flavours are not), or check that the host CPU offers the "
		    "granule",
		    "The kernel %s is built for %uK pages: %s guests are tested with 4K pages, and the "
		    "host CPU must offer the %uK granule to guests", e->kernel.path,
		    (unsigned)(k->page_size >> 10), target, (unsigned)(k->page_size >> 10));
	if (strcmp(k->format, "Image"))
		note(x->r, "guestboot extract -f %s writes the uncompressed Image of this %s for %s",
		     t == GB_TARGET_QEMU_ARM64 ? "qemu --raw-image" :
		     t == GB_TARGET_FIRECRACKER_ARM64 ? "firecracker" : "cloud-hypervisor",
		     k->format, target);
}

static void check_kernel(struct run *x)
{
	const struct gb_entry *e = x->def;
	if (gb_entry_inspect_kernel(x->ctx, x->menu, e, &x->kinfo)) {
		gb_ctx_clear(x->ctx);
		return; /* missing: already reported */
	}
	x->kinfo_ok = true;
	struct gb_kernel_info *k = &x->kinfo;
	/* A UKI's kernel is its .linux section: say so, since the file is a PE. */
	const char *sec = e->kernel.section ? e->kernel.section : "";
	char pages[32] = "";
	if (k->page_size)
		snprintf(pages, sizeof(pages), ", %uK pages", (unsigned)(k->page_size >> 10));
	note(x->r, "kernel %s%s%s%s: %s%s%s, compression %s, version %s%s%s%s%s%s%s%s", e->kernel.path,
	     *sec ? " (UKI section " : "", sec, *sec ? ")" : "", k->kind,
	     k->os[0] ? " " : "", k->os, k->compression[0] ? k->compression : "-",
	     k->version[0] ? k->version : "unknown", k->xen_pv ? ", Xen PV" : "",
	     k->xen_pvh ? ", PVH" : "", k->arch[0] ? ", " : "", k->arch,
	     k->arch[0] && k->format[0] ? " " : "", k->format, pages);
	bool known = k->payload_read || (k->elf && !k->compression[0]) || !strcmp(k->kind, "elf");
	enum gb_target t = x->opt->target;
	if (k->arch[0] && is_arm64(t) != !strcmp(k->arch, "arm64")) {
		x->kernel_other_arch = true;
		add(x->r, true, "kernel-wrong-arch",
		    is_arm64(t) ? "Boot this guest on an x86 host (or install the distribution's arm64 kernel "
				  "in an arm64 guest)" :
				  "Boot this guest on an arm64 host (doctor --target firecracker-arm64, "
				  "cloud-hypervisor-arm64 or qemu-arm64)",
		    "The kernel %s is a%s %s kernel (%s); %s runs %s kernels only", e->kernel.path,
		    k->arch[0] == 'x' || k->arch[0] == 'a' ? "n" : "", k->arch,
		    k->format[0] ? k->format : k->kind, gb_target_name(t), is_arm64(t) ? "arm64" : "x86");
		return;
	}
	if (is_arm64(t)) {
		check_arm64_kernel(x);
		return;
	}
	if (is_xen(t) && !known) {
		add(x->r, false, "kernel-unreadable", "Check the kernel by hand (extract-vmlinux, readelf -n)",
		    "Could not tell whether the kernel %s supports Xen: %s", e->kernel.path,
		    k->note[0] ? k->note : "its image was not read");
	} else if (needs_pv(t) && !k->xen_pv && *sec) {
		add(x->r, true, "kernel-no-xen-pv",
		    k->xen_pvh ? "Boot it as PVH (type = \"pvh\"), or build the UKI from a kernel with CONFIG_XEN_PV" :
				 "Build the UKI from a kernel with CONFIG_XEN_PV, or boot the guest with EFI "
				 "firmware (HVM with OVMF) that runs the UKI itself",
		    "The UKI %s holds a kernel (its %s section) with no Xen PV entry point (no "
		    "XEN_ELFNOTE_ENTRY note): Xen cannot start it as a PV guest", e->kernel.path, sec);
	} else if (needs_pv(t) && !k->xen_pv) {
		add(x->r, true, "kernel-no-xen-pv",
		    k->xen_pvh ? "Boot it as PVH (type = \"pvh\") or install a kernel built with CONFIG_XEN_PV" :
				 "Install a kernel built with CONFIG_XEN_PV (Debian's, Ubuntu's and Fedora's are; "
				 "RHEL 5's kernel-xen)",
		    "The kernel %s has no Xen PV entry point (no XEN_ELFNOTE_ENTRY note): Xen cannot start it "
		    "as a PV guest", e->kernel.path);
	} else if (t == GB_TARGET_XEN_PVH && !k->xen_pvh) {
		add(x->r, true, "kernel-no-pvh",
		    k->xen_pv ? "Boot it as PV (type = \"pv\") or install a kernel built with CONFIG_XEN_PVH" :
				"Install a kernel built with CONFIG_XEN_PVH",
		    "The kernel %s has no PVH entry point (no XEN_ELFNOTE_PHYS32_ENTRY note)", e->kernel.path);
	} else if (is_vmm(t) && !k->elf) {
		add(x->r, true, "kernel-not-elf",
		    "Install a kernel whose bzImage payload guestboot can decompress (gzip, bzip2, lzma, "
		    "xz, lzo, lz4 or zstd: any distribution kernel), or give the uncompressed vmlinux "
		    "from the kernel build",
		    "The kernel %s is a %s (compression %s) with no ELF vmlinux that could be read (%s); "
		    "%s loads an uncompressed ELF vmlinux", e->kernel.path, k->kind,
		    k->compression[0] ? k->compression : "unknown", k->note[0] ? k->note : "no ELF inside",
		    gb_target_name(t));
	} else if ((t == GB_TARGET_CLOUD_HYPERVISOR || t == GB_TARGET_QEMU_PVH) && !k->xen_pvh) {
		add(x->r, true, "kernel-no-pvh",
		    t == GB_TARGET_CLOUD_HYPERVISOR ?
			    "Install a kernel built with CONFIG_PVH (Debian's, Ubuntu's and Fedora's are), or "
			    "boot the bzImage with Cloud Hypervisor 39 or later (guestboot extract -f "
			    "cloud-hypervisor --vmm-version 39)" :
			    "Install a kernel built with CONFIG_PVH (Debian's, Ubuntu's and Fedora's are), or "
			    "boot the bzImage itself (qemu -kernel vmlinuz: guestboot extract -f qemu)",
		    "The kernel %s has no PVH entry point (no XEN_ELFNOTE_PHYS32_ENTRY note: CONFIG_PVH is "
		    "off); %s starts an ELF vmlinux only there", e->kernel.path, gb_target_name(t));
	}
	if (is_vmm(t) && k->elf && strcmp(k->kind, "elf"))
		note(x->r, "guestboot extract -f %s decompresses the %s payload into the ELF vmlinux %s takes",
		     t == GB_TARGET_QEMU_PVH ? "qemu --vmlinux" : gb_target_name(t),
		     k->compression[0] ? k->compression : "-", gb_target_name(t));
}

/* ---- the initrd and the disk driver ---- */

static uint32_t disk_drivers(enum gb_target t)
{
	return is_xen(t) ? GB_DRV_XEN_BLKFRONT :
	       t == GB_TARGET_KVM ? GB_DRV_VIRTIO_BLK | GB_DRV_VIRTIO_SCSI | GB_DRV_NVME :
				    GB_DRV_VIRTIO_BLK;
}

static void driver_list(uint32_t bits, const char *sep, char *buf, size_t cap)
{
	size_t o = 0;
	buf[0] = '\0';
	for (uint32_t b = 1; b < (1u << GB_DRV_COUNT); b <<= 1)
		if ((bits & b) && o < cap)
			o += (size_t)snprintf(buf + o, cap - o, "%s%s", o ? sep : "", gb_driver_name(b));
}

/* Read a file from a volume's fs, quietly; NULL when absent. */
static char *read_vol_file(struct run *x, struct gb_volume *v, const char *path, size_t max, size_t *len)
{
	struct gb_fs *fs;
	char *d = NULL;
	if (!v || gb_volume_mount(x->ctx, v, &fs) || gb_fs_read_file(x->ctx, fs, path, max, &d, len))
		d = NULL;
	gb_ctx_clear(x->ctx);
	return d;
}

/* Drivers built into the kernel: its modules.builtin and its config, on
 * the root fs or next to the kernel. *known says whether any was found. */
static uint32_t builtin_drivers(struct run *x, bool *known)
{
	if (x->builtin_read) {
		*known = x->builtin_known;
		return x->builtin;
	}
	x->builtin_read = true;
	const char *ver = x->kinfo.version[0] ? x->kinfo.version : x->iinfo.kernel_version;
	uint32_t bits = x->iinfo_ok ? x->iinfo.builtin : 0;
	*known = x->iinfo_ok && x->iinfo.builtin;
	x->builtin = bits;
	x->builtin_known = *known;
	if (!ver[0])
		return bits;
	struct gb_volume *kv = gb_menu_file_volume(x->menu, &x->def->kernel);
	char path[256];
	size_t len;
	struct { struct gb_volume *v; const char *fmt; bool config; } places[] = {
		{ x->root_vol, "/lib/modules/%s/modules.builtin", false },
		{ x->root_vol, "/usr/lib/modules/%s/modules.builtin", false },
		{ x->root_vol, "/boot/config-%s", true },
		{ kv, "/boot/config-%s", true },
		{ kv, "/config-%s", true },
	};
	for (size_t i = 0; i < sizeof(places) / sizeof(places[0]); i++) {
		snprintf(path, sizeof(path), places[i].fmt, ver);
		char *d = read_vol_file(x, places[i].v, path, CONFIG_MAX, &len);
		if (!d)
			continue;
		*known = true;
		bits |= places[i].config ? gb_drivers_of_config(d, len) : gb_drivers_of_builtin(d, len);
		if (places[i].config) {
			x->config_read = true;
			/* the line is checked whole: "=y" at the end of its name */
			static const char opt[] = "\nCONFIG_VIRTIO_MMIO_CMDLINE_DEVICES=y\n";
			x->mmio_cmdline |= memmem(d, len, opt, sizeof(opt) - 1) != NULL;
		}
		free(d);
	}
	x->builtin = bits;
	x->builtin_known = *known;
	return bits;
}

static void inspect_initrd(struct run *x)
{
	const struct gb_entry *e = x->def;
	if (!e->ninitrds)
		return;
	if (gb_entry_inspect_initrd(x->ctx, x->menu, e, &x->iinfo)) {
		gb_ctx_clear(x->ctx);
		return; /* missing: already reported */
	}
	x->iinfo_ok = true;
	char mods[160];
	driver_list(x->iinfo.modules, ", ", mods, sizeof(mods));
	note(x->r, "initrd: %zu segment(s) (%s), %zu files, modules: %s%s%s%s", x->iinfo.segments,
	     x->iinfo.compressions, x->iinfo.files, mods[0] ? mods : "none of interest",
	     x->iinfo.complete ? "" : " (not fully read: ", x->iinfo.complete ? "" : x->iinfo.note,
	     x->iinfo.complete ? "" : ")");
}

static void check_disk_driver(struct run *x)
{
	const struct gb_entry *e = x->def;
	if (e->ninitrds && !x->iinfo_ok)
		return; /* missing: already reported */
	uint32_t want = disk_drivers(x->opt->target);
	bool known;
	uint32_t builtin = builtin_drivers(x, &known);
	if ((builtin & want) || (x->iinfo_ok && (x->iinfo.modules & want)))
		return;
	char names[160];
	driver_list(want & ~GB_DRV_NVME, " or ", names, sizeof(names));
	bool incomplete = x->iinfo_ok && !x->iinfo.complete;
	const char *fix = is_xen(x->opt->target) ?
		"Add xen-blkfront to the initrd (dracut --add-drivers xen-blkfront; RHEL 5: mkinitrd "
		"--preload xenblk; initramfs-tools: echo xen-blkfront >> /etc/initramfs-tools/modules) "
		"and rebuild it" :
		"Add virtio_blk (and virtio_scsi) to the initrd (dracut --add-drivers; initramfs-tools: "
		"/etc/initramfs-tools/modules) and rebuild it";
	if (!e->ninitrds)
		add(x->r, known, "no-initrd-driver", fix,
		    "The entry has no initrd and %s is %s built into the kernel: it cannot reach its root disk",
		    names, known ? "not" : "not known to be");
	else
		add(x->r, known && !incomplete, "initrd-no-disk-driver", fix,
		    "The initrd has no %s module%s, and the kernel %s: the root disk on %s cannot be reached",
		    names, incomplete ? " (as far as it could be read)" : "",
		    known ? "does not build it in" : "is not known to build it in",
		    gb_target_name(x->opt->target));
}

/* The transport the VMM's virtio devices sit on: Firecracker's are
 * virtio-mmio (in the devicetree on arm64; on x86 in ACPI since its 2024
 * releases, before that on the kernel command line), Cloud Hypervisor's
 * and QEMU's virtio-pci. Without the transport no disk appears. */
static void check_virtio_transport(struct run *x)
{
	enum gb_target t = x->opt->target;
	if (!is_vmm(t) && !is_arm64(t))
		return;
	const struct gb_entry *e = x->def;
	if (e->ninitrds && !x->iinfo_ok)
		return; /* missing: already reported */
	bool mmio = is_firecracker(t), known;
	uint32_t want = mmio ? GB_DRV_VIRTIO_MMIO : GB_DRV_VIRTIO_PCI;
	uint32_t builtin = builtin_drivers(x, &known);
	const char *mod = mmio ? "virtio_mmio" : "virtio_pci";
	const char *kind = mmio ? "virtio-mmio" : "virtio-pci";
	if (!(builtin & want) && !(x->iinfo_ok && (x->iinfo.modules & want))) {
		bool incomplete = x->iinfo_ok && !x->iinfo.complete;
		char fix[256];
		snprintf(fix, sizeof(fix),
			 "Add %s to the initrd (dracut --add-drivers %s; initramfs-tools: echo %s >> "
			 "/etc/initramfs-tools/modules) and rebuild it, or use a kernel with CONFIG_%s=y",
			 mod, mod, mod, mmio ? "VIRTIO_MMIO" : "VIRTIO_PCI");
		add(x->r, known && !incomplete, "virtio-transport-missing", fix,
		    "%s's disk and network are %s devices, and %s is %s built into the kernel%s%s: the "
		    "guest sees no disk", gb_target_name(t), kind, mod, known ? "not" : "not known to be",
		    e->ninitrds ? " nor in the initrd" : " (no initrd)",
		    incomplete ? " (as far as it could be read)" : "");
		return;
	}
	/* x86 Firecracker without ACPI names each device on the command line
	 * (virtio_mmio.device=...), which only this option makes the kernel read */
	if (t == GB_TARGET_FIRECRACKER && x->config_read && !x->mmio_cmdline)
		add(x->r, false, "virtio-mmio-cmdline",
		    "Use Firecracker 1.8 or later (ACPI), or a kernel built with "
		    "CONFIG_VIRTIO_MMIO_CMDLINE_DEVICES=y",
		    "The kernel's config has CONFIG_VIRTIO_MMIO_CMDLINE_DEVICES off: Firecracker releases "
		    "without ACPI (before 1.8) pass their virtio-mmio devices on the command line, which "
		    "this kernel ignores, and the guest sees no disk there");
}

/* ---- root= and fstab: device names on the target ---- */

/* The disk prefix the target's driver gives ("xvd", "vd", "sd"). */
static bool device_ok(enum gb_target t, const char *dev, uint32_t have, const char **expect)
{
	const char *d = dev + 5; /* past "/dev/" */
	if (is_xen(t)) {
		*expect = "/dev/xvda";
		return !strncmp(d, "xvd", 3);
	}
	if (is_firecracker(t)) {
		*expect = "/dev/vda";
		return !strncmp(d, "vd", 2);
	}
	*expect = "/dev/vda";
	if (!strncmp(d, "vd", 2))
		return true;
	if (!strncmp(d, "sd", 2))
		return !have || (have & GB_DRV_VIRTIO_SCSI);
	return !strncmp(d, "nvme", 4);
}

static bool is_disk_dev(const char *s)
{
	return !strncmp(s, "/dev/", 5) && (!strncmp(s + 5, "sd", 2) || !strncmp(s + 5, "hd", 2) ||
					   !strncmp(s + 5, "vd", 2) || !strncmp(s + 5, "xvd", 3) ||
					   !strncmp(s + 5, "nvme", 4));
}

/* The partition number at the end of "/dev/xvda2" (0: a whole disk). */
static int dev_partition(const char *s)
{
	size_t n = strlen(s), i = n;
	while (i > 0 && s[i - 1] >= '0' && s[i - 1] <= '9')
		i--;
	if (i == n || n - i > 3)
		return 0;
	if (!strncmp(s + 5, "nvme", 4) && (i == 0 || s[i - 1] != 'p'))
		return 0;
	return atoi(s + i);
}

/* A volume for a spec (UUID=, LABEL=, PARTUUID=, /dev/disk/by-*); returns
 * GB_E_NOT_FOUND when the image has none, 1 when the spec is not one we
 * resolve. */
static int find_spec(struct run *x, const char *spec, struct gb_volume **v)
{
	char buf[300];
	static const struct { const char *dir, *key; } by[] = {
		{ "/dev/disk/by-uuid/", "UUID=" }, { "/dev/disk/by-label/", "LABEL=" },
		{ "/dev/disk/by-partuuid/", "PARTUUID=" },
	};
	for (size_t i = 0; i < 3; i++)
		if (!strncmp(spec, by[i].dir, strlen(by[i].dir))) {
			snprintf(buf, sizeof(buf), "%s%s", by[i].key, spec + strlen(by[i].dir));
			spec = buf;
		}
	if (strncmp(spec, "UUID=", 5) && strncmp(spec, "LABEL=", 6) && strncmp(spec, "PARTUUID=", 9))
		return 1;
	int rc = gb_image_find_volume(x->ctx, x->img, spec, v);
	gb_ctx_clear(x->ctx);
	return rc == GB_E_AMBIGUOUS ? 1 : rc;
}

static const char *dev_fix(enum gb_target t)
{
	return is_xen(t) ? "Name the disk as Xen's blkfront does (/dev/xvda1), or better by "
			   "UUID= or LABEL=, which do not depend on the driver" :
			   "Name the disk as virtio does (/dev/vda1), or better by UUID= or LABEL=, "
			   "which do not depend on the driver";
}

/* Check one device spec; what is "root=" or "/etc/fstab line N". */
static void check_device(struct run *x, const char *spec, const char *what, bool fatal,
			 struct gb_volume **found)
{
	enum gb_target t = x->opt->target;
	struct gb_volume *v = NULL;
	int rc = find_spec(x, spec, &v);
	if (rc == 0) {
		if (found)
			*found = v;
		return;
	}
	if (rc < 0) {
		const char *code = !strncmp(what, "root", 4) ?
			(!strncmp(spec, "LABEL=", 6) || strstr(spec, "by-label") ? "root-label-not-found" :
			 !strncmp(spec, "PARTUUID=", 9) || strstr(spec, "by-partuuid") ? "root-partuuid-not-found" :
											   "root-uuid-not-found") :
			(!strncmp(spec, "LABEL=", 6) || strstr(spec, "by-label") ? "fstab-label-not-found" :
			 !strncmp(spec, "PARTUUID=", 9) || strstr(spec, "by-partuuid") ? "fstab-partuuid-not-found" :
											   "fstab-uuid-not-found");
		add(x->r, fatal, code,
		    "Use the UUID or LABEL the volume really has (guestboot inspect IMAGE lists them; "
		    "tune2fs -U / e2label / xfs_admin change them)",
		    "%s names %s, which no volume of this image has", what, spec);
		return;
	}
	if (!is_disk_dev(spec))
		return;
	const char *expect;
	uint32_t have = x->iinfo_ok ? x->iinfo.modules : 0;
	if (!device_ok(t, spec, have, &expect)) {
		/* 2.6.18 xenlinux (RHEL 5, EC2's early AMIs) names blkfront disks as
		 * the domain config does: sda1 works when the disk is given as sda1. */
		bool xenlinux = is_xen(t) && !strncmp(x->kinfo.version, "2.6.18", 6);
		add(x->r, fatal && !xenlinux, !strncmp(what, "root", 4) ? "root-device-missing" : "fstab-device-missing",
		    dev_fix(t), "%s names %s, but on %s the disk is %s", what, spec, gb_target_name(t),
		    expect);
		return;
	}
	int part = dev_partition(spec);
	char num[16];
	snprintf(num, sizeof(num), "%d", part);
	/* An unpartitioned image is often given to Xen as xvda1 itself. */
	if (part && gb_image_table(x->img)[0]) {
		if (gb_image_find_volume(x->ctx, x->img, num, &v)) {
			add(x->r, fatal, !strncmp(what, "root", 4) ? "root-device-missing" : "fstab-device-missing",
			    "Name a partition the disk has (guestboot inspect IMAGE lists them)",
			    "%s names %s, but the disk has no partition %d", what, spec, part);
		} else if (found) {
			*found = v;
		}
		gb_ctx_clear(x->ctx);
	} else if (!part && gb_image_table(x->img)[0] && found) {
		*found = NULL;
	} else if (found && gb_image_find_volume(x->ctx, x->img, NULL, &v) == 0) {
		*found = v;
	}
	gb_ctx_clear(x->ctx);
}

/* root=VALUE from a command line, the last one winning as in the kernel. */
static bool root_arg(const char *args, char *out, size_t cap)
{
	bool got = false;
	const char *p = args;
	for (size_t guard = 0; p && *p && guard < 4096; guard++) {
		while (*p == ' ' || *p == '\t')
			p++;
		size_t n = strcspn(p, " \t");
		if (n > 5 && !strncmp(p, "root=", 5)) {
			size_t l = n - 5 < cap - 1 ? n - 5 : cap - 1;
			memcpy(out, p + 5, l);
			out[l] = '\0';
			got = true;
		}
		p += n;
	}
	return got;
}

static void check_root(struct run *x)
{
	char root[256];
	if (!root_arg(x->def->args ? x->def->args : "", root, sizeof(root))) {
		add(x->r, false, "no-root", "Add root=UUID=... (the root file system's UUID) to the command line",
		    "The default entry's command line has no root=: the initrd must find the root by itself");
		return;
	}
	check_device(x, root, "root=", true, &x->root_vol);
}

/* ---- the console the command line names ---- */

/* Does a console= on the command line name the device want ("ttyS0"
 * matches console=ttyS0,115200n8)? *any says whether there is a console=. */
static bool names_console(const char *args, const char *want, bool *any)
{
	size_t wl = strlen(want);
	*any = false;
	for (const char *p = args; *p;) {
		while (*p == ' ' || *p == '\t')
			p++;
		size_t n = strcspn(p, " \t");
		if (n > 8 && !strncmp(p, "console=", 8)) {
			*any = true;
			const char *v = p + 8;
			if (n - 8 >= wl && !strncmp(v, want, wl) && (n - 8 == wl || v[wl] == ','))
				return true;
		}
		p += n;
	}
	return false;
}

/* The VMMs give the guest one serial port (ttyS0) and Xen PVH its hvc0:
 * a console= naming neither leaves the console blank. Xen PVH without
 * console= still writes to hvc0; the others need it named. */
static void check_console(struct run *x)
{
	enum gb_target t = x->opt->target;
	if (!is_vmm(t) && !is_arm64(t) && t != GB_TARGET_XEN_PVH)
		return;
	/* arm64: QEMU virt's and Cloud Hypervisor's UART is a PL011 (ttyAMA0),
	 * Firecracker's an 8250 (ttyS0). There the devicetree's stdout-path
	 * (or ACPI's SPCR) names the console when the command line does not;
	 * a console= naming another device overrides it. */
	const char *want = t == GB_TARGET_XEN_PVH ? "hvc0" :
			   t == GB_TARGET_QEMU_ARM64 || t == GB_TARGET_CLOUD_HYPERVISOR_ARM64 ? "ttyAMA0" :
			   "ttyS0";
	bool any;
	if (names_console(x->def->args ? x->def->args : "", want, &any))
		return;
	char fix[96];
	snprintf(fix, sizeof(fix), "Add console=%s to the entry's command line (GRUB_CMDLINE_LINUX)", want);
	if (any)
		add(x->r, false, "console-wrong", fix,
		    "The command line names no console=%s: on %s the console is %s, so its messages and "
		    "login prompt go nowhere", want, gb_target_name(t), want);
	else if (is_vmm(t))
		add(x->r, false, "console-missing", fix,
		    "The command line has no console=: %s's only console is the serial port %s, and the "
		    "kernel writes to the absent VGA screen", gb_target_name(t), want);
}

static void check_fstab(struct run *x)
{
	struct gb_volume *v = x->root_vol;
	size_t len;
	char *d = v ? read_vol_file(x, v, "/etc/fstab", FSTAB_MAX, &len) : NULL;
	/* root= unresolved: the only volume that has an /etc/fstab */
	for (size_t i = 0; !d && !x->root_vol && i < gb_image_volume_count(x->img) && i < 256; i++) {
		v = gb_image_volume(x->img, i);
		if (gb_volume_info(v)->fstype[0])
			d = read_vol_file(x, v, "/etc/fstab", FSTAB_MAX, &len);
	}
	if (!d)
		return;
	note(x->r, "fstab: %s:/etc/fstab", vol_id(v));
	size_t p = 0, line = 0;
	while (p < len) {
		char *nl = memchr(d + p, '\n', len - p);
		size_t end = nl ? (size_t)(nl - d) : len;
		d[end] = '\0'; /* gb_fs_read_file leaves a NUL at len */
		line++;
		char spec[256], mnt[256], type[64], opts[256];
		opts[0] = '\0';
		int got = sscanf(d + p, "%255s %255s %63s %255s", spec, mnt, type, opts);
		p = end + 1;
		if (got < 3 || spec[0] == '#' || !strcmp(type, "swap") || strstr(opts, "noauto"))
			continue;
		char what[300];
		snprintf(what, sizeof(what), "/etc/fstab line %zu (%s)", line, mnt);
		/* nofail mounts do not stop the boot; the others drop to emergency mode */
		check_device(x, spec, what, !strstr(opts, "nofail"), NULL);
	}
	free(d);
}

/* ---- configuration features stock pygrub misreads ---- */

/* grub-reboot: GRUB boots next_entry once and clears it with save_env;
 * pygrub never writes the image, nor guestboot unless asked to
 * (--update-grubenv), so it boots every time. */
static void check_one_shot(struct run *x)
{
	const char *next = x->menu->one_shot;
	if (next)
		add(x->r, false, "one-shot-entry",
		    "Boot with guestboot's --update-grubenv (pygrub, extract, kexec), which clears it as GRUB "
		    "does, or clear it in the guest: grub-editenv - unset next_entry",
		    "grubenv holds next_entry=%s (grub-reboot): GRUB boots it once and clears it, but "
		    "pygrub, and guestboot without --update-grubenv, never write the image, so it is booted "
		    "on every start", next);
}

static void check_pygrub_features(struct run *x)
{
	if (x->opt->target != GB_TARGET_XEN_PV && x->opt->target != GB_TARGET_XEN_PVH)
		return;
	if (strcmp(gb_menu_kind(x->menu), "grub2"))
		return;
	size_t len;
	char *t = read_vol_file(x, gb_menu_volume(x->menu), gb_menu_path(x->menu), CFG_TEXT_MAX, &len);
	if (!t)
		return;
	const char *cfg = gb_menu_path(x->menu);
	if (strstr(t, "saved_entry") || strstr(t, "next_entry"))
		add(x->r, false, "pygrub-saved-default",
		    "Set GRUB_DEFAULT=0 (not 'saved') in /etc/default/grub and run update-grub, or use "
		    "guestboot as the bootloader",
		    "%s takes its default from grubenv (saved_entry/next_entry); Xen's stock pygrub does not "
		    "read grubenv and boots another entry", cfg);
	if (strstr(t, "submenu") && x->menu->default_spec && strchr(x->menu->default_spec, '>'))
		add(x->r, false, "pygrub-submenu-default",
		    "Make a top-level entry the default (GRUB_DISABLE_SUBMENU=y in /etc/default/grub)",
		    "The default '%s' points into a submenu; older pygrub does not follow 'a>b' defaults",
		    x->menu->default_spec);
	if (strstr(t, "blscfg"))
		add(x->r, false, "pygrub-blscfg", "Use Xen 4.15 or later, or guestboot, as the bootloader",
		    "%s loads its entries with blscfg (Boot Loader Spec); pygrub before Xen 4.15 sees no entries",
		    cfg);
	const char *iff = strstr(t, "\nif ");
	const char *sd = iff ? strstr(iff, "set default") : NULL;
	const char *fi = iff ? strstr(iff, "\nfi") : NULL;
	if (sd && fi && sd < fi)
		add(x->r, false, "pygrub-conditional-default",
		    "Set the default unconditionally, or use guestboot as the bootloader",
		    "%s sets its default inside an 'if'; pygrub does not evaluate conditions and may take "
		    "either branch", cfg);
	if (strstr(t, "linux16") || strstr(t, "initrd16"))
		add(x->r, false, "pygrub-linux16",
		    "Use 'linux'/'initrd' (GRUB_DISABLE_LINUX16 or regenerate the config), or a newer pygrub",
		    "%s uses linux16/initrd16, which old pygrub does not recognise", cfg);
	free(t);
}

int gb_doctor_run(struct gb_ctx *ctx, struct gb_image *img, const struct gb_doctor_options *caller_opt,
		  struct gb_report **out)
{
	struct gb_doctor_options opt;
	if (GB_ABI_IN(ctx, &opt, caller_opt))
		return gb_ctx_code(ctx);
	struct run x = { .ctx = ctx, .img = img, .opt = &opt,
			 .kinfo.struct_size = sizeof x.kinfo, .iinfo.struct_size = sizeof x.iinfo };
	x.r = calloc(1, sizeof(*x.r));
	if (!x.r)
		return gb_error(ctx, GB_E_NOMEM, "out of memory");
	const char *magic = gb_image_foreign_magic(img);
	if (magic)
		add(x.r, false, "image-format-magic",
		    "Name the format raw wherever this disk is attached (xl: format=raw in the disk "
		    "spec; libvirt: <driver type='raw'/>; qemu: -drive format=raw): a guest can "
		    "write a header into its own raw disk",
		    "the disk has no partition table and starts with a %s header, but is read as "
		    "raw: a tool that probes the format would read it as %s", magic, magic);
	if (!load_menu(&x)) {
		note(x.r, "config: %s %s:%s", gb_menu_kind(x.menu), vol_id(gb_menu_volume(x.menu)),
		     gb_menu_path(x.menu));
		check_default(&x);
		size_t n, budget = MAX_WALK_ENTRIES;
		const struct gb_entry *list = gb_menu_entries(x.menu, &n);
		check_entries(&x, list, n, 0, &budget);
		if (x.pv_multiboot) {
			/* not Linux: its initrd drivers, root= and fstab are not ours to check */
			check_kernel(&x);
		} else if (x.def && x.def->kind == GB_ENTRY_LINUX && x.def->kernel.path) {
			check_kernel(&x);
			inspect_initrd(&x);
			check_root(&x);
			check_console(&x);
			check_disk_driver(&x);
			if (!x.kernel_other_arch)
				check_virtio_transport(&x);
			check_fstab(&x);
		}
		check_pygrub_features(&x);
		check_one_shot(&x);
	}
	free(x.pv.args);
	gb_menu_close(x.menu);
	gb_ctx_clear(ctx);
	if (x.r->oom) {
		gb_report_free(x.r);
		return gb_error(ctx, GB_E_NOMEM, "out of memory");
	}
	*out = x.r;
	return 0;
}
