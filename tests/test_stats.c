/*
 * test_stats.c - run summaries and latency histograms of stats.[ch].
 *
 * Run records are made by hand with round numbers, so each expected value
 * (mean rate, 99% Student t half-width, per-core and per-thread fractions,
 * histogram quantiles) is computed here independently, the t quantile with
 * GSL and once as a literal from the tables. Each test checks one property.
 */
#include <inttypes.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "check.h"
#include <gsl/gsl_cdf.h>

#include "stats.h"

#define NRUNS 10

/* Forwarded rates of the ten runs, in kpps. */
static const double rate_kpps[NRUNS] = {100, 104, 98,  101, 97,
                                        103, 99,  102, 96,  100};

static struct run_result runs[NRUNS];
static struct stats_layout lay;

/* Ten runs of 2 s at 120 kpps offered; core and thread times in whole
 * milliseconds chosen so that their fractions are simple. */
static int make_runs(void **state)
{
    (void)state;
    memset(&lay, 0, sizeof lay);
    lay.ncores = 2;
    lay.nthreads = 2;
    lay.nqueues = 1;
    for (int i = 0; i < NRUNS; i++) {
        struct run_result *r = &runs[i];
        stats_clear(r);
        r->measured_ns = 2 * SEC;
        r->offered_pkts = 240000;
        r->forwarded_pkts = (uint64_t)(rate_kpps[i] * 2e3);
        /* core 0: irq 10% in even runs, 30% in odd ones -> mean 20%. */
        r->core_ns[0][CPU_IRQ] = (i % 2 ? 600 : 200) * 1000000LL;
        r->core_ns[0][CPU_SYS] = 500 * 1000000LL;          /* 25% */
        r->core_ns[1][CPU_GUEST] = 1500 * 1000000LL;       /* 75% */
        r->thread_ns[0] = 1000 * 1000000LL;                /* 50% */
        r->thread_ns[1] = (i < 5 ? 400 : 800) * 1000000LL; /* mean 30% */
        r->drops[0] = 20000;                               /* 10 kpps */
    }
    return 0;
}

static double sample_mean(void)
{
    double s = 0;
    for (int i = 0; i < NRUNS; i++)
        s += rate_kpps[i];
    return s / NRUNS;
}

static double sample_sd(void)
{
    double m = sample_mean(), s = 0;
    for (int i = 0; i < NRUNS; i++)
        s += (rate_kpps[i] - m) * (rate_kpps[i] - m);
    return sqrt(s / (NRUNS - 1));
}

/* ---- Rates and confidence intervals ----------------------------------- */

static void mean_forwarded_rate(void **state)
{
    (void)state;
    struct point_summary ps;
    stats_summarise(&lay, runs, NRUNS, 120, &ps);
    assert_near(ps.forwarded_kpps, sample_mean(), 1e-9);
}

static void stddev_of_forwarded_rate(void **state)
{
    (void)state;
    struct point_summary ps;
    stats_summarise(&lay, runs, NRUNS, 120, &ps);
    assert_near(ps.stddev_kpps, sample_sd(), 1e-9);
}

static void ci99_is_t_quantile_times_standard_error(void **state)
{
    (void)state;
    struct point_summary ps;
    stats_summarise(&lay, runs, NRUNS, 120, &ps);
    double want = gsl_cdf_tdist_Pinv(0.995, NRUNS - 1) * sample_sd() /
                  sqrt((double)NRUNS);
    assert_near(ps.ci99_kpps, want, 1e-9);
}

static void ci99_uses_t_quantile_3_2498355_for_ten_runs(void **state)
{
    (void)state;
    struct point_summary ps;
    stats_summarise(&lay, runs, NRUNS, 120, &ps);
    double t = ps.ci99_kpps / (sample_sd() / sqrt((double)NRUNS));
    assert_near(t, 3.2498355, 5e-7);
}

static void ci99_of_three_runs(void **state)
{
    (void)state;
    struct point_summary ps;
    stats_summarise(&lay, runs, 3, 120, &ps);
    /* Runs 100, 104, 98: mean 302/3, s = sqrt(56/3 / 2). */
    double s = sqrt((pow(100 - 302.0 / 3, 2) + pow(104 - 302.0 / 3, 2) +
                     pow(98 - 302.0 / 3, 2)) /
                    2);
    assert_near(ps.ci99_kpps, 9.9248432 * s / sqrt(3.0), 1e-5);
}

