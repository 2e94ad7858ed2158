#!/bin/sh
# tests/live.sh - vsrcal and `vsrsim validate` against the live test router.
#
#   sh tests/live.sh          (from the source tree, as root)
#
# Brings up tests/testbed/ (a QEMU guest routing between two TAPs), then:
#   1. vsrcal discover finds the vCPU (through QMP) and QEMU's main loop;
#   2. vsrcal measure runs the calibration configuration (shared-core:
#      vCPU and QEMU's main loop on core 1, trafgen on core 0), the same
#      with the vCPU pinned to each core in turn (vcpu-moved) and with
#      packets paced evenly (paced), and the other configurations of
#      models/testbed/configs.cfg, in rounds; every thread's affinity and
#      policy and the TAP's queue length are the same afterwards;
#   3. vsrcal fit fits the costs of shared-core from all rates but one,
#      the cost of a move between cores from vcpu-moved and that of a
#      switch in of a QEMU thread from paced, and checks the fitted
#      per-packet CPU time of every thread against
#      /proc's stat ticks at the rate it left out (within 20%, or within
#      the 99% interval of the repetitions' spread: this host's speed
#      moves by a third between repetitions);
#   4. a measurement stopped with SIGINT restores the host by itself; one
#      killed with SIGKILL leaves a journal that `vsrcal restore` replays;
#      one whose libvirt daemon dies stops, says why and restores the host;
#   5. `vsrsim validate` predicts the other configurations from that one
#      calibration and fails above 20% MAPE or peak error (the targets
#      are 10% and 5%; a peak measured with a wider 99% interval is
#      reported, not judged); LIVE_PEAK_REPORTED configurations, whose
#      peak the model is known to miss, fail above 20% MAPE and have
#      their peak reported; LIVE_REPORTED configurations, which the model
#      is known not to capture, are reported without limits (see
#      models/testbed/configs.cfg for both);
#   6. a measurement whose domain is destroyed under it stops, says why,
#      writes nothing and leaves the TAP's queue length as it found it;
# and takes the testbed down, checking that nothing is left behind.
#
# Prints "SKIPPED: reason" and passes where the machine cannot run the
# testbed (not root, no /dev/net/tun, no QEMU or libvirt). Results go to
# LIVE_OUT (default results/live), which keeps the measurements, the fitted
# model and the validation plot.
set -u

src=${VSRSIM_SRCDIR:-$(pwd)}
cd "$src" || exit 1
vsrcal=${VSRCAL_BIN:-bin/vsrcal}
vsrsim=${VSRSIM_BIN:-bin/vsrsim}
testbed="sh tests/testbed/testbed.sh"
out=${LIVE_OUT:-results/live}
configs=${LIVE_CONFIGS:-"short-tap io-with-generator vc50,io40"}
peak_reported=${LIVE_PEAK_REPORTED:-"vcpu-deadline"}
reported=${LIVE_REPORTED:-"vc40,io50"}
export VSRCAL_JOURNAL="$out/journal"

fail() {
    echo "live.sh: FAIL: $*" >&2
    exit 1
}

step() {
    echo "live.sh: $*"
}

# Affinity and policy of every thread of QEMU, and the TAP's queue length.
snapshot() {
    qemu=$(cat /run/libvirt/qemu/vsrtest.pid)
    for t in /proc/"$qemu"/task/*; do
        tid=${t##*/}
        printf '%s %s %s\n' "$tid" \
            "$(grep Cpus_allowed_list "$t/status" | tr -s '\t ' ' ')" \
            "$(chrt -p "$tid" | tr '\n' ' ')"
    done
    ip -n vsrgen -o link show vtgen0 | grep -o 'qlen [0-9]*'
}

same_as_before() {
    snapshot > "$out/after.txt"
    if ! cmp -s "$out/before.txt" "$out/after.txt"; then
        diff "$out/before.txt" "$out/after.txt" >&2
        fail "$1: the host differs from before"
    fi
    step "$1: affinities, policies and queue length as before"
}

# Whether a process named `1` runs. A generator killed after the vsrcal
# that started it belongs to init, which may take a while to reap it: a
# zombie does not count.
running() {
    pgrep -r D,I,R,S,T,t,W -x "$1" > /dev/null
}

