/*
 * test_caldb.c - tests of the calibration data of sim/store.c (caldb_*):
 * measured runs, samples and points, and cost models written by vsrcal.
 *
 * Every database is a new file in a temporary directory; what was written
 * is read back with caldb_read_run, store_load_costmodel or plain SQL.
 * One test starts from a copy of data/costs.db (found under
 * $VSRSIM_SRCDIR, default "."; built by `make data/costs.db`). Each test
 * checks one property.
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
#include "store.h"

/* What an output pointer holds before a call that must clear it. */
static char sentinel;

/* One text value from a query into buf; "(null)" for NULL, "" on
 * failure. */
static const char *query_text(const char *db_path, const char *sql, char *buf,
                              size_t n)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;

    buf[0] = '\0';
    if (sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READONLY, NULL) ==
            SQLITE_OK &&
        sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW) {
        const unsigned char *t = sqlite3_column_text(st, 0);
        snprintf(buf, n, "%s", t ? (const char *)t : "(null)");
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
    return buf;
}

/* Copy a file; 0 on success. */
static int copy_file(const char *from, const char *to)
{
    FILE *in = fopen(from, "rb"), *out = NULL;
    char buf[8192];
    size_t n;
    int rc = -1;

    if (in == NULL)
        return -1;
    out = fopen(to, "wb");
    if (out != NULL) {
        rc = 0;
        while ((n = fread(buf, 1, sizeof buf, in)) > 0)
            if (fwrite(buf, 1, n, out) != n)
                rc = -1;
        if (fclose(out) != 0)
            rc = -1;
    }
    fclose(in);
    return rc;
}

static int group_setup(void **state)
{
    (void)state;
    return fixture_dir("caldb") ? 0 : -1;
}

/* A new, empty database path: `name` in the temporary directory, removed
 * if an earlier test left it. */
static const char *fresh(char *buf, size_t n, const char *name)
{
    fixture_path(buf, n, name);
    unlink(buf);
    return buf;
}

static struct caldb *open_db(const char *path)
{
    struct caldb *c = NULL;
    char err[512] = "";

    if (caldb_open(&c, path, err, sizeof err) != SIM_OK)
        fail_msg("caldb_open %s: %s", path, err);
    assert_non_null(c);
    return c;
}

static void commit_db(struct caldb *c)
{
    char err[512] = "";

    if (caldb_commit(c, err, sizeof err) != SIM_OK)
        fail_msg("caldb_commit: %s", err);
}

/* A measured run of `config` with `nrates` rates of `reps` repetitions,
 * each with the samples of two entities, and a point per rate. Values are
 * derived from `salt` so that two runs differ. */
struct written {
    int64_t run_id;
    int ns, np;
    struct measured_sample s[64];
    struct measured_point p[8];
};

static void sample_set(struct measured_sample *s, double kpps, int rep,
                       const char *entity, const char *metric, double value)
{
    memset(s, 0, sizeof *s);
    s->offered_kpps = kpps;
    s->rep = rep;
    snprintf(s->entity, sizeof s->entity, "%s", entity);
    snprintf(s->metric, sizeof s->metric, "%s", metric);
    s->value = value;
}

static void add_run(struct caldb *c, const char *config, double salt,
                    struct written *w)
{
    static const double rates[] = {5.0, 12.5, 40.0};
    char err[512] = "";
    struct measured_run_meta m = {.model_id = NULL,
                                  .config = config,
                                  .created = "2024-05-01T10:00:00Z",
                                  .host = "testhost",
                                  .notes = "written by test_caldb",
                                  .plan = "name = \"plan\";\n"};

