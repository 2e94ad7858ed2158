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

/* The folder of the gnuplot scripts: $VSRSIM_PLOTS if set, else plots/
 * beside the program's folder (a build tree), else the installed one under
 * VSRSIM_SHAREDIR. */
void plot_find_dir(char *out, size_t len);

/* Draw the curves of `csv_path` (the CSV vsrsim writes) into `out_path`,
 * a .png or .svg, with `title` on top, using plots/curves.gp found under
 * `plots_dir`. Returns 0, or SIM_EEXEC with a one-line message in `err`
 * (for a missing gnuplot the message says to install gnuplot-nox), or
 * SIM_EINPUT for an output name that is neither .png nor .svg. */
int plot_curves(const char *plots_dir, const char *csv_path,
                const char *out_path, const char *title, char *err,
                size_t errlen);

/* A gnuplot array of strings, `name` = [item[0], ...]. */
struct plot_array {
    const char *name;
    const char *const *item;
    int n;
};

/* Draw with plots/`script` under `plots_dir` into `out_path` (.png or
 * .svg). The script gets datafile, outfile, outformat, plottitle and the
 * `narrays` string arrays as gnuplot variables, then `vars`: further
 * assignments of numbers made by the caller (e.g. "ncores = 4"), or NULL.
 * Returns as plot_curves does. */
int plot_script(const char *plots_dir, const char *script,
                const char *data_path, const char *out_path,
                const char *title, const struct plot_array *arrays,
                int narrays, const char *vars, char *err, size_t errlen);

#endif
