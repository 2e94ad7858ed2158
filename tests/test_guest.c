/*
 * test_guest.c - the guest's side of the virtio rings in the router model
 * (sim/vsr.c), against a closed form.
 *
 * The model: one router VM at the line rate, its vCPU alone on core 1 and
 * its vhost-net worker on core 2. Every activity costs 1 ns (cv 0) but the
 * guest's forwarding, F = 1000 ns a packet, and its kicks, K = 4000 ns a
 * VM exit. The vCPU is the bottleneck and never empties its rx ring, so
 * its NAPI polls take 64 packets each and never complete. vhost-net keeps
 * up with anything: it drains the tx ring and listens again right after
 * each kick, so the guest kicks for tx once a poll, when the poll's
 * packets go out; on the rx side it fills every buffer the guest posts,
 * then waits for more. The guest gives buffers back at the end of a poll,
 * once more than vm.rx_refill of the ring's slots are spent, and kicks
 * then: with the default (half the ring, 128) after every third poll, B =
 * 192 packets; with rx_refill = 0 after every poll, B = 64. The vCPU then
 * forwards 1 / (F + K / 64 + K / B) packets a second, within what the
 * 1-ns activities add. Buffers given back as each packet is taken would
 * cost an rx kick every poll whatever rx_refill says: B = 64 for both.
 */
#define _POSIX_C_SOURCE 200809L

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "check.h"
#include "costmodel.h"
#include "err.h"
#include "fixture.h"
#include "scenario.h"
#include "store.h"
#include "sweep.h"
#include "vsr.h"

#define FWD_NS 1000.0
#define KICK_NS 4000.0

static char costs_db[512], scenario_cfg[512];
static struct scenario sc;
static struct costmodel cm;

static const char scenario_text[] =
    "name = \"guest\";\n"
    "costmodel = { db = \"%s\"; id = \"kicks\"; };\n"
    "sim = { seed = 1; reps = 1; warmup_ms = 20.0; duration_ms = 200.0; };\n"
    "traffic = { rates_kpps = [1488.0]; };\n"
    "host = { cores = 3; nic = { irq_core = 0; }; };\n"
    "threads = {\n"
    "  vcpu0 = { kind = \"vcpu\"; cpus = [1]; };\n"
    "  vhost = { kind = \"vhost\"; cpus = [2]; };\n"
    "};\n"
    "curves = (\n"
    "  { name = \"half the ring\"; },\n"
    "  { name = \"every poll\"; vm = { rx_refill = 0; }; }\n"
    ");\n";

/* The cost model: 1 ns for everything but forwarding and kicks. */
static int write_costs(void)
{
    struct cost_row rows[COST_N];
    for (int i = 0; i < COST_N; i++) {
        double ns = i == COST_GUEST_FWD_PKT ? FWD_NS
                    : i == COST_GUEST_KICK  ? KICK_NS
                                            : 1.0;
        rows[i] = (struct cost_row){costmodel_name(i),
                                    ns,
                                    0.0,
                                    -1.0,
                                    costmodel_unit(i),
                                    costmodel_charged_as(i),
                                    "test_guest.c"};
    }
    const struct cost_model_meta meta = {.id = "kicks",
                                         .description = "kicks and little "
                                                        "else",
                                         .source = "test_guest.c"};
    struct caldb *c;
    char err[512];
    if (caldb_open(&c, costs_db, err, sizeof err) != SIM_OK ||
        caldb_add_model(c, &meta, rows, COST_N, err, sizeof err) != SIM_OK ||
        caldb_commit(c, err, sizeof err) != SIM_OK) {
        fprintf(stderr, "%s\n", err);
        return -1;
    }
    return 0;
}

static int group_setup(void **state)
{
    char text[2048];
    (void)state;
    if (!fixture_dir("guest"))
        return -1;
    fixture_path(costs_db, sizeof costs_db, "costs.db");
    fixture_path(scenario_cfg, sizeof scenario_cfg, "guest.cfg");
    snprintf(text, sizeof text, scenario_text, costs_db);
    if (write_costs() || fixture_write(scenario_cfg, text))
        return -1;
    return fixture_load(scenario_cfg, NULL, 0, &sc, &cm);
}

