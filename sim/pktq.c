/*
 * pktq.c - ring buffer of packet birth times with tail drop.
 */
#include <assert.h>
#include <stdlib.h>

#include "err.h"
#include "pktq.h"

void pktq_init(struct pktq *q, uint32_t cap)
{
    assert(cap >= 1);
    q->birth = xmalloc(cap * sizeof *q->birth);
    q->cap = cap;
    q->head = q->count = q->claimed = 0;
    q->drops = q->peak = 0;
}

void pktq_clear(struct pktq *q)
{
    free(q->birth);
    q->birth = NULL;
}

uint32_t pktq_claim(struct pktq *q, uint32_t k)
{
    uint32_t avail = q->count - q->claimed;
    if (k > avail)
        k = avail;
    q->claimed += k;
    return k;
}

void pktq_release(struct pktq *q, uint32_t k)
{
    assert(k <= q->claimed);
    q->head += k;
    if (q->head >= q->cap)
        q->head -= q->cap;
    q->count -= k;
    q->claimed -= k;
}

void pktq_check(const struct pktq *q)
{
    assert(q->cap >= 1 && q->head < q->cap);
    assert(q->count <= q->cap && q->claimed <= q->count);
    (void)q;
}
