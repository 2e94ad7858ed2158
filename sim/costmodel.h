/*
 * costmodel.h - the per-activity CPU costs a simulation charges.
 *
 * A cost model is plain data: for every activity the mean cost in
 * nanoseconds and its coefficient of variation. Costs are drawn from a Gamma
 * distribution with that mean and CV (see rng.h). The values come from the
 * SQLite cost-model schema (data/schema.sql) through store.c; nothing in the
 * simulator hard-codes a cost.
 */
#ifndef VSRSIM_COSTMODEL_H
#define VSRSIM_COSTMODEL_H

/* Every activity the model charges. The string names (costmodel_name) are the
 * keys of the `cost.activity` column in the cost-model database. */
enum cost_id {
    COST_NIC_IRQ,          /* hard IRQ entry/exit, per interrupt          */
    COST_NAPI_POLL,        /* softirq net_rx_action + poll, per poll      */
    COST_NIC_RX_PKT,       /* driver rx + macvtap enqueue, per packet     */
    COST_NIC_TX_CLEAN_PKT, /* tx completion cleaning, per packet          */
    COST_BRIDGE_PKT,       /* Linux bridge hop (with netfilter), per pkt  */
    COST_OVS_PKT,          /* Open vSwitch datapath hop, per packet       */
    COST_WAKEUP,           /* try_to_wake_up, charged to the waker        */
    COST_CTX_SWITCH,       /* context switch, charged to the core         */
    COST_MIGRATION,        /* cold-cache penalty after a migration        */
    COST_VHOST_RUN,        /* one handle_rx/handle_tx invocation          */
    COST_VHOST_RX_PKT,     /* macvtap -> virtio rx ring, per packet       */
    COST_VHOST_TX_PKT,     /* virtio tx ring -> qdisc -> NIC, per packet  */
    COST_VHOST_SIGNAL,     /* irqfd signal to the guest, per signal       */
    COST_GUEST_IRQ,        /* virtio interrupt taken by the vCPU          */
    COST_GUEST_POLL,       /* one guest NAPI poll                         */
    COST_GUEST_FWD_PKT,    /* guest rx + IP forwarding + xmit, per packet */
    COST_GUEST_KICK,       /* guest notify (VM exit), per kick            */
    COST_GUEST_HALT,       /* HLT exit and later re-entry, per halt       */
    COST_GUEST_SMP_PKT,    /* extra per packet when the guest has >1 vCPU */
    COST_QEMU_PKT,         /* QEMU I/O thread's virtio work, per packet   */
    COST_TAP_SYSCALL,      /* read()/write() on a TAP fd, per packet      */
    COST_HOST_FWD_PKT,     /* native IP forwarding in the host, per pkt   */
    COST_ROUTE_MISS,       /* route-cache miss in the host, per miss      */
    COST_GUEST_ROUTE_MISS, /* route-cache miss in the guest, per miss     */
    COST_FIB_LEVEL,        /* one more LC-trie level on a miss            */
    COST_CLICK_PKT,        /* Click load balancer in the guest, per pkt   */
    COST_MQ_HASH_PKT,      /* multi-queue macvtap queue choice, per pkt   */
    COST_GEN_PKT,          /* local generator's send into a TAP, per pkt  */
    COST_GUEST_TICK,       /* the guest's timer tick on a vCPU            */
    COST_QEMU_TICK,        /* QEMU's main-loop timers, per pass           */
    COST_QEMU_SWITCH,      /* a QEMU thread switched in (0 when absent)   */
    COST_QEMU_RESUME,      /* ... after a preemption (qemu_switch's when  */
                           /* absent)                                     */
    COST_N
};

struct cost {
    double mean_ns; /* mean cost, >= 0                       */
    double cv;      /* coefficient of variation, >= 0        */
    int present;    /* set when the database supplied it     */
};

struct costmodel {
    char id[64];
    struct cost c[COST_N];
};

/* Name of an activity as stored in the database ("nic_rx_pkt", ...). */
const char *costmodel_name(enum cost_id id);

/* What one occurrence is ("packet" or "event") and the CPU-time class it
 * shows up in ("irq", "sys" or "guest"), as data/schema.sql lists them. */
const char *costmodel_unit(enum cost_id id);
const char *costmodel_charged_as(enum cost_id id);

/* 1 for an activity that a cost model may leave out (it costs nothing
 * then): those added after models were first written. */
int costmodel_optional(enum cost_id id);

/* Activity id for a database name, or -1 when the name is unknown. */
int costmodel_lookup(const char *name);

#endif
