/*
 * test_search.c - candidates and ranking of search.[ch].
 *
 * Counts of placements are checked against numbers counted by hand and
 * against brute force (every assignment of items to cores, relabelled in
 * order of first use, counted once). Searches run on
 * models/examples/search-router.cfg (found under $VSRSIM_SRCDIR, default
 * "."), one router VM with a vCPU and vhost-net on three cores, shortened
 * to two rates and runs of 10 + 50 ms: there the binding with the IRQ,
 * the vCPU and vhost-net each on its own core is the known optimum, and
 * everything on the interrupt core is dominated by it. Each test checks
 * one property.
 */
#include <inttypes.h>
#include <math.h>
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
#include "scenario.h"
#include "search.h"
#include "store.h"

/* ---- Placements ------------------------------------------------------- */

/* 3 items on 2 identical cores: {abc}, {ab|c}, {ac|b}, {a|bc}. */
static void test_three_items_two_cores_by_hand(void **state)
{
    (void)state;
    uint8_t pl[8][SEARCH_MAX_ITEMS];
    static const uint8_t want[4][3] = {
        {0, 0, 0}, {0, 0, 1}, {0, 1, 0}, {0, 1, 1}};
    assert_i64_equal(search_placements(3, 2, pl, 8), 4);
    for (int i = 0; i < 4; i++)
        assert_memory_equal(pl[i], want[i], 3);
}

/* The IRQ and three threads on 2 cores: S(4,1) + S(4,2) = 1 + 7; Fig 21's
 * IRQ and five threads on 2 and on 4 cores: 1 + 31 and 1 + 31 + 90 + 65;
 * 3 items on 5 cores: Bell(3) = 5; more cores than items change nothing;
 * the IRQ and 16 threads on 16 cores: Bell(17) - 1. */
static void test_counts_by_hand(void **state)
{
    (void)state;
    assert_i64_equal(search_placements(4, 2, NULL, 0), 8);
    assert_i64_equal(search_placements(6, 2, NULL, 0), 32);
    assert_i64_equal(search_placements(6, 4, NULL, 0), 187);
    assert_i64_equal(search_placements(3, 5, NULL, 0), 5);
    assert_i64_equal(search_placements(3, 3, NULL, 0), 5);
    assert_i64_equal(search_placements(1, 4, NULL, 0), 1);
    assert_i64_equal(search_placements(5, 1, NULL, 0), 1);
    /* Bell(17) - S(17, 17): counted without enumerating. */
    assert_i64_equal(search_placements(17, 16, NULL, 0), 82864869803LL);
}

/* Relabel an assignment in order of first use; return it as a number in
 * base `ncores`. */
static long canonical(const int *a, int n, int ncores)
{
    int map[16];
    int used = 0;
    long code = 0;
    for (int i = 0; i < ncores; i++)
        map[i] = -1;
    for (int i = 0; i < n; i++) {
        if (map[a[i]] < 0)
            map[a[i]] = used++;
        code = code * ncores + map[a[i]];
    }
    return code;
}

static int cmp_long(const void *a, const void *b)
{
    long x = *(const long *)a, y = *(const long *)b;
    return (x > y) - (x < y);
}

/* Every assignment of n items to c cores, relabelled, counted once. */
static long brute_force(int n, int c)
{
    long total = 1;
    for (int i = 0; i < n; i++)
        total *= c;
    long *code = malloc((size_t)total * sizeof *code);
    assert_non_null(code);
    int a[16];
    for (long k = 0; k < total; k++) {
        long v = k;
        for (int i = n - 1; i >= 0; i--) {
            a[i] = (int)(v % c);
            v /= c;
        }
        code[k] = canonical(a, n, c);
    }
    qsort(code, (size_t)total, sizeof *code, cmp_long);
    long distinct = 0;
    for (long k = 0; k < total; k++)
        distinct += k == 0 || code[k] != code[k - 1];
    free(code);
    return distinct;
}

/* Counted (Stirling numbers) and enumerated alike. */
static void test_counts_match_brute_force(void **state)
{
    (void)state;
    static uint8_t pl[1000][SEARCH_MAX_ITEMS];
    for (int n = 1; n <= 7; n++)
        for (int c = 1; c <= 4; c++) {
            long want = brute_force(n, c);
            assert_i64_equal(search_placements(n, c, NULL, 0), want);
            assert_i64_equal(search_placements(n, c, pl, 1000), want);
        }
}

