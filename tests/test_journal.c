/*
 * test_journal.c - tests of calib/journal.c and the thread and queue
 * settings of calib/tune.c that go through it.
 *
 * The record format is tested on its own. Everything else changes the
 * live host: the scheduling of a thread the test starts (it sleeps on a
 * condition variable the whole time), the affinity of the test's own
 * thread, and the queue length of a TAP or dummy device in a network
 * namespace made for the test and always deleted after it. Journals are
 * written in a temporary directory. Tests that need a capability the
 * process lacks (real-time and deadline scheduling, namespaces) are
 * skipped with a message. Each test checks one property.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "fixture.h"
#include "journal.h"
#include "procfs.h"
#include "tune.h"

#ifndef SCHED_DEADLINE
#define SCHED_DEADLINE 6
#endif

/* Capabilities (linux/capability.h) the live tests need. */
#define CAP_NET_ADMIN 12
#define CAP_SYS_ADMIN 21
#define CAP_SYS_NICE 23

static int file_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

static int count_lines(const char *text)
{
    int n = 0;
    for (; *text; text++)
        n += *text == '\n';
    return n;
}

/* 1 when the effective capability set holds `cap`. */
static int have_cap(int cap)
{
    char buf[4096];
    const char *p;
    unsigned long long eff;

    fixture_read_text("/proc/self/status", buf, sizeof buf);
    p = strstr(buf, "CapEff:");
    if (p == NULL || sscanf(p + 7, "%llx", &eff) != 1)
        return 0;
    return (int)(eff >> cap & 1);
}

