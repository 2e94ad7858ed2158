/*
 * test_claims.c - the paper's claims, checked on simulated curves from the
 * one default cost model: one cmocka test per claim of sim/claims.c.
 *
 * Each test runs the scenarios its claim reads (models/paper/figNN.cfg,
 * each once, exactly as `vsrsim run` does) and prints every verdict. A
 * claim whose scenario file does not exist is skipped. Verdicts the model
 * does not meet yet (known_failing in sim/claims.c) are evaluated and
 * printed, but they do not fail the suite (some sit on the edge of their
 * threshold, where asserting either way would make the suite flaky).
 * VSRSIM_CLAIMS, a comma-separated list of claim ids, runs only those
 * (`make valgrind` uses it).
 *
 * Before them, the checks themselves are tested on made-up figures, set
 * up as if run, where each verdict is known in advance (these always run:
 * they take no time).
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "claims.h"
#include "err.h"
#include "fixture.h"

static struct claims_ctx cx;

static void test_claim(void **state)
{
    const struct claim *c = *state;
    struct claim_result r;
    char msg[CLAIMS_MSG_LEN + 16] = "";
    claims_eval(&cx, c, &r);
    if (r.status == CLAIM_NOT_RUN) {
        printf("# %s not run: %s\n", c->id, r.why);
        claim_result_clear(&r);
        skip();
    }
    for (int i = 0; i < r.nlines && !msg[0]; i++) {
        const struct claim_line *l = &r.line[i];
        if (l->known)
            printf("# %s known failing, %s now: %s\n", c->id,
                   l->ok ? "passes" : "fails", l->msg);
        else
            printf("# %s %s: %s\n", c->id, l->ok ? "pass" : "FAIL", l->msg);
        if (!l->known && !l->ok)
            snprintf(msg, sizeof msg, "%s: %s", c->id, l->msg);
    }
    claim_result_clear(&r);
    if (msg[0])
        fail_msg("%s", msg);
}

/* ---- the checks on made-up figures */

/* A context whose folder holds no scenario: the figures a test makes are
 * all its claims find. */
static struct claims_ctx fake;

static int fake_setup(void **state)
{
    (void)state;
    claims_init(&fake, "/nonexistent/vsrsim-test-claims", 1, 0);
    return 0;
}

static int fake_teardown(void **state)
{
    claims_clear(&fake);
    return fixture_teardown(state);
}

struct fake_curve {
    const char *name;
    double cap; /* forwards what is offered up to this, in kpps */
};

/* Fifteen offered rates, 100 to 1500 kpps, ascending or descending. */
static void fake_rates(double *rates, int descending)
{
    for (int r = 0; r < 15; r++)
        rates[r] = 100.0 * (descending ? 15 - r : r + 1);
}

/* Figure `name` of the made-up context, as if run at `rates` (15 of
 * them): one curve for each of `curves` (ended by a NULL name), each
 * forwarding what is offered up to its cap, with no CI and idle cores. */
static struct claims_fig *
fake_fig(const char *name, const struct fake_curve *curves, const double *rates)
{
    struct claims_fig *f = claims_figure(&fake, name);
    f->state = CLAIMS_FIG_RUN;
    snprintf(f->s.path, sizeof f->s.path, "fake/%s.cfg", name);
    snprintf(f->s.name, sizeof f->s.name, "%s", name);
    f->s.nrates = 15;
    memcpy(f->s.rates_kpps, rates, 15 * sizeof *rates);
    while (curves[f->s.ncurves].name) {
        snprintf(f->s.curve[f->s.ncurves].name, sizeof f->s.curve[0].name, "%s",
                 curves[f->s.ncurves].name);
        f->s.ncurves++;
    }
    f->pt = xcalloc((size_t)f->s.ncurves, sizeof *f->pt);
    for (int c = 0; c < f->s.ncurves; c++)
        for (int r = 0; r < 15; r++) {
            struct point_summary *p = &f->pt[c][r];
            p->offered_kpps = p->sent_kpps = rates[r];
            p->forwarded_kpps = fmin(rates[r], curves[c].cap);
            p->reps = 10;
        }
    return f;
}

