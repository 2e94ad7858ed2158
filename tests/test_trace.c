/*
 * test_trace.c - the timeline of vsrsim trace against the run it watches.
 *
 * Each test runs the curves of the teaching scenarios (models/teaching/,
 * found under $VSRSIM_SRCDIR, default .) at one overloaded rate for a few
 * simulated milliseconds: FIFO, CFS, CBS, RT throttling and interrupt
 * work on one core. Properties: no core runs two things at once and no
 * thread runs on two cores at once; the busy time of the spans equals the
 * utilisation vsrsim run writes in its CSV for the same point; a watched
 * run gives the same bytes as an unwatched one; windows add up; nothing
 * runs while it is throttled; preemptions are where the timeline says; a
 * run stopped at the end of the window shows the same window; and the
 * command draws its picture or refuses bad input with status 2.
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "check.h"

#include "err.h"
#include "fixture.h"
#include "report.h"
#include "scenario.h"
#include "trace.h"
#include "vsr.h"

static const char *const teaching[] = {
    "fifo-starvation", "cfs-share", "livelock", "cbs-budget", "rt-throttling",
};
#define NTEACHING (int)(sizeof teaching / sizeof teaching[0])

/* Scenario `name` of models/teaching at one rate, one short replication. */
static void load(const char *name, double kpps, struct scenario *s,
                 struct costmodel *cm)
{
    char path[1024], rate[64], err[1024];
    snprintf(path, sizeof path, "%s/models/teaching/%s.cfg", fixture_srcdir(),
             name);
    snprintf(rate, sizeof rate, "traffic.rates_kpps=[%.1f]", kpps);
    const char *set[] = {"sim.warmup_ms=3", "sim.duration_ms=12", "sim.reps=1",
                         rate};
    if (trace_load(s, cm, path, set, 4, err, sizeof err))
        fail_msg("%s", err);
}

/* A trace of the whole measured window of rep 0 of curve c. */
static struct trace *traced(const struct scenario *s,
                            const struct costmodel *cm, int c,
                            struct run_result *out)
{
    struct trace *tr = xmalloc(sizeof *tr);
    trace_init(tr, s->warmup_ns, s->warmup_ns + s->duration_ns, 1);
    trace_run_point(tr, s, cm, c, s->rates_kpps[0], 0, out);
    return tr;
}

static void drop(struct trace *tr)
{
    trace_clear(tr);
    free(tr);
}

/* Busy time of core c and of thread t from the spans alone. */
static int64_t span_core_ns(const struct trace *tr, int c)
{
    int64_t sum = 0;
    for (int i = 0; i < tr->nspan; i++)
        if (tr->span[i].core == c)
            sum += tr->span[i].end_ns - tr->span[i].start_ns;
    return sum;
}

static int64_t span_thread_ns(const struct trace *tr, int t)
{
    int64_t sum = 0;
    for (int i = 0; i < tr->nspan; i++)
        if (tr->span[i].thread == t)
            sum += tr->span[i].end_ns - tr->span[i].start_ns;
    return sum;
}

/* ---- A small RFC 4180 reader for the CSV of vsrsim run -------------- */

#define MAXCOL 256

/* Split one line into fields (quoted fields may hold commas). */
static int split(char *line, char **field)
{
    int n = 0;
    char *p = line;
    for (;;) {
        char *out = p;
        field[n++] = p;
        if (*p == '"') {
            char *q = p + 1;
            for (;;) {
                if (*q == '"' && q[1] == '"') {
                    *out++ = '"';
                    q += 2;
                } else if (*q == '"') {
                    q++;
                    break;
                } else {
                    *out++ = *q++;
                }
            }
            p = q;
        } else {
            while (*p && *p != ',' && *p != '\n')
                *out++ = *p++;
        }
        int more = *p == ',';
        *out = '\0';
        if (!more || n == MAXCOL)
            return n;
        p++;
    }
}

/* The value of column `name` in row `row` (0: first data row). */
static double csv_value(const char *csv, int row, const char *name)
{
    char *text = strdup(csv), *save = NULL;
    char *head = strtok_r(text, "\n", &save), *line = NULL;
    for (int r = 0; r <= row; r++)
        line = strtok_r(NULL, "\n", &save);
    assert_non_null(line);
    char *hf[MAXCOL], *vf[MAXCOL];
    int nh = split(head, hf), nv = split(line, vf);
    double v = NAN;
    for (int i = 0; i < nh && i < nv; i++)
        if (strcmp(hf[i], name) == 0)
            v = strtod(vf[i], NULL);
    free(text);
    if (isnan(v))
        fail_msg("no column %s in row %d", name, row);
    return v;
}

