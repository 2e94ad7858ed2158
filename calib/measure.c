/*
 * measure.c - live measurement of a plan's curves (see measure.h).
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "discover.h"
#include "err.h"
#include "gen.h"
#include "journal.h"
#include "measure.h"
#include "netns.h"
#include "procfs.h"
#include "scenario.h"
#include "stats.h"
#include "store.h"
#include "tune.h"

static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
    stop_signal = sig;
}

int measure_interrupted(void)
{
    return stop_signal != 0;
}

/* A thread of the plan and the live thread it stands for; a thread the
 * plan moves (move_every_ms) is pinned to one core of its cpus at a time,
 * `pin`, until `next`. */
struct bound {
    const struct vsr_thread_cfg *cfg;
    const struct dthread *live;
    int pin;
    struct timespec next;
};

/* Everything read at one instant. */
struct reading {
    struct timespec at;
    uint64_t run_ns[VSR_MAX_THREADS], ticks[VSR_MAX_THREADS];
    uint64_t slices[VSR_MAX_THREADS]; /* times switched in (schedstat) */
    struct task_sched sched[VSR_MAX_THREADS]; /* moves and switches out */
                                              /* (sched), if read       */
    int ncpus;
    struct cpu_times cpu[PROCFS_MAX_CPUS];
    struct netdev_counters gen, sink;
};

struct ctx {
    const struct measure_opts *o;
    struct scenario sc;
    struct virt *virt;
    struct discovery d;
    struct caldb *db;
    struct journal *journal;
    struct gen *gen; /* the generator now running */
    int nbound;
    struct bound b[VSR_MAX_THREADS];
    int tty;
    int sched; /* the kernel has /proc/PID/task/TID/sched */
    int unrestored; /* a journal_close() failed: the host is not as it was */
    int gen_thread; /* a curve measured has a thread of kind generator */
    char notes[512]; /* the user's, and whether idle states were held */
    char err[512];
};

/* ---- binding ---------------------------------------------------------- */

/* Match each thread of the curve to a live thread: vCPU threads in order
 * to vCPUs, "io" to QEMU's main loop, vhost threads in order to vhost-net
 * workers. */
static int bind_curve(struct ctx *x, const struct scenario_curve *c)
{
    int nvcpu = 0, nvhost = 0;
    x->nbound = 0;
    for (int i = 0; i < c->cfg.nthreads; i++) {
        const struct vsr_thread_cfg *t = &c->cfg.thread[i];
        const struct dthread *live = NULL;
        const char *what;
        if (t->kind == VSR_GEN) { /* the generator vsrcal starts */
            x->b[x->nbound++] = (struct bound){t, NULL, -1, {0, 0}};
            continue;
        }
        if (t->kind == VSR_VCPU) {
            live = discover_find(&x->d, DT_VCPU, nvcpu++);
            what = "a vCPU";
        } else if (t->kind == VSR_IO) {
            live = discover_find(&x->d, DT_MAIN, 0);
            what = "QEMU's main loop";
        } else {
            live = discover_find(&x->d, DT_VHOST, nvhost++);
            what = "a vhost-net worker";
        }
        if (!live) {
            snprintf(x->err, sizeof x->err,
                     "%s: curve '%s': thread '%s' needs %s of domain '%s', "
                     "which has none left (see vsrcal discover)",
                     x->o->plan, c->name, t->name, what, x->d.dom.name);
            return -1;
        }
        x->b[x->nbound++] = (struct bound){t, live, -1, {0, 0}};
    }
    return 0;
}

static void plan_sched(const struct vsr_thread_cfg *t, struct thread_sched *s)
{
    tune_sched_make(s, t->cls->name, t->prio, t->nice,
                    (uint64_t)t->dl_runtime_ns, (uint64_t)t->dl_period_ns);
}

