/*
 * test_runs.c - run numbers, filters and the rounds of sequential stopping.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "runs.h"

/* A scenario of 2 curves x 3 rates, as far as runs.c looks at it. */
static void small(struct scenario *s)
{
    memset(s, 0, sizeof *s);
    snprintf(s->name, sizeof s->name, "t");
    s->ncurves = 2;
    s->nrates = 3;
    s->reps = 4;
}

/* The totals of small()'s 6 points: n replications each, mean 100 kpps,
 * no spread. */
static void points(struct stats_acc *acc, int n)
{
    memset(acc, 0, 6 * sizeof *acc);
    for (int p = 0; p < 6; p++) {
        acc[p].n = n;
        acc[p].mean = 100;
    }
}

/* The run numbers of a round, in task order, into out; returns how many. */
static int numbers(const struct scenario *s, const struct run_round *rd,
                   int cap, int64_t *out, int max)
{
    int n = 0;
    for (int64_t i = 0; i < rd->ntask && n < max; i++) {
        struct run_id id;
        runs_task(s, rd, cap, i, &id);
        assert_int_equal(id.number,
                         (int64_t)(id.curve * s->nrates + id.rate) * cap +
                             id.rep);
        out[n++] = id.number;
    }
    return n;
}

static void test_filter_syntax(void **state)
{
    struct run_filter f;
    (void)state;
    assert_int_equal(runs_parse_filter("5", &f), 0);
    assert_int_equal(f.n, 1);
    assert_int_equal(f.r[0].lo, 5);
    assert_int_equal(f.r[0].hi, 5);
    assert_int_equal(runs_parse_filter("0..9,15,20..", &f), 0);
    assert_int_equal(f.n, 3);
    assert_int_equal(f.r[2].lo, 20);
    assert_true(f.r[2].hi == INT64_MAX);
    assert_int_equal(runs_parse_filter("..3", &f), 0);
    assert_int_equal(f.r[0].lo, 0);
    assert_int_equal(f.r[0].hi, 3);
    static const char *const bad[] = {"", "..", "a", "1,", ",1", "3..2",
                                      "1...2", "-1", "1..2..3", "1 2"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(runs_parse_filter(bad[i], &f), -1);
}

/* Every run once, in order, numbered point * reps + rep. */
static void test_whole_sweep_in_order(void **state)
{
    struct scenario s;
    struct run_round rd;
    int64_t got[64];
    (void)state;
    small(&s);
    runs_first_round(&s, 4, 4, NULL, &rd);
    assert_int_equal(rd.ntask, 24);
    assert_int_equal(numbers(&s, &rd, 4, got, 64), 24);
    for (int i = 0; i < 24; i++)
        assert_int_equal(got[i], i);
    runs_round_free(&rd);
}

/* Overlapping, unordered and open ranges select each run once, in order;
 * numbers past the sweep select nothing. */
static void test_filter_selects_each_run_once(void **state)
{
    struct scenario s;
    struct run_filter f;
    struct run_round rd;
    int64_t got[64];
    (void)state;
    small(&s);
    assert_int_equal(runs_parse_filter("20..,3..6,5..9,1,100..200", &f), 0);
    runs_first_round(&s, 4, 4, &f, &rd);
    int n = numbers(&s, &rd, 4, got, 64);
    static const int64_t want[] = {1, 3, 4, 5, 6, 7, 8, 9, 20, 21, 22, 23};
    assert_int_equal(n, 12);
    for (int i = 0; i < n; i++)
        assert_int_equal(got[i], want[i]);
    runs_round_free(&rd);
}

/* With room for 10 replications, 4 are numbered as 4 of 10. */
static void test_cap_spaces_numbers(void **state)
{
    struct scenario s;
    struct run_round rd;
    int64_t got[64];
    (void)state;
    small(&s);
    runs_first_round(&s, 4, 10, NULL, &rd);
    assert_int_equal(numbers(&s, &rd, 10, got, 64), 24);
    assert_int_equal(got[3], 3);
    assert_int_equal(got[4], 10);
    assert_int_equal(got[23], 53);
    runs_round_free(&rd);
}

/* A point whose interval is wide grows (at most doubling, up to the cap);
 * a narrow one, or one at the cap, does not. */
static void test_next_round_grows_wide_points(void **state)
{
    struct scenario s;
    struct stats_acc acc[6];
    struct run_round rd;
    (void)state;
    small(&s);
    points(acc, 4);
    acc[1].m2 = 3 * 25.0;  /* stddev 5 kpps: wide */
    acc[2].m2 = 3 * 1e-6;  /* narrow */
    acc[4].m2 = 3 * 25.0;
    acc[4].n = 8;          /* at the cap */
    assert_int_equal(runs_next_round(&s, acc, 1.0, 0, 8, &rd), 4);
    assert_int_equal(rd.nseg, 1);
    assert_int_equal(rd.seg[0].point, 1);
    assert_int_equal(rd.seg[0].k0, 4);
    assert_int_equal(rd.seg[0].k1, 8);
    runs_round_free(&rd);
    /* relative: 1% of 100 kpps is 1 kpps, the same target; with room,
     * the point at 8 doubles too */
    assert_int_equal(runs_next_round(&s, acc, 0.01, 1, 100, &rd), 4 + 8);
    runs_round_free(&rd);
    /* wide enough a target, nothing to add */
    assert_int_equal(runs_next_round(&s, acc, 50, 0, 100, &rd), 0);
    runs_round_free(&rd);
}

/* A point of one replication has no interval: it grows to two, whatever
 * the target; a point not run (a subset) does not grow. */
static void test_next_round_completes_single_runs(void **state)
{
    struct scenario s;
    struct stats_acc acc[6];
    struct run_round rd;
    (void)state;
    small(&s);
    points(acc, 1);
    acc[3].n = 0;
    assert_int_equal(runs_next_round(&s, acc, 50, 0, 100, &rd), 5);
    for (int i = 0; i < rd.nseg; i++) {
        assert_int_not_equal(rd.seg[i].point, 3);
        assert_int_equal(rd.seg[i].k0, 1);
        assert_int_equal(rd.seg[i].k1, 2);
    }
    runs_round_free(&rd);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_filter_syntax),
        cmocka_unit_test(test_whole_sweep_in_order),
        cmocka_unit_test(test_filter_selects_each_run_once),
        cmocka_unit_test(test_cap_spaces_numbers),
        cmocka_unit_test(test_next_round_grows_wide_points),
        cmocka_unit_test(test_next_round_completes_single_runs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
