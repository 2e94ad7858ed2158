/*
 * test_eventq.c - engine properties of eventq.c and des.c.
 *
 * What every sequential discrete-event engine must guarantee (house style
 * rule 16): events with equal times run in the order they were scheduled,
 * simulated time never goes back, a cancelled event never runs, and
 * des_run() stops where it is told. Random inputs come from a fixed-seed
 * LCG, so every run of these tests is the same. Each test checks one
 * property.
 */
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "check.h"

#include "des.h"
#include "eventq.h"

/* ---- A fixed-seed LCG (Knuth's MMIX constants) ------------------------ */

static uint64_t lcg_state;

static void lcg_seed(uint64_t s)
{
    lcg_state = s;
}

/* Uniform in [0, n). */
static uint64_t lcg_below(uint64_t n)
{
    lcg_state = lcg_state * 6364136223846793005ULL + 1442695040888963407ULL;
    return (lcg_state >> 33) % n;
}

/* ---- Helpers ---------------------------------------------------------- */

static void nop(void *arg)
{
    (void)arg;
}

/* Pop the earliest event; returns its arg and stores its time. */
static intptr_t pop_arg(struct eventq *q, int64_t *time_ns)
{
    struct event *e = eventq_pop_min(q);
    assert_non_null(e);
    intptr_t a = (intptr_t)e->arg;
    *time_ns = e->time_ns;
    eventq_release(q, e);
    return a;
}

/* A record of which handlers ran, in what order and when. */
#define LOG_MAX 20000

struct run_log {
    struct des *d;
    int n;
    int who[LOG_MAX];
    int64_t when[LOG_MAX];
};

struct tagged {
    struct run_log *log;
    int tag;
};

static void log_run(void *arg)
{
    struct tagged *t = arg;
    struct run_log *l = t->log;
    assert_true(l->n < LOG_MAX);
    l->who[l->n] = t->tag;
    l->when[l->n] = des_now(l->d);
    l->n++;
}

/* ---- eventq: ordering ------------------------------------------------- */

static void equal_time_events_pop_in_push_order(void **state)
{
    (void)state;
    struct eventq *q = eventq_alloc();
    enum { N = 1000 };
    for (intptr_t i = 0; i < N; i++)
        eventq_push(q, 42, nop, (void *)i);
    for (intptr_t i = 0; i < N; i++) {
        int64_t t;
        assert_i64_equal(pop_arg(q, &t), i);
    }
    eventq_free(q);
}

static void equal_time_events_keep_push_order_among_other_times(void **state)
{
    (void)state;
    struct eventq *q = eventq_alloc();
    enum { N = 3000, NT = 7 };
    /* Push index i at time (i * 5) mod NT: each time gets every NT-th
     * index, interleaved with pushes at other times. */
    for (intptr_t i = 0; i < N; i++)
        eventq_push(q, (int64_t)((i * 5) % NT), nop, (void *)i);
    int64_t last_t = -1;
    intptr_t last_i = -1;
    for (int k = 0; k < N; k++) {
        int64_t t;
        intptr_t i = pop_arg(q, &t);
        assert_i64_equal((i * 5) % NT, t);
        if (t == last_t)
            assert_i64_le(last_i + 1, i); /* later push pops later */
        else
            assert_i64_le(last_t + 1, t);
        last_t = t;
        last_i = i;
    }
    eventq_free(q);
}

static void equal_time_handlers_run_in_schedule_order(void **state)
{
    (void)state;
    static struct run_log log;
    static struct tagged tag[200];
    memset(&log, 0, sizeof log);
    log.d = des_alloc();
    for (int i = 0; i < 200; i++) {
        tag[i] = (struct tagged){&log, i};
        des_at(log.d, 1000, log_run, &tag[i]);
    }
    des_run(log.d, 1000);
    assert_i64_equal(log.n, 200);
    for (int i = 0; i < 200; i++)
        assert_i64_equal(log.who[i], i);
    des_free(log.d);
}

/* A handler that schedules another event at the current time: it must run
 * after the events already pending at that time. */
struct chain {
    struct run_log *log;
    struct tagged late;
};

static void schedule_now(void *arg)
{
    struct chain *c = arg;
    log_run(&(struct tagged){c->log, -1});
    des_after(c->log->d, 0, log_run, &c->late);
}

static void event_scheduled_at_now_runs_after_pending_ones(void **state)
{
    (void)state;
    static struct run_log log;
    static struct tagged tag[3];
    memset(&log, 0, sizeof log);
    log.d = des_alloc();
    struct chain c = {&log, {&log, 99}};
    des_at(log.d, 500, schedule_now, &c);
    for (int i = 0; i < 3; i++) {
        tag[i] = (struct tagged){&log, i};
        des_at(log.d, 500, log_run, &tag[i]);
    }
    des_run(log.d, 10000);
    const int want[] = {-1, 0, 1, 2, 99};
    assert_i64_equal(log.n, 5);
    for (int i = 0; i < 5; i++)
        assert_i64_equal(log.who[i], want[i]);
    des_free(log.d);
}

