/*
 * args.h - command-line options: numbers checked whole, the overrides of
 * a scenario, one-line errors.
 */
#ifndef VSRSIM_ARGS_H
#define VSRSIM_ARGS_H

/* Both return 0 and set *out, or -1 (leaving *out alone) when the text is
 * empty, has trailing characters, overflows or lies outside the range; the
 * caller then names the option and the range in its one-line error. */

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

/* The scenario settings a command line overrides, in the order given, so
 * that the last word on a setting wins: --set KEY=VALUE as it is, --reps N
 * and --seed N as sim.reps=N and sim.seed=N. Each adder returns 0, or 2
 * after a one-line error naming its option (a bad value, or more than
 * ARGS_MAX_SET overrides). */
#define ARGS_MAX_SET 64

struct args_set {
    const char *kv[ARGS_MAX_SET];
    int n;
    char reps[32], seed[40]; /* the texts of --reps and --seed */
};

int args_set_add(struct args_set *o, const char *kv);
int args_set_reps(struct args_set *o, const char *arg);
int args_set_seed(struct args_set *o, const char *arg);

/* A bad option value: "PROGRAM: OPT: WHAT" on stderr, one line. Returns
 * 2, the exit status for bad input. */
int args_refuse(const char *opt, const char *what);

#endif
