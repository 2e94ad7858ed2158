/*
 * test_store.c - tests of store.c: cost-model loading and result files.
 *
 * The cost-model database is built in a temporary directory from the real
 * data/schema.sql and tests/fixtures/costs-test.sql (found under
 * $VSRSIM_SRCDIR, default "."), so the tests also check that the schema and
 * the loader agree. Result files are read back with plain SQL, the way any
 * OMNeT++-schema reader would read them. Each test checks one property.
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
#include <sqlite3.h>

#include "costmodel.h"
#include "err.h"
#include "fixture.h"
#include "stats.h"
#include "store.h"

static char costs_db[512]; /* schema.sql + costs-test.sql */

static int group_setup(void **state)
{
    (void)state;
    if (fixture_dir("store") == NULL)
        return -1;
    fixture_path(costs_db, sizeof costs_db, "costs.db");
    return fixture_costs_db(costs_db);
}

/* ---- cost models ---------------------------------------------------- */

static void test_load_complete_model(void **state)
{
    struct costmodel cm;
    char err[256] = "";

    (void)state;
    assert_int_equal(store_load_costmodel(costs_db, "test", &cm, err,
                                          sizeof err), SIM_OK);
    assert_string_equal(cm.id, "test");
    for (int i = 0; i < COST_N; i++) {
        assert_true(cm.c[i].present);
        /* the fixture's mean_ns is 100 + 10 * position */
        assert_true(cm.c[i].mean_ns == 100.0 + 10.0 * i);
        assert_true(cm.c[i].cv == 0.1);
    }
}

/* A model written before an activity that may be left out loads, the
 * activity costing nothing. */
static void test_optional_activity_may_be_absent(void **state)
{
    struct costmodel cm;
    char err[256] = "";

    (void)state;
    assert_int_equal(store_load_costmodel(costs_db, "older", &cm, err,
                                          sizeof err), SIM_OK);
    assert_true(costmodel_optional(COST_QEMU_SWITCH));
    assert_false(cm.c[COST_QEMU_SWITCH].present);
    assert_true(cm.c[COST_QEMU_SWITCH].mean_ns == 0);
    assert_true(costmodel_optional(COST_QEMU_RESUME));
    assert_false(cm.c[COST_QEMU_RESUME].present);
    assert_true(cm.c[COST_QEMU_RESUME].mean_ns == 0);
    assert_true(cm.c[COST_QEMU_TICK].mean_ns == 100.0 + 10.0 * COST_QEMU_TICK);
}

static void test_missing_activity_refused(void **state)
{
    struct costmodel cm;
    char err[256] = "";

    (void)state;
    assert_int_equal(store_load_costmodel(costs_db, "incomplete", &cm, err,
                                          sizeof err), SIM_EINPUT);
    assert_non_null(strstr(err,
                           "cost model 'incomplete' lacks activity "
                           "'guest_fwd_pkt'"));
}

static void test_unknown_model_refused(void **state)
{
    struct costmodel cm;
    char err[256] = "";

    (void)state;
    assert_int_equal(store_load_costmodel(costs_db, "nope", &cm, err,
                                          sizeof err), SIM_EINPUT);
    assert_non_null(strstr(err, "no cost model 'nope'"));
}

static void test_newer_schema_refused(void **state)
{
    struct costmodel cm;
    char err[256] = "", db[512];

    (void)state;
    fixture_path(db, sizeof db, "newer.db");
    assert_int_equal(fixture_costs_db(db), 0);
    assert_int_equal(fixture_sql(db, "PRAGMA user_version = 2"), SQLITE_OK);
    assert_int_equal(store_load_costmodel(db, "test", &cm, err, sizeof err),
                     SIM_EINPUT);
    assert_non_null(strstr(err, "schema version 2 is newer than this "
                                "vsrsim understands (1)"));
}

static void test_non_sqlite_file_refused(void **state)
{
    struct costmodel cm;
    char err[256] = "", path[512];
    FILE *f;

    (void)state;
    fixture_path(path, sizeof path, "not-a-db.sql");
    f = fopen(path, "w");
    assert_non_null(f);
    for (int i = 0; i < 64; i++)
        fputs("this is a text file, not an SQLite database\n", f);
    fclose(f);
    assert_int_equal(store_load_costmodel(path, "test", &cm, err,
                                          sizeof err), SIM_EINPUT);
    assert_non_null(strstr(err, "not a vsrsim cost-model database"));
}

