/*
 * gen.c - pktgen and trafgen as child processes (see gen.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "err.h"
#include "gen.h"
#include "netns.h"
#include "procfs.h"
#include "tune.h"

#define GEN_MAX 4

struct gen {
    pid_t pid;       /* process group leader */
    int errfd;       /* its stderr, for failures */
    int gofd;        /* gen_go() writes here; -1 once it has */
    char tool[8];
    int pg_cpu;      /* pktgen: the kpktgend thread set up; else -1 */
    char netns[32];  /* pktgen: the namespace it is in */
};

/* Running generators, so that a signal can stop them all. */
static pid_t running[GEN_MAX];

static const char *find_program(const char *name, char *buf, size_t len)
{
    static const char *const dirs[] = {"/usr/sbin", "/usr/bin", "/sbin",
                                       "/bin", "/usr/local/sbin",
                                       "/usr/local/bin"};
    for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++) {
        snprintf(buf, len, "%s/%s", dirs[i], name);
        if (access(buf, X_OK) == 0)
            return buf;
    }
    return NULL;
}

/* 1 when /proc/net/pktgen exists in the generator's namespace. */
static int have_pktgen(const struct scenario_measure *m)
{
    char err[256];
    int saved, ok;
    if (netns_enter(m->gen_netns, &saved, err, sizeof err) != 0)
        return 0;
    ok = access("/proc/net/pktgen/pgctrl", W_OK) == 0;
    netns_leave(saved);
    return ok;
}

const char *gen_tool(const struct scenario_measure *m, int gen_thread,
                     char *note, size_t notelen, char *why, size_t whylen)
{
    char path[256];
    int pktgen = have_pktgen(m);
    if (note && notelen)
        note[0] = '\0';
    /* pktgen's packets are sent by its kernel thread kpktgend_N, not by
     * the process that starts it: a plan's generator thread would be
     * bound, scheduled and measured on the wrong task. */
    if (strcmp(m->tool, "pktgen") == 0 && gen_thread) {
        snprintf(why, whylen, "measure.tool \"pktgen\": a curve has a "
                 "thread of kind \"generator\", and pktgen sends from kernel "
                 "thread kpktgend_N, which vsrcal neither binds nor measures; "
                 "expected \"trafgen\" or \"auto\"");
        return NULL;
    }
    if (strcmp(m->tool, "pktgen") == 0 ||
        (strcmp(m->tool, "auto") == 0 && pktgen && !gen_thread)) {
        if (pktgen)
            return "pktgen";
        snprintf(why, whylen, "pktgen: /proc/net/pktgen is absent (the "
                 "pktgen module is not loaded or not available)");
        return NULL;
    }
    if (strcmp(m->tool, "auto") == 0 && note && notelen)
        snprintf(note, notelen, "pktgen: %s; sending with trafgen",
                 pktgen ? "not used, as a curve has a thread of kind "
                          "\"generator\" (pktgen sends from kernel thread "
                          "kpktgend_N)"
                        : "/proc/net/pktgen is absent");
    if (!find_program("trafgen", path, sizeof path)) {
        snprintf(why, whylen, "trafgen: not installed (Debian package "
                 "netsniff-ng)");
        return NULL;
    }
    if (m->gen_conf[0] == '\0') {
        snprintf(why, whylen, "trafgen: the plan names no packet file "
                 "(measure.generator.conf)");
        return NULL;
    }
    return "trafgen";
}

/* ---- pktgen ----------------------------------------------------------- */

static int pg_write(const char *file, const char *cmd, char *err,
                    size_t errlen)
{
    char path[128];
    snprintf(path, sizeof path, "/proc/net/pktgen/%s", file);
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0 || write(fd, cmd, strlen(cmd)) < 0) {
        snprintf(err, errlen, "%s: cannot write '%s': %s", path, cmd,
                 strerror(errno));
        if (fd >= 0)
            close(fd);
        return -1;
    }
    close(fd);
    return 0;
}

