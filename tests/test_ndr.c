/*
 * test_ndr.c - NDR and PDR (sim/ndr.c), their CSV columns, DB scalars and
 * plot marks.
 *
 * The closed-form case is a host that routes natively on one core with a
 * constant per-packet cost (cv 0): host_fwd_pkt 2000 ns and 1 ns for every
 * other activity, so the interrupt core is a single deterministic server
 * of capacity C = 1 / (2002 ns) per packet (nic_rx_pkt and
 * nic_tx_clean_pkt add 1 ns each; per-poll costs of 1 ns are spread over
 * up to 64 packets). It forwards min(offered, C); above C it loses
 * 1 - C / offered. So NDR = C / (1 - 1e-5) and PDR = C / (1 - 1e-3), each
 * within the search's resolution, plus what the 64-packet rx ring absorbs
 * over the short run. The cost database is data/schema.sql with
 * tests/fixtures/costs-test.sql and that model (model 'single' of
 * tests/fixtures/costs-single.sql) added, in a temporary directory; runs
 * are 200 ms with 2 replications.
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
#include "plot.h"
#include "report.h"
#include "scenario.h"
#include "store.h"
#include "sweep.h"

#define COST_NS 2002.0           /* per packet on the interrupt core */
#define CAP_KPPS (1e6 / COST_NS) /* its capacity                     */
#define RES_KPPS 0.5             /* the search's resolution          */
#define RING_PKTS 64             /* host.nic.rx_ring                 */
#define RUN_S 0.22               /* warm-up and measured window      */
/* What the rx ring hides of an overload over one run, in kpps. */
#define SLACK_KPPS (RING_PKTS / RUN_S / 1e3)

static char costs_db[512];
static char native_cfg[512];
static struct scenario sc;
static struct costmodel cm;

static const char native_text[] =
    "name = \"native\";\n"
    "costmodel = { db = \"%s\"; id = \"single\"; };\n"
    "sim = { seed = 5; reps = 2; warmup_ms = 20.0; duration_ms = 200.0; };\n"
    "traffic = { rates_kpps = [250.0, 1000.0]; };\n"
    "host = { cores = 1; router = \"native\";\n"
    "         nic = { irq_core = 0; irq_coalesce_us = 0.0; rx_ring = 64; "
    "}; };\n"
    "threads = {\n"
    "  vcpu0 = { kind = \"vcpu\"; cpus = [0]; };\n"
    "  vhost = { kind = \"vhost\"; cpus = [0]; };\n"
    "};\n";

static int group_setup(void **state)
{
    char text[2048];
    (void)state;
    if (!fixture_dir("ndr"))
        return -1;
    fixture_path(costs_db, sizeof costs_db, "costs.db");
    fixture_path(native_cfg, sizeof native_cfg, "native.cfg");
    snprintf(text, sizeof text, native_text, costs_db);
    if (fixture_costs_db(costs_db) ||
        fixture_sql_file(costs_db, "tests/fixtures/costs-single.sql") ||
        fixture_write(native_cfg, text))
        return -1;
    return fixture_load(native_cfg, NULL, 0, &sc, &cm);
}

static int group_teardown(void **state)
{
    (void)state;
    scenario_clear(&sc);
    fixture_remove();
    return 0;
}

/* ---- Loss ------------------------------------------------------------- */

static void loss_counts_drops_not_packets_in_flight(void **state)
{
    (void)state;
    struct run_result r[2];
    stats_clear(&r[0]);
    stats_clear(&r[1]);
    r[0].offered_pkts = r[1].offered_pkts = 100000;
    r[0].forwarded_pkts = 99700;  /* 300 still queued at the end */
    r[1].forwarded_pkts = 100090; /* 90 more left than came */
    assert_near(ndr_loss(&sc.curve[0].cfg, r, 2), 0, 0);
    r[1].drops[3] = 20;
    assert_near(ndr_loss(&sc.curve[0].cfg, r, 2), 20.0 / 200000, 1e-15);
}

static void loss_counts_what_a_generator_falls_behind(void **state)
{
    (void)state;
    struct vsr_config cfg = sc.curve[0].cfg;
    cfg.native = 0;
    cfg.nthreads = 1;
    cfg.thread[0].kind = VSR_GEN;
    cfg.q = (struct vsr_queues){
        .macvtap = 100, .virtio_rx = 100, .virtio_tx = 100, .guest_qdisc = 100};
    cfg.vhost_batch = 64;
    struct run_result r;
    stats_clear(&r);
    r.offered_pkts = 100000;
    r.forwarded_pkts = 99600; /* within what the queues hold */
    assert_near(ndr_loss(&cfg, &r, 1), 0, 0);
    r.forwarded_pkts = 60000; /* 40000 behind, 464 of them in flight */
    assert_near(ndr_loss(&cfg, &r, 1), (40000.0 - 464) / 100000, 1e-12);
}

/* ---- Closed form -------------------------------------------------------- */

