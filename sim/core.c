/*
 * core.c - what a core runs, when, and what its time counts as.
 *
 * A core is driven by a single pending event, the next decision point:
 * the end of the running thread's step, or the time its class wants to
 * decide again (slice end, budget end, RT throttle), whichever is earlier.
 * Everything else (a wake-up that preempts, a thread pulled away by the
 * balancer) reschedules the core at once through core_run(), which:
 *
 *   1. charges the running thread for its stint so far (core_account),
 *   2. ends its step if the step's cost is fully served (step_end),
 *   3. asks its class whether its time is up (tick),
 *   4. picks the thread to run, starting its next step (core_schedule),
 *   5. arms the next decision point (core_arm).
 *
 * While a core is inside core_run() it is `busy`: a wake-up aimed at it only
 * sets need_resched, and the loop in core_schedule() takes it into account.
 * Work is preemptive-resume: a preempted step keeps what it has left.
 *
 * A thread may turn preemption off (a kernel thread between preemption
 * points, as vhost-net inside one handle_rx/handle_tx run on a kernel
 * without full preemption; QEMU's I/O thread does so inside one run of
 * its virtio handler too, as the live router's switch counts bear out).
 * Interrupt work still preempts it; any other
 * reason to reschedule is remembered in resched_pending and acted on when
 * the thread turns preemption back on at the end of a step.
 */
#include <assert.h>
#include <string.h>

#include "balance.h"
#include "core.h"
#include "rng.h"

static void core_on_timer(void *arg);

/* ---- Thread lists --------------------------------------------------- */

void tlist_push_tail(struct thread_list *l, struct thread *t)
{
    t->next = NULL;
    t->prev = l->tail;
    if (l->tail)
        l->tail->next = t;
    else
        l->head = t;
    l->tail = t;
    l->n++;
}

void tlist_push_head(struct thread_list *l, struct thread *t)
{
    t->prev = NULL;
    t->next = l->head;
    if (l->head)
        l->head->prev = t;
    else
        l->tail = t;
    l->head = t;
    l->n++;
}

void tlist_insert_before(struct thread_list *l, struct thread *at,
                         struct thread *t)
{
    if (!at) {
        tlist_push_tail(l, t);
        return;
    }
    t->next = at;
    t->prev = at->prev;
    if (at->prev)
        at->prev->next = t;
    else
        l->head = t;
    at->prev = t;
    l->n++;
}

void tlist_remove(struct thread_list *l, struct thread *t)
{
    if (t->prev)
        t->prev->next = t->next;
    else
        l->head = t->next;
    if (t->next)
        t->next->prev = t->prev;
    else
        l->tail = t->prev;
    t->next = t->prev = NULL;
    l->n--;
}

/* ---- Machine -------------------------------------------------------- */

void machine_init(struct machine *m, struct des *des,
                  const struct costmodel *cm, const struct host_params *hp,
                  int ncores, uint64_t seed)
{
    memset(m, 0, sizeof *m);
    m->des = des;
    m->hp = *hp;
    for (int r = 0; r < SCHED_NCLASS; r++)
        m->cls[r] = sched_by_rank(r);
    if (hp->fair)
        m->cls[SCHED_CFS] = hp->fair;
    m->ncores = ncores;
    m->rng = rng_alloc(rng_derive(seed, 0xc0de, 0, 0));
    for (int i = 0; i < COST_N; i++)
        rng_gamma_init(&m->cost[i], &cm->c[i]);
    for (int i = 0; i < ncores; i++) {
        struct core *c = &m->core[i];
        c->id = i;
        c->m = m;
        c->rt_period_end_ns = hp->rt_period_ns;
        c->rt_runtime_ns = hp->rt_runtime_ns;
    }
}

void machine_clear(struct machine *m)
{
    for (int i = 0; i < m->nthreads; i++)
        if (m->thread[i]->rng)
            rng_free(m->thread[i]->rng);
    rng_free(m->rng);
}

void machine_add_thread(struct machine *m, struct thread *t)
{
    assert(m->nthreads < STATS_MAX_THREADS);
    assert(t->allowed != 0);
    t->id = m->nthreads;
    m->thread[m->nthreads++] = t;
    if (t->cls->rank == SCHED_CFS)
        t->cls = m->cls[SCHED_CFS];
    for (int i = 0; i < m->ncores; i++)
        if (t->allowed & (1ULL << i)) {
            t->core = &m->core[i];
            break;
        }
    if (__builtin_popcountll(t->allowed) > 1)
        m->balancing = 1;
}

void machine_start(struct machine *m)
{
    if (m->balancing)
        balance_start(m);
    balance_start_moves(m);
    cgroup_start(m);
}

void machine_account(struct machine *m, int reset)
{
    for (int i = 0; i < m->ncores; i++) {
        struct core *c = &m->core[i];
        if (!c->online)
            continue;
        core_reschedule(c);
        if (reset)
            memset(c->acct_ns, 0, sizeof c->acct_ns);
    }
    if (reset)
        for (int i = 0; i < m->nthreads; i++) {
            m->thread[i]->busy_ns = 0;
            m->thread[i]->migrations = 0;
            m->thread[i]->slices = 0;
            m->thread[i]->preempted = 0;
        }
}

