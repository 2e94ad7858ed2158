/*
 * vsr.c - the packet path of virtual routers on a KVM host, as thread
 * behaviours over bounded queues.
 *
 * Who does what (Appendix A of the paper, macvtap + vhost-net):
 *
 *   nic    The generator sends at a constant rate into the NIC rx ring
 *          (arrivals are computed when needed, never one event each). An
 *          interrupt, at most one per coalescing gap, schedules NAPI on the
 *          irq core; each poll takes up to napi_budget packets into the
 *          input queue (macvtap, or TAP behind a switch) of a VM and cleans
 *          tx completions. A short poll completes NAPI and re-enables the
 *          interrupt. A native router forwards in this softirq instead.
 *   vhost  A worker of one virtual NIC runs queued work items in arrival
 *          order: handle_rx (input queue -> virtio rx ring, signalling the
 *          guest when its interrupts are on) and handle_tx (virtio tx ring
 *          -> host qdisc and NIC tx ring -> wire, or a router VM's input
 *          queue). A run stops at its weight and requeues itself behind
 *          other work; it has a preemption point every preempt_every
 *          packets. handle_rx stops when the guest has no free rx buffers
 *          and waits for its refill kick. QEMU's I/O thread (io) does the
 *          same from user space, in QEMU's bursts.
 *   vcpu   The guest takes the virtio interrupt, polls the rx ring (guest
 *          NAPI, guest_budget per poll), forwards each packet into the
 *          virtio tx ring of its output NIC (into the guest qdisc when the
 *          ring is full, and drops when that is full too), kicks vhost-net
 *          for tx, gives rx buffers back in bulk at the end of a poll once
 *          more than rx_refill are spent (kicking vhost-net if it waits for
 *          them), and halts when idle.
 *
 * Several VMs: the NIC spreads flows over the entry VMs (the load
 * balancers if there are any, else the routers: a multi-queue macvtap),
 * and a load balancer spreads them over the routers through its second
 * NIC and a software switch. Routers send to the wire.
 *
 * Notifications are suppressed as virtio does: vhost-net is kicked only
 * when it is not already busy with that direction, the guest is signalled
 * only when its NAPI is not polling. Costs come from the cost model.
 */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "pktq.h"
#include "rng.h"
#include "trace.h"
#include "vsr.h"

/* Queues of a virtual NIC. */
enum { VQ_IN, VQ_VIRTIO_RX, VQ_VIRTIO_TX, VQ_GUEST_QDISC, VQ_N };

static const char *const vq_names[VQ_N] = {"macvtap", "virtio_rx", "virtio_tx",
                                           "guest_qdisc"};

enum work { WORK_RX, WORK_TX };

struct vsr;
struct vm;

struct vnic {
    struct vm *vm;
    struct pktq q[VQ_N];
    struct vhost *rx_worker, *tx_worker;
    int rx_wait_bufs; /* handle_rx waits for a refill kick     */
    uint32_t rx_bufs; /* rx buffers posted and not yet filled  */
    int tx_notify;    /* guest must kick for tx                */
    int tx_stopped;   /* guest qdisc waits for tx completions  */
};

struct vhost {
    struct thread t;
    struct vsr *v;
    struct vnic *n;    /* the virtual NIC it serves             */
    int user;          /* a QEMU I/O thread, not vhost-net      */
    enum work list[2]; /* queued work items, in arrival order   */
    int nlist;
    int cur;         /* item being run, or -1                 */
    int weight_left; /* packets left in this run              */
    int since_point; /* packets since the last preemption point */
    int step;        /* item the current step moves, or -1    */
    uint32_t k;      /* packets in the current step           */
    int ticks;       /* timer passes due (io threads)         */
};

/* Where a vCPU is in a notification it handles itself (vm.kick =
 * "mmio"): the exit up to the notify, then the rest of it, both under
 * QEMU's global lock. */
enum mmio { MMIO_NONE, MMIO_IN, MMIO_OUT };

struct vcpu {
    struct thread t;
    struct vm *vm;
    int irq_pending; /* an interrupt was injected             */
    int halted;
    int poll_left; /* packets left in this NAPI poll        */
    uint32_t k;
    int ticks;     /* timer ticks due                        */
    /* vm.kick = "mmio": notifications due, and the one under way */
    struct {
        struct vhost *h;
        enum work w;
    } kick[2];
    int nkick;
    enum mmio mmio;
    int64_t mmio_rest_ns; /* what is left of it after the notify */
};

struct vm {
    struct vsr *v;
    const struct vsr_vm_cfg *cfg;
    int nnic;
    struct vnic nic[2]; /* receives on nic[0], sends from out */
    struct vnic *out;
    int nvcpu;
    struct vcpu *vc[2];
    int guest_irq_on;        /* virtio interrupts enabled             */
    struct vcpu *napi_owner; /* vCPU running guest NAPI, or NULL      */
    int next_vcpu;           /* round robin of interrupts             */
    double miss_frac;        /* route-cache misses per packet         */
    double miss_acc;         /* misses owed, below one                */
    /* QEMU's global lock, with vm.kick = "mmio": its holder and the
     * threads asleep until it is free */
    struct thread *bql;
    struct thread *bql_wait[4];
    int nbql_wait;
};

enum { HQ_NIC_RX, HQ_NIC_TX, HQ_N };

struct vsr {
    const struct vsr_config *cfg;
    struct des *des;
    struct machine m;
    struct pktq hq[HQ_N];

    /* generator and NIC */
    int64_t rate_pps;
    int64_t gap_q, gap_r;    /* 1e9 / rate_pps: quotient, remainder   */
    uint64_t t_max;          /* UINT64_MAX / rate_pps                 */
    int64_t frame_ns;        /* wire time of one frame                */
    uint64_t arrived;        /* arrivals moved into the rx ring       */
    struct thread nic;       /* NAPI context on the irq core          */
    struct thread ksoftirqd; /* NAPI deferred to a CFS thread     */
    int deferred;            /* NAPI now runs in ksoftirqd            */
    int64_t burst_ns;        /* when softirq work began without a break */
    int nic_irq_on;          /* interrupt enabled (NAPI idle)         */
    int nic_short_poll;      /* last poll was below budget            */
    struct event *nic_irq_ev;
    int64_t nic_last_irq_ns;
    int64_t wire_free_ns;
    uint32_t nic_k_rx, nic_k_tx;
    double miss_frac, miss_acc; /* the native router's route cache  */
    struct thread gen_thread;
    struct thread *gen;         /* a local generator thread, or NULL */
    uint64_t gen_sent;          /* packets it has written            */
    uint64_t gen_sent_w0;       /* ... by the measured window        */
    uint32_t gen_k;             /* packets of its current step       */
    int gen_retry;              /* its current step found the TAP full */
    int gen_blocked;            /* asleep until there is room (a model
                                   whose attempts cost nothing)        */
    struct event *gen_ev;       /* its wake-up at the next arrival   */
    int64_t gen_burst_start;    /* per-period pacing: when the current */
    uint64_t gen_burst_left;    /* burst began, and what it has left   */
    int fib_levels;             /* LC-trie levels of a full lookup  */

    /* VMs: entry VMs take packets from the NIC; routers send to the wire */
    int nvm;
    struct vm vm[VSR_MAX_VMS];
    struct vm *entry[VSR_MAX_VMS], *router[VSR_MAX_VMS];
    int nentry, nrouter;
    struct vhost vh[VSR_MAX_THREADS];
    int nvhost;
    struct vcpu vc[VSR_MAX_THREADS];
    int nvcpu;

    /* measured window */
    int64_t w0, w1;
    struct run_result *res;
};

/* ---- Generator and NIC -------------------------------------------- */

/* Quotient and remainder of i * 1e9 / rate, for packet i (0-based). */
static void arrival_split(const struct vsr *v, uint64_t i, int64_t *q,
                          int64_t *r)
{
    if (i < UINT64_MAX / 1000000000) { /* no overflow: 64-bit division */
        uint64_t x = i * 1000000000;
        *q = (int64_t)(x / (uint64_t)v->rate_pps);
        *r = (int64_t)(x % (uint64_t)v->rate_pps);
        return;
    }
    __int128 x = (__int128)i * 1000000000;
    *q = (int64_t)(x / v->rate_pps);
    *r = (int64_t)(x % v->rate_pps);
}

