/*
 * cmd_trace.c - vsrsim trace: what each core ran, and how full each queue
 * was, over a window of one run of a point.
 *
 *   vsrsim trace SCENARIO.cfg --curve NAME --rate KPPS --from T --to T
 *                [--out FILE.png|FILE.svg] [--data FILE] [--set KEY=VALUE]...
 *
 * The run is the first replication of the point as vsrsim run makes it,
 * stopped at the end of the window. Times are simulated time from the
 * start of the run (the warm-up included). The summary goes to stdout,
 * the timeline to --data, the picture (plots/trace.gp) to --out.
 *
 * Exit status: 0, 1 when writing or drawing failed, 2 for bad input with
 * one line on stderr naming it.
 */
#include <errno.h>
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "args.h"
#include "err.h"
#include "plot.h"
#include "trace.h"



static void usage(FILE *f)
{
    fputs("usage: vsrsim trace SCENARIO.cfg --curve NAME --rate KPPS "
          "--from T --to T [options]\n"
          "  --curve NAME     the curve (may be left out when there is one)\n"
          "  --rate KPPS      offered rate\n"
          "  --from T, --to T the window, in simulated time from the start "
          "of\n"
          "                   the run: 100ms, 250us, 1.5s (a bare number "
          "is ms)\n"
          "  --out FILE       draw it (.png or .svg) with gnuplot\n"
          "  --data FILE      write the timeline as text\n"
          "  --set KEY=VALUE  override a scenario setting (repeatable)\n",
          f);
}

/* Draw tr into `out` with plots/trace.gp, from the timeline in `data`.
 * Lanes are the online cores; the queues drawn are those that held
 * packets in the window (nic_rx when none did). */
static int draw(const struct trace *tr, const char *data, const char *out,
                const char *title, char *err, size_t errlen)
{
    const struct stats_layout *L = &tr->lay;
    const char *threads[STATS_MAX_THREADS], *queues[STATS_MAX_QUEUES];
    char qtitle[STATS_MAX_QUEUES][STATS_NAME_LEN + 16];
    char vars[2048];
    size_t n = 0;
    int nq = 0, lane = 0;
    for (int t = 0; t < L->nthreads; t++)
        threads[t] = L->thread_name[t];
    n += (size_t)snprintf(vars + n, sizeof vars - n,
                          "xfrom = %.6f; xto = %.6f; array queue_col = [",
                          (double)tr->from_ns / 1e6, (double)tr->to_ns / 1e6);
    int shown[STATS_MAX_QUEUES];
    for (int q = 0; q < L->nqueues; q++)
        if (tr->qpeak[q] > 0)
            shown[nq++] = q;
    if (nq == 0)
        shown[nq++] = 0;
    for (int i = 0; i < nq; i++) {
        int q = shown[i];
        snprintf(qtitle[i], sizeof qtitle[i], "%s (%u)", L->queue_name[q],
                 tr->qcap[q]);
        queues[i] = qtitle[i];
        n += (size_t)snprintf(vars + n, sizeof vars - n, "%s%d", i ? "," : "",
                              q + 2); /* its column */
    }
    n += (size_t)snprintf(vars + n, sizeof vars - n, "]; array core_lane = [");
    for (int c = 0; c < L->ncores; c++)
        n += (size_t)snprintf(vars + n, sizeof vars - n, "%s%d", c ? "," : "",
                              (tr->online >> c & 1) ? ++lane : 0);
    n += (size_t)snprintf(vars + n, sizeof vars - n,
                          "]; nlanes = %d; array thread_ran = [", lane);
    for (int t = 0; t < L->nthreads; t++)
        n += (size_t)snprintf(vars + n, sizeof vars - n, "%s%d", t ? "," : "",
                              trace_thread_busy_ns(tr, t) > 0);
    int kinds[2] = {0, 0}; /* preemptions, throttlings */
    for (int i = 0; i < tr->nnote; i++)
        kinds[tr->note[i].what == CORE_THROTTLED]++;
    snprintf(vars + n, sizeof vars - n, "]; npreempt = %d; nthrottle = %d",
             kinds[0], kinds[1]);
    const struct plot_array arrays[] = {
        {"thread_names", threads, L->nthreads},
        {"queue_titles", queues, nq},
    };
    char dir[PATH_MAX];
    plot_find_dir(dir, sizeof dir);
    return plot_script(dir, "trace.gp", data, out, title, arrays, 2, vars, err,
                       errlen);
}

static int write_data(const struct trace *tr, const char *path, char *err,
                      size_t errlen)
{
    FILE *f = fopen(path, "w");
    if (!f) {
        snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
        return SIM_EIO;
    }
    int bad = trace_write_data(tr, f);
    if (fclose(f) != 0 || bad) {
        snprintf(err, errlen, "cannot write %s", path);
        return SIM_EIO;
    }
    return 0;
}

static int has_image_suffix(const char *s)
{
    size_t n = strlen(s);
    return n > 4 &&
           (strcmp(s + n - 4, ".png") == 0 || strcmp(s + n - 4, ".svg") == 0);
}

