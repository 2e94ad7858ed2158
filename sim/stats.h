/*
 * stats.h - what one simulation run measures, and how runs are summarised.
 *
 * A run is one replication of one curve at one offered rate. Its record is a
 * flat, fixed-size struct (no pointers) so that worker processes can send it
 * through a pipe and the parent can store runs in a fixed order, whatever
 * --jobs is. All times are nanoseconds inside the measured window.
 */
#ifndef VSRSIM_STATS_H
#define VSRSIM_STATS_H

#include <stdint.h>

#define STATS_MAX_CORES 16
#define STATS_MAX_THREADS 32
#define STATS_MAX_QUEUES 48
#define STATS_NAME_LEN 32
#define STATS_LAT_BUCKETS 64 /* log2 buckets of latency in ns */

/* What a core's busy time is counted as (as top and /proc/stat do). */
enum cpu_class { CPU_IRQ, CPU_SYS, CPU_GUEST, CPU_NCLASS };

/* Names of the entities of one curve; the same for every run of the curve. */
struct stats_layout {
    int ncores;
    int nthreads;
    int nqueues;
    char thread_name[STATS_MAX_THREADS][STATS_NAME_LEN];
    char queue_name[STATS_MAX_QUEUES][STATS_NAME_LEN];
};

/* The record of one run. */
struct run_result {
    int64_t measured_ns;      /* length of the measured window            */
    uint64_t offered_pkts;    /* sent by the generator in the window      */
    uint64_t forwarded_pkts;  /* left the host's tx NIC in the window     */
    uint64_t events;          /* events executed over the whole run       */
    int64_t core_ns[STATS_MAX_CORES][CPU_NCLASS];
    int64_t thread_ns[STATS_MAX_THREADS];
    int64_t thread_migrations[STATS_MAX_THREADS];
    int64_t thread_slices[STATS_MAX_THREADS]; /* times switched in   */
    int64_t thread_preempted[STATS_MAX_THREADS]; /* ... after a       */
                                                 /* preemption        */
    uint64_t drops[STATS_MAX_QUEUES];
    uint64_t lat_hist[STATS_LAT_BUCKETS]; /* bucket b: [2^b, 2^(b+1)) ns  */
    uint64_t lat_count;
    double lat_sum_ns;
    double lat_sumsq_ns;
    int64_t lat_min_ns;
    int64_t lat_max_ns;
};

/* Summary over the replications of one point (curve, offered rate). */
struct point_summary {
    double offered_kpps;
    double sent_kpps;      /* what reached the router: the offered rate, */
                           /* capped at the line rate, or what a local    */
                           /* generator could send into a full TAP        */
    double forwarded_kpps; /* mean over replications                      */
    double ci99_kpps;      /* half-width of the 99% Student t interval    */
    double stddev_kpps;
    int reps;
    double core_frac[STATS_MAX_CORES][CPU_NCLASS];
    double thread_frac[STATS_MAX_THREADS];
    double drops_kpps[STATS_MAX_QUEUES];
    double loss_frac;    /* 1 - forwarded / sent                         */
    double lat_p50_us;   /* percentiles of the pooled histogram          */
    double lat_p99_us;
    double lat_mean_us;
    double migrations_ps[STATS_MAX_THREADS]; /* per thread, per second  */
    double slices_ps[STATS_MAX_THREADS];     /* switches in, per second */
    double preempted_ps[STATS_MAX_THREADS];  /* ... after a preemption  */
};

/* Running totals of a point's replications. Records are added one at a
 * time, in replication order, so that a sweep need not keep them; the
 * summary of the records added so far can be taken at any time. */
struct stats_acc {
    int n;
    double mean, m2; /* Welford's recurrence over forwarded kpps */
    double offered_kpps;
    double core_frac[STATS_MAX_CORES][CPU_NCLASS];
    double thread_frac[STATS_MAX_THREADS];
    double migrations_ps[STATS_MAX_THREADS];
    double slices_ps[STATS_MAX_THREADS];
    double preempted_ps[STATS_MAX_THREADS];
    double drops_kpps[STATS_MAX_QUEUES];
    uint64_t lat_hist[STATS_LAT_BUCKETS];
    uint64_t lat_count;
    double lat_sum_ns;
};

/* Fraction of time core `n` was busy at a point, whatever the class. */
static inline double stats_core_busy(const struct point_summary *p, int n)
{
    return p->core_frac[n][CPU_IRQ] + p->core_frac[n][CPU_SYS] +
           p->core_frac[n][CPU_GUEST];
}

/* Add a latency sample of `ns` nanoseconds to a run record. */
void stats_add_latency(struct run_result *r, int64_t ns);

/* Add n samples at once, the same as stats_add_latency() of each in turn:
 * packet j (0-based), born at birth[j], left at out_ns + j * step_ns. */
void stats_add_latencies(struct run_result *r, const int64_t *birth, uint32_t n,
                         int64_t out_ns, int64_t step_ns);

/* Reset a run record (latency minimum to INT64_MAX, everything else 0). */
void stats_clear(struct run_result *r);

/* Start, extend and read a point's running totals; `offered_kpps` is the
 * point's nominal rate, reported as its offered rate. */
void stats_acc_init(struct stats_acc *a);
void stats_acc_add(struct stats_acc *a, const struct stats_layout *lay,
                   const struct run_result *r);
void stats_acc_summary(const struct stats_acc *a,
                       const struct stats_layout *lay, double offered_kpps,
                       struct point_summary *out);

/* Summarise `n` runs of one point (the running totals of all of them). Uses GSL's t quantile for the 99% CI
 * (0 when n < 2). */
void stats_summarise(const struct stats_layout *lay,
                     const struct run_result *runs, int n, double offered_kpps,
                     struct point_summary *out);

/* Student's t quantile for a two-sided 99% interval with `dof` degrees of
 * freedom (dof >= 1). */
double stats_t99(int dof);

/* Half-width of the 99% Student t confidence interval of a mean of `n`
 * values with sample standard deviation `stddev` (0 when n < 2). */
double stats_ci99(double stddev, int n);

/* The least-squares line y = c0 + c1 x through n >= 2 points: its slope
 * c1 and its R^2 (0 when the y are all equal). */
void stats_fit_line(const double *x, const double *y, int n, double *slope,
                    double *r2);

/* The p-quantile (0..1) of a latency histogram, in nanoseconds, linearly
 * interpolated inside the log2 bucket. 0 when the histogram is empty. */
double stats_hist_quantile(const uint64_t *hist, uint64_t count, double p);

#endif
