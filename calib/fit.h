/*
 * fit.h - `vsrcal fit`: per-packet costs from a measured run, into a cost
 * model.
 *
 * For each thread of the plan, the CPU time it used per second (schedstat)
 * is fitted against the packets forwarded per second, over the
 * repetitions at the rates below saturation, by weighted least squares
 * (GSL's gsl_fit_wlinear, each repetition weighted by the inverse variance
 * of its rate's repetitions): the slope is the thread's cost per packet,
 * the intercept its background load. A rate is saturated when less than
 * 95% of what was offered came out, or when a thread of the plan was busy
 * more than 85% of the time on average over the repetitions (near
 * saturation, queues batch the work and the cost per packet falls).
 *
 * A local generator's one activity, gen_pkt, is its fitted cost per
 * sendto() attempt (the simulated generator, like trafgen, tries again on
 * a full TAP). The activities of the cost model that run in a vCPU
 * (guest_*, click_pkt) or in QEMU's I/O thread or vhost-net (vhost_*,
 * qemu_pkt, tap_syscall) cannot be told apart by measuring threads, so
 * the base model's activities of each are scaled by one factor, found by
 * simulating the plan's curve (over the plan's window) with the model
 * until the simulated cost per forwarded packet of those threads equals
 * the measured one at the highest rate: the costs decide where a curve
 * bends, and per-packet costs change with the load as work is batched,
 * so they are taken where the load is highest. Every other activity keeps
 * the base model's value, and each row's derivation says which
 * happened.
 *
 * With --moves CURVE, the cost of a move between cores (`migration`: the
 * caches a thread finds cold on its new core) is fitted too, from a curve
 * of the plan measured in the same run whose thread vsrcal pinned in turn
 * to each of its cores (threads.NAME.move_every_ms). At every rate below
 * saturation in both curves, the moved threads' CPU time per second
 * beyond what they took in the fitted curve, less the part the model
 * explains with moves free (simulating both curves with the fitted costs
 * and a move costing nothing: the moved thread shares other cores too),
 * is divided by the moves the kernel counted there (a thread asleep
 * through a move and back has not moved; the simulated moves where the
 * kernel counts none); the cost is that excess over all those rates, per
 * move, with a 99% interval from its spread over the rates. A thread's time per packet moves little with
 * its core, its time per move much with the host (a TCG vCPU's working
 * set is the translated code and the guest's memory), which is why it is
 * measured and not taken from the base model.
 *
 * With --switches CURVE, what switching a QEMU thread (vCPU or I/O
 * thread) in costs (under TCG microseconds, its loop re-entered and its
 * caches refilled) is fitted from a curve of the plan measured with its
 * packets evenly paced (traffic.pacing = "even"), where every packet
 * switches the threads in several times: at each rate it forwards what
 * its generator sent, each QEMU thread's CPU time per second beyond what
 * the model gives it with switches free (simulated at the rate sent).
 * Where the kernel counted each thread's switches out asleep and
 * preempted, a switch in after a sleep (`qemu_switch`) and after a
 * preemption (`qemu_resume`) are priced apart by least squares over the
 * threads and rates; else that excess over the switches in counted
 * prices both. The per-packet costs are then fitted again with those
 * costs charged, and the two fits repeated once.
 */
#ifndef VSRCAL_FIT_H
#define VSRCAL_FIT_H

struct fit_opts {
    const char *plan;
    const char *db;        /* measured run in, cost model out         */
    const char *out;       /* where to write the model (default db)   */
    const char *curve;     /* the curve measured (default the first)  */
    const char *id;        /* id of the new cost model                */
    double check_kpps;     /* > 0: leave this rate out of the fit and
                              compare each thread's fitted CPU time per
                              packet there (slope plus background per
                              packet) with utime + stime from its /proc
                              stat, a source the fit does not use      */
    double check_tol;      /* relative tolerance of the check (0.2)   */
    const char *moves;     /* a curve that moves a thread: fit the
                              cost of a move from it (NULL: keep the
                              base model's)                            */
    const char *switches;  /* a curve with evenly paced packets: fit
                              what a QEMU thread's switch in costs
                              (NULL: keep the base model's)            */
};

/* Returns the exit status: 0, 1 (check failed or I/O) or 2 (bad input or
 * a fit the data cannot support). */
int fit_main(const struct fit_opts *o);

#endif
