/*
 * journal.c - the restore journal (see journal.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libgen.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "err.h"
#include "journal.h"
#include "procfs.h"
#include "tune.h"

struct journal {
    char path[512];
    int fd;
};

void jrec_format(const struct jrec *r, char *buf, size_t len)
{
    const struct thread_sched *s = &r->sched;
    switch (r->kind) {
    case JREC_THREAD:
        snprintf(buf, len,
                 "thread %d %" PRIu64 " %" PRIx64 " %u %u %d %" PRIu64
                 " %" PRIu64 " %" PRIu64 " %" PRIu64,
                 r->id, r->starttime, r->cpus, s->policy, s->priority,
                 s->nice, s->runtime, s->deadline, s->period, s->flags);
        break;
    case JREC_IRQ:
        snprintf(buf, len, "irq %d %" PRIx64, r->id, r->cpus);
        break;
    case JREC_TXQLEN:
        snprintf(buf, len, "txqlen %s %s %" PRIu64, r->netns, r->dev, r->len);
        break;
    case JREC_SYSCTL:
        snprintf(buf, len, "sysctl %s %s", r->path, r->value);
        break;
    case JREC_PROC:
        snprintf(buf, len, "proc %d %" PRIu64, r->id, r->starttime);
        break;
    case JREC_CGROUP:
        snprintf(buf, len, "cgroup %d %" PRIu64 " %s", r->id, r->starttime,
                 r->path);
        break;
    }
}

int jrec_parse(const char *line, struct jrec *r, char *err, size_t errlen)
{
    struct thread_sched *s = &r->sched;
    const char *whole = line; /* for the message */
    char kind[16];
    int n = 0;
    memset(r, 0, sizeof *r);
    if (sscanf(line, "%15s%n", kind, &n) != 1)
        goto bad;
    line += n;
    n = -1;
    if (strcmp(kind, "thread") == 0) {
        r->kind = JREC_THREAD;
        sscanf(line,
               " %d %" SCNu64 " %" SCNx64 " %u %u %d %" SCNu64 " %" SCNu64
               " %" SCNu64 " %" SCNu64 " %n",
               &r->id, &r->starttime, &r->cpus, &s->policy, &s->priority,
               &s->nice, &s->runtime, &s->deadline, &s->period, &s->flags,
               &n);
    } else if (strcmp(kind, "irq") == 0) {
        r->kind = JREC_IRQ;
        sscanf(line, " %d %" SCNx64 " %n", &r->id, &r->cpus, &n);
    } else if (strcmp(kind, "txqlen") == 0) {
        r->kind = JREC_TXQLEN;
        sscanf(line, " %31s %31s %" SCNu64 " %n", r->netns, r->dev, &r->len,
               &n);
    } else if (strcmp(kind, "cgroup") == 0) {
        r->kind = JREC_CGROUP;
        sscanf(line, " %d %" SCNu64 " %255s %n", &r->id, &r->starttime,
               r->path, &n);
    } else if (strcmp(kind, "proc") == 0) {
        r->kind = JREC_PROC;
        sscanf(line, " %d %" SCNu64 " %n", &r->id, &r->starttime, &n);
    } else if (strcmp(kind, "sysctl") == 0) {
        /* The value is the rest of the line: it may hold blanks. */
        int v = -1;
        r->kind = JREC_SYSCTL;
        if (sscanf(line, " %127s%n", r->path, &v) == 1 && v >= 0 &&
            (line[v] == ' ' || line[v] == '\0') &&
            strlen(line + v) <= sizeof r->value) {
            snprintf(r->value, sizeof r->value, "%s",
                     line[v] ? line + v + 1 : "");
            return 0;
        }
    }
    if (n >= 0 && line[n] == '\0')
        return 0;
bad:
    snprintf(err, errlen, "expected a thread, irq, txqlen, sysctl, proc or "
             "cgroup record, found '%.60s'", whole);
    return -1;
}

int journal_open(struct journal **out, const char *path, char *err,
                 size_t errlen)
{
    char dir[512];
    snprintf(dir, sizeof dir, "%s", path);
    mkdir(dirname(dir), 0755); /* its parent is expected to exist */
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC,
                  0644);
    if (fd < 0) {
        snprintf(err, errlen, "%s: %s", path,
                 errno == EEXIST ? "a journal of an earlier run is still "
                                   "there; run `vsrcal restore` first"
                                 : strerror(errno));
        return -1;
    }
    struct journal *j = xcalloc(1, sizeof *j);
    snprintf(j->path, sizeof j->path, "%s", path);
    j->fd = fd;
    *out = j;
    return 0;
}

int journal_add(struct journal *j, const struct jrec *r, char *err,
                size_t errlen)
{
    char line[512];
    jrec_format(r, line, sizeof line - 1);
    strcat(line, "\n");
    size_t n = strlen(line);
    if (write(j->fd, line, n) != (ssize_t)n || fsync(j->fd) != 0) {
        snprintf(err, errlen, "%s: cannot write the journal: %s", j->path,
                 strerror(errno));
        return -1;
    }
    return 0;
}

/* Stop the process group a JREC_PROC record names: at once while its
 * first process is there (the same start time); else the group may
 * still have forks of it (trafgen's sender outliving its parent), and
 * every process of the group that started no earlier than the recorded
 * one is stopped, found in /proc. */
