/*
 * explain.h - why one point of a curve forwards what it does: which
 * activity limits it, where packets are dropped, and how each core's time
 * divides between threads, interrupt work and idleness.
 *
 * The point is simulated as vsrsim run simulates it (same seeds, same
 * replications), watched by a trace (trace.h) that splits each core's
 * time per thread and class; the numbers are means over replications.
 */
#ifndef VSRSIM_EXPLAIN_H
#define VSRSIM_EXPLAIN_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "costmodel.h"
#include "scenario.h"
#include "stats.h"

/* A thread or core at least this busy is saturated ("at or near 100%"). */
#define EXPLAIN_SATURATED 0.95

/* What limits the point, in the order explain_decide() looks for it. */
enum explain_verdict {
    EXPLAIN_NO_LOSS, /* (nearly) everything offered is forwarded      */
    EXPLAIN_THREAD,  /* one thread is saturated                       */
    EXPLAIN_BUDGET,  /* a deadline thread is saturated by its budget  */
    EXPLAIN_CORE,    /* a core is saturated by several activities     */
    EXPLAIN_LINK,    /* the wire runs at line rate                    */
    EXPLAIN_QUEUE,   /* drops while nothing is saturated: bursts      */
};

struct explain {
    /* What was simulated. */
    char scenario[64];
    char curve[64];
    int reps;
    int64_t warmup_ns, measured_ns;
    double offered_kpps, sent_kpps, forwarded_kpps, ci99_kpps, loss;
    double line_kpps;
    struct stats_layout lay;
    uint64_t online;                          /* bit n: core n online */
    const char *kind[STATS_MAX_THREADS];      /* "vhost-net", ...     */
    const char *policy[STATS_MAX_THREADS];    /* its class: "fifo"... */
    int prio[STATS_MAX_THREADS];              /* fifo priority        */
    int64_t dl_runtime_ns[STATS_MAX_THREADS]; /* deadline: Q and T    */
    int64_t dl_period_ns[STATS_MAX_THREADS];
    uint64_t drains[STATS_MAX_THREADS]; /* bit q: takes from q  */
    uint32_t qcap[STATS_MAX_QUEUES];

    /* Fractions of the measured window, means over replications. */
    double frac[STATS_MAX_CORES][STATS_MAX_THREADS][CPU_NCLASS];
    double core[STATS_MAX_CORES][CPU_NCLASS];
    double thread[STATS_MAX_THREADS]; /* of one core, anywhere */
    double rt_throttled[STATS_MAX_CORES];
    double dl_throttled[STATS_MAX_THREADS];
    double drops_kpps[STATS_MAX_QUEUES];
    /* Per thread: switches in per packet forwarded, those after a
     * preemption, and moves between cores per second. */
    double slices_pp[STATS_MAX_THREADS];
    double preempted_pp[STATS_MAX_THREADS];
    double moves_ps[STATS_MAX_THREADS];

    /* The verdict and what it names (-1: nothing). */
    enum explain_verdict verdict;
    int core_id, thread_id, queue_id;
};

/* Simulate curve `curve` of s at `kpps` offered (every replication of the
 * scenario) and decide what limits it. */
void explain_point(struct explain *e, const struct scenario *s,
                   const struct costmodel *cm, int curve, double kpps);

/* Decide the verdict from the numbers in e (explain_point calls it). */
void explain_decide(struct explain *e);

/* Busy fraction of core c, and of thread t on core c. */
double explain_core_busy(const struct explain *e, int c);
double explain_on_core(const struct explain *e, int c, int t);

/* The verdict in one line of plain words, e.g. "vhost (vhost-net) is busy
 * 99.8% of core 2: it is the bottleneck; macvtap drops 312.0 kpps". */
void explain_sentence(const struct explain *e, char *buf, size_t len);

/* The verdict, then the tables: each core's time per activity, the drops
 * per queue, and how often each thread took turns (switched in, after a
 * preemption, moved). */
void explain_print(const struct explain *e, FILE *f);

/* vsrsim explain SCENARIO.cfg --curve NAME --rate KPPS [--set KEY=VALUE]...;
 * returns the exit status. */
int cmd_explain(int argc, char **argv);

#endif
