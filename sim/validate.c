/*
 * validate.c - predictions against measured curves (see validate.h).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "err.h"
#include "fileio.h"
#include "plot.h"
#include "scenario.h"
#include "stats.h"
#include "store.h"
#include "sweep.h"
#include "validate.h"
#include "vsr.h"

struct verdict {
    char name[64];
    int npoints;
    double mape, peak_err, inside, agree;
    int peak_resolved; /* its interval is narrower than the limit */
    int peak_open;     /* at the last rate, forwarded whole: no limit  */
    int peak_at;       /* the point of the measured peak            */
    int ok;
    char threads[2048]; /* rows of the threads table (thread_rows()) */
};

/* A generator that sends within this fraction of the rate it was asked
 * for, in every repetition, was not held back by the router: the
 * difference is its own pacing (trafgen sends 0.6 to 1% slow here). */
#define PACING_TOL 0.015

/* The rate the generator sent at point p (net:gen tx_packets over the
 * window, all repetitions together) when it was within PACING_TOL of the
 * asked rate in every repetition, or 0: the offered rate a simulation of
 * the point should be given. */
static double achieved_kpps(const struct measured_sample *s, int ns,
                            const struct measured_point *p)
{
    double tx = 0, sec = 0;
    int n = 0;
    for (int rep = 0; rep < p->reps; rep++) {
        double t =
            caldb_sample(s, ns, p->offered_kpps, rep, "net:gen", "tx_packets");
        double w =
            caldb_sample(s, ns, p->offered_kpps, rep, "window", "seconds");
        if (isnan(t) || isnan(w) || !(w > 0))
            continue;
        if (t / w / 1e3 < (1 - PACING_TOL) * p->offered_kpps)
            return 0; /* held back in this repetition */
        tx += t;
        sec += w;
        n++;
    }
    return n > 0 ? tx / sec / 1e3 : 0;
}

/* Simulate curve `ci` of `s` at `rate[i]` for measured point i into
 * `sim`. */
static int simulate_curve(const struct scenario *s, int ci,
                          const struct costmodel *cm, const double *rate,
                          int np, const struct validate_opts *o,
                          struct point_summary *sim)
{
    struct scenario *one = xmalloc(sizeof *one);
    *one = *s;
    one->ncurves = 1;
    one->curve[0] = s->curve[ci];
    one->nrates = np;
    for (int i = 0; i < np; i++)
        one->rates_kpps[i] = rate[i];
    struct run_result *runs = xcalloc((size_t)np * one->reps, sizeof *runs);
    int rc = sweep_run(one, cm, o->jobs, o->progress, runs);
    if (rc == 0) {
        struct stats_layout lay;
        vsr_layout(&one->curve[0].cfg, &lay);
        for (int i = 0; i < np; i++)
            stats_summarise(&lay, runs + (size_t)i * one->reps, one->reps,
                            rate[i], &sim[i]);
    }
    free(runs);
    free(one);
    return rc;
}

/* The offered rate to simulate each point at: what the generator sent
 * where it kept to the asked rate, else the asked rate. Says so on stdout
 * for a curve with any of the former. */
static void pacing_rates(const char *curve, const struct measured_sample *s,
                        int ns, const struct measured_point *p, int np,
                        double *rate)
{
    int n = 0;
    double lo = INFINITY, hi = -INFINITY;
    for (int i = 0; i < np; i++) {
        double a = achieved_kpps(s, ns, &p[i]);
        rate[i] = a > 0 ? a : p[i].offered_kpps;
        if (a > 0 && p[i].offered_kpps > 0) {
            lo = fmin(lo, a / p[i].offered_kpps);
            hi = fmax(hi, a / p[i].offered_kpps);
            n++;
        }
    }
    if (n > 0)
        printf("%s: %d of %d points simulated at the rate the generator "
               "sent (%.3f to %.3f of the asked rate)\n",
               curve, n, np, lo, hi);
}

