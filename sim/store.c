/*
 * store.c - cost models in from SQLite, run results out to SQLite.
 *
 * This is the only file of the simulator that calls SQLite, so that the
 * database contracts live in one place:
 *
 * - Cost models are read from a database in the schema of data/schema.sql,
 *   which documents it. The file is opened read-only and every query takes
 *   bound parameters, so a cost model can come from anywhere without being
 *   able to change anything or inject SQL.
 *
 * - Results are written in OMNeT++'s SQLite result-file schema, so that
 *   OMNeT++'s result tools (scavetool, the IDE's analysis tool; their
 *   reader is src/scave/sqliteresultfileloader.cc) read them. The tables
 *   follow OMNeT++ 6.x (src/common/sqliteresultfileschema.cc of
 *   omnetpp/omnetpp, commit 522f6ffd) column for column; the two tables
 *   that OMNeT++ 5.x used instead of their 6.x successors, runParam
 *   (now runConfig) and histBin (now histogramBin), are written as well so
 *   that readers of either version find the run configuration and the
 *   histogram. The rows are written the way OMNeT++'s own writer
 *   (src/common/sqlitescalarfilewriter.cc) writes them: simtimeExp is the
 *   exponent of the time unit, a histogram starts with an underflow bin at
 *   -inf and ends with an overflow bin at the upper edge of its last bin,
 *   NaN is stored as NULL.
 *
 * - A results file must be byte-identical for identical runs, so that a
 *   sweep can be checked by comparing files. Hence no wall-clock time is
 *   written anywhere (OMNeT++'s "datetime" run attribute is left out), and
 *   row order depends only on the order of store_add_run() calls.
 *
 * - Writes are transactions in WAL mode: everything between store_open()
 *   and store_checkpoint() or store_commit() is one. Once a write has
 *   failed the store refuses to commit, so a sweep that fails or is killed
 *   part-way leaves the file as it was at its last checkpoint. A run is
 *   replaced by a later run of the same name; its result record (table
 *   vsrsimRun) lets a later sweep take it instead of simulating it.
 */
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "err.h"
#include "store.h"

/* The cost-model schema version this program reads (data/schema.sql). */
#define SCHEMA_VERSION 1

/* How long to wait for another process's lock before giving up. */
#define BUSY_TIMEOUT_MS 5000

/* time unit of the results: nanoseconds, as 10^-9 s (run.simtimeExp) */
#define SIMTIME_EXP (-9)

#if defined(__GNUC__)
#define PRINTF_LIKE(f, a) __attribute__((format(printf, f, a)))
#else
#define PRINTF_LIKE(f, a)
#endif

PRINTF_LIKE(3, 4)
static void set_err(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;

    if (err == NULL || errlen == 0)
        return;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

/* ------------------------------------------------------------------------
 * Cost models
 * ------------------------------------------------------------------------ */

/* An SQLite failure while reading a cost-model file: SIM_EINPUT when the
 * file is not a usable database, SIM_EIO for anything else (locks, I/O). */
static int read_failure(sqlite3 *db, int rc, const char *path, char *err,
                        size_t errlen)
{
    int primary = rc & 0xff;

    if (primary == SQLITE_NOTADB || primary == SQLITE_CORRUPT) {
        set_err(err, errlen, "%s: not a vsrsim cost-model database (%s)",
                path, sqlite3_errmsg(db));
        return SIM_EINPUT;
    }
    set_err(err, errlen, "%s: cannot read cost-model database: %s", path,
            sqlite3_errmsg(db));
    return SIM_EIO;
}

/* Run a query that yields one integer (0 when it yields no row) into *out.
 * `text`, when not NULL, is bound to the query's only parameter. */
static int query_int(sqlite3 *db, const char *sql, const char *text,
                     int64_t *out)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);

    if (rc == SQLITE_OK && text != NULL)
        rc = sqlite3_bind_text(st, 1, text, -1, SQLITE_STATIC);
    if (rc == SQLITE_OK) {
        rc = sqlite3_step(st);
        if (rc == SQLITE_ROW) {
            *out = sqlite3_column_int64(st, 0);
            rc = SQLITE_OK;
        } else if (rc == SQLITE_DONE) {
            *out = 0;
            rc = SQLITE_OK;
        }
    }
    sqlite3_finalize(st);
    return rc;
}

/* Check the version and tables of an open cost-model database. */
static int check_costmodel_schema(sqlite3 *db, const char *path, char *err,
                                  size_t errlen)
{
    static const char *const tables[] = { "cost", "cost_model" };
    int64_t v;
    int rc = query_int(db, "PRAGMA user_version", NULL, &v);

    if (rc != SQLITE_OK)
        return read_failure(db, rc, path, err, errlen);
    if (v > SCHEMA_VERSION) {
        set_err(err, errlen,
                "%s: schema version %" PRId64 " is newer than this vsrsim "
                "understands (%d)", path, v, SCHEMA_VERSION);
        return SIM_EINPUT;
    }
    for (size_t i = 0; i < sizeof tables / sizeof tables[0]; i++) {
        rc = query_int(db, "SELECT count(*) FROM sqlite_master "
                       "WHERE type = 'table' AND name = ?", tables[i], &v);
        if (rc != SQLITE_OK)
            return read_failure(db, rc, path, err, errlen);
        if (v == 0) {
            set_err(err, errlen,
                    "%s: not a vsrsim cost-model database (no table %s)",
                    path, tables[i]);
            return SIM_EINPUT;
        }
    }
    return SIM_OK;
}

/* Read the cost rows of `model_id` into `cm`; unknown activities are
 * skipped, a present activity with an unusable value is an error. */
static int read_costs(sqlite3 *db, const char *path, const char *model_id,
                      struct costmodel *cm, char *err, size_t errlen)
{
    sqlite3_stmt *st = NULL;
    int ret = SIM_OK;
    int rc = sqlite3_prepare_v2(db,
                                "SELECT activity, mean_ns, cv FROM cost "
                                "WHERE model_id = ?", -1, &st, NULL);

    if (rc == SQLITE_OK)
        rc = sqlite3_bind_text(st, 1, model_id, -1, SQLITE_STATIC);
    while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *name = (const char *)sqlite3_column_text(st, 0);
        int id = name ? costmodel_lookup(name) : -1;
        double v[2];

        rc = SQLITE_OK;
        if (id < 0)
            continue;
        for (int c = 0; c < 2; c++) {
            int t = sqlite3_column_type(st, 1 + c);

            v[c] = sqlite3_column_double(st, 1 + c);
            if ((t != SQLITE_INTEGER && t != SQLITE_FLOAT) || !isfinite(v[c])
                || v[c] < 0) {
                set_err(err, errlen,
                        "%s: cost model '%s', activity '%s': %s must be a "
                        "finite number >= 0", path, model_id, name,
                        c == 0 ? "mean_ns" : "cv");
                ret = SIM_EINPUT;
                break;
            }
        }
        if (ret != SIM_OK)
            break;
        cm->c[id].mean_ns = v[0];
        cm->c[id].cv = v[1];
        cm->c[id].present = 1;
    }
    if (ret == SIM_OK && rc != SQLITE_DONE)
        ret = read_failure(db, rc, path, err, errlen);
    sqlite3_finalize(st);
    return ret;
}

int store_load_costmodel(const char *db_path, const char *model_id,
                         struct costmodel *cm, char *err, size_t errlen)
{
    struct costmodel tmp;
    sqlite3 *db = NULL;
    int64_t n;
    int rc, ret;

    if (strlen(model_id) >= sizeof tmp.id) {
        set_err(err, errlen, "%s: cost model id '%s' is too long (max %zu)",
                db_path, model_id, sizeof tmp.id - 1);
        return SIM_EINPUT;
    }
    rc = sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READONLY, NULL);
    if (rc != SQLITE_OK) {
        set_err(err, errlen, "%s: cannot open cost-model database: %s",
                db_path, db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
        sqlite3_close(db);
        return SIM_EIO;
    }
    sqlite3_busy_timeout(db, BUSY_TIMEOUT_MS);

    ret = check_costmodel_schema(db, db_path, err, errlen);
    if (ret != SIM_OK)
        goto out;
    rc = query_int(db, "SELECT count(*) FROM cost_model WHERE id = ?",
                   model_id, &n);
    if (rc != SQLITE_OK) {
        ret = read_failure(db, rc, db_path, err, errlen);
        goto out;
    }
    if (n == 0) {
        set_err(err, errlen, "%s: no cost model '%s'", db_path, model_id);
        ret = SIM_EINPUT;
        goto out;
    }

    memset(&tmp, 0, sizeof tmp);
    memcpy(tmp.id, model_id, strlen(model_id) + 1);
    ret = read_costs(db, db_path, model_id, &tmp, err, errlen);
    if (ret != SIM_OK)
        goto out;
    for (int i = 0; i < COST_N; i++) {
        if (!tmp.c[i].present && costmodel_optional((enum cost_id)i))
            continue; /* costs nothing: mean_ns 0 */
        if (!tmp.c[i].present) {
            set_err(err, errlen, "%s: cost model '%s' lacks activity '%s'",
                    db_path, model_id, costmodel_name((enum cost_id)i));
            ret = SIM_EINPUT;
            goto out;
        }
    }
    *cm = tmp;
out:
    sqlite3_close(db);
    return ret;
}