# Start a measurement, let it run `2` seconds, send it signal `1`.
interrupt() {
    "$vsrcal" measure models/testbed/calibrate.cfg --db "$out/killed.db" \
        --curve shared-core > "$out/killed.log" 2>&1 &
    job=$!
    sleep "$2"
    snapshot > "$out/during.txt"
    kill -"$1" "$job"
    wait "$job"
}

# Start a measurement, and `1` seconds later run the rest of the arguments
# (what goes wrong); the measurement's exit status is returned.
fault() {
    "$vsrcal" measure models/testbed/calibrate.cfg --db "$out/fault.db" \
        --curve shared-core > "$out/fault.log" 2>&1 &
    job=$!
    sleep "$1"
    shift
    "$@" > /dev/null 2>&1
    wait "$job"
}

# What a failed measurement must leave: a message, no journal, no
# generator, no run in the database.
failed_cleanly() {
    [ "$2" -eq 1 ] || fail "$1: exit status $2, expected 1"
    grep -q "no longer running (or libvirt went away)" "$out/fault.log" ||
        fail "$1: no reason given: $(cat "$out/fault.log")"
    [ -f "$VSRCAL_JOURNAL" ] && fail "$1: the journal is left"
    running trafgen && fail "$1: trafgen left running"
    if [ -f "$out/fault.db" ]; then
        runs=$(sqlite3 "$out/fault.db" "SELECT count(*) FROM measured_run" \
               2> /dev/null || echo 0)
        [ "$runs" = 0 ] || fail "$1: $runs runs written"
    fi
}

