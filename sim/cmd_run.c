/*
 * cmd_run.c - `vsrsim run`, `vsrsim list` and `vsrsim merge`: a sweep of a
 * scenario's runs, all or a subset, in rounds until each point's interval
 * is narrow enough, stored as it goes so that a killed sweep resumes.
 *
 * Each finished run goes to the results database in run order (runs.h
 * numbers them), each committed as it is written (cheap in WAL mode); so the
 * file always holds whole runs, and `--resume` takes the runs it holds
 * instead of simulating them again. Each run's record is also added to its
 * point's running totals (stats_acc), which make the CSV: the process
 * keeps points, never all the runs.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "args.h"
#include "err.h"
#include "fileio.h"
#include "ndr.h"
#include "plot.h"
#include "report.h"
#include "runs.h"
#include "store.h"
#include "sweep.h"
#include "version.h"
#include "vsr.h"

#define DEFAULT_MAX_REPS 100

static void run_usage(FILE *f)
{
    fputs("usage: vsrsim run SCENARIO.cfg [options]\n"
          "  --csv FILE|-     write the CSV of the curves (- for stdout)\n"
          "  --db FILE        results database (default results.db)\n"
          "  --no-db          do not write a results database\n"
          "  --plot FILE      draw the curves (.png or .svg) with gnuplot\n"
          "  --reps N         replications per point\n"
          "  --seed N         base seed\n"
          "  --jobs N         worker processes (default 1)\n"
          "  --set KEY=VALUE  override a scenario setting (repeatable)\n"
          "  -r, --runs LIST  only these runs (numbers as vsrsim list "
          "prints them:\n"
          "                   N, A..B, A.., ..B, separated by commas)\n"
          "  --resume         take the runs the database already holds\n"
          "  --ci-width W     add replications to each point until its 99%\n"
          "                   interval's half-width is below W kpps, or W%\n"
          "                   of its rate (e.g. 2%)\n"
          "  --max-reps N     at most N replications per point with "
          "--ci-width\n"
          "                   (default 100)\n"
          "  --ndr            also search each curve's NDR and PDR\n"
          "  --ndr-resolution KPPS  stop that search below KPPS (default\n"
          "                   0.1% of the line rate; implies --ndr)\n",
          f);
}

static double wall_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Options shared by run and list: the scenario as a sweep sees it. */
struct sweep_opts {
    struct args_set set;
    struct run_filter filter;
    int filtered;
    int max_reps; /* 0: not given */
    double ci_width;
    int ci_relative; /* ci_width is a fraction of the rate */
};

/* Handle an option both commands take: OPT_TAKEN, OPT_NOT_MINE, or
 * OPT_BAD after its one-line error. */
enum { OPT_NOT_MINE = 0, OPT_TAKEN = 1, OPT_BAD = 2 };

static int sweep_option(int opt, const char *arg,
                        struct sweep_opts *o)
{
    long long v;
    switch (opt) {
    case 'R':
        return args_set_reps(&o->set, arg) ? OPT_BAD : OPT_TAKEN;
    case 's':
        return args_set_seed(&o->set, arg) ? OPT_BAD : OPT_TAKEN;
    case 'S':
        return args_set_add(&o->set, arg) ? OPT_BAD : OPT_TAKEN;
    case 'r':
        if (runs_parse_filter(arg, &o->filter)) {
            args_refuse("--runs", "expected run numbers such as 0..9,15,20..");
            return OPT_BAD;
        }
        o->filtered = 1;
        return OPT_TAKEN;
    case 'M':
        if (args_count(arg, 2, 100000, &v)) {
            args_refuse("--max-reps", "expected an integer from 2 to 100000");
            return OPT_BAD;
        }
        o->max_reps = (int)v;
        return OPT_TAKEN;
    case 'W': {
        size_t n = strlen(arg);
        char num[64];
        int rel = n > 0 && arg[n - 1] == '%';
        snprintf(num, sizeof num, "%.*s", (int)(rel ? n - 1 : n), arg);
        if (args_number(num, 0, rel ? 100 : 1e9, &o->ci_width)) {
            args_refuse("--ci-width",
                "expected a half-width in kpps above 0, or a percentage "
                "such as 2%");
            return OPT_BAD;
        }
        o->ci_relative = rel;
        if (rel)
            o->ci_width /= 100;
        return OPT_TAKEN;
    }
    default:
        return OPT_NOT_MINE;
    }
}

