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
 *
 * What keeps a pop and a push cheap:
 *
 *  - A popped root is not refilled at once: the slot stays a hole, and
 *    the next push puts its event there and sifts it down ("replace top").
 *    A handler nearly always schedules something (a core re-arms its
 *    timer), so a pop and the push that follows cost one sift instead of
 *    two, and a near-future event, the usual kind, stops at the first
 *    level. Any other operation first refills the hole as an eager pop
 *    would have (refill_hole). The order of events is the same either way:
 *    it is the order of the keys.
 *  - The four children of a node are picked from without a branch: their
 *    order is random, so branches on it are mispredicted half the time.
 *    Slots past the last event hold a key above every real one, so every
 *    group of children is compared whole.
 *  - The key array starts three keys before a 64-byte boundary, so that
 *    the four children of any node (slots 4i+1..4i+4) share one cache line;
 *    in a large heap, sift_down() prefetches the grandchildren's keys and
 *    event pointers while it compares the children.
 */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "eventq.h"

#define ARITY 4
#define CHUNK 256
#define LINE 64
#define KEY_PAD (ARITY - 1) /* keys before the first line boundary */
#define NO_KEY (~(u128)0)   /* above every real key: time < 2^63 */
#define PREFETCH_MIN 4096   /* slots beyond which keys outgrow L1 */

typedef unsigned __int128 u128;

struct chunk {
    struct chunk *next;
    struct event ev[CHUNK];
};

/* Slot i of the heap holds key[i] and ev[i]: the keys sit apart from the
 * events, so that comparing the children of a node reads one cache line
 * and no event. The slots from n on, up to cap + ARITY, hold NO_KEY: every
 * group of children can be compared whole, and the sentinels never win.
 * While `hole` is set, slot 0 is empty (key[0] and ev[0] are stale) and n
 * counts it; only eventq_push() fills it, every other change refills it
 * first. */
