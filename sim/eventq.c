/*
 * eventq.c - 4-ary min-heap of events keyed by (time_ns, seq).
 *
 * Why a 4-ary heap: a simulation of one host keeps a few dozen pending
 * events (one completion per core, a few timers), where a d-ary heap beats
 * calendar queues and splay trees on branch mispredictions. Keys are compared
 * as one unsigned 128-bit integer (time in the high half, insertion number
 * in the low half): ties break first-in first-out, as libuv's timers do.
 *
 * The heap stores pointers to events; each event records its slot so that
 * eventq_remove() works in O(log n). Events come from a free list that grows
 * in chunks and is never shrunk.
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

struct eventq {
    struct event **heap;
    uint32_t n, cap;
    uint64_t next_seq;
    struct event *free_list; /* linked through ->arg */
    struct chunk *chunks;
};

static inline u128 key(const struct event *e)
{
    /* time_ns >= 0, so the signed-to-unsigned cast keeps the order. */
    return ((u128)(uint64_t)e->time_ns << 64) | e->seq;
}

struct eventq *eventq_alloc(void)
{
    struct eventq *q = xcalloc(1, sizeof *q);
    q->cap = 64;
    q->heap = xmalloc(q->cap * sizeof *q->heap);
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
    free(q->heap);
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

static inline void place(struct eventq *q, uint32_t i, struct event *e)
{
    q->heap[i] = e;
    e->slot = i;
}

static void sift_up(struct eventq *q, uint32_t i, struct event *e)
{
    u128 k = key(e);
    while (i > 0) {
        uint32_t parent = (i - 1) / ARITY;
        if (key(q->heap[parent]) <= k)
            break;
        place(q, i, q->heap[parent]);
        i = parent;
    }
    place(q, i, e);
}

static void sift_down(struct eventq *q, uint32_t i, struct event *e)
{
    u128 k = key(e);
    for (;;) {
        uint32_t first = i * ARITY + 1;
        if (first >= q->n)
            break;
        uint32_t last = first + ARITY < q->n ? first + ARITY : q->n;
        uint32_t best = first;
        u128 best_key = key(q->heap[first]);
        for (uint32_t c = first + 1; c < last; c++) {
            u128 ck = key(q->heap[c]);
            if (ck < best_key) {
                best = c;
                best_key = ck;
            }
        }
        if (k <= best_key)
            break;
        place(q, i, q->heap[best]);
        i = best;
    }
    place(q, i, e);
}

struct event *eventq_push(struct eventq *q, int64_t time_ns,
                          void (*fn)(void *), void *arg)
{
    assert(time_ns >= 0);
    if (q->n == q->cap) {
        q->cap *= 2;
        q->heap = xrealloc(q->heap, q->cap * sizeof *q->heap);
    }
    struct event *e = event_get(q);
    e->time_ns = time_ns;
    e->fn = fn;
    e->arg = arg;
    e->seq = q->next_seq++;
    sift_up(q, q->n++, e);
    return e;
}

struct event *eventq_peek_min(const struct eventq *q)
{
    return q->n ? q->heap[0] : NULL;
}

/* Take the element at slot i out of the heap and refill the hole. */
static void take(struct eventq *q, uint32_t i)
{
    struct event *last = q->heap[--q->n];
    if (i == q->n)
        return;
    if (i > 0 && key(last) < key(q->heap[(i - 1) / ARITY]))
        sift_up(q, i, last);
    else
        sift_down(q, i, last);
}

struct event *eventq_pop_min(struct eventq *q)
{
    if (!q->n)
        return NULL;
    struct event *e = q->heap[0];
    take(q, 0);
    e->slot = EVENTQ_NOT_QUEUED;
    return e;
}

void eventq_remove(struct eventq *q, struct event *e)
{
    assert(e->slot < q->n && q->heap[e->slot] == e);
    take(q, e->slot);
    eventq_release(q, e);
}

uint32_t eventq_count(const struct eventq *q)
{
    return q->n;
}

void eventq_check(const struct eventq *q)
{
    for (uint32_t i = 0; i < q->n; i++) {
        assert(q->heap[i]->slot == i);
        if (i > 0)
            assert(key(q->heap[(i - 1) / ARITY]) <= key(q->heap[i]));
    }
    (void)q;
}
