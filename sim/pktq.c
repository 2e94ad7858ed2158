/*
 * pktq.c - ring buffer of packet birth times with tail drop.
 *
 * Bulk appends copy contiguous runs (at most two per ring, before and
 * after its end): the model moves packets a batch at a time.
 */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "pktq.h"

void pktq_init(struct pktq *q, uint32_t cap)
{
    assert(cap >= 1);
    q->birth = xmalloc(cap * sizeof *q->birth);
    q->cap = cap;
    q->head = q->count = q->claimed = 0;
    q->drops = 0;
}

void pktq_clear(struct pktq *q)
{
    free(q->birth);
    q->birth = NULL;
}

uint32_t pktq_copy(struct pktq *q, const struct pktq *src, uint32_t i,
                   uint32_t k)
{
    assert(q != src && i + k <= src->count);
    if (k == 1) /* the most common batch: not worth a copy */
        return pktq_push(q, pktq_birth(src, i)) == 0;
    uint32_t done = 0;
    /* Runs that are contiguous in both rings: at most three, as each ring
     * wraps at most once. */
    while (done < k) {
        const int64_t *from;
        int64_t *to;
        uint32_t n = pktq_run(src, i + done, k - done, &from);
        n = pktq_tail_run(q, n, &to);
        if (n == 0)
            break; /* q is full: the rest is dropped */
        memcpy(to, from, n * sizeof *to);
        pktq_commit(q, n);
        done += n;
    }
    q->drops += k - done;
    return done;
}

void pktq_check(const struct pktq *q)
{
    assert(q->cap >= 1 && q->head < q->cap);
    assert(q->count <= q->cap && q->claimed <= q->count);
    (void)q;
}