/* Arrival time of packet i (0-based), ceil(i * 1e9 / rate). */
static int64_t arrival_ns(const struct vsr *v, uint64_t i)
{
    int64_t q, r;
    arrival_split(v, i, &q, &r);
    return q + (r != 0);
}

/* The arrival after c (whose excess is s) when arrivals are P / rate
 * apart, P = gq rate + gr with 0 <= gr < rate (see push_arrivals()). */
static inline void next_arrival(int64_t *c, int64_t *s, int64_t rate,
                                int64_t gq, int64_t gr)
{
    *s -= gr;
    int64_t borrow = -(int64_t)(*s < 0); /* -1 or 0 */
    *s += borrow & rate;
    *c += gq - borrow;
}

/* Append packets i .. i+k-1 to q, born at their arrival times (those
 * that find q full are dropped). One division for the first; then, with
 * P = 1e9 = gap_q rate + gap_r, each next arrival c' = ceil((i+1) P / rate)
 * follows from c = ceil(i P / rate) and its excess s = c rate - i P (in
 * [0, rate)): c' = c + gap_q and s' = s - gap_r when s >= gap_r, else
 * c' = c + gap_q + 1 and s' = s - gap_r + rate. The same holds two
 * packets apart with 2P = gap2_q rate + gap2_r, so even and odd packets
 * follow two independent recurrences, which the CPU runs side by side. */
static void push_arrivals(const struct vsr *v, struct pktq *q, uint64_t i,
                          uint32_t k)
{
    const int64_t rate = v->rate_pps, gap_q = v->gap_q, gap_r = v->gap_r;
    const int64_t wrap = 2 * gap_r >= rate;
    const int64_t gap2_q = 2 * gap_q + wrap, gap2_r = 2 * gap_r - wrap * rate;
    int64_t quo, rem, *birth;
    uint32_t n;
    arrival_split(v, i, &quo, &rem);
    int64_t c0 = quo + (rem != 0), s0 = rem ? rate - rem : 0; /* packet i */
    int64_t c1 = c0, s1 = s0;                                 /* i + 1 */
    next_arrival(&c1, &s1, rate, gap_q, gap_r);
    while (k > 0 && (n = pktq_tail_run(q, k, &birth)) > 0) {
        uint32_t j = 0;
        for (; j + 1 < n; j += 2) {
            birth[j] = c0;
            birth[j + 1] = c1;
            next_arrival(&c0, &s0, rate, gap2_q, gap2_r);
            next_arrival(&c1, &s1, rate, gap2_q, gap2_r);
        }
        if (j < n) { /* an odd run: the next packet is chain 1's */
            birth[j] = c0;
            next_arrival(&c0, &s0, rate, gap2_q, gap2_r);
            int64_t t = c0;
            c0 = c1;
            c1 = t;
            t = s0;
            s0 = s1;
            s1 = t;
        }
        pktq_commit(q, n);
        k -= n;
    }
    q->drops += k;
}

/* Arrivals at or before t. */
static uint64_t arrivals_by(const struct vsr *v, int64_t t)
{
    if (v->rate_pps <= 0 || t < 0)
        return 0;
    if ((uint64_t)t < v->t_max) /* no overflow: skip 128-bit division */
        return (uint64_t)t * (uint64_t)v->rate_pps / 1000000000 + 1;
    return (uint64_t)((__int128)t * v->rate_pps / 1000000000) + 1;
}

/* Move the packets that arrived by now into the rx ring; the ones that
 * find it full are dropped. */
static void nic_rx_update(struct vsr *v)
{
    if (v->gen)
        return; /* the generator thread sends, not the NIC */
    uint64_t n = arrivals_by(v, des_now(v->des));
    if (n <= v->arrived)
        return;
    uint64_t fresh = n - v->arrived;
    struct pktq *q = &v->hq[HQ_NIC_RX];
    uint32_t take = fresh < pktq_free(q) ? (uint32_t)fresh : pktq_free(q);
    push_arrivals(v, q, v->arrived, take);
    q->drops += fresh - take;
    v->arrived = n;
}

/* x mod n for a number of VMs n: each case divides by a constant, which
 * the compiler turns into multiplications. */
static unsigned mod_vms(uint64_t x, int n)
{
    switch (n) {
    case 2:
        return (unsigned)(x % 2);
    case 3:
        return (unsigned)(x % 3);
    case 4:
        return (unsigned)(x % 4);
    case 5:
        return (unsigned)(x % 5);
    case 6:
        return (unsigned)(x % 6);
    case 7:
        return (unsigned)(x % 7);
    case 8:
        return (unsigned)(x % 8);
    default:
        return (unsigned)(x % (uint64_t)n);
    }
}

/* Which of n > 1 VMs packet i (0-based; its flow is i mod flows) goes to:
 * flows are hashed, or packets dealt in turn. */
static int spread(const struct vsr *v, int n, uint64_t i, uint32_t flow)
{
    if (v->cfg->spread == VSR_SPREAD_RR)
        return (int)mod_vms(i, n);
    uint32_t h = flow; /* murmur3's finaliser */
    h ^= h >> 16;
    h *= 0x85ebca6bu;
    h ^= h >> 13;
    h *= 0xc2b2ae35u;
    h ^= h >> 16;
    return (int)mod_vms(h, n);
}

static void vhost_queue(struct vhost *h, enum work w, struct core *waker);

/* Thread `waker` wakes t: a sleeping t costs the waker try_to_wake_up. */
static void wake_by(struct thread *waker, struct thread *t)
{
    if (t->state == THREAD_SLEEPING)
        thread_add_overhead(waker, COST_WAKEUP, 1);
    thread_wake(t, waker->core);
}

/* ---- QEMU's global lock (vm.kick = "mmio") ------------------------- */

/* Take m's lock for t: 1, or 0 when another thread holds it, and t is to
 * sleep until it is let go (a futex wait: QEMU's mutex has no priority
 * inheritance). */
static int bql_take(struct vm *m, struct thread *t)
{
    if (!m->bql || m->bql == t) {
        m->bql = t;
        return 1;
    }
    for (int i = 0; i < m->nbql_wait; i++)
        if (m->bql_wait[i] == t)
            return 0;
    assert(m->nbql_wait < (int)(sizeof m->bql_wait / sizeof m->bql_wait[0]));
    m->bql_wait[m->nbql_wait++] = t;
    return 0;
}

/* t lets m's lock go, if it holds it, and wakes the threads waiting. */
static void bql_give(struct vm *m, struct thread *t)
{
    if (m->bql != t)
        return;
    m->bql = NULL;
    int n = m->nbql_wait;
    m->nbql_wait = 0;
    for (int i = 0; i < n; i++)
        wake_by(t, m->bql_wait[i]);
}

/* Where a virtual NIC's backend takes received packets: its input queue
 * (macvtap or TAP), or with netmap the NIC's rx ring itself. */
static struct pktq *rx_src(struct vnic *n)
{
    struct vsr *v = n->vm->v;
    if (v->cfg->interconnect == VSR_NETMAP) {
        nic_rx_update(v);
        return &v->hq[HQ_NIC_RX];
    }
    return &n->q[VQ_IN];
}

static void nic_on_irq(void *arg)
{
    struct vsr *v = arg;
    v->nic_irq_ev = NULL;
    if (!v->nic_irq_on)
        return;
    v->nic_irq_on = 0;
    v->nic_last_irq_ns = des_now(v->des);
    v->burst_ns = v->nic_last_irq_ns;
    thread_add_overhead(&v->nic, COST_NIC_IRQ, 1);
    thread_wake(&v->nic, NULL);
    if (v->cfg->interconnect == VSR_NETMAP) /* wake the netmap poller */
        vhost_queue(v->entry[0]->nic[0].rx_worker, WORK_RX, v->nic.core);
}

