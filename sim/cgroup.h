/*
 * cgroup.h - control groups of the cpu controller: fair-class threads
 * grouped, each group weighed on every core by its share of the group's
 * load, as Linux's group scheduling does.
 */
#ifndef VSRSIM_CGROUP_H
#define VSRSIM_CGROUP_H

#include <stdint.h>

struct machine;
struct thread;

#define CGROUP_MAX 32

/* One group below the root: its parent (-1: the root) and its cpu.shares
 * (1024 by default; cgroup v2's cpu.weight 100). */
struct cgroup {
    int parent;
    int shares;
};

/* Start weighing a machine's groups, if it has any: every tick from now,
 * each fair-class thread in a group takes the weight its groups give it on
 * its core. Nothing happens, and nothing is scheduled, without groups. */
void cgroup_start(struct machine *m);

/* Bring t's runnable average up to now; `was_runnable` says what it was
 * since the last update. Call before t starts or stops being runnable. */
void cgroup_runnable_update(struct thread *t, int64_t now_ns, int was_runnable);

#endif
