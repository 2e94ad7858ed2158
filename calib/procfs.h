/*
 * procfs.h - parsers for the /proc and /sys files that vsrcal reads.
 *
 * Every reader takes `root`, the folder standing for "/" ("/" on a live
 * host, a fixture folder such as tests/fixtures/proc/host-a in the tests), and
 * every parser of a file's text is a separate function that takes the
 * text, so both are testable without a live host. Nothing here changes
 * the host.
 *
 * All functions return 0 on success and -1 on failure, with one line in
 * `err` (the file read and what was wrong) when `err` is not NULL.
 */
#ifndef VSRCAL_PROCFS_H
#define VSRCAL_PROCFS_H

#include <stddef.h>
#include <stdint.h>

#define PROCFS_MAX_CPUS 64
#define PROCFS_COMM_LEN 64

/* /proc/PID/task/TID/stat (proc_pid_stat(5)). comm may hold spaces and
 * parentheses: it runs from the first '(' to the LAST ')'; a longer name
 * than PROCFS_COMM_LEN-1 bytes is cut. At least 43 fields are required. */
struct task_stat {
    int tid;
    char comm[PROCFS_COMM_LEN];
    char state;
    int ppid;
    int pgrp;                /* process group, field 5                  */
    uint64_t utime, stime;   /* clock ticks (USER_HZ), fields 14, 15    */
    uint64_t starttime;      /* ticks after boot, field 22: identity    */
    int processor;           /* last CPU it ran on, field 39            */
    unsigned rt_priority;    /* field 40                                */
    unsigned policy;         /* field 41                                */
    uint64_t guest_time;     /* ticks, field 43                         */
};

int procfs_parse_task_stat(const char *text, struct task_stat *out,
                           char *err, size_t errlen);
int procfs_task_stat(const char *root, int pid, int tid,
                     struct task_stat *out, char *err, size_t errlen);

/* /proc/PID/task/TID/schedstat: time on the CPU (ns), time waiting on a
 * run queue (ns), and number of time slices run. */
struct task_schedstat {
    uint64_t run_ns, wait_ns, slices;
};

int procfs_parse_schedstat(const char *text, struct task_schedstat *out,
                           char *err, size_t errlen);
int procfs_task_schedstat(const char *root, int pid, int tid,
                          struct task_schedstat *out, char *err,
                          size_t errlen);

/* /proc/PID/task/TID/sched: the times the thread moved from one CPU to
 * another (se.nr_migrations) and was switched out asleep
 * (nr_voluntary_switches) or still runnable, preempted
 * (nr_involuntary_switches). The file is there only on kernels built with
 * CONFIG_SCHED_DEBUG (Debian's are). */
struct task_sched {
    uint64_t migrations, voluntary, involuntary;
};

int procfs_parse_sched(const char *text, struct task_sched *out, char *err,
                       size_t errlen);
int procfs_task_sched(const char *root, int pid, int tid,
                      struct task_sched *out, char *err, size_t errlen);

/* Tgid: line of /proc/TID/status (the process a thread belongs to). */
int procfs_parse_status_tgid(const char *text, int *tgid, char *err,
                             size_t errlen);
int procfs_tgid(const char *root, int tid, int *tgid, char *err,
                size_t errlen);

/* Thread ids in /proc/PID/task, ascending; at most `max` (the smallest).
 * Returns the count, or -1. */
int procfs_list_tasks(const char *root, int pid, int *tids, int max,
                      char *err, size_t errlen);

/* Process ids in /proc (numeric directories; symlinks are skipped),
 * ascending; at most `max` (the smallest). Returns the count, or -1. */
int procfs_list_pids(const char *root, int *pids, int max, char *err,
                     size_t errlen);

/* /proc/PID/cmdline: NUL-separated arguments joined with single spaces
 * (a trailing NUL dropped). A command line that does not fit in `len` is
 * an error, not cut. */
int procfs_cmdline(const char *root, int pid, char *buf, size_t len,
                   char *err, size_t errlen);

/* Per-CPU lines "cpuN ..." of /proc/stat, in ticks. Lines for offline
 * CPUs are absent; `cpu` says which CPU each entry is. */
struct cpu_times {
    int cpu;
    uint64_t user, nice, system, idle, iowait, irq, softirq, steal, guest,
        guest_nice;
};

/* Returns the number of per-CPU lines filled (at most max), or -1. */
int procfs_parse_cpu_times(const char *text, struct cpu_times *out, int max,
                           char *err, size_t errlen);
int procfs_cpu_times(const char *root, struct cpu_times *out, int max,
                     char *err, size_t errlen);

/* One row of /proc/softirqs ("NET_RX", "NET_TX", ...): per_cpu[n] is the
 * count of the column headed "CPUn" (0 for CPUs the header lacks); max is
 * the size of per_cpu, and a CPU at or beyond it (or beyond
 * PROCFS_MAX_CPUS) is an error. Returns the highest CPU + 1, or -1. */
int procfs_parse_softirqs(const char *text, const char *vector,
                          uint64_t *per_cpu, int max, char *err,
                          size_t errlen);