/* ---- Accounting ----------------------------------------------------- */

/* Charge the running thread for the time since its stint began. */
static void core_account(struct core *c)
{
    int64_t now = des_now(c->m->des);
    int64_t ns = now - c->stint_start_ns;
    struct thread *t = c->curr;
    c->stint_start_ns = now;
    if (!t)
        return;
    int64_t left = thread_overhead_left(t);
    if (ns <= 0)
        return;
    int64_t ovh = ns < left ? ns : left;
    int64_t work = ns - ovh;
    assert(work <= t->step_left_ns);
    t->ovh_left_ns -= ovh;
    t->step_left_ns -= work;
    c->acct_ns[t->acct == CPU_IRQ ? CPU_IRQ : CPU_SYS] += ovh;
    c->acct_ns[t->acct] += work;
    t->busy_ns += ns;
    t->cls->update_curr(c, t, ns);
    if (c->m->obs)
        c->m->obs->ran(c->m->obs->ctx, c, t, now - ns, ovh, work);
}

/* ---- Scheduling ----------------------------------------------------- */

static struct thread *core_pick(struct core *c)
{
    for (int r = 0; r < SCHED_NCLASS; r++) {
        if (!c->rq[r].n) /* no class picks from an empty list */
            continue;
        struct thread *t = c->m->cls[r]->pick_next(c);
        if (t)
            return t;
    }
    return NULL;
}

/* thread_load_update(), skipped without a call when no balancer reads the
 * load. */
static inline void core_load_update(struct core *c, struct thread *t,
                                    int was_running)
{
    if (c->m->balancing)
        thread_load_update(t, des_now(c->m->des), was_running);
}

/* The running thread t leaves the core but stays runnable. */
static void core_put_curr(struct core *c, struct thread *t)
{
    c->resched_pending = 0;
    core_load_update(c, t, 1);
    c->curr = NULL;
    t->state = THREAD_RUNNABLE;
    t->left_runnable = 1;
    t->cls->put_prev(c, t, 1);
    if (c->m->obs)
        c->m->obs->note(c->m->obs->ctx, c, t, CORE_PREEMPTED, 0);
    if (c->evict == t) {
        c->evict = NULL;
        core_dequeue(c, t);
    }
}

/* The running thread t has nothing to do: it sleeps. */
static void core_sleep_curr(struct core *c, struct thread *t)
{
    t->cls->sleep(c, t);
    c->resched_pending = 0;
    c->curr = NULL;
    core_load_update(c, t, 1);
    if (c->m->ngroups)
        cgroup_runnable_update(t, des_now(c->m->des), 1);
    t->state = THREAD_SLEEPING;
    if (t->cls->rank != SCHED_IRQ)
        c->nr_threads--;
}

static void core_schedule(struct core *c)
{
    for (;;) {
        struct thread *t = c->curr;
        if (t && t->throttled) {
            c->resched_pending = 0;
            if (c->evict == t) /* out of budget first: its class places */
                c->evict = NULL; /* it again when it is refilled        */
            core_load_update(c, t, 1);
            c->curr = NULL;
            t->state = THREAD_THROTTLED;
            t->left_runnable = 1;
            c->nr_threads--;
            t->cls->throttle(c, t);
        } else if (t && (c->need_resched || c->evict == t)) {
            core_put_curr(c, t);
        }
        c->need_resched = 0;
        if (!c->curr) {
            t = core_pick(c);
            if (!t) {
                c->holder = NULL; /* the idle task runs */
                if (c->nr_threads == 0 && c->m->balancing)
                    balance_newidle(c);
                if (c->need_resched) /* something was pulled in */
                    continue;
                return;
            }
            if (t->cls->rank != SCHED_IRQ) {
                if (c->last && c->last != t)
                    thread_add_overhead(t, COST_CTX_SWITCH, 1);
                c->last = t;
                /* A switch in, as Linux counts them: from another thread
                 * or from idle; an interrupt (rank SCHED_IRQ) returns to
                 * the thread it preempted without one. */
                if (c->holder != t) {
                    int cost = t->switch_in_cost[t->left_runnable];
                    t->slices++;
                    t->preempted += t->left_runnable;
                    if (cost >= 0)
                        thread_add_overhead(t, cost, 1);
                }
                c->holder = t;
            }
            core_load_update(c, t, 0);
            t->state = THREAD_RUNNING;
            t->left_runnable = 0;
            c->curr = t;
            t->cls->set_curr(c, t);
        }
        t = c->curr;
        if (!t->in_step) {
            int64_t cost = t->ops->step_begin(t);
            if (cost != THREAD_IDLE) {
                t->in_step = 1;
                t->idle_step = 0;
                t->step_left_ns = cost;
            } else if (thread_overhead_left(t) > 0) {
                t->in_step = 1;
                t->idle_step = 1;
                t->step_left_ns = 0;
            } else {
                core_sleep_curr(c, t);
                continue;
            }
        }
        if (!c->need_resched)
            return;
    }
}

