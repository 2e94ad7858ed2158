/*
 * search.c - every binding of a curve's threads, simulated and ranked.
 *
 * Candidates. The NIC's interrupt is item 0 and thread t item 1 + t; a
 * placement gives each item a core label, labels numbered in order of
 * first use (a restricted growth string), so two placements that differ by
 * a renaming of cores, all identical here, are generated once: n items on
 * c cores give sum_{k <= c} S(n, k) placements (Stirling numbers of the
 * second kind), 187 for Fig 21's five threads and the IRQ on four cores
 * instead of 4^6 = 4096. Label 0, the interrupt's, is the curve's irq core,
 * so a winner never asks to move the interrupt. FIFO priorities matter
 * only between threads that share a core (each thread is bound to one
 * core and every thread outranks ksoftirqd), so on each core only the
 * order of its FIFO threads counts: a core's levels are numbered densely
 * from the top and take the highest priorities of the set (a lone FIFO
 * thread always gets the highest). CBS runtimes are per thread and not
 * reduced.
 *
 * Phases. Screening simulates every candidate briefly (1 replication, 10 ms
 * warm-up and 50 ms measured, at most 6 of the offered rates, spread over
 * the sweep and ending at its top, for the peak; the one rate that matters
 * for the other ranks). Refining simulates the best max(4 top, 16) at every
 * rate that matters, 2 replications of 20 + 100 ms. The best `top` then run
 * at the scenario's own replications, warm-up and duration, which gives the
 * 99% intervals of the table; for the peak, each only at the rates where its
 * refined curve came within SEARCH_PEAK_SLACK of its refined peak (another
 * rate could hold the peak only if short runs erred by that much; on Fig 21
 * this keeps 5 of 15 rates per candidate, a third of the cost). A phase that
 * would keep every candidate is left out. Short runs do rank bound
 * placements: on Fig 21 the 50 ms points are within a few percent of 1 s
 * ones, and screening all 187 candidates costs less than half of one
 * candidate's full sweep (68 against 165 simulated seconds); refining every
 * candidate instead of screening finds the same five best there. Short runs
 * miss what takes longer than a run to show: RT throttling (95% of each
 * second) under FIFO, which only the full phase can see.
 *
 * Every phase also simulates the curve as given, for comparison. All
 * candidates of a phase share their random streams (the run seed depends
 * on the rate and replication only), which makes their differences less
 * noisy; the full phase uses the seeds `vsrsim run` gives the curve, so
 * the curve as given gets there exactly the numbers `vsrsim run` prints.
 * Ties go to the candidate generated first, so a search is the same bytes
 * whatever the number of worker processes.
 */
#include <assert.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "rng.h"
#include "search.h"
#include "sweep.h"

#define SCREEN_RATES 6
#define REFINE_MIN 16
#define SEED_TAG 0x5ea4c4

/* ---- Candidates --------------------------------------------------- */

struct rgs {
    int nitems, ncores;
    uint8_t a[SEARCH_MAX_ITEMS];
    uint8_t (*out)[SEARCH_MAX_ITEMS];
    long max, n;
};

/* Items i.. of a restricted growth string whose first i use `used`
 * labels. */
static void rgs_fill(struct rgs *g, int i, int used)
{
    if (i == g->nitems) {
        if (g->out && g->n < g->max)
            memcpy(g->out[g->n], g->a, sizeof g->a);
        g->n++;
        return;
    }
    for (int l = 0; l <= used && l < g->ncores; l++) {
        g->a[i] = (uint8_t)l;
        rgs_fill(g, i + 1, used + (l == used));
    }
}

/* sum_{k <= ncores} S(nitems, k) by S(n, k) = k S(n-1, k) + S(n-1, k-1),
 * saturating at LONG_MAX. */
static long count_placements(int nitems, int ncores)
{
    long st[SEARCH_MAX_ITEMS + 1] = {1}; /* S(n, k) for the current n */
    for (int n = 1; n <= nitems; n++) {
        for (int k = n; k >= 1; k--) {
            long a = st[k], b = st[k - 1];
            st[k] = a > (LONG_MAX - b) / k ? LONG_MAX : k * a + b;
        }
        st[0] = 0;
    }
    long sum = 0;
    for (int k = 1; k <= nitems && k <= ncores; k++)
        sum = st[k] > LONG_MAX - sum ? LONG_MAX : sum + st[k];
    return sum;
}

long search_placements(int nitems, int ncores, uint8_t (*out)[SEARCH_MAX_ITEMS],
                       long max)
{
    assert(nitems >= 1 && nitems <= SEARCH_MAX_ITEMS && ncores >= 1);
    if (!out)
        return count_placements(nitems, ncores);
    struct rgs g = {.nitems = nitems, .ncores = ncores, .out = out, .max = max};
    rgs_fill(&g, 0, 0);
    return g.n;
}

static int is_deadline(const struct vsr_thread_cfg *t)
{
    return t->cls->rank == SCHED_DEADLINE;
}