    memset(w, 0, sizeof *w);
    if (caldb_add_run(c, &m, &w->run_id, err, sizeof err) != SIM_OK)
        fail_msg("caldb_add_run: %s", err);
    assert_true(w->run_id > 0);
    for (int r = 0; r < 3; r++) {
        for (int rep = 0; rep < 2; rep++) {
            double v = salt + 1000.0 * rates[r] + rep + 0.25;
            sample_set(&w->s[w->ns++], rates[r], rep, "net:sink", "rx_packets",
                       v);
            sample_set(&w->s[w->ns++], rates[r], rep, "thread:vcpu0", "run_ns",
                       v * 1e4 + 0.5);
            sample_set(&w->s[w->ns++], rates[r], rep, "window", "seconds",
                       2.0 + 1e-9 * rep);
        }
        w->p[w->np].offered_kpps = rates[r];
        w->p[w->np].forwarded_kpps = rates[r] * 0.99 + salt * 1e-3;
        w->p[w->np].ci99_kpps = 0.0625 * (r + 1);
        w->p[w->np].reps = 2;
        w->np++;
    }
    /* written out of order: the reader sorts */
    for (int i = w->ns - 1; i >= 0; i--)
        if (caldb_add_sample(c, w->run_id, &w->s[i], err, sizeof err) != SIM_OK)
            fail_msg("caldb_add_sample: %s", err);
    for (int i = w->np - 1; i >= 0; i--)
        if (caldb_add_point(c, w->run_id, &w->p[i], err, sizeof err) != SIM_OK)
            fail_msg("caldb_add_point: %s", err);
}

static int cmp_sample(const void *a, const void *b)
{
    const struct measured_sample *x = a, *y = b;
    int c;

    if (x->offered_kpps != y->offered_kpps)
        return x->offered_kpps < y->offered_kpps ? -1 : 1;
    if (x->rep != y->rep)
        return x->rep < y->rep ? -1 : 1;
    if ((c = strcmp(x->entity, y->entity)) != 0)
        return c;
    return strcmp(x->metric, y->metric);
}

/* caldb_read_run of `config` gives exactly what `w` holds. */
static void assert_reads_back(const char *path, const char *config,
                              const struct written *w)
{
    struct measured_sample *s = NULL, want[64];
    struct measured_point *p = NULL;
    int ns = -1, np = -1;
    int64_t id = -1;
    char err[512] = "";

    if (caldb_read_run(path, config, &id, &s, &ns, &p, &np, err, sizeof err) !=
        SIM_OK)
        fail_msg("caldb_read_run: %s", err);
    assert_int_equal(id, w->run_id);
    assert_int_equal(ns, w->ns);
    assert_int_equal(np, w->np);
    memcpy(want, w->s, sizeof want);
    qsort(want, (size_t)w->ns, sizeof want[0], cmp_sample);
    for (int i = 0; i < ns; i++) {
        assert_true(s[i].offered_kpps == want[i].offered_kpps);
        assert_int_equal(s[i].rep, want[i].rep);
        assert_string_equal(s[i].entity, want[i].entity);
        assert_string_equal(s[i].metric, want[i].metric);
        if (s[i].value != want[i].value)
            fail_msg("sample %d: %.17g, wrote %.17g", i, s[i].value,
                     want[i].value);
    }
    for (int i = 0; i < np; i++) { /* written sorted by rate */
        assert_true(p[i].offered_kpps == w->p[i].offered_kpps);
        assert_true(p[i].forwarded_kpps == w->p[i].forwarded_kpps);
        assert_true(p[i].ci99_kpps == w->p[i].ci99_kpps);
        assert_int_equal(p[i].reps, w->p[i].reps);
    }
    free(s);
    free(p);
}

/* ---- schema ----------------------------------------------------------- */

static void test_new_file_gets_schema(void **state)
{
    static const char *const tables[] = {"cost_model", "cost", "measured_run",
                                         "measured_sample", "measured_point"};
    char path[512], sql[256];

    (void)state;
    fresh(path, sizeof path, "schema.db");
    commit_db(open_db(path));
    assert_int_equal(fixture_sql_int(path, "PRAGMA user_version"), 1);
    for (size_t i = 0; i < sizeof tables / sizeof tables[0]; i++) {
        snprintf(sql, sizeof sql,
                 "SELECT count(*) FROM sqlite_master WHERE "
                 "type = 'table' AND name = '%s'",
                 tables[i]);
        if (fixture_sql_int(path, sql) != 1)
            fail_msg("table %s missing", tables[i]);
    }
    /* opening it again keeps it as it is */
    commit_db(open_db(path));
    assert_int_equal(fixture_sql_int(path, "PRAGMA user_version"), 1);
    assert_int_equal(fixture_sql_int(path, "SELECT count(*) FROM measured_run"),
                     0);
}

