#!/bin/sh
# tests/fuzz/run.sh - run libFuzzer harnesses, each for a time or a number
# of executions.
#
#   FUZZ_SECONDS=60 sh tests/fuzz/run.sh BUILD HARNESS...
#   FUZZ_RUNS=10000000 sh tests/fuzz/run.sh BUILD HARNESS...
#
# `make fuzz` calls it with the harnesses it built in BUILD (build-fuzz).
# Each harness runs for FUZZ_SECONDS (default 60) or, when FUZZ_RUNS is
# set, for that many executions (and FUZZ_SECONDS only if it is set too).
# Each harness fuzz_NAME starts from the seeds in tests/fuzz/corpus/NAME
# (never written) and from what earlier runs kept in BUILD/fuzz/corpus/NAME
# (where new inputs go), with the dictionary tests/fuzz/NAME.dict when
# there is one. A crash, leak, sanitizer report or an input that takes
# more than 10 s is saved as BUILD/fuzz/NAME-crash-*, -leak-* or
# -timeout-* and fails the run; the log is BUILD/fuzz/NAME.log. The last
# line is "N passed, M failed", with executions and executions/s per
# harness before it.
#
# Leaks: libFuzzer looks for leaks after every execution that allocated
# more than it freed. The scenario loader's library, libconfig, leaks on
# some syntax errors (tests/fuzz/lsan.supp), so nearly every mutated
# scenario would cost a scan of the whole heap (some 500 executions a
# second instead of 9000). The scenario harness is therefore fuzzed with
# leak detection off and, at the end, every input of its corpus (the
# inputs that reached new code, seeds included) is run once more with it
# on; the other harnesses look for leaks after every execution.
# FUZZ_LEAKS_AT_END names the harnesses treated so.
set -u
leaks_at_end=${FUZZ_LEAKS_AT_END:-scenario}
secs=${FUZZ_SECONDS:-}
runs=${FUZZ_RUNS:-}
[ -n "$secs$runs" ] || secs=60
limits=
[ -z "$secs" ] || limits="-max_total_time=$secs"
[ -z "$runs" ] || limits="$limits -runs=$runs"
# Leaks inside libconfig are not ours (tests/fuzz/lsan.supp says which).
LSAN_OPTIONS=suppressions=$(pwd)/tests/fuzz/lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}
export LSAN_OPTIONS
build=$1
shift
fails=0 passed=0
for bin in "$@"; do
    name=$(basename "$bin")
    name=${name#fuzz_}
    work=$build/fuzz/corpus/$name
    log=$build/fuzz/$name.log
    mkdir -p "$work"
    dict=
    [ ! -f "tests/fuzz/$name.dict" ] || dict="-dict=tests/fuzz/$name.dict"
    case " $leaks_at_end " in
    *" $name "*) leaks=0 ;;
    *) leaks=1 ;;
    esac
    # shellcheck disable=SC2086
    "$bin" $limits -detect_leaks=$leaks -timeout=10 -rss_limit_mb=2048 \
        -print_final_stats=1 -artifact_prefix="$build/fuzz/$name-" $dict \
        "$work" "tests/fuzz/corpus/$name" >"$log" 2>&1
    rc=$?
    if [ "$rc" -eq 0 ] && [ "$leaks" -eq 0 ]; then
        "$bin" -runs=0 -detect_leaks=1 -timeout=10 \
            -artifact_prefix="$build/fuzz/$name-" \
            "$work" "tests/fuzz/corpus/$name" >>"$log" 2>&1
        rc=$?
    fi
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
    speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
    cov=$(grep -o 'cov: [0-9]*' "$log" | tail -n 1)
    if [ "$rc" -eq 0 ]; then
        echo "ok   $name: ${execs:-?} executions in" \
            "$(sed -n 's/^Done [0-9]* runs in \([0-9]*\) second.*/\1/p' "$log" |
                head -n 1) s" \
            "(${speed:-?}/s), $cov, corpus $(find "$work" -type f | wc -l) inputs"
        passed=$((passed + 1))
    else
        echo "FAIL $name: exit $rc after ${execs:-?} executions; see $log"
        grep -m 3 -E 'ERROR|runtime error|fuzz_[a-z]+:|Test unit written' \
            "$log" | sed 's/^/     | /'
        fails=$((fails + 1))
    fi
done
echo "$passed passed, $fails failed"
[ "$fails" -eq 0 ]
