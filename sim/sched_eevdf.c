/*
 * sched_eevdf.c - EEVDF: the fair class of Linux 6.6 and later.
 *
 * Earliest Eligible Virtual Deadline First, as kernel/sched/fair.c has it
 * since 6.6, for the same threads (policy "cfs": SCHED_OTHER) on hosts
 * whose `host.fair` is "eevdf". Every thread on a core carries a vruntime
 * (run time x 1024 / weight, as in CFS) and a virtual deadline:
 *
 *   V         the weighted average of the vruntimes of the threads queued
 *             on the core and of the running one (avg_vruntime());
 *   eligible  a thread whose vruntime is at most V, that is one owed CPU
 *             (its lag, V - vruntime, is >= 0);
 *   deadline  vruntime + slice x 1024 / weight, renewed each time the
 *             vruntime reaches it (update_deadline());
 *
 * and the core runs the eligible thread with the earliest deadline. What
 * makes it differ from CFS on a core that two threads share:
 *
 *  - Lag, not sleeper credit. A thread leaving the core (to sleep, or to
 *    move) keeps its lag, clamped to the larger of two slices and a tick;
 *    joining a core it is placed at V - lag (scaled as place_entity()
 *    scales it for the weight it adds), its deadline one slice on. A
 *    thread that ran more than its share and slept comes back behind.
 *  - Run to parity (RUN_TO_PARITY). A thread picked to run keeps the core,
 *    while it stays eligible, until its vruntime reaches the deadline it
 *    had when picked: a thread waking meanwhile waits, unless the running
 *    one has become ineligible and the woken one is the earliest eligible
 *    deadline. So two threads that wake each other take turns once per
 *    slice or per sleep, not once per wake-up as CFS has them.
 *
 * Simplified: the deadline is acted on when it is reached (as with
 * HRTICK; the kernel notices it at the next tick or update on the core);
 * every thread has the base slice (no per-task slices, so PREEMPT_SHORT
 * never applies); a thread that sleeps with negative lag keeps it until it
 * wakes, as in 6.6 to 6.11 (6.12's delayed dequeue would let the core's
 * virtual time wear it down meanwhile). Threads are few per core: the
 * queue is a list scanned for each decision, as sched_cfs.c's is.
 */
#include <stdint.h>

#include "core.h"

/* Sum of weight x (vruntime - v0) and of weights over the threads of the
 * class on c, the running one included; v0 is the core's min_vruntime, so
 * that the products stay small. One decision takes them once. */
struct avg {
    int64_t avg, load;
};

static struct avg avg_sums(const struct core *c)
{
    const int64_t v0 = c->cfs_min_vruntime;
    int64_t a = 0, w = 0;
    if (c->curr && c->curr->cls == &sched_eevdf_class) {
        a += (c->curr->vruntime - v0) * c->curr->weight;
        w += c->curr->weight;
    }
    for (const struct thread *t = c->rq[SCHED_CFS].head; t; t = t->next) {
        a += (t->vruntime - v0) * t->weight;
        w += t->weight;
    }
    return (struct avg){a, w};
}

/* V; rounded down, so that a thread at V is eligible (avg_vruntime()). */
static int64_t avg_vruntime(const struct core *c)
{
    struct avg s = avg_sums(c);
    int64_t avg = s.avg, load = s.load;
    if (load) {
        if (avg < 0)
            avg -= load - 1;
        avg /= load;
    }
    return c->cfs_min_vruntime + avg;
}

/* vruntime <= V, without the rounding of a division (vruntime_eligible()). */
static int eligible(const struct core *c, struct avg s, const struct thread *t)
{
    return s.avg >= (t->vruntime - c->cfs_min_vruntime) * s.load;
}

/* `ns` of t's run time in its virtual time (calc_delta_fair()); nice 0
 * (weight 1024) is the common case: spare the division. */
static int64_t to_virtual(const struct thread *t, int64_t ns)
{
    return t->weight == 1024 ? ns : ns * 1024 / t->weight;
}

/* Keep t's lag as it leaves c (update_entity_lag()); t is still counted
 * in V. */
static void save_lag(struct core *c, struct thread *t)
{
    const struct host_params *hp = &c->m->hp;
    int64_t span = 2 * hp->eevdf_slice_ns;
    int64_t limit = to_virtual(t, span > hp->tick_ns ? span : hp->tick_ns);
    int64_t lag = avg_vruntime(c) - t->vruntime;
    t->vlag = lag < -limit ? -limit : lag > limit ? limit : lag;
}

/* The queued thread with the earliest deadline among the eligible ones,
 * the first in the list on a tie, or NULL when none is eligible (the
 * running thread, counted in s, may be the only one). */
static struct thread *best_queued(const struct core *c, struct avg s)
{
    struct thread *best = NULL;
    for (struct thread *t = c->rq[SCHED_CFS].head; t; t = t->next)
        if ((!best || t->vdeadline < best->vdeadline) && eligible(c, s, t))
            best = t;
    return best;
}