mkdir -p "$out"
rm -f "$out"/*.db "$out/journal"
$testbed up > "$out/testbed.log" 2>&1
rc=$?
if [ "$rc" -eq 77 ]; then
    grep SKIPPED "$out/testbed.log"
    exit 0
fi
[ "$rc" -eq 0 ] || { cat "$out/testbed.log" >&2; fail "testbed up"; }
trap '$testbed down >> "$out/testbed.log" 2>&1' EXIT
trap 'exit 130' INT TERM
start=$(date +%s)

step "1. discover"
"$vsrcal" discover --domain vsrtest > "$out/discover.txt" ||
    fail "vsrcal discover"
grep -q 'thread ids from QMP' "$out/discover.txt" ||
    fail "discover: no thread ids from QMP"
grep -q 'vcpu0 = { kind = "vcpu"' "$out/discover.txt" &&
    grep -q 'io = { kind = "io"' "$out/discover.txt" ||
    fail "discover: no vCPU or main loop in the fragment"

step "2. measure the calibration configuration and the others, in rounds"
snapshot > "$out/before.txt"
set -- --curve shared-core --curve vcpu-moved --curve paced
for c in $configs $peak_reported $reported; do
    set -- "$@" --curve "$c"
done
"$vsrcal" measure models/testbed/configs.cfg --db "$out/measured.db" "$@" ||
    fail "vsrcal measure"
same_as_before "clean run"

step "3. fit shared-core, a move's and a switch's cost; check a rate left out"
"$vsrcal" fit models/testbed/configs.cfg --curve shared-core \
    --moves vcpu-moved --switches paced --db "$out/measured.db" --out "$out/calibration.db" \
    --id testbed --check-rate 15 --check-tol 0.2 > "$out/fit.txt"
rc=$?
cat "$out/fit.txt"
[ "$rc" -eq 0 ] || fail "vsrcal fit (or its check at 15 kpps)"
# vsrcal pinned vcpu-moved's vCPU to each core in turn every 10 ms: at
# the highest rate, where the vCPU is busy, the kernel counted about 100
# moves a second (where it counts them at all; at low rates fewer, as a
# vCPU asleep through a move and back has not moved).
moves=$(sqlite3 "$out/measured.db" "SELECT CAST(sum(m.value) / sum(w.value)
    AS INTEGER) FROM measured_sample m JOIN measured_sample w ON
    w.run_id = m.run_id AND w.offered_kpps = m.offered_kpps AND
    w.rep = m.rep AND w.entity = 'window' AND w.metric = 'seconds'
    JOIN measured_run r ON r.id = m.run_id WHERE r.config = 'vcpu-moved'
    AND m.entity = 'thread:vcpu0' AND m.metric = 'migrations' AND
    m.offered_kpps = (SELECT max(offered_kpps) FROM measured_point
                      WHERE run_id = r.id)")
if [ -n "$moves" ]; then
    [ "$moves" -ge 80 ] && [ "$moves" -le 120 ] ||
        fail "vcpu-moved: the vCPU moved $moves times a second at the" \
            "highest rate, expected 100"
    step "vcpu-moved: the vCPU moved $moves times a second at the highest rate"
fi

step "4. interrupted measurements"
interrupt INT 6
rc=$?
[ "$rc" -eq 130 ] || fail "SIGINT: exit status $rc, expected 130"
cmp -s "$out/before.txt" "$out/during.txt" &&
    fail "SIGINT: the measurement had changed nothing yet"
same_as_before "after SIGINT"
interrupt KILL 6
[ -f "$VSRCAL_JOURNAL" ] || fail "SIGKILL: no journal left"
"$vsrcal" restore || fail "vsrcal restore"
[ -f "$VSRCAL_JOURNAL" ] && fail "restore left the journal"
running trafgen && fail "restore left trafgen running"
same_as_before "after SIGKILL and vsrcal restore"
fault 6 pkill -KILL -x libvirtd
failed_cleanly "libvirtd killed mid-measurement" $?
same_as_before "after libvirtd died"
$testbed up >> "$out/testbed.log" 2>&1 || fail "testbed up after libvirtd died"

step "5. predictions from the calibration against the measurements"
validate() {
    "$vsrsim" validate --measured "$out/measured.db" \
        --scenario models/testbed/configs.cfg \
        --set costmodel.db="$(cd "$out" && pwd)/calibration.db" \
        --set costmodel.id=testbed "$@"
}
# validate_curves "LIST" ARGS...: validate the curves of LIST, if any.
validate_curves() {
    list=$1
    shift
    for c in $list; do
        set -- --curve "$c" "$@"
    done
    [ -z "$list" ] || validate "$@"
}
if [ -n "$reported" ]; then
    echo "reported, not asserted (see models/testbed/configs.cfg):"
    validate_curves "$reported" || fail "vsrsim validate (reported curves)"
fi
if [ -n "$peak_reported" ]; then
    echo "MAPE asserted, peak reported (see models/testbed/configs.cfg):"
    validate_curves "$peak_reported" --mape-max 20 > "$out/validate-mape.txt"
    rc=$?
    cat "$out/validate-mape.txt"
    [ "$rc" -eq 0 ] ||
        fail "vsrsim validate: a prediction is more than 20% off (MAPE):" \
            "$(grep 'OUTSIDE LIMITS' "$out/validate-mape.txt" | tr -s ' ' |
               paste -sd ';')"
fi
validate_curves "shared-core $configs" --mape-max 20 --peak-max 20 \
    --csv "$out/validate.csv" --plot "$out/validate.png" > "$out/validate.txt"
rc=$?
cat "$out/validate.txt"
[ "$rc" -eq 0 ] || fail "vsrsim validate: a prediction is more than 20% off:" \
    "$(grep 'OUTSIDE LIMITS' "$out/validate.txt" | tr -s ' ' | paste -sd ';')"

step "6. the domain destroyed mid-measurement"
qlen=$(ip -n vsrgen -o link show vtgen0 | grep -o 'qlen [0-9]*')
fault 6 virsh -c qemu:///system destroy vsrtest
failed_cleanly "domain destroyed mid-measurement" $?
[ "$(ip -n vsrgen -o link show vtgen0 | grep -o 'qlen [0-9]*')" = "$qlen" ] ||
    fail "domain destroyed mid-measurement: the TAP's queue length differs"
step "domain destroyed mid-measurement: stopped, queue length as before"

step "7. down"
trap - EXIT
$testbed down >> "$out/testbed.log" 2>&1 || fail "testbed down"
virsh -c qemu:///system list --all --name 2>/dev/null | grep -qx vsrtest &&
    fail "domain vsrtest left behind"
ip netns list | grep -Eq '^vsr(gen|sink)( |$)' && fail "namespaces left"
ip link show vtgen0 > /dev/null 2>&1 && fail "TAP vtgen0 left behind"
running trafgen && fail "trafgen left running"
pgrep -f 'guest=vsrtest' > /dev/null && fail "QEMU left running"
step "passed in $(($(date +%s) - start)) s; results in $out"
