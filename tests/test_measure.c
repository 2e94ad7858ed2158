/*
 * test_measure.c - tests of the sweep extension of `vsrcal measure`
 * (measure_next_rate() in calib/measure.c) and of the measure.extend
 * settings it reads.
 *
 * The measurement itself needs a live domain: tests/live.sh runs it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "fixture.h"
#include "measure.h"
#include "scenario.h"

static const struct scenario_measure extend = {.extend_factor = 1.3,
                                               .extend_max_kpps = 100};

/* A curve that forwards all it is offered goes on to 1.3 times the rate;
 * one that forwards exactly 95% of it too, the threshold being
 * saturation's (vsrcal fit's) below 95%. */
static void test_extends_while_forwarding(void **state)
{
    const double all[] = {50, 49.5, 50.2}, edge[] = {47.5, 47.5, 47.5};
    (void)state;
    assert_float_equal(measure_next_rate(&extend, 50, all, 3), 65, 1e-9);
    assert_float_equal(measure_next_rate(&extend, 50, edge, 3), 65, 1e-9);
}

/* One that forwards less than 95% on average is saturated: the sweep
 * ends there, though one repetition forwarded all of it. */
static void test_stops_when_saturated(void **state)
{
    const double fwd[] = {50, 44, 46};
    (void)state;
    assert_float_equal(measure_next_rate(&extend, 50, fwd, 3), 0, 0);
}

/* The extension stops before a rate above max_kpps, and reaches one
 * equal to it. */
static void test_stops_at_max(void **state)
{
    const double a[] = {84.5, 84.5}, b[] = {50, 50};
    struct scenario_measure twice = {.extend_factor = 2,
                                     .extend_max_kpps = 100};
    (void)state;
    assert_float_equal(measure_next_rate(&extend, 84.5, a, 2), 0, 0);
    assert_float_equal(measure_next_rate(&twice, 50, b, 2), 100, 1e-9);
}

/* Without measure.extend, never. */
static void test_no_extension(void **state)
{
    const struct scenario_measure none = {0};
    const double fwd[] = {50, 50, 50};
    (void)state;
    assert_float_equal(measure_next_rate(&none, 50, fwd, 3), 0, 0);
}

/* The plan of measure.extend's settings and curves `curves` loaded into
 * a new scenario (scenario_clear() and free() it). */
static struct scenario *load_plan(const char *curves)
{
    static const char plan[] =
        "costmodel = { db = \"costs.db\"; id = \"x\"; };\n"
        "host = { cores = 2; nic = { irq_core = 0; }; };\n"
        "traffic = { rates_kpps = [5.0, 10.0, 15.0]; };\n"
        "threads = { vcpu0 = { kind = \"vcpu\"; cpus = [1]; };\n"
        "            io = { kind = \"io\"; cpus = [1]; }; };\n"
        "measure = { domain = \"d\"; generator = { dev = \"g\"; };\n"
        "            sink = { dev = \"s\"; };\n"
        "            extend = { max_kpps = 80.0; }; };\n";
    char path[512], err[512], text[2048];
    struct scenario *s = calloc(1, sizeof *s);
    assert_non_null(s);
    assert_true((size_t)snprintf(text, sizeof text, "%s%s", plan, curves) <
                sizeof text);
    assert_non_null(fixture_dir("measure"));
    fixture_path(path, sizeof path, "plan.cfg");
    assert_int_equal(fixture_write(path, text), 0);
    int rc = scenario_load(s, path, NULL, 0, err, sizeof err);
    fixture_remove();
    if (rc != 0)
        fail_msg("%s", err);
    return s;
}

/* measure.extend as a plan writes it: the factor defaults to 1.3. */
static void test_settings(void **state)
{
    (void)state;
    struct scenario *s = load_plan("");
    assert_float_equal(s->measure.extend_factor, 1.3, 1e-12);
    assert_float_equal(s->measure.extend_max_kpps, 80, 1e-12);
    scenario_clear(s);
    free(s);
}

/* A curve with rates of its own is measured at those, and at none that
 * measure.extend adds; the others at every rate. */
static void test_curve_rates(void **state)
{
    (void)state;
    struct scenario *s = load_plan(
        "curves = ( { name = \"all\"; },\n"
        "           { name = \"some\";\n"
        "             measure = { rates_kpps = [15.0, 5.0]; }; } );\n");
    static const int all[] = {1, 1, 1, 1}, some[] = {1, 0, 1, 0};
    for (int r = 0; r < 4; r++) {
        assert_int_equal(measure_takes(&s->curve[0], r), all[r]);
        assert_int_equal(measure_takes(&s->curve[1], r), some[r]);
    }
    scenario_clear(s);
    free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_extends_while_forwarding),
        cmocka_unit_test(test_stops_when_saturated),
        cmocka_unit_test(test_stops_at_max),
        cmocka_unit_test(test_no_extension),
        cmocka_unit_test(test_settings),
        cmocka_unit_test(test_curve_rates),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
