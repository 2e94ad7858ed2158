/*
 * args.c - numbers from command-line options, checked whole.
 */
#include "args.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

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
