/*
 * sweep.c - runs spread over forked workers, results gathered in order.
 *
 * Parallelism is across runs, never inside one: a run is single-threaded
 * and deterministic. Worker w takes runs w, w + jobs, ... and writes each
 * finished record, prefixed by its run number, to its own pipe; the parent
 * polls the pipes and stores each record at its place. The output is thus
 * the same bytes whatever the number of workers.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "err.h"
#include "rng.h"
#include "sweep.h"

uint64_t sweep_run_seed(const struct scenario *s, int curve, int rate,
                        int rep)
{
    return rng_derive(s->seed, (uint64_t)curve, (uint64_t)rate,
                      (uint64_t)rep);
}

struct sweep_ctx {
    const struct scenario *s;
    const struct costmodel *cm;
};

static void one_run(const void *arg, int run, struct run_result *r)
{
    const struct sweep_ctx *x = arg;
    const struct scenario *s = x->s;
    const struct costmodel *cm = x->cm;
    int rep = run % s->reps;
    int rate = run / s->reps % s->nrates;
    int curve = run / s->reps / s->nrates;
    vsr_run(&s->curve[curve].cfg, cm, s->rates_kpps[rate],
            sweep_run_seed(s, curve, rate, rep), s->warmup_ns,
            s->duration_ns, r);
}

static void show(int done, int total)
{
    fprintf(stderr, "\rvsrsim: %d/%d runs (%d%%)", done, total,
            total ? 100 * done / total : 100);
    if (done == total)
        fputc('\n', stderr);
}

static int write_all(int fd, const void *p, size_t n)
{
    const char *c = p;
    while (n) {
        ssize_t w = write(fd, c, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        c += w;
        n -= (size_t)w;
    }
    return 0;
}

struct msg {
    int32_t run;
    struct run_result r;
};

int sweep_run(const struct scenario *s, const struct costmodel *cm, int jobs,
              int progress, struct run_result *out)
{
    struct sweep_ctx x = {s, cm};
    return sweep_map(s->ncurves * s->nrates * s->reps, one_run, &x, jobs,
                     progress, out);
}

int sweep_map(int total,
              void (*fn)(const void *ctx, int i, struct run_result *out),
              const void *ctx, int jobs, int progress, struct run_result *out)
{
    if (jobs > total)
        jobs = total;
    if (jobs <= 1) {
        for (int i = 0; i < total; i++) {
            fn(ctx, i, &out[i]);
            if (progress)
                show(i + 1, total);
        }
        return 0;
    }
    int *fd = xcalloc((size_t)jobs, sizeof *fd);
    pid_t *pid = xcalloc((size_t)jobs, sizeof *pid);
    fflush(NULL);
    for (int w = 0; w < jobs; w++) {
        int p[2];
        if (pipe(p) < 0) {
            perror("vsrsim: pipe");
            exit(1);
        }
        pid[w] = fork();
        if (pid[w] < 0) {
            perror("vsrsim: fork");
            exit(1);
        }
        if (pid[w] == 0) {
            close(p[0]);
            for (int v = 0; v < w; v++)
                close(fd[v]);
            struct msg *m = xcalloc(1, sizeof *m); /* no stray padding */
            for (int i = w; i < total; i += jobs) {
                m->run = i;
                fn(ctx, i, &m->r);
                if (write_all(p[1], m, sizeof *m) < 0)
                    _exit(1);
            }
            _exit(0);
        }
        close(p[1]);
        fd[w] = p[0];
    }
    struct pollfd *pfd = xcalloc((size_t)jobs, sizeof *pfd);
    size_t *have = xcalloc((size_t)jobs, sizeof *have);
    struct msg *buf = xcalloc((size_t)jobs, sizeof *buf);
    int open_fds = jobs, done = 0, rc = 0;
    for (int w = 0; w < jobs; w++)
        pfd[w] = (struct pollfd){.fd = fd[w], .events = POLLIN};
    while (open_fds > 0) {
        if (poll(pfd, (nfds_t)jobs, -1) < 0) {
            if (errno == EINTR)
                continue;
            rc = SIM_EIO;
            break;
        }
        for (int w = 0; w < jobs; w++) {
            if (pfd[w].fd < 0 || !(pfd[w].revents & (POLLIN | POLLHUP)))
                continue;
            ssize_t n = read(fd[w], (char *)&buf[w] + have[w],
                             sizeof buf[w] - have[w]);
            if (n <= 0) {
                close(fd[w]);
                pfd[w].fd = -1;
                open_fds--;
                continue;
            }
            have[w] += (size_t)n;
            if (have[w] == sizeof buf[w]) {
                out[buf[w].run] = buf[w].r;
                have[w] = 0;
                if (progress)
                    show(++done, total);
                else
                    done++;
            }
        }
    }
    for (int w = 0; w < jobs; w++) {
        int st;
        if (waitpid(pid[w], &st, 0) < 0 || !WIFEXITED(st) ||
            WEXITSTATUS(st) != 0)
            rc = SIM_EIO;
    }
    if (done != total)
        rc = SIM_EIO;
    free(buf);
    free(have);
    free(pfd);
    free(pid);
    free(fd);
    return rc;
}
