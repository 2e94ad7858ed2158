#!/bin/sh
# tests/testbed/smoke.sh - end-to-end check of the live test router.
#
# Usage: tests/testbed/smoke.sh
#
# Brings the testbed up (testbed.sh up), sends RATE pps of 64-byte UDP for
# SECS seconds with trafgen in the generator namespace, counts what arrives
# at the sink TAP, brings the testbed down and checks that nothing is left:
# no domain, namespaces, TAPs, trafgen, QEMU or state directory. Passes when
# at least 95% of the packets are delivered and the teardown is clean.
#
# Exit status: 0 pass, 1 fail, 77 (with "SKIPPED: <reason>") when this
# machine cannot run the testbed. Timings go to stderr. Refuses to run when
# the testbed is already up, since it would tear down someone else's.
# Knobs: SMOKE_RATE (pps, default 10000), SMOKE_SECS (default 3).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
tb=$here/testbed.sh
RATE=${SMOKE_RATE:-10000}
SECS=${SMOKE_SECS:-3}
MIN_PERCENT=95

fail() {
    echo "FAIL: $*"
    exit 1
}

skip() {
    echo "SKIPPED: $*"
    exit 77
}

now() {
    date +%s.%N
}

elapsed() {
    awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'
}

sink_rx_packets() {
    ip netns exec "$TESTBED_SINK_NS" \
        cat "/sys/class/net/$TESTBED_SINK_DEV/statistics/rx_packets"
}

# Sends $1 packets at RATE pps from the generator namespace; prints
# trafgen's own count of packets sent. trafgen forks a worker and must be
# stopped as a process group: timeout(1) signals its whole group. No -q:
# the qdisc path into a TAP stalls rate-limited runs.
send_packets() {
    ip netns exec "$TESTBED_GEN_NS" \
        timeout -s INT -k 2 $((SECS + 10)) \
        trafgen -o "$TESTBED_GEN_DEV" -i "$TESTBED_TRAFGEN_CONF" \
        -P 1 -Q --no-sock-mem -b "${RATE}pps" -n "$1" 2>&1 |
        tr -d '\r' | awk '/packets outgoing/ { print $1 }'
}

# Fails unless every piece of the testbed is gone.
check_nothing_left() {
    left=
    if virsh -q -c "$TESTBED_URI" domstate "$TESTBED_DOMAIN" >/dev/null 2>&1; then
        left="$left domain:$TESTBED_DOMAIN"
    fi
    for ns in "$TESTBED_GEN_NS" "$TESTBED_SINK_NS"; do
        if ip netns list | grep -q "^$ns\( \|$\)"; then
            left="$left netns:$ns"
        fi
    done
    for dev in "$TESTBED_GEN_DEV" "$TESTBED_SINK_DEV"; do
        if ip link show "$dev" >/dev/null 2>&1; then
            left="$left tap:$dev"
        fi
    done
    if pgrep -f -- "trafgen .*$TESTBED_TRAFGEN_CONF" >/dev/null; then
        left="$left trafgen"
    fi
    if [ -e "$TESTBED_QEMU_PIDFILE" ] ||
        pgrep -f -- "guest=$TESTBED_DOMAIN," >/dev/null; then
        left="$left qemu"
    fi
    if [ -e "$TESTBED_STATE_DIR" ]; then
        left="$left state:$TESTBED_STATE_DIR"
    fi
    [ -z "$left" ] || fail "left behind after down:$left"
}

for c in trafgen timeout pgrep virsh ip; do
    command -v "$c" >/dev/null 2>&1 || skip "no $c"
done
if "$tb" status >/dev/null 2>&1; then
    fail "the testbed is already up; run '$tb down' first"
fi
eval "$("$tb" env)"

# From here on the testbed is ours: always take it down again.
up_done=0
trap '[ $up_done -eq 0 ] || "$tb" down >/dev/null 2>&1 || :' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

t0=$(now)
up_done=1
rc=0
out=$("$tb" up) || rc=$?
if [ $rc -eq 77 ]; then
    echo "$out"
    exit 77
fi
[ $rc -eq 0 ] || fail "testbed.sh up exited with $rc"
t1=$(now)
echo "smoke: up in $(elapsed "$t0" "$t1") s" \
    "($(grep -o 'uptime=[0-9.]*' "$TESTBED_SERIAL_LOG") guest)" >&2

n=$((RATE * SECS))
rx0=$(sink_rx_packets)
t2=$(now)
sent=$(send_packets "$n")
t3=$(now)
sleep 1 # let the queues drain
rx1=$(sink_rx_packets)
delivered=$((rx1 - rx0))
echo "smoke: trafgen sent ${sent:-?} of $n in $(elapsed "$t2" "$t3") s" >&2

t4=$(now)
up_done=0
"$tb" down || fail "testbed.sh down failed"
t5=$(now)
echo "smoke: down in $(elapsed "$t4" "$t5") s" >&2
check_nothing_left

pct=$(awk -v d="$delivered" -v n="$n" 'BEGIN { printf "%.1f", 100 * d / n }')
if [ $((delivered * 100)) -lt $((n * MIN_PERCENT)) ]; then
    fail "delivered $delivered of $n packets ($pct%) at $RATE pps"
fi
echo "PASS: delivered $delivered of $n packets ($pct%) at $RATE pps," \
    "clean teardown"