static void test_db_without_cost_table_refused(void **state)
{
    struct costmodel cm;
    char err[256] = "", db[512];

    (void)state;
    fixture_path(db, sizeof db, "other.db");
    assert_int_equal(fixture_sql(db, "CREATE TABLE other (x)"), SQLITE_OK);
    assert_int_equal(store_load_costmodel(db, "test", &cm, err, sizeof err),
                     SIM_EINPUT);
    assert_non_null(strstr(err, "not a vsrsim cost-model database "
                                "(no table cost)"));
}

static void test_missing_file_refused(void **state)
{
    struct costmodel cm;
    char err[256] = "", path[512];

    (void)state;
    fixture_path(path, sizeof path, "does-not-exist.db");
    assert_int_equal(store_load_costmodel(path, "test", &cm, err,
                                          sizeof err), SIM_EIO);
    assert_non_null(strstr(err, "cannot open cost-model database"));
    assert_int_equal(access(path, F_OK), -1); /* and did not create it */
}

/* ---- results -------------------------------------------------------- */

static const char *const param_key[] = { "curve", "rate" };
static const char *const param_value[] = { "c1", "100" };

/* A latency sample into its log2 bucket, as stats.h defines the buckets. */
static void add_latency(struct run_result *r, int64_t ns)
{
    int b = 0;

    while (b < STATS_LAT_BUCKETS - 1 && (ns >> (b + 1)) > 0)
        b++;
    r->lat_hist[b]++;
    r->lat_count++;
    r->lat_sum_ns += (double)ns;
    r->lat_sumsq_ns += (double)ns * (double)ns;
    if (ns < r->lat_min_ns)
        r->lat_min_ns = ns;
    if (ns > r->lat_max_ns)
        r->lat_max_ns = ns;
}

/* Run number `k` of a small fixed sweep: forwarded (500 + 250 k) kpps over
 * a window of 1 / (k + 1) s, latencies 1.5 us, 3 us and 40 us. */
static void make_run(int k, char *name, size_t n, struct run_meta *m,
                     struct stats_layout *lay, struct run_result *r)
{
    int64_t ns = 1000000000 / (k + 1);

    snprintf(name, n, "c1-%d-0", k);
    memset(m, 0, sizeof *m);
    m->run_name = name;
    m->scenario_path = "scenarios/test.scn";
    m->scenario_hash = "00ff";
    m->scenario_text = "curve c1\n";
    m->curve = "c1";
    m->costmodel_id = "test";
    m->version = "test";
    m->seed = 42 + (uint64_t)k;
    m->base_seed = 42;
    m->rate_index = k;
    m->run_number = 10 + k;
    m->run_key = "key-a";
    m->offered_kpps = 1000.0;
    m->warmup_ns = 1000000;
    m->measured_ns = ns;
    m->nparams = 2;
    m->param_key = param_key;
    m->param_value = param_value;

    memset(lay, 0, sizeof *lay);
    lay->ncores = 2;
    lay->nthreads = 1;
    lay->nqueues = 1;
    strcpy(lay->thread_name[0], "vhost-1");
    strcpy(lay->queue_name[0], "nic-rx");

    memset(r, 0, sizeof *r);
    r->lat_min_ns = INT64_MAX;
    r->measured_ns = ns;
    r->forwarded_pkts = (uint64_t)((500 + 250 * k) * 1000) / (uint64_t)(k + 1);
    r->offered_pkts = r->forwarded_pkts;
    r->events = 12345;
    r->core_ns[0][CPU_IRQ] = ns / 4;
    r->core_ns[1][CPU_GUEST] = ns / 2;
    r->thread_ns[0] = ns / 4;
    r->drops[0] = 7;
    add_latency(r, 1500);
    add_latency(r, 3000);
    add_latency(r, 40000);
}

/* Write runs 0 .. nruns-1 of the sweep into `path` and commit. */
static void write_runs(const char *path, int nruns)
{
    struct store *s = NULL;
    char err[256] = "", name[32];
    struct run_meta m;
    struct stats_layout lay;
    struct run_result r;

    assert_int_equal(store_open(&s, path, err, sizeof err), SIM_OK);
    for (int k = 0; k < nruns; k++) {
        make_run(k, name, sizeof name, &m, &lay, &r);
        assert_int_equal(store_add_run(s, &m, &lay, &r, err, sizeof err),
                         SIM_OK);
    }
    assert_int_equal(store_commit(s, err, sizeof err), SIM_OK);
}

