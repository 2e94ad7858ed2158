/*
 * test_plan.c - `vsrsim plan` (sim/plan.c, sim/cmd_plan.c): the smallest
 * CBS budget and the fewest cores for a target rate.
 *
 * The model: one router VM whose vhost-net worker and vCPU each spend
 * 2000 ns per packet (vhost_rx_pkt, guest_fwd_pkt) and 1 ns on every other
 * activity, all with cv 0 (model 'single' of tests/fixtures/costs-single.sql);
 * the NIC's interrupt core does next to nothing.
 * At 200 kpps vhost-net needs 40% of a core, so its smallest budget is
 * about 0.4 of its period; at 300 kpps each thread needs 60% of a core, so
 * one core (1.2 cores of work) fails and two sustain. Each answer is
 * checked by simulating it, and the next smaller budget or core count,
 * again with vsr_run() and the seeds `vsrsim run` would use, independently
 * of plan.c's own probes. Runs are 200 ms with 2 replications.
 */
#define _POSIX_C_SOURCE 200809L

#include <math.h>
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
#include "fixture.h"
#include "ndr.h"
#include "plan.h"
#include "scenario.h"
#include "store.h"
#include "sweep.h"

#define CBS 0 /* curve with vhost-net under SCHED_DEADLINE */
#define CFS 1 /* the same under CFS                        */

static char costs_db[512];
static char vm_cfg[512];
static struct scenario sc;
static struct costmodel cm;

static const char vm_text[] =
    "name = \"vm\";\n"
    "costmodel = { db = \"%s\"; id = \"single\"; };\n"
    "sim = { seed = 7; reps = 2; warmup_ms = 20.0; duration_ms = 200.0; };\n"
    "traffic = { rates_kpps = [200.0]; };\n"
    "host = { cores = 3; nic = { irq_core = 0; }; };\n"
    "threads = {\n"
    "  vcpu0 = { kind = \"vcpu\"; cpus = [1]; };\n"
    "  vhost = { kind = \"vhost\"; cpus = [2]; policy = \"deadline\";\n"
    "            runtime_ms = 1.0; period_ms = 2.0; };\n"
    "};\n"
    "curves = (\n"
    "  { name = \"cbs\"; },\n"
    "  { name = \"cfs\"; threads = { vhost = { policy = \"cfs\"; }; }; }\n"
    ");\n";

static int group_setup(void **state)
{
    char text[2048];
    (void)state;
    if (!fixture_dir("plan"))
        return -1;
    fixture_path(costs_db, sizeof costs_db, "costs.db");
    fixture_path(vm_cfg, sizeof vm_cfg, "vm.cfg");
    snprintf(text, sizeof text, vm_text, costs_db);
    if (fixture_costs_db(costs_db) ||
        fixture_sql_file(costs_db, "tests/fixtures/costs-single.sql") ||
        fixture_write(vm_cfg, text))
        return -1;
    return fixture_load(vm_cfg, NULL, 0, &sc, &cm);
}

static int group_teardown(void **state)
{
    (void)state;
    scenario_clear(&sc);
    fixture_remove();
    return 0;
}

/* Simulate cfg as curve `curve` of the scenario run at the one rate
 * target_kpps (`vsrsim run --set traffic.rates_kpps=[TARGET]`), replication
 * by replication with vsr_run(); its loss and forwarded rate. */
static struct ndr_point resimulate(const struct vsr_config *cfg, int curve,
                                   double target_kpps)
{
    char set_rate[64], err[512];
    snprintf(set_rate, sizeof set_rate, "traffic.rates_kpps=[%.3f]",
             target_kpps);
    const char *set[] = {set_rate};
    struct scenario *s = xmalloc(sizeof *s);
    assert_int_equal(scenario_load(s, vm_cfg, set, 1, err, sizeof err), 0);
    struct run_result *r = xcalloc((size_t)s->reps, sizeof *r);
    double fwd = 0, ns = 0;
    for (int k = 0; k < s->reps; k++) {
        vsr_run(cfg, &cm, s->rates_kpps[0], sweep_run_seed(s, curve, 0, k),
                s->warmup_ns, s->duration_ns, &r[k]);
        fwd += (double)r[k].forwarded_pkts;
        ns += (double)r[k].measured_ns;
    }
    struct ndr_point pt = {target_kpps, fwd / ns * 1e6,
                           ndr_loss(cfg, r, s->reps)};
    free(r);
    scenario_clear(s);
    free(s);
    return pt;
}