/* Configure the generator's device on kernel thread kpktgend_`cpu`:
 * 64-byte frames on the wire (pkt_size 60 plus the FCS), no skb clones
 * (TAP and veth need fresh ones), `kpps` paced by ratep. On failure the
 * thread is left with no device (pg_clear()), not half set up. */
static int pg_setup(const struct scenario_measure *m, double kpps, int cpu,
                    char *err, size_t errlen)
{
    char thread[32], cmd[128], why[256];
    snprintf(thread, sizeof thread, "kpktgend_%d", cpu);
    if (pg_write(thread, "rem_device_all", err, errlen) != 0)
        return -1;
    snprintf(cmd, sizeof cmd, "add_device %s", m->gen_dev);
    if (pg_write(thread, cmd, err, errlen) != 0)
        goto undo;
    const char *const fixed[] = {"count 0", "pkt_size 60", "clone_skb 0",
                                 "delay 0"};
    for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
        if (pg_write(m->gen_dev, fixed[i], err, errlen) != 0)
            goto undo;
    snprintf(cmd, sizeof cmd, "ratep %.0f", kpps * 1000.0);
    if (pg_write(m->gen_dev, cmd, err, errlen) != 0)
        goto undo;
    if (m->gen_dst_ip[0]) {
        snprintf(cmd, sizeof cmd, "dst %s", m->gen_dst_ip);
        if (pg_write(m->gen_dev, cmd, err, errlen) != 0)
            goto undo;
    }
    if (m->gen_dst_mac[0]) {
        snprintf(cmd, sizeof cmd, "dst_mac %s", m->gen_dst_mac);
        if (pg_write(m->gen_dev, cmd, err, errlen) != 0)
            goto undo;
    }
    return 0;
undo:
    pg_write(thread, "rem_device_all", why, sizeof why); /* err: the cause */
    return -1;
}

/* Undo pg_setup() from outside the namespace `netns`: kpktgend_`cpu`
 * without a device again, as pg_setup() made it first. */
static int pg_clear(const char *netns, int cpu, char *err, size_t errlen)
{
    char thread[32];
    int saved, rc;
    if (netns_enter(netns, &saved, err, errlen) != 0)
        return -1;
    snprintf(thread, sizeof thread, "kpktgend_%d", cpu);
    rc = pg_write(thread, "rem_device_all", err, errlen);
    netns_leave(saved);
    return rc;
}

/* ---- child processes -------------------------------------------------- */

/* In the child: own process group, the generator's namespace and CPUs,
 * stdout to /dev/null and stderr to `errfd`; wait for gen_go() (a byte
 * on `gofd`; end of file, vsrcal gone or giving up, ends the child); then
 * run `argv` or write "start" to pktgen's pgctrl, which blocks until
 * stopped. */
static void child(const struct scenario_measure *m, uint64_t cpus,
                  const struct thread_sched *sched, int errfd, int gofd,
                  char *const argv[])
{
    char err[256], go;
    int saved;
    setpgid(0, 0);
    prctl(PR_SET_PDEATHSIG, SIGKILL); /* never outlive vsrcal */
    if (read(gofd, &go, 1) != 1)
        _exit(1);
    close(gofd);
    signal(SIGPIPE, SIG_DFL);         /* vsrcal ignores it (virt.c) */
    int null = open("/dev/null", O_RDWR);
    dup2(null, STDIN_FILENO);
    dup2(null, STDOUT_FILENO);
    dup2(errfd, STDERR_FILENO);
    if (netns_enter(m->gen_netns, &saved, err, sizeof err) != 0) {
        fprintf(stderr, "%s\n", err);
        _exit(127);
    }
    if (cpus && tune_affinity(0, cpus) != 0) {
        fprintf(stderr, "generator CPUs: %s\n", strerror(errno));
        _exit(127);
    }
    uint64_t where = cpus;
    if (sched && ((!where && tune_online_cpus(&where, err, sizeof err) != 0) ||
                  tune_thread_apply(0, where, sched, err, sizeof err) != 0)) {
        fprintf(stderr, "generator scheduling: %s\n", err);
        _exit(127);
    }
    if (argv == NULL) {
        if (pg_write("pgctrl", "start", err, sizeof err) != 0) {
            fprintf(stderr, "%s\n", err);
            _exit(1);
        }
        _exit(0);
    }
    static char path_env[] = "PATH=/usr/sbin:/usr/bin:/sbin:/bin";
    char *const envp[] = {path_env, NULL};
    execve(argv[0], argv, envp);
    fprintf(stderr, "%s: %s\n", argv[0], strerror(errno));
    _exit(127);
}

