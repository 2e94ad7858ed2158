/*
 * costmodel.c - activity names of the cost model.
 *
 * The table below is the single list of activities shared by the loader
 * (store.c), the scenario checks, the calibration tool and the
 * documentation in data/schema.sql.
 */
#include <string.h>

#include "costmodel.h"

/* Name, unit and CPU-time class of each activity, as data/schema.sql
 * documents them. */
static const struct {
    const char *name, *unit, *charged_as;
} table[COST_N] = {
    [COST_NIC_IRQ] = {"nic_irq", "event", "irq"},
    [COST_NAPI_POLL] = {"napi_poll", "event", "irq"},
    [COST_NIC_RX_PKT] = {"nic_rx_pkt", "packet", "irq"},
    [COST_NIC_TX_CLEAN_PKT] = {"nic_tx_clean_pkt", "packet", "irq"},
    [COST_BRIDGE_PKT] = {"bridge_pkt", "packet", "irq"},
    [COST_OVS_PKT] = {"ovs_pkt", "packet", "irq"},
    [COST_QEMU_PKT] = {"qemu_pkt", "packet", "sys"},
    [COST_TAP_SYSCALL] = {"tap_syscall", "packet", "sys"},
    [COST_HOST_FWD_PKT] = {"host_fwd_pkt", "packet", "irq"},
    [COST_ROUTE_MISS] = {"route_miss", "packet", "irq"},
    [COST_GUEST_ROUTE_MISS] = {"guest_route_miss", "packet", "guest"},
    [COST_FIB_LEVEL] = {"fib_level", "event", "irq"},
    [COST_CLICK_PKT] = {"click_pkt", "packet", "guest"},
    [COST_MQ_HASH_PKT] = {"mq_hash_pkt", "packet", "irq"},
    [COST_GEN_PKT] = {"gen_pkt", "packet", "sys"},
    [COST_GUEST_TICK] = {"guest_tick", "event", "guest"},
    [COST_QEMU_TICK] = {"qemu_tick", "event", "sys"},
    [COST_QEMU_SWITCH] = {"qemu_switch", "event", "sys"},
    [COST_QEMU_RESUME] = {"qemu_resume", "event", "sys"},
    [COST_WAKEUP] = {"wakeup", "event", "sys"},
    [COST_CTX_SWITCH] = {"ctx_switch", "event", "sys"},
    [COST_MIGRATION] = {"migration", "event", "sys"},
    [COST_VHOST_RUN] = {"vhost_run", "event", "sys"},
    [COST_VHOST_RX_PKT] = {"vhost_rx_pkt", "packet", "sys"},
    [COST_VHOST_TX_PKT] = {"vhost_tx_pkt", "packet", "sys"},
    [COST_VHOST_SIGNAL] = {"vhost_signal", "event", "sys"},
    [COST_GUEST_IRQ] = {"guest_irq", "event", "guest"},
    [COST_GUEST_POLL] = {"guest_poll", "event", "guest"},
    [COST_GUEST_FWD_PKT] = {"guest_fwd_pkt", "packet", "guest"},
    [COST_GUEST_KICK] = {"guest_kick", "event", "sys"},
    [COST_GUEST_HALT] = {"guest_halt", "event", "sys"},
    [COST_GUEST_SMP_PKT] = {"guest_smp_pkt", "packet", "guest"},
};

const char *costmodel_name(enum cost_id id)
{
    return (id >= 0 && id < COST_N) ? table[id].name : "?";
}

const char *costmodel_unit(enum cost_id id)
{
    return (id >= 0 && id < COST_N) ? table[id].unit : "?";
}

const char *costmodel_charged_as(enum cost_id id)
{
    return (id >= 0 && id < COST_N) ? table[id].charged_as : "?";
}

int costmodel_optional(enum cost_id id)
{
    return id == COST_QEMU_SWITCH || id == COST_QEMU_RESUME;
}

int costmodel_lookup(const char *name)
{
    for (int i = 0; i < COST_N; i++)
        if (strcmp(table[i].name, name) == 0)
            return i;
    return -1;
}