/* Load the scenario and its cost model. Returns 0 or the exit status. */
static int load(const char *path, const struct sweep_opts *o,
                struct scenario *s, struct costmodel *cm)
{
    char err[1024];
    if (scenario_load(s, path, o->set.kv, o->set.n, err, sizeof err)) {
        fprintf(stderr, "vsrsim: %s\n", err);
        return 2;
    }
    if (store_load_costmodel(s->costmodel_db, s->costmodel_id, cm, err,
                             sizeof err)) {
        fprintf(stderr, "vsrsim: %s (set by costmodel in %s)\n", err, path);
        scenario_clear(s);
        return 2;
    }
    return 0;
}

/* Replications per point in the run numbers: --max-reps with --ci-width. */
static int reps_cap(const struct scenario *s, const struct sweep_opts *o)
{
    if (o->ci_width > 0)
        return o->max_reps           ? o->max_reps
               : s->reps > DEFAULT_MAX_REPS ? s->reps
                                            : DEFAULT_MAX_REPS;
    return s->reps;
}

/* ---- vsrsim run ----------------------------------------------------- */

struct sweep_state {
    const struct scenario *s;
    const struct costmodel *cm;
    const struct run_round *rd;
    int cap;
    struct stats_layout lay[SCENARIO_MAX_CURVES];
    struct stats_acc *acc; /* per point */
    struct store *st;      /* NULL: --no-db */
    int resume;
    char key[128], hash[17], seed[32], err[1024];
    int64_t stored; /* runs written and committed */
    int64_t taken, events;
    double packets; /* offered over the runs simulated, warm-ups included */
};

static void task_run(const void *ctx, int i, struct run_result *out)
{
    const struct sweep_state *x = ctx;
    const struct scenario *s = x->s;
    struct run_id id;
    runs_task(s, x->rd, x->cap, i, &id);
    vsr_run(&s->curve[id.curve].cfg, x->cm, s->rates_kpps[id.rate],
            sweep_run_seed(s, id.curve, id.rate, id.rep), s->warmup_ns,
            s->duration_ns, out);
}

static int task_stored(struct sweep_state *x, const struct run_id *id,
                       struct run_result *r)
{
    char name[160];
    runs_name(x->s, id, name, sizeof name);
    int rc = store_find_run(x->st, name, x->key, r, x->err, sizeof x->err);
    return rc;
}

static int task_skip(void *dctx, int i)
{
    struct sweep_state *x = dctx;
    if (!x->resume)
        return 0;
    struct run_id id;
    runs_task(x->s, x->rd, x->cap, i, &id);
    return task_stored(x, &id, NULL) == 1; /* read whole in task_done */
}

static int store_task(struct sweep_state *x, const struct run_id *id,
                      const struct run_result *r)
{
    const struct scenario *s = x->s;
    char name[160], rate[32], reps[16];
    runs_name(s, id, name, sizeof name);
    snprintf(rate, sizeof rate, "%g", s->rates_kpps[id->rate]);
    snprintf(reps, sizeof reps, "%d", s->reps);
    const char *keys[] = {"curve", "offered_kpps", "reps", "seed"};
    const char *vals[] = {s->curve[id->curve].name, rate, reps, x->seed};
    struct run_meta m = {
        .run_name = name,
        .run_number = id->number,
        .run_key = x->key,
        .scenario_path = s->path,
        .scenario_hash = x->hash,
        .scenario_text = s->text,
        .curve = s->curve[id->curve].name,
        .costmodel_id = s->costmodel_id,
        .version = VSRSIM_VERSION,
        .seed = sweep_run_seed(s, id->curve, id->rate, id->rep),
        .base_seed = s->seed,
        .curve_index = id->curve,
        .rate_index = id->rate,
        .rep = id->rep,
        .offered_kpps = s->rates_kpps[id->rate],
        .warmup_ns = s->warmup_ns,
        .measured_ns = s->duration_ns,
        .nparams = 4,
        .param_key = keys,
        .param_value = vals,
    };
    if (store_add_run(x->st, &m, &x->lay[id->curve], r, x->err,
                      sizeof x->err) ||
        store_checkpoint(x->st, x->err, sizeof x->err))
        return SIM_EIO;
    x->stored++;
    return 0;
}

