/*
 * sweep.h - every run of a scenario, in parallel on local cores.
 *
 * Runs are numbered curve-major: run = (curve * nrates + rate) * reps + rep.
 * Each run has its own seed, derived from the base seed and its numbers, so
 * results do not depend on how runs are spread over worker processes.
 */
#ifndef VSRSIM_SWEEP_H
#define VSRSIM_SWEEP_H

#include <stdint.h>

#include "costmodel.h"
#include "scenario.h"
#include "stats.h"

/* Seed of one run. */
uint64_t sweep_run_seed(const struct scenario *s, int curve, int rate,
                        int rep);

/* Run every run of `s` with `jobs` worker processes (1: in this process)
 * into `out` (s->ncurves * s->nrates * s->reps records, in run order).
 * Shows a progress line on stderr when `progress` is set. Returns 0, or
 * SIM_EIO when a worker fails. */
int sweep_run(const struct scenario *s, const struct costmodel *cm, int jobs,
              int progress, struct run_result *out);

/* A list of tasks run over worker processes, each result handed back in
 * task order. */
struct sweep_job {
    int total; /* tasks 0 .. total-1 */
    /* Fill the record of task i; must depend on ctx and i alone. */
    void (*fn)(const void *ctx, int i, struct run_result *out);
    const void *ctx;
    int jobs;     /* worker processes; 1: run in this process        */
    int progress; /* show a progress line on stderr                  */
    /* Optional: 1 when task i needs no running (its result is known to
     * the caller); it is then handed to done() with r NULL. */
    int (*skip)(void *dctx, int i);
    /* Called for tasks 0, 1, 2 ... in order, each as soon as it and every
     * task before it are finished. A non-zero return stops the sweep, which
     * then returns that value. */
    int (*done)(void *dctx, int i, const struct run_result *r);
    void *dctx;
};

/* Run a job. Tasks are dealt to workers one at a time as they free up, so
 * that uneven runs keep every worker busy; results may finish out of order
 * but reach done() in order. Returns 0, done()'s first non-zero value, or
 * SIM_EIO when a worker fails. */
int sweep_stream(const struct sweep_job *j);

/* Run tasks 0 .. total-1 with `jobs` worker processes (1: in this process):
 * fn(ctx, i, &out[i]) fills the record of task i. fn must depend on ctx and
 * i alone, so that out is the same whatever jobs is; workers see ctx as it
 * was when sweep_map was called. Shows a progress line on stderr when
 * `progress` is set. Returns 0, or SIM_EIO when a worker fails. */
int sweep_map(int total,
              void (*fn)(const void *ctx, int i, struct run_result *out),
              const void *ctx, int jobs, int progress, struct run_result *out);

#endif
