/*
 * explain.c - the bottleneck of one point, in words and tables.
 *
 * Every replication of the point runs with a trace that only sums (no
 * timeline), so the per-thread split of each core's time is exact and the
 * run is the one vsrsim run makes. The verdict is a short list of rules
 * tried in order, from the most specific cause to the least:
 *
 *   no loss  under 1% lost and drops under 0.1% of the offered rate, and
 *            a local generator sent all but 1% of it
 *   thread   a thread is saturated: it runs, or waits only because its
 *   budget   class throttles it, >= 95% of the time ("budget" when it is
 *            a deadline thread throttled over 5% of the time)
 *   core     a core is saturated by several activities, counting the time
 *            RT throttling keeps its fifo threads off it as taken
 *
 * Thread and core are looked for twice: first only among those that take
 * packets from the queue that drops most (or, for a core, run such a
 * thread), then among all; the busiest match wins.
 *   link     the forwarded rate is within 2% of the line rate
 *   queue    otherwise: a queue drops although nothing is saturated
 *
 * Which thread takes packets from which queue follows the packet path of
 * vsr.h: NAPI (nic_irq, ksoftirqd) from the NIC's rx ring, the backend
 * from macvtap and from the guest's tx side, the vCPUs from virtio_rx.
 * A rule that matches names what it found (thread, core, queue); the
 * sentence and the tables are built from those numbers alone.
 */
#include <ctype.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "explain.h"
#include "trace.h"
#include "vsr.h"

#define LOSS_NONE 0.01    /* loss below this is no loss             */
#define DROPS_NONE 0.001  /* drops below this share of the offered */
#define THROTTLED 0.05    /* share of the window a budget must bind */
#define AT_LINE_RATE 0.98 /* forwarded / line rate                  */

static const char *kind_label(enum vsr_thread_kind k)
{
    switch (k) {
    case VSR_VCPU:
        return "vCPU";
    case VSR_VHOST:
        return "vhost-net";
    case VSR_VHOST_RX:
        return "vhost-net rx";
    case VSR_VHOST_TX:
        return "vhost-net tx";
    case VSR_IO:
        return "QEMU I/O thread";
    case VSR_GEN:
        return "traffic generator";
    }
    return "thread";
}

/* Who drains a queue, by its name without the VM's prefix. */
static const char *queue_role(const char *name)
{
    static const char *const roles[][2] = {
        {"nic_rx", "the NIC's rx ring, drained by NAPI, or by the I/O "
                   "thread with netmap"},
        {"macvtap", "the host's queue to the VM, drained by the backend's "
                    "rx work"},
        {"virtio_rx", "the guest's rx ring, drained by its vCPU"},
        {"virtio_tx", "the guest's tx ring, drained by the backend's tx "
                      "work"},
        {"guest_qdisc", "the guest's qdisc, which fills while virtio_tx is "
                        "full"},
        {"nic_tx", "the host's qdisc and NIC tx ring, drained by the wire"},
    };
    const char *base = strrchr(name, '.');
    base = base ? base + 1 : name;
    for (size_t i = 0; i < sizeof roles / sizeof roles[0]; i++)
        if (strcmp(base, roles[i][0]) == 0)
            return roles[i][1];
    return "a queue";
}

double explain_core_busy(const struct explain *e, int c)
{
    return e->core[c][CPU_IRQ] + e->core[c][CPU_SYS] + e->core[c][CPU_GUEST];
}

double explain_on_core(const struct explain *e, int c, int t)
{
    return e->frac[c][t][CPU_IRQ] + e->frac[c][t][CPU_SYS] +
           e->frac[c][t][CPU_GUEST];
}

/* The core where thread t spent most of its time. */
static int main_core(const struct explain *e, int t)
{
    int best = 0;
    for (int c = 1; c < e->lay.ncores; c++)
        if (explain_on_core(e, c, t) > explain_on_core(e, best, t))
            best = c;
    return best;
}

/* Which queues each thread takes packets from, in layout order (see
 * vsr_layout): the NIC's rx ring, then per VM and virtual NIC its input
 * queue, virtio rx, virtio tx and guest qdisc, then the NIC's tx side. */