/* Index of the highest rate of f (what a check calls overload). */
static int fake_top(const struct claims_fig *f)
{
    return f->s.rates_kpps[0] > f->s.rates_kpps[14] ? 0 : 14;
}

/* The claim called `id`; the test fails without one. */
static const struct claim *claim_by_id(const char *id)
{
    for (int i = 0; i < nclaims; i++)
        if (strcmp(claims[i].id, id) == 0)
            return &claims[i];
    fail_msg("no claim %s", id);
    return NULL;
}

/* Decide claim `id` on the made-up figures, printing its verdicts. */
static void decide(const char *id, struct claim_result *r)
{
    claims_eval(&fake, claim_by_id(id), r);
    for (int k = 0; k < r->nlines; k++)
        printf("# made up: %s %s%s: %s\n", id, r->line[k].ok ? "pass" : "fail",
               r->line[k].known ? " (known)" : "", r->line[k].msg);
}

/* A scenario that cannot be loaded fails its claims even where they, or
 * their verdicts on that figure, are listed as known failing (C6.1 whole,
 * G2 on fig06): a broken scenario decided nothing. */
static void test_bad_scenario_fails(void **state)
{
    (void)state;
    const char *dir = fixture_dir("claims");
    char path[600];
    assert_non_null(dir);
    assert_int_equal(fixture_write(fixture_path(path, sizeof path, "fig06.cfg"),
                                   "this is no scenario\n"),
                     0);
    claims_clear(&fake);
    claims_init(&fake, dir, 1, 0);
    static const char *const ids[] = {"C6.1", "G2"};
    for (int i = 0; i < 2; i++) {
        struct claim_result r;
        decide(ids[i], &r);
        assert_int_equal(r.status, CLAIM_FAIL);
        assert_int_equal(r.nlines, 1);
        assert_false(r.line[0].known);
        assert_non_null(strstr(r.line[0].msg, "cannot run fig06"));
        claim_result_clear(&r);
    }
}

/* So does a curve that is not there, in a claim listed whole. */
static void test_missing_curve_fails(void **state)
{
    (void)state;
    double rates[15];
    fake_rates(rates, 0);
    fake_fig("fig13", (const struct fake_curve[]){{"macvtap", 900}, {NULL, 0}},
             rates);
    struct claim_result r;
    decide("C13.3", &r);
    assert_int_equal(r.status, CLAIM_FAIL);
    assert_false(r.line[r.nlines - 1].known);
    assert_non_null(strstr(r.line[r.nlines - 1].msg, "no curve 'netmap'"));
    claim_result_clear(&r);
}

/* The Q=..ms curves of a CBS figure capped at caps[], and "no
 * reservation" at unres. */
static void fake_cbs(const char *name, const double caps[7], double unres)
{
    double rates[15];
    fake_rates(rates, 0);
    fake_fig(name,
             (const struct fake_curve[]){{"Q=70ms", caps[0]},
                                         {"Q=90ms", caps[1]},
                                         {"Q=110ms", caps[2]},
                                         {"Q=130ms", caps[3]},
                                         {"Q=150ms", caps[4]},
                                         {"Q=170ms", caps[5]},
                                         {"Q=190ms", caps[6]},
                                         {"no reservation", unres},
                                         {NULL, 0}},
             rates);
}

/* Two points below the unreserved peak make a line with R^2 = 1 whatever
 * they are: C6.1 needs three, and then tests them. */
