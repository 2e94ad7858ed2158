#!/bin/sh
# bench/run.sh - event rates, memory, parallel speed-up and campaign wall
# time of vsrsim on fixed workloads, with ns-3 alongside where installed.
#
#   sh bench/run.sh                    (or `make bench`)
#   BENCH_CAMPAIGN=0 sh bench/run.sh   the same without the paper campaign
#
# Workloads, each run 3 times in a row with VSRSIM_STATS=1:
#   fig02   bin/vsrsim run models/paper/fig02.cfg --reps 3 --jobs 1
#               --csv /dev/null --db DB
#           with a fresh DB (an existing one could let vsrsim skip stored
#           runs): the virtual-router model, cores, threads and schedulers;
#   tandem  bin/bench-tandem --stations 4 --rho 0.9 --seconds 10 --seed 1
#           (bench/tandem.c): a plain tandem of 4 FIFO servers with bounded
#           queues, Poisson arrivals at load 0.9 of the slowest station,
#           Gamma and exponential service, on the same event engine (des,
#           eventq, rng, pktq) and nothing else;
#   engine  bin/bench-engine --pending N --events M --dist exp
#               --mean-ns 1000000 --seed 1
#           (bench/engine.c): the bare event loop (des, eventq) under the
#           hold model of ns-3's bench-scheduler, N = 100 and 100 000
#           pending events, each handler drawing its delay (as ns-3's
#           benchmark does: the draw, some 40 ns with GSL's exponential,
#           is then most of an event's cost); and with --delays table,
#           the engine alone: 65 536 delays drawn from the same stream
#           before the loop and taken in turn;
#   sweep   bin/vsrsim run models/paper/fig02.cfg --reps R --no-db
#               --csv /dev/null --set sim.warmup_ms=10
#               --set sim.duration_ms=100 --jobs J
#           a large sweep: R = BENCH_SWEEP_REPS, default 100, makes 7 500
#           runs, whose results the parent holds until the end. The runs
#           are a tenth of fig02's length, so that the sweep takes seconds
#           rather than minutes while its memory is still that of 7 500
#           runs. J = 1 and J = 2 take turns, so that a drift of the
#           machine's speed during the bench weighs on both alike.
# Options are given here so that a change of a program's defaults does not
# change the benchmark.
#
# Reported for each: the median of the 3 wall times, each the difference of
# two `date +%s.%N` readings around the process (start-up, and for fig02
# the database writes, included); the median of the 3 events/s figures that
# the program prints on stderr, in a line
#   vsrsim: N events in S s wall, E events/s, simulated/wall X[, P offered
#   packets/s]
# (its own count over its own CLOCK_MONOTONIC time: the whole sweep for
# vsrsim, the event loop alone for the others; P, from vsrsim, counts the
# packets its runs offer, warm-ups included: with packets batched in
# events, what a sweep's length follows); for the engine, ns per event
# (1e9 / E of each run, median of 3). Peak RSS is GNU time's %M around the
# vsrsim runs: ru_maxrss of the process and of the children it waited for,
# that is the largest of the parent and its workers (each counted whole,
# the pages they share included). The speed-up is the ratio of the medians
# of the sweep's wall times at --jobs 1 and --jobs 2. Each block ends with
# the load that other processes put on the machine meanwhile.
#
# ns-3: where pkg-config knows ns3-core (Debian's libns3-dev; its headers
# in /usr/include/ns3 with libns3-core are tried otherwise),
# bench/ns3-tandem.cc and bench/ns3-engine.cc are built with g++ into
# build/bench/ (BENCH_BUILD) and run as the tandem and engine workloads
# with the same options: the same models, seeds and GSL streams on ns-3's
# Simulator with its default scheduler, so that the ratios compare
# engines. The tandem's summary is checked to be the same as
# bench-tandem's. Debian's 3.37 library is built with NS_LOG compiled in
# (asserts out), which ns-3's release and optimized build profiles leave
# out. Without ns-3 (or g++, or when the build fails) these lines say so
# and the rest of the bench is unchanged.
#
# The method is printed with the results so that a pasted report carries
# it, and a summary puts the figures side by side with their targets. A
# workload whose scenario file or program is missing is skipped; the exit
# status is non-zero if any run failed. Last, unless BENCH_CAMPAIGN=0, the
# paper campaign (`vsrsim paper`, every figure, 10 replications, each of
# 2 s simulated after its warm-up: the scenarios' own 1 s is raised with
# --set sim.duration_ms=2000) runs once on all local cores and its wall
# time is reported, with the events it ran and what that time means per
# event on each core, against what 60 s would allow.
#
# A live network test (tests/live.sh and its QEMU guests) takes the CPUs
# the figures are measured on: before every run the bench waits, checking
# every 30 s, until none is left.
#
# Environment: VSRSIM_BIN, TANDEM_BIN, ENGINE_BIN (the programs),
# BENCH_BUILD (where the ns-3 programs are built), CXX (default g++),
# BENCH_SWEEP_REPS, BENCH_CAMPAIGN.
set -eu

