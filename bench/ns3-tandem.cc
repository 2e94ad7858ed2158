/*
 * ns3-tandem.cc - bench/tandem.c's tandem-queue model on ns-3's core
 * simulator, for `make bench`: the same model on another engine, so that
 * the two event rates can be compared side by side.
 *
 *   ns3-tandem [--stations K] [--rho R] [--seconds S] [--seed N]
 *
 * Everything but the engine is as in tandem.c: K single FIFO servers in
 * series with queues of TANDEM_QCAP packets (the one in service included),
 * service of mean MEAN_NS[i % 4] and cv CV[i % 4] (Gamma, exponential at
 * cv 1), Poisson arrivals at load rho of station 0, time in int64 ns, the
 * same GSL streams seeded the same way (the splitmix64 derivation and
 * taus2 stream of sim/rng.c, copied here so that this file needs no C object of
 * the simulator). Events are Simulator::Schedule() calls on ns-3's default
 * scheduler; queues are plain rings of birth times, no ns-3 Packet objects,
 * so the comparison is of the engines and not of packet handling.
 *
 * ns-3 runs equal-time events in the order they were scheduled, as des.c
 * does, and the stop is scheduled first at end + 1 ns, so exactly the
 * events up to the end run, as des_run() runs them. The summary on stdout
 * is therefore the same text as bench-tandem's for the same options.
 *
 * Output: that summary and sanity line on stdout; on stderr
 *   ns3-tandem: N events in S s wall, E events/s, simulated/wall X
 * with N counted by the handlers and the wall time CLOCK_MONOTONIC around
 * Simulator::Run() alone.
 *
 * Exit status: 0, or 2 on a bad option with one line on stderr naming it.
 */
#include <getopt.h>
#include <time.h>

#include <cerrno>
#include <cinttypes>
#include <climits>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "ns3/core-module.h"

using ns3::NanoSeconds;
using ns3::Simulator;

