/*
 * paper.c - `vsrsim paper`: run every paper figure, plot it, and report
 * every claim.
 *
 * The scenarios are every NAME.cfg of the models folder and every figure a
 * claim names (a missing one is reported as not run). All are loaded and
 * checked before anything runs, so bad input is refused before anything is
 * written. Each figure then runs with the worker processes of sweep.c and
 * gets its CSV (report.c) and plot (plot.c) at once; the claims are then
 * decided by sim/claims.c, the code the claims test runs, and the report
 * is written last, through a temporary file renamed into place.
 *
 * The report holds nothing that changes between two runs of the same
 * source: same commit and cost model, same bytes.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "claims.h"
#include "err.h"
#include "fileio.h"
#include "paper.h"
#include "plot.h"
#include "report.h"

#define MAX_SPEC 128

/* A claim as paper-claims.md states it. */
struct statement {
    char id[16];
    char *text;
};

struct spec {
    int n;
    struct statement st[MAX_SPEC];
};

/* What became of one figure's outputs. */
struct fig_out {
    int csv_ok;
    int plot_ok;
    char note[1024]; /* why the CSV or the plot is missing */
};

/* Read the claims: lines "- G1. text" or "- C2.1 text", continued by the
 * indented lines below. Returns 0, or -1 with errno set. */
static int spec_read(const char *path, struct spec *sp)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    char *line = NULL;
    size_t cap = 0;
    struct statement *cur = NULL;
    sp->n = 0;
    while (getline(&line, &cap, f) >= 0) {
        line[strcspn(line, "\r\n")] = '\0';
        if ((strncmp(line, "- C", 3) == 0 || strncmp(line, "- G", 3) == 0) &&
            sp->n < MAX_SPEC) {
            cur = &sp->st[sp->n++];
            const char *id = line + 2;
            size_t n = strcspn(id, " ");
            if (n > 0 && id[n - 1] == '.')
                n--;
            snprintf(cur->id, sizeof cur->id, "%.*s", (int)n, id);
            const char *text = id + strcspn(id, " ");
            cur->text = xstrdup(text + strspn(text, " "));
        } else if (cur && line[0] == ' ' && line[strspn(line, " ")]) {
            const char *more = line + strspn(line, " ");
            size_t n = strlen(cur->text);
            cur->text = xrealloc(cur->text, n + strlen(more) + 2);
            snprintf(cur->text + n, strlen(more) + 2, " %s", more);
        } else {
            cur = NULL;
        }
    }
    free(line);
    int bad = ferror(f);
    fclose(f);
    return bad ? -1 : 0;
}

static void spec_clear(struct spec *sp)
{
    for (int i = 0; i < sp->n; i++)
        free(sp->st[i].text);
    sp->n = 0;
}

static const char *spec_text(const struct spec *sp, const char *id)
{
    for (int i = 0; i < sp->n; i++)
        if (strcmp(sp->st[i].id, id) == 0)
            return sp->st[i].text;
    return NULL;
}

/* Index of claim `id` in the table, or -1. */
static int claim_index(const char *id)
{
    for (int k = 0; k < nclaims; k++)
        if (strcmp(claims[k].id, id) == 0)
            return k;
    return -1;
}

/* mkdir -p. Returns 0, or -1 with errno set. */
static int make_dirs(const char *path)
{
    char p[PATH_MAX];
    snprintf(p, sizeof p, "%s", path);
    for (char *s = p + 1;; s++) {
        if (*s != '/' && *s != '\0')
            continue;
        char c = *s;
        *s = '\0';
        if (mkdir(p, 0777) != 0 && errno != EEXIST)
            return -1;
        *s = c;
        if (!c)
            return 0;
    }
}

/* `path` with "dir/.." pairs taken out, as the report names it. */
static void tidy_path(const char *path, char *out, size_t len)
{
    snprintf(out, len, "%s", path);
    char *up;
    while ((up = strstr(out, "/../")) != NULL) {
        char *start = up;
        while (start > out && start[-1] != '/')
            start--;
        if (strncmp(start, "../", 3) == 0 || start == up)
            break;
        memmove(start, up + 4, strlen(up + 4) + 1);
    }
}

