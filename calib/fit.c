/*
 * fit.c - per-packet costs from measurements (see fit.h).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include <gsl/gsl_fit.h>
#include <gsl/gsl_multifit.h>
#include <gsl/gsl_statistics_double.h>

#include "costmodel.h"
#include "err.h"
#include "fit.h"
#include "procfs.h"
#include "rng.h"
#include "scenario.h"
#include "stats.h"
#include "store.h"
#include "vsr.h"

#define SATURATED_BUSY 0.85 /* or a thread busier than this, on average */
#define MIN_RATES 3         /* distinct rates a fit needs               */
#define USER_HZ 100.0       /* /proc stat ticks per second              */
#define SCALE_STEPS 16

/* The two groups of activities a thread measurement can scale. */
enum group { G_VCPU, G_IO, G_GEN, G_N };

static const char *const group_name[G_N] = {"vCPU", "I/O", "generator"};

static int group_of_activity(enum cost_id id)
{
    switch (id) {
    case COST_GUEST_IRQ: case COST_GUEST_POLL: case COST_GUEST_FWD_PKT:
    case COST_GUEST_KICK: case COST_GUEST_HALT: case COST_GUEST_SMP_PKT:
    case COST_GUEST_ROUTE_MISS: case COST_CLICK_PKT:
        return G_VCPU;
    case COST_VHOST_RUN: case COST_VHOST_RX_PKT: case COST_VHOST_TX_PKT:
    case COST_VHOST_SIGNAL: case COST_QEMU_PKT: case COST_TAP_SYSCALL:
        return G_IO;
    case COST_GEN_PKT:
        return G_GEN;
    default:
        return -1;
    }
}

/* Activities charged per packet; the fit scales only these. */
static int per_packet(enum cost_id id)
{
    return strcmp(costmodel_unit(id), "packet") == 0;
}

static enum group group_of_thread(const struct vsr_thread_cfg *t)
{
    if (t->kind == VSR_GEN)
        return G_GEN;
    return t->kind == VSR_VCPU ? G_VCPU : G_IO;
}

/* What one repetition of one rate says about one thread. */
struct obs {
    double kpps;  /* offered */
    double pps;   /* delivered */
    double ns_per_s, ticks_per_s;
};

struct fitted {
    double b, b_se;   /* ns per packet */
    double a, a_se;   /* ns per second */
    double cov[3];    /* var a, cov ab, var b: (ns/s)^2, ns^2/s, ns^2 */
    double rep_var;   /* relative variance of one repetition at a rate */
    int rep_dof;      /* its degrees of freedom                       */
    double rate_var;  /* relative variance of a rate's mean about the */
                      /* line beyond what its repetitions' spread says */
    int attempts;     /* b is per sendto attempt (see attempts()) */
    double r2;
    int npoints, nrates;
};

struct ctx {
    const struct fit_opts *o;
    struct scenario sc;
    const struct scenario_curve *c;
    struct measured_sample *s;
    int ns;
    struct measured_point *p;
    int np;
    int saturated[SCENARIO_MAX_RATES];
    int check;         /* index of the --check-rate point, or -1 */
    struct fitted f[VSR_MAX_THREADS];
    double tick_ns[2]; /* guest_tick and qemu_tick from the background */
    double move_ns, move_half; /* --moves: a move's cost, 99% interval  */
    int move_rates;            /* the rates it comes from               */
    double switch_ns[2], switch_half[2]; /* --switches: a switch in's   */
                                         /* cost after a sleep [0] and  */
                                         /* a preemption [1]            */
    int switch_rates;                    /* the rates they come from    */
    int switch_split; /* priced apart (the switches out were counted)   */
    int switch_dof;   /* degrees of freedom of their intervals          */
    char err[512];
};

/* Is the rate of point `i` saturated? */
static int is_saturated(struct ctx *x, int i)
{
    const struct measured_point *p = &x->p[i];
    if (p->forwarded_kpps < (1 - MEASURED_SATURATED_LOSS) * p->offered_kpps)
        return 1;
    for (int t = 0; t < x->c->cfg.nthreads; t++) {
        char ent[48];
        double busy = 0;
        snprintf(ent, sizeof ent, "thread:%s", x->c->cfg.thread[t].name);
        for (int rep = 0; rep < p->reps; rep++) {
            double ns =
                caldb_sample(x->s, x->ns, p->offered_kpps, rep, ent, "run_ns");
            double sec = caldb_sample(x->s, x->ns, p->offered_kpps, rep,
                                      "window", "seconds");
            busy += ns / sec / 1e9 / p->reps;
        }
        if (busy > SATURATED_BUSY)
            return 1;
    }
    return 0;
}

/* What thread t's CPU time at (kpps, rep) is fitted against: the `rx`
 * packets delivered, and for a generator its retries too.
 *
 * A generator (trafgen) that finds the TAP full retries the same packet
 * after a sched_yield(), and the TAP counts each retry as a drop: most of
 * its CPU time then goes on attempts that fail while it waits for the
 * router, several per packet delivered. A failed attempt costs what a
 * sent one does (the same sendto() down to the full queue, and a yield),
 * so the generator's time is fitted against its attempts, packets plus
 * retries, and its cost per packet is the cost of one attempt. */
static double attempts(const struct ctx *x, int t, double kpps, int rep,
                       double rx)
{
    if (x->c->cfg.thread[t].kind != VSR_GEN)
        return rx;
    double drops =
        caldb_sample(x->s, x->ns, kpps, rep, "net:gen", "tx_dropped");
    return drops > 0 ? rx + drops : rx;
}

/* How far the means of the fitted rates (mx, my: nrates of them, k
 * repetitions each in all) lie from the line a + b x, as a relative
 * variance, less the part their repetitions' spread accounts for: what a
 * mean at a rate left out may be off by although the line is right, the
 * machine's speed moving between rates (a shared host), a generator's
 * cost per attempt with it. */
static double rate_scatter(const struct fitted *f, const double *mx,
                           const double *my, int nrates, int k)
{
    double sum = 0;
    for (int r = 0; r < nrates; r++) {
        double line = f->a + f->b * mx[r];
        if (line > 0)
            sum += (my[r] / line - 1) * (my[r] / line - 1);
    }
    if (nrates <= 2 || k <= 0)
        return 0;
    double v = sum / (nrates - 2) - f->rep_var * nrates / k;
    return v > 0 ? v : 0;
}

/* Weighted least squares of thread t's ns/s against its attempts per
 * second (delivered pps but for a generator; see attempts()). */