static void find_drains(struct explain *e, const struct vsr_config *cfg, int n)
{
    enum { IN, VRX, VTX, GQ, PER_NIC };
    e->drains[n] = 1; /* NAPI, and ksoftirqd after it */
    if (n + 1 < e->lay.nthreads)
        e->drains[n + 1] = 1;
    int base = 1;
    for (int m = 0; m < cfg->nvm; m++) {
        int nics = cfg->vm[m].role == VSR_LB ? 2 : 1;
        for (int t = 0; t < n; t++) {
            const struct vsr_thread_cfg *tc = &cfg->thread[t];
            int q = base + tc->nic * PER_NIC;
            if (tc->vm != m)
                continue;
            if (tc->kind == VSR_VCPU)
                e->drains[t] |= 1ULL << (base + VRX);
            if (tc->kind == VSR_VHOST || tc->kind == VSR_VHOST_RX ||
                tc->kind == VSR_IO)
                e->drains[t] |= 1ULL << (q + IN);
            if (tc->kind == VSR_VHOST || tc->kind == VSR_VHOST_TX ||
                tc->kind == VSR_IO)
                e->drains[t] |= 1ULL << (q + VTX) | 1ULL << (q + GQ);
            if (tc->kind == VSR_IO && cfg->interconnect == VSR_NETMAP)
                e->drains[t] |= 1; /* it owns the NIC's rings */
        }
        base += nics * PER_NIC;
    }
}

static void describe(struct explain *e, const struct scenario *s, int curve)
{
    const struct vsr_config *cfg = &s->curve[curve].cfg;
    int n = cfg->native ? 0 : cfg->nthreads;
    find_drains(e, cfg, n);
    for (int t = 0; t < e->lay.nthreads; t++) {
        e->kind[t] = t < n    ? kind_label(cfg->thread[t].kind)
                     : t == n ? "NIC interrupt and NAPI"
                              : "NAPI deferred to a thread";
        e->policy[t] = t < n    ? cfg->thread[t].cls->name
                       : t == n ? "irq"
                                : "cfs";
        if (t < n) {
            e->prio[t] = cfg->thread[t].prio;
            e->dl_runtime_ns[t] = cfg->thread[t].dl_runtime_ns;
            e->dl_period_ns[t] = cfg->thread[t].dl_period_ns;
        }
    }
    e->line_kpps = vsr_line_rate_pps(cfg) / 1e3;
}

void explain_point(struct explain *e, const struct scenario *s,
                   const struct costmodel *cm, int curve, double kpps)
{
    memset(e, 0, sizeof *e);
    snprintf(e->scenario, sizeof e->scenario, "%s", s->name);
    snprintf(e->curve, sizeof e->curve, "%s", s->curve[curve].name);
    e->reps = s->reps;
    e->warmup_ns = s->warmup_ns;
    e->measured_ns = s->duration_ns;
    vsr_layout(&s->curve[curve].cfg, &e->lay);
    describe(e, s, curve);

    struct run_result *runs = xcalloc((size_t)s->reps, sizeof *runs);
    struct trace *tr = xmalloc(sizeof *tr);
    double w = (double)s->duration_ns, n = s->reps;
    for (int k = 0; k < s->reps; k++) {
        trace_init(tr, s->warmup_ns, s->warmup_ns + s->duration_ns, 0);
        trace_run_point(tr, s, cm, curve, kpps, k, &runs[k]);
        for (int c = 0; c < e->lay.ncores; c++) {
            for (int t = 0; t < e->lay.nthreads; t++)
                for (int j = 0; j < CPU_NCLASS; j++)
                    e->frac[c][t][j] += (double)tr->ns[c][t][j] / w / n;
            e->rt_throttled[c] += (double)tr->rt_throttled_ns[c] / w / n;
        }
        for (int t = 0; t < e->lay.nthreads; t++)
            e->dl_throttled[t] += (double)tr->dl_throttled_ns[t] / w / n;
        e->online = tr->online;
        memcpy(e->qcap, tr->qcap, sizeof e->qcap);
        trace_clear(tr);
    }
    struct point_summary p;
    stats_summarise(&e->lay, runs, s->reps, kpps, &p);
    e->offered_kpps = p.offered_kpps;
    e->sent_kpps = p.sent_kpps;
    e->forwarded_kpps = p.forwarded_kpps;
    e->ci99_kpps = p.ci99_kpps;
    e->loss = p.loss_frac;
    memcpy(e->core, p.core_frac, sizeof e->core);
    memcpy(e->thread, p.thread_frac, sizeof e->thread);
    memcpy(e->drops_kpps, p.drops_kpps, sizeof e->drops_kpps);
    double pps = p.forwarded_kpps * 1e3;
    for (int t = 0; t < e->lay.nthreads; t++) {
        e->slices_pp[t] = pps > 0 ? p.slices_ps[t] / pps : 0;
        e->preempted_pp[t] = pps > 0 ? p.preempted_ps[t] / pps : 0;
        e->moves_ps[t] = p.migrations_ps[t];
    }
    free(tr);
    free(runs);
    explain_decide(e);
}

