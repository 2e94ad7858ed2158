#!/bin/sh
# tests/run-unit.sh - run test programs in turn and count them.
#
#   sh tests/run-unit.sh PROGRAM...
#
# A PROGRAM whose name ends in .sh is run with sh, any other is executed.
# Stops at the first program that exits non-zero. The last line is always
# "N passed, M failed" (M is 0 or 1, since the run stops at a failure) and
# the exit status is 0 only if every program passed. VSRSIM_SRCDIR, which
# the tests use to find data/ and plots/, defaults to the current directory.
# VSRSIM_TEST_WRAPPER, when set, is a command line that every program (not
# the .sh ones) runs under, e.g. valgrind and its options.
set -u

: "${VSRSIM_SRCDIR:=$(pwd)}"
export VSRSIM_SRCDIR

passed=0
for t in "$@"; do
    echo "== $t"
    case $t in
    *.sh) sh "$t" ;;
    */*) ${VSRSIM_TEST_WRAPPER:-} "$t" ;;
    *) ${VSRSIM_TEST_WRAPPER:-} "./$t" ;;
    esac
    rc=$?
    if [ "$rc" -ne 0 ]; then
        echo "FAIL: $t (exit status $rc)"
        echo "$passed passed, 1 failed"
        exit 1
    fi
    passed=$((passed + 1))
done
echo "$passed passed, 0 failed"