/* Apply the curve's binding and queue length through the journal. */
static int apply_curve(struct ctx *x, const struct scenario_curve *c)
{
    const struct scenario_measure *m = &x->sc.measure;
    for (int i = 0; i < x->nbound; i++) {
        struct thread_sched s;
        char note[256];
        if (!x->b[i].live)
            continue; /* the generator: set when it starts */
        plan_sched(x->b[i].cfg, &s);
        if (tune_thread_set(x->journal, x->b[i].live->tid, x->b[i].cfg->cpus,
                            &s, note, sizeof note, x->err,
                            sizeof x->err) != 0)
            return -1;
        if (note[0])
            fprintf(stderr, "vsrcal: %s\n", note);
    }
    /* The NIC's interrupts go to the plan's interrupt core: only the IRQs
     * of the NICs behind the domain's interfaces. */
    for (int i = 0; i < x->d.nirqs; i++)
        if (tune_irq_set(x->journal, x->d.irq[i].irq, 1ULL << c->cfg.irq_core,
                         x->err, sizeof x->err) != 0)
            return -1;
    return tune_txqlen_set(x->journal, m->gen_netns, m->gen_dev,
                           c->cfg.q.macvtap, x->err, sizeof x->err);
}

/* ---- readings --------------------------------------------------------- */

static int read_netdev(const char *netns, const char *dev,
                       struct netdev_counters *out, char *err, size_t errlen)
{
    static char text[1 << 16];
    int saved;
    if (netns_enter(netns, &saved, err, errlen) != 0)
        return -1;
    long n = procfs_read("/", "proc/thread-self/net/dev", text, sizeof text,
                         err, errlen);
    netns_leave(saved);
    if (n < 0)
        return -1;
    return procfs_parse_net_dev(text, dev, out, err, errlen);
}

/* CPU time and switches in of the generator's processes, summed, into
 * slot i of r. */
static int read_generator(struct ctx *x, struct reading *r, int i)
{
    int tids[64];
    int n = gen_tasks(x->gen, tids, 64);
    r->run_ns[i] = r->ticks[i] = r->slices[i] = 0;
    r->sched[i] = (struct task_sched){0};
    for (int k = 0; k < n; k++) {
        struct task_schedstat ss;
        struct task_stat st;
        struct task_sched sc = {0};
        if (procfs_task_schedstat("/", tids[k], tids[k], &ss, x->err,
                                  sizeof x->err) != 0 ||
            procfs_task_stat("/", tids[k], tids[k], &st, x->err,
                             sizeof x->err) != 0 ||
            (x->sched && procfs_task_sched("/", tids[k], tids[k], &sc, x->err,
                                           sizeof x->err) != 0))
            return -1;
        r->run_ns[i] += ss.run_ns;
        r->ticks[i] += st.utime + st.stime;
        r->slices[i] += ss.slices;
        r->sched[i].migrations += sc.migrations;
        r->sched[i].voluntary += sc.voluntary;
        r->sched[i].involuntary += sc.involuntary;
    }
    return 0;
}

static int take_reading(struct ctx *x, struct reading *r)
{
    const struct scenario_measure *m = &x->sc.measure;
    clock_gettime(CLOCK_MONOTONIC, &r->at);
    for (int i = 0; i < x->nbound; i++) {
        struct task_schedstat ss;
        struct task_stat st;
        if (!x->b[i].live) {
            if (read_generator(x, r, i) != 0)
                return -1;
            continue;
        }
        int tid = x->b[i].live->tid;
        r->sched[i] = (struct task_sched){0};
        if (procfs_task_schedstat("/", tid, tid, &ss, x->err,
                                  sizeof x->err) != 0 ||
            procfs_task_stat("/", tid, tid, &st, x->err, sizeof x->err) != 0 ||
            (x->sched && procfs_task_sched("/", tid, tid, &r->sched[i],
                                           x->err, sizeof x->err) != 0))
            return -1;
        if (st.starttime != x->b[i].live->starttime) {
            snprintf(x->err, sizeof x->err, "thread %d (%s) has exited", tid,
                     x->b[i].cfg->name);
            return -1;
        }
        r->run_ns[i] = ss.run_ns;
        r->ticks[i] = st.utime + st.stime;
        r->slices[i] = ss.slices;
    }
    r->ncpus = procfs_cpu_times("/", r->cpu, PROCFS_MAX_CPUS, x->err,
                                sizeof x->err);
    if (r->ncpus < 0)
        return -1;
    if (read_netdev(m->gen_netns, m->gen_dev, &r->gen, x->err,
                    sizeof x->err) != 0 ||
        read_netdev(m->sink_netns, m->sink_dev, &r->sink, x->err,
                    sizeof x->err) != 0)
        return -1;
    return 0;
}

