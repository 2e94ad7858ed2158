/*
 * cmd_explain.c - vsrsim explain: what limits one point of a curve.
 *
 *   vsrsim explain SCENARIO.cfg --curve NAME --rate KPPS [--set KEY=VALUE]...
 *
 * Exit status: 0, or 2 for bad input with one line on stderr naming it.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "args.h"
#include "err.h"
#include "explain.h"
#include "trace.h"


static void usage(FILE *f)
{
    fputs("usage: vsrsim explain SCENARIO.cfg --curve NAME --rate KPPS "
          "[options]\n"
          "  --curve NAME     the curve (may be left out when there is one)\n"
          "  --rate KPPS      offered rate; one of the scenario's rates "
          "gives\n"
          "                   the very runs of vsrsim run\n"
          "  --set KEY=VALUE  override a scenario setting (repeatable)\n",
          f);
}

int cmd_explain(int argc, char **argv)
{
    static const struct option opts[] = {
        {"curve", required_argument, 0, 'c'},
        {"rate", required_argument, 0, 'r'},
        {"set", required_argument, 0, 'S'},
        {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0},
    };
    struct args_set set = {0};
    const char *curve_name = NULL;
    double kpps = -1;
    int opt;
    while ((opt = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
        switch (opt) {
        case 'c':
            curve_name = optarg;
            break;
        case 'r':
            if (args_number(optarg, 0, 1e5, &kpps))
                return args_refuse("--rate", "expected kpps above 0, at "
                                            "most 100000");
            break;
        case 'S':
            if (args_set_add(&set, optarg))
                return 2;
            break;
        default:
            if (opt != 'h')
                return args_bad_option("vsrsim: explain", opt, argv);
            usage(stdout);
            return 0;
        }
    }
    if (optind != argc - 1) {
        fprintf(stderr, "vsrsim: explain: expected one scenario file\n");
        return 2;
    }
    if (kpps < 0)
        return args_refuse("--rate", "the offered rate is required");
    char err[1024];
    struct scenario *s = xmalloc(sizeof *s);
    struct costmodel cm;
    if (trace_load(s, &cm, argv[optind], set.kv, set.n, err, sizeof err)) {
        fprintf(stderr, "vsrsim: %s\n", err);
        free(s);
        return 2;
    }
    int curve = trace_find_curve(s, curve_name, err, sizeof err);
    if (curve < 0) {
        scenario_clear(s);
        free(s);
        return args_refuse("--curve", err);
    }
    struct explain *e = xmalloc(sizeof *e);
    explain_point(e, s, &cm, curve, kpps);
    explain_print(e, stdout);
    free(e);
    scenario_clear(s);
    free(s);
    return 0;
}