int search_space_init(struct search_space *sp, const struct vsr_config *cfg,
                      const struct search_opts *o, char *err, size_t errlen)
{
    memset(sp, 0, sizeof *sp);
    if (cfg->native) {
        snprintf(err, errlen,
                 "the curve routes in the host (host.router = "
                 "\"native\"): it has no threads to place");
        return SIM_EINPUT;
    }
    sp->nthreads = cfg->nthreads;
    sp->core[sp->ncores++] = cfg->irq_core;
    for (int c = 0; c < cfg->ncores; c++)
        if ((cfg->online >> c & 1) && c != cfg->irq_core)
            sp->core[sp->ncores++] = c;
    for (int i = 0; i < o->nprio; i++) {
        if (o->prio[i] == 0) {
            sp->cfs = 1;
            continue;
        }
        int j = sp->nfifo++; /* insert, highest first */
        while (j > 0 && sp->fifo[j - 1] < o->prio[i]) {
            sp->fifo[j] = sp->fifo[j - 1];
            j--;
        }
        sp->fifo[j] = o->prio[i];
    }
    if (o->nprio > 0 && sp->nfifo == 0) {
        snprintf(err, errlen, "--fifo: name at least one priority (1-99)");
        return SIM_EINPUT;
    }
    int ndl = 0;
    for (int t = 0; t < cfg->nthreads; t++)
        ndl += is_deadline(&cfg->thread[t]);
    if (o->nbudget > 0 && ndl == 0) {
        snprintf(err, errlen,
                 "--budgets: the curve has no deadline thread "
                 "(policy = \"deadline\") to give a budget");
        return SIM_EINPUT;
    }
    for (int i = 0; i < o->nbudget; i++)
        for (int t = 0; t < cfg->nthreads; t++) {
            const struct vsr_thread_cfg *th = &cfg->thread[t];
            if (is_deadline(th) &&
                o->budget_ms[i] * 1e6 > (double)th->dl_period_ns) {
                snprintf(err, errlen,
                         "--budgets: %g ms exceeds the period of thread "
                         "'%s' (%g ms)",
                         o->budget_ms[i], th->name,
                         (double)th->dl_period_ns / 1e6);
                return SIM_EINPUT;
            }
        }
    sp->nbudget = o->nbudget;
    memcpy(sp->budget_ms, o->budget_ms, sizeof sp->budget_ms);
    return 0;
}

/* Candidates of one placement, built core by core (FIFO levels of the
 * threads on each core) and then thread by thread (budgets). */
struct gen {
    const struct search_space *sp;
    const struct vsr_config *cfg;
    struct search_candidate c;
    struct search_candidate *out;
    int n, cap;
    int over; /* more than SEARCH_MAX_CANDIDATES */
};

static void gen_emit(struct gen *g)
{
    if (g->n == SEARCH_MAX_CANDIDATES) {
        g->over = 1;
        return;
    }
    if (g->n == g->cap) {
        g->cap = g->cap ? 2 * g->cap : 256;
        g->out = xrealloc(g->out, (size_t)g->cap * sizeof *g->out);
    }
    g->out[g->n++] = g->c;
}

static void gen_budgets(struct gen *g, int t)
{
    if (g->over)
        return;
    if (t == g->cfg->nthreads) {
        gen_emit(g);
        return;
    }
    if (g->sp->nbudget == 0 || !is_deadline(&g->cfg->thread[t])) {
        gen_budgets(g, t + 1);
        return;
    }
    for (int b = 0; b < g->sp->nbudget; b++) {
        g->c.budget[t] = (uint8_t)b;
        gen_budgets(g, t + 1);
    }
}

/* 1 when the FIFO levels (1 = highest) of threads th[0..m) on one core
 * are dense from the top: those used are 1..k. Level 0 is CFS. */
static int levels_dense(const int *lv, int m)
{
    int used[SEARCH_MAX_PRIOS + 1] = {0}, k = 0;
    for (int i = 0; i < m; i++)
        used[lv[i]] = 1;
    for (int l = 1; l <= SEARCH_MAX_PRIOS; l++)
        k += used[l];
    for (int l = 1; l <= k; l++)
        if (!used[l])
            return 0;
    return 1;
}

/* Priorities of the threads on core labels `label`.. */
static void gen_cores(struct gen *g, int label)
{
    const struct search_space *sp = g->sp;
    if (g->over)
        return;
    if (sp->nfifo == 0 || label == sp->ncores) {
        gen_budgets(g, 0);
        return;
    }
    int th[VSR_MAX_THREADS], m = 0;
    for (int t = 0; t < g->cfg->nthreads; t++)
        if (g->c.label[1 + t] == label && !is_deadline(&g->cfg->thread[t]))
            th[m++] = t;
    /* Every level vector, as an odometer over lo..nfifo per thread. */
    int lo = sp->cfs ? 0 : 1, lv[VSR_MAX_THREADS];
    for (int i = 0; i < m; i++)
        lv[i] = lo;
    for (;;) {
        if (levels_dense(lv, m)) {
            for (int i = 0; i < m; i++)
                g->c.prio[th[i]] = (uint8_t)(lv[i] ? sp->fifo[lv[i] - 1] : 0);
            gen_cores(g, label + 1);
            if (g->over)
                return;
        }
        int i = 0;
        while (i < m && lv[i] == sp->nfifo)
            lv[i++] = lo;
        if (i == m)
            break;
        lv[i]++;
    }
}

