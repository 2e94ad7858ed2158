/*
 * sched.h - scheduling classes, one per file behind one ops table.
 *
 * As in Linux's kernel/sched, a core asks its classes in rank order for the
 * next thread: irq (hard IRQ and softirq work, above every thread), then
 * deadline (CBS/EDF), then fifo (SCHED_FIFO with RT throttling), then the
 * fair class: cfs, or eevdf on a host that says so.
 * Each class keeps its runnable threads in the core's per-class list and
 * may keep per-core state in `struct core` (see core.h) and per-thread
 * state in `struct thread` (see thread.h).
 *
 * Hooks, who calls them, and what they may change:
 *   enqueue       core.c, when t becomes runnable on c (woken, migrated in,
 *                 unthrottled). Links t into c's list for this class.
 *   dequeue       core.c, to take a queued (not running) t off c.
 *   sleep         core.c, when the running t goes to sleep, while it is
 *                 still c's curr: what the class keeps of it (eevdf: its
 *                 lag).
 *   pick_next     core.c, when c needs a thread: unlink and return the
 *                 thread to run, or NULL when this class has none.
 *   put_prev      core.c, when the running t stops running but stays
 *                 runnable; `preempted` is 1 when another thread took the
 *                 core before t was done. Relinks t.
 *   set_curr      core.c, when t starts running on c.
 *   update_curr   core.c, after t ran `ns` more nanoseconds on c: charge
 *                 vruntime, budget or RT time. May set t->throttled.
 *   check_preempt core.c, when t of this class wakes on c whose running
 *                 thread `curr` is of the same class: 1 if t takes over.
 *   timer_ns      core.c, after set_curr and every update: the absolute
 *                 time at which the class wants to decide again (slice end,
 *                 budget end, RT throttle), or INT64_MAX.
 *   tick          core.c, at that time: 1 to make curr give up the core.
 *   throttle      core.c, when update_curr set t->throttled while t ran:
 *                 park t until its class releases it (core_enqueue()).
 */
#ifndef VSRSIM_SCHED_H
#define VSRSIM_SCHED_H

#include <stdint.h>

struct core;
struct thread;

enum sched_rank { SCHED_IRQ, SCHED_DEADLINE, SCHED_FIFO, SCHED_CFS,
                  SCHED_NCLASS };

enum { SCHED_WAKEUP = 1 };

struct sched_class {
    const char *name;
    enum sched_rank rank;
    void (*enqueue)(struct core *c, struct thread *t, int flags);
    void (*dequeue)(struct core *c, struct thread *t);
    void (*sleep)(struct core *c, struct thread *t);
    struct thread *(*pick_next)(struct core *c);
    void (*put_prev)(struct core *c, struct thread *t, int preempted);
    void (*set_curr)(struct core *c, struct thread *t);
    void (*update_curr)(struct core *c, struct thread *t, int64_t ns);
    int (*check_preempt)(struct core *c, struct thread *curr,
                         struct thread *t);
    int64_t (*timer_ns)(struct core *c, struct thread *t);
    int (*tick)(struct core *c, struct thread *t);
    void (*throttle)(struct core *c, struct thread *t);
    /* Fair classes only: t, queued, running or asleep, takes `weight`
     * (its group's share changed), keeping its lag in real time. */
    void (*reweight)(struct core *c, struct thread *t, int weight);
};

extern const struct sched_class sched_irq_class;
extern const struct sched_class sched_deadline_class;
extern const struct sched_class sched_fifo_class;
extern const struct sched_class sched_cfs_class;
extern const struct sched_class sched_eevdf_class;

/* The class named `name` ("irq", "deadline", "fifo", "cfs"), or NULL. */
const struct sched_class *sched_find(const char *name);

/* The fair class (rank SCHED_CFS) named `name`: "cfs" (Linux up to 6.5)
 * or "eevdf" (6.6 and later), or NULL. A machine serves its threads of
 * policy "cfs" with the one its host names. */
const struct sched_class *sched_find_fair(const char *name);

/* Move c's min_vruntime forward to the least vruntime of its fair threads
 * (queued or running): the base both fair classes measure from. In
 * sched_cfs.c. */
void sched_fair_update_min_vruntime(struct core *c);

/* The class of rank r. */
const struct sched_class *sched_by_rank(enum sched_rank r);

#endif