static void judge(struct verdict *v, const struct measured_point *p,
                  const struct point_summary *sim, int np,
                  const struct validate_opts *o)
{
    double ape = 0, peak_m = 0, peak_s = 0, peak_ci = 0;
    int inside = 0, agree = 0;
    v->peak_at = 0;
    for (int i = 0; i < np; i++) {
        double m = p[i].forwarded_kpps, x = sim[i].forwarded_kpps;
        ape += m > 0 ? fabs(x - m) / m : 0;
        inside += fabs(x - m) <= sim[i].ci99_kpps;
        /* Two independent means: the half-widths add in quadrature. */
        agree += fabs(x - m) <= hypot(sim[i].ci99_kpps, p[i].ci99_kpps);
        if (m > peak_m) {
            peak_m = m;
            peak_ci = p[i].ci99_kpps;
            v->peak_at = i;
        }
        peak_s = fmax(peak_s, x);
    }
    v->npoints = np;
    v->mape = ape / np;
    v->peak_err = peak_m > 0 ? fabs(peak_s - peak_m) / peak_m : 0;
    v->inside = (double)inside / np;
    v->agree = (double)agree / np;
    /* A peak measured with a 99% interval wider than the limit cannot
     * show that a prediction is outside it: such a peak is reported, not
     * judged. */
    v->peak_resolved = o->peak_max <= 0 || peak_ci <= o->peak_max * peak_m;
    /* A peak at the sweep's last rate, forwarded whole, is where the
     * sweep stopped, not where the router did: the error there says only
     * whether the model forwards that much too. */
    int last = 0;
    for (int i = 1; i < np; i++)
        if (p[i].offered_kpps > p[last].offered_kpps)
            last = i;
    v->peak_open =
        v->peak_at == last &&
        peak_m >= (1 - MEASURED_SATURATED_LOSS) * p[last].offered_kpps;
    v->ok = (o->mape_max <= 0 || v->mape <= o->mape_max) &&
            (!v->peak_resolved || o->peak_max <= 0 ||
             v->peak_err <= o->peak_max);
}

/* A thread at point p, measured: CPU time (schedstat) as a fraction of a
 * core, switches in and, of those, after a preemption (sched's involuntary
 * switches out) per packet forwarded, and moves between cores per second;
 * all repetitions together. NAN where the measurement lacks them
 * (`slices`, `migrations` and the switch counts came later). */
struct thread_measured {
    double busy, slices, preempted, moves;
};

static struct thread_measured measured_thread(const struct measured_sample *s,
                                              int ns,
                                              const struct measured_point *p,
                                              const char *name)
{
    char ent[48];
    double run = 0, sl = 0, inv = 0, mv = 0, rx = 0, sec = 0;
    snprintf(ent, sizeof ent, "thread:%s", name);
    for (int rep = 0; rep < p->reps; rep++) {
        double k = p->offered_kpps;
        run += caldb_sample(s, ns, k, rep, ent, "run_ns");
        sl += caldb_sample(s, ns, k, rep, ent, "slices");
        inv += caldb_sample(s, ns, k, rep, ent, "involuntary");
        mv += caldb_sample(s, ns, k, rep, ent, "migrations");
        rx += caldb_sample(s, ns, k, rep, "net:sink", "rx_packets");
        sec += caldb_sample(s, ns, k, rep, "window", "seconds");
    }
    return (struct thread_measured){
        .busy = sec > 0 ? run / sec / 1e9 : NAN,
        .slices = rx > 0 ? sl / rx : NAN,
        .preempted = rx > 0 ? inv / rx : NAN,
        .moves = sec > 0 ? mv / sec : NAN,
    };
}

/* `x` in a column of `width` with `prec` decimals, or "-" where not
 * measured (NAN). */
static const char *cell(char *buf, size_t len, int width, int prec, double x)
{
    if (isnan(x))
        snprintf(buf, len, "%*s", width, "-");
    else
        snprintf(buf, len, "%*.*f", width, prec, x);
    return buf;
}

/* One row per measured thread of the curve, at the point of the measured
 * peak: its CPU time, its switches in per packet, how many of those
 * followed a preemption, and its moves between cores per second, measured
 * and simulated. What the router's threads did at its limit, how often
 * they took turns, why and where, is what a prediction of the peak rests
 * on. */
