/*
 * trace.c - a run's timeline and time sums over a window, taken from the
 * machine's observer hooks (core.h).
 *
 * A core reports each piece of a thread's stint when it charges it, so
 * spans arrive when they end, in time order on each core; pieces of one
 * thread that follow each other without a gap are joined into one span.
 * Queues change only inside the steps a core begins and ends when it
 * decides what to run, so they are read (through the model's probe) each
 * time a core has settled, and a sample is kept only when a count moved.
 * Everything is clipped to the window. The hooks read and never write the
 * model; the only event a trace may add is the stop at stop_ns, which the
 * trace command asks for to spare simulating past its window.
 */
#include <assert.h>
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "store.h"
#include "sweep.h"
#include "trace.h"
#include "vsr.h"

/* Length of the part of [a, b) inside [lo, hi). */
static int64_t overlap(int64_t a, int64_t b, int64_t lo, int64_t hi)
{
    if (a < lo)
        a = lo;
    if (b > hi)
        b = hi;
    return b > a ? b - a : 0;
}

/* Make room for one more element in a growing array. */
static void *grow(void *p, int n, int *cap, size_t size)
{
    if (n < *cap)
        return p;
    *cap = *cap ? 2 * *cap : 1024;
    return xrealloc(p, (size_t)*cap * size);
}

/* ---- Hooks ----------------------------------------------------------- */

static void on_ran(void *ctx, const struct core *c, const struct thread *t,
                   int64_t start_ns, int64_t ovh_ns, int64_t work_ns)
{
    struct trace *tr = ctx;
    int64_t mid = start_ns + ovh_ns, end = mid + work_ns;
    int64_t *ns = tr->ns[c->id][t->id];
    ns[t->acct == CPU_IRQ ? CPU_IRQ : CPU_SYS] +=
        overlap(start_ns, mid, tr->from_ns, tr->to_ns);
    ns[t->acct] += overlap(mid, end, tr->from_ns, tr->to_ns);
    if (!tr->record || !overlap(start_ns, end, tr->from_ns, tr->to_ns))
        return;
    int64_t a = start_ns > tr->from_ns ? start_ns : tr->from_ns;
    int64_t b = end < tr->to_ns ? end : tr->to_ns;
    int o = tr->open_span[c->id];
    if (o >= 0 && tr->span[o].thread == t->id && tr->span[o].end_ns == a) {
        tr->span[o].end_ns = b;
        return;
    }
    tr->span = grow(tr->span, tr->nspan, &tr->span_cap, sizeof *tr->span);
    tr->span[tr->nspan] = (struct trace_span){a, b, c->id, t->id};
    tr->open_span[c->id] = tr->nspan++;
}

static void on_note(void *ctx, const struct core *c, const struct thread *t,
                    enum core_note what, int64_t until_ns)
{
    struct trace *tr = ctx;
    int64_t now = des_now(tr->m->des);
    int keep;
    if (what == CORE_PREEMPTED) {
        keep = now >= tr->from_ns && now < tr->to_ns;
        tr->preemptions[t->id] += keep;
        until_ns = now;
    } else {
        int64_t d = overlap(now, until_ns, tr->from_ns, tr->to_ns);
        if (t)
            tr->dl_throttled_ns[t->id] += d;
        else
            tr->rt_throttled_ns[c->id] += d;
        keep = d > 0;
    }
    if (!tr->record || !keep)
        return;
    tr->note = grow(tr->note, tr->nnote, &tr->note_cap, sizeof *tr->note);
    tr->note[tr->nnote++] =
        (struct trace_note){now, until_ns, c->id, t ? t->id : -1, what};
}

