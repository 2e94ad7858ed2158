/*
 * tune.c - thread, IRQ, queue and sysctl settings (see tune.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "netns.h"
#include "procfs.h"
#include "tune.h"

#ifndef SCHED_DEADLINE
#define SCHED_DEADLINE 6
#endif

/* The sched_setattr(2) ABI (include/uapi/linux/sched/types.h), which
 * glibc 2.36 does not declare and whose kernel header clashes with
 * <sched.h>. */
struct sched_attr {
    uint32_t size;
    uint32_t sched_policy;
    uint64_t sched_flags;
    int32_t sched_nice;
    uint32_t sched_priority;
    uint64_t sched_runtime;
    uint64_t sched_deadline;
    uint64_t sched_period;
};

#define SCHED_FLAG_RESET_ON_FORK 0x01
#define SCHED_FLAG_RECLAIM 0x02
#define SCHED_FLAG_DL_OVERRUN 0x04

/* ---- threads ---------------------------------------------------------- */

/* -1 with errno ERANGE when the affinity has a CPU above 63: a mask
 * holds CPUs 0-63, and an affinity cut to them would be journalled, and
 * restored, narrowed. */
static int get_affinity(int tid, uint64_t *cpus)
{
    cpu_set_t set;
    if (sched_getaffinity(tid, sizeof set, &set) != 0)
        return -1;
    *cpus = 0;
    for (int c = 0; c < CPU_SETSIZE; c++)
        if (CPU_ISSET(c, &set)) {
            if (c >= 64) {
                errno = ERANGE;
                return -1;
            }
            *cpus |= UINT64_C(1) << c;
        }
    return 0;
}

static int set_affinity(int tid, uint64_t cpus)
{
    cpu_set_t set;
    CPU_ZERO(&set);
    for (int c = 0; c < 64; c++)
        if (cpus >> c & 1)
            CPU_SET(c, &set);
    return sched_setaffinity(tid, sizeof set, &set);
}

int tune_affinity(int tid, uint64_t cpus)
{
    return set_affinity(tid, cpus);
}

static int get_attr(int tid, struct thread_sched *s)
{
    struct sched_attr a;
    memset(&a, 0, sizeof a);
    if (syscall(SYS_sched_getattr, tid, &a, sizeof a, 0) != 0)
        return -1;
    s->policy = a.sched_policy;
    s->priority = a.sched_priority;
    s->nice = a.sched_nice;
    s->runtime = a.sched_runtime;
    s->deadline = a.sched_deadline;
    s->period = a.sched_period;
    s->flags = a.sched_flags;
    return 0;
}

static int set_attr(int tid, const struct thread_sched *s)
{
    struct sched_attr a;
    memset(&a, 0, sizeof a);
    a.size = sizeof a;
    a.sched_policy = s->policy;
    a.sched_priority = s->priority;
    a.sched_nice = s->nice;
    /* Since Linux 6.12 sched_getattr() reports a fair thread's slice as
     * its runtime, and a non-zero runtime set on one makes that slice a
     * custom one: only deadline threads get theirs back. */
    if (s->policy == SCHED_DEADLINE) {
        a.sched_runtime = s->runtime;
        a.sched_deadline = s->deadline;
        a.sched_period = s->period;
    }
    /* Only flags a caller may set; the kernel reports others it keeps. */
    a.sched_flags = s->flags & (SCHED_FLAG_RESET_ON_FORK | SCHED_FLAG_RECLAIM |
                                SCHED_FLAG_DL_OVERRUN);
    if (syscall(SYS_sched_setattr, tid, &a, 0) != 0)
        return -1;
    /* The kernel takes a nice value from sched_setattr() for SCHED_OTHER
     * and SCHED_BATCH only; a SCHED_IDLE thread keeps its old one, which
     * a restore must put back too. */
    if (s->policy == SCHED_IDLE &&
        setpriority(PRIO_PROCESS, (id_t)tid, s->nice) != 0)
        return -1;
    return 0;
}

int tune_thread_get(int tid, uint64_t *cpus, struct thread_sched *s,
                    char *err, size_t errlen)
{
    if (get_affinity(tid, cpus) != 0 || get_attr(tid, s) != 0) {
        snprintf(err, errlen, "thread %d: cannot read its scheduling: %s",
                 tid, errno == ERANGE ? "its affinity has a CPU above 63, "
                 "and vsrcal handles CPUs 0-63 only" : strerror(errno));
        return -1;
    }
    return 0;
}

