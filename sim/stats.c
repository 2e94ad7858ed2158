/*
 * stats.c - latency histograms and the summary of a point's replications.
 *
 * Latencies go into fixed log2 buckets (no per-packet storage); the mean
 * and variance of the forwarded rate over replications use Welford's
 * recurrence, and the 99% confidence interval GSL's Student t quantile;
 * the claims' straight lines are GSL's least-squares fits.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_fit.h>
#include <gsl/gsl_statistics_double.h>

#include "err.h"
#include "stats.h"

void stats_clear(struct run_result *r)
{
    memset(r, 0, sizeof *r);
    r->lat_min_ns = INT64_MAX;
}

/* The log2 bucket of a latency (>= 1 ns). */
static inline int lat_bucket(int64_t ns)
{
    int b = 63 - __builtin_clzll((uint64_t)ns);
    return b < STATS_LAT_BUCKETS ? b : STATS_LAT_BUCKETS - 1;
}

/* The sums and extremes are kept in locals over the batch: in the record
 * they would make every sample wait for the previous one's store. The
 * additions are the same, in the same order, as one stats_add_latency()
 * per sample, so the sums are the same to the last bit. */
void stats_add_latencies(struct run_result *r, const int64_t *birth, uint32_t n,
                         int64_t out_ns, int64_t step_ns)
{
    double sum = r->lat_sum_ns, sumsq = r->lat_sumsq_ns;
    int64_t lo = r->lat_min_ns, hi = r->lat_max_ns;
    for (uint32_t j = 0; j < n; j++, out_ns += step_ns) {
        int64_t ns = out_ns - birth[j];
        if (ns < 1)
            ns = 1;
        r->lat_hist[lat_bucket(ns)]++;
        sum += (double)ns;
        sumsq += (double)ns * (double)ns;
        lo = ns < lo ? ns : lo;
        hi = ns > hi ? ns : hi;
    }
    r->lat_count += n;
    r->lat_sum_ns = sum;
    r->lat_sumsq_ns = sumsq;
    r->lat_min_ns = lo;
    r->lat_max_ns = hi;
}

void stats_add_latency(struct run_result *r, int64_t ns)
{
    const int64_t born = 0;
    stats_add_latencies(r, &born, 1, ns, 0);
}

double stats_t99(int dof)
{
    return gsl_cdf_tdist_Pinv(0.995, dof);
}

double stats_ci99(double stddev, int n)
{
    return n > 1 ? stats_t99(n - 1) * stddev / sqrt(n) : 0;
}

void stats_fit_line(const double *x, const double *y, int n, double *slope,
                    double *r2)
{
    double c0, cov00, cov01, cov11, sumsq;
    gsl_fit_linear(x, 1, y, 1, (size_t)n, &c0, slope, &cov00, &cov01, &cov11,
                   &sumsq);
    double tss = gsl_stats_tss(y, 1, (size_t)n);
    *r2 = tss > 0 ? 1 - sumsq / tss : 0;
}

double stats_hist_quantile(const uint64_t *hist, uint64_t count, double p)
{
    if (count == 0)
        return 0;
    double target = p * (double)count;
    double seen = 0;
    for (int b = 0; b < STATS_LAT_BUCKETS; b++) {
        if (hist[b] == 0)
            continue;
        if (seen + (double)hist[b] >= target) {
            double lo = ldexp(1.0, b), frac = (target - seen) / hist[b];
            return lo + frac * lo; /* bucket b spans [2^b, 2^(b+1)) */
        }
        seen += (double)hist[b];
    }
    return ldexp(1.0, STATS_LAT_BUCKETS);
}

void stats_acc_init(struct stats_acc *a)
{
    memset(a, 0, sizeof *a);
}

void stats_acc_add(struct stats_acc *a, const struct stats_layout *lay,
                   const struct run_result *r)
{
    double sec = (double)r->measured_ns * 1e-9;
    double x = (double)r->forwarded_pkts / sec / 1e3;
    double d = x - a->mean;
    a->n++;
    a->mean += d / a->n;
    a->m2 += d * (x - a->mean);
    a->offered_kpps += (double)r->offered_pkts / sec / 1e3;
    for (int c = 0; c < lay->ncores; c++)
        for (int k = 0; k < CPU_NCLASS; k++)
            a->core_frac[c][k] +=
                (double)r->core_ns[c][k] / (double)r->measured_ns;
    for (int t = 0; t < lay->nthreads; t++) {
        a->thread_frac[t] += (double)r->thread_ns[t] / (double)r->measured_ns;
        a->migrations_ps[t] += (double)r->thread_migrations[t] / sec;
        a->slices_ps[t] += (double)r->thread_slices[t] / sec;
        a->preempted_ps[t] += (double)r->thread_preempted[t] / sec;
    }
    for (int q = 0; q < lay->nqueues; q++)
        a->drops_kpps[q] += (double)r->drops[q] / sec / 1e3;
    for (int b = 0; b < STATS_LAT_BUCKETS; b++)
        a->lat_hist[b] += r->lat_hist[b];
    a->lat_count += r->lat_count;
    a->lat_sum_ns += r->lat_sum_ns;
}

void stats_acc_summary(const struct stats_acc *a,
                       const struct stats_layout *lay, double offered_kpps,
                       struct point_summary *out)
{
    int n = a->n;
    memset(out, 0, sizeof *out);
    out->offered_kpps = offered_kpps;
    out->reps = n;
    if (n == 0)
        return;
    for (int c = 0; c < lay->ncores; c++)
        for (int k = 0; k < CPU_NCLASS; k++)
            out->core_frac[c][k] = a->core_frac[c][k] / n;
    for (int t = 0; t < lay->nthreads; t++) {
        out->thread_frac[t] = a->thread_frac[t] / n;
        out->migrations_ps[t] = a->migrations_ps[t] / n;
        out->slices_ps[t] = a->slices_ps[t] / n;
        out->preempted_ps[t] = a->preempted_ps[t] / n;
    }
    for (int q = 0; q < lay->nqueues; q++)
        out->drops_kpps[q] = a->drops_kpps[q] / n;
    out->forwarded_kpps = a->mean;
    if (n > 1) {
        out->stddev_kpps = sqrt(a->m2 / (n - 1));
        out->ci99_kpps = stats_ci99(out->stddev_kpps, n);
    }
    double offered = a->offered_kpps / n;
    out->sent_kpps = offered;
    out->loss_frac = offered > 0 ? 1.0 - a->mean / offered : 0;
    if (out->loss_frac < 0)
        out->loss_frac = 0;
    out->lat_p50_us = stats_hist_quantile(a->lat_hist, a->lat_count, 0.50) / 1e3;
    out->lat_p99_us = stats_hist_quantile(a->lat_hist, a->lat_count, 0.99) / 1e3;
    out->lat_mean_us =
        a->lat_count ? a->lat_sum_ns / (double)a->lat_count / 1e3 : 0;
}

void stats_summarise(const struct stats_layout *lay,
                     const struct run_result *runs, int n, double offered_kpps,
                     struct point_summary *out)
{
    struct stats_acc *a = xmalloc(sizeof *a);
    stats_acc_init(a);
    for (int i = 0; i < n; i++)
        stats_acc_add(a, lay, &runs[i]);
    stats_acc_summary(a, lay, offered_kpps, out);
    free(a);
}