static void add_sample(struct trace *tr, int64_t at_ns, const uint32_t *q)
{
    int nq = tr->lay.nqueues;
    if (tr->nsample > 0 && tr->sample_ns[tr->nsample - 1] == at_ns) {
        memcpy(&tr->sample_q[(size_t)(tr->nsample - 1) * nq], q,
               (size_t)nq * sizeof *q);
        return;
    }
    int cap = tr->sample_cap;
    tr->sample_ns =
        grow(tr->sample_ns, tr->nsample, &cap, sizeof *tr->sample_ns);
    if (cap != tr->sample_cap)
        tr->sample_q =
            xrealloc(tr->sample_q, (size_t)cap * nq * sizeof *tr->sample_q);
    tr->sample_cap = cap;
    tr->sample_ns[tr->nsample] = at_ns;
    memcpy(&tr->sample_q[(size_t)tr->nsample * nq], q, (size_t)nq * sizeof *q);
    tr->nsample++;
}

static void update_peaks(struct trace *tr, const uint32_t *q)
{
    for (int i = 0; i < tr->lay.nqueues; i++)
        if (q[i] > tr->qpeak[i])
            tr->qpeak[i] = q[i];
}

/* The window begins: the queues hold what they held at from. */
static void start_window(struct trace *tr)
{
    tr->started = 1;
    update_peaks(tr, tr->qnow);
    if (tr->record)
        add_sample(tr, tr->from_ns, tr->qnow);
}

static void on_settled(void *ctx, const struct core *c)
{
    struct trace *tr = ctx;
    int64_t now = des_now(c->m->des);
    if (now >= tr->to_ns)
        return;
    uint32_t q[STATS_MAX_QUEUES];
    size_t size = (size_t)tr->lay.nqueues * sizeof *q;
    tr->probe(tr->probe_ctx, q);
    if (now >= tr->from_ns && !tr->started)
        start_window(tr);
    if (memcmp(q, tr->qnow, size) == 0)
        return;
    memcpy(tr->qnow, q, size);
    if (now >= tr->from_ns) {
        update_peaks(tr, q);
        if (tr->record)
            add_sample(tr, now, q);
    }
}

static void on_stop(void *arg)
{
    struct trace *tr = arg;
    tr->stop_ev = NULL;
    des_stop(tr->m->des);
}

/* ---- Set-up ---------------------------------------------------------- */

void trace_init(struct trace *tr, int64_t from_ns, int64_t to_ns, int record)
{
    memset(tr, 0, sizeof *tr);
    tr->from_ns = from_ns;
    tr->to_ns = to_ns;
    tr->stop_ns = INT64_MAX;
    tr->record = record;
    for (int i = 0; i < STATS_MAX_CORES; i++)
        tr->open_span[i] = -1;
}

void trace_clear(struct trace *tr)
{
    free(tr->span);
    free(tr->note);
    free(tr->sample_ns);
    free(tr->sample_q);
    tr->span = NULL;
    tr->note = NULL;
    tr->sample_ns = NULL;
    tr->sample_q = NULL;
    tr->nspan = tr->nnote = tr->nsample = 0;
}

void trace_attach(struct trace *tr, struct machine *m,
                  const struct stats_layout *lay, const uint32_t *qcap,
                  trace_probe_fn *probe, void *probe_ctx)
{
    assert(!m->obs && lay->nqueues <= STATS_MAX_QUEUES);
    tr->lay = *lay;
    memcpy(tr->qcap, qcap, (size_t)lay->nqueues * sizeof *qcap);
    tr->m = m;
    for (int i = 0; i < m->ncores; i++)
        tr->online |= (uint64_t)m->core[i].online << i;
    tr->probe = probe;
    tr->probe_ctx = probe_ctx;
    tr->obs = (struct core_observer){tr, on_ran, on_note, on_settled};
    m->obs = &tr->obs;
    if (tr->stop_ns != INT64_MAX)
        tr->stop_ev = des_at(m->des, tr->stop_ns, on_stop, tr);
}