/* ------------------------------------------------------------------------
 * Results
 * ------------------------------------------------------------------------ */

/* The OMNeT++ 6.x result-file schema (see the top of this file), then the
 * OMNeT++ 5.x tables runParam and histBin, then the one index OMNeT++
 * creates (on vectorData; vsrsim writes no vectors, but the tables and the
 * index exist so that the file is a complete OMNeT++ result file). */
static const char *const results_ddl[] = {
    "CREATE TABLE IF NOT EXISTS run ("
    " runId INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,"
    " runName TEXT NOT NULL,"
    " simtimeExp INTEGER NOT NULL)",

    "CREATE TABLE IF NOT EXISTS runAttr ("
    " runId INTEGER NOT NULL REFERENCES run(runId) ON DELETE CASCADE,"
    " attrName TEXT NOT NULL,"
    " attrValue TEXT NOT NULL)",

    "CREATE TABLE IF NOT EXISTS runItervar ("
    " runId INTEGER NOT NULL REFERENCES run(runId) ON DELETE CASCADE,"
    " itervarName TEXT NOT NULL,"
    " itervarValue TEXT NOT NULL)",

    "CREATE TABLE IF NOT EXISTS runConfig ("
    " runId INTEGER NOT NULL REFERENCES run(runId) ON DELETE CASCADE,"
    " configKey TEXT NOT NULL,"
    " configValue TEXT NOT NULL,"
    " configOrder INTEGER NOT NULL)",

    "CREATE TABLE IF NOT EXISTS scalar ("
    " scalarId INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,"
    " runId INTEGER NOT NULL REFERENCES run(runId) ON DELETE CASCADE,"
    " moduleName TEXT NOT NULL,"
    " scalarName TEXT NOT NULL,"
    " scalarValue REAL)",

    "CREATE TABLE IF NOT EXISTS scalarAttr ("
    " scalarId INTEGER NOT NULL REFERENCES scalar(scalarId)"
    " ON DELETE CASCADE,"
    " attrName TEXT NOT NULL,"
    " attrValue TEXT NOT NULL)",

    "CREATE TABLE IF NOT EXISTS parameter ("
    " paramId INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,"
    " runId INTEGER NOT NULL REFERENCES run(runId) ON DELETE CASCADE,"
    " moduleName TEXT NOT NULL,"
    " paramName TEXT NOT NULL,"
    " paramValue TEXT NOT NULL)",

    "CREATE TABLE IF NOT EXISTS paramAttr ("
    " paramId INTEGER NOT NULL REFERENCES parameter(paramId)"
    " ON DELETE CASCADE,"
    " attrName TEXT NOT NULL,"
    " attrValue TEXT NOT NULL)",

    "CREATE TABLE IF NOT EXISTS statistic ("
    " statId INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,"
    " runId INTEGER NOT NULL REFERENCES run(runId) ON DELETE CASCADE,"
    " moduleName TEXT NOT NULL,"
    " statName TEXT NOT NULL,"
    " isHistogram INTEGER NOT NULL,"
    " isWeighted INTEGER NOT NULL,"
    " statCount INTEGER NOT NULL,"
    " statMean REAL,"
    " statStddev REAL,"
    " statSum REAL,"
    " statSqrsum REAL,"
    " statMin REAL,"
    " statMax REAL,"
    " statWeights REAL,"
    " statWeightedSum REAL,"
    " statSqrSumWeights REAL,"
    " statWeightedSqrSum REAL)",

    "CREATE TABLE IF NOT EXISTS statisticAttr ("
    " statId INTEGER NOT NULL REFERENCES statistic(statId)"
    " ON DELETE CASCADE,"
    " attrName TEXT NOT NULL,"
    " attrValue TEXT NOT NULL)",

    "CREATE TABLE IF NOT EXISTS histogramBin ("
    " statId INTEGER NOT NULL REFERENCES statistic(statId)"
    " ON DELETE CASCADE,"
    " lowerEdge REAL NOT NULL,"
    " binValue REAL NOT NULL)",

    "CREATE TABLE IF NOT EXISTS vector ("
    " vectorId INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,"
    " runId INTEGER NOT NULL REFERENCES run(runId) ON DELETE CASCADE,"
    " moduleName TEXT NOT NULL,"
    " vectorName TEXT NOT NULL,"
    " vectorCount INTEGER,"
    " vectorMin REAL,"
    " vectorMax REAL,"
    " vectorSum REAL,"
    " vectorSumSqr REAL,"
    " startEventNum INTEGER,"
    " endEventNum INTEGER,"
    " startSimtimeRaw INTEGER,"
    " endSimtimeRaw INTEGER)",

    "CREATE TABLE IF NOT EXISTS vectorAttr ("
    " vectorId INTEGER NOT NULL REFERENCES vector(vectorId)"
    " ON DELETE CASCADE,"
    " attrName TEXT NOT NULL,"
    " attrValue TEXT NOT NULL)",

    "CREATE TABLE IF NOT EXISTS vectorData ("
    " vectorId INTEGER NOT NULL REFERENCES vector(vectorId)"
    " ON DELETE CASCADE,"
    " eventNumber INTEGER NOT NULL,"
    " simtimeRaw INTEGER NOT NULL,"
    " value REAL)",

    /* OMNeT++ 5.x: the run configuration, as 6.x runConfig. */
    "CREATE TABLE IF NOT EXISTS runParam ("
    " runId INTEGER NOT NULL REFERENCES run(runId) ON DELETE CASCADE,"
    " paramKey TEXT NOT NULL,"
    " paramValue TEXT NOT NULL,"
    " paramOrder INTEGER NOT NULL)",

    /* OMNeT++ 5.x: histogram bins, as 6.x histogramBin. */
    "CREATE TABLE IF NOT EXISTS histBin ("
    " statId INTEGER NOT NULL REFERENCES statistic(statId)"
    " ON DELETE CASCADE,"
    " baseValue NUMERIC NOT NULL,"
    " cellValue INTEGER NOT NULL)",

    "CREATE INDEX IF NOT EXISTS vectorData_idx ON vectorData (vectorId)",

    /* runs are looked up by name when replaced or resumed */
    "CREATE INDEX IF NOT EXISTS vsrsim_run_name ON run (runName)",

    /* vsrsim's own: the run's result record, so that a later sweep can
     * take the run instead of simulating it again (--resume, merge). */
    "CREATE TABLE IF NOT EXISTS vsrsimRun ("
    " runId INTEGER PRIMARY KEY NOT NULL REFERENCES run(runId)"
    " ON DELETE CASCADE,"
    " runKey TEXT NOT NULL,"
    " runNumber INTEGER NOT NULL,"
    " record BLOB NOT NULL)",
};

/* The statements store_add_run() uses, prepared once per store. */
enum stmt_id {
    ST_RUN_DELETE,
    ST_RUN,
    ST_RUN_ATTR,
    ST_RUN_ITERVAR,
    ST_RUN_CONFIG,
    ST_RUN_PARAM,
    ST_SCALAR,
    ST_STATISTIC,
    ST_STAT_ATTR,
    ST_HIST_BIN,
    ST_HIST_BIN_5,
    ST_RECORD,
    ST_RECORD_FIND,
    ST_RUN_ID,
    ST_SCALAR_DELETE,
    ST_N
};