/* Share of the time thread t runs or is held off its core by its class
 * alone (a spent budget, RT throttling of its fifo class). */
static double thread_taken(const struct explain *e, int t)
{
    double x = e->thread[t] + e->dl_throttled[t];
    if (e->policy[t] && strcmp(e->policy[t], "fifo") == 0)
        x += e->rt_throttled[main_core(e, t)];
    return x;
}

/* Share of the time core c is busy or kept from its fifo threads. */
static double core_taken(const struct explain *e, int c)
{
    return explain_core_busy(e, c) + e->rt_throttled[c];
}

/* Did the router take less than was offered (below the line rate)? A
 * local generator retries on a full TAP rather than drop: what it could
 * not send is lost all the same. */
static int held_back(const struct explain *e)
{
    double offered = e->offered_kpps < e->line_kpps ? e->offered_kpps
                                                    : e->line_kpps;
    return e->sent_kpps < (1 - LOSS_NONE) * offered;
}

/* Does thread t take packets from the queue that drops most? */
static int feeds_drops(const struct explain *e, int t)
{
    return e->queue_id >= 0 && (e->drains[t] >> e->queue_id & 1);
}

void explain_decide(struct explain *e)
{
    const struct stats_layout *L = &e->lay;
    double drops = 0;
    e->core_id = e->thread_id = e->queue_id = -1;
    for (int q = 0; q < L->nqueues; q++) {
        drops += e->drops_kpps[q];
        if (e->drops_kpps[q] > 0 &&
            (e->queue_id < 0 || e->drops_kpps[q] > e->drops_kpps[e->queue_id]))
            e->queue_id = q;
    }
    int busiest = 0;
    for (int t = 1; t < L->nthreads; t++)
        if (e->thread[t] > e->thread[busiest])
            busiest = t;
    if (e->loss < LOSS_NONE && drops < DROPS_NONE * e->offered_kpps &&
        !held_back(e)) {
        e->verdict = EXPLAIN_NO_LOSS;
        e->thread_id = busiest;
        e->core_id = main_core(e, busiest);
        return;
    }
    /* Saturated threads, then cores; the first pass takes only those
     * that feed the queue that drops most, the second any. */
    for (int pass = 0; pass < 2; pass++) {
        int best = -1;
        for (int t = 0; t < L->nthreads; t++)
            if (thread_taken(e, t) >= EXPLAIN_SATURATED &&
                (pass || feeds_drops(e, t)) &&
                (best < 0 || thread_taken(e, t) > thread_taken(e, best)))
                best = t;
        if (best >= 0) {
            e->verdict = e->dl_throttled[best] > THROTTLED ? EXPLAIN_BUDGET
                                                           : EXPLAIN_THREAD;
            e->thread_id = best;
            e->core_id = main_core(e, best);
            return;
        }
        int full = -1;
        for (int c = 0; c < L->ncores; c++) {
            int feeds = 0;
            for (int t = 0; t < L->nthreads; t++)
                feeds |= feeds_drops(e, t) && main_core(e, t) == c;
            if ((e->online >> c & 1) && core_taken(e, c) >= EXPLAIN_SATURATED &&
                (pass || feeds) &&
                (full < 0 || core_taken(e, c) > core_taken(e, full)))
                full = c;
        }
        if (full >= 0) {
            e->verdict = EXPLAIN_CORE;
            e->core_id = full;
            return;
        }
    }
    if (e->forwarded_kpps >= AT_LINE_RATE * e->line_kpps) {
        e->verdict = EXPLAIN_LINK;
        return;
    }
    e->verdict = EXPLAIN_QUEUE;
}

