/*
 * paper.h - `vsrsim paper`: every paper figure, its plot, and a report of
 * every claim.
 *
 * Runs each scenario of the models folder at full fidelity (its own
 * replications and seed, unless --set overrides them), writes
 * OUT/results/paper/NAME.csv and OUT/plots/paper/NAME.png, decides the
 * claims of sim/claims.c and writes OUT/plots/paper/report.md: for each
 * claim its id, the paper's statement (read from the claims spec at run
 * time), the figure measured, the result and links to the plots.
 */
#ifndef VSRSIM_PAPER_H
#define VSRSIM_PAPER_H

#include "args.h"

#define PAPER_MAX_ONLY 64

struct paper_opts {
    const char *out;       /* root of results/paper and plots/paper   */
    const char *models;    /* folder of the figNN.cfg scenarios       */
    const char *spec;      /* paper-claims.md                         */
    const char *commit;    /* source revision named in the report     */
    const char *version;   /* vsrsim version                          */
    const char *plots_dir; /* where plots/curves.gp is                */
    int jobs;
    int progress; /* progress lines on stderr                */
    int nonly;    /* figures to run; 0: all                  */
    const char *only[PAPER_MAX_ONLY];
    struct args_set set; /* overrides of every scenario (--set) */
};

/* Run it all. Returns the exit status: 0, 1 when a run or an output
 * failed (the report is still written), 2 for bad input, refused with one
 * line on stderr before anything is run or written. */
int paper_run(const struct paper_opts *o);

#endif