static void ci99_is_zero_for_one_run(void **state)
{
    (void)state;
    struct point_summary ps;
    stats_summarise(&lay, runs, 1, 120, &ps);
    assert_near(ps.ci99_kpps, 0, 0);
    assert_near(ps.forwarded_kpps, rate_kpps[0], 1e-9);
}

static void loss_fraction_from_offered_and_forwarded(void **state)
{
    (void)state;
    struct point_summary ps;
    stats_summarise(&lay, runs, NRUNS, 120, &ps);
    assert_near(ps.loss_frac, 1 - sample_mean() / 120.0, 1e-12);
}

static void drops_per_queue_in_kpps(void **state)
{
    (void)state;
    struct point_summary ps;
    stats_summarise(&lay, runs, NRUNS, 120, &ps);
    assert_near(ps.drops_kpps[0], 10.0, 1e-9);
}

/* ---- Fractions of time ------------------------------------------------ */

static void per_core_fractions_are_means_over_runs(void **state)
{
    (void)state;
    struct point_summary ps;
    stats_summarise(&lay, runs, NRUNS, 120, &ps);
    assert_near(ps.core_frac[0][CPU_IRQ], 0.20, 1e-12);
    assert_near(ps.core_frac[0][CPU_SYS], 0.25, 1e-12);
    assert_near(ps.core_frac[0][CPU_GUEST], 0.0, 0);
    assert_near(ps.core_frac[1][CPU_GUEST], 0.75, 1e-12);
    assert_near(ps.core_frac[1][CPU_IRQ], 0.0, 0);
}

static void per_thread_fractions_are_means_over_runs(void **state)
{
    (void)state;
    struct point_summary ps;
    stats_summarise(&lay, runs, NRUNS, 120, &ps);
    assert_near(ps.thread_frac[0], 0.50, 1e-12);
    assert_near(ps.thread_frac[1], 0.30, 1e-12);
}

/* ---- Latency histograms ----------------------------------------------- */

static void latency_goes_to_its_log2_bucket(void **state)
{
    (void)state;
    struct run_result r;
    stats_clear(&r);
    stats_add_latency(&r, 1023); /* [512, 1024) */
    stats_add_latency(&r, 1024); /* [1024, 2048) */
    stats_add_latency(&r, 2047);
    assert_i64_equal(r.lat_hist[9], 1);
    assert_i64_equal(r.lat_hist[10], 2);
    assert_i64_equal(r.lat_count, 3);
    assert_i64_equal(r.lat_min_ns, 1023);
    assert_i64_equal(r.lat_max_ns, 2047);
}

/* A batch (stats_add_latencies) leaves the record bit for bit as the same
 * samples added one at a time: the floating-point sums are added in the
 * same order. Latencies of 1 ns to ~2^40 ns, so that the sum of squares
 * rounds, and one below 1 ns, which counts as 1. */
static void latency_batch_equals_one_at_a_time(void **state)
{
    (void)state;
    enum { N = 1000 };
    static int64_t birth[N];
    struct run_result one, batch;
    stats_clear(&one);
    stats_clear(&batch);
    uint64_t x = 12345;
    for (int j = 0; j < N; j++) {
        x = x * 6364136223846793005ULL + 1442695040888963407ULL;
        birth[j] = (int64_t)(x >> (24 + j % 40)) - 7;
    }
    const int64_t out = 5, step = 3;
    for (int j = 0; j < N; j++)
        stats_add_latency(&one, out + j * step - birth[j]);
    stats_add_latencies(&batch, birth, 400, out, step);
    stats_add_latencies(&batch, birth + 400, N - 400, out + 400 * step, step);
    assert_memory_equal(&one, &batch, sizeof one);
}

static void quantile_of_known_histogram(void **state)
{
    (void)state;
    uint64_t h[STATS_LAT_BUCKETS] = {0};
    h[10] = 50; /* [1024, 2048)  */
    h[12] = 50; /* [4096, 8192)  */
    /* p50: the 50th sample is the last of bucket 10 -> its top, 2048.
     * p99: 49 of 50 into bucket 12 -> 4096 + 0.98 * 4096.
     * p25: halfway into bucket 10 -> 1536. */
    assert_near(stats_hist_quantile(h, 100, 0.50), 2048.0, 1e-9);
    assert_near(stats_hist_quantile(h, 100, 0.99), 4096.0 * 1.98, 1e-9);
    assert_near(stats_hist_quantile(h, 100, 0.25), 1536.0, 1e-9);
}