/* Schedule the next interrupt for pending rx or tx work, if enabled. */
static void nic_arm(struct vsr *v)
{
    if (!v->nic_irq_on)
        return;
    int64_t now = des_now(v->des);
    int64_t at = INT64_MAX;
    if (v->rate_pps > 0 && !v->gen) {
        if (pktq_unclaimed(&v->hq[HQ_NIC_RX]) > 0)
            at = now;
        else
            at = arrival_ns(v, v->arrived);
    }
    struct pktq *tx = &v->hq[HQ_NIC_TX];
    if (v->cfg->interconnect != VSR_NETMAP && tx->count > 0 &&
        pktq_birth(tx, 0) < at)
        at = pktq_birth(tx, 0); /* netmap reclaims tx in its own txsync */
    if (at == INT64_MAX)
        return;
    int64_t gap = v->nic_last_irq_ns + v->cfg->irq_coalesce_ns;
    if (at < gap)
        at = gap;
    if (at < now)
        at = now;
    if (!v->nic_irq_ev)
        v->nic_irq_ev = des_at(v->des, at, nic_on_irq, v);
    else if (v->nic_irq_ev->time_ns > at)
        des_move(v->des, v->nic_irq_ev, at);
}

/* Count src's packets i..i+k-1 (0 = oldest) as forwarded: packet i+j was
 * delivered at out_ns + j step_ns, inside the measured window. */
static void deliver(struct vsr *v, const struct pktq *src, uint32_t i,
                    uint32_t k, int64_t out_ns, int64_t step_ns)
{
    v->res->forwarded_pkts += k;
    while (k > 0) {
        const int64_t *birth;
        uint32_t run = pktq_run(src, i, k, &birth);
        stats_add_latencies(v->res, birth, run, out_ns, step_ns);
        out_ns += (int64_t)run * step_ns;
        i += run;
        k -= run;
    }
}

/* Of n departures first + j step (j < n), how many are before t. */
static uint32_t leaving_before(int64_t first, int64_t step, uint32_t n,
                               int64_t t)
{
    if (t <= first)
        return 0;
    if (step == 0)
        return n;
    int64_t j = (t - first + step - 1) / step; /* ceil((t - first) / step) */
    return j < n ? (uint32_t)j : n;
}

/* The k oldest packets of src leave, in order, through the host qdisc and
 * NIC tx ring at wire speed (those that find the ring full are dropped);
 * each counts as forwarded when it leaves within the measured window. */
static void wire_send(struct vsr *v, const struct pktq *src, uint32_t k)
{
    int64_t now = des_now(v->des);
    if (v->gen) { /* written to the sink's TAP: delivered now */
        if (now >= v->w0 && now < v->w1)
            deliver(v, src, 0, k, now, 0);
        return;
    }
    struct pktq *nt = &v->hq[HQ_NIC_TX];
    uint32_t n = k < pktq_free(nt) ? k : pktq_free(nt);
    nt->drops += k - n;
    if (n == 0)
        return;
    /* Departures one frame apart from when the wire is free; those in the
     * window [w0, w1) are a contiguous range of them. */
    const int64_t frame = v->frame_ns;
    int64_t first = (v->wire_free_ns > now ? v->wire_free_ns : now) + frame;
    int64_t next = first;
    for (uint32_t i = 0; i < n;) {
        int64_t *dep;
        uint32_t m = pktq_tail_run(nt, n - i, &dep);
        for (uint32_t j = 0; j < m; j++, next += frame)
            dep[j] = next;
        pktq_commit(nt, m);
        i += m;
    }
    v->wire_free_ns = next - frame;
    uint32_t lo = leaving_before(first, frame, n, v->w0);
    uint32_t hi = leaving_before(first, frame, n, v->w1);
    if (lo < hi)
        deliver(v, src, lo, hi - lo, first + (int64_t)lo * frame, frame);
}

/* Add to s the route-cache misses among the next k packets: a fraction
 * of the packets miss when the flows outgrow the cache (misses carried
 * over so the fraction holds exactly), and each miss takes the slow path
 * `miss` plus one fib_level per LC-trie level below the first. */
static void route_cost(struct vsr *v, double frac, double *acc,
                       const struct thread *t, struct rng_sum *s,
                       enum cost_id miss, uint32_t k)
{
    if (frac <= 0 || k == 0)
        return;
    *acc += frac * k;
    uint32_t n = (uint32_t)*acc;
    *acc -= n;
    thread_cost_add(t, s, miss, n);
    thread_cost_add(t, s, COST_FIB_LEVEL,
                    n * (uint32_t)(v->fib_levels - 1));
}

/* Add to s the software switch hop of k packets (none with macvtap or
 * netmap). */
static void switch_cost(enum vsr_interconnect link, const struct thread *t,
                        struct rng_sum *s, uint32_t k)
{
    if (link == VSR_BRIDGE)
        thread_cost_add(t, s, COST_BRIDGE_PKT, k);
    else if (link == VSR_OVS)
        thread_cost_add(t, s, COST_OVS_PKT, k);
}

/* How many of the (at most k) oldest packets of the NIC tx ring, whose
 * births are departure times in order, have left the wire by `now`. */
static uint32_t sent_by(const struct pktq *tx, uint32_t k, int64_t now)
{
    if (k > tx->count)
        k = tx->count;
    uint32_t n = 0;
    while (n < k) {
        const int64_t *dep;
        uint32_t run = pktq_run(tx, n, k - n, &dep);
        if (dep[run - 1] > now) { /* the first later one is in this run */
            uint32_t lo = 0, hi = run - 1;
            while (lo < hi) {
                uint32_t mid = (lo + hi) / 2;
                if (dep[mid] > now)
                    hi = mid;
                else
                    lo = mid + 1;
            }
            return n + lo;
        }
        n += run;
    }
    return n;
}

/* NAPI is complete: interrupts back on, and softirq work no longer
 * deferred. */
static int64_t napi_complete(struct vsr *v)
{
    v->nic_irq_on = 1;
    v->deferred = 0;
    nic_arm(v);
    return THREAD_IDLE;
}

static int64_t nic_step_begin(struct thread *t)
{
    struct vsr *v = t->ctx;
    int64_t now = des_now(v->des);
    if (v->cfg->interconnect == VSR_NETMAP)
        return THREAD_IDLE; /* no NAPI: the interrupt only woke the poller */
    if ((t == &v->nic) == v->deferred)
        return THREAD_IDLE; /* ksoftirqd polls (only) until NAPI completes */
    if (v->nic_irq_on)
        return THREAD_IDLE; /* NAPI completed: only the interrupt polls
                               again (this step served what it owed) */
    if (v->nic_short_poll) {
        v->nic_short_poll = 0;
        return napi_complete(v);
    }
    if (t == &v->nic && v->cfg->softirq_max_ns > 0 &&
        now - v->burst_ns >= v->cfg->softirq_max_ns) {
        v->deferred = 1; /* __do_softirq ran too long: wake ksoftirqd */
        wake_by(t, &v->ksoftirqd);
        return THREAD_IDLE;
    }
    nic_rx_update(v);
    uint32_t budget = (uint32_t)v->cfg->napi_budget;
    struct pktq *tx = &v->hq[HQ_NIC_TX];
    v->nic_k_tx = pktq_claim(tx, sent_by(tx, budget, now));
    v->nic_k_rx = pktq_claim(&v->hq[HQ_NIC_RX], budget);
    if (v->nic_k_rx == 0 && v->nic_k_tx == 0)
        return napi_complete(v);
    struct rng_sum s = {0};
    thread_cost_add(t, &s, COST_NAPI_POLL, 1);
    thread_cost_add(t, &s, COST_NIC_RX_PKT, v->nic_k_rx);
    switch_cost(v->cfg->interconnect, t, &s, v->nic_k_rx);
    if (v->cfg->native) {
        thread_cost_add(t, &s, COST_HOST_FWD_PKT, v->nic_k_rx);
        route_cost(v, v->miss_frac, &v->miss_acc, t, &s, COST_ROUTE_MISS,
                   v->nic_k_rx);
    }
    if (v->nentry > 1) /* a multi-queue macvtap hashes each packet */
        thread_cost_add(t, &s, COST_MQ_HASH_PKT, v->nic_k_rx);
    thread_cost_add(t, &s, COST_NIC_TX_CLEAN_PKT, v->nic_k_tx);
    return thread_cost_draw(t, &s);
}

