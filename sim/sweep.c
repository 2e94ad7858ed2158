/*
 * sweep.c - runs spread over forked workers, results gathered in order.
 *
 * Parallelism is across runs, never inside one: a run is single-threaded
 * and deterministic. The parent deals task numbers to workers through one
 * pipe each, a new one as each worker returns a record (prefixed by its
 * task number) through another; records are handed on in task order. The
 * output is thus the same bytes whatever the number of workers, and uneven
 * tasks do not leave a worker idle while another has a backlog.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
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

struct map_ctx {
    struct run_result *out;
};

static int map_done(void *dctx, int i, const struct run_result *r)
{
    struct map_ctx *m = dctx;
    m->out[i] = *r;
    return 0;
}

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
    struct map_ctx m = {out};
    struct sweep_job j = {.total = total, .fn = fn, .ctx = ctx, .jobs = jobs,
                          .progress = progress, .done = map_done, .dctx = &m};
    return sweep_stream(&j);
}

/* ---- Workers -------------------------------------------------------- */

/* Tasks a worker holds at once: one running, one waiting in its pipe, so
 * that it never idles while the parent catches up. */
#define IN_FLIGHT 2

/* Finished results kept for in-order delivery, per worker: a task is dealt
 * only while it is this close to the oldest one not yet delivered, which
 * bounds the parent's memory whatever the number of tasks. */
#define WINDOW_PER_JOB 32

struct worker {
    pid_t pid;
    int task_fd;  /* parent -> worker: task numbers (int32)           */
    int res_fd;   /* worker -> parent: struct msg                      */
    int held;     /* tasks dealt and not yet returned                  */
    size_t have;  /* bytes of `buf` read so far                        */
    struct msg buf;
};

struct pool {
    const struct sweep_job *j;
    struct worker *w;
    int nw;
    int window;
    struct run_result *pend; /* [window]: finished, not yet delivered */
    signed char *state;      /* [window]: 0 waiting, 1 ready, 2 skipped */
    int next;                /* next task to deal                      */
    int first;               /* oldest task not yet delivered          */
};

static int read_full(int fd, void *p, size_t n)
{
    char *c = p;
    while (n) {
        ssize_t r = read(fd, c, n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return -1;
        c += r;
        n -= (size_t)r;
    }
    return 0;
}

/* A worker's life: run each task number read from `in`, write its record
 * to `out`, until the parent closes `in`. */
static void worker_main(const struct sweep_job *j, int in, int out)
{
    struct msg *m = xcalloc(1, sizeof *m); /* no stray padding */
    int32_t i;
    while (read_full(in, &i, sizeof i) == 0) {
        m->run = i;
        j->fn(j->ctx, i, &m->r);
        if (write_all(out, m, sizeof *m) < 0)
            _exit(1);
    }
    _exit(0);
}

static int spawn(struct pool *p, int k)
{
    int task[2], res[2];
    if (pipe(task) < 0 || pipe(res) < 0) {
        perror("vsrsim: pipe");
        return SIM_EIO;
    }
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        perror("vsrsim: fork");
        return SIM_EIO;
    }
    if (pid == 0) {
        signal(SIGPIPE, SIG_DFL); /* a worker dies with its parent */
        close(task[1]);
        close(res[0]);
        for (int v = 0; v < k; v++) {
            close(p->w[v].task_fd);
            close(p->w[v].res_fd);
        }
        /* A worker needs the job only: it lets go of its copy of the
         * pool, which nothing would free before its _exit. */
        const struct sweep_job *j = p->j;
        free(p->state);
        free(p->pend);
        free(p->w);
        worker_main(j, task[0], res[1]);
    }
    close(task[0]);
    close(res[1]);
    p->w[k] = (struct worker){.pid = pid, .task_fd = task[1],
                              .res_fd = res[0]};
    return 0;
}

/* Hand tasks the caller already has to the window, and deal the next ones
 * to workers with room. */
static int deal(struct pool *p)
{
    const struct sweep_job *j = p->j;
    for (;;) {
        while (p->next < j->total && p->next < p->first + p->window &&
               j->skip && j->skip(j->dctx, p->next)) {
            p->state[p->next % p->window] = 2;
            p->next++;
        }
        if (p->next >= j->total || p->next >= p->first + p->window)
            return 0;
        struct worker *w = NULL;
        for (int k = 0; k < p->nw; k++)
            if (p->w[k].task_fd >= 0 &&
                (!w || p->w[k].held < w->held))
                w = &p->w[k];
        if (!w || w->held >= IN_FLIGHT)
            return 0;
        int32_t i = p->next;
        if (write_all(w->task_fd, &i, sizeof i) < 0)
            return SIM_EIO;
        w->held++;
        p->next++;
    }
}