static void test_forwarded_kpps_read_back(void **state)
{
    char db[512];
    sqlite3 *h = NULL;
    sqlite3_stmt *st = NULL;
    int rows = 0;

    (void)state;
    fixture_path(db, sizeof db, "two-runs.db");
    write_runs(db, 2);
    assert_int_equal(sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(h,
        "SELECT runName, scalarValue FROM scalar JOIN run USING (runId) "
        "WHERE moduleName = 'vsr' AND scalarName = 'forwarded_kpps' "
        "ORDER BY runId", -1, &st, NULL), SQLITE_OK);
    while (sqlite3_step(st) == SQLITE_ROW) {
        char want[32];

        snprintf(want, sizeof want, "c1-%d-0", rows);
        assert_string_equal((const char *)sqlite3_column_text(st, 0), want);
        assert_true(fabs(sqlite3_column_double(st, 1) - (500 + 250 * rows))
                    < 1e-9);
        rows++;
    }
    sqlite3_finalize(st);
    sqlite3_close(h);
    assert_int_equal(rows, 2);
}

static void test_identical_runs_identical_files(void **state)
{
    char a[512], b[512];
    char *da, *db;
    size_t na, nb;

    (void)state;
    fixture_path(a, sizeof a, "same-a.db");
    fixture_path(b, sizeof b, "same-b.db");
    write_runs(a, 3);
    write_runs(b, 3);
    da = fixture_slurp(a, &na);
    db = fixture_slurp(b, &nb);
    assert_non_null(da);
    assert_non_null(db);
    assert_true(na > 0);
    assert_int_equal(na, nb);
    assert_memory_equal(da, db, na);
    free(da);
    free(db);
}

/* Committed file: in WAL mode (header byte 18, the write version, is 2),
 * and nothing beside it once closed. */
static void test_commit_leaves_plain_file(void **state)
{
    char db[512], side[560];
    char *bytes;
    size_t n;

    (void)state;
    fixture_path(db, sizeof db, "journal.db");
    write_runs(db, 1);
    bytes = fixture_slurp(db, &n);
    assert_non_null(bytes);
    assert_true(n >= 100);
    assert_int_equal(bytes[18], 2);
    free(bytes);
    snprintf(side, sizeof side, "%s-journal", db);
    assert_int_equal(access(side, F_OK), -1);
    snprintf(side, sizeof side, "%s-wal", db);
    assert_int_equal(access(side, F_OK), -1);
    snprintf(side, sizeof side, "%s-shm", db);
    assert_int_equal(access(side, F_OK), -1);
}

static void test_runnumber_is_the_sweep_number(void **state)
{
    char db[512];

    (void)state;
    fixture_path(db, sizeof db, "runnumber.db");
    write_runs(db, 3);
    /* run numbers 10, 11, 12 of the metadata, concatenated */
    assert_int_equal(fixture_sql_int(db, "SELECT group_concat(attrValue, '') "
                                         "FROM (SELECT attrValue FROM runAttr "
                                         "WHERE attrName = 'runnumber' "
                                         "ORDER BY runId)"),
                     101112);
}

static void test_abort_leaves_no_run(void **state)
{
    struct store *s = NULL;
    char db[512], err[256] = "", name[32];
    struct run_meta m;
    struct stats_layout lay;
    struct run_result r;

    (void)state;
    fixture_path(db, sizeof db, "abort.db");
    write_runs(db, 1);
    assert_int_equal(store_open(&s, db, err, sizeof err), SIM_OK);
    make_run(1, name, sizeof name, &m, &lay, &r);
    assert_int_equal(store_add_run(s, &m, &lay, &r, err, sizeof err),
                     SIM_OK);
    store_abort(s);
    assert_int_equal(fixture_sql_int(db, "SELECT count(*) FROM run"), 1);
    assert_int_equal(fixture_sql_int(db, "SELECT count(*) FROM scalar "
                                         "WHERE runId <> 1"),
                     0);
}