static int fit_thread(struct ctx *x, int t)
{
    const char *name = x->c->cfg.thread[t].name;
    char ent[48];
    snprintf(ent, sizeof ent, "thread:%s", name);
    int cap = x->ns, n = 0, nrates = 0;
    double *px = xcalloc((size_t)cap, sizeof *px);
    double *py = xcalloc((size_t)cap, sizeof *py);
    double *pw = xcalloc((size_t)cap, sizeof *pw);
    double *mx = xcalloc((size_t)x->np, sizeof *mx); /* a rate's means */
    double *my = xcalloc((size_t)x->np, sizeof *my);
    int retried = 0;
    double rep_var = 0;
    int rep_dof = 0;
    for (int i = 0; i < x->np; i++) {
        const struct measured_point *p = &x->p[i];
        if (x->saturated[i] || i == x->check)
            continue;
        int first = n;
        double mean = 0, var = 0;
        for (int rep = 0; rep < p->reps; rep++) {
            double sec = caldb_sample(x->s, x->ns, p->offered_kpps, rep,
                                      "window", "seconds");
            double ns =
                caldb_sample(x->s, x->ns, p->offered_kpps, rep, ent, "run_ns");
            double rx = caldb_sample(x->s, x->ns, p->offered_kpps, rep,
                                     "net:sink", "rx_packets");
            if (!(sec > 0) || isnan(ns) || isnan(rx))
                continue;
            double tries = attempts(x, t, p->offered_kpps, rep, rx);
            retried |= tries > rx;
            px[n] = tries / sec;
            py[n] = ns / sec;
            mean += py[n];
            n++;
        }
        int k = n - first;
        if (k == 0)
            continue;
        mean /= k;
        for (int j = first; j < n; j++)
            mx[nrates] += px[j] / k;
        my[nrates++] = mean;
        for (int j = first; j < n; j++)
            var += (py[j] - mean) * (py[j] - mean);
        if (mean > 0) {
            rep_var += var / (mean * mean);
            rep_dof += k - 1;
        }
        var = k > 1 ? var / (k - 1) : 0;
        /* A floor of 1% of the mean keeps one lucky rate from taking all
         * the weight. */
        double floor = 0.01 * mean;
        if (var < floor * floor)
            var = floor * floor > 0 ? floor * floor : 1;
        for (int j = first; j < n; j++)
            pw[j] = 1.0 / var;
    }
    struct fitted *f = &x->f[t];
    f->npoints = n;
    f->nrates = nrates;
    f->attempts = retried;
    f->rep_var = rep_dof > 0 ? rep_var / rep_dof : 0;
    f->rep_dof = rep_dof;
    int rc = 0;
    if (nrates < MIN_RATES) {
        snprintf(x->err, sizeof x->err,
                 "%s: curve '%s', thread '%s': %d rate%s below saturation; "
                 "a fit needs at least %d (measure lower rates)",
                 x->o->db, x->c->name, name, nrates, nrates == 1 ? "" : "s",
                 MIN_RATES);
        rc = -1;
    } else {
        double cov00, cov01, cov11, chisq;
        gsl_fit_wlinear(px, 1, pw, 1, py, 1, (size_t)n, &f->a, &f->b,
                        &cov00, &cov01, &cov11, &chisq);
        /* Scale the covariance by the residual variance, as for weights
         * known only up to a factor. */
        double s2 = n > 2 ? chisq / (n - 2) : 1;
        f->a_se = sqrt(cov00 * s2);
        f->b_se = sqrt(cov11 * s2);
        f->cov[0] = cov00 * s2;
        f->cov[1] = cov01 * s2;
        f->cov[2] = cov11 * s2;
        double ym = 0, sst = 0, sw = 0;
        for (int j = 0; j < n; j++) {
            ym += pw[j] * py[j];
            sw += pw[j];
        }
        ym /= sw;
        for (int j = 0; j < n; j++)
            sst += pw[j] * (py[j] - ym) * (py[j] - ym);
        f->r2 = sst > 0 ? 1 - chisq / sst : 0;
        f->rate_var = rate_scatter(f, mx, my, nrates, n);
        if (!(f->b > 0)) {
            snprintf(x->err, sizeof x->err,
                     "%s: curve '%s', thread '%s': the CPU time does not "
                     "grow with the rate (slope %.3g ns per packet); the "
                     "thread does not handle these packets", x->o->db,
                     x->c->name, name, f->b);
            rc = -1;
        }
    }
    free(mx);
    free(my);
    free(px);
    free(py);
    free(pw);
    return rc;
}

/* The highest measured rate (left-out rate excepted), where the costs
 * are matched: the rate that decides the peak. A router's cost per
 * packet in overload is not the one below saturation (the live router's
 * vCPU costs more per forwarded packet there, for the packets it drops
 * after working on them), and matching below saturation put the
 * simulated peak of the calibration curve itself 20 to 40% too high. */
static int top_rate(const struct ctx *x)
{
    int top = -1;
    for (int i = 0; i < x->np; i++)
        if (i != x->check &&
            (top < 0 || x->p[i].offered_kpps > x->p[top].offered_kpps))
            top = i;
    return top;
}

/* Thread t's repetitions at `kpps` taken together: the sums of its
 * `metric` (run_ns or ticks), of the packets delivered, of its attempts
 * (see attempts()) and of the seconds measured, over the n repetitions
 * that delivered anything. */
struct pooled {
    double value, rx, tries, sec;
    int n;
};

static struct pooled pool_reps(const struct ctx *x, int t, double kpps,
                               const char *metric)
{
    struct pooled p = {0};
    char ent[48];
    snprintf(ent, sizeof ent, "thread:%s", x->c->cfg.thread[t].name);
    for (int rep = 0;; rep++) {
        double v = caldb_sample(x->s, x->ns, kpps, rep, ent, metric);
        double rx =
            caldb_sample(x->s, x->ns, kpps, rep, "net:sink", "rx_packets");
        double sec = caldb_sample(x->s, x->ns, kpps, rep, "window", "seconds");
        if (isnan(v) || isnan(rx) || isnan(sec))
            break;
        if (!(rx > 0) || !(sec > 0))
            continue;
        p.value += v;
        p.rx += rx;
        p.tries += attempts(x, t, kpps, rep, rx);
        p.sec += sec;
        p.n++;
    }
    return p;
}

/* Thread t's CPU time per forwarded packet at point i (schedstat, all
 * repetitions together). */
static double measured_ns_per_packet(const struct ctx *x, int t, int i)
{
    struct pooled p = pool_reps(x, t, x->p[i].offered_kpps, "run_ns");
    return p.rx > 0 ? p.value / p.rx : 0;
}

