/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* kexec: find the boot configuration on block devices, choose the entry,
 * and load its kernel, initrd and command line into the running kernel
 * (kexec_file_load), then reboot into it. The image is parsed in the
 * sandboxed child as for extract; only this parent, which never reads a
 * guest byte, makes the kexec and reboot calls. */
#define _GNU_SOURCE
#include "cli.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/kexec.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/reboot.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define KEXEC_MAX_DEVICES 64

static void kexec_help(void)
{
	printf("Usage: guestboot kexec [OPTIONS] [DEVICE...]\n\n"
	       "Find the boot configuration on the DEVICEs (block devices or image files;\n"
	       "default: every disk in /sys/block except loop, ram, zram, dm, md, nbd and\n"
	       "floppy devices), in order: the first with a configuration is used. Choose\n"
	       "the entry as its bootloader would (or --entry, or on the console with\n"
	       "--menu), load its kernel, initrd and command line with kexec_file_load(2)\n"
	       "and reboot into it.\n\n"
	       "Options:\n"
	       "  -e, --entry SPEC       a GRUB path (1>0), an index, an id or a title\n"
	       "      --menu             choose on the terminal, as 'guestboot menu'\n"
	       "      --args ARGS        append ARGS to the entry's command line\n"
	       "  -n, --dry-run          load nothing: print the device, entry, kernel,\n"
	       "                         initrd and command line it would load\n"
	       "      --load-only        load, do not reboot (then 'systemctl kexec' or\n"
	       "                         'kexec -e')\n"
	       "      --kernel-only      load no initrd\n"
	       CLI_ENTRY_HELP
	       "  -h, --help             this text\n\n"
	       "When the kernel has no kexec_file_load (ENOSYS) or refuses an unsigned\n"
	       "kernel, 'kexec -c -l' from kexec-tools loads it instead, if installed.\n");
}

/* ---- the devices to look at ---- */

static bool skipped_device(const char *name)
{
	/* not disks a guest's boot configuration lives on */
	static const char *const prefixes[] = { "loop", "ram", "zram", "dm-", "md", "nbd", "fd" };
	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++)
		if (!strncmp(name, prefixes[i], strlen(prefixes[i])))
			return true;
	return name[0] == '.';
}

/* vda < vdb < vdz < vdaa, as the kernel names them in probe order */
static int device_order(const void *a, const void *b)
{
	const char *x = *(char *const *)a, *y = *(char *const *)b;
	size_t lx = strlen(x), ly = strlen(y);
	return lx != ly ? (lx < ly ? -1 : 1) : strcmp(x, y);
}

/* The whole disks under /sys/block with a non-zero size, as /dev paths
 * (malloc'd, in *devs). Returns the count, or -1 when /sys/block is
 * missing. */
static int scan_devices(char **devs, size_t cap)
{
	DIR *d = opendir("/sys/block");
	if (!d)
		return -1;
	size_t n = 0;
	struct dirent *de;
	while ((de = readdir(d)) && n < cap) {
		if (skipped_device(de->d_name))
			continue;
		char path[512], size[32] = "";
		snprintf(path, sizeof(path), "/sys/block/%s/size", de->d_name);
		FILE *f = fopen(path, "re");
		if (!f)
			continue;
		bool empty = !fgets(size, sizeof(size), f) || strtoull(size, NULL, 10) == 0;
		fclose(f);
		if (empty)
			continue;
		/* sysfs writes '/' in a device name as '!' (cciss!c0d0) */
		char *dev;
		if (asprintf(&dev, "/dev/%s", de->d_name) < 0)
			break;
		for (char *p = dev; *p; p++)
			if (*p == '!')
				*p = '/';
		devs[n++] = dev;
	}
	closedir(d);
	qsort(devs, n, sizeof(*devs), device_order);
	return (int)n;
}

/* ---- loading ---- */

/* A descriptor the kernel may read the file from: kexec_file_load refuses
 * a file still open for writing (ETXTBSY), so the memfd the child filled
 * is opened again read-only through /proc and the writable one closed. */
