/*
 * search.h - the best binding of a curve's threads, by simulation.
 *
 * A candidate places the NIC's interrupt and every thread of one curve on
 * one online core each (and, when asked, gives threads FIFO priorities and
 * CBS budgets from given sets). Cores are identical, so candidates that
 * differ only by a renaming of cores are one candidate. Candidates are
 * simulated coarsely first, then the best at the scenario's own fidelity,
 * and ranked by peak forwarded rate, overload value or CPU spent.
 */
#ifndef VSRSIM_SEARCH_H
#define VSRSIM_SEARCH_H

#include <stdint.h>
#include <stdio.h>

#include "costmodel.h"
#include "scenario.h"
#include "vsr.h"

#define SEARCH_MAX_ITEMS (1 + VSR_MAX_THREADS) /* the IRQ, then threads */
#define SEARCH_MAX_PRIOS 8
#define SEARCH_MAX_BUDGETS 16
#define SEARCH_MAX_CANDIDATES 50000
#define SEARCH_PHASES 3
#define SEARCH_PEAK_SLACK 0.1 /* rates within 10% of the refined peak */

/* What ranks candidates: the highest mean forwarded rate over the offered
 * rates; the mean forwarded rate at the highest offered rate; or, among
 * candidates that sustain a target rate, the fewest busy cores there. */
enum search_rank { SEARCH_PEAK, SEARCH_OVERLOAD, SEARCH_CPU };

/* A candidate. label[0] is the core label of the NIC IRQ, label[1 + t] that
 * of thread t; labels are numbered in order of first use, so label[0] is
 * always 0 (a restricted growth string: no two candidates are the same up
 * to renaming cores). prio[t] is thread t's SCHED_FIFO priority, 0 for CFS,
 * when the search sets priorities; budget[t] the index of its CBS runtime
 * in the budget set, for deadline threads when the search sets budgets. */
struct search_candidate {
    uint8_t label[SEARCH_MAX_ITEMS];
    uint8_t prio[VSR_MAX_THREADS];
    uint8_t budget[VSR_MAX_THREADS];
};

/* What is searched. */
struct search_opts {
    const char *curve; /* curve name; NULL: the first                  */
    enum search_rank rank;
    double target_kpps; /* SEARCH_CPU: the rate to sustain             */
    int top;            /* candidates simulated at full fidelity       */
    int nprio;          /* 0: keep the curve's policies; else every    */
    int prio[SEARCH_MAX_PRIOS]; /* non-deadline thread gets one of     */
                                /* these FIFO priorities, 0 for CFS    */
    int nbudget; /* 0: keep the curve's CBS runtimes; else      */
    double budget_ms[SEARCH_MAX_BUDGETS]; /* deadline threads get one  */
    int jobs;
    int progress; /* progress lines on stderr                          */
};

/* The space of one search: label k runs on core[k]. core[0] is the
 * curve's irq core, so the interrupt never moves; the other labels take
 * the other online cores in ascending order. */
struct search_space {
    int nthreads;
    int ncores; /* online cores = labels available */
    int core[STATS_MAX_CORES];
    int nfifo;                  /* FIFO levels, 0: policies kept       */
    int fifo[SEARCH_MAX_PRIOS]; /* their priorities, highest first     */
    int cfs;                    /* CFS is one of the choices          */
    int nbudget;
    double budget_ms[SEARCH_MAX_BUDGETS];
};

/* One candidate's score in one phase. */
struct search_score {
    int cand;           /* index in the candidates, -1: the curve as given */
    double value;       /* kpps (peak, overload) or busy cores (cpu)       */
    double ci99;        /* half-width of its 99% interval                  */
    double at_kpps;     /* the offered rate it was taken at                */
    double fwd_kpps;    /* forwarded there                                 */
    int sustained;      /* SEARCH_CPU: loss within the phase's limit;
                           always 1 for the other ranks                    */
    double key;         /* what ranks it among those alike in sustained:
                           higher is better                                */
    uint64_t near_peak; /* SEARCH_PEAK: the rates (bits of the phase's
                           list) whose mean came within
                           SEARCH_PEAK_SLACK of the peak                */
};

