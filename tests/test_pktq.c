/*
 * test_pktq.c - the bounded packet FIFO of pktq.[ch].
 *
 * A queue holds birth times in a ring: tail drop when full, two-phase
 * consumption (claim at the start of a step, release at its end) in birth
 * order, and correct indexing after the ring wraps. Each test checks one
 * property.
 */
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "check.h"

#include "pktq.h"

enum { CAP = 16 };

static void push_into_full_queue_drops(void **state)
{
    (void)state;
    struct pktq q;
    pktq_init(&q, CAP);
    int refused = 0;
    for (int i = 0; i < CAP + 5; i++)
        refused += pktq_push(&q, 1000 + i) != 0;
    assert_i64_equal(q.drops, 5);
    assert_i64_equal(refused, 5);
    pktq_clear(&q);
}

static void full_queue_holds_cap_packets(void **state)
{
    (void)state;
    struct pktq q;
    pktq_init(&q, CAP);
    for (int i = 0; i < CAP + 5; i++)
        pktq_push(&q, 1000 + i);
    assert_i64_equal(q.count, CAP);
    assert_i64_equal(pktq_is_full(&q), 1);
    assert_i64_equal(pktq_free(&q), 0);
    pktq_clear(&q);
}

static void drop_is_tail_drop(void **state)
{
    (void)state;
    struct pktq q;
    pktq_init(&q, CAP);
    for (int i = 0; i < CAP + 5; i++)
        pktq_push(&q, 1000 + i);
    /* The first CAP packets stay, the last 5 were refused. */
    for (uint32_t i = 0; i < CAP; i++)
        assert_i64_equal(pktq_birth(&q, i), 1000 + i);
    pktq_clear(&q);
}

static void claim_and_release_in_birth_order(void **state)
{
    (void)state;
    struct pktq q;
    pktq_init(&q, CAP);
    for (int i = 0; i < 10; i++)
        pktq_push(&q, 100 * (i + 1));
    int64_t next = 100;
    /* Steps of 3, 3, 3, 1 packets, each claims then releases. */
    for (;;) {
        uint32_t k = pktq_claim(&q, 3);
        if (k == 0)
            break;
        for (uint32_t i = 0; i < k; i++, next += 100)
            assert_i64_equal(pktq_birth(&q, i), next);
        pktq_release(&q, k);
    }
    assert_i64_equal(next, 1100);
    assert_i64_equal(q.count, 0);
    pktq_clear(&q);
}

static void claimed_packets_stay_counted(void **state)
{
    (void)state;
    struct pktq q;
    pktq_init(&q, 4);
    for (int i = 0; i < 4; i++)
        pktq_push(&q, i);
    assert_i64_equal(pktq_claim(&q, 3), 3);
    /* Claimed slots are not free: the producer is refused. */
    assert_i64_equal(pktq_push(&q, 99), -1);
    assert_i64_equal(q.count, 4);
    assert_i64_equal(pktq_unclaimed(&q), 1);
    pktq_clear(&q);
}

static void claim_is_limited_to_unclaimed(void **state)
{
    (void)state;
    struct pktq q;
    pktq_init(&q, CAP);
    for (int i = 0; i < 5; i++)
        pktq_push(&q, i);
    assert_i64_equal(pktq_claim(&q, 3), 3);
    assert_i64_equal(pktq_claim(&q, 3), 2); /* only 2 left unclaimed */
    assert_i64_equal(pktq_claim(&q, 3), 0);
    assert_i64_equal(q.claimed, 5);
    pktq_clear(&q);
}

static void fifo_order_survives_wrap_around(void **state)
{
    (void)state;
    struct pktq q;
    pktq_init(&q, 7); /* a size that does not divide the step sizes */
    int64_t in = 0, out = 0;
    for (int round = 0; round < 1000; round++) {
        /* Fill to the brim, then consume 1..5 packets. */
        while (!pktq_is_full(&q))
            pktq_push(&q, in++);
        uint32_t k = pktq_claim(&q, (uint32_t)(round % 5) + 1);
        for (uint32_t i = 0; i < k; i++)
            assert_i64_equal(pktq_birth(&q, i), out + i);
        pktq_release(&q, k);
        out += k;
    }
    assert_i64_equal(in - out, q.count);
    assert_i64_equal(q.drops, 0);
    pktq_clear(&q);
}

static void birth_index_wraps_past_end_of_ring(void **state)
{
    (void)state;
    struct pktq q;
    pktq_init(&q, 4);
    for (int i = 0; i < 3; i++)
        pktq_push(&q, i);
    pktq_claim(&q, 3);
    pktq_release(&q, 3); /* head is now slot 3 */
    for (int i = 10; i < 14; i++)
        pktq_push(&q, i); /* slots 3, 0, 1, 2 */
    assert_i64_equal(q.head, 3);
    for (uint32_t i = 0; i < 4; i++)
        assert_i64_equal(pktq_birth(&q, i), 10 + i);
    pktq_clear(&q);
}

static void release_wraps_head(void **state)
{
    (void)state;
    struct pktq q;
    pktq_init(&q, 4);
    for (int i = 0; i < 3; i++)
        pktq_push(&q, i);
    pktq_release(&q, pktq_claim(&q, 3));
    for (int i = 10; i < 14; i++)
        pktq_push(&q, i);
    pktq_release(&q, pktq_claim(&q, 2)); /* head 3 -> 1 through the end */
    assert_i64_equal(q.head, 1);
    assert_i64_equal(pktq_birth(&q, 0), 12);
    pktq_clear(&q);
}

static void pktq_check_holds_through_mixed_use(void **state)
{
    (void)state;
    struct pktq q;
    uint64_t x = 1;
    pktq_init(&q, 5);
    for (int i = 0; i < 10000; i++) {
        x = x * 6364136223846793005ULL + 1442695040888963407ULL;
        switch ((x >> 40) % 3) {
        case 0:
            pktq_push(&q, i);
            break;
        case 1:
            pktq_claim(&q, (uint32_t)((x >> 20) % 3));
            break;
        default:
            pktq_release(&q,
                         q.claimed ? (uint32_t)((x >> 20) % q.claimed) + 1 : 0);
            break;
        }
        pktq_check(&q); /* asserts head, count and claimed bounds */
    }
    assert_true(q.drops > 0); /* the queue was full at times */
    pktq_clear(&q);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(push_into_full_queue_drops),
        cmocka_unit_test(full_queue_holds_cap_packets),
        cmocka_unit_test(drop_is_tail_drop),
        cmocka_unit_test(claim_and_release_in_birth_order),
        cmocka_unit_test(claimed_packets_stay_counted),
        cmocka_unit_test(claim_is_limited_to_unclaimed),
        cmocka_unit_test(fifo_order_survives_wrap_around),
        cmocka_unit_test(birth_index_wraps_past_end_of_ring),
        cmocka_unit_test(release_wraps_head),
        cmocka_unit_test(pktq_check_holds_through_mixed_use),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
