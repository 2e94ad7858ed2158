/*
 * test_explain.c - vsrsim explain names the bottleneck that is known.
 *
 * Points whose limit the paper and the model agree on, each simulated for
 * a few milliseconds: with tight binding vhost-net saturates its core
 * (Fig 2, 9); on one core interrupt work and the threads fill it (Fig 2's
 * "1 core"); a CBS budget caps vhost-net (Fig 4); at a low rate nothing
 * limits. Also: explain's numbers are those of vsrsim run, its split of
 * each core adds up to the core's time, the rules that need no simulation
 * decide as documented, and the command refuses bad input with status 2.
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "check.h"

#include "err.h"
#include "explain.h"
#include "fixture.h"
#include "sweep.h"
#include "trace.h"

/* Explain curve `curve` of models/`rel` at kpps, run briefly. */
static struct explain *explain(const char *rel, const char *curve, double kpps)
{
    char path[1024], err[1024];
    snprintf(path, sizeof path, "%s/models/%s", fixture_srcdir(), rel);
    const char *set[] = {"sim.warmup_ms=5", "sim.duration_ms=15", "sim.reps=2"};
    struct scenario *s = xmalloc(sizeof *s);
    struct costmodel cm;
    if (trace_load(s, &cm, path, set, 3, err, sizeof err))
        fail_msg("%s", err);
    int c = trace_find_curve(s, curve, err, sizeof err);
    if (c < 0)
        fail_msg("%s", err);
    struct explain *e = xmalloc(sizeof *e);
    explain_point(e, s, &cm, c, kpps);
    scenario_clear(s);
    free(s);
    return e;
}

static void assert_says(const struct explain *e, const char *words)
{
    char line[1024];
    explain_sentence(e, line, sizeof line);
    if (!strstr(line, words))
        fail_msg("'%s' does not say '%s'", line, words);
}

static void test_tight_bind_vhost_is_bottleneck(void **state)
{
    (void)state;
    struct explain *e = explain("paper/fig02.cfg", "4 cores, tight-bind", 1400);
    assert_int_equal(e->verdict, EXPLAIN_THREAD);
    assert_string_equal(e->lay.thread_name[e->thread_id], "vhost");
    assert_int_equal(e->core_id, 2);
    assert_true(e->thread[e->thread_id] >= EXPLAIN_SATURATED);
    assert_says(e, "vhost (vhost-net) is busy");
    assert_says(e, "of core 2: it is the bottleneck; macvtap drops");
    free(e);
}

static void test_one_core_is_bottleneck(void **state)
{
    (void)state;
    struct explain *e = explain("teaching/livelock.cfg", NULL, 1000);
    assert_int_equal(e->verdict, EXPLAIN_CORE);
    assert_int_equal(e->core_id, 0);
    assert_says(e, "core 0 is busy");
    assert_says(e, "nic_irq");
    assert_says(e, "the core is the bottleneck");
    free(e);
}

static void test_budget_is_bottleneck(void **state)
{
    (void)state;
    struct explain *e = explain("teaching/cbs-budget.cfg", "Q=1ms,T=2ms", 900);
    assert_int_equal(e->verdict, EXPLAIN_BUDGET);
    assert_string_equal(e->lay.thread_name[e->thread_id], "vhost");
    assert_near(e->thread[e->thread_id], 0.5, 0.03); /* Q / T */
    assert_says(e, "budget of 1 ms every 2 ms");
    free(e);
}

static void test_fifo_order_is_told(void **state)
{
    (void)state;
    struct explain *e =
        explain("teaching/fifo-starvation.cfg", "vc98,vh99", 900);
    assert_int_equal(e->verdict, EXPLAIN_CORE);
    assert_int_equal(e->core_id, 1);
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    explain_print(e, f);
    fclose(f);
    assert_non_null(strstr(text, "vhost (FIFO 99) runs ahead of vcpu0 "
                                 "(FIFO 98)"));
    assert_non_null(strstr(text, "macvtap"));
    /* packet by packet: vhost-net wakes to each one and preempts the
     * vCPU, which runs again only once vhost-net sleeps */
    assert_non_null(strstr(text, "Turns of each thread"));
    for (int t = 0; t < e->lay.nthreads; t++) {
        const char *name = e->lay.thread_name[t];
        if (strcmp(name, "vcpu0") == 0) {
            assert_true(e->slices_pp[t] > 0.5);
            assert_true(e->preempted_pp[t] > 0.95 * e->slices_pp[t]);
        } else if (strcmp(name, "vhost") == 0) {
            assert_true(e->slices_pp[t] > 0.5);
            assert_true(e->preempted_pp[t] < 0.05 * e->slices_pp[t]);
        }
    }
    free(text);
    free(e);
}