static int add(struct ctx *x, int64_t run_id, double kpps, int rep,
               const char *entity, const char *metric, double value)
{
    struct measured_sample s = {.offered_kpps = kpps, .rep = rep,
                                .value = value};
    snprintf(s.entity, sizeof s.entity, "%.31s", entity);
    snprintf(s.metric, sizeof s.metric, "%s", metric);
    return caldb_add_sample(x->db, run_id, &s, x->err, sizeof x->err);
}

int measure_cpu_deltas(const struct cpu_times *a, int na,
                       const struct cpu_times *b, int nb,
                       struct cpu_times *out)
{
    int n = 0;
    for (int k = 0; k < nb; k++) {
        const struct cpu_times *q = &b[k], *p = NULL;
        for (int i = 0; i < na && !p; i++)
            if (a[i].cpu == q->cpu)
                p = &a[i];
        if (!p || q->user < p->user || q->nice < p->nice ||
            q->system < p->system || q->idle < p->idle ||
            q->iowait < p->iowait || q->irq < p->irq ||
            q->softirq < p->softirq || q->steal < p->steal ||
            q->guest < p->guest || q->guest_nice < p->guest_nice)
            continue;
        out[n++] = (struct cpu_times){
            .cpu = q->cpu, .user = q->user - p->user,
            .nice = q->nice - p->nice, .system = q->system - p->system,
            .idle = q->idle - p->idle, .iowait = q->iowait - p->iowait,
            .irq = q->irq - p->irq, .softirq = q->softirq - p->softirq,
            .steal = q->steal - p->steal, .guest = q->guest - p->guest,
            .guest_nice = q->guest_nice - p->guest_nice};
    }
    return n;
}

/* Store the differences b - a; returns the forwarded rate in kpps, or a
 * negative number on failure. */
static double store_window(struct ctx *x, int64_t run_id, double kpps,
                           int rep, const struct reading *a,
                           const struct reading *b, double seconds)
{
    int rc = add(x, run_id, kpps, rep, "window", "seconds", seconds);
    for (int i = 0; rc == 0 && i < x->nbound; i++) {
        char ent[48];
        snprintf(ent, sizeof ent, "thread:%s", x->b[i].cfg->name);
        rc = add(x, run_id, kpps, rep, ent, "run_ns",
                 (double)(b->run_ns[i] - a->run_ns[i]));
        if (rc == 0)
            rc = add(x, run_id, kpps, rep, ent, "ticks",
                     (double)(b->ticks[i] - a->ticks[i]));
        if (rc == 0)
            rc = add(x, run_id, kpps, rep, ent, "slices",
                     (double)(b->slices[i] - a->slices[i]));
        if (rc == 0 && x->sched) {
            const struct task_sched *p = &a->sched[i], *q = &b->sched[i];
            struct { const char *n; uint64_t v; } col[] = {
                {"migrations", q->migrations - p->migrations},
                {"voluntary", q->voluntary - p->voluntary},
                {"involuntary", q->involuntary - p->involuntary},
            };
            for (size_t c = 0; rc == 0 && c < sizeof col / sizeof col[0]; c++)
                rc = add(x, run_id, kpps, rep, ent, col[c].n,
                         (double)col[c].v);
        }
    }
    /* Per CPU by its number: one that went offline or came online
     * during the window has no core samples in this repetition. */
    struct cpu_times cpu[PROCFS_MAX_CPUS];
    int ncpus = measure_cpu_deltas(a->cpu, a->ncpus, b->cpu, b->ncpus, cpu);
    for (int k = 0; rc == 0 && k < ncpus; k++) {
        const struct cpu_times *d = &cpu[k];
        char ent[32];
        snprintf(ent, sizeof ent, "core:%d", d->cpu);
        struct { const char *n; uint64_t v; } col[] = {
            {"user", d->user},
            {"system", d->system},
            {"irq", d->irq},
            {"softirq", d->softirq},
            {"guest", d->guest},
            {"idle", d->idle},
        };
        for (size_t c = 0; rc == 0 && c < sizeof col / sizeof col[0]; c++)
            rc = add(x, run_id, kpps, rep, ent, col[c].n, (double)col[c].v);
    }
    struct { const char *e, *n; uint64_t v; } net[] = {
        {"net:gen", "tx_packets", b->gen.tx_packets - a->gen.tx_packets},
        {"net:gen", "tx_dropped", b->gen.tx_drop - a->gen.tx_drop},
        {"net:gen", "rx_packets", b->gen.rx_packets - a->gen.rx_packets},
        {"net:sink", "rx_packets", b->sink.rx_packets - a->sink.rx_packets},
        {"net:sink", "rx_dropped", b->sink.rx_drop - a->sink.rx_drop},
    };
    for (size_t c = 0; rc == 0 && c < sizeof net / sizeof net[0]; c++)
        rc = add(x, run_id, kpps, rep, net[c].e, net[c].n, (double)net[c].v);
    if (rc != 0)
        return -1;
    return (double)(b->sink.rx_packets - a->sink.rx_packets) / seconds / 1e3;
}

