/*
 * runs.h - the runs of a sweep: their numbers, subsets, and the rounds of
 * sequential stopping.
 *
 * A run is one replication `rep` of one curve at one offered rate (a
 * point, numbered point = curve * nrates + rate). Its number in the sweep
 * is point * cap + rep, where cap is the replications per point (the
 * scenario's, or the most that --ci-width may reach): the numbers stay the
 * same whatever subset of the sweep runs, in one process or many, as
 * OMNeT++'s run numbers do. `vsrsim list` prints them, `vsrsim run -r`
 * takes a filter of them ("0..9,15,20..").
 *
 * A round is a list of runs in increasing number, kept as segments (reps
 * k0 .. k1-1 of one point), so that a sweep of any size costs memory in
 * points, not runs.
 */
#ifndef VSRSIM_RUNS_H
#define VSRSIM_RUNS_H

#include <stdint.h>

#include "costmodel.h"
#include "scenario.h"
#include "stats.h"

/* A set of run numbers: ranges lo .. hi, both included. */
struct run_filter {
    int n;
    struct {
        int64_t lo, hi;
    } r[64];
};

/* Parse "N", "A..B", "A.." and "..B" separated by commas. Returns 0, or -1
 * when the text is not such a list. */
int runs_parse_filter(const char *text, struct run_filter *f);

struct run_seg {
    int point;
    int k0, k1; /* reps k0 .. k1-1 */
};

struct run_round {
    int nseg;
    struct run_seg *seg;
    int64_t *start; /* [nseg + 1]: index of each segment's first task */
    int64_t ntask;
};

/* One run of a round. */
struct run_id {
    int curve, rate, rep, point;
    int64_t number;
};

/* The first round: reps 0 .. reps-1 of every point of `s`, numbered with
 * `cap` replications per point, keeping only runs in `f` (NULL: all). */
void runs_first_round(const struct scenario *s, int reps, int cap,
                      const struct run_filter *f, struct run_round *out);

/* Sequential stopping: after the points' totals `acc` (one per point),
 * the round of further replications for every point whose 99% interval
 * is still wider than the target: `width` kpps, or with `relative` that
 * fraction of the point's mean. A point grows towards the replications
 * its interval says it needs, at most doubling and at most to `cap`; one
 * with a single replication, which has no interval yet, grows to two.
 * Returns the number of runs of the new round (0: the sweep is done). */
int64_t runs_next_round(const struct scenario *s, const struct stats_acc *acc,
                        double width, int relative, int cap,
                        struct run_round *out);

/* Task i of a round. */
void runs_task(const struct scenario *s, const struct run_round *rd, int cap,
               int64_t i, struct run_id *out);

void runs_round_free(struct run_round *rd);

/* The run's name, "NAME-curve-rate-rep". */
void runs_name(const struct scenario *s, const struct run_id *id, char *buf,
               size_t n);

/* What every run of the sweep depends on, as text: the scenario without
 * its number of replications, the cost model, the program version and the
 * layout of a result record. Runs of equal key and name have equal
 * results. */
void runs_key(const struct scenario *s, const struct costmodel *cm,
              char *buf, size_t n);

/* The commands (cmd_run.c): `vsrsim run`, `vsrsim list`, `vsrsim merge`.
 * Each returns the exit status. */
int cmd_run(int argc, char **argv);
int cmd_list(int argc, char **argv);
int cmd_merge(int argc, char **argv);

#endif