static void forwarded_is_min_of_offered_and_capacity(void **state)
{
    (void)state;
    struct ndr_probe p[2] = {{.cfg = &sc.curve[0].cfg},
                             {.cfg = &sc.curve[0].cfg}};
    p[0].pt.offered_kpps = CAP_KPPS / 2;
    p[1].pt.offered_kpps = CAP_KPPS * 2;
    assert_int_equal(ndr_simulate(&sc, &cm, p, 2, 1), 0);
    assert_rel_near(p[0].pt.forwarded_kpps, CAP_KPPS / 2, 1e-3);
    assert_near(p[0].pt.loss, 0, 0);
    assert_rel_near(p[1].pt.forwarded_kpps, CAP_KPPS, 1e-3);
    assert_rel_near(p[1].pt.loss, 0.5, 2e-3);
}

static void ndr_and_pdr_match_closed_form(void **state)
{
    (void)state;
    struct ndr_opts o = {.resolution_kpps = RES_KPPS, .jobs = 1};
    struct ndr_result r;
    assert_int_equal(ndr_search(&sc, &cm, &o, &r), 0);
    double ndr = CAP_KPPS / (1 - NDR_LOSS_MAX);
    double pdr = CAP_KPPS / (1 - PDR_LOSS_MAX);
    print_message("# NDR %.3f (closed form %.3f), PDR %.3f (%.3f), "
                  "%d probes\n",
                  r.ndr.offered_kpps, ndr, r.pdr.offered_kpps, pdr, r.probes);
    assert_near(r.ndr.offered_kpps, ndr, RES_KPPS + SLACK_KPPS);
    assert_near(r.pdr.offered_kpps, pdr, RES_KPPS + SLACK_KPPS);
    assert_true(r.ndr.loss <= NDR_LOSS_MAX);
    assert_true(r.pdr.loss <= PDR_LOSS_MAX);
    assert_true(r.ndr.offered_kpps <= r.pdr.offered_kpps);
    assert_near(r.resolution_kpps, RES_KPPS, 0);
}

static void default_resolution_is_a_share_of_line_rate(void **state)
{
    (void)state;
    struct ndr_opts o = {.jobs = 1};
    struct ndr_result r;
    assert_int_equal(ndr_search(&sc, &cm, &o, &r), 0);
    double line = vsr_line_rate_pps(&sc.curve[0].cfg) / 1e3;
    assert_rel_near(r.resolution_kpps, NDR_RESOLUTION * line, 1e-3);
    assert_near(r.ndr.offered_kpps, CAP_KPPS, r.resolution_kpps + 1);
}

static void search_is_the_same_whatever_jobs(void **state)
{
    (void)state;
    struct ndr_opts o = {.resolution_kpps = 4, .jobs = 1};
    struct ndr_result a, b;
    assert_int_equal(ndr_search(&sc, &cm, &o, &a), 0);
    o.jobs = 2;
    assert_int_equal(ndr_search(&sc, &cm, &o, &b), 0);
    assert_true(a.ndr.offered_kpps == b.ndr.offered_kpps);
    assert_true(a.ndr.forwarded_kpps == b.ndr.forwarded_kpps);
    assert_true(a.ndr.loss == b.ndr.loss);
    assert_true(a.pdr.offered_kpps == b.pdr.offered_kpps);
    assert_true(a.pdr.forwarded_kpps == b.pdr.forwarded_kpps);
    assert_true(a.pdr.loss == b.pdr.loss);
    assert_int_equal(a.probes, b.probes);
}

/* A probe of curve c at R is what `vsrsim run` simulates for curve c with
 * traffic.rates_kpps = [R]. */
static void probe_is_vsrsim_run_at_that_rate(void **state)
{
    (void)state;
    const char *set[] = {"traffic.rates_kpps=[499.777]"};
    struct scenario *s1 = xmalloc(sizeof *s1);
    char err[512];
    assert_int_equal(scenario_load(s1, native_cfg, set, 1, err, sizeof err), 0);
    struct run_result runs[2];
    assert_int_equal(sweep_run(s1, &cm, 1, 0, runs), 0);
    struct ndr_probe p = {.cfg = &sc.curve[0].cfg};
    p.pt.offered_kpps = 499.777;
    assert_int_equal(ndr_simulate(&sc, &cm, &p, 1, 2), 0);
    double fwd = (double)(runs[0].forwarded_pkts + runs[1].forwarded_pkts) /
                 (double)(runs[0].measured_ns + runs[1].measured_ns) * 1e6;
    assert_true(fwd == p.pt.forwarded_kpps);
    assert_true(ndr_loss(&s1->curve[0].cfg, runs, 2) == p.pt.loss);
    scenario_clear(s1);
    free(s1);
}

/* ---- Outputs ------------------------------------------------------------ */