int tune_thread_apply(int tid, uint64_t cpus, const struct thread_sched *s,
                      char *err, size_t errlen)
{
    struct thread_sched now;
    if (get_attr(tid, &now) != 0)
        goto fail;
    /* A deadline thread must keep the whole root domain in its mask: widen
     * before becoming one, narrow only after ceasing to be one. */
    if (s->policy == SCHED_DEADLINE || now.policy == SCHED_DEADLINE) {
        if (s->policy == SCHED_DEADLINE && set_affinity(tid, cpus) != 0)
            goto fail;
        /* Leaving SCHED_DEADLINE while asleep, a thread keeps its
         * reservation in the root domain's total (seen on Linux 6.18:
         * each such switch leaks it, until admission control refuses every
         * new one). Shrinking the reservation first, which the kernel
         * accounts at once, leaves next to nothing behind. */
        if (now.policy == SCHED_DEADLINE && s->policy != SCHED_DEADLINE) {
            struct thread_sched tiny = {.policy = SCHED_DEADLINE,
                                        .runtime = 1024,
                                        .deadline = 1000000000,
                                        .period = 1000000000};
            set_attr(tid, &tiny);
        }
        /* A deadline reservation given up moments ago is released only at
         * its zero-lag time, up to a period later: until then admission
         * control may say EBUSY. */
        int rc = set_attr(tid, s);
        struct timespec nap = {0, 20 * 1000 * 1000};
        for (int i = 0; rc != 0 && errno == EBUSY && i < 50; i++) {
            nanosleep(&nap, NULL);
            rc = set_attr(tid, s);
        }
        if (rc != 0)
            goto fail;
        if (s->policy != SCHED_DEADLINE && set_affinity(tid, cpus) != 0)
            goto fail;
        return 0;
    }
    if (set_affinity(tid, cpus) != 0 || set_attr(tid, s) != 0)
        goto fail;
    return 0;
fail:
    snprintf(err, errlen, "thread %d: cannot set %s scheduling on CPUs "
             "%#" PRIx64 ": %s", tid, tune_policy_name(s->policy)
             ? tune_policy_name(s->policy) : "unknown", cpus,
             strerror(errno));
    return -1;
}

static int write_file(const char *path, const char *text, char *err,
                      size_t errlen);

int tune_cgroup_apply(int tid, const char *dir, char *err, size_t errlen)
{
    char path[320], text[32];
    snprintf(path, sizeof path, "%s/tasks", dir);
    snprintf(text, sizeof text, "%d", tid);
    return write_file(path, text, err, errlen);
}

/* The cgroup v1 cpu controller's mount folder and the thread's group in
 * it ("/machine/vm/vcpu0"); 0 when found. */
static int cpu_cgroup(int tid, char *mount, size_t mlen, char *group,
                      size_t glen)
{
    char ctl[64], path[200], err[256];
    if (procfs_task_cgroup("/", tid, tid, ctl, sizeof ctl, path, sizeof path,
                           err, sizeof err) != 0 ||
        !ctl[0])
        return -1;
    snprintf(mount, mlen, "/sys/fs/cgroup/%s", ctl);
    snprintf(group, glen, "/%s", path);
    return 0;
}

/* Make room for a real-time policy: move the thread out of a cpu cgroup
 * that has no real-time runtime, journaled. */
static int rt_cgroup(struct journal *j, int tid, uint64_t starttime,
                     char *err, size_t errlen)
{
    char mount[160], group[256], dir[420], path[450], val[32];
    if (cpu_cgroup(tid, mount, sizeof mount, group, sizeof group) != 0 ||
        strcmp(group, "/") == 0)
        return 0;
    snprintf(dir, sizeof dir, "%s%s", mount, group);
    snprintf(path, sizeof path, "%s/cpu.rt_runtime_us", dir + 1);
    if (procfs_read("/", path, val, sizeof val, err, errlen) < 0 ||
        atol(val) != 0)
        return 0; /* no real-time group scheduling, or room already */
    struct jrec r = {.kind = JREC_CGROUP, .id = tid, .starttime = starttime};
    if (strlen(dir) >= sizeof r.path || strchr(dir, ' ') != NULL) {
        snprintf(err, errlen, "thread %d: cgroup folder '%s' is too long or "
                 "has blanks", tid, dir);
        return -1;
    }
    snprintf(r.path, sizeof r.path, "%s", dir);
    if (journal_add(j, &r, err, errlen) != 0)
        return -1;
    return tune_cgroup_apply(tid, mount, err, errlen);
}

