/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Worker threads for decompression: independent units (qcow2 clusters; later
 * btrfs extents, squashfs and ZFS blocks) decoded on every core. The threads
 * start on the first job that can use them, which in the command line is
 * inside the sandboxed child (its seccomp filter allows thread clones
 * only), and live until the process exits.
 *
 * A user gathers the units one read needs, keeps one decoder per slot,
 * and runs them with gb_pool_run (lib/source/qcow2.c: a batch of clusters,
 * and read-ahead with gb_pool_post). Tasks may read their input themselves
 * only where the source allows reads from several threads
 * (gb_source.concurrent: raw files, memory, NBD; not qcow2, whose caches
 * are the caller's): a file system driver reads the encoded extents on the
 * calling thread and hands the tasks only the decoding.
 */
#ifndef GB_POOL_H
#define GB_POOL_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

/* At most this many threads work on one job, the caller's included. */
#define GB_POOL_MAX_THREADS 16
/* Memory each thread beyond the caller's may hold for a job (its decoder
 * and input buffer). A user of the pool gives work to more than one thread
 * only when one thread's state fits in this, so peak memory stays under the
 * single-threaded bound (16 MiB, doc/bounds.md) plus this per extra thread.
 * Checked by tests/integration/bounds.sh. */
#define GB_POOL_THREAD_BUDGET (4u << 20)

/* The threads a job may use, the caller's included: GUESTBOOT_THREADS when
 * it is a number (clamped to 1..GB_POOL_MAX_THREADS), else the CPUs this
 * process may run on, at most GB_POOL_MAX_THREADS. Read once. */
unsigned gb_pool_threads(void);

/* Run task(arg, i, slot) once for every i < n, on up to `slots` threads at
 * once (the caller's included), and return when every task has returned.
 * `slot` (< slots) names the thread a task runs on: no two tasks run with
 * the same slot at the same time, so per-slot state (a decoder, a buffer)
 * needs no lock; slot 0 is the caller's. A slot runs its tasks in
 * increasing order of i. Everything runs on the caller, in order, when
 * slots or n is below 2, when a job is already running (a task may itself
 * call gb_pool_run), or when no thread could be started. Tasks must not
 * touch the caller's gb_ctx: each records its errors in its own
 * (gb_ctx_child) for the caller to adopt. */
void gb_pool_run(unsigned slots, size_t n, void (*task)(void *arg, size_t i, unsigned slot),
		 void *arg);

/* A job the pool's threads start on while the caller does something else
 * (read-ahead). The fields are the pool's. */
struct gb_pool_job {
	void (*task)(void *arg, size_t i, unsigned slot);
	void *arg;
	size_t n;
	atomic_size_t next;
	unsigned slots;
	unsigned joined; /* slots taken */
};

/* Post a job as gb_pool_run would run it, and return at once: the pool's
 * threads take slots 1 and up, slot 0 stays the caller's. Until
 * gb_pool_finish, the caller touches nothing the tasks touch, and no other
 * job runs on the pool (gb_pool_run runs serially). False, with nothing
 * posted, when slots is below 2, n is 0, a job is running or no thread
 * could be started. */
bool gb_pool_post(struct gb_pool_job *job, unsigned slots, size_t n,
		  void (*task)(void *arg, size_t i, unsigned slot), void *arg);
/* Run what is left of a posted job on the caller (slot 0), and return when
 * every task has returned. */
void gb_pool_finish(struct gb_pool_job *job);

#endif