int search_candidates(const struct search_space *sp,
                      const struct vsr_config *cfg,
                      struct search_candidate **out, char *err, size_t errlen)
{
    int nitems = 1 + cfg->nthreads;
    long np = search_placements(nitems, sp->ncores, NULL, 0);
    if (np > SEARCH_MAX_CANDIDATES) {
        snprintf(err, errlen,
                 "%ld placements of %d threads and the IRQ on %d cores are "
                 "too many to search (at most %d): put fewer cores online "
                 "(--set host.online=[...])",
                 np, cfg->nthreads, sp->ncores, SEARCH_MAX_CANDIDATES);
        return SIM_EINPUT;
    }
    uint8_t(*pl)[SEARCH_MAX_ITEMS] = xcalloc((size_t)np, sizeof *pl);
    search_placements(nitems, sp->ncores, pl, np);
    struct gen g = {.sp = sp, .cfg = cfg};
    for (long p = 0; p < np && !g.over; p++) {
        memset(&g.c, 0, sizeof g.c);
        memcpy(g.c.label, pl[p], sizeof g.c.label);
        gen_cores(&g, 0);
    }
    free(pl);
    if (g.over) {
        free(g.out);
        snprintf(err, errlen,
                 "more than %d candidates: give fewer priorities or "
                 "budgets, or put fewer cores online",
                 SEARCH_MAX_CANDIDATES);
        return SIM_EINPUT;
    }
    *out = g.out;
    return g.n;
}

void search_apply(const struct search_space *sp, const struct vsr_config *cfg,
                  const struct search_candidate *c, struct vsr_config *out)
{
    *out = *cfg;
    out->irq_core = sp->core[c->label[0]];
    for (int t = 0; t < cfg->nthreads; t++) {
        struct vsr_thread_cfg *th = &out->thread[t];
        th->cpus = 1ULL << sp->core[c->label[1 + t]];
        if (is_deadline(th)) {
            if (sp->nbudget)
                th->dl_runtime_ns =
                    (int64_t)(sp->budget_ms[c->budget[t]] * 1e6);
        } else if (sp->nfifo) {
            th->cls = c->prio[t] ? &sched_fifo_class : &sched_cfs_class;
            th->prio = c->prio[t];
        }
    }
}

/* ---- Phases ------------------------------------------------------- */

/* Index of the highest offered rate of s (the first, on ties). */
static int top_rate(const struct scenario *s)
{
    int m = 0;
    for (int i = 1; i < s->nrates; i++)
        if (s->rates_kpps[i] > s->rates_kpps[m])
            m = i;
    return m;
}

/* The rates a rank reads: every rate (peak), the highest (overload) or
 * the target, into ph. */
static void phase_rates(const struct scenario *s, const struct search_opts *o,
                        struct search_phase *ph)
{
    ph->nrates = 0;
    if (o->rank == SEARCH_PEAK) {
        for (int i = 0; i < s->nrates; i++) {
            ph->rate_kpps[ph->nrates] = s->rates_kpps[i];
            ph->seed_rate[ph->nrates++] = i;
        }
        return;
    }
    int i = top_rate(s);
    if (o->rank == SEARCH_CPU)
        for (i = 0; i < s->nrates && s->rates_kpps[i] != o->target_kpps; i++)
            ;
    ph->rate_kpps[0] = i < s->nrates ? s->rates_kpps[i] : o->target_kpps;
    ph->seed_rate[0] = i;
    ph->nrates = 1;
}

static int64_t min64(int64_t a, int64_t b)
{
    return a < b ? a : b;
}

/* The phases of r for its number of candidates. */
static void plan(struct search_result *r)
{
    const struct scenario *s = r->s;
    const struct search_opts *o = &r->o;
    struct search_phase all;
    memset(&all, 0, sizeof all);
    phase_rates(s, o, &all);
    int refine = 4 * o->top > REFINE_MIN ? 4 * o->top : REFINE_MIN;
    int top = o->top < r->ncand ? o->top : r->ncand;
    r->nphases = 0;
    if (r->ncand > refine) {
        struct search_phase *ph = &r->phase[r->nphases++];
        *ph = all;
        ph->name = "screen";
        ph->ncand = r->ncand;
        if (o->rank == SEARCH_PEAK && s->nrates > SCREEN_RATES) {
            ph->nrates = 0;
            for (int j = 1; j <= SCREEN_RATES; j++) {
                int i = (int)lround((double)(s->nrates - 1) * j / SCREEN_RATES);
                ph->rate_kpps[ph->nrates] = s->rates_kpps[i];
                ph->seed_rate[ph->nrates++] = i;
            }
        }
        ph->reps = 1;
        ph->warmup_ns = min64(10000000, s->warmup_ns);
        ph->duration_ns = min64(50000000, s->duration_ns);
        ph->max_loss = 0.01;
    }
    if (r->ncand > top) {
        struct search_phase *ph = &r->phase[r->nphases++];
        *ph = all;
        ph->name = "refine";
        ph->ncand = refine < r->ncand ? refine : r->ncand;
        ph->reps = s->reps < 2 ? s->reps : 2;
        ph->warmup_ns = min64(20000000, s->warmup_ns);
        ph->duration_ns = min64(100000000, s->duration_ns);
        ph->max_loss = 0.01;
    }
    struct search_phase *ph = &r->phase[r->nphases++];
    *ph = all;
    ph->name = "full";
    ph->ncand = top;
    ph->reps = s->reps;
    ph->warmup_ns = s->warmup_ns;
    ph->duration_ns = s->duration_ns;
    ph->max_loss = 0.001;
}