static void test_newer_schema_refused(void **state)
{
    struct caldb *c = (struct caldb *)&sentinel; /* must be cleared */
    char path[512], err[512] = "";

    (void)state;
    fresh(path, sizeof path, "newer.db");
    assert_int_equal(fixture_sql(path, "PRAGMA user_version = 2"), SQLITE_OK);
    assert_int_equal(caldb_open(&c, path, err, sizeof err), SIM_EINPUT);
    assert_null(c);
    assert_non_null(strstr(err, path));
    assert_non_null(strstr(err, "newer"));
    /* and left untouched */
    assert_int_equal(fixture_sql_int(path, "PRAGMA user_version"), 2);
    assert_int_equal(
        fixture_sql_int(path, "SELECT count(*) FROM sqlite_master"), 0);
}

/* ---- measured runs ------------------------------------------------------ */

static void test_run_read_back(void **state)
{
    static struct written w;
    char path[512], buf[256];

    (void)state;
    fresh(path, sizeof path, "run.db");
    struct caldb *c = open_db(path);
    add_run(c, "shared-core", 0, &w);
    commit_db(c);
    assert_reads_back(path, "shared-core", &w);
    /* the run's own columns */
    assert_string_equal(query_text(path,
                                   "SELECT config || '|' || created "
                                   "|| '|' || host || '|' || notes || '|' "
                                   "|| plan FROM measured_run",
                                   buf, sizeof buf),
                        "shared-core|2024-05-01T10:00:00Z|testhost|written "
                        "by test_caldb|name = \"plan\";\n");
    assert_string_equal(
        query_text(path, "SELECT model_id FROM measured_run", buf, sizeof buf),
        "(null)");
}

static void test_newest_run_of_config(void **state)
{
    static struct written a, other, b;
    char path[512];

    (void)state;
    fresh(path, sizeof path, "two-runs.db");
    struct caldb *c = open_db(path);
    add_run(c, "shared-core", 0, &a);
    add_run(c, "split-core", 7, &other);
    commit_db(c);
    c = open_db(path); /* a later vsrcal run */
    add_run(c, "shared-core", 3, &b);
    commit_db(c);
    assert_true(b.run_id > a.run_id);
    assert_reads_back(path, "shared-core", &b);
    assert_reads_back(path, "split-core", &other);
}

static void test_abort_leaves_nothing(void **state)
{
    static struct written w, lost;
    char path[512];
    struct cost_row row = {"nic_irq", 1.0, 0.0, -1, "event", "irq", "test"};
    struct cost_model_meta m = {
        .id = "lost", .description = "d", .source = "vsrcal-fit"};
    char err[512] = "";

    (void)state;
    fresh(path, sizeof path, "abort.db");
    struct caldb *c = open_db(path);
    add_run(c, "shared-core", 0, &w);
    commit_db(c);

    c = open_db(path);
    add_run(c, "shared-core", 5, &lost);
    assert_int_equal(caldb_add_model(c, &m, &row, 1, err, sizeof err), SIM_OK);
    caldb_abort(c);
    assert_int_equal(fixture_sql_int(path, "SELECT count(*) FROM measured_run"),
                     1);
    assert_int_equal(
        fixture_sql_int(path, "SELECT count(*) FROM measured_sample"), w.ns);
    assert_int_equal(
        fixture_sql_int(path, "SELECT count(*) FROM measured_point"), w.np);
    assert_int_equal(fixture_sql_int(path, "SELECT count(*) FROM cost_model"),
                     0);
    assert_int_equal(fixture_sql_int(path, "SELECT count(*) FROM cost"), 0);
    assert_reads_back(path, "shared-core", &w);
}

static void test_failed_write_not_committed(void **state)
{
    char path[512], err[512] = "";
    struct measured_sample s;
    struct measured_run_meta m = {.config = "shared-core"};
    int64_t id;

    (void)state;
    fresh(path, sizeof path, "failed.db");
    commit_db(open_db(path));
    struct caldb *c = open_db(path);
    assert_int_equal(caldb_add_run(c, &m, &id, err, sizeof err), SIM_OK);
    /* a sample of a run that does not exist breaks the foreign key */
    sample_set(&s, 5, 0, "window", "seconds", 2);
    assert_int_equal(caldb_add_sample(c, id + 100, &s, err, sizeof err),
                     SIM_EIO);
    assert_non_null(strstr(err, path));
    err[0] = '\0';
    assert_int_equal(caldb_commit(c, err, sizeof err), SIM_EIO);
    assert_non_null(strstr(err, path));
    assert_int_equal(fixture_sql_int(path, "SELECT count(*) FROM measured_run"),
                     0);
}