/* Configuration `cfg` at `kpps` under `cm`, over the plan's window, its
 * sim.reps replications pooled into *r: the window, packets and each
 * thread's CPU time, switches in and moves, summed. One replication can
 * settle in either of two ways of taking turns on a shared core, and
 * which one moves with the costs; the fit follows their mixture, which
 * moves smoothly, as the prediction's mean over replications does. */
static void simulate_pooled(const struct ctx *x, const struct vsr_config *cfg,
                            const struct costmodel *cm, double kpps,
                            struct run_result *r)
{
    struct run_result one;
    memset(r, 0, sizeof *r);
    for (int rep = 0; rep < x->sc.reps; rep++) {
        vsr_run(cfg, cm, kpps, rng_derive(x->sc.seed, 0, 0, (uint64_t)rep),
                x->sc.warmup_ns, x->sc.duration_ns, &one);
        r->measured_ns += one.measured_ns;
        r->offered_pkts += one.offered_pkts;
        r->forwarded_pkts += one.forwarded_pkts;
        for (int t = 0; t < cfg->nthreads; t++) {
            r->thread_ns[t] += one.thread_ns[t];
            r->thread_slices[t] += one.thread_slices[t];
            r->thread_preempted[t] += one.thread_preempted[t];
            r->thread_migrations[t] += one.thread_migrations[t];
        }
    }
}

/* Simulated cost per packet of each group of threads under `cm`, at the
 * top rate (the plan's replications pooled). */
static void simulate(struct ctx *x, const struct costmodel *cm,
                     double out[G_N])
{
    struct run_result r;
    double kpps = x->p[top_rate(x)].offered_kpps;
    simulate_pooled(x, &x->c->cfg, cm, kpps, &r);
    for (int g = 0; g < G_N; g++)
        out[g] = 0;
    for (int t = 0; t < x->c->cfg.nthreads; t++)
        out[group_of_thread(&x->c->cfg.thread[t])] +=
            (double)r.thread_ns[t] / (double)(r.forwarded_pkts ? r.forwarded_pkts : 1);
}

/* Scale each group's activities until the simulation charges each group
 * what was measured, at the top rate. */
static int scale_model(struct ctx *x, const struct costmodel *base,
                       struct costmodel *cm, double scale[G_N],
                       double want[G_N], double got[G_N])
{
    int top = top_rate(x);
    *cm = *base;
    for (int g = 0; g < G_N; g++)
        want[g] = 0;
    int has[G_N] = {0};
    /* What the vCPU and I/O threads cost per forwarded packet at the top
     * rate, as measured. A generator's cost is its fitted line's slope,
     * the cost of one sendto() attempt, which the simulated generator
     * pays for every attempt as trafgen does: the time it spends at the
     * top rate is mostly attempts on a full TAP, as many as its core has
     * room for, and would say nothing of their cost. */
    for (int t = 0; t < x->c->cfg.nthreads; t++) {
        enum group g = group_of_thread(&x->c->cfg.thread[t]);
        if (g == G_GEN) {
            cm->c[COST_GEN_PKT].mean_ns = x->f[t].b;
            continue;
        }
        want[g] += measured_ns_per_packet(x, t, top);
        has[g] = 1;
    }
    /* The background: what a thread spends without packets comes back as
     * periodic work, the guest's timer ticks on a vCPU and QEMU's timer
     * passes in its main loop. */
    double bg_vcpu = 0, bg_io = 0;
    for (int t = 0; t < x->c->cfg.nthreads; t++) {
        const struct vsr_thread_cfg *tc = &x->c->cfg.thread[t];
        double a = x->f[t].a > 0 ? x->f[t].a : 0;
        if (tc->kind == VSR_VCPU)
            bg_vcpu += a;
        else if (tc->kind == VSR_IO)
            bg_io += a;
    }
    cm->c[COST_GUEST_TICK].mean_ns = bg_vcpu / x->c->cfg.guest_hz;
    cm->c[COST_QEMU_TICK].mean_ns = bg_io / x->c->cfg.qemu_timer_hz;
    x->tick_ns[0] = cm->c[COST_GUEST_TICK].mean_ns;
    x->tick_ns[1] = cm->c[COST_QEMU_TICK].mean_ns;
    /* Each step scales a group by (want / got)^step_pow: a plain fixed
     * point while the simulated cost approaches the measured one from one
     * side, damped (the power halved) each time it overshoots. Where the
     * simulated threads change their way of taking turns, the cost jumps
     * with the scale, and an undamped iteration would leap across the
     * jump forever; damped, it closes in on the jump's edge. */
    double prev[G_N]; /* the step before's, to tell a jump from a shortfall */
    double step_pow[G_N], err_before[G_N];
    for (int g = 0; g < G_N; g++) {
        scale[g] = 1;
        step_pow[g] = 1;
        err_before[g] = 0;
    }
    for (int step = 0; step < SCALE_STEPS; step++) {
        simulate(x, cm, got);
        for (int g = 0; g < G_N; g++)
            prev[g] = got[g];
        for (int g = 0; g < G_N; g++) {
            if (!has[g] || !(got[g] > 0))
                continue;
            double err = log(want[g] / got[g]);
            if (err * err_before[g] < 0)
                step_pow[g] /= 2;
            err_before[g] = err;
            scale[g] *= exp(step_pow[g] * err);
        }
        for (int i = 0; i < COST_N; i++) {
            int g = group_of_activity((enum cost_id)i);
            if (g >= 0 && g != G_GEN && per_packet((enum cost_id)i))
                cm->c[i].mean_ns = base->c[i].mean_ns * scale[g];
        }
    }
    simulate(x, cm, got);
    for (int g = 0; g < G_N; g++) {
        if (!has[g] || fabs(got[g] / want[g] - 1) <= 0.05)
            continue;
        double lo = fmin(got[g], prev[g]), hi = fmax(got[g], prev[g]);
        if (lo < want[g] * 0.95 && hi > want[g] * 1.05)
            snprintf(x->err, sizeof x->err,
                     "%s: the model cannot charge the %s threads %.0f ns "
                     "per packet: as their costs grow it jumps from %.0f to "
                     "%.0f (the simulated threads start taking turns "
                     "otherwise)",
                     x->o->plan, group_name[g], want[g], lo, hi);
        else
            snprintf(x->err, sizeof x->err,
                     "%s: the model cannot charge the %s threads %.0f ns "
                     "per packet (it reaches %.0f): too much of their cost "
                     "is outside the activities a fit can scale",
                     x->o->plan, group_name[g], want[g], got[g]);
        return -1;
    }
    return 0;
}

/* The moved threads' (those of curve `moving` with move_every_ms,
 * matched by name) `metric` (run_ns: schedstat CPU time, migrations) in
 * the n samples s of a run at `kpps`, all repetitions together, per
 * second measured; NAN without any. */