/* Each placement is a restricted growth string and none repeats. */
static void test_placements_are_canonical(void **state)
{
    (void)state;
    uint8_t(*pl)[SEARCH_MAX_ITEMS] = calloc(187, sizeof *pl);
    assert_non_null(pl);
    assert_i64_equal(search_placements(6, 4, pl, 187), 187);
    for (int i = 0; i < 187; i++) {
        int a[6];
        for (int k = 0; k < 6; k++)
            a[k] = pl[i][k];
        long code = canonical(a, 6, 4), self = 0;
        for (int k = 0; k < 6; k++)
            self = self * 4 + a[k];
        assert_i64_equal(code, self);
        for (int j = 0; j < i; j++)
            assert_true(memcmp(pl[i], pl[j], 6) != 0);
    }
    free(pl);
}

/* ---- Candidates ------------------------------------------------------- */

/* Two CFS threads, IRQ on core irq of `online`, made by hand. */
static void two_threads(struct vsr_config *c, int ncores, uint64_t online,
                        int irq)
{
    memset(c, 0, sizeof *c);
    c->ncores = ncores;
    c->online = online;
    c->irq_core = irq;
    c->nthreads = 2;
    for (int t = 0; t < 2; t++) {
        snprintf(c->thread[t].name, STATS_NAME_LEN, "t%d", t);
        c->thread[t].cls = &sched_cfs_class;
        c->thread[t].weight = 1024;
        c->thread[t].cpus = online;
    }
}

static int count_candidates(const struct vsr_config *c,
                            const struct search_opts *o)
{
    struct search_space sp;
    struct search_candidate *cand = NULL;
    char err[256];
    assert_int_equal(search_space_init(&sp, c, o, err, sizeof err), 0);
    int n = search_candidates(&sp, c, &cand, err, sizeof err);
    free(cand);
    return n;
}

/* FIFO 98 and 99 for two threads (and the IRQ) on 2 cores: together on a
 * core they are equal or ordered either way (3), alone a thread takes 99
 * (1): {IRQ,a,b} 3, {IRQ,a|b} 1, {IRQ,b|a} 1, {IRQ|a,b} 3. */
static void test_fifo_orders_by_hand(void **state)
{
    (void)state;
    struct vsr_config c;
    two_threads(&c, 2, 3, 0);
    struct search_opts o = {.nprio = 2, .prio = {98, 99}};
    assert_int_equal(count_candidates(&c, &o), 8);
}

/* With CFS as a choice, two threads on one core: both CFS, either one
 * FIFO, equal FIFO, ordered FIFO either way (6); alone: CFS or FIFO (2):
 * 6 + 2*2 + 2*2 + 6. */
static void test_fifo_or_cfs_by_hand(void **state)
{
    (void)state;
    struct vsr_config c;
    two_threads(&c, 2, 3, 0);
    struct search_opts o = {.nprio = 3, .prio = {98, 0, 99}};
    assert_int_equal(count_candidates(&c, &o), 20);
}

/* Budgets multiply the placements of a deadline thread's binding. */
static void test_budgets_multiply(void **state)
{
    (void)state;
    struct vsr_config c;
    two_threads(&c, 2, 3, 0);
    c.thread[1].cls = &sched_deadline_class;
    c.thread[1].dl_runtime_ns = 70 * MS;
    c.thread[1].dl_period_ns = 200 * MS;
    struct search_opts o = {.nbudget = 3, .budget_ms = {70, 110, 150}};
    assert_int_equal(count_candidates(&c, &o), 4 * 3);
    o.budget_ms[2] = 250; /* above the period */
    struct search_space sp;
    char err[256];
    assert_int_equal(search_space_init(&sp, &c, &o, err, sizeof err),
                     SIM_EINPUT);
}

/* Label 0 is the curve's IRQ core; the others take the other online
 * cores in order. */
static void test_labels_map_to_cores(void **state)
{
    (void)state;
    struct vsr_config c, out;
    two_threads(&c, 4, 0xd, 2); /* cores 0, 2, 3 online; IRQ on 2 */
    struct search_opts o = {0};
    struct search_space sp;
    char err[256];
    assert_int_equal(search_space_init(&sp, &c, &o, err, sizeof err), 0);
    assert_int_equal(sp.ncores, 3);
    struct search_candidate k = {.label = {0, 1, 2}};
    search_apply(&sp, &c, &k, &out);
    assert_int_equal(out.irq_core, 2);
    assert_i64_equal(out.thread[0].cpus, 1 << 0);
    assert_i64_equal(out.thread[1].cpus, 1 << 3);
    struct search_candidate same = {.label = {0, 0, 1}};
    search_apply(&sp, &c, &same, &out);
    assert_i64_equal(out.thread[0].cpus, 1 << 2);
    assert_i64_equal(out.thread[1].cpus, 1 << 0);
}

/* ---- Searches --------------------------------------------------------- */

static struct scenario *scn;
static struct costmodel cm;

