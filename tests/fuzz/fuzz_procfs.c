/*
 * fuzz_procfs.c - libFuzzer harness of the /proc and /sys text parsers of
 * vsrcal (calib/procfs.c): every procfs_parse_* function but the pktgen
 * one (fuzz_pktgen.c) is fed the same input, as an exact-size
 * NUL-terminated copy so that any read past it is caught.
 *
 * Beyond what the sanitizers catch, it aborts when a parser fails without
 * one line of message, returns more entries than it was given room for,
 * or when a CPU list it accepted does not read back the same after
 * procfs_format_cpulist().
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "procfs.h"

static void die(const char *parser, const char *what)
{
    fprintf(stderr, "fuzz_procfs: %s: %s\n", parser, what);
    abort();
}

/* A failure needs one line of message; success, none required. */
static void check_err(const char *parser, int rc, const char *err)
{
    if (rc >= 0)
        return;
    if (rc != -1)
        die(parser, "returned neither a count nor -1");
    if (err[0] == '\0' || strchr(err, '\n'))
        die(parser, "failed without one line of message");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    char err[256];
    int rc;
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';

    struct task_stat ts;
    err[0] = '\0';
    check_err("task_stat", procfs_parse_task_stat(text, &ts, err, sizeof err),
              err);

    struct task_schedstat ss;
    err[0] = '\0';
    check_err("schedstat", procfs_parse_schedstat(text, &ss, err, sizeof err),
              err);

    struct task_sched sc;
    err[0] = '\0';
    check_err("sched", procfs_parse_sched(text, &sc, err, sizeof err), err);

    int tgid;
    err[0] = '\0';
    check_err("status", procfs_parse_status_tgid(text, &tgid, err,
                                                 sizeof err), err);

    struct cpu_times ct[4];
    err[0] = '\0';
    rc = procfs_parse_cpu_times(text, ct, 4, err, sizeof err);
    check_err("cpu_times", rc, err);
    if (rc > 4)
        die("cpu_times", "more lines than room");

    uint64_t per_cpu[8];
    err[0] = '\0';
    rc = procfs_parse_softirqs(text, "NET_RX", per_cpu, 8, err, sizeof err);
    check_err("softirqs", rc, err);
    if (rc > 8)
        die("softirqs", "a CPU beyond max");

    struct irq_line *irq = malloc(3 * sizeof *irq);
    if (irq) {
        err[0] = '\0';
        rc = procfs_parse_interrupts(text, "eth0", irq, 3, err, sizeof err);
        check_err("interrupts", rc, err);
        if (rc > 3)
            die("interrupts", "more IRQs than room");
        for (int i = 0; i < rc; i++)
            if (irq[i].ncpus < 0 || irq[i].ncpus > PROCFS_MAX_CPUS ||
                !memchr(irq[i].actions, '\0', sizeof irq[i].actions))
                die("interrupts", "CPU count or actions out of bounds");
        free(irq);
    }

    uint64_t mask;
    err[0] = '\0';
    rc = procfs_parse_cpulist(text, &mask, err, sizeof err);
    check_err("cpulist", rc, err);
    if (rc == 0) {
        char buf[96];
        uint64_t back;
        procfs_format_cpulist(mask, buf, sizeof buf);
        if (procfs_parse_cpulist(buf, &back, err, sizeof err) != 0 ||
            back != mask)
            die("cpulist", "does not read back after formatting");
        /* A short buffer: cut between items, always terminated. */
        size_t len = 1 + (size_t)(mask % 24);
        char *small = malloc(len);
        if (small) {
            procfs_format_cpulist(mask, small, len);
            if (!memchr(small, '\0', len))
                die("cpulist", "format left the buffer unterminated");
            free(small);
        }
    }

    struct netdev_counters nd;
    err[0] = '\0';
    check_err("net_dev", procfs_parse_net_dev(text, "eth0", &nd, err,
                                              sizeof err), err);
    free(text);
    return 0;
}