static double moved_per_s(const struct measured_sample *s, int n, double kpps,
                          const struct scenario_curve *moving,
                          const char *metric)
{
    double total = 0, sec = 0;
    for (int rep = 0;; rep++) {
        double w = caldb_sample(s, n, kpps, rep, "window", "seconds");
        if (isnan(w))
            break;
        double sum = 0;
        for (int t = 0; t < moving->cfg.nthreads; t++) {
            const struct vsr_thread_cfg *tc = &moving->cfg.thread[t];
            char ent[48];
            if (tc->move_every_ns <= 0)
                continue;
            snprintf(ent, sizeof ent, "thread:%s", tc->name);
            sum += caldb_sample(s, n, kpps, rep, ent, metric);
        }
        if (isnan(sum) || !(w > 0))
            continue;
        total += sum;
        sec += w;
    }
    return sec > 0 ? total / sec : NAN;
}

/* The moved threads' simulated CPU time and moves per second on curve
 * `c` at `kpps` (threads matched by name with curve `moving`; the plan's
 * replications pooled). */
static void simulate_moved(const struct ctx *x, const struct scenario_curve *c,
                           const struct scenario_curve *moving,
                           const struct costmodel *cm, double kpps,
                           double *ns_per_s, double *moves_per_s)
{
    struct run_result r;
    simulate_pooled(x, &c->cfg, cm, kpps, &r);
    double sec = (double)r.measured_ns / 1e9;
    *ns_per_s = *moves_per_s = 0;
    for (int t = 0; t < c->cfg.nthreads; t++)
        for (int k = 0; k < moving->cfg.nthreads; k++)
            if (moving->cfg.thread[k].move_every_ns > 0 &&
                strcmp(moving->cfg.thread[k].name, c->cfg.thread[t].name) ==
                    0) {
                *ns_per_s += (double)r.thread_ns[t] / sec;
                *moves_per_s += (double)r.thread_migrations[t] / sec;
            }
}

/* The newest measured run of curve `name` (caldb_read_run()), refused
 * when it has more points than a plan has rates (a database vsrcal
 * measure did not write): the arrays by rate here hold that many. */
static int read_run(struct ctx *x, const char *name, int64_t *run_id,
                    struct measured_sample **s, int *ns,
                    struct measured_point **p, int *np)
{
    int rc = caldb_read_run(x->o->db, name, run_id, s, ns, p, np, x->err,
                            sizeof x->err);
    if (rc != 0 || *np <= SCENARIO_MAX_RATES)
        return rc;
    snprintf(x->err, sizeof x->err, "%s: run %lld of '%s' has %d points; "
             "expected at most %d (a plan's rates)", x->o->db,
             (long long)*run_id, name, *np, SCENARIO_MAX_RATES);
    free(*s);
    free(*p);
    *s = NULL;
    *p = NULL;
    return SIM_EINPUT;
}

/* Curve `name` of the plan, named by option `opt`, into *c; its newest
 * measured run's samples and points into s, p (the caller frees them). */
static int curve_run(struct ctx *x, const char *opt, const char *name,
                     const struct scenario_curve **c,
                     struct measured_sample **s, int *ns,
                     struct measured_point **p, int *np)
{
    *c = NULL;
    for (int i = 0; i < x->sc.ncurves; i++)
        if (strcmp(x->sc.curve[i].name, name) == 0)
            *c = &x->sc.curve[i];
    if (!*c) {
        snprintf(x->err, sizeof x->err, "%s %s: %s has no such curve", opt,
                 name, x->o->plan);
        return SIM_EINPUT;
    }
    int64_t run_id;
    return read_run(x, name, &run_id, s, ns, p, np);
}

/* The 99% half-width of a cost taken over n rates, from its spread over
 * them. */
static double rates_half(const double *per_rate, int n)
{
    return stats_ci99(gsl_stats_sd(per_rate, 1, (size_t)n), n);
}

/* --moves: the cost of a move between cores (see fit.h), into cm. */
static int fit_moves(struct ctx *x, struct costmodel *cm)
{
    const struct scenario_curve *mc;
    struct measured_sample *s = NULL;
    struct measured_point *p = NULL;
    int ns, np;
    int rc = curve_run(x, "--moves", x->o->moves, &mc, &s, &ns, &p, &np);
    if (rc != 0)
        return rc;
    int moved = 0;
    for (int t = 0; t < mc->cfg.nthreads; t++)
        moved += mc->cfg.thread[t].move_every_ns > 0;
    if (!moved) {
        snprintf(x->err, sizeof x->err, "--moves %s: the curve moves no "
                 "thread (threads.NAME.move_every_ms)", mc->name);
        free(s);
        free(p);
        return SIM_EINPUT;
    }
    struct costmodel free_moves = *cm;
    free_moves.c[COST_MIGRATION].mean_ns = 0;
    double extra_sum = 0, moves_sum = 0, per_rate[SCENARIO_MAX_RATES];
    int n = 0;
    printf("moves (curve '%s' against '%s'; the moved threads' CPU time "
           "and moves per second):\n"
           "%8s %12s %12s %12s %12s %9s %9s %12s\n", mc->name, x->c->name,
           "kpps", "measured", "unmoved", "sim", "sim unmoved", "moves/s",
           "sim", "ns/move");
    for (int i = 0; i < np; i++) {
        double kpps = p[i].offered_kpps;
        int fitted = 0; /* a rate of the fit, below saturation */
        for (int k = 0; k < x->np; k++)
            fitted |= x->p[k].offered_kpps == kpps && !x->saturated[k] &&
                      k != x->check;
        if (!fitted || p[i].forwarded_kpps <
                           (1 - MEASURED_SATURATED_LOSS) * p[i].offered_kpps)
            continue;
        double m_moved = moved_per_s(s, ns, kpps, mc, "run_ns");
        double m_fixed = moved_per_s(x->s, x->ns, kpps, mc, "run_ns");
        if (isnan(m_moved) || isnan(m_fixed))
            continue;
        double s_moved, s_fixed, sim_moves, unused;
        simulate_moved(x, mc, mc, &free_moves, kpps, &s_moved, &sim_moves);
        simulate_moved(x, x->c, mc, &free_moves, kpps, &s_fixed, &unused);
        /* The moves the kernel counted: a thread asleep through a move
         * and back has not moved. The simulated ones where it counts
         * none. */
        double moves = moved_per_s(s, ns, kpps, mc, "migrations");
        if (isnan(moves))
            moves = sim_moves;
        if (!(moves > 0))
            continue;
        double extra = (m_moved - m_fixed) - (s_moved - s_fixed);
        per_rate[n++] = extra / moves;
        extra_sum += extra;
        moves_sum += moves;
        printf("%8g %9.2f ms %9.2f ms %9.2f ms %9.2f ms %9.1f %9.1f %12.0f\n",
               kpps, m_moved / 1e6, m_fixed / 1e6, s_moved / 1e6,
               s_fixed / 1e6, moves, sim_moves, extra / moves);
    }
    free(s);
    free(p);
    if (n < 2) {
        snprintf(x->err, sizeof x->err, "--moves %s: %d rate%s below "
                 "saturation in both '%s' and '%s'; the cost of a move "
                 "needs at least 2", mc->name, n, n == 1 ? "" : "s",
                 mc->name, x->c->name);
        return SIM_EINPUT;
    }
    x->move_ns = extra_sum / moves_sum;
    x->move_half = rates_half(per_rate, n);
    x->move_rates = n;
    if (x->move_ns < 0) {
        printf("moves cost nothing measurable (%.0f ns each): migration "
               "set to 0\n", x->move_ns);
        x->move_ns = 0;
    }
    cm->c[COST_MIGRATION].mean_ns = x->move_ns;
    return 0;
}