static int task_done(void *dctx, int i, const struct run_result *r)
{
    struct sweep_state *x = dctx;
    struct run_id id;
    runs_task(x->s, x->rd, x->cap, i, &id);
    struct run_result *have = NULL;
    if (!r) { /* held by the database */
        have = xmalloc(sizeof *have);
        if (task_stored(x, &id, have) != 1) {
            if (!x->err[0])
                snprintf(x->err, sizeof x->err, "run %lld left the "
                         "database during the sweep", (long long)id.number);
            free(have);
            return SIM_EIO;
        }
        r = have;
        x->taken++;
    } else {
        x->events += (int64_t)r->events;
        x->packets += x->s->rates_kpps[id.rate] * 1e3 *
                      (double)(x->s->warmup_ns + x->s->duration_ns) * 1e-9;
        if (x->st && store_task(x, &id, r))
            return SIM_EIO;
    }
    stats_acc_add(&x->acc[id.point], &x->lay[id.curve], r);
    free(have);
    return 0;
}

/* Put the curves' NDR and PDR on each of their runs in the database. */
static int store_ndr(struct sweep_state *x, const struct run_round *rounds,
                     int nrounds, const struct ndr_result *ndr)
{
    for (int k = 0; k < nrounds; k++)
        for (int64_t i = 0; i < rounds[k].ntask; i++) {
            struct run_id id;
            char name[160];
            double v[NDR_NFIELDS];
            runs_task(x->s, &rounds[k], x->cap, i, &id);
            runs_name(x->s, &id, name, sizeof name);
            ndr_fields(&ndr[id.curve], v);
            if (store_put_scalars(x->st, name, "vsr", NDR_NFIELDS,
                                  ndr_field_name, v, x->err, sizeof x->err))
                return SIM_EIO;
        }
    return 0;
}

/* How far --ci-width got, in one line. */
static void report_width(const struct sweep_state *x,
                         const struct sweep_opts *o)
{
    const struct scenario *s = x->s;
    int npts = s->ncurves * s->nrates, reached = 0, lo = INT_MAX, hi = 0;
    int worst = -1;
    double worst_rel = 0;
    for (int p = 0; p < npts; p++) {
        struct point_summary ps;
        stats_acc_summary(&x->acc[p], &x->lay[p / s->nrates],
                          s->rates_kpps[p % s->nrates], &ps);
        double target = o->ci_relative ? o->ci_width * ps.forwarded_kpps
                                       : o->ci_width;
        if (ps.reps >= 2 && ps.ci99_kpps <= target) {
            reached++;
        } else {
            double rel = ps.ci99_kpps / (target > 0 ? target : 1e-9);
            if (worst < 0 || rel > worst_rel) {
                worst = p;
                worst_rel = rel;
            }
        }
        lo = ps.reps < lo ? ps.reps : lo;
        hi = ps.reps > hi ? ps.reps : hi;
    }
    fprintf(stderr, "vsrsim: --ci-width: %d of %d points reached it, with %d "
            "to %d replications", reached, npts, lo, hi);
    if (worst >= 0)
        fprintf(stderr, "; the widest, '%s' at %g kpps, is %.1fx the target "
                "at --max-reps %d", s->curve[worst / s->nrates].name,
                s->rates_kpps[worst % s->nrates], worst_rel, x->cap);
    fputc('\n', stderr);
}