#define NEED_CAP(cap)                                                          \
    do {                                                                       \
        if (!have_cap(cap)) {                                                  \
            print_message("skipped: needs " #cap " (run as root)\n");          \
            skip();                                                            \
        }                                                                      \
    } while (0)

static int gettid_(void)
{
    return (int)syscall(SYS_gettid);
}

/* Run `fn` with stderr sent to the file `path`. */
static int with_stderr_to(const char *path, int (*fn)(void *), void *arg)
{
    int saved, fd, rc;

    fflush(stderr);
    saved = dup(2);
    fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (saved < 0 || fd < 0)
        fail_msg("cannot redirect stderr to %s: %s", path, strerror(errno));
    dup2(fd, 2);
    close(fd);
    rc = fn(arg);
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    return rc;
}

static int group_setup(void **state)
{
    (void)state;
    return fixture_dir("journal") ? 0 : -1;
}

/* ---- a thread to change ---------------------------------------------- */

/* A thread that sleeps on a condition variable until told to stop. */
struct sleeper {
    pthread_t th;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int tid;
    int stop;
    int running;
    /* what it was given when it started */
    uint64_t cpus;
    struct thread_sched sched;
};

static void *sleeper_main(void *arg)
{
    struct sleeper *s = arg;

    pthread_mutex_lock(&s->mu);
    s->tid = gettid_();
    pthread_cond_broadcast(&s->cv);
    while (!s->stop)
        pthread_cond_wait(&s->cv, &s->mu);
    pthread_mutex_unlock(&s->mu);
    return NULL;
}

static void sleeper_stop(struct sleeper *s)
{
    if (!s->running)
        return;
    pthread_mutex_lock(&s->mu);
    s->stop = 1;
    pthread_cond_broadcast(&s->cv);
    pthread_mutex_unlock(&s->mu);
    pthread_join(s->th, NULL);
    s->running = 0;
}

/* Per-test state: a sleeping thread and a journal path. */
struct live {
    struct sleeper sl;
    char journal[512];
};

static int live_setup(void **state)
{
    static int serial;
    struct live *l = calloc(1, sizeof *l);
    char name[64], err[256];

    if (l == NULL)
        return -1;
    snprintf(name, sizeof name, "journal-%d", serial++);
    fixture_path(l->journal, sizeof l->journal, name);
    pthread_mutex_init(&l->sl.mu, NULL);
    pthread_cond_init(&l->sl.cv, NULL);
    if (pthread_create(&l->sl.th, NULL, sleeper_main, &l->sl) != 0) {
        free(l);
        return -1;
    }
    l->sl.running = 1;
    pthread_mutex_lock(&l->sl.mu);
    while (l->sl.tid == 0)
        pthread_cond_wait(&l->sl.cv, &l->sl.mu);
    pthread_mutex_unlock(&l->sl.mu);
    if (tune_thread_get(l->sl.tid, &l->sl.cpus, &l->sl.sched, err,
                        sizeof err) != 0) {
        fprintf(stderr, "%s\n", err);
        sleeper_stop(&l->sl);
        free(l);
        return -1;
    }
    *state = l;
    return 0;
}

static int live_teardown(void **state)
{
    struct live *l = *state;

    /* A test that failed half way may leave the thread changed: it ends
     * here anyway, and a journal it left is replayed so that nothing else
     * stays changed. */
    if (file_exists(l->journal)) {
        char err[256];
        journal_replay(l->journal, err, sizeof err);
        unlink(l->journal);
    }
    sleeper_stop(&l->sl);
    pthread_cond_destroy(&l->sl.cv);
    pthread_mutex_destroy(&l->sl.mu);
    free(l);
    return 0;
}

/* Affinity and scheduling of `tid`; fails the test if they cannot be
 * read. */
static void get_sched(int tid, uint64_t *cpus, struct thread_sched *s)
{
    char err[256] = "";

    if (tune_thread_get(tid, cpus, s, err, sizeof err) != 0)
        fail_msg("tune_thread_get: %s", err);
}

/* The scheduling fields a restore must give back. */
static void assert_same_sched(const struct thread_sched *a,
                              const struct thread_sched *b)
{
    assert_int_equal(a->policy, b->policy);
    assert_int_equal(a->priority, b->priority);
    assert_int_equal(a->nice, b->nice);
    assert_true(a->runtime == b->runtime);
    assert_true(a->deadline == b->deadline);
    assert_true(a->period == b->period);
}

/* ---- records --------------------------------------------------------- */

static void assert_rec_equal(const struct jrec *a, const struct jrec *b)
{
    assert_int_equal(a->kind, b->kind);
    switch (a->kind) {
    case JREC_THREAD:
        assert_int_equal(a->id, b->id);
        assert_true(a->starttime == b->starttime);
        assert_true(a->cpus == b->cpus);
        assert_int_equal(a->sched.policy, b->sched.policy);
        assert_int_equal(a->sched.priority, b->sched.priority);
        assert_int_equal(a->sched.nice, b->sched.nice);
        assert_true(a->sched.runtime == b->sched.runtime);
        assert_true(a->sched.deadline == b->sched.deadline);
        assert_true(a->sched.period == b->sched.period);
        assert_true(a->sched.flags == b->sched.flags);
        break;
    case JREC_IRQ:
        assert_int_equal(a->id, b->id);
        assert_true(a->cpus == b->cpus);
        break;
    case JREC_TXQLEN:
        assert_string_equal(a->netns, b->netns);
        assert_string_equal(a->dev, b->dev);
        assert_true(a->len == b->len);
        break;
    case JREC_SYSCTL:
        assert_string_equal(a->path, b->path);
        assert_string_equal(a->value, b->value);
        break;
    case JREC_PROC:
        assert_int_equal(a->id, b->id);
        assert_true(a->starttime == b->starttime);
        break;
    case JREC_CGROUP:
        assert_int_equal(a->id, b->id);
        assert_true(a->starttime == b->starttime);
        assert_string_equal(a->path, b->path);
        break;
    }
}

/* Format, parse and format again: the same record and the same line. */
static void round_trip(const struct jrec *r, const char *want_line)
{
    char line[512], again[512], err[256] = "";
    struct jrec back;

    jrec_format(r, line, sizeof line);
    if (want_line != NULL)
        assert_string_equal(line, want_line);
    if (jrec_parse(line, &back, err, sizeof err) != 0)
        fail_msg("'%s' does not parse back: %s", line, err);
    assert_rec_equal(&back, r);
    jrec_format(&back, again, sizeof again);
    assert_string_equal(again, line);
}

static void test_round_trip_thread(void **state)
{
    struct jrec r = {
        .kind = JREC_THREAD, .id = 4242, .starttime = 987654321, .cpus = 0x5};
    (void)state;
    r.sched.policy = SCHED_OTHER;
    r.sched.nice = -7;
    round_trip(&r, "thread 4242 987654321 5 0 0 -7 0 0 0 0");

    /* every field its own value, the widest mask and a deadline thread */
    struct jrec d = {.kind = JREC_THREAD,
                     .id = 1,
                     .starttime = UINT64_MAX,
                     .cpus = UINT64_MAX};
    d.sched.policy = SCHED_DEADLINE;
    d.sched.priority = 3;
    d.sched.nice = 19;
    d.sched.runtime = 2000000;
    d.sched.deadline = 9000000;
    d.sched.period = 10000000;
    d.sched.flags = 0x5;
    round_trip(&d, NULL);

    struct jrec f = {.kind = JREC_THREAD,
                     .id = 77,
                     .starttime = 1,
                     .cpus = 0x8000000000000001ULL};
    f.sched.policy = SCHED_FIFO;
    f.sched.priority = 99;
    round_trip(&f, NULL);
}

static void test_round_trip_irq(void **state)
{
    struct jrec r = {.kind = JREC_IRQ, .id = 129, .cpus = 0xff00};
    (void)state;
    round_trip(&r, "irq 129 ff00");
}

static void test_round_trip_txqlen(void **state)
{
    struct jrec r = {
        .kind = JREC_TXQLEN, .netns = "-", .dev = "tap0", .len = 1000};
    struct jrec n = {
        .kind = JREC_TXQLEN, .netns = "vsrgen", .dev = "vtgen0", .len = 0};
    (void)state;
    round_trip(&r, "txqlen - tap0 1000");
    round_trip(&n, "txqlen vsrgen vtgen0 0");
}

static void test_round_trip_sysctl(void **state)
{
    struct jrec r = {.kind = JREC_SYSCTL,
                     .path = "kernel/sched_rt_runtime_us",
                     .value = "-1"};
    /* Values may hold blanks (kernel/printk) or be empty. */
    struct jrec tabs = {.kind = JREC_SYSCTL, .path = "kernel/printk",
                        .value = "4\t4\t1\t7"};
    struct jrec empty = {.kind = JREC_SYSCTL, .path = "kernel/x", .value = ""};
    (void)state;
    round_trip(&r, "sysctl kernel/sched_rt_runtime_us -1");
    round_trip(&tabs, "sysctl kernel/printk 4\t4\t1\t7");
    round_trip(&empty, "sysctl kernel/x ");
}

static void test_round_trip_proc(void **state)
{
    struct jrec r = {.kind = JREC_PROC, .id = 4321, .starttime = 98765};
    (void)state;
    struct jrec c = {.kind = JREC_CGROUP, .id = 77, .starttime = 5,
                     .path = "/sys/fs/cgroup/cpu/machine/qemu-1-vm/vcpu0"};
    round_trip(&r, "proc 4321 98765");
    round_trip(&c, "cgroup 77 5 /sys/fs/cgroup/cpu/machine/qemu-1-vm/vcpu0");
}

/* A child that waits for a signal, leading its own process group. */
static pid_t paused_group_leader(void)
{
    pid_t child = fork();
    assert_true(child >= 0);
    if (child == 0) {
        setpgid(0, 0);
        pause();
        _exit(0);
    }
    setpgid(child, child);
    return child;
}

/* A generator left running by a killed vsrcal is stopped by the replay,
 * and only while its process group leader is the same process. */
static void test_replay_stops_process_group(void **state)
{
    char path[512], line[128], err[256];
    (void)state;
    snprintf(path, sizeof path, "/tmp/vsrcal-test-proc-%d", (int)getpid());
    unlink(path);
    pid_t child = paused_group_leader();
    struct task_stat st;
    for (int i = 0; i < 100; i++) /* until the child has its own group */
        if (getpgid(child) == child)
            break;
    assert_int_equal(procfs_task_stat("/", child, child, &st, err,
                                      sizeof err), 0);
    /* A record with another start time leaves it alone... */
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fprintf(f, "proc %d %llu\n", (int)child,
            (unsigned long long)st.starttime + 1);
    fclose(f);
    assert_int_equal(journal_replay(path, err, sizeof err), 1);
    assert_int_equal(waitpid(child, NULL, WNOHANG), 0);
    /* ...the right one stops it. */
    f = fopen(path, "w");
    assert_non_null(f);
    snprintf(line, sizeof line, "proc %d %llu\n", (int)child,
             (unsigned long long)st.starttime);
    fputs(line, f);
    fclose(f);
    assert_int_equal(journal_replay(path, err, sizeof err), 1);
    int status;
    assert_int_equal(waitpid(child, &status, 0), child);
    assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
    assert_int_equal(access(path, F_OK), -1);
}

/* A generator whose first process has gone while its fork goes on
 * sending: the replay stops the fork, found by its process group. */
static void test_replay_stops_orphaned_fork(void **state)
{
    char path[512], err[256];
    int fds[2];
    (void)state;
    snprintf(path, sizeof path, "/tmp/vsrcal-test-orphan-%d", (int)getpid());
    unlink(path);
    assert_int_equal(pipe(fds), 0);
    pid_t leader = fork();
    assert_true(leader >= 0);
    if (leader == 0) {
        setpgid(0, 0);
        pid_t sender = fork();
        if (sender == 0) {
            close(fds[1]);
            pause();
            _exit(0);
        }
        ssize_t w = write(fds[1], &sender, sizeof sender);
        _exit(w == (ssize_t)sizeof sender ? 0 : 1);
    }
    setpgid(leader, leader);
    close(fds[1]);
    pid_t sender = 0;
    assert_int_equal(read(fds[0], &sender, sizeof sender), sizeof sender);
    close(fds[0]);
    struct task_stat st;
    assert_int_equal(procfs_task_stat("/", sender, sender, &st, err,
                                      sizeof err), 0);
    assert_int_equal(st.pgrp, leader);
    int status;
    assert_int_equal(waitpid(leader, &status, 0), leader); /* it is gone */
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    /* The leader started no later than its fork. */
    fprintf(f, "proc %d %llu\n", (int)leader,
            (unsigned long long)st.starttime);
    fclose(f);
    assert_int_equal(journal_replay(path, err, sizeof err), 1);
    int gone = 0;
    for (int i = 0; i < 200 && !gone; i++) { /* init reaps it */
        gone = kill(sender, 0) != 0 ||
               (procfs_task_stat("/", sender, sender, &st, err, sizeof err) ==
                    0 &&
                st.state == 'Z');
        if (!gone)
            usleep(5000);
    }
    if (!gone) {
        kill(sender, SIGKILL);
        fail_msg("the replay left the orphaned fork %d running", (int)sender);
    }
}

static void test_parse_rejects_garbage(void **state)
{
    static const char *const bad[] = {
        "",
        "   ",
        "hello world",
        "thread",
        "thread 12 34 f 0 0 0 0 0 0",         /* one field short  */
        "thread 12 34 f 0 0 0 0 0 0 0 extra", /* one field more   */
        "thread x 34 f 0 0 0 0 0 0 0",        /* tid not a number */
        "thread 12 34 zz 0 0 0 0 0 0 0",      /* mask not hex     */
        "irq",
        "irq 5",
        "irq five f",
        "irq 5 f 6",
        "txqlen - tap0",
        "txqlen - tap0 many",
        "txqlen - tap0 10 11",
        "sysctl",
        "THREAD 12 34 f 0 0 0 0 0 0 0",
        "irqs 5 f",
        "proc 12",
        "proc 12 x",
    };
    (void)state;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct jrec r;
        char err[256] = "";
        if (jrec_parse(bad[i], &r, err, sizeof err) == 0)
            fail_msg("'%s' was accepted", bad[i]);
        if (strstr(err, "expected a thread, irq, txqlen, sysctl, proc or cgroup record") ==
            NULL)
            fail_msg("'%s': unexpected message '%s'", bad[i], err);
        /* the message quotes the whole line, its kind too */
        char quoted[64];
        snprintf(quoted, sizeof quoted, "found '%s'", bad[i]);
        if (strstr(err, quoted) == NULL)
            fail_msg("'%s': message '%s' does not quote it", bad[i], err);
    }
}

