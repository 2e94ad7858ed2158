/*
 * args.h - numbers from command-line options, checked whole.
 *
 * Both return 0 and set *out, or -1 (leaving *out alone) when the text is
 * empty, has trailing characters, overflows or lies outside the range; the
 * caller then names the option and the range in its one-line error.
 */
#ifndef VSRSIM_ARGS_H
#define VSRSIM_ARGS_H

/* An integer in [lo, hi]. */
int args_count(const char *s, long long lo, long long hi, long long *out);

/* A finite number in (lo, hi]. */
int args_number(const char *s, double lo, double hi, double *out);

/* After getopt_long() (opterr 0, options string starting with ':')
 * returned '?' (unknown option) or ':' (a value missing) as `opt`: one
 * line on stderr naming the option, prefixed by `who` ("vsrsim: run").
 * Returns 2, the exit status for bad input. */
int args_bad_option(const char *who, int opt, char **argv);

/* --jobs N: worker processes, 1 to 1024. Returns 0 and sets *jobs, or 2
 * after the one-line error. */
int args_jobs(const char *arg, int *jobs);

/* A bad option value: "PROGRAM: OPT: WHAT" on stderr, one line. Returns
 * 2, the exit status for bad input. */
int args_refuse(const char *opt, const char *what);

#endif
