/*
 * balance.c - wake-up placement, newidle pulls and periodic balancing.
 *
 * A simplification of Linux's CFS balancer that keeps the three behaviours
 * the paper's curves depend on:
 *   - wake-affine placement: a thread woken by work on another core is put
 *     on that core if it runs no thread. The NIC softirq wakes vhost-net,
 *     so with no binding vhost-net lands on the interrupt core.
 *   - newidle and periodic pulls of a waiting thread by a core that has no
 *     thread, from the core with the most threads.
 *   - active balancing: a core that has no thread and keeps failing to pull
 *     (the busiest core has a single, always-running thread) eventually
 *     migrates that running thread to itself. In overload this makes loosely
 *     bound threads bounce between their allowed cores.
 * Loads never include interrupt time. Every migration costs the thread a
 * cold cache (the `migration` cost).
 *
 * Apart from the balancer, a scenario may move a thread itself: pinned in
 * turn to each core of a list, at a fixed interval (balance_start_moves()),
 * which is how `vsrcal measure` prices a move on a live host.
 */
#include <assert.h>

#include "balance.h"
#include "core.h"

static int allowed_on(const struct thread *t, const struct core *c)
{
    return c->online && (t->allowed & (1ULL << c->id));
}

struct core *balance_select_core(struct thread *t, struct core *waker)
{
    struct machine *m = t->m;
    struct core *prev = t->core;
    int bound = (t->allowed & (t->allowed - 1)) == 0; /* one core only */
    if (bound && allowed_on(t, prev))
        return prev;
    if (waker && allowed_on(t, waker) && core_is_thread_idle(waker))
        return waker;
    if (allowed_on(t, prev) && core_is_thread_idle(prev))
        return prev;
    int start = waker ? waker->id : prev->id;
    for (int k = 1; k <= m->ncores; k++) {
        struct core *c = &m->core[(start + k) % m->ncores];
        if (allowed_on(t, c) && core_is_thread_idle(c))
            return c;
    }
    if (allowed_on(t, prev))
        return prev;
    for (int i = 0; i < m->ncores; i++)
        if (allowed_on(t, &m->core[i]))
            return &m->core[i];
    assert(0 && "thread allowed on no online core");
    return prev;
}

void balance_migrate(struct thread *t, struct core *dst)
{
    core_dequeue(t->core, t);
    thread_migrated(t);
    core_enqueue(dst, t, 0);
}

void balance_move(struct thread *t, struct core *dst)
{
    struct core *src = t->core;
    if (src == dst)
        return;
    if (t->state == THREAD_RUNNING) {
        src->evict = t;
        core_preempt(src);
        if (t->state == THREAD_THROTTLED)
            return; /* its class places it when its budget is refilled */
        assert(t->state == THREAD_RUNNABLE && t->core == src);
        thread_migrated(t);
        core_enqueue(dst, t, 0);
    } else if (t->state == THREAD_RUNNABLE) {
        balance_migrate(t, dst);
    }
}

/* A thread's next move: pin it to the core of its list after the one it
 * is pinned to. */
static void move_on_timer(void *arg)
{
    struct thread *t = arg;
    struct machine *m = t->m;
    int to = __builtin_ctzll(t->allowed);
    do
        to = (to + 1) % m->ncores;
    while (!(t->move_cpus & (1ULL << to)));
    t->allowed = 1ULL << to;
    balance_move(t, &m->core[to]);
    des_after(m->des, t->move_every_ns, move_on_timer, t);
}

void balance_start_moves(struct machine *m)
{
    for (int i = 0; i < m->nthreads; i++) {
        struct thread *t = m->thread[i];
        if (t->move_every_ns > 0)
            des_after(m->des, t->move_every_ns, move_on_timer, t);
    }
}

/* A queued (waiting) thread on `src` that may run on `dst`, or NULL. */
static struct thread *waiting_thread(struct core *src, struct core *dst)
{
    for (int r = SCHED_DEADLINE; r < SCHED_NCLASS; r++)
        for (struct thread *t = src->rq[r].head; t; t = t->next)
            if (allowed_on(t, dst))
                return t;
    return NULL;
}

/* The core other than c with the most threads, ties to the lower id. */
static struct core *busiest(struct core *c)
{
    struct machine *m = c->m;
    struct core *b = NULL;
    for (int i = 0; i < m->ncores; i++) {
        struct core *o = &m->core[i];
        if (o == c || !o->online)
            continue;
        if (!b || o->nr_threads > b->nr_threads)
            b = o;
    }
    return b;
}

void balance_newidle(struct core *c)
{
    struct core *b = busiest(c);
    if (!b || b->nr_threads < 2)
        return;
    struct thread *t = waiting_thread(b, c);
    if (t)
        balance_migrate(t, c);
}

/* Periodic balancing of an idle core c. */
static void balance_core(struct core *c)
{
    struct machine *m = c->m;
    int64_t now = des_now(m->des);
    struct core *b = busiest(c);
    if (!b || b->nr_threads == 0) {
        c->balance_failed = 0;
        return;
    }
    if (b->nr_threads >= 2) {
        struct thread *t = waiting_thread(b, c);
        if (t) {
            balance_migrate(t, c);
            c->balance_failed = 0;
            return;
        }
    }
    /* b holds one thread: running, or preempted by interrupt work. Only
     * the fair class is balanced actively (active_load_balance_cpu_stop()
     * takes cfs tasks); fifo and deadline threads move when queued. */
    struct thread *r = b->curr;
    if (!r || r->cls->rank == SCHED_IRQ)
        r = waiting_thread(b, b);
    if (!r || r->cls->rank != SCHED_CFS || !allowed_on(r, c) ||
        thread_load(r, now) < m->hp.active_balance_load) {
        c->balance_failed = 0;
        return;
    }
    if (++c->balance_failed <= m->hp.active_balance_tries)
        return;
    /* Active balance: stop r on b and bring it here. */
    c->balance_failed = 0;
    balance_move(r, c);
}

static void balance_on_timer(void *arg)
{
    struct machine *m = arg;
    for (int i = 0; i < m->ncores; i++) {
        struct core *c = &m->core[i];
        if (c->online && core_is_thread_idle(c))
            balance_core(c);
    }
    m->balance_timer =
        des_after(m->des, m->hp.balance_interval_ns, balance_on_timer, m);
}

void balance_start(struct machine *m)
{
    m->balance_timer =
        des_after(m->des, m->hp.balance_interval_ns, balance_on_timer, m);
}
