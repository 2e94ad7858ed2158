#!/bin/sh
# tests/fuzz/run.sh - run libFuzzer harnesses, each for FUZZ_SECONDS.
#
#   FUZZ_SECONDS=60 sh tests/fuzz/run.sh BUILD HARNESS...
#
# `make fuzz` calls it with the harnesses it built in BUILD (build-fuzz).
# Each harness fuzz_NAME starts from the seeds in tests/fuzz/corpus/NAME
# (never written) and from what earlier runs kept in BUILD/fuzz/corpus/NAME
# (where new inputs go), with the dictionary tests/fuzz/NAME.dict when
# there is one. A crash, leak, sanitizer report or an input that takes
# more than 10 s is saved as BUILD/fuzz/NAME-crash-*, -leak-* or
# -timeout-* and fails the run; the log is BUILD/fuzz/NAME.log. The last
# line is "N passed, M failed", with executions and executions/s per
# harness before it.
set -u
secs=${FUZZ_SECONDS:-60}
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
    # shellcheck disable=SC2086
    "$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
        -print_final_stats=1 -artifact_prefix="$build/fuzz/$name-" $dict \
        "$work" "tests/fuzz/corpus/$name" >"$log" 2>&1
    rc=$?
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
    speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
    cov=$(grep -o 'cov: [0-9]*' "$log" | tail -n 1)
    if [ "$rc" -eq 0 ]; then
        echo "ok   $name: ${execs:-?} executions in ${secs} s" \
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