cd "$(dirname "$0")/.."
vsrsim=${VSRSIM_BIN:-bin/vsrsim}
tandem=${TANDEM_BIN:-bin/bench-tandem}
engine=${ENGINE_BIN:-bin/bench-engine}
build=${BENCH_BUILD:-build/bench}
cxx=${CXX:-g++}
sweep_reps=${BENCH_SWEEP_REPS:-100}
campaign=${BENCH_CAMPAIGN:-1}
tandem_args="--stations 4 --rho 0.9 --seconds 10 --seed 1"
sweep_args="--no-db --csv /dev/null --set sim.warmup_ms=10
    --set sim.duration_ms=100"
# About half a second per run at 100 pending events, two at 100 000, on
# vsrsim's engine; ns-3's takes some 3-4 times as long.
engine_args="--dist exp --mean-ns 1000000 --seed 1"
engine_small="--pending 100 --events 5000000"
engine_large="--pending 100000 --events 2000000"
engine_table="--delays table"
timer=/usr/bin/time
runs=3

if [ ! -x "$vsrsim" ]; then
    echo "bench: $vsrsim missing; run make first" >&2
    exit 1
fi
case $sweep_reps in
'' | *[!0-9]* | 0*)
    echo "bench: BENCH_SWEEP_REPS: expected a positive integer" >&2
    exit 2
    ;;
esac

