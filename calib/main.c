/*
 * main.c - vsrcal, the calibration tool of vsrsim.
 *
 *   vsrcal discover --connect URI --domain NAME [--fragment FILE]
 *   vsrcal measure PLAN.cfg --db FILE [--curve NAME]... [--journal FILE]
 *   vsrcal fit PLAN.cfg --db FILE --id MODEL [--curve NAME] [--out FILE]
 *              [--check-rate KPPS] [--check-tol FRACTION] [--moves NAME]
 *              [--switches NAME]
 *   vsrcal restore [--journal FILE]
 *
 * Exit status: 0 success, 1 a failure of the host, a tool or a check, 2
 * bad input, 130 interrupted. Every command except restore first replays a
 * journal left by a run that was killed, so the host is never left
 * changed.
 */
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "args.h"
#include "discover.h"
#include "fileio.h"
#include "fit.h"
#include "journal.h"
#include "measure.h"
#include "procfs.h"
#include "virt.h"

static const char usage[] =
    "usage: vsrcal discover --connect URI --domain NAME [--fragment FILE]\n"
    "       vsrcal measure PLAN.cfg --db FILE [--curve NAME]... "
    "[--journal FILE]\n"
    "                      [--idle-states] [--notes TEXT]\n"
    "       vsrcal fit PLAN.cfg --db FILE --id MODEL [--curve NAME] "
    "[--out FILE]\n"
    "                  [--check-rate KPPS] [--check-tol FRACTION] "
    "[--moves NAME]\n"
    "                  [--switches NAME]\n"
    "       vsrcal restore [--journal FILE]\n";

enum opt { O_CONNECT = 256, O_DOMAIN, O_FRAGMENT, O_DB, O_CURVE, O_JOURNAL,
           O_ID, O_OUT, O_CHECK_RATE, O_CHECK_TOL, O_NOTES, O_IDLE_STATES,
           O_MOVES, O_SWITCHES, O_HELP };

static const struct option options[] = {
    {"connect", required_argument, NULL, O_CONNECT},
    {"domain", required_argument, NULL, O_DOMAIN},
    {"fragment", required_argument, NULL, O_FRAGMENT},
    {"db", required_argument, NULL, O_DB},
    {"curve", required_argument, NULL, O_CURVE},
    {"journal", required_argument, NULL, O_JOURNAL},
    {"id", required_argument, NULL, O_ID},
    {"out", required_argument, NULL, O_OUT},
    {"check-rate", required_argument, NULL, O_CHECK_RATE},
    {"check-tol", required_argument, NULL, O_CHECK_TOL},
    {"notes", required_argument, NULL, O_NOTES},
    {"idle-states", no_argument, NULL, O_IDLE_STATES},
    {"moves", required_argument, NULL, O_MOVES},
    {"switches", required_argument, NULL, O_SWITCHES},
    {"help", no_argument, NULL, O_HELP},
    {NULL, 0, NULL, 0},
};

struct args {
    const char *cmd, *plan;
    const char *connect, *domain, *fragment, *db, *curve, *journal, *id, *out,
        *notes, *moves, *switches;
    const char *curves[MEASURE_MAX_CURVES];
    int ncurves;
    double check_kpps, check_tol;
    int idle_states;
};

__attribute__((format(printf, 1, 2)))
static int bad(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("vsrcal: ", stderr);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputs(" (see vsrcal --help)\n", stderr);
    return 2;
}

static int parse(int argc, char **argv, struct args *a)
{
    int c;
    a->journal = getenv("VSRCAL_JOURNAL") ? getenv("VSRCAL_JOURNAL")
                                          : JOURNAL_DEFAULT;
    a->check_tol = 0.2;
    a->connect = "qemu:///system";
    opterr = 0;
    while ((c = getopt_long(argc, argv, "+:", options, NULL)) != -1) {
        switch (c) {
        case O_CONNECT: a->connect = optarg; break;
        case O_DOMAIN: a->domain = optarg; break;
        case O_FRAGMENT: a->fragment = optarg; break;
        case O_DB: a->db = optarg; break;
        case O_CURVE:
            if (a->ncurves == MEASURE_MAX_CURVES)
                return bad("--curve: at most %d", MEASURE_MAX_CURVES);
            a->curve = a->curves[a->ncurves++] = optarg;
            break;
        case O_JOURNAL: a->journal = optarg; break;
        case O_ID: a->id = optarg; break;
        case O_OUT: a->out = optarg; break;
        case O_NOTES: a->notes = optarg; break;
        case O_MOVES: a->moves = optarg; break;
        case O_SWITCHES: a->switches = optarg; break;
        case O_IDLE_STATES: a->idle_states = 1; break;
        case O_CHECK_RATE:
            if (args_number(optarg, 0, 1e6, &a->check_kpps) != 0)
                return bad("--check-rate: expected a rate in kpps above 0, "
                           "got '%s'", optarg);
            break;
        case O_CHECK_TOL:
            if (args_number(optarg, 0, 10, &a->check_tol) != 0)
                return bad("--check-tol: expected a fraction above 0, got "
                           "'%s'", optarg);
            break;
        case O_HELP: fputs(usage, stdout); exit(0);
        case ':': return bad("%s: expected a value", argv[optind - 1]);
        default: return bad("unknown option '%s'", argv[optind - 1]);
        }
    }
    return 0;
}

