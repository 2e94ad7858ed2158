/*
 * runs.c - run numbers, filters, rounds and keys (see runs.h).
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "runs.h"
#include "version.h"

/* A run number at the start of `s`: digits, read into *v. */
static int number(const char **s, int64_t *v)
{
    char *end;
    if (**s < '0' || **s > '9')
        return -1;
    errno = 0;
    long long x = strtoll(*s, &end, 10);
    if (errno)
        return -1;
    *v = x;
    *s = end;
    return 0;
}

int runs_parse_filter(const char *text, struct run_filter *f)
{
    const char *s = text;
    f->n = 0;
    for (;;) {
        int64_t lo = 0, hi = INT64_MAX;
        int have_lo = number(&s, &lo) == 0;
        if (strncmp(s, "..", 2) == 0) {
            s += 2;
            int have_hi = number(&s, &hi) == 0;
            if (!have_lo && !have_hi)
                return -1; /* ".." alone */
        } else if (have_lo) {
            hi = lo;
        } else {
            return -1;
        }
        if (lo > hi || f->n == (int)(sizeof f->r / sizeof f->r[0]))
            return -1;
        f->r[f->n].lo = lo;
        f->r[f->n].hi = hi;
        f->n++;
        if (*s == '\0')
            return 0;
        if (*s++ != ',')
            return -1;
    }
}

static void add_seg(struct run_round *rd, int point, int k0, int k1)
{
    if (k0 >= k1)
        return;
    rd->seg = xrealloc(rd->seg, (size_t)(rd->nseg + 1) * sizeof *rd->seg);
    rd->start = xrealloc(rd->start, (size_t)(rd->nseg + 2) * sizeof *rd->start);
    if (rd->nseg == 0)
        rd->start[0] = 0;
    rd->seg[rd->nseg] = (struct run_seg){point, k0, k1};
    rd->start[rd->nseg + 1] = rd->start[rd->nseg] + (k1 - k0);
    rd->nseg++;
    rd->ntask = rd->start[rd->nseg];
}

/* Segments of reps 0 .. reps-1 of `point` inside the filter, in order. The
 * filter's ranges may overlap and come in any order. */
static void add_filtered(struct run_round *rd, int point, int reps, int cap,
                         const struct run_filter *f)
{
    int64_t base = (int64_t)point * cap;
    int k = 0;
    while (k < reps) {
        /* the first rep >= k inside some range, and where that range ends */
        int64_t best = INT64_MAX, end = 0;
        for (int i = 0; i < f->n; i++) {
            int64_t lo = f->r[i].lo - base, hi = f->r[i].hi - base;
            if (hi < k || lo >= reps)
                continue;
            int64_t from = lo > k ? lo : k;
            if (from < best || (from == best && hi > end)) {
                best = from;
                end = hi;
            }
        }
        if (best == INT64_MAX)
            return;
        /* extend over ranges that overlap or touch */
        for (int grown = 1; grown && end < reps;) {
            grown = 0;
            for (int i = 0; i < f->n; i++) {
                int64_t lo = f->r[i].lo - base, hi = f->r[i].hi - base;
                if (lo <= end + 1 && hi > end) {
                    end = hi;
                    grown = 1;
                }
            }
        }
        int k1 = end < reps - 1 ? (int)(end + 1) : reps;
        add_seg(rd, point, (int)best, k1);
        k = k1;
    }
}

void runs_first_round(const struct scenario *s, int reps, int cap,
                      const struct run_filter *f, struct run_round *out)
{
    memset(out, 0, sizeof *out);
    for (int p = 0; p < s->ncurves * s->nrates; p++) {
        if (f)
            add_filtered(out, p, reps, cap, f);
        else
            add_seg(out, p, 0, reps);
    }
}

int64_t runs_next_round(const struct scenario *s, const struct stats_acc *acc,
                        double width, int relative, int cap,
                        struct run_round *out)
{
    memset(out, 0, sizeof *out);
    for (int p = 0; p < s->ncurves * s->nrates; p++) {
        int n = acc[p].n;
        if (n == 0 || n >= cap) /* not in this sweep, or as far as it goes */
            continue;
        if (n == 1) { /* one replication has no interval yet */
            add_seg(out, p, 1, 2);
            continue;
        }
        double hw = stats_ci99(sqrt(acc[p].m2 / (n - 1)), n);
        double target = relative ? width * fabs(acc[p].mean) : width;
        if (hw <= target)
            continue;
        /* the half-width shrinks as 1/sqrt(n) */
        double need = target > 0 ? ceil(n * (hw / target) * (hw / target))
                                 : (double)cap;
        int next = need < 2.0 * n ? (int)need : 2 * n;
        if (next <= n)
            next = n + 1;
        if (next > cap)
            next = cap;
        add_seg(out, p, n, next);
    }
    return out->ntask;
}

void runs_task(const struct scenario *s, const struct run_round *rd, int cap,
               int64_t i, struct run_id *out)
{
    int lo = 0, hi = rd->nseg - 1;
    while (lo < hi) { /* the last segment starting at or before i */
        int mid = (lo + hi + 1) / 2;
        if (rd->start[mid] <= i)
            lo = mid;
        else
            hi = mid - 1;
    }
    const struct run_seg *g = &rd->seg[lo];
    out->point = g->point;
    out->curve = g->point / s->nrates;
    out->rate = g->point % s->nrates;
    out->rep = g->k0 + (int)(i - rd->start[lo]);
    out->number = (int64_t)g->point * cap + out->rep;
}

void runs_round_free(struct run_round *rd)
{
    free(rd->seg);
    free(rd->start);
    memset(rd, 0, sizeof *rd);
}

void runs_name(const struct scenario *s, const struct run_id *id, char *buf,
               size_t n)
{
    snprintf(buf, n, "%s-%d-%d-%d", s->name, id->curve, id->rate, id->rep);
}

/* FNV-1a 64 over n bytes, continuing from h. */
static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
    const unsigned char *c = p;
    for (size_t i = 0; i < n; i++) {
        h ^= c[i];
        h *= 0x100000001b3ULL;
    }
    return h;
}

void runs_key(const struct scenario *s, const struct costmodel *cm,
              char *buf, size_t n)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    for (int i = 0; i < COST_N; i++) { /* field by field: no padding */
        h = fnv(h, &cm->c[i].mean_ns, sizeof cm->c[i].mean_ns);
        h = fnv(h, &cm->c[i].cv, sizeof cm->c[i].cv);
        h = fnv(h, &cm->c[i].present, sizeof cm->c[i].present);
    }
    snprintf(buf, n, "%016" PRIx64 "-%016" PRIx64 "-%s-%zu", s->run_hash, h,
             VSRSIM_VERSION, sizeof(struct run_result));
}