static char *csv_of(const struct scenario *s, const struct run_result *runs)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    report_csv(f, s, runs);
    fclose(f);
    return buf;
}

/* ---- Tests ---------------------------------------------------------- */

/* Spans of a core never overlap, nor those of a thread, and the spans
 * account for exactly the time the trace summed. */
static void test_no_core_runs_two_things(void **state)
{
    (void)state;
    for (int k = 0; k < NTEACHING; k++) {
        struct scenario *s = xmalloc(sizeof *s);
        struct costmodel cm;
        load(teaching[k], 900, s, &cm);
        for (int c = 0; c < s->ncurves; c++) {
            struct run_result r;
            struct trace *tr = traced(s, &cm, c, &r);
            char err[256];
            if (trace_check(tr, err, sizeof err))
                fail_msg("%s, %s: %s", teaching[k], s->curve[c].name, err);
            assert_true(tr->nspan > 0);
            for (int n = 0; n < tr->lay.ncores; n++)
                assert_i64_equal(span_core_ns(tr, n),
                                 trace_core_busy_ns(tr, n));
            for (int t = 0; t < tr->lay.nthreads; t++)
                assert_i64_equal(span_thread_ns(tr, t),
                                 trace_thread_busy_ns(tr, t));
            drop(tr);
        }
        scenario_clear(s);
        free(s);
    }
}

/* The spans' busy time per core and thread, and the trace's split of
 * each core into irq, sys and guest, are what vsrsim run's CSV says. */
static void test_busy_matches_csv(void **state)
{
    (void)state;
    for (int k = 0; k < NTEACHING; k++) {
        struct scenario *s = xmalloc(sizeof *s);
        struct costmodel cm;
        load(teaching[k], 900, s, &cm);
        struct run_result *runs = xcalloc((size_t)s->ncurves, sizeof *runs);
        struct trace *tr[SCENARIO_MAX_CURVES];
        for (int c = 0; c < s->ncurves; c++)
            tr[c] = traced(s, &cm, c, &runs[c]);
        char *csv = csv_of(s, runs);
        double w = (double)s->duration_ns;
        for (int c = 0; c < s->ncurves; c++) {
            const struct trace *t = tr[c];
            for (int n = 0; n < t->lay.ncores; n++) {
                char col[64];
                snprintf(col, sizeof col, "core%d_busy", n);
                assert_near((double)span_core_ns(t, n) / w,
                            csv_value(csv, c, col), 0.00006);
                static const char *const cls[CPU_NCLASS] = {"irq", "sys",
                                                            "guest"};
                for (int j = 0; j < CPU_NCLASS; j++) {
                    int64_t ns = 0;
                    for (int i = 0; i < t->lay.nthreads; i++)
                        ns += t->ns[n][i][j];
                    snprintf(col, sizeof col, "core%d_%s", n, cls[j]);
                    assert_near((double)ns / w, csv_value(csv, c, col),
                                0.00006);
                }
            }
            for (int i = 0; i < t->lay.nthreads; i++) {
                char col[64];
                snprintf(col, sizeof col, "busy:%s", t->lay.thread_name[i]);
                assert_near((double)span_thread_ns(t, i) / w,
                            csv_value(csv, c, col), 0.00006);
            }
            drop(tr[c]);
        }
        free(csv);
        free(runs);
        scenario_clear(s);
        free(s);
    }
}

/* A watched run gives the very record of an unwatched one, and so the
 * same CSV bytes. */
static void test_tracing_changes_nothing(void **state)
{
    (void)state;
    for (int k = 0; k < NTEACHING; k++) {
        struct scenario *s = xmalloc(sizeof *s);
        struct costmodel cm;
        load(teaching[k], 900, s, &cm);
        struct run_result *plain = xcalloc((size_t)s->ncurves, sizeof *plain);
        struct run_result *seen = xcalloc((size_t)s->ncurves, sizeof *seen);
        for (int c = 0; c < s->ncurves; c++) {
            trace_run_point(NULL, s, &cm, c, s->rates_kpps[0], 0, &plain[c]);
            drop(traced(s, &cm, c, &seen[c]));
            assert_memory_equal(&plain[c], &seen[c], sizeof plain[c]);
        }
        char *a = csv_of(s, plain), *b = csv_of(s, seen);
        assert_string_equal(a, b);
        free(a);
        free(b);
        free(plain);
        free(seen);
        scenario_clear(s);
        free(s);
    }
}

