/*
 * tandem.c - a plain tandem-queue model on the simulator's own engine, for
 * `make bench`: it measures the event loop (des, eventq, rng, pktq) without
 * the cores, threads and schedulers of a virtual router.
 *
 *   bench-tandem [--stations K] [--rho R] [--seconds S] [--seed N]
 *
 * K stations in series, each a single FIFO server with a bounded queue
 * (TANDEM_QCAP packets, the one in service included; an arrival at a full
 * queue is dropped). Station i serves with mean MEAN_NS[i % 4] and
 * coefficient of variation CV[i % 4]: cv 1 is exponential service, cv 0.5
 * Gamma (rng_gamma_cost() draws both). Station 0 is the slowest. Packets enter
 * station 0 as a Poisson stream of rate rho / MEAN_NS[0], so rho is the
 * utilisation of the slowest station. The network starts empty and runs for
 * S simulated seconds; every packet is measured (no warm-up: the transient
 * lasts well under a millisecond at the default load).
 *
 * Events: one per arrival and one per service completion, so K + 1 per
 * packet. Time is int64 nanoseconds.
 *
 * Output: on stdout a summary (throughput, mean end-to-end sojourn, drops)
 * and a sanity line (throughput against the offered rate less the drops;
 * informative only, it never changes the exit status); on stderr the line
 * `vsrsim run` prints with VSRSIM_STATS=1,
 *   vsrsim: N events in S s wall, E events/s, simulated/wall X
 * where the wall time is CLOCK_MONOTONIC around the event loop alone.
 *
 * Exit status: 0, or 2 on a bad option with one line on stderr naming it.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "args.h"
#include "des.h"
#include "err.h"
#include "pktq.h"
#include "rng.h"

#define SEC_NS 1000000000LL

#define TANDEM_QCAP 256    /* packets per station, in service included */
#define MAX_STATIONS 10000 /* keeps the allocation and event set small */
#define MAX_RHO 100.0      /* mean interarrival gap >= 10 ns           */
#define MAX_SECONDS 1e6    /* simulated; far below INT64_MAX ns        */
#define TOLERANCE 0.01     /* of the sanity check on throughput        */

/* Service of station i: mean MEAN_NS[i % 4] ns, cv CV[i % 4]. */
static const double MEAN_NS[4] = {1000.0, 800.0, 900.0, 700.0};
static const double CV[4] = {1.0, 0.5, 1.0, 0.5};

struct tandem;

struct station {
    struct tandem *t;
    uint32_t index;
    struct pktq q;    /* birth times; the packet in service is claimed */
    struct rng_gamma serv; /* one service time, ready to draw         */
    gsl_rng *rng;
};

struct tandem {
    struct des *d;
    struct station *st;
    uint32_t k;

    double mean_gap_ns;
    gsl_rng *arrival_rng;

    uint64_t arrivals;
    uint64_t completed;
    double sojourn_sum_ns;
};

static void depart(void *arg);

/* Start serving the oldest waiting packet, if the server is idle. */
static void try_start(struct station *s)
{
    if (s->q.claimed || pktq_claim(&s->q, 1) == 0)
        return;
    des_after(s->t->d, rng_gamma_cost(s->rng, &s->serv, 1), depart, s);
}

/* A packet born at `birth_ns` reaches station s. */
static void enter(struct station *s, int64_t birth_ns)
{
    if (pktq_push(&s->q, birth_ns) == 0)
        try_start(s);
}

static void depart(void *arg)
{
    struct station *s = arg;
    struct tandem *t = s->t;
    int64_t birth = pktq_birth(&s->q, 0);
    pktq_release(&s->q, 1);
    if (s->index + 1 < t->k) {
        enter(&t->st[s->index + 1], birth);
    } else {
        t->completed++;
        t->sojourn_sum_ns += (double)(des_now(t->d) - birth);
    }
    try_start(s);
}

static void arrive(void *arg)
{
    struct tandem *t = arg;
    int64_t now = des_now(t->d);
    t->arrivals++;
    enter(&t->st[0], now);
    int64_t gap = llround(gsl_ran_exponential(t->arrival_rng, t->mean_gap_ns));
    des_at(t->d, now + gap, arrive, t);
}

static double wall_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void usage(FILE *f)
{
    fputs("usage: bench-tandem [options]\n"
          "  --stations K   stations in series (default 4)\n"
          "  --rho R        load of the slowest station (default 0.9)\n"
          "  --seconds S    simulated seconds (default 10)\n"
          "  --seed N       base seed (default 1)\n"
          "  --help\n",
          f);
}