/* Arm the next decision point for the running thread. */
static void core_arm(struct core *c)
{
    int64_t at = INT64_MAX;
    struct thread *t = c->curr;
    if (t) {
        /* What is left is counted from the start of the stint. */
        int64_t now = des_now(c->m->des);
        at = c->stint_start_ns + thread_overhead_left(t) + t->step_left_ns;
        if (at < now)
            at = now;
        int64_t ct = c->resched_pending ? INT64_MAX : t->cls->timer_ns(c, t);
        if (ct < at)
            at = ct > now ? ct : now;
    }
    if (!c->timer) {
        if (at != INT64_MAX)
            c->timer = des_at(c->m->des, at, core_on_timer, c);
    } else if (at == INT64_MAX) {
        des_cancel(c->m->des, c->timer);
        c->timer = NULL;
    } else if (c->timer->time_ns != at) {
        des_move(c->m->des, c->timer, at);
    }
}

static void core_run(struct core *c)
{
    int64_t now = des_now(c->m->des);
    c->busy = 1;
    core_account(c);
    struct thread *t = c->curr;
    if (t && t->in_step && thread_overhead_left(t) == 0 &&
        t->step_left_ns == 0) {
        t->in_step = 0;
        if (!t->idle_step)
            t->ops->step_end(t);
    }
    t = c->curr;
    if (t && t->cls->timer_ns(c, t) <= now && t->cls->tick(c, t))
        c->need_resched = 1;
    if (c->resched_pending && (!t || !t->preempt_off)) {
        c->resched_pending = 0;
        c->need_resched = 1;
    }
    if (t && t->preempt_off && c->need_resched && !t->throttled &&
        c->evict != t && !c->rq[SCHED_IRQ].n) {
        c->need_resched = 0; /* wait for the next preemption point */
        c->resched_pending = 1;
    }
    core_schedule(c);
    c->busy = 0;
    core_arm(c);
    if (c->m->obs)
        c->m->obs->settled(c->m->obs->ctx, c);
#ifdef SIM_DEBUG
    core_check(c);
#endif
}

static void core_on_timer(void *arg)
{
    struct core *c = arg;
    c->timer = NULL;
    core_run(c);
}

void core_reschedule(struct core *c)
{
    if (c->busy) {
        c->need_resched = 1;
        return;
    }
    core_run(c);
}

void core_preempt(struct core *c)
{
    c->need_resched = 1;
    core_reschedule(c);
}

void core_enqueue(struct core *c, struct thread *t, int flags)
{
    assert(c->online);
    if (!c->busy) /* classes decide on the running thread's state now */
        core_account(c);
    t->core = c;
    t->state = THREAD_RUNNABLE;
    if (t->cls->rank != SCHED_IRQ)
        c->nr_threads++;
    t->cls->enqueue(c, t, flags);
    struct thread *cur = c->curr;
    int preempt = !cur || t->cls->rank < cur->cls->rank ||
                  (t->cls == cur->cls && t->cls->check_preempt(c, cur, t));
    if (preempt && cur && cur->preempt_off && t->cls->rank != SCHED_IRQ) {
        c->resched_pending = 1; /* at its next preemption point */
        preempt = 0;
    }
    if (c->busy) {
        if (preempt) /* also when the core is picking: look again */
            c->need_resched = 1;
        return;
    }
    if (preempt) {
        if (cur)
            c->need_resched = 1;
        core_run(c);
    } else {
        core_arm(c); /* the class timer may have moved (cfs slices) */
    }
}

void core_reweight(struct core *c, struct thread *t, int weight)
{
    if (!thread_is_runnable(t) || c->busy) {
        t->cls->reweight(c, t, weight);
        return;
    }
    core_account(c); /* its run so far at the old weight */
    t->cls->reweight(c, t, weight);
    if (c->curr)
        core_arm(c);
}

void core_dequeue(struct core *c, struct thread *t)
{
    assert(t->state == THREAD_RUNNABLE && c->curr != t);
    if (!c->busy && c->curr) /* update_curr() first, as dequeue_entity() */
        core_account(c);
    if (c->holder == t) /* back here, it is switched in anew */
        c->holder = NULL;
    t->cls->dequeue(c, t);
    if (t->cls->rank != SCHED_IRQ)
        c->nr_threads--;
    if (!c->busy && c->curr)
        core_arm(c);
}

void core_check(const struct core *c)
{
    int n = 0;
    for (int r = 0; r < SCHED_NCLASS; r++) {
        const struct thread_list *l = &c->rq[r];
        int k = 0;
        for (const struct thread *t = l->head; t; t = t->next) {
            assert(t->state == THREAD_RUNNABLE && t->core == c);
            assert(t != c->curr);
            thread_check(t);
            k++;
        }
        assert(k == l->n);
        if (r != SCHED_IRQ)
            n += k;
    }
    if (c->curr) {
        assert(c->curr->state == THREAD_RUNNING && c->curr->core == c);
        thread_check(c->curr);
        if (c->curr->cls->rank != SCHED_IRQ)
            n++;
    }
    assert(n == c->nr_threads);
    (void)n;
}
