/*
 * scenario.h - a libconfig scenario turned into validated run settings.
 *
 * A scenario names a host (usually through @include), a cost model, the
 * simulation settings, a traffic sweep, the VM and its threads, and a list
 * of curves. A curve may override any part of host, vm and threads; every
 * other setting is shared. Every setting is checked: unknown keys, wrong
 * types, out-of-range values and impossible bindings are refused with one
 * line naming file:line (or the --set option) and what was expected.
 */
#ifndef VSRSIM_SCENARIO_H
#define VSRSIM_SCENARIO_H

#include <stddef.h>
#include <stdint.h>

#include "vsr.h"

#define SCENARIO_MAX_CURVES 32
#define SCENARIO_MAX_RATES 64

/* How `vsrcal measure` runs this scenario on a live host (the optional
 * `measure` group; vsrsim checks it and otherwise ignores it). The threads
 * of each curve are bound as the curve says: vCPU threads in order to the
 * domain's vCPUs, an "io" thread to QEMU's main loop, vhost threads to its
 * vhost-net workers. The queue vm.queues.macvtap becomes the queue length
 * of the generator's TAP device (the queue QEMU or vhost-net reads). */
struct scenario_measure {
    int present;
    char connect[256];   /* libvirt URI                              */
    char domain[64];
    char tool[16];       /* "auto", "trafgen" or "pktgen"            */
    char gen_netns[32];  /* "" for vsrcal's own namespace            */
    char gen_dev[32];
    char gen_conf[512];  /* trafgen packet file, resolved             */
    char gen_dst_mac[18]; /* pktgen: next hop's MAC                   */
    char gen_dst_ip[16];  /* pktgen: destination address              */
    uint64_t gen_cpus;   /* where the generator runs when no thread
                            of kind generator says; 0: anywhere      */
    char sink_netns[32];
    char sink_dev[32];
    double point_s;      /* counted traffic time per repetition       */
    double settle_s;     /* traffic before counting                  */
    double drain_s;      /* and without traffic after (default the   */
                         /* same)                                    */
    int reps;            /* repetitions per rate                     */
    int nrates;          /* rates to measure (default traffic's)     */
    double rates_kpps[SCENARIO_MAX_RATES];
    /* measure.extend: after the last rate, while the first curve still
     * forwards MEASURE_SATURATED of it, measure extend_factor times it,
     * up to extend_max_kpps (0: no extension) */
    double extend_factor, extend_max_kpps;
};

struct scenario_curve {
    char name[64];
    struct vsr_config cfg;
    /* The rates vsrcal measures this curve at, as bits of the plan's
     * measure.rates_kpps (the curve's own measure.rates_kpps, a subset);
     * 0: all of them, and the rates measure.extend adds. */
    uint64_t measure_rates;
};

struct scenario {
    char path[512];
    char name[64];
    char costmodel_db[512];  /* resolved against the scenario's folder */
    char costmodel_id[64];
    uint64_t seed;
    int reps;
    int64_t warmup_ns;
    int64_t duration_ns;
    int nrates;
    double rates_kpps[SCENARIO_MAX_RATES];
    int ncurves;
    struct scenario_curve curve[SCENARIO_MAX_CURVES];
    struct scenario_measure measure;
    char *text;              /* the scenario as loaded, overrides applied */
    uint64_t hash;           /* FNV-1a 64 of text                         */
    uint64_t run_hash;       /* the same with sim.reps left out: what a   */
                             /* run's result depends on, with its numbers */
};

/* Load and validate `path`, applying `nset` overrides "key=value" first.
 * Returns 0, or SIM_EINPUT with one line in err. */
int scenario_load(struct scenario *s, const char *path,
                  const char *const *set, int nset, char *err,
                  size_t errlen);

void scenario_clear(struct scenario *s);

#endif
