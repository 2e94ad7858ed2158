/*
 * core.h - a CPU core and the machine (host) that holds cores and threads.
 *
 * A core runs one thread at a time, chosen by its scheduling classes in rank
 * order. It is driven by one pending event, the next decision point: the end
 * of the running thread's step or its class's timer, whichever is earlier.
 * Wake-ups and preemptions reschedule at once. A core counts busy time by
 * class (irq, sys, guest); idle time is what is left.
 */
#ifndef VSRSIM_CORE_H
#define VSRSIM_CORE_H

#include <stdint.h>

#include "cgroup.h"
#include "costmodel.h"
#include "des.h"
#include "rng.h"
#include "sched.h"
#include "stats.h"
#include "thread.h"

/* Host settings that are mechanisms, not costs. */
struct host_params {
    int64_t cfs_latency_ns;      /* sched_latency (6 ms)                 */
    int64_t cfs_min_gran_ns;     /* sched_min_granularity (0.75 ms)      */
    int64_t cfs_wakeup_gran_ns;  /* sched_wakeup_granularity (1 ms)      */
    int64_t eevdf_slice_ns;      /* base_slice (0.75 ms x 1 + log2 CPUs) */
    int64_t tick_ns;             /* 1 / CONFIG_HZ (4 ms)                 */
    int64_t rt_period_ns;        /* sched_rt_period (1 s)                */
    int64_t rt_runtime_ns;       /* sched_rt_runtime (0.95 s); < 0: off  */
    int rt_runtime_share;        /* RT_RUNTIME_SHARE: a core out of RT   */
                                 /* runtime borrows the others' (3.x)    */
    int64_t balance_interval_ns; /* periodic load balancing (4 ms)       */
    int64_t load_halflife_ns;    /* PELT half-life (32 ms)               */
    /* The fair class of policy "cfs": sched_cfs_class or
     * sched_eevdf_class; NULL: cfs. */
    const struct sched_class *fair;
    double active_balance_load;  /* running thread's load that an idle  */
                                 /* core may pull (active balance)       */
    int active_balance_tries;    /* failed pulls before active balance   */
};

/* Why a thread stopped running without going to sleep (see
 * core_observer.note). */
enum core_note { CORE_PREEMPTED, CORE_THROTTLED };

/* Someone watching what the cores run (sim/trace.c), attached to a machine
 * through machine.obs. The hooks only read: a run gives the same results
 * whether it is watched or not. They are called:
 *   ran      when core c charges t for [start_ns, now): first ovh_ns of
 *            overheads, then work_ns of its step (ovh_ns + work_ns > 0).
 *   note     when t leaves c while still runnable (CORE_PREEMPTED), or
 *            when a class throttles t, or with t NULL the fifo class of c
 *            as a whole, until `until_ns` (CORE_THROTTLED).
 *   settled  when c has decided what to run next, after the steps that
 *            ended and began there (and so any change to the queues). */
struct core_observer {
    void *ctx;
    void (*ran)(void *ctx, const struct core *c, const struct thread *t,
                int64_t start_ns, int64_t ovh_ns, int64_t work_ns);
    void (*note)(void *ctx, const struct core *c, const struct thread *t,
                 enum core_note what, int64_t until_ns);
    void (*settled)(void *ctx, const struct core *c);
};

struct thread_list {
    struct thread *head, *tail;
    int n;
};

struct core {
    int id;
    int online;
    struct machine *m;
    struct thread *curr;         /* running thread, or NULL when idle    */
    struct thread *last;         /* last thread that ran (switch cost)   */
    struct thread *holder;       /* the thread switched to last; NULL    */
                                 /* once the core has idled or it left   */
    int64_t stint_start_ns;      /* when curr's current stint began      */
    struct event *timer;         /* next decision point                  */
    int busy;                    /* inside core_schedule()               */
    int need_resched;
    int resched_pending;         /* deferred until preemption is back on */
    struct thread_list rq[SCHED_NCLASS];
    int nr_threads;              /* non-irq threads queued or running    */

