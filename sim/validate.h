/*
 * validate.h - predictions against measurements (`vsrsim validate`).
 *
 * For each curve of a scenario that `vsrcal measure` measured (a run of
 * the same name in the calibration database), simulate the curve at the
 * measured offered rates with the scenario's cost model (typically one
 * fitted by `vsrcal fit` on another configuration) and compare. A point
 * whose generator sent within 1.5% of the asked rate in every repetition
 * (net:gen tx_packets over the window) is simulated at the rate it sent,
 * since the difference is the generator's pacing, not the router; the
 * others at the asked rate. Then:
 *
 *   MAPE        mean over the points of |simulated - measured| / measured
 *               of the forwarded rate
 *   peak error  |max simulated - max measured| / max measured
 *   inside CI   the fraction of measured points inside the simulated
 *               99% confidence interval
 *   agree       the fraction of points whose measured and simulated
 *               means differ by no more than the 99% interval of their
 *               difference (the two half-widths in quadrature): below
 *               saturation a simulated interval is about nil, and only
 *               this tells a measured point within its own noise of the
 *               prediction from one that is not
 *
 * Then, for every thread the measurement has, at the point of the
 * measured peak: its CPU time (schedstat's run time over the window) and
 * its switches in per packet forwarded (schedstat's timeslices), those of
 * them after a preemption (sched's involuntary switches out) and its moves
 * between cores per second (sched's migrations), measured and simulated,
 * where the measurement has them; these are reported, never judged.
 *
 * Curves the database holds no run of are left out, each with a note on
 * stderr; none measured at all is bad input, as is a database that is
 * missing, corrupt or of a newer schema.
 *
 * A curve fails when its MAPE or peak error passes the given limits; a
 * peak whose measured 99% interval is wider than the peak limit is
 * reported but not judged, since the measurement cannot tell.
 */
#ifndef VSRSIM_VALIDATE_H
#define VSRSIM_VALIDATE_H

#include <stddef.h>

struct validate_opts {
    const char *scenario;
    const char *const *set; /* --set overrides */
    int nset;
    const char *measured;   /* calibration database                   */
    const char *const *curves; /* only these curves (none: every one
                                  measured)                            */
    int ncurves;
    const char *csv;        /* measured and simulated points, or NULL */
    const char *plot;       /* overlay picture (.png/.svg), or NULL   */
    const char *plots_dir;  /* where plots/curves.gp is               */
    double mape_max;        /* fail above, as a fraction (0: never)   */
    double peak_max;
    int jobs;
    int progress;
};

/* Returns the exit status: 0 all within limits, 1 a curve outside them or
 * an output failed, 2 bad input. */
int validate_main(const struct validate_opts *o);

#endif