/* Put src's k oldest packets into the input queues of the n VMs `to`,
 * spread by flow; returns the VMs that took any (a bit per VM index). */
static unsigned deal(struct vsr *v, struct vm *const *to, int n,
                     const struct pktq *src, uint32_t k)
{
    if (n == 1)
        return pktq_copy(&to[0]->nic[0].q[VQ_IN], src, 0, k) > 0
                   ? 1u << (to[0] - v->vm)
                   : 0;
    unsigned fed = 0;
    uint64_t last = 0; /* packet number and flow of the previous packet */
    uint32_t flow = 0;
    for (uint32_t j = 0; j < k; j++) {
        int64_t b = pktq_birth(src, j);
        uint64_t i = arrivals_by(v, b) - 1; /* b is packet i's arrival */
        if (j == 0 || i - last >= v->cfg->flows) {
            flow = (uint32_t)(i % v->cfg->flows);
        } else { /* packets come in order, mostly one after the other */
            flow += (uint32_t)(i - last);
            if (flow >= v->cfg->flows)
                flow -= v->cfg->flows;
        }
        last = i;
        struct vm *m = to[spread(v, n, i, flow)];
        if (pktq_push(&m->nic[0].q[VQ_IN], b) == 0)
            fed |= 1u << (m - v->vm);
    }
    return fed;
}

/* Wake the rx workers of the VMs in `fed` (a bit per VM index). */
static void wake_rx(struct vsr *v, unsigned fed, struct core *waker)
{
    for (int i = 0; fed; i++, fed >>= 1) {
        struct vnic *n = &v->vm[i].nic[0];
        if ((fed & 1) && !n->rx_wait_bufs)
            vhost_queue(n->rx_worker, WORK_RX, waker);
    }
}

static void nic_step_end(struct thread *t)
{
    struct vsr *v = t->ctx;
    struct pktq *rx = &v->hq[HQ_NIC_RX];
    pktq_release(&v->hq[HQ_NIC_TX], v->nic_k_tx);
    unsigned fed = 0;
    if (v->cfg->native)
        wire_send(v, rx, v->nic_k_rx); /* routed in this softirq */
    else
        fed = deal(v, v->entry, v->nentry, rx, v->nic_k_rx);
    pktq_release(rx, v->nic_k_rx);
    if (v->nic_k_rx < (uint32_t)v->cfg->napi_budget &&
        v->nic_k_tx < (uint32_t)v->cfg->napi_budget)
        v->nic_short_poll = 1;
    wake_rx(v, fed, t->core);
}

static const struct thread_ops nic_ops = {nic_step_begin, nic_step_end};

/* ---- Local generator ---------------------------------------------- */

/* A generator on the host (trafgen) writes packets into the entry VM's
 * TAP with sendto(). Evenly paced, each packet is due at its arrival time
 * and the generator sleeps until the next one; paced per period (trafgen
 * -b, cfg->gen_burst_ns), each period's packets are due at its start and
 * go back to back, and the generator sleeps from the end of the burst to
 * the end of the period, or starts the next burst at once when the burst
 * outlasted its period (trafgen then no longer sleeps at all). A sendto()
 * that finds the TAP full fails and is tried again after a
 * sched_yield(): the generator keeps its core busy with attempts, each
 * costing what a packet sent does, until the backend makes room. */

/* Packets due and not yet sent. */
static uint64_t gen_pending(const struct vsr *v)
{
    if (v->cfg->gen_burst_ns > 0)
        return v->gen_burst_left;
    return arrivals_by(v, des_now(v->des)) - v->gen_sent;
}

/* A new burst: the packets of one period, due now. */
static void gen_burst(struct vsr *v)
{
    v->gen_burst_start = des_now(v->des);
    v->gen_burst_left = (uint64_t)((__int128)v->rate_pps *
                                   v->cfg->gen_burst_ns / 1000000000);
}

static void gen_on_timer(void *arg)
{
    struct vsr *v = arg;
    v->gen_ev = NULL;
    if (v->cfg->gen_burst_ns > 0)
        gen_burst(v);
    thread_wake(v->gen, NULL);
}

/* Sleep until the next packet is due. */
static void gen_sleep(struct vsr *v)
{
    int64_t at = v->cfg->gen_burst_ns > 0
                     ? v->gen_burst_start + v->cfg->gen_burst_ns
                     : arrival_ns(v, v->gen_sent);
    if (!v->gen_ev && v->rate_pps > 0)
        v->gen_ev = des_at(v->des, at, gen_on_timer, v);
}

static int64_t gen_step_begin(struct thread *t)
{
    struct vsr *v = t->ctx;
    struct pktq *in = &v->entry[0]->nic[0].q[VQ_IN];
    uint64_t k = gen_pending(v);
    if (k == 0) {
        gen_sleep(v);
        return THREAD_IDLE;
    }
    if (k > (uint64_t)v->cfg->vhost_batch)
        k = (uint64_t)v->cfg->vhost_batch;
    if (pktq_free(in) < k)
        k = pktq_free(in);
    v->gen_k = (uint32_t)k;
    v->gen_retry = k == 0;
    int64_t cost = thread_cost(t, COST_GEN_PKT, k > 0 ? v->gen_k : 1);
    if (cost == 0 && v->gen_retry) { /* no cost to spin on: wait */
        v->gen_retry = 0;
        v->gen_blocked = 1;
        return THREAD_IDLE;
    }
    return cost;
}

static void gen_step_end(struct thread *t)
{
    struct vsr *v = t->ctx;
    struct vm *m = v->entry[0];
    struct pktq *in = &m->nic[0].q[VQ_IN];
    if (v->gen_retry) { /* the attempt failed; the next one follows */
        v->gen_retry = 0;
        return;
    }
    if (v->cfg->gen_burst_ns > 0) {
        int64_t now = des_now(v->des);
        for (uint32_t j = 0; j < v->gen_k; j++)
            pktq_push(in, now);
        v->gen_burst_left -= v->gen_k;
        if (v->gen_burst_left == 0 &&
            now >= v->gen_burst_start + v->cfg->gen_burst_ns)
            gen_burst(v); /* the burst outlasted its period */
    } else {
        push_arrivals(v, in, v->gen_sent, v->gen_k);
    }
    v->gen_sent += v->gen_k;
    v->gen_k = 0;
    wake_rx(v, 1u << (m - v->vm), t->core);
}

static const struct thread_ops gen_ops = {gen_step_begin, gen_step_end};

/* The backend took packets from the generator's TAP: room again. */
static void gen_room(struct vsr *v, struct thread *waker)
{
    if (v->gen && v->gen_blocked) {
        v->gen_blocked = 0;
        wake_by(waker, v->gen);
    }
}

/* ---- Guest notification ------------------------------------------- */

/* vhost-net signals the guest (an irqfd write) if its interrupts are on. */
static void guest_signal(struct vm *m, struct thread *from)
{
    if (!m->guest_irq_on)
        return;
    m->guest_irq_on = 0;
    struct vcpu *c = m->vc[m->next_vcpu];
    m->next_vcpu = (m->next_vcpu + 1) % m->nvcpu;
    c->irq_pending = 1;
    thread_add_overhead(from, COST_VHOST_SIGNAL, 1);
    wake_by(from, &c->t);
}

/* ---- vhost-net ---------------------------------------------------- */

static void vhost_queue(struct vhost *h, enum work w, struct core *waker)
{
    if (h->cur >= 0 && (enum work)h->cur == w)
        return;
    for (int i = 0; i < h->nlist; i++)
        if (h->list[i] == w)
            return;
    h->list[h->nlist++] = w;
    if (waker && waker->curr)
        wake_by(waker->curr, &h->t);
    else
        thread_wake(&h->t, waker);
}

/* The current run is over: the ring it drained re-enables notifications,
 * a full virtio rx ring waits for the guest's refill kick, a run that used
 * its weight goes behind other work; then comes a preemption point. */
