/*
 * thread.h - a schedulable activity: a host thread, a vCPU, or a core's
 * softirq context.
 *
 * A thread alternates between sleeping and having work. Its work comes in
 * steps: the behaviour (struct thread_ops) starts a step and says what it
 * costs; the core serves that cost, possibly over several stints when the
 * thread is preempted; then the behaviour ends the step and applies its
 * effects (moving packets, waking other threads). Overheads the scheduler
 * adds (context switches, wake-ups, cold caches) are served before the step
 * and counted as system time (as interrupt time for a softirq context);
 * those owed together are drawn as one sum.
 *
 *             thread_wake()            core picks it
 *   SLEEPING -------------> RUNNABLE ----------------> RUNNING
 *      ^                     ^   ^  <----------------   |  |
 *      |                     |   |   preempted/slice    |  |
 *      |   replenished       |   +-----------------------+  |
 *      |   THROTTLED --------+    budget spent (deadline)    |
 *      +--------------------------------------------------- +
 *          step_begin() returned THREAD_IDLE: nothing to do
 *
 * Transitions: thread_wake() (SLEEPING->RUNNABLE), core.c:core_schedule()
 * (RUNNABLE->RUNNING, RUNNING->RUNNABLE, RUNNING->SLEEPING), the deadline
 * class (RUNNING->THROTTLED->RUNNABLE).
 */
#ifndef VSRSIM_THREAD_H
#define VSRSIM_THREAD_H

#include <stdint.h>

#include "costmodel.h"
#include "rng.h"
#include "sched.h"
#include "stats.h"

struct core;
struct machine;
struct thread;

enum thread_state {
    THREAD_SLEEPING,
    THREAD_RUNNABLE,
    THREAD_RUNNING,
    THREAD_THROTTLED,
};

/* What step_begin() returns when there is nothing to do. */
#define THREAD_IDLE (-1)

/* Behaviour of a thread. */
struct thread_ops {
    /* The thread holds a core and has no step in progress: start the next
     * step and return its cost in ns (>= 0: work may cost nothing, as in
     * a cost model whose fit scaled an activity to zero), or THREAD_IDLE
     * when there is nothing to do, in which case the thread sleeps until
     * woken. */
    int64_t (*step_begin)(struct thread *t);
    /* The step's cost has been served: apply its effects. */
    void (*step_end)(struct thread *t);
};

struct thread {
    char name[STATS_NAME_LEN];
    int id;                         /* index in the machine             */
    struct machine *m;
    const struct sched_class *cls;
    const struct thread_ops *ops;
    void *ctx;                      /* the behaviour's state            */
    gsl_rng *rng;                   /* this thread's own random stream  */
    enum cpu_class acct;            /* what its step time counts as     */
    uint64_t allowed;               /* affinity: bit n = core n         */
    uint64_t move_cpus;             /* moved in turn to each of these   */
    int64_t move_every_ns;          /* ... this often (0: never)        */

    /* Scheduling parameters. */
    int prio;                       /* fifo: 1..99                      */
    int weight;                     /* cfs: 1024 for nice 0, or what    */
                                    /* its groups give it (cgroup.c)    */
    int own_weight;                 /* cfs: its nice's weight           */
    int group;                      /* its control group, -1: the root  */
    int64_t dl_runtime_ns;          /* deadline: Q                      */
    int64_t dl_period_ns;           /* deadline: T (deadline = period)  */

    /* State. */
    enum thread_state state;
    struct core *core;              /* where it is, or was last         */
    struct thread *next, *prev;     /* links in the core's class list   */
    int in_step;
    int idle_step;                  /* the step only serves overheads   */
    int preempt_off;                /* only interrupts may preempt it   */
    int64_t step_left_ns;           /* step cost not yet served         */
    int64_t ovh_left_ns;            /* overheads served before the step */
    struct rng_sum ovh_due;         /* overheads owed, not yet drawn    */
    int64_t penalty_ns;             /* cold-cache cost for the next step */

    /* Class state. */
    int64_t vruntime;               /* cfs, eevdf                       */
    int64_t slice_start_ns;         /* cfs, eevdf, fifo: got the core   */
    int64_t vdeadline;              /* eevdf: virtual deadline          */
    int64_t vlag;                   /* eevdf: lag kept while away       */
    int64_t vprot;                  /* eevdf: deadline when picked      */
    int vresched;                   /* eevdf: deadline reached, others  */
                                    /* waiting                          */
    int64_t dl_left_ns;             /* deadline: budget left            */
    int64_t dl_deadline_ns;         /* deadline: absolute deadline      */
    struct event *dl_timer;         /* deadline: replenishment          */
    int throttled;                  /* deadline: budget spent           */

    /* Decayed fraction of time runnable, for its groups' weights. */
    double runnable;
    int64_t runnable_t_ns;

    /* Load as the balancer sees it: decayed fraction of time running. */
    double load;
    int64_t load_t_ns;

    /* Statistics inside the measured window. */
    int64_t busy_ns;
    int64_t migrations;
    int64_t slices; /* times switched in (schedstat's third field) */
    int64_t preempted; /* ... of them after leaving its core runnable */
                       /* (preempted, throttled): Linux's involuntary */
                       /* switches; the others follow a sleep          */
    int left_runnable; /* it last left its core runnable             */
    int switch_in_cost[2]; /* an activity owed at a switch in after a */
                           /* sleep [0] or a preemption [1], or -1    */
};

/* Initialise a thread record; the caller fills policy and affinity. */
void thread_init(struct thread *t, struct machine *m, int id,
                 const char *name, const struct thread_ops *ops, void *ctx,
                 enum cpu_class acct);

/* Make a sleeping thread runnable; `waker` is the core whose activity woke
 * it (NULL for a timer). The balancer places it. It charges the woken
 * thread a migration when that changes its core, and the waker nothing. */
void thread_wake(struct thread *t, struct core *waker);

/* 1 when the thread is running or waiting for a core. */
static inline int thread_is_runnable(const struct thread *t)
{
    return t->state == THREAD_RUNNABLE || t->state == THREAD_RUNNING;
}

/* Owe k occurrences of overhead `id`, served before the thread's next
 * step (or the rest of the current one). Overheads owed together are drawn
 * as one sum (rng.h) when the core next looks at what the thread has left:
 * thread_overhead_left(). */
void thread_add_overhead(struct thread *t, enum cost_id id, int64_t k);

/* The thread goes to another core: one more migration, and a cold cache
 * to pay there (the `migration` cost). */
void thread_migrated(struct thread *t);

/* The overheads left to serve, those owed drawn first: what a core reads
 * instead of ovh_left_ns. */
static inline int64_t thread_overhead_left(struct thread *t)
{
    if (!rng_sum_empty(&t->ovh_due))
        t->ovh_left_ns += rng_sum_draw(t->rng, &t->ovh_due);
    return t->ovh_left_ns;
}

/* The balancer's load of t at time now (decayed, half-life from host). */
double thread_load(struct thread *t, int64_t now_ns);

/* Bring the load average up to now; `was_running` says whether the thread
 * ran since the last update. Called whenever it starts or stops running. */
void thread_load_update(struct thread *t, int64_t now_ns, int was_running);

/* Assert the per-state guarantees. */
void thread_check(const struct thread *t);

#endif