static int reopen_read_only(int *fd)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/self/fd/%d", *fd);
	int ro = open(path, O_RDONLY | O_CLOEXEC);
	if (ro < 0)
		return -1;
	close(*fd);
	*fd = ro;
	return 0;
}

/* kexec-tools' kexec_load path, for kernels without kexec_file_load or
 * that refuse an unsigned kernel with it. Returns 0 when it loaded. */
static int load_with_kexec_tools(int kfd, int ifd, const char *cmdline)
{
	char kpath[64], ipath[80], *cl = NULL;
	snprintf(kpath, sizeof(kpath), "/proc/%d/fd/%d", (int)getpid(), kfd);
	snprintf(ipath, sizeof(ipath), "--initrd=/proc/%d/fd/%d", (int)getpid(), ifd);
	if (asprintf(&cl, "--command-line=%s", cmdline) < 0)
		return -1;
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0) {
		if (ifd >= 0)
			execlp("kexec", "kexec", "-c", "-l", ipath, cl, kpath, (char *)NULL);
		else
			execlp("kexec", "kexec", "-c", "-l", cl, kpath, (char *)NULL);
		_exit(127);
	}
	free(cl);
	int status;
	if (pid < 0 || waitpid(pid, &status, 0) < 0)
		return -1;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 127) {
		fprintf(stderr, "guestboot: kexec: kexec-tools' kexec is not installed either\n");
		return -1;
	}
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

static int load(int kfd, int ifd, const char *cmdline)
{
	unsigned long flags = ifd < 0 ? KEXEC_FILE_NO_INITRAMFS : 0;
	if (!syscall(SYS_kexec_file_load, kfd, ifd, strlen(cmdline) + 1, cmdline, flags))
		return 0;
	int err = errno;
	fprintf(stderr, "guestboot: kexec: kexec_file_load: %s\n", strerror(err));
	/* no such call, or a signature required (EKEYREJECTED, EPERM under
	 * lockdown, EBADMSG/ENOPKG for an unsigned image) */
	if (err == ENOSYS || err == EPERM || err == EKEYREJECTED || err == EBADMSG ||
	    err == ENOPKG || err == ENOKEY) {
		fprintf(stderr, "guestboot: kexec: trying kexec-tools (kexec -c -l)\n");
		return load_with_kexec_tools(kfd, ifd, cmdline);
	}
	return -1;
}

/* ---- the command ---- */

struct kexec_req {
	struct cli_extract x;
	const char *append;   /* --args */
	bool dry_run, load_only;
};

static void print_field(const char *key, const char *value)
{
	printf("%s: ", key);
	cli_put_safe(stdout, value);
	putchar('\n');
}

static void print_choice(const char *device, const struct cli_entry_result *e,
			 const char *cmdline)
{
	print_field("device", device);
	printf("entry: %s ", e->path);
	cli_put_safe(stdout, e->title);
	putchar('\n');
	print_field("kernel", e->kernel);
	print_field("initrd", e->initrd[0] ? e->initrd : "(none)");
	print_field("cmdline", cmdline);
	fflush(stdout);
}

/* Exit statuses after which the next device is tried: nothing (bootable)
 * there, or an image that cannot be read. */
static bool try_next(int status)
{
	return status == 3 || status == 4 || status == 5 || status == 6 || status == 9;
}

/* Choose on one device and, unless a dry run, load. Returns the exit
 * status. */