/* A whole last line that is not a record is no torn one: the replay
 * fails naming path:line, and the journal is kept. */
static void test_replay_refuses_bad_last_line(void **state)
{
    char path[512], err[512] = "", text[64], want[600];

    (void)state;
    fixture_path(path, sizeof path, "bad-last-line");
    assert_int_equal(fixture_write(path, "proc 999999999 1\nbogus record\n"),
                     0);
    assert_int_equal(journal_replay(path, err, sizeof err), -1);
    snprintf(want, sizeof want, "%s:2: ", path);
    if (strstr(err, want) == NULL || strstr(err, "'bogus record'") == NULL)
        fail_msg("unexpected message '%s'", err);
    assert_string_equal(fixture_read_text(path, text, sizeof text),
                        "proc 999999999 1\nbogus record\n");
    unlink(path);
}

/* A last line without its newline was cut short by a kill before its
 * change was made: never applied, even when what is left parses. */
static void test_replay_ignores_torn_line(void **state)
{
    char path[512], line[128], err[256] = "";
    struct task_stat st;

    (void)state;
    fixture_path(path, sizeof path, "torn");
    pid_t child = paused_group_leader();
    assert_int_equal(procfs_task_stat("/", child, child, &st, err,
                                      sizeof err), 0);
    /* a whole record but for its newline, which would stop the child */
    snprintf(line, sizeof line, "proc %d %llu", (int)child,
             (unsigned long long)st.starttime);
    assert_int_equal(fixture_write(path, line), 0);
    int n = journal_replay(path, err, sizeof err);
    int alive = waitpid(child, NULL, WNOHANG) == 0;
    kill(child, SIGKILL);
    waitpid(child, NULL, 0);
    assert_int_equal(n, 0);
    assert_true(alive);
    assert_false(file_exists(path));
}