/* Write the CSV (to a file or stdout) and the plot. */
static int write_outputs(const struct sweep_state *x, const char *csv,
                         const char *plot, const struct ndr_result *ndr)
{
    const struct scenario *s = x->s;
    int npts = s->ncurves * s->nrates, rc = 0;
    char err[1024];
    struct point_summary *pts = xcalloc((size_t)npts, sizeof *pts);
    for (int p = 0; p < npts; p++)
        stats_acc_summary(&x->acc[p], &x->lay[p / s->nrates],
                          s->rates_kpps[p % s->nrates], &pts[p]);
    char tmp_csv[] = "/tmp/vsrsim-XXXXXX";
    const char *csv_for_plot = NULL;
    if (csv && strcmp(csv, "-") == 0) {
        report_csv_points(stdout, s, pts, ndr);
        if (fflush(stdout) || ferror(stdout)) {
            fprintf(stderr, "vsrsim: --csv -: cannot write standard output: "
                    "%s\n", strerror(errno));
            rc = 1;
        }
    } else if (csv) {
        if (report_csv_file_points(csv, s, pts, ndr, err, sizeof err)) {
            fprintf(stderr, "vsrsim: %s\n", err);
            rc = 1;
        }
        csv_for_plot = csv;
    }
    if (!rc && plot) {
        if (!csv_for_plot) {
            int fd = mkstemp(tmp_csv);
            FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
            if (f) {
                report_csv_points(f, s, pts, ndr);
                int bad = ferror(f);
                if (fclose(f) == 0 && !bad)
                    csv_for_plot = tmp_csv;
                else
                    unlink(tmp_csv);
            }
        }
        char dir[PATH_MAX];
        plot_find_dir(dir, sizeof dir);
        if (!csv_for_plot ||
            plot_curves(dir, csv_for_plot, plot, s->name, err, sizeof err)) {
            fprintf(stderr, "vsrsim: %s\n",
                    csv_for_plot ? err
                                 : "cannot write a temporary CSV for the plot");
            rc = 1;
        }
        if (csv_for_plot == tmp_csv)
            unlink(tmp_csv);
    }
    free(pts);
    return rc;
}

/* Refuse, before anything is simulated, an output that cannot be
 * written. Returns 0 or the exit status. */
static int writable(const char *path, const char *what)
{
    if (fileio_writable(path) == 0)
        return 0;
    fprintf(stderr, "vsrsim: %s: cannot write %s: %s\n", path, what,
            strerror(errno));
    return 2;
}

/* A sweep stopped by its results database: what is kept, in one line. */
static void stopped(const struct sweep_state *x)
{
    fprintf(stderr, "vsrsim: %s (%lld runs stored before; --resume goes on "
            "from there)\n", x->err, (long long)x->stored);
}

/* Run every round of the sweep. Returns 0 or the exit status. */
static int sweep_rounds(struct sweep_state *x, const struct sweep_opts *o,
                        int jobs, struct run_round **rounds, int *nrounds)
{
    const struct scenario *s = x->s;
    struct run_round rd;
    runs_first_round(s, s->reps, x->cap, o->filtered ? &o->filter : NULL,
                     &rd);
    while (rd.ntask > 0) {
        if (rd.ntask > INT_MAX) {
            fprintf(stderr, "vsrsim: run: %lld runs in one round; at most "
                    "%d\n", (long long)rd.ntask, INT_MAX);
            runs_round_free(&rd);
            return 2;
        }
        *rounds = xrealloc(*rounds, (size_t)(*nrounds + 1) * sizeof **rounds);
        (*rounds)[(*nrounds)++] = rd;
        x->rd = &(*rounds)[*nrounds - 1];
        struct sweep_job j = {.total = (int)rd.ntask, .fn = task_run,
                              .ctx = x, .jobs = jobs,
                              .progress = isatty(2), .skip = task_skip,
                              .done = task_done, .dctx = x};
        int rc = sweep_stream(&j);
        if (rc) {
            if (x->err[0])
                stopped(x);
            else
                fprintf(stderr, "vsrsim: a worker process failed\n");
            return 1;
        }
        if (o->ci_width <= 0)
            break;
        runs_next_round(s, x->acc, o->ci_width, o->ci_relative, x->cap, &rd);
    }
    if (rd.ntask == 0)
        runs_round_free(&rd);
    return 0;
}