/* Options may come before or after the plan: collect positionals. */
static int parse_all(int argc, char **argv, struct args *a)
{
    char **pos = calloc((size_t)argc + 1, sizeof *pos);
    int npos = 0, rc = 0;
    optind = 1;
    while (optind < argc && rc == 0) {
        rc = parse(argc, argv, a);
        if (rc == 0 && optind < argc)
            pos[npos++] = argv[optind++];
    }
    if (rc == 0) {
        a->cmd = npos > 0 ? pos[0] : NULL;
        a->plan = npos > 1 ? pos[1] : NULL;
        if (npos > 2)
            rc = bad("unexpected argument '%s'", pos[2]);
    }
    free(pos);
    return rc;
}

static int replay(const char *journal)
{
    char err[512];
    int n = journal_replay(journal, err, sizeof err);
    if (n < 0) {
        fprintf(stderr, "vsrcal: %s\n", err);
        return -1;
    }
    if (n > 0)
        fprintf(stderr, "vsrcal: restored %d setting%s left changed by an "
                "earlier run (%s)\n", n, n == 1 ? "" : "s", journal);
    return 0;
}

static int cmd_discover(const struct args *a)
{
    char err[512];
    struct virt *v;
    static struct discovery d;
    if (!a->domain)
        return bad("discover: %s", "--domain NAME is required");
    if (virt_open(&v, a->connect, a->domain, err, sizeof err) != 0 ||
        discover(v, "/", &d, err, sizeof err) != 0) {
        fprintf(stderr, "vsrcal: %s\n", err);
        return 1;
    }
    virt_close(v);
    discover_print_table(stdout, &d);
    if (a->fragment) {
        char tmp[600];
        snprintf(tmp, sizeof tmp, "%s.tmp", a->fragment);
        FILE *f = fopen(tmp, "w");
        if (!f) {
            perror(a->fragment);
            return 1;
        }
        discover_print_fragment(f, &d);
        if (fclose(f) != 0 || fileio_replace(tmp, a->fragment) != 0) {
            perror(a->fragment);
            unlink(tmp);
            return 1;
        }
    } else {
        putchar('\n');
        discover_print_fragment(stdout, &d);
    }
    return 0;
}

int main(int argc, char **argv)
{
    struct args a = {0};
    int rc = parse_all(argc, argv, &a);
    if (rc != 0)
        return rc;
    if (!a.cmd)
        return bad("%s", "a command is required");
    if (strcmp(a.cmd, "restore") == 0)
        return replay(a.journal) == 0 ? 0 : 1;
    if (strcmp(a.cmd, "discover") == 0)
        return cmd_discover(&a);
    if (strcmp(a.cmd, "measure") != 0 && strcmp(a.cmd, "fit") != 0)
        return bad("unknown command '%s'", a.cmd);
    if (!a.plan)
        return bad("%s: a plan (a scenario with a measure group) is "
                   "required", a.cmd);
    if (!a.db)
        return bad("%s: --db FILE is required", a.cmd);
    if (strcmp(a.cmd, "measure") == 0) {
        if (geteuid() != 0) {
            fprintf(stderr, "vsrcal: measure changes thread scheduling and "
                    "enters network namespaces: run it as root\n");
            return 1;
        }
        /* Before anything changes: every CPU mask vsrcal keeps
         * (affinities, the journal's) holds CPUs 0-63, and on a host that
         * can have more a thread's affinity would be journalled, and
         * restored, narrowed. */
        char err[512];
        int ncpus = procfs_possible_cpus("/", err, sizeof err);
        if (ncpus < 0 || ncpus > 64) {
            if (ncpus > 64)
                snprintf(err, sizeof err, "measure: this host can have %d "
                         "CPUs (/sys/devices/system/cpu/possible); vsrcal "
                         "handles CPUs 0-63 only", ncpus);
            fprintf(stderr, "vsrcal: %s\n", err);
            return 1;
        }
        if (replay(a.journal) != 0)
            return 1;
        struct measure_opts o = {a.plan, a.db, a.journal, a.curves,
                                 a.ncurves, a.notes, a.idle_states};
        return measure_main(&o);
    }
    if (!a.id)
        return bad("fit: %s", "--id MODEL is required");
    struct fit_opts o = {a.plan, a.db, a.out, a.curve, a.id, a.check_kpps,
                         a.check_tol, a.moves, a.switches};
    return fit_main(&o);
}