/* A checkpoint commits: what follows it may be rolled back, not it. */
static void test_checkpoint_keeps_runs_before_it(void **state)
{
    struct store *s = NULL;
    char db[512], err[256] = "", name[32];
    struct run_meta m;
    struct stats_layout lay;
    struct run_result r;

    (void)state;
    fixture_path(db, sizeof db, "checkpoint.db");
    unlink(db);
    assert_int_equal(store_open(&s, db, err, sizeof err), SIM_OK);
    make_run(0, name, sizeof name, &m, &lay, &r);
    assert_int_equal(store_add_run(s, &m, &lay, &r, err, sizeof err),
                     SIM_OK);
    assert_int_equal(store_checkpoint(s, err, sizeof err), SIM_OK);
    make_run(1, name, sizeof name, &m, &lay, &r);
    assert_int_equal(store_add_run(s, &m, &lay, &r, err, sizeof err),
                     SIM_OK);
    store_abort(s);
    assert_int_equal(fixture_sql_int(db, "SELECT count(*) FROM run"), 1);
    assert_int_equal(fixture_sql_int(db, "SELECT count(*) FROM vsrsimRun"), 1);
}

/* A run of the same name replaces the one in the file, every row of it. */
static void test_same_name_replaces_run(void **state)
{
    struct store *s = NULL;
    char db[512], err[256] = "", name[32];
    struct run_meta m;
    struct stats_layout lay;
    struct run_result r;

    (void)state;
    fixture_path(db, sizeof db, "dup.db");
    unlink(db);
    write_runs(db, 2);
    int64_t scalars = fixture_sql_int(db, "SELECT count(*) FROM scalar");
    int64_t attrs = fixture_sql_int(db, "SELECT count(*) FROM runAttr");
    assert_int_equal(store_open(&s, db, err, sizeof err), SIM_OK);
    make_run(0, name, sizeof name, &m, &lay, &r);
    r.forwarded_pkts = 123000;
    assert_int_equal(store_add_run(s, &m, &lay, &r, err, sizeof err),
                     SIM_OK);
    assert_int_equal(store_commit(s, err, sizeof err), SIM_OK);
    assert_int_equal(fixture_sql_int(db, "SELECT count(*) FROM run"), 2);
    assert_int_equal(fixture_sql_int(db, "SELECT count(*) FROM run "
                                         "WHERE runName = 'c1-0-0'"),
                     1);
    assert_int_equal(fixture_sql_int(db, "SELECT count(*) FROM scalar"),
                     scalars);
    assert_int_equal(fixture_sql_int(db, "SELECT count(*) FROM runAttr"),
                     attrs);
    assert_int_equal(fixture_sql_int(db, "SELECT count(*) FROM vsrsimRun"), 2);
    assert_int_equal(fixture_sql_int(db,
                                     "SELECT CAST(round(scalarValue) AS INT) "
                                     "FROM scalar s JOIN run r USING (runId) "
                                     "WHERE r.runName = 'c1-0-0' AND "
                                     "s.scalarName = 'forwarded_kpps'"),
                     123);
}

/* The record read back is the record written, under its key only. */
static void test_find_run_by_name_and_key(void **state)
{
    struct store *s = NULL;
    char db[512], err[256] = "", name[32];
    struct run_meta m;
    struct stats_layout lay;
    struct run_result r, back;

    (void)state;
    fixture_path(db, sizeof db, "find.db");
    unlink(db);
    write_runs(db, 2);
    make_run(1, name, sizeof name, &m, &lay, &r);
    assert_int_equal(store_open(&s, db, err, sizeof err), SIM_OK);
    memset(&back, 0xa5, sizeof back);
    assert_int_equal(store_find_run(s, "c1-1-0", "key-a", &back, err,
                                    sizeof err), 1);
    assert_memory_equal(&back, &r, sizeof r);
    assert_int_equal(store_find_run(s, "c1-1-0", "key-b", &back, err,
                                    sizeof err), 0);
    assert_int_equal(store_find_run(s, "c1-9-0", "key-a", &back, err,
                                    sizeof err), 0);
    store_abort(s);
}