/* ---- Time never goes back --------------------------------------------- */

static void random_pushes_pop_in_time_order(void **state)
{
    (void)state;
    struct eventq *q = eventq_alloc();
    lcg_seed(12345);
    enum { N = 20000 };
    /* Push all, interleaving some pops: a pop must never return a time
     * below an earlier pop when later pushes are not earlier than it. */
    int64_t floor = 0, last = -1;
    int popped = 0;
    for (int i = 0; i < N; i++) {
        eventq_push(q, floor + (int64_t)lcg_below(1000), nop, NULL);
        if (lcg_below(3) == 0) {
            int64_t t;
            pop_arg(q, &t);
            assert_i64_le(last, t);
            last = floor = t;
            popped++;
        }
    }
    while (eventq_count(q) > 0) {
        int64_t t;
        pop_arg(q, &t);
        assert_i64_le(last, t);
        last = t;
        popped++;
    }
    assert_i64_equal(popped, N);
    eventq_free(q);
}

struct fanout {
    struct des *d;
    int budget; /* events still allowed to be scheduled */
    int n;
    int64_t when[LOG_MAX];
};

/* Record the time, then schedule 0..3 more events at now + [0, 50) ns,
 * some at exactly now. */
static void fan(void *arg)
{
    struct fanout *f = arg;
    f->when[f->n++] = des_now(f->d);
    int k = (int)lcg_below(4);
    for (int i = 0; i < k && f->budget > 0; i++, f->budget--) {
        int64_t delay = (int64_t)lcg_below(50);
        if (lcg_below(4) == 0)
            delay = 0;
        des_after(f->d, delay, fan, f);
    }
}

static void des_time_never_goes_back(void **state)
{
    (void)state;
    static struct fanout f;
    memset(&f, 0, sizeof f);
    f.d = des_alloc();
    f.budget = LOG_MAX - 100;
    lcg_seed(777);
    for (int i = 0; i < 50; i++)
        des_at(f.d, (int64_t)lcg_below(100), fan, &f);
    des_run(f.d, INT64_MAX / 2);
    assert_true(f.n > 5000); /* the fan-out really ran */
    for (int i = 1; i < f.n; i++)
        assert_i64_le(f.when[i - 1], f.when[i]);
    des_free(f.d);
}

/* ---- Cancel ----------------------------------------------------------- */

static void cancelled_events_never_run(void **state)
{
    (void)state;
    static struct run_log log;
    static struct tagged tag[300];
    struct event *ev[300];
    memset(&log, 0, sizeof log);
    log.d = des_alloc();
    lcg_seed(4242);
    for (int i = 0; i < 300; i++) {
        tag[i] = (struct tagged){&log, i};
        ev[i] = des_at(log.d, (int64_t)lcg_below(100), log_run, &tag[i]);
    }
    for (int i = 0; i < 300; i += 3)
        des_cancel(log.d, ev[i]);
    des_run(log.d, 1000);
    assert_i64_equal(log.n, 200);
    for (int k = 0; k < log.n; k++)
        assert_i64_equal(log.who[k] % 3 != 0, 1);
    des_free(log.d);
}

static void cancel_min_leaves_next_earliest(void **state)
{
    (void)state;
    struct eventq *q = eventq_alloc();
    lcg_seed(99);
    for (intptr_t i = 0; i < 100; i++)
        eventq_push(q, 100 + (int64_t)lcg_below(1000), nop, (void *)i);
    struct event *min = eventq_push(q, 5, nop, (void *)-1);
    eventq_push(q, 7, nop, (void *)-2);
    assert_ptr_equal(eventq_peek_min(q), min);
    eventq_remove(q, min);
    eventq_check(q);
    int64_t t;
    assert_i64_equal(pop_arg(q, &t), -2);
    assert_i64_equal(t, 7);
    eventq_free(q);
}

static void cancel_last_slot(void **state)
{
    (void)state;
    struct eventq *q = eventq_alloc();
    enum { N = 50 };
    struct event *last = NULL;
    for (intptr_t i = 0; i < N; i++)
        last = eventq_push(q, 10 * (int64_t)i, nop, (void *)i);
    /* The latest push at the latest time stays where sift-up put it: the
     * last slot of the heap. */
    assert_i64_equal(last->slot, N - 1);
    eventq_remove(q, last);
    eventq_check(q);
    assert_i64_equal(eventq_count(q), N - 1);
    for (intptr_t i = 0; i < N - 1; i++) {
        int64_t t;
        assert_i64_equal(pop_arg(q, &t), i);
    }
    assert_null(eventq_pop_min(q));
    eventq_free(q);
}

