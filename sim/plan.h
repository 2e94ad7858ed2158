/*
 * plan.h - capacity planning by simulation (`vsrsim plan`): the smallest
 * SCHED_DEADLINE budget of one thread, or the fewest cores, with which a
 * curve sustains a target rate, its loss at most a threshold.
 *
 * Budget: binary search on the thread's runtime, its period as the curve
 * sets it, until the bracket is narrower than a resolution. The answer is
 * the smallest runtime that sustained the target, and the next smaller one
 * the largest that did not. Cores: for k = 1, 2, ... the curve's threads
 * are packed on k cores and the first k that sustains is the answer, with
 * k - 1 as the next smaller. Each probe simulates the target rate with the
 * scenario's replications and the seeds of the curve's first rate, and
 * counts loss as ndr.h does: what the trial drops. As in a real trial of
 * the same length, queues may absorb a small shortfall without a drop;
 * a longer sim.duration_ms tightens the answer.
 */
#ifndef VSRSIM_PLAN_H
#define VSRSIM_PLAN_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "costmodel.h"
#include "ndr.h"
#include "scenario.h"
#include "vsr.h"

#define PLAN_RESOLUTION 0.01     /* default: 1% of the thread's period */
#define PLAN_BUDGET_STEP_NS 1000 /* probed budgets are whole microseconds */

enum plan_mode { PLAN_BUDGET, PLAN_CORES };

struct plan_opts {
    enum plan_mode mode;
    double target_kpps;
    double loss_max;       /* sustained: loss <= loss_max               */
    const char *thread;    /* PLAN_BUDGET: the thread whose runtime     */
    int64_t resolution_ns; /* PLAN_BUDGET; 0: PLAN_RESOLUTION of period */
    int jobs;
    int progress; /* a progress line on stderr */
};

/* One configuration tried and what it did. */
struct plan_try {
    struct vsr_config cfg;
    int64_t runtime_ns; /* PLAN_BUDGET: the thread's runtime           */
    int ncores;         /* PLAN_CORES: cores it may use                 */
    int simulated;      /* 0 for a runtime of 0: the thread never runs */
    int sustained;
    struct ndr_point pt;
};

struct plan_result {
    int found;            /* `ok` sustains the target                   */
    struct plan_try ok;   /* the answer                                 */
    int have_fail;        /* `fail` is the next smaller, failing        */
    struct plan_try fail; /* (when nothing sustains: the largest tried) */
    int thread;           /* PLAN_BUDGET: the thread's index            */
    int64_t period_ns;    /* PLAN_BUDGET: its period                    */
    int probes;           /* simulations made                           */
};

/* Check that curve `curve` of s can be planned as o says (the thread
 * exists and is a deadline thread; the target is within the line rate).
 * Returns 0, or SIM_EINPUT with one line naming the option in err. */
int plan_check(const struct scenario *s, int curve, const struct plan_opts *o,
               char *err, size_t errlen);

/* Plan curve `curve` of s (checked with plan_check()). The result is the
 * same whatever o->jobs is. Returns 0, SIM_EINPUT with one line in err, or
 * SIM_EIO when a worker fails. */
int plan_curve(const struct scenario *s, const struct costmodel *cm, int curve,
               const struct plan_opts *o, struct plan_result *out, char *err,
               size_t errlen);

/* The answer for one curve in plain words, with the binding as a scenario
 * fragment in PLAN_CORES mode. */
void plan_print(FILE *f, const struct scenario *s, int curve,
                const struct plan_opts *o, const struct plan_result *r);

/* `vsrsim plan SCENARIO.cfg --target KPPS (--budget THREAD | --cores)
 * [options]` (cmd_plan.c). Returns the exit status: 0 when every curve
 * planned has an answer, 1 when one has none or a run failed, 2 for bad
 * input. */
int cmd_plan(int argc, char **argv);

#endif