static int load_router(void **state)
{
    (void)state;
    char path[512];
    snprintf(path, sizeof path, "%s/models/examples/search-router.cfg",
             fixture_srcdir());
    static const char *const set[] = {"sim.reps=2", "sim.warmup_ms=10",
                                      "sim.duration_ms=50",
                                      "traffic.rates_kpps=[400.0, 1200.0]"};
    scn = xmalloc(sizeof *scn);
    if (fixture_load(path, set, 4, scn, &cm)) {
        fprintf(stderr, "(set VSRSIM_SRCDIR?)\n");
        return -1;
    }
    return 0;
}

static int unload_router(void **state)
{
    (void)state;
    scenario_clear(scn);
    free(scn);
    return 0;
}

static void search(const struct search_opts *o, struct search_result *r)
{
    char err[1024];
    int rc = search_run(scn, &cm, o, r, err, sizeof err);
    if (rc)
        fail_msg("%s", err);
}

static const uint8_t spread[3] = {0, 1, 2}, shared[3] = {0, 0, 0};

static const uint8_t *labels(const struct search_result *r,
                             const struct search_score *sc)
{
    return r->cand[sc->cand].label;
}

/* The best of 5 placements by peak: IRQ, vCPU and vhost-net apart. */
static void test_finds_known_optimum(void **state)
{
    (void)state;
    struct search_opts o = {.rank = SEARCH_PEAK, .top = 5, .jobs = 1};
    struct search_result r;
    search(&o, &r);
    assert_int_equal(r.ncand, 5);
    const struct search_score *best = &r.score[r.nphases - 1][0];
    assert_memory_equal(labels(&r, best), spread, 3);
    assert_i64_equal(r.best.thread[0].cpus | r.best.thread[1].cpus, 0x6);
    search_result_clear(&r);
}

/* Everything on the interrupt core never ranks first, by peak or by
 * overload, and ranks below the placement that spreads the items. */
static void test_dominated_never_first(void **state)
{
    (void)state;
    enum search_rank ranks[] = {SEARCH_PEAK, SEARCH_OVERLOAD};
    for (int k = 0; k < 2; k++) {
        struct search_opts o = {.rank = ranks[k], .top = 5, .jobs = 1};
        struct search_result r;
        search(&o, &r);
        const struct search_score *sc = r.score[r.nphases - 1];
        int at_shared = -1, at_spread = -1;
        for (int i = 0; i < r.phase[r.nphases - 1].ncand; i++) {
            if (memcmp(labels(&r, &sc[i]), shared, 3) == 0)
                at_shared = i;
            if (memcmp(labels(&r, &sc[i]), spread, 3) == 0)
                at_spread = i;
        }
        assert_int_equal(at_spread, 0);
        assert_true(at_shared > at_spread);
        assert_true(sc[at_shared].value < sc[at_spread].value);
        /* The curve as given binds everything to the IRQ core. */
        assert_true(r.given_rank[r.nphases - 1] > 1);
        search_result_clear(&r);
    }
}

/* By CPU for a target: every candidate that sustains it ranks before any
 * that does not, and the first sustains it. */
static void test_cpu_rank_sustains_first(void **state)
{
    (void)state;
    struct search_opts o = {
        .rank = SEARCH_CPU, .target_kpps = 500, .top = 5, .jobs = 1};
    struct search_result r;
    search(&o, &r);
    const struct search_score *sc = r.score[r.nphases - 1];
    int n = r.phase[r.nphases - 1].ncand;
    assert_true(sc[0].sustained);
    for (int i = 1; i < n; i++) {
        assert_true(sc[i - 1].sustained >= sc[i].sustained);
        if (sc[i - 1].sustained && sc[i].sustained)
            assert_true(sc[i - 1].value <= sc[i].value);
    }
    assert_true(!sc[n - 1].sustained); /* everything on one core cannot */
    search_result_clear(&r);
}

static void assert_same_score(const struct search_score *a,
                              const struct search_score *b)
{
    assert_int_equal(a->cand, b->cand);
    assert_true(a->value == b->value && a->ci99 == b->ci99);
    assert_true(a->at_kpps == b->at_kpps && a->fwd_kpps == b->fwd_kpps);
    assert_int_equal(a->sustained, b->sustained);
    assert_i64_equal(a->near_peak, b->near_peak);
}

/* A search long enough for three phases gives the same scores with one
 * worker process and with two. */
static void test_same_with_any_jobs(void **state)
{
    (void)state;
    struct search_opts o = {.rank = SEARCH_PEAK,
                            .top = 5,
                            .jobs = 1,
                            .nprio = 3,
                            .prio = {99, 98, 0}};
    struct search_result a, b;
    search(&o, &a);
    o.jobs = 2;
    search(&o, &b);
    assert_int_equal(a.ncand, 24);
    assert_int_equal(a.nphases, 3);
    for (int p = 0; p < a.nphases; p++) {
        for (int i = 0; i < a.phase[p].ncand; i++)
            assert_same_score(&a.score[p][i], &b.score[p][i]);
        assert_same_score(&a.given[p], &b.given[p]);
    }
    search_result_clear(&a);
    search_result_clear(&b);
}