static int kexec_device(struct kexec_req *q, const char *device)
{
	static struct cli_entry_result res;
	int kfd = -1, ifd = -1, r;
	q->x.image = device;
	if (!q->dry_run &&
	    ((kfd = memfd_create("guestboot-kernel", MFD_CLOEXEC)) < 0 ||
	     (!q->x.kernel_only && (ifd = memfd_create("guestboot-initrd", MFD_CLOEXEC)) < 0))) {
		fprintf(stderr, "guestboot: kexec: memfd_create: %s\n", strerror(errno));
		r = 6;
		goto out;
	}
	if ((r = cli_extract_to_fds(&q->x, &(struct cli_extract_fds){ kfd, ifd, -1, -1, -1 }, &res)))
		goto out;
	char *cmdline;
	if (asprintf(&cmdline, "%s%s%s", res.cmdline, *res.cmdline && q->append ? " " : "",
		     q->append ? q->append : "") < 0) {
		r = 10;
		goto out;
	}
	print_choice(device, &res, cmdline);
	/* as GRUB, which runs save_env before it loads the kernel */
	if (!q->dry_run && *res.grubenv && (r = cli_update_grubenv(device, &q->x.img, res.grubenv))) {
		free(cmdline);
		goto out;
	}
	if (!q->dry_run) {
		if (!res.initrd[0] && ifd >= 0) {
			close(ifd);
			ifd = -1;
		}
		if (reopen_read_only(&kfd) || (ifd >= 0 && reopen_read_only(&ifd))) {
			fprintf(stderr, "guestboot: kexec: cannot reopen the kernel read-only "
					"through /proc/self/fd (is /proc mounted?): %s\n",
				strerror(errno));
			r = 6;
		} else if (load(kfd, ifd, cmdline)) {
			fprintf(stderr, "guestboot: kexec: %s: the kernel could not be loaded\n",
				device);
			r = 1;
		}
	}
	free(cmdline);
out:
	if (kfd >= 0)
		close(kfd);
	if (ifd >= 0)
		close(ifd);
	return r;
}

int cmd_kexec(int argc, char **argv)
{
	enum { O_MENU = 0x800, O_ARGS, O_LOAD_ONLY };
	static const struct option longopts[] = {
		{ "entry", required_argument, NULL, 'e' },
		{ "menu", no_argument, NULL, O_MENU },
		{ "args", required_argument, NULL, O_ARGS },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "load-only", no_argument, NULL, O_LOAD_ONLY },
		CLI_ENTRY_LONGOPTS,
		CLI_IMAGE_LONGOPTS,
		{ 0 },
	};
	struct kexec_req q = { .x = CLI_EXTRACT_DEFAULTS };
	int c, err;
	while ((c = getopt_long(argc, argv, "he:n", longopts, NULL)) != -1) {
		if (cli_extract_opt(c, optarg, "kexec", &q.x, &err)) {
			if (err)
				return err;
			continue;
		}
		switch (c) {
		case 'e': q.x.entry = optarg; break;
		case 'n': q.dry_run = true; break;
		case O_MENU: q.x.interactive = true; break;
		case O_ARGS: q.append = optarg; break;
		case O_LOAD_ONLY: q.load_only = true; break;
		case 'h': kexec_help(); return 0;
		default: return cli_usage_error("kexec", "bad option");
		}
	}
	if (q.x.interactive && q.x.entry)
		return cli_usage_error("kexec", "--menu and --entry exclude each other");
	q.x.print_only = q.dry_run;

	char *found[KEXEC_MAX_DEVICES];
	char **devs = argv + optind;
	int ndevs = argc - optind;
	bool scanned = ndevs == 0;
	if (scanned) {
		ndevs = scan_devices(found, KEXEC_MAX_DEVICES);
		devs = found;
		if (ndevs <= 0) {
			fprintf(stderr, "guestboot: kexec: no disks found in /sys/block%s\n",
				ndevs < 0 ? " (is sysfs mounted?)" : "");
			return 3;
		}
	}
	int r = 3;
	for (int i = 0; i < ndevs; i++) {
		r = kexec_device(&q, devs[i]);
		if (!try_next(r))
			break;
	}
	if (try_next(r) && ndevs > 1) {
		fprintf(stderr, "guestboot: kexec: nothing to boot on any of the %d devices\n",
			ndevs);
	}
	if (scanned)
		for (int i = 0; i < ndevs; i++)
			free(found[i]);
	if (r || q.dry_run)
		return r;
	if (q.load_only) {
		printf("kexec: loaded; 'systemctl kexec' or 'kexec -e' boots it\n");
		return 0;
	}
	printf("kexec: loaded; rebooting into it\n");
	fflush(NULL);
	sync();
	reboot(RB_KEXEC);
	fprintf(stderr, "guestboot: kexec: reboot: %s\n", strerror(errno));
	return 1;
}