/* Every NAME.cfg of the models folder. Returns 0, or -1 with errno set. */
static int list_models(struct claims_ctx *cx, const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return -1;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        size_t n = strlen(e->d_name);
        if (n > 4 && n - 4 < CLAIMS_FIG_NAME && e->d_name[0] != '.' &&
            strcmp(e->d_name + n - 4, ".cfg") == 0) {
            char name[CLAIMS_FIG_NAME];
            snprintf(name, sizeof name, "%.*s", (int)(n - 4), e->d_name);
            claims_figure(cx, name);
        }
    }
    closedir(d);
    return 0;
}

/* Leave out every figure --only does not name. Returns 0, or 2 after
 * naming the first --only value with no scenario. */
static int select_only(struct claims_ctx *cx, const struct paper_opts *o)
{
    if (o->nonly == 0)
        return 0;
    for (int k = 0; k < o->nonly; k++) {
        int found = 0;
        for (int i = 0; i < cx->nfigs; i++)
            if (strcmp(cx->fig[i]->name, o->only[k]) == 0 &&
                access(cx->fig[i]->path, F_OK) == 0)
                found = 1;
        if (!found) {
            fprintf(stderr, "vsrsim: --only: no %s/%s.cfg\n", o->models,
                    o->only[k]);
            return 2;
        }
    }
    for (int i = 0; i < cx->nfigs; i++) {
        int keep = 0;
        for (int k = 0; k < o->nonly; k++)
            keep |= strcmp(cx->fig[i]->name, o->only[k]) == 0;
        if (!keep)
            cx->fig[i]->state = CLAIMS_FIG_EXCLUDED;
    }
    return 0;
}

static void out_path(char *buf, size_t len, const char *out, const char *fmt,
                     ...) __attribute__((format(printf, 4, 5)));

/* A path under --out: OUT/..., or the path alone when OUT is ".". */
static void out_path(char *buf, size_t len, const char *out, const char *fmt,
                     ...)
{
    int n = strcmp(out, ".") == 0 ? 0 : snprintf(buf, len, "%s/", out);
    if (n < 0 || (size_t)n >= len)
        n = 0;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf + n, len - (size_t)n, fmt, ap);
    va_end(ap);
}

/* Run one figure and write its CSV and plot. Returns 0 or 1. */
static int run_figure(struct claims_ctx *cx, struct claims_fig *f,
                      const struct paper_opts *o, struct fig_out *out)
{
    char csv[PATH_MAX], png[PATH_MAX];
    if (claims_run(cx, f)) {
        fprintf(stderr, "vsrsim: %s\n", f->err);
        return 1;
    }
    out_path(csv, sizeof csv, o->out, "results/paper/%s.csv", f->name);
    out_path(png, sizeof png, o->out, "plots/paper/%s.png", f->name);
    if (report_csv_file(csv, &f->s, f->runs, out->note, sizeof out->note)) {
        fprintf(stderr, "vsrsim: %s\n", out->note);
        return 1;
    }
    out->csv_ok = 1;
    if (plot_curves(o->plots_dir, csv, png, f->s.name, out->note,
                    sizeof out->note)) {
        fprintf(stderr, "vsrsim: %s\n", out->note);
        return 1;
    }
    out->plot_ok = 1;
    return 0;
}

/* ---- the report */

/* Text in a markdown table cell, with what markdown would read escaped. */
static void md(FILE *f, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '<':
            fputs("&lt;", f);
            break;
        case '>':
            fputs("&gt;", f);
            break;
        case '\n':
            fputc(' ', f);
            break;
        case '|':
        case '*':
        case '_':
        case '`':
        case '[':
        case ']':
        case '\\':
            fputc('\\', f);
            /* fall through */
        default:
            fputc(*s, f);
        }
    }
}

/* What was measured: the one verdict, else the summary or the verdicts
 * joined, with the first that fails (the first not known failing, if
 * any). */