static const char *const stmt_sql[ST_N] = {
    /* every table refers to run with ON DELETE CASCADE */
    [ST_RUN_DELETE] = "DELETE FROM run WHERE runName = ?",
    [ST_RUN] = "INSERT INTO run (runName, simtimeExp) VALUES (?, ?)",
    [ST_RUN_ATTR] = "INSERT INTO runAttr (runId, attrName, attrValue) "
                    "VALUES (?, ?, ?)",
    [ST_RUN_ITERVAR] = "INSERT INTO runItervar "
                       "(runId, itervarName, itervarValue) VALUES (?, ?, ?)",
    [ST_RUN_CONFIG] = "INSERT INTO runConfig "
                      "(runId, configKey, configValue, configOrder) "
                      "VALUES (?, ?, ?, ?)",
    [ST_RUN_PARAM] = "INSERT INTO runParam "
                     "(runId, paramKey, paramValue, paramOrder) "
                     "VALUES (?, ?, ?, ?)",
    [ST_SCALAR] = "INSERT INTO scalar "
                  "(runId, moduleName, scalarName, scalarValue) "
                  "VALUES (?, ?, ?, ?)",
    [ST_STATISTIC] = "INSERT INTO statistic (runId, moduleName, statName, "
                     "isHistogram, isWeighted, statCount, statMean, "
                     "statStddev, statSum, statSqrsum, statMin, statMax) "
                     "VALUES (?, ?, ?, 1, 0, ?, ?, ?, ?, ?, ?, ?)",
    [ST_STAT_ATTR] = "INSERT INTO statisticAttr (statId, attrName, "
                     "attrValue) VALUES (?, ?, ?)",
    [ST_HIST_BIN] = "INSERT INTO histogramBin (statId, lowerEdge, binValue) "
                    "VALUES (?, ?, ?)",
    [ST_HIST_BIN_5] = "INSERT INTO histBin (statId, baseValue, cellValue) "
                      "VALUES (?, ?, ?)",
    [ST_RECORD] = "INSERT INTO vsrsimRun (runId, runKey, runNumber, record) "
                  "VALUES (?, ?, ?, ?)",
    [ST_RECORD_FIND] = "SELECT v.record FROM run r JOIN vsrsimRun v "
                       "ON v.runId = r.runId "
                       "WHERE r.runName = ? AND v.runKey = ?",
    [ST_RUN_ID] = "SELECT runId FROM run WHERE runName = ?",
    [ST_SCALAR_DELETE] = "DELETE FROM scalar WHERE runId = ? AND "
                         "moduleName = ? AND scalarName = ?",
};

struct store {
    sqlite3 *db;
    char *path;
    int failed; /* a write failed: the transaction must not be committed */
    sqlite3_stmt *st[ST_N];
};

int store_checkpoint(struct store *s, char *err, size_t errlen);

/* Finalize everything, close the database and free `s`. Does not end the
 * transaction: callers commit or roll back first. */
static void store_free(struct store *s)
{
    for (int i = 0; i < ST_N; i++)
        sqlite3_finalize(s->st[i]);
    sqlite3_close(s->db);
    free(s->path);
    free(s);
}

static void rollback(struct store *s)
{
    if (s->db != NULL && !sqlite3_get_autocommit(s->db))
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
}

/* Record a failed SQLite call: message "PATH: WHAT: sqlite's reason". */
static int db_fail(struct store *s, const char *what, char *err,
                   size_t errlen)
{
    s->failed = 1;
    set_err(err, errlen, "%s: %s: %s", s->path, what, sqlite3_errmsg(s->db));
    return SIM_EIO;
}

static int exec_sql(struct store *s, const char *sql, const char *what,
                    char *err, size_t errlen)
{
    if (sqlite3_exec(s->db, sql, NULL, NULL, NULL) != SQLITE_OK)
        return db_fail(s, what, err, errlen);
    return SIM_OK;
}

/* Remove a database file that this store created, and its companions. */
static void remove_db_files(const char *path)
{
    static const char *const side[] = {"", "-wal", "-shm", "-journal"};
    char name[PATH_MAX];
    for (size_t i = 0; i < sizeof side / sizeof side[0]; i++) {
        snprintf(name, sizeof name, "%s%s", path, side[i]);
        unlink(name);
    }
}