int tune_thread_set(struct journal *j, int tid, uint64_t cpus,
                    const struct thread_sched *s, char *note,
                    size_t notelen, char *err, size_t errlen)
{
    struct jrec r = {.kind = JREC_THREAD, .id = tid};
    struct task_stat st;
    if (note && notelen)
        note[0] = '\0';
    if (procfs_task_stat("/", tid, tid, &st, err, errlen) != 0)
        return -1;
    r.starttime = st.starttime;
    if (tune_thread_get(tid, &r.cpus, &r.sched, err, errlen) != 0)
        return -1;
    if (s->policy == SCHED_DEADLINE) {
        uint64_t online;
        if (tune_online_cpus(&online, err, errlen) != 0)
            return -1;
        if ((cpus & online) != online && note && notelen) {
            char want[64];
            procfs_format_cpulist(cpus, want, sizeof want);
            snprintf(note, notelen, "thread %d: SCHED_DEADLINE keeps every "
                     "online CPU in its affinity (asked: %s); the kernel "
                     "refuses a narrower one outside an exclusive cpuset",
                     tid, want);
        }
        cpus = online;
    }
    /* The cgroup move first: restored last, once the thread is no longer
     * real-time (a real-time thread cannot join a group without
     * runtime). */
    if ((s->policy == SCHED_FIFO || s->policy == SCHED_RR) &&
        rt_cgroup(j, tid, r.starttime, err, errlen) != 0)
        return -1;
    if (journal_add(j, &r, err, errlen) != 0)
        return -1;
    return tune_thread_apply(tid, cpus, s, err, errlen);
}

/* ---- IRQs ------------------------------------------------------------- */

int tune_irq_get(int irq, uint64_t *cpus, char *err, size_t errlen)
{
    return procfs_irq_affinity("/", irq, cpus, err, errlen);
}

static int write_file(const char *path, const char *text, char *err,
                      size_t errlen)
{
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    size_t n = strlen(text);
    if (fd < 0 || write(fd, text, n) != (ssize_t)n) {
        int e = errno; /* ENOENT: the IRQ is gone */
        snprintf(err, errlen, "%s: cannot write '%s': %s", path, text,
                 strerror(e));
        if (fd >= 0)
            close(fd);
        errno = e;
        return -1;
    }
    if (close(fd) != 0) {
        snprintf(err, errlen, "%s: cannot write '%s': %s", path, text,
                 strerror(errno));
        return -1;
    }
    return 0;
}

int tune_irq_apply(int irq, uint64_t cpus, char *err, size_t errlen)
{
    char path[64], list[256];
    snprintf(path, sizeof path, "/proc/irq/%d/smp_affinity_list", irq);
    procfs_format_cpulist(cpus, list, sizeof list);
    return write_file(path, list, err, errlen);
}

int tune_irq_set(struct journal *j, int irq, uint64_t cpus, char *err,
                 size_t errlen)
{
    struct jrec r = {.kind = JREC_IRQ, .id = irq};
    if (tune_irq_get(irq, &r.cpus, err, errlen) != 0 ||
        journal_add(j, &r, err, errlen) != 0)
        return -1;
    return tune_irq_apply(irq, cpus, err, errlen);
}

/* ---- queue lengths ---------------------------------------------------- */

/* SIOCGIFTXQLEN / SIOCSIFTXQLEN (netdevice(7)) on a socket made inside the
 * device's namespace. */
static int txqlen_ioctl(const char *netns, const char *dev, unsigned long req,
                        uint64_t *len, char *err, size_t errlen)
{
    struct ifreq ifr;
    if (strlen(dev) >= sizeof ifr.ifr_name) {
        snprintf(err, errlen, "device '%s': name longer than %zu bytes", dev,
                 sizeof ifr.ifr_name - 1);
        return -1;
    }
    int saved;
    if (netns_enter(netns, &saved, err, errlen) != 0)
        return -1;
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    memset(&ifr, 0, sizeof ifr);
    strcpy(ifr.ifr_name, dev);
    ifr.ifr_qlen = (int)*len;
    int rc = fd < 0 ? -1 : ioctl(fd, req, &ifr);
    int e = errno;
    if (fd >= 0)
        close(fd);
    netns_leave(saved);
    if (rc != 0) {
        snprintf(err, errlen, "device '%s'%s%s: cannot %s its queue length: "
                 "%s", dev, netns_is_self(netns) ? "" : " in namespace ",
                 netns_is_self(netns) ? "" : netns,
                 req == SIOCGIFTXQLEN ? "read" : "set", strerror(e));
        errno = e; /* ENODEV: the device is gone */
        return -1;
    }
    *len = (uint64_t)ifr.ifr_qlen;
    return 0;
}