static void test_put_scalars_replaces(void **state)
{
    struct store *s = NULL;
    char db[512], err[256] = "";
    const char *names[] = {"ndr_kpps"};
    double v1[] = {5}, v2[] = {7};

    (void)state;
    fixture_path(db, sizeof db, "put.db");
    unlink(db);
    write_runs(db, 1);
    for (int i = 0; i < 2; i++) {
        assert_int_equal(store_open(&s, db, err, sizeof err), SIM_OK);
        assert_int_equal(store_put_scalars(s, "c1-0-0", "vsr", 1, names,
                                           i ? v2 : v1, err, sizeof err),
                         SIM_OK);
        assert_int_equal(store_commit(s, err, sizeof err), SIM_OK);
    }
    assert_int_equal(fixture_sql_int(db, "SELECT count(*) FROM scalar WHERE "
                                         "scalarName = 'ndr_kpps'"),
                     1);
    assert_int_equal(fixture_sql_int(db,
                                     "SELECT CAST(scalarValue AS INT) FROM "
                                     "scalar WHERE scalarName = 'ndr_kpps'"),
                     7);
}

/* Rows of `table` (rowids included) in one file and not the other. */
static int64_t rows_differ(const char *x, const char *y, const char *table)
{
    sqlite3 *h = NULL;
    sqlite3_stmt *st = NULL;
    char sql[1400];
    int64_t n = -1;

    assert_int_equal(sqlite3_open(x, &h), SQLITE_OK);
    snprintf(sql, sizeof sql, "ATTACH '%s' AS y", y);
    assert_int_equal(sqlite3_exec(h, sql, NULL, NULL, NULL), SQLITE_OK);
    snprintf(sql, sizeof sql,
             "SELECT (SELECT count(*) FROM (SELECT rowid, * FROM main.%s "
             "EXCEPT SELECT rowid, * FROM y.%s)) + (SELECT count(*) FROM "
             "(SELECT rowid, * FROM y.%s EXCEPT SELECT rowid, * FROM "
             "main.%s))", table, table, table, table);
    assert_int_equal(sqlite3_prepare_v2(h, sql, -1, &st, NULL), SQLITE_OK);
    if (sqlite3_step(st) == SQLITE_ROW)
        n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(h);
    return n;
}

/* Write runs k of `ks` (n of them) to a fresh file. */
static void write_some(const char *path, const int *ks, int n,
                       const char *key)
{
    struct store *s = NULL;
    char err[256] = "", name[32];
    struct run_meta m;
    struct stats_layout lay;
    struct run_result r;

    unlink(path);
    assert_int_equal(store_open(&s, path, err, sizeof err), SIM_OK);
    for (int i = 0; i < n; i++) {
        make_run(ks[i], name, sizeof name, &m, &lay, &r);
        m.run_key = key;
        assert_int_equal(store_add_run(s, &m, &lay, &r, err, sizeof err),
                         SIM_OK);
    }
    assert_int_equal(store_commit(s, err, sizeof err), SIM_OK);
}

/* Parts merged in any order, one run in two of them, give the file that
 * writing every run in order gives: the same rows in the same order. */
static void test_merge_equals_whole(void **state)
{
    char whole[512], a[512], b[512], out[512], err[256] = "";
    const int all[] = {0, 1, 2, 3}, pa[] = {3, 1}, pb[] = {0, 1, 2};
    const char *inputs[2] = {a, b};
    int n = 0;

    (void)state;
    fixture_path(whole, sizeof whole, "m-whole.db");
    fixture_path(a, sizeof a, "m-a.db");
    fixture_path(b, sizeof b, "m-b.db");
    fixture_path(out, sizeof out, "m-out.db");
    write_some(whole, all, 4, "key-a");
    write_some(a, pa, 2, "key-a");
    write_some(b, pb, 3, "key-a");
    unlink(out);
    assert_int_equal(store_merge(out, inputs, 2, &n, err, sizeof err),
                     SIM_OK);
    assert_int_equal(n, 4);
    static const char *const tables[] = {
        "run", "runAttr", "runItervar", "runConfig", "runParam", "scalar",
        "statistic", "statisticAttr", "histogramBin", "histBin",
        "vsrsimRun"};
    for (size_t t = 0; t < sizeof tables / sizeof tables[0]; t++)
        assert_int_equal(rows_differ(out, whole, tables[t]), 0);
    assert_int_equal(fixture_sql_int(out,
                                     "SELECT group_concat(runNumber, '') FROM "
                                     "(SELECT runNumber FROM vsrsimRun "
                                     "ORDER BY runId)"),
                     10111213);
}

