/*
 * eventq.c - 4-ary min-heap of events keyed by (time_ns, seq).
 *
 * Why a 4-ary heap: a simulation of one host keeps a few dozen pending
 * events (one completion per core, a few timers), where a d-ary heap beats
 * calendar queues and splay trees on branch mispredictions. Keys are compared
 * as one unsigned 128-bit integer (time in the high half, insertion number
 * in the low half): ties break first-in first-out, as libuv's timers do.
 *
 * The heap stores each event's key next to a pointer to it; each event
 * records its slot so that eventq_remove() works in O(log n). Events come
 * from a free list that grows in chunks and is never shrunk.
 */
#include <assert.h>
#include <stdlib.h>

#include "err.h"
#include "eventq.h"

#define ARITY 4
#define CHUNK 256

typedef unsigned __int128 u128;

struct chunk {
    struct chunk *next;
    struct event ev[CHUNK];
};

/* Slot i of the heap holds key[i] and ev[i]: the keys sit apart from the
 * events, so that comparing the children of a node reads one cache line
 * and no event. */
struct eventq {
    u128 *key;
    struct event **ev;
    uint32_t n, cap;
    uint64_t next_seq;
    struct event *free_list; /* linked through ->arg */
    struct chunk *chunks;
};

/* The key of an event at `time_ns` pushed now. */
static inline u128 next_key(struct eventq *q, int64_t time_ns)
{
    /* time_ns >= 0, so the signed-to-unsigned cast keeps the order. */
    return ((u128)(uint64_t)time_ns << 64) | q->next_seq++;
}

struct eventq *eventq_alloc(void)
{
    struct eventq *q = xcalloc(1, sizeof *q);
    q->cap = 64;
    q->key = xmalloc(q->cap * sizeof *q->key);
    q->ev = xmalloc(q->cap * sizeof *q->ev);
    return q;
}

void eventq_free(struct eventq *q)
{
    if (!q)
        return;
    while (q->chunks) {
        struct chunk *c = q->chunks;
        q->chunks = c->next;
        free(c);
    }
    free(q->key);
    free(q->ev);
    free(q);
}

static struct event *event_get(struct eventq *q)
{
    if (!q->free_list) {
        struct chunk *c = xmalloc(sizeof *c);
        c->next = q->chunks;
        q->chunks = c;
        for (int i = CHUNK - 1; i >= 0; i--) {
            c->ev[i].arg = q->free_list;
            q->free_list = &c->ev[i];
        }
    }
    struct event *e = q->free_list;
    q->free_list = e->arg;
    return e;
}

void eventq_release(struct eventq *q, struct event *e)
{
    e->slot = EVENTQ_NOT_QUEUED;
    e->fn = NULL;
    e->arg = q->free_list;
    q->free_list = e;
}

static inline void place(struct eventq *q, uint32_t i, u128 k, struct event *e)
{
    q->key[i] = k;
    q->ev[i] = e;
    e->slot = i;
}

static void sift_up(struct eventq *q, uint32_t i, u128 k, struct event *e)
{
    while (i > 0) {
        uint32_t parent = (i - 1) / ARITY;
        if (q->key[parent] <= k)
            break;
        place(q, i, q->key[parent], q->ev[parent]);
        i = parent;
    }
    place(q, i, k, e);
}

static void sift_down(struct eventq *q, uint32_t i, u128 k, struct event *e)
{
    for (;;) {
        uint32_t first = i * ARITY + 1;
        if (first >= q->n)
            break;
        uint32_t last = first + ARITY < q->n ? first + ARITY : q->n;
        uint32_t best = first;
        for (uint32_t c = first + 1; c < last; c++)
            if (q->key[c] < q->key[best])
                best = c;
        if (k <= q->key[best])
            break;
        place(q, i, q->key[best], q->ev[best]);
        i = best;
    }
    place(q, i, k, e);
}

/* Put event e with key k at slot i (a hole, or e's own slot) and restore
 * the heap order around it. */
static void settle(struct eventq *q, uint32_t i, u128 k, struct event *e)
{
    if (i > 0 && k < q->key[(i - 1) / ARITY])
        sift_up(q, i, k, e);
    else
        sift_down(q, i, k, e);
}

struct event *eventq_push(struct eventq *q, int64_t time_ns,
                          void (*fn)(void *), void *arg)
{
    assert(time_ns >= 0);
    if (q->n == q->cap) {
        q->cap *= 2;
        q->key = xrealloc(q->key, q->cap * sizeof *q->key);
        q->ev = xrealloc(q->ev, q->cap * sizeof *q->ev);
    }
    struct event *e = event_get(q);
    e->time_ns = time_ns;
    e->fn = fn;
    e->arg = arg;
    sift_up(q, q->n++, next_key(q, time_ns), e);
    return e;
}

struct event *eventq_peek_min(const struct eventq *q)
{
    return q->n ? q->ev[0] : NULL;
}

/* Take the element at slot i out of the heap and refill the hole. */
static void take(struct eventq *q, uint32_t i)
{
    uint32_t last = --q->n;
    if (i != last)
        settle(q, i, q->key[last], q->ev[last]);
}

struct event *eventq_pop_min(struct eventq *q)
{
    if (!q->n)
        return NULL;
    struct event *e = q->ev[0];
    take(q, 0);
    e->slot = EVENTQ_NOT_QUEUED;
    return e;
}

struct event *eventq_pop_due(struct eventq *q, int64_t until_ns)
{
    if (!q->n || q->ev[0]->time_ns > until_ns)
        return NULL;
    return eventq_pop_min(q);
}

void eventq_remove(struct eventq *q, struct event *e)
{
    assert(e->slot < q->n && q->ev[e->slot] == e);
    take(q, e->slot);
    eventq_release(q, e);
}

void eventq_move(struct eventq *q, struct event *e, int64_t time_ns)
{
    assert(time_ns >= 0 && e->slot < q->n && q->ev[e->slot] == e);
    e->time_ns = time_ns;
    settle(q, e->slot, next_key(q, time_ns), e);
}

uint32_t eventq_count(const struct eventq *q)
{
    return q->n;
}

void eventq_check(const struct eventq *q)
{
    for (uint32_t i = 0; i < q->n; i++) {
        assert(q->ev[i]->slot == i);
        assert((int64_t)(q->key[i] >> 64) == q->ev[i]->time_ns);
        if (i > 0)
            assert(q->key[(i - 1) / ARITY] <= q->key[i]);
    }
    (void)q;
}