static void test_unknown_config_refused(void **state)
{
    static struct written w;
    struct measured_sample *s = (struct measured_sample *)&sentinel;
    struct measured_point *p = (struct measured_point *)&sentinel;
    int ns = -1, np = -1;
    int64_t id = -1;
    char path[512], err[512] = "";

    (void)state;
    fresh(path, sizeof path, "unknown.db");
    struct caldb *c = open_db(path);
    add_run(c, "shared-core", 0, &w);
    commit_db(c);
    assert_int_equal(caldb_read_run(path, "no-such-curve", &id, &s, &ns, &p,
                                    &np, err, sizeof err),
                     SIM_EINPUT);
    assert_non_null(strstr(err, "'no-such-curve'"));
    assert_non_null(strstr(err, path));
    assert_null(s);
    assert_null(p);
    assert_int_equal(ns, 0);
    assert_int_equal(np, 0);
}

static void test_missing_file_read_refused(void **state)
{
    struct measured_sample *s;
    struct measured_point *p;
    int ns, np;
    int64_t id;
    char path[512], err[512] = "";

    (void)state;
    fresh(path, sizeof path, "absent.db");
    assert_int_not_equal(caldb_read_run(path, "shared-core", &id, &s, &ns, &p,
                                        &np, err, sizeof err),
                         SIM_OK);
    assert_non_null(strstr(err, path));
    assert_null(s);
    assert_null(p);
    /* reading does not create it */
    assert_int_equal(access(path, F_OK), -1);
}

/* ---- cost models ------------------------------------------------------- */

/* Every activity, mean 100 + 10 * i + `add`, cv 0.1 + i / 100. */
static void full_model(struct cost_row rows[COST_N], double add)
{
    for (int i = 0; i < COST_N; i++) {
        rows[i].activity = costmodel_name((enum cost_id)i);
        rows[i].mean_ns = 100.0 + 10.0 * i + add;
        rows[i].cv = 0.1 + i / 100.0;
        rows[i].stderr_ns = i % 2 ? -1 : 0.5 * i;
        rows[i].unit = costmodel_unit((enum cost_id)i);
        rows[i].charged_as = costmodel_charged_as((enum cost_id)i);
        rows[i].derivation = "test value";
    }
}

static void test_full_model_loadable(void **state)
{
    struct cost_row rows[COST_N];
    struct cost_model_meta m = {.id = "fitted",
                                .description = "all activities",
                                .host = "h",
                                .cpu_model = "cpu",
                                .cpu_mhz = 2400.0,
                                .kernel = "6.1",
                                .qemu = NULL,
                                .created = "2024-05-01T10:00:00Z",
                                .plan = "plan",
                                .source = "vsrcal-fit"};
    struct costmodel cm;
    char path[512], err[512] = "", buf[64];

    (void)state;
    fresh(path, sizeof path, "model.db");
    full_model(rows, 0);
    struct caldb *c = open_db(path);
    if (caldb_add_model(c, &m, rows, COST_N, err, sizeof err) != SIM_OK)
        fail_msg("caldb_add_model: %s", err);
    commit_db(c);
    if (store_load_costmodel(path, "fitted", &cm, err, sizeof err) != SIM_OK)
        fail_msg("store_load_costmodel: %s", err);
    assert_string_equal(cm.id, "fitted");
    for (int i = 0; i < COST_N; i++) {
        assert_true(cm.c[i].present);
        assert_true(cm.c[i].mean_ns == 100.0 + 10.0 * i);
        assert_true(cm.c[i].cv == 0.1 + i / 100.0);
    }
    /* an unknown standard error is NULL, a known one is kept */
    assert_int_equal(fixture_sql_int(path, "SELECT count(*) FROM cost WHERE "
                                           "stderr_ns IS NULL"),
                     COST_N / 2);
    assert_string_equal(query_text(path,
                                   "SELECT stderr_ns FROM cost WHERE "
                                   "activity = 'nic_rx_pkt'",
                                   buf, sizeof buf),
                        "1.0");
    assert_string_equal(
        query_text(path, "SELECT qemu FROM cost_model", buf, sizeof buf),
        "(null)");
    assert_string_equal(query_text(path,
                                   "SELECT cpu_mhz || ' ' || source "
                                   "FROM cost_model",
                                   buf, sizeof buf),
                        "2400.0 vsrcal-fit");
}

