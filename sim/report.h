/*
 * report.h - the CSV of a sweep: one row per curve and offered rate.
 *
 * Columns: curve, offered_kpps, forwarded_kpps, ci99_kpps; then for every
 * core N coreN_busy, coreN_irq, coreN_sys, coreN_guest (fractions of time);
 * then busy:THREAD for every thread (fraction of one core); then
 * stddev_kpps, reps, loss, lat_p50_us, lat_p99_us, lat_mean_us,
 * drops_kpps:QUEUE for every queue and migrations:THREAD (per second).
 */
#ifndef VSRSIM_REPORT_H
#define VSRSIM_REPORT_H

#include <stddef.h>
#include <stdio.h>

#include "scenario.h"
#include "stats.h"

/* Write the CSV of all runs (in sweep order) to f. */
void report_csv(FILE *f, const struct scenario *s,
                const struct run_result *runs);

/* Write the CSV to the file `path`, through a temporary file renamed into
 * place so that a reader never sees half of it. Returns 0, or SIM_EIO with
 * one line in err. */
int report_csv_file(const char *path, const struct scenario *s,
                    const struct run_result *runs, char *err, size_t errlen);

#endif
