/*
 * test_scenario.c - what --set, --reps and --seed do to a scenario: values
 * of any size and kind over what the file wrote, the last word on a
 * setting winning, and errors about an override naming the option.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "args.h"
#include "fixture.h"
#include "scenario.h"

/* tests/scenarios/whole-numbers.cfg with the overrides `set`: 0 and s
 * loaded, or the error in err. */
static int load(struct scenario *s, const char *const *set, int nset,
                char *err, size_t errlen)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/tests/scenarios/whole-numbers.cfg",
             fixture_srcdir());
    return scenario_load(s, path, set, nset, err, errlen);
}

/* A seed past 2^31 and past 2^53 is taken whole, over a seed the file
 * wrote as a 32-bit integer. */
static void test_seed_taken_whole(void **state)
{
    struct scenario s;
    char err[512];
    (void)state;
    const char *big[] = {"sim.seed=5000000000"};
    assert_int_equal(load(&s, big, 1, err, sizeof err), 0);
    assert_true(s.seed == 5000000000ULL);
    scenario_clear(&s);
    const char *odd[] = {"sim.seed=9007199254740993"}; /* 2^53 + 1 */
    assert_int_equal(load(&s, odd, 1, err, sizeof err), 0);
    assert_true(s.seed == 9007199254740993ULL);
    scenario_clear(&s);
    assert_int_equal(load(&s, NULL, 0, err, sizeof err), 0);
    assert_true(s.seed == 7);
    scenario_clear(&s);
}

/* A setting of a number kind takes a fraction though the file wrote a
 * whole number; an integer setting refuses one, naming the option. */
static void test_fraction_over_whole_number(void **state)
{
    struct scenario s;
    char err[512];
    (void)state;
    const char *set[] = {"sim.warmup_ms=0.5", "host.nic.irq_coalesce_us=2.5"};
    assert_int_equal(load(&s, set, 2, err, sizeof err), 0);
    assert_true(s.warmup_ns == 500000);
    assert_true(s.curve[0].cfg.irq_coalesce_ns == 2500);
    scenario_clear(&s);
    const char *reps[] = {"sim.reps=2.5"};
    assert_int_not_equal(load(&s, reps, 1, err, sizeof err), 0);
    assert_string_equal(err, "--set sim.reps=2.5: expected an integer");
}

/* A value out of range that --set gave is blamed on the option, not on
 * the file's line; the last --set of a key is the one named. */
static void test_error_names_the_override(void **state)
{
    struct scenario s;
    char err[512];
    (void)state;
    const char *one[] = {"sim.duration_ms=0"};
    assert_int_not_equal(load(&s, one, 1, err, sizeof err), 0);
    assert_non_null(strstr(err, "--set sim.duration_ms=0: 'sim.duration_ms' "
                                "must be between"));
    const char *two[] = {"sim.duration_ms=0", "sim.duration_ms=-1"};
    assert_int_not_equal(load(&s, two, 2, err, sizeof err), 0);
    assert_non_null(strstr(err, "--set sim.duration_ms=-1: "));
    const char *fixed[] = {"sim.duration_ms=0", "sim.duration_ms=5"};
    assert_int_equal(load(&s, fixed, 2, err, sizeof err), 0);
    assert_true(s.duration_ns == 5000000);
    scenario_clear(&s);
    /* an integer too large for 32 bits reaches the range check */
    const char *cores[] = {"host.cores=4294967300"};
    assert_int_not_equal(load(&s, cores, 1, err, sizeof err), 0);
    assert_non_null(strstr(err, "--set host.cores=4294967300: 'host.cores' "
                                "must be between 1 and"));
}

/* --reps and --seed repeated keep one entry each, placed last, so that
 * the last word wins whatever came between; --set fills up. */
static void test_overrides_in_order(void **state)
{
    struct args_set o = {0};
    (void)state;
    assert_int_equal(args_set_reps(&o, "3"), 0);
    assert_int_equal(args_set_add(&o, "sim.reps=5"), 0);
    assert_int_equal(args_set_reps(&o, "2"), 0);
    assert_int_equal(o.n, 2);
    assert_string_equal(o.kv[0], "sim.reps=5");
    assert_string_equal(o.kv[1], "sim.reps=2");
    for (int i = 0; i < 500; i++) {
        assert_int_equal(args_set_reps(&o, "4"), 0);
        assert_int_equal(args_set_seed(&o, "9"), 0);
    }
    assert_int_equal(o.n, 3);
    for (int i = o.n; i < ARGS_MAX_SET; i++)
        assert_int_equal(args_set_add(&o, "sim.reps=1"), 0);
    assert_int_equal(args_set_add(&o, "sim.reps=1"), 2);
    assert_int_equal(o.n, ARGS_MAX_SET);
    assert_int_equal(args_set_reps(&o, "0"), 2); /* out of range */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_seed_taken_whole),
        cmocka_unit_test(test_fraction_over_whole_number),
        cmocka_unit_test(test_error_names_the_override),
        cmocka_unit_test(test_overrides_in_order),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