static void test_cbs_fit_needs_three_points(void **state)
{
    (void)state;
    static const double fig05[7] = {300, 390, 480, 570, 660, 750, 840};
    static const double two[7] = {300, 390, 434, 434, 434, 434, 434};
    static const double three[7] = {175, 225, 275, 434, 434, 434, 434};
    static const double bent[7] = {175, 300, 310, 434, 434, 434, 434};
    const double *fig06[] = {two, three, bent};
    const int ok[] = {0, 1, 0};
    for (int i = 0; i < 3; i++) {
        claims_clear(&fake);
        claims_init(&fake, "/nonexistent/vsrsim-test-claims", 1, 0);
        fake_cbs("fig05", fig05, 900);
        fake_cbs("fig06", fig06[i], 434);
        struct claim_result r;
        decide("C6.1", &r);
        assert_int_equal(r.nlines, 1);
        assert_int_equal(r.line[0].ok, ok[i]);
        assert_non_null(strstr(r.line[0].msg, i ? "3 points" : "2 points"));
        claim_result_clear(&r);
    }
}

/* C2.4 with the CIs of fig02's bound curves in overload. */
static int c2_4_with(double loose_ci, double tight_ci)
{
    double rates[15];
    fake_rates(rates, 0);
    struct claims_fig *f =
        fake_fig("fig02",
                 (const struct fake_curve[]){{"4 cores, loose-bind", 900},
                                             {"4 cores, tight-bind", 900},
                                             {NULL, 0}},
                 rates);
    for (int r = 0; r < 15; r++) {
        f->pt[0][r].ci99_kpps = loose_ci;
        f->pt[1][r].ci99_kpps = tight_ci;
    }
    struct claim_result r;
    decide("C2.4", &r);
    int ok = r.status == CLAIM_PASS;
    claim_result_clear(&r);
    return ok;
}

/* No tight-bind CI (one replication) leaves nothing to be 3 times. */
static void test_c2_4_needs_a_tight_ci(void **state)
{
    (void)state;
    assert_false(c2_4_with(0, 0));
    claims_clear(&fake);
    claims_init(&fake, "/nonexistent/vsrsim-test-claims", 1, 0);
    assert_true(c2_4_with(3, 1));
}

/* C9.2 with fig09's core 0 irq share rising by `step` per 100 kpps,
 * offered in ascending or descending order. */
static int c9_2_with(double step, int descending)
{
    double rates[15];
    fake_rates(rates, descending);
    struct claims_fig *f = fake_fig(
        "fig09",
        (const struct fake_curve[]){{"4 cores, tight-bind", 900}, {NULL, 0}},
        rates);
    for (int r = 0; r < 15; r++)
        f->pt[0][r].core_frac[0][CPU_IRQ] = step * rates[r] / 100;
    struct claim_result r;
    decide("C9.2", &r);
    int ok = r.status == CLAIM_PASS;
    claim_result_clear(&r);
    return ok;
}

/* A flat share does not grow; a growing one does, whatever order the
 * rates are listed in. */
static void test_c9_2_irq_must_grow(void **state)
{
    (void)state;
    static const struct {
        double step;
        int descending, ok;
    } cases[] = {{0, 0, 0}, {0.05, 0, 1}, {0.05, 1, 1}, {-0.05, 1, 0}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        claims_clear(&fake);
        claims_init(&fake, "/nonexistent/vsrsim-test-claims", 1, 0);
        assert_int_equal(c9_2_with(cases[i].step, cases[i].descending),
                         cases[i].ok);
    }
}

/* Curves found by part of their name ignore case and spaces too, and a
 * check finding none fails. */
