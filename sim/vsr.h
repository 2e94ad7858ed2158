/*
 * vsr.h - the monolithic virtual software router on a KVM host.
 *
 * The packet path of the paper's Appendix A, with macvtap and vhost-net:
 *
 *   generator -> NIC rx ring -> [irq core: hard IRQ, NAPI poll] -> macvtap
 *   -> [vhost-net handle_rx] -> virtio rx ring -> [vCPU: guest NAPI, IP
 *   forwarding] -> virtio tx ring (guest qdisc when full) -> [vhost-net
 *   handle_tx] -> host qdisc + NIC tx ring -> wire, with tx completions
 *   cleaned by NAPI on the irq core.
 *
 * One vhost-net worker serves both directions in the order work arrives, or
 * an rx and a tx worker split them; the guest has one or two vCPUs.
 */
#ifndef VSRSIM_VSR_H
#define VSRSIM_VSR_H

#include <stdint.h>

#include "core.h"
#include "costmodel.h"
#include "sched.h"
#include "stats.h"

#define VSR_MAX_THREADS 16
#define VSR_MAX_VMS 8

/* A QEMU I/O thread (VSR_IO) moves packets like one vhost-net worker, in
 * user space. A generator thread (VSR_GEN) is a traffic generator on the
 * host itself (trafgen) writing packets into the VM's TAP device, evenly
 * paced or a period's packets at a time (gen_burst_ns), trying again at
 * once when the TAP is full: with one, no NIC takes part and forwarded
 * packets count when the backend writes them to the sink's TAP. */
enum vsr_thread_kind {
    VSR_VCPU,
    VSR_VHOST,
    VSR_VHOST_RX,
    VSR_VHOST_TX,
    VSR_IO,
    VSR_GEN
};

/* How the NIC reaches the VM's backend: macvtap straight from the driver;
 * a TAP device behind a software switch whose hop costs each packet in
 * both directions (on the irq core for rx, in the backend for tx); or
 * netmap, where the NIC's rings belong to a QEMU I/O thread, the interrupt
 * only wakes it and no host stack runs. */
enum vsr_interconnect { VSR_MACVTAP, VSR_BRIDGE, VSR_OVS, VSR_NETMAP };

struct vsr_thread_cfg {
    char name[STATS_NAME_LEN];
    enum vsr_thread_kind kind;
    uint64_t cpus;                 /* affinity, bit n = core n       */
    int64_t move_every_ns;         /* > 0: pinned in turn to each of */
                                   /* cpus, moved on this often      */
    const struct sched_class *cls; /* cfs, fifo or deadline          */
    int prio;                      /* fifo priority 1..99            */
    int weight;                    /* cfs weight (1024 = nice 0)     */
    int nice;                      /* the nice value it came from    */
    int64_t dl_runtime_ns, dl_period_ns;
    int cgroup; /* index in vsr_config.cgroup, -1: the root */
    int vm;  /* index in vsr_config.vm         */
    int nic; /* the VM's virtual NIC it serves */
};

/* A router VM receives on its virtual NIC 0 and sends back out of it; a
 * load balancer (Click) receives on NIC 0 and spreads flows over the
 * routers through NIC 1. Without load balancers the host's NIC spreads
 * flows over the routers (multi-queue macvtap), else over the balancers. */
enum vsr_role { VSR_ROUTER, VSR_LB };

struct vsr_vm_cfg {
    char name[STATS_NAME_LEN];
    enum vsr_role role;
};

/* How packets are spread over several VMs: by a hash of their flow, or
 * packet by packet in turn. */
enum vsr_spread { VSR_SPREAD_HASH, VSR_SPREAD_RR };

/* A control group of the cpu controller, below the root. */
struct vsr_cgroup_cfg {
    char path[128]; /* "machine/vm/emulator": parents come first */
    struct cgroup g;
};

/* Queue sizes in packets, all >= 1. */
struct vsr_queues {
    uint32_t nic_rx, macvtap, virtio_rx, virtio_tx, guest_qdisc, nic_tx;
};

struct vsr_config {
    int ncores;
    uint64_t online; /* bit n = core n online          */
    struct host_params hp;
    int irq_core;
    double link_gbps;
    int frame_bytes;
    int64_t irq_coalesce_ns; /* minimum gap between NIC irqs   */
    int64_t softirq_max_ns;  /* NAPI in irq context before it
                                goes to ksoftirqd; 0: never     */
    int napi_budget;         /* host NAPI poll weight (64)     */
    int vhost_weight;        /* packets per handle_* run (256) */
    int vhost_batch;         /* packets between guest signals  */
    int qemu_rx_burst;       /* packets per tap_send() call    */
    int qemu_tx_burst;       /* packets per virtio tx flush    */
    int vhost_preempt_every; /* packets between preemption
                                points in a run; 0: none        */
    int guest_budget;        /* guest NAPI poll weight (64)    */
    int guest_hz;            /* guest timer ticks a second     */
    uint32_t rx_refill;      /* spent rx buffers the guest lets
                                pile up before it posts anew    */
    int qemu_timer_hz;       /* QEMU main-loop timer passes a
                                second (io threads)             */
    int kick_mmio;           /* the guest's notifications are
                                handled by the vCPU thread under
                                QEMU's global lock (no ioeventfd:
                                TCG), which the I/O thread holds
                                while it works                  */
    struct vsr_queues q;
    enum vsr_interconnect interconnect;
    enum vsr_interconnect internal; /* load balancer -> router hop   */
    enum vsr_spread spread;
    int nvm;
    struct vsr_vm_cfg vm[VSR_MAX_VMS];
    int native;           /* routed by the host, no VM      */
    uint32_t flows;       /* flows the generator cycles     */
    int64_t gen_burst_ns; /* a generator thread sends each
                             period's packets back to back (trafgen -b:
                             1 s); 0: evenly spaced          */
    uint32_t routes;      /* routing table entries          */
    uint32_t route_cache; /* route-cache entries            */
    int nthreads;
    struct vsr_thread_cfg thread[VSR_MAX_THREADS];
    int ncgroups;
    struct vsr_cgroup_cfg cgroup[CGROUP_MAX];
};

/* Packets per second the link carries with this frame size. */
double vsr_line_rate_pps(const struct vsr_config *cfg);

/* Names of cores, threads and queues of this configuration. */
void vsr_layout(const struct vsr_config *cfg, struct stats_layout *lay);

/* Simulate one run: warm up for `warmup_ns`, then measure `measured_ns`
 * with the generator offering `offered_kpps` (capped at line rate). */
void vsr_run(const struct vsr_config *cfg, const struct costmodel *cm,
             double offered_kpps, uint64_t seed, int64_t warmup_ns,
             int64_t measured_ns, struct run_result *out);

/* vsr_run watched by a trace (sim/trace.h), or by none when tr is NULL:
 * the same run and the same results either way. */
struct trace;
void vsr_run_traced(const struct vsr_config *cfg, const struct costmodel *cm,
                    double offered_kpps, uint64_t seed, int64_t warmup_ns,
                    int64_t measured_ns, struct run_result *out,
                    struct trace *tr);

#endif