static double since(const struct timespec *a, const struct timespec *b)
{
    return (double)(b->tv_sec - a->tv_sec) + (b->tv_nsec - a->tv_nsec) * 1e-9;
}

static void add_ns(struct timespec *t, int64_t ns)
{
    t->tv_nsec += ns % 1000000000;
    t->tv_sec += ns / 1000000000 + t->tv_nsec / 1000000000;
    t->tv_nsec %= 1000000000;
}

/* Pin each thread the curve moves whose time has come (`next` at or
 * before `now`) to the next core of its cpus, the first the first time,
 * as the simulator's balance_start_moves() does; the journal restores
 * the affinity the curve set. *due becomes the next move's time where
 * that comes first. Returns -1 if the kernel refuses a move. */
static int move_threads(struct ctx *x, const struct timespec *now,
                        struct timespec *due)
{
    for (int i = 0; i < x->nbound; i++) {
        struct bound *b = &x->b[i];
        if (!b->live || b->cfg->move_every_ns <= 0)
            continue;
        if (since(&b->next, now) >= 0) {
            do
                b->pin = (b->pin + 1) % 64;
            while (!(b->cfg->cpus & (1ULL << b->pin)));
            if (tune_affinity(b->live->tid, 1ULL << b->pin) != 0) {
                snprintf(x->err, sizeof x->err, "thread %d (%s): cannot pin "
                         "it to core %d: %s", b->live->tid, b->cfg->name,
                         b->pin, strerror(errno));
                return -1;
            }
            add_ns(&b->next, b->cfg->move_every_ns);
        }
        if (since(&b->next, due) > 0)
            *due = b->next;
    }
    return 0;
}

/* Sleep `s` seconds unless a signal arrives first (then -1), moving the
 * curve's moved threads on time meanwhile (also -1 if that fails); a
 * signal is noticed within 20 ms. */
static int nap(struct ctx *x, double s)
{
    struct timespec now, end;
    clock_gettime(CLOCK_MONOTONIC, &now);
    end = now;
    add_ns(&end, (int64_t)(s * 1e9));
    for (;;) {
        struct timespec due = end;
        if (stop_signal || move_threads(x, &now, &due) != 0)
            return -1;
        double wait = since(&now, &due);
        if (since(&now, &end) <= 0)
            return 0;
        struct timespec step = {0, (long)(fmin(fmax(wait, 0), 0.02) * 1e9)};
        nanosleep(&step, NULL);
        clock_gettime(CLOCK_MONOTONIC, &now);
    }
}

/* One repetition at one rate: start the generator, let the path reach
 * its steady state for settle_s, read, wait point_s, read again, stop,
 * and let the queues drain for drain_s before the next repetition.
 * Returns the forwarded kpps, or -1. */