static void thread_rows(struct verdict *v, const struct scenario_curve *c,
                        const struct measured_sample *s, int ns,
                        const struct measured_point *p,
                        const struct point_summary *sim)
{
    const int top = v->peak_at; /* judge() found it */
    const char *curve = c->name;
    struct stats_layout lay;
    vsr_layout(&c->cfg, &lay);
    size_t len = 0;
    v->threads[0] = '\0';
    for (int t = 0; t < lay.nthreads; t++) {
        struct thread_measured m =
            measured_thread(s, ns, &p[top], lay.thread_name[t]);
        if (isnan(m.busy))
            continue; /* not measured: a thread of the host's kernel */
        double pps = sim[top].forwarded_kpps * 1e3;
        char sl[16], pr[16], mv[16];
        int n = snprintf(
            v->threads + len, sizeof v->threads - len,
            "%-20s %-8s %8.1f %7.1f%% %6.1f%% %s %9.2f %s %9.2f %s %7.0f\n",
            curve, lay.thread_name[t], p[top].offered_kpps, 100 * m.busy,
            100 * sim[top].thread_frac[t], cell(sl, sizeof sl, 9, 2, m.slices),
            pps > 0 ? sim[top].slices_ps[t] / pps : 0,
            cell(pr, sizeof pr, 9, 2, m.preempted),
            pps > 0 ? sim[top].preempted_ps[t] / pps : 0,
            cell(mv, sizeof mv, 7, 0, m.moves), sim[top].migrations_ps[t]);
        if (n < 0 || (size_t)n >= sizeof v->threads - len)
            break;
        len += (size_t)n;
    }
}

static void csv_rows(FILE *f, const char *curve,
                     const struct measured_point *p,
                     const struct point_summary *sim, int np)
{
    for (int i = 0; i < np; i++)
        fprintf(f, "\"%s (measured)\",%.3f,%.3f,%.3f,measured\n", curve,
                p[i].offered_kpps, p[i].forwarded_kpps, p[i].ci99_kpps);
    for (int i = 0; i < np; i++)
        fprintf(f, "\"%s (simulated)\",%.3f,%.3f,%.3f,simulated\n", curve,
                p[i].offered_kpps, sim[i].forwarded_kpps, sim[i].ci99_kpps);
}

