/*
 * test_procfs.c - parsers and readers of calib/procfs.[ch].
 *
 * The readers are run against the fake roots in tests/fixtures/proc (found
 * under $VSRSIM_SRCDIR, default "."; see the README there): live/ was
 * recorded on a real machine, host-a/ is a hand-made QEMU host, host-b/
 * a host of 256 CPUs and broken/ holds cut and garbled files. The parsers of text are also fed
 * inline strings for the cases a fixture cannot show well. Bad input must
 * give -1 and a message naming what was expected; one test reads this
 * test process's own files under the live /proc. Each test checks one
 * property.
 */
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cmocka.h>

#include "check.h"
#include "procfs.h"

#define assert_err_has(err, part)                                              \
    do {                                                                       \
        if (strstr((err), (part)) == NULL) {                                   \
            print_error("error \"%s\" does not contain \"%s\"\n", (err),       \
                        (part));                                               \
            fail();                                                            \
        }                                                                      \
    } while (0)

/* The fake root `name` under tests/fixtures/proc. */
static const char *root(const char *name)
{
    static char buf[3][1024];
    static int next;
    const char *src = getenv("VSRSIM_SRCDIR");
    char *b = buf[next++ % 3];

    snprintf(b, sizeof buf[0], "%s/tests/fixtures/proc/%s",
             src && *src ? src : ".", name);
    return b;
}

/* A stat line with the given name and fields 4 onwards after " S ". */
static const char *stat_text(char *buf, size_t n, const char *comm,
                             const char *rest)
{
    snprintf(buf, n, "42 (%s) S %s\n", comm, rest);
    return buf;
}

/* Fields 4..52 of a thread: utime 14 = 7, stime 15 = 8, starttime 22 =
 * 9999, processor 39 = 2, rt_priority 40 = 5, policy 41 = 2 (SCHED_RR),
 * guest_time 43 = 77. */
#define STAT_REST                                                              \
    "1 42 42 0 -1 4194304 120 0 0 0 7 8 0 0 -6 0 1 0 9999 2990080 407 "        \
    "18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 2 5 2 0 77 0 1 1 1 1 1 "  \
    "1 1 0"

/* ---- /proc/PID/task/TID/stat ------------------------------------------ */

static void stat_of_recorded_process(void **state)
{
    (void)state;
    struct task_stat ts;
    char err[256] = "";
    assert_int_equal(
        procfs_task_stat(root("live"), 14364, 14364, &ts, err, sizeof err), 0);
    assert_int_equal(ts.tid, 14364);
    assert_string_equal(ts.comm, "sleep");
    assert_int_equal(ts.state, 'S');
    assert_int_equal(ts.ppid, 14361);
    assert_i64_equal(ts.starttime, 1628525);
    assert_int_equal(ts.processor, 0);
    assert_int_equal(ts.policy, 0);
}

static void stat_name_with_space_and_slash(void **state)
{
    (void)state;
    struct task_stat ts;
    char err[256] = "";
    assert_int_equal(
        procfs_task_stat(root("host-a"), 1234, 1240, &ts, err, sizeof err), 0);
    assert_string_equal(ts.comm, "CPU 0/TCG");
    assert_int_equal(ts.state, 'R');
    assert_i64_equal(ts.utime, 90210);
    assert_i64_equal(ts.stime, 112);
    assert_i64_equal(ts.starttime, 480010);
    assert_int_equal(ts.processor, 3);
}

static void stat_rt_policy_and_priority(void **state)
{
    (void)state;
    struct task_stat ts;
    char err[256] = "";
    assert_int_equal(
        procfs_task_stat(root("host-a"), 1234, 1240, &ts, err, sizeof err), 0);
    assert_int_equal(ts.policy, 1); /* SCHED_FIFO */
    assert_int_equal(ts.rt_priority, 10);
}

static void stat_guest_time_of_kvm_vcpu(void **state)
{
    (void)state;
    struct task_stat ts;
    char err[256] = "";
    assert_int_equal(
        procfs_task_stat(root("host-a"), 1234, 1241, &ts, err, sizeof err), 0);
    assert_string_equal(ts.comm, "CPU 1/KVM");
    assert_i64_equal(ts.guest_time, 44100);
    assert_i64_equal(ts.utime, 45000);
}

static void stat_name_of_fifteen_chars(void **state)
{
    (void)state;
    struct task_stat ts;
    char err[256] = "";
    assert_int_equal(
        procfs_task_stat(root("host-a"), 1234, 1238, &ts, err, sizeof err), 0);
    assert_string_equal(ts.comm, "IO mon_iothread");
    assert_i64_equal(ts.starttime, 480003);
}

static void stat_name_with_parentheses(void **state)
{
    (void)state;
    struct task_stat ts;
    char err[256] = "";
    assert_int_equal(
        procfs_task_stat(root("host-a"), 1234, 1242, &ts, err, sizeof err), 0);
    assert_string_equal(ts.comm, "(a) b (c)");
    assert_int_equal(ts.state, 'S');
    assert_i64_equal(ts.utime, 7);
    assert_i64_equal(ts.starttime, 480020);
}

/* "x) (y" makes "1243 (x) (y) S ...": the name ends at the last ')'. */
static void stat_name_with_close_then_open(void **state)
{
    (void)state;
    struct task_stat ts;
    char err[256] = "";
    assert_int_equal(
        procfs_task_stat(root("host-a"), 1234, 1243, &ts, err, sizeof err), 0);
    assert_string_equal(ts.comm, "x) (y");
    assert_i64_equal(ts.utime, 11);
    assert_i64_equal(ts.stime, 13);
    assert_i64_equal(ts.starttime, 480021);
}

static void stat_long_name_is_cut(void **state)
{
    (void)state;
    char text[1024], name[81], err[256] = "";
    struct task_stat ts;
    memset(name, 'k', 80);
    name[80] = '\0';
    stat_text(text, sizeof text, name, STAT_REST);
    assert_int_equal(procfs_parse_task_stat(text, &ts, err, sizeof err), 0);
    assert_int_equal(strlen(ts.comm), PROCFS_COMM_LEN - 1);
    assert_i64_equal(ts.utime, 7);
    assert_i64_equal(ts.stime, 8);
    assert_i64_equal(ts.starttime, 9999);
    assert_int_equal(ts.processor, 2);
    assert_int_equal(ts.rt_priority, 5);
    assert_int_equal(ts.policy, 2);
    assert_i64_equal(ts.guest_time, 77);
}

static void stat_empty_name(void **state)
{
    (void)state;
    char text[1024], err[256] = "";
    struct task_stat ts;
    stat_text(text, sizeof text, "", STAT_REST);
    assert_int_equal(procfs_parse_task_stat(text, &ts, err, sizeof err), 0);
    assert_string_equal(ts.comm, "");
    assert_i64_equal(ts.utime, 7);
}

static void stat_truncated_line_refused(void **state)
{
    (void)state;
    struct task_stat ts;
    char err[256] = "";
    assert_int_equal(procfs_parse_task_stat("42 (x) S 1 42 42 0 -1 4194304",
                                            &ts, err, sizeof err),
                     -1);
    assert_err_has(err, "stat: line ends after 9 fields, expected at least 43");
}

static void stat_missing_close_paren_refused(void **state)
{
    (void)state;
    char text[1024], err[256] = "";
    struct task_stat ts;
    snprintf(text, sizeof text, "42 (abc S %s\n", STAT_REST);
    assert_int_equal(procfs_parse_task_stat(text, &ts, err, sizeof err), -1);
    assert_err_has(err, "no ')' closing the thread name");
}