static double one_rep(struct ctx *x, const struct scenario_curve *c,
                      int64_t run_id, double kpps, int rep)
{
    const struct scenario_measure *m = &x->sc.measure;
    struct reading a, b;
    struct gen *g;
    if (!virt_domain_running(x->virt)) {
        snprintf(x->err, sizeof x->err, "domain '%s' is no longer running "
                 "(or libvirt went away)", m->domain);
        return -1;
    }
    uint64_t cpus = m->gen_cpus;
    struct thread_sched sched, *ps = NULL;
    for (int i = 0; i < x->nbound; i++)
        if (!x->b[i].live) {
            cpus = x->b[i].cfg->cpus;
            plan_sched(x->b[i].cfg, &sched);
            ps = &sched;
        }
    if (gen_start(&g, m, x->gen_thread, kpps, c->cfg.gen_burst_ns == 0, cpus,
                  ps, x->err, sizeof x->err) != 0)
        return -1;
    x->gen = g;
    /* After a SIGKILL of vsrcal, `vsrcal restore` stops it too. */
    struct jrec r = {.kind = JREC_PROC, .id = gen_pid(g)};
    struct task_stat st;
    if (procfs_task_stat("/", r.id, r.id, &st, x->err, sizeof x->err) == 0) {
        r.starttime = st.starttime;
        if (journal_add(x->journal, &r, x->err, sizeof x->err) != 0) {
            gen_stop(g, x->err, sizeof x->err);
            x->gen = NULL;
            return -1;
        }
    }
    gen_go(g); /* a generator gone already: gen_stop() says why */
    /* The moved threads start on their first core and move from then on,
     * until the queues have drained. */
    struct timespec start;
    clock_gettime(CLOCK_MONOTONIC, &start);
    for (int i = 0; i < x->nbound; i++)
        x->b[i].next = start;
    int rc = nap(x, m->settle_s) != 0 || take_reading(x, &a) != 0 ||
             nap(x, m->point_s) != 0 || take_reading(x, &b) != 0;
    char why[256] = "";
    x->gen = NULL;
    if (gen_stop(g, why, sizeof why) != 0) {
        snprintf(x->err, sizeof x->err, "%s", why);
        return -1;
    }
    if (rc != 0 || nap(x, m->drain_s) != 0)
        return -1;
    return store_window(x, run_id, kpps, rep, &a, &b, since(&a.at, &b.at));
}

static void progress(struct ctx *x, double kpps, int rep, int reps,
                     const char *curve)
{
    if (x->tty)
        fprintf(stderr, "\rvsrcal: %g kpps, repetition %d/%d, %-20s",
                kpps, rep + 1, reps, curve);
}

