/*
 * cmd_search.c - `vsrsim search`: the command line of search.c.
 *
 *   vsrsim search SCENARIO.cfg [--curve NAME] [--top N]
 *                 [--rank peak|overload|cpu] [--target KPPS]
 *                 [--fifo PRIOS] [--budgets MS,...] [--jobs N]
 *                 [--fragment FILE] [--cputune FILE] [--set KEY=VALUE]...
 *
 * Every option is checked, the scenario and cost model loaded and the
 * output files opened before anything runs. The table goes to stdout; the
 * winner's threads fragment and <cputune> XML follow it there unless
 * --fragment or --cputune name a file for them ("-" is stdout), written
 * through a temporary file renamed into place. Exit status: 0, 1 when a run or
 * an output failed, 2 on bad input, with one line on stderr.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "args.h"
#include "err.h"
#include "fileio.h"
#include "search.h"
#include "store.h"


static void usage(FILE *f)
{
    fputs("usage: vsrsim search SCENARIO.cfg [options]\n"
          "  --curve NAME      the curve whose threads are placed (default "
          "the first)\n"
          "  --top N           candidates run at full fidelity and shown "
          "(default 5)\n"
          "  --rank peak|overload|cpu\n"
          "                    peak forwarded rate (default), forwarded "
          "rate at the\n"
          "                    highest offered rate, or busy cores at "
          "--target\n"
          "  --target KPPS     the rate to sustain (with --rank cpu)\n"
          "  --fifo PRIOS      SCHED_FIFO priorities to order threads with, "
          "e.g. 98,99\n"
          "                    (cfs among them: a thread may stay CFS)\n"
          "  --budgets MS,...  CBS runtimes for the deadline threads\n"
          "  --jobs N          worker processes (default 1)\n"
          "  --fragment FILE   write the winner's threads fragment there "
          "(- stdout)\n"
          "  --cputune FILE    write the winner's libvirt <cputune> there "
          "(- stdout)\n"
          "  --set KEY=VALUE   override a scenario setting (repeatable)\n",
          f);
}

/* --fifo 98,99,cfs into o (0 for cfs). Returns 0, or -1. */
static int parse_prios(const char *arg, struct search_opts *o)
{
    char buf[256];
    if (strlen(arg) >= sizeof buf)
        return -1;
    snprintf(buf, sizeof buf, "%s", arg);
    char *save, *tok = strtok_r(buf, ",", &save);
    for (; tok; tok = strtok_r(NULL, ",", &save)) {
        long long v = 0;
        if (strcmp(tok, "cfs") != 0 && args_count(tok, 1, 99, &v))
            return -1;
        for (int i = 0; i < o->nprio; i++)
            if (o->prio[i] == (int)v)
                return -1;
        if (o->nprio == SEARCH_MAX_PRIOS)
            return -1;
        o->prio[o->nprio++] = (int)v;
    }
    return o->nprio > 0 ? 0 : -1;
}

/* --budgets 70,90.5 into o. Returns 0, or -1. */
static int parse_budgets(const char *arg, struct search_opts *o)
{
    char buf[512];
    if (strlen(arg) >= sizeof buf)
        return -1;
    snprintf(buf, sizeof buf, "%s", arg);
    char *save, *tok = strtok_r(buf, ",", &save);
    for (; tok; tok = strtok_r(NULL, ",", &save)) {
        double v;
        if (args_number(tok, 0, 1e6, &v) || o->nbudget == SEARCH_MAX_BUDGETS)
            return -1;
        for (int i = 0; i < o->nbudget; i++)
            if (o->budget_ms[i] == v)
                return -1;
        o->budget_ms[o->nbudget++] = v;
    }
    return o->nbudget > 0 ? 0 : -1;
}

/* An output: stdout (path NULL or "-"), or a temporary file next to path,
 * opened before the search so that an unwritable path is refused before
 * anything runs, and renamed into place once written. */
struct out {
    const char *path;
    char part[4096];
    FILE *f;
};

/* Returns 0, or 2 after the error. */
static int out_open(struct out *o, const char *path)
{
    o->path = path;
    o->part[0] = '\0';
    if (!path || strcmp(path, "-") == 0) {
        o->f = stdout;
        return 0;
    }
    snprintf(o->part, sizeof o->part, "%s.tmp-%d", path, (int)getpid());
    o->f = fopen(o->part, "w");
    if (!o->f) {
        fprintf(stderr, "vsrsim: %s: cannot write: %s\n", path,
                strerror(errno));
        return 2;
    }
    return 0;
}

/* Write r through fn (or nothing when r is NULL: the search failed) and
 * close. Returns 0, or 1 after the error. */
