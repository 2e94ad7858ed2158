/*
 * ndr.h - the no-drop and partial-drop rates of a curve, as NFVbench
 * defines them: NDR is the highest offered rate whose loss is at most
 * 0.001%, PDR the highest whose loss is at most 0.1%. Both are found by
 * binary search on the offered rate, between 0 and the line rate, until
 * the bracket is narrower than a resolution; each probed rate is simulated
 * with the scenario's replications, warm-up and duration.
 *
 * Loss is counted from drops, not from forwarded against offered: packets
 * still in the queues when the window closes are not lost, and with
 * hundreds of them in flight the difference of the two counts would hide
 * a 0.001% threshold. A local generator thread waits for room instead of
 * dropping; what it falls behind by, beyond what the queues could hold,
 * counts as lost too.
 *
 * A probe of curve c at rate R uses the seeds `vsrsim run` gives curve c's
 * first offered rate, so `vsrsim run --set traffic.rates_kpps=[R]`
 * reproduces it exactly. The searches of all curves go in lockstep, one
 * probe per curve per step, so the result is the same bytes whatever the
 * number of worker processes.
 */
#ifndef VSRSIM_NDR_H
#define VSRSIM_NDR_H

#include "costmodel.h"
#include "scenario.h"
#include "stats.h"
#include "vsr.h"

#define NDR_LOSS_MAX 1e-5   /* 0.001% */
#define PDR_LOSS_MAX 1e-3   /* 0.1%   */
#define NDR_RESOLUTION 1e-3 /* default: 0.1% of the line rate */

/* One simulated point. */
struct ndr_point {
    double offered_kpps;
    double forwarded_kpps; /* mean over the replications            */
    double loss;           /* packets lost / packets offered, over all
                              replications                            */
};

/* A configuration to simulate at one rate: the curve's own, or one derived
 * from it (vsrsim plan changes budgets and bindings). `curve` names whose
 * seeds the runs use. */
struct ndr_probe {
    const struct vsr_config *cfg;
    int curve;
    struct ndr_point pt;            /* offered_kpps set by the caller */
    double busy[STATS_MAX_THREADS]; /* mean busy fraction of each thread,
                                       in vsr_layout() order           */
};

struct ndr_opts {
    double resolution_kpps; /* stop below this bracket; <= 0: NDR_RESOLUTION
                               of each curve's line rate              */
    int jobs;
    int progress; /* a progress line on stderr */
};

/* The search's answer for one curve. A rate of 0 means that no probed rate
 * passed (every rate down to the resolution lost too much). */
struct ndr_result {
    struct ndr_point ndr, pdr;
    double resolution_kpps;
    int probes;
};

/* ---- Probes --------------------------------------------------------- */

/* Packets lost over packets offered in `n` runs of `cfg`. */
double ndr_loss(const struct vsr_config *cfg, const struct run_result *runs,
                int n);

/* Simulate the n probes with s's replications, warm-up, duration and seeds,
 * spread over `jobs` worker processes; fills each p[i].pt. Returns 0, or
 * SIM_EIO when a worker fails. */
int ndr_simulate(const struct scenario *s, const struct costmodel *cm,
                 struct ndr_probe *p, int n, int jobs);

/* ---- Search --------------------------------------------------------- */

/* NDR and PDR of every curve of s into out[0 .. s->ncurves - 1]. Returns 0,
 * or SIM_EIO when a worker fails. */
int ndr_search(const struct scenario *s, const struct costmodel *cm,
               const struct ndr_opts *o, struct ndr_result *out);

/* ---- Output --------------------------------------------------------- */

/* What the CSV and the results database hold per curve, in this order:
 * ndr_kpps, ndr_loss, pdr_kpps, pdr_loss. */
#define NDR_NFIELDS 4
extern const char *const ndr_field_name[NDR_NFIELDS];
void ndr_fields(const struct ndr_result *r, double v[NDR_NFIELDS]);

#endif