struct canceller {
    struct des *d;
    struct event *victim;
    int victim_ran;
};

static void victim(void *arg)
{
    ((struct canceller *)arg)->victim_ran = 1;
}

static void cancel_victim(void *arg)
{
    struct canceller *c = arg;
    des_cancel(c->d, c->victim);
}

static void handler_can_cancel_event_at_same_time(void **state)
{
    (void)state;
    struct canceller c = {des_alloc(), NULL, 0};
    des_at(c.d, 100, cancel_victim, &c);
    c.victim = des_at(c.d, 100, victim, &c);
    des_run(c.d, 1000);
    assert_i64_equal(c.victim_ran, 0);
    des_free(c.d);
}

/* ---- Invariants and counts -------------------------------------------- */

static void eventq_check_holds_after_mixed_operations(void **state)
{
    (void)state;
    struct eventq *q = eventq_alloc();
    enum { LIVE_MAX = 4096 };
    static struct event *live[LIVE_MAX];
    int n = 0;
    lcg_seed(2024);
    for (int op = 0; op < 50000; op++) {
        uint64_t r = lcg_below(10);
        if ((r < 5 && n < LIVE_MAX) || n == 0) {
            live[n++] = eventq_push(q, (int64_t)lcg_below(500), nop, NULL);
        } else if (r < 8) {
            int k = (int)lcg_below((uint64_t)n);
            eventq_remove(q, live[k]);
            live[k] = live[--n];
        } else {
            struct event *e = eventq_pop_min(q);
            for (int k = 0; k < n; k++)
                if (live[k] == e) {
                    live[k] = live[--n];
                    break;
                }
            eventq_release(q, e);
        }
        eventq_check(q); /* asserts the heap property and slots */
    }
    assert_i64_equal(eventq_count(q), n);
    eventq_free(q);
}

/* Every mix of operations pops what a plain list would: the pending event
 * with the least (time, order of its last push or move). The list is the
 * reference; the queue's pops must match it one by one, whatever state
 * the previous operations left the heap in (a pop not yet followed by a
 * push, among others). */
static void pops_match_a_sorted_list_under_any_mix(void **state)
{
    (void)state;
    enum { MAX = 300 };
    struct ref {
        struct event *e;
        int64_t t;
        uint64_t order;
    };
    static struct ref live[MAX];
    struct eventq *q = eventq_alloc();
    int n = 0;
    uint64_t order = 0;
    int64_t now = 0;
    lcg_seed(31337);
    for (int op = 0; op < 40000; op++) {
        uint64_t r = lcg_below(100);
        if ((r < 40 && n < MAX) || n == 0) {
            int64_t t = now + (int64_t)lcg_below(lcg_below(2) ? 4 : 500);
            live[n] = (struct ref){eventq_push(q, t, nop, NULL), t, order++};
            n++;
        } else if (r < 50) {
            int k = (int)lcg_below((uint64_t)n);
            eventq_remove(q, live[k].e);
            live[k] = live[--n];
        } else if (r < 60) {
            int k = (int)lcg_below((uint64_t)n);
            live[k].t = now + (int64_t)lcg_below(500);
            live[k].order = order++;
            eventq_move(q, live[k].e, live[k].t);
        } else {
            int best = 0;
            for (int k = 1; k < n; k++)
                if (live[k].t < live[best].t ||
                    (live[k].t == live[best].t &&
                     live[k].order < live[best].order))
                    best = k;
            assert_ptr_equal(eventq_peek_min(q), live[best].e);
            struct event *e = eventq_pop_min(q);
            assert_ptr_equal(e, live[best].e);
            now = live[best].t;
            eventq_release(q, e);
            live[best] = live[--n];
        }
        assert_i64_equal(eventq_count(q), n);
        eventq_check(q);
    }
    eventq_free(q);
}

static void count_follows_push_pop_and_remove(void **state)
{
    (void)state;
    struct eventq *q = eventq_alloc();
    struct event *e[600];
    assert_i64_equal(eventq_count(q), 0);
    for (int i = 0; i < 600; i++) /* crosses the pool's chunk size */
        e[i] = eventq_push(q, 1000 - i, nop, NULL);
    assert_i64_equal(eventq_count(q), 600);
    for (int i = 0; i < 600; i += 2)
        eventq_remove(q, e[i]);
    assert_i64_equal(eventq_count(q), 300);
    for (int i = 0; i < 100; i++)
        eventq_release(q, eventq_pop_min(q));
    assert_i64_equal(eventq_count(q), 200);
    eventq_free(q);
}

/* ---- des_run and des_stop --------------------------------------------- */