static void stat_non_numeric_field_refused(void **state)
{
    (void)state;
    char text[1024], rest[sizeof STAT_REST + 8] = STAT_REST, err[256] = "";
    struct task_stat ts;
    /* Field 14 (utime) is "7" in STAT_REST: make it "7x". */
    char *p = strstr(rest, " 7 8 ");
    assert_non_null(p);
    memmove(p + 3, p + 2, strlen(p + 2) + 1);
    p[2] = 'x';
    stat_text(text, sizeof text, "x", rest);
    assert_int_equal(procfs_parse_task_stat(text, &ts, err, sizeof err), -1);
    assert_err_has(err, "field 14 (utime): expected a number, found '7x'");
}

static void stat_negative_processor_refused(void **state)
{
    (void)state;
    char text[1024], rest[sizeof STAT_REST + 8] = STAT_REST, err[256] = "";
    struct task_stat ts;
    /* processor (field 39) is the " 2 " after exit signal 17. */
    char *p = strstr(rest, " 17 2 ");
    assert_non_null(p);
    memmove(p + 5, p + 4, strlen(p + 4) + 1);
    p[4] = '-';
    stat_text(text, sizeof text, "x", rest);
    assert_int_equal(procfs_parse_task_stat(text, &ts, err, sizeof err), -1);
    assert_err_has(err, "field 39 (processor): '-2' is out of range");
}

static void stat_missing_state_refused(void **state)
{
    (void)state;
    char text[1024], err[256] = "";
    struct task_stat ts;
    snprintf(text, sizeof text, "42 (x) %s\n", STAT_REST);
    assert_int_equal(procfs_parse_task_stat(text, &ts, err, sizeof err), -1);
    assert_err_has(err, "expected a state letter");
}

static void stat_missing_tid_refused(void **state)
{
    (void)state;
    char text[1024], err[256] = "";
    struct task_stat ts;
    snprintf(text, sizeof text, "(x) S %s\n", STAT_REST);
    assert_int_equal(procfs_parse_task_stat(text, &ts, err, sizeof err), -1);
    assert_err_has(err, "expected a thread id first");
}

static void stat_reader_missing_thread(void **state)
{
    (void)state;
    struct task_stat ts;
    char err[512] = "";
    assert_int_equal(
        procfs_task_stat(root("host-a"), 1234, 9999, &ts, err, sizeof err), -1);
    assert_err_has(err, "host-a/proc/1234/task/9999/stat: cannot open");
}

static void stat_reader_names_cut_file(void **state)
{
    (void)state;
    struct task_stat ts;
    char err[512] = "";
    assert_int_equal(
        procfs_task_stat(root("broken"), 77, 77, &ts, err, sizeof err), -1);
    assert_err_has(err, "broken/proc/77/task/77/stat: line ends after");
}

static void stat_reader_refuses_other_thread(void **state)
{
    (void)state;
    struct task_stat ts;
    char err[512] = "";
    assert_int_equal(
        procfs_task_stat(root("broken"), 77, 78, &ts, err, sizeof err), -1);
    assert_err_has(err, "holds thread 79, expected 78");
}

/* ---- schedstat -------------------------------------------------------- */

static void schedstat_parsed(void **state)
{
    (void)state;
    struct task_schedstat ss;
    char err[256] = "";
    assert_int_equal(
        procfs_parse_schedstat("107150 61105 2\n", &ss, err, sizeof err), 0);
    assert_i64_equal(ss.run_ns, 107150);
    assert_i64_equal(ss.wait_ns, 61105);
    assert_i64_equal(ss.slices, 2);
}

static void schedstat_reader(void **state)
{
    (void)state;
    struct task_schedstat ss;
    char err[256] = "";
    assert_int_equal(
        procfs_task_schedstat(root("host-a"), 1234, 1250, &ss, err, sizeof err),
        0);
    assert_i64_equal(ss.run_ns, 253100000000LL);
    assert_i64_equal(ss.wait_ns, 98765432);
    assert_i64_equal(ss.slices, 1203344);
}

static void schedstat_wrong_count_refused(void **state)
{
    (void)state;
    struct task_schedstat ss;
    char err[256] = "";
    assert_int_equal(procfs_parse_schedstat("1 2\n", &ss, err, sizeof err), -1);
    assert_err_has(err, "schedstat: expected 3 numbers");
    assert_int_equal(procfs_parse_schedstat("1 2 3 4\n", &ss, err, sizeof err),
                     -1);
    assert_err_has(err, "found more: '4'");
}

static void schedstat_reader_garbled(void **state)
{
    (void)state;
    struct task_schedstat ss;
    char err[512] = "";
    assert_int_equal(
        procfs_task_schedstat(root("broken"), 77, 77, &ss, err, sizeof err),
        -1);
    assert_err_has(err, "77/schedstat: expected 3 numbers");
    assert_err_has(err, "found 'abc' as number 2");
}

/* ---- sched: moves and switches out ------------------------------------ */

static void sched_counts_recorded(void **state)
{
    (void)state;
    struct task_sched n = {1, 1, 1};
    char err[512] = "";
    assert_int_equal(
        procfs_task_sched(root("live"), 14364, 14364, &n, err, sizeof err), 0);
    assert_i64_equal(n.migrations, 0);
    assert_i64_equal(n.voluntary, 1);
    assert_i64_equal(n.involuntary, 2);
    assert_int_equal(
        procfs_task_sched(root("host-a"), 1234, 1250, &n, err, sizeof err), 0);
    assert_i64_equal(n.migrations, 4711);
}

/* A line is found by its whole name, wherever it is. */
static void sched_counts_by_name(void **state)
{
    (void)state;
    struct task_sched n = {0};
    char err[256] = "";
    assert_int_equal(procfs_parse_sched("se.nr_migrations_cold : 5\n"
                                        "nr_involuntary_switches: 3\n"
                                        "nr_switches : 9\n"
                                        "nr_voluntary_switches :6\n"
                                        "se.nr_migrations:7\n",
                                        &n, err, sizeof err),
                     0);
    assert_i64_equal(n.migrations, 7);
    assert_i64_equal(n.voluntary, 6);
    assert_i64_equal(n.involuntary, 3);
}

static void sched_counts_refused(void **state)
{
    (void)state;
    struct task_sched n = {0};
    char err[512] = "";
    assert_int_equal(procfs_parse_sched("nr_switches : 9\n", &n, err,
                                        sizeof err),
                     -1);
    assert_err_has(err, "sched: no 'se.nr_migrations' line");
    assert_int_equal(procfs_parse_sched("se.nr_migrations : 1\n"
                                        "nr_voluntary_switches : 2\n",
                                        &n, err, sizeof err),
                     -1);
    assert_err_has(err, "sched: no 'nr_involuntary_switches' line");
    assert_i64_equal(n.migrations, 0); /* nothing half-read */
    assert_int_equal(
        procfs_task_sched(root("broken"), 77, 77, &n, err, sizeof err), -1);
    assert_err_has(err, "77/sched: se.nr_migrations: expected ': N', found");
    assert_int_equal(
        procfs_task_sched(root("broken"), 77, 0, &n, err, sizeof err), -1);
    assert_err_has(err, "sched: invalid pid 77 or tid 0");
}

/* ---- status: Tgid ------------------------------------------------------ */

static void tgid_of_thread(void **state)
{
    (void)state;
    int tgid = 0;
    char err[256] = "";
    assert_int_equal(procfs_tgid(root("host-a"), 1240, &tgid, err, sizeof err),
                     0);
    assert_int_equal(tgid, 1234);
}

static void tgid_of_recorded_process(void **state)
{
    (void)state;
    int tgid = 0;
    char err[256] = "";
    assert_int_equal(procfs_tgid(root("live"), 14364, &tgid, err, sizeof err),
                     0);
    assert_int_equal(tgid, 14364);
}

static void tgid_missing_line_refused(void **state)
{
    (void)state;
    int tgid = 0;
    char err[512] = "";
    assert_int_equal(procfs_tgid(root("broken"), 77, &tgid, err, sizeof err),
                     -1);
    assert_err_has(err, "broken/proc/77/status: no 'Tgid:' line");
}