void trace_detach(struct trace *tr)
{
    int64_t now = des_now(tr->m->des);
    if (tr->to_ns > now) /* the run ended first */
        tr->to_ns = now;
    if (tr->to_ns > tr->from_ns && !tr->started)
        start_window(tr);
    if (tr->record && tr->to_ns > tr->from_ns) {
        const uint32_t *last =
            &tr->sample_q[(size_t)(tr->nsample - 1) * tr->lay.nqueues];
        uint32_t q[STATS_MAX_QUEUES];
        memcpy(q, last, (size_t)tr->lay.nqueues * sizeof *q);
        add_sample(tr, tr->to_ns, q); /* the last counts hold to the end */
    }
    if (tr->stop_ev)
        des_cancel(tr->m->des, tr->stop_ev);
    tr->stop_ev = NULL;
    tr->m->obs = NULL;
    tr->m = NULL;
}

int trace_load(struct scenario *s, struct costmodel *cm, const char *path,
               const char *const *set, int nset, char *err, size_t errlen)
{
    int rc = scenario_load(s, path, set, nset, err, errlen);
    if (rc)
        return rc;
    char why[512];
    if (store_load_costmodel(s->costmodel_db, s->costmodel_id, cm, why,
                             sizeof why)) {
        snprintf(err, errlen, "%s (set by costmodel in %s)", why, path);
        scenario_clear(s);
        return SIM_EINPUT;
    }
    return 0;
}

int trace_find_curve(const struct scenario *s, const char *name, char *err,
                     size_t errlen)
{
    if (!name && s->ncurves == 1)
        return 0;
    for (int c = 0; name && c < s->ncurves; c++)
        if (strcmp(s->curve[c].name, name) == 0)
            return c;
    size_t n = (size_t)snprintf(
        err, errlen, "%s%s%s; %s has ", name ? "no curve '" : "which curve? ",
        name ? name : "give --curve", name ? "'" : "", s->name);
    for (int c = 0; c < s->ncurves && n < errlen; c++)
        n += (size_t)snprintf(err + n, errlen - n, "%s'%s'", c ? ", " : "",
                              s->curve[c].name);
    return -1;
}

void trace_run_point(struct trace *tr, const struct scenario *s,
                     const struct costmodel *cm, int curve, double kpps,
                     int rep, struct run_result *out)
{
    int rate = s->nrates; /* a rate not swept gets a stream of its own */
    for (int r = 0; r < s->nrates; r++)
        if (s->rates_kpps[r] == kpps) {
            rate = r;
            break;
        }
    vsr_run_traced(&s->curve[curve].cfg, cm, kpps,
                   sweep_run_seed(s, curve, rate, rep), s->warmup_ns,
                   s->duration_ns, out, tr);
}

/* ---- Reading --------------------------------------------------------- */

int64_t trace_core_busy_ns(const struct trace *tr, int c)
{
    int64_t sum = 0;
    for (int t = 0; t < tr->lay.nthreads; t++)
        for (int k = 0; k < CPU_NCLASS; k++)
            sum += tr->ns[c][t][k];
    return sum;
}

int64_t trace_thread_busy_ns(const struct trace *tr, int t)
{
    int64_t sum = 0;
    for (int c = 0; c < tr->lay.ncores; c++)
        for (int k = 0; k < CPU_NCLASS; k++)
            sum += tr->ns[c][t][k];
    return sum;
}

static double ms(int64_t ns)
{
    return (double)ns / 1e6;
}

/* End a block: gnuplot does not count a block without data, so an empty
 * one gets a line of undefined values. */
static void end_block(FILE *f, int rows, int cols)
{
    if (rows == 0) {
        for (int i = 0; i < cols; i++)
            fputs(i ? " nan" : "nan", f);
        fputc('\n', f);
    }
    fputs("\n\n", f);
}

