/*
 * main.c - the vsrsim command line; it only wires modules together.
 *
 *   vsrsim run SCENARIO.cfg [options]
 *   vsrsim paper [options]
 *   vsrsim validate --measured DB --scenario SCENARIO.cfg [options]
 *   vsrsim plan SCENARIO.cfg --target KPPS (--budget THREAD | --cores)
 *   vsrsim search SCENARIO.cfg [options]
 *   vsrsim explain SCENARIO.cfg --curve NAME --rate KPPS
 *   vsrsim trace SCENARIO.cfg --curve NAME --rate KPPS --from T --to T
 *
 * Exit status: 0 success, 1 a run or output failed, 2 bad input (scenario,
 * option, cost model), with one line on stderr naming what was wrong.
 */
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "args.h"
#include "err.h"
#include "explain.h"
#include "ndr.h"
#include "paper.h"
#include "plan.h"
#include "plot.h"
#include "report.h"
#include "scenario.h"
#include "search.h"
#include "store.h"
#include "sweep.h"
#include "trace.h"
#include "validate.h"

#ifndef VSRSIM_VERSION
#define VSRSIM_VERSION "0.1.0"
#endif

#define MAX_SET 64
#define DEFAULT_SPEC "../shared/spec/paper-claims.md"

static void usage(FILE *f)
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
          "  --ndr            also search each curve's NDR and PDR\n"
          "  --ndr-resolution KPPS  stop that search below KPPS (default\n"
          "                   0.1% of the line rate; implies --ndr)\n"
          "  --version, --help\n"
          "usage: vsrsim plan SCENARIO.cfg --target KPPS "
          "(--budget THREAD | --cores) [options]\n"
          "  see vsrsim plan --help\n"
          "usage: vsrsim paper [options]\n"
          "  --out DIR        write DIR/results/paper/figNN.csv and\n"
          "                   DIR/plots/paper/{figNN.png,report.md} "
          "(default .)\n"
          "  --jobs N         worker processes (default 1)\n"
          "  --only figNN     run this figure only (repeatable)\n"
          "  --claims FILE    the claims (default " DEFAULT_SPEC ")\n"
          "  --commit ID      source revision named in the report\n"
          "usage: vsrsim validate --measured DB --scenario SCENARIO.cfg "
          "[options]\n"
          "  --curve NAME     only this curve (repeatable)\n"
          "  --mape-max PCT   fail when a curve's MAPE is above PCT\n"
          "  --peak-max PCT   fail when a curve's peak error is above PCT\n"
          "  --csv FILE       write measured and simulated points\n"
          "  --plot FILE      draw them (.png or .svg)\n"
          "  --jobs N, --set KEY=VALUE  as for run\n"
          "usage: vsrsim search SCENARIO.cfg [options]\n"
          "  see vsrsim search --help\n"
          "usage: vsrsim explain SCENARIO.cfg --curve NAME --rate KPPS\n"
          "usage: vsrsim trace SCENARIO.cfg --curve NAME --rate KPPS "
          "--from T --to T [--out FILE]\n"
          "  see vsrsim explain --help, vsrsim trace --help\n",
          f);
}

static int bad_option(const char *opt, const char *what)
{
    fprintf(stderr, "vsrsim: %s: %s\n", opt, what);
    return 2;
}

