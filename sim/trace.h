/*
 * trace.h - what the cores ran and how full the queues were, over a window
 * of one run.
 *
 * A trace watches a run through the machine's observer hooks (core.h) and
 * never changes it. Inside its window it sums each core's time per thread
 * and class, and, when asked to record, keeps the timeline: spans (a core
 * ran a thread from start to end; on one core they never overlap and come
 * in time order), notes (preemptions, throttling) and queue samples.
 */
#ifndef VSRSIM_TRACE_H
#define VSRSIM_TRACE_H

#include <stdint.h>
#include <stdio.h>

#include "core.h"
#include "costmodel.h"
#include "scenario.h"
#include "stats.h"

/* A core ran `thread` (index in the layout) over [start_ns, end_ns). */
struct trace_span {
    int64_t start_ns, end_ns;
    int core, thread;
};

/* At at_ns, `thread` was preempted on `core`, or was throttled (thread -1:
 * the core's fifo class) until until_ns. */
struct trace_note {
    int64_t at_ns, until_ns;
    int core, thread;
    enum core_note what;
};

/* Queue occupancy in packets, in layout order, now; called by a trace
 * after each decision of a core. Must only read. */
typedef void trace_probe_fn(void *ctx, uint32_t *count);

struct trace {
    /* Set by trace_init. */
    int64_t from_ns, to_ns; /* the window                               */
    int64_t stop_ns;        /* end the run here; INT64_MAX: at its end   */
    int record;             /* keep spans, notes and samples            */

    /* Set by trace_attach. */
    struct stats_layout lay;
    uint32_t qcap[STATS_MAX_QUEUES];
    uint64_t online; /* bit n: core n online */

    /* Sums inside the window. */
    int64_t ns[STATS_MAX_CORES][STATS_MAX_THREADS][CPU_NCLASS];
    int64_t rt_throttled_ns[STATS_MAX_CORES];   /* fifo class throttled */
    int64_t dl_throttled_ns[STATS_MAX_THREADS]; /* budget spent         */
    int64_t preemptions[STATS_MAX_THREADS];
    uint32_t qpeak[STATS_MAX_QUEUES];

    /* The timeline (record only), in the order things happened. */
    struct trace_span *span;
    int nspan, span_cap;
    struct trace_note *note;
    int nnote, note_cap;
    int64_t *sample_ns; /* queue samples: time, then lay.nqueues    */
    uint32_t *sample_q; /* counts each, from then to the next one   */
    int nsample, sample_cap;

    /* Private. */
    struct core_observer obs;
    struct machine *m;
    trace_probe_fn *probe;
    void *probe_ctx;
    uint32_t qnow[STATS_MAX_QUEUES];
    int started;                    /* the window has begun */
    int open_span[STATS_MAX_CORES]; /* span that may grow, or -1      */
    struct event *stop_ev;
};

/* ---- Set-up, for callers ------------------------------------------- */

/* Watch [from_ns, to_ns) of a run; with `record` keep the timeline too. */
void trace_init(struct trace *tr, int64_t from_ns, int64_t to_ns, int record);
void trace_clear(struct trace *tr);

/* Load the scenario at `path` with `nset` overrides into s, and its cost
 * model into cm. Returns 0, or SIM_EINPUT with one line in err (s is then
 * cleared). */
int trace_load(struct scenario *s, struct costmodel *cm, const char *path,
               const char *const *set, int nset, char *err, size_t errlen);

/* Index of the curve called `name` in s (NULL: the only curve), or -1 with
 * a one-line message naming the curves there are. */
int trace_find_curve(const struct scenario *s, const char *name, char *err,
                     size_t errlen);

/* Run rep `rep` of curve `curve` of s at `kpps`, as vsrsim run does (the
 * same seed when kpps is one of the scenario's rates, else a seed of its
 * own), watched by tr (NULL: not watched). */
void trace_run_point(struct trace *tr, const struct scenario *s,
                     const struct costmodel *cm, int curve, double kpps,
                     int rep, struct run_result *out);

/* ---- The hooks' side, for the model (vsr.c) ----------------------- */

/* Start watching machine m, whose names are `lay` and queue capacities
 * `qcap`; `probe` reads the queues. Schedules the end of the run at
 * stop_ns when that is set. */
void trace_attach(struct trace *tr, struct machine *m,
                  const struct stats_layout *lay, const uint32_t *qcap,
                  trace_probe_fn *probe, void *probe_ctx);

/* The run is over and its last time accounted: close the window and stop
 * watching. */
void trace_detach(struct trace *tr);

/* ---- Reading a trace ----------------------------------------------- */

/* Busy time of core c, of thread t (anywhere), inside the window. */
int64_t trace_core_busy_ns(const struct trace *tr, int c);
int64_t trace_thread_busy_ns(const struct trace *tr, int t);

/* Write the timeline as text blocks for plots/trace.gp (times in ms):
 * spans, notes of preemption, notes of throttling, queue samples. Returns
 * 0, or -1 on a write error. */
int trace_write_data(const struct trace *tr, FILE *f);

/* Print what the window holds: each core's time per thread, preemptions,
 * throttling, queue peaks. */
void trace_print_summary(const struct trace *tr, FILE *f);

/* Check the timeline: spans of a core in order and apart, no thread on
 * two cores at once, all inside the window. Returns 0, or -1 with what is
 * wrong in err (a message rather than an assert, for the tests). */
int trace_check(const struct trace *tr, char *err, size_t errlen);

/* A time such as "100ms", "250us", "1.5s", "800ns" (a bare number is in
 * ms) into *ns. Returns 0, or -1 for text that is not a time >= 0. */
int trace_parse_time(const char *s, int64_t *ns);

/* ---- The command ----------------------------------------------------- */

/* vsrsim trace SCENARIO.cfg --curve NAME --rate KPPS --from T --to T
 * [--out FILE.png|svg] [--data FILE] [--set KEY=VALUE]...; returns the
 * exit status. */
int cmd_trace(int argc, char **argv);

#endif