static void vhost_end_item(struct vhost *h)
{
    struct vsr *v = h->v;
    struct vnic *n = h->n;
    if (h->cur == WORK_RX) {
        if (v->cfg->interconnect == VSR_NETMAP &&
            pktq_unclaimed(rx_src(n)) == 0) {
            v->nic_irq_on = 1; /* poll() sleeps on the rx interrupt */
            nic_arm(v);
        }
        if (pktq_unclaimed(rx_src(n)) > 0) {
            if (n->rx_bufs == 0)
                n->rx_wait_bufs = 1;
            else
                h->list[h->nlist++] = WORK_RX; /* weight used up */
        }
    } else if (pktq_unclaimed(&n->q[VQ_VIRTIO_TX]) > 0) {
        h->list[h->nlist++] = WORK_TX;
    } else {
        n->tx_notify = 1; /* ring empty: the guest kicks again */
    }
    h->cur = -1;
    h->t.preempt_off = 0;
}

/* Is the current run over after this step? */
static int vhost_item_done(const struct vhost *h)
{
    struct vnic *n = h->n;
    if (h->weight_left <= 0)
        return 1;
    if (h->cur == WORK_RX)
        return pktq_unclaimed(rx_src(n)) == 0 ||
               n->rx_bufs == 0;
    return pktq_unclaimed(&n->q[VQ_VIRTIO_TX]) == 0;
}

/* Where a virtual NIC's sent packets go: the wire, or (a load balancer's)
 * the routers through the internal switch. */
static int to_wire(const struct vnic *n)
{
    return n->vm->cfg->role == VSR_ROUTER;
}

/* Add to s what a QEMU I/O thread adds to vhost-net's work for k packets
 * in one direction: virtio emulation in user space, and a read() or
 * write() per packet on a TAP file descriptor (netmap syncs whole rings
 * instead). */
static void user_cost(const struct vhost *h, struct rng_sum *s, uint32_t k)
{
    if (!h->user)
        return;
    thread_cost_add(&h->t, s, COST_QEMU_PKT, k);
    if (h->v->cfg->interconnect != VSR_NETMAP)
        thread_cost_add(&h->t, s, COST_TAP_SYSCALL, k);
}

/* Packets a new run may move. */
static int vhost_weight(const struct vhost *h)
{
    const struct vsr_config *cfg = h->v->cfg;
    if (h->user && h->cur == WORK_TX)
        return cfg->qemu_tx_burst;
    if (cfg->interconnect == VSR_NETMAP) {
        /* one rxsync: the slots filled so far, then the loop */
        int avail = (int)pktq_unclaimed(rx_src(h->n));
        return avail > 0 && avail < cfg->vhost_weight ? avail
                                                      : cfg->vhost_weight;
    }
    return h->user ? cfg->qemu_rx_burst : cfg->vhost_weight; /* tap_send */
}

static int64_t vhost_step_begin(struct thread *t)
{
    struct vhost *h = t->ctx;
    struct vsr *v = h->v;
    struct vnic *n = h->n;
    struct rng_sum s = {0};
    h->step = -1;
    h->k = 0;
    if (h->ticks > 0) { /* QEMU's timers, before the packets */
        thread_cost_add(t, &s, COST_QEMU_TICK, h->ticks);
        h->ticks = 0;
    }
    for (;;) {
        if (h->cur < 0) {
            if (h->nlist == 0) { /* a run that found nothing, or sleep */
                int64_t cost = thread_cost_draw(t, &s);
                return cost > 0 ? cost : THREAD_IDLE;
            }
            h->cur = h->list[0];
            h->list[0] = h->list[1];
            h->nlist--;
            h->weight_left = vhost_weight(h);
            h->since_point = 0;
            thread_cost_add(t, &s, COST_VHOST_RUN, 1);
        }
        t->preempt_off = 1; /* until the next preemption point */
        uint32_t k = (uint32_t)v->cfg->vhost_batch;
        if ((uint32_t)h->weight_left < k)
            k = (uint32_t)h->weight_left;
        int every = v->cfg->vhost_preempt_every;
        if (every > 0 && (uint32_t)(every - h->since_point) < k)
            k = (uint32_t)(every - h->since_point);
        if (h->cur == WORK_RX) {
            uint32_t space = n->rx_bufs;
            if (space < k)
                k = space;
            if (n->vm->guest_irq_on && k > 1)
                k = 1; /* the guest listens: signal after this packet */
            k = pktq_claim(rx_src(n), k);
            if (k == 0) {
                vhost_end_item(h);
                continue;
            }
            h->k = k;
            h->step = WORK_RX;
            thread_cost_add(t, &s, COST_VHOST_RX_PKT, k);
            user_cost(h, &s, k);
            return thread_cost_draw(t, &s);
        }
        k = pktq_claim(&n->q[VQ_VIRTIO_TX], k);
        if (k == 0) {
            vhost_end_item(h);
            continue;
        }
        h->k = k;
        h->step = WORK_TX;
        enum vsr_interconnect link =
            to_wire(n) ? v->cfg->interconnect : v->cfg->internal;
        thread_cost_add(t, &s, COST_VHOST_TX_PKT, k);
        switch_cost(link, t, &s, k);
        user_cost(h, &s, k);
        return thread_cost_draw(t, &s);
    }
}

/* handle_tx's packets leave: to the wire, or over the routers. */
static void vhost_send(struct vhost *h, struct pktq *vt)
{
    struct vsr *v = h->v;
    if (to_wire(h->n)) {
        struct pktq *nt = &v->hq[HQ_NIC_TX];
        if (v->cfg->interconnect == VSR_NETMAP) { /* txsync: reclaim sent */
            uint32_t sent = sent_by(nt, nt->count, des_now(v->des));
            pktq_release(nt, pktq_claim(nt, sent));
        }
        wire_send(v, vt, h->k);
        nic_arm(v);
        return;
    }
    wake_rx(v, deal(v, v->router, v->nrouter, vt, h->k), h->t.core);
}

static void vhost_step_end(struct thread *t)
{
    struct vhost *h = t->ctx;
    struct vsr *v = h->v;
    struct vnic *n = h->n;
    if (h->step < 0)
        return;
    if (h->step == WORK_RX) {
        struct pktq *mq = rx_src(n);
        pktq_copy(&n->q[VQ_VIRTIO_RX], mq, 0, h->k);
        n->rx_bufs -= h->k;
        pktq_release(mq, h->k);
        gen_room(v, t);
        guest_signal(n->vm, t);
    } else {
        struct pktq *vt = &n->q[VQ_VIRTIO_TX];
        vhost_send(h, vt);
        pktq_release(vt, h->k);
        if (n->tx_stopped)
            guest_signal(n->vm, t); /* tx completion for a stopped queue */
    }
    h->weight_left -= (int)h->k;
    h->since_point += (int)h->k;
    h->k = 0;
    h->step = -1;
    if (vhost_item_done(h)) {
        vhost_end_item(h);
    } else if (v->cfg->vhost_preempt_every > 0 &&
               h->since_point >= v->cfg->vhost_preempt_every) {
        h->since_point = 0;
        t->preempt_off = 0; /* a waiting wake-up may preempt here */
    }
}

static const struct thread_ops vhost_ops = {vhost_step_begin, vhost_step_end};

/* QEMU's main loop with vm.kick = "mmio" works under the global lock: it
 * takes it before a pass that has work (or sleeps until it is free) and
 * lets it go at the end of each step. */
static int64_t io_step_begin(struct thread *t)
{
    struct vhost *h = t->ctx;
    struct vm *m = h->n->vm;
    int work = h->cur >= 0 || h->nlist > 0 || h->ticks > 0;
    if (work && !bql_take(m, t))
        return THREAD_IDLE;
    int64_t cost = vhost_step_begin(t);
    if (cost == THREAD_IDLE)
        bql_give(m, t);
    return cost;
}

static void io_step_end(struct thread *t)
{
    struct vhost *h = t->ctx;
    vhost_step_end(t);
    bql_give(h->n->vm, t);
}

static const struct thread_ops io_ops = {io_step_begin, io_step_end};

/* ---- Guest vCPU ---------------------------------------------------- */

/* The guest notifies vhost-net (a VM exit on the ioeventfd); with
 * vm.kick = "mmio" the vCPU handles the exit in steps of its own
 * (vcpu_mmio_step_begin()), once the step that kicks is over. */