static void stop_group(const struct jrec *r)
{
    static int pids[32768];
    struct task_stat st;
    char err[256];
    if (procfs_task_stat("/", r->id, r->id, &st, err, sizeof err) == 0 &&
        st.starttime == r->starttime) {
        kill(-r->id, SIGKILL);
        return;
    }
    int n = procfs_list_pids("/", pids, 32768, err, sizeof err);
    for (int i = 0; i < n; i++)
        if (procfs_task_stat("/", pids[i], pids[i], &st, err, sizeof err) ==
                0 &&
            st.pgrp == r->id && st.starttime >= r->starttime)
            kill(pids[i], SIGKILL);
}

/* Put one record back. Returns 0; 1 when it no longer applies (the
 * thread has exited or is another thread now, the device or IRQ is gone
 * with the domain), with the reason in err; or -1. */
static int restore_one(const struct jrec *r, char *err, size_t errlen)
{
    struct task_stat st;
    switch (r->kind) {
    case JREC_THREAD:
        if (procfs_task_stat("/", r->id, r->id, &st, err, errlen) == 0 &&
            st.starttime == r->starttime) {
            if (tune_thread_apply(r->id, r->cpus, &r->sched, err, errlen) == 0)
                return 0;
            if (errno != ESRCH) /* ESRCH: it exited just now */
                return -1;
        }
        snprintf(err, errlen, "thread %d has exited (or its id is another "
                 "thread's now)", r->id);
        return 1;
    case JREC_IRQ:
        if (tune_irq_apply(r->id, r->cpus, err, errlen) == 0)
            return 0;
        if (errno != ENOENT)
            return -1;
        snprintf(err, errlen, "IRQ %d is gone", r->id);
        return 1;
    case JREC_TXQLEN:
        if (tune_txqlen_apply(r->netns, r->dev, r->len, err, errlen) == 0)
            return 0;
        if (errno != ENODEV && errno != ENOENT)
            return -1;
        snprintf(err, errlen, "device '%s' is gone", r->dev);
        return 1;
    case JREC_SYSCTL:
        return tune_sysctl_apply(r->path, r->value, err, errlen);
    case JREC_CGROUP:
        if (procfs_task_stat("/", r->id, r->id, &st, err, errlen) != 0 ||
            st.starttime != r->starttime) {
            snprintf(err, errlen, "thread %d has exited", r->id);
            return 1;
        }
        return tune_cgroup_apply(r->id, r->path, err, errlen);
    case JREC_PROC:
        stop_group(r);
        return 0; /* or gone already: nothing to stop */
    }
    return -1;
}

/* Restore the records of the file at `path` in reverse order. Returns the
 * number restored and sets *failed; -1 when the file cannot be read. */
static int restore_file(const char *path, int *failed, char *err,
                        size_t errlen)
{
    FILE *f = fopen(path, "re");
    *failed = 0;
    if (f == NULL) {
        if (errno == ENOENT)
            return 0;
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    struct jrec *rec = NULL;
    int n = 0, cap = 0, lineno = 0;
    char line[512];
    while (fgets(line, sizeof line, f)) {
        lineno++;
        char *nl = strchr(line, '\n');
        if (nl == NULL) {
            /* A last line without its newline was torn by a kill while it
             * was written: its change had not been made yet, and it is
             * never applied, though what is left may parse (a length cut
             * short). Anywhere else, it is longer than any record. */
            if (fgetc(f) == EOF)
                break;
            snprintf(err, errlen, "%s:%d: expected a record of at most %d "
                     "characters", path, lineno, (int)sizeof line - 2);
            fclose(f);
            free(rec);
            return -1;
        }
        *nl = '\0';
        if (line[0] == '\0')
            continue;
        if (n == cap) {
            cap = cap ? 2 * cap : 32;
            rec = xrealloc(rec, (size_t)cap * sizeof *rec);
        }
        /* A whole line that does not parse is not a torn one: the
         * journal is not what vsrcal wrote, and is kept for a look. */
        char why[160];
        if (jrec_parse(line, &rec[n], why, sizeof why) != 0) {
            snprintf(err, errlen, "%s:%d: %s", path, lineno, why);
            fclose(f);
            free(rec);
            return -1;
        }
        n++;
    }
    if (ferror(f)) { /* not the end: restore none rather than some */
        snprintf(err, errlen, "%s:%d: cannot read it: %s", path, lineno,
                 strerror(errno));
        fclose(f);
        free(rec);
        return -1;
    }
    fclose(f);
    int restored = 0;
    for (int i = n - 1; i >= 0; i--) {
        char why[256], line2[256];
        int rc = restore_one(&rec[i], why, sizeof why);
        jrec_format(&rec[i], line2, sizeof line2);
        if (rc == 0) {
            restored++;
        } else if (rc == 1) {
            fprintf(stderr, "vsrcal: restore: %s; left alone (%s)\n", why,
                    line2);
        } else {
            fprintf(stderr, "vsrcal: restore: %s\n", why);
            (*failed)++;
        }
    }
    free(rec);
    return restored;
}

int journal_close(struct journal *j)
{
    char err[256];
    int failed;
    close(j->fd);
    if (restore_file(j->path, &failed, err, sizeof err) < 0) {
        fprintf(stderr, "vsrcal: restore: %s\n", err);
        free(j);
        return 1;
    }
    if (failed == 0)
        unlink(j->path);
    else
        fprintf(stderr, "vsrcal: %d setting(s) not restored; the journal "
                "stays in %s\n", failed, j->path);
    free(j);
    return failed;
}

int journal_replay(const char *path, char *err, size_t errlen)
{
    int failed;
    int restored = restore_file(path, &failed, err, errlen);
    if (restored < 0)
        return -1;
    if (failed > 0) {
        snprintf(err, errlen, "%s: %d setting(s) could not be restored; "
                 "the journal is kept", path, failed);
        return -1;
    }
    unlink(path);
    return restored;
}