namespace
{

constexpr long long SEC_NS = 1000000000LL;

constexpr uint32_t TANDEM_QCAP = 256; /* as in tandem.c */
constexpr long long MAX_STATIONS = 10000;
constexpr double MAX_RHO = 100.0;
constexpr double MAX_SECONDS = 1e6;
constexpr double TOLERANCE = 0.01;

const double MEAN_NS[4] = {1000.0, 800.0, 900.0, 700.0};
const double CV[4] = {1.0, 0.5, 1.0, 0.5};

/* sim/rng.c: rng_derive() and rng_alloc(). */
uint64_t mix(uint64_t z)
{
    z += 0x9e3779b97f4a7c15ULL;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

uint64_t derive(uint64_t base, uint64_t a, uint64_t b, uint64_t c)
{
    return mix(mix(mix(mix(base) ^ a) ^ b) ^ c);
}

gsl_rng *stream(uint64_t seed)
{
    gsl_rng *r = gsl_rng_alloc(gsl_rng_taus2);
    gsl_rng_set(r, (unsigned long)(seed ? seed : 1));
    return r;
}

/* sim/rng.c: rng_cost() for one occurrence. */
int64_t service_ns(gsl_rng *r, double mean_ns, double cv)
{
    if (mean_ns <= 0)
        return 0;
    if (cv <= 0)
        return std::llround(mean_ns);
    return std::llround(gsl_ran_gamma(r, 1.0 / (cv * cv), mean_ns * cv * cv));
}

/* A bounded FIFO of birth times (sim/pktq.h, without claims of k > 1). */
struct ring {
    std::vector<int64_t> birth;
    uint32_t head = 0, count = 0;
    bool busy = false; /* the oldest packet is in service */
    uint64_t drops = 0;

    bool push(int64_t birth_ns)
    {
        if (count == birth.size()) {
            drops++;
            return false;
        }
        birth[(head + count) % birth.size()] = birth_ns;
        count++;
        return true;
    }
    void pop()
    {
        head = (head + 1) % (uint32_t)birth.size();
        count--;
    }
};

struct tandem;

struct station {
    tandem *t;
    uint32_t index;
    ring q;
    double mean_ns, cv;
    gsl_rng *rng;
};

struct tandem {
    std::vector<station> st;
    double mean_gap_ns;
    gsl_rng *arrival_rng;

    uint64_t events = 0;
    uint64_t arrivals = 0;
    uint64_t completed = 0;
    double sojourn_sum_ns = 0;
};

void depart(station *s);

void try_start(station *s)
{
    if (s->q.busy || s->q.count == 0)
        return;
    s->q.busy = true;
    Simulator::Schedule(NanoSeconds(service_ns(s->rng, s->mean_ns, s->cv)),
                        &depart, s);
}

void enter(station *s, int64_t birth_ns)
{
    if (s->q.push(birth_ns))
        try_start(s);
}

void depart(station *s)
{
    tandem *t = s->t;
    t->events++;
    int64_t birth = s->q.birth[s->q.head];
    s->q.pop();
    s->q.busy = false;
    if (s->index + 1 < t->st.size()) {
        enter(&t->st[s->index + 1], birth);
    } else {
        t->completed++;
        t->sojourn_sum_ns +=
            (double)(Simulator::Now().GetNanoSeconds() - birth);
    }
    try_start(s);
}

void arrive(tandem *t)
{
    t->events++;
    int64_t now = Simulator::Now().GetNanoSeconds();
    t->arrivals++;
    enter(&t->st[0], now);
    int64_t gap =
        std::llround(gsl_ran_exponential(t->arrival_rng, t->mean_gap_ns));
    Simulator::Schedule(NanoSeconds(gap), &arrive, t);
}

double wall_s()
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* A whole number in [lo, hi], or a finite one in (lo, hi]; 0 or -1. */
int parse_count(const char *s, long long lo, long long hi, long long *out)
{
    char *end;
    errno = 0;
    long long v = std::strtoll(s, &end, 10);
    if (end == s || *end || errno || v < lo || v > hi)
        return -1;
    *out = v;
    return 0;
}

int parse_number(const char *s, double lo, double hi, double *out)
{
    char *end;
    errno = 0;
    double v = std::strtod(s, &end);
    if (end == s || *end || errno || !std::isfinite(v) || v <= lo || v > hi)
        return -1;
    *out = v;
    return 0;
}

void usage(FILE *f)
{
    std::fputs("usage: ns3-tandem [options]\n"
               "  --stations K   stations in series (default 4)\n"
               "  --rho R        load of the slowest station (default 0.9)\n"
               "  --seconds S    simulated seconds (default 10)\n"
               "  --seed N       base seed (default 1)\n"
               "  --help\n",
               f);
}

int bad_option(const char *opt, const char *what)
{
    std::fprintf(stderr, "ns3-tandem: %s: %s\n", opt, what);
    return 2;
}

} // namespace

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        {"stations", required_argument, nullptr, 'k'},
        {"rho", required_argument, nullptr, 'r'},
        {"seconds", required_argument, nullptr, 's'},
        {"seed", required_argument, nullptr, 'S'},
        {"help", no_argument, nullptr, 'h'},
        {nullptr, 0, nullptr, 0},
    };
    long long k = 4, seed = 1;
    double rho = 0.9, seconds = 10.0;
    int opt;
    while ((opt = getopt_long(argc, argv, "", opts, nullptr)) != -1) {
        switch (opt) {
        case 'k':
            if (parse_count(optarg, 1, MAX_STATIONS, &k))
                return bad_option("--stations", "expected an integer from 1 "
                                                "to 10000");
            break;
        case 'r':
            if (parse_number(optarg, 0, MAX_RHO, &rho))
                return bad_option("--rho", "expected a number greater than 0 "
                                           "and at most 100");
            break;
        case 's':
            if (parse_number(optarg, 0, MAX_SECONDS, &seconds))
                return bad_option("--seconds", "expected a number greater "
                                               "than 0 and at most 1000000");
            break;
        case 'S':
            if (parse_count(optarg, 0, LLONG_MAX, &seed))
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
        std::fprintf(stderr, "ns3-tandem: unexpected argument '%s'\n",
                     argv[optind]);
        usage(stderr);
        return 2;
    }

    tandem t;
    t.st.resize((size_t)k);
    for (uint32_t i = 0; i < t.st.size(); i++) {
        station *s = &t.st[i];
        s->t = &t;
        s->index = i;
        s->q.birth.resize(TANDEM_QCAP);
        s->mean_ns = MEAN_NS[i % 4];
        s->cv = CV[i % 4];
        s->rng = stream(derive((uint64_t)seed, 1, i, 0));
    }
    t.mean_gap_ns = MEAN_NS[0] / rho;
    t.arrival_rng = stream(derive((uint64_t)seed, 2, 0, 0));
    int64_t end_ns = std::llround(seconds * (double)SEC_NS);

    Simulator::Stop(NanoSeconds(end_ns + 1));
    Simulator::Schedule(NanoSeconds(0), &arrive, &t);
    double t0 = wall_s();
    Simulator::Run();
    double wall = wall_s() - t0;
    uint64_t ev = t.events;

    uint64_t drops = 0, held = 0;
    for (const station &s : t.st) {
        drops += s.q.drops;
        held += s.q.count;
    }
    uint32_t nst = (uint32_t)t.st.size();
    double sim_s = (double)end_ns / SEC_NS;
    double offered = (double)SEC_NS / t.mean_gap_ns;
    double thru = (double)t.completed / sim_s;
    double sojourn_us =
        t.completed ? t.sojourn_sum_ns / (double)t.completed / 1e3 : 0.0;
    std::printf("tandem: %u station%s, rho %.3g, %.6g s simulated: offered "
                "%.0f pkt/s, throughput %.0f pkt/s, mean sojourn %.3f us, "
                "%" PRIu64 " drops of %" PRIu64 " arrivals (%.3g%%)\n",
                nst, nst == 1 ? "" : "s", rho, sim_s, offered, thru, sojourn_us,
                drops, t.arrivals,
                t.arrivals ? 100.0 * (double)drops / (double)t.arrivals : 0.0);

    bool conserved = t.arrivals == t.completed + drops + held;
    double expect = offered;
    if (drops && t.arrivals)
        expect *= 1.0 - (double)drops / (double)t.arrivals;
    double ratio = expect > 0 ? thru / expect : 0.0;
    std::printf("sanity: throughput / %s = %.4f (%s within %.0f%%), packets "
                "%s\n",
                drops ? "(offered less drops)" : "offered (no drops)", ratio,
                std::fabs(ratio - 1.0) <= TOLERANCE ? "ok," : "NOT",
                TOLERANCE * 100, conserved ? "conserved" : "NOT conserved");

    std::fprintf(stderr,
                 "ns3-tandem: %" PRIu64 " events in %.3f s wall, %.0f "
                 "events/s, simulated/wall %.2f\n",
                 ev, wall, (double)ev / wall, sim_s / wall);

    Simulator::Destroy();
    for (station &s : t.st)
        gsl_rng_free(s.rng);
    gsl_rng_free(t.arrival_rng);
    return 0;
}