static void md_measured(FILE *f, const struct claim_result *r)
{
    if (r->status == CLAIM_NOT_RUN) {
        md(f, r->why);
        return;
    }
    if (r->nlines == 1 && !r->summary[0]) {
        md(f, r->line[0].msg);
        return;
    }
    int nfail = 0, first = -1;
    for (int i = 0; i < r->nlines; i++) {
        const struct claim_line *l = &r->line[i];
        nfail += !l->ok;
        if (!l->ok && (first < 0 || (r->line[first].known && !l->known)))
            first = i;
    }
    if (r->summary[0]) {
        md(f, r->summary);
        if (nfail) {
            fprintf(f, "; %d of %d points not met, e.g. ", nfail, r->nlines);
            md(f, r->line[first].msg);
        }
        return;
    }
    for (int i = 0; i < r->nlines; i++) {
        fputs(i ? "; " : "", f);
        if (!r->line[i].ok && r->nlines > 1)
            fputs("not met: ", f);
        md(f, r->line[i].msg);
    }
}

static const char *result_word(const struct claim *c,
                               const struct claim_result *r)
{
    switch (r->status) {
    case CLAIM_NOT_RUN:
        return "NOT RUN";
    case CLAIM_FAIL:
        return "**FAIL**";
    case CLAIM_KNOWN_FAIL:
        return "KNOWN FAIL";
    default:
        /* Whole or on one figure (G2 on fig06): either way the entry
         * should come off the list. */
        return claims_listed_known(c, r) ? "PASS (listed as known failing)"
                                         : "PASS";
    }
}

/* Links to the plots of the figures a claim reads. */
static void md_plots(FILE *f, const struct claim *c, struct claims_ctx *cx,
                     const struct fig_out *fo)
{
    if (!c->figs[0]) {
        fputs("[every figure](#figures)", f);
        return;
    }
    int n = 0;
    for (int k = 0; c->figs[k]; k++) {
        const struct claims_fig *g = claims_figure(cx, c->figs[k]);
        for (int i = 0; i < cx->nfigs; i++)
            if (cx->fig[i] == g && fo[i].plot_ok)
                fprintf(f, "%s[%s](%s.png)", n++ ? ", " : "", g->name, g->name);
    }
    if (!n)
        fputs("-", f);
}

/* The first line: how, from which source and with which cost model. */
static void md_provenance(FILE *f, const struct claims_ctx *cx,
                          const struct paper_opts *o)
{
    fprintf(f,
            "Generated by `vsrsim paper` (vsrsim %s, `make paper`) from "
            "commit %s, cost model ",
            o->version, o->commit);
    int n = 0;
    for (int i = 0; i < cx->nfigs; i++) {
        const struct claims_fig *g = cx->fig[i];
        if (g->state != CLAIMS_FIG_RUN && g->state != CLAIMS_FIG_LOADED)
            continue;
        int seen = 0;
        for (int k = 0; k < i && !seen; k++) {
            const struct claims_fig *h = cx->fig[k];
            seen =
                (h->state == CLAIMS_FIG_RUN || h->state == CLAIMS_FIG_LOADED) &&
                strcmp(h->s.costmodel_id, g->s.costmodel_id) == 0 &&
                strcmp(h->s.costmodel_db, g->s.costmodel_db) == 0;
        }
        if (seen)
            continue;
        char db[sizeof g->s.costmodel_db];
        tidy_path(g->s.costmodel_db, db, sizeof db);
        fprintf(f, "%s`%s` in `%s`", n++ ? " and " : "", g->s.costmodel_id, db);
    }
    fputs(n ? "" : "none (no scenario run)", f);
    for (int i = 0; i < o->set.n; i++)
        fprintf(f, "%s`%s`", i ? ", " : ", every scenario with --set ",
                o->set.kv[i]);
    fputs(". Do not edit: `make paper` writes it again.\n", f);
}