/* ---- opening and replaying -------------------------------------------- */

static void test_open_refuses_existing_journal(void **state)
{
    char path[512], err[512] = "";
    struct journal *j = NULL;

    (void)state;
    fixture_path(path, sizeof path, "existing");
    assert_int_equal(fixture_write(path, "irq 1 1\n"), 0);
    assert_int_equal(journal_open(&j, path, err, sizeof err), -1);
    assert_non_null(strstr(err, path));
    assert_non_null(strstr(err, "vsrcal restore"));
    /* the earlier journal is left as it was */
    char text[64];
    assert_string_equal(fixture_read_text(path, text, sizeof text),
                        "irq 1 1\n");
    unlink(path);
}

static void test_replay_missing_file(void **state)
{
    char path[512], err[256] = "";

    (void)state;
    fixture_path(path, sizeof path, "never-written");
    assert_int_equal(journal_replay(path, err, sizeof err), 0);
    assert_false(file_exists(path));
}

static void test_close_without_records(void **state)
{
    char path[512], err[256] = "";
    struct journal *j = NULL;

    (void)state;
    fixture_path(path, sizeof path, "empty");
    assert_int_equal(journal_open(&j, path, err, sizeof err), 0);
    assert_true(file_exists(path));
    assert_int_equal(journal_close(j), 0);
    assert_false(file_exists(path));
}

/* ---- live threads ------------------------------------------------------ */