int store_open(struct store **out, const char *path, char *err,
               size_t errlen)
{
    struct store *s = xcalloc(1, sizeof *s);
    int rc, existed = access(path, F_OK) == 0;

    *out = NULL;
    s->path = xstrdup(path);
    rc = sqlite3_open_v2(path, &s->db,
                         SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
    if (rc != SQLITE_OK) {
        set_err(err, errlen, "%s: cannot open results database: %s", path,
                s->db ? sqlite3_errmsg(s->db) : sqlite3_errstr(rc));
        store_free(s);
        return SIM_EIO;
    }
    sqlite3_busy_timeout(s->db, BUSY_TIMEOUT_MS);

    /* Pragmas cannot run inside a transaction. In WAL mode a committed
     * transaction survives the process being killed at any moment, and
     * SQLite removes the -wal and -shm files when the last connection
     * closes. */
    if (exec_sql(s, "PRAGMA foreign_keys = ON; PRAGMA journal_mode = WAL; "
                    "PRAGMA synchronous = NORMAL",
                 "cannot use results database", err, errlen) != SIM_OK
        || exec_sql(s, "BEGIN IMMEDIATE", "cannot start transaction", err,
                    errlen) != SIM_OK)
        goto fail;
    for (size_t i = 0; i < sizeof results_ddl / sizeof results_ddl[0]; i++)
        if (exec_sql(s, results_ddl[i], "cannot create result tables", err,
                     errlen) != SIM_OK)
            goto fail;
    /* The tables are committed at once: the file is a valid results file
     * from now on, whatever becomes of the runs written next. */
    if (!s->failed && store_checkpoint(s, err, errlen) != SIM_OK)
        goto fail;
    for (int i = 0; i < ST_N; i++) {
        if (sqlite3_prepare_v2(s->db, stmt_sql[i], -1, &s->st[i], NULL)
            != SQLITE_OK) {
            db_fail(s, "cannot prepare statement (not an OMNeT++ result "
                    "file?)", err, errlen);
            goto fail;
        }
    }
    *out = s;
    return SIM_OK;
fail:
    rollback(s);
    store_free(s);
    if (!existed) /* leave nothing behind */
        remove_db_files(path);
    return SIM_EIO;
}

/* Binding helpers. Each does nothing once *rc reports an earlier failure,
 * so a statement's bindings can be written as a plain sequence and checked
 * once by step(). Text is bound SQLITE_STATIC: it must outlive step(). */
static void bind_int(sqlite3_stmt *st, int i, int64_t v, int *rc)
{
    if (*rc == SQLITE_OK)
        *rc = sqlite3_bind_int64(st, i, v);
}

/* NaN is bound as NULL, which is what SQLite would store anyway. */
static void bind_real(sqlite3_stmt *st, int i, double v, int *rc)
{
    if (*rc == SQLITE_OK)
        *rc = isnan(v) ? sqlite3_bind_null(st, i)
                       : sqlite3_bind_double(st, i, v);
}

static void bind_text(sqlite3_stmt *st, int i, const char *v, int *rc)
{
    if (*rc == SQLITE_OK)
        *rc = sqlite3_bind_text(st, i, v, -1, SQLITE_STATIC);
}

/* Execute statement `id` after its bindings (their status in `rc`) and make
 * it ready for reuse. With `row` not NULL the statement must yield a row,
 * whose first column goes to *row. */
static int step(struct store *s, enum stmt_id id, int rc, int64_t *row,
                const char *what, char *err, size_t errlen)
{
    sqlite3_stmt *st = s->st[id];
    int ret = SIM_OK;

    if (rc == SQLITE_OK) {
        rc = sqlite3_step(st);
        if (row != NULL && rc == SQLITE_ROW) {
            *row = sqlite3_column_int64(st, 0);
            rc = SQLITE_DONE;
        }
    }
    if (rc != SQLITE_DONE)
        ret = db_fail(s, what, err, errlen);
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return ret;
}

/* Shortest decimal text that reads back as exactly `v`, so attribute text
 * is both readable and exact. */
static void fmt_double(char *buf, size_t n, double v)
{
    for (int prec = 1; prec <= 17; prec++) {
        snprintf(buf, n, "%.*g", prec, v);
        if (strtod(buf, NULL) == v)
            return;
    }
}

/* Per measured nanosecond, scaled; NaN when the window is empty. */
static double per_ns(double x, int64_t ns, double scale)
{
    return ns > 0 ? x * scale / (double)ns : NAN;
}

static int add_run_attr(struct store *s, int64_t run_id, const char *name,
                        const char *value, char *err, size_t errlen)
{
    sqlite3_stmt *st = s->st[ST_RUN_ATTR];
    int rc = SQLITE_OK;

    if (value == NULL) /* optional metadata that the caller did not have */
        return SIM_OK;
    bind_int(st, 1, run_id, &rc);
    bind_text(st, 2, name, &rc);
    bind_text(st, 3, value, &rc);
    return step(s, ST_RUN_ATTR, rc, NULL, "cannot write run attribute", err,
                errlen);
}

static int add_scalar(struct store *s, int64_t run_id, const char *module,
                      const char *name, double value, char *err,
                      size_t errlen)
{
    sqlite3_stmt *st = s->st[ST_SCALAR];
    int rc = SQLITE_OK;

    bind_int(st, 1, run_id, &rc);
    bind_text(st, 2, module, &rc);
    bind_text(st, 3, name, &rc);
    bind_real(st, 4, value, &rc);
    return step(s, ST_SCALAR, rc, NULL, "cannot write scalar", err, errlen);
}

/* The run row's attributes: OMNeT++'s standard ones (configname,
 * runnumber, experiment, measurement, replication, repetition,
 * iterationvars, seedset) as a curve sweep maps onto them, then vsrsim's
 * own provenance. `runnumber` is the run's number in its sweep (as
 * `vsrsim list` prints it), the same whichever subset of the sweep wrote
 * it. */
static int add_run_attrs(struct store *s, int64_t run_id, int64_t runnumber,
                         const struct run_meta *m, char *err, size_t errlen)
{
    char rate[32], itervars[48], repl[24], num[8][24];
    const char *attr[][2] = {
        { "configname", m->curve },
        { "runnumber", num[0] },
        { "experiment", m->curve },
        { "measurement", itervars },
        { "replication", repl },
        { "repetition", num[1] },
        { "iterationvars", itervars },
        { "seedset", num[2] },
        { "scenario", m->scenario_path },
        { "scenario_hash", m->scenario_hash },
        { "scenario_text", m->scenario_text },
        { "costmodel", m->costmodel_id },
        { "version", m->version },
        { "offered_kpps", rate },
        { "warmup_ns", num[3] },
        { "measured_ns", num[4] },
        { "base_seed", num[5] },
        { "curve_index", num[6] },
        { "rate_index", num[7] },
    };
    int ret = SIM_OK;

    fmt_double(rate, sizeof rate, m->offered_kpps);
    snprintf(itervars, sizeof itervars, "$offered_kpps=%s", rate);
    snprintf(repl, sizeof repl, "#%d", m->rep);
    snprintf(num[0], sizeof num[0], "%" PRId64, runnumber);
    snprintf(num[1], sizeof num[1], "%d", m->rep);
    snprintf(num[2], sizeof num[2], "%" PRIu64, m->seed);
    snprintf(num[3], sizeof num[3], "%" PRId64, m->warmup_ns);
    snprintf(num[4], sizeof num[4], "%" PRId64, m->measured_ns);
    snprintf(num[5], sizeof num[5], "%" PRIu64, m->base_seed);
    snprintf(num[6], sizeof num[6], "%d", m->curve_index);
    snprintf(num[7], sizeof num[7], "%d", m->rate_index);

    for (size_t i = 0; ret == SIM_OK && i < sizeof attr / sizeof attr[0];
         i++)
        ret = add_run_attr(s, run_id, attr[i][0], attr[i][1], err, errlen);
    if (ret == SIM_OK) {
        sqlite3_stmt *st = s->st[ST_RUN_ITERVAR];
        int rc = SQLITE_OK;

        bind_int(st, 1, run_id, &rc);
        bind_text(st, 2, "offered_kpps", &rc);
        bind_text(st, 3, rate, &rc);
        ret = step(s, ST_RUN_ITERVAR, rc, NULL,
                   "cannot write iteration variable", err, errlen);
    }
    return ret;
}

/* The run's parameters, in order, as 6.x runConfig and 5.x runParam. */
static int add_run_params(struct store *s, int64_t run_id,
                          const struct run_meta *m, char *err, size_t errlen)
{
    static const enum stmt_id ids[] = { ST_RUN_CONFIG, ST_RUN_PARAM };

    for (int i = 0; i < m->nparams; i++) {
        for (int k = 0; k < 2; k++) {
            sqlite3_stmt *st = s->st[ids[k]];
            int rc = SQLITE_OK;

            bind_int(st, 1, run_id, &rc);
            bind_text(st, 2, m->param_key[i], &rc);
            bind_text(st, 3, m->param_value[i], &rc);
            bind_int(st, 4, i, &rc);
            if (step(s, ids[k], rc, NULL, "cannot write run parameter", err,
                     errlen) != SIM_OK)
                return SIM_EIO;
        }
    }
    return SIM_OK;
}

/* Scalars: totals of the run under "vsr", then per core, thread and
 * queue. Fractions are of the measured window; rates are in kpps. */
static int add_scalars(struct store *s, int64_t run_id,
                       const struct run_meta *m,
                       const struct stats_layout *lay,
                       const struct run_result *r, char *err, size_t errlen)
{
    static const char *const class_name[CPU_NCLASS] = {
        [CPU_IRQ] = "irq", [CPU_SYS] = "sys", [CPU_GUEST] = "guest",
    };
    const int64_t ns = r->measured_ns;
    char mod[16 + STATS_NAME_LEN];
    int ret;

    ret = add_scalar(s, run_id, "vsr", "offered_kpps", m->offered_kpps, err,
                     errlen);
    if (ret == SIM_OK)
        ret = add_scalar(s, run_id, "vsr", "forwarded_kpps",
                         per_ns((double)r->forwarded_pkts, ns, 1e6), err,
                         errlen);
    if (ret == SIM_OK)
        ret = add_scalar(s, run_id, "vsr", "events", (double)r->events, err,
                         errlen);
    for (int i = 0; ret == SIM_OK && i < m->nscalars; i++)
        ret = add_scalar(s, run_id, "vsr", m->scalar_name[i],
                         m->scalar_value[i], err, errlen);

    for (int c = 0; ret == SIM_OK && c < lay->ncores; c++) {
        int64_t busy = 0;

        snprintf(mod, sizeof mod, "core[%d]", c);
        for (int k = 0; k < CPU_NCLASS; k++)
            busy += r->core_ns[c][k];
        ret = add_scalar(s, run_id, mod, "busy", per_ns((double)busy, ns, 1),
                         err, errlen);
        for (int k = 0; ret == SIM_OK && k < CPU_NCLASS; k++)
            ret = add_scalar(s, run_id, mod, class_name[k],
                             per_ns((double)r->core_ns[c][k], ns, 1), err,
                             errlen);
    }
    for (int t = 0; ret == SIM_OK && t < lay->nthreads; t++) {
        snprintf(mod, sizeof mod, "thread.%.*s", STATS_NAME_LEN,
                 lay->thread_name[t]);
        ret = add_scalar(s, run_id, mod, "busy",
                         per_ns((double)r->thread_ns[t], ns, 1), err, errlen);
        if (ret == SIM_OK)
            ret = add_scalar(s, run_id, mod, "migrations",
                             (double)r->thread_migrations[t], err, errlen);
        if (ret == SIM_OK)
            ret = add_scalar(s, run_id, mod, "slices",
                             (double)r->thread_slices[t], err, errlen);
        if (ret == SIM_OK)
            ret = add_scalar(s, run_id, mod, "preempted",
                             (double)r->thread_preempted[t], err, errlen);
    }
    for (int q = 0; ret == SIM_OK && q < lay->nqueues; q++) {
        snprintf(mod, sizeof mod, "queue.%.*s", STATS_NAME_LEN,
                 lay->queue_name[q]);
        ret = add_scalar(s, run_id, mod, "drops", (double)r->drops[q], err,
                         errlen);
        if (ret == SIM_OK)
            ret = add_scalar(s, run_id, mod, "drops_kpps",
                             per_ns((double)r->drops[q], ns, 1e6), err,
                             errlen);
    }
    return ret;
}

static int add_bin(struct store *s, int64_t stat_id, double lower_edge,
                   uint64_t count, char *err, size_t errlen)
{
    sqlite3_stmt *st = s->st[ST_HIST_BIN];
    int rc = SQLITE_OK;

    bind_int(st, 1, stat_id, &rc);
    bind_real(st, 2, lower_edge, &rc);
    bind_real(st, 3, (double)count, &rc);
    if (step(s, ST_HIST_BIN, rc, NULL, "cannot write histogram bin", err,
             errlen) != SIM_OK)
        return SIM_EIO;

    st = s->st[ST_HIST_BIN_5];
    rc = SQLITE_OK;
    bind_int(st, 1, stat_id, &rc);
    bind_real(st, 2, lower_edge, &rc);
    bind_int(st, 3, (int64_t)count, &rc);
    return step(s, ST_HIST_BIN_5, rc, NULL, "cannot write histogram bin",
                err, errlen);
}

/* The latency statistic under "vsr", in seconds as OMNeT++ records time.
 * Moments are those of the samples (stddev with n - 1, NULL below two
 * samples). The bins are the log2 buckets from the lowest to the highest
 * non-empty one, contiguous because OMNeT++ readers take each bin to end
 * where the next begins; before them an underflow bin at -inf and after
 * them an overflow bin at the upper edge of the last, both empty since
 * every sample falls in a bucket. An empty histogram has no bins. */
static int add_latency(struct store *s, int64_t run_id,
                       const struct run_result *r, char *err, size_t errlen)
{
    sqlite3_stmt *st = s->st[ST_STATISTIC];
    const double n = (double)r->lat_count;
    double mean = NAN, sd = NAN, lo = NAN, hi = NAN;
    int64_t stat_id;
    int first = -1, last = -1;
    int rc = SQLITE_OK, ret;

    if (r->lat_count > 0) {
        mean = r->lat_sum_ns / n * 1e-9;
        lo = (double)r->lat_min_ns * 1e-9;
        hi = (double)r->lat_max_ns * 1e-9;
    }
    if (r->lat_count > 1) {
        double var = (r->lat_sumsq_ns - r->lat_sum_ns * r->lat_sum_ns / n)
                     / (n - 1);

        sd = sqrt(var > 0 ? var : 0) * 1e-9;
    }
    bind_int(st, 1, run_id, &rc);
    bind_text(st, 2, "vsr", &rc);
    bind_text(st, 3, "latency", &rc);
    bind_int(st, 4, (int64_t)r->lat_count, &rc);
    bind_real(st, 5, mean, &rc);
    bind_real(st, 6, sd, &rc);
    bind_real(st, 7, r->lat_sum_ns * 1e-9, &rc);
    bind_real(st, 8, r->lat_sumsq_ns * 1e-18, &rc);
    bind_real(st, 9, lo, &rc);
    bind_real(st, 10, hi, &rc);
    ret = step(s, ST_STATISTIC, rc, NULL, "cannot write statistic", err,
               errlen);
    if (ret != SIM_OK)
        return ret;
    stat_id = sqlite3_last_insert_rowid(s->db);

    st = s->st[ST_STAT_ATTR];
    rc = SQLITE_OK;
    bind_int(st, 1, stat_id, &rc);
    bind_text(st, 2, "unit", &rc);
    bind_text(st, 3, "s", &rc);
    ret = step(s, ST_STAT_ATTR, rc, NULL, "cannot write statistic attribute",
               err, errlen);

    for (int b = 0; b < STATS_LAT_BUCKETS; b++) {
        if (r->lat_hist[b] != 0) {
            if (first < 0)
                first = b;
            last = b;
        }
    }
    if (ret != SIM_OK || r->lat_count == 0 || first < 0)
        return ret;
    ret = add_bin(s, stat_id, -INFINITY, 0, err, errlen);
    for (int b = first; ret == SIM_OK && b <= last; b++)
        ret = add_bin(s, stat_id, ldexp(1.0, b) * 1e-9, r->lat_hist[b], err,
                      errlen);
    if (ret == SIM_OK)
        ret = add_bin(s, stat_id, ldexp(1.0, last + 1) * 1e-9, 0, err,
                      errlen);
    return ret;
}

/* Refuse arguments that would write a run the readers cannot use, before
 * anything is written. */
static int check_run(const struct run_meta *m, const struct stats_layout *l,
                     const char *path, char *err, size_t errlen)
{
    const char *why = NULL;

    if (m->run_name == NULL || m->curve == NULL)
        why = "run name and curve are required";
    else if (l->ncores < 0 || l->ncores > STATS_MAX_CORES
             || l->nthreads < 0 || l->nthreads > STATS_MAX_THREADS
             || l->nqueues < 0 || l->nqueues > STATS_MAX_QUEUES)
        why = "layout out of range";
    else if (m->nparams < 0
             || (m->nparams > 0
                 && (m->param_key == NULL || m->param_value == NULL)))
        why = "bad parameter list";
    for (int i = 0; why == NULL && i < m->nparams; i++)
        if (m->param_key[i] == NULL || m->param_value[i] == NULL)
            why = "parameter without key or value";
    if (why == NULL && m->nscalars > 0
        && (m->scalar_name == NULL || m->scalar_value == NULL))
        why = "bad scalar list";
    if (why == NULL)
        return SIM_OK;
    set_err(err, errlen, "%s: cannot store run '%s': %s", path,
            m->run_name ? m->run_name : "?", why);
    return SIM_EINPUT;
}

/* The run's result record, for a later sweep to take (store_find_run). */
static int add_record(struct store *s, int64_t run_id,
                      const struct run_meta *m, const struct run_result *r,
                      char *err, size_t errlen)
{
    sqlite3_stmt *st = s->st[ST_RECORD];
    int rc = SQLITE_OK;

    if (m->run_key == NULL)
        return SIM_OK;
    bind_int(st, 1, run_id, &rc);
    bind_text(st, 2, m->run_key, &rc);
    bind_int(st, 3, m->run_number, &rc);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_blob(st, 4, r, (int)sizeof *r, SQLITE_STATIC);
    return step(s, ST_RECORD, rc, NULL, "cannot write run record", err,
                errlen);
}

int store_add_run(struct store *s, const struct run_meta *meta,
                  const struct stats_layout *lay, const struct run_result *r,
                  char *err, size_t errlen)
{
    int64_t run_id;
    int rc = SQLITE_OK, ret;

    if (s->failed) {
        set_err(err, errlen, "%s: an earlier write failed", s->path);
        return SIM_EIO;
    }
    ret = check_run(meta, lay, s->path, err, errlen);
    if (ret != SIM_OK)
        return ret;

    /* A run of the same name is an earlier result of the same experiment:
     * this one replaces it (OMNeT++ readers reject two runs of a name). */
    bind_text(s->st[ST_RUN_DELETE], 1, meta->run_name, &rc);
    ret = step(s, ST_RUN_DELETE, rc, NULL, "cannot replace run", err, errlen);
    if (ret != SIM_OK)
        return ret;

    sqlite3_stmt *st = s->st[ST_RUN];
    rc = SQLITE_OK;
    bind_text(st, 1, meta->run_name, &rc);
    bind_int(st, 2, SIMTIME_EXP, &rc);
    ret = step(s, ST_RUN, rc, NULL, "cannot write run", err, errlen);
    if (ret != SIM_OK)
        return ret;
    run_id = sqlite3_last_insert_rowid(s->db);

    ret = add_run_attrs(s, run_id, meta->run_number, meta, err, errlen);
    if (ret == SIM_OK)
        ret = add_run_params(s, run_id, meta, err, errlen);
    if (ret == SIM_OK)
        ret = add_scalars(s, run_id, meta, lay, r, err, errlen);
    if (ret == SIM_OK)
        ret = add_latency(s, run_id, r, err, errlen);
    if (ret == SIM_OK)
        ret = add_record(s, run_id, meta, r, err, errlen);
    return ret;
}

int store_find_run(struct store *s, const char *run_name,
                   const char *run_key, struct run_result *out, char *err,
                   size_t errlen)
{
    sqlite3_stmt *st = s->st[ST_RECORD_FIND];
    int rc = SQLITE_OK, found = 0;

    bind_text(st, 1, run_name, &rc);
    bind_text(st, 2, run_key, &rc);
    if (rc == SQLITE_OK) {
        rc = sqlite3_step(st);
        if (rc == SQLITE_ROW) {
            /* a record of another layout (another build) is not used */
            if (sqlite3_column_bytes(st, 0) == (int)sizeof(struct run_result)) {
                if (out)
                    memcpy(out, sqlite3_column_blob(st, 0), sizeof *out);
                found = 1;
            }
            rc = SQLITE_DONE;
        }
    }
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    if (rc != SQLITE_DONE)
        return db_fail(s, "cannot read runs", err, errlen);
    return found;
}

int store_put_scalars(struct store *s, const char *run_name,
                      const char *module, int n, const char *const *names,
                      const double *values, char *err, size_t errlen)
{
    int64_t run_id = -1;
    int rc = SQLITE_OK, ret;

    bind_text(s->st[ST_RUN_ID], 1, run_name, &rc);
    ret = step(s, ST_RUN_ID, rc, &run_id, "cannot read runs", err, errlen);
    if (ret != SIM_OK)
        return ret;
    for (int i = 0; ret == SIM_OK && i < n; i++) {
        rc = SQLITE_OK;
        bind_int(s->st[ST_SCALAR_DELETE], 1, run_id, &rc);
        bind_text(s->st[ST_SCALAR_DELETE], 2, module, &rc);
        bind_text(s->st[ST_SCALAR_DELETE], 3, names[i], &rc);
        ret = step(s, ST_SCALAR_DELETE, rc, NULL, "cannot replace scalar",
                   err, errlen);
        if (ret == SIM_OK)
            ret = add_scalar(s, run_id, module, names[i], values[i], err,
                             errlen);
    }
    return ret;
}

int store_checkpoint(struct store *s, char *err, size_t errlen)
{
    if (s->failed) {
        set_err(err, errlen, "%s: not committed: an earlier write failed",
                s->path);
        return SIM_EIO;
    }
    if (exec_sql(s, "COMMIT", "cannot commit", err, errlen) != SIM_OK) {
        rollback(s);
        return SIM_EIO;
    }
    return exec_sql(s, "BEGIN IMMEDIATE", "cannot start transaction", err,
                    errlen);
}

int store_commit(struct store *s, char *err, size_t errlen)
{
    int ret = SIM_OK;

    if (s->failed) {
        set_err(err, errlen, "%s: not committed: an earlier write failed",
                s->path);
        ret = SIM_EIO;
    } else if (sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL)
               != SQLITE_OK) {
        ret = db_fail(s, "cannot commit", err, errlen);
    }
    if (ret != SIM_OK)
        rollback(s);
    store_free(s);
    return ret;
}

