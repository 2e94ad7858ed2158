/*
 * pktq.h - a bounded FIFO of packets, counting its drops.
 *
 * A packet is represented by its birth time (when the generator sent it),
 * which is all the model needs to measure latency. A queue has a fixed
 * capacity; pushing into a full queue drops the packet and counts it.
 * Consumers that work in steps take packets in two phases: pktq_claim()
 * reserves the oldest k at the start of a step (they stay counted in the
 * queue, so the producer cannot reuse their slots), pktq_release() removes
 * them at the end.
 */
#ifndef VSRSIM_PKTQ_H
#define VSRSIM_PKTQ_H

#include <stdint.h>

struct pktq {
    int64_t *birth;   /* ring of birth times                    */
    uint32_t cap;     /* capacity, >= 1                         */
    uint32_t head;    /* index of the oldest packet             */
    uint32_t count;   /* packets held, claimed ones included    */
    uint32_t claimed; /* oldest packets reserved by a consumer  */
    uint64_t drops;   /* packets refused because full           */
    uint64_t peak;    /* highest count seen                     */
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
    if (++q->count > q->peak)
        q->peak = q->count;
    return 0;
}

/* Reserve up to k unclaimed packets; returns how many were reserved. */
uint32_t pktq_claim(struct pktq *q, uint32_t k);

/* Birth time of the i-th oldest packet (0 = oldest). */
static inline int64_t pktq_birth(const struct pktq *q, uint32_t i)
{
    uint32_t j = q->head + i;
    return q->birth[j >= q->cap ? j - q->cap : j];
}

/* Remove the k oldest packets (all claimed); k <= claimed. */
void pktq_release(struct pktq *q, uint32_t k);

/* Assert the invariants. */
void pktq_check(const struct pktq *q);

#endif