static int write_db(const char *path, const struct scenario *s,
                    const struct run_result *runs,
                    const struct ndr_result *ndr)
{
    char err[512];
    struct store *st;
    if (store_open(&st, path, err, sizeof err)) {
        fprintf(stderr, "vsrsim: %s\n", err);
        return 1;
    }
    char hash[17];
    snprintf(hash, sizeof hash, "%016llx", (unsigned long long)s->hash);
    for (int c = 0; c < s->ncurves; c++) {
        struct stats_layout lay;
        double nv[NDR_NFIELDS];
        vsr_layout(&s->curve[c].cfg, &lay);
        if (ndr)
            ndr_fields(&ndr[c], nv);
        for (int r = 0; r < s->nrates; r++)
            for (int k = 0; k < s->reps; k++) {
                int run = (c * s->nrates + r) * s->reps + k;
                char name[160], rate[32], reps[16], seed[32];
                snprintf(name, sizeof name, "%s-%d-%d-%d", s->name, c, r, k);
                snprintf(rate, sizeof rate, "%g", s->rates_kpps[r]);
                snprintf(reps, sizeof reps, "%d", s->reps);
                snprintf(seed, sizeof seed, "%llu",
                         (unsigned long long)s->seed);
                const char *keys[] = {"curve", "offered_kpps", "reps", "seed"};
                const char *vals[] = {s->curve[c].name, rate, reps, seed};
                struct run_meta m = {
                    .run_name = name,
                    .scenario_path = s->path,
                    .scenario_hash = hash,
                    .scenario_text = s->text,
                    .curve = s->curve[c].name,
                    .costmodel_id = s->costmodel_id,
                    .version = VSRSIM_VERSION,
                    .seed = sweep_run_seed(s, c, r, k),
                    .base_seed = s->seed,
                    .curve_index = c,
                    .rate_index = r,
                    .rep = k,
                    .offered_kpps = s->rates_kpps[r],
                    .warmup_ns = s->warmup_ns,
                    .measured_ns = s->duration_ns,
                    .nparams = 4,
                    .param_key = keys,
                    .param_value = vals,
                    .nscalars = ndr ? NDR_NFIELDS : 0,
                    .scalar_name = ndr_field_name,
                    .scalar_value = nv,
                };
                if (store_add_run(st, &m, &lay, &runs[run], err, sizeof err)) {
                    store_abort(st);
                    fprintf(stderr, "vsrsim: %s\n", err);
                    return 1;
                }
            }
    }
    if (store_commit(st, err, sizeof err)) {
        fprintf(stderr, "vsrsim: %s\n", err);
        return 1;
    }
    return 0;
}

static double wall_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* The last case of an option switch: --help, or an option getopt has
 * refused with its own message. Returns the exit status. */
static int help_or_bad(int opt, const char *who, char **argv)
{
    if (opt == 'h') {
        usage(stdout);
        return 0;
    }
    return args_bad_option(who, opt, argv);
}

/* --jobs N, checked. Returns 0, or the exit status after the error. */
static int jobs_option(const char *arg, int *jobs)
{
    long long v;
    if (args_count(arg, 1, 1024, &v))
        return bad_option("--jobs", "expected an integer from 1 to 1024");
    *jobs = (int)v;
    return 0;
}