int trace_write_data(const struct trace *tr, FILE *f)
{
    const struct stats_layout *L = &tr->lay;
    fprintf(f, "# vsrsim trace from %.6f to %.6f ms\n", ms(tr->from_ns),
            ms(tr->to_ns));
    fputs("# threads:", f);
    for (int t = 0; t < L->nthreads; t++)
        fprintf(f, " %d=%s", t, L->thread_name[t]);
    fputs("\n# block 0, spans: core thread start_ms end_ms\n", f);
    for (int i = 0; i < tr->nspan; i++) {
        const struct trace_span *s = &tr->span[i];
        fprintf(f, "%d %d %.6f %.6f\n", s->core, s->thread, ms(s->start_ns),
                ms(s->end_ns));
    }
    end_block(f, tr->nspan, 4);
    fputs("# block 1, preemptions: core thread at_ms\n", f);
    int n = 0;
    for (int i = 0; i < tr->nnote; i++) {
        const struct trace_note *e = &tr->note[i];
        if (e->what != CORE_PREEMPTED)
            continue;
        fprintf(f, "%d %d %.6f\n", e->core, e->thread, ms(e->at_ns));
        n++;
    }
    end_block(f, n, 3);
    fputs("# block 2, throttling: core thread start_ms end_ms "
          "(thread -1: the core's fifo class)\n",
          f);
    n = 0;
    for (int i = 0; i < tr->nnote; i++) {
        const struct trace_note *e = &tr->note[i];
        if (e->what != CORE_THROTTLED)
            continue;
        int64_t a = e->at_ns > tr->from_ns ? e->at_ns : tr->from_ns;
        int64_t b = e->until_ns < tr->to_ns ? e->until_ns : tr->to_ns;
        fprintf(f, "%d %d %.6f %.6f\n", e->core, e->thread, ms(a), ms(b));
        n++;
    }
    end_block(f, n, 4);
    fputs("# block 3, queue occupancy in packets from each time on: "
          "time_ms",
          f);
    for (int q = 0; q < L->nqueues; q++)
        fprintf(f, " %s/%" PRIu32, L->queue_name[q], tr->qcap[q]);
    fputc('\n', f);
    for (int i = 0; i < tr->nsample; i++) {
        fprintf(f, "%.6f", ms(tr->sample_ns[i]));
        for (int q = 0; q < L->nqueues; q++)
            fprintf(f, " %" PRIu32, tr->sample_q[(size_t)i * L->nqueues + q]);
        fputc('\n', f);
    }
    end_block(f, tr->nsample, 1 + L->nqueues);
    return ferror(f) ? -1 : 0;
}

static double pct(int64_t ns, int64_t window_ns)
{
    return window_ns > 0 ? 100.0 * (double)ns / (double)window_ns : 0;
}