/* One QEMU thread (vCPU or I/O thread) of a measured curve at one rate,
 * per second, all repetitions together: CPU time (ns), switches in, and
 * switches out asleep and preempted (NAN where the measurement lacks
 * them, or lacks the thread). */
struct qemu_thread_rates {
    double ns, slices, sleeps, preempts;
};

/* Thread `name`'s rates in the n samples s at `kpps`, and the rate the
 * generator sent (kpps), over the repetitions that have its CPU time and
 * switches in. */
static struct qemu_thread_rates qemu_rates(const struct measured_sample *s,
                                           int n, double kpps,
                                           const char *name, double *sent)
{
    double v[4] = {0}, g = 0, sec = 0;
    static const char *const metric[4] = {"run_ns", "slices", "voluntary",
                                          "involuntary"};
    char ent[48];
    snprintf(ent, sizeof ent, "thread:%s", name);
    for (int rep = 0;; rep++) {
        double w = caldb_sample(s, n, kpps, rep, "window", "seconds"), x[4];
        if (isnan(w))
            break;
        for (int k = 0; k < 4; k++)
            x[k] = caldb_sample(s, n, kpps, rep, ent, metric[k]);
        double tx = caldb_sample(s, n, kpps, rep, "net:gen", "tx_packets");
        if (isnan(x[0]) || isnan(x[1]) || isnan(tx) || !(w > 0))
            continue;
        for (int k = 0; k < 4; k++)
            v[k] += x[k]; /* the switches out: NAN where not counted */
        g += tx;
        sec += w;
    }
    *sent = sec > 0 ? g / 1000 / sec : NAN;
    if (!(sec > 0))
        return (struct qemu_thread_rates){NAN, NAN, NAN, NAN};
    return (struct qemu_thread_rates){v[0] / sec, v[1] / sec, v[2] / sec,
                                      v[3] / sec};
}

static int is_qemu_thread(const struct vsr_thread_cfg *tc)
{
    return tc->kind == VSR_VCPU || tc->kind == VSR_IO;
}

/* The two costs of a switch in, after a sleep and after a preemption, by
 * least squares (GSL's gsl_multifit_linear_tsvd) over n observations of
 * extra = c_sleep sleeps + c_preempt preempts, each a QEMU thread at a
 * rate; with their 99% half-widths. Fails when the two counts do not
 * vary apart (a singular fit). */
static int fit_two_switches(const double *extra, const double *sleeps,
                            const double *preempts, int n, double c[2],
                            double half[2])
{
    gsl_matrix *X = gsl_matrix_alloc((size_t)n, 2);
    gsl_vector *y = gsl_vector_alloc((size_t)n), *b = gsl_vector_alloc(2);
    gsl_matrix *cov = gsl_matrix_alloc(2, 2);
    gsl_multifit_linear_workspace *w = gsl_multifit_linear_alloc((size_t)n, 2);
    for (int i = 0; i < n; i++) {
        gsl_matrix_set(X, (size_t)i, 0, sleeps[i]);
        gsl_matrix_set(X, (size_t)i, 1, preempts[i]);
        gsl_vector_set(y, (size_t)i, extra[i]);
    }
    double chisq;
    size_t rank = 0;
    int rc = gsl_multifit_linear_tsvd(X, y, 1e-9, b, cov, &chisq, &rank, w);
    for (int k = 0; k < 2; k++) {
        c[k] = gsl_vector_get(b, k);
        half[k] = stats_t99(n - 2) * sqrt(gsl_matrix_get(cov, k, k));
    }
    gsl_multifit_linear_free(w);
    gsl_matrix_free(cov);
    gsl_vector_free(b);
    gsl_vector_free(y);
    gsl_matrix_free(X);
    return rc == 0 && rank == 2 ? 0 : -1;
}

/* --switches: what a QEMU thread's switch in costs, from a curve measured
 * with its packets evenly paced (each packet switches the threads in
 * several times) into cm. At every rate where that curve forwards what
 * its generator sent and its QEMU threads leave a tenth of their cores
 * idle, each QEMU thread's CPU time per second beyond what the model
 * gives it (cm with switches free, simulated at the rate sent) is what
 * its switches in cost. Where the measurement counts the switches out
 * asleep and preempted (sched's voluntary and involuntary), a switch in
 * after each is priced apart (`qemu_switch` and `qemu_resume`) by least
 * squares over the threads and rates; else one price, the extra time of
 * all over all their switches in, serves both. */
