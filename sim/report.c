/*
 * report.c - summarise replications per point and write the CSV.
 *
 * Curves may differ in their threads (one vhost-net worker or two); the
 * thread columns are the union of all curves' names in order of first
 * appearance, empty where a curve lacks the thread. The NDR/PDR columns,
 * when given, come last.
 */
#include <errno.h>
#include <limits.h>
#include <string.h>
#include <unistd.h>

#include "err.h"
#include "fileio.h"
#include "report.h"
#include "vsr.h"

struct names {
    int n;
    char name[STATS_MAX_THREADS * 2][STATS_NAME_LEN];
};

/* Index of `name` among the first n of `names`, or -1. */
static int name_index(const char (*names)[STATS_NAME_LEN], int n,
                      const char *name)
{
    for (int i = 0; i < n; i++)
        if (strcmp(names[i], name) == 0)
            return i;
    return -1;
}

static void add_name(struct names *u, const char *name)
{
    if (name_index(u->name, u->n, name) < 0 && u->n < STATS_MAX_THREADS * 2)
        snprintf(u->name[u->n++], STATS_NAME_LEN, "%s", name);
}

/* A field that may hold commas or quotes, quoted as RFC 4180 says. */
static void put_field(FILE *f, const char *s)
{
    if (!strpbrk(s, ",\"\n")) {
        fputs(s, f);
        return;
    }
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

/* The NDR/PDR columns of a curve's row. */
static void put_ndr(FILE *f, const struct ndr_result *r)
{
    double v[NDR_NFIELDS];
    ndr_fields(r, v);
    fprintf(f, ",%.3f,%.6g,%.3f,%.6g", v[0], v[1], v[2], v[3]);
}

void report_csv(FILE *f, const struct scenario *s,
                const struct run_result *runs)
{
    report_csv_ndr(f, s, runs, NULL);
}

void report_csv_ndr(FILE *f, const struct scenario *s,
                    const struct run_result *runs,
                    const struct ndr_result *ndr)
{
    int npts = s->ncurves * s->nrates;
    struct point_summary *pts = xcalloc((size_t)npts, sizeof *pts);
    for (int c = 0; c < s->ncurves; c++) {
        struct stats_layout lay;
        vsr_layout(&s->curve[c].cfg, &lay);
        for (int r = 0; r < s->nrates; r++) {
            int pt = c * s->nrates + r;
            stats_summarise(&lay, &runs[pt * s->reps], s->reps,
                            s->rates_kpps[r], &pts[pt]);
        }
    }
    report_csv_points(f, s, pts, ndr);
    free(pts);
}

void report_csv_points(FILE *f, const struct scenario *s,
                       const struct point_summary *pts,
                       const struct ndr_result *ndr)
{
    struct names threads = {0}, queues = {0};
    int ncores = 0;
    struct stats_layout lay[SCENARIO_MAX_CURVES];
    for (int c = 0; c < s->ncurves; c++) {
        vsr_layout(&s->curve[c].cfg, &lay[c]);
        if (lay[c].ncores > ncores)
            ncores = lay[c].ncores;
        for (int t = 0; t < lay[c].nthreads; t++)
            add_name(&threads, lay[c].thread_name[t]);
        for (int q = 0; q < lay[c].nqueues; q++)
            add_name(&queues, lay[c].queue_name[q]);
    }
    fputs("curve,offered_kpps,forwarded_kpps,ci99_kpps", f);
    for (int n = 0; n < ncores; n++)
        fprintf(f, ",core%d_busy,core%d_irq,core%d_sys,core%d_guest", n, n,
                n, n);
    for (int t = 0; t < threads.n; t++)
        fprintf(f, ",busy:%s", threads.name[t]);
    fputs(",stddev_kpps,reps,loss,lat_p50_us,lat_p99_us,lat_mean_us", f);
    for (int q = 0; q < queues.n; q++)
        fprintf(f, ",drops_kpps:%s", queues.name[q]);
    for (int t = 0; t < threads.n; t++)
        fprintf(f, ",migrations:%s", threads.name[t]);
    for (int t = 0; t < threads.n; t++)
        fprintf(f, ",slices:%s", threads.name[t]);
    for (int t = 0; t < threads.n; t++)
        fprintf(f, ",preempted:%s", threads.name[t]);
    for (int i = 0; ndr && i < NDR_NFIELDS; i++)
        fprintf(f, ",%s", ndr_field_name[i]);
    fputc('\n', f);

    for (int c = 0; c < s->ncurves; c++) {
        const struct stats_layout *L = &lay[c];
        for (int r = 0; r < s->nrates; r++) {
            const struct point_summary *p = &pts[c * s->nrates + r];
            if (p->reps == 0)
                continue; /* not run (a subset of the sweep) */
            put_field(f, s->curve[c].name);
            fprintf(f, ",%.3f,%.3f,%.3f", p->offered_kpps, p->forwarded_kpps,
                    p->ci99_kpps);
            for (int n = 0; n < ncores; n++) {
                const double *k = p->core_frac[n];
                fprintf(f, ",%.4f,%.4f,%.4f,%.4f", stats_core_busy(p, n),
                        k[CPU_IRQ], k[CPU_SYS], k[CPU_GUEST]);
            }
            int idx[STATS_MAX_THREADS * 2];
            for (int t = 0; t < threads.n; t++) {
                idx[t] = name_index(L->thread_name, L->nthreads,
                                    threads.name[t]);
                if (idx[t] < 0)
                    fputc(',', f);
                else
                    fprintf(f, ",%.4f", p->thread_frac[idx[t]]);
            }
            fprintf(f, ",%.3f,%d,%.6f,%.2f,%.2f,%.2f", p->stddev_kpps,
                    p->reps, p->loss_frac, p->lat_p50_us, p->lat_p99_us,
                    p->lat_mean_us);
            for (int q = 0; q < queues.n; q++) {
                int i = name_index(L->queue_name, L->nqueues,
                                   queues.name[q]);
                if (i < 0)
                    fputc(',', f);
                else
                    fprintf(f, ",%.3f", p->drops_kpps[i]);
            }
            for (int t = 0; t < threads.n; t++)
                fprintf(f, ",%.2f",
                        idx[t] < 0 ? 0.0 : p->migrations_ps[idx[t]]);
            for (int t = 0; t < threads.n; t++)
                fprintf(f, ",%.1f", idx[t] < 0 ? 0.0 : p->slices_ps[idx[t]]);
            for (int t = 0; t < threads.n; t++)
                fprintf(f, ",%.1f",
                        idx[t] < 0 ? 0.0 : p->preempted_ps[idx[t]]);
            if (ndr)
                put_ndr(f, &ndr[c]);
            fputc('\n', f);
        }
    }
}

int report_csv_file(const char *path, const struct scenario *s,
                    const struct run_result *runs, char *err, size_t errlen)
{
    return report_csv_file_ndr(path, s, runs, NULL, err, errlen);
}

/* Write through a temporary file renamed into place: either
 * report_csv_ndr(runs) or, with runs NULL, report_csv_points(pts). */
static int write_file(const char *path, const struct scenario *s,
                      const struct run_result *runs,
                      const struct point_summary *pts,
                      const struct ndr_result *ndr, char *err, size_t errlen)
{
    char part[PATH_MAX];
    snprintf(part, sizeof part, "%s.tmp-%d", path, (int)getpid());
    FILE *f = fopen(part, "w");
    if (f) {
        if (runs)
            report_csv_ndr(f, s, runs, ndr);
        else
            report_csv_points(f, s, pts, ndr);
        if (fclose(f) == 0 && fileio_replace(part, path) == 0)
            return 0;
        int e = errno;
        unlink(part);
        errno = e;
    }
    snprintf(err, errlen, "%s: cannot write CSV: %s", path, strerror(errno));
    return SIM_EIO;
}

int report_csv_file_ndr(const char *path, const struct scenario *s,
                        const struct run_result *runs,
                        const struct ndr_result *ndr, char *err,
                        size_t errlen)
{
    return write_file(path, s, runs, NULL, ndr, err, errlen);
}

int report_csv_file_points(const char *path, const struct scenario *s,
                           const struct point_summary *pts,
                           const struct ndr_result *ndr, char *err,
                           size_t errlen)
{
    return write_file(path, s, NULL, pts, ndr, err, errlen);
}