void trace_print_summary(const struct trace *tr, FILE *f)
{
    const struct stats_layout *L = &tr->lay;
    int64_t w = tr->to_ns - tr->from_ns;
    double sec = (double)w * 1e-9;
    fprintf(f, "%-5s %7s %7s %7s %7s %7s  %s\n", "core", "busy", "irq", "sys",
            "guest", "idle", "what ran (share of the core)");
    for (int c = 0; c < L->ncores; c++) {
        int64_t k[CPU_NCLASS] = {0}, busy = trace_core_busy_ns(tr, c);
        if (!(tr->online >> c & 1))
            continue;
        for (int t = 0; t < L->nthreads; t++)
            for (int j = 0; j < CPU_NCLASS; j++)
                k[j] += tr->ns[c][t][j];
        fprintf(f, "%-5d %6.1f%% %6.1f%% %6.1f%% %6.1f%% %6.1f%%", c,
                pct(busy, w), pct(k[CPU_IRQ], w), pct(k[CPU_SYS], w),
                pct(k[CPU_GUEST], w), 100.0 - pct(busy, w));
        int first = 1;
        for (int t = 0; t < L->nthreads; t++) {
            int64_t s = tr->ns[c][t][0] + tr->ns[c][t][1] + tr->ns[c][t][2];
            if (s == 0)
                continue;
            fprintf(f, "%s%s %.1f%%", first ? "  " : ", ", L->thread_name[t],
                    pct(s, w));
            first = 0;
        }
        fputc('\n', f);
    }
    for (int t = 0; t < L->nthreads; t++)
        if (tr->preemptions[t])
            fprintf(f, "%s was preempted %" PRId64 " times (%.1f k/s)\n",
                    L->thread_name[t], tr->preemptions[t],
                    sec > 0 ? (double)tr->preemptions[t] / sec / 1e3 : 0);
    for (int c = 0; c < L->ncores; c++)
        if (tr->rt_throttled_ns[c])
            fprintf(f,
                    "RT throttling kept fifo threads off core %d for "
                    "%.3f ms (%.1f%%)\n",
                    c, ms(tr->rt_throttled_ns[c]),
                    pct(tr->rt_throttled_ns[c], w));
    for (int t = 0; t < L->nthreads; t++)
        if (tr->dl_throttled_ns[t])
            fprintf(f,
                    "%s had spent its budget and waited for %.3f ms "
                    "(%.1f%%)\n",
                    L->thread_name[t], ms(tr->dl_throttled_ns[t]),
                    pct(tr->dl_throttled_ns[t], w));
    fputs("queue peaks (packets held / capacity):", f);
    for (int q = 0; q < L->nqueues; q++)
        fprintf(f, "%s %s %" PRIu32 "/%" PRIu32, q ? "," : "", L->queue_name[q],
                tr->qpeak[q], tr->qcap[q]);
    fputc('\n', f);
}

int trace_check(const struct trace *tr, char *err, size_t errlen)
{
    int64_t last_end[STATS_MAX_CORES];
    for (int c = 0; c < STATS_MAX_CORES; c++)
        last_end[c] = INT64_MIN;
    for (int i = 0; i < tr->nspan; i++) {
        const struct trace_span *s = &tr->span[i];
        if (s->start_ns >= s->end_ns || s->start_ns < tr->from_ns ||
            s->end_ns > tr->to_ns) {
            snprintf(err, errlen,
                     "span %d (core %d, %s) [%" PRId64 ", %" PRId64
                     ") is empty or outside the window",
                     i, s->core, tr->lay.thread_name[s->thread], s->start_ns,
                     s->end_ns);
            return -1;
        }
        if (s->start_ns < last_end[s->core]) {
            snprintf(err, errlen,
                     "core %d runs %s from %" PRId64
                     " ns before its last span ends at %" PRId64 " ns",
                     s->core, tr->lay.thread_name[s->thread], s->start_ns,
                     last_end[s->core]);
            return -1;
        }
        last_end[s->core] = s->end_ns;
    }
    /* A thread's spans, over all cores, must not overlap either. */
    for (int t = 0; t < tr->lay.nthreads; t++) {
        int64_t end = INT64_MIN;
        int core = -1;
        for (int i = 0; i < tr->nspan; i++) { /* in order of their ends */
            const struct trace_span *s = &tr->span[i];
            if (s->thread != t)
                continue;
            if (s->start_ns < end) {
                snprintf(err, errlen,
                         "%s runs on cores %d and %d at once at %" PRId64 " ns",
                         tr->lay.thread_name[t], core, s->core, s->start_ns);
                return -1;
            }
            end = s->end_ns;
            core = s->core;
        }
    }
    return 0;
}

/* ---- Times ----------------------------------------------------------- */

int trace_parse_time(const char *s, int64_t *ns)
{
    static const struct {
        const char *unit;
        double ns;
    } units[] = {{"ns", 1}, {"us", 1e3}, {"ms", 1e6}, {"s", 1e9}, {"", 1e6}};
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (end == s || errno || !isfinite(v) || v < 0 ||
        isspace((unsigned char)*s))
        return -1;
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
        if (strcmp(end, units[i].unit) == 0) {
            double x = v * units[i].ns;
            if (x > 9e18)
                return -1;
            *ns = (int64_t)llround(x);
            return 0;
        }
    return -1;
}