int validate_main(const struct validate_opts *o)
{
    char err[1024];
    struct scenario *s = xmalloc(sizeof *s);
    struct verdict v[SCENARIO_MAX_CURVES];
    int unmeasured[SCENARIO_MAX_CURVES];
    int nv = 0, nu = 0, status = 2;
    FILE *csv = NULL;
    char csv_tmp[600] = "";
    if (scenario_load(s, o->scenario, o->set, o->nset, err, sizeof err)) {
        fprintf(stderr, "vsrsim: %s\n", err);
        free(s);
        return 2;
    }
    struct costmodel cm;
    int rc = store_load_costmodel(s->costmodel_db, s->costmodel_id, &cm, err,
                                  sizeof err);
    if (rc) {
        fprintf(stderr, "vsrsim: %s (set by costmodel in %s)\n", err,
                o->scenario);
        goto out;
    }
    const char *csv_path = o->csv;
    if (!csv_path && o->plot) {
        snprintf(csv_tmp, sizeof csv_tmp, "/tmp/vsrsim-validate-XXXXXX");
        int fd = mkstemp(csv_tmp);
        if (fd >= 0)
            close(fd);
        csv_path = csv_tmp;
    }
    if (csv_path) {
        char tmp[600];
        snprintf(tmp, sizeof tmp, "%s.tmp", csv_path);
        csv = fopen(tmp, "w");
        if (!csv) {
            fprintf(stderr, "vsrsim: %s: cannot write\n", tmp);
            status = 1;
            goto out;
        }
        fputs("curve,offered_kpps,forwarded_kpps,ci99_kpps,source\n", csv);
    }
    for (int k = 0; k < o->ncurves; k++) {
        int found = 0;
        for (int ci = 0; ci < s->ncurves; ci++)
            found |= strcmp(o->curves[k], s->curve[ci].name) == 0;
        if (!found) {
            fprintf(stderr, "vsrsim: --curve %s: %s has no such curve\n",
                    o->curves[k], o->scenario);
            goto out;
        }
    }
    for (int ci = 0; ci < s->ncurves; ci++) {
        int wanted = o->ncurves == 0;
        for (int k = 0; k < o->ncurves; k++)
            wanted |= strcmp(o->curves[k], s->curve[ci].name) == 0;
        if (!wanted)
            continue;
        struct measured_sample *samples;
        struct measured_point *p;
        int ns, np;
        int64_t run_id;
        rc = caldb_read_run(o->measured, s->curve[ci].name, &run_id, &samples,
                            &ns, &p, &np, err, sizeof err);
        if (rc == SIM_EINPUT && run_id == 0) { /* nothing to compare */
            unmeasured[nu++] = ci;
            continue;
        }
        if (rc) { /* the file itself: missing, not a database, newer */
            fprintf(stderr, "vsrsim: %s\n", err);
            status = rc == SIM_EINPUT ? 2 : 1;
            goto out;
        }
        if (np == 0 || np > SCENARIO_MAX_RATES) {
            free(samples);
            free(p);
            continue;
        }
        double rate[SCENARIO_MAX_RATES];
        pacing_rates(s->curve[ci].name, samples, ns, p, np, rate);
        struct point_summary *sim = xcalloc((size_t)np, sizeof *sim);
        if (simulate_curve(s, ci, &cm, rate, np, o, sim) != 0) {
            fprintf(stderr, "vsrsim: a worker process failed\n");
            free(sim);
            free(samples);
            free(p);
            status = 1;
            goto out;
        }
        struct verdict *w = &v[nv++];
        snprintf(w->name, sizeof w->name, "%s", s->curve[ci].name);
        judge(w, p, sim, np, o);
        thread_rows(w, &s->curve[ci], samples, ns, p, sim);
        if (csv)
            csv_rows(csv, w->name, p, sim, np);
        free(sim);
        free(samples);
        free(p);
    }
    if (nv == 0) {
        fprintf(stderr, "vsrsim: %s: no curve of %s was measured\n",
                o->measured, o->scenario);
        goto out;
    }
    for (int i = 0; i < nu; i++)
        fprintf(stderr, "vsrsim: %s: curve '%s' was not measured; left "
                "out\n", o->measured, s->curve[unmeasured[i]].name);
    printf("%-20s %6s %8s %8s %9s %6s  %s\n", "curve", "points", "MAPE",
           "peak err", "inside CI", "agree", "verdict");
    status = 0;
    for (int i = 0; i < nv; i++) {
        printf("%-20s %6d %7.1f%% %7.1f%%%s %7.0f%% %5.0f%%  %s\n",
               v[i].name, v[i].npoints, 100 * v[i].mape,
               100 * v[i].peak_err,
               !v[i].peak_resolved ? "*" : v[i].peak_open ? "+" : " ",
               100 * v[i].inside, 100 * v[i].agree,
               v[i].ok ? "ok" : "OUTSIDE LIMITS");
        if (!v[i].ok)
            status = 1;
    }
    for (int i = 0; i < nv; i++)
        if (!v[i].peak_resolved) {
            printf("* the measured peak's 99%% interval is wider than "
                   "--peak-max: reported, not judged\n");
            break;
        }
    for (int i = 0; i < nv; i++)
        if (v[i].peak_resolved && v[i].peak_open) {
            printf("+ the measured peak is the last rate, forwarded whole: "
                   "the router's limit lies beyond the sweep (vsrcal's "
                   "measure.extend goes on until it saturates)\n");
            break;
        }
    printf("\nthreads at the measured peak: CPU time (of one core), switches "
           "in per packet, those of them after a preemption, and moves "
           "between cores per second, measured and simulated\n");
    printf("%-20s %-8s %8s %8s %7s %9s %9s %9s %9s %7s %7s\n", "curve",
           "thread", "kpps", "CPU", "sim", "switches", "sim", "preempted",
           "sim", "moves/s", "sim");
    for (int i = 0; i < nv; i++)
        fputs(v[i].threads, stdout);
    if (csv) {
        char tmp[600];
        snprintf(tmp, sizeof tmp, "%s.tmp", csv_path);
        int bad = fclose(csv) != 0 || fileio_replace(tmp, csv_path) != 0;
        csv = NULL;
        if (bad) {
            fprintf(stderr, "vsrsim: %s: cannot write\n", csv_path);
            status = 1;
            goto out;
        }
    }
    if (o->plot && plot_curves(o->plots_dir, csv_path, o->plot, s->name, err,
                               sizeof err) != 0) {
        fprintf(stderr, "vsrsim: %s\n", err);
        status = 1;
    }
out:
    if (csv) {
        char tmp[600];
        snprintf(tmp, sizeof tmp, "%s.tmp", csv_path);
        fclose(csv);
        unlink(tmp);
    }
    if (csv_tmp[0])
        unlink(csv_tmp);
    scenario_clear(s);
    free(s);
    return status;
}
