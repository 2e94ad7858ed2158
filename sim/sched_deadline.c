/*
 * sched_deadline.c - SCHED_DEADLINE: the Constant Bandwidth Server with EDF.
 *
 * A thread with runtime Q and period T may run Q in every T. Among runnable
 * reservations on a core, the earliest absolute deadline runs (EDF) and an
 * earlier deadline preempts. Running consumes the budget; when it is spent
 * the thread is throttled until its deadline, when the budget is refilled
 * by Q and the deadline moves on by T (kernel/sched/deadline.c,
 * replenish_dl_entity). On wake-up the CBS rule applies: if the remaining
 * budget cannot be used before the deadline without exceeding Q/T, the
 * thread gets a fresh budget and deadline now + T. A replenished thread
 * allowed on other cores is pushed to one where its deadline is the
 * earliest (push_dl_task()).
 */
#include <stdint.h>

#include "core.h"

/* replenish_dl_entity: refill by periods; a deadline still in the past
 * (the thread was kept from running) starts afresh from now. */
static void replenish(struct thread *t, int64_t now)
{
    while (t->dl_left_ns <= 0) {
        t->dl_left_ns += t->dl_runtime_ns;
        t->dl_deadline_ns += t->dl_period_ns;
    }
    if (t->dl_deadline_ns < now) {
        t->dl_deadline_ns = now + t->dl_period_ns;
        t->dl_left_ns = t->dl_runtime_ns;
    }
}

/* The earliest deadline among the reservations running or queued on c,
 * INT64_MAX when there are none. */
static int64_t earliest_deadline(const struct core *c)
{
    int64_t d = INT64_MAX;
    if (c->curr && c->curr->cls == &sched_deadline_class)
        d = c->curr->dl_deadline_ns;
    for (const struct thread *q = c->rq[SCHED_DEADLINE].head; q; q = q->next)
        if (q->dl_deadline_ns < d)
            d = q->dl_deadline_ns;
    return d;
}

/* Where a replenished reservation goes: push_dl_task() finds it queued and
 * not yet running, so pushable, and moves it to the core that
 * find_later_rq() picks, one of its allowed cores where it would have the
 * earliest deadline, the latest-deadline one first (a core with no
 * reservation has the latest); its own core never qualifies, since it is
 * queued there. Linux does so even when its own core is idle: a
 * reservation allowed on two cores changes core at every replenishment,
 * as long as its budget runs out. */
static struct core *push_target(const struct thread *t)
{
    struct machine *m = t->m;
    struct core *own = t->core, *best = own;
    int64_t best_d = t->dl_deadline_ns;
    if (!(t->allowed >> own->id & 1)) /* pinned elsewhere while throttled */
        best_d = INT64_MIN;
    for (int k = 1; k < m->ncores; k++) {
        struct core *c = &m->core[(own->id + k) % m->ncores];
        if (!c->online || !(t->allowed >> c->id & 1))
            continue;
        int64_t d = earliest_deadline(c);
        if (d > best_d) {
            best = c;
            best_d = d;
        }
    }
    return best;
}

static void dl_on_timer(void *arg)
{
    struct thread *t = arg;
    t->dl_timer = NULL;
    replenish(t, des_now(t->m->des));
    t->throttled = 0;
    struct core *dst = push_target(t);
    if (dst != t->core)
        thread_migrated(t);
    core_enqueue(dst, t, 0);
}

static void enqueue_deadline(struct core *c, struct thread *t, int flags)
{
    int64_t now = des_now(c->m->des);
    if (flags & SCHED_WAKEUP) {
        int64_t slack = t->dl_deadline_ns - now;
        /* left / slack > Q / T, in integers. */
        if (slack <= 0 || (__int128)t->dl_left_ns * t->dl_period_ns >
                              (__int128)slack * t->dl_runtime_ns) {
            t->dl_deadline_ns = now + t->dl_period_ns;
            t->dl_left_ns = t->dl_runtime_ns;
        }
    }
    tlist_push_tail(&c->rq[SCHED_DEADLINE], t);
}

static void dequeue_deadline(struct core *c, struct thread *t)
{
    tlist_remove(&c->rq[SCHED_DEADLINE], t);
}

static struct thread *pick_next_deadline(struct core *c)
{
    struct thread *best = NULL;
    for (struct thread *t = c->rq[SCHED_DEADLINE].head; t; t = t->next)
        if (!best || t->dl_deadline_ns < best->dl_deadline_ns)
            best = t;
    if (best)
        tlist_remove(&c->rq[SCHED_DEADLINE], best);
    return best;
}

static void put_prev_deadline(struct core *c, struct thread *t, int preempted)
{
    (void)preempted;
    tlist_push_tail(&c->rq[SCHED_DEADLINE], t);
}

static void set_curr_deadline(struct core *c, struct thread *t)
{
    (void)c;
    (void)t;
}

static void update_curr_deadline(struct core *c, struct thread *t, int64_t ns)
{
    (void)c;
    t->dl_left_ns -= ns;
    if (t->dl_left_ns <= 0)
        t->throttled = 1;
}

static int check_preempt_deadline(struct core *c, struct thread *curr,
                                  struct thread *t)
{
    (void)c;
    return t->dl_deadline_ns < curr->dl_deadline_ns;
}

static int64_t timer_ns_deadline(struct core *c, struct thread *t)
{
    return c->stint_start_ns + (t->dl_left_ns > 0 ? t->dl_left_ns : 0);
}

static int tick_deadline(struct core *c, struct thread *t)
{
    (void)c;
    return t->throttled;
}

static void sleep_deadline(struct core *c, struct thread *t)
{
    (void)c;
    (void)t;
}

static void throttle_deadline(struct core *c, struct thread *t)
{
    int64_t now = des_now(c->m->des);
    int64_t at = t->dl_deadline_ns > now ? t->dl_deadline_ns : now;
    t->dl_timer = des_at(c->m->des, at, dl_on_timer, t);
    if (c->m->obs)
        c->m->obs->note(c->m->obs->ctx, c, t, CORE_THROTTLED, at);
}

const struct sched_class sched_deadline_class = {
    .name = "deadline",
    .rank = SCHED_DEADLINE,
    .enqueue = enqueue_deadline,
    .dequeue = dequeue_deadline,
    .sleep = sleep_deadline,
    .pick_next = pick_next_deadline,
    .put_prev = put_prev_deadline,
    .set_curr = set_curr_deadline,
    .update_curr = update_curr_deadline,
    .check_preempt = check_preempt_deadline,
    .timer_ns = timer_ns_deadline,
    .tick = tick_deadline,
    .throttle = throttle_deadline,
};