static void test_add_model_replaces(void **state)
{
    struct cost_row rows[COST_N];
    struct cost_model_meta m = {
        .id = "fitted", .description = "first", .source = "vsrcal-fit"};
    struct cost_model_meta keep = {
        .id = "kept", .description = "other", .source = "paper-calibration"};
    struct costmodel cm;
    char path[512], err[512] = "", buf[64];

    (void)state;
    fresh(path, sizeof path, "replace.db");
    full_model(rows, 0);
    struct caldb *c = open_db(path);
    assert_int_equal(caldb_add_model(c, &m, rows, COST_N, err, sizeof err),
                     SIM_OK);
    assert_int_equal(caldb_add_model(c, &keep, rows, COST_N, err, sizeof err),
                     SIM_OK);
    commit_db(c);

    /* the same id again, later, with other values and fewer rows */
    full_model(rows, 5000);
    m.description = "second";
    c = open_db(path);
    assert_int_equal(caldb_add_model(c, &m, rows, 3, err, sizeof err), SIM_OK);
    commit_db(c);
    assert_int_equal(fixture_sql_int(path,
                                     "SELECT count(*) FROM cost_model WHERE "
                                     "id = 'fitted'"),
                     1);
    assert_string_equal(query_text(path,
                                   "SELECT description FROM cost_model "
                                   "WHERE id = 'fitted'",
                                   buf, sizeof buf),
                        "second");
    assert_int_equal(fixture_sql_int(path, "SELECT count(*) FROM cost WHERE "
                                           "model_id = 'fitted'"),
                     3);
    assert_int_equal(fixture_sql_int(path, "SELECT mean_ns FROM cost WHERE "
                                           "model_id = 'fitted' AND activity = "
                                           "'nic_irq'"),
                     5100);
    /* the other model is untouched */
    assert_int_equal(fixture_sql_int(path, "SELECT count(*) FROM cost WHERE "
                                           "model_id = 'kept'"),
                     COST_N);
    assert_int_equal(store_load_costmodel(path, "kept", &cm, err, sizeof err),
                     SIM_OK);
    /* and the replaced one, now incomplete, is refused by the simulator */
    assert_int_equal(store_load_costmodel(path, "fitted", &cm, err, sizeof err),
                     SIM_EINPUT);
    assert_non_null(strstr(err, "lacks activity"));
}

static void test_existing_costs_db_kept(void **state)
{
    static struct written w;
    char from[512], path[512], err[512] = "";
    struct costmodel before, after;

    (void)state;
    snprintf(from, sizeof from, "%s/data/costs.db", fixture_srcdir());
    fresh(path, sizeof path, "costs-copy.db");
    if (copy_file(from, path) != 0)
        fail_msg("%s: cannot copy (run `make data/costs.db`; set "
                 "VSRSIM_SRCDIR?)",
                 from);
    if (store_load_costmodel(path, "e5-1620-paper", &before, err, sizeof err) !=
        SIM_OK)
        fail_msg("%s", err);
    struct caldb *c = open_db(path);
    add_run(c, "shared-core", 0, &w);
    commit_db(c);
    assert_int_equal(
        store_load_costmodel(path, "e5-1620-paper", &after, err, sizeof err),
        SIM_OK);
    assert_memory_equal(&before, &after, sizeof before);
    assert_reads_back(path, "shared-core", &w);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_new_file_gets_schema),
        cmocka_unit_test(test_newer_schema_refused),
        cmocka_unit_test(test_run_read_back),
        cmocka_unit_test(test_newest_run_of_config),
        cmocka_unit_test(test_abort_leaves_nothing),
        cmocka_unit_test(test_failed_write_not_committed),
        cmocka_unit_test(test_unknown_config_refused),
        cmocka_unit_test(test_missing_file_read_refused),
        cmocka_unit_test(test_full_model_loadable),
        cmocka_unit_test(test_add_model_replaces),
        cmocka_unit_test(test_existing_costs_db_kept),
    };

    return cmocka_run_group_tests(tests, group_setup, fixture_teardown);
}