static const struct ndr_result fake = {
    .ndr = {499.5, 499.4, 0},
    .pdr = {499.875, 499.5, 0.00075},
    .resolution_kpps = 0.5,
    .probes = 12,
};

/* The CSV of the scenario's sweep, with or without NDR columns. */
static char *csv_text(const struct run_result *runs,
                      const struct ndr_result *ndr)
{
    char path[512];
    fixture_path(path, sizeof path, "out.csv");
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    report_csv_ndr(f, &sc, runs, ndr);
    fclose(f);
    char *text = fixture_slurp(path, NULL);
    unlink(path);
    return text;
}

static void csv_adds_four_columns_at_the_end(void **state)
{
    (void)state;
    size_t n = (size_t)sc.ncurves * sc.nrates * sc.reps;
    struct run_result *runs = xcalloc(n, sizeof *runs);
    assert_int_equal(sweep_run(&sc, &cm, 1, 0, runs), 0);
    char *plain = csv_text(runs, NULL), *with = csv_text(runs, &fake);
    char *p = plain, *w = with;
    int lines = 0;
    while (*p) {
        size_t len = strcspn(p, "\n");
        assert_memory_equal(w, p, len); /* old columns, in order */
        const char *tail = lines == 0 ? ",ndr_kpps,ndr_loss,pdr_kpps,pdr_loss\n"
                                      : ",499.500,0,499.875,0.00075\n";
        assert_memory_equal(w + len, tail, strlen(tail));
        p += len + 1;
        w += len + strlen(tail);
        lines++;
    }
    assert_int_equal(*w, '\0');
    assert_int_equal(lines, 1 + sc.nrates);
    free(plain);
    free(with);
    free(runs);
}

static void db_holds_ndr_scalars_of_the_run(void **state)
{
    (void)state;
    char path[512], err[512];
    fixture_path(path, sizeof path, "results.db");
    struct stats_layout lay;
    vsr_layout(&sc.curve[0].cfg, &lay);
    struct run_result r;
    stats_clear(&r);
    r.measured_ns = 1000000;
    double v[NDR_NFIELDS];
    ndr_fields(&fake, v);
    struct run_meta m = {
        .run_name = "native-0-0-0",
        .curve = "default",
        .nscalars = NDR_NFIELDS,
        .scalar_name = ndr_field_name,
        .scalar_value = v,
    };
    struct store *st;
    assert_int_equal(store_open(&st, path, err, sizeof err), 0);
    assert_int_equal(store_add_run(st, &m, &lay, &r, err, sizeof err), 0);
    assert_int_equal(store_commit(st, err, sizeof err), 0);
    assert_near(fixture_sql_real(path, "SELECT scalarValue FROM scalar WHERE "
                                       "moduleName = 'vsr' AND scalarName = "
                                       "'ndr_kpps'"),
                499.5, 0);
    assert_near(fixture_sql_real(path, "SELECT scalarValue FROM scalar WHERE "
                                       "moduleName = 'vsr' AND scalarName = "
                                       "'pdr_loss'"),
                0.00075, 0);
    unlink(path);
}

static void plot_marks_ndr_and_pdr(void **state)
{
    (void)state;
    char plots[512], csv[512], png[512], err[512];
    snprintf(plots, sizeof plots, "%s/plots", fixture_srcdir());
    fixture_path(csv, sizeof csv, "marks.csv");
    fixture_path(png, sizeof png, "marks.png");
    assert_int_equal(
        fixture_write(csv, "curve,offered_kpps,forwarded_kpps,ci99_kpps,"
                           "loss,ndr_kpps,ndr_loss,pdr_kpps,pdr_loss\n"
                           "\"a, b\",100,100,0,0,150,0,160,0.0005\n"
                           "\"a, b\",200,170,2,0.15,150,0,160,0.0005\n"
                           "c,100,100,0,0,0,0,,\n"
                           "c,200,120,3,0.4,0,0,,\n"),
        0);
    int rc = plot_curves(plots, csv, png, "marks", err, sizeof err);
    if (rc == SIM_EEXEC && strstr(err, "not found")) {
        unlink(csv);
        skip();
    }
    assert_int_equal(rc, 0);
    assert_int_equal(access(png, R_OK), 0);
    unlink(csv);
    unlink(png);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(loss_counts_drops_not_packets_in_flight),
        cmocka_unit_test(loss_counts_what_a_generator_falls_behind),
        cmocka_unit_test(forwarded_is_min_of_offered_and_capacity),
        cmocka_unit_test(ndr_and_pdr_match_closed_form),
        cmocka_unit_test(default_resolution_is_a_share_of_line_rate),
        cmocka_unit_test(search_is_the_same_whatever_jobs),
        cmocka_unit_test(probe_is_vsrsim_run_at_that_rate),
        cmocka_unit_test(csv_adds_four_columns_at_the_end),
        cmocka_unit_test(db_holds_ndr_scalars_of_the_run),
        cmocka_unit_test(plot_marks_ndr_and_pdr),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