static void test_merge_refuses_conflicting_runs(void **state)
{
    char a[512], b[512], out[512], err[256] = "";
    const int ka[] = {0}, kb[] = {0};
    const char *inputs[2] = {a, b};
    int n = 0;

    (void)state;
    fixture_path(a, sizeof a, "c-a.db");
    fixture_path(b, sizeof b, "c-b.db");
    fixture_path(out, sizeof out, "c-out.db");
    write_some(a, ka, 1, "key-a");
    write_some(b, kb, 1, "key-b");
    unlink(out);
    assert_int_equal(store_merge(out, inputs, 2, &n, err, sizeof err),
                     SIM_EINPUT);
    assert_non_null(strstr(err, "both hold run 'c1-0-0'"));
    assert_int_equal(access(out, F_OK), -1);
}

/* An input that fails while its rows are copied (a table gone) leaves no
 * new output behind, and an output that was there as it was. */
static void test_merge_all_or_nothing(void **state)
{
    char a[512], out[512], err[256] = "";
    const int ka[] = {0, 1};
    const char *inputs[1] = {a};
    int n = 0;

    (void)state;
    fixture_path(a, sizeof a, "n-a.db");
    fixture_path(out, sizeof out, "n-out.db");
    write_some(a, ka, 2, "key-a");
    assert_int_equal(fixture_sql(a, "DROP TABLE histBin"), 0);
    unlink(out);
    assert_int_not_equal(store_merge(out, inputs, 1, &n, err, sizeof err),
                         SIM_OK);
    assert_non_null(strstr(err, "histBin"));
    assert_int_equal(access(out, F_OK), -1);
    write_some(out, ka, 1, "key-a");
    assert_int_not_equal(store_merge(out, inputs, 1, &n, err, sizeof err),
                         SIM_OK);
    assert_int_equal(fixture_sql_int(out, "SELECT count(*) FROM run"), 1);
}

static void test_histogram_bins_cover_samples(void **state)
{
    char db[512];

    (void)state;
    fixture_path(db, sizeof db, "hist.db");
    write_runs(db, 1);
    /* 1.5 us, 3 us and 40 us fall in buckets 10, 11 and 15: bins 10..15,
     * plus the underflow bin at -inf and the overflow bin at 2^16 ns. */
    assert_int_equal(fixture_sql_int(db, "SELECT count(*) FROM histogramBin"),
                     8);
    assert_int_equal(
        fixture_sql_int(db, "SELECT sum(binValue) FROM histogramBin"), 3);
    assert_int_equal(fixture_sql_int(db, "SELECT count(*) FROM histogramBin "
                                         "WHERE lowerEdge = -9e999 "
                                         "AND binValue = 0"),
                     1);
    assert_int_equal(fixture_sql_int(db, "SELECT count(*) FROM histogramBin "
                                         "WHERE lowerEdge = 1.024e-6 "
                                         "AND binValue = 1"),
                     1);
    assert_int_equal(fixture_sql_int(db, "SELECT count(*) FROM histBin h "
                                         "JOIN histogramBin g USING (statId) "
                                         "WHERE h.baseValue = g.lowerEdge "
                                         "AND h.cellValue = g.binValue"),
                     8);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_load_complete_model),
        cmocka_unit_test(test_optional_activity_may_be_absent),
        cmocka_unit_test(test_missing_activity_refused),
        cmocka_unit_test(test_unknown_model_refused),
        cmocka_unit_test(test_newer_schema_refused),
        cmocka_unit_test(test_non_sqlite_file_refused),
        cmocka_unit_test(test_db_without_cost_table_refused),
        cmocka_unit_test(test_missing_file_refused),
        cmocka_unit_test(test_forwarded_kpps_read_back),
        cmocka_unit_test(test_identical_runs_identical_files),
        cmocka_unit_test(test_commit_leaves_plain_file),
        cmocka_unit_test(test_runnumber_is_the_sweep_number),
        cmocka_unit_test(test_abort_leaves_no_run),
        cmocka_unit_test(test_checkpoint_keeps_runs_before_it),
        cmocka_unit_test(test_same_name_replaces_run),
        cmocka_unit_test(test_find_run_by_name_and_key),
        cmocka_unit_test(test_put_scalars_replaces),
        cmocka_unit_test(test_merge_equals_whole),
        cmocka_unit_test(test_merge_refuses_conflicting_runs),
        cmocka_unit_test(test_merge_all_or_nothing),
        cmocka_unit_test(test_histogram_bins_cover_samples),
    };

    return cmocka_run_group_tests(tests, group_setup, fixture_teardown);
}