int cmd_run(int argc, char **argv)
{
    static const struct option opts[] = {
        {"csv", required_argument, 0, 'c'},
        {"db", required_argument, 0, 'd'},
        {"no-db", no_argument, 0, 'n'},
        {"plot", required_argument, 0, 'p'},
        {"reps", required_argument, 0, 'R'},
        {"seed", required_argument, 0, 's'},
        {"jobs", required_argument, 0, 'j'},
        {"set", required_argument, 0, 'S'},
        {"runs", required_argument, 0, 'r'},
        {"resume", no_argument, 0, 'u'},
        {"ci-width", required_argument, 0, 'W'},
        {"max-reps", required_argument, 0, 'M'},
        {"ndr", no_argument, 0, 'N'},
        {"ndr-resolution", required_argument, 0, 'D'},
        {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0},
    };
    const char *csv = NULL, *db = "results.db", *plot = NULL;
    struct sweep_opts o = {0};
    struct ndr_opts ndr_o = {.progress = isatty(2)};
    int ndr_on = 0, jobs = 1, resume = 0, opt, r;
    while ((opt = getopt_long(argc, argv, ":r:", opts, NULL)) != -1) {
        if ((r = sweep_option(opt, optarg, &o)) == OPT_BAD)
            return 2;
        if (r == OPT_TAKEN)
            continue;
        switch (opt) {
        case 'c':
            csv = optarg;
            break;
        case 'd':
            db = optarg;
            break;
        case 'n':
            db = NULL;
            break;
        case 'p':
            plot = optarg;
            break;
        case 'j':
            if (args_jobs(optarg, &jobs))
                return 2;
            break;
        case 'u':
            resume = 1;
            break;
        case 'D':
            if (args_number(optarg, 0, 1e9, &ndr_o.resolution_kpps))
                return args_refuse("--ndr-resolution",
                           "expected a rate in kpps above 0");
            /* fall through */
        case 'N':
            ndr_on = 1;
            break;
        case 'h':
            run_usage(stdout);
            return 0;
        default:
            return args_bad_option("vsrsim: run", opt, argv);
        }
    }
    if (optind != argc - 1) {
        fprintf(stderr, "vsrsim: run: expected one scenario file (see "
                "vsrsim --help)\n");
        return 2;
    }
    if (plot) {
        size_t n = strlen(plot);
        if (n < 5 || (strcmp(plot + n - 4, ".png") != 0 &&
                      strcmp(plot + n - 4, ".svg") != 0))
            return args_refuse("--plot", "the file must end in .png or .svg");
    }
    if (resume && !db)
        return args_refuse("--resume", "needs a results database (not "
                                      "--no-db)");
    if (o.max_reps && o.ci_width <= 0)
        return args_refuse("--max-reps", "only with --ci-width");
    if (o.filtered && o.ci_width > 0)
        return args_refuse("--runs", "a subset of runs cannot grow to "
                                    "--ci-width");

    const char *path = argv[optind];
    struct scenario *s = xmalloc(sizeof *s);
    struct costmodel cm;
    if ((r = load(path, &o, s, &cm))) {
        free(s);
        return r;
    }
    struct sweep_state *x = xcalloc(1, sizeof *x);
    x->s = s;
    x->cm = &cm;
    x->cap = reps_cap(s, &o);
    x->resume = resume;
    if (o.ci_width > 0 && s->reps > x->cap) {
        scenario_clear(s);
        free(s);
        free(x);
        return args_refuse("--max-reps", "below the scenario's replications");
    }
    runs_key(s, &cm, x->key, sizeof x->key);
    snprintf(x->hash, sizeof x->hash, "%016llx", (unsigned long long)s->hash);
    snprintf(x->seed, sizeof x->seed, "%llu", (unsigned long long)s->seed);
    for (int c = 0; c < s->ncurves; c++)
        vsr_layout(&s->curve[c].cfg, &x->lay[c]);
    x->acc = xcalloc((size_t)(s->ncurves * s->nrates), sizeof *x->acc);

    int rc = 0;
    if ((csv && strcmp(csv, "-") != 0 && (rc = writable(csv, "CSV"))) ||
        (plot && (rc = writable(plot, "plot")))) {
        /* refused before anything is simulated or written */
    } else if (db && store_open(&x->st, db, x->err, sizeof x->err)) {
        fprintf(stderr, "vsrsim: %s\n", x->err);
        rc = 2; /* a results database that cannot be used is bad input */
    }
    struct run_round *rounds = NULL;
    int nrounds = 0;
    double t0 = wall_s();
    if (!rc)
        rc = sweep_rounds(x, &o, jobs, &rounds, &nrounds);
    double wall = wall_s() - t0;
    if (!rc && resume)
        fprintf(stderr, "vsrsim: %s: %lld runs taken from it, %lld simulated\n", db,
                (long long)x->taken, (long long)x->stored);
    if (!rc && o.ci_width > 0)
        report_width(x, &o);
    if (!rc && getenv("VSRSIM_STATS")) {
        double sim = 0;
        for (int k = 0; k < nrounds; k++)
            sim += (double)(s->warmup_ns + s->duration_ns) * 1e-9 *
                   (double)rounds[k].ntask;
        fprintf(stderr,
                "vsrsim: %lld events in %.3f s wall, %.0f events/s, "
                "simulated/wall %.2f, %.0f offered packets/s\n",
                (long long)x->events, wall, (double)x->events / wall,
                sim / wall, x->packets / wall);
    }

    struct ndr_result *ndr = NULL;
    if (!rc && ndr_on) {
        ndr = xcalloc((size_t)s->ncurves, sizeof *ndr);
        ndr_o.jobs = jobs;
        if (ndr_search(s, &cm, &ndr_o, ndr)) {
            fprintf(stderr, "vsrsim: a worker process failed\n");
            rc = 1;
        } else if (x->st && store_ndr(x, rounds, nrounds, ndr)) {
            fprintf(stderr, "vsrsim: %s\n", x->err);
            rc = 1;
        }
    }
    if (x->st) {
        if (!rc && store_commit(x->st, x->err, sizeof x->err)) {
            stopped(x);
            rc = 1;
        } else if (rc) {
            store_abort(x->st); /* whole runs committed so far stay */
        }
    }
    if (!rc)
        rc = write_outputs(x, csv, plot, ndr);
    for (int k = 0; k < nrounds; k++)
        runs_round_free(&rounds[k]);
    free(rounds);
    free(ndr);
    free(x->acc);
    free(x);
    scenario_clear(s);
    free(s);
    return rc;
}