static void quantile_of_empty_histogram_is_zero(void **state)
{
    (void)state;
    uint64_t h[STATS_LAT_BUCKETS] = {0};
    assert_near(stats_hist_quantile(h, 0, 0.5), 0.0, 0);
}

/* Two runs: 30 samples of 3 us, then 70 of 20 us. */
static void summarise_two_latency_runs(struct point_summary *ps)
{
    static struct run_result r[2];
    stats_clear(&r[0]);
    stats_clear(&r[1]);
    r[0].measured_ns = r[1].measured_ns = SEC;
    for (int i = 0; i < 30; i++)
        stats_add_latency(&r[0], 3000); /* bucket 11: [2048, 4096) */
    for (int i = 0; i < 70; i++)
        stats_add_latency(&r[1], 20000); /* bucket 14: [16384, 32768) */
    stats_summarise(&lay, r, 2, 0, ps);
}

static void summary_p50_pools_histograms_of_all_runs(void **state)
{
    (void)state;
    struct point_summary ps;
    summarise_two_latency_runs(&ps);
    /* p50 of the pooled 100: 20 of 70 into bucket 14. */
    assert_near(ps.lat_p50_us, (16384.0 + 20.0 / 70 * 16384.0) / 1e3, 1e-9);
}

static void summary_mean_latency_pools_all_samples(void **state)
{
    (void)state;
    struct point_summary ps;
    summarise_two_latency_runs(&ps);
    assert_near(ps.lat_mean_us, (30 * 3000.0 + 70 * 20000.0) / 100 / 1e3, 1e-9);
}

/* y = 1 + 2x exactly: slope 2, R^2 1. With y = 0, 1, 0, 1 at x = 0..3
 * the line is 0.2 + 0.2x, residuals -0.2, 0.6, -0.6, 0.2: R^2 = 1 - 0.8/1
 * = 0.2. */
static void line_fit_slope_and_r2(void **state)
{
    (void)state;
    const double x[] = {0, 1, 2, 3};
    const double exact[] = {1, 3, 5, 7};
    const double zigzag[] = {0, 1, 0, 1};
    double slope, r2;
    stats_fit_line(x, exact, 4, &slope, &r2);
    assert_float_equal(slope, 2.0, 1e-12);
    assert_float_equal(r2, 1.0, 1e-12);
    stats_fit_line(x, zigzag, 4, &slope, &r2);
    assert_float_equal(slope, 0.2, 1e-12);
    assert_float_equal(r2, 0.2, 1e-12);
}

/* Equal ys have no variance to explain: R^2 is 0, not NaN. */
static void line_fit_of_flat_points_has_r2_zero(void **state)
{
    (void)state;
    const double x[] = {1, 2, 3}, y[] = {5, 5, 5};
    double slope, r2;
    stats_fit_line(x, y, 3, &slope, &r2);
    assert_float_equal(slope, 0.0, 1e-12);
    assert_float_equal(r2, 0.0, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(mean_forwarded_rate),
        cmocka_unit_test(stddev_of_forwarded_rate),
        cmocka_unit_test(ci99_is_t_quantile_times_standard_error),
        cmocka_unit_test(ci99_uses_t_quantile_3_2498355_for_ten_runs),
        cmocka_unit_test(ci99_of_three_runs),
        cmocka_unit_test(ci99_is_zero_for_one_run),
        cmocka_unit_test(loss_fraction_from_offered_and_forwarded),
        cmocka_unit_test(drops_per_queue_in_kpps),
        cmocka_unit_test(per_core_fractions_are_means_over_runs),
        cmocka_unit_test(per_thread_fractions_are_means_over_runs),
        cmocka_unit_test(latency_goes_to_its_log2_bucket),
        cmocka_unit_test(latency_batch_equals_one_at_a_time),
        cmocka_unit_test(quantile_of_known_histogram),
        cmocka_unit_test(quantile_of_empty_histogram_is_zero),
        cmocka_unit_test(summary_p50_pools_histograms_of_all_runs),
        cmocka_unit_test(summary_mean_latency_pools_all_samples),
        cmocka_unit_test(line_fit_slope_and_r2),
        cmocka_unit_test(line_fit_of_flat_points_has_r2_zero),
    };
    return cmocka_run_group_tests(tests, make_runs, NULL);
}
