/*
 * test_zero_cost.c - every scenario of models/ forwards what it is offered
 * when nothing costs anything.
 *
 * With every activity of the cost model at 0 ns, no thread ever holds a
 * core for long and no queue builds up, so whatever the topology (one VM
 * or many, vhost-net, QEMU's own virtio-net, netmap, a bridge, a load
 * balancer, a local generator), the scheduling classes or the queue
 * sizes, every packet offered in the window is forwarded. A fit may scale
 * an activity to nearly nothing, and a step whose work costs 0 ns once
 * read as "nothing to do": the thread slept on the packets it had taken
 * and the router stopped for good. Each curve is run at its scenario's
 * lowest rate (at higher ones, a macvtap queue of 5 packets drops what a
 * NIC interrupt brings beyond 5, as it should).
 */
#define _POSIX_C_SOURCE 200809L

#include <glob.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "costmodel.h"
#include "fixture.h"
#include "scenario.h"
#include "stats.h"
#include "sweep.h"
#include "vsr.h"

/* The scenario at `path`, every curve at its lowest rate with every cost
 * 0; returns the number of curves run. */
static int check_scenario(const char *path)
{
    static struct scenario sc;
    struct costmodel cm;
    if (fixture_load(path, NULL, 0, &sc, &cm) != 0)
        fail_msg("%s: does not load", path);
    for (int i = 0; i < COST_N; i++)
        cm.c[i].mean_ns = 0;
    double kpps = sc.rates_kpps[0];
    for (int i = 1; i < sc.nrates; i++)
        if (sc.rates_kpps[i] < kpps)
            kpps = sc.rates_kpps[i];
    for (int c = 0; c < sc.ncurves; c++) {
        struct run_result r;
        vsr_run(&sc.curve[c].cfg, &cm, kpps, sweep_run_seed(&sc, c, 0, 0),
                sc.warmup_ns, sc.duration_ns, &r);
        double fwd = (double)r.forwarded_pkts, off = (double)r.offered_pkts;
        if (!(off > 0) || fwd < 0.99 * off || fwd > 1.01 * off)
            fail_msg("%s, curve '%s', %g kpps: %.0f of %.0f packets "
                     "forwarded with every cost 0",
                     path, sc.curve[c].name, kpps, fwd, off);
    }
    int n = sc.ncurves;
    scenario_clear(&sc);
    return n;
}

static void test_every_scenario_forwards_all(void **state)
{
    char pattern[512];
    glob_t g;
    int scenarios = 0, curves = 0;
    (void)state;
    snprintf(pattern, sizeof pattern, "%s/models/*/*.cfg", fixture_srcdir());
    assert_int_equal(glob(pattern, 0, NULL, &g), 0);
    for (size_t i = 0; i < g.gl_pathc; i++) {
        /* models/hosts/ holds hosts to @include, not scenarios */
        if (strstr(g.gl_pathv[i], "/models/hosts/"))
            continue;
        curves += check_scenario(g.gl_pathv[i]);
        scenarios++;
    }
    globfree(&g);
    print_message("# %d scenarios, %d curves\n", scenarios, curves);
    assert_true(scenarios >= 20);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_scenario_forwards_all),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