static void enqueue_eevdf(struct core *c, struct thread *t, int flags)
{
    (void)flags; /* a wake-up and a move are placed alike */
    int64_t load = avg_sums(c).load;
    int64_t v = avg_vruntime(c), lag = 0;
    /* Joining with lag moves V by lag x weight / (load + weight): scale
     * the lag so that t's own lag is what it kept (place_entity()). */
    if (load)
        lag = t->vlag * (load + t->weight) / load;
    t->vruntime = v - lag;
    t->vdeadline = t->vruntime + to_virtual(t, c->m->hp.eevdf_slice_ns);
    tlist_push_tail(&c->rq[SCHED_CFS], t);
}

static void dequeue_eevdf(struct core *c, struct thread *t)
{
    save_lag(c, t);
    tlist_remove(&c->rq[SCHED_CFS], t);
}

static void sleep_eevdf(struct core *c, struct thread *t)
{
    save_lag(c, t);
}

static struct thread *pick_next_eevdf(struct core *c)
{
    /* The list holds every thread of the class here, so one is eligible
     * at V rounded down; the earliest deadline stands in only against a
     * rounding, as the kernel's fallback does. */
    struct thread *best = best_queued(c, avg_sums(c));
    if (!best)
        for (struct thread *t = c->rq[SCHED_CFS].head; t; t = t->next)
            if (!best || t->vdeadline < best->vdeadline)
                best = t;
    if (best)
        tlist_remove(&c->rq[SCHED_CFS], best);
    return best;
}

static void put_prev_eevdf(struct core *c, struct thread *t, int preempted)
{
    (void)preempted;
    t->vresched = 0;
    tlist_push_tail(&c->rq[SCHED_CFS], t);
}

static void set_curr_eevdf(struct core *c, struct thread *t)
{
    t->slice_start_ns = des_now(c->m->des);
    t->vprot = t->vdeadline; /* run to parity: protected up to here */
    t->vresched = 0;
}

static void update_curr_eevdf(struct core *c, struct thread *t, int64_t ns)
{
    t->vruntime += to_virtual(t, ns);
    sched_fair_update_min_vruntime(c);
    if (t->vruntime >= t->vdeadline) { /* its request is served */
        t->vdeadline = t->vruntime + to_virtual(t, c->m->hp.eevdf_slice_ns);
        if (c->rq[SCHED_CFS].n > 0)
            t->vresched = 1;
    }
}

/* The running thread keeps the core: eligible and short of the deadline
 * it was picked with. */
static int check_preempt_eevdf(struct core *c, struct thread *curr,
                               struct thread *t)
{
    struct avg s = avg_sums(c);
    int curr_eligible = eligible(c, s, curr);
    if (curr_eligible && curr->vprot == curr->vdeadline)
        return 0; /* run to parity: protected */
    struct thread *best = best_queued(c, s);
    /* pick_eevdf(): curr only if strictly earlier (entity_before()) */
    if (curr_eligible && (!best || curr->vdeadline < best->vdeadline))
        best = curr;
    return best == t;
}

static int64_t timer_ns_eevdf(struct core *c, struct thread *t)
{
    if (c->rq[SCHED_CFS].n == 0)
        return INT64_MAX;
    if (t->vresched)
        return t->slice_start_ns; /* due now */
    /* When the vruntime, as of the stint's start, reaches the deadline
     * (rounded up). */
    int64_t dv = t->vdeadline - t->vruntime;
    int64_t dt = t->weight == 1024 ? dv : (dv * t->weight + 1023) / 1024;
    return c->stint_start_ns + dt;
}

static int tick_eevdf(struct core *c, struct thread *t)
{
    int resched = t->vresched && c->rq[SCHED_CFS].n > 0;
    t->vresched = 0;
    return resched;
}

static void throttle_eevdf(struct core *c, struct thread *t)
{
    (void)c;
    (void)t;
}

/* A new weight, the lag and the deadline kept in real time: both are
 * distances from V in virtual time, scaled by old / new weight
 * (reweight_eevdf()). Asleep, only the lag it keeps is. */
static void reweight_eevdf(struct core *c, struct thread *t, int weight)
{
    int64_t old = t->weight;
    if (!thread_is_runnable(t)) {
        t->vlag = t->vlag * old / weight;
        t->weight = weight;
        return;
    }
    int64_t v = avg_vruntime(c);
    int protect = t->vprot == t->vdeadline;
    t->vruntime = v - (v - t->vruntime) * old / weight;
    t->vdeadline = v + (t->vdeadline - v) * old / weight;
    if (protect)
        t->vprot = t->vdeadline;
    t->weight = weight;
}

const struct sched_class sched_eevdf_class = {
    .name = "eevdf",
    .rank = SCHED_CFS,
    .enqueue = enqueue_eevdf,
    .dequeue = dequeue_eevdf,
    .sleep = sleep_eevdf,
    .pick_next = pick_next_eevdf,
    .put_prev = put_prev_eevdf,
    .set_curr = set_curr_eevdf,
    .update_curr = update_curr_eevdf,
    .check_preempt = check_preempt_eevdf,
    .timer_ns = timer_ns_eevdf,
    .tick = tick_eevdf,
    .throttle = throttle_eevdf,
    .reweight = reweight_eevdf,
};
