/*
 * costmodel.c - activity names of the cost model.
 *
 * The table below is the single list of activities shared by the loader
 * (store.c), the scenario checks and the documentation in data/schema.sql.
 */
#include <string.h>

#include "costmodel.h"

static const char *const names[COST_N] = {
    [COST_NIC_IRQ] = "nic_irq",
    [COST_NAPI_POLL] = "napi_poll",
    [COST_NIC_RX_PKT] = "nic_rx_pkt",
    [COST_NIC_TX_CLEAN_PKT] = "nic_tx_clean_pkt",
    [COST_BRIDGE_PKT] = "bridge_pkt",
    [COST_OVS_PKT] = "ovs_pkt",
    [COST_QEMU_PKT] = "qemu_pkt",
    [COST_TAP_SYSCALL] = "tap_syscall",
    [COST_HOST_FWD_PKT] = "host_fwd_pkt",
    [COST_ROUTE_MISS] = "route_miss",
    [COST_GUEST_ROUTE_MISS] = "guest_route_miss",
    [COST_FIB_LEVEL] = "fib_level",
    [COST_CLICK_PKT] = "click_pkt",
    [COST_MQ_HASH_PKT] = "mq_hash_pkt",
    [COST_WAKEUP] = "wakeup",
    [COST_CTX_SWITCH] = "ctx_switch",
    [COST_MIGRATION] = "migration",
    [COST_VHOST_RUN] = "vhost_run",
    [COST_VHOST_RX_PKT] = "vhost_rx_pkt",
    [COST_VHOST_TX_PKT] = "vhost_tx_pkt",
    [COST_VHOST_SIGNAL] = "vhost_signal",
    [COST_GUEST_IRQ] = "guest_irq",
    [COST_GUEST_POLL] = "guest_poll",
    [COST_GUEST_FWD_PKT] = "guest_fwd_pkt",
    [COST_GUEST_KICK] = "guest_kick",
    [COST_GUEST_HALT] = "guest_halt",
    [COST_GUEST_SMP_PKT] = "guest_smp_pkt",
};

const char *costmodel_name(enum cost_id id)
{
    return (id >= 0 && id < COST_N) ? names[id] : "?";
}

int costmodel_lookup(const char *name)
{
    for (int i = 0; i < COST_N; i++)
        if (strcmp(names[i], name) == 0)
            return i;
    return -1;
}
