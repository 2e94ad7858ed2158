/*
 * des.h - the simulation clock and event loop.
 *
 * Time is int64 nanoseconds and never goes back. Handlers run one at a
 * time in (time, insertion) order; a handler may schedule and cancel events.
 * The loop knows nothing of cores, threads or packets.
 */
#ifndef VSRSIM_DES_H
#define VSRSIM_DES_H

#include <assert.h>
#include <stdint.h>

#include "eventq.h"

/* Fields are private to des.c; the record is visible so that des_now(),
 * called in nearly every handler, compiles to one load. */
struct des {
    struct eventq *q;
    int64_t now_ns;
    uint64_t events;
    int stopped;
};

typedef void des_fn(void *arg);

struct des *des_alloc(void);
void des_free(struct des *d);

/* Current simulated time. */
static inline int64_t des_now(const struct des *d)
{
    return d->now_ns;
}

/* Schedule fn(arg) at absolute time `at_ns` (>= now) and return a handle
 * valid until the event runs or is cancelled. Inline, as des_now() is:
 * nearly every event schedules one. */
static inline struct event *des_at(struct des *d, int64_t at_ns, des_fn *fn,
                                   void *arg)
{
    assert(at_ns >= d->now_ns);
    return eventq_push(d->q, at_ns, fn, arg);
}

/* Schedule fn(arg) `delay_ns` (>= 0) from now. */
static inline struct event *des_after(struct des *d, int64_t delay_ns,
                                      des_fn *fn, void *arg)
{
    assert(delay_ns >= 0);
    return eventq_push(d->q, d->now_ns + delay_ns, fn, arg);
}

/* Cancel a pending event; the handle becomes invalid. */
void des_cancel(struct des *d, struct event *e);

/* Move a pending event to absolute time `at_ns` (>= now); it runs as if
 * cancelled and scheduled anew (after events already pending at `at_ns`).
 * Returns the same handle. */
struct event *des_move(struct des *d, struct event *e, int64_t at_ns);

/* Run events until the next one is later than `until_ns`, the queue is
 * empty, or des_stop() is called; then set the clock to `until_ns` (unless
 * stopped). Returns the number of events run. */
uint64_t des_run(struct des *d, int64_t until_ns);

/* Make des_run() return after the current handler. */
void des_stop(struct des *d);

/* Events run so far. */
uint64_t des_events(const struct des *d);

#endif