static int group_teardown(void **state)
{
    (void)state;
    scenario_clear(&sc);
    fixture_remove();
    return 0;
}

/* Packets a second that curve `curve` forwards under cost model `m`. */
static double forwarded_pps_with(int curve, const struct costmodel *m)
{
    struct run_result r;
    vsr_run(&sc.curve[curve].cfg, m, sc.rates_kpps[0],
            sweep_run_seed(&sc, curve, 0, 0), sc.warmup_ns, sc.duration_ns, &r);
    return (double)r.forwarded_pkts / (double)r.measured_ns * 1e9;
}

static double forwarded_pps(int curve)
{
    return forwarded_pps_with(curve, &cm);
}

static void check_rate(int curve, double batch)
{
    double want = 1e9 / (FWD_NS + KICK_NS / 64 + KICK_NS / batch);
    double got = forwarded_pps(curve);
    print_message("# %s: %.0f packets/s, closed form %.0f (B = %.0f)\n",
                  sc.curve[curve].name, got, want, batch);
    assert_rel_near(got, want, 0.002);
}

static void test_refill_half_the_ring(void **state)
{
    (void)state;
    check_rate(0, 192);
}

static void test_refill_every_poll(void **state)
{
    (void)state;
    check_rate(1, 64);
}

/* Work that costs nothing (a fit may scale an activity to zero) is still
 * work: every packet goes through, at the line rate. A step that cost
 * 0 ns once read as "nothing to do", and the vCPU slept on packets it
 * had claimed, forwarding none after the first few. */
static void test_free_work_moves_packets(void **state)
{
    struct costmodel free_cm = cm;
    (void)state;
    for (int i = 0; i < COST_N; i++)
        free_cm.c[i].mean_ns = 0;
    for (int curve = 0; curve < sc.ncurves; curve++)
        assert_rel_near(forwarded_pps_with(curve, &free_cm),
                        sc.rates_kpps[0] * 1e3, 0.001);
}

/* QEMU's global lock (vm.kick = "mmio"): QEMU's main loop (FIFO 50) and
 * the vCPU (FIFO 40) share core 1, and packets come one at a time (10
 * kpps, each forwarded long before the next). With the kick an ioeventfd,
 * each packet switches each thread in twice: the main loop wakes to hand
 * the packet over and again on the kick to send it, the vCPU runs after
 * each. Handled by the vCPU under the lock, the main loop's wake-up on the
 * kick preempts a vCPU that holds the lock, sleeps on it, and is switched
 * in again once the vCPU lets it go: one more switch in a packet for each
 * thread (QEMU's timers add 0.1 to the main loop's at 10 kpps). */
static const char lock_text[] =
    "name = \"lock\";\n"
    "costmodel = { db = \"%s\"; id = \"kicks\"; };\n"
    "sim = { seed = 1; reps = 1; warmup_ms = 20.0; duration_ms = 200.0; };\n"
    "traffic = { rates_kpps = [10.0]; };\n"
    "host = { cores = 2; nic = { irq_core = 0; }; };\n"
    "threads = {\n"
    "  vcpu0 = { kind = \"vcpu\"; cpus = [1]; policy = \"fifo\"; "
    "priority = 40; };\n"
    "  io = { kind = \"io\"; cpus = [1]; policy = \"fifo\"; "
    "priority = 50; };\n"
    "};\n"
    "curves = (\n"
    "  { name = \"ioeventfd\"; },\n"
    "  { name = \"mmio\"; vm = { kick = \"mmio\"; }; }\n"
    ");\n";