static void md_figures(FILE *f, struct claims_ctx *cx,
                       const struct paper_opts *o, const struct fig_out *fo)
{
    fputs("\n## Figures\n", f);
    for (int i = 0; i < cx->nfigs; i++) {
        const struct claims_fig *g = cx->fig[i];
        fprintf(f, "\n### %s\n\n", g->name);
        if (g->state == CLAIMS_FIG_MISSING) {
            fprintf(f, "Not run: `%s/%s.cfg` does not exist.\n", o->models,
                    g->name);
            continue;
        }
        if (g->state == CLAIMS_FIG_EXCLUDED) {
            fputs("Not run: not selected (`--only`).\n", f);
            continue;
        }
        if (g->state == CLAIMS_FIG_BAD) {
            fputs("Not run: ", f);
            md(f, g->err);
            fputc('\n', f);
            continue;
        }
        if (g->state == CLAIMS_FIG_RUN)
            fprintf(f,
                    "`%s/%s.cfg`: %d curves, %d offered rates, %d "
                    "replications per point, 99%% confidence intervals.",
                    o->models, g->name, g->s.ncurves, g->s.nrates, g->s.reps);
        if (fo[i].csv_ok)
            fprintf(f,
                    " CSV: [results/paper/%s.csv](../../results/paper/"
                    "%s.csv).",
                    g->name, g->name);
        fputc('\n', f);
        if (fo[i].plot_ok)
            fprintf(f, "\n![%s](%s.png)\n", g->name, g->name);
        else if (fo[i].note[0]) {
            fputc('\n', f);
            md(f, fo[i].note);
            fputc('\n', f);
        }
    }
}

struct tally {
    int pass, fail, known, not_run, unchecked;
};

static void md_claim_row(FILE *f, const char *id, const char *text,
                         const struct claim *c, const struct claim_result *r,
                         struct claims_ctx *cx, const struct fig_out *fo)
{
    fprintf(f, "| %s | ", id);
    md(f, text ? text : "(not in the claims spec)");
    fputs(" | ", f);
    if (c)
        md_measured(f, r);
    else
        fputs("no check in sim/claims.c", f);
    fprintf(f, " | %s | ", c ? result_word(c, r) : "NOT CHECKED");
    if (c)
        md_plots(f, c, cx, fo);
    else
        fputs("-", f);
    fputs(" |\n", f);
}

static int write_report(const char *path, struct claims_ctx *cx,
                        const struct paper_opts *o, const struct spec *sp,
                        const struct claim_result *res,
                        const struct fig_out *fo, const struct tally *t)
{
    char part[PATH_MAX + 32];
    snprintf(part, sizeof part, "%s.tmp-%d", path, (int)getpid());
    FILE *f = fopen(part, "w");
    if (!f)
        return -1;
    md_provenance(f, cx, o);
    fprintf(f,
            "\n# The paper's claims, measured\n\n"
            "Every scenario of `%s/` run at full fidelity (its own "
            "replications per offered rate, 99%% confidence intervals); "
            "every claim of `%s` decided by `sim/claims.c`, the checks "
            "`make test` runs. Claims listed there as known failing are "
            "reported, not held against the model.\n\n"
            "**%d pass, %d fail, %d known fail, %d not run",
            o->models, o->spec, t->pass, t->fail, t->known, t->not_run);
    if (t->unchecked)
        fprintf(f, ", %d not checked", t->unchecked);
    fputs("**\n\n| Claim | The paper | Measured | Result | Plot |\n"
          "|---|---|---|---|---|\n",
          f);
    /* In the spec's order; then any checked claim the spec lacks. */
    for (int i = 0; i < sp->n; i++) {
        int k = claim_index(sp->st[i].id);
        md_claim_row(f, sp->st[i].id, sp->st[i].text,
                     k >= 0 ? &claims[k] : NULL, k >= 0 ? &res[k] : NULL, cx,
                     fo);
    }
    for (int k = 0; k < nclaims; k++)
        if (!spec_text(sp, claims[k].id))
            md_claim_row(f, claims[k].id, NULL, &claims[k], &res[k], cx, fo);
    md_figures(f, cx, o, fo);
    if (fclose(f) != 0 || fileio_replace(part, path) != 0) {
        int e = errno;
        unlink(part);
        errno = e;
        return -1;
    }
    return 0;
}

static double wall_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* ---- the command */