static void guest_kick(struct vcpu *c, struct vhost *h, enum work w)
{
    if (c->vm->v->cfg->kick_mmio) {
        for (int i = 0; i < c->nkick; i++)
            if (c->kick[i].h == h && c->kick[i].w == w)
                return;
        assert(c->nkick < 2);
        c->kick[c->nkick].h = h;
        c->kick[c->nkick++].w = w;
        return;
    }
    thread_add_overhead(&c->t, COST_GUEST_KICK, 1);
    vhost_queue(h, w, c->t.core);
}

/* The end of a guest NAPI poll (virtnet_poll): when more than rx_refill
 * of the rx ring's slots hold no buffer (neither posted nor filled and
 * waiting for the guest), the guest posts one in every such slot and
 * kicks vhost-net if it waits for them. Buffers go back in bulk, not one
 * per packet taken. */
static void guest_refill(struct vcpu *c, struct vnic *in)
{
    const struct pktq *vr = &in->q[VQ_VIRTIO_RX];
    if (vr->cap - vr->count - in->rx_bufs <= c->vm->v->cfg->rx_refill)
        return;
    in->rx_bufs = vr->cap - vr->count;
    if (in->rx_wait_bufs) {
        in->rx_wait_bufs = 0;
        guest_kick(c, in->rx_worker, WORK_RX);
    }
}

/* Move what the guest qdisc of NIC n holds into its tx ring while there is
 * room. */
static uint32_t guest_qdisc_drain(struct vnic *n)
{
    struct pktq *gq = &n->q[VQ_GUEST_QDISC], *vt = &n->q[VQ_VIRTIO_TX];
    uint32_t k = gq->count < pktq_free(vt) ? gq->count : pktq_free(vt);
    pktq_copy(vt, gq, 0, k);
    pktq_release(gq, pktq_claim(gq, k));
    n->tx_stopped = gq->count > 0;
    return k;
}

static int64_t vcpu_step_begin(struct thread *t)
{
    struct vcpu *c = t->ctx;
    struct vm *m = c->vm;
    struct vnic *in = &m->nic[0], *out = m->out;
    struct rng_sum s = {0};
    if (c->ticks > 0) { /* the timer interrupt and what it runs */
        thread_cost_add(t, &s, COST_GUEST_TICK, c->ticks);
        c->ticks = 0;
        c->halted = 0;
    }
    if (c->irq_pending) {
        c->irq_pending = 0;
        c->halted = 0;
        thread_cost_add(t, &s, COST_GUEST_IRQ, 1);
        if (!m->napi_owner)
            m->napi_owner = c;
        if (guest_qdisc_drain(out) && out->tx_notify) {
            out->tx_notify = 0;
            guest_kick(c, out->tx_worker, WORK_TX);
        }
    }
    if (m->napi_owner == c) {
        if (c->poll_left <= 0) {
            c->poll_left = m->v->cfg->guest_budget;
            thread_cost_add(t, &s, COST_GUEST_POLL, 1);
        }
        /* While vhost-net listens for tx, every packet sent kicks it: the
         * guest forwards one packet and notifies before the next. */
        uint32_t want = out->tx_notify ? 1 : (uint32_t)c->poll_left;
        uint32_t k = pktq_claim(&in->q[VQ_VIRTIO_RX], want);
        if (k > 0) {
            c->halted = 0;
            c->k = k;
            c->poll_left -= (int)k;
            if (m->cfg->role == VSR_LB) {
                thread_cost_add(t, &s, COST_CLICK_PKT, k);
            } else {
                thread_cost_add(t, &s, COST_GUEST_FWD_PKT, k);
                route_cost(m->v, m->miss_frac, &m->miss_acc, t, &s,
                           COST_GUEST_ROUTE_MISS, k);
            }
            if (m->nvcpu > 1)
                thread_cost_add(t, &s, COST_GUEST_SMP_PKT, k);
            return thread_cost_draw(t, &s);
        }
        c->poll_left = 0;
        guest_refill(c, in);
        m->napi_owner = NULL; /* napi_complete: interrupts back on */
        m->guest_irq_on = 1;
        if (pktq_unclaimed(&in->q[VQ_VIRTIO_RX]) > 0)
            guest_signal(m, t);
    }
    int64_t cost = thread_cost_draw(t, &s);
    if (cost > 0)
        return cost;
    if (!c->halted) {
        c->halted = 1;
        thread_add_overhead(t, COST_GUEST_HALT, 1);
    }
    return THREAD_IDLE;
}

static void vcpu_step_end(struct thread *t)
{
    struct vcpu *c = t->ctx;
    struct vm *m = c->vm;
    struct vnic *in = &m->nic[0], *out = m->out;
    struct pktq *vr = &in->q[VQ_VIRTIO_RX], *vt = &out->q[VQ_VIRTIO_TX];
    struct pktq *gq = &out->q[VQ_GUEST_QDISC];
    uint32_t sent = guest_qdisc_drain(out); /* qdisc_run before new xmits */
    /* Into the ring while it has room and the qdisc is empty, then into
     * the qdisc (which drops when full). */
    uint32_t direct = 0;
    if (gq->count == 0)
        direct = c->k < pktq_free(vt) ? c->k : pktq_free(vt);
    pktq_copy(vt, vr, 0, direct);
    pktq_copy(gq, vr, direct, c->k - direct);
    sent += direct;
    pktq_release(vr, c->k);
    uint32_t took = c->k;
    c->k = 0;
    out->tx_stopped = gq->count > 0;
    if (took && c->poll_left == 0) /* the poll took its budget */
        guest_refill(c, in);
    if (sent && out->tx_notify) {
        out->tx_notify = 0;
        guest_kick(c, out->tx_worker, WORK_TX);
    }
}

static const struct thread_ops vcpu_ops = {vcpu_step_begin, vcpu_step_end};

/* A vCPU whose notifications are MMIO exits it handles itself, under
 * QEMU's global lock (vm.kick = "mmio"): a kick due takes the lock (or
 * waits for it, asleep), runs half its cost, tells QEMU's main loop (whose
 * wake-up may preempt it, to find the lock held), runs the other half and
 * lets the lock go. */
static int64_t vcpu_mmio_step_begin(struct thread *t)
{
    struct vcpu *c = t->ctx;
    if (c->mmio == MMIO_OUT)
        return c->mmio_rest_ns;
    if (c->nkick == 0) {
        int64_t cost = vcpu_step_begin(t);
        /* A step that refilled the rx ring and owes nothing (a halt of
         * 0 ns) would sleep on the notification it queued: send it. */
        if (cost != THREAD_IDLE || c->nkick == 0)
            return cost;
    }
    if (!bql_take(c->vm, t))
        return THREAD_IDLE;
    int64_t cost = thread_cost(t, COST_GUEST_KICK, 1);
    c->mmio = MMIO_IN;
    c->mmio_rest_ns = cost - cost / 2;
    return cost / 2;
}

static void vcpu_mmio_step_end(struct thread *t)
{
    struct vcpu *c = t->ctx;
    switch (c->mmio) {
    case MMIO_IN:
        c->mmio = MMIO_OUT;
        vhost_queue(c->kick[0].h, c->kick[0].w, t->core);
        c->kick[0] = c->kick[1];
        c->nkick--;
        return;
    case MMIO_OUT:
        c->mmio = MMIO_NONE;
        bql_give(c->vm, t);
        return;
    case MMIO_NONE:
        vcpu_step_end(t);
        return;
    }
}

static const struct thread_ops vcpu_mmio_ops = {vcpu_mmio_step_begin,
                                                vcpu_mmio_step_end};

/* ---- Set-up and run ------------------------------------------------ */

double vsr_line_rate_pps(const struct vsr_config *cfg)
{
    /* Preamble + start delimiter (8) and inter-frame gap (12) per frame. */
    return cfg->link_gbps * 1e9 / (8.0 * (cfg->frame_bytes + 20));
}

/* Threads of the VMs that run: none when the host routes natively. */
static int vm_threads(const struct vsr_config *cfg)
{
    return cfg->native ? 0 : cfg->nthreads;
}

/* Virtual NICs of a VM: a load balancer has one in and one out. */
static int vm_nics(const struct vsr_vm_cfg *vm)
{
    return vm->role == VSR_LB ? 2 : 1;
}