/* Two changes of the sleeping thread: CPU 0 only, FIFO 10; then `second`
 * (CFS, nice 5) on `second_cpus`. */
static void two_changes(struct journal *j, int tid, uint64_t second_cpus)
{
    struct thread_sched fifo, cfs;
    char note[256], err[256] = "";

    assert_int_equal(tune_sched_make(&fifo, "fifo", 10, 0, 0, 0), 0);
    assert_int_equal(tune_sched_make(&cfs, "cfs", 0, 5, 0, 0), 0);
    if (tune_thread_set(j, tid, 0x1, &fifo, note, sizeof note, err,
                        sizeof err) != 0)
        fail_msg("tune_thread_set fifo: %s", err);
    assert_string_equal(note, "");
    uint64_t cpus;
    struct thread_sched now;
    get_sched(tid, &cpus, &now);
    assert_true(cpus == 0x1);
    assert_int_equal(now.policy, SCHED_FIFO);
    assert_int_equal(now.priority, 10);

    if (tune_thread_set(j, tid, second_cpus, &cfs, note, sizeof note, err,
                        sizeof err) != 0)
        fail_msg("tune_thread_set cfs: %s", err);
    assert_string_equal(note, "");
    get_sched(tid, &cpus, &now);
    assert_true(cpus == second_cpus);
    assert_int_equal(now.policy, SCHED_OTHER);
    assert_int_equal(now.nice, 5);
}

/* The online CPUs; fails the test if they cannot be read. */
static uint64_t online_cpus(void)
{
    uint64_t online = 0;
    char err[512] = "";

    if (tune_online_cpus(&online, err, sizeof err) != 0)
        fail_msg("tune_online_cpus: %s", err);
    return online;
}

/* A mask of online CPUs other than CPU 0 alone, when there is one. */
static uint64_t other_cpus(void)
{
    uint64_t online = online_cpus();
    uint64_t rest = online & ~UINT64_C(1);
    return rest ? rest : online;
}

/* A SCHED_IDLE thread gets its policy and its nice value back (the
 * kernel takes no nice value for SCHED_IDLE from sched_setattr()). */
static void test_idle_thread_restored(void **state)
{
    struct live *l = *state;
    struct journal *j = NULL;
    struct thread_sched idle = {.policy = SCHED_IDLE, .nice = 3}, cfs, now;
    char note[256], err[512] = "";
    uint64_t cpus;

    NEED_CAP(CAP_SYS_NICE);
    /* as the thread was before the measurement */
    if (tune_thread_apply(l->sl.tid, l->sl.cpus, &idle, err, sizeof err) != 0)
        fail_msg("%s", err);
    get_sched(l->sl.tid, &cpus, &now);
    assert_int_equal(now.policy, SCHED_IDLE);
    assert_int_equal(now.nice, 3);

    assert_int_equal(journal_open(&j, l->journal, err, sizeof err), 0);
    assert_int_equal(tune_sched_make(&cfs, "cfs", 0, 5, 0, 0), 0);
    if (tune_thread_set(j, l->sl.tid, l->sl.cpus, &cfs, note, sizeof note,
                        err, sizeof err) != 0)
        fail_msg("tune_thread_set: %s", err);
    assert_int_equal(journal_close(j), 0);
    get_sched(l->sl.tid, &cpus, &now);
    assert_int_equal(now.policy, SCHED_IDLE);
    assert_int_equal(now.nice, 3);
}

static void test_close_restores_original(void **state)
{
    struct live *l = *state;
    struct journal *j = NULL;
    char err[512] = "", text[2048];
    uint64_t cpus;
    struct thread_sched now;

    NEED_CAP(CAP_SYS_NICE);
    assert_int_equal(journal_open(&j, l->journal, err, sizeof err), 0);
    two_changes(j, l->sl.tid, other_cpus());

    /* both changes were written down before they were made, each with
     * the thread's identity */
    fixture_read_text(l->journal, text, sizeof text);
    assert_int_equal(count_lines(text), 2);
    struct task_stat st;
    assert_int_equal(
        procfs_task_stat("/", l->sl.tid, l->sl.tid, &st, err, sizeof err), 0);
    char first[512];
    struct jrec r;
    sscanf(text, "%511[^\n]", first);
    assert_int_equal(jrec_parse(first, &r, err, sizeof err), 0);
    assert_int_equal(r.kind, JREC_THREAD);
    assert_int_equal(r.id, l->sl.tid);
    assert_true(r.starttime == st.starttime);
    assert_true(r.cpus == l->sl.cpus);
    assert_same_sched(&r.sched, &l->sl.sched);

    assert_int_equal(journal_close(j), 0);
    get_sched(l->sl.tid, &cpus, &now);
    assert_true(cpus == l->sl.cpus);
    assert_same_sched(&now, &l->sl.sched);
    assert_false(file_exists(l->journal));
}

/* What the killed child does: open the journal, change the parent's
 * thread twice, and end without closing. Exit status 0 when both changes
 * were made. */