/* Hand every finished task at the head of the window to done(). */
static int deliver(struct pool *p, int *delivered)
{
    const struct sweep_job *j = p->j;
    while (p->first < j->total && p->state[p->first % p->window]) {
        int slot = p->first % p->window;
        int rc = j->done(j->dctx, p->first,
                         p->state[slot] == 1 ? &p->pend[slot] : NULL);
        p->state[slot] = 0;
        p->first++;
        if (j->progress)
            show(p->first, j->total);
        ++*delivered;
        if (rc)
            return rc;
    }
    return 0;
}

/* Read what worker w has written; a whole record goes to the window. */
static int collect(struct pool *p, struct worker *w)
{
    ssize_t n = read(w->res_fd, (char *)&w->buf + w->have,
                     sizeof w->buf - w->have);
    if (n < 0 && errno == EINTR)
        return 0;
    if (n <= 0)
        return SIM_EIO; /* a worker died with tasks in hand */
    w->have += (size_t)n;
    if (w->have < sizeof w->buf)
        return 0;
    w->have = 0;
    int i = w->buf.run;
    if (i < p->first || i >= p->next || w->held == 0)
        return SIM_EIO;
    p->pend[i % p->window] = w->buf.r;
    p->state[i % p->window] = 1;
    w->held--;
    return 0;
}

static int run_pool(struct pool *p)
{
    int delivered = 0, rc = 0;
    struct pollfd *pfd = xcalloc((size_t)p->nw, sizeof *pfd);
    while (!rc && p->first < p->j->total) {
        if ((rc = deal(p)) || (rc = deliver(p, &delivered)))
            break;
        if (p->first >= p->j->total)
            break;
        int n = 0;
        for (int k = 0; k < p->nw; k++)
            if (p->w[k].held > 0)
                pfd[n++] = (struct pollfd){.fd = p->w[k].res_fd,
                                           .events = POLLIN};
        if (n == 0)
            continue; /* everything dealt was skipped: deal again */
        if (poll(pfd, (nfds_t)n, -1) < 0) {
            if (errno != EINTR)
                rc = SIM_EIO;
            continue;
        }
        for (int k = 0, f = 0; k < p->nw && !rc; k++) {
            if (p->w[k].held == 0)
                continue;
            if (pfd[f++].revents & (POLLIN | POLLHUP | POLLERR))
                rc = collect(p, &p->w[k]);
        }
    }
    free(pfd);
    return rc;
}

/* Close the task pipes (a worker exits when its pipe ends), stop workers
 * that are still busy after a failure, and reap them all. */
static int stop_workers(struct pool *p, int failed)
{
    int rc = 0;
    for (int k = 0; k < p->nw; k++) {
        if (p->w[k].task_fd >= 0)
            close(p->w[k].task_fd);
        if (failed && p->w[k].pid > 0)
            kill(p->w[k].pid, SIGTERM);
    }
    for (int k = 0; k < p->nw; k++) {
        int st;
        if (p->w[k].pid <= 0)
            continue;
        if (waitpid(p->w[k].pid, &st, 0) < 0 || !WIFEXITED(st) ||
            WEXITSTATUS(st) != 0)
            rc = SIM_EIO;
        close(p->w[k].res_fd);
    }
    return rc;
}

static int run_here(const struct sweep_job *j)
{
    struct run_result *r = xcalloc(1, sizeof *r);
    int rc = 0;
    for (int i = 0; i < j->total && !rc; i++) {
        if (j->skip && j->skip(j->dctx, i)) {
            rc = j->done(j->dctx, i, NULL);
        } else {
            j->fn(j->ctx, i, r);
            rc = j->done(j->dctx, i, r);
        }
        if (j->progress)
            show(i + 1, j->total);
    }
    free(r);
    return rc;
}

int sweep_stream(const struct sweep_job *j)
{
    int jobs = j->jobs < j->total ? j->jobs : j->total;
    if (jobs <= 1)
        return run_here(j);
    struct pool p = {.j = j, .nw = 0, .window = WINDOW_PER_JOB * jobs};
    p.w = xcalloc((size_t)jobs, sizeof *p.w);
    p.pend = xcalloc((size_t)p.window, sizeof *p.pend);
    p.state = xcalloc((size_t)p.window, sizeof *p.state);
    void (*old_pipe)(int) = signal(SIGPIPE, SIG_IGN); /* EPIPE instead */
    int rc = 0;
    for (int k = 0; k < jobs && !rc; k++)
        if ((rc = spawn(&p, k)) == 0)
            p.nw++;
    if (!rc)
        rc = run_pool(&p);
    int wrc = stop_workers(&p, rc != 0);
    if (!rc && p.first == j->total)
        rc = wrc;
    signal(SIGPIPE, old_pipe);
    free(p.state);
    free(p.pend);
    free(p.w);
    return rc;
}