/* One run of a phase: its slot (candidate), rate and replication. */
struct task {
    int slot, rate, rep;
};

/* What the worker processes of one phase need. */
struct eval {
    const struct search_result *r;
    const struct costmodel *cm;
    const struct search_phase *ph;
    int full;        /* the scenario's own seeds */
    const int *slot; /* candidate of each slot, -1: the curve as given */
    const struct task *task;
};

static void slot_config(const struct search_result *r, int cand,
                        struct vsr_config *cfg)
{
    const struct vsr_config *given = &r->s->curve[r->curve].cfg;
    if (cand < 0)
        *cfg = *given;
    else
        search_apply(&r->sp, given, &r->cand[cand], cfg);
}

static void eval_one(const void *arg, int i, struct run_result *out)
{
    const struct eval *e = arg;
    const struct search_phase *ph = e->ph;
    const struct task *k = &e->task[i];
    struct vsr_config cfg;
    slot_config(e->r, e->slot[k->slot], &cfg);
    uint64_t seed =
        sweep_run_seed(e->r->s, e->r->curve, ph->seed_rate[k->rate], k->rep);
    if (!e->full)
        seed = rng_derive(seed, SEED_TAG, 0, 0);
    vsr_run(&cfg, e->cm, ph->rate_kpps[k->rate], seed, ph->warmup_ns,
            ph->duration_ns, out);
}

/* Busy cores (sum of every core's busy fraction) of one run. */
static double run_busy(const struct stats_layout *lay,
                       const struct run_result *run)
{
    int64_t ns = 0;
    for (int n = 0; n < lay->ncores; n++)
        for (int k = 0; k < CPU_NCLASS; k++)
            ns += run->core_ns[n][k];
    return run->measured_ns > 0 ? (double)ns / (double)run->measured_ns : 0;
}

/* The score of candidate `cand` from its runs at the rates of `mask`
 * (rate-major, ph->reps runs each). */
static void score(const struct search_result *r, const struct search_phase *ph,
                  int cand, uint64_t mask, const struct run_result *runs,
                  struct search_score *sc)
{
    struct vsr_config cfg;
    struct stats_layout lay;
    double fwd[SCENARIO_MAX_RATES];
    slot_config(r, cand, &cfg);
    vsr_layout(&cfg, &lay);
    memset(sc, 0, sizeof *sc);
    sc->cand = cand;
    sc->sustained = 1;
    sc->value = -1;
    for (int k = 0; k < ph->nrates; k++) {
        if (!(mask >> k & 1))
            continue;
        const struct run_result *rr = runs;
        runs += ph->reps;
        struct point_summary p;
        stats_summarise(&lay, rr, ph->reps, ph->rate_kpps[k], &p);
        fwd[k] = p.forwarded_kpps;
        if (r->o.rank != SEARCH_CPU) {
            if (p.forwarded_kpps > sc->value) {
                sc->value = p.forwarded_kpps;
                sc->ci99 = p.ci99_kpps;
                sc->at_kpps = ph->rate_kpps[k];
                sc->fwd_kpps = p.forwarded_kpps;
            }
            continue;
        }
        double sum = 0, sumsq = 0;
        for (int j = 0; j < ph->reps; j++) {
            double b = run_busy(&lay, &rr[j]);
            sum += b;
            sumsq += b * b;
        }
        double mean = sum / ph->reps;
        double var = ph->reps > 1 ? (sumsq - sum * mean) / (ph->reps - 1) : 0;
        sc->value = mean;
        sc->ci99 = stats_ci99(sqrt(var > 0 ? var : 0), ph->reps);
        sc->at_kpps = ph->rate_kpps[k];
        sc->fwd_kpps = p.forwarded_kpps;
        sc->sustained = p.loss_frac <= ph->max_loss;
    }
    for (int k = 0; k < ph->nrates; k++)
        if ((mask >> k & 1) && fwd[k] >= (1 - SEARCH_PEAK_SLACK) * sc->value)
            sc->near_peak |= 1ULL << k;
    sc->key = r->o.rank != SEARCH_CPU ? sc->value
              : sc->sustained         ? -sc->value
                                      : sc->fwd_kpps;
}

/* -1 when a ranks before b: sustained first, then the higher key, then
 * the candidate generated first. */
static int score_cmp(const void *pa, const void *pb)
{
    const struct search_score *a = pa, *b = pb;
    if (a->sustained != b->sustained)
        return a->sustained ? -1 : 1;
    if (a->key != b->key)
        return a->key > b->key ? -1 : 1;
    return (a->cand > b->cand) - (a->cand < b->cand);
}

static int popcount64(uint64_t m)
{
    int n = 0;
    for (; m; m &= m - 1)
        n++;
    return n;
}

/* Simulate phase p on the candidates of slot[0..ncand) and the curve as
 * given (slot ncand), each at the rates of its mask; scores into
 * r->score[p] (sorted) and r->given[p]. */
