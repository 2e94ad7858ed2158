/*
 * plan.c - the smallest CBS budget or the fewest cores for a target rate.
 *
 * Budget. The bracket (lo, hi] of the thread's runtime starts at (0,
 * period]: a runtime of 0 fails by definition (the thread never runs) and
 * the whole period is probed first, since when it fails no budget helps.
 * Then the middle is probed, in whole microseconds, until hi - lo is at
 * most the resolution. hi is the answer and lo, probed unless it is still
 * 0, the next smaller budget. The search assumes that more budget never
 * loses more packets; it stays a bisection when that does not hold, and
 * both reported budgets were simulated as reported.
 *
 * Cores. The pool is the curve's NIC interrupt core, then its other online
 * cores in ascending order; k cores are the first k of the pool. One
 * simulation with the threads spread one per core over the pool (cycling
 * when the threads outnumber the cores) measures what each thread needs at
 * the target rate. For each k the threads are then pinned one per core,
 * the busiest first, each onto the core of the k with the least load so
 * far, the interrupt core starting with the NIC's own load (longest
 * processing time first). k runs from 1 to the pool size or the number of
 * threads plus one, whichever is smaller, until one sustains. Cores
 * outside the k are taken offline, so the answer is a host of k cores.
 */
#include <stdio.h>
#include <string.h>

#include "err.h"
#include "plan.h"
#include "sched.h"

/* Threads of the VMs that run (none when the host routes natively). */
static int run_threads(const struct vsr_config *cfg)
{
    return cfg->native ? 0 : cfg->nthreads;
}

static int find_thread(const struct vsr_config *cfg, const char *name)
{
    for (int i = 0; i < run_threads(cfg); i++)
        if (strcmp(cfg->thread[i].name, name) == 0)
            return i;
    return -1;
}

int plan_check(const struct scenario *s, int curve, const struct plan_opts *o,
               char *err, size_t errlen)
{
    const struct vsr_config *cfg = &s->curve[curve].cfg;
    const char *name = s->curve[curve].name;
    double line = vsr_line_rate_pps(cfg) / 1e3;
    if (o->target_kpps > line) {
        snprintf(err, errlen,
                 "--target: %g kpps is above the line rate of curve '%s' "
                 "(%.3f kpps)",
                 o->target_kpps, name, line);
        return SIM_EINPUT;
    }
    if (o->mode != PLAN_BUDGET)
        return 0;
    int t = find_thread(cfg, o->thread);
    if (t < 0) {
        snprintf(err, errlen, "--budget %s: curve '%s' has no such thread",
                 o->thread, name);
        return SIM_EINPUT;
    }
    if (cfg->thread[t].cls->rank != SCHED_DEADLINE) {
        snprintf(err, errlen,
                 "--budget %s: thread '%s' of curve '%s' has policy %s; it "
                 "needs policy = \"deadline\" with runtime_ms and period_ms",
                 o->thread, o->thread, name, cfg->thread[t].cls->name);
        return SIM_EINPUT;
    }
    return 0;
}

/* Simulate one try at the target rate and decide it. */
static int simulate(const struct scenario *s, const struct costmodel *cm,
                    int curve, const struct plan_opts *o, struct plan_result *r,
                    struct plan_try *t, double busy[STATS_MAX_THREADS])
{
    struct ndr_probe p = {.cfg = &t->cfg, .curve = curve};
    p.pt.offered_kpps = o->target_kpps;
    if (o->progress)
        fprintf(stderr, "\rvsrsim: plan: curve %d, probe %d   ", curve + 1,
                r->probes + 1);
    int rc = ndr_simulate(s, cm, &p, 1, o->jobs);
    if (rc)
        return rc;
    r->probes++;
    t->simulated = 1;
    t->pt = p.pt;
    t->sustained = p.pt.loss <= o->loss_max;
    if (busy)
        memcpy(busy, p.busy, sizeof p.busy);
    return 0;
}

/* ---- Budget ------------------------------------------------------------ */

static int64_t budget_mid(int64_t lo, int64_t hi)
{
    int64_t mid = (lo + hi) / 2;
    return mid / PLAN_BUDGET_STEP_NS * PLAN_BUDGET_STEP_NS;
}

static void budget_try(const struct vsr_config *base, int thread,
                       int64_t runtime_ns, struct plan_try *t)
{
    memset(t, 0, sizeof *t);
    t->cfg = *base;
    t->cfg.thread[thread].dl_runtime_ns = runtime_ns;
    t->runtime_ns = runtime_ns;
}