void store_abort(struct store *s)
{
    if (s == NULL)
        return;
    rollback(s);
    store_free(s);
}

/* ------------------------------------------------------------------------
 * Merging result files
 * ------------------------------------------------------------------------ */

/* How a run's rows hang together: a table refers to its parent by
 * `parent` and, when it has one, numbers its own rows by `id`, which its
 * children refer to. Rows are copied in the order the writer wrote them
 * (rowid), each table with all its columns. */
struct tree {
    const char *table, *parent, *id;
    const struct tree *kids; /* ends with a NULL table */
};

static const struct tree scalar_kids[] = {{"scalarAttr", "scalarId", NULL,
                                           NULL},
                                          {NULL, NULL, NULL, NULL}};
static const struct tree param_kids[] = {{"paramAttr", "paramId", NULL, NULL},
                                         {NULL, NULL, NULL, NULL}};
static const struct tree stat_kids[] = {
    {"statisticAttr", "statId", NULL, NULL},
    {"histogramBin", "statId", NULL, NULL},
    {"histBin", "statId", NULL, NULL},
    {NULL, NULL, NULL, NULL}};
static const struct tree vector_kids[] = {
    {"vectorAttr", "vectorId", NULL, NULL},
    {"vectorData", "vectorId", NULL, NULL},
    {NULL, NULL, NULL, NULL}};