/* The table has a header, one row per candidate of the last phase, and
 * the curve as given last. */
static void test_table_rows(void **state)
{
    (void)state;
    struct search_opts o = {.rank = SEARCH_PEAK, .top = 3, .jobs = 1};
    struct search_result r;
    search(&o, &r);
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    search_print(f, &r);
    fclose(f);
    const char *head = strstr(text, " rank  peak_kpps");
    assert_non_null(head);
    int rows = 0;
    const char *given = NULL;
    for (const char *p = strchr(head, '\n'); p && p[1] != '\n';
         p = strchr(p + 1, '\n')) {
        rows++;
        if (strncmp(p + 1, "given", 5) == 0)
            given = p + 1;
    }
    assert_int_equal(rows, 3 + 1);
    assert_non_null(given);
    assert_non_null(strstr(head, "vcpu0  vhost\n"));
    free(text);
    search_result_clear(&r);
}

/* The fragment, @included by a scenario, binds the threads as the winner
 * does; the <cputune> pins the vCPU there. */
static void test_fragment_round_trip(void **state)
{
    (void)state;
    struct search_opts o = {.rank = SEARCH_PEAK, .top = 5, .jobs = 1};
    struct search_result r;
    search(&o, &r);
    char path[512], err[1024];
    assert_non_null(fixture_dir("search"));
    fixture_path(path, sizeof path, "winner.cfg");
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    search_write_fragment(f, &r);
    fclose(f);
    /* libconfig reads includes relative to the scenario's folder only. */
    const char *src = getenv("VSRSIM_SRCDIR");
    char hosts[512], cwd[512] = ".";
    if (!src && getcwd(cwd, sizeof cwd))
        src = cwd;
    snprintf(hosts, sizeof hosts, "%s/models/hosts", src);
    fixture_path(path, sizeof path, "hosts");
    assert_int_equal(symlink(hosts, path), 0);
    static const char scenario[] = "@include \"hosts/e5-1620.cfg\"\n"
                                   "traffic = { rates_kpps = [100.0]; };\n"
                                   "@include \"winner.cfg\"\n";
    fixture_path(path, sizeof path, "s.cfg");
    assert_int_equal(fixture_write(path, scenario), 0);
    struct scenario *s = xmalloc(sizeof *s);
    int rc = scenario_load(s, path, NULL, 0, err, sizeof err);
    if (rc)
        fail_msg("%s", err);
    const struct vsr_config *c = &s->curve[0].cfg;
    assert_int_equal(c->nthreads, r.best.nthreads);
    for (int t = 0; t < c->nthreads; t++) {
        assert_string_equal(c->thread[t].name, r.best.thread[t].name);
        assert_i64_equal(c->thread[t].cpus, r.best.thread[t].cpus);
        assert_ptr_equal(c->thread[t].cls, r.best.thread[t].cls);
    }
    scenario_clear(s);
    free(s);

    char *xml = NULL;
    size_t len = 0;
    f = open_memstream(&xml, &len);
    search_write_cputune(f, &r);
    fclose(f);
    assert_non_null(strstr(xml, "<vcpupin vcpu=\"0\" cpuset=\"1\"/>"));
    assert_non_null(strstr(xml, "taskset -pc 2 TID"));
    free(xml);
    fixture_remove();
    search_result_clear(&r);
}

int main(void)
{
    const struct CMUnitTest unit[] = {
        cmocka_unit_test(test_three_items_two_cores_by_hand),
        cmocka_unit_test(test_counts_by_hand),
        cmocka_unit_test(test_counts_match_brute_force),
        cmocka_unit_test(test_placements_are_canonical),
        cmocka_unit_test(test_fifo_orders_by_hand),
        cmocka_unit_test(test_fifo_or_cfs_by_hand),
        cmocka_unit_test(test_budgets_multiply),
        cmocka_unit_test(test_labels_map_to_cores),
    };
    const struct CMUnitTest searches[] = {
        cmocka_unit_test(test_finds_known_optimum),
        cmocka_unit_test(test_dominated_never_first),
        cmocka_unit_test(test_cpu_rank_sustains_first),
        cmocka_unit_test(test_same_with_any_jobs),
        cmocka_unit_test(test_table_rows),
        cmocka_unit_test(test_fragment_round_trip),
    };
    int failed = cmocka_run_group_tests_name("placements", unit, NULL, NULL);
    failed += cmocka_run_group_tests_name("searches", searches, load_router,
                                          unload_router);
    return failed != 0;
}
