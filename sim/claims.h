/*
 * claims.h - the paper's claims as checks on simulated curves.
 *
 * One table holds every claim of ../shared/spec/paper-claims.md that
 * vsrsim can decide: its id, the scenarios (models/paper/figNN.cfg) it
 * reads and a check that turns their summaries into verdicts. Two programs
 * use it: tests/test_claims.c (one cmocka test per claim) and `vsrsim
 * paper` (every figure at full fidelity, a CSV and a plot each, and a
 * report of every claim).
 *
 * Figures are held in a context that loads and runs each scenario once,
 * the way `vsrsim run` does (scenario, cost model, sweep, summaries), when
 * a claim first needs it. A claim whose scenario file does not exist is not
 * run; one whose scenario cannot be loaded or run fails, as does one that
 * does not find a curve, rate or thread it reads: known failing or not,
 * such a claim was not decided.
 */
#ifndef VSRSIM_CLAIMS_H
#define VSRSIM_CLAIMS_H

#include <stddef.h>

#include "costmodel.h"
#include "scenario.h"
#include "stats.h"

#define CLAIMS_MAX_FIGS 64
#define CLAIMS_FIG_NAME 32
#define CLAIMS_MSG_LEN 256

enum claims_fig_state {
    CLAIMS_FIG_NEW,      /* nothing tried yet                           */
    CLAIMS_FIG_MISSING,  /* no scenario file                            */
    CLAIMS_FIG_EXCLUDED, /* left out by the caller (vsrsim paper --only) */
    CLAIMS_FIG_BAD,      /* cannot be loaded or run: see err            */
    CLAIMS_FIG_LOADED,   /* scenario and cost model read                */
    CLAIMS_FIG_RUN,      /* every run done and summarised               */
};

/* One figure: the scenario models/paper/NAME.cfg and, once run, its runs
 * (in sweep order) and the summary of every point. */
struct claims_fig {
    char name[CLAIMS_FIG_NAME]; /* "fig02"                               */
    char path[600];
    enum claims_fig_state state;
    char err[2048];
    struct scenario s;
    struct costmodel cm;
    struct run_result *runs;
    struct point_summary (*pt)[SCENARIO_MAX_RATES]; /* [curve][rate]      */
};

/* The figures of one folder, kept in name order. */
struct claims_ctx {
    char dir[512]; /* the folder of the figNN.cfg scenarios */
    int jobs;      /* worker processes per sweep            */
    int progress;  /* progress lines on stderr              */
    const char *const *set; /* overrides for every scenario (--set) */
    int nset;
    int nfigs;
    struct claims_fig *fig[CLAIMS_MAX_FIGS];
};

/* One verdict of a check: a claim may be decided at several points. */
struct claim_line {
    int ok;
    int known; /* listed as known failing: reported, not held against;
                  never set on a line saying the claim was not decided */
    char msg[CLAIMS_MSG_LEN];
};

enum claim_status {
    CLAIM_PASS,
    CLAIM_FAIL,       /* a verdict fails that is not known failing  */
    CLAIM_KNOWN_FAIL, /* every failing verdict is known failing     */
    CLAIM_NOT_RUN,
};

struct claim_result {
    enum claim_status status;
    char why[CLAIMS_MSG_LEN];     /* for NOT RUN: what is missing        */
    char summary[CLAIMS_MSG_LEN]; /* one line over all verdicts, or ""   */
    int nlines;
    struct claim_line *line;
};

struct claim_out;

struct claim {
    const char *id;      /* "C2.1", as in paper-claims.md          */
    const char *figs[4]; /* figures read, NULL-ended; none: all    */
    void (*check)(struct claims_ctx *cx, struct claim_out *o);
};

extern const struct claim claims[];
extern const int nclaims;

/* Start a context for the scenarios in `dir`, with the figures every claim
 * names already listed. */
void claims_init(struct claims_ctx *cx, const char *dir, int jobs,
                 int progress);

void claims_clear(struct claims_ctx *cx);

/* The figure called `name`, listed (not loaded) if it was not yet. */
struct claims_fig *claims_figure(struct claims_ctx *cx, const char *name);

/* Read the figure's scenario, with cx's overrides, and its cost model.
 * Returns 0; 1 when the file does not exist; SIM_EINPUT with fig->err for
 * a bad scenario or cost model. Does nothing for a figure already loaded. */
int claims_load(const struct claims_ctx *cx, struct claims_fig *fig);

/* Load (if needed) and run every run of the figure, then summarise each
 * point. Returns 0, 1 for a missing or excluded figure, or a SIM_E* code
 * with fig->err. Does nothing for a figure already run. */
int claims_run(struct claims_ctx *cx, struct claims_fig *fig);

/* Decide `c`, running the figures it needs. Free with claim_result_clear. */
void claims_eval(struct claims_ctx *cx, const struct claim *c,
                 struct claim_result *r);

void claim_result_clear(struct claim_result *r);

/* Whether known_failing[] lists claim `c` as decided in `r`: whole (one
 * the model does not reproduce yet, reported but not held against it), or
 * on a figure one of its verdicts was on (such entries set
 * claim_line.known). */
int claims_listed_known(const struct claim *c, const struct claim_result *r);

#endif
