/*
 * ndr.c - NDR and PDR by binary search on the offered rate.
 *
 * Each curve keeps one bracket per threshold: `lo` is the highest rate
 * known to pass (0 passes by definition: nothing offered, nothing lost),
 * `hi` the lowest known to fail (infinite until the line rate is probed).
 * The first probe is the line rate, which settles a curve that never
 * loses; then the NDR bracket is halved until it is narrower than the
 * resolution, then the PDR bracket. Every probe narrows both brackets when
 * it falls inside them, so the NDR search already brackets the PDR and
 * the two need few more probes than one. A probe outside a bracket (the
 * loss of a real curve need not grow with the rate) never changes it, so
 * lo < hi always holds and each answer is a rate that was simulated.
 *
 * All curves step together: one probe per unfinished curve per step, their
 * runs simulated as one batch through sweep_map(). Probed rates are whole
 * packets per second, the unit the generator works in.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "err.h"
#include "ndr.h"
#include "sweep.h"

const char *const ndr_field_name[NDR_NFIELDS] = {"ndr_kpps", "ndr_loss",
                                                 "pdr_kpps", "pdr_loss"};

void ndr_fields(const struct ndr_result *r, double v[NDR_NFIELDS])
{
    v[0] = r->ndr.offered_kpps;
    v[1] = r->ndr.loss;
    v[2] = r->pdr.offered_kpps;
    v[3] = r->pdr.loss;
}

/* ---- Loss ------------------------------------------------------------ */

static int has_generator(const struct vsr_config *cfg)
{
    for (int i = 0; i < cfg->nthreads; i++)
        if (cfg->thread[i].kind == VSR_GEN)
            return !cfg->native;
    return 0;
}

/* Packets a local generator's path can hold between the generator and the
 * wire: the VM's queues (a generator serves one VM with one NIC) and the
 * batch the generator is writing. */
static double generator_in_flight(const struct vsr_config *cfg)
{
    const struct vsr_queues *q = &cfg->q;
    return (double)q->macvtap + q->virtio_rx + q->virtio_tx + q->guest_qdisc +
           cfg->vhost_batch;
}

/* Packets lost in one run. Offered packets are forwarded, dropped, or
 * still on their way when the window closes; with a local generator the
 * last include those it has not written yet, which grow without bound
 * once it falls behind. */
static double lost_pkts(const struct vsr_config *cfg,
                        const struct run_result *r)
{
    double drops = 0;
    for (int q = 0; q < STATS_MAX_QUEUES; q++)
        drops += (double)r->drops[q];
    if (!has_generator(cfg))
        return drops;
    double behind = (double)r->offered_pkts - (double)r->forwarded_pkts -
                    drops - generator_in_flight(cfg);
    return drops + (behind > 0 ? behind : 0);
}

double ndr_loss(const struct vsr_config *cfg, const struct run_result *runs,
                int n)
{
    double lost = 0, offered = 0;
    for (int i = 0; i < n; i++) {
        lost += lost_pkts(cfg, &runs[i]);
        offered += (double)runs[i].offered_pkts;
    }
    if (offered <= 0)
        return 0;
    return lost < offered ? lost / offered : 1;
}

/* ---- Probes ----------------------------------------------------------- */

struct batch {
    const struct scenario *s;
    const struct costmodel *cm;
    const struct ndr_probe *p;
};

/* Task i: replication i % reps of probe i / reps. */
static void batch_run(const void *ctx, int i, struct run_result *out)
{
    const struct batch *b = ctx;
    const struct scenario *s = b->s;
    const struct ndr_probe *p = &b->p[i / s->reps];
    int rep = i % s->reps;
    vsr_run(p->cfg, b->cm, p->pt.offered_kpps,
            sweep_run_seed(s, p->curve, 0, rep), s->warmup_ns, s->duration_ns,
            out);
}

int ndr_simulate(const struct scenario *s, const struct costmodel *cm,
                 struct ndr_probe *p, int n, int jobs)
{
    if (n <= 0)
        return 0;
    struct run_result *runs = xcalloc((size_t)n * s->reps, sizeof *runs);
    struct batch b = {s, cm, p};
    int rc = sweep_map(n * s->reps, batch_run, &b, jobs, 0, runs);
    for (int i = 0; rc == 0 && i < n; i++) {
        const struct run_result *r = &runs[i * s->reps];
        double fwd = 0, ns = 0;
        for (int k = 0; k < s->reps; k++) {
            fwd += (double)r[k].forwarded_pkts;
            ns += (double)r[k].measured_ns;
        }
        p[i].pt.forwarded_kpps = ns > 0 ? fwd / ns * 1e6 : 0;
        p[i].pt.loss = ndr_loss(p[i].cfg, r, s->reps);
        for (int t = 0; t < STATS_MAX_THREADS; t++) {
            double busy = 0;
            for (int k = 0; k < s->reps; k++)
                busy += (double)r[k].thread_ns[t];
            p[i].busy[t] = ns > 0 ? busy / ns : 0;
        }
    }
    free(runs);
    return rc;
}