/* How one phase simulates. Rates are kpps; seed_rate[r] is the rate's
 * index in the scenario (the scenario's own seeds), or nrates for a target
 * rate the scenario does not list. */
struct search_phase {
    const char *name;
    int ncand; /* candidates simulated, the curve as given aside */
    int nrates;
    double rate_kpps[SCENARIO_MAX_RATES];
    int seed_rate[SCENARIO_MAX_RATES];
    int reps;
    int64_t warmup_ns, duration_ns;
    double max_loss; /* SEARCH_CPU: loss that still sustains */
    int near_peak;   /* each candidate runs only the rates near its
                        peak in the phase before                        */
    int points;      /* (candidate, rate) points simulated              */
};

struct search_result {
    const struct scenario *s;
    int curve; /* index of the searched curve */
    struct search_opts o;
    struct search_space sp;
    int ncand;
    struct search_candidate *cand;
    int nphases;
    struct search_phase phase[SEARCH_PHASES];
    struct search_score *score[SEARCH_PHASES]; /* best first            */
    struct search_score given[SEARCH_PHASES];  /* the curve as given    */
    int given_rank[SEARCH_PHASES]; /* the rank it would take there      */
    struct vsr_config best;        /* the winner's configuration        */
};

/* ---- Candidates --------------------------------------------------- */

/* Placements of `nitems` items on `ncores` identical cores, distinct up to
 * renaming cores: returns how many there are (sum of Stirling numbers
 * S(nitems, k), k <= ncores; LONG_MAX when more) and writes the first
 * `max` of them, in lexicographic order, to out unless out is NULL (which
 * only counts, at once). */
long search_placements(int nitems, int ncores, uint8_t (*out)[SEARCH_MAX_ITEMS],
                       long max);

/* The space of searching curve `curve` of s as o says. Returns 0, or
 * SIM_EINPUT with one line in err (budgets without a deadline thread or
 * above its period, a curve routed by the host, ...). */
int search_space_init(struct search_space *sp, const struct vsr_config *cfg,
                      const struct search_opts *o, char *err, size_t errlen);

/* Every candidate of sp for cfg into a new array *out (free()). Returns
 * their number, or SIM_EINPUT with one line in err when there are more
 * than SEARCH_MAX_CANDIDATES. */
int search_candidates(const struct search_space *sp,
                      const struct vsr_config *cfg,
                      struct search_candidate **out, char *err, size_t errlen);

/* cfg with candidate c applied (cores, IRQ core, priorities, budgets). */
void search_apply(const struct search_space *sp, const struct vsr_config *cfg,
                  const struct search_candidate *c, struct vsr_config *out);

/* ---- Search -------------------------------------------------------- */

/* Search the curve o->curve of s: every candidate in the screening phase,
 * the best max(4 top, 16) refined, the best `top` at the scenario's own
 * fidelity; the curve as given is simulated alongside in each phase.
 * Phases that would keep every candidate are left out. The result is the
 * same bytes whatever o->jobs is. Returns 0, SIM_EINPUT with one line in
 * err, or SIM_EIO when a worker fails. */
int search_run(const struct scenario *s, const struct costmodel *cm,
               const struct search_opts *o, struct search_result *r, char *err,
               size_t errlen);

void search_result_clear(struct search_result *r);

/* ---- Output -------------------------------------------------------- */

/* What was searched, how each phase simulated, and the final phase's
 * ranking as a table (the curve as given in its last row). */
void search_print(FILE *f, const struct search_result *r);

/* The winner as a libconfig `threads = { ... };` fragment a scenario can
 * @include, with a comment of where it came from. */
void search_write_fragment(FILE *f, const struct search_result *r);

/* The winner as libvirt <cputune> XML, one per VM: vcpupin and vcpusched
 * for vCPUs, emulatorpin (and iothreadpin for a VM's further io threads)
 * for QEMU's I/O thread, comments with the commands for what libvirt
 * cannot set (vhost-net workers, SCHED_DEADLINE, the NIC IRQ). */
void search_write_cputune(FILE *f, const struct search_result *r);

/* `vsrsim search SCENARIO.cfg [options]` (cmd_search.c). Returns the exit
 * status: 0, 1 when a run or an output failed, 2 on bad input. */
int cmd_search(int argc, char **argv);

#endif
