/*
 * plot.h - drawing forwarding curves through gnuplot.
 *
 * The only module that runs gnuplot. It starts `gnuplot` with execvp and a
 * fixed argument vector (never a shell), passing the data file and output
 * path as gnuplot variables to a script in plots/.
 */
#ifndef VSRSIM_PLOT_H
#define VSRSIM_PLOT_H

#include <stddef.h>

/* Draw the curves of `csv_path` (the CSV vsrsim writes) into `out_path`,
 * a .png or .svg, with `title` on top, using plots/curves.gp found under
 * `plots_dir`. Returns 0, or SIM_EEXEC with a one-line message in `err`
 * (for a missing gnuplot the message says to install gnuplot-nox), or
 * SIM_EINPUT for an output name that is neither .png nor .svg. */
int plot_curves(const char *plots_dir, const char *csv_path,
                const char *out_path, const char *title, char *err,
                size_t errlen);

#endif