/* Two windows side by side hold what the window over both holds, to the
 * nanosecond, per core, thread and class. */
static void test_windows_add_up(void **state)
{
    (void)state;
    struct scenario *s = xmalloc(sizeof *s);
    struct costmodel cm;
    load("fifo-starvation", 900, s, &cm);
    int64_t a = s->warmup_ns + 1 * MS + 123, b = a + 2 * MS + 457,
            z = b + 3 * MS;
    int64_t edge[3][2] = {{a, b}, {b, z}, {a, z}};
    struct trace *tr[3];
    for (int i = 0; i < 3; i++) {
        struct run_result r;
        tr[i] = xmalloc(sizeof *tr[i]);
        trace_init(tr[i], edge[i][0], edge[i][1], 1);
        trace_run_point(tr[i], s, &cm, 0, 900, 0, &r);
        char err[256];
        if (trace_check(tr[i], err, sizeof err))
            fail_msg("%s", err);
    }
    for (int n = 0; n < tr[2]->lay.ncores; n++)
        for (int t = 0; t < tr[2]->lay.nthreads; t++)
            for (int j = 0; j < CPU_NCLASS; j++)
                assert_i64_equal(tr[0]->ns[n][t][j] + tr[1]->ns[n][t][j],
                                 tr[2]->ns[n][t][j]);
    for (int t = 0; t < tr[2]->lay.nthreads; t++)
        assert_i64_equal(tr[0]->preemptions[t] + tr[1]->preemptions[t],
                         tr[2]->preemptions[t]);
    for (int i = 0; i < 3; i++)
        drop(tr[i]);
    scenario_clear(s);
    free(s);
}

/* Is thread t of the first curve of s a fifo thread? */
static int is_fifo(const struct scenario *s, int t)
{
    const struct vsr_config *cfg = &s->curve[0].cfg;
    return t < cfg->nthreads && cfg->thread[t].cls == &sched_fifo_class;
}

/* Nothing of a throttled thread runs while it is throttled, and nothing
 * of a throttled fifo class starts to run; both kinds show up. */
static void test_nothing_runs_while_throttled(void **state)
{
    (void)state;
    static const char *const cases[] = {"cbs-budget", "rt-throttling"};
    for (int k = 0; k < 2; k++) {
        struct scenario *s = xmalloc(sizeof *s);
        struct costmodel cm;
        load(cases[k], 1400, s, &cm);
        struct run_result r;
        struct trace *tr = traced(s, &cm, 0, &r);
        int throttles = 0;
        for (int i = 0; i < tr->nnote; i++) {
            const struct trace_note *e = &tr->note[i];
            if (e->what != CORE_THROTTLED)
                continue;
            throttles++;
            for (int j = 0; j < tr->nspan; j++) {
                const struct trace_span *p = &tr->span[j];
                int hit = e->thread >= 0
                              ? p->thread == e->thread
                              : p->core == e->core && is_fifo(s, p->thread);
                /* A fifo thread that cannot be preempted (vhost-net in
                 * a run) goes on to its next preemption point. */
                int overlaps =
                    p->start_ns < e->until_ns && p->end_ns > e->at_ns;
                int starts =
                    p->start_ns >= e->at_ns && p->start_ns < e->until_ns;
                if (hit && (e->thread >= 0 ? overlaps : starts))
                    fail_msg("%s: %s runs on core %d in [%" PRId64 ", %" PRId64
                             ") while throttled in [%" PRId64 ", %" PRId64 ")",
                             cases[k], tr->lay.thread_name[p->thread], p->core,
                             p->start_ns, p->end_ns, e->at_ns, e->until_ns);
            }
        }
        assert_true(throttles > 0);
        drop(tr);
        scenario_clear(s);
        free(s);
    }
}

/* Each preemption is the end of a span of that thread on that core, and
 * vhost-net above the vCPU preempts it. */
