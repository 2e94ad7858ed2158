/*
 * args.c - command-line options: numbers checked whole, the overrides of
 * a scenario, one-line errors.
 */
#include "args.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int args_count(const char *s, long long lo, long long hi, long long *out)
{
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (*s == '\0' || *end || errno || v < lo || v > hi)
        return -1;
    *out = v;
    return 0;
}

int args_number(const char *s, double lo, double hi, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (*s == '\0' || *end || errno || !isfinite(v) || v <= lo || v > hi)
        return -1;
    *out = v;
    return 0;
}

int args_bad_option(const char *who, int opt, char **argv)
{
    const char *arg = optind > 0 ? argv[optind - 1] : "?";
    char shortopt[3] = {'-', (char)optopt, '\0'};
    /* Within a cluster (-xyz) optind has not moved past it yet: name the
     * letter getopt stopped at, not the word before. */
    if (opt == '?' && optopt > ' ' && optopt < 127 &&
        strncmp(arg, "--", 2) != 0)
        arg = shortopt;
    if (opt == ':')
        fprintf(stderr, "%s: %s: expected a value\n", who, arg);
    else
        fprintf(stderr, "%s: unknown option '%s' (see --help)\n", who, arg);
    return 2;
}

int args_refuse(const char *opt, const char *what)
{
    fprintf(stderr, "%s: %s: %s\n", program_invocation_short_name, opt, what);
    return 2;
}

int args_jobs(const char *arg, int *jobs)
{
    long long v;
    if (args_count(arg, 1, 1024, &v))
        return args_refuse("--jobs", "expected an integer from 1 to 1024");
    *jobs = (int)v;
    return 0;
}

/* Append kv. A repeated --reps or --seed first takes out its earlier entry
 * (the same buffer): the last word on a setting still comes last, and
 * repeating either never fills the list. */
static int set_push(struct args_set *o, const char *opt, const char *kv)
{
    for (int i = 0; (kv == o->reps || kv == o->seed) && i < o->n; i++)
        if (o->kv[i] == kv) {
            memmove(&o->kv[i], &o->kv[i + 1],
                    (size_t)(o->n - i - 1) * sizeof *o->kv);
            o->n--;
            break;
        }
    if (o->n == ARGS_MAX_SET)
        return args_refuse(opt, "too many overrides (at most 64 --set, "
                                "--reps and --seed in all)");
    o->kv[o->n++] = kv;
    return 0;
}

int args_set_add(struct args_set *o, const char *kv)
{
    return set_push(o, "--set", kv);
}

int args_set_reps(struct args_set *o, const char *arg)
{
    long long v;
    if (args_count(arg, 1, 100000, &v))
        return args_refuse("--reps", "expected an integer from 1 to 100000");
    snprintf(o->reps, sizeof o->reps, "sim.reps=%lld", v);
    return set_push(o, "--reps", o->reps);
}

int args_set_seed(struct args_set *o, const char *arg)
{
    long long v;
    if (args_count(arg, 0, LLONG_MAX, &v))
        return args_refuse("--seed", "expected a non-negative integer");
    snprintf(o->seed, sizeof o->seed, "sim.seed=%lld", v);
    return set_push(o, "--seed", o->seed);
}