int cmd_trace(int argc, char **argv)
{
    static const struct option opts[] = {
        {"curve", required_argument, 0, 'c'},
        {"rate", required_argument, 0, 'r'},
        {"from", required_argument, 0, 'f'},
        {"to", required_argument, 0, 't'},
        {"out", required_argument, 0, 'o'},
        {"data", required_argument, 0, 'd'},
        {"set", required_argument, 0, 'S'},
        {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0},
    };
    struct args_set set = {0};
    const char *curve_name = NULL, *out = NULL, *data = NULL;
    double kpps = -1;
    int64_t from = -1, to = -1;
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
        case 'f':
        case 't':
            if (trace_parse_time(optarg, opt == 'f' ? &from : &to))
                return args_refuse(opt == 'f' ? "--from" : "--to",
                                  "expected a time such as 100ms, 250us "
                                  "or 1.5s");
            break;
        case 'o':
            if (!has_image_suffix(optarg))
                return args_refuse("--out", "the file must end in .png or "
                                           ".svg");
            out = optarg;
            break;
        case 'd':
            data = optarg;
            break;
        case 'S':
            if (args_set_add(&set, optarg))
                return 2;
            break;
        default:
            if (opt != 'h')
                return args_bad_option("vsrsim: trace", opt, argv);
            usage(stdout);
            return 0;
        }
    }
    if (optind != argc - 1) {
        fprintf(stderr, "vsrsim: trace: expected one scenario file\n");
        return 2;
    }
    if (kpps < 0)
        return args_refuse("--rate", "the offered rate is required");
    if (from < 0 || to < 0)
        return args_refuse(from < 0 ? "--from" : "--to",
                          "the window is required");
    if (to <= from)
        return args_refuse("--to", "the window must end after it begins");

    char err[1024];
    struct scenario *s = xmalloc(sizeof *s);
    struct costmodel cm;
    if (trace_load(s, &cm, argv[optind], set.kv, set.n, err, sizeof err)) {
        fprintf(stderr, "vsrsim: %s\n", err);
        free(s);
        return 2;
    }
    int rc = 0, curve = trace_find_curve(s, curve_name, err, sizeof err);
    int64_t end = s->warmup_ns + s->duration_ns;
    if (curve < 0) {
        rc = args_refuse("--curve", err);
    } else if (to > end) {
        snprintf(err, sizeof err,
                 "%.3f ms is past the end of the run (%.3f ms of warm-up "
                 "and measurement); raise sim.duration_ms with --set",
                 (double)to / 1e6, (double)end / 1e6);
        rc = args_refuse("--to", err);
    }
    if (rc) {
        scenario_clear(s);
        free(s);
        return rc;
    }

    struct trace *tr = xmalloc(sizeof *tr);
    struct run_result *res = xmalloc(sizeof *res);
    trace_init(tr, from, to, 1);
    tr->stop_ns = to; /* nothing after the window is looked at */
    trace_run_point(tr, s, &cm, curve, kpps, 0, res);
    printf("%s, curve '%s', %.1f kpps offered: %.3f to %.3f ms of the run "
           "(warm-up %.0f ms)\n",
           s->name, s->curve[curve].name, kpps, (double)from / 1e6,
           (double)to / 1e6, (double)s->warmup_ns / 1e6);
    trace_print_summary(tr, stdout);

    char tmp_dir[64] = "", tmp_data[96];
    const char *dat = data;
    if (data && write_data(tr, data, err, sizeof err)) {
        fprintf(stderr, "vsrsim: %s\n", err);
        rc = 1;
    }
    if (!rc && out && !data) {
        const char *tmp = getenv("TMPDIR");
        snprintf(tmp_dir, sizeof tmp_dir, "%.40s/vsrsim-trace-XXXXXX",
                 tmp && *tmp ? tmp : "/tmp");
        if (!mkdtemp(tmp_dir)) {
            fprintf(stderr, "vsrsim: cannot create %s: %s\n", tmp_dir,
                    strerror(errno));
            tmp_dir[0] = '\0';
            rc = 1;
        } else {
            snprintf(tmp_data, sizeof tmp_data, "%s/trace.dat", tmp_dir);
            dat = tmp_data;
            if (write_data(tr, dat, err, sizeof err)) {
                fprintf(stderr, "vsrsim: %s\n", err);
                rc = 1;
            }
        }
    }
    if (!rc && out) {
        char title[256];
        snprintf(title, sizeof title, "%s: %s at %.0f kpps, %.3f to %.3f ms",
                 s->name, s->curve[curve].name, kpps, (double)from / 1e6,
                 (double)to / 1e6);
        if (draw(tr, dat, out, title, err, sizeof err)) {
            fprintf(stderr, "vsrsim: %s\n", err);
            rc = 1;
        } else {
            printf("picture: %s\n", out);
        }
    }
    if (tmp_dir[0]) {
        unlink(tmp_data);
        rmdir(tmp_dir);
    }
    trace_clear(tr);
    free(tr);
    free(res);
    scenario_clear(s);
    free(s);
    return rc;
}