static void tgid_non_numeric_refused(void **state)
{
    (void)state;
    int tgid = 0;
    char err[256] = "";
    assert_int_equal(procfs_parse_status_tgid("Name:\tx\nTgid:\tabc\n", &tgid,
                                              err, sizeof err),
                     -1);
    assert_err_has(err, "Tgid: expected a process id, found 'abc'");
}

/* ---- Listing ----------------------------------------------------------- */

static void tasks_listed_ascending(void **state)
{
    (void)state;
    static const int want[] = {1234, 1238, 1240, 1241, 1242, 1243, 1250};
    int tids[16];
    char err[256] = "";
    int n = procfs_list_tasks(root("host-a"), 1234, tids, 16, err, sizeof err);
    assert_int_equal(n, 7);
    for (int i = 0; i < n; i++)
        assert_int_equal(tids[i], want[i]);
}

static void tasks_beyond_max_dropped_from_top(void **state)
{
    (void)state;
    int tids[3];
    char err[256] = "";
    assert_int_equal(
        procfs_list_tasks(root("host-a"), 1234, tids, 3, err, sizeof err), 3);
    assert_int_equal(tids[0], 1234);
    assert_int_equal(tids[1], 1238);
    assert_int_equal(tids[2], 1240);
}

static void tasks_of_unknown_process_refused(void **state)
{
    (void)state;
    int tids[4];
    char err[512] = "";
    assert_int_equal(
        procfs_list_tasks(root("host-a"), 4321, tids, 4, err, sizeof err), -1);
    assert_err_has(err, "proc/4321/task: cannot list");
}

/* proc/1240 is a symlink (a thread) and proc/stat a file: neither counts. */
static void pids_are_numeric_directories(void **state)
{
    (void)state;
    int pids[8];
    char err[256] = "";
    assert_int_equal(procfs_list_pids(root("host-a"), pids, 8, err, sizeof err),
                     3);
    assert_int_equal(pids[0], 1);
    assert_int_equal(pids[1], 2);
    assert_int_equal(pids[2], 1234);
}

/* ---- cmdline ----------------------------------------------------------- */

static void cmdline_joined_with_spaces(void **state)
{
    (void)state;
    char buf[1024], err[256] = "";
    assert_int_equal(
        procfs_cmdline(root("host-a"), 1234, buf, sizeof buf, err, sizeof err),
        0);
    assert_non_null(strstr(buf, "/usr/bin/qemu-system-x86_64 -name "
                                "guest=vm1,debug-threads=on -S -machine "));
    assert_int_not_equal(buf[strlen(buf) - 1], ' ');
}

static void cmdline_of_recorded_process(void **state)
{
    (void)state;
    char buf[64], err[256] = "";
    assert_int_equal(
        procfs_cmdline(root("live"), 14364, buf, sizeof buf, err, sizeof err),
        0);
    assert_string_equal(buf, "sleep 300");
}

static void cmdline_of_kernel_thread_empty(void **state)
{
    (void)state;
    char buf[64] = "x", err[256] = "";
    assert_int_equal(
        procfs_cmdline(root("host-a"), 2, buf, sizeof buf, err, sizeof err), 0);
    assert_string_equal(buf, "");
}

static void cmdline_longer_than_buffer_refused(void **state)
{
    (void)state;
    char buf[16], err[256] = "";
    assert_int_equal(
        procfs_cmdline(root("host-a"), 1234, buf, sizeof buf, err, sizeof err),
        -1);
    assert_err_has(err, "do not fit in 15");
}

/* ---- /proc/stat ---------------------------------------------------------- */

static void cpu_times_recorded(void **state)
{
    (void)state;
    struct cpu_times ct[8];
    char err[256] = "";
    assert_int_equal(procfs_cpu_times(root("live"), ct, 8, err, sizeof err), 2);
    assert_int_equal(ct[0].cpu, 0);
    assert_i64_equal(ct[0].user, 549109);
    assert_i64_equal(ct[0].idle, 1061491);
    assert_i64_equal(ct[0].steal, 3420);
    assert_int_equal(ct[1].cpu, 1);
    assert_i64_equal(ct[1].system, 15553);
    assert_i64_equal(ct[1].softirq, 446);
}

static void cpu_times_skip_offline_cpu(void **state)
{
    (void)state;
    struct cpu_times ct[8];
    char err[256] = "";
    assert_int_equal(procfs_cpu_times(root("host-a"), ct, 8, err, sizeof err),
                     3);
    assert_int_equal(ct[0].cpu, 0);
    assert_int_equal(ct[1].cpu, 1);
    assert_int_equal(ct[2].cpu, 3);
    assert_i64_equal(ct[2].softirq, 84606);
    assert_i64_equal(ct[2].guest, 520111);
    assert_i64_equal(ct[2].guest_nice, 0);
}

static void cpu_times_at_most_max(void **state)
{
    (void)state;
    struct cpu_times ct[2];
    char err[256] = "";
    assert_int_equal(procfs_cpu_times(root("host-a"), ct, 2, err, sizeof err),
                     2);
    assert_int_equal(ct[1].cpu, 1);
}

static void cpu_times_without_cpu_lines_refused(void **state)
{
    (void)state;
    struct cpu_times ct[2];
    char err[512] = "";
    assert_int_equal(procfs_cpu_times(root("broken"), ct, 2, err, sizeof err),
                     -1);
    assert_err_has(err, "broken/proc/stat: no 'cpuN' lines");
}

static void cpu_times_short_line_refused(void **state)
{
    (void)state;
    struct cpu_times ct[2];
    char err[256] = "";
    assert_int_equal(procfs_parse_cpu_times("cpu  1 2 3 4 5 6 7 8 9 10\n"
                                            "cpu0 1 2 3\n",
                                            ct, 2, err, sizeof err),
                     -1);
    assert_err_has(err, "cpu0: expected 10 tick counts, found end of line as "
                        "count 4");
}

/* ---- /proc/softirqs ------------------------------------------------------ */

static void softirqs_recorded(void **state)
{
    (void)state;
    uint64_t c[PROCFS_MAX_CPUS];
    char text[4096], err[256] = "";
    assert_true(procfs_read(root("live"), "proc/softirqs", text, sizeof text,
                            err, sizeof err) > 0);
    assert_int_equal(procfs_parse_softirqs(text, "NET_RX", c, PROCFS_MAX_CPUS,
                                           err, sizeof err),
                     2);
    assert_i64_equal(c[0], 1098);
    assert_i64_equal(c[1], 1477);
}

static void softirqs_by_cpu_number(void **state)
{
    (void)state;
    uint64_t c[PROCFS_MAX_CPUS];
    char text[4096], err[256] = "";
    assert_true(procfs_read(root("host-a"), "proc/softirqs", text, sizeof text,
                            err, sizeof err) > 0);
    assert_int_equal(procfs_parse_softirqs(text, "NET_TX", c, PROCFS_MAX_CPUS,
                                           err, sizeof err),
                     4);
    assert_i64_equal(c[0], 120);
    assert_i64_equal(c[2], 0);
    assert_i64_equal(c[3], 73211);
}

static void softirqs_unknown_vector_refused(void **state)
{
    (void)state;
    uint64_t c[PROCFS_MAX_CPUS];
    char text[4096], err[256] = "";
    assert_true(procfs_read(root("host-a"), "proc/softirqs", text, sizeof text,
                            err, sizeof err) > 0);
    assert_int_equal(
        procfs_parse_softirqs(text, "NET", c, PROCFS_MAX_CPUS, err, sizeof err),
        -1);
    assert_err_has(err, "/proc/softirqs: no row for softirq NET");
}

static void softirqs_more_cpus_than_room_refused(void **state)
{
    (void)state;
    uint64_t c[2];
    char text[4096], err[256] = "";
    assert_true(procfs_read(root("host-a"), "proc/softirqs", text, sizeof text,
                            err, sizeof err) > 0);
    assert_int_equal(
        procfs_parse_softirqs(text, "NET_RX", c, 2, err, sizeof err), -1);
    assert_err_has(err, "CPU2 is beyond the 2 CPUs");
}

