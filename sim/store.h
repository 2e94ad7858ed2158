/*
 * store.h - everything vsrsim keeps in SQLite: cost models in, results out.
 *
 * This is the only module that calls SQLite. Cost models follow the schema
 * of data/schema.sql (the contract with calib/); results follow OMNeT++'s
 * SQLite result-file schema (run, runAttr, runParam, scalar, scalarAttr,
 * statistic, statisticAttr, histBin, vector, vectorAttr, vectorData), so
 * tools that read OMNeT++ results read ours.
 *
 * Errors return a negative SIM_E* code and fill `err` with one line.
 */
#ifndef VSRSIM_STORE_H
#define VSRSIM_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "costmodel.h"
#include "stats.h"

struct store; /* opaque: an open results database */

/* Provenance of one run, written to run and runAttr. */
struct run_meta {
    const char *run_name;        /* unique, e.g. "fig02-3-7-0"            */
    int64_t run_number;          /* its number in the sweep (vsrsim list) */
    const char *run_key;         /* what its result depends on; with it  */
                                 /* the record is kept (store_find_run)   */
    const char *scenario_path;
    const char *scenario_hash; /* FNV-1a 64 of the scenario text        */
    const char *scenario_text;   /* full text after @include expansion    */
    const char *curve;
    const char *costmodel_id;
    const char *version;         /* vsrsim version string                 */
    uint64_t seed;               /* the run's own seed                    */
    uint64_t base_seed;          /* the --seed of the sweep               */
    int curve_index, rate_index, rep;
    double offered_kpps;
    int64_t warmup_ns, measured_ns;
    /* Parameters of the run (runParam rows), in order. */
    int nparams;
    const char *const *param_key;
    const char *const *param_value;
    /* Further scalars of module "vsr" (the curve's NDR and PDR), in order;
     * nscalars may be 0. */
    int nscalars;
    const char *const *scalar_name;
    const double *scalar_value;
};

/* Read cost model `model_id` from the SQLite file `db_path` into `cm`.
 * Fails when the file cannot be opened, has no cost-model schema, has a
 * schema newer than this program, lacks the model, or lacks an activity. */
int store_load_costmodel(const char *db_path, const char *model_id,
                         struct costmodel *cm, char *err, size_t errlen);

/* Open (creating if needed) a results database and start one transaction
 * that holds everything written until store_checkpoint() or
 * store_commit(). */
int store_open(struct store **out, const char *path, char *err,
               size_t errlen);

/* Write one run, replacing a run of the same name: its run row, attributes, parameters, scalars (offered and
 * forwarded kpps, the meta's further scalars, per-core and per-thread busy
 * fractions, drops per queue) and the latency statistic with its
 * histogram. */
int store_add_run(struct store *s, const struct run_meta *meta,
                  const struct stats_layout *lay, const struct run_result *r,
                  char *err, size_t errlen);

/* The stored result of run `run_name` when its key is `run_key` (and its
 * record has this build's layout): 1 and *out filled (unless out is
 * NULL), 0 when there is none, or a negative SIM_E* code. */
int store_find_run(struct store *s, const char *run_name,
                   const char *run_key, struct run_result *out, char *err,
                   size_t errlen);

/* Set scalars `names` of `module` of the stored run `run_name` to
 * `values`, replacing scalars of the same names. */
int store_put_scalars(struct store *s, const char *run_name,
                      const char *module, int n, const char *const *names,
                      const double *values, char *err, size_t errlen);

/* Commit what was written so far and start a new transaction. */
int store_checkpoint(struct store *s, char *err, size_t errlen);

/* Merge the runs of the results databases inputs[0 .. n-1] into `out`
 * (created if needed), in one transaction: runs of one sweep go in the
 * order of their numbers, sweeps in the order they first appear; a run in
 * two inputs is taken once when both copies come from the same sweep and
 * refused otherwise. Sets *nruns to the runs written. */
int store_merge(const char *out, const char *const *inputs, int n,
                int *nruns, char *err, size_t errlen);

/* Commit the transaction and close. On failure nothing is left written
 * since the last checkpoint. */
int store_commit(struct store *s, char *err, size_t errlen);

/* Roll back everything written since store_open() and close. */
void store_abort(struct store *s);

/* ---- Calibration data ------------------------------------------------
 *
 * What vsrcal measures and fits, in the tables of data/schema.sql
 * (measured_run, measured_sample, measured_point, cost_model, cost). A
 * new file gets the whole schema, so that the fitted model in it can be
 * named by a scenario's costmodel.db like any other. */

struct caldb; /* opaque: an open calibration database */

struct measured_run_meta {
    const char *model_id; /* may be NULL */
    const char *config;   /* the curve measured                      */
    const char *created;  /* ISO 8601                                */
    const char *host, *notes;
    const char *plan;     /* the scenario text of the plan           */
};

/* A measured point delivering less than 1 - this of what it was offered
 * is saturated: vsrcal fit fits below it, vsrcal measure's extension
 * stops at it, vsrsim validate tells a peak from the sweep's end by it. */
#define MEASURED_SATURATED_LOSS 0.05

struct measured_point {
    double offered_kpps, forwarded_kpps, ci99_kpps;
    int reps;
};

struct measured_sample {
    double offered_kpps;
    int rep;
    char entity[48]; /* "thread:vcpu0", "core:1", "net:sink", ...    */
    char metric[32]; /* "run_ns", "ticks", "softirq", "rx_packets", ... */
    double value;
};

struct cost_model_meta {
    const char *id, *description, *host, *cpu_model, *kernel, *qemu;
    const char *created, *plan, *source;
    double cpu_mhz;
};

struct cost_row {
    const char *activity;
    double mean_ns, cv, stderr_ns; /* stderr_ns < 0: unknown */
    const char *unit, *charged_as, *derivation;
};

/* Open, creating the schema when the file is new, and start one
 * transaction holding everything until caldb_commit(). */
int caldb_open(struct caldb **out, const char *path, char *err,
               size_t errlen);
int caldb_add_run(struct caldb *c, const struct measured_run_meta *m,
                  int64_t *run_id, char *err, size_t errlen);
int caldb_add_sample(struct caldb *c, int64_t run_id,
                     const struct measured_sample *s, char *err,
                     size_t errlen);
int caldb_add_point(struct caldb *c, int64_t run_id,
                    const struct measured_point *p, char *err,
                    size_t errlen);
/* Write a cost model, replacing one with the same id. */
int caldb_add_model(struct caldb *c, const struct cost_model_meta *m,
                    const struct cost_row *rows, int nrows, char *err,
                    size_t errlen);
/* Commit and close; on failure nothing is written. */
int caldb_commit(struct caldb *c, char *err, size_t errlen);
void caldb_abort(struct caldb *c);

/* The newest measured run of `config` in the file at `path`: its id, its
 * samples and its points (free both with free()). SIM_EINPUT when the file
 * cannot be opened, is not a calibration database, has a newer schema, or
 * holds no run of `config`; then *run_id is 0 for a curve not measured and
 * -1 for a file refused. SIM_EIO when reading fails. */
int caldb_read_run(const char *path, const char *config, int64_t *run_id,
                   struct measured_sample **samples, int *nsamples,
                   struct measured_point **points, int *npoints, char *err,
                   size_t errlen);

/* The value of (kpps, rep, entity, metric) among the n samples that
 * caldb_read_run() gave, or NAN when they hold none. */
double caldb_sample(const struct measured_sample *s, int n, double kpps,
                    int rep, const char *entity, const char *metric);

#endif