/* The thread held off its core by RT throttling is named, not the busier
 * interrupt work whose queue does not drop. */
static void test_rt_throttled_thread_is_bottleneck(void **state)
{
    (void)state;
    struct explain *e =
        explain("teaching/rt-throttling.cfg", "throttled", 1400);
    assert_int_equal(e->verdict, EXPLAIN_THREAD);
    assert_string_equal(e->lay.thread_name[e->thread_id], "vhost");
    assert_true(e->rt_throttled[2] > 0.02);
    assert_says(e, "RT throttling keeps it off the core");
    free(e);
}

static void test_low_rate_has_no_bottleneck(void **state)
{
    (void)state;
    struct explain *e = explain("paper/fig02.cfg", "4 cores, tight-bind", 100);
    assert_int_equal(e->verdict, EXPLAIN_NO_LOSS);
    assert_says(e, "nothing limits this point");
    free(e);
}

/* The numbers are vsrsim run's for the same point, and each core's
 * split over threads adds up to the core's time. */
static void test_numbers_are_those_of_run(void **state)
{
    (void)state;
    char path[1024], err[1024];
    snprintf(path, sizeof path, "%s/models/teaching/cfs-share.cfg",
             fixture_srcdir());
    const char *set[] = {"sim.warmup_ms=5", "sim.duration_ms=15", "sim.reps=3"};
    struct scenario *s = xmalloc(sizeof *s);
    struct costmodel cm;
    if (trace_load(s, &cm, path, set, 3, err, sizeof err))
        fail_msg("%s", err);
    size_t total = (size_t)s->ncurves * s->nrates * s->reps;
    struct run_result *runs = xcalloc(total, sizeof *runs);
    assert_int_equal(sweep_run(s, &cm, 1, 0, runs), 0);
    struct explain *e = xmalloc(sizeof *e);
    int r = 2; /* 900 kpps */
    explain_point(e, s, &cm, 0, s->rates_kpps[r]);
    struct point_summary p;
    stats_summarise(&e->lay, &runs[r * s->reps], s->reps, s->rates_kpps[r], &p);
    assert_true(p.forwarded_kpps == e->forwarded_kpps);
    assert_true(p.ci99_kpps == e->ci99_kpps);
    for (int q = 0; q < e->lay.nqueues; q++)
        assert_true(p.drops_kpps[q] == e->drops_kpps[q]);
    for (int c = 0; c < e->lay.ncores; c++)
        for (int j = 0; j < CPU_NCLASS; j++) {
            double sum = 0;
            for (int t = 0; t < e->lay.nthreads; t++)
                sum += e->frac[c][t][j];
            assert_near(sum, p.core_frac[c][j], 1e-12);
        }
    for (int t = 0; t < e->lay.nthreads; t++) {
        double sum = 0;
        for (int c = 0; c < e->lay.ncores; c++)
            sum += explain_on_core(e, c, t);
        assert_near(sum, p.thread_frac[t], 1e-12);
    }
    free(e);
    free(runs);
    scenario_clear(s);
    free(s);
}

/* A hand-made point: two threads on cores 1 and 2, nothing saturated. */
static struct explain *made(double fwd, double drops_macvtap)
{
    struct explain *e = xcalloc(1, sizeof *e);
    e->lay.ncores = 3;
    e->lay.nthreads = 2;
    e->lay.nqueues = 2;
    snprintf(e->lay.thread_name[0], STATS_NAME_LEN, "vcpu0");
    snprintf(e->lay.thread_name[1], STATS_NAME_LEN, "vhost");
    snprintf(e->lay.queue_name[0], STATS_NAME_LEN, "macvtap");
    snprintf(e->lay.queue_name[1], STATS_NAME_LEN, "nic_tx");
    e->kind[0] = "vCPU";
    e->kind[1] = "vhost-net";
    e->policy[0] = e->policy[1] = "cfs";
    e->online = 7;
    e->qcap[0] = 500;
    e->line_kpps = 1488.1;
    e->offered_kpps = e->sent_kpps = 1488.1;
    e->forwarded_kpps = fwd;
    e->loss = 1 - fwd / e->offered_kpps;
    e->drops_kpps[0] = drops_macvtap;
    e->frac[1][0][CPU_GUEST] = e->core[1][CPU_GUEST] = e->thread[0] = 0.6;
    e->frac[2][1][CPU_SYS] = e->core[2][CPU_SYS] = e->thread[1] = 0.7;
    return e;
}

