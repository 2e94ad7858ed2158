/*
 * sleeper-share.c - the share of a CPU that Linux's fair class gives a
 * thread that sleeps often, against one that never sleeps.
 *
 *   sleeper-share RUN_US SLEEP_US SECONDS [CPU] [SLACK_NS]
 *
 * Two SCHED_OTHER threads, nice 0, pinned to CPU (default 1): a spinner,
 * and a sleeper that runs RUN_US of its own CPU time, sleeps SLEEP_US in
 * nanosleep() and runs again. SLACK_NS is the sleeper's timer slack (1 by
 * default; Linux's default is 50000, which stretches short sleeps). After
 * SECONDS it prints the share of the CPU each got (its CPU time over the
 * wall time) and the sleeper's cycles a second. tests/test_sched.c holds
 * the simulated fair class to what this measured.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <time.h>
#include <unistd.h>

static atomic_int stop;
static int cpu = 1;
static long long run_ns, sleep_ns, slack_ns = 1;

static long long clock_ns(clockid_t id)
{
    struct timespec t;
    clock_gettime(id, &t);
    return t.tv_sec * 1000000000LL + t.tv_nsec;
}

static int pin(void)
{
    cpu_set_t s;
    CPU_ZERO(&s);
    CPU_SET(cpu, &s);
    return pthread_setaffinity_np(pthread_self(), sizeof s, &s);
}

struct result {
    long long cpu_ns, cycles;
};

static void *spinner(void *arg)
{
    struct result *r = arg;
    if (pin() != 0)
        return NULL;
    while (!stop)
        ;
    r->cpu_ns = clock_ns(CLOCK_THREAD_CPUTIME_ID);
    return NULL;
}

static void *sleeper(void *arg)
{
    struct result *r = arg;
    if (pin() != 0 || prctl(PR_SET_TIMERSLACK, slack_ns) != 0)
        return NULL;
    struct timespec nap = {sleep_ns / 1000000000, sleep_ns % 1000000000};
    while (!stop) {
        long long t0 = clock_ns(CLOCK_THREAD_CPUTIME_ID);
        while (clock_ns(CLOCK_THREAD_CPUTIME_ID) - t0 < run_ns)
            ;
        nanosleep(&nap, NULL);
        r->cycles++;
    }
    r->cpu_ns = clock_ns(CLOCK_THREAD_CPUTIME_ID);
    return NULL;
}

int main(int argc, char **argv)
{
    if (argc < 4 || argc > 6) {
        fprintf(stderr, "usage: sleeper-share RUN_US SLEEP_US SECONDS [CPU] "
                        "[SLACK_NS]\n");
        return 2;
    }
    run_ns = atoll(argv[1]) * 1000;
    sleep_ns = atoll(argv[2]) * 1000;
    int seconds = atoi(argv[3]);
    if (argc > 4)
        cpu = atoi(argv[4]);
    if (argc > 5)
        slack_ns = atoll(argv[5]);
    if (run_ns <= 0 || sleep_ns <= 0 || seconds <= 0 || cpu < 0 ||
        cpu >= CPU_SETSIZE || slack_ns <= 0) {
        fprintf(stderr, "sleeper-share: RUN_US, SLEEP_US, SECONDS and "
                        "SLACK_NS must be positive, CPU a CPU number\n");
        return 2;
    }
    struct result s = {0, 0}, h = {0, 0};
    pthread_t ts, th;
    long long t0 = clock_ns(CLOCK_MONOTONIC);
    if (pthread_create(&th, NULL, spinner, &h) != 0 ||
        pthread_create(&ts, NULL, sleeper, &s) != 0) {
        perror("sleeper-share: pthread_create");
        return 1;
    }
    sleep((unsigned)seconds);
    stop = 1;
    pthread_join(th, NULL);
    pthread_join(ts, NULL);
    double wall = (double)(clock_ns(CLOCK_MONOTONIC) - t0);
    if (s.cpu_ns == 0 || h.cpu_ns == 0) {
        fprintf(stderr, "sleeper-share: cannot pin to CPU %d\n", cpu);
        return 1;
    }
    printf("run %lld us, sleep %lld us, slack %lld ns, CPU %d: sleeper "
           "%.3f, spinner %.3f of the CPU, %.0f cycles a second\n",
           run_ns / 1000, sleep_ns / 1000, slack_ns, cpu, s.cpu_ns / wall,
           h.cpu_ns / wall, s.cycles / (wall / 1e9));
    return 0;
}