static int run_phase(struct search_result *r, const struct costmodel *cm, int p,
                     const int *slot, const uint64_t *mask)
{
    struct search_phase *ph = &r->phase[p];
    int nslots = ph->ncand + 1, ntasks = 0;
    int *all = xmalloc((size_t)nslots * sizeof *all);
    int *first = xmalloc((size_t)nslots * sizeof *first);
    memcpy(all, slot, (size_t)ph->ncand * sizeof *all);
    all[ph->ncand] = -1;
    ph->points = 0;
    for (int i = 0; i < nslots; i++) {
        first[i] = ntasks;
        ntasks += popcount64(mask[i]) * ph->reps;
        ph->points += popcount64(mask[i]);
    }
    struct task *task = xmalloc((size_t)ntasks * sizeof *task);
    for (int i = 0, n = 0; i < nslots; i++)
        for (int k = 0; k < ph->nrates; k++)
            for (int j = 0; j < ph->reps && (mask[i] >> k & 1); j++)
                task[n++] = (struct task){i, k, j};
    struct run_result *runs = xcalloc((size_t)ntasks, sizeof *runs);
    struct eval e = {.r = r,
                     .cm = cm,
                     .ph = ph,
                     .full = p == r->nphases - 1,
                     .slot = all,
                     .task = task};
    int rc = sweep_map(ntasks, eval_one, &e, r->o.jobs, r->o.progress, runs);
    if (rc == 0) {
        r->score[p] = xcalloc((size_t)ph->ncand, sizeof *r->score[p]);
        for (int i = 0; i < ph->ncand; i++)
            score(r, ph, all[i], mask[i], runs + first[i], &r->score[p][i]);
        score(r, ph, -1, mask[ph->ncand], runs + first[ph->ncand],
              &r->given[p]);
        qsort(r->score[p], (size_t)ph->ncand, sizeof *r->score[p], score_cmp);
        int rank = 1;
        for (int i = 0; i < ph->ncand; i++)
            rank += score_cmp(&r->score[p][i], &r->given[p]) < 0;
        r->given_rank[p] = rank;
    }
    free(runs);
    free(task);
    free(first);
    free(all);
    return rc;
}

int search_run(const struct scenario *s, const struct costmodel *cm,
               const struct search_opts *o, struct search_result *r, char *err,
               size_t errlen)
{
    memset(r, 0, sizeof *r);
    r->s = s;
    r->o = *o;
    r->curve = -1;
    for (int c = 0; c < s->ncurves && r->curve < 0; c++)
        if (!o->curve || strcmp(s->curve[c].name, o->curve) == 0)
            r->curve = c;
    if (r->curve < 0) {
        int n = snprintf(err, errlen, "--curve: %s has no curve '%s' (it has",
                         s->path, o->curve);
        for (int c = 0; c < s->ncurves && n > 0 && (size_t)n < errlen; c++)
            n += snprintf(err + n, errlen - (size_t)n, "%s '%s'", c ? "," : "",
                          s->curve[c].name);
        if (n > 0 && (size_t)n < errlen)
            snprintf(err + n, errlen - (size_t)n, ")");
        return SIM_EINPUT;
    }
    const struct vsr_config *cfg = &s->curve[r->curve].cfg;
    if (o->rank == SEARCH_CPU &&
        o->target_kpps * 1e3 > vsr_line_rate_pps(cfg) * (1 + 1e-9)) {
        snprintf(err, errlen,
                 "--target: %g kpps is above the line rate "
                 "(%.0f kpps)",
                 o->target_kpps, vsr_line_rate_pps(cfg) / 1e3);
        return SIM_EINPUT;
    }
    int rc = search_space_init(&r->sp, cfg, o, err, errlen);
    if (rc)
        return rc;
    rc = search_candidates(&r->sp, cfg, &r->cand, err, errlen);
    if (rc < 0)
        return rc;
    r->ncand = rc;
    plan(r);

    int *slot = xmalloc((size_t)r->ncand * sizeof *slot);
    uint64_t *mask = xmalloc(((size_t)r->ncand + 1) * sizeof *mask);
    for (int i = 0; i < r->ncand; i++)
        slot[i] = i;
    for (int p = 0; p < r->nphases; p++) {
        struct search_phase *ph = &r->phase[p];
        uint64_t every = ph->nrates == 64 ? ~0ULL : (1ULL << ph->nrates) - 1;
        for (int i = 0; i <= ph->ncand; i++)
            mask[i] = every;
        if (p > 0) /* the best of the phase before, in their order */
            for (int i = 0; i < ph->ncand; i++)
                slot[i] = r->score[p - 1][i].cand;
        /* At full fidelity, the peak is sought only where the refined
         * curve comes within SEARCH_PEAK_SLACK of its peak. */
        if (p > 0 && p == r->nphases - 1 && r->o.rank == SEARCH_PEAK &&
            r->phase[p - 1].nrates == ph->nrates) {
            ph->near_peak = 1;
            for (int i = 0; i < ph->ncand; i++)
                mask[i] = r->score[p - 1][i].near_peak;
            mask[ph->ncand] = r->given[p - 1].near_peak;
        }
        if (run_phase(r, cm, p, slot, mask)) {
            free(mask);
            free(slot);
            snprintf(err, errlen, "a worker process failed");
            return SIM_EIO;
        }
    }
    free(mask);
    free(slot);
    slot_config(r, r->score[r->nphases - 1][0].cand, &r->best);
    return 0;
}

void search_result_clear(struct search_result *r)
{
    for (int p = 0; p < SEARCH_PHASES; p++)
        free(r->score[p]);
    free(r->cand);
    memset(r, 0, sizeof *r);
}