static void crash_child(const char *path, int tid, uint64_t second_cpus)
{
    struct journal *j = NULL;
    struct thread_sched fifo, cfs;
    char err[256];

    tune_sched_make(&fifo, "fifo", 10, 0, 0, 0);
    tune_sched_make(&cfs, "cfs", 0, 5, 0, 0);
    if (journal_open(&j, path, err, sizeof err) != 0 ||
        tune_thread_set(j, tid, 0x1, &fifo, NULL, 0, err, sizeof err) != 0 ||
        tune_thread_set(j, tid, second_cpus, &cfs, NULL, 0, err, sizeof err) !=
            0) {
        fprintf(stderr, "child: %s\n", err);
        _exit(3);
    }
    _exit(0);
}

static void test_replay_after_crash(void **state)
{
    struct live *l = *state;
    char err[512] = "", text[2048];
    uint64_t cpus, second = other_cpus();
    struct thread_sched now;
    int status;

    NEED_CAP(CAP_SYS_NICE);
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0)
        crash_child(l->journal, l->sl.tid, second);
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);

    /* the changes outlived the process that made them */
    get_sched(l->sl.tid, &cpus, &now);
    assert_true(cpus == second);
    assert_int_equal(now.policy, SCHED_OTHER);
    assert_int_equal(now.nice, 5);
    assert_int_equal(
        count_lines(fixture_read_text(l->journal, text, sizeof text)), 2);

    assert_int_equal(journal_replay(l->journal, err, sizeof err), 2);
    get_sched(l->sl.tid, &cpus, &now);
    assert_true(cpus == l->sl.cpus);
    assert_same_sched(&now, &l->sl.sched);
    assert_false(file_exists(l->journal));
}

static int close_journal(void *arg)
{
    return journal_close(arg);
}

static void test_exited_thread_skipped(void **state)
{
    struct live *l = *state;
    struct journal *j = NULL;
    struct thread_sched cfs;
    char err[512] = "", log[512], text[1024], want[64];
    int tid = l->sl.tid;

    assert_int_equal(journal_open(&j, l->journal, err, sizeof err), 0);
    assert_int_equal(tune_sched_make(&cfs, "cfs", 0, 5, 0, 0), 0);
    if (tune_thread_set(j, tid, l->sl.cpus, &cfs, NULL, 0, err, sizeof err) !=
        0)
        fail_msg("tune_thread_set: %s", err);
    sleeper_stop(&l->sl);
    /* pthread_join returns when the thread has cleared its id, a moment
     * before the kernel has removed it */
    char task[64];
    snprintf(task, sizeof task, "/proc/self/task/%d", tid);
    for (int i = 0; i < 1000 && file_exists(task); i++)
        usleep(1000);
    assert_false(file_exists(task));

    fixture_path(log, sizeof log, "exited.log");
    assert_int_equal(with_stderr_to(log, close_journal, j), 0);
    fixture_read_text(log, text, sizeof text);
    snprintf(want, sizeof want, "thread %d has exited", tid);
    if (strstr(text, want) == NULL)
        fail_msg("stderr '%s' lacks '%s'", text, want);
    assert_false(file_exists(l->journal));
    unlink(log);
}

struct replay_args {
    const char *path;
    char err[512];
};

static int replay_journal(void *arg)
{
    struct replay_args *a = arg;
    return journal_replay(a->path, a->err, sizeof a->err);
}

static void test_starttime_mismatch_not_applied(void **state)
{
    struct live *l = *state;
    struct task_stat st;
    struct thread_sched now;
    uint64_t before, after, wrong;
    char err[512] = "", line[512], text[600];
    int self = gettid_();

    if (online_cpus() == 1) {
        print_message("skipped: needs two online CPUs\n");
        skip();
    }
    get_sched(self, &before, &now);
    assert_int_equal(procfs_task_stat("/", self, self, &st, err, sizeof err),
                     0);
    /* an affinity the thread does not have */
    wrong = before == 0x1 ? (online_cpus() & ~UINT64_C(1)) : 0x1;
    assert_true(wrong != before);

    struct jrec r = {.kind = JREC_THREAD,
                     .id = self,
                     .starttime = st.starttime + 12345,
                     .cpus = wrong,
                     .sched = now};
    jrec_format(&r, line, sizeof line);
    snprintf(text, sizeof text, "%s\n", line);
    assert_int_equal(fixture_write(l->journal, text), 0);
    struct replay_args a = {.path = l->journal};
    char log[512], said[1024], want[64];
    fixture_path(log, sizeof log, "starttime.log");
    assert_int_equal(with_stderr_to(log, replay_journal, &a), 0);
    get_sched(self, &after, &now);
    assert_true(after == before);
    assert_false(file_exists(l->journal));
    /* and it said so */
    fixture_read_text(log, said, sizeof said);
    snprintf(want, sizeof want, "thread %d ", self);
    if (strstr(said, want) == NULL)
        fail_msg("stderr '%s' does not name thread %d", said, self);
    unlink(log);

    /* the same record with the right start time is applied */
    r.starttime = st.starttime;
    jrec_format(&r, line, sizeof line);
    snprintf(text, sizeof text, "%s\n", line);
    assert_int_equal(fixture_write(l->journal, text), 0);
    assert_int_equal(journal_replay(l->journal, err, sizeof err), 1);
    get_sched(self, &after, &now);
    tune_affinity(0, before);
    assert_true(after == wrong);
}

