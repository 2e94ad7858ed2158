/*
 * check.h - assertions for the unit tests that print both values in
 * decimal (cmocka prints integers in hex and compares floats as float),
 * the time units the tests write durations in, and a host to build
 * machines on.
 */
#ifndef VSRSIM_TESTS_CHECK_H
#define VSRSIM_TESTS_CHECK_H

#include <inttypes.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "core.h"

#define US 1000LL
#define MS 1000000LL
#define SEC 1000000000LL

#define assert_i64_equal(a, b)                                                 \
    do {                                                                       \
        int64_t a_ = (int64_t)(a), b_ = (int64_t)(b);                          \
        if (a_ != b_) {                                                        \
            print_error("%s = %" PRId64 ", expected %s = %" PRId64 "\n", #a,   \
                        a_, #b, b_);                                           \
            fail();                                                            \
        }                                                                      \
    } while (0)

#define assert_i64_near(a, b, tol)                                             \
    do {                                                                       \
        int64_t a_ = (int64_t)(a), b_ = (int64_t)(b), t_ = (int64_t)(tol);     \
        if (llabs(a_ - b_) > t_) {                                             \
            print_error("%s = %" PRId64 ", expected %s = %" PRId64             \
                        " +- %" PRId64 "\n",                                   \
                        #a, a_, #b, b_, t_);                                   \
            fail();                                                            \
        }                                                                      \
    } while (0)

#define assert_i64_le(a, b)                                                    \
    do {                                                                       \
        int64_t a_ = (int64_t)(a), b_ = (int64_t)(b);                          \
        if (!(a_ <= b_)) {                                                     \
            print_error("%s = %" PRId64 " > %s = %" PRId64 "\n", #a, a_, #b,   \
                        b_);                                                   \
            fail();                                                            \
        }                                                                      \
    } while (0)

/* |a - b| <= tol, printing both values. */
#define assert_near(a, b, tol)                                                 \
    do {                                                                       \
        double a_ = (a), b_ = (b), t_ = (tol);                                 \
        if (!(fabs(a_ - b_) <= t_)) {                                          \
            print_error("%s = %.12g, expected %s = %.12g (tol %.3g)\n", #a,    \
                        a_, #b, b_, t_);                                       \
            fail();                                                            \
        }                                                                      \
    } while (0)

/* |a / b - 1| <= rel, printing both values. */
#define assert_rel_near(a, b, rel)                                             \
    do {                                                                       \
        double a_ = (a), b_ = (b), r_ = (rel);                                 \
        if (!(fabs(a_ - b_) <= r_ * fabs(b_))) {                               \
            print_error("%s = %.9g, expected %s = %.9g (rel %.3g, off "        \
                        "%.3g)\n",                                             \
                        #a, a_, #b, b_, r_, a_ / b_ - 1);                      \
            fail();                                                            \
        }                                                                      \
    } while (0)

/* Scheduler settings of the paper's host, RT throttling off, for tests
 * that build a machine by hand. */
static inline struct host_params test_host_params(void)
{
    struct host_params hp = {
        .cfs_latency_ns = 6 * MS,
        .cfs_min_gran_ns = 750 * US,
        .cfs_wakeup_gran_ns = 1 * MS,
        .rt_period_ns = 1 * SEC,
        .rt_runtime_ns = -1,
        .balance_interval_ns = 4 * MS,
        .load_halflife_ns = 32 * MS,
        .active_balance_load = 0.9,
        .active_balance_tries = 2,
    };
    return hp;
}

#endif
