/*
 * eventq.h - the pending-event set: a 4-ary min-heap keyed by (time, seq).
 *
 * Events with equal times leave in the order they were pushed (seq grows by
 * one per push), which makes runs repeat exactly. Every event knows its heap
 * slot, so removing a pending event is O(log n). Events are allocated from a
 * free list owned by the queue; no malloc happens once the pool has grown to
 * the largest number of pending events.
 */
#ifndef VSRSIM_EVENTQ_H
#define VSRSIM_EVENTQ_H

#include <stdint.h>

struct eventq; /* opaque */

struct event {
    int64_t time_ns;
    void (*fn)(void *arg);
    void *arg;
    /* Private to eventq.c. */
    uint32_t slot; /* index in the heap, or EVENTQ_NOT_QUEUED */
};

#define EVENTQ_NOT_QUEUED UINT32_MAX

/* Lifecycle. */
struct eventq *eventq_alloc(void);
void eventq_free(struct eventq *q);

/* Insert an event at `time_ns`; returns it (owned by the queue until it is
 * popped or removed). */
struct event *eventq_push(struct eventq *q, int64_t time_ns,
                          void (*fn)(void *), void *arg);

/* The earliest event, or NULL when empty; it stays queued. */
struct event *eventq_peek_min(const struct eventq *q);

/* Remove the earliest event and return it, or NULL when empty. The caller
 * must hand it back with eventq_release() after running it. */
struct event *eventq_pop_min(struct eventq *q);

/* eventq_pop_min() if the earliest event is due at or before `until_ns`,
 * else NULL (and nothing changes). */
struct event *eventq_pop_due(struct eventq *q, int64_t until_ns);

/* Remove a pending event (one returned by push, not yet popped) and release
 * it. */
void eventq_remove(struct eventq *q, struct event *e);

/* Give a pending event the time `time_ns` and the next insertion number,
 * as removing it and pushing it again would, without freeing it. */
void eventq_move(struct eventq *q, struct event *e, int64_t time_ns);

/* Return a popped event to the free list. */
void eventq_release(struct eventq *q, struct event *e);

/* Number of pending events. */
uint32_t eventq_count(const struct eventq *q);

/* Assert the heap property and slot back-pointers (debug builds). */
void eventq_check(const struct eventq *q);

#endif