static const struct tree run_kids[] = {
    {"runAttr", "runId", NULL, NULL},
    {"runItervar", "runId", NULL, NULL},
    {"runConfig", "runId", NULL, NULL},
    {"runParam", "runId", NULL, NULL},
    {"scalar", "runId", "scalarId", scalar_kids},
    {"parameter", "runId", "paramId", param_kids},
    {"statistic", "runId", "statId", stat_kids},
    {"vector", "runId", "vectorId", vector_kids},
    {"vsrsimRun", "runId", NULL, NULL},
    {NULL, NULL, NULL, NULL}};
static const struct tree run_tree = {"run", "runId", "runId", run_kids};

/* One run to merge: where it is and where it goes. */
struct merge_run {
    int input;
    int64_t run_id;
    int group;   /* order of the sweep's first appearance */
    int64_t number;
    char *name, *key;
};

struct merge {
    sqlite3 *out;
    sqlite3 **in;
    const char *const *paths;
    const char *out_path;
    char *err;
    size_t errlen;
};

/* A failed call on an input (bad input: SIM_EINPUT) or on the output
 * (SIM_EIO), with the message "PATH: WHAT: sqlite's reason". */
static int merge_fail(struct merge *m, sqlite3 *db, const char *path,
                      const char *what)
{
    set_err(m->err, m->errlen, "%s: %s: %s", path, what, sqlite3_errmsg(db));
    return db == m->out ? SIM_EIO : SIM_EINPUT;
}

/* Copy the rows of table t whose t->parent is `old` in input `in` to the
 * output with `new_parent`, and their children, recursively. */
static int copy_rows(struct merge *m, int in, const struct tree *t,
                     int64_t old, int64_t new_parent)
{
    sqlite3 *src = m->in[in];
    sqlite3_stmt *sel = NULL, *ins = NULL;
    char sql[256];
    int rc = SIM_OK;

    snprintf(sql, sizeof sql, "SELECT * FROM %s WHERE %s = ? ORDER BY rowid",
             t->table, t->parent);
    if (sqlite3_prepare_v2(src, sql, -1, &sel, NULL) != SQLITE_OK) {
        rc = merge_fail(m, src, m->paths[in],
                        "not a vsrsim results file");
        goto out;
    }
    int ncol = sqlite3_column_count(sel), parent_col = -1, id_col = -1;
    char *p = sql + snprintf(sql, sizeof sql, "INSERT INTO %s VALUES (",
                             t->table);
    for (int c = 0; c < ncol; c++) {
        const char *name = sqlite3_column_name(sel, c);
        if (strcmp(name, t->parent) == 0)
            parent_col = c;
        if (t->id && strcmp(name, t->id) == 0)
            id_col = c;
        p += snprintf(p, (size_t)(sql + sizeof sql - p), c ? ", ?" : "?");
    }
    snprintf(p, (size_t)(sql + sizeof sql - p), ")");
    if (parent_col < 0 || sqlite3_prepare_v2(m->out, sql, -1, &ins, NULL)
                              != SQLITE_OK) {
        rc = merge_fail(m, m->out, m->out_path,
                        "tables differ from the input's");
        goto out;
    }
    sqlite3_bind_int64(sel, 1, old);
    int step_rc;
    while (rc == SIM_OK && (step_rc = sqlite3_step(sel)) == SQLITE_ROW) {
        for (int c = 0; c < ncol; c++) {
            if (c == id_col)
                sqlite3_bind_null(ins, c + 1); /* numbered afresh */
            else if (c == parent_col)
                sqlite3_bind_int64(ins, c + 1, new_parent);
            else
                sqlite3_bind_value(ins, c + 1, sqlite3_column_value(sel, c));
        }
        if (sqlite3_step(ins) != SQLITE_DONE) {
            rc = merge_fail(m, m->out, m->out_path, "cannot write");
            break;
        }
        sqlite3_reset(ins);
        int64_t new_id = sqlite3_last_insert_rowid(m->out);
        int64_t old_id = id_col >= 0 ? sqlite3_column_int64(sel, id_col) : 0;
        for (const struct tree *k = t->kids; k && k->table && rc == SIM_OK;
             k++)
            rc = copy_rows(m, in, k, old_id, new_id);
    }
    if (rc == SIM_OK && step_rc != SQLITE_DONE)
        rc = merge_fail(m, src, m->paths[in], "cannot read");
out:
    sqlite3_finalize(sel);
    sqlite3_finalize(ins);
    return rc;
}