int tune_txqlen_get(const char *netns, const char *dev, uint64_t *len,
                    char *err, size_t errlen)
{
    *len = 0;
    return txqlen_ioctl(netns, dev, SIOCGIFTXQLEN, len, err, errlen);
}

int tune_txqlen_apply(const char *netns, const char *dev, uint64_t len,
                      char *err, size_t errlen)
{
    return txqlen_ioctl(netns, dev, SIOCSIFTXQLEN, &len, err, errlen);
}

int tune_txqlen_set(struct journal *j, const char *netns, const char *dev,
                    uint64_t len, char *err, size_t errlen)
{
    struct jrec r = {.kind = JREC_TXQLEN};
    snprintf(r.netns, sizeof r.netns, "%s", netns_is_self(netns) ? "-" : netns);
    snprintf(r.dev, sizeof r.dev, "%s", dev);
    if (tune_txqlen_get(netns, dev, &r.len, err, errlen) != 0 ||
        journal_add(j, &r, err, errlen) != 0)
        return -1;
    return tune_txqlen_apply(netns, dev, len, err, errlen);
}

/* ---- sysctls ---------------------------------------------------------- */

static int sysctl_path(const char *name, char *path, size_t len, char *err,
                       size_t errlen)
{
    if (name[0] == '/' || strstr(name, "..") != NULL) {
        snprintf(err, errlen, "sysctl '%s': expected a path below /proc/sys",
                 name);
        return -1;
    }
    snprintf(path, len, "/proc/sys/%s", name);
    return 0;
}

int tune_sysctl_get(const char *name, char *value, size_t len, char *err,
                    size_t errlen)
{
    char path[192];
    if (sysctl_path(name, path, sizeof path, err, errlen) != 0 ||
        procfs_read("/", path + 1, value, len, err, errlen) < 0)
        return -1;
    value[strcspn(value, "\n")] = '\0';
    return 0;
}

int tune_sysctl_apply(const char *name, const char *value, char *err,
                      size_t errlen)
{
    char path[192];
    if (sysctl_path(name, path, sizeof path, err, errlen) != 0)
        return -1;
    return write_file(path, value, err, errlen);
}

int tune_sysctl_set(struct journal *j, const char *name, const char *value,
                    char *err, size_t errlen)
{
    struct jrec r = {.kind = JREC_SYSCTL};
    snprintf(r.path, sizeof r.path, "%s", name);
    if (tune_sysctl_get(name, r.value, sizeof r.value, err, errlen) != 0 ||
        journal_add(j, &r, err, errlen) != 0)
        return -1;
    return tune_sysctl_apply(name, value, err, errlen);
}

/* ---- helpers ---------------------------------------------------------- */

int tune_cpu_latency_hold(char *err, size_t errlen)
{
    static const char path[] = "/dev/cpu_dma_latency";
    int32_t zero = 0;
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    if (write(fd, &zero, sizeof zero) != (ssize_t)sizeof zero) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        close(fd);
        return -1;
    }
    return fd;
}

int tune_online_cpus(uint64_t *mask, char *err, size_t errlen)
{
    return procfs_online_cpus("/", mask, err, errlen);
}

int tune_sched_make(struct thread_sched *s, const char *policy,
                    int priority, int nice, uint64_t runtime_ns,
                    uint64_t period_ns)
{
    memset(s, 0, sizeof *s);
    if (strcmp(policy, "fifo") == 0) {
        s->policy = SCHED_FIFO;
        s->priority = (unsigned)priority;
    } else if (strcmp(policy, "rr") == 0) {
        s->policy = SCHED_RR;
        s->priority = (unsigned)priority;
    } else if (strcmp(policy, "deadline") == 0) {
        s->policy = SCHED_DEADLINE;
        s->runtime = runtime_ns;
        s->deadline = period_ns;
        s->period = period_ns;
    } else if (strcmp(policy, "cfs") == 0) {
        s->policy = SCHED_OTHER;
        s->nice = nice;
    } else {
        return -1;
    }
    return 0;
}

int tune_is_deadline(const struct thread_sched *s)
{
    return s->policy == SCHED_DEADLINE;
}

const char *tune_policy_name(unsigned policy)
{
    switch (policy) {
    case SCHED_OTHER: return "cfs";
    case SCHED_FIFO: return "fifo";
    case SCHED_RR: return "rr";
    case SCHED_BATCH: return "batch";
    case SCHED_IDLE: return "idle";
    case SCHED_DEADLINE: return "deadline";
    default: return NULL;
    }
}
