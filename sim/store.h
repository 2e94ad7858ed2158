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
};

/* Read cost model `model_id` from the SQLite file `db_path` into `cm`.
 * Fails when the file cannot be opened, has no cost-model schema, has a
 * schema newer than this program, lacks the model, or lacks an activity. */
int store_load_costmodel(const char *db_path, const char *model_id,
                         struct costmodel *cm, char *err, size_t errlen);

/* Open (creating if needed) a results database and start one transaction
 * that holds everything written until store_commit(). */
int store_open(struct store **out, const char *path, char *err,
               size_t errlen);

/* Write one run: its run row, attributes, parameters, scalars (offered and
 * forwarded kpps, per-core and per-thread busy fractions, drops per queue)
 * and the latency statistic with its histogram. */
int store_add_run(struct store *s, const struct run_meta *meta,
                  const struct stats_layout *lay, const struct run_result *r,
                  char *err, size_t errlen);

/* Commit the transaction and close. On failure nothing is left written. */
int store_commit(struct store *s, char *err, size_t errlen);

/* Roll back everything written since store_open() and close. */
void store_abort(struct store *s);

#endif