/* ---- Search ----------------------------------------------------------- */

enum { T_NDR, T_PDR, T_N };

static const double loss_max[T_N] = {NDR_LOSS_MAX, PDR_LOSS_MAX};

struct bracket {
    double lo, hi;          /* lo passes, hi fails (INFINITY: untried) */
    struct ndr_point at_lo; /* the probe that set lo                  */
};

struct curve_search {
    double line_kpps;
    double res_kpps;
    struct bracket b[T_N];
    int probes;
};

/* The middle of b in whole pps (the kpps value nearest to it, as a
 * scenario's rate would read), or -1 when b cannot be split further. */
static double midpoint(const struct bracket *b, double res)
{
    if (b->hi - b->lo <= res)
        return -1;
    double mid = round((b->lo + b->hi) / 2 * 1e3) / 1e3;
    return mid > b->lo && mid < b->hi ? mid : -1;
}

/* The next rate curve c probes, or -1 when its search is over. */
static double next_rate(const struct curve_search *c)
{
    for (int t = 0; t < T_N; t++) {
        const struct bracket *b = &c->b[t];
        if (b->lo >= c->line_kpps)
            continue;
        if (isinf(b->hi))
            return c->line_kpps;
        double mid = midpoint(b, c->res_kpps);
        if (mid > 0)
            return mid;
    }
    return -1;
}

/* Narrow both brackets of c with a probe that falls inside them. */
static void narrow(struct curve_search *c, const struct ndr_point *pt)
{
    for (int t = 0; t < T_N; t++) {
        struct bracket *b = &c->b[t];
        if (pt->offered_kpps <= b->lo || pt->offered_kpps >= b->hi)
            continue;
        if (pt->loss <= loss_max[t]) {
            b->lo = pt->offered_kpps;
            b->at_lo = *pt;
        } else {
            b->hi = pt->offered_kpps;
        }
    }
}

static void curve_init(struct curve_search *c, const struct vsr_config *cfg,
                       double resolution_kpps)
{
    c->line_kpps = round(vsr_line_rate_pps(cfg)) / 1e3;
    c->res_kpps =
        resolution_kpps > 0 ? resolution_kpps : NDR_RESOLUTION * c->line_kpps;
    if (c->res_kpps < 1e-3) /* one pps */
        c->res_kpps = 1e-3;
    for (int t = 0; t < T_N; t++)
        c->b[t] = (struct bracket){.lo = 0, .hi = INFINITY};
}

static void show(int step, int active, int ncurves)
{
    fprintf(stderr,
            "\rvsrsim: NDR/PDR search: step %d, %d of %d curves "
            "searching   ",
            step, active, ncurves);
    if (active == 0)
        fputc('\n', stderr);
}

int ndr_search(const struct scenario *s, const struct costmodel *cm,
               const struct ndr_opts *o, struct ndr_result *out)
{
    int nc = s->ncurves, rc = 0;
    struct curve_search *cs = xcalloc((size_t)nc, sizeof *cs);
    struct ndr_probe *p = xcalloc((size_t)nc, sizeof *p);
    int *owner = xcalloc((size_t)nc, sizeof *owner);
    for (int c = 0; c < nc; c++)
        curve_init(&cs[c], &s->curve[c].cfg, o->resolution_kpps);
    for (int step = 1; rc == 0; step++) {
        int n = 0;
        for (int c = 0; c < nc; c++) {
            double rate = next_rate(&cs[c]);
            if (rate < 0)
                continue;
            p[n] = (struct ndr_probe){.cfg = &s->curve[c].cfg, .curve = c};
            p[n].pt.offered_kpps = rate;
            owner[n++] = c;
        }
        if (o->progress)
            show(step, n, nc);
        if (n == 0)
            break;
        rc = ndr_simulate(s, cm, p, n, o->jobs);
        for (int i = 0; rc == 0 && i < n; i++) {
            narrow(&cs[owner[i]], &p[i].pt);
            cs[owner[i]].probes++;
        }
    }
    for (int c = 0; rc == 0 && c < nc; c++)
        out[c] = (struct ndr_result){.ndr = cs[c].b[T_NDR].at_lo,
                                     .pdr = cs[c].b[T_PDR].at_lo,
                                     .resolution_kpps = cs[c].res_kpps,
                                     .probes = cs[c].probes};
    free(owner);
    free(p);
    free(cs);
    return rc;
}