static void softirqs_short_row_refused(void **state)
{
    (void)state;
    uint64_t c[4];
    char err[256] = "";
    assert_int_equal(procfs_parse_softirqs("    CPU0   CPU1\n"
                                           "  NET_RX:   5\n",
                                           "NET_RX", c, 4, err, sizeof err),
                     -1);
    assert_err_has(err, "NET_RX: expected 2 per-CPU counts");
}

static void softirqs_bad_header_refused(void **state)
{
    (void)state;
    uint64_t c[4];
    char err[256] = "";
    assert_int_equal(procfs_parse_softirqs("    CPU0   GPU1\n"
                                           "  NET_RX:   5   6\n",
                                           "NET_RX", c, 4, err, sizeof err),
                     -1);
    assert_err_has(err, "header: expected CPU columns 'CPU0 CPU1 ...', "
                        "found 'GPU1'");
}

/* ---- /proc/interrupts ---------------------------------------------------- */

/* Reads host-a's (or another root's) /proc/interrupts and returns the
 * lines matching `device`. */
static int irqs_of(const char *rootname, const char *device,
                   struct irq_line *out, int max)
{
    static char text[16384];
    char err[256] = "";
    long n = procfs_read(root(rootname), "/proc/interrupts", text, sizeof text,
                         err, sizeof err);
    if (n < 0) {
        print_error("%s\n", err);
        fail();
    }
    int rc = procfs_parse_interrupts(text, device, out, max, err, sizeof err);
    if (rc < 0)
        print_message("%s\n", err);
    return rc;
}

static void interrupts_recorded(void **state)
{
    (void)state;
    struct irq_line l[8];
    assert_int_equal(irqs_of("live", "virtio3", l, 8), 4);
    assert_int_equal(l[0].irq, 40);
    assert_string_equal(l[1].actions, "virtio3-rx");
    assert_i64_equal(l[1].count[0], 4752);
    assert_i64_equal(l[2].count[1], 23395);
    assert_int_equal(l[3].irq, 43);
    assert_int_equal(l[3].ncpus, 2);
}

/* eth0 is eth0-rx-N, eth0-tx-N and eth0; not eth01-rx-0, eth01, xeth0. */
static void interrupts_queues_of_one_nic(void **state)
{
    (void)state;
    static const int want[] = {24, 25, 26, 27, 28};
    struct irq_line l[16];
    assert_int_equal(irqs_of("host-a", "eth0", l, 16), 5);
    for (int i = 0; i < 5; i++)
        assert_int_equal(l[i].irq, want[i]);
    assert_string_equal(l[0].actions, "eth0-rx-0");
    assert_string_equal(l[4].actions, "eth0");
}

static void interrupts_other_nic_whole_word(void **state)
{
    (void)state;
    struct irq_line l[16];
    assert_int_equal(irqs_of("host-a", "eth01", l, 16), 2);
    assert_int_equal(l[0].irq, 29);
    assert_int_equal(l[1].irq, 30);
}

/* Header "CPU0 CPU1 CPU3": the third column is CPU 3, CPU 2 is 0. */
static void interrupts_counts_by_cpu_number(void **state)
{
    (void)state;
    struct irq_line l[16];
    assert_int_equal(irqs_of("host-a", "eth0-rx-1", l, 16), 1);
    assert_int_equal(l[0].irq, 25);
    assert_int_equal(l[0].ncpus, 4);
    assert_i64_equal(l[0].count[0], 12);
    assert_i64_equal(l[0].count[1], 30);
    assert_i64_equal(l[0].count[2], 0);
    assert_i64_equal(l[0].count[3], 6004112);
}

static void interrupts_shared_line_after_comma(void **state)
{
    (void)state;
    struct irq_line l[16];
    assert_int_equal(irqs_of("host-a", "eth2", l, 16), 1);
    assert_int_equal(l[0].irq, 16);
    assert_string_equal(l[0].actions, "uhci_hcd:usb1, eth2");
    /* "usb1" follows ':' inside a word: no match. */
    assert_int_equal(irqs_of("host-a", "usb1", l, 16), 0);
}

/* LOC's "Local timer interrupts" and the chip columns are not actions. */
static void interrupts_only_numbered_actions(void **state)
{
    (void)state;
    struct irq_line l[16];
    assert_int_equal(irqs_of("host-a", "Local", l, 16), 0);
    assert_int_equal(irqs_of("host-a", "PCI-MSI", l, 16), 0);
    assert_int_equal(irqs_of("host-a", "IO-APIC", l, 16), 0);
    assert_int_equal(irqs_of("host-a", "timer", l, 16), 1);
    assert_int_equal(l[0].irq, 0);
}

static void interrupts_unknown_device_none(void **state)
{
    (void)state;
    struct irq_line l[16];
    assert_int_equal(irqs_of("host-a", "eth9", l, 16), 0);
}

static void interrupts_at_most_max(void **state)
{
    (void)state;
    struct irq_line l[2];
    assert_int_equal(irqs_of("host-a", "eth0", l, 2), 2);
    assert_int_equal(l[1].irq, 25);
}

/* arm64 prints "Level"/"Edge" as its own column; kernels before 3.x glued
 * the type to the chip. */
static void interrupts_other_layouts(void **state)
{
    (void)state;
    struct irq_line l[4];
    char err[256] = "";
    const char *arm = "           CPU0       CPU1\n"
                      " 11:     123456     654321     GICv3  27 Level     "
                      "arch_timer\n"
                      " 80:        100        200   ITS-MSI 524288 Edge      "
                      "eth0-rx-0\n"
                      "IPI0:       10         20       Rescheduling "
                      "interrupts\n";
    const char *old = "           CPU0       CPU1\n"
                      " 19:        100        200   IO-APIC-fasteoi   eth0\n";
    assert_int_equal(
        procfs_parse_interrupts(arm, "eth0", l, 4, err, sizeof err), 1);
    assert_int_equal(l[0].irq, 80);
    assert_string_equal(l[0].actions, "eth0-rx-0");
    assert_int_equal(
        procfs_parse_interrupts(arm, "Edge", l, 4, err, sizeof err), 0);
    assert_int_equal(
        procfs_parse_interrupts(old, "eth0", l, 4, err, sizeof err), 1);
    assert_i64_equal(l[0].count[1], 200);
}

static void interrupts_without_header_refused(void **state)
{
    (void)state;
    struct irq_line l[4];
    char err[256] = "";
    assert_int_equal(procfs_parse_interrupts(" 24:  1  2  PCI-MSI 1-edge  "
                                             "eth0\n",
                                             "eth0", l, 4, err, sizeof err),
                     -1);
    assert_err_has(err, "/proc/interrupts: header: expected CPU columns");
}

static void interrupts_garbled_count_refused(void **state)
{
    (void)state;
    struct irq_line l[4];
    char err[256] = "";
    assert_int_equal(procfs_parse_interrupts("   CPU0  CPU1\n"
                                             " 24:  1  2x  PCI-MSI 1-edge  "
                                             "eth0\n",
                                             "eth0", l, 4, err, sizeof err),
                     -1);
    assert_err_has(err, "IRQ 24: expected 2 per-CPU counts, found '2x'");
}

/* ---- CPU lists ------------------------------------------------------------
 */

static void cpulist_ranges_and_singles(void **state)
{
    (void)state;
    uint64_t m = 0;
    char err[256] = "";
    assert_int_equal(procfs_parse_cpulist("0-3,5", &m, err, sizeof err), 0);
    assert_i64_equal(m, 0x2f);
    assert_int_equal(procfs_parse_cpulist(" 1,3\n", &m, err, sizeof err), 0);
    assert_i64_equal(m, 0xa);
    assert_int_equal(procfs_parse_cpulist("7-7,2-3,3", &m, err, sizeof err), 0);
    assert_i64_equal(m, 0x8c);
}

