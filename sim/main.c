/*
 * main.c - the vsrsim command line; it only wires modules together.
 *
 *   vsrsim run SCENARIO.cfg [options]
 *   vsrsim list SCENARIO.cfg [options]
 *   vsrsim merge A.db B.db ... -o ALL.db
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
#include "runs.h"
#include "scenario.h"
#include "search.h"
#include "store.h"
#include "sweep.h"
#include "trace.h"
#include "validate.h"
#include "version.h"


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
          "  -r, --runs LIST  only these runs (as vsrsim list numbers them)\n"
          "  --resume         take the runs the database already holds\n"
          "  --ci-width W     replications until the 99% CI half-width\n"
          "                   is below W kpps or W% (--max-reps N)\n"
          "  --ndr            also search each curve's NDR and PDR\n"
          "  --ndr-resolution KPPS  stop that search below KPPS (default\n"
          "                   0.1% of the line rate; implies --ndr)\n"
          "  --version, --help\n"
          "usage: vsrsim list SCENARIO.cfg [-r LIST] [--reps N] ...\n"
          "usage: vsrsim merge A.db B.db ... -o ALL.db\n"
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
          "  --set KEY=VALUE  override a setting of every scenario\n"
          "                   (repeatable), e.g. sim.duration_ms=2000\n"
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
    const char *curves[SCENARIO_MAX_CURVES];
    struct args_set set = {0};
    char dir[PATH_MAX];
    struct validate_opts o = {.set = set.kv, .curves = curves, .jobs = 1,
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
                return args_refuse("--curve", "too many curves");
            curves[o.ncurves++] = optarg;
            break;
        case 'M':
        case 'P': {
            double v;
            if (args_number(optarg, 0, 1e6, &v))
                return args_refuse(opt == 'M' ? "--mape-max" : "--peak-max",
                                  "expected a percentage above 0");
            *(opt == 'M' ? &o.mape_max : &o.peak_max) = v / 100;
            break;
        }
        case 'c':
            if (strcmp(optarg, "-") == 0)
                return args_refuse("--csv", "expected a file (validate "
                                            "prints its tables on standard "
                                            "output)");
            o.csv = optarg;
            break;
        case 'p':
            o.plot = optarg;
            break;
        case 'j':
            if (args_jobs(optarg, &o.jobs))
                return 2;
            break;
        case 's':
            if (args_set_add(&set, optarg))
                return 2;
            o.nset = set.n;
            break;
        default:
            return help_or_bad(opt, "vsrsim: validate", argv);
        }
    }
    if (optind != argc)
        return args_refuse(argv[optind], "unexpected argument");
    if (!o.measured)
        return args_refuse("--measured", "a calibration database is "
                                        "required");
    if (!o.scenario)
        return args_refuse("--scenario", "a scenario file is required");
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
        {"set", required_argument, 0, 's'},
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
            if (args_jobs(optarg, &po.jobs))
                return 2;
            break;
        case 'O':
            if (!is_fig_name(optarg))
                return args_refuse("--only", "expected figNN, e.g. fig03");
            if (po.nonly == PAPER_MAX_ONLY)
                return args_refuse("--only", "too many figures");
            po.only[po.nonly++] = optarg;
            break;
        case 'C':
            po.spec = optarg;
            break;
        case 'v':
            po.commit = optarg;
            break;
        case 's':
            if (args_set_add(&po.set, optarg))
                return 2;
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
        fputs("vsrsim: expected a command: run, list, merge, paper, "
              "validate, plan, search, explain or trace (see vsrsim "
              "--help)\n", stderr);
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
    if (strcmp(argv[1], "list") == 0)
        return cmd_list(argc - 1, argv + 1);
    if (strcmp(argv[1], "merge") == 0)
        return cmd_merge(argc - 1, argv + 1);
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
