/*
 * ns3-engine.cc - bench/engine.c's hold model on ns-3's core simulator, for
 * `make bench`: ns-3's bare event loop against the simulator's own.
 *
 *   ns3-engine [--pending N] [--events M] [--dist exp|uniform]
 *              [--mean-ns D] [--seed S] [--delays drawn|table]
 *
 * As in engine.c: N events scheduled at delays drawn from the distribution,
 * each handler schedules one new event at now + a fresh delay, and the loop
 * stops after M handlers; delays exponential with mean D ns or uniform on
 * [0, 2D] ns, from the same GSL stream seeded the same way (sim/rng.c's
 * derivation, copied here), rounded to whole nanoseconds, drawn in each
 * handler or (--delays table) 65 536 of them before the loop and taken in
 * turn, the same table as engine.c's. Events are
 * Simulator::Schedule() calls on ns-3's default scheduler, which is what
 * ns-3's utils/bench-scheduler.cc measures; the handler takes one pointer,
 * as des.c's handlers do.
 *
 * Output: on stdout the name of the scheduler and one line with the cost
 * per event; on stderr
 *   ns3-engine: N events in S s wall, E events/s, simulated/wall X
 * with the wall time CLOCK_MONOTONIC around Simulator::Run() alone (the
 * initial N schedules excluded) and N the M timed events.
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
#include <cstring>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "ns3/core-module.h"

using ns3::NanoSeconds;
using ns3::Simulator;

namespace
{

constexpr long long MAX_PENDING = 10000000LL;
constexpr long long MAX_EVENTS = 10000000000LL;
constexpr double MAX_MEAN_NS = 1e12;
constexpr uint32_t TABLE_LEN = 65536; /* as engine.c's */

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

struct hold {
    gsl_rng *rng;
    bool exponential;
    double mean_ns;
    uint64_t left; /* handlers still to run before the loop stops */
    uint64_t events = 0;
    int64_t *table = nullptr; /* --delays table, or nullptr */
    uint32_t next = 0;
};

int64_t hold_delay(hold *h)
{
    double x = h->exponential ? gsl_ran_exponential(h->rng, h->mean_ns)
                              : gsl_ran_flat(h->rng, 0.0, 2.0 * h->mean_ns);
    return std::llround(x);
}

int64_t hold_next(hold *h)
{
    return h->table ? h->table[h->next++ & (TABLE_LEN - 1)] : hold_delay(h);
}

void hold_event(hold *h)
{
    h->events++;
    if (--h->left == 0) {
        Simulator::Stop();
        return;
    }
    Simulator::Schedule(NanoSeconds(hold_next(h)), &hold_event, h);
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
    std::fputs("usage: ns3-engine [options]\n"
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

int bad_option(const char *opt, const char *what)
{
    std::fprintf(stderr, "ns3-engine: %s: %s\n", opt, what);
    return 2;
}

} // namespace

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        {"pending", required_argument, nullptr, 'n'},
        {"events", required_argument, nullptr, 'm'},
        {"dist", required_argument, nullptr, 'd'},
        {"mean-ns", required_argument, nullptr, 'D'},
        {"seed", required_argument, nullptr, 'S'},
        {"delays", required_argument, nullptr, 'T'},
        {"help", no_argument, nullptr, 'h'},
        {nullptr, 0, nullptr, 0},
    };
    long long pending = 100, events = 10000000, seed = 1;
    double mean_ns = 1e6;
    bool exponential = true, table = false;
    int opt;
    while ((opt = getopt_long(argc, argv, "", opts, nullptr)) != -1) {
        switch (opt) {
        case 'n':
            if (parse_count(optarg, 1, MAX_PENDING, &pending))
                return bad_option("--pending", "expected an integer from 1 "
                                               "to 10000000");
            break;
        case 'm':
            if (parse_count(optarg, 1, MAX_EVENTS, &events))
                return bad_option("--events", "expected an integer from 1 "
                                              "to 10000000000");
            break;
        case 'd':
            if (std::strcmp(optarg, "exp") == 0)
                exponential = true;
            else if (std::strcmp(optarg, "uniform") == 0)
                exponential = false;
            else
                return bad_option("--dist", "expected exp or uniform");
            break;
        case 'D':
            if (parse_number(optarg, 0, MAX_MEAN_NS, &mean_ns))
                return bad_option("--mean-ns", "expected a number greater "
                                               "than 0 and at most 1e12");
            break;
        case 'S':
            if (parse_count(optarg, 0, LLONG_MAX, &seed))
                return bad_option("--seed", "expected a non-negative "
                                            "integer");
            break;
        case 'T':
            if (std::strcmp(optarg, "drawn") == 0)
                table = false;
            else if (std::strcmp(optarg, "table") == 0)
                table = true;
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
        std::fprintf(stderr, "ns3-engine: unexpected argument '%s'\n",
                     argv[optind]);
        usage(stderr);
        return 2;
    }

    hold h;
    uint64_t s = derive((uint64_t)seed, 3, 0, 0);
    h.rng = gsl_rng_alloc(gsl_rng_taus2);
    gsl_rng_set(h.rng, (unsigned long)(s ? s : 1));
    h.exponential = exponential;
    h.mean_ns = mean_ns;
    h.left = (uint64_t)events;
    if (table) {
        h.table = new int64_t[TABLE_LEN];
        for (uint32_t i = 0; i < TABLE_LEN; i++)
            h.table[i] = hold_delay(&h);
    }
    for (long long i = 0; i < pending; i++)
        Simulator::Schedule(NanoSeconds(hold_next(&h)), &hold_event, &h);

    double t0 = wall_s();
    Simulator::Run();
    double wall = wall_s() - t0;
    double sim_s = (double)Simulator::Now().GetNanoSeconds() * 1e-9;
    uint64_t ev = h.events;

    /* The event set in use, named as ns-3 names it (ns3::MapScheduler,
     * unless SchedulerType was set through NS_GLOBAL_VALUE). */
    ns3::TypeIdValue sched;
    ns3::GlobalValue::GetValueByName("SchedulerType", sched);
    std::printf("scheduler: %s\n", sched.Get().GetName().c_str());
    std::printf("engine: hold model, %lld pending, %" PRIu64 " events, %s "
                "delays of mean %.6g ns%s: %.1f ns/event\n",
                pending, ev, exponential ? "exponential" : "uniform", mean_ns,
                table ? " from a table" : "", wall * 1e9 / (double)ev);
    std::fprintf(stderr,
                 "ns3-engine: %" PRIu64 " events in %.3f s wall, %.0f "
                 "events/s, simulated/wall %.2f\n",
                 ev, wall, (double)ev / wall, sim_s / wall);

    Simulator::Destroy();
    delete[] h.table;
    gsl_rng_free(h.rng);
    return 0;
}