static int cmd_run(int argc, char **argv)
{
    static const struct option opts[] = {
        {"csv", required_argument, 0, 'c'},
        {"db", required_argument, 0, 'd'},
        {"no-db", no_argument, 0, 'n'},
        {"plot", required_argument, 0, 'p'},
        {"reps", required_argument, 0, 'r'},
        {"seed", required_argument, 0, 's'},
        {"jobs", required_argument, 0, 'j'},
        {"set", required_argument, 0, 'S'},
        {"ndr", no_argument, 0, 'N'},
        {"ndr-resolution", required_argument, 0, 'D'},
        {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0},
    };
    const char *csv = NULL, *db = "results.db", *plot = NULL;
    struct ndr_opts ndr_o = {.progress = isatty(2)};
    int ndr_on = 0;
    const char *set[MAX_SET + 2];
    char reps_set[48], seed_set[48];
    int nset = 0, jobs = 1, opt;
    long long v;
    while ((opt = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
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
        case 'r':
            if (args_count(optarg, 1, 100000, &v))
                return bad_option("--reps", "expected an integer from 1 "
                                            "to 100000");
            snprintf(reps_set, sizeof reps_set, "sim.reps=%lld", v);
            set[nset++] = reps_set;
            break;
        case 's':
            if (args_count(optarg, 0, LLONG_MAX, &v))
                return bad_option("--seed", "expected a non-negative "
                                            "integer");
            snprintf(seed_set, sizeof seed_set, "sim.seed=%lld", v);
            set[nset++] = seed_set;
            break;
        case 'j':
            if (jobs_option(optarg, &jobs))
                return 2;
            break;
        case 'S':
            if (nset >= MAX_SET)
                return bad_option("--set", "too many overrides");
            set[nset++] = optarg;
            break;
        case 'D':
            if (args_number(optarg, 0, 1e9, &ndr_o.resolution_kpps))
                return bad_option("--ndr-resolution", "expected a rate in "
                                                      "kpps above 0");
            /* fall through */
        case 'N':
            ndr_on = 1;
            break;
        default:
            return help_or_bad(opt, "vsrsim: run", argv);
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
            return bad_option("--plot", "the file must end in .png or .svg");
    }
    const char *path = argv[optind];
    char err[1024];
    struct scenario *s = xmalloc(sizeof *s);
    if (scenario_load(s, path, set, nset, err, sizeof err)) {
        fprintf(stderr, "vsrsim: %s\n", err);
        free(s);
        return 2;
    }
    struct costmodel cm;
    int rc = store_load_costmodel(s->costmodel_db, s->costmodel_id, &cm, err,
                                  sizeof err);
    if (rc) {
        fprintf(stderr, "vsrsim: %s (set by costmodel in %s)\n", err, path);
        scenario_clear(s);
        free(s);
        return 2;
    }

    size_t total = (size_t)s->ncurves * s->nrates * s->reps;
    struct run_result *runs = xcalloc(total, sizeof *runs);
    double t0 = wall_s();
    if (sweep_run(s, &cm, jobs, isatty(2), runs)) {
        fprintf(stderr, "vsrsim: a worker process failed\n");
        return 1;
    }
    double wall = wall_s() - t0;
    if (getenv("VSRSIM_STATS")) {
        uint64_t ev = 0;
        for (size_t i = 0; i < total; i++)
            ev += runs[i].events;
        double sim = (double)(s->warmup_ns + s->duration_ns) * 1e-9 * total;
        fprintf(stderr,
                "vsrsim: %llu events in %.3f s wall, %.0f events/s, "
                "simulated/wall %.2f\n",
                (unsigned long long)ev, wall, (double)ev / wall, sim / wall);
    }

    struct ndr_result *ndr = NULL;
    if (ndr_on) {
        ndr = xcalloc((size_t)s->ncurves, sizeof *ndr);
        ndr_o.jobs = jobs;
        if (ndr_search(s, &cm, &ndr_o, ndr)) {
            fprintf(stderr, "vsrsim: a worker process failed\n");
            return 1;
        }
    }

    rc = 0;
    char tmp_csv[] = "/tmp/vsrsim-XXXXXX";
    const char *csv_for_plot = NULL;
    if (csv && strcmp(csv, "-") == 0) {
        report_csv_ndr(stdout, s, runs, ndr);
        fflush(stdout);
    } else if (csv) {
        if (report_csv_file_ndr(csv, s, runs, ndr, err, sizeof err)) {
            fprintf(stderr, "vsrsim: %s\n", err);
            rc = 1;
        }
        csv_for_plot = csv;
    }
    if (!rc && db)
        rc = write_db(db, s, runs, ndr);
    if (!rc && plot) {
        if (!csv_for_plot) {
            int fd = mkstemp(tmp_csv);
            FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
            if (f) {
                report_csv_ndr(f, s, runs, ndr);
                fclose(f);
                csv_for_plot = tmp_csv;
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
    free(ndr);
    free(runs);
    scenario_clear(s);
    free(s);
    return rc;
}

static int cmd_validate(int argc, char **argv)
{
    static const struct option opts[] = {
        {"measured", required_argument, 0, 'm'},
        {"curve", required_argument, 0, 'C'},
        {"scenario", required_argument, 0, 'S'},
        {"mape-max", required_argument, 0, 'M'},
        {"peak-max", required_argument, 0, 'P'},
        {"csv", required_argument, 0, 'c'},
        {"plot", required_argument, 0, 'p'},
        {"jobs", required_argument, 0, 'j'},
        {"set", required_argument, 0, 's'},
        {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0},
    };
    const char *set[MAX_SET], *curves[SCENARIO_MAX_CURVES];
    char dir[PATH_MAX];
    struct validate_opts o = {.set = set, .curves = curves, .jobs = 1,
                              .progress = isatty(2)};
    int opt;
    while ((opt = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
        switch (opt) {
        case 'm':
            o.measured = optarg;
            break;
        case 'S':
            o.scenario = optarg;
            break;
        case 'C':
            if (o.ncurves >= SCENARIO_MAX_CURVES)
                return bad_option("--curve", "too many curves");
            curves[o.ncurves++] = optarg;
            break;
        case 'M':
        case 'P': {
            double v;
            if (args_number(optarg, 0, 1e6, &v))
                return bad_option(opt == 'M' ? "--mape-max" : "--peak-max",
                                  "expected a percentage above 0");
            *(opt == 'M' ? &o.mape_max : &o.peak_max) = v / 100;
            break;
        }
        case 'c':
            o.csv = optarg;
            break;
        case 'p':
            o.plot = optarg;
            break;
        case 'j':
            if (jobs_option(optarg, &o.jobs))
                return 2;
            break;
        case 's':
            if (o.nset >= MAX_SET)
                return bad_option("--set", "too many overrides");
            set[o.nset++] = optarg;
            break;
        default:
            return help_or_bad(opt, "vsrsim: validate", argv);
        }
    }
    if (optind != argc)
        return bad_option(argv[optind], "unexpected argument");
    if (!o.measured)
        return bad_option("--measured", "a calibration database is "
                                        "required");
    if (!o.scenario)
        return bad_option("--scenario", "a scenario file is required");
    plot_find_dir(dir, sizeof dir);
    o.plots_dir = dir;
    return validate_main(&o);
}

/* figNN: "fig" and two digits. */
static int is_fig_name(const char *s)
{
    return strncmp(s, "fig", 3) == 0 && s[3] >= '0' && s[3] <= '9' &&
           s[4] >= '0' && s[4] <= '9' && s[5] == '\0';
}

static int cmd_paper(int argc, char **argv)
{
    static const struct option opts[] = {
        {"out", required_argument, 0, 'o'},
        {"jobs", required_argument, 0, 'j'},
        {"only", required_argument, 0, 'O'},
        {"claims", required_argument, 0, 'C'},
        {"commit", required_argument, 0, 'v'},
        {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0},
    };
    char dir[PATH_MAX];
    struct paper_opts po = {
        .out = ".",
        .models = "models/paper",
        .spec = DEFAULT_SPEC,
        .commit = "unknown",
        .version = VSRSIM_VERSION,
        .jobs = 1,
        .progress = isatty(2),
    };
    int opt;
    while ((opt = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
        switch (opt) {
        case 'o':
            po.out = optarg;
            break;
        case 'j':
            if (jobs_option(optarg, &po.jobs))
                return 2;
            break;
        case 'O':
            if (!is_fig_name(optarg))
                return bad_option("--only", "expected figNN, e.g. fig03");
            if (po.nonly == PAPER_MAX_ONLY)
                return bad_option("--only", "too many figures");
            po.only[po.nonly++] = optarg;
            break;
        case 'C':
            po.spec = optarg;
            break;
        case 'v':
            po.commit = optarg;
            break;
        default:
            return help_or_bad(opt, "vsrsim: paper", argv);
        }
    }
    if (optind != argc) {
        fprintf(stderr, "vsrsim: paper: unexpected argument '%s'\n",
                argv[optind]);
        return 2;
    }
    plot_find_dir(dir, sizeof dir);
    po.plots_dir = dir;
    return paper_run(&po);
}

int main(int argc, char **argv)
{
    opterr = 0; /* getopt's own messages would make errors two lines */
    if (argc < 2) {
        fputs("vsrsim: expected a command: run, paper, validate, plan, "
              "search, explain or trace (see vsrsim --help)\n", stderr);
        return 2;
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf("vsrsim %s\n", VSRSIM_VERSION);
        return 0;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        usage(stdout);
        return 0;
    }
    if (strcmp(argv[1], "run") == 0)
        return cmd_run(argc - 1, argv + 1);
    if (strcmp(argv[1], "paper") == 0)
        return cmd_paper(argc - 1, argv + 1);
    if (strcmp(argv[1], "validate") == 0)
        return cmd_validate(argc - 1, argv + 1);
    if (strcmp(argv[1], "plan") == 0)
        return cmd_plan(argc - 1, argv + 1);
    if (strcmp(argv[1], "search") == 0)
        return cmd_search(argc - 1, argv + 1);
    if (strcmp(argv[1], "explain") == 0)
        return cmd_explain(argc - 1, argv + 1);
    if (strcmp(argv[1], "trace") == 0)
        return cmd_trace(argc - 1, argv + 1);
    fprintf(stderr, "vsrsim: unknown command '%s' (see vsrsim --help)\n",
            argv[1]);
    return 2;
}