static int plan_budget(const struct scenario *s, const struct costmodel *cm,
                       int curve, const struct plan_opts *o,
                       struct plan_result *r)
{
    const struct vsr_config *base = &s->curve[curve].cfg;
    int th = find_thread(base, o->thread);
    int64_t period = base->thread[th].dl_period_ns;
    int64_t res = o->resolution_ns > 0
                      ? o->resolution_ns
                      : (int64_t)((double)period * PLAN_RESOLUTION);
    if (res < PLAN_BUDGET_STEP_NS)
        res = PLAN_BUDGET_STEP_NS;
    r->thread = th;
    r->period_ns = period;

    struct plan_try t;
    budget_try(base, th, period, &t);
    int rc = simulate(s, cm, curve, o, r, &t, NULL);
    if (rc)
        return rc;
    if (!t.sustained) {
        r->fail = t;
        r->have_fail = 1;
        return 0;
    }
    r->ok = t;
    r->found = 1;
    budget_try(base, th, 0, &r->fail); /* never runs: fails unsimulated */
    r->have_fail = 1;
    int64_t lo = 0, hi = period;
    while (hi - lo > res) {
        int64_t mid = budget_mid(lo, hi);
        if (mid <= lo || mid >= hi)
            break;
        budget_try(base, th, mid, &t);
        if ((rc = simulate(s, cm, curve, o, r, &t, NULL)))
            return rc;
        if (t.sustained) {
            hi = mid;
            r->ok = t;
        } else {
            lo = mid;
            r->fail = t;
        }
    }
    return 0;
}

/* ---- Cores ------------------------------------------------------------- */

/* The pool of cores: the interrupt core first, then the other online
 * cores in ascending order. Returns its size. */
static int core_pool(const struct vsr_config *cfg, int pool[STATS_MAX_CORES])
{
    int n = 0;
    pool[n++] = cfg->irq_core;
    for (int c = 0; c < cfg->ncores && c < STATS_MAX_CORES; c++)
        if (c != cfg->irq_core && ((cfg->online >> c) & 1))
            pool[n++] = c;
    return n;
}

/* Pin thread i of cfg to core[i]; only the cores in `online` stay on. */
static void pin(struct vsr_config *cfg, const int *core, uint64_t online)
{
    for (int i = 0; i < run_threads(cfg); i++)
        cfg->thread[i].cpus = 1ULL << core[i];
    cfg->online = online;
}

/* Longest processing time first: the threads, busiest first (ties in
 * their order), each onto the least loaded of the first k cores of the
 * pool (ties to the earlier core). irq_load is the interrupt core's own. */
static void pack(int nthr, const double *busy, double irq_load, const int *pool,
                 int k, int *core)
{
    double load[STATS_MAX_CORES] = {irq_load};
    int done[VSR_MAX_THREADS] = {0};
    for (int n = 0; n < nthr; n++) {
        int t = -1;
        for (int i = 0; i < nthr; i++)
            if (!done[i] && (t < 0 || busy[i] > busy[t]))
                t = i;
        int best = 0;
        for (int c = 1; c < k; c++)
            if (load[c] < load[best])
                best = c;
        done[t] = 1;
        load[best] += busy[t];
        core[t] = pool[best];
    }
}

static int plan_cores(const struct scenario *s, const struct costmodel *cm,
                      int curve, const struct plan_opts *o,
                      struct plan_result *r)
{
    const struct vsr_config *base = &s->curve[curve].cfg;
    int pool[STATS_MAX_CORES], core[VSR_MAX_THREADS];
    int npool = core_pool(base, pool);
    int nthr = run_threads(base);
    int kmax = npool < nthr + 1 ? npool : nthr + 1;
    double busy[STATS_MAX_THREADS] = {0};
    int rc;

    if (nthr > 0) { /* what each thread needs, spread out */
        struct plan_try spread = {.cfg = *base};
        uint64_t all = 0;
        for (int i = 0; i < npool; i++)
            all |= 1ULL << pool[i];
        for (int i = 0; i < nthr; i++)
            core[i] = npool > 1 ? pool[1 + i % (npool - 1)] : pool[0];
        pin(&spread.cfg, core, all);
        if ((rc = simulate(s, cm, curve, o, r, &spread, busy)))
            return rc;
    }
    /* The interrupt core's own load: nic_irq and ksoftirqd after the
     * VM threads in the layout. */
    double irq_load = busy[nthr] + busy[nthr + 1];
    struct plan_try t;
    for (int k = 1; k <= kmax; k++) {
        uint64_t online = 0;
        for (int i = 0; i < k; i++)
            online |= 1ULL << pool[i];
        pack(nthr, busy, irq_load, pool, k, core);
        memset(&t, 0, sizeof t);
        t.cfg = *base;
        t.ncores = k;
        pin(&t.cfg, core, online);
        if ((rc = simulate(s, cm, curve, o, r, &t, NULL)))
            return rc;
        if (t.sustained) {
            r->ok = t;
            r->found = 1;
            return 0;
        }
        r->fail = t;
        r->have_fail = 1;
    }
    return 0;
}

