/*
 * cmd_plan.c - the `vsrsim plan` command line: options checked, the
 * scenario and cost model loaded, then plan.c for each curve asked for.
 *
 * Every input is checked before anything is simulated, so bad input costs
 * nothing and is refused with one line and exit status 2.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "args.h"
#include "err.h"
#include "plan.h"
#include "store.h"


static void plan_usage(FILE *f)
{
    fputs("usage: vsrsim plan SCENARIO.cfg --target KPPS "
          "(--budget THREAD | --cores) [options]\n"
          "  --target KPPS     the rate to sustain\n"
          "  --loss FRACTION   the loss that still sustains it "
          "(default 1e-05, NDR's)\n"
          "  --budget THREAD   the smallest SCHED_DEADLINE runtime of THREAD\n"
          "                    (its period as the scenario sets it)\n"
          "  --cores           the fewest cores, the threads packed on them\n"
          "  --resolution MS   budget search step (default 1% of the "
          "period)\n"
          "  --curve NAME      plan this curve only (default: every curve)\n"
          "  --reps N, --seed N, --jobs N, --set KEY=VALUE  as for run\n",
          f);
}

/* The options, as parsed; everything the command line sets. */
struct plan_cli {
    struct plan_opts o;
    const char *path;
    const char *curve;
    double resolution_ms;
    int budget, cores;
    struct args_set set;
};

static int parse(int argc, char **argv, struct plan_cli *c)
{
    static const struct option opts[] = {
        {"target", required_argument, 0, 't'},
        {"loss", required_argument, 0, 'l'},
        {"budget", required_argument, 0, 'b'},
        {"cores", no_argument, 0, 'c'},
        {"resolution", required_argument, 0, 'R'},
        {"curve", required_argument, 0, 'C'},
        {"reps", required_argument, 0, 'r'},
        {"seed", required_argument, 0, 's'},
        {"jobs", required_argument, 0, 'j'},
        {"set", required_argument, 0, 'S'},
        {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0},
    };
    double d;
    int opt;
    optind = 0; /* glibc: start afresh, whoever parsed before */
    while ((opt = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
        switch (opt) {
        case 't':
            if (args_number(optarg, 0, 1e9, &c->o.target_kpps))
                return args_refuse("--target", "expected a rate in kpps above "
                                            "0");
            break;
        case 'l':
            if (args_number(optarg, -1, 1, &d) || d < 0 || d >= 1)
                return args_refuse("--loss", "expected a fraction from 0 to "
                                          "below 1, e.g. 0.001");
            c->o.loss_max = d;
            break;
        case 'b':
            c->budget = 1;
            c->o.thread = optarg;
            break;
        case 'c':
            c->cores = 1;
            break;
        case 'R':
            if (args_number(optarg, 0, 1e6, &c->resolution_ms))
                return args_refuse("--resolution", "expected milliseconds "
                                                "above 0");
            break;
        case 'C':
            c->curve = optarg;
            break;
        case 'r':
            if (args_set_reps(&c->set, optarg))
                return 2;
            break;
        case 's':
            if (args_set_seed(&c->set, optarg))
                return 2;
            break;
        case 'j':
            if (args_jobs(optarg, &c->o.jobs))
                return 2;
            break;
        case 'S':
            if (args_set_add(&c->set, optarg))
                return 2;
            break;
        case 'h':
            plan_usage(stdout);
            return -1;
        default:
            args_bad_option("vsrsim: plan", opt, argv);
            return 2;
        }
    }
    if (optind != argc - 1) {
        fprintf(stderr, "vsrsim: plan: expected one scenario file\n");
        return 2;
    }
    if (c->o.target_kpps <= 0)
        return args_refuse("--target", "the rate to sustain is required");
    if (c->budget == c->cores)
        return args_refuse("plan", "give one of --budget THREAD and --cores");
    if (c->cores && c->resolution_ms > 0)
        return args_refuse("--resolution", "only --budget searches by steps");
    c->path = argv[optind];
    c->o.mode = c->budget ? PLAN_BUDGET : PLAN_CORES;
    c->o.resolution_ns = (int64_t)(c->resolution_ms * 1e6 + 0.5);
    return 0;
}

/* Index of the curve named `name`, or -1. */
static int find_curve(const struct scenario *s, const char *name)
{
    for (int c = 0; c < s->ncurves; c++)
        if (strcmp(s->curve[c].name, name) == 0)
            return c;
    return -1;
}

/* Plan the curves [first, last] of s; the exit status. */
static int plan_all(const struct scenario *s, const struct costmodel *cm,
                    const struct plan_opts *o, int first, int last)
{
    char err[512];
    for (int c = first; c <= last; c++)
        if (plan_check(s, c, o, err, sizeof err)) {
            fprintf(stderr, "vsrsim: %s\n", err);
            return 2;
        }
    struct plan_result *r = xmalloc(sizeof *r);
    int status = 0;
    for (int c = first; c <= last; c++) {
        int rc = plan_curve(s, cm, c, o, r, err, sizeof err);
        if (rc) {
            fprintf(stderr, "vsrsim: %s\n", err);
            status = rc == SIM_EINPUT ? 2 : 1;
            break;
        }
        plan_print(stdout, s, c, o, r);
        fflush(stdout);
        if (!r->found)
            status = 1;
    }
    free(r);
    return status;
}

int cmd_plan(int argc, char **argv)
{
    struct plan_cli *c = xcalloc(1, sizeof *c);
    c->o.loss_max = NDR_LOSS_MAX;
    c->o.jobs = 1;
    c->o.progress = isatty(2);
    int rc = parse(argc, argv, c);
    if (rc) {
        free(c);
        return rc < 0 ? 0 : rc;
    }
    const char *path = c->path;
    char err[1024];
    struct scenario *s = xmalloc(sizeof *s);
    struct costmodel cm;
    int first = 0, last = -1;
    if (scenario_load(s, path, c->set.kv, c->set.n, err, sizeof err)) {
        fprintf(stderr, "vsrsim: %s\n", err);
        free(s);
        free(c);
        return 2;
    }
    rc = 2;
    if (store_load_costmodel(s->costmodel_db, s->costmodel_id, &cm, err,
                             sizeof err)) {
        fprintf(stderr, "vsrsim: %s (set by costmodel in %s)\n", err, path);
    } else if (c->curve && (first = find_curve(s, c->curve)) < 0) {
        fprintf(stderr, "vsrsim: --curve %s: no such curve in %s\n", c->curve,
                path);
    } else {
        last = c->curve ? first : s->ncurves - 1;
        rc = plan_all(s, &cm, &c->o, first, last);
    }
    scenario_clear(s);
    free(s);
    free(c);
    return rc;
}
