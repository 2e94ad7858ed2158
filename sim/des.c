/*
 * des.c - clock and loop: pop the earliest event, advance the clock, run it.
 *
 * This is all a sequential discrete-event engine needs (Redis's ae.c pared
 * down to timers). The event set lives behind eventq.h so it can be swapped.
 * With -DSIM_DEBUG the heap is checked after every event.
 */
#include <assert.h>
#include <stdlib.h>

#include "des.h"
#include "err.h"

struct des *des_alloc(void)
{
    struct des *d = xcalloc(1, sizeof *d);
    d->q = eventq_alloc();
    return d;
}

void des_free(struct des *d)
{
    if (!d)
        return;
    eventq_free(d->q);
    free(d);
}

void des_cancel(struct des *d, struct event *e)
{
    eventq_remove(d->q, e);
}

struct event *des_move(struct des *d, struct event *e, int64_t at_ns)
{
    assert(at_ns >= d->now_ns);
    eventq_move(d->q, e, at_ns);
    return e;
}

uint64_t des_run(struct des *d, int64_t until_ns)
{
    uint64_t n = 0;
    d->stopped = 0;
    for (;;) {
        struct event *e = eventq_pop_due(d->q, until_ns);
        if (!e)
            break;
        assert(e->time_ns >= d->now_ns);
        d->now_ns = e->time_ns;
        des_fn *fn = e->fn;
        void *arg = e->arg;
        eventq_release(d->q, e);
        fn(arg);
        n++;
#ifdef SIM_DEBUG
        eventq_check(d->q);
#endif
        if (d->stopped)
            break;
    }
    if (!d->stopped && d->now_ns < until_ns)
        d->now_ns = until_ns;
    d->events += n;
    return n;
}

void des_stop(struct des *d)
{
    d->stopped = 1;
}

uint64_t des_events(const struct des *d)
{
    return d->events;
}