/* ---- Output -------------------------------------------------------- */

/* Cores of a mask as "2" or "0-3" or "0,2". */
static void cpus_text(uint64_t m, char *out, size_t len)
{
    size_t n = 0;
    out[0] = '\0';
    for (int c = 0; c < 64 && n < len; c++) {
        if (!(m >> c & 1))
            continue;
        int e = c;
        while (e + 1 < 64 && (m >> (e + 1) & 1))
            e++;
        n += (size_t)snprintf(out + n, len - n, "%s%d", n ? "," : "", c);
        if (e > c && n < len)
            n += (size_t)snprintf(out + n, len - n, "%s%d",
                                  e > c + 1 ? "-" : ",", e);
        c = e;
    }
}

/* A thread's cell of the table: its cores, and its policy unless CFS. */
static void thread_cell(const struct vsr_thread_cfg *t, char *out, size_t len)
{
    char cpus[32];
    cpus_text(t->cpus, cpus, sizeof cpus);
    switch (t->cls->rank) {
    case SCHED_FIFO:
        snprintf(out, len, "%s fifo %d", cpus, t->prio);
        break;
    case SCHED_DEADLINE:
        snprintf(out, len, "%s dl %g/%g", cpus, (double)t->dl_runtime_ns / 1e6,
                 (double)t->dl_period_ns / 1e6);
        break;
    default:
        if (t->nice)
            snprintf(out, len, "%s nice %d", cpus, t->nice);
        else
            snprintf(out, len, "%s", cpus);
    }
}

static const char *rank_text(enum search_rank k)
{
    return k == SEARCH_PEAK       ? "peak forwarded rate"
           : k == SEARCH_OVERLOAD ? "forwarded rate at the highest offered "
                                    "rate"
                                  : "busy cores at the target rate, among "
                                    "bindings that sustain it";
}

static void ms_text(int64_t ns, char *out, size_t len)
{
    snprintf(out, len, "%g", (double)ns / 1e6);
}

static void phase_line(FILE *f, const struct search_result *r, int p)
{
    const struct search_phase *ph = &r->phase[p];
    char w[32], d[32];
    ms_text(ph->warmup_ns, w, sizeof w);
    ms_text(ph->duration_ns, d, sizeof d);
    fprintf(f, "%-7s %d %s and the curve as given; ", ph->name, ph->ncand,
            p == 0 ? "candidates" : "best");
    double lo = ph->rate_kpps[0], hi = lo;
    for (int k = 1; k < ph->nrates; k++) {
        lo = fmin(lo, ph->rate_kpps[k]);
        hi = fmax(hi, ph->rate_kpps[k]);
    }
    if (ph->nrates == 1)
        fprintf(f, "%g kpps", lo);
    else
        fprintf(f, "%d rates (%g-%g kpps)", ph->nrates, lo, hi);
    if (ph->near_peak)
        fprintf(f, " where each came within %g%% of its peak (%d points)",
                100 * SEARCH_PEAK_SLACK, ph->points);
    fprintf(f, ", %d rep%s of %s+%s ms", ph->reps, ph->reps > 1 ? "s" : "", w,
            d);
    if (r->o.rank == SEARCH_CPU)
        fprintf(f, ", sustained at loss <= %g%%", 100 * ph->max_loss);
    fputc('\n', f);
}

#define CELL 64

/* One row of the table: rank text, score, then the IRQ and thread cells. */
static void row_cells(const struct search_result *r,
                      const struct search_score *sc, char cell[][CELL])
{
    struct vsr_config cfg;
    slot_config(r, sc->cand, &cfg);
    if (r->o.rank == SEARCH_CPU) {
        snprintf(cell[1], CELL, "%.3f", sc->value);
        snprintf(cell[2], CELL, "%.3f", sc->ci99);
        snprintf(cell[3], CELL, "%.1f%s", sc->fwd_kpps,
                 sc->sustained ? "" : " (short)");
    } else {
        snprintf(cell[1], CELL, "%.1f", sc->value);
        snprintf(cell[2], CELL, "%.1f", sc->ci99);
        snprintf(cell[3], CELL, "%g", sc->at_kpps);
    }
    snprintf(cell[4], CELL, "%d", cfg.irq_core);
    for (int t = 0; t < cfg.nthreads; t++)
        thread_cell(&cfg.thread[t], cell[5 + t], CELL);
}