/* Queues in layout order: the NIC's rx ring, each virtual NIC's queues
 * (named plainly with one VM, else "vm.queue" and "vm.nicN.queue" for a
 * second NIC), the NIC's tx side. */
void vsr_layout(const struct vsr_config *cfg, struct stats_layout *lay)
{
    int n = vm_threads(cfg);
    memset(lay, 0, sizeof *lay);
    lay->ncores = cfg->ncores;
    lay->nthreads = n + 1 + (cfg->softirq_max_ns > 0);
    for (int i = 0; i < n; i++)
        memcpy(lay->thread_name[i], cfg->thread[i].name, STATS_NAME_LEN);
    snprintf(lay->thread_name[n], STATS_NAME_LEN, "nic_irq");
    if (cfg->softirq_max_ns > 0)
        snprintf(lay->thread_name[n + 1], STATS_NAME_LEN, "ksoftirqd");
    int q = 0;
    snprintf(lay->queue_name[q++], STATS_NAME_LEN, "nic_rx");
    for (int m = 0; m < cfg->nvm; m++)
        for (int k = 0; k < vm_nics(&cfg->vm[m]); k++)
            for (int j = 0; j < VQ_N; j++) {
                char *dst = lay->queue_name[q++];
                if (cfg->nvm == 1 && k == 0)
                    snprintf(dst, STATS_NAME_LEN, "%s", vq_names[j]);
                else if (k == 0)
                    snprintf(dst, STATS_NAME_LEN, "%.20s.%s", cfg->vm[m].name,
                             vq_names[j]);
                else
                    snprintf(dst, STATS_NAME_LEN, "%.20s.nic%d.%s",
                             cfg->vm[m].name, k, vq_names[j]);
            }
    snprintf(lay->queue_name[q++], STATS_NAME_LEN, "nic_tx");
    lay->nqueues = q;
}

/* Every queue, in layout order. */
static int all_queues(struct vsr *v, struct pktq **qs)
{
    int q = 0;
    qs[q++] = &v->hq[HQ_NIC_RX];
    for (int m = 0; m < v->nvm; m++)
        for (int k = 0; k < v->vm[m].nnic; k++)
            for (int j = 0; j < VQ_N; j++)
                qs[q++] = &v->vm[m].nic[k].q[j];
    qs[q++] = &v->hq[HQ_NIC_TX];
    return q;
}

static void setup_thread(struct vsr *v, struct thread *t,
                         const struct vsr_thread_cfg *tc, int idx,
                         uint64_t seed)
{
    t->cls = tc->cls;
    t->prio = tc->prio;
    t->weight = tc->weight > 0 ? tc->weight : 1024;
    t->own_weight = t->weight;
    assert(tc->cgroup >= -1 && tc->cgroup < v->cfg->ncgroups);
    t->group = tc->cgroup;
    t->dl_runtime_ns = tc->dl_runtime_ns;
    t->dl_period_ns = tc->dl_period_ns;
    t->allowed = tc->cpus & v->cfg->online;
    if (tc->move_every_ns > 0) { /* pinned to the first, moved in turn */
        t->move_cpus = t->allowed;
        t->move_every_ns = tc->move_every_ns;
        t->allowed &= -t->allowed;
    }
    t->rng = rng_alloc(rng_derive(seed, 1, (uint64_t)idx, 0));
    machine_add_thread(&v->m, t);
}

/* Packets that miss a route cache when `flows` flows take turns through
 * it: none while they fit, else the share the cache cannot hold. */
static double miss_fraction(const struct vsr_config *cfg, double flows)
{
    return flows > cfg->route_cache ? 1.0 - cfg->route_cache / flows : 0.0;
}

/* The VMs, their virtual NICs and queues, and who receives from whom. */
static void setup_vms(struct vsr *v)
{
    const struct vsr_config *cfg = v->cfg;
    int nlb = 0;
    for (int i = 0; i < cfg->nvm; i++)
        nlb += cfg->vm[i].role == VSR_LB;
    v->nvm = cfg->nvm;
    for (int i = 0; i < cfg->nvm; i++) {
        struct vm *m = &v->vm[i];
        m->v = v;
        m->cfg = &cfg->vm[i];
        m->nnic = vm_nics(m->cfg);
        m->out = &m->nic[m->nnic - 1];
        m->guest_irq_on = 1;
        const uint32_t qsize[VQ_N] = {cfg->q.macvtap, cfg->q.virtio_rx,
                                      cfg->q.virtio_tx, cfg->q.guest_qdisc};
        for (int k = 0; k < m->nnic; k++) {
            struct vnic *n = &m->nic[k];
            n->vm = m;
            n->tx_notify = 1;
            for (int j = 0; j < VQ_N; j++)
                pktq_init(&n->q[j], qsize[j]);
            n->rx_bufs = cfg->q.virtio_rx; /* the driver fills the ring */
        }
        if (m->cfg->role == VSR_ROUTER)
            v->router[v->nrouter++] = m;
        if (m->cfg->role == (nlb ? VSR_LB : VSR_ROUTER))
            v->entry[v->nentry++] = m;
    }
    /* A router sees its share of the flows when they are hashed to it. */
    double flows = (double)cfg->flows;
    if (cfg->spread == VSR_SPREAD_HASH)
        flows /= v->nrouter;
    for (int i = 0; i < v->nrouter; i++)
        v->router[i]->miss_frac = miss_fraction(cfg, flows);
}

/* The scenario's threads, each in its VM, on its virtual NIC. */
static void setup_vm_threads(struct vsr *v, const struct costmodel *cm,
                             uint64_t seed)
{
    const struct vsr_config *cfg = v->cfg;
    /* QEMU's threads owe a switch in only where it costs something: the
     * paper's model leaves the cores' switching alone. After a sleep they
     * owe qemu_switch; after a preemption qemu_resume, or qemu_switch
     * where the model has no qemu_resume. */
    const int after_sleep =
        cm->c[COST_QEMU_SWITCH].mean_ns > 0 ? COST_QEMU_SWITCH : -1;
    const int after_preemption =
        !cm->c[COST_QEMU_RESUME].present          ? after_sleep
        : cm->c[COST_QEMU_RESUME].mean_ns > 0 ? COST_QEMU_RESUME
                                              : -1;
    const int qemu_switch[2] = {after_sleep, after_preemption};
    for (int i = 0; i < vm_threads(cfg); i++) {
        const struct vsr_thread_cfg *tc = &cfg->thread[i];
        struct vm *m = &v->vm[tc->vm];
        struct thread *t;
        if (tc->kind == VSR_GEN) {
            v->gen = &v->gen_thread;
            thread_init(v->gen, &v->m, i, tc->name, &gen_ops, v, CPU_SYS);
            t = v->gen;
        } else if (tc->kind == VSR_VCPU) {
            struct vcpu *c = &v->vc[v->nvcpu++];
            c->vm = m;
            m->vc[m->nvcpu++] = c;
            thread_init(&c->t, &v->m, i, tc->name,
                        cfg->kick_mmio ? &vcpu_mmio_ops : &vcpu_ops, c,
                        CPU_GUEST);
            memcpy(c->t.switch_in_cost, qemu_switch, sizeof qemu_switch);
            t = &c->t;
        } else {
            struct vhost *h = &v->vh[v->nvhost++];
            h->v = v;
            h->n = &m->nic[tc->nic];
            h->cur = -1;
            h->user = tc->kind == VSR_IO;
            if (tc->kind != VSR_VHOST_TX)
                h->n->rx_worker = h;
            if (tc->kind != VSR_VHOST_RX)
                h->n->tx_worker = h;
            thread_init(&h->t, &v->m, i, tc->name,
                        h->user && cfg->kick_mmio ? &io_ops : &vhost_ops, h,
                        CPU_SYS);
            if (h->user)
                memcpy(h->t.switch_in_cost, qemu_switch, sizeof qemu_switch);
            t = &h->t;
        }
        setup_thread(v, t, tc, i, seed);
    }
    for (int i = 0; i < v->nvm && !cfg->native; i++)
        for (int k = 0; k < v->vm[i].nnic; k++)
            assert(v->vm[i].nvcpu >= 1 && v->vm[i].nic[k].rx_worker &&
                   v->vm[i].nic[k].tx_worker);
}