int gen_start(struct gen **out, const struct scenario_measure *m,
              int gen_thread, double kpps, int even, uint64_t cpus,
              const struct thread_sched *sched, char *err, size_t errlen)
{
    char why[256], path[256], rate[32];
    const char *tool = gen_tool(m, gen_thread, NULL, 0, why, sizeof why);
    *out = NULL;
    if (!tool) {
        snprintf(err, errlen, "%s", why);
        return -1;
    }
    int pktgen = strcmp(tool, "pktgen") == 0;
    int pg_cpu = cpus ? __builtin_ctzll(cpus) : 0; /* its first CPU's */
    if (pktgen) {
        int saved;
        if (netns_enter(m->gen_netns, &saved, err, errlen) != 0)
            return -1;
        int rc = pg_setup(m, kpps, pg_cpu, err, errlen);
        netns_leave(saved);
        if (rc != 0)
            return -1;
    }
    if (even)
        snprintf(rate, sizeof rate, "%.0fns", 1e6 / kpps);
    else
        snprintf(rate, sizeof rate, "%.0fpps", kpps * 1000.0);
    find_program("trafgen", path, sizeof path);
    char dev[sizeof m->gen_dev], conf[sizeof m->gen_conf];
    char a_o[] = "-o", a_i[] = "-i", a_p[] = "-P", a_1[] = "1", a_q[] = "-Q",
         a_nosock[] = "--no-sock-mem", a_c[] = "-C", a_b[] = "-b",
         a_t[] = "-t";
    memcpy(dev, m->gen_dev, sizeof dev);
    memcpy(conf, m->gen_conf, sizeof conf);
    char *const argv[] = {path, a_o, dev, a_i, conf, a_p, a_1, a_q,
                          a_nosock, a_c, even ? a_t : a_b, rate, NULL};
    char tmpl[] = "/tmp/vsrcal-gen-XXXXXX";
    int errfd = mkstemp(tmpl);
    if (errfd < 0) {
        snprintf(err, errlen, "generator: cannot make a log file: %s",
                 strerror(errno));
        goto undo;
    }
    unlink(tmpl);
    int go[2];
    if (pipe2(go, O_CLOEXEC) != 0) {
        snprintf(err, errlen, "generator: cannot make a pipe: %s",
                 strerror(errno));
        close(errfd);
        goto undo;
    }
    pid_t pid = fork();
    if (pid < 0) {
        snprintf(err, errlen, "generator: cannot fork: %s", strerror(errno));
        close(errfd);
        close(go[0]);
        close(go[1]);
        goto undo;
    }
    if (pid == 0) {
        close(go[1]);
        child(m, cpus, sched, errfd, go[0], pktgen ? NULL : argv);
    }
    close(go[0]);
    setpgid(pid, pid); /* also here, so no signal can beat the child's */
    struct gen *g = xcalloc(1, sizeof *g);
    g->pid = pid;
    g->errfd = errfd;
    g->gofd = go[1];
    snprintf(g->tool, sizeof g->tool, "%s", tool);
    g->pg_cpu = pktgen ? pg_cpu : -1;
    snprintf(g->netns, sizeof g->netns, "%s", m->gen_netns);
    for (int i = 0; i < GEN_MAX; i++)
        if (running[i] == 0) {
            running[i] = pid;
            break;
        }
    *out = g;
    return 0;
undo:
    if (pktgen) /* err keeps the cause */
        pg_clear(m->gen_netns, pg_cpu, why, sizeof why);
    return -1;
}

