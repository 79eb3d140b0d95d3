/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The sandbox every guest byte is parsed in: resource limits, no new
 * privileges, and a seccomp allowlist that permits reading and writing
 * descriptors opened beforehand, memory management and exiting — no opening
 * of files, no sockets, no exec, no fork (threads, yes: thread_rules). A
 * forbidden call kills the process (SIGSYS). See SECURITY.md for the
 * reasoning behind each entry.
 */
#define _GNU_SOURCE
#include "core/core.h"
#include "core/pool.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/prctl.h>
#include <malloc.h>
/* libseccomp's SCMP_A* macros leave a field out of their initializers. */
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
#include <seccomp.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sched.h>
#include <sys/resource.h>
#include <termios.h>
#include <unistd.h>

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define GB_SANITIZER_BUILD 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define GB_SANITIZER_BUILD 1
#endif
#endif

static int set_limit(int resource, uint64_t value)
{
	struct rlimit rl = { (rlim_t)value, (rlim_t)value };
	struct rlimit cur;
	/* Never raise a limit someone set lower. */
	if (getrlimit(resource, &cur) == 0 && cur.rlim_max != RLIM_INFINITY &&
	    cur.rlim_max < rl.rlim_max)
		rl.rlim_cur = rl.rlim_max = cur.rlim_max;
	return setrlimit(resource, &rl);
}

/* Tasks of the user (root is not held to it). The syscall filter lets no
 * process be made; this bounds the pool's threads too where the filter
 * lets them be (a user with more tasks gets fewer workers, or none, and
 * decompresses on one thread). Without the filter, nothing. */
#ifdef GB_SANITIZER_BUILD
#define NPROC_LIMIT 0
#else
#define NPROC_LIMIT GB_POOL_MAX_THREADS
#endif

static int limits(struct gb_ctx *ctx, const struct gb_sandbox_limits *lim)
{
	if ((lim->cpu_seconds && set_limit(RLIMIT_CPU, lim->cpu_seconds)) ||
	    (lim->file_size && set_limit(RLIMIT_FSIZE, lim->file_size)) ||
	    set_limit(RLIMIT_CORE, 0) || set_limit(RLIMIT_NPROC, NPROC_LIMIT) ||
	    set_limit(RLIMIT_MEMLOCK, 0))
		return gb_error(ctx, GB_E_IO, "sandbox: setrlimit: %s", strerror(errno));
#ifndef GB_SANITIZER_BUILD
	/* Sanitizers reserve terabytes of address space: no cap there. */
	if (lim->memory && set_limit(RLIMIT_AS, lim->memory))
		return gb_error(ctx, GB_E_IO, "sandbox: setrlimit: %s", strerror(errno));
#endif
	return 0;
}

#ifndef GB_SANITIZER_BUILD
/* Rules are added to a filter whose default is to kill the process. */
static int allow(scmp_filter_ctx f, int nr)
{
	return seccomp_rule_add(f, SCMP_ACT_ALLOW, nr, 0);
}

/*
 * Threads (lib/core/pool.c), never processes. glibc (2.34 and later) tries
 * clone3 first, whose flags lie in memory a filter cannot read: it is
 * answered ENOSYS, and glibc falls back to clone, whose flags are checked
 * here. A thread must share the address space, the signal handlers and
 * the thread group; it may share descriptors, the file system context and
 * System V undo lists and set its TLS and TID words (glibc 2.36 sets all
 * of these); nothing else: no new namespace, no vfork, no parent's
 * sibling, no ptrace, no pidfd, no exit signal. fork and vfork are not
 * allowed at all.
 */
#define THREAD_NEEDS (CLONE_VM | CLONE_SIGHAND | CLONE_THREAD)
#define THREAD_MAY (THREAD_NEEDS | CLONE_FS | CLONE_FILES | CLONE_SYSVSEM | CLONE_SETTLS | \
		    CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID)

static int thread_rules(scmp_filter_ctx f)
{
	/* the kernel reads the low 32 bits of clone's flags only */
	scmp_datum_t mask = (scmp_datum_t)(~THREAD_MAY | THREAD_NEEDS) & 0xffffffffu;
	if (seccomp_rule_add(f, SCMP_ACT_ALLOW, SCMP_SYS(clone), 1,
			     SCMP_A0(SCMP_CMP_MASKED_EQ, mask, THREAD_NEEDS)) ||
	    seccomp_rule_add(f, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3), 0))
		return -1;
	/* how many CPUs the pool may use (its own mask only) */
	return seccomp_rule_add(f, SCMP_ACT_ALLOW, SCMP_SYS(sched_getaffinity), 1,
				SCMP_A0(SCMP_CMP_EQ, 0));
}