/* Interrupt lines of /proc/interrupts whose action names (the text after
 * the chip and type columns) contain `device` as a whole word or as the
 * prefix of a word followed by '-' (e.g. "eth0" matches "eth0-rx-0" and
 * "eth0", not "eth01"); words end at blanks and commas. Only numbered IRQs
 * are returned. The header lists online CPUs only, so count[] is indexed
 * by CPU number, not column: count[n] is the column headed "CPUn", 0 for
 * an offline CPU. A CPU number of PROCFS_MAX_CPUS or more is an error. */
struct irq_line {
    int irq;
    char actions[128];               /* cut to 127 bytes when longer  */
    uint64_t count[PROCFS_MAX_CPUS];
    int ncpus;                       /* highest CPU in the header + 1 */
};

/* Returns the number of matching IRQs (at most max), or -1. */
int procfs_parse_interrupts(const char *text, const char *device,
                            struct irq_line *out, int max, char *err,
                            size_t errlen);

/* CPU lists as in /proc/irq/N/smp_affinity_list and cpusets: "0-3,5".
 * Masks have bit n for CPU n (CPUs 0..63). An empty list is mask 0;
 * blanks and a newline around the list are allowed. Formatting needs at
 * most 91 bytes; a shorter buffer gets the items that fit, cut between
 * items. */
int procfs_parse_cpulist(const char *text, uint64_t *mask, char *err,
                         size_t errlen);
void procfs_format_cpulist(uint64_t mask, char *buf, size_t len);

/* /proc/irq/N/smp_affinity_list as a mask. */
int procfs_irq_affinity(const char *root, int irq, uint64_t *mask,
                        char *err, size_t errlen);

/* /sys/devices/system/cpu/online as a mask; a list that does not parse,
 * has a CPU above 63 or is empty is an error. */
int procfs_online_cpus(const char *root, uint64_t *mask, char *err,
                       size_t errlen);

/* How many CPUs the kernel can ever have: the highest CPU of
 * /sys/devices/system/cpu/possible plus one, however high (a mask holds
 * CPUs 0..63 only). Returns it, or -1. */
int procfs_possible_cpus(const char *root, char *err, size_t errlen);

/* Counters of one device from /proc/net/dev text (the namespace of the
 * reader): the 8 receive and 8 transmit columns. */
struct netdev_counters {
    uint64_t rx_bytes, rx_packets, rx_errs, rx_drop, rx_fifo, rx_frame,
        rx_compressed, rx_multicast;
    uint64_t tx_bytes, tx_packets, tx_errs, tx_drop, tx_fifo, tx_colls,
        tx_carrier, tx_compressed;
};

int procfs_parse_net_dev(const char *text, const char *dev,
                         struct netdev_counters *out, char *err,
                         size_t errlen);

/* One counter of /sys/class/net/DEV/statistics/NAME, or, when there is no
 * such counter, another single number file under /sys/class/net/DEV (e.g.
 * "tx_queue_len"). Decimal, or hexadecimal with 0x (as "flags"). */
int sysfs_net_value(const char *root, const char *dev, const char *name,
                    uint64_t *val, char *err, size_t errlen);

/* The result line of a pktgen device file (/proc/net/pktgen/DEV after a
 * run): "Result: OK: 1000000(c..+d..) usec, 100000 (60byte,0frags)" and
 * the following "  NNNpps NNNMb/sec ..." line. Any other result text
 * ("Idle", "Starting", "No such netdevice: ...", or "OK: count=..." after
 * a setting) gives ok 0 and the text in message; a run result that does
 * not parse, or no "Result:" line, is an error. */
struct pktgen_result {
    int ok;              /* "Result: OK" of a finished run */
    uint64_t usec;       /* duration of the run */
    uint64_t sent;       /* packets sent */
    int pkt_size;
    uint64_t pps;        /* rate pktgen reports */
    char message[128];   /* the text after "Result: " when not OK */
};

int procfs_parse_pktgen(const char *text, struct pktgen_result *out,
                        char *err, size_t errlen);

/* Read a whole small file (at most len-1 bytes, NUL-terminated) below
 * root; a larger file is an error, not cut. A 1 MiB buffer holds
 * /proc/interrupts or /proc/stat of hosts with hundreds of CPUs. Returns
 * the number of bytes, or -1. */
long procfs_read(const char *root, const char *path, char *buf, size_t len,
                 char *err, size_t errlen);

/* The group of the cpu controller in /proc/TID/cgroup text: the path of
 * the cgroup v1 line whose controllers include cpu, else of the v2 line
 * ("0::"), without its leading '/' ("" at the root). `ctl`, when not
 * NULL, receives the v1 line's controllers ("cpu,cpuacct"), or "" for v2. */
int procfs_parse_cgroup(const char *text, char *ctl, size_t ctllen, char *out,
                        size_t len, char *err, size_t errlen);
int procfs_task_cgroup(const char *root, int pid, int tid, char *ctl,
                       size_t ctllen, char *out, size_t len, char *err,
                       size_t errlen);

#endif
