/*
 * balance.h - where threads run: wake-up placement and load balancing.
 *
 * The balancer counts thread load only, never interrupt load, as the
 * paper found Linux's does: a core busy with NIC softirq work but running no
 * thread looks idle. Threads bound to one core never move.
 */
#ifndef VSRSIM_BALANCE_H
#define VSRSIM_BALANCE_H

struct core;
struct machine;
struct thread;

/* The core a waking thread is queued on (select_task_rq): the waker's core
 * when it is allowed and runs no thread, else the previous core when it
 * runs no thread, else any allowed core that runs no thread, else the
 * previous core. */
struct core *balance_select_core(struct thread *t, struct core *waker);

/* Core c has just run out of threads: pull a waiting one if some core has
 * more than one (newidle balance). */
void balance_newidle(struct core *c);

/* Start the periodic balancer. */
void balance_start(struct machine *m);

/* Move the runnable (queued) thread t to core dst, with the cold-cache
 * cost of a migration. */
void balance_migrate(struct thread *t, struct core *dst);

/* Move thread t to core dst now, whatever it is doing, as Linux's
 * set_cpus_allowed does when its core is no longer allowed: a running
 * thread is stopped and queued on dst, a queued one requeued there; a
 * sleeping thread is left to wake there (balance_select_core()). */
void balance_move(struct thread *t, struct core *dst);

/* Start the moves of the threads that have move_every_ns: every
 * move_every_ns each is pinned to the next core of its move_cpus (after
 * the one it is pinned to, in turn), as a program that pins it again and
 * again (taskset -p) does. */
void balance_start_moves(struct machine *m);

#endif
