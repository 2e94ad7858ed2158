/*
 * fuzz_scenario.c - libFuzzer harness of the scenario loader
 * (sim/scenario.c, scenario_load).
 *
 * The input is the text of a scenario file, handed to scenario_load()
 * through a memfd (/proc/self/fd/N). Its lines "#set KEY=VALUE", comments
 * to libconfig, are also given as --set overrides (at most 4), so that the
 * overrides are fuzzed with the file. Inputs holding "include" are
 * skipped: @include may name any file of the host (/dev/zero, a FIFO),
 * and the inclusion itself is libconfig's; tests/bad/ has its cases.
 *
 * Beyond what the sanitizers catch, it aborts when
 *   - a refusal is not one message naming the file or the option
 *     ("PATH..." or "--set ..."), or
 *   - an accepted scenario holds values the simulator cannot run: rates,
 *     durations and kernel periods that are not positive and finite,
 *     bindings outside the host's cores, a deadline runtime above its
 *     period.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "err.h"
#include "scenario.h"

#define MAX_SET 4

static int fd = -1;
static char path[64];
static struct scenario *sc;

static void die(const char *what, const char *detail)
{
    fprintf(stderr, "fuzz_scenario: %s: %s\n", what, detail);
    abort();
}

static void check_accepted(const struct scenario *s)
{
    char buf[96];
    if (s->nrates < 1 || s->nrates > SCENARIO_MAX_RATES)
        die("accepted", "rate count out of range");
    for (int i = 0; i < s->nrates; i++)
        if (!isfinite(s->rates_kpps[i]) || !(s->rates_kpps[i] > 0)) {
            snprintf(buf, sizeof buf, "rate %g", s->rates_kpps[i]);
            die("accepted", buf);
        }
    if (s->duration_ns <= 0 || s->warmup_ns < 0 || s->reps < 1)
        die("accepted", "duration, warm-up or reps not positive");
    if (s->ncurves < 1 || s->ncurves > SCENARIO_MAX_CURVES)
        die("accepted", "curve count out of range");
    for (int c = 0; c < s->ncurves; c++) {
        const struct vsr_config *v = &s->curve[c].cfg;
        const struct host_params *h = &v->hp;
        if (v->ncores < 1 || v->ncores > 64)
            die("accepted", "core count");
        uint64_t cores = v->ncores >= 64 ? ~0ULL : (1ULL << v->ncores) - 1;
        if (h->cfs_latency_ns <= 0 || h->cfs_min_gran_ns <= 0 ||
            h->rt_period_ns <= 0 || h->balance_interval_ns <= 0 ||
            h->load_halflife_ns <= 0 || h->cfs_wakeup_gran_ns < 0 ||
            h->rt_runtime_ns > h->rt_period_ns)
            die("accepted", "kernel period not positive");
        if (!isfinite(v->link_gbps) || !(v->link_gbps > 0))
            die("accepted", "link rate");
        for (int t = 0; t < v->nthreads; t++) {
            const struct vsr_thread_cfg *th = &v->thread[t];
            if (!th->cpus || (th->cpus & ~cores))
                die("accepted", "binding outside the cores");
            if (th->dl_runtime_ns < 0 || th->dl_runtime_ns > th->dl_period_ns)
                die("accepted", "deadline runtime above its period");
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (memmem(data, size, "include", 7) || memmem(data, size, "INCLUDE", 7))
        return 0;
    if (fd < 0) {
        fd = memfd_create("scenario.cfg", 0);
        if (fd < 0)
            die("memfd_create", "failed");
        snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
        sc = xmalloc(sizeof *sc);
    }
    if (ftruncate(fd, 0) != 0 ||
        (size && pwrite(fd, data, size, 0) != (ssize_t)size))
        die("memfd", "cannot write the input");

    /* "#set KEY=VALUE" lines, NUL-terminated copies. */
    char *text = xmalloc(size + 1);
    memcpy(text, data, size);
    text[size] = '\0';
    const char *set[MAX_SET];
    int nset = 0;
    for (char *line = text; line && nset < MAX_SET;) {
        char *next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        if (strncmp(line, "#set ", 5) == 0)
            set[nset++] = line + 5;
        line = next;
    }

    char err[1024] = "";
    int rc = scenario_load(sc, path, set, nset, err, sizeof err);
    if (rc == 0) {
        check_accepted(sc);
        scenario_clear(sc);
    } else if (rc != SIM_EINPUT || err[0] == '\0') {
        die("refused", "without a message");
    } else if (strncmp(err, path, strlen(path)) != 0 &&
               strncmp(err, "--set ", 6) != 0) {
        die("refused without naming the file or option", err);
    }
    free(text);
    return 0;
}