/* ---- vsrsim list ---------------------------------------------------- */

static void list_usage(FILE *f)
{
    fputs("usage: vsrsim list SCENARIO.cfg [options]\n"
          "  the runs of a sweep, one per line: run number, curve, offered\n"
          "  rate, replication, seed and name (tab-separated)\n"
          "  -r, --runs LIST  only these runs\n"
          "  --reps N, --seed N, --set KEY=VALUE, --max-reps N  as for run\n"
          "                   (--max-reps numbers runs as --ci-width does)\n",
          f);
}

int cmd_list(int argc, char **argv)
{
    static const struct option opts[] = {
        {"reps", required_argument, 0, 'R'},
        {"seed", required_argument, 0, 's'},
        {"set", required_argument, 0, 'S'},
        {"runs", required_argument, 0, 'r'},
        {"max-reps", required_argument, 0, 'M'},
        {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0},
    };
    struct sweep_opts o = {0};
    int opt, r;
    while ((opt = getopt_long(argc, argv, ":r:", opts, NULL)) != -1) {
        if ((r = sweep_option(opt, optarg, &o)) == OPT_BAD)
            return 2;
        if (r == OPT_TAKEN)
            continue;
        if (opt == 'h') {
            list_usage(stdout);
            return 0;
        }
        return args_bad_option("vsrsim: list", opt, argv);
    }
    if (optind != argc - 1) {
        fprintf(stderr, "vsrsim: list: expected one scenario file (see "
                "vsrsim list --help)\n");
        return 2;
    }
    struct scenario *s = xmalloc(sizeof *s);
    struct costmodel cm;
    if ((r = load(argv[optind], &o, s, &cm))) {
        free(s);
        return r;
    }
    int cap = o.max_reps ? o.max_reps : s->reps;
    if (cap < s->reps) {
        scenario_clear(s);
        free(s);
        return args_refuse("--max-reps", "below the scenario's "
                                         "replications");
    }
    struct run_round rd;
    runs_first_round(s, s->reps, cap, o.filtered ? &o.filter : NULL, &rd);
    printf("run\tcurve\toffered_kpps\trep\tseed\tname\n");
    for (int64_t i = 0; i < rd.ntask; i++) {
        struct run_id id;
        char name[160];
        runs_task(s, &rd, cap, i, &id);
        runs_name(s, &id, name, sizeof name);
        printf("%lld\t%s\t%g\t%d\t%llu\t%s\n", (long long)id.number,
               s->curve[id.curve].name, s->rates_kpps[id.rate], id.rep,
               (unsigned long long)sweep_run_seed(s, id.curve, id.rate,
                                                  id.rep),
               name);
    }
    runs_round_free(&rd);
    scenario_clear(s);
    free(s);
    return fflush(stdout) == 0 ? 0 : 1;
}