static void iso_now(char *buf, size_t len)
{
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* One repetition of curve `c` at `kpps`, with the curve's settings applied
 * through a journal that is closed (the host restored) before returning.
 * Returns the forwarded kpps, or -1. */
static double curve_rep(struct ctx *x, const struct scenario_curve *c,
                        int64_t run_id, double kpps, int rep)
{
    if (bind_curve(x, c) != 0 ||
        journal_open(&x->journal, x->o->journal, x->err, sizeof x->err) != 0)
        return -1;
    double fwd = apply_curve(x, c) == 0 ? one_rep(x, c, run_id, kpps, rep) : -1;
    gen_stop_all();
    /* A thread that vanished under a setting or a reading most likely went
     * with its domain: say that, rather than which /proc file was gone.
     * (Libvirt may call the domain running for a moment after its QEMU
     * has gone.) */
    if (fwd < 0 && !stop_signal &&
        (!virt_domain_running(x->virt) || kill(x->d.pid, 0) != 0))
        snprintf(x->err, sizeof x->err, "domain '%s' is no longer running "
                 "(or libvirt went away)", x->sc.measure.domain);
    /* Remembered whatever ended the repetition, a signal too, so that
     * measure_main() never calls the host restored. */
    if (journal_close(x->journal) != 0) {
        x->unrestored = 1;
        if (fwd >= 0)
            snprintf(x->err, sizeof x->err, "after curve '%s' at %g kpps "
                     "(repetition %d)", c->name, kpps, rep + 1);
        fwd = -1;
    }
    x->journal = NULL;
    return fwd;
}

static double mean_of(const double *v, int n)
{
    double sum = 0;
    for (int i = 0; i < n; i++)
        sum += v[i];
    return n > 0 ? sum / n : 0;
}

/* Mean and 99% interval of one rate's repetitions into the database. */
static int add_point(struct ctx *x, const char *curve, int64_t run_id,
                     double kpps, const double *fwd, int reps)
{
    double mean = mean_of(fwd, reps), ss = 0;
    for (int k = 0; k < reps; k++)
        ss += (fwd[k] - mean) * (fwd[k] - mean);
    double sd = reps > 1 ? sqrt(ss / (reps - 1)) : 0;
    struct measured_point p = {kpps, mean, stats_ci99(sd, reps), reps};
    if (caldb_add_point(x->db, run_id, &p, x->err, sizeof x->err) != 0)
        return -1;
    if (!x->tty)
        fprintf(stderr, "vsrcal: %s: %g kpps offered, %.2f +- %.2f "
                "forwarded\n", curve, kpps, mean, p.ci99_kpps);
    return 0;
}

double measure_next_rate(const struct scenario_measure *m, double kpps,
                         const double *fwd, int reps)
{
    double next = kpps * m->extend_factor;
    if (!(m->extend_max_kpps > 0) || next > m->extend_max_kpps * (1 + 1e-9) ||
        mean_of(fwd, reps) < (1 - MEASURED_SATURATED_LOSS) * kpps)
        return 0;
    return next;
}

int measure_takes(const struct scenario_curve *c, int r)
{
    return c->measure_rates == 0 || (c->measure_rates >> r & 1);
}

/* Measure the chosen curves in rounds: round k sweeps every rate once
 * and runs, at each rate, every curve in turn; it takes repetition k of
 * every point. A host whose speed drifts (shared machines, frequency
 * scaling, a TCG guest's slow spells, which come in blocks of minutes)
 * then affects all curves alike, and a slow block falls on one
 * repetition of many points rather than on every repetition of a few: it
 * widens their intervals instead of moving their means. The first round
 * decides how far measure.extend goes. The host is restored after every
 * repetition. */
static int measure_curves(struct ctx *x, const int *chosen, int n)
{
    const struct scenario_measure *m = &x->sc.measure;
    int64_t run_id[SCENARIO_MAX_CURVES];
    struct utsname u;
    char created[32];
    uname(&u);
    iso_now(created, sizeof created);
    if (caldb_open(&x->db, x->o->db, x->err, sizeof x->err) != 0)
        return -1;
    int rc = 0;
    for (int i = 0; rc == 0 && i < n; i++) {
        const struct scenario_curve *c = &x->sc.curve[chosen[i]];
        struct measured_run_meta meta = {
            .config = c->name, .created = created, .host = u.nodename,
            .notes = x->notes[0] ? x->notes : NULL, .plan = x->sc.text};
        rc = bind_curve(x, c) != 0 ||
             caldb_add_run(x->db, &meta, &run_id[i], x->err,
                           sizeof x->err) != 0;
    }
    double rates[SCENARIO_MAX_RATES];
    int nrates = m->nrates;
    memcpy(rates, m->rates_kpps, sizeof rates);
    /* measure.extend follows the first curve that takes every rate. */
    int lead = 0;
    while (lead < n && x->sc.curve[chosen[lead]].measure_rates)
        lead++;
    /* fwd[(i * SCENARIO_MAX_RATES + r) * reps + k]: curve i, rate r, rep k */
    double *fwd = xcalloc((size_t)n * SCENARIO_MAX_RATES * m->reps,
                          sizeof *fwd);
#define FWD(i, r) (fwd + ((size_t)(i) * SCENARIO_MAX_RATES + (r)) * m->reps)
    for (int k = 0; rc == 0 && k < m->reps; k++) {
        for (int r = 0; rc == 0 && r < nrates; r++) {
            for (int i = 0; rc == 0 && i < n; i++) {
                const struct scenario_curve *c = &x->sc.curve[chosen[i]];
                if (!measure_takes(c, r))
                    continue;
                progress(x, rates[r], k, m->reps, c->name);
                FWD(i, r)[k] = curve_rep(x, c, run_id[i], rates[r], k);
                rc = FWD(i, r)[k] < 0;
            }
            double next = rc == 0 && k == 0 && r == nrates - 1 && lead < n
                              ? measure_next_rate(m, rates[r], FWD(lead, r), 1)
                              : 0;
            if (next > 0 && nrates < SCENARIO_MAX_RATES) {
                rates[nrates++] = next;
                fprintf(stderr, "%svsrcal: %s forwards %.0f%% of %g kpps: "
                        "measuring %g kpps too (measure.extend)\n",
                        x->tty ? "\n" : "",
                        x->sc.curve[chosen[lead]].name,
                        100 * FWD(lead, r)[0] / rates[r], rates[r], next);
            }
        }
    }
    if (x->tty && rc == 0)
        fputc('\n', stderr);
    for (int i = 0; rc == 0 && i < n; i++)
        for (int r = 0; rc == 0 && r < nrates; r++)
            if (measure_takes(&x->sc.curve[chosen[i]], r))
                rc = add_point(x, x->sc.curve[chosen[i]].name, run_id[i],
                               rates[r], FWD(i, r), m->reps);
#undef FWD
    free(fwd);
    if (rc == 0 && stop_signal == 0)
        rc = caldb_commit(x->db, x->err, sizeof x->err) != 0;
    else
        caldb_abort(x->db);
    x->db = NULL;
    return rc ? -1 : 0;
}

int measure_main(const struct measure_opts *o)
{
    struct ctx *x = xcalloc(1, sizeof *x);
    char note[256], why[256];
    int status = 1, latency_fd = -1;
    x->o = o;
    x->tty = isatty(STDERR_FILENO);
    x->sched = access("/proc/self/sched", R_OK) == 0;
    struct sigaction sa = {.sa_handler = on_signal};
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);

    if (scenario_load(&x->sc, o->plan, NULL, 0, x->err, sizeof x->err) != 0) {
        status = 2;
        goto out;
    }
    if (!x->sc.measure.present) {
        snprintf(x->err, sizeof x->err, "%s: no 'measure' group: expected "
                 "measure = { domain = ...; generator = { ... }; sink = "
                 "{ ... }; }", o->plan);
        status = 2;
        goto out;
    }
    for (int k = 0; k < o->ncurves; k++) {
        int found = 0;
        for (int i = 0; i < x->sc.ncurves; i++)
            found |= strcmp(o->curves[k], x->sc.curve[i].name) == 0;
        if (!found) {
            snprintf(x->err, sizeof x->err, "--curve %s: %s has no such "
                     "curve", o->curves[k], o->plan);
            status = 2;
            goto out;
        }
    }
    int chosen[SCENARIO_MAX_CURVES], n = 0;
    for (int i = 0; i < x->sc.ncurves; i++) {
        int wanted = o->ncurves == 0;
        for (int k = 0; k < o->ncurves; k++)
            wanted |= strcmp(o->curves[k], x->sc.curve[i].name) == 0;
        if (wanted)
            chosen[n++] = i;
    }
    /* One tool for every curve, so that they are measured alike. */
    for (int i = 0; i < n; i++)
        for (int t = 0; t < x->sc.curve[chosen[i]].cfg.nthreads; t++)
            x->gen_thread |=
                x->sc.curve[chosen[i]].cfg.thread[t].kind == VSR_GEN;
    if (!gen_tool(&x->sc.measure, x->gen_thread, note, sizeof note, why,
                  sizeof why)) {
        /* pktgen asked for a generator thread is the plan's fault; the
         * rest (a tool missing), the host's */
        int plan = x->gen_thread && strcmp(x->sc.measure.tool, "pktgen") == 0;
        if (plan)
            snprintf(x->err, sizeof x->err, "%s: %s", o->plan, why);
        else
            snprintf(x->err, sizeof x->err, "%s", why);
        status = plan ? 2 : 1;
        goto out;
    }
    if (note[0])
        fprintf(stderr, "vsrcal: %s\n", note);
    if (virt_open(&x->virt, x->sc.measure.connect, x->sc.measure.domain,
                  x->err, sizeof x->err) != 0 ||
        discover(x->virt, "/", &x->d, x->err, sizeof x->err) != 0)
        goto out;
    if (x->d.pid <= 0) {
        snprintf(x->err, sizeof x->err, "domain '%s': no QEMU process found "
                 "(%s)", x->d.dom.name, x->d.pid_from);
        goto out;
    }
    if (!o->idle_states &&
        (latency_fd = tune_cpu_latency_hold(why, sizeof why)) < 0)
        fprintf(stderr, "vsrcal: %s: idle states left as they are\n", why);
    snprintf(x->notes, sizeof x->notes, "%s%s%s",
             latency_fd >= 0 ? "CPUs kept out of deep idle states (PM QoS "
                               "0 us)" : "",
             latency_fd >= 0 && o->notes ? "; " : "",
             o->notes ? o->notes : "");
    if (measure_curves(x, chosen, n) != 0)
        goto out;
    status = 0;
out:
    /* 130 says the host is restored (vsrcal(1)); a host left changed is
     * a failure, whatever else happened. */
    if (stop_signal) {
        snprintf(x->err, sizeof x->err, "interrupted by signal %d; %s",
                 (int)stop_signal, x->unrestored ? "nothing was written"
                 : "the host is restored and nothing was written");
        status = x->unrestored ? 1 : 130;
    }
    if (status != 0)
        fprintf(stderr, "vsrcal: %s%s\n", x->err,
                x->unrestored ? "; the host is not restored completely (see "
                                "above): run `vsrcal restore`" : "");
    caldb_abort(x->db);
    if (latency_fd >= 0)
        close(latency_fd);
    if (x->virt)
        virt_close(x->virt);
    scenario_clear(&x->sc);
    free(x);
    return status;
}