static void test_kick_under_the_lock_switches_twice(void **state)
{
    char path[512], text[2048];
    struct scenario ls;
    struct costmodel lcm;
    double per_pkt[2][2]; /* [curve][vcpu0, io] */
    (void)state;
    fixture_path(path, sizeof path, "lock.cfg");
    snprintf(text, sizeof text, lock_text, costs_db);
    assert_int_equal(fixture_write(path, text), 0);
    assert_int_equal(fixture_load(path, NULL, 0, &ls, &lcm), 0);
    for (int curve = 0; curve < 2; curve++) {
        struct run_result r;
        vsr_run(&ls.curve[curve].cfg, &lcm, ls.rates_kpps[0],
                sweep_run_seed(&ls, curve, 0, 0), ls.warmup_ns,
                ls.duration_ns, &r);
        assert_rel_near((double)r.forwarded_pkts, (double)r.offered_pkts,
                        0.001);
        for (int i = 0; i < 2; i++)
            per_pkt[curve][i] =
                (double)r.thread_slices[i] / (double)r.forwarded_pkts;
        print_message("# kick by %s: switches in a packet: vcpu0 %.3f, "
                      "io %.3f\n",
                      ls.curve[curve].name, per_pkt[curve][0],
                      per_pkt[curve][1]);
    }
    assert_rel_near(per_pkt[0][0], 2.0, 0.02);
    for (int i = 0; i < 2; i++)
        assert_rel_near(per_pkt[1][i] - per_pkt[0][i], 1.0, 0.02);
    scenario_clear(&ls);
}

/* Which switches in follow a preemption, and what each kind costs. On
 * the lock scenario's mmio curve the main loop (FIFO 50) is switched in
 * only after sleeps, and the vCPU is preempted by it at least once a
 * packet. A QEMU thread owes qemu_switch at a switch in after a sleep and
 * qemu_resume after a preemption; a model without qemu_resume charges
 * qemu_switch for both, to the same bytes. Free of resumes, the vCPU
 * saves what they cost it and the main loop nothing. */
static void test_switch_in_priced_by_cause(void **state)
{
    enum { SWITCH_NS = 5000 };
    char path[512], text[2048];
    struct scenario ls;
    struct costmodel base, m[3];
    struct run_result r[3];
    (void)state;
    fixture_path(path, sizeof path, "lock.cfg");
    snprintf(text, sizeof text, lock_text, costs_db);
    assert_int_equal(fixture_write(path, text), 0);
    assert_int_equal(fixture_load(path, NULL, 0, &ls, &base), 0);
    base.c[COST_QEMU_SWITCH] = (struct cost){SWITCH_NS, 0, 1};
    for (int k = 0; k < 3; k++) {
        m[k] = base;
        /* absent; present at qemu_switch's cost; present and free */
        m[k].c[COST_QEMU_RESUME] =
            (struct cost){k == 1 ? SWITCH_NS : 0, 0, k > 0};
        vsr_run(&ls.curve[1].cfg, &m[k], ls.rates_kpps[0],
                sweep_run_seed(&ls, 1, 0, 0), ls.warmup_ns, ls.duration_ns,
                &r[k]);
    }
    assert_memory_equal(&r[0], &r[1], sizeof r[0]);
    const struct run_result *a = &r[0], *b = &r[2];
    double pkts = (double)a->forwarded_pkts;
    print_message("# switches in a packet: vcpu0 %.3f (%.3f after a "
                  "preemption), io %.3f (%.3f)\n",
                  (double)a->thread_slices[0] / pkts,
                  (double)a->thread_preempted[0] / pkts,
                  (double)a->thread_slices[1] / pkts,
                  (double)a->thread_preempted[1] / pkts);
    assert_true(a->thread_preempted[0] >= (int64_t)a->forwarded_pkts);
    assert_true(a->thread_preempted[0] <= a->thread_slices[0]);
    assert_int_equal(a->thread_preempted[1], 0);
    assert_int_equal(b->thread_slices[0], a->thread_slices[0]);
    assert_int_equal(b->thread_preempted[0], a->thread_preempted[0]);
    assert_rel_near((double)(a->thread_ns[0] - b->thread_ns[0]),
                    (double)SWITCH_NS * (double)a->thread_preempted[0], 0.01);
    assert_rel_near((double)a->thread_ns[1], (double)b->thread_ns[1], 0.001);
    scenario_clear(&ls);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_refill_half_the_ring),
        cmocka_unit_test(test_refill_every_poll),
        cmocka_unit_test(test_free_work_moves_packets),
        cmocka_unit_test(test_kick_under_the_lock_switches_twice),
        cmocka_unit_test(test_switch_in_priced_by_cause),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
