/*
 * tune.h - read and change the host settings a calibration plan names:
 * thread affinity and scheduling (sched_setattr(2) on a thread id), IRQ
 * affinity, a network device's queue length, and sysctls.
 *
 * tune_*_set() write the current value to the journal before changing
 * it; tune_*_apply() change without a journal (for restoring). Only the
 * caller decides which threads and IRQs are the domain's; these functions
 * refuse nothing but what the kernel refuses.
 *
 * Under cgroup v1 with real-time group scheduling, a thread whose cpu
 * cgroup has no real-time runtime (libvirt's machine groups have none)
 * cannot become SCHED_FIFO or SCHED_RR: tune_thread_set() first moves it
 * to the root cpu cgroup, journaled, and restoring moves it back.
 *
 * SCHED_DEADLINE and a restricted affinity exclude each other unless the
 * CPUs form their own root domain (the kernel says EPERM for pin-then-DL
 * and EBUSY for DL-then-pin). A deadline thread therefore keeps every
 * online CPU in its mask: tune_thread_set() widens it and says so in
 * `note`.
 */
#ifndef VSRCAL_TUNE_H
#define VSRCAL_TUNE_H

#include <stddef.h>
#include <stdint.h>

#include "journal.h"

/* The current affinity and scheduling of thread `tid`. */
int tune_thread_get(int tid, uint64_t *cpus, struct thread_sched *s,
                    char *err, size_t errlen);

/* Only the affinity, without a journal (0: the calling thread). */
int tune_affinity(int tid, uint64_t cpus);

/* Set both, in the order the kernel accepts. */
int tune_thread_apply(int tid, uint64_t cpus, const struct thread_sched *s,
                      char *err, size_t errlen);

/* Journal, then set. `note` (may be NULL) receives a line when the
 * request was adjusted (a deadline thread's affinity), else "". */
int tune_thread_set(struct journal *j, int tid, uint64_t cpus,
                    const struct thread_sched *s, char *note,
                    size_t notelen, char *err, size_t errlen);

/* Move thread `tid` into the cgroup v1 directory `dir` (its tasks file). */
int tune_cgroup_apply(int tid, const char *dir, char *err, size_t errlen);

int tune_irq_get(int irq, uint64_t *cpus, char *err, size_t errlen);
int tune_irq_apply(int irq, uint64_t cpus, char *err, size_t errlen);
int tune_irq_set(struct journal *j, int irq, uint64_t cpus, char *err,
                 size_t errlen);

/* Queue length (txqueuelen) of device `dev` in namespace `netns`. */
int tune_txqlen_get(const char *netns, const char *dev, uint64_t *len,
                    char *err, size_t errlen);
int tune_txqlen_apply(const char *netns, const char *dev, uint64_t len,
                      char *err, size_t errlen);
int tune_txqlen_set(struct journal *j, const char *netns, const char *dev,
                    uint64_t len, char *err, size_t errlen);

/* A sysctl by its /proc/sys path, e.g. "kernel/sched_rt_runtime_us". */
int tune_sysctl_get(const char *path, char *value, size_t len, char *err,
                    size_t errlen);
int tune_sysctl_apply(const char *path, const char *value, char *err,
                      size_t errlen);
int tune_sysctl_set(struct journal *j, const char *path, const char *value,
                    char *err, size_t errlen);

/* Keep every CPU out of deep idle states for as long as the returned
 * descriptor stays open: a PM QoS request of 0 us on
 * /dev/cpu_dma_latency. The kernel withdraws it when the descriptor
 * closes, also when the process is killed, so it needs no journal. A core
 * that wakes from a deep state runs the next microseconds of work slower
 * (caches, and on a guest the hypervisor's own idle path), which makes the
 * per-packet cost of a lightly loaded thread depend on how often it
 * sleeps. Returns -1 with `err` when the request cannot be made. */
int tune_cpu_latency_hold(char *err, size_t errlen);

/* Online CPUs as a mask. An online list that cannot be read or parsed
 * (a CPU above 63) is an error, never taken for CPU 0 alone. */
int tune_online_cpus(uint64_t *mask, char *err, size_t errlen);

/* A scheduling from scenario terms: policy "cfs" (with nice), "fifo" or
 * "rr" (with priority) or "deadline" (runtime and period, deadline =
 * period). Returns -1 for an unknown policy. */
int tune_sched_make(struct thread_sched *s, const char *policy,
                    int priority, int nice, uint64_t runtime_ns,
                    uint64_t period_ns);
int tune_is_deadline(const struct thread_sched *s);

/* Policy names as in scenarios: "cfs", "fifo", "rr", "deadline",
 * "batch", "idle"; NULL for an unknown policy. */
const char *tune_policy_name(unsigned policy);

#endif