static void test_deadline_widens_affinity(void **state)
{
    struct live *l = *state;
    struct journal *j = NULL;
    struct thread_sched dl, now;
    uint64_t cpus, online = online_cpus();
    char err[512] = "", note[512] = "x";

    NEED_CAP(CAP_SYS_NICE);
    if (online == 1) {
        print_message("skipped: needs two online CPUs for a narrower "
                      "affinity\n");
        skip();
    }
    assert_int_equal(tune_sched_make(&dl, "deadline", 0, 0, 2000000, 10000000),
                     0);
    assert_true(tune_is_deadline(&dl));
    assert_int_equal(journal_open(&j, l->journal, err, sizeof err), 0);
    if (tune_thread_set(j, l->sl.tid, 0x1, &dl, note, sizeof note, err,
                        sizeof err) != 0) {
        journal_close(j);
        fail_msg("tune_thread_set deadline: %s", err);
    }
    get_sched(l->sl.tid, &cpus, &now);
    assert_int_equal(now.policy, SCHED_DEADLINE);
    assert_true(now.runtime == 2000000);
    assert_true(now.deadline == 10000000);
    assert_true(now.period == 10000000);
    assert_true(cpus == online);
    if (strstr(note, "SCHED_DEADLINE") == NULL ||
        strstr(note, "asked: 0") == NULL)
        fail_msg("note '%s' does not explain the wider affinity", note);

    assert_int_equal(journal_close(j), 0);
    get_sched(l->sl.tid, &cpus, &now);
    assert_same_sched(&now, &l->sl.sched);
    assert_true(cpus == l->sl.cpus);
    assert_false(file_exists(l->journal));
}

/* ---- queue length in a namespace of its own ---------------------------- */

struct netns_state {
    char name[64];
    char dev[16];
    int created;
    char journal[512];
};

/* Run /usr/sbin/ip (or /sbin/ip, /bin/ip) with `argv` (argv[0] included);
 * its output goes to /dev/null when `quiet`. Returns its exit status, or
 * -1. */
static int run_ip(int quiet, const char *const argv[])
{
    static const char *const paths[] = {"/usr/sbin/ip", "/sbin/ip", "/bin/ip"};
    static const char *const envp[] = {"PATH=/usr/sbin:/usr/bin:/sbin:/bin",
                                       NULL};
    const char *ip = NULL;
    int status;

    for (size_t i = 0; i < sizeof paths / sizeof paths[0] && !ip; i++)
        if (access(paths[i], X_OK) == 0)
            ip = paths[i];
    if (ip == NULL)
        return -1;
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        if (quiet) {
            int fd = open("/dev/null", O_WRONLY);
            if (fd >= 0) {
                dup2(fd, 1);
                dup2(fd, 2);
            }
        }
        execve(ip, (char *const *)argv, (char *const *)envp);
        _exit(127);
    }
    if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
        return -1;
    return WEXITSTATUS(status);
}

static int netns_setup(void **state)
{
    struct netns_state *n = calloc(1, sizeof *n);

    if (n == NULL)
        return -1;
    *state = n;
    snprintf(n->name, sizeof n->name, "vsrtest-j%d", (int)getpid());
    fixture_path(n->journal, sizeof n->journal, "journal-txqlen");
    if (!have_cap(CAP_NET_ADMIN) || !have_cap(CAP_SYS_ADMIN))
        return 0; /* the test skips */
    const char *const add[] = {"ip", "netns", "add", n->name, NULL};
    if (run_ip(0, add) != 0)
        return 0;
    n->created = 1;
    const char *const dummy[] = {"ip", "-n",   n->name, "link", "add",
                                 "d0", "type", "dummy", NULL};
    const char *const tap[] = {"ip",  "-n", n->name, "tuntap", "add",
                               "dev", "t0", "mode",  "tap",    NULL};
    if (run_ip(1, dummy) == 0)
        snprintf(n->dev, sizeof n->dev, "d0");
    else if (run_ip(0, tap) == 0)
        snprintf(n->dev, sizeof n->dev, "t0");
    return 0;
}

static int netns_teardown(void **state)
{
    struct netns_state *n = *state;

    if (n == NULL)
        return 0;
    unlink(n->journal);
    if (n->created) {
        const char *const del[] = {"ip", "netns", "del", n->name, NULL};
        if (run_ip(0, del) != 0)
            fprintf(stderr, "could not delete network namespace %s\n", n->name);
    }
    free(n);
    return 0;
}