/* ---- vsrsim merge --------------------------------------------------- */

int cmd_merge(int argc, char **argv)
{
    static const struct option opts[] = {
        {"out", required_argument, 0, 'o'},
        {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0},
    };
    const char *out = NULL;
    int opt;
    while ((opt = getopt_long(argc, argv, ":o:", opts, NULL)) != -1) {
        if (opt == 'o') {
            out = optarg;
        } else if (opt == 'h') {
            fputs("usage: vsrsim merge A.db B.db ... -o ALL.db\n"
                  "  put the runs of results databases into one, each sweep's"
                  "\n  runs in the order of their numbers\n",
                  stdout);
            return 0;
        } else {
            return args_bad_option("vsrsim: merge", opt, argv);
        }
    }
    if (!out)
        return args_refuse("-o", "an output database is required");
    if (optind >= argc) {
        fprintf(stderr, "vsrsim: merge: expected results databases to merge "
                "(see vsrsim merge --help)\n");
        return 2;
    }
    struct stat so, si;
    int have_out = stat(out, &so) == 0;
    for (int i = optind; i < argc; i++) {
        if (stat(argv[i], &si) != 0) {
            fprintf(stderr, "vsrsim: merge: %s: no such file\n", argv[i]);
            return 2;
        }
        if (have_out && so.st_dev == si.st_dev && so.st_ino == si.st_ino)
            return args_refuse("-o", "the output must not be an input");
    }
    char err[1024];
    int n = 0;
    int rc = store_merge(out, (const char *const *)&argv[optind],
                         argc - optind, &n, err, sizeof err);
    if (rc) {
        fprintf(stderr, "vsrsim: merge: %s\n", err);
        return rc == SIM_EINPUT ? 2 : 1;
    }
    fprintf(stderr, "vsrsim: merged %d runs from %d files into %s\n", n,
            argc - optind, out);
    return 0;
}