/* What a trace sees of the queues: their occupancy now, the NIC's rx ring
 * with the arrivals not yet moved into it. Changes nothing. */
static void probe_queues(void *arg, uint32_t *count)
{
    struct vsr *v = arg;
    struct pktq *qs[STATS_MAX_QUEUES];
    int nq = all_queues(v, qs);
    for (int i = 0; i < nq; i++)
        count[i] = qs[i]->count;
    uint64_t n = v->gen ? 0 : arrivals_by(v, des_now(v->des));
    if (n > v->arrived) {
        uint64_t room = pktq_free(qs[0]);
        count[0] += (uint32_t)(n - v->arrived < room ? n - v->arrived : room);
    }
}

/* ---- Background ---------------------------------------------------- */

/* Periodic work that is not about packets: the guest's timer tick on each
 * vCPU and QEMU's timer passes in an io thread. Each is left out when its
 * cost is 0, so models without it schedule no events for it. */

static void vcpu_tick(void *arg)
{
    struct vcpu *c = arg;
    struct vsr *v = c->vm->v;
    c->ticks++;
    thread_wake(&c->t, NULL);
    des_at(v->des, des_now(v->des) + 1000000000 / v->cfg->guest_hz,
           vcpu_tick, c);
}

static void io_tick(void *arg)
{
    struct vhost *h = arg;
    h->ticks++;
    thread_wake(&h->t, NULL);
    des_at(h->v->des, des_now(h->v->des) + 1000000000 / h->v->cfg->qemu_timer_hz,
           io_tick, h);
}

static void start_ticks(struct vsr *v, const struct costmodel *cm)
{
    if (cm->c[COST_GUEST_TICK].mean_ns > 0)
        for (int i = 0; i < v->nvcpu; i++) /* spread over the period */
            des_at(v->des, 1000000000LL * (i + 1) / v->cfg->guest_hz /
                               (v->nvcpu + 1),
                   vcpu_tick, &v->vc[i]);
    if (cm->c[COST_QEMU_TICK].mean_ns > 0)
        for (int i = 0; i < v->nvhost; i++)
            if (v->vh[i].user)
                des_at(v->des, 1000000000LL / v->cfg->qemu_timer_hz / 2,
                       io_tick, &v->vh[i]);
}

static void window_start(void *arg)
{
    struct vsr *v = arg;
    struct pktq *qs[STATS_MAX_QUEUES];
    machine_account(&v->m, 1);
    for (int i = all_queues(v, qs); i-- > 0;)
        qs[i]->drops = 0;
    v->gen_sent_w0 = v->gen_sent;
}

void vsr_run(const struct vsr_config *cfg, const struct costmodel *cm,
             double offered_kpps, uint64_t seed, int64_t warmup_ns,
             int64_t measured_ns, struct run_result *out)
{
    vsr_run_traced(cfg, cm, offered_kpps, seed, warmup_ns, measured_ns, out,
                   NULL);
}

void vsr_run_traced(const struct vsr_config *cfg, const struct costmodel *cm,
                    double offered_kpps, uint64_t seed, int64_t warmup_ns,
                    int64_t measured_ns, struct run_result *out,
                    struct trace *tr)
{
    struct vsr *v = xcalloc(1, sizeof *v);
    v->cfg = cfg;
    v->des = des_alloc();
    v->res = out;
    stats_clear(out);
    machine_init(&v->m, v->des, cm, &cfg->hp, cfg->ncores, seed);
    for (int i = 0; i < cfg->ncores; i++)
        v->m.core[i].online = (cfg->online >> i) & 1;
    v->m.ngroups = cfg->ncgroups;
    for (int i = 0; i < cfg->ncgroups; i++)
        v->m.group[i] = cfg->cgroup[i].g;
    pktq_init(&v->hq[HQ_NIC_RX], cfg->q.nic_rx);
    pktq_init(&v->hq[HQ_NIC_TX], cfg->q.nic_tx);

    double line = vsr_line_rate_pps(cfg);
    double pps = offered_kpps * 1e3 < line ? offered_kpps * 1e3 : line;
    v->rate_pps = (int64_t)(pps + 0.5);
    if (v->rate_pps > 0) {
        v->gap_q = 1000000000 / v->rate_pps;
        v->gap_r = 1000000000 % v->rate_pps;
        v->t_max = UINT64_MAX / (uint64_t)v->rate_pps;
    }
    v->frame_ns = (int64_t)(1e9 / line + 0.5);
    v->w0 = warmup_ns;
    v->w1 = warmup_ns + measured_ns;
    v->nic_irq_on = 1;
    v->nic_last_irq_ns = -cfg->irq_coalesce_ns;
    v->miss_frac = miss_fraction(cfg, (double)cfg->flows);
    v->fib_levels = 1;
    for (uint32_t r = cfg->routes; r >= 32; r >>= 5)
        v->fib_levels++; /* about 5 bits of the prefix per level */

    /* Threads: the scenario's, then the NIC's interrupt context. */
    setup_vms(v);
    setup_vm_threads(v, cm, seed);
    thread_init(&v->nic, &v->m, vm_threads(cfg), "nic_irq", &nic_ops, v,
                CPU_IRQ);
    /* Interrupts and kernel threads are in no control group. */
    struct vsr_thread_cfg irq = {.cls = &sched_irq_class,
                                 .cpus = 1ULL << cfg->irq_core,
                                 .cgroup = -1};
    setup_thread(v, &v->nic, &irq, vm_threads(cfg), seed);
    if (cfg->softirq_max_ns > 0) {
        thread_init(&v->ksoftirqd, &v->m, vm_threads(cfg) + 1, "ksoftirqd",
                    &nic_ops, v, CPU_IRQ);
        struct vsr_thread_cfg ks = {.cls = sched_find("cfs"),
                                    .cpus = 1ULL << cfg->irq_core,
                                    .cgroup = -1};
        setup_thread(v, &v->ksoftirqd, &ks, vm_threads(cfg) + 1, seed);
    }

    if (tr) {
        struct stats_layout lay;
        struct pktq *qs[STATS_MAX_QUEUES];
        uint32_t cap[STATS_MAX_QUEUES];
        vsr_layout(cfg, &lay);
        for (int i = all_queues(v, qs); i-- > 0;)
            cap[i] = qs[i]->cap;
        trace_attach(tr, &v->m, &lay, cap, probe_queues, v);
    }
    machine_start(&v->m);
    nic_arm(v);
    start_ticks(v, cm);
    if (v->gen && v->rate_pps > 0)
        v->gen_ev = des_at(v->des,
                           cfg->gen_burst_ns > 0 ? 0 : arrival_ns(v, 0),
                           gen_on_timer, v);
    des_at(v->des, v->w0, window_start, v);
    des_run(v->des, v->w1);
    machine_account(&v->m, 0);
    if (tr)
        trace_detach(tr);

    /* Collect. */
    out->measured_ns = measured_ns;
    if (v->gen && cfg->gen_burst_ns > 0) /* what the generator sent */
        out->offered_pkts = v->gen_sent - v->gen_sent_w0;
    else
        out->offered_pkts =
            arrivals_by(v, v->w1 - 1) - arrivals_by(v, v->w0 - 1);
    out->events = des_events(v->des);
    for (int i = 0; i < cfg->ncores; i++)
        memcpy(out->core_ns[i], v->m.core[i].acct_ns, sizeof out->core_ns[i]);
    for (int i = 0; i < v->m.nthreads; i++) {
        out->thread_ns[i] = v->m.thread[i]->busy_ns;
        out->thread_migrations[i] = v->m.thread[i]->migrations;
        out->thread_slices[i] = v->m.thread[i]->slices;
        out->thread_preempted[i] = v->m.thread[i]->preempted;
    }
    struct pktq *qs[STATS_MAX_QUEUES];
    int nq = all_queues(v, qs);
    for (int i = 0; i < nq; i++)
        out->drops[i] = qs[i]->drops;

    machine_clear(&v->m);
    for (int i = 0; i < nq; i++)
        pktq_clear(qs[i]);
    des_free(v->des);
    free(v);
}