static void cpulist_all_64(void **state)
{
    (void)state;
    uint64_t m = 0;
    char err[256] = "";
    assert_int_equal(procfs_parse_cpulist("0-63\n", &m, err, sizeof err), 0);
    assert_true(m == UINT64_MAX);
}

static void cpulist_empty_is_zero(void **state)
{
    (void)state;
    uint64_t m = 1;
    char err[256] = "";
    assert_int_equal(procfs_parse_cpulist("\n", &m, err, sizeof err), 0);
    assert_i64_equal(m, 0);
}

static void cpulist_reversed_range_refused(void **state)
{
    (void)state;
    uint64_t m = 0;
    char err[256] = "";
    assert_int_equal(procfs_parse_cpulist("0,3-1", &m, err, sizeof err), -1);
    assert_err_has(err, "cpu list: range 3-1 is reversed");
}

static void cpulist_cpu_64_refused(void **state)
{
    (void)state;
    uint64_t m = 0;
    char err[256] = "";
    assert_int_equal(procfs_parse_cpulist("64", &m, err, sizeof err), -1);
    assert_err_has(err, "CPU 64 is out of range 0-63");
    assert_int_equal(procfs_parse_cpulist("0-64", &m, err, sizeof err), -1);
    assert_int_equal(
        procfs_parse_cpulist("99999999999999999999999", &m, err, sizeof err),
        -1);
}

static void cpulist_garbage_refused(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "a",  "1,,2", "1-",    ",1",  "1,",  "0-3:2",
        "-1", "1 2",  "1-2-3", "0x3", "1;2", "3\n4",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        uint64_t m = 0;
        char err[256] = "";
        if (procfs_parse_cpulist(bad[i], &m, err, sizeof err) != -1) {
            print_error("\"%s\" was accepted\n", bad[i]);
            fail();
        }
        assert_err_has(err, "cpu list: expected");
    }
}

static void cpulist_formatted(void **state)
{
    (void)state;
    char buf[96];
    procfs_format_cpulist(0x2f, buf, sizeof buf);
    assert_string_equal(buf, "0-3,5");
    procfs_format_cpulist(0x3, buf, sizeof buf);
    assert_string_equal(buf, "0-1");
    procfs_format_cpulist(0, buf, sizeof buf);
    assert_string_equal(buf, "");
    procfs_format_cpulist(UINT64_MAX, buf, sizeof buf);
    assert_string_equal(buf, "0-63");
    procfs_format_cpulist(UINT64_C(1) << 63 | 1, buf, sizeof buf);
    assert_string_equal(buf, "0,63");
}

/* Every other CPU is the longest list: 90 characters. */
static void cpulist_format_round_trip(void **state)
{
    (void)state;
    static const uint64_t masks[] = {
        UINT64_C(0x5555555555555555), UINT64_C(0xaaaaaaaaaaaaaaaa),
        UINT64_C(0xf0f0f0f00f0f0f0f), UINT64_C(0x8000000000000001),
        UINT64_C(0x00000000fffe0001), UINT64_C(0x123456789abcdef0),
    };
    for (size_t i = 0; i < sizeof masks / sizeof masks[0]; i++) {
        char buf[91], err[256] = "";
        uint64_t back = 0;
        procfs_format_cpulist(masks[i], buf, sizeof buf);
        assert_int_equal(procfs_parse_cpulist(buf, &back, err, sizeof err), 0);
        assert_true(back == masks[i]);
    }
}

/* The online CPUs of host-a, whose CPU 2 is offline. */
static void online_cpus_read(void **state)
{
    (void)state;
    uint64_t m = 0;
    char err[256] = "";
    assert_int_equal(procfs_online_cpus(root("host-a"), &m, err, sizeof err),
                     0);
    assert_i64_equal(m, 0xb);
}

/* An online list that does not parse, or names a CPU a mask cannot hold,
 * is an error naming the file, never taken for some CPUs (CPU 0). */
static void online_cpus_refused(void **state)
{
    (void)state;
    uint64_t m = 1;
    char err[256] = "";
    assert_int_equal(procfs_online_cpus(root("broken"), &m, err, sizeof err),
                     -1);
    assert_err_has(err, "broken/sys/devices/system/cpu/online: expected");
    assert_int_equal(procfs_online_cpus(root("host-b"), &m, err, sizeof err),
                     -1);
    assert_err_has(err, "host-b/sys/devices/system/cpu/online: CPU 191 is "
                        "out of range 0-63");
    assert_int_equal(procfs_online_cpus(root("live"), &m, err, sizeof err),
                     -1);
    assert_err_has(err, "live/sys/devices/system/cpu/online");
}

/* The possible CPUs are counted however many there are: vsrcal measure
 * refuses a host with more than 64. */
static void possible_cpus_counted(void **state)
{
    (void)state;
    char err[256] = "";
    assert_int_equal(procfs_possible_cpus(root("host-a"), err, sizeof err), 4);
    assert_int_equal(procfs_possible_cpus(root("host-b"), err, sizeof err),
                     256);
    assert_int_equal(procfs_possible_cpus(root("broken"), err, sizeof err),
                     -1);
    assert_err_has(err, "broken/sys/devices/system/cpu/possible: expected");
}

static void cpulist_format_cut_between_items(void **state)
{
    (void)state;
    char buf[8];
    procfs_format_cpulist(0x2f | UINT64_C(1) << 40, buf, 6);
    assert_string_equal(buf, "0-3,5");
    procfs_format_cpulist(0x2f | UINT64_C(1) << 40, buf, 5);
    assert_string_equal(buf, "0-3");
    procfs_format_cpulist(0x2f, buf, 1);
    assert_string_equal(buf, "");
}

static void irq_affinity_read(void **state)
{
    (void)state;
    uint64_t m = 0;
    char err[256] = "";
    assert_int_equal(
        procfs_irq_affinity(root("host-a"), 26, &m, err, sizeof err), 0);
    assert_i64_equal(m, 0xb);
    assert_int_equal(procfs_irq_affinity(root("live"), 24, &m, err, sizeof err),
                     0);
    assert_i64_equal(m, 0x3);
}

static void irq_affinity_bad_file_refused(void **state)
{
    (void)state;
    uint64_t m = 0;
    char err[512] = "";
    assert_int_equal(
        procfs_irq_affinity(root("broken"), 5, &m, err, sizeof err), -1);
    assert_err_has(err, "broken/proc/irq/5/smp_affinity_list: range 3-1 is "
                        "reversed");
    assert_int_equal(
        procfs_irq_affinity(root("host-a"), 99, &m, err, sizeof err), -1);
    assert_err_has(err, "proc/irq/99/smp_affinity_list: cannot open");
}

/* ---- /proc/net/dev ------------------------------------------------------- */

static int netdev_of(const char *rootname, const char *dev,
                     struct netdev_counters *c, char *err, size_t errlen)
{
    char text[4096];
    if (procfs_read(root(rootname), "proc/net/dev", text, sizeof text, err,
                    errlen) < 0)
        return -2;
    return procfs_parse_net_dev(text, dev, c, err, errlen);
}

static void net_dev_recorded(void **state)
{
    (void)state;
    struct netdev_counters c;
    char err[256] = "";
    assert_int_equal(netdev_of("live", "eth0", &c, err, sizeof err), 0);
    assert_i64_equal(c.rx_bytes, 94817673);
    assert_i64_equal(c.rx_packets, 2316);
    assert_i64_equal(c.tx_bytes, 101229);
    assert_i64_equal(c.tx_packets, 1349);
}

