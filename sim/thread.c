/*
 * thread.c - thread records, wake-ups and the balancer's load average.
 *
 * The load a balancer sees is the thread's decayed fraction of time spent
 * running (Linux's PELT utilisation, half-life 32 ms). Time a core spends
 * in hard IRQ or softirq is nobody's load: a thread squeezed by interrupt
 * work looks lightly loaded, and a core busy only with interrupts looks
 * idle. This is the blindness the paper found in Linux's balancer.
 */
#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "balance.h"
#include "core.h"
#include "rng.h"

void thread_init(struct thread *t, struct machine *m, int id, const char *name,
                 const struct thread_ops *ops, void *ctx, enum cpu_class acct)
{
    memset(t, 0, sizeof *t);
    t->m = m;
    t->id = id;
    snprintf(t->name, sizeof t->name, "%s", name);
    t->ops = ops;
    t->ctx = ctx;
    t->acct = acct;
    t->cls = &sched_cfs_class;
    t->weight = 1024;
    t->own_weight = 1024;
    t->group = -1;
    t->switch_in_cost[0] = t->switch_in_cost[1] = -1;
    t->state = THREAD_SLEEPING;
}

void thread_add_overhead(struct thread *t, enum cost_id id, int64_t k)
{
    rng_sum_add(&t->ovh_due, &t->m->cost[id], k);
}

void thread_migrated(struct thread *t)
{
    t->migrations++;
    thread_add_overhead(t, COST_MIGRATION, 1);
}

double thread_load(struct thread *t, int64_t now_ns)
{
    thread_load_update(t, now_ns, t->state == THREAD_RUNNING);
    return t->load;
}

void thread_load_update(struct thread *t, int64_t now_ns, int was_running)
{
    int64_t dt = now_ns - t->load_t_ns;
    if (dt <= 0 || !t->m->balancing) /* only the balancer reads it */
        return;
    double y = exp2(-(double)dt / (double)t->m->hp.load_halflife_ns);
    t->load = t->load * y + (was_running ? 1.0 - y : 0.0);
    t->load_t_ns = now_ns;
}

void thread_wake(struct thread *t, struct core *waker)
{
    if (t->state != THREAD_SLEEPING)
        return;
    struct core *dst = balance_select_core(t, waker);
    if (dst != t->core) {
        if (t->cls == &sched_cfs_class) /* keep its lag on the new core */
            t->vruntime += dst->cfs_min_vruntime - t->core->cfs_min_vruntime;
        thread_migrated(t);
    }
    if (t->m->ngroups)
        cgroup_runnable_update(t, des_now(t->m->des), 0);
    core_enqueue(dst, t, SCHED_WAKEUP);
}

void thread_check(const struct thread *t)
{
    switch (t->state) {
    case THREAD_RUNNING:
        assert(t->core && t->core->curr == t);
        break;
    case THREAD_RUNNABLE:
        assert(t->core && t->core->curr != t);
        break;
    case THREAD_SLEEPING:
        assert(!t->in_step || t->idle_step);
        break;
    case THREAD_THROTTLED:
        assert(t->throttled);
        break;
    }
    assert(t->ovh_left_ns >= 0 && t->step_left_ns >= 0);
    (void)t;
}
