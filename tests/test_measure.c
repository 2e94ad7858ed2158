/*
 * test_measure.c - tests of the sweep extension of `vsrcal measure`
 * (measure_next_rate() in calib/measure.c) and of the measure.extend
 * settings it reads, of the per-CPU times it stores
 * (measure_cpu_deltas()), and of its choice of generator (gen_tool() in
 * calib/gen.c) for a plan with a generator thread.
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
#include "gen.h"
#include "measure.h"
#include "procfs.h"
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

/* ---- per-CPU times ----------------------------------------------------- */

/* A /proc/stat line of CPU `cpu` whose every counter is `base`, but idle,
 * `idle`. */
static struct cpu_times cpu_at(int cpu, uint64_t base, uint64_t idle)
{
    return (struct cpu_times){cpu, base, base, base, idle, base,
                              base, base, base, base, base};
}

/* The entry of CPU `cpu` among out[0..n), failing the test if it is not
 * there. */
static const struct cpu_times *find_cpu(const struct cpu_times *out, int n,
                                        int cpu)
{
    for (int i = 0; i < n; i++)
        if (out[i].cpu == cpu)
            return &out[i];
    fail_msg("no entry for CPU %d", cpu);
    return NULL;
}

/* CPU 2 went offline during the window: CPUs 0, 1 and 3 are paired each
 * with itself (not CPU 3 of the end with CPU 2 of the start), and CPU 2
 * is left out; brought online again, it is left out again. */
static void test_cpu_deltas_by_number(void **state)
{
    const struct cpu_times four[] = {cpu_at(0, 100, 1000),
                                     cpu_at(1, 200, 2000),
                                     cpu_at(2, 900, 9000),
                                     cpu_at(3, 300, 3000)};
    const struct cpu_times three[] = {cpu_at(0, 110, 1100),
                                      cpu_at(1, 220, 2200),
                                      cpu_at(3, 330, 3300)};
    const struct cpu_times back[] = {cpu_at(0, 120, 1200),
                                     cpu_at(1, 240, 2400),
                                     cpu_at(2, 0, 0),
                                     cpu_at(3, 360, 3600)};
    struct cpu_times out[4];
    (void)state;
    assert_int_equal(measure_cpu_deltas(four, 4, three, 3, out), 3);
    for (int cpu = 0; cpu < 4; cpu++) {
        if (cpu == 2)
            continue;
        const struct cpu_times *d = find_cpu(out, 3, cpu);
        uint64_t step = (uint64_t)(cpu == 3 ? 30 : 10 * (cpu + 1));
        assert_true(d->user == step && d->system == step &&
                    d->irq == step && d->softirq == step &&
                    d->guest == step && d->idle == 10 * step);
    }
    assert_int_equal(measure_cpu_deltas(three, 3, back, 4, out), 3);
    assert_true(find_cpu(out, 3, 3)->user == 30);
    for (int i = 0; i < 3; i++)
        assert_int_not_equal(out[i].cpu, 2);
}

/* A counter lower at the end than at the start (a CPU taken offline and
 * brought back between the readings) leaves that CPU out, rather than
 * storing a difference that wrapped around. */
static void test_cpu_deltas_never_negative(void **state)
{
    const struct cpu_times a[] = {cpu_at(0, 100, 1000), cpu_at(1, 100, 5000)};
    const struct cpu_times b[] = {cpu_at(0, 150, 1500), cpu_at(1, 150, 4000)};
    struct cpu_times out[2];
    (void)state;
    assert_int_equal(measure_cpu_deltas(a, 2, b, 2, out), 1);
    assert_int_equal(out[0].cpu, 0);
    assert_true(out[0].idle == 500);
}

/* ---- the generator's tool ---------------------------------------------- */

/* A plan's measure group sending from vsrcal's own namespace with `tool`. */
static struct scenario_measure tool_plan(const char *tool)
{
    struct scenario_measure m = {0};
    snprintf(m.tool, sizeof m.tool, "%s", tool);
    snprintf(m.gen_dev, sizeof m.gen_dev, "lo");
    snprintf(m.gen_conf, sizeof m.gen_conf, "/dev/null");
    return m;
}

/* pktgen sends from its kernel thread, never from a process vsrcal can
 * bind and measure as a plan's generator thread: asked for by name it is
 * refused, whether the kernel has it or not. */
static void test_pktgen_refused_for_generator_thread(void **state)
{
    struct scenario_measure m = tool_plan("pktgen");
    char note[256] = "x", why[512] = "";
    (void)state;
    assert_null(gen_tool(&m, 1, note, sizeof note, why, sizeof why));
    if (strstr(why, "measure.tool \"pktgen\": a curve has a thread of kind "
                    "\"generator\"") == NULL ||
        strstr(why, "kpktgend_N") == NULL)
        fail_msg("unexpected reason '%s'", why);
}

/* "auto" never takes pktgen for a plan with a generator thread: it sends
 * with trafgen (or says why trafgen cannot run), and says so. */
static void test_auto_skips_pktgen_for_generator_thread(void **state)
{
    struct scenario_measure m = tool_plan("auto");
    char note[256] = "", why[512] = "";
    (void)state;
    const char *tool = gen_tool(&m, 1, note, sizeof note, why, sizeof why);
    if (tool != NULL)
        assert_string_equal(tool, "trafgen");
    else if (strncmp(why, "trafgen: ", 9) != 0)
        fail_msg("unexpected reason '%s'", why);
    if (strstr(note, "sending with trafgen") == NULL)
        fail_msg("unexpected note '%s'", note);
    if (access("/proc/net/pktgen/pgctrl", W_OK) == 0 &&
        strstr(note, "kind \"generator\"") == NULL)
        fail_msg("note '%s' does not say why pktgen was not taken", note);
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
        cmocka_unit_test(test_cpu_deltas_by_number),
        cmocka_unit_test(test_cpu_deltas_never_negative),
        cmocka_unit_test(test_pktgen_refused_for_generator_thread),
        cmocka_unit_test(test_auto_skips_pktgen_for_generator_thread),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