void search_print(FILE *f, const struct search_result *r)
{
    const struct scenario *s = r->s;
    const struct vsr_config *cfg = &s->curve[r->curve].cfg;
    char cores[64];
    cpus_text(cfg->online, cores, sizeof cores);
    fprintf(f,
            "search: %s, curve \"%s\": %d threads and the NIC IRQ on "
            "cores %s, the IRQ kept on core %d\n",
            s->name, s->curve[r->curve].name, cfg->nthreads, cores,
            cfg->irq_core);
    long np = search_placements(1 + cfg->nthreads, r->sp.ncores, NULL, 0);
    fprintf(f,
            "%d candidates: %ld placements distinct up to renaming "
            "cores",
            r->ncand, np);
    if (r->sp.nfifo) {
        fputs(", FIFO priorities", f);
        for (int i = 0; i < r->sp.nfifo; i++)
            fprintf(f, "%s %d", i ? "," : "", r->sp.fifo[i]);
        fprintf(f, "%s ordered per core", r->sp.cfs ? " or CFS" : "");
    }
    if (r->sp.nbudget) {
        fputs(", CBS runtimes", f);
        for (int i = 0; i < r->sp.nbudget; i++)
            fprintf(f, "%s %g", i ? "," : "", r->sp.budget_ms[i]);
        fputs(" ms", f);
    }
    fprintf(f, "\nranked by %s", rank_text(r->o.rank));
    if (r->o.rank == SEARCH_CPU)
        fprintf(f, " (%g kpps)", r->o.target_kpps);
    fputc('\n', f);
    for (int p = 0; p < r->nphases; p++)
        phase_line(f, r, p);
    fputc('\n', f);

    /* The table: header, the final phase's candidates, the curve. */
    int last = r->nphases - 1, ncols = 5 + cfg->nthreads;
    int nrows = r->phase[last].ncand + 2;
    char(*cell)[5 + VSR_MAX_THREADS][CELL] =
        xcalloc((size_t)nrows, sizeof *cell);
    static const char *const head[][4] = {
        [SEARCH_PEAK] = {"rank", "peak_kpps", "ci99", "at_kpps"},
        [SEARCH_OVERLOAD] = {"rank", "kpps", "ci99", "at_kpps"},
        [SEARCH_CPU] = {"rank", "busy_cores", "ci99", "fwd_kpps"},
    };
    for (int k = 0; k < 4; k++)
        snprintf(cell[0][k], CELL, "%s", head[r->o.rank][k]);
    snprintf(cell[0][4], CELL, "irq");
    for (int t = 0; t < cfg->nthreads; t++)
        snprintf(cell[0][5 + t], CELL, "%s", cfg->thread[t].name);
    for (int i = 0; i < r->phase[last].ncand; i++) {
        snprintf(cell[1 + i][0], CELL, "%d", i + 1);
        row_cells(r, &r->score[last][i], cell[1 + i]);
    }
    snprintf(cell[nrows - 1][0], CELL, "given");
    row_cells(r, &r->given[last], cell[nrows - 1]);
    int width[5 + VSR_MAX_THREADS] = {0};
    for (int i = 0; i < nrows; i++)
        for (int k = 0; k < ncols; k++) {
            int n = (int)strlen(cell[i][k]);
            if (n > width[k])
                width[k] = n;
        }
    for (int i = 0; i < nrows; i++) {
        for (int k = 0; k < ncols; k++) {
            const char *gap = k ? "  " : "";
            if (k < 4) /* numbers to the right, cores to the left */
                fprintf(f, "%s%*s", gap, width[k], cell[i][k]);
            else
                fprintf(f, "%s%-*s", gap, k == ncols - 1 ? 0 : width[k],
                        cell[i][k]);
        }
        fputc('\n', f);
    }
    free(cell);
    fputs("\nthe curve as given ranks", f);
    for (int p = 0; p < r->nphases; p++)
        fprintf(f, "%s %d of %d in %s", p ? "," : "", r->given_rank[p],
                r->phase[p].ncand + 1, r->phase[p].name);
    fputc('\n', f);
}

static const char *const kind_name[] = {
    [VSR_VCPU] = "vcpu",
    [VSR_VHOST] = "vhost",
    [VSR_VHOST_RX] = "vhost-rx",
    [VSR_VHOST_TX] = "vhost-tx",
    [VSR_IO] = "io",
    [VSR_GEN] = "generator",
};

/* "fig21, curve "x"": what the winner was found for, and its score. */
static void winner_text(const struct search_result *r, char *out, size_t len)
{
    const struct search_score *w = &r->score[r->nphases - 1][0];
    const char *what = r->s->curve[r->curve].name;
    if (r->o.rank == SEARCH_CPU)
        snprintf(out, len,
                 "%s, curve \"%s\": %.3f +- %.3f busy cores at %g kpps "
                 "(%.1f forwarded)",
                 r->s->name, what, w->value, w->ci99, w->at_kpps, w->fwd_kpps);
    else
        snprintf(out, len,
                 "%s, curve \"%s\": %.1f +- %.1f kpps forwarded at %g "
                 "offered",
                 r->s->name, what, w->value, w->ci99, w->at_kpps);
}

void search_write_fragment(FILE *f, const struct search_result *r)
{
    const struct vsr_config *c = &r->best;
    char what[256];
    winner_text(r, what, sizeof what);
    fprintf(f, "# vsrsim search, the best of %d candidates ranked by %s.\n",
            r->ncand, rank_text(r->o.rank));
    fprintf(f, "# %s.\n", what);
    fprintf(f, "# The NIC IRQ stays on core %d (host.nic.irq_core).\n",
            c->irq_core);
    fputs("threads = {\n", f);
    for (int t = 0; t < c->nthreads; t++) {
        const struct vsr_thread_cfg *th = &c->thread[t];
        fprintf(f, "  %s = { kind = \"%s\";", th->name, kind_name[th->kind]);
        if (c->nvm > 1)
            fprintf(f, " vm = \"%s\";", c->vm[th->vm].name);
        if (th->nic)
            fprintf(f, " nic = %d;", th->nic);
        fputs(" cpus = [", f);
        for (int k = 0, first = 1; k < 64; k++)
            if (th->cpus >> k & 1) {
                fprintf(f, "%s%d", first ? "" : ", ", k);
                first = 0;
            }
        fprintf(f, "]; policy = \"%s\";", th->cls->name);
        if (th->cls->rank == SCHED_FIFO)
            fprintf(f, " priority = %d;", th->prio);
        else if (th->cls->rank == SCHED_DEADLINE)
            fprintf(f, " runtime_ms = %.15g; period_ms = %.15g;",
                    (double)th->dl_runtime_ns / 1e6,
                    (double)th->dl_period_ns / 1e6);
        else if (th->nice)
            fprintf(f, " nice = %d;", th->nice);
        fputs(" };\n", f);
    }
    fputs("};\n", f);
}