/* "vtgen0:18446744073709551615 250000000 1 4000123 2 3 4 5 ..." */
static void net_dev_colon_touching_number(void **state)
{
    (void)state;
    struct netdev_counters c;
    char err[256] = "";
    assert_int_equal(netdev_of("host-a", "vtgen0", &c, err, sizeof err), 0);
    assert_true(c.rx_bytes == UINT64_MAX);
    assert_i64_equal(c.rx_packets, 250000000);
    assert_i64_equal(c.rx_errs, 1);
    assert_i64_equal(c.rx_drop, 4000123);
    assert_i64_equal(c.rx_fifo, 2);
    assert_i64_equal(c.rx_frame, 3);
    assert_i64_equal(c.rx_compressed, 4);
    assert_i64_equal(c.rx_multicast, 5);
    assert_i64_equal(c.tx_bytes, 320000000000LL);
    assert_i64_equal(c.tx_packets, 5000000);
    assert_i64_equal(c.tx_errs, 6);
    assert_i64_equal(c.tx_drop, 7);
    assert_i64_equal(c.tx_fifo, 8);
    assert_i64_equal(c.tx_colls, 9);
    assert_i64_equal(c.tx_carrier, 10);
    assert_i64_equal(c.tx_compressed, 11);
}

static void net_dev_name_of_fifteen_chars(void **state)
{
    (void)state;
    struct netdev_counters c;
    char err[256] = "";
    assert_int_equal(
        netdev_of("host-a", "vtgen-longname1", &c, err, sizeof err), 0);
    assert_i64_equal(c.rx_bytes, 100);
    assert_i64_equal(c.tx_packets, 2);
}

static void net_dev_prefix_is_not_a_name(void **state)
{
    (void)state;
    struct netdev_counters c;
    char err[256] = "";
    assert_int_equal(netdev_of("host-a", "eth01", &c, err, sizeof err), 0);
    assert_i64_equal(c.rx_packets, 12001);
    assert_int_equal(netdev_of("host-a", "eth", &c, err, sizeof err), -1);
}

static void net_dev_unknown_device_refused(void **state)
{
    (void)state;
    struct netdev_counters c;
    char err[256] = "";
    assert_int_equal(netdev_of("host-a", "eth7", &c, err, sizeof err), -1);
    assert_err_has(err, "/proc/net/dev: no device eth7");
}

static void net_dev_short_row_refused(void **state)
{
    (void)state;
    struct netdev_counters c;
    char err[256] = "";
    assert_int_equal(procfs_parse_net_dev("Inter-|   Receive  |  Transmit\n"
                                          " face |bytes packets|bytes\n"
                                          "  eth0: 1 2 3 4 5 6 7 8 9\n",
                                          "eth0", &c, err, sizeof err),
                     -1);
    assert_err_has(err, "eth0: expected 16 counters, found end of line as "
                        "counter 10");
}

static void net_dev_without_header_refused(void **state)
{
    (void)state;
    struct netdev_counters c;
    char err[256] = "";
    assert_int_equal(procfs_parse_net_dev("  eth0: 1 2 3 4 5 6 7 8 9 10 11 12 "
                                          "13 14 15 16\n",
                                          "eth0", &c, err, sizeof err),
                     -1);
    assert_err_has(err, "expected two header lines");
}

/* ---- /sys/class/net ---------------------------------------------------------
 */

static void sysfs_statistics_counter(void **state)
{
    (void)state;
    uint64_t v = 0;
    char err[256] = "";
    assert_int_equal(sysfs_net_value(root("host-a"), "vtgen0", "rx_dropped", &v,
                                     err, sizeof err),
                     0);
    assert_i64_equal(v, 4000123);
    assert_int_equal(sysfs_net_value(root("live"), "eth0", "rx_packets", &v,
                                     err, sizeof err),
                     0);
    assert_i64_equal(v, 2316);
}

static void sysfs_device_file(void **state)
{
    (void)state;
    uint64_t v = 0;
    char err[256] = "";
    assert_int_equal(sysfs_net_value(root("host-a"), "vtgen0", "tx_queue_len",
                                     &v, err, sizeof err),
                     0);
    assert_i64_equal(v, 1000);
}

static void sysfs_hex_flags(void **state)
{
    (void)state;
    uint64_t v = 0;
    char err[256] = "";
    assert_int_equal(
        sysfs_net_value(root("live"), "eth0", "flags", &v, err, sizeof err), 0);
    assert_i64_equal(v, 0x1003);
}

static void sysfs_unknown_device_refused(void **state)
{
    (void)state;
    uint64_t v = 0;
    char err[512] = "";
    assert_int_equal(sysfs_net_value(root("host-a"), "vtgen9", "rx_packets", &v,
                                     err, sizeof err),
                     -1);
    assert_err_has(err, "sys/class/net/vtgen9: no such network device");
}

static void sysfs_unknown_counter_refused(void **state)
{
    (void)state;
    uint64_t v = 0;
    char err[512] = "";
    assert_int_equal(sysfs_net_value(root("host-a"), "vtgen0", "rx_nope", &v,
                                     err, sizeof err),
                     -1);
    assert_err_has(err, "vtgen0: no file rx_nope here or in statistics/");
}

static void sysfs_non_number_refused(void **state)
{
    (void)state;
    uint64_t v = 0;
    char err[512] = "";
    assert_int_equal(sysfs_net_value(root("host-a"), "vtgen0", "operstate", &v,
                                     err, sizeof err),
                     -1);
    assert_err_has(err, "operstate: expected a non-negative number, found "
                        "'up'");
    assert_int_equal(
        sysfs_net_value(root("host-a"), "vtgen0", "speed", &v, err, sizeof err),
        -1);
    assert_err_has(err, "found '-1'");
    assert_int_equal(sysfs_net_value(root("broken"), "br0", "rx_packets", &v,
                                     err, sizeof err),
                     -1);
    assert_err_has(err, "rx_packets: expected one number, found 'x' after it");
}

static void sysfs_path_escape_refused(void **state)
{
    (void)state;
    uint64_t v = 0;
    char err[256] = "";
    assert_int_equal(sysfs_net_value(root("host-a"), "..", "vtgen0/mtu", &v,
                                     err, sizeof err),
                     -1);
    assert_err_has(err, "invalid device name");
    assert_int_equal(sysfs_net_value(root("host-a"), "vtgen0",
                                     "../../../../proc/1/stat", &v, err,
                                     sizeof err),
                     -1);
    assert_err_has(err, "invalid file name");
}

/* ---- pktgen ------------------------------------------------------------- */

static int pktgen_of(const char *dev, struct pktgen_result *r, char *err,
                     size_t errlen)
{
    char path[64], text[4096];
    snprintf(path, sizeof path, "proc/net/pktgen/%s", dev);
    if (procfs_read(root("host-a"), path, text, sizeof text, err, errlen) < 0)
        return -2;
    return procfs_parse_pktgen(text, r, err, errlen);
}

static void pktgen_finished_run(void **state)
{
    (void)state;
    struct pktgen_result r;
    char err[256] = "";
    assert_int_equal(pktgen_of("vtgen0", &r, err, sizeof err), 0);
    assert_int_equal(r.ok, 1);
    assert_i64_equal(r.usec, 10000250);
    assert_i64_equal(r.sent, 5000000);
    assert_int_equal(r.pkt_size, 60);
    assert_i64_equal(r.pps, 499987);
    assert_string_equal(r.message, "");
}

static void pktgen_idle(void **state)
{
    (void)state;
    struct pktgen_result r;
    char err[256] = "";
    assert_int_equal(pktgen_of("vtgen1", &r, err, sizeof err), 0);
    assert_int_equal(r.ok, 0);
    assert_string_equal(r.message, "Idle");
    assert_i64_equal(r.sent, 0);
}

static void pktgen_error_text(void **state)
{
    (void)state;
    struct pktgen_result r;
    char err[256] = "";
    assert_int_equal(pktgen_of("vtgen2", &r, err, sizeof err), 0);
    assert_int_equal(r.ok, 0);
    assert_string_equal(r.message, "No such netdevice: \"vtgen2\"");
}