tmp=$(mktemp -d "${TMPDIR:-/tmp}/vsrsim-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' HUP INT TERM

# Median of the numbers given as arguments.
median() {
    printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 }
        END { if (NR % 2) print v[(NR + 1) / 2];
              else printf "%.6g\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# calc EXPR [FORMAT]: EXPR evaluated by awk, printed with FORMAT (%.3g).
calc() {
    awk "BEGIN { printf \"${2:-%.3g}\", $1 }"
}

# The fields N S E X [P] of the last stats line in file $1, or nothing. The
# line starts with the program's name: vsrsim, ns3-tandem or ns3-engine.
stats_fields() {
    sed -n 's/^[a-z0-9-]*: \([^ ]*\) events in \([^ ]*\) s wall, \([^ ]*\) events\/s, simulated\/wall \([^ ,]*\)\(, \([^ ]*\) offered packets\/s\)\{0,1\}$/\1 \2 \3 \4 \6/p' \
        "$1" | tail -n 1
}

# Wait while a live network test or a QEMU guest runs (see the top).
wait_quiet() {
    command -v pgrep >/dev/null 2>&1 || return 0
    said=0
    while pgrep -f 'tests/live.sh|qemu-system' >/dev/null 2>&1; do
        if [ "$said" -eq 0 ]; then
            echo "bench: waiting for a live test (tests/live.sh," \
                "qemu-system) to end" >&2
            said=1
        fi
        sleep 30
    done
}

# Other processes' load, which the figures assume to be nil; each result
# block ends with it, and the summary gives it over the whole bench (a
# speed-up, above all, means little on a busy machine). load_snap NAME
# saves in $tmp/load-NAME the busy and steal clock ticks of all CPUs
# (/proc/stat: user, nice, system, irq and softirq; steal), the CPU
# seconds of this script's finished children and the time. load_since
# NAME sets load_msg to the CPUs that processes other than the bench's
# kept busy since then, and the CPU time the hypervisor took (steal), each
# as a mean number of CPUs. Neither may run in a subshell: `times` there
# would not count this script's children.
load_snap() {
    times >"$tmp/times"
    {
        awk '/^cpu / { printf "%s %s ", $2 + $3 + $4 + $7 + $8, $9 }' \
            /proc/stat
        awk 'function sec(x, a) {
                sub(/s$/, "", x); split(x, a, "m"); return a[1] * 60 + a[2]
            }
            NR == 2 { printf "%.3f ", sec($1) + sec($2) }' "$tmp/times"
        date +%s.%N
    } >"$tmp/load-$1" 2>/dev/null || :
}

load_since() {
    load_snap now
    hz=$(getconf CLK_TCK 2>/dev/null || echo 100)
    load_msg=$(awk -v hz="$hz" '
        NR == 1 { b = $1; st = $2; own = $3; t = $4 }
        NR == 2 && NF == 4 && $4 > t {
            w = $4 - t
            o = (($1 - b) / hz - ($3 - own)) / w
            printf "%.2f CPUs busy with other processes on average, " \
                "steal %.2f CPUs", o < 0 ? 0 : o, ($2 - st) / hz / w
            ok = 1
        }
        END { if (!ok) printf "not measured (no /proc/stat)" }' \
        "$tmp/load-$1" "$tmp/load-now")
}

failed=0
if [ -x "$timer" ]; then
    have_timer=1
else
    have_timer=0
fi

# run_once RSS CMD...: wait for a quiet machine, then run CMD once with
# VSRSIM_STATS=1, its stdout in $tmp/out and stderr in $tmp/err. Sets
# wall (s), fields (N S E X of its stats line, or empty) and rss (peak RSS
# in KiB, measured when RSS is 1 and GNU time is there, else empty).
# Returns CMD's exit status.
run_once() {
    want_rss=$1
    shift
    wait_quiet
    rm -f "$tmp/b.db" "$tmp/err" "$tmp/rss"
    rss=
    t0=$(date +%s.%N)
    if [ "$want_rss" -eq 1 ] && [ "$have_timer" -eq 1 ]; then
        if VSRSIM_STATS=1 "$timer" -f %M -o "$tmp/rss" "$@" >"$tmp/out" \
            2>"$tmp/err"; then
            rc=0
        else
            rc=$?
        fi
        rss=$(tail -n 1 "$tmp/rss" 2>/dev/null || :)
    elif VSRSIM_STATS=1 "$@" >"$tmp/out" 2>"$tmp/err"; then
        rc=0
    else
        rc=$?
    fi
    t1=$(date +%s.%N)
    wall=$(calc "$t1 - $t0" %.3f)
    fields=$(stats_fields "$tmp/err")
    return "$rc"
}

# run_failed I RC: report that run I ended with status RC.
run_failed() {
    echo "  FAILED: run $1 exited with status $2; its stderr ends:"
    tail -n 5 "$tmp/err" | sed 's/^/    /'
    failed=1
}

# MiB from KiB, for the figures of peak RSS.
mib() {
    calc "$1 / 1024" %.1f
}

# bench_runs RSS CMD...: run CMD $runs times and print the wall, events/s
# and (when RSS is 1) peak RSS lines of a result block, its heading already
# printed. Sets med_wall, med_rate, med_pkts (offered packets/s, vsrsim
# only) and med_rss (empty when not measured).
bench_runs() {
    want=$1
    shift
    walls=
    rates=
    pkts=
    rsss=
    last=
    med_wall=
    med_rate=
    med_pkts=
    med_rss=
    load_snap block
    i=1
    while [ "$i" -le "$runs" ]; do
        if run_once "$want" "$@"; then
            :
        else
            run_failed "$i" "$?"
            return 0
        fi
        walls="$walls $wall"
        if [ -n "$fields" ]; then
            last=$fields
            rates="$rates $(echo "$fields" | awk '{ print $3 }')"
            pkts="$pkts $(echo "$fields" | awk '{ print $5 }')"
        fi
        [ -z "$rss" ] || rsss="$rsss $rss"
        i=$((i + 1))
    done
    # shellcheck disable=SC2086 # the lists are numbers separated by spaces
    med_wall=$(median $walls)
    echo "  wall: $med_wall s (median of $runs runs:$walls)"
    if [ -z "$rates" ]; then
        echo "  events/s: not reported (no 'NAME: N events in ...' line" \
            "on stderr with VSRSIM_STATS=1)"
    else
        # shellcheck disable=SC2086
        med_rate=$(median $rates)
        # shellcheck disable=SC2086 # split N S E X into $1..$4
        set -- $last
        echo "  events/s: $med_rate (median of $runs runs:$rates;" \
            "last run: $1 events in $2 s wall, simulated/wall $4)"
    fi
    # shellcheck disable=SC2086 # one number per run, or none
    if [ -n "$(echo $pkts)" ]; then
        # shellcheck disable=SC2086
        med_pkts=$(median $pkts)
        echo "  offered packets/s: $med_pkts (median of $runs runs:$pkts)"
    fi
    if [ "$want" -eq 1 ]; then
        if [ -z "$rsss" ]; then
            echo "  peak RSS: not measured ($timer missing)"
        else
            # shellcheck disable=SC2086
            med_rss=$(median $rsss)
            echo "  peak RSS: $(mib "$med_rss") MiB (median of $runs" \
                "runs, KiB:$rsss; target: 64 MiB)"
        fi
    fi
    load_since block
    echo "  other load: $load_msg"
}

# bench_engine CMD...: run a hold-model program $runs times and print its
# ns/event and events/s. Sets med_ns (empty when a run failed).
bench_engine() {
    nss=
    med_ns=
    load_snap block
    i=1
    while [ "$i" -le "$runs" ]; do
        if run_once 0 "$@"; then
            :
        else
            run_failed "$i" "$?"
            return 0
        fi
        if [ -z "$fields" ]; then
            echo "  FAILED: run $i printed no 'NAME: N events in ...' line"
            failed=1
            return 0
        fi
        nss="$nss $(echo "$fields" | awk '{ printf "%.1f", 1e9 / $3 }')"
        i=$((i + 1))
    done
    # shellcheck disable=SC2086
    med_ns=$(median $nss)
    echo "  ns/event: $med_ns (median of $runs runs:$nss);" \
        "events/s: $(calc "1e9 / $med_ns" %.0f)"
    load_since block
    echo "  other load: $load_msg"
}

# bench_one NAME CFG: run vsrsim on scenario CFG and print one result block.
bench_one() {
    echo "$1 ($vsrsim run $2 --reps 3 --jobs 1 --csv /dev/null --db (fresh" \
        "file)):"
    med_wall=
    med_rate=
    med_rss=
    if [ ! -f "$2" ]; then
        echo "  skipped: $2 missing"
        return 0
    fi
    bench_runs 1 "$vsrsim" run "$2" --reps 3 --jobs 1 \
        --csv /dev/null --db "$tmp/b.db"
}

# bench_cmd NAME PROG [ARG...]: run PROG ARG... and print one result block.
bench_cmd() {
    name=$1
    shift
    echo "$name ($*):"
    med_wall=
    med_rate=
    med_rss=
    if [ ! -x "$1" ]; then
        echo "  skipped: $1 missing; run make bench"
        return 0
    fi
    bench_runs 0 "$@"
}

# bench_hold NAME PROG [ARG...]: a hold-model result block.
bench_hold() {
    name=$1
    shift
    echo "$name ($*):"
    med_ns=
    if [ ! -x "$1" ]; then
        echo "  skipped: $1 missing; run make bench"
        return 0
    fi
    bench_engine "$@"
}

# bench_sweep CFG: the sweep at --jobs 1 and --jobs 2 in turn, $runs each.
# Sets sweep_wall1, sweep_wall2, sweep_rss1, sweep_rss2 and speedup.
bench_sweep() {
    sweep_wall1=
    sweep_wall2=
    sweep_rss1=
    sweep_rss2=
    speedup=
    # shellcheck disable=SC2086 # sweep_args is a list of options
    echo "sweep ($vsrsim run $1 --reps $sweep_reps" $sweep_args \
        "--jobs J; J = 1 and 2 in turn, $runs runs each):"
    if [ ! -f "$1" ]; then
        echo "  skipped: $1 missing"
        return 0
    fi
    w1=
    w2=
    r1=
    r2=
    load_snap block
    i=1
    while [ "$i" -le "$runs" ]; do
        for j in 1 2; do
            # shellcheck disable=SC2086
            if run_once 1 "$vsrsim" run "$1" --reps "$sweep_reps" \
                $sweep_args --jobs "$j"; then
                :
            else
                run_failed "$i (--jobs $j)" "$?"
                return 0
            fi
            if [ "$j" -eq 1 ]; then
                w1="$w1 $wall"
                [ -z "$rss" ] || r1="$r1 $rss"
            else
                w2="$w2 $wall"
                [ -z "$rss" ] || r2="$r2 $rss"
            fi
        done
        i=$((i + 1))
    done
    # shellcheck disable=SC2086
    sweep_wall1=$(median $w1)
    # shellcheck disable=SC2086
    sweep_wall2=$(median $w2)
    speedup=$(calc "$sweep_wall1 / $sweep_wall2" %.2f)
    echo "  --jobs 1 wall: $sweep_wall1 s (median of $runs runs:$w1)"
    echo "  --jobs 2 wall: $sweep_wall2 s (median of $runs runs:$w2)"
    echo "  speed-up: $speedup (--jobs 1 wall / --jobs 2 wall;" \
        "target: 1.8 on 2 cores, this machine has $cpus CPUs)"
    if [ -n "$r1" ] && [ -n "$r2" ]; then
        # shellcheck disable=SC2086
        sweep_rss1=$(median $r1)
        # shellcheck disable=SC2086
        sweep_rss2=$(median $r2)
        echo "  peak RSS --jobs 1: $(mib "$sweep_rss1") MiB (median of" \
            "$runs runs, KiB:$r1; target: 64 MiB)"
        echo "  peak RSS --jobs 2: $(mib "$sweep_rss2") MiB (largest of" \
            "parent and workers; median of $runs runs, KiB:$r2)"
    else
        echo "  peak RSS: not measured ($timer missing)"
    fi
    load_since block
    echo "  other load: $load_msg"
}

# ns-3 programs: ns3_flags sets ns3_cflags and ns3_libs and returns 0 when
# ns-3's core library is installed; ns3_build NAME builds $build/NAME from
# bench/NAME.cc, with the compiler's messages in $tmp/cxx. Each bench
# builds them afresh (a few seconds), so that a new ns-3 or compiler is
# never measured through an old binary.
ns3_flags() {
    if pkg-config --exists ns3-core gsl 2>/dev/null; then
        ns3_cflags=$(pkg-config --cflags ns3-core gsl)
        ns3_libs=$(pkg-config --libs ns3-core gsl)
        ns3_version=$(pkg-config --modversion ns3-core)
        return 0
    fi
    if [ -f /usr/include/ns3/core-module.h ]; then
        ns3_cflags=
        ns3_libs="-lns3-core -lgsl -lgslcblas -lm"
        ns3_version="(version unknown: no pkg-config file)"
        return 0
    fi
    return 1
}

ns3_build() {
    mkdir -p "$build"
    # shellcheck disable=SC2086 # the flags are lists
    "$cxx" -std=c++17 -O2 -g -Wall -Wextra -Wshadow -Wformat=2 $ns3_cflags \
        -o "$build/$1" "bench/$1.cc" $ns3_libs >"$tmp/cxx" 2>&1
}

# The ns-3 block. Sets ns3_tandem_rate, ns3_small_ns and ns3_large_ns when
# measured.
ns3_tandem_rate=
ns3_small_ns=
ns3_large_ns=
ns3_table_ns=
bench_ns3() {
    if ! ns3_flags; then
        echo "ns-3: skipped (libns3-dev not installed)"
        return 0
    fi
    if ! command -v "$cxx" >/dev/null 2>&1; then
        echo "ns-3: skipped ($cxx not found)"
        return 0
    fi
    for p in ns3-tandem ns3-engine; do
        if ! ns3_build "$p"; then
            echo "ns-3: skipped (bench/$p.cc did not build against" \
                "ns-3 $ns3_version; $cxx says:)"
            head -n 10 "$tmp/cxx" | sed 's/^/    /'
            return 0
        fi
    done
    sched=$("$build/ns3-engine" --events 1 2>/dev/null |
        sed -n 's/^scheduler: //p')
    echo "ns-3 $ns3_version (libns3-core, scheduler ${sched:-unknown};" \
        "$cxx -O2, $build/):"
    # shellcheck disable=SC2086
    bench_cmd "ns-3 tandem" "$build/ns3-tandem" $tandem_args
    ns3_tandem_rate=$med_rate
    # The same model, seeds and streams must give the same summary.
    if [ -n "$med_wall" ] && [ -f "$tmp/tandem-out" ]; then
        if cmp -s "$tmp/tandem-out" "$tmp/out"; then
            echo "  summary: the same as bench-tandem's"
        else
            echo "  summary: NOT the same as bench-tandem's; ns-3's:"
            sed 's/^/    /' "$tmp/out"
        fi
    fi
    # shellcheck disable=SC2086
    bench_hold "ns-3 engine, 100 pending" "$build/ns3-engine" \
        $engine_small $engine_args
    ns3_small_ns=$med_ns
    # shellcheck disable=SC2086
    bench_hold "ns-3 engine, 100 000 pending" "$build/ns3-engine" \
        $engine_large $engine_args
    ns3_large_ns=$med_ns
    # shellcheck disable=SC2086
    bench_hold "ns-3 engine alone, 100 pending" "$build/ns3-engine" \
        $engine_small $engine_args $engine_table
    ns3_table_ns=$med_ns
}

# row LABEL VSRSIM NS3 RATIO TARGET: one line of the summary, "-" for an
# empty figure.
row() {
    printf '  %-33s %9s %9s %12s  %s\n' "$1" "${2:--}" "${3:--}" "${4:--}" \
        "${5:-}"
}

# M events/s from events/s, or nothing.
mega() {
    [ -z "$1" ] || calc "$1 / 1e6" %.2f
}

# The ratio of two speeds $1 / $2 as "N.NNx", or nothing.
ratio() {
    [ -z "$1" ] || [ -z "$2" ] || calc "$1 / $2" %.2fx
}

# "T (met)" or "T (MISSED)" for figure $1 against target $2, $3 being le
# (at most) or ge (at least); "T" alone without a figure.
target() {
    if [ -z "$1" ]; then
        echo "$2"
        return 0
    fi
    awk -v v="$1" -v t="$2" -v how="$3" 'BEGIN {
        ok = how == "le" ? v <= t : v >= t
        printf "%s (%s)\n", t, ok ? "met" : "MISSED" }'
}

# The machine: CPU model (with family and model, as a VM's model name can
# be as vague as "AMD EPYC"), physical cores, CPUs online, and whether it
# is a virtual machine.
cpus=$(nproc 2>/dev/null || echo '?')
cpu=$(awk -F': *' '
    /^model name/ && !m { m = $2 }
    /^cpu family/ && f == "" { f = $2 }
    /^model[ \t]*:/ && n == "" { n = $2 }
    /^physical id/ { p = $2 }
    /^core id/ { core[p " " $2] = 1 }
    /^flags/ && / hypervisor/ { vm = 1 }
    END {
        c = 0
        for (k in core) c++
        printf "%s", m == "" ? "unknown CPU" : m
        if (f != "") printf " (family %s, model %s)", f, n
        if (c) printf ", %d core%s", c, c == 1 ? "" : "s"
        if (vm) printf ", virtual machine"
    }' /proc/cpuinfo 2>/dev/null || :)
load_snap start
echo "vsrsim bench, $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "machine: ${cpu:-unknown CPU}, $cpus CPUs online, $(uname -sm)"
echo "method: each workload run $runs times in a row with VSRSIM_STATS=1 as" \
    "the command shown; wall = median of the $runs differences of" \
    "'date +%s.%N' around the process; events/s = median of the $runs" \
    "values the program prints on stderr (its events over its" \
    "CLOCK_MONOTONIC time: the whole sweep for vsrsim, the event loop" \
    "alone for the others); engine = hold model (N pending events, each" \
    "handler schedules one at now + an exponential delay of mean 1 ms," \
    "GSL taus2, drawn in the handler; engine alone: taken from a table" \
    "drawn before the loop), ns/event = median of 1e9 / events/s; peak" \
    "RSS = median" \
    "of '$timer -f %M' (the largest of vsrsim and its workers); speed-up" \
    "= sweep wall at --jobs 1 / at --jobs 2 (medians, runs alternated);" \
    "ns-3 = the same models and streams on ns-3's Simulator; ratios are of" \
    "medians from this run; other load = mean CPUs busy (/proc/stat) less" \
    "the bench's own CPU time, over the block's runs"
bench_one fig02 models/paper/fig02.cfg
fig02_rate=$med_rate
fig02_pkts=$med_pkts
fig02_rss=$med_rss
# shellcheck disable=SC2086 # tandem_args is a list of options
bench_cmd tandem "$tandem" $tandem_args
tandem_rate=$med_rate
# Its summary, for the check of ns-3's tandem.
[ -z "$med_wall" ] || cp "$tmp/out" "$tmp/tandem-out"
# shellcheck disable=SC2086
bench_hold "engine, 100 pending" "$engine" $engine_small $engine_args
small_ns=$med_ns
# shellcheck disable=SC2086
bench_hold "engine, 100 000 pending" "$engine" $engine_large $engine_args
large_ns=$med_ns
# shellcheck disable=SC2086
bench_hold "engine alone, 100 pending" "$engine" $engine_small $engine_args \
    $engine_table
table_ns=$med_ns
bench_sweep models/paper/fig02.cfg
bench_ns3

fig02_mib=${fig02_rss:+$(mib "$fig02_rss")}
sweep1_mib=${sweep_rss1:+$(mib "$sweep_rss1")}
sweep2_mib=${sweep_rss2:+$(mib "$sweep_rss2")}
echo "summary (medians above; vsrsim/ns-3 = how many times faster):"
row "" vsrsim ns-3 vsrsim/ns-3 target
row "fig02, M events/s" "$(mega "$fig02_rate")"
row "fig02, M offered packets/s" "$(mega "$fig02_pkts")"
row "tandem, M events/s" "$(mega "$tandem_rate")" \
    "$(mega "$ns3_tandem_rate")" "$(ratio "$tandem_rate" "$ns3_tandem_rate")"
row "engine, 100 pending, ns/event" "$small_ns" "$ns3_small_ns" \
    "$(ratio "$ns3_small_ns" "$small_ns")"
row "engine, 100 000 pending, ns/event" "$large_ns" "$ns3_large_ns" \
    "$(ratio "$ns3_large_ns" "$large_ns")"
row "engine alone, 100 pending, ns/ev" "$table_ns" "$ns3_table_ns" \
    "$(ratio "$ns3_table_ns" "$table_ns")" "$(target "$table_ns" 30 le)"
row "peak RSS fig02, MiB" "$fig02_mib" "" "" "$(target "$fig02_mib" 64 le)"
row "peak RSS sweep --jobs 1, MiB" "$sweep1_mib" "" "" \
    "$(target "$sweep1_mib" 64 le)"
row "peak RSS sweep --jobs 2, MiB" "$sweep2_mib" "" "" \
    "$(target "$sweep2_mib" 64 le)"
row "speed-up --jobs 2 (sweep)" "$speedup" "" "" \
    "$(target "$speedup" 1.8 ge)"
load_since start
echo "other load during the above: $load_msg (the figures assume an" \
    "otherwise idle machine)"

# The whole paper campaign once (it takes minutes): every models/paper
# scenario with its 10 replications on all local cores, each replication
# 2 s simulated after its warm-up.
jobs=$(nproc 2>/dev/null || echo 1)
echo "paper campaign ($vsrsim paper --jobs $jobs" \
    "--set sim.duration_ms=2000 --out (fresh folder), one run):"
if [ "$campaign" = 0 ]; then
    echo "  skipped (BENCH_CAMPAIGN=0)"
    exit "$failed"
fi
wait_quiet
load_snap campaign
t0=$(date +%s.%N)
if "$vsrsim" paper --jobs "$jobs" --set sim.duration_ms=2000 \
    --out "$tmp/paper" >"$tmp/out" \
    2>"$tmp/err"; then
    t1=$(date +%s.%N)
    wall=$(calc "$t1 - $t0" %.1f)
    echo "  wall: $wall s (target: 60 s on 2 cores)"
    # "...: N pass, ... (S s; R runs, E events)": what a core spent per
    # event, and what it may spend for the campaign to take 60 s.
    set -- $(sed -n 's/.*(\([0-9.]*\) s; \([0-9]*\) runs, \([0-9]*\) events)$/\2 \3/p' \
        "$tmp/out")
    if [ $# -eq 2 ] && [ "$2" -gt 0 ]; then
        echo "  $1 runs, $(calc "$2 / 1e6" %.0f) M events:" \
            "$(calc "$wall * $jobs * 1e9 / $2" %.1f) ns per event on each" \
            "of $jobs cores, everything included; 60 s would need" \
            "$(calc "60 * $jobs * 1e9 / $2" %.1f)"
    fi
    load_since campaign
    echo "  other load during it: $load_msg"
else
    echo "  FAILED; its stderr ends:"
    tail -n 5 "$tmp/err" | sed 's/^/    /'
    failed=1
fi
exit "$failed"
