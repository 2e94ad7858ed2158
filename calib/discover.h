/*
 * discover.h - the threads, devices and IRQs of a libvirt domain.
 *
 * Joins what libvirt says (virt.h) with what /proc says (procfs.h): the
 * QEMU process, its vCPU threads (QMP thread ids, else the thread names
 * "CPU n/KVM" and "CPU n/TCG"), its main loop, I/O threads and other
 * emulator threads, its vhost-net workers (threads named vhost-PID, inside
 * QEMU on kernels from 6.4, kernel threads before), the host devices of
 * its interfaces and the IRQs of the NICs behind them; with each thread's
 * affinity and scheduling now.
 */
#ifndef VSRCAL_DISCOVER_H
#define VSRCAL_DISCOVER_H

#include <stdint.h>
#include <stdio.h>

#include "journal.h"
#include "virt.h"

#define DISCOVER_MAX_THREADS 64
#define DISCOVER_MAX_IRQS 16

enum dthread_role { DT_VCPU, DT_MAIN, DT_IOTHREAD, DT_VHOST, DT_EMULATOR };

struct dthread {
    int tid;
    enum dthread_role role;
    int index;           /* vCPU, I/O thread or vhost worker number */
    char comm[64];
    uint64_t starttime;
    int kthread;         /* a kernel thread (vhost before Linux 6.4) */
    int live;            /* affinity and sched below were read       */
    uint64_t cpus;
    struct thread_sched sched;
    char cgroup[128];    /* cpu controller's group; "" at the root    */
};

struct dirq {
    int irq;
    char actions[128];
    uint64_t cpus;
    char dev[32];        /* the host NIC it belongs to               */
};

struct discovery {
    struct virt_domain dom;
    int pid;                 /* QEMU's, 0 when not found            */
    const char *pid_from;    /* how it was found                    */
    const char *tids_from;   /* "QMP", "thread names" or "none"     */
    int nthreads;
    struct dthread t[DISCOVER_MAX_THREADS];
    int nirqs;
    struct dirq irq[DISCOVER_MAX_IRQS];
};

/* Discover the domain behind `v`, reading /proc and /sys below `root`. */
int discover(struct virt *v, const char *root, struct discovery *d,
             char *err, size_t errlen);

/* The thread playing `role` number `index`, or NULL. */
const struct dthread *discover_find(const struct discovery *d,
                                    enum dthread_role role, int index);

/* A table for people. */
void discover_print_table(FILE *f, const struct discovery *d);

/* A libconfig `threads` group a scenario can @include: the binding as it
 * is now, or as <cputune> configures it where a thread was not found. */
void discover_print_fragment(FILE *f, const struct discovery *d);

#endif
