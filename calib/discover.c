/*
 * discover.c - a domain's threads, devices and IRQs (see discover.h).
 */
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "discover.h"
#include "procfs.h"
#include "tune.h"

#ifndef SCHED_DEADLINE
#define SCHED_DEADLINE 6
#endif

static const char *const role_name[] = {
    [DT_VCPU] = "vcpu", [DT_MAIN] = "main", [DT_IOTHREAD] = "iothread",
    [DT_VHOST] = "vhost", [DT_EMULATOR] = "emulator",
};

/* QEMU's pid: from a vCPU's Tgid, else libvirt's pid file, else the
 * process whose command line names the guest. */
static int find_pid(const char *root, struct discovery *d)
{
    char buf[64], err[256], path[256];
    int tgid;
    if (d->dom.qmp && d->dom.nvcpus > 0 && d->dom.vcpu_tid[0] > 0 &&
        procfs_tgid(root, d->dom.vcpu_tid[0], &tgid, err, sizeof err) == 0) {
        d->pid_from = "QMP vCPU thread";
        return tgid;
    }
    snprintf(path, sizeof path, "run/libvirt/qemu/%s.pid", d->dom.name);
    if (procfs_read(root, path, buf, sizeof buf, err, sizeof err) > 0 &&
        atoi(buf) > 0) {
        d->pid_from = "libvirt pid file";
        return atoi(buf);
    }
    static int pids[32768];
    int n = procfs_list_pids(root, pids, 32768, err, sizeof err);
    char want[96], cmd[4096];
    snprintf(want, sizeof want, "guest=%s,", d->dom.name);
    for (int i = 0; i < n; i++) {
        if (procfs_cmdline(root, pids[i], cmd, sizeof cmd, err, sizeof err) ==
                0 &&
            strstr(cmd, "qemu") != NULL && strstr(cmd, want) != NULL) {
            d->pid_from = "command line";
            return pids[i];
        }
    }
    d->pid_from = "not found";
    return 0;
}

static struct dthread *add_thread(struct discovery *d, const char *root,
                                  int pid, int tid)
{
    struct task_stat st;
    char err[256];
    if (d->nthreads == DISCOVER_MAX_THREADS ||
        procfs_task_stat(root, pid, tid, &st, err, sizeof err) != 0)
        return NULL;
    struct dthread *t = &d->t[d->nthreads++];
    memset(t, 0, sizeof *t);
    t->tid = tid;
    t->role = DT_EMULATOR;
    t->starttime = st.starttime;
    snprintf(t->comm, sizeof t->comm, "%s", st.comm);
    if (strcmp(root, "/") == 0 &&
        tune_thread_get(tid, &t->cpus, &t->sched, err, sizeof err) == 0)
        t->live = 1;
    if (procfs_task_cgroup(root, pid, tid, NULL, 0, t->cgroup,
                           sizeof t->cgroup, err, sizeof err) != 0)
        t->cgroup[0] = '\0'; /* the root, as far as anyone can tell */
    return t;
}

/* Name each thread of QEMU: QMP ids first, then names. */
static void classify(struct discovery *d)
{
    char vhost[32];
    snprintf(vhost, sizeof vhost, "vhost-%d", d->pid);
    int nvhost = 0;
    for (int i = 0; i < d->nthreads; i++) {
        struct dthread *t = &d->t[i];
        int n;
        char acc[8];
        for (int v = 0; v < d->dom.nvcpus && d->dom.qmp; v++)
            if (d->dom.vcpu_tid[v] == t->tid) {
                t->role = DT_VCPU;
                t->index = v;
            }
        for (int k = 0; k < d->dom.niothreads && d->dom.qmp; k++)
            if (d->dom.iothread_tid[k] == t->tid) {
                t->role = DT_IOTHREAD;
                t->index = k;
            }
        if (t->role != DT_EMULATOR)
            continue;
        if (t->tid == d->pid) {
            t->role = DT_MAIN;
        } else if (!d->dom.qmp &&
                   sscanf(t->comm, "CPU %d/%7s", &n, acc) == 2 &&
                   (strcmp(acc, "KVM") == 0 || strcmp(acc, "TCG") == 0)) {
            t->role = DT_VCPU;
            t->index = n;
        } else if (strcmp(t->comm, vhost) == 0) {
            t->role = DT_VHOST;
            t->index = nvhost++;
        }
    }
}

/* vhost-net workers that are kernel threads (Linux before 6.4). */
static void find_vhost_kthreads(struct discovery *d, const char *root)
{
    static int pids[32768];
    char err[256], want[32];
    struct task_stat st;
    int nvhost = 0;
    for (int i = 0; i < d->nthreads; i++)
        nvhost += d->t[i].role == DT_VHOST;
    snprintf(want, sizeof want, "vhost-%d", d->pid);
    int n = procfs_list_pids(root, pids, 32768, err, sizeof err);
    for (int i = 0; i < n; i++) {
        if (procfs_task_stat(root, pids[i], pids[i], &st, err, sizeof err) !=
                0 ||
            st.ppid != 2 || strcmp(st.comm, want) != 0)
            continue;
        struct dthread *t = add_thread(d, root, pids[i], pids[i]);
        if (t) {
            t->role = DT_VHOST;
            t->index = nvhost++;
            t->kthread = 1;
        }
    }
}