int plan_curve(const struct scenario *s, const struct costmodel *cm, int curve,
               const struct plan_opts *o, struct plan_result *out, char *err,
               size_t errlen)
{
    int rc = plan_check(s, curve, o, err, errlen);
    if (rc)
        return rc;
    memset(out, 0, sizeof *out);
    rc = o->mode == PLAN_BUDGET ? plan_budget(s, cm, curve, o, out)
                                : plan_cores(s, cm, curve, o, out);
    if (o->progress)
        fputc('\n', stderr);
    if (rc)
        snprintf(err, errlen, "a worker process failed");
    return rc;
}

/* ---- Output ------------------------------------------------------------ */

static void put_point(FILE *f, const struct plan_try *t)
{
    fprintf(f, "forwarded %.3f kpps, loss %.6g\n", t->pt.forwarded_kpps,
            t->pt.loss);
}

static void put_budget(FILE *f, const char *what, const struct plan_try *t,
                       int64_t period_ns)
{
    fprintf(f, "  %-9s runtime_ms = %g of period_ms = %g: ", what,
            (double)t->runtime_ns / 1e6, (double)period_ns / 1e6);
    if (t->simulated)
        put_point(f, t);
    else
        fputs("the thread never runs\n", f);
}

/* The cores of a binding as a libconfig list, "[0, 1]". */
static void put_cores(FILE *f, uint64_t mask)
{
    const char *sep = "";
    fputc('[', f);
    for (int c = 0; c < 64; c++)
        if ((mask >> c) & 1) {
            fprintf(f, "%s%d", sep, c);
            sep = ", ";
        }
    fputc(']', f);
}

static void put_binding(FILE *f, const struct vsr_config *cfg)
{
    fputs("    host = { online = ", f);
    put_cores(f, cfg->online);
    fputs("; };\n", f);
    if (run_threads(cfg) == 0)
        return;
    fputs("    threads = {", f);
    for (int i = 0; i < run_threads(cfg); i++) {
        fprintf(f, " %s = { cpus = ", cfg->thread[i].name);
        put_cores(f, cfg->thread[i].cpus);
        fputs("; };", f);
    }
    fputs(" };\n", f);
}

static void put_ncores(FILE *f, const char *what, const struct plan_try *t)
{
    fprintf(f, "  %-9s %d core%s: ", what, t->ncores,
            t->ncores == 1 ? "" : "s");
    put_point(f, t);
    put_binding(f, &t->cfg);
}

void plan_print(FILE *f, const struct scenario *s, int curve,
                const struct plan_opts *o, const struct plan_result *r)
{
    const char *name = s->curve[curve].name;
    if (o->mode == PLAN_BUDGET) {
        if (r->found)
            fprintf(f,
                    "curve '%s': thread %s sustains %g kpps with loss <= "
                    "%g from runtime_ms = %g of period_ms = %g\n",
                    name, o->thread, o->target_kpps, o->loss_max,
                    (double)r->ok.runtime_ns / 1e6, (double)r->period_ns / 1e6);
        else
            fprintf(f,
                    "curve '%s': no budget of thread %s sustains %g kpps "
                    "with loss <= %g\n",
                    name, o->thread, o->target_kpps, o->loss_max);
        if (r->found)
            put_budget(f, "sustains", &r->ok, r->period_ns);
        if (r->have_fail)
            put_budget(f, "fails", &r->fail, r->period_ns);
        return;
    }
    if (r->found)
        fprintf(f, "curve '%s': %d core%s sustain%s %g kpps with loss <= %g\n",
                name, r->ok.ncores, r->ok.ncores == 1 ? "" : "s",
                r->ok.ncores == 1 ? "s" : "", o->target_kpps, o->loss_max);
    else
        fprintf(f,
                "curve '%s': no packing on up to %d core%s sustains %g kpps "
                "with loss <= %g\n",
                name, r->fail.ncores, r->fail.ncores == 1 ? "" : "s",
                o->target_kpps, o->loss_max);
    if (r->found)
        put_ncores(f, "sustains", &r->ok);
    if (r->have_fail)
        put_ncores(f, "fails", &r->fail);
}
