/*
 * pktq.h - a bounded FIFO of packets, counting its drops.
 *
 * A packet is represented by its birth time (when the generator sent it),
 * which is all the model needs to measure latency. A queue has a fixed
 * capacity; pushing into a full queue drops the packet and counts it.
 * Consumers that work in steps take packets in two phases: pktq_claim()
 * reserves the oldest k at the start of a step (they stay counted in the
 * queue, so the producer cannot reuse their slots), pktq_release() removes
 * them at the end. Packets move between queues in bulk (pktq_copy), a
 * contiguous run of the ring at a time, as the model moves them in batches.
 */
#ifndef VSRSIM_PKTQ_H
#define VSRSIM_PKTQ_H

#include <assert.h>
#include <stdint.h>

struct pktq {
    int64_t *birth;   /* ring of birth times                    */
    uint32_t cap;     /* capacity, >= 1                         */
    uint32_t head;    /* index of the oldest packet             */
    uint32_t count;   /* packets held, claimed ones included    */
    uint32_t claimed; /* oldest packets reserved by a consumer  */
    uint64_t drops;   /* packets refused because full           */
};

void pktq_init(struct pktq *q, uint32_t cap);
void pktq_clear(struct pktq *q);

static inline uint32_t pktq_free(const struct pktq *q)
{
    return q->cap - q->count;
}

static inline int pktq_is_full(const struct pktq *q)
{
    return q->count == q->cap;
}

/* Packets held that no consumer has claimed. */
static inline uint32_t pktq_unclaimed(const struct pktq *q)
{
    return q->count - q->claimed;
}

/* Append a packet; returns 0, or -1 (and counts a drop) when full. */
static inline int pktq_push(struct pktq *q, int64_t birth_ns)
{
    if (q->count == q->cap) {
        q->drops++;
        return -1;
    }
    uint32_t i = q->head + q->count;
    if (i >= q->cap)
        i -= q->cap;
    q->birth[i] = birth_ns;
    q->count++;
    return 0;
}

/* Reserve up to k unclaimed packets; returns how many were reserved. */
static inline uint32_t pktq_claim(struct pktq *q, uint32_t k)
{
    uint32_t avail = q->count - q->claimed;
    if (k > avail)
        k = avail;
    q->claimed += k;
    return k;
}

/* Birth time of the i-th oldest packet (0 = oldest). */
static inline int64_t pktq_birth(const struct pktq *q, uint32_t i)
{
    uint32_t j = q->head + i;
    return q->birth[j >= q->cap ? j - q->cap : j];
}

/* The births of packets i, i+1, ... (0 = oldest) that lie in one
 * contiguous run of the ring: sets *p to the first and returns how many,
 * at most k (fewer where the ring wraps). */
static inline uint32_t pktq_run(const struct pktq *q, uint32_t i, uint32_t k,
                                const int64_t **p)
{
    uint32_t j = q->head + i;
    if (j >= q->cap)
        j -= q->cap;
    uint32_t n = q->cap - j;
    *p = &q->birth[j];
    return k < n ? k : n;
}

/* Free slots at the tail that lie in one contiguous run of the ring: sets
 * *p to the first and returns how many, at most k. Births written there
 * join the queue with pktq_commit(). */
static inline uint32_t pktq_tail_run(struct pktq *q, uint32_t k, int64_t **p)
{
    uint32_t j = q->head + q->count;
    if (j >= q->cap)
        j -= q->cap;
    uint32_t n = q->cap - j;
    if (n > q->cap - q->count)
        n = q->cap - q->count;
    *p = &q->birth[j];
    return k < n ? k : n;
}

/* Append the n packets written at the tail (see pktq_tail_run()). */
static inline void pktq_commit(struct pktq *q, uint32_t n)
{
    assert(n <= q->cap - q->count);
    q->count += n;
}

/* Append src's packets i..i+k-1 (0 = oldest; they stay in src) to q, as
 * k pktq_push() calls would: those that find q full are dropped and
 * counted. Returns how many were appended. q and src are different
 * queues. */
uint32_t pktq_copy(struct pktq *q, const struct pktq *src, uint32_t i,
                   uint32_t k);

/* Remove the k oldest packets (all claimed); k <= claimed. */
static inline void pktq_release(struct pktq *q, uint32_t k)
{
    assert(k <= q->claimed);
    q->head += k;
    if (q->head >= q->cap)
        q->head -= q->cap;
    q->count -= k;
    q->claimed -= k;
}

/* Assert the invariants. */
void pktq_check(const struct pktq *q);

#endif