static int out_close(struct out *o, const struct search_result *r,
                     void (*fn)(FILE *, const struct search_result *))
{
    if (!o->f)
        return 0;
    if (o->f == stdout) {
        if (r) {
            fputc('\n', stdout);
            fn(stdout, r);
        }
        return fflush(stdout) != 0;
    }
    if (r)
        fn(o->f, r);
    int bad = fclose(o->f) != 0;
    o->f = NULL;
    if (!r || bad || fileio_replace(o->part, o->path) != 0) {
        unlink(o->part);
        if (r)
            fprintf(stderr, "vsrsim: %s: cannot write\n", o->path);
        return r != NULL;
    }
    return 0;
}

int cmd_search(int argc, char **argv)
{
    static const struct option opts[] = {
        {"curve", required_argument, 0, 'c'},
        {"top", required_argument, 0, 'n'},
        {"rank", required_argument, 0, 'r'},
        {"target", required_argument, 0, 't'},
        {"fifo", required_argument, 0, 'f'},
        {"budgets", required_argument, 0, 'b'},
        {"jobs", required_argument, 0, 'j'},
        {"fragment", required_argument, 0, 'F'},
        {"cputune", required_argument, 0, 'X'},
        {"set", required_argument, 0, 'S'},
        {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0},
    };
    struct search_opts o = {
        .rank = SEARCH_PEAK, .top = 5, .jobs = 1, .progress = isatty(2)};
    struct args_set set = {0};
    const char *fragment = NULL, *cputune = NULL;
    int opt, has_target = 0;
    long long v;
    optind = 1;
    while ((opt = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
        switch (opt) {
        case 'c':
            o.curve = optarg;
            break;
        case 'n':
            if (args_count(optarg, 1, 100, &v))
                return args_refuse("--top", "expected an integer from 1 to 100");
            o.top = (int)v;
            break;
        case 'r':
            if (strcmp(optarg, "peak") == 0)
                o.rank = SEARCH_PEAK;
            else if (strcmp(optarg, "overload") == 0)
                o.rank = SEARCH_OVERLOAD;
            else if (strcmp(optarg, "cpu") == 0)
                o.rank = SEARCH_CPU;
            else
                return args_refuse("--rank", "expected peak, overload or cpu");
            break;
        case 't':
            if (args_number(optarg, 0, 1e9, &o.target_kpps))
                return args_refuse("--target", "expected a rate in kpps above 0");
            has_target = 1;
            break;
        case 'f':
            if (parse_prios(optarg, &o))
                return args_refuse("--fifo", "expected distinct priorities from 1 "
                                     "to 99 or cfs, separated by commas "
                                     "(at most 8)");
            break;
        case 'b':
            if (parse_budgets(optarg, &o))
                return args_refuse("--budgets", "expected distinct runtimes in ms "
                                        "above 0, separated by commas (at "
                                        "most 16)");
            break;
        case 'j':
            if (args_jobs(optarg, &o.jobs))
                return 2;
            break;
        case 'F':
            fragment = optarg;
            break;
        case 'X':
            cputune = optarg;
            break;
        case 'S':
            if (args_set_add(&set, optarg))
                return 2;
            break;
        case 'h':
            usage(stdout);
            return 0;
        default:
            return args_bad_option("vsrsim: search", opt, argv);
            return 2;
        }
    }
    if (optind != argc - 1) {
        fprintf(stderr, "vsrsim: search: expected one scenario file\n");
        return 2;
    }
    if (o.rank == SEARCH_CPU && !has_target)
        return args_refuse("--rank cpu", "needs --target KPPS");
    if (o.rank != SEARCH_CPU && has_target)
        return args_refuse("--target", "only ranks with --rank cpu");

    const char *path = argv[optind];
    char err[1024];
    struct scenario *s = xmalloc(sizeof *s);
    if (scenario_load(s, path, set.kv, set.n, err, sizeof err)) {
        fprintf(stderr, "vsrsim: %s\n", err);
        free(s);
        return 2;
    }
    struct costmodel cm;
    if (store_load_costmodel(s->costmodel_db, s->costmodel_id, &cm, err,
                             sizeof err)) {
        fprintf(stderr, "vsrsim: %s (set by costmodel in %s)\n", err, path);
        scenario_clear(s);
        free(s);
        return 2;
    }
    struct out frag = {0}, tune = {0};
    if (out_open(&frag, fragment) || out_open(&tune, cputune)) {
        out_close(&frag, NULL, search_write_fragment);
        scenario_clear(s);
        free(s);
        return 2;
    }
    struct search_result *r = xmalloc(sizeof *r);
    int rc = search_run(s, &cm, &o, r, err, sizeof err);
    if (rc) {
        fprintf(stderr, "vsrsim: %s\n", err);
        rc = rc == SIM_EINPUT ? 2 : 1;
    } else {
        search_print(stdout, r);
        fflush(stdout);
    }
    int orc = out_close(&frag, rc ? NULL : r, search_write_fragment);
    orc |= out_close(&tune, rc ? NULL : r, search_write_cputune);
    if (!rc)
        rc = orc;
    search_result_clear(r);
    free(r);
    scenario_clear(s);
    free(s);
    return rc;
}
