/*
 * sched_fifo.c - SCHED_FIFO: fixed priorities 1..99 with RT throttling.
 *
 * The highest priority runnable thread runs; a higher priority wake-up
 * preempts at once; equal priorities run first-in first-out and never
 * preempt each other. A preempted thread goes back to the head of its
 * priority, a thread that wakes to the tail (as kernel/sched/rt.c does).
 *
 * RT throttling: within each rt_period the fifo threads of a core may run
 * for rt_runtime in all; then the class gives the core up (to cfs or idle)
 * until the period ends. rt_runtime < 0 disables it. With the host's
 * rt_runtime_share (RT_RUNTIME_SHARE, on from Linux 2.6.25 to 5.9), a core
 * that runs out first borrows from the other cores, as do_balance_runtime()
 * does: from each, a 1/ncores share of what it has left this period, until
 * it has the whole period, and then it is never throttled. What a core
 * borrowed or lent stays so (Linux gives it back only when a CPU goes
 * offline). A core's use counts its finished stints: one running a fifo
 * thread as another borrows lends a little too much.
 */
#include <stdint.h>

#include "core.h"

static void rt_roll(struct core *c, int64_t now);

static void rt_on_period(void *arg)
{
    struct core *c = arg;
    c->rt_timer = NULL;
    c->rt_throttled = 0;
    rt_roll(c, des_now(c->m->des));
    if (c->rq[SCHED_FIFO].n > 0)
        core_preempt(c);
}

/* Start a new period if the current one is over. */
static void rt_roll(struct core *c, int64_t now)
{
    const struct host_params *hp = &c->m->hp;
    if (now < c->rt_period_end_ns)
        return;
    c->rt_used_ns = 0;
    c->rt_period_end_ns = (now / hp->rt_period_ns + 1) * hp->rt_period_ns;
}

/* Insert t in priority order: before the first thread of lower priority
 * (at_head: before the first of lower or equal priority). */
static void insert_fifo(struct core *c, struct thread *t, int at_head)
{
    struct thread_list *l = &c->rq[SCHED_FIFO];
    struct thread *at = l->head;
    while (at && (at->prio > t->prio || (!at_head && at->prio == t->prio)))
        at = at->next;
    tlist_insert_before(l, at, t);
}

static void enqueue_fifo(struct core *c, struct thread *t, int flags)
{
    (void)flags;
    insert_fifo(c, t, 0);
}

static void dequeue_fifo(struct core *c, struct thread *t)
{
    tlist_remove(&c->rq[SCHED_FIFO], t);
}

static struct thread *pick_next_fifo(struct core *c)
{
    struct thread *t = c->rq[SCHED_FIFO].head;
    if (!t || c->rt_throttled)
        return NULL;
    tlist_remove(&c->rq[SCHED_FIFO], t);
    return t;
}

static void put_prev_fifo(struct core *c, struct thread *t, int preempted)
{
    insert_fifo(c, t, preempted);
}

static void set_curr_fifo(struct core *c, struct thread *t)
{
    t->slice_start_ns = des_now(c->m->des);
}

/* do_balance_runtime(): c has used its runtime; take the others' spare. */
static void borrow_runtime(struct core *c, int64_t now)
{
    struct machine *m = c->m;
    int64_t period = m->hp.rt_period_ns;
    int n = 0;
    for (int i = 0; i < m->ncores; i++)
        n += m->core[i].online;
    for (int k = 1; k < m->ncores && c->rt_runtime_ns < period; k++) {
        struct core *o = &m->core[(c->id + k) % m->ncores];
        if (!o->online)
            continue;
        rt_roll(o, now);
        int64_t diff = (o->rt_runtime_ns - o->rt_used_ns) / n;
        if (diff <= 0)
            continue;
        if (diff > period - c->rt_runtime_ns)
            diff = period - c->rt_runtime_ns;
        o->rt_runtime_ns -= diff;
        c->rt_runtime_ns += diff;
    }
}

static void update_curr_fifo(struct core *c, struct thread *t, int64_t ns)
{
    (void)t;
    const struct host_params *hp = &c->m->hp;
    if (hp->rt_runtime_ns < 0)
        return;
    int64_t now = des_now(c->m->des);
    rt_roll(c, now - ns);
    c->rt_used_ns += ns; /* counted even unthrottled: what it can lend */
    if (c->rt_runtime_ns >= hp->rt_period_ns)
        return;
    if (c->rt_used_ns >= c->rt_runtime_ns && hp->rt_runtime_share)
        borrow_runtime(c, now);
    if (c->rt_used_ns >= c->rt_runtime_ns && !c->rt_throttled) {
        c->rt_throttled = 1;
        if (!c->rt_timer) {
            int64_t end = c->rt_period_end_ns > now ? c->rt_period_end_ns
                                                    : now;
            c->rt_timer = des_at(c->m->des, end, rt_on_period, c);
        }
        if (c->m->obs)
            c->m->obs->note(c->m->obs->ctx, c, NULL, CORE_THROTTLED,
                            c->rt_timer->time_ns);
    }
}

static int check_preempt_fifo(struct core *c, struct thread *curr,
                              struct thread *t)
{
    (void)c;
    return t->prio > curr->prio;
}

static int64_t timer_ns_fifo(struct core *c, struct thread *t)
{
    (void)t;
    const struct host_params *hp = &c->m->hp;
    if (hp->rt_runtime_ns < 0)
        return INT64_MAX;
    if (c->rt_throttled)
        return des_now(c->m->des);
    /* Decide again when the budget is spent or the period ends, so that no
     * stint is charged to a period it does not belong to. */
    rt_roll(c, c->stint_start_ns);
    if (c->rt_runtime_ns >= hp->rt_period_ns)
        return c->rt_period_end_ns;
    int64_t spent = c->stint_start_ns + (c->rt_runtime_ns - c->rt_used_ns);
    return spent < c->rt_period_end_ns ? spent : c->rt_period_end_ns;
}

static int tick_fifo(struct core *c, struct thread *t)
{
    (void)t;
    return c->rt_throttled;
}

static void sleep_fifo(struct core *c, struct thread *t)
{
    (void)c;
    (void)t;
}

static void throttle_fifo(struct core *c, struct thread *t)
{
    (void)c;
    (void)t;
}

const struct sched_class sched_fifo_class = {
    .name = "fifo",
    .rank = SCHED_FIFO,
    .enqueue = enqueue_fifo,
    .dequeue = dequeue_fifo,
    .sleep = sleep_fifo,
    .pick_next = pick_next_fifo,
    .put_prev = put_prev_fifo,
    .set_curr = set_curr_fifo,
    .update_curr = update_curr_fifo,
    .check_preempt = check_preempt_fifo,
    .timer_ns = timer_ns_fifo,
    .tick = tick_fifo,
    .throttle = throttle_fifo,
};
