/*
 * gen.h - the traffic generator of a measurement: pktgen where the kernel
 * has it (/proc/net/pktgen in the generator's namespace) and the plan
 * measures no generator thread, trafgen otherwise, sending 64-byte frames
 * out of the generator's device at a given rate, on the generator's CPUs.
 *
 * Generators run as child processes started with execve() and fixed
 * argument vectors (no shell), each in its own process group so that one
 * signal stops all of its forks.
 */
#ifndef VSRCAL_GEN_H
#define VSRCAL_GEN_H

#include <stddef.h>
#include <stdint.h>

#include "scenario.h"

struct gen;

/* Which tool `m` will use: "pktgen" or "trafgen"; NULL with the reason in
 * `why` when neither can run. `gen_thread`: a curve measured has a
 * thread of kind "generator", which pktgen cannot be (its packets are
 * sent by kernel thread kpktgend_N, not by a process vsrcal binds and
 * measures): then "pktgen" is refused and "auto" sends with trafgen.
 * `note` receives a line when "auto" did not take pktgen (may be NULL). */
const char *gen_tool(const struct scenario_measure *m, int gen_thread,
                     char *note, size_t notelen, char *why, size_t whylen);

/* Make the generator's process, with the tool gen_tool(m, gen_thread)
 * chooses, to send at `kpps` on `cpus` (0:
 * anywhere) with scheduling `sched` (NULL: inherited), each second's
 * packets back to back from its start (trafgen -b) or, `even`, one every
 * 1 / kpps ms (trafgen -t; a nanosleep() each, so it sends somewhat
 * less); it sends once
 * gen_go() lets it, so that the caller can first record it (its process
 * group, gen_pid()) where a later vsrcal will find it: a vsrcal killed
 * in between leaves no generator running. */
struct thread_sched;
int gen_start(struct gen **out, const struct scenario_measure *m,
              int gen_thread, double kpps, int even, uint64_t cpus,
              const struct thread_sched *sched, char *err, size_t errlen);

/* Let the generator start sending. Returns -1 if it has gone. */
int gen_go(struct gen *g);

/* The generator's process group (its first process). */
int gen_pid(const struct gen *g);

/* The thread ids of the generator's processes (the one started and its
 * forks) now; at most max. Returns the count. */
int gen_tasks(const struct gen *g, int *tids, int max);

/* Stop and reap the generator, and take pktgen's device off its kernel
 * thread again. Returns 0 when it ran until stopped, -1 when it had
 * failed (err holds its last words) or pktgen's device stays. */
int gen_stop(struct gen *g, char *err, size_t errlen);

/* Stop every generator still running (from a signal's clean-up path). */
void gen_stop_all(void);

#endif