    /* fifo: RT throttling. */
    int64_t rt_runtime_ns;       /* this core's RT runtime a period: the */
                                 /* host's, plus what it borrowed, less  */
                                 /* what it lent                         */
    int64_t rt_used_ns;          /* RT time used in the current period   */
    int64_t rt_period_end_ns;
    int rt_throttled;
    struct event *rt_timer;

    /* cfs, eevdf */
    int64_t cfs_min_vruntime;

    /* balancer */
    int balance_failed;
    struct thread *evict;        /* running thread being pulled away     */

    /* statistics inside the measured window */
    int64_t acct_ns[CPU_NCLASS];
};

struct machine {
    struct des *des;
    struct rng_gamma cost[COST_N]; /* cm's costs, ready to draw         */
    struct host_params hp;
    const struct sched_class *cls[SCHED_NCLASS]; /* by rank: hp.fair's */
    int ncores;
    struct core core[STATS_MAX_CORES];
    int nthreads;
    struct thread *thread[STATS_MAX_THREADS];
    int balancing;               /* some thread may run on >1 core       */
    int ngroups;                 /* control groups below the root        */
    struct cgroup group[CGROUP_MAX];
    struct event *balance_timer;
    gsl_rng *rng;                /* the machine's own stream             */
    const struct core_observer *obs; /* NULL when nobody watches        */
};

/* Set up `ncores` cores, all offline: the caller sets core[i].online.
 * The costs of `cm` are read here; later changes to it are not seen. */
void machine_init(struct machine *m, struct des *des,
                  const struct costmodel *cm, const struct host_params *hp,
                  int ncores, uint64_t seed);
void machine_clear(struct machine *m);

/* Register a thread; place it (sleeping) on its first allowed core. A
 * thread of the fair rank is served by the host's fair class. */
void machine_add_thread(struct machine *m, struct thread *t);

/* Start the balancer if any thread can run on several cores. */
void machine_start(struct machine *m);

/* Bring every core's accounting up to now, then zero all statistics
 * (start of the measured window) when `reset` is 1. */
void machine_account(struct machine *m, int reset);

/* Queue a runnable thread on core c and preempt if it should run now. */
void core_enqueue(struct core *c, struct thread *t, int flags);

/* Give fair-class thread t (on core c, or asleep) a new weight. */
void core_reweight(struct core *c, struct thread *t, int weight);

/* Take a queued (runnable, not running) thread off its core. */
void core_dequeue(struct core *c, struct thread *t);

/* Make the running thread of c give up the core (it stays runnable). */
void core_preempt(struct core *c);

/* Decide again what c runs, now. Safe to call from any handler. */
void core_reschedule(struct core *c);

/* 1 when no thread other than irq work is queued or running on c. */
static inline int core_is_thread_idle(const struct core *c)
{
    return c->nr_threads == 0;
}

/* Draw the cost of k occurrences of activity `id` with t's stream. */
static inline int64_t thread_cost(struct thread *t, enum cost_id id,
                                  int64_t k)
{
    return rng_gamma_cost(t->rng, &t->m->cost[id], k);
}

/* Add k occurrences of activity `id` to the sum s of a step's costs... */
static inline void thread_cost_add(const struct thread *t, struct rng_sum *s,
                                   enum cost_id id, int64_t k)
{
    rng_sum_add(s, &t->m->cost[id], k);
}

/* ...and draw the sum with t's stream. */
static inline int64_t thread_cost_draw(struct thread *t, struct rng_sum *s)
{
    return rng_sum_draw(t->rng, s);
}

/* Thread list helpers for the classes. */
void tlist_push_tail(struct thread_list *l, struct thread *t);
void tlist_push_head(struct thread_list *l, struct thread *t);
void tlist_insert_before(struct thread_list *l, struct thread *at,
                         struct thread *t);
void tlist_remove(struct thread_list *l, struct thread *t);

/* Assert the core's invariants. */
void core_check(const struct core *c);

#endif
