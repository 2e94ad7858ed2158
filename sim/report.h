/*
 * report.h - the CSV of a sweep: one row per curve and offered rate.
 *
 * Columns: curve, offered_kpps, forwarded_kpps, ci99_kpps; then for every
 * core N coreN_busy, coreN_irq, coreN_sys, coreN_guest (fractions of time);
 * then busy:THREAD for every thread (fraction of one core); then
 * stddev_kpps, reps, loss, lat_p50_us, lat_p99_us, lat_mean_us,
 * drops_kpps:QUEUE for every queue, migrations:THREAD (per second) and
 * slices:THREAD, the times per second a thread is switched in (from
 * another thread or from idle, as Linux's schedstat counts them), and
 * preempted:THREAD, how many of them per second follow a preemption or a
 * throttle rather than a sleep (Linux's involuntary switches).
 *
 * When the NDR/PDR search ran (vsrsim run --ndr), four columns follow:
 * ndr_kpps, ndr_loss, pdr_kpps, pdr_loss, the curve's no-drop and
 * partial-drop rates (ndr.h) and the loss simulated at each, the same on
 * every row of the curve. Columns are only ever added at the end (before
 * these four), so a reader that takes the columns it knows by position
 * keeps working.
 */
#ifndef VSRSIM_REPORT_H
#define VSRSIM_REPORT_H

#include <stddef.h>
#include <stdio.h>

#include "ndr.h"
#include "scenario.h"
#include "stats.h"

/* Write the CSV of all runs (in sweep order) to f. */
void report_csv(FILE *f, const struct scenario *s,
                const struct run_result *runs);

/* The same with the NDR/PDR columns of ndr[0 .. s->ncurves - 1]; with ndr
 * NULL exactly report_csv(). */
void report_csv_ndr(FILE *f, const struct scenario *s,
                    const struct run_result *runs,
                    const struct ndr_result *ndr);

/* The same from the summaries of the points, pts[curve * nrates + rate];
 * a point with no replication (reps 0) has no row. */
void report_csv_points(FILE *f, const struct scenario *s,
                       const struct point_summary *pts,
                       const struct ndr_result *ndr);

/* Write the CSV to the file `path`, through a temporary file renamed into
 * place so that a reader never sees half of it. Returns 0, or SIM_EIO with
 * one line in err. */
int report_csv_file(const char *path, const struct scenario *s,
                    const struct run_result *runs, char *err, size_t errlen);

/* report_csv_file() with the NDR/PDR columns (ndr may be NULL). */
int report_csv_file_ndr(const char *path, const struct scenario *s,
                        const struct run_result *runs,
                        const struct ndr_result *ndr, char *err,
                        size_t errlen);

/* report_csv_file_ndr() from the points' summaries. */
int report_csv_file_points(const char *path, const struct scenario *s,
                           const struct point_summary *pts,
                           const struct ndr_result *ndr, char *err,
                           size_t errlen);

#endif