static int fit_switches(struct ctx *x, struct costmodel *cm)
{
    const struct scenario_curve *sc;
    struct measured_sample *s = NULL;
    struct measured_point *p = NULL;
    int ns, np;
    int rc =
        curve_run(x, "--switches", x->o->switches, &sc, &s, &ns, &p, &np);
    if (rc != 0)
        return rc;
    struct costmodel free_sw = *cm;
    free_sw.c[COST_QEMU_SWITCH].mean_ns = 0;
    free_sw.c[COST_QEMU_RESUME].mean_ns = 0;
    free_sw.c[COST_QEMU_RESUME].present = 1;
    /* Where the QEMU threads fill their cores they run on without a
     * break, switch less and lose packets the generator then sends
     * fewer of: those rates say nothing of a switch in. */
    uint64_t cores = 0;
    for (int t = 0; t < sc->cfg.nthreads; t++)
        if (is_qemu_thread(&sc->cfg.thread[t]))
            cores |= sc->cfg.thread[t].cpus;
    const double full = 0.9e9 * __builtin_popcountll(cores);
    enum { MAX_OBS = SCENARIO_MAX_RATES * VSR_MAX_THREADS };
    double extra_sum = 0, sw_sum = 0, per_rate[SCENARIO_MAX_RATES];
    double extra[MAX_OBS], sleeps[MAX_OBS], preempts[MAX_OBS];
    int n = 0, nobs = 0, split = 1;
    printf("switches in (curve '%s'; each QEMU thread's CPU time and "
           "switches in per second, those after a preemption measured):\n"
           "%8s %-8s %8s %12s %12s %10s %10s %10s\n",
           sc->name, "kpps", "thread", "sent", "measured", "sim",
           "switches/s", "sim", "preempted");
    for (int i = 0; i < np; i++) {
        struct qemu_thread_rates m[VSR_MAX_THREADS];
        double m_ns = 0, m_sw = 0, sent = NAN;
        for (int t = 0; t < sc->cfg.nthreads; t++)
            if (is_qemu_thread(&sc->cfg.thread[t])) {
                m[t] = qemu_rates(s, ns, p[i].offered_kpps,
                                  sc->cfg.thread[t].name, &sent);
                m_ns += m[t].ns;
                m_sw += m[t].slices;
            }
        if (isnan(m_ns) || !(m_sw > 0) || !(sent > 0) || m_ns > full ||
            p[i].forwarded_kpps < (1 - MEASURED_SATURATED_LOSS) * sent)
            continue;
        struct run_result r;
        simulate_pooled(x, &sc->cfg, &free_sw, sent, &r);
        double sec = (double)r.measured_ns / 1e9, s_ns = 0;
        for (int t = 0; t < sc->cfg.nthreads; t++) {
            if (!is_qemu_thread(&sc->cfg.thread[t]))
                continue;
            double ns_t = (double)r.thread_ns[t] / sec;
            s_ns += ns_t;
            extra[nobs] = m[t].ns - ns_t;
            sleeps[nobs] = m[t].sleeps;
            preempts[nobs] = m[t].preempts;
            split &= !isnan(m[t].sleeps) && !isnan(m[t].preempts);
            nobs++;
            printf("%8g %-8s %8.2f %9.2f ms %9.2f ms %10.0f %10.0f %10.0f\n",
                   p[i].offered_kpps, sc->cfg.thread[t].name, sent,
                   m[t].ns / 1e6, ns_t / 1e6, m[t].slices,
                   (double)r.thread_slices[t] / sec, m[t].preempts);
        }
        per_rate[n++] = (m_ns - s_ns) / m_sw;
        extra_sum += m_ns - s_ns;
        sw_sum += m_sw;
    }
    free(s);
    free(p);
    if (n < 2) {
        snprintf(x->err, sizeof x->err, "--switches %s: %d rate%s forwarded "
                 "what was sent; the cost of a switch in needs at least 2",
                 sc->name, n, n == 1 ? "" : "s");
        return SIM_EINPUT;
    }
    x->switch_rates = n;
    x->switch_split = split && nobs > 2 &&
                      fit_two_switches(extra, sleeps, preempts, nobs,
                                       x->switch_ns, x->switch_half) == 0;
    x->switch_dof = x->switch_split ? nobs - 2 : n - 1;
    if (!x->switch_split) { /* one price for both */
        x->switch_ns[0] = x->switch_ns[1] = extra_sum / sw_sum;
        x->switch_half[0] = x->switch_half[1] = rates_half(per_rate, n);
    }
    for (int k = 0; k < 2; k++)
        x->switch_ns[k] = fmax(x->switch_ns[k], 0);
    cm->c[COST_QEMU_SWITCH].mean_ns = x->switch_ns[0];
    cm->c[COST_QEMU_RESUME].mean_ns = x->switch_ns[1];
    cm->c[COST_QEMU_RESUME].present = 1;
    return 0;
}

/* The /proc/cpuinfo model name and MHz of the first CPU. */
static void cpu_info(char *model, size_t len, double *mhz)
{
    static char text[1 << 16];
    char err[256];
    model[0] = '\0';
    *mhz = NAN;
    if (procfs_read("/", "proc/cpuinfo", text, sizeof text, err,
                    sizeof err) < 0)
        return;
    char *p = strstr(text, "model name");
    if (p && (p = strchr(p, ':')) != NULL)
        sscanf(p + 1, " %127[^\n]", model);
    p = strstr(text, "cpu MHz");
    if (p && (p = strchr(p, ':')) != NULL)
        *mhz = atof(p + 1);
    (void)len;
}