static void test_name_parts(void **state)
{
    (void)state;
    double rates[15];
    struct claim_result r;
    fake_rates(rates, 0);

    /* C2.5: a "4Cores" curve above 950 kpps is a 4-core curve. */
    fake_fig(
        "fig02",
        (const struct fake_curve[]){{"4Cores, Tight-Bind", 1000}, {NULL, 0}},
        rates);
    decide("C2.5", &r);
    assert_int_equal(r.status, CLAIM_FAIL);
    assert_true(r.line[0].ok == 0 && strstr(r.line[0].msg, "1000.0"));
    claim_result_clear(&r);

    /* C21.1: "2Cores, Bind Case A" is a 2-core curve with a wider CI. */
    struct claims_fig *f = fake_fig(
        "fig21",
        (const struct fake_curve[]){
            {"2 cores, no bind", 120}, {"2Cores, Bind Case A", 250}, {NULL, 0}},
        rates);
    f->pt[0][14].ci99_kpps = 10;
    f->pt[1][14].ci99_kpps = 20;
    decide("C21.1", &r);
    assert_int_equal(r.nlines, 1);
    assert_false(r.line[0].ok);
    claim_result_clear(&r);

    /* C20.5: "4 Routers, Bind" has 4 routers, "4routers,NoBind" is not
     * bound (and above 3 unbound routers by more than 3%). */
    fake_fig("fig20",
             (const struct fake_curve[]){{"3 routers, bind", 1000},
                                         {"3 routers, no bind", 800},
                                         {"4 Routers, Bind", 1000},
                                         {"4routers,NoBind", 900},
                                         {NULL, 0}},
             rates);
    decide("C20.5", &r);
    assert_int_equal(r.nlines, 2);
    assert_true(r.line[0].ok);
    assert_false(r.line[1].ok);
    claim_result_clear(&r);
}

static void test_no_matching_curve_fails(void **state)
{
    (void)state;
    double rates[15];
    struct claim_result r;
    fake_rates(rates, 0);
    fake_fig("fig02", (const struct fake_curve[]){{"1 core", 300}, {NULL, 0}},
             rates);
    decide("C2.5", &r);
    assert_int_equal(r.status, CLAIM_FAIL);
    claim_result_clear(&r);

    /* Listed whole as known failing, but with nothing to compare with it
     * decided nothing. */
    fake_fig("fig21",
             (const struct fake_curve[]){{"2 cores, no bind", 120}, {NULL, 0}},
             rates);
    decide("C21.1", &r);
    assert_int_equal(r.status, CLAIM_FAIL);
    claim_result_clear(&r);
}

/* C10.3's "lower overload value" is the means compared, read at the
 * highest offered rate wherever the sweep lists it. */
static void test_c10_3_lower_overload(void **state)
{
    (void)state;
    for (int descending = 0; descending < 2; descending++) {
        double rates[15];
        fake_rates(rates, descending);
        claims_clear(&fake);
        claims_init(&fake, "/nonexistent/vsrsim-test-claims", 1, 0);
        struct claims_fig *f = fake_fig(
            "fig10",
            (const struct fake_curve[]){
                {"1 vhost 1 vcpu", 900}, {"1 vhost 2 vcpu", 900}, {NULL, 0}},
            rates);
        int top = fake_top(f);
        f->pt[1][top].forwarded_kpps = 898;
        f->pt[0][top].ci99_kpps = f->pt[1][top].ci99_kpps = 5;
        struct claim_result r;
        decide("C10.3", &r);
        assert_int_equal(r.status, CLAIM_PASS);
        claim_result_clear(&r);
    }
}

/* C10.2 reads the core of the vCPU thread, wherever it is listed. */
static void test_c10_2_vcpu_core(void **state)
{
    (void)state;
    double rates[15];
    fake_rates(rates, 0);
    struct claims_fig *f = fake_fig(
        "fig10",
        (const struct fake_curve[]){{"2 vhost 1 vcpu", 1000}, {NULL, 0}},
        rates);
    struct vsr_config *cfg = &f->s.curve[0].cfg;
    cfg->ncores = 4;
    cfg->nthreads = 2;
    cfg->thread[0] = (struct vsr_thread_cfg){.kind = VSR_VHOST_RX, .cpus = 4};
    cfg->thread[1] = (struct vsr_thread_cfg){.kind = VSR_VCPU, .cpus = 2};
    for (int r = 0; r < 15; r++) {
        f->pt[0][r].core_frac[0][CPU_IRQ] = 0.9;
        f->pt[0][r].core_frac[1][CPU_GUEST] = 1;
        f->pt[0][r].core_frac[2][CPU_SYS] = 0.5;
    }
    struct claim_result r;
    decide("C10.2", &r);
    assert_int_equal(r.status, CLAIM_PASS);
    assert_non_null(strstr(r.line[0].msg, "core 1"));
    claim_result_clear(&r);

    cfg->thread[1].kind = VSR_VHOST_TX;
    decide("C10.2", &r);
    assert_int_equal(r.status, CLAIM_FAIL);
    assert_non_null(strstr(r.line[0].msg, "no vCPU thread"));
    claim_result_clear(&r);
}

