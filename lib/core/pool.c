/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * One job at a time: the caller posts it, the workers that wake in time
 * take a slot each, and every thread takes the next index until none is
 * left. The caller works too (at once, or after doing something else), so
 * a job never waits for a worker to wake; it ends once the workers that
 * joined have left.
 */
#define _GNU_SOURCE
#include "core/pool.h"

#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>

/* Decoders need little stack; this is address space, not memory. */
#define WORKER_STACK (1u << 20)
/* Before sleeping, a worker that left a job waits this many pauses (some
 * 0.1 ms) for the next, and so does a caller for the workers to leave:
 * a read-ahead is posted right after the last one ends, and a wake-up
 * through the kernel costs as much in a VM. */
#define SPIN 4000

static inline void cpu_pause(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#elif defined(__aarch64__)
	__asm__ __volatile__("yield");
#endif
}

static struct {
	pthread_mutex_t lock;
	pthread_cond_t wake; /* a job was posted */
	pthread_cond_t idle; /* the last worker left the job */
	struct gb_pool_job *job; /* NULL: none open to joining */
	atomic_ulong generation; /* of the job posted last; set under lock */
	atomic_uint busy;    /* workers inside a job; raised under lock */
} pool = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, PTHREAD_COND_INITIALIZER,
	   NULL, 0, 0 };

/* Taken by the thread that posts a job until it finishes it: whoever finds
 * it taken runs serially. */
static atomic_bool running;
/* Set by the thread that holds `running`: */
static unsigned workers;
static bool started;

static pthread_once_t threads_once = PTHREAD_ONCE_INIT;
static unsigned threads;

static unsigned clamp_threads(long n)
{
	return n < 1 ? 1 : n > GB_POOL_MAX_THREADS ? GB_POOL_MAX_THREADS : (unsigned)n;
}

static void count_threads(void)
{
	const char *s = getenv("GUESTBOOT_THREADS");
	char *end;
	if (s && *s) {
		long v = strtol(s, &end, 10);
		if (!*end) {
			threads = clamp_threads(v);
			return;
		}
	}
	/* The CPUs we may run on (taskset, cpusets), not all that are online;
	 * and sysconf would read /sys, which the sandbox does not open. */
	cpu_set_t set;
	threads = sched_getaffinity(0, sizeof(set), &set) ? 1 : clamp_threads(CPU_COUNT(&set));
}

unsigned gb_pool_threads(void)
{
	pthread_once(&threads_once, count_threads);
	return threads;
}

static void work(struct gb_pool_job *j, unsigned slot)
{
	for (;;) {
		size_t i = atomic_fetch_add_explicit(&j->next, 1, memory_order_relaxed);
		if (i >= j->n)
			return;
		j->task(j->arg, i, slot);
	}
}

static void *worker(void *unused)
{
	(void)unused;
	unsigned long served = 0;
	for (;;) {
		for (int i = 0; i < SPIN && atomic_load(&pool.generation) == served; i++)
			cpu_pause();
		pthread_mutex_lock(&pool.lock);
		struct gb_pool_job *j;
		for (;;) {
			unsigned long g = atomic_load(&pool.generation);
			j = pool.job;
			if (g != served) {
				served = g; /* one slot per job and worker */
				if (j && j->joined < j->slots)
					break;
			}
			pthread_cond_wait(&pool.wake, &pool.lock);
		}
		unsigned slot = j->joined++;
		atomic_fetch_add(&pool.busy, 1);
		pthread_mutex_unlock(&pool.lock);
		work(j, slot);
		if (atomic_fetch_sub(&pool.busy, 1) == 1) {
			pthread_mutex_lock(&pool.lock);
			pthread_cond_signal(&pool.idle);
			pthread_mutex_unlock(&pool.lock);
		}
	}
	return NULL;
}

/* A forked child has the forking thread only. */
static void after_fork(void)
{
	pthread_mutex_init(&pool.lock, NULL);
	pthread_cond_init(&pool.wake, NULL);
	pthread_cond_init(&pool.idle, NULL);
	pool.job = NULL;
	atomic_store(&pool.busy, 0);
	atomic_store(&running, false);
	workers = 0;
	started = false;
}

static void start_workers(void)
{
	started = true;
	pthread_atfork(NULL, NULL, after_fork);
	pthread_attr_t attr;
	if (pthread_attr_init(&attr))
		return;
	pthread_attr_setstacksize(&attr, WORKER_STACK);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	/* Signals (a terminal's resize, the supervisor's SIGTERM) stay with
	 * the thread that handles them: workers block them all. */
	sigset_t all, old;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	/* A refused thread (RLIMIT_NPROC, memory) just means fewer workers. */
	for (unsigned i = 1; i < gb_pool_threads(); i++) {
		pthread_t t;
		if (pthread_create(&t, &attr, worker, NULL))
			break;
		workers++;
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	pthread_attr_destroy(&attr);
}

bool gb_pool_post(struct gb_pool_job *j, unsigned slots, size_t n,
		  void (*task)(void *arg, size_t i, unsigned slot), void *arg)
{
	bool no = false;
	if (slots < 2 || !n || !atomic_compare_exchange_strong(&running, &no, true))
		return false;
	if (!started)
		start_workers();
	if (!workers) {
		atomic_store(&running, false);
		return false;
	}
	j->task = task;
	j->arg = arg;
	j->n = n;
	atomic_init(&j->next, 0);
	j->slots = slots > GB_POOL_MAX_THREADS ? GB_POOL_MAX_THREADS : slots;
	j->joined = 1; /* slot 0: the caller's */
	pthread_mutex_lock(&pool.lock);
	pool.job = j;
	atomic_fetch_add(&pool.generation, 1);
	pthread_cond_broadcast(&pool.wake);
	pthread_mutex_unlock(&pool.lock);
	return true;
}

void gb_pool_finish(struct gb_pool_job *j)
{
	work(j, 0);
	pthread_mutex_lock(&pool.lock);
	pool.job = NULL; /* no worker joins any more */
	pthread_mutex_unlock(&pool.lock);
	for (int i = 0; i < SPIN && atomic_load(&pool.busy); i++)
		cpu_pause();
	if (atomic_load(&pool.busy)) {
		pthread_mutex_lock(&pool.lock);
		while (atomic_load(&pool.busy))
			pthread_cond_wait(&pool.idle, &pool.lock);
		pthread_mutex_unlock(&pool.lock);
	}
	atomic_store(&running, false);
}

void gb_pool_run(unsigned slots, size_t n, void (*task)(void *arg, size_t i, unsigned slot),
		 void *arg)
{
	struct gb_pool_job j;
	if (n >= 2 && gb_pool_post(&j, slots, n, task, arg)) {
		gb_pool_finish(&j);
		return;
	}
	for (size_t i = 0; i < n; i++)
		task(arg, i, 0);
}