static void test_preemptions_end_spans(void **state)
{
    (void)state;
    struct scenario *s = xmalloc(sizeof *s);
    struct costmodel cm;
    load("fifo-starvation", 900, s, &cm);
    struct run_result r;
    struct trace *tr = traced(s, &cm, 0, &r); /* vc98,vh99 */
    int n = 0;
    for (int i = 0; i < tr->nnote; i++) {
        const struct trace_note *e = &tr->note[i];
        if (e->what != CORE_PREEMPTED)
            continue;
        n++;
        int found = 0;
        for (int j = 0; j < tr->nspan && !found; j++)
            found = tr->span[j].thread == e->thread &&
                    tr->span[j].core == e->core &&
                    tr->span[j].end_ns == e->at_ns;
        if (!found)
            fail_msg("%s preempted on core %d at %" PRId64 " ns ends no span",
                     tr->lay.thread_name[e->thread], e->core, e->at_ns);
    }
    assert_true(n > 0);
    assert_string_equal(tr->lay.thread_name[0], "vcpu0");
    assert_true(tr->preemptions[0] > 0);
    drop(tr);
    scenario_clear(s);
    free(s);
}

/* A run stopped at the end of the window shows the same window as the
 * whole run. */
static void test_stop_keeps_window(void **state)
{
    (void)state;
    struct scenario *s = xmalloc(sizeof *s);
    struct costmodel cm;
    load("cfs-share", 900, s, &cm);
    int64_t from = s->warmup_ns + 2 * MS, to = from + 2 * MS;
    struct trace *tr[2];
    for (int i = 0; i < 2; i++) {
        struct run_result r;
        tr[i] = xmalloc(sizeof *tr[i]);
        trace_init(tr[i], from, to, 1);
        if (i == 1)
            tr[i]->stop_ns = to;
        trace_run_point(tr[i], s, &cm, 0, 900, 0, &r);
    }
    assert_int_equal(tr[0]->nspan, tr[1]->nspan);
    assert_memory_equal(tr[0]->span, tr[1]->span,
                        (size_t)tr[0]->nspan * sizeof *tr[0]->span);
    assert_int_equal(tr[0]->nsample, tr[1]->nsample);
    assert_memory_equal(tr[0]->ns, tr[1]->ns, sizeof tr[0]->ns);
    for (int i = 0; i < 2; i++)
        drop(tr[i]);
    scenario_clear(s);
    free(s);
}

/* Queue samples lie in the window, in time order, within capacity; the
 * data file holds four blocks and a line per span. */
static void test_samples_and_data_file(void **state)
{
    (void)state;
    struct scenario *s = xmalloc(sizeof *s);
    struct costmodel cm;
    load("livelock", 1000, s, &cm);
    struct run_result r;
    struct trace *tr = traced(s, &cm, 0, &r);
    int nq = tr->lay.nqueues;
    assert_true(tr->nsample >= 2);
    assert_i64_equal(tr->sample_ns[0], tr->from_ns);
    assert_i64_equal(tr->sample_ns[tr->nsample - 1], tr->to_ns);
    for (int i = 0; i < tr->nsample; i++) {
        if (i > 0)
            assert_true(tr->sample_ns[i] > tr->sample_ns[i - 1]);
        for (int q = 0; q < nq; q++) {
            uint32_t v = tr->sample_q[(size_t)i * nq + q];
            assert_true(v <= tr->qcap[q] && v <= tr->qpeak[q]);
        }
    }
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_int_equal(trace_write_data(tr, f), 0);
    fclose(f);
    int block = 0, rows[4] = {0}, blank = 0;
    for (char *line = buf; *line;) {
        char *nl = strchr(line, '\n');
        size_t n = nl ? (size_t)(nl - line) : strlen(line);
        if (n == 0) {
            if (++blank == 2)
                block++;
        } else {
            blank = 0;
            if (line[0] != '#' && block < 4)
                rows[block]++;
        }
        line += n + (nl != NULL);
    }
    assert_int_equal(block, 4);
    assert_int_equal(rows[0], tr->nspan);
    assert_int_equal(rows[3], tr->nsample);
    free(buf);
    drop(tr);
    scenario_clear(s);
    free(s);
}