static struct plan_opts budget_opts(double target_kpps)
{
    return (struct plan_opts){.mode = PLAN_BUDGET,
                              .target_kpps = target_kpps,
                              .loss_max = NDR_LOSS_MAX,
                              .thread = "vhost",
                              .jobs = 1};
}

static struct plan_opts cores_opts(double target_kpps)
{
    return (struct plan_opts){.mode = PLAN_CORES,
                              .target_kpps = target_kpps,
                              .loss_max = NDR_LOSS_MAX,
                              .jobs = 1};
}

/* ---- Budget --------------------------------------------------------- */

static void budget_answer_sustains_and_next_smaller_fails(void **state)
{
    (void)state;
    struct plan_opts o = budget_opts(200);
    struct plan_result *r = xmalloc(sizeof *r);
    char err[512];
    assert_int_equal(plan_curve(&sc, &cm, CBS, &o, r, err, sizeof err), 0);
    assert_true(r->found);
    assert_true(r->have_fail && r->fail.simulated);
    print_message("# runtime %.3f ms sustains, %.3f ms fails (period "
                  "%.3f ms), %d probes\n",
                  r->ok.runtime_ns / 1e6, r->fail.runtime_ns / 1e6,
                  r->period_ns / 1e6, r->probes);
    assert_true(r->fail.runtime_ns < r->ok.runtime_ns);
    assert_true(r->ok.runtime_ns - r->fail.runtime_ns <=
                (int64_t)(PLAN_RESOLUTION * (double)r->period_ns));

    struct ndr_point ok = resimulate(&r->ok.cfg, CBS, 200);
    struct ndr_point fail = resimulate(&r->fail.cfg, CBS, 200);
    assert_true(ok.loss <= NDR_LOSS_MAX);
    assert_true(fail.loss > NDR_LOSS_MAX);
    /* plan's own simulations were these, to the bit */
    assert_true(ok.forwarded_kpps == r->ok.pt.forwarded_kpps);
    assert_true(fail.loss == r->fail.pt.loss);
    free(r);
}

static void budget_is_the_bandwidth_the_rate_needs(void **state)
{
    (void)state;
    struct plan_opts o = budget_opts(200);
    struct plan_result *r = xmalloc(sizeof *r);
    char err[512];
    assert_int_equal(plan_curve(&sc, &cm, CBS, &o, r, err, sizeof err), 0);
    /* 200 kpps * 2000 ns = 40% of the period */
    assert_near((double)r->ok.runtime_ns / (double)r->period_ns, 0.4, 0.02);
    free(r);
}

static void budget_is_the_same_whatever_jobs(void **state)
{
    (void)state;
    struct plan_opts o = budget_opts(200);
    struct plan_result *a = xmalloc(sizeof *a), *b = xmalloc(sizeof *b);
    char err[512];
    assert_int_equal(plan_curve(&sc, &cm, CBS, &o, a, err, sizeof err), 0);
    o.jobs = 2;
    assert_int_equal(plan_curve(&sc, &cm, CBS, &o, b, err, sizeof err), 0);
    assert_i64_equal(a->ok.runtime_ns, b->ok.runtime_ns);
    assert_i64_equal(a->fail.runtime_ns, b->fail.runtime_ns);
    assert_true(a->ok.pt.forwarded_kpps == b->ok.pt.forwarded_kpps);
    assert_true(a->fail.pt.loss == b->fail.pt.loss);
    free(a);
    free(b);
}

static void no_budget_sustains_more_than_a_core(void **state)
{
    (void)state;
    struct plan_opts o = budget_opts(600); /* vhost-net alone: 500 kpps */
    struct plan_result *r = xmalloc(sizeof *r);
    char err[512];
    assert_int_equal(plan_curve(&sc, &cm, CBS, &o, r, err, sizeof err), 0);
    assert_false(r->found);
    assert_true(r->have_fail);
    assert_i64_equal(r->fail.runtime_ns, r->period_ns);
    assert_int_equal(r->probes, 1);
    free(r);
}

/* ---- Cores ---------------------------------------------------------- */

