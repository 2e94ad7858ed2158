/*
 * cgroup.c - group scheduling: the weight a fair-class thread has on its
 * core when it sits in a control group of the cpu controller.
 *
 * Linux schedules a group as one entity on each core, in its parent's run
 * queue, and the threads of the group inside it. The entity's weight on a
 * core is the group's shares times the fraction of the group's load that
 * lies on that core (calc_group_shares()):
 *
 *   weight(g, c) = shares(g) x L(g, c) / (sum over cores of load(g, c'))
 *
 * with load(g, c) the PELT average of the group's runnable weight on c
 * and L(g, c), on the core being weighed, the larger of that average and
 * the weight runnable there now (the kernel replaces c's own contribution
 * so), clamped to [2, shares]. So a group whose threads run on two cores
 * weighs less than its shares on each: libvirt puts QEMU's main loop in
 * machine/<vm>/emulator and the vCPU in machine/<vm>/vcpu0, and on a core
 * the main loop shares with a thread outside the VM's group it gets about
 * 40%, not half, while the vCPU keeps the other core busy.
 *
 * The hierarchy is flattened into one weight per thread, the share of its
 * core the nested entities give it: the weight of its top group on the
 * core, times at each level below the fraction of its parent's runnable
 * weight its own entity has, times its own fraction of its group. The
 * weights are taken again on every tick (update_cfs_group() runs from
 * entity_tick()); the runnable averages are kept at each wake-up and sleep.
 */
#include <assert.h>
#include <math.h>

#include "cgroup.h"
#include "core.h"

/* Per group and core: the PELT load and the weight runnable now, summed
 * over the fair-class threads of the group and its descendants. */
struct loads {
    double avg[CGROUP_MAX][STATS_MAX_CORES];
    int64_t now[CGROUP_MAX][STATS_MAX_CORES];
};

static int is_fair(const struct machine *m, const struct thread *t)
{
    return t->cls == m->cls[SCHED_CFS];
}

void cgroup_runnable_update(struct thread *t, int64_t now_ns, int was_runnable)
{
    int64_t dt = now_ns - t->runnable_t_ns;
    if (dt <= 0)
        return;
    double y = exp2(-(double)dt / (double)t->m->hp.load_halflife_ns);
    t->runnable = t->runnable * y + (was_runnable ? 1.0 - y : 0.0);
    t->runnable_t_ns = now_ns;
}

static void sum_loads(struct machine *m, struct loads *l)
{
    int64_t now = des_now(m->des);
    for (int g = 0; g < m->ngroups; g++)
        for (int c = 0; c < m->ncores; c++) {
            l->avg[g][c] = 0;
            l->now[g][c] = 0;
        }
    for (int i = 0; i < m->nthreads; i++) {
        struct thread *t = m->thread[i];
        if (t->group < 0 || !is_fair(m, t))
            continue;
        int run = thread_is_runnable(t);
        cgroup_runnable_update(t, now, run);
        int c = t->core->id;
        for (int g = t->group; g >= 0; g = m->group[g].parent) {
            l->avg[g][c] += t->own_weight * t->runnable;
            if (run)
                l->now[g][c] += t->own_weight;
        }
    }
}

/* 1 when thread t is in group g or below it. */
static int in_subtree(const struct machine *m, const struct thread *t, int g)
{
    for (int k = t->group; k >= 0; k = m->group[k].parent)
        if (k == g)
            return 1;
    return 0;
}

/* The weight of group g's entity on core c. The thread being weighed, t,
 * counts as runnable there (it may be waking). */
static double entity_weight(const struct machine *m, const struct loads *l,
                            int g, int c, const struct thread *t)
{
    double here = l->avg[g][c], total = 0;
    for (int k = 0; k < m->ncores; k++)
        total += l->avg[g][k];
    int64_t now = l->now[g][c];
    if (!thread_is_runnable(t) && in_subtree(m, t, g))
        now += t->own_weight;
    double load = (double)now > here ? (double)now : here;
    double shares = m->group[g].shares;
    if (load <= 0)
        return shares;
    double w = shares * load / (total - here + load);
    return w < 2 ? 2 : w > shares ? shares : w;
}

/* The weight runnable inside group g on core c: its own runnable threads
 * and the entities of its child groups that have runnable threads there,
 * t counted as runnable. */
static double inside(const struct machine *m, const struct loads *l, int g,
                     int c, const struct thread *t)
{
    double sum = 0;
    for (int k = 0; k < m->ngroups; k++)
        if (m->group[k].parent == g &&
            (l->now[k][c] > 0 || in_subtree(m, t, k)))
            sum += entity_weight(m, l, k, c, t);
    for (int i = 0; i < m->nthreads; i++) {
        const struct thread *u = m->thread[i];
        if (u->group == g && u->core->id == c && is_fair(m, u) &&
            (u == t || thread_is_runnable(u)))
            sum += u->own_weight;
    }
    return sum;
}

/* t's flattened weight on its core, from loads l. */
static int weight_from(const struct machine *m, const struct loads *l,
                       const struct thread *t)
{
    if (t->group < 0)
        return t->own_weight;
    int chain[CGROUP_MAX], n = 0;
    for (int g = t->group; g >= 0; g = m->group[g].parent)
        chain[n++] = g; /* leaf first */
    int c = t->core->id;
    double w = entity_weight(m, l, chain[n - 1], c, t);
    for (int i = n - 1; i > 0; i--)
        w *= entity_weight(m, l, chain[i - 1], c, t) /
             inside(m, l, chain[i], c, t);
    w *= t->own_weight / inside(m, l, chain[0], c, t);
    int r = (int)lround(w);
    return r < 2 ? 2 : r;
}

static void on_tick(void *arg)
{
    struct machine *m = arg;
    struct loads l;
    sum_loads(m, &l);
    for (int i = 0; i < m->nthreads; i++) {
        struct thread *t = m->thread[i];
        if (t->group < 0 || !is_fair(m, t))
            continue;
        int w = weight_from(m, &l, t);
        if (w != t->weight)
            core_reweight(t->core, t, w);
    }
    des_after(m->des, m->hp.tick_ns, on_tick, m);
}

void cgroup_start(struct machine *m)
{
    assert(m->ngroups == 0 || m->hp.tick_ns > 0);
    if (m->ngroups > 0)
        des_after(m->des, m->hp.tick_ns, on_tick, m);
}