int paper_run(const struct paper_opts *o)
{
    double t0 = wall_s();
    struct spec sp;
    if (spec_read(o->spec, &sp)) {
        fprintf(stderr, "vsrsim: %s: cannot read the claims: %s\n", o->spec,
                strerror(errno));
        return 2;
    }
    struct claims_ctx *cx = xmalloc(sizeof *cx);
    claims_init(cx, o->models, o->jobs, o->progress);
    cx->set = o->set.kv;
    cx->nset = o->set.n;
    int rc = 0;
    if (list_models(cx, o->models)) {
        fprintf(stderr, "vsrsim: %s: cannot read the scenarios: %s\n",
                o->models, strerror(errno));
        rc = 2;
    }
    if (!rc)
        rc = select_only(cx, o);
    for (int i = 0; !rc && i < cx->nfigs; i++)
        if (claims_load(cx, cx->fig[i]) < 0) {
            fprintf(stderr, "vsrsim: %s\n", cx->fig[i]->err);
            rc = 2;
        }
    char dir[PATH_MAX], report[PATH_MAX];
    for (int k = 0; !rc && k < 2; k++) {
        out_path(dir, sizeof dir, o->out, "%s/paper", k ? "plots" : "results");
        if (make_dirs(dir)) {
            fprintf(stderr, "vsrsim: %s: cannot create: %s\n", dir,
                    strerror(errno));
            rc = 1;
        }
    }
    if (rc) {
        claims_clear(cx);
        free(cx);
        spec_clear(&sp);
        return rc;
    }

    struct fig_out *fo = xcalloc((size_t)cx->nfigs, sizeof *fo);
    int nrun = 0, done = 0;
    for (int i = 0; i < cx->nfigs; i++)
        nrun += cx->fig[i]->state == CLAIMS_FIG_LOADED;
    for (int i = 0; i < cx->nfigs; i++) {
        struct claims_fig *f = cx->fig[i];
        if (f->state != CLAIMS_FIG_LOADED)
            continue;
        if (o->progress)
            fprintf(stderr, "vsrsim: paper: %s (%d of %d)\n", f->name, ++done,
                    nrun);
        rc |= run_figure(cx, f, o, &fo[i]);
    }

    uint64_t runs = 0, events = 0; /* what the campaign simulated */
    for (int i = 0; i < cx->nfigs; i++) {
        const struct claims_fig *f = cx->fig[i];
        if (f->state != CLAIMS_FIG_RUN)
            continue;
        size_t n = (size_t)f->s.ncurves * f->s.nrates * f->s.reps;
        for (size_t j = 0; j < n; j++)
            events += f->runs[j].events;
        runs += n;
    }

    if (o->progress)
        fputs("vsrsim: paper: deciding the claims\n", stderr);
    struct claim_result *res = xcalloc((size_t)nclaims, sizeof *res);
    struct tally t = {0};
    for (int k = 0; k < nclaims; k++) {
        claims_eval(cx, &claims[k], &res[k]);
        t.not_run += res[k].status == CLAIM_NOT_RUN;
        t.pass += res[k].status == CLAIM_PASS;
        t.known += res[k].status == CLAIM_KNOWN_FAIL;
        t.fail += res[k].status == CLAIM_FAIL;
    }
    for (int i = 0; i < sp.n; i++)
        t.unchecked += claim_index(sp.st[i].id) < 0;

    out_path(report, sizeof report, o->out, "plots/paper/report.md");
    if (write_report(report, cx, o, &sp, res, fo, &t)) {
        fprintf(stderr, "vsrsim: %s: cannot write the report: %s\n", report,
                strerror(errno));
        rc = 1;
    } else {
        printf("vsrsim: %s: %d pass, %d fail, %d known fail, %d not run "
               "(%.0f s; %llu runs, %llu events)\n",
               report, t.pass, t.fail, t.known, t.not_run, wall_s() - t0,
               (unsigned long long)runs, (unsigned long long)events);
    }
    for (int k = 0; k < nclaims; k++)
        claim_result_clear(&res[k]);
    free(res);
    free(fo);
    claims_clear(cx);
    free(cx);
    spec_clear(&sp);
    return rc;
}
