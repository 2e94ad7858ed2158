/*
 * engine.c - the simulator's bare event loop (des, eventq) under a hold
 * model, for `make bench`: the cost of one event with no model around it.
 *
 *   bench-engine [--pending N] [--events M] [--dist exp|uniform]
 *                [--mean-ns D] [--seed S] [--delays drawn|table]
 *
 * The hold model (Vaucher and Duval's, as ns-3's utils/bench-scheduler.cc
 * runs it): N events are scheduled at delays drawn from the distribution;
 * then each event's handler schedules one new event at now + a fresh delay,
 * so the event set keeps N pending events throughout. The loop stops after
 * M handlers have run. Delays are exponential with mean D ns or uniform on
 * [0, 2D] ns, drawn from one GSL stream (taus2, as rng_alloc() gives every
 * entity of the model) and rounded to whole nanoseconds; the draw is part of
 * each event's cost, as it is in ns-3's benchmark. With --delays table, the
 * engine alone is timed: TABLE_LEN delays are drawn from that stream before
 * the loop, and the handlers take them in turn, over and over.
 *
 * The default mean, 1 ms, keeps ties rare even at 100 000 pending events
 * (about one event per 10 ns of simulated time): with a mean of 100 ns,
 * ns-3's default, most events would share their nanosecond with others and
 * the benchmark would measure tie-breaking as much as the heap.
 *
 * Output: on stdout one line with the cost per event; on stderr the line
 * `vsrsim run` prints with VSRSIM_STATS=1,
 *   vsrsim: N events in S s wall, E events/s, simulated/wall X
 * where the wall time is CLOCK_MONOTONIC around the loop alone (the initial
 * N schedules excluded) and N counts the M timed events.
 *
 * Exit status: 0, or 2 on a bad option with one line on stderr naming it.
 */
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "args.h"
#include "des.h"
#include "err.h"
#include "rng.h"

#define MAX_PENDING 10000000LL /* 10^7 events: a few hundred MB at most */
#define MAX_EVENTS 10000000000LL
#define MAX_MEAN_NS 1e12 /* far below INT64_MAX ns over any run */
#define TABLE_LEN 65536  /* delays drawn beforehand: 512 KiB, in L2 */

enum hold_dist { HOLD_EXP, HOLD_UNIFORM };

struct hold {
    struct des *d;
    gsl_rng *rng;
    enum hold_dist dist;
    double mean_ns;
    uint64_t left; /* handlers still to run before the loop stops */
    int64_t *table; /* --delays table: TABLE_LEN delays, or NULL */
    uint32_t next;  /* the table's next delay (mod TABLE_LEN)    */
};

/* One delay in whole nanoseconds. */
static int64_t hold_delay(struct hold *h)
{
    double x = h->dist == HOLD_EXP
                   ? gsl_ran_exponential(h->rng, h->mean_ns)
                   : gsl_ran_flat(h->rng, 0.0, 2.0 * h->mean_ns);
    return llround(x);
}

/* The next delay: drawn now, or the table's next. */
static inline int64_t hold_next(struct hold *h)
{
    return h->table ? h->table[h->next++ & (TABLE_LEN - 1)] : hold_delay(h);
}

static void hold_event(void *arg)
{
    struct hold *h = arg;
    if (--h->left == 0) {
        des_stop(h->d);
        return;
    }
    des_after(h->d, hold_next(h), hold_event, h);
}

static double wall_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void usage(FILE *f)
{
    fputs("usage: bench-engine [options]\n"
          "  --pending N      events pending throughout (default 100)\n"
          "  --events M       events to run (default 10000000)\n"
          "  --dist exp|uniform  delay distribution (default exp)\n"
          "  --mean-ns D      mean delay in ns (default 1000000)\n"
          "  --seed N         seed (default 1)\n"
          "  --delays drawn|table  a draw per event, or delays drawn\n"
          "                   before the loop (default drawn)\n"
          "  --help\n",
          f);
}

static int bad_option(const char *opt, const char *what)
{
    fprintf(stderr, "bench-engine: %s: %s\n", opt, what);
    return 2;
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        {"pending", required_argument, 0, 'n'},
        {"events", required_argument, 0, 'm'},
        {"dist", required_argument, 0, 'd'},
        {"mean-ns", required_argument, 0, 'D'},
        {"seed", required_argument, 0, 'S'},
        {"delays", required_argument, 0, 'T'},
        {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0},
    };
    long long pending = 100, events = 10000000, seed = 1;
    double mean_ns = 1e6;
    enum hold_dist dist = HOLD_EXP;
    int table = 0, opt;
    while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (opt) {
        case 'n':
            if (args_count(optarg, 1, MAX_PENDING, &pending))
                return bad_option("--pending", "expected an integer from 1 "
                                               "to 10000000");
            break;
        case 'm':
            if (args_count(optarg, 1, MAX_EVENTS, &events))
                return bad_option("--events", "expected an integer from 1 "
                                              "to 10000000000");
            break;
        case 'd':
            if (strcmp(optarg, "exp") == 0)
                dist = HOLD_EXP;
            else if (strcmp(optarg, "uniform") == 0)
                dist = HOLD_UNIFORM;
            else
                return bad_option("--dist", "expected exp or uniform");
            break;
        case 'D':
            if (args_number(optarg, 0, MAX_MEAN_NS, &mean_ns))
                return bad_option("--mean-ns", "expected a number greater "
                                               "than 0 and at most 1e12");
            break;
        case 'S':
            if (args_count(optarg, 0, LLONG_MAX, &seed))
                return bad_option("--seed", "expected a non-negative "
                                            "integer");
            break;
        case 'T':
            if (strcmp(optarg, "drawn") == 0)
                table = 0;
            else if (strcmp(optarg, "table") == 0)
                table = 1;
            else
                return bad_option("--delays", "expected drawn or table");
            break;
        case 'h':
            usage(stdout);
            return 0;
        default:
            usage(stderr);
            return 2;
        }
    }
    if (optind != argc) {
        fprintf(stderr, "bench-engine: unexpected argument '%s'\n",
                argv[optind]);
        usage(stderr);
        return 2;
    }

    struct hold h = {
        .d = des_alloc(),
        .rng = rng_alloc(rng_derive((uint64_t)seed, 3, 0, 0)),
        .dist = dist,
        .mean_ns = mean_ns,
        .left = (uint64_t)events,
    };
    if (table) {
        h.table = xmalloc(TABLE_LEN * sizeof *h.table);
        for (int i = 0; i < TABLE_LEN; i++)
            h.table[i] = hold_delay(&h);
    }
    for (long long i = 0; i < pending; i++)
        des_at(h.d, hold_next(&h), hold_event, &h);

    double t0 = wall_s();
    uint64_t ev = des_run(h.d, INT64_MAX);
    double wall = wall_s() - t0;
    double sim_s = (double)des_now(h.d) * 1e-9;

    printf("engine: hold model, %lld pending, %llu events, %s delays of "
           "mean %.6g ns%s: %.1f ns/event\n",
           pending, (unsigned long long)ev,
           dist == HOLD_EXP ? "exponential" : "uniform", mean_ns,
           table ? " from a table" : "", wall * 1e9 / (double)ev);
    fprintf(stderr,
            "vsrsim: %llu events in %.3f s wall, %.0f events/s, "
            "simulated/wall %.2f\n",
            (unsigned long long)ev, wall, (double)ev / wall, sim_s / wall);

    free(h.table);
    gsl_rng_free(h.rng);
    des_free(h.d);
    return 0;
}
