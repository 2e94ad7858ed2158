#!/bin/sh
# bench/run.sh - wall time and event rate of vsrsim on fixed scenarios.
#
#   sh bench/run.sh            (or `make bench`)
#
# Two workloads, each run 3 times in a row with VSRSIM_STATS=1:
#   fig02   bin/vsrsim run models/paper/fig02.cfg --reps 3 --jobs 1
#               --csv /dev/null --db DB
#           with a fresh DB (an existing one could let vsrsim skip stored
#           runs): the virtual-router model, cores, threads and schedulers;
#   tandem  bin/bench-tandem --stations 4 --rho 0.9 --seconds 10 --seed 1
#           (bench/tandem.c): a plain tandem of 4 FIFO servers with bounded
#           queues, Poisson arrivals at load 0.9 of the slowest station,
#           Gamma and exponential service, on the same event engine (des,
#           eventq, rng, pktq) and nothing else. Its options are given here
#           so that a change of its defaults does not change the benchmark.
# Reported for each: the median of the 3 wall times, each the difference of
# two `date +%s.%N` readings around the process (start-up, and for fig02
# the database writes, included); and the median of the 3 events/s figures
# that the program prints on stderr, in a line
#   vsrsim: N events in S s wall, E events/s, simulated/wall X
# (its own count over its own CLOCK_MONOTONIC time: the whole sweep for
# vsrsim, the event loop alone for bench-tandem). The method is printed with
# the results so that a pasted report carries it. A workload whose scenario
# file or program is missing is skipped; the exit status is non-zero if any
# run failed. VSRSIM_BIN and TANDEM_BIN override the two programs' paths.
# Last, the paper campaign (`vsrsim paper`, every figure, 10 replications)
# runs once on all local cores and its wall time is reported.
set -eu

cd "$(dirname "$0")/.."
vsrsim=${VSRSIM_BIN:-bin/vsrsim}
tandem=${TANDEM_BIN:-bin/bench-tandem}
tandem_args="--stations 4 --rho 0.9 --seconds 10 --seed 1"
runs=3

if [ ! -x "$vsrsim" ]; then
    echo "bench: $vsrsim missing; run make first" >&2
    exit 1
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/vsrsim-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' HUP INT TERM

# Median of the numbers given as arguments.
median() {
    printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 }
        END { if (NR % 2) print v[(NR + 1) / 2];
              else printf "%.6g\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# The fields N S E X of the last stats line in file $1, or nothing.
stats_fields() {
    sed -n 's/^vsrsim: \([^ ]*\) events in \([^ ]*\) s wall, \([^ ]*\) events\/s, simulated\/wall \([^ ]*\).*$/\1 \2 \3 \4/p' \
        "$1" | tail -n 1
}

failed=0

# bench_runs CMD...: run CMD $runs times with VSRSIM_STATS=1 and print the
# wall and events/s lines of a result block (its heading already printed).
bench_runs() {
    walls=
    rates=
    last=
    i=1
    while [ "$i" -le "$runs" ]; do
        rm -f "$tmp/b.db" "$tmp/err"
        t0=$(date +%s.%N)
        if VSRSIM_STATS=1 "$@" >/dev/null 2>"$tmp/err"; then
            rc=0
        else
            rc=$?
        fi
        t1=$(date +%s.%N)
        if [ "$rc" -ne 0 ]; then
            echo "  FAILED: run $i exited with status $rc; its stderr ends:"
            tail -n 5 "$tmp/err" | sed 's/^/    /'
            failed=1
            return 0
        fi
        wall=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
        walls="$walls $wall"
        f=$(stats_fields "$tmp/err")
        if [ -n "$f" ]; then
            last=$f
            rates="$rates $(echo "$f" | awk '{ print $3 }')"
        fi
        i=$((i + 1))
    done
    # shellcheck disable=SC2086 # the lists are numbers separated by spaces
    echo "  wall: $(median $walls) s (median of $runs runs:$walls)"
    if [ -z "$rates" ]; then
        echo "  events/s: not reported (no 'vsrsim: N events in ...' line" \
            "on stderr with VSRSIM_STATS=1)"
    else
        # shellcheck disable=SC2086 # split N S E X into $1..$4
        set -- $last
        # shellcheck disable=SC2086
        echo "  events/s: $(median $rates) (median of $runs runs:$rates;" \
            "last run: $1 events in $2 s wall, simulated/wall $4)"
    fi
}

# bench_one NAME CFG: run vsrsim on scenario CFG and print one result block.
bench_one() {
    echo "$1 ($2):"
    if [ ! -f "$2" ]; then
        echo "  skipped: $2 missing"
        return 0
    fi
    bench_runs "$vsrsim" run "$2" --reps 3 --jobs 1 \
        --csv /dev/null --db "$tmp/b.db"
}

# bench_cmd NAME PROG [ARG...]: run PROG ARG... and print one result block.
bench_cmd() {
    name=$1
    shift
    echo "$name ($*):"
    if [ ! -x "$1" ]; then
        echo "  skipped: $1 missing; run make bench"
        return 0
    fi
    bench_runs "$@"
}

echo "vsrsim bench, $(date -u '+%Y-%m-%d %H:%M UTC'), $(uname -m)," \
    "$(nproc 2>/dev/null || echo '?') CPUs," \
    "$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo 2>/dev/null \
        | head -n 1)"
echo "method: each workload run $runs times with VSRSIM_STATS=1, a scenario" \
    "as '$vsrsim run CFG --reps 3 --jobs 1 --csv /dev/null --db (fresh" \
    "file)', the tandem-queue model (bench/tandem.c: single FIFO servers" \
    "in series, bounded queues, same event engine) as the command" \
    "shown; wall = median of the $runs differences of 'date +%s.%N' around" \
    "the process; events/s = median of the $runs values the program prints" \
    "on stderr"
bench_one fig02 models/paper/fig02.cfg
# shellcheck disable=SC2086 # tandem_args is a list of options
bench_cmd tandem "$tandem" $tandem_args

# The whole paper campaign once (it takes minutes): every models/paper
# scenario at full fidelity on all local cores, as `make paper` runs it.
jobs=$(nproc 2>/dev/null || echo 1)
echo "paper campaign ($vsrsim paper --jobs $jobs --out (fresh folder)," \
    "one run):"
t0=$(date +%s.%N)
if "$vsrsim" paper --jobs "$jobs" --out "$tmp/paper" >/dev/null \
    2>"$tmp/err"; then
    t1=$(date +%s.%N)
    echo "  wall: $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }') s" \
        "(target: 60 s on 2 cores)"
else
    echo "  FAILED; its stderr ends:"
    tail -n 5 "$tmp/err" | sed 's/^/    /'
    failed=1
fi
exit "$failed"