static int write_model(struct ctx *x, const struct costmodel *base,
                       const struct costmodel *cm, const double scale[G_N],
                       const double want[G_N])
{
    struct utsname u;
    char model[128], created[32], desc[256];
    char deriv[COST_N][384];
    struct cost_row rows[COST_N];
    double mhz;
    uname(&u);
    cpu_info(model, sizeof model, &mhz);
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(created, sizeof created, "%Y-%m-%dT%H:%M:%SZ", &tm);
    snprintf(desc, sizeof desc, "fitted by vsrcal from curve '%s' of %s",
             x->c->name, x->o->plan);
    double rel_se[G_N] = {0};
    int g_gen = -1; /* the generator thread */
    for (int t = 0; t < x->c->cfg.nthreads; t++) {
        if (group_of_thread(&x->c->cfg.thread[t]) == G_GEN)
            g_gen = t;
        int g = group_of_thread(&x->c->cfg.thread[t]);
        rel_se[g] = fmax(rel_se[g], x->f[t].b_se / x->f[t].b);
    }
    for (int i = 0; i < COST_N; i++) {
        int g = group_of_activity((enum cost_id)i);
        struct cost_row *r = &rows[i];
        r->activity = costmodel_name((enum cost_id)i);
        r->mean_ns = cm->c[i].mean_ns;
        r->cv = cm->c[i].cv;
        r->unit = costmodel_unit((enum cost_id)i);
        r->charged_as = costmodel_charged_as((enum cost_id)i);
        if (i == COST_GUEST_TICK || i == COST_QEMU_TICK) {
            r->stderr_ns = -1;
            snprintf(deriv[i], sizeof deriv[i],
                     "the fitted background (intercept) of the %s threads, "
                     "%.4g ms/s, spread over %d %s a second",
                     i == COST_GUEST_TICK ? "vCPU" : "io",
                     r->mean_ns * (i == COST_GUEST_TICK
                                       ? x->c->cfg.guest_hz
                                       : x->c->cfg.qemu_timer_hz) / 1e6,
                     i == COST_GUEST_TICK ? x->c->cfg.guest_hz
                                          : x->c->cfg.qemu_timer_hz,
                     i == COST_GUEST_TICK ? "guest timer ticks"
                                          : "QEMU timer passes");
        } else if (i == COST_MIGRATION && x->o->moves) {
            r->stderr_ns = x->move_half / stats_t99(x->move_rates - 1);
            snprintf(deriv[i], sizeof deriv[i],
                     "the CPU time per move (counted by the kernel) of the "
                     "threads curve '%s' moves between cores, beyond curve "
                     "'%s' and what the model charges with moves free, at "
                     "%d rates (99%% interval +-%.0f ns)",
                     x->o->moves, x->c->name, x->move_rates, x->move_half);
        } else if ((i == COST_QEMU_SWITCH || i == COST_QEMU_RESUME) &&
                   x->o->switches) {
            int k = i == COST_QEMU_RESUME;
            r->stderr_ns = x->switch_half[k] / stats_t99(x->switch_dof);
            if (x->switch_split)
                snprintf(deriv[i], sizeof deriv[i],
                         "the QEMU threads' CPU time per switch in after a "
                         "%s (counted by the kernel) on curve '%s', its "
                         "packets evenly paced, beyond what the model "
                         "charges with switches free, by least squares with "
                         "those after a %s, over its threads at %d rates "
                         "(99%% interval +-%.0f ns)",
                         k ? "preemption" : "sleep", x->o->switches,
                         k ? "sleep" : "preemption", x->switch_rates,
                         x->switch_half[k]);
            else
                snprintf(deriv[i], sizeof deriv[i],
                         "the QEMU threads' CPU time per switch in (counted "
                         "by the kernel) on curve '%s', its packets evenly "
                         "paced, beyond what the model charges with "
                         "switches free, at %d rates (99%% interval +-%.0f "
                         "ns); the measurement does not tell switches in "
                         "after a sleep and a preemption apart",
                         x->o->switches, x->switch_rates, x->switch_half[k]);
        } else if (i == COST_QEMU_RESUME && !cm->c[i].present) {
            r->mean_ns = cm->c[COST_QEMU_SWITCH].mean_ns;
            r->cv = cm->c[COST_QEMU_SWITCH].cv;
            r->stderr_ns = -1;
            snprintf(deriv[i], sizeof deriv[i],
                     "qemu_switch's, as base model '%s' has no qemu_resume",
                     base->id);
        } else if (i == COST_GEN_PKT && g_gen >= 0) {
            const struct fitted *f = &x->f[g_gen];
            r->stderr_ns = f->b_se;
            snprintf(deriv[i], sizeof deriv[i],
                     "the fitted CPU time of thread '%s' per sendto() "
                     "attempt (packets sent and attempts on a full TAP "
                     "alike), the slope of its line",
                     x->c->cfg.thread[g_gen].name);
        } else if (g >= 0 && want[g] > 0 && per_packet((enum cost_id)i)) {
            r->stderr_ns = r->mean_ns * rel_se[g];
            snprintf(deriv[i], sizeof deriv[i],
                     "%s model '%s' value %.4g ns times %.4f, so that the "
                     "simulated %s threads cost %.0f ns per packet as "
                     "measured at the highest rate (schedstat; a "
                     "generator's from its fitted line)",
                     "base", base->id, base->c[i].mean_ns, scale[g],
                     group_name[g], want[g]);
        } else {
            r->stderr_ns = -1;
            snprintf(deriv[i], sizeof deriv[i],
                     "taken from base model '%s': not separable by thread "
                     "measurements on this host", base->id);
        }
        r->derivation = deriv[i];
    }
    struct cost_model_meta meta = {
        .id = x->o->id, .description = desc, .host = u.nodename,
        .cpu_model = model, .cpu_mhz = mhz, .kernel = u.release,
        .qemu = NULL, .created = created, .plan = x->sc.text,
        .source = "vsrcal-fit"};
    struct caldb *db;
    const char *out = x->o->out ? x->o->out : x->o->db;
    if (caldb_open(&db, out, x->err, sizeof x->err) != 0)
        return -1;
    if (caldb_add_model(db, &meta, rows, COST_N, x->err, sizeof x->err) !=
        0) {
        caldb_abort(db);
        return -1;
    }
    return caldb_commit(db, x->err, sizeof x->err);
}

/* Compare the fit with the CPU time per packet at the check rate from the
 * stat ticks (utime + stime), a source the fit did not use, over all the
 * repetitions at that rate together.
 *
 * A deviation passes within the tolerance, or within the 99% interval of
 * what the measurement can tell: on a shared host a thread's speed moves
 * from one repetition to the next (by a third on the live test router),
 * so the mean of a few repetitions and the line fitted through the other
 * rates differ by chance. That interval is Student's t, on the
 * repetitions' spread at the fitted rates, times the standard error of
 * the check's ratio, which has three parts: the spread over the number
 * of repetitions at the check rate, the ticks' own sampling (100 a
 * second, so one over their count), and the fitted line's uncertainty
 * there. */
static int check_rate(struct ctx *x)
{
    double kpps = x->o->check_kpps;
    int bad = 0;
    /* The lines hold below saturation, where they were fitted; beyond,
     * a router costs more per packet, and a check would only say so. */
    if (x->saturated[x->check]) {
        printf("check at %g kpps: not made: the rate is saturated in this "
               "measurement (%.2f kpps forwarded), and the fitted lines hold "
               "below saturation only\n",
               kpps, x->p[x->check].forwarded_kpps);
        return 0;
    }
    printf("check at %g kpps (stat ticks, not used by the fit; all "
           "repetitions together; passes within %.0f%% or within the 99%% "
           "interval of the repetitions' spread):\n", kpps,
           100 * x->o->check_tol);
    for (int t = 0; t < x->c->cfg.nthreads; t++) {
        const struct fitted *f = &x->f[t];
        struct pooled p = pool_reps(x, t, kpps, "ticks");
        if (p.n == 0) {
            printf("  %-10s no repetition forwarded anything\n",
                   x->c->cfg.thread[t].name);
            bad++;
            continue;
        }
        double ticks = p.value;
        double fitted_ns = f->b * p.tries + f->a * p.sec;
        double direct = ticks / USER_HZ * 1e9 / p.rx;
        double fitted = fitted_ns / p.rx;
        double dev = direct / fitted - 1;

        double x0 = p.tries / p.sec, y0 = fitted_ns / p.sec;
        double fit_var = (f->cov[0] + 2 * x0 * f->cov[1] +
                          x0 * x0 * f->cov[2]) / (y0 * y0);
        double var = f->rep_var / p.n + f->rate_var +
                     (ticks > 0 ? 1 / ticks : 1) + fit_var;
        double half = f->rep_dof > 0 ? stats_t99(f->rep_dof) * sqrt(var) : 0;
        int within_tol = fabs(dev) <= x->o->check_tol;
        int ok = within_tol || fabs(dev) <= half;
        bad += !ok;
        printf("  %-10s fitted %8.0f ns/pkt, measured %8.0f ns/pkt "
               "(%.0f ticks), %+5.1f%%, 99%% interval +-%.1f%% %s\n",
               x->c->cfg.thread[t].name, fitted, direct, ticks, 100 * dev,
               100 * half,
               within_tol ? "ok" : ok ? "ok, within the interval"
                                      : "OUTSIDE TOLERANCE");
    }
    return bad ? 1 : 0;
}

