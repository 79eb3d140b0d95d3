/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The worker pool (lib/core/pool.c): every task runs once, a slot is never
 * used by two threads at once and runs its tasks in order, a job inside a
 * job runs serially, and posted jobs run on the workers. */
#include "t.h"

#include "core/pool.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <time.h>

#define N 3000
#define SLOTS 4

struct record {
	atomic_int runs[N];
	atomic_int busy[SLOTS];  /* tasks running on a slot */
	size_t last[SLOTS];       /* the slot's last index + 1 */
	atomic_int overlaps, out_of_order, bad_slot;
	atomic_int nested_bad;
	atomic_int by_workers;    /* tasks run on slots other than 0 */
};

static void spin(unsigned n)
{
	for (volatile unsigned i = 0; i < n; i++)
		;
}

static void task(void *arg, size_t i, unsigned slot)
{
	struct record *r = arg;
	if (slot >= SLOTS) {
		r->bad_slot++;
		return;
	}
	if (atomic_fetch_add(&r->busy[slot], 1))
		r->overlaps++;
	if (i + 1 <= r->last[slot])
		r->out_of_order++;
	r->last[slot] = i + 1;
	r->runs[i]++;
	if (slot)
		r->by_workers++;
	spin(2000);
	atomic_fetch_sub(&r->busy[slot], 1);
}

static struct record *fresh(void)
{
	/* the first case to run fixes the pool's size for the process */
	setenv("GUESTBOOT_THREADS", "4", 1);
	return calloc(1, sizeof(struct record));
}

static void check_all_once(struct record *r)
{
	int wrong = 0;
	for (size_t i = 0; i < N; i++)
		wrong += r->runs[i] != 1;
	CHECK_INT(wrong, 0);
	CHECK_INT(r->overlaps, 0);
	CHECK_INT(r->out_of_order, 0);
	CHECK_INT(r->bad_slot, 0);
}

static void every_task_once(void)
{
	struct record *r = fresh();
	CHECK_INT(gb_pool_threads(), 4);
	gb_pool_run(SLOTS, N, task, r);
	check_all_once(r);
	free(r);
}

static void nested_task(void *arg, size_t i, unsigned slot)
{
	struct record *r = arg;
	(void)i;
	(void)slot;
	/* the pool is busy: this inner job runs on the calling thread */
	struct record *inner = calloc(1, sizeof(*inner));
	gb_pool_run(SLOTS, 50, task, inner);
	for (size_t k = 0; k < 50; k++)
		if (inner->runs[k] != 1)
			r->nested_bad++;
	if (inner->by_workers)
		r->nested_bad++;
	free(inner);
}

static void nested_runs_serially(void)
{
	struct record *r = fresh();
	gb_pool_run(SLOTS, 8, nested_task, r);
	CHECK_INT(r->nested_bad, 0);
	free(r);
}

static void posted_job(void)
{
	struct record *r = fresh();
	struct gb_pool_job job;
	CHECK(gb_pool_post(&job, SLOTS, N, task, r));
	/* the workers start without the caller: wait (5 s at most) for one */
	struct timespec t0, t;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	do
		clock_gettime(CLOCK_MONOTONIC, &t);
	while (!r->by_workers && t.tv_sec - t0.tv_sec < 5);
	CHECK(r->by_workers > 0);
	/* meanwhile the pool runs nothing else: this runs on the caller */
	struct record *other = calloc(1, sizeof(*other));
	gb_pool_run(SLOTS, 20, task, other);
	CHECK_INT(other->by_workers, 0);
	CHECK_INT(other->runs[19], 1);
	free(other);
	/* and only one job is posted at a time */
	struct gb_pool_job second;
	CHECK(!gb_pool_post(&second, SLOTS, 5, task, r));
	gb_pool_finish(&job);
	check_all_once(r);
	free(r);
}

const struct t_case pool_cases[] = {
	{ "pool/every-task-once", every_task_once },
	{ "pool/nested-runs-serially", nested_runs_serially },
	{ "pool/posted-job", posted_job },
	{ NULL, NULL },
};