/* The last line the generator wrote on stderr. */
static void last_words(int fd, char *buf, size_t len)
{
    char text[4096];
    ssize_t n = pread(fd, text, sizeof text - 1, 0);
    buf[0] = '\0';
    if (n <= 0)
        return;
    text[n] = '\0';
    while (n > 0 && (text[n - 1] == '\n' || text[n - 1] == ' '))
        text[--n] = '\0';
    char *p = strrchr(text, '\n');
    snprintf(buf, len, "%.200s", p ? p + 1 : text);
}

int gen_go(struct gen *g)
{
    char go = 1;
    int rc = write(g->gofd, &go, 1) == 1 ? 0 : -1;
    close(g->gofd);
    g->gofd = -1;
    return rc;
}

int gen_stop(struct gen *g, char *err, size_t errlen)
{
    if (g->gofd >= 0) { /* never let go: it ends at end of file */
        close(g->gofd);
        g->gofd = -1;
    }
    int status = 0, rc = 0;
    /* Already gone means it failed: a generator runs until stopped. */
    pid_t w = waitpid(g->pid, &status, WNOHANG);
    int died = w == g->pid;
    if (!died) {
        kill(-g->pid, SIGINT);
        struct timespec ts = {0, 10 * 1000 * 1000};
        for (int i = 0; i < 300 && waitpid(g->pid, &status, WNOHANG) == 0;
             i++)
            nanosleep(&ts, NULL);
        if (waitpid(g->pid, &status, WNOHANG) == 0) {
            kill(-g->pid, SIGKILL);
            waitpid(g->pid, &status, 0);
        }
        kill(-g->pid, SIGKILL); /* forks left behind */
    }
    if (died) {
        char words[256];
        last_words(g->errfd, words, sizeof words);
        snprintf(err, errlen, "%s stopped by itself (%s %d)%s%s", g->tool,
                 WIFEXITED(status) ? "exit status" : "signal",
                 WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status),
                 words[0] ? ": " : "", words);
        rc = -1;
    }
    /* pktgen: its kernel thread keeps the device until told, and would
     * send from it again on the next "start" of anyone's. */
    char why[256];
    if (g->pg_cpu >= 0 &&
        pg_clear(g->netns, g->pg_cpu, why, sizeof why) != 0 && rc == 0) {
        snprintf(err, errlen, "%s", why);
        rc = -1;
    }
    for (int i = 0; i < GEN_MAX; i++)
        if (running[i] == g->pid)
            running[i] = 0;
    close(g->errfd);
    free(g);
    return rc;
}

int gen_pid(const struct gen *g)
{
    return g->pid;
}

int gen_tasks(const struct gen *g, int *tids, int max)
{
    static int pids[32768];
    char err[256];
    int n = 0, np = procfs_list_pids("/", pids, 32768, err, sizeof err);
    for (int i = 0; i < np && n < max; i++) {
        struct task_stat st;
        if (pids[i] != g->pid &&
            (procfs_task_stat("/", pids[i], pids[i], &st, err, sizeof err) !=
                 0 ||
             st.ppid != g->pid))
            continue; /* neither the generator nor one of its forks */
        int k = procfs_list_tasks("/", pids[i], tids + n, max - n, err,
                                  sizeof err);
        if (k > 0)
            n += k;
    }
    return n;
}

void gen_stop_all(void)
{
    for (int i = 0; i < GEN_MAX; i++)
        if (running[i] > 0)
            kill(-running[i], SIGKILL);
}