int fit_main(const struct fit_opts *o)
{
    struct ctx *x = xcalloc(1, sizeof *x);
    struct costmodel base, cm;
    int64_t run_id;
    int status = 2;
    x->o = o;
    if (scenario_load(&x->sc, o->plan, NULL, 0, x->err, sizeof x->err) != 0)
        goto out;
    x->c = &x->sc.curve[0];
    for (int i = 0; o->curve && i < x->sc.ncurves; i++)
        if (strcmp(x->sc.curve[i].name, o->curve) == 0)
            x->c = &x->sc.curve[i];
    if (o->curve && strcmp(x->c->name, o->curve) != 0) {
        snprintf(x->err, sizeof x->err, "--curve %s: %s has no such curve",
                 o->curve, o->plan);
        goto out;
    }
    int rc = store_load_costmodel(x->sc.costmodel_db, x->sc.costmodel_id,
                                  &base, x->err, sizeof x->err);
    if (rc != 0) {
        status = rc == SIM_EINPUT ? 2 : 1;
        goto out;
    }
    rc = read_run(x, x->c->name, &run_id, &x->s, &x->ns, &x->p, &x->np);
    if (rc != 0) {
        status = rc == SIM_EINPUT ? 2 : 1;
        goto out;
    }
    if (x->np == 0) {
        snprintf(x->err, sizeof x->err, "%s: run %lld of '%s' has no "
                 "points", o->db, (long long)run_id, x->c->name);
        goto out;
    }
    x->check = -1;
    if (o->check_kpps > 0) {
        for (int i = 0; i < x->np; i++)
            if (x->p[i].offered_kpps == o->check_kpps)
                x->check = i;
        if (x->check < 0) {
            snprintf(x->err, sizeof x->err, "--check-rate %g: run %lld of "
                     "'%s' has no such rate", o->check_kpps,
                     (long long)run_id, x->c->name);
            goto out;
        }
    }
    int below = 0;
    for (int i = 0; i < x->np; i++) {
        x->saturated[i] = is_saturated(x, i);
        below += !x->saturated[i];
    }
    if (below == 0) {
        snprintf(x->err, sizeof x->err, "%s: curve '%s' is saturated at "
                 "every measured rate; nothing to fit", o->db, x->c->name);
        goto out;
    }
    printf("run %lld of curve '%s': %d rates, %d below saturation\n",
           (long long)run_id, x->c->name, x->np, below);
    printf("%-10s %12s %10s %12s %6s %7s\n", "thread", "ns/packet", "+-",
           "background", "R2", "points");
    for (int t = 0; t < x->c->cfg.nthreads; t++) {
        if (fit_thread(x, t) != 0)
            goto out;
        const struct fitted *f = &x->f[t];
        printf("%-10s %12.0f %10.0f %9.2f ms/s %6.3f %7d\n",
               x->c->cfg.thread[t].name, f->b, f->b_se, f->a / 1e6, f->r2,
               f->npoints);
    }
    for (int t = 0; t < x->c->cfg.nthreads; t++)
        if (x->f[t].attempts)
            printf("%s: fitted per sendto() attempt, packets and retries on "
                   "a full TAP alike\n", x->c->cfg.thread[t].name);
    double scale[G_N], want[G_N], got[G_N];
    if (scale_model(x, &base, &cm, scale, want, got) != 0)
        goto out;
    for (int g = 0; g < G_N; g++)
        if (want[g] > 0)
            printf("%s activities of '%s' scaled by %.4f: simulated %.0f "
                   "ns/packet, fitted %.0f\n", group_name[g], base.id,
                   scale[g], got[g], want[g]);
    /* A switch in's cost, then the per-packet costs again with it
     * charged (the fitted curve switches too), twice over. */
    for (int round = 0; o->switches && round < 2; round++) {
        if ((rc = fit_switches(x, &cm)) != 0) {
            status = rc == SIM_EINPUT ? 2 : 1;
            goto out;
        }
        base.c[COST_QEMU_SWITCH] = cm.c[COST_QEMU_SWITCH];
        base.c[COST_QEMU_RESUME] = cm.c[COST_QEMU_RESUME];
        if (scale_model(x, &base, &cm, scale, want, got) != 0)
            goto out;
    }
    if (o->switches)
        printf("qemu_switch: %.0f ns per switch in after a sleep, 99%% "
               "interval +-%.0f; qemu_resume: %.0f after a preemption, "
               "+-%.0f (%d rates%s); per-packet costs refitted: simulated "
               "%.0f and %.0f ns/packet, fitted %.0f and %.0f\n",
               x->switch_ns[0], x->switch_half[0], x->switch_ns[1],
               x->switch_half[1], x->switch_rates,
               x->switch_split ? "" : "; not told apart", got[G_VCPU],
               got[G_IO], want[G_VCPU], want[G_IO]);
    if (o->moves && (rc = fit_moves(x, &cm)) != 0) {
        status = rc == SIM_EINPUT ? 2 : 1;
        goto out;
    }
    if (o->moves)
        printf("migration: %.0f ns per move, 99%% interval +-%.0f (%d "
               "rates)\n", x->move_ns, x->move_half, x->move_rates);
    status = 1;
    if (write_model(x, &base, &cm, scale, want) != 0)
        goto out;
    if (cm.c[COST_GEN_PKT].mean_ns != base.c[COST_GEN_PKT].mean_ns)
        printf("generator: %.0f ns per sendto() attempt, as fitted\n",
               cm.c[COST_GEN_PKT].mean_ns);
    printf("background: guest_tick %.0f ns at %d Hz, qemu_tick %.0f ns at "
           "%d Hz\n", x->tick_ns[0], x->c->cfg.guest_hz, x->tick_ns[1],
           x->c->cfg.qemu_timer_hz);
    printf("cost model '%s' written to %s\n", o->id, o->out ? o->out : o->db);
    status = 0;
    if (o->check_kpps > 0)
        status = check_rate(x);
out:
    if (status != 0 && x->err[0])
        fprintf(stderr, "vsrcal: %s\n", x->err);
    free(x->s);
    free(x->p);
    scenario_clear(&x->sc);
    free(x);
    return status;
}