static void test_txqlen_restored(void **state)
{
    struct netns_state *n = *state;
    struct journal *j = NULL;
    uint64_t orig, len;
    char err[512] = "", text[256], want[128];

    if (!have_cap(CAP_NET_ADMIN) || !have_cap(CAP_SYS_ADMIN)) {
        print_message("skipped: needs CAP_NET_ADMIN and CAP_SYS_ADMIN (run "
                      "as root)\n");
        skip();
    }
    if (!n->created)
        fail_msg("could not create network namespace %s", n->name);
    if (n->dev[0] == '\0')
        fail_msg("could not create a dummy or TAP device in %s", n->name);

    if (tune_txqlen_get(n->name, n->dev, &orig, err, sizeof err) != 0)
        fail_msg("tune_txqlen_get: %s", err);
    uint64_t want_len = orig == 4321 ? 4322 : 4321;
    assert_int_equal(journal_open(&j, n->journal, err, sizeof err), 0);
    if (tune_txqlen_set(j, n->name, n->dev, want_len, err, sizeof err) != 0) {
        journal_close(j);
        fail_msg("tune_txqlen_set: %s", err);
    }
    assert_int_equal(tune_txqlen_get(n->name, n->dev, &len, err, sizeof err),
                     0);
    assert_true(len == want_len);
    /* the journal names the namespace and the old length */
    snprintf(want, sizeof want, "txqlen %s %s %" PRIu64 "\n", n->name, n->dev,
             orig);
    assert_string_equal(fixture_read_text(n->journal, text, sizeof text), want);
    /* the device is not in this process's own namespace */
    assert_int_not_equal(tune_txqlen_get("-", n->dev, &len, err, sizeof err),
                         0);

    assert_int_equal(journal_close(j), 0);
    assert_int_equal(tune_txqlen_get(n->name, n->dev, &len, err, sizeof err),
                     0);
    assert_true(len == orig);
    assert_false(file_exists(n->journal));
}

/* The domain went away mid-measurement and took its TAP with it: the
 * queue length cannot be put back and is left alone, without counting as
 * a failure, so the journal is done with and nothing is left to replay. */
static void test_vanished_device_left_alone(void **state)
{
    struct netns_state *n = *state;
    struct journal *j = NULL;
    uint64_t orig;
    char err[512] = "";

    if (!have_cap(CAP_NET_ADMIN) || !have_cap(CAP_SYS_ADMIN)) {
        print_message("skipped: needs CAP_NET_ADMIN and CAP_SYS_ADMIN (run "
                      "as root)\n");
        skip();
    }
    if (!n->created || n->dev[0] == '\0')
        fail_msg("could not create a device in namespace %s", n->name);
    if (tune_txqlen_get(n->name, n->dev, &orig, err, sizeof err) != 0)
        fail_msg("tune_txqlen_get: %s", err);
    assert_int_equal(journal_open(&j, n->journal, err, sizeof err), 0);
    assert_int_equal(tune_txqlen_set(j, n->name, n->dev, orig + 1, err,
                                     sizeof err), 0);
    const char *const del[] = {"ip", "-n", n->name, "link", "del", n->dev,
                               NULL};
    assert_int_equal(run_ip(0, del), 0);
    assert_int_equal(journal_close(j), 0);
    assert_false(file_exists(n->journal));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip_thread),
        cmocka_unit_test(test_round_trip_irq),
        cmocka_unit_test(test_round_trip_txqlen),
        cmocka_unit_test(test_round_trip_sysctl),
        cmocka_unit_test(test_round_trip_proc),
        cmocka_unit_test(test_replay_stops_process_group),
        cmocka_unit_test(test_replay_stops_orphaned_fork),
        cmocka_unit_test(test_parse_rejects_garbage),
        cmocka_unit_test(test_replay_refuses_bad_last_line),
        cmocka_unit_test(test_replay_ignores_torn_line),
        cmocka_unit_test(test_open_refuses_existing_journal),
        cmocka_unit_test(test_replay_missing_file),
        cmocka_unit_test(test_close_without_records),
        cmocka_unit_test_setup_teardown(test_idle_thread_restored,
                                        live_setup, live_teardown),
        cmocka_unit_test_setup_teardown(test_close_restores_original,
                                        live_setup, live_teardown),
        cmocka_unit_test_setup_teardown(test_replay_after_crash, live_setup,
                                        live_teardown),
        cmocka_unit_test_setup_teardown(test_exited_thread_skipped, live_setup,
                                        live_teardown),
        cmocka_unit_test_setup_teardown(test_starttime_mismatch_not_applied,
                                        live_setup, live_teardown),
        cmocka_unit_test_setup_teardown(test_deadline_widens_affinity,
                                        live_setup, live_teardown),
        cmocka_unit_test_setup_teardown(test_vanished_device_left_alone,
                                        netns_setup, netns_teardown),
        cmocka_unit_test_setup_teardown(test_txqlen_restored, netns_setup,
                                        netns_teardown),
    };

    return cmocka_run_group_tests(tests, group_setup, fixture_teardown);
}