static void two_cores_sustain_and_one_fails(void **state)
{
    (void)state;
    struct plan_opts o = cores_opts(300);
    struct plan_result *r = xmalloc(sizeof *r);
    char err[512];
    assert_int_equal(plan_curve(&sc, &cm, CFS, &o, r, err, sizeof err), 0);
    assert_true(r->found);
    assert_int_equal(r->ok.ncores, 2);
    assert_true(r->have_fail);
    assert_int_equal(r->fail.ncores, 1);
    assert_int_equal(__builtin_popcountll(r->ok.cfg.online), 2);
    assert_int_equal(__builtin_popcountll(r->fail.cfg.online), 1);
    /* each thread alone on a core: the two busy ones apart */
    assert_true(r->ok.cfg.thread[0].cpus != r->ok.cfg.thread[1].cpus);

    struct ndr_point ok = resimulate(&r->ok.cfg, CFS, 300);
    struct ndr_point fail = resimulate(&r->fail.cfg, CFS, 300);
    assert_true(ok.loss <= NDR_LOSS_MAX);
    assert_true(fail.loss > NDR_LOSS_MAX);
    /* one core does 1.2 cores of work: it forwards 1 / 1.2 of the rate */
    assert_rel_near(fail.forwarded_kpps, 300 / 1.2, 0.01);
    free(r);
}

/* ---- Bad input ------------------------------------------------------ */

static void bad_plans_are_refused_naming_the_option(void **state)
{
    (void)state;
    char err[512];
    struct plan_opts o = budget_opts(200);
    o.thread = "vcpu9";
    assert_int_equal(plan_check(&sc, CBS, &o, err, sizeof err), SIM_EINPUT);
    assert_string_equal(err, "--budget vcpu9: curve 'cbs' has no such thread");
    o.thread = "vhost";
    assert_int_equal(plan_check(&sc, CFS, &o, err, sizeof err), SIM_EINPUT);
    assert_non_null(strstr(err, "--budget vhost: thread 'vhost' of curve "
                                "'cfs' has policy cfs"));
    o = cores_opts(5000); /* a 1 Gb/s link carries 1488 kpps */
    assert_int_equal(plan_check(&sc, CBS, &o, err, sizeof err), SIM_EINPUT);
    assert_non_null(strstr(err, "--target: 5000 kpps is above the line "
                                "rate"));
}

static int run_cmd(int argc, const char **argv)
{
    return cmd_plan(argc, (char **)argv);
}

static void command_exit_status(void **state)
{
    (void)state;
    const char *no_target[] = {"plan", vm_cfg, "--cores"};
    const char *two_modes[] = {"plan",    vm_cfg,     "--target", "300",
                               "--cores", "--budget", "vhost"};
    const char *res_cores[] = {"plan",    vm_cfg,         "--target", "300",
                               "--cores", "--resolution", "0.1"};
    const char *bad_curve[] = {"plan",    vm_cfg,    "--target", "300",
                               "--cores", "--curve", "nope"};
    const char *bad_loss[] = {"plan",    vm_cfg,   "--target", "300",
                              "--cores", "--loss", "1.5"};
    const char *none[] = {"plan",    vm_cfg,    "--target", "300",
                          "--cores", "--curve", "cbs"};
    const char *found[] = {"plan",    vm_cfg,    "--target", "300",
                           "--cores", "--curve", "cfs"};
    assert_int_equal(run_cmd(3, no_target), 2);
    assert_int_equal(run_cmd(7, two_modes), 2);
    assert_int_equal(run_cmd(7, res_cores), 2);
    assert_int_equal(run_cmd(7, bad_curve), 2);
    assert_int_equal(run_cmd(7, bad_loss), 2);
    assert_int_equal(run_cmd(7, none), 1); /* its budget caps it */
    assert_int_equal(run_cmd(7, found), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(budget_answer_sustains_and_next_smaller_fails),
        cmocka_unit_test(budget_is_the_bandwidth_the_rate_needs),
        cmocka_unit_test(budget_is_the_same_whatever_jobs),
        cmocka_unit_test(no_budget_sustains_more_than_a_core),
        cmocka_unit_test(two_cores_sustain_and_one_fails),
        cmocka_unit_test(bad_plans_are_refused_naming_the_option),
        cmocka_unit_test(command_exit_status),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