static void test_parse_time(void **state)
{
    (void)state;
    int64_t ns;
    static const struct {
        const char *text;
        int64_t ns;
    } ok[] = {{"100ms", 100 * MS}, {"250us", 250 * US}, {"1.5s", 1500 * MS},
              {"800ns", 800},      {"12", 12 * MS},     {"0", 0},
              {"0.25ms", 250 * US}};
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        assert_int_equal(trace_parse_time(ok[i].text, &ns), 0);
        assert_i64_equal(ns, ok[i].ns);
    }
    static const char *const bad[] = {"",   "ms",    "-1ms", "5 ms",
                                      "5m", "1e30s", "nan",  " 5"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(trace_parse_time(bad[i], &ns), -1);
}

/* Run cmd_trace with these arguments (after "trace"); its exit status. */
static int run_cmd(int n, const char **args)
{
    char *argv[16];
    argv[0] = (char *)"trace";
    for (int i = 0; i < n; i++)
        argv[i + 1] = (char *)args[i];
    optind = 0; /* getopt_long starts afresh */
    fflush(stdout);
    return cmd_trace(n + 1, argv);
}

/* vsrsim trace draws a PNG with plots/trace.gp and writes the data. */
static void test_command_draws(void **state)
{
    (void)state;
    char png[512], dat[512], cfg[1024], plots[1024];
    assert_non_null(fixture_dir("trace"));
    fixture_path(png, sizeof png, "t.png");
    fixture_path(dat, sizeof dat, "t.dat");
    snprintf(cfg, sizeof cfg, "%s/models/teaching/cbs-budget.cfg",
             fixture_srcdir());
    snprintf(plots, sizeof plots, "%s/plots", fixture_srcdir());
    setenv("VSRSIM_PLOTS", plots, 1);
    const char *args[] = {
        cfg,      "--curve", "Q=1ms,T=2ms", "--rate", "900",
        "--from", "6ms",     "--to",        "9ms",    "--out",
        png,      "--data",  dat,           "--set",  "sim.duration_ms=5"};
    assert_int_equal(run_cmd(15, args), 0);
    unsigned char magic[8] = {0};
    FILE *f = fopen(png, "rb");
    assert_non_null(f);
    assert_int_equal(fread(magic, 1, 8, f), 8);
    fclose(f);
    assert_memory_equal(magic, "\x89PNG\r\n\x1a\n", 8);
    assert_int_equal(access(dat, R_OK), 0);
    fixture_remove();
}

/* Bad input is refused with status 2 before anything runs. */
static void test_command_refuses(void **state)
{
    (void)state;
    char cfg[1024];
    snprintf(cfg, sizeof cfg, "%s/models/teaching/cbs-budget.cfg",
             fixture_srcdir());
    const char *late[] = {cfg,      "--curve", "Q=1ms,T=2ms", "--rate", "900",
                          "--from", "10ms",    "--to",        "40ms"};
    assert_int_equal(run_cmd(9, late), 2);
    const char *backwards[] = {cfg,    "--rate", "900", "--from",
                               "10ms", "--to",   "9ms"};
    assert_int_equal(run_cmd(7, backwards), 2);
    const char *no_curve[] = {cfg,      "--curve", "nope", "--rate", "900",
                              "--from", "6ms",     "--to", "7ms"};
    assert_int_equal(run_cmd(9, no_curve), 2);
    const char *which[] = {cfg,   "--rate", "900", "--from",
                           "6ms", "--to",   "7ms"};
    assert_int_equal(run_cmd(7, which), 2);
    const char *bad_out[] = {cfg,    "--rate", "900",   "--from", "6ms",
                             "--to", "7ms",    "--out", "x.jpg"};
    assert_int_equal(run_cmd(9, bad_out), 2);
    const char *bad_time[] = {cfg,    "--rate", "900", "--from",
                              "6 ms", "--to",   "7ms"};
    assert_int_equal(run_cmd(7, bad_time), 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_no_core_runs_two_things),
        cmocka_unit_test(test_busy_matches_csv),
        cmocka_unit_test(test_tracing_changes_nothing),
        cmocka_unit_test(test_windows_add_up),
        cmocka_unit_test(test_nothing_runs_while_throttled),
        cmocka_unit_test(test_preemptions_end_spans),
        cmocka_unit_test(test_stop_keeps_window),
        cmocka_unit_test(test_samples_and_data_file),
        cmocka_unit_test(test_parse_time),
        cmocka_unit_test(test_command_draws),
        cmocka_unit_test(test_command_refuses),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