/* snprintf that appends at *n, never past len. */
static void put(char *buf, size_t len, size_t *n, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void put(char *buf, size_t len, size_t *n, const char *fmt, ...)
{
    if (*n >= len)
        return;
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(buf + *n, len - *n, fmt, ap);
    va_end(ap);
    if (k > 0)
        *n += (size_t)k;
}

/* "vcpu0 59.8% and vhost 35.2%": what ran on core c, busiest first. */
static void sharers(const struct explain *e, int c, char *buf, size_t len,
                    size_t *n)
{
    int order[STATS_MAX_THREADS], k = 0;
    for (int t = 0; t < e->lay.nthreads; t++) {
        if (explain_on_core(e, c, t) < 0.005)
            continue;
        int i = k++;
        while (i > 0 &&
               explain_on_core(e, c, order[i - 1]) < explain_on_core(e, c, t)) {
            order[i] = order[i - 1];
            i--;
        }
        order[i] = t;
    }
    for (int i = 0; i < k; i++)
        put(buf, len, n, "%s%s %.1f%%",
            i == 0       ? ""
            : i == k - 1 ? " and "
                         : ", ",
            e->lay.thread_name[order[i]],
            100 * explain_on_core(e, c, order[i]));
}

void explain_sentence(const struct explain *e, char *buf, size_t len)
{
    const struct stats_layout *L = &e->lay;
    size_t n = 0;
    int t = e->thread_id, c = e->core_id, q = e->queue_id;
    buf[0] = '\0';
    switch (e->verdict) {
    case EXPLAIN_NO_LOSS:
        if (e->loss < 0.00005)
            put(buf, len, &n,
                "nothing limits this point: everything "
                "offered is forwarded");
        else
            put(buf, len, &n,
                "nothing limits this point: all but %.2f%% is forwarded",
                100 * e->loss);
        put(buf, len, &n,
            "; the busiest activity is %s (%s), %.1f%% of "
            "core %d",
            L->thread_name[t], e->kind[t], 100 * e->thread[t], c);
        break;
    case EXPLAIN_THREAD:
        if (explain_on_core(e, c, t) >= 0.9 * e->thread[t])
            put(buf, len, &n, "%s (%s) is busy %.1f%% of core %d",
                L->thread_name[t], e->kind[t], 100 * e->thread[t], c);
        else
            put(buf, len, &n,
                "%s (%s) is busy %.1f%% of a core, moving between cores",
                L->thread_name[t], e->kind[t], 100 * e->thread[t]);
        if (strcmp(e->policy[t], "fifo") == 0 && e->rt_throttled[c] > 0.001)
            put(buf, len, &n,
                ", and RT throttling keeps it off the core %.1f%% of the "
                "time",
                100 * e->rt_throttled[c]);
        put(buf, len, &n, ": it is the bottleneck");
        break;
    case EXPLAIN_BUDGET:
        put(buf, len, &n,
            "%s (%s) spends its CBS budget of %.3g ms every %.3g ms and "
            "waits for it %.1f%% of the time: the budget is the bottleneck",
            L->thread_name[t], e->kind[t], (double)e->dl_runtime_ns[t] / 1e6,
            (double)e->dl_period_ns[t] / 1e6, 100 * e->dl_throttled[t]);
        break;
    case EXPLAIN_CORE:
        put(buf, len, &n, "core %d is busy %.1f%%, shared by ", c,
            100 * explain_core_busy(e, c));
        sharers(e, c, buf, len, &n);
        if (e->rt_throttled[c] > 0.001)
            put(buf, len, &n,
                ", and RT throttling keeps its fifo threads off it %.1f%% "
                "of the time",
                100 * e->rt_throttled[c]);
        put(buf, len, &n, ": the core is the bottleneck");
        break;
    case EXPLAIN_LINK:
        put(buf, len, &n,
            "the link is the bottleneck: %.1f kpps is its line rate",
            e->line_kpps);
        break;
    case EXPLAIN_QUEUE:
        put(buf, len, &n, "no core or thread is saturated");
        if (q >= 0)
            put(buf, len, &n,
                ", yet bursts overflow %s (it holds %" PRIu32 " packets)",
                L->queue_name[q], e->qcap[q]);
        break;
    }
    if (e->verdict == EXPLAIN_NO_LOSS)
        return;
    if (q >= 0)
        put(buf, len, &n, "; %s drops %.1f kpps", L->queue_name[q],
            e->drops_kpps[q]);
    else
        put(buf, len, &n, "; no queue drops, the packets wait in queues");
}

/* For a core shared under SCHED_FIFO: who runs only when whom waits. */
static void fifo_order(const struct explain *e, int c, FILE *f)
{
    int hi = -1, lo = -1;
    for (int t = 0; t < e->lay.nthreads; t++) {
        if (strcmp(e->policy[t], "fifo") != 0 ||
            explain_on_core(e, c, t) < 0.005)
            continue;
        if (hi < 0 || e->prio[t] > e->prio[hi])
            hi = t;
        if (lo < 0 || e->prio[t] < e->prio[lo])
            lo = t;
    }
    if (hi < 0 || lo == hi)
        return;
    if (e->prio[hi] == e->prio[lo])
        fprintf(f,
                "On core %d %s and %s have the same FIFO priority (%d): "
                "each runs until it waits.\n",
                c, e->lay.thread_name[hi], e->lay.thread_name[lo], e->prio[hi]);
    else
        fprintf(f,
                "On core %d %s (FIFO %d) runs ahead of %s (FIFO %d): %s "
                "gets the core only while %s waits.\n",
                c, e->lay.thread_name[hi], e->prio[hi], e->lay.thread_name[lo],
                e->prio[lo], e->lay.thread_name[lo], e->lay.thread_name[hi]);
}

/* Saturated threads and cores the verdict does not name. */
static void also_saturated(const struct explain *e, FILE *f)
{
    int n = 0;
    for (int t = 0; t < e->lay.nthreads; t++)
        if (t != e->thread_id && thread_taken(e, t) >= EXPLAIN_SATURATED)
            fprintf(f, "%s %s (%.1f%% of core %d)",
                    n++ ? "," : "Also saturated:", e->lay.thread_name[t],
                    100 * e->thread[t], main_core(e, t));
    for (int c = 0; c < e->lay.ncores; c++) {
        int alone = 0; /* a saturated thread listed already fills it */
        for (int t = 0; t < e->lay.nthreads; t++)
            alone |= explain_on_core(e, c, t) >= EXPLAIN_SATURATED;
        if (c != e->core_id && !alone && (e->online >> c & 1) &&
            core_taken(e, c) >= EXPLAIN_SATURATED)
            fprintf(f, "%s core %d (%.1f%%)", n++ ? "," : "Also saturated:", c,
                    100 * explain_core_busy(e, c));
    }
    if (n)
        fputs(".\n", f);
}

static void row(FILE *f, const char *core, const char *what, const double *k,
                double idle, int show_idle)
{
    fprintf(f, "  %-5s %-36s %6.1f%% %6.1f%% %6.1f%% %6.1f%%", core, what,
            100 * (k[CPU_IRQ] + k[CPU_SYS] + k[CPU_GUEST]), 100 * k[CPU_IRQ],
            100 * k[CPU_SYS], 100 * k[CPU_GUEST]);
    if (show_idle)
        fprintf(f, " %6.1f%%", 100 * idle);
    fputc('\n', f);
}

void explain_print(const struct explain *e, FILE *f)
{
    const struct stats_layout *L = &e->lay;
    char line[1024];
    fprintf(f, "%s, curve '%s', %.1f kpps offered", e->scenario, e->curve,
            e->offered_kpps);
    if (held_back(e))
        fprintf(f, ", %.1f sent into a full TAP", e->sent_kpps);
    fprintf(f, ": %.1f kpps forwarded (99%% CI +-%.1f), %.2f%% lost\n",
            e->forwarded_kpps, e->ci99_kpps, 100 * e->loss);
    fprintf(f, "(mean of %d run%s of %.0f ms after %.0f ms of warm-up)\n\n",
            e->reps, e->reps == 1 ? "" : "s", (double)e->measured_ns / 1e6,
            (double)e->warmup_ns / 1e6);
    explain_sentence(e, line, sizeof line);
    if (e->verdict != EXPLAIN_THREAD && e->verdict != EXPLAIN_BUDGET)
        line[0] = (char)toupper((unsigned char)line[0]); /* not a name */
    fprintf(f, "%s.\n", line);
    if (e->verdict == EXPLAIN_CORE)
        fifo_order(e, e->core_id, f);
    if (e->verdict != EXPLAIN_NO_LOSS)
        also_saturated(e, f);
    for (int q = 0; q < L->nqueues; q++)
        if (e->drops_kpps[q] >= 0.05)
            fprintf(f, "%s drops %.1f kpps: it is %s.\n", L->queue_name[q],
                    e->drops_kpps[q], queue_role(L->queue_name[q]));
    for (int c = 0; c < L->ncores; c++)
        if ((e->online >> c & 1) && e->rt_throttled[c] > 0.001 &&
            !(c == e->core_id &&
              (e->verdict == EXPLAIN_CORE ||
               (e->verdict == EXPLAIN_THREAD &&
                strcmp(e->policy[e->thread_id], "fifo") == 0))))
            fprintf(f,
                    "RT throttling keeps the fifo threads off core %d "
                    "%.1f%% of the time.\n",
                    c, 100 * e->rt_throttled[c]);

    fprintf(f, "\nTime of each core (share of the measured window):\n");
    fprintf(f, "  %-5s %-36s %7s %7s %7s %7s %7s\n", "core", "activity", "busy",
            "irq", "sys", "guest", "idle");
    for (int c = 0; c < L->ncores; c++) {
        if (!(e->online >> c & 1))
            continue;
        char id[16];
        snprintf(id, sizeof id, "%d", c);
        row(f, id, "all", e->core[c], 1 - explain_core_busy(e, c), 1);
        for (int t = 0; t < L->nthreads; t++) {
            if (explain_on_core(e, c, t) < 0.0005)
                continue;
            char what[64];
            snprintf(what, sizeof what, "%.24s (%s)", L->thread_name[t],
                     e->kind[t]);
            row(f, "", what, e->frac[c][t], 0, 0);
        }
    }
    fprintf(f, "\nDrops per queue:\n  %-24s %8s %10s\n", "queue", "capacity",
            "kpps");
    for (int q = 0; q < L->nqueues; q++)
        fprintf(f, "  %-24s %8" PRIu32 " %10.1f\n", L->queue_name[q],
                e->qcap[q], e->drops_kpps[q]);
    fprintf(f, "\nTurns of each thread (switched in per packet forwarded, "
               "those after a\npreemption, moves between cores per "
               "second):\n  %-36s %11s %11s %9s\n",
            "thread", "switched in", "preempted", "moves/s");
    for (int t = 0; t < L->nthreads; t++) {
        if (e->slices_pp[t] <= 0 && e->moves_ps[t] <= 0)
            continue; /* interrupt work is not switched in */
        char what[64];
        snprintf(what, sizeof what, "%.24s (%s)", L->thread_name[t],
                 e->kind[t]);
        fprintf(f, "  %-36s %11.3f %11.3f %9.1f\n", what, e->slices_pp[t],
                e->preempted_pp[t], e->moves_ps[t]);
    }
}