static int build_filter(scmp_filter_ctx f)
{
	static const int plain[] = {
		/* descriptors opened before the sandbox */
		SCMP_SYS(read), SCMP_SYS(readv), SCMP_SYS(pread64), SCMP_SYS(preadv),
		SCMP_SYS(write), SCMP_SYS(writev), SCMP_SYS(lseek), SCMP_SYS(close),
		SCMP_SYS(fstat), SCMP_SYS(fstatfs), SCMP_SYS(copy_file_range), SCMP_SYS(fallocate),
		SCMP_SYS(poll), SCMP_SYS(ppoll), SCMP_SYS(select), SCMP_SYS(pselect6),
		/* memory */
		SCMP_SYS(brk), SCMP_SYS(munmap), SCMP_SYS(mremap), SCMP_SYS(madvise),
		/* threads' locks, time, randomness for hash seeds */
		SCMP_SYS(futex), SCMP_SYS(clock_gettime), SCMP_SYS(gettimeofday),
		SCMP_SYS(time), SCMP_SYS(getrandom), SCMP_SYS(sched_yield),
		/* what a new thread registers with the kernel (glibc's
		 * pthread_create; see thread_rules) */
		SCMP_SYS(set_robust_list), SCMP_SYS(rseq),
		/* signals: returning from handlers, masks, the terminal's resize */
		SCMP_SYS(rt_sigreturn), SCMP_SYS(rt_sigprocmask), SCMP_SYS(rt_sigaction),
		SCMP_SYS(getpid), SCMP_SYS(gettid),
		/* glibc's qsort asks for the physical memory size (sysconf
		 * _SC_PHYS_PAGES) before sorting more than a few KiB, e.g. the
		 * listing of a directory of a hundred entries */
		SCMP_SYS(sysinfo),
		/* leaving */
		SCMP_SYS(exit), SCMP_SYS(exit_group),
	};
	for (size_t i = 0; i < sizeof(plain) / sizeof(plain[0]); i++)
		if (allow(f, plain[i]))
			return -1;
	/* Memory may be mapped and protected, never made executable. */
	if (seccomp_rule_add(f, SCMP_ACT_ALLOW, SCMP_SYS(mmap), 1,
			     SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0)) ||
	    seccomp_rule_add(f, SCMP_ACT_ALLOW, SCMP_SYS(mprotect), 1,
			     SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0)))
		return -1;
	/* glibc's fstat is fstatat(fd, "", AT_EMPTY_PATH): allow only that form. */
	if (seccomp_rule_add(f, SCMP_ACT_ALLOW, SCMP_SYS(newfstatat), 1,
			     SCMP_A3(SCMP_CMP_MASKED_EQ, AT_EMPTY_PATH, AT_EMPTY_PATH)))
		return -1;
	/* stdio asks whether a descriptor is a terminal; a menu sets modes. */
	static const unsigned long ioctls[] = { TCGETS, TCSETS, TCSETSW, TCSETSF, TIOCGWINSZ };
	for (size_t i = 0; i < sizeof(ioctls) / sizeof(ioctls[0]); i++)
		if (seccomp_rule_add(f, SCMP_ACT_ALLOW, SCMP_SYS(ioctl), 1,
				     SCMP_A1(SCMP_CMP_EQ, ioctls[i])))
			return -1;
	/* fcntl to read flags only (stdio); never to duplicate or lock. */
	if (seccomp_rule_add(f, SCMP_ACT_ALLOW, SCMP_SYS(fcntl), 1,
			     SCMP_A1(SCMP_CMP_EQ, F_GETFL)) ||
	    seccomp_rule_add(f, SCMP_ACT_ALLOW, SCMP_SYS(fcntl), 1,
			     SCMP_A1(SCMP_CMP_EQ, F_GETFD)))
		return -1;
	/* An NBD export's socket is connected before the sandbox: libnbd talks
	 * on it with send/recv, which are sendto/recvfrom without an address.
	 * With no socket() or connect() allowed, and no address here, nothing
	 * reaches a new peer. */
	if (seccomp_rule_add(f, SCMP_ACT_ALLOW, SCMP_SYS(sendto), 1, SCMP_A4(SCMP_CMP_EQ, 0)) ||
	    seccomp_rule_add(f, SCMP_ACT_ALLOW, SCMP_SYS(recvfrom), 1, SCMP_A4(SCMP_CMP_EQ, 0)))
		return -1;
	if (thread_rules(f))
		return -1;
	/* abort() signals this process only. */
	if (seccomp_rule_add(f, SCMP_ACT_ALLOW, SCMP_SYS(tgkill), 1,
			     SCMP_A0(SCMP_CMP_EQ, (scmp_datum_t)getpid())))
		return -1;
	return 0;
}
#endif

int gb_sandbox_enter(struct gb_ctx *ctx, const struct gb_sandbox_limits *caller_lim)
{
	struct gb_sandbox_limits lim;
	int r = GB_ABI_IN(ctx, &lim, caller_lim);
	if (!r)
		r = limits(ctx, &lim);
	if (r)
		return r;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		return gb_error(ctx, GB_E_IO, "sandbox: no_new_privs: %s", strerror(errno));
#ifdef M_ARENA_MAX
	/* One malloc arena for every thread: glibc's per-thread arenas open
	 * files the filter refuses (/sys for the CPU count when a ninth is
	 * made, /proc/sys/vm/overcommit_memory when one shrinks), while the
	 * main one grows and shrinks with brk. The decompression threads
	 * allocate only their decoders: they hardly contend for it. */
	mallopt(M_ARENA_MAX, 1);
#endif
	/* Core dumps would write guest-controlled memory to the host. */
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
#ifdef GB_SANITIZER_BUILD
	/* The sanitizers' runtime opens /proc files to report: in those
	 * builds the syscall filter is left out (limits stay). */
	return 0;
#else
	scmp_filter_ctx f = seccomp_init(SCMP_ACT_KILL_PROCESS);
	if (!f)
		return gb_error(ctx, GB_E_NOMEM, "sandbox: seccomp_init failed");
	if (build_filter(f) || seccomp_load(f)) {
		seccomp_release(f);
		return gb_error(ctx, GB_E_IO, "sandbox: cannot load the seccomp filter");
	}
	seccomp_release(f);
	return 0;
#endif
}

bool gb_sandbox_filtered(void)
{
#ifdef GB_SANITIZER_BUILD
	return false;
#else
	return true;
#endif
}
