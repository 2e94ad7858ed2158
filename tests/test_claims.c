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
 */
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
    int failed = _cmocka_run_group_tests("tests", tests, n, NULL, NULL);
    free(tests);
    claims_clear(&cx);
    return failed;
}