/* IRQs of the host NICs behind macvtap interfaces. */
static void find_irqs(struct discovery *d, const char *root)
{
    static char text[1 << 20];
    char err[256];
    if (procfs_read(root, "proc/interrupts", text, sizeof text, err,
                    sizeof err) < 0)
        return;
    for (int i = 0; i < d->dom.nifaces; i++) {
        const struct virt_iface *f = &d->dom.iface[i];
        if (f->source_dev[0] == '\0')
            continue;
        struct irq_line lines[DISCOVER_MAX_IRQS];
        int n = procfs_parse_interrupts(text, f->source_dev, lines,
                                        DISCOVER_MAX_IRQS, err, sizeof err);
        for (int k = 0; k < n && d->nirqs < DISCOVER_MAX_IRQS; k++) {
            struct dirq *q = &d->irq[d->nirqs++];
            q->irq = lines[k].irq;
            snprintf(q->actions, sizeof q->actions, "%s", lines[k].actions);
            snprintf(q->dev, sizeof q->dev, "%s", f->source_dev);
            procfs_irq_affinity(root, q->irq, &q->cpus, err, sizeof err);
        }
    }
}

int discover(struct virt *v, const char *root, struct discovery *d,
             char *err, size_t errlen)
{
    memset(d, 0, sizeof *d);
    if (virt_read(v, &d->dom, err, errlen) != 0)
        return -1;
    d->tids_from = "none";
    d->pid_from = "not running";
    if (!d->dom.active)
        return 0;
    d->pid = find_pid(root, d);
    if (d->pid > 0) {
        static int tids[DISCOVER_MAX_THREADS];
        int n = procfs_list_tasks(root, d->pid, tids, DISCOVER_MAX_THREADS,
                                  err, errlen);
        if (n < 0)
            return -1;
        for (int i = 0; i < n; i++)
            add_thread(d, root, d->pid, tids[i]);
        classify(d);
        find_vhost_kthreads(d, root);
        d->tids_from = d->dom.qmp ? "QMP" : "thread names";
    }
    find_irqs(d, root);
    return 0;
}

const struct dthread *discover_find(const struct discovery *d,
                                    enum dthread_role role, int index)
{
    for (int i = 0; i < d->nthreads; i++)
        if (d->t[i].role == role && d->t[i].index == index)
            return &d->t[i];
    return NULL;
}

/* ---- printing --------------------------------------------------------- */

static void sched_text(const struct thread_sched *s, char *buf, size_t len)
{
    const char *p = tune_policy_name(s->policy);
    if (s->policy == SCHED_FIFO || s->policy == SCHED_RR)
        snprintf(buf, len, "%s %u", p, s->priority);
    else if (s->policy == SCHED_DEADLINE)
        snprintf(buf, len, "deadline %.3g/%.3g ms", s->runtime / 1e6,
                 s->period / 1e6);
    else if (s->nice != 0)
        snprintf(buf, len, "%s nice %d", p ? p : "?", s->nice);
    else
        snprintf(buf, len, "%s", p ? p : "?");
}

void discover_print_table(FILE *f, const struct discovery *d)
{
    const struct virt_domain *m = &d->dom;
    fprintf(f, "domain %s (%s, %s), %d vCPU%s, host CPUs %d\n", m->name,
            m->type, m->active ? "running" : "shut off", m->nvcpus,
            m->nvcpus == 1 ? "" : "s", m->node_cpus);
    fprintf(f, "QEMU pid %d (%s); thread ids from %s%s%s\n", d->pid,
            d->pid_from, d->tids_from, m->qmp ? "" : ": ",
            m->qmp ? "" : m->qmp_error);
    fprintf(f, "%-8s %-10s %-5s %-16s %-10s %s\n", "TID", "ROLE", "INDEX",
            "NAME", "CPUS", "SCHEDULING");
    for (int i = 0; i < d->nthreads; i++) {
        const struct dthread *t = &d->t[i];
        char cpus[64] = "?", sch[64] = "?";
        if (t->live) {
            procfs_format_cpulist(t->cpus, cpus, sizeof cpus);
            sched_text(&t->sched, sch, sizeof sch);
        }
        fprintf(f, "%-8d %-10s %-5d %-16s %-10s %s%s\n", t->tid,
                role_name[t->role], t->index, t->comm, cpus, sch,
                t->kthread ? " (kernel thread)" : "");
    }
    for (int i = 0; i < m->nifaces; i++) {
        const struct virt_iface *n = &m->iface[i];
        fprintf(f, "interface %d: %s %s, model %s, backend %s%s%s\n", i,
                n->type, n->target[0] ? n->target : "(no target)",
                n->model[0] ? n->model : "default",
                n->driver[0] ? n->driver : "default",
                n->source_dev[0] ? ", on " : "", n->source_dev);
    }
    for (int i = 0; i < d->nirqs; i++) {
        char cpus[64];
        procfs_format_cpulist(d->irq[i].cpus, cpus, sizeof cpus);
        fprintf(f, "irq %d (%s, %s) on CPUs %s\n", d->irq[i].irq,
                d->irq[i].dev, d->irq[i].actions, cpus);
    }
    if (d->nirqs == 0)
        fprintf(f, "no host NIC IRQs (no interface sits on a host NIC)\n");
    int nvhost = 0;
    for (int i = 0; i < d->nthreads; i++)
        nvhost += d->t[i].role == DT_VHOST;
    if (m->active && nvhost == 0)
        fprintf(f, "no vhost-net workers: QEMU's main loop moves the "
                   "packets (user-space virtio-net)\n");
    if (strcmp(m->type, "qemu") == 0)
        fprintf(f, "domain type qemu: the vCPUs are emulated (TCG), not "
                   "run by KVM\n");
}

