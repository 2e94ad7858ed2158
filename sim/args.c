/*
 * args.c - numbers from command-line options, checked whole.
 */
#include "args.h"

#include <errno.h>
#include <math.h>
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