/* A claim listed as known failing on one figure only (G2 on fig06) that
 * passes says so, as one listed whole does. */
static void test_passing_listed_claim(void **state)
{
    (void)state;
    double rates[15];
    fake_rates(rates, 0);
    fake_fig("fig06",
             (const struct fake_curve[]){{"no reservation", 434}, {NULL, 0}},
             rates);
    struct claim_result r;
    decide("G2", &r);
    assert_int_equal(r.status, CLAIM_PASS);
    struct claim_result none = {0}; /* not listed whole: by fig06 only */
    assert_false(claims_listed_known(claim_by_id("G2"), &none));
    assert_true(claims_listed_known(claim_by_id("G2"), &r));
    claim_result_clear(&r);
}

static const struct CMUnitTest fake_tests[] = {
    cmocka_unit_test_setup_teardown(test_bad_scenario_fails, fake_setup,
                                    fake_teardown),
    cmocka_unit_test_setup_teardown(test_missing_curve_fails, fake_setup,
                                    fake_teardown),
    cmocka_unit_test_setup_teardown(test_cbs_fit_needs_three_points, fake_setup,
                                    fake_teardown),
    cmocka_unit_test_setup_teardown(test_c2_4_needs_a_tight_ci, fake_setup,
                                    fake_teardown),
    cmocka_unit_test_setup_teardown(test_c9_2_irq_must_grow, fake_setup,
                                    fake_teardown),
    cmocka_unit_test_setup_teardown(test_name_parts, fake_setup, fake_teardown),
    cmocka_unit_test_setup_teardown(test_no_matching_curve_fails, fake_setup,
                                    fake_teardown),
    cmocka_unit_test_setup_teardown(test_c10_3_lower_overload, fake_setup,
                                    fake_teardown),
    cmocka_unit_test_setup_teardown(test_c10_2_vcpu_core, fake_setup,
                                    fake_teardown),
    cmocka_unit_test_setup_teardown(test_passing_listed_claim, fake_setup,
                                    fake_teardown),
};

/* Is claim `id` in the comma-separated list `only` (NULL: every claim)? */
static int chosen(const char *only, const char *id)
{
    if (only == NULL)
        return 1;
    size_t n = strlen(id);
    for (const char *p = only;; p++) {
        if (strncmp(p, id, n) == 0 && (p[n] == ',' || p[n] == '\0'))
            return 1;
        if ((p = strchr(p, ',')) == NULL)
            return 0;
    }
}

int main(void)
{
    char dir[512];
    snprintf(dir, sizeof dir, "%s/models/paper", fixture_srcdir());
    claims_init(&cx, dir, 2, 0);
    const char *only = getenv("VSRSIM_CLAIMS");
    struct CMUnitTest *tests = xcalloc((size_t)nclaims, sizeof *tests);
    size_t n = 0;
    for (int i = 0; i < nclaims; i++)
        if (chosen(only, claims[i].id))
            tests[n++] = (struct CMUnitTest){
                .name = claims[i].id,
                .test_func = test_claim,
                .initial_state = (void *)&claims[i],
            };
    if (n == 0) {
        fprintf(stderr, "VSRSIM_CLAIMS=%s: no such claim (expected ids "
                "such as %s, comma-separated)\n", only, claims[0].id);
        return 2;
    }
    int failed =
        cmocka_run_group_tests_name("made-up figures", fake_tests, NULL, NULL);
    failed += _cmocka_run_group_tests("tests", tests, n, NULL, NULL);
    free(tests);
    claims_clear(&cx);
    return failed;
}
