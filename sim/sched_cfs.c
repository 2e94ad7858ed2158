/*
 * sched_cfs.c - CFS: weighted fair sharing with wake-up preemption.
 *
 * Each thread accumulates vruntime = run time x 1024 / weight; the thread
 * with the least vruntime runs. The running thread keeps the core for a
 * slice of sched_latency / nr_running (at least min_granularity) while
 * others wait. A waking thread is placed no further back than
 * min_vruntime - sched_latency / 2 (sleeper credit) and preempts when its
 * vruntime is more than wakeup_granularity below the running thread's.
 * Linux keeps the queue in an rbtree; a core here holds a handful of
 * threads, so a list scanned for the minimum is simpler and as fast.
 */
#include <stdint.h>

#include "core.h"

void sched_fair_update_min_vruntime(struct core *c)
{
    int64_t v = INT64_MAX;
    if (c->curr && c->curr->cls->rank == SCHED_CFS)
        v = c->curr->vruntime;
    for (struct thread *t = c->rq[SCHED_CFS].head; t; t = t->next)
        if (t->vruntime < v)
            v = t->vruntime;
    if (v != INT64_MAX && v > c->cfs_min_vruntime)
        c->cfs_min_vruntime = v;
}

static void enqueue_cfs(struct core *c, struct thread *t, int flags)
{
    const struct host_params *hp = &c->m->hp;
    if (flags & SCHED_WAKEUP) {
        int64_t floor = c->cfs_min_vruntime - hp->cfs_latency_ns / 2;
        if (t->vruntime < floor)
            t->vruntime = floor;
    } else {
        t->vruntime += c->cfs_min_vruntime; /* made relative by dequeue */
    }
    tlist_push_tail(&c->rq[SCHED_CFS], t);
}

static void dequeue_cfs(struct core *c, struct thread *t)
{
    tlist_remove(&c->rq[SCHED_CFS], t);
    t->vruntime -= c->cfs_min_vruntime;
}

static struct thread *pick_next_cfs(struct core *c)
{
    struct thread *best = NULL;
    for (struct thread *t = c->rq[SCHED_CFS].head; t; t = t->next)
        if (!best || t->vruntime < best->vruntime)
            best = t;
    if (best)
        tlist_remove(&c->rq[SCHED_CFS], best);
    return best;
}

static void put_prev_cfs(struct core *c, struct thread *t, int preempted)
{
    (void)preempted;
    tlist_push_tail(&c->rq[SCHED_CFS], t);
}

static void set_curr_cfs(struct core *c, struct thread *t)
{
    t->slice_start_ns = des_now(c->m->des);
}

static void update_curr_cfs(struct core *c, struct thread *t, int64_t ns)
{
    /* Nice 0 (weight 1024) is the common case: spare the division. */
    t->vruntime += t->weight == 1024 ? ns : ns * 1024 / t->weight;
    sched_fair_update_min_vruntime(c);
}

static int check_preempt_cfs(struct core *c, struct thread *curr,
                             struct thread *t)
{
    return curr->vruntime - t->vruntime > c->m->hp.cfs_wakeup_gran_ns;
}

static int64_t slice_ns(const struct core *c)
{
    const struct host_params *hp = &c->m->hp;
    int64_t s = hp->cfs_latency_ns / (c->rq[SCHED_CFS].n + 1);
    return s > hp->cfs_min_gran_ns ? s : hp->cfs_min_gran_ns;
}

/* A slice ends at the first scheduler tick after it is spent: Linux 3.x
 * checks it in check_preempt_tick(), from the tick (HRTICK is off by
 * default), and every core ticks at the same instants (skew_tick=0). */
static int64_t timer_ns_cfs(struct core *c, struct thread *t)
{
    if (c->rq[SCHED_CFS].n == 0)
        return INT64_MAX;
    int64_t end = t->slice_start_ns + slice_ns(c);
    int64_t tick = c->m->hp.tick_ns;
    return tick > 0 ? (end + tick - 1) / tick * tick : end;
}

static int tick_cfs(struct core *c, struct thread *t)
{
    (void)t;
    return c->rq[SCHED_CFS].n > 0;
}

static void sleep_cfs(struct core *c, struct thread *t)
{
    (void)c;
    (void)t;
}

static void throttle_cfs(struct core *c, struct thread *t)
{
    (void)c;
    (void)t;
}

/* CFS keeps a reweighted thread's vruntime (reweight_entity() before
 * 6.6): only the rate at which it grows changes. */
static void reweight_cfs(struct core *c, struct thread *t, int weight)
{
    (void)c;
    t->weight = weight;
}

const struct sched_class sched_cfs_class = {
    .name = "cfs",
    .rank = SCHED_CFS,
    .enqueue = enqueue_cfs,
    .dequeue = dequeue_cfs,
    .sleep = sleep_cfs,
    .pick_next = pick_next_cfs,
    .put_prev = put_prev_cfs,
    .set_curr = set_curr_cfs,
    .update_curr = update_curr_cfs,
    .check_preempt = check_preempt_cfs,
    .timer_ns = timer_ns_cfs,
    .tick = tick_cfs,
    .throttle = throttle_cfs,
    .reweight = reweight_cfs,
};