static void print_cpus(FILE *f, uint64_t cpus)
{
    fputs("cpus = [", f);
    const char *sep = "";
    for (int c = 0; c < 64; c++)
        if (cpus >> c & 1) {
            fprintf(f, "%s%d", sep, c);
            sep = ", ";
        }
    fputs("];", f);
}

static void print_policy(FILE *f, const struct thread_sched *s)
{
    if (s->policy == SCHED_FIFO || s->policy == SCHED_RR)
        fprintf(f, " policy = \"fifo\"; priority = %u;", s->priority);
    else if (s->policy == SCHED_DEADLINE)
        fprintf(f, " policy = \"deadline\"; runtime_ms = %.6g; "
                   "period_ms = %.6g;", s->runtime / 1e6, s->period / 1e6);
    else {
        fputs(" policy = \"cfs\";", f);
        if (s->nice != 0)
            fprintf(f, " nice = %d;", s->nice);
    }
}

static void print_virt_sched(FILE *f, const struct virt_sched *s)
{
    if (strcmp(s->policy, "fifo") == 0 || strcmp(s->policy, "rr") == 0)
        fprintf(f, " policy = \"fifo\"; priority = %d;", s->priority);
    else
        fputs(" policy = \"cfs\";", f);
}

static void print_one(FILE *f, const struct discovery *d, const char *name,
                      const char *kind, const struct dthread *t,
                      uint64_t pin, const struct virt_sched *vs)
{
    uint64_t all = d->dom.node_cpus >= 64 ? ~0ULL
                                          : (1ULL << d->dom.node_cpus) - 1;
    fprintf(f, "  %s = { kind = \"%s\"; ", name, kind);
    if (t && t->live) {
        print_cpus(f, t->cpus);
        print_policy(f, &t->sched);
        if (t->cgroup[0]) {
            /* systemd's names escape with backslashes (\x2d) */
            fprintf(f, "\n%*scgroup = \"", (int)strlen(name) + 7, "");
            for (const char *c = t->cgroup; *c; c++) {
                if (*c == '\\' || *c == '"')
                    fputc('\\', f);
                fputc(*c, f);
            }
            fputs("\";", f);
        }
        fprintf(f, " };  # tid %d\n", t->tid);
    } else {
        print_cpus(f, pin ? pin : all);
        print_virt_sched(f, vs);
        fputs(" };  # from <cputune>\n", f);
    }
}

void discover_print_fragment(FILE *f, const struct discovery *d)
{
    const struct virt_domain *m = &d->dom;
    static const struct virt_sched none;
    fprintf(f, "# The binding of domain '%s' as found by vsrcal discover.\n"
               "threads = {\n", m->name);
    for (int v = 0; v < m->nvcpus && v < VIRT_MAX_VCPUS; v++) {
        char name[16];
        snprintf(name, sizeof name, "vcpu%d", v);
        uint64_t pin = m->tune.vcpupin[v] ? m->tune.vcpupin[v]
                                          : m->vcpu_pin[v];
        print_one(f, d, name, "vcpu", discover_find(d, DT_VCPU, v), pin,
                  &m->tune.vcpusched[v]);
    }
    /* Without vhost-net, QEMU's main loop moves the packets. */
    int nvhost = 0;
    for (int i = 0; i < d->nthreads; i++)
        nvhost += d->t[i].role == DT_VHOST;
    if (nvhost == 0) {
        uint64_t pin = m->tune.emulatorpin ? m->tune.emulatorpin
                                           : m->emulator_pin;
        print_one(f, d, "io", "io", discover_find(d, DT_MAIN, 0), pin,
                  m->tune.emulatorsched.policy[0] ? &m->tune.emulatorsched
                                                  : &none);
    }
    for (int k = 0; k < nvhost; k++) {
        char name[16];
        snprintf(name, sizeof name, k ? "vhost%d" : "vhost", k);
        print_one(f, d, name, "vhost", discover_find(d, DT_VHOST, k), 0,
                  &none);
    }
    fputs("};\n", f);
}
