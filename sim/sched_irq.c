/*
 * sched_irq.c - hard IRQ and softirq work: above every thread.
 *
 * A core's interrupt contexts (one per NIC served there) are threads of this
 * class pinned to the core. They run before any thread and are never
 * preempted by one; among themselves they run in arrival order, each to the
 * end of its step (a NAPI poll). Their time counts as irq.
 */
#include <stdint.h>

#include "core.h"

static void enqueue_irq(struct core *c, struct thread *t, int flags)
{
    (void)flags;
    tlist_push_tail(&c->rq[SCHED_IRQ], t);
}

static void dequeue_irq(struct core *c, struct thread *t)
{
    tlist_remove(&c->rq[SCHED_IRQ], t);
}

static struct thread *pick_next_irq(struct core *c)
{
    struct thread *t = c->rq[SCHED_IRQ].head;
    if (t)
        tlist_remove(&c->rq[SCHED_IRQ], t);
    return t;
}

static void put_prev_irq(struct core *c, struct thread *t, int preempted)
{
    (void)preempted;
    tlist_push_head(&c->rq[SCHED_IRQ], t);
}

static void set_curr_irq(struct core *c, struct thread *t)
{
    (void)c;
    (void)t;
}

static void update_curr_irq(struct core *c, struct thread *t, int64_t ns)
{
    (void)c;
    (void)t;
    (void)ns;
}

static int check_preempt_irq(struct core *c, struct thread *curr,
                             struct thread *t)
{
    (void)c;
    (void)curr;
    (void)t;
    return 0;
}

static int64_t timer_ns_irq(struct core *c, struct thread *t)
{
    (void)c;
    (void)t;
    return INT64_MAX;
}

static int tick_irq(struct core *c, struct thread *t)
{
    (void)c;
    (void)t;
    return 0;
}

static void sleep_irq(struct core *c, struct thread *t)
{
    (void)c;
    (void)t;
}

static void throttle_irq(struct core *c, struct thread *t)
{
    (void)c;
    (void)t;
}

const struct sched_class sched_irq_class = {
    .name = "irq",
    .rank = SCHED_IRQ,
    .enqueue = enqueue_irq,
    .dequeue = dequeue_irq,
    .sleep = sleep_irq,
    .pick_next = pick_next_irq,
    .put_prev = put_prev_irq,
    .set_curr = set_curr_irq,
    .update_curr = update_curr_irq,
    .check_preempt = check_preempt_irq,
    .timer_ns = timer_ns_irq,
    .tick = tick_irq,
    .throttle = throttle_irq,
};