static void des_run_stops_at_until(void **state)
{
    (void)state;
    static struct run_log log;
    static struct tagged tag[3];
    memset(&log, 0, sizeof log);
    log.d = des_alloc();
    for (int i = 0; i < 3; i++) {
        tag[i] = (struct tagged){&log, i};
        des_at(log.d, 10 * (i + 1), log_run, &tag[i]);
    }
    uint64_t ran = des_run(log.d, 25);
    assert_i64_equal(ran, 2);
    assert_i64_equal(log.n, 2);
    des_free(log.d);
}

static void des_run_sets_clock_to_until(void **state)
{
    (void)state;
    struct des *d = des_alloc();
    des_at(d, 10, nop, NULL);
    des_at(d, 30, nop, NULL);
    des_run(d, 25);
    assert_i64_equal(des_now(d), 25);
    des_free(d);
}

static void des_run_sets_clock_to_until_when_queue_empties(void **state)
{
    (void)state;
    struct des *d = des_alloc();
    des_at(d, 10, nop, NULL);
    des_run(d, 1000);
    assert_i64_equal(des_now(d), 1000);
    des_free(d);
}

static void des_run_includes_events_at_until(void **state)
{
    (void)state;
    static struct run_log log;
    static struct tagged tag;
    memset(&log, 0, sizeof log);
    log.d = des_alloc();
    tag = (struct tagged){&log, 0};
    des_at(log.d, 25, log_run, &tag);
    des_run(log.d, 25);
    assert_i64_equal(log.n, 1);
    des_free(log.d);
}

static void des_run_resumes_where_it_stopped(void **state)
{
    (void)state;
    static struct run_log log;
    static struct tagged tag[4];
    memset(&log, 0, sizeof log);
    log.d = des_alloc();
    for (int i = 0; i < 4; i++) {
        tag[i] = (struct tagged){&log, i};
        des_at(log.d, 10 * (i + 1), log_run, &tag[i]);
    }
    des_run(log.d, 25);
    des_run(log.d, 100);
    assert_i64_equal(log.n, 4);
    for (int i = 0; i < 4; i++)
        assert_i64_equal(log.when[i], 10 * (i + 1));
    assert_i64_equal(des_events(log.d), 4);
    des_free(log.d);
}

static void stop_here(void *arg)
{
    des_stop(arg);
}

static void des_stop_returns_after_current_handler(void **state)
{
    (void)state;
    struct des *d = des_alloc();
    des_at(d, 10, nop, NULL);
    des_at(d, 20, stop_here, d);
    des_at(d, 20, nop, NULL); /* same time, but after the stop */
    des_at(d, 30, nop, NULL);
    uint64_t ran = des_run(d, 100);
    assert_i64_equal(ran, 2);
    des_free(d);
}

static void des_stop_keeps_clock_at_stopping_event(void **state)
{
    (void)state;
    struct des *d = des_alloc();
    des_at(d, 20, stop_here, d);
    des_at(d, 30, nop, NULL);
    des_run(d, 100);
    assert_i64_equal(des_now(d), 20);
    des_free(d);
}

static void des_run_after_stop_runs_the_rest(void **state)
{
    (void)state;
    struct des *d = des_alloc();
    des_at(d, 20, stop_here, d);
    des_at(d, 20, nop, NULL);
    des_at(d, 30, nop, NULL);
    des_run(d, 100);
    uint64_t ran = des_run(d, 100);
    assert_i64_equal(ran, 2);
    assert_i64_equal(des_now(d), 100);
    des_free(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(equal_time_events_pop_in_push_order),
        cmocka_unit_test(equal_time_events_keep_push_order_among_other_times),
        cmocka_unit_test(equal_time_handlers_run_in_schedule_order),
        cmocka_unit_test(event_scheduled_at_now_runs_after_pending_ones),
        cmocka_unit_test(random_pushes_pop_in_time_order),
        cmocka_unit_test(des_time_never_goes_back),
        cmocka_unit_test(cancelled_events_never_run),
        cmocka_unit_test(cancel_min_leaves_next_earliest),
        cmocka_unit_test(cancel_last_slot),
        cmocka_unit_test(handler_can_cancel_event_at_same_time),
        cmocka_unit_test(eventq_check_holds_after_mixed_operations),
        cmocka_unit_test(pops_match_a_sorted_list_under_any_mix),
        cmocka_unit_test(count_follows_push_pop_and_remove),
        cmocka_unit_test(des_run_stops_at_until),
        cmocka_unit_test(des_run_sets_clock_to_until),
        cmocka_unit_test(des_run_sets_clock_to_until_when_queue_empties),
        cmocka_unit_test(des_run_includes_events_at_until),
        cmocka_unit_test(des_run_resumes_where_it_stopped),
        cmocka_unit_test(des_stop_returns_after_current_handler),
        cmocka_unit_test(des_stop_keeps_clock_at_stopping_event),
        cmocka_unit_test(des_run_after_stop_runs_the_rest),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
