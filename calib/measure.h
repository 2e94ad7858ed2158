/*
 * measure.h - `vsrcal measure`: run a plan's curves on the live domain.
 *
 * In rounds, one per repetition: each round sweeps the plan's offered
 * rates and runs, at each rate, every chosen curve in turn (so that a
 * host whose speed drifts affects all curves alike, and a slow spell
 * falls on one repetition of many points, not on all of a few): bind and
 * schedule the domain's threads as the curve says and set the generator
 * device's queue length, all through the journal; start the traffic, let
 * it settle for measure.settle_s, read every counter, wait
 * measure.point_s, read again and keep the differences; stop, let the
 * queues drain for measure.drain_s, and restore the host. With measure.extend,
 * the first round goes on past the last rate while the first curve still
 * keeps up with it (measure_next_rate()), and later rounds sweep as far.
 * A curve with rates of its own is measured at those only.
 * The host is also restored on error and on SIGINT, SIGTERM or SIGHUP.
 * Everything goes into the calibration database in one transaction, so
 * an interrupted measurement writes nothing.
 */
#ifndef VSRCAL_MEASURE_H
#define VSRCAL_MEASURE_H

#define MEASURE_MAX_CURVES 32

struct scenario_measure;
struct scenario_curve;
struct cpu_times;

struct measure_opts {
    const char *plan;
    const char *db;
    const char *journal;
    const char *const *curves; /* only these curves (none: all) */
    int ncurves;
    const char *notes;
    int idle_states; /* leave deep idle states allowed (see tune.h) */
};

/* Returns the exit status: 0, 1 (a failure of the host or a tool, or a
 * host not restored completely, interrupted or not), 2 (bad input) or 130
 * (interrupted, the host restored). */
int measure_main(const struct measure_opts *o);

/* Whether curve `c` is measured at the plan's rate number `r` (the
 * rates measure.extend adds come after measure.rates_kpps): at all of
 * them, or at the curve's own measure.rates_kpps. */
int measure_takes(const struct scenario_curve *c, int r);

/* The rate to measure after `kpps`, the last one so far, at which the
 * first curve forwarded fwd[0..reps-1] kpps: measure.extend's factor
 * times it while that curve was not saturated there on average
 * (MEASURED_SATURATED_LOSS, store.h) and the next rate is within
 * measure.extend's max_kpps; else 0 (also without measure.extend). */
double measure_next_rate(const struct scenario_measure *m, double kpps,
                         const double *fwd, int reps);

/* What each CPU spent between two readings of /proc/stat's per-CPU lines,
 * a[0..na) and then b[0..nb): out[] gets b - a for every CPU in both,
 * matched on its number (a CPU taken offline or brought online shifts
 * the lines). A CPU missing from either reading (offline then), or with
 * a counter lower in b than in a (as its idle time may be after it went
 * offline and back), is left out: no difference is ever negative.
 * Returns the number of entries in out (at most nb). */
int measure_cpu_deltas(const struct cpu_times *a, int na,
                       const struct cpu_times *b, int nb,
                       struct cpu_times *out);

/* 1 once SIGINT, SIGTERM or SIGHUP has arrived (set by the handler that
 * measure_main installs). */
int measure_interrupted(void);

#endif