/* After writing a setting the result is "OK: count=...": not a run. */
static void pktgen_setting_is_not_a_run(void **state)
{
    (void)state;
    struct pktgen_result r;
    char err[256] = "";
    assert_int_equal(
        procfs_parse_pktgen("Result: OK: count=100000\n", &r, err, sizeof err),
        0);
    assert_int_equal(r.ok, 0);
    assert_string_equal(r.message, "OK: count=100000");
}

static void pktgen_cut_result_refused(void **state)
{
    (void)state;
    struct pktgen_result r;
    char err[256] = "";
    assert_int_equal(procfs_parse_pktgen("Result: OK: 10000250(c10000000+d250)"
                                         " usec, 5000",
                                         &r, err, sizeof err),
                     -1);
    assert_err_has(err, "pktgen: expected 'Result: OK: N(cN+dN) usec");
    assert_int_equal(r.ok, 0);
}

static void pktgen_missing_rate_line_refused(void **state)
{
    (void)state;
    struct pktgen_result r;
    char err[256] = "";
    assert_int_equal(procfs_parse_pktgen("Result: OK: 15430(c15405+d25) usec, "
                                         "100000 (60byte,0frags)\n",
                                         &r, err, sizeof err),
                     -1);
    assert_err_has(err, "expected 'NNNpps ...'");
}

static void pktgen_without_result_refused(void **state)
{
    (void)state;
    struct pktgen_result r;
    char err[256] = "";
    assert_int_equal(procfs_parse_pktgen("Params: count 100000\nCurrent:\n", &r,
                                         err, sizeof err),
                     -1);
    assert_err_has(err, "pktgen: no 'Result:' line");
}

/* ---- procfs_read ----------------------------------------------------------
 */

static void read_path_forms_agree(void **state)
{
    (void)state;
    char a[4096], b[4096], c[4096], rootslash[1100], err[256] = "";
    long na =
        procfs_read(root("host-a"), "proc/stat", a, sizeof a, err, sizeof err);
    long nb =
        procfs_read(root("host-a"), "/proc/stat", b, sizeof b, err, sizeof err);
    snprintf(rootslash, sizeof rootslash, "%s//", root("host-a"));
    long nc = procfs_read(rootslash, "proc/stat", c, sizeof c, err, sizeof err);
    assert_true(na > 0);
    assert_int_equal(na, nb);
    assert_int_equal(na, nc);
    assert_string_equal(a, b);
    assert_string_equal(a, c);
    assert_int_equal(strlen(a), na);
}

static void read_exact_fit(void **state)
{
    (void)state;
    char buf[404], err[256] = "";
    /* live/proc/softirqs is 403 bytes. */
    assert_int_equal(
        procfs_read(root("live"), "proc/softirqs", buf, 404, err, sizeof err),
        403);
    assert_int_equal(
        procfs_read(root("live"), "proc/softirqs", buf, 403, err, sizeof err),
        -1);
    assert_err_has(err, "proc/softirqs: larger than 402 bytes");
}

static void read_missing_file_refused(void **state)
{
    (void)state;
    char buf[64], err[512] = "";
    assert_int_equal(procfs_read(root("host-a"), "proc/nope", buf, sizeof buf,
                                 err, sizeof err),
                     -1);
    assert_err_has(err, "host-a/proc/nope: cannot open: No such file");
}

/* ---- This process under the live /proc ----------------------------------- */

static void live_own_stat_and_schedstat(void **state)
{
    (void)state;
    int pid = getpid(), tid = gettid();
    struct task_stat a, b;
    struct task_schedstat s1, s2;
    char err[256] = "";
    assert_int_equal(procfs_task_stat("/", pid, tid, &a, err, sizeof err), 0);
    assert_int_equal(procfs_task_schedstat("/", pid, tid, &s1, err, sizeof err),
                     0);
    assert_int_equal(a.tid, tid);
    assert_int_equal(a.state, 'R');
    assert_true(a.starttime > 0);
    assert_true(s1.run_ns > 0);
    assert_true(s1.slices >= 1);
    for (volatile int i = 0; i < 1000000; i++)
        ;
    assert_int_equal(procfs_task_stat("/", pid, tid, &b, err, sizeof err), 0);
    assert_int_equal(procfs_task_schedstat("/", pid, tid, &s2, err, sizeof err),
                     0);
    assert_i64_equal(b.starttime, a.starttime);
    assert_string_equal(b.comm, a.comm);
    assert_true(s2.run_ns >= s1.run_ns);
    assert_true(s2.slices >= s1.slices);
}

/* Moved from one CPU to another by its affinity, this thread's
 * se.nr_migrations grows (on a kernel with /proc/PID/task/TID/sched and
 * two CPUs to move between). The affinity masks go through the system
 * calls: <sched.h>'s SCHED_* names are the simulator's classes here. */
static int set_cpus(const unsigned long *mask, size_t len)
{
    return (int)syscall(SYS_sched_setaffinity, 0, len, mask);
}

/* /proc/TID/cgroup: the cpu controller's line under cgroup v1 (here
 * shared with cpuacct, as systemd mounts it), else the v2 line. */
static void cgroup_of_the_cpu_controller(void **state)
{
    (void)state;
    char ctl[64], out[128], err[256];
    const char *v1 = "9:name=systemd:/\n"
                     "3:cpuset:/machine/vm/emulator\n"
                     "2:cpu,cpuacct:/machine/vm/vcpu0\n"
                     "0::/machine/vm/vcpu0\n";
    const char *v2 = "0::/system.slice/a.service\n";
    assert_int_equal(procfs_parse_cgroup(v1, ctl, sizeof ctl, out, sizeof out,
                                         err, sizeof err),
                     0);
    assert_string_equal(ctl, "cpu,cpuacct");
    assert_string_equal(out, "machine/vm/vcpu0");
    assert_int_equal(procfs_parse_cgroup(v2, ctl, sizeof ctl, out, sizeof out,
                                         err, sizeof err),
                     0);
    assert_string_equal(ctl, "");
    assert_string_equal(out, "system.slice/a.service");
    assert_int_equal(procfs_parse_cgroup("1:cpu:/\n0::/\n", NULL, 0, out,
                                         sizeof out, err, sizeof err),
                     0);
    assert_string_equal(out, "");
    assert_int_equal(procfs_parse_cgroup("1:cpuset:/x\n", NULL, 0, out,
                                         sizeof out, err, sizeof err),
                     -1);
    assert_non_null(strstr(err, "no line of the cpu controller"));
    assert_int_equal(procfs_parse_cgroup("0::/abcdef\n", NULL, 0, out, 4, err,
                                         sizeof err),
                     -1);
}

static void live_own_cgroup(void **state)
{
    (void)state;
    char out[128], err[256] = "";
    if (access("/proc/self/cgroup", R_OK) != 0)
        skip();
    assert_int_equal(procfs_task_cgroup("/", getpid(), gettid(), NULL, 0, out,
                                        sizeof out, err, sizeof err),
                     0);
    assert_null(strchr(out, '\n'));
    assert_true(out[0] != '/');
}

static void live_own_migrations(void **state)
{
    (void)state;
    enum { W = 8 * sizeof(unsigned long), N = 1024 / W };
    unsigned long was[N] = {0}, one[N];
    struct task_sched before = {0}, after = {0};
    int pid = getpid(), tid = gettid(), cpu[2], n = 0;
    char err[512] = "";
    long len = syscall(SYS_sched_getaffinity, 0, sizeof was, was);
    for (int c = 0; len > 0 && c < (int)len * 8 && n < 2; c++)
        if (was[c / W] >> (c % W) & 1)
            cpu[n++] = c;
    if (access("/proc/self/sched", R_OK) != 0 || n < 2)
        skip();
    memset(one, 0, sizeof one);
    one[cpu[0] / W] = 1UL << (cpu[0] % W);
    assert_int_equal(set_cpus(one, sizeof one), 0);
    assert_int_equal(
        procfs_task_sched("/", pid, tid, &before, err, sizeof err), 0);
    memset(one, 0, sizeof one);
    one[cpu[1] / W] = 1UL << (cpu[1] % W);
    assert_int_equal(set_cpus(one, sizeof one), 0);
    int rc = procfs_task_sched("/", pid, tid, &after, err, sizeof err);
    assert_int_equal(set_cpus(was, sizeof was), 0);
    assert_int_equal(rc, 0);
    assert_true(after.migrations > before.migrations);
}