static int bad_option(const char *opt, const char *what)
{
    fprintf(stderr, "bench-tandem: %s: %s\n", opt, what);
    return 2;
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        {"stations", required_argument, 0, 'k'},
        {"rho", required_argument, 0, 'r'},
        {"seconds", required_argument, 0, 's'},
        {"seed", required_argument, 0, 'S'},
        {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0},
    };
    long long k = 4, seed = 1;
    double rho = 0.9, seconds = 10.0;
    int opt;
    while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (opt) {
        case 'k':
            if (args_count(optarg, 1, MAX_STATIONS, &k))
                return bad_option("--stations", "expected an integer from 1 "
                                                "to 10000");
            break;
        case 'r':
            if (args_number(optarg, 0, MAX_RHO, &rho))
                return bad_option("--rho", "expected a number greater than 0 "
                                           "and at most 100");
            break;
        case 's':
            if (args_number(optarg, 0, MAX_SECONDS, &seconds))
                return bad_option("--seconds", "expected a number greater "
                                               "than 0 and at most 1000000");
            break;
        case 'S':
            if (args_count(optarg, 0, LLONG_MAX, &seed))
                return bad_option("--seed", "expected a non-negative "
                                            "integer");
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
        fprintf(stderr, "bench-tandem: unexpected argument '%s'\n",
                argv[optind]);
        usage(stderr);
        return 2;
    }

    struct tandem t = {0};
    t.d = des_alloc();
    t.k = (uint32_t)k;
    t.st = xcalloc(t.k, sizeof *t.st);
    for (uint32_t i = 0; i < t.k; i++) {
        struct station *s = &t.st[i];
        s->t = &t;
        s->index = i;
        pktq_init(&s->q, TANDEM_QCAP);
        struct cost serv = {MEAN_NS[i % 4], CV[i % 4], 1};
        rng_gamma_init(&s->serv, &serv);
        s->rng = rng_alloc(rng_derive((uint64_t)seed, 1, i, 0));
    }
    t.mean_gap_ns = MEAN_NS[0] / rho;
    t.arrival_rng = rng_alloc(rng_derive((uint64_t)seed, 2, 0, 0));
    int64_t end_ns = llround(seconds * (double)SEC_NS);

    des_at(t.d, 0, arrive, &t);
    double t0 = wall_s();
    des_run(t.d, end_ns);
    double wall = wall_s() - t0;
    uint64_t ev = des_events(t.d);

    uint64_t drops = 0, held = 0;
    for (uint32_t i = 0; i < t.k; i++) {
        drops += t.st[i].q.drops;
        held += t.st[i].q.count;
    }
    double sim_s = (double)end_ns / SEC_NS;
    double offered = (double)SEC_NS / t.mean_gap_ns; /* packets/s */
    double thru = (double)t.completed / sim_s;
    double sojourn_us =
        t.completed ? t.sojourn_sum_ns / (double)t.completed / 1e3 : 0.0;
    printf("tandem: %u station%s, rho %.3g, %.6g s simulated: offered %.0f "
           "pkt/s, throughput %.0f pkt/s, mean sojourn %.3f us, "
           "%" PRIu64 " drops of %" PRIu64 " arrivals (%.3g%%)\n",
           t.k, t.k == 1 ? "" : "s", rho, sim_s, offered, thru, sojourn_us,
           drops, t.arrivals,
           t.arrivals ? 100.0 * (double)drops / (double)t.arrivals : 0.0);

    /* Every packet that arrived was completed, dropped, or is still held. */
    int conserved = t.arrivals == t.completed + drops + held;
    double expect = offered;
    if (drops && t.arrivals)
        expect *= 1.0 - (double)drops / (double)t.arrivals;
    double ratio = expect > 0 ? thru / expect : 0.0;
    printf("sanity: throughput / %s = %.4f (%s within %.0f%%), packets %s\n",
           drops ? "(offered less drops)" : "offered (no drops)", ratio,
           fabs(ratio - 1.0) <= TOLERANCE ? "ok," : "NOT", TOLERANCE * 100,
           conserved ? "conserved" : "NOT conserved");

    fprintf(stderr,
            "vsrsim: %llu events in %.3f s wall, %.0f events/s, "
            "simulated/wall %.2f\n",
            (unsigned long long)ev, wall, (double)ev / wall, sim_s / wall);

    for (uint32_t i = 0; i < t.k; i++) {
        pktq_clear(&t.st[i].q);
        gsl_rng_free(t.st[i].rng);
    }
    gsl_rng_free(t.arrival_rng);
    free(t.st);
    des_free(t.d);
    return 0;
}