struct eventq {
    u128 *key;
    struct event **ev;
    void *key_mem; /* the aligned allocation key points into */
    uint32_t n, cap;
    int hole;
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

/* Room for `cap` slots; keys placed so that each group of children is one
 * cache line, the last group of the last slot included. */
static void grow(struct eventq *q, uint32_t cap)
{
    size_t nkeys = (size_t)cap + ARITY;
    void *mem = xmalloc_aligned(LINE, (KEY_PAD + nkeys) * sizeof(u128));
    u128 *key = (u128 *)mem + KEY_PAD;
    if (q->n)
        memcpy(key, q->key, q->n * sizeof *key);
    for (size_t i = q->n; i < nkeys; i++)
        key[i] = NO_KEY;
    free(q->key_mem);
    q->key_mem = mem;
    q->key = key;
    q->ev = xrealloc(q->ev, cap * sizeof *q->ev);
    q->cap = cap;
}

struct eventq *eventq_alloc(void)
{
    struct eventq *q = xcalloc(1, sizeof *q);
    grow(q, 64);
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
    free(q->key_mem);
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

/* a when !cond, else b; arithmetic, so that the compiler cannot turn it
 * into a branch on an unpredictable comparison. */
static inline uint32_t pick(uint32_t a, uint32_t b, int cond)
{
    return a ^ ((a ^ b) & -(uint32_t)cond);
}

/* The slot of the smallest key among the ARITY slots from `first`: a
 * tournament of two rounds. */
static inline uint32_t min_of_group(const u128 *key, uint32_t first)
{
    uint32_t a = pick(first, first + 1, key[first + 1] < key[first]);
    uint32_t b = pick(first + 2, first + 3, key[first + 3] < key[first + 2]);
    return pick(a, b, key[b] < key[a]);
}

static void sift_down(struct eventq *q, uint32_t i, u128 k, struct event *e)
{
    const uint32_t n = q->n;
    const u128 *key = q->key;
    for (;;) {
        uint32_t first = i * ARITY + 1;
        if (first >= n)
            break;
        /* The next level's keys (four lines) and event pointers (two) are
         * fetched while this level is compared: a large heap waits on
         * memory, a small one sits in L1. (Written here, not in a helper:
         * GCC 12 takes a function that only prefetches for pure and drops
         * its calls.) */
        uint32_t g = first * ARITY + 1;
        if (n > PREFETCH_MIN && g < n) {
            __builtin_prefetch(key + g);
            __builtin_prefetch(key + g + ARITY);
            __builtin_prefetch(key + g + 2 * ARITY);
            __builtin_prefetch(key + g + 3 * ARITY);
            __builtin_prefetch(q->ev + g);
            __builtin_prefetch(q->ev + g + 2 * ARITY);
        }
        uint32_t best = min_of_group(key, first); /* sentinels pad it */
        if (k <= key[best])
            break;
        place(q, i, key[best], q->ev[best]);
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

/* Take the element at slot i out of the heap and refill the hole. */
static void take(struct eventq *q, uint32_t i)
{
    uint32_t last = --q->n;
    u128 k = q->key[last];
    q->key[last] = NO_KEY;
    if (i != last)
        settle(q, i, k, q->ev[last]);
}

/* Finish a deferred pop: the last element fills the root, as an eager pop
 * would have done. */
static inline void refill_hole(struct eventq *q)
{
    if (q->hole) {
        q->hole = 0;
        take(q, 0);
    }
}

struct event *eventq_push(struct eventq *q, int64_t time_ns,
                          void (*fn)(void *), void *arg)
{
    assert(time_ns >= 0);
    struct event *e = event_get(q);
    e->time_ns = time_ns;
    e->fn = fn;
    e->arg = arg;
    if (q->hole) { /* replace the popped root */
        u128 k = next_key(q, time_ns);
        q->hole = 0;
        /* The first level of sift_down(), here: in a simulation's small
         * heap the new event is often the earliest and stops there. */
        uint32_t c = min_of_group(q->key, 1);
        if (k <= q->key[c]) {
            place(q, 0, k, e);
        } else {
            place(q, 0, q->key[c], q->ev[c]);
            sift_down(q, c, k, e);
        }
        return e;
    }
    if (q->n == q->cap)
        grow(q, q->cap * 2);
    sift_up(q, q->n++, next_key(q, time_ns), e);
    return e;
}

/* The slot of the earliest pending event (q->n > q->hole). With a hole,
 * that is the smallest child of the root: every other event descends from
 * one of them. */
static inline uint32_t min_slot(const struct eventq *q)
{
    return q->hole ? min_of_group(q->key, 1) : 0;
}

struct event *eventq_peek_min(const struct eventq *q)
{
    return q->n > (uint32_t)q->hole ? q->ev[min_slot(q)] : NULL;
}

struct event *eventq_pop_min(struct eventq *q)
{
    refill_hole(q);
    if (!q->n)
        return NULL;
    struct event *e = q->ev[0];
    q->hole = 1; /* refilled by the next push, or by refill_hole() */
    e->slot = EVENTQ_NOT_QUEUED;
    return e;
}

struct event *eventq_pop_due(struct eventq *q, int64_t until_ns)
{
    if (q->n <= (uint32_t)q->hole ||
        (int64_t)(q->key[min_slot(q)] >> 64) > until_ns)
        return NULL;
    return eventq_pop_min(q);
}

void eventq_remove(struct eventq *q, struct event *e)
{
    refill_hole(q);
    assert(e->slot < q->n && q->ev[e->slot] == e);
    take(q, e->slot);
    eventq_release(q, e);
}

void eventq_move(struct eventq *q, struct event *e, int64_t time_ns)
{
    refill_hole(q);
    assert(time_ns >= 0 && e->slot < q->n && q->ev[e->slot] == e);
    e->time_ns = time_ns;
    settle(q, e->slot, next_key(q, time_ns), e);
}

uint32_t eventq_count(const struct eventq *q)
{
    return q->n - (uint32_t)q->hole;
}

void eventq_check(const struct eventq *q)
{
    assert(q->n >= (uint32_t)q->hole);
    for (uint32_t i = (uint32_t)q->hole; i < q->n; i++) {
        assert(q->ev[i]->slot == i);
        assert((int64_t)(q->key[i] >> 64) == q->ev[i]->time_ns);
        if (i > 0)
            assert(q->key[(i - 1) / ARITY] <= q->key[i]);
    }
    for (uint32_t i = q->n; i < q->cap + ARITY; i++)
        assert(q->key[i] == NO_KEY);
    (void)q;
}