/* A thread that sleeps is switched out asleep: a voluntary switch. */
static void live_own_sleep_counted(void **state)
{
    (void)state;
    struct task_sched before = {0}, after = {0};
    int pid = getpid(), tid = gettid();
    char err[512] = "";
    if (access("/proc/self/sched", R_OK) != 0)
        skip();
    assert_int_equal(procfs_task_sched("/", pid, tid, &before, err, sizeof err),
                     0);
    for (int i = 0; i < 3; i++)
        usleep(1000);
    assert_int_equal(procfs_task_sched("/", pid, tid, &after, err, sizeof err),
                     0);
    assert_true(after.voluntary >= before.voluntary + 3);
    assert_true(after.involuntary >= before.involuntary);
}

static void live_own_thread_listed(void **state)
{
    (void)state;
    int pid = getpid(), tid = gettid(), tgid = 0, tids[256], found = 0;
    char err[256] = "";
    int n = procfs_list_tasks("/", pid, tids, 256, err, sizeof err);
    assert_true(n >= 1);
    for (int i = 0; i < n; i++)
        found |= tids[i] == tid;
    assert_true(found);
    assert_int_equal(procfs_tgid("/", tid, &tgid, err, sizeof err), 0);
    assert_int_equal(tgid, pid);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(stat_of_recorded_process),
        cmocka_unit_test(stat_name_with_space_and_slash),
        cmocka_unit_test(stat_rt_policy_and_priority),
        cmocka_unit_test(stat_guest_time_of_kvm_vcpu),
        cmocka_unit_test(stat_name_of_fifteen_chars),
        cmocka_unit_test(stat_name_with_parentheses),
        cmocka_unit_test(stat_name_with_close_then_open),
        cmocka_unit_test(stat_long_name_is_cut),
        cmocka_unit_test(stat_empty_name),
        cmocka_unit_test(stat_truncated_line_refused),
        cmocka_unit_test(stat_missing_close_paren_refused),
        cmocka_unit_test(stat_non_numeric_field_refused),
        cmocka_unit_test(stat_negative_processor_refused),
        cmocka_unit_test(stat_missing_state_refused),
        cmocka_unit_test(stat_missing_tid_refused),
        cmocka_unit_test(stat_reader_missing_thread),
        cmocka_unit_test(stat_reader_names_cut_file),
        cmocka_unit_test(stat_reader_refuses_other_thread),
        cmocka_unit_test(schedstat_parsed),
        cmocka_unit_test(schedstat_reader),
        cmocka_unit_test(schedstat_wrong_count_refused),
        cmocka_unit_test(schedstat_reader_garbled),
        cmocka_unit_test(sched_counts_recorded),
        cmocka_unit_test(sched_counts_by_name),
        cmocka_unit_test(sched_counts_refused),
        cmocka_unit_test(tgid_of_thread),
        cmocka_unit_test(tgid_of_recorded_process),
        cmocka_unit_test(tgid_missing_line_refused),
        cmocka_unit_test(tgid_non_numeric_refused),
        cmocka_unit_test(tasks_listed_ascending),
        cmocka_unit_test(tasks_beyond_max_dropped_from_top),
        cmocka_unit_test(tasks_of_unknown_process_refused),
        cmocka_unit_test(pids_are_numeric_directories),
        cmocka_unit_test(cmdline_joined_with_spaces),
        cmocka_unit_test(cmdline_of_recorded_process),
        cmocka_unit_test(cmdline_of_kernel_thread_empty),
        cmocka_unit_test(cmdline_longer_than_buffer_refused),
        cmocka_unit_test(cpu_times_recorded),
        cmocka_unit_test(cpu_times_skip_offline_cpu),
        cmocka_unit_test(cpu_times_at_most_max),
        cmocka_unit_test(cpu_times_without_cpu_lines_refused),
        cmocka_unit_test(cpu_times_short_line_refused),
        cmocka_unit_test(softirqs_recorded),
        cmocka_unit_test(softirqs_by_cpu_number),
        cmocka_unit_test(softirqs_unknown_vector_refused),
        cmocka_unit_test(softirqs_more_cpus_than_room_refused),
        cmocka_unit_test(softirqs_short_row_refused),
        cmocka_unit_test(softirqs_bad_header_refused),
        cmocka_unit_test(interrupts_recorded),
        cmocka_unit_test(interrupts_queues_of_one_nic),
        cmocka_unit_test(interrupts_other_nic_whole_word),
        cmocka_unit_test(interrupts_counts_by_cpu_number),
        cmocka_unit_test(interrupts_shared_line_after_comma),
        cmocka_unit_test(interrupts_only_numbered_actions),
        cmocka_unit_test(interrupts_unknown_device_none),
        cmocka_unit_test(interrupts_at_most_max),
        cmocka_unit_test(interrupts_other_layouts),
        cmocka_unit_test(interrupts_without_header_refused),
        cmocka_unit_test(interrupts_garbled_count_refused),
        cmocka_unit_test(cpulist_ranges_and_singles),
        cmocka_unit_test(cpulist_all_64),
        cmocka_unit_test(cpulist_empty_is_zero),
        cmocka_unit_test(cpulist_reversed_range_refused),
        cmocka_unit_test(cpulist_cpu_64_refused),
        cmocka_unit_test(cpulist_garbage_refused),
        cmocka_unit_test(cpulist_formatted),
        cmocka_unit_test(cpulist_format_round_trip),
        cmocka_unit_test(cpulist_format_cut_between_items),
        cmocka_unit_test(online_cpus_read),
        cmocka_unit_test(online_cpus_refused),
        cmocka_unit_test(possible_cpus_counted),
        cmocka_unit_test(irq_affinity_read),
        cmocka_unit_test(irq_affinity_bad_file_refused),
        cmocka_unit_test(net_dev_recorded),
        cmocka_unit_test(net_dev_colon_touching_number),
        cmocka_unit_test(net_dev_name_of_fifteen_chars),
        cmocka_unit_test(net_dev_prefix_is_not_a_name),
        cmocka_unit_test(net_dev_unknown_device_refused),
        cmocka_unit_test(net_dev_short_row_refused),
        cmocka_unit_test(net_dev_without_header_refused),
        cmocka_unit_test(sysfs_statistics_counter),
        cmocka_unit_test(sysfs_device_file),
        cmocka_unit_test(sysfs_hex_flags),
        cmocka_unit_test(sysfs_unknown_device_refused),
        cmocka_unit_test(sysfs_unknown_counter_refused),
        cmocka_unit_test(sysfs_non_number_refused),
        cmocka_unit_test(sysfs_path_escape_refused),
        cmocka_unit_test(pktgen_finished_run),
        cmocka_unit_test(pktgen_idle),
        cmocka_unit_test(pktgen_error_text),
        cmocka_unit_test(pktgen_setting_is_not_a_run),
        cmocka_unit_test(pktgen_cut_result_refused),
        cmocka_unit_test(pktgen_missing_rate_line_refused),
        cmocka_unit_test(pktgen_without_result_refused),
        cmocka_unit_test(read_path_forms_agree),
        cmocka_unit_test(read_exact_fit),
        cmocka_unit_test(read_missing_file_refused),
        cmocka_unit_test(live_own_stat_and_schedstat),
        cmocka_unit_test(live_own_migrations),
        cmocka_unit_test(live_own_sleep_counted),
        cmocka_unit_test(cgroup_of_the_cpu_controller),
        cmocka_unit_test(live_own_cgroup),
        cmocka_unit_test(live_own_thread_listed),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