/* The commands that bind and schedule one thread by its TID. */
static void thread_commands(FILE *f, const struct vsr_thread_cfg *t)
{
    char cpus[64];
    cpus_text(t->cpus, cpus, sizeof cpus);
    fprintf(f, "taskset -pc %s TID", cpus);
    if (t->cls->rank == SCHED_FIFO)
        fprintf(f, "; chrt -f -p %d TID", t->prio);
    else if (t->cls->rank == SCHED_DEADLINE)
        fprintf(f,
                "; chrt -d --sched-runtime %lld --sched-period %lld -p 0 "
                "TID",
                (long long)t->dl_runtime_ns, (long long)t->dl_period_ns);
    else if (t->nice)
        fprintf(f, "; renice -n %d -p TID", t->nice);
}

void search_write_cputune(FILE *f, const struct search_result *r)
{
    const struct vsr_config *c = &r->best;
    char what[256], cpus[64];
    winner_text(r, what, sizeof what);
    fprintf(f, "<!-- vsrsim search: %s. -->\n", what);
    fprintf(f,
            "<!-- NIC IRQ on core %d: echo %d > "
            "/proc/irq/IRQ/smp_affinity_list -->\n",
            c->irq_core, c->irq_core);
    for (int t = 0; t < c->nthreads; t++)
        if (c->thread[t].kind == VSR_GEN) {
            fprintf(f, "<!-- traffic generator %s, on the host: ",
                    c->thread[t].name);
            thread_commands(f, &c->thread[t]);
            fputs(" -->\n", f);
        }
    for (int m = 0; m < c->nvm; m++) {
        if (c->nvm > 1)
            fprintf(f, "<!-- domain %s -->\n", c->vm[m].name);
        fputs("<cputune>\n", f);
        int vcpu = 0, io = 0;
        for (int t = 0; t < c->nthreads; t++) {
            const struct vsr_thread_cfg *th = &c->thread[t];
            if (th->vm != m || th->kind == VSR_GEN)
                continue;
            cpus_text(th->cpus, cpus, sizeof cpus);
            int fifo = th->cls->rank == SCHED_FIFO;
            int dl = th->cls->rank == SCHED_DEADLINE;
            if (th->kind == VSR_VCPU) {
                fprintf(f, "  <vcpupin vcpu=\"%d\" cpuset=\"%s\"/>\n", vcpu,
                        cpus);
                if (fifo)
                    fprintf(f,
                            "  <vcpusched vcpus=\"%d\" scheduler=\"fifo\" "
                            "priority=\"%d\"/>\n",
                            vcpu, th->prio);
                if (dl || th->nice) {
                    fprintf(f,
                            "  <!-- %s (vCPU %d): libvirt cannot set "
                            "this; after start, with TID the vCPU's "
                            "thread: ",
                            th->name, vcpu);
                    thread_commands(f, th);
                    fputs(" -->\n", f);
                }
                vcpu++;
            } else if (th->kind == VSR_IO) {
                if (io == 0) {
                    fprintf(f,
                            "  <!-- %s: QEMU's I/O thread (its main "
                            "loop) -->\n",
                            th->name);
                    fprintf(f, "  <emulatorpin cpuset=\"%s\"/>\n", cpus);
                    if (fifo)
                        fprintf(f,
                                "  <emulatorsched scheduler=\"fifo\" "
                                "priority=\"%d\"/>\n",
                                th->prio);
                } else {
                    fprintf(f, "  <!-- %s: the I/O thread of NIC %d -->\n",
                            th->name, th->nic);
                    fprintf(f,
                            "  <iothreadpin iothread=\"%d\" "
                            "cpuset=\"%s\"/>\n",
                            io, cpus);
                    if (fifo)
                        fprintf(f,
                                "  <iothreadsched iothreads=\"%d\" "
                                "scheduler=\"fifo\" priority=\"%d\"/>\n",
                                io, th->prio);
                }
                if (dl || th->nice) {
                    fprintf(f,
                            "  <!-- %s: libvirt cannot set this; after "
                            "start: ",
                            th->name);
                    thread_commands(f, th);
                    fputs(" -->\n", f);
                }
                io++;
            } else {
                fprintf(f,
                        "  <!-- %s: vhost-net worker of NIC %d; libvirt "
                        "cannot pin it. After start, with TID from "
                        "pgrep vhost-QEMU_PID: ",
                        th->name, th->nic);
                thread_commands(f, th);
                fputs(" -->\n", f);
            }
        }
        fputs("</cputune>\n", f);
    }
}