/* Runs of one input, appended to *runs; groups numbered across inputs. */
static int list_runs(struct merge *m, int in, struct merge_run **runs,
                     int *n, char ***keys, int *nkeys)
{
    sqlite3_stmt *st = NULL;
    const char *sql = "SELECT r.runId, r.runName, v.runKey, v.runNumber "
                      "FROM run r LEFT JOIN vsrsimRun v ON v.runId = r.runId "
                      "ORDER BY v.runNumber, r.runId";
    if (sqlite3_prepare_v2(m->in[in], sql, -1, &st, NULL) != SQLITE_OK)
        return merge_fail(m, m->in[in], m->paths[in],
                          "not a vsrsim results file");
    int rc = SIM_OK, step_rc;
    while ((step_rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *name = (const char *)sqlite3_column_text(st, 1);
        const char *key = (const char *)sqlite3_column_text(st, 2);
        if (key == NULL) {
            set_err(m->err, m->errlen,
                    "%s: run '%s' has no result record (not written by "
                    "vsrsim run)", m->paths[in], name);
            rc = SIM_EINPUT;
            break;
        }
        int g = 0;
        while (g < *nkeys && strcmp((*keys)[g], key) != 0)
            g++;
        if (g == *nkeys) {
            *keys = xrealloc(*keys, (size_t)(*nkeys + 1) * sizeof **keys);
            (*keys)[(*nkeys)++] = xstrdup(key);
        }
        *runs = xrealloc(*runs, (size_t)(*n + 1) * sizeof **runs);
        (*runs)[(*n)++] = (struct merge_run){
            .input = in, .run_id = sqlite3_column_int64(st, 0), .group = g,
            .number = sqlite3_column_int64(st, 3), .name = xstrdup(name),
            .key = xstrdup(key)};
    }
    if (rc == SIM_OK && step_rc != SQLITE_DONE)
        rc = merge_fail(m, m->in[in], m->paths[in], "cannot read runs");
    sqlite3_finalize(st);
    return rc;
}

static int merge_order(const void *a, const void *b)
{
    const struct merge_run *x = a, *y = b;
    if (x->group != y->group)
        return x->group < y->group ? -1 : 1;
    if (x->number != y->number)
        return x->number < y->number ? -1 : 1;
    return x->input < y->input ? -1 : x->input > y->input;
}

/* Refuse a run name held by two inputs for different sweeps; mark the
 * second copy of the same run (name NULL) so that it is skipped. */
static int drop_twins(struct merge *m, struct merge_run *runs, int n)
{
    for (int i = 0; i < n; i++)
        for (int k = 0; k < i; k++) {
            if (!runs[k].name || strcmp(runs[k].name, runs[i].name) != 0)
                continue;
            if (strcmp(runs[k].key, runs[i].key) != 0) {
                set_err(m->err, m->errlen,
                        "%s and %s both hold run '%s', from different "
                        "scenarios or seeds", m->paths[runs[k].input],
                        m->paths[runs[i].input], runs[i].name);
                return SIM_EINPUT;
            }
            free(runs[i].name);
            runs[i].name = NULL;
            break;
        }
    return SIM_OK;
}

/* Open a file to merge. It is only read, but opened read-write where
 * that is allowed: only a connection that may write removes the -wal and
 * -shm files of a WAL database when it closes. */
static int open_input(const char *path, sqlite3 **db)
{
    if (sqlite3_open_v2(path, db, SQLITE_OPEN_READWRITE, NULL) == SQLITE_OK)
        return SQLITE_OK;
    sqlite3_close(*db);
    return sqlite3_open_v2(path, db, SQLITE_OPEN_READONLY, NULL);
}

int store_merge(const char *out, const char *const *inputs, int n,
                int *nruns, char *err, size_t errlen)
{
    struct merge m = {.paths = inputs, .out_path = out, .err = err,
                      .errlen = errlen};
    struct merge_run *runs = NULL;
    char **keys = NULL;
    int nrun = 0, nkeys = 0, rc = SIM_OK;
    struct store *st = NULL;

    *nruns = 0;
    m.in = xcalloc((size_t)n, sizeof *m.in);
    for (int i = 0; i < n && rc == SIM_OK; i++) {
        if (open_input(inputs[i], &m.in[i]) != SQLITE_OK) {
            rc = merge_fail(&m, m.in[i], inputs[i],
                            "cannot open results database");
            break;
        }
        sqlite3_busy_timeout(m.in[i], BUSY_TIMEOUT_MS);
        rc = list_runs(&m, i, &runs, &nrun, &keys, &nkeys);
    }
    if (rc == SIM_OK) {
        if (nrun > 1)
            qsort(runs, (size_t)nrun, sizeof *runs, merge_order);
        rc = drop_twins(&m, runs, nrun);
    }
    int existed = access(out, F_OK) == 0;
    if (rc == SIM_OK)
        rc = store_open(&st, out, err, errlen);
    if (rc == SIM_OK) {
        m.out = st->db;
        sqlite3_stmt *del = st->st[ST_RUN_DELETE];
        for (int i = 0; i < nrun && rc == SIM_OK; i++) {
            if (!runs[i].name)
                continue;
            int brc = SQLITE_OK; /* a run already in `out` is replaced */
            bind_text(del, 1, runs[i].name, &brc);
            rc = step(st, ST_RUN_DELETE, brc, NULL, "cannot replace run",
                      err, errlen);
            if (rc == SIM_OK)
                rc = copy_rows(&m, runs[i].input, &run_tree, runs[i].run_id,
                               0);
            if (rc == SIM_OK)
                ++*nruns;
        }
        if (rc == SIM_OK)
            rc = store_commit(st, err, errlen);
        else
            store_abort(st);
        if (rc != SIM_OK && !existed) /* all or nothing */
            remove_db_files(out);
    }
    for (int i = 0; i < nrun; i++) {
        free(runs[i].name);
        free(runs[i].key);
    }
    for (int i = 0; i < nkeys; i++)
        free(keys[i]);
    for (int i = 0; i < n; i++)
        sqlite3_close(m.in[i]);
    free(runs);
    free(keys);
    free(m.in);
    return rc;
}

/* ------------------------------------------------------------------------
 * Calibration data
 * ------------------------------------------------------------------------ */

/* data/schema.sql, compiled in (build/gen/schema_sql.c). */
extern const char schema_sql[];

struct caldb {
    sqlite3 *db;
    char *path;
    int failed;
};

static int cal_fail(struct caldb *c, const char *what, char *err,
                    size_t errlen)
{
    c->failed = 1;
    set_err(err, errlen, "%s: %s: %s", c->path, what, sqlite3_errmsg(c->db));
    return SIM_EIO;
}

/* An SQLite failure while reading a calibration file: SIM_EINPUT when the
 * file is not a usable database, SIM_EIO for anything else (locks, I/O). */
static int caldb_read_failure(sqlite3 *db, int rc, const char *path,
                              char *err, size_t errlen)
{
    int primary = rc & 0xff;

    if (primary == SQLITE_NOTADB || primary == SQLITE_CORRUPT) {
        set_err(err, errlen, "%s: not a vsrsim calibration database (%s)",
                path, sqlite3_errmsg(db));
        return SIM_EINPUT;
    }
    set_err(err, errlen, "%s: cannot read calibration database: %s", path,
            sqlite3_errmsg(db));
    return SIM_EIO;
}

/* Check the version and tables of a calibration file opened for reading:
 * one that lacks a table of measurements was never written by vsrcal. */
static int caldb_check_schema(sqlite3 *db, const char *path, char *err,
                              size_t errlen)
{
    static const char *const tables[] = { "measured_run", "measured_sample",
                                          "measured_point" };
    int64_t v;
    int rc = query_int(db, "PRAGMA user_version", NULL, &v);

    if (rc != SQLITE_OK)
        return caldb_read_failure(db, rc, path, err, errlen);
    if (v > SCHEMA_VERSION) {
        set_err(err, errlen, "%s: schema version %" PRId64 " is newer than "
                "this program understands (%d)", path, v, SCHEMA_VERSION);
        return SIM_EINPUT;
    }
    for (size_t i = 0; i < sizeof tables / sizeof tables[0]; i++) {
        rc = query_int(db, "SELECT count(*) FROM sqlite_master "
                       "WHERE type = 'table' AND name = ?", tables[i], &v);
        if (rc != SQLITE_OK)
            return caldb_read_failure(db, rc, path, err, errlen);
        if (v == 0) {
            set_err(err, errlen,
                    "%s: not a vsrsim calibration database (no table %s)",
                    path, tables[i]);
            return SIM_EINPUT;
        }
    }
    return SIM_OK;
}

static void cal_free(struct caldb *c)
{
    if (c->db != NULL && !sqlite3_get_autocommit(c->db))
        sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
    sqlite3_close(c->db);
    free(c->path);
    free(c);
}

/* Columns added to tables of schema version 1 after they first shipped;
 * a file made before gets them (CREATE TABLE IF NOT EXISTS does not). */
static int add_missing_columns(struct caldb *c)
{
    static const char *const add[][3] = {
        {"measured_run", "plan", "ALTER TABLE measured_run ADD COLUMN plan "
                                 "TEXT"},
    };
    for (size_t i = 0; i < sizeof add / sizeof add[0]; i++) {
        sqlite3_stmt *st = NULL;
        int found = 0, rc = sqlite3_prepare_v2(
            c->db, "SELECT count(*) FROM pragma_table_info(?) WHERE name = ?",
            -1, &st, NULL);
        if (rc == SQLITE_OK)
            rc = sqlite3_bind_text(st, 1, add[i][0], -1, SQLITE_STATIC);
        if (rc == SQLITE_OK)
            rc = sqlite3_bind_text(st, 2, add[i][1], -1, SQLITE_STATIC);
        if (rc == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
            found = sqlite3_column_int(st, 0);
        sqlite3_finalize(st);
        if (rc != SQLITE_OK)
            return rc;
        if (!found &&
            (rc = sqlite3_exec(c->db, add[i][2], NULL, NULL, NULL)) !=
                SQLITE_OK)
            return rc;
    }
    return SQLITE_OK;
}

int caldb_open(struct caldb **out, const char *path, char *err,
               size_t errlen)
{
    struct caldb *c = xcalloc(1, sizeof *c);
    int64_t v;

    *out = NULL;
    c->path = xstrdup(path);
    int rc = sqlite3_open_v2(path, &c->db,
                             SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
    if (rc != SQLITE_OK) {
        set_err(err, errlen, "%s: cannot open calibration database: %s",
                path, c->db ? sqlite3_errmsg(c->db) : sqlite3_errstr(rc));
        cal_free(c);
        return SIM_EIO;
    }
    sqlite3_busy_timeout(c->db, BUSY_TIMEOUT_MS);
    rc = query_int(c->db, "PRAGMA user_version", NULL, &v);
    if (rc != SQLITE_OK) {
        int ret = caldb_read_failure(c->db, rc, path, err, errlen);
        cal_free(c);
        return ret;
    }
    if (v > SCHEMA_VERSION) {
        set_err(err, errlen, "%s: schema version %" PRId64 " is newer than "
                "this program understands (%d)", path, v, SCHEMA_VERSION);
        cal_free(c);
        return SIM_EINPUT;
    }
    if (sqlite3_exec(c->db, "PRAGMA foreign_keys = ON; BEGIN IMMEDIATE",
                     NULL, NULL, NULL) != SQLITE_OK
        || sqlite3_exec(c->db, schema_sql, NULL, NULL, NULL) != SQLITE_OK
        || add_missing_columns(c) != SQLITE_OK) {
        int ret = cal_fail(c, "cannot create the calibration tables", err,
                           errlen);
        cal_free(c);
        return ret;
    }
    *out = c;
    return SIM_OK;
}

/* Prepare `sql`, bind texts and numbers as `types` says ('t' text, 'r'
 * real, 'i' integer, one letter per parameter, NULL text as NULL), step
 * once and finalize. */
static int cal_exec(struct caldb *c, const char *what, char *err,
                    size_t errlen, const char *sql, const char *types, ...)
{
    sqlite3_stmt *st = NULL;
    va_list ap;
    int rc = sqlite3_prepare_v2(c->db, sql, -1, &st, NULL);

    va_start(ap, types);
    for (int i = 0; rc == SQLITE_OK && types[i]; i++) {
        if (types[i] == 't') {
            const char *t = va_arg(ap, const char *);
            rc = t ? sqlite3_bind_text(st, i + 1, t, -1, SQLITE_TRANSIENT)
                   : sqlite3_bind_null(st, i + 1);
        } else if (types[i] == 'r') {
            double d = va_arg(ap, double);
            rc = isfinite(d) ? sqlite3_bind_double(st, i + 1, d)
                             : sqlite3_bind_null(st, i + 1);
        } else {
            rc = sqlite3_bind_int64(st, i + 1, va_arg(ap, int64_t));
        }
    }
    va_end(ap);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return cal_fail(c, what, err, errlen);
    return SIM_OK;
}

int caldb_add_run(struct caldb *c, const struct measured_run_meta *m,
                  int64_t *run_id, char *err, size_t errlen)
{
    int ret = cal_exec(c, "cannot add a measured run", err, errlen,
                       "INSERT INTO measured_run (model_id, config, created, "
                       "host, notes, plan) VALUES (?, ?, ?, ?, ?, ?)",
                       "tttttt", m->model_id, m->config, m->created, m->host,
                       m->notes, m->plan);
    if (ret == SIM_OK)
        *run_id = sqlite3_last_insert_rowid(c->db);
    return ret;
}

int caldb_add_sample(struct caldb *c, int64_t run_id,
                     const struct measured_sample *s, char *err,
                     size_t errlen)
{
    return cal_exec(c, "cannot add a sample", err, errlen,
                    "INSERT INTO measured_sample (run_id, offered_kpps, rep, "
                    "entity, metric, value) VALUES (?, ?, ?, ?, ?, ?)",
                    "irittr", run_id, s->offered_kpps, (int64_t)s->rep,
                    s->entity, s->metric, s->value);
}

int caldb_add_point(struct caldb *c, int64_t run_id,
                    const struct measured_point *p, char *err, size_t errlen)
{
    return cal_exec(c, "cannot add a measured point", err, errlen,
                    "INSERT INTO measured_point (run_id, offered_kpps, "
                    "forwarded_kpps, ci99_kpps, reps) VALUES (?, ?, ?, ?, ?)",
                    "irrri", run_id, p->offered_kpps, p->forwarded_kpps,
                    p->ci99_kpps, (int64_t)p->reps);
}

int caldb_add_model(struct caldb *c, const struct cost_model_meta *m,
                    const struct cost_row *rows, int nrows, char *err,
                    size_t errlen)
{
    int ret = cal_exec(c, "cannot replace the cost model", err, errlen,
                       "DELETE FROM cost WHERE model_id = ?", "t", m->id);
    if (ret == SIM_OK)
        ret = cal_exec(c, "cannot replace the cost model", err, errlen,
                       "DELETE FROM cost_model WHERE id = ?", "t", m->id);
    if (ret == SIM_OK)
        ret = cal_exec(c, "cannot add the cost model", err, errlen,
                       "INSERT INTO cost_model (id, description, host, "
                       "cpu_model, cpu_mhz, kernel, qemu, created, plan, "
                       "source) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                       "ttttrttttt", m->id, m->description, m->host,
                       m->cpu_model, m->cpu_mhz, m->kernel, m->qemu,
                       m->created, m->plan, m->source);
    for (int i = 0; ret == SIM_OK && i < nrows; i++) {
        const struct cost_row *r = &rows[i];
        ret = cal_exec(c, "cannot add a cost", err, errlen,
                       "INSERT INTO cost (model_id, activity, mean_ns, cv, "
                       "stderr_ns, unit, charged_as, derivation) VALUES "
                       "(?, ?, ?, ?, ?, ?, ?, ?)",
                       "ttrrrttt", m->id, r->activity, r->mean_ns, r->cv,
                       r->stderr_ns < 0 ? NAN : r->stderr_ns, r->unit,
                       r->charged_as, r->derivation);
    }
    return ret;
}

int caldb_commit(struct caldb *c, char *err, size_t errlen)
{
    int ret = SIM_OK;

    if (c->failed) {
        set_err(err, errlen, "%s: not committed: an earlier write failed",
                c->path);
        ret = SIM_EIO;
    } else if (sqlite3_exec(c->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
        ret = cal_fail(c, "cannot commit", err, errlen);
    }
    cal_free(c);
    return ret;
}

void caldb_abort(struct caldb *c)
{
    if (c != NULL)
        cal_free(c);
}

/* Errors: SIM_EINPUT when the file cannot be opened (it is named by the
 * user, who gave a wrong path), is not a calibration database, has a newer
 * schema, or holds no run of `config`; SIM_EIO when reading it fails.
 * *run_id is 0 when the file holds no run of `config` and -1 when the file
 * itself is refused, so that a caller can tell an unmeasured curve from a
 * bad file. */
int caldb_read_run(const char *path, const char *config, int64_t *run_id,
                   struct measured_sample **samples, int *nsamples,
                   struct measured_point **points, int *npoints, char *err,
                   size_t errlen)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    int ret = SIM_OK, n = 0, cap = 0;
    int64_t id;

    *samples = NULL;
    *points = NULL;
    *nsamples = *npoints = 0;
    *run_id = -1;
    int rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL);
    if (rc != SQLITE_OK) {
        set_err(err, errlen, "%s: cannot open calibration database: %s",
                path, db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
        sqlite3_close(db);
        return (rc & 0xff) == SQLITE_CANTOPEN ? SIM_EINPUT : SIM_EIO;
    }
    sqlite3_busy_timeout(db, BUSY_TIMEOUT_MS);
    ret = caldb_check_schema(db, path, err, errlen);
    if (ret != SIM_OK)
        goto out;
    rc = query_int(db, "SELECT max(id) FROM measured_run WHERE config = ?",
                   config, &id);
    if (rc != SQLITE_OK) {
        ret = caldb_read_failure(db, rc, path, err, errlen);
        goto out;
    }
    *run_id = id;
    if (*run_id == 0) {
        set_err(err, errlen, "%s: no measured run of configuration '%s'",
                path, config);
        ret = SIM_EINPUT;
        goto out;
    }

    rc = sqlite3_prepare_v2(db, "SELECT offered_kpps, rep, entity, metric, "
                            "value FROM measured_sample WHERE run_id = ? "
                            "ORDER BY offered_kpps, rep, entity, metric",
                            -1, &st, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_int64(st, 1, *run_id);
    while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (n == cap) {
            cap = cap ? 2 * cap : 256;
            *samples = xrealloc(*samples, (size_t)cap * sizeof **samples);
        }
        struct measured_sample *s = &(*samples)[n++];
        const char *e = (const char *)sqlite3_column_text(st, 2);
        const char *m = (const char *)sqlite3_column_text(st, 3);
        s->offered_kpps = sqlite3_column_double(st, 0);
        s->rep = sqlite3_column_int(st, 1);
        snprintf(s->entity, sizeof s->entity, "%s", e ? e : "");
        snprintf(s->metric, sizeof s->metric, "%s", m ? m : "");
        s->value = sqlite3_column_double(st, 4);
        rc = SQLITE_OK;
    }
    sqlite3_finalize(st);
    st = NULL;
    *nsamples = n;
    if (rc != SQLITE_DONE) {
        ret = caldb_read_failure(db, rc, path, err, errlen);
        goto out;
    }

    n = cap = 0;
    rc = sqlite3_prepare_v2(db, "SELECT offered_kpps, forwarded_kpps, "
                            "ci99_kpps, reps FROM measured_point WHERE "
                            "run_id = ? ORDER BY offered_kpps", -1, &st, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_int64(st, 1, *run_id);
    while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (n == cap) {
            cap = cap ? 2 * cap : 32;
            *points = xrealloc(*points, (size_t)cap * sizeof **points);
        }
        struct measured_point *p = &(*points)[n++];
        p->offered_kpps = sqlite3_column_double(st, 0);
        p->forwarded_kpps = sqlite3_column_double(st, 1);
        p->ci99_kpps = sqlite3_column_double(st, 2);
        p->reps = sqlite3_column_int(st, 3);
        rc = SQLITE_OK;
    }
    *npoints = n;
    if (rc != SQLITE_DONE)
        ret = caldb_read_failure(db, rc, path, err, errlen);
out:
    sqlite3_finalize(st);
    sqlite3_close(db);
    if (ret != SIM_OK) {
        free(*samples);
        free(*points);
        *samples = NULL;
        *points = NULL;
        *nsamples = *npoints = 0;
    }
    return ret;
}

double caldb_sample(const struct measured_sample *s, int n, double kpps,
                    int rep, const char *entity, const char *metric)
{
    for (int i = 0; i < n; i++)
        if (s[i].offered_kpps == kpps && s[i].rep == rep &&
            strcmp(s[i].entity, entity) == 0 &&
            strcmp(s[i].metric, metric) == 0)
            return s[i].value;
    return NAN;
}