static void test_rules_without_simulation(void **state)
{
    (void)state;
    struct explain *e = made(1470, 18);
    explain_decide(e);
    assert_int_equal(e->verdict, EXPLAIN_LINK);
    free(e);

    e = made(1000, 488);
    explain_decide(e);
    assert_int_equal(e->verdict, EXPLAIN_QUEUE);
    assert_int_equal(e->queue_id, 0);
    assert_says(e, "bursts overflow macvtap (it holds 500 packets)");
    free(e);

    e = made(1000, 488); /* the saturated thread that feeds the drops */
    e->drains[1] = 1;    /* vhost takes from macvtap */
    e->frac[1][0][CPU_GUEST] = e->core[1][CPU_GUEST] = e->thread[0] = 0.99;
    e->frac[2][1][CPU_SYS] = e->core[2][CPU_SYS] = e->thread[1] = 0.96;
    explain_decide(e);
    assert_int_equal(e->verdict, EXPLAIN_THREAD);
    assert_int_equal(e->thread_id, 1);
    assert_says(e, "vhost (vhost-net) is busy 96.0% of core 2: it is the "
                   "bottleneck; macvtap drops 488.0 kpps");
    free(e);

    e = made(1000, 488); /* RT throttling takes what the core lacks */
    e->frac[2][1][CPU_SYS] = e->core[2][CPU_SYS] = e->thread[1] = 0.93;
    e->rt_throttled[2] = 0.05;
    explain_decide(e);
    assert_int_equal(e->verdict, EXPLAIN_CORE);
    assert_int_equal(e->core_id, 2);
    assert_says(e, "RT throttling keeps its fifo threads off it 5.0%");
    free(e);

    /* A local generator that could send only 69.1 of 84.5 kpps into the
     * router's full TAP loses nothing it sent, yet is held back: by core
     * 1, which it shares with the thread that empties the TAP. */
    e = made(69.1, 0);
    e->offered_kpps = 84.5;
    e->sent_kpps = 69.1;
    e->loss = 0;
    e->frac[1][0][CPU_GUEST] = e->core[1][CPU_GUEST] = e->thread[0] = 0.59;
    e->frac[2][1][CPU_SYS] = e->core[2][CPU_SYS] = 0;
    e->frac[1][1][CPU_SYS] = e->core[1][CPU_SYS] = e->thread[1] = 0.41;
    explain_decide(e);
    assert_int_equal(e->verdict, EXPLAIN_CORE);
    assert_int_equal(e->core_id, 1);
    assert_says(e, "core 1 is busy 100.0%, shared by vcpu0 59.0% and vhost "
                   "41.0%");
    e->sent_kpps = 84.5; /* it sent everything: nothing limits */
    e->forwarded_kpps = 84.5;
    explain_decide(e);
    assert_int_equal(e->verdict, EXPLAIN_NO_LOSS);
    free(e);
}

static int run_cmd(int n, const char **args)
{
    char *argv[16];
    argv[0] = (char *)"explain";
    for (int i = 0; i < n; i++)
        argv[i + 1] = (char *)args[i];
    optind = 0;
    fflush(stdout);
    return cmd_explain(n + 1, argv);
}

static void test_command(void **state)
{
    (void)state;
    char cfg[1024];
    snprintf(cfg, sizeof cfg, "%s/models/teaching/livelock.cfg",
             fixture_srcdir());
    const char *good[] = {
        cfg,     "--rate",           "400", "--set", "sim.reps=1",
        "--set", "sim.duration_ms=5"};
    assert_int_equal(run_cmd(7, good), 0);
    const char *no_rate[] = {cfg};
    assert_int_equal(run_cmd(1, no_rate), 2);
    const char *bad_rate[] = {cfg, "--rate", "fast"};
    assert_int_equal(run_cmd(3, bad_rate), 2);
    const char *no_curve[] = {cfg, "--rate", "400", "--curve", "2 cores"};
    assert_int_equal(run_cmd(5, no_curve), 2);
    const char *bad_set[] = {cfg, "--rate", "400", "--set", "sim.reps=0"};
    assert_int_equal(run_cmd(5, bad_set), 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tight_bind_vhost_is_bottleneck),
        cmocka_unit_test(test_one_core_is_bottleneck),
        cmocka_unit_test(test_budget_is_bottleneck),
        cmocka_unit_test(test_fifo_order_is_told),
        cmocka_unit_test(test_rt_throttled_thread_is_bottleneck),
        cmocka_unit_test(test_low_rate_has_no_bottleneck),
        cmocka_unit_test(test_numbers_are_those_of_run),
        cmocka_unit_test(test_rules_without_simulation),
        cmocka_unit_test(test_command),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
