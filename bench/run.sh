#!/bin/sh
# bench/run.sh - wall time and event rate of vsrsim on fixed scenarios.
#
#   sh bench/run.sh            (or `make bench`)
#
# Each scenario is run 3 times in a row, each time as
#   VSRSIM_STATS=1 bin/vsrsim run CFG --reps 3 --jobs 1 --csv /dev/null --db DB
# with a fresh DB (an existing one could let vsrsim skip stored runs).
# Reported: the median of the 3 wall times, each the difference of two
# `date +%s.%N` readings around the process (start-up and database writes
# included); and the median of the 3 events/s figures that vsrsim prints on
# stderr with VSRSIM_STATS=1, in a line
#   vsrsim: N events in S s wall, E events/s, simulated/wall X
# (its own count over its own clock). The method is printed with the
# results so that a pasted report carries it. Scenarios whose file is missing
# are skipped; the exit status is non-zero if any run failed.
set -eu

cd "$(dirname "$0")/.."
vsrsim=${VSRSIM_BIN:-bin/vsrsim}
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

# bench_one NAME CFG: run CFG $runs times and print one result block.
bench_one() {
    name=$1
    cfg=$2
    echo "$name ($cfg):"
    if [ ! -f "$cfg" ]; then
        echo "  skipped: $cfg missing"
        return 0
    fi
    walls=
    rates=
    last=
    i=1
    while [ "$i" -le "$runs" ]; do
        rm -f "$tmp/b.db" "$tmp/err"
        t0=$(date +%s.%N)
        if VSRSIM_STATS=1 "$vsrsim" run "$cfg" --reps 3 --jobs 1 \
            --csv /dev/null --db "$tmp/b.db" >/dev/null 2>"$tmp/err"; then
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
            # shellcheck disable=SC2086 # split N S E X into $1..$4
            set -- $f
            rates="$rates $3"
        fi
        i=$((i + 1))
    done
    # shellcheck disable=SC2086 # the lists are numbers separated by spaces
    echo "  wall: $(median $walls) s (median of $runs runs:$walls)"
    if [ -z "$rates" ]; then
        echo "  events/s: not reported (no 'vsrsim: N events in ...' line" \
            "on stderr with VSRSIM_STATS=1)"
    else
        # shellcheck disable=SC2086
        set -- $last
        # shellcheck disable=SC2086
        echo "  events/s: $(median $rates) (median of $runs runs:$rates;" \
            "last run: $1 events in $2 s wall, simulated/wall $4)"
    fi
}

echo "vsrsim bench, $(date -u '+%Y-%m-%d %H:%M UTC'), $(uname -m)," \
    "$(nproc 2>/dev/null || echo '?') CPUs," \
    "$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo 2>/dev/null \
        | head -n 1)"
echo "method: each scenario run $runs times as" \
    "'VSRSIM_STATS=1 $vsrsim run CFG --reps 3 --jobs 1 --csv /dev/null" \
    "--db (fresh file)'; wall = median of the $runs differences of" \
    "'date +%s.%N' around the process; events/s = median of the $runs" \
    "values vsrsim prints on stderr"
bench_one fig02 models/paper/fig02.cfg
bench_one tandem models/bench/tandem.cfg
exit "$failed"
