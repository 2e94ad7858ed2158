#!/bin/sh
# tests/testbed/testbed.sh - a live virtual router to measure on.
#
# Usage: testbed.sh build OUTDIR | up | down | status | env
#
#   build OUTDIR  build the guest (OUTDIR/router-initrd.cpio.gz and a copy of
#                 the guest kernel, OUTDIR/vmlinuz); skipped when already
#                 built for the same kernel.
#   up            build if needed, start the router and wire it; prints the
#                 names below. Does nothing when the testbed is already up;
#                 tears down a half-built one first. On failure or signal it
#                 removes what it made.
#   down          remove everything `up` made, also after a failed or killed
#                 `up`. Never fails because something is already gone.
#   status        one-line summary; exit 0 if up and ready, 1 otherwise.
#   env           KEY=VALUE lines to source or parse (see print_env below).
#
# `up` and `build` print "SKIPPED: <reason>" and exit 77 on a machine that
# cannot run the testbed (not root, no /dev/net/tun, no QEMU, libvirt,
# busybox-static or Debian guest kernel with modules, /dev/null not a
# device).
#
# The testbed is a libvirt domain (qemu:///system) running a QEMU TCG guest
# that IP-forwards between two virtio-net NICs. Each NIC is a TAP that is
# moved, once QEMU holds it, into its own network namespace:
#
#   netns vsrgen                  domain vsrtest                netns vsrsink
#   vtgen0 10.0.1.1  ---- eth 10.0.1.2 | eth 10.0.2.2 ----  vtsink0 10.0.2.1
#   02:00:00:00:01:01     52:54:00:12:01:02  52:54:00:12:02:02   02:00:00:00:02:01
#
# Frames sent on vtgen0 (in vsrgen) to 10.0.2.100, a non-local address that
# the guest resolves statically to vtsink0's MAC, are forwarded by the guest
# and counted in vtsink0's rx_packets (in vsrsink), which drops them: no
# reply traffic. All neighbours are static on both sides.
#
# Names are fixed so that leftovers are easy to recognise. The state
# directory (TESTBED_STATE_DIR, default /run/vsrsim-testbed) holds the guest
# image, the domain XML, the serial log, the trafgen packet file and a
# "ready" stamp; `down` removes it. Use the same TESTBED_STATE_DIR for `up`
# and `down`. Other knobs: TESTBED_BOOT_TIMEOUT (s, default 60),
# TESTBED_KERNEL_VERSION (default: newest /boot/vmlinuz-* with modules).
#
# Without systemd, `up` starts virtlogd and libvirtd itself when libvirt is
# not reachable. `down` leaves them running: they are cheap, and other users
# of qemu:///system may need them. Runs of this script are serialised with
# flock(1) on the script file itself.
set -eu

here=$(cd "$(dirname "$0")" && pwd)

DOMAIN=vsrtest
URI=qemu:///system
GEN_NS=vsrgen
SINK_NS=vsrsink
GEN_DEV=vtgen0
SINK_DEV=vtsink0
GEN_MAC=02:00:00:00:01:01
SINK_MAC=02:00:00:00:02:01
GUEST_MAC0=52:54:00:12:01:02
GUEST_MAC1=52:54:00:12:02:02
GEN_NET=10.0.1.0
GEN_IP=10.0.1.1
GUEST_IP0=10.0.1.2
SINK_NET=10.0.2.0
SINK_IP=10.0.2.1
GUEST_IP1=10.0.2.2
DST_IP=10.0.2.100
PREFIX=24
READY_MARKER=TESTBED-ROUTER-READY
FAILED_MARKER=TESTBED-ROUTER-FAILED
QEMU_PIDFILE=/run/libvirt/qemu/$DOMAIN.pid

STATE_DIR=${TESTBED_STATE_DIR:-/run/vsrsim-testbed}
BOOT_TIMEOUT=${TESTBED_BOOT_TIMEOUT:-60}
BUSYBOX=/bin/busybox
QEMU=$(command -v qemu-system-x86_64 || echo /usr/bin/qemu-system-x86_64)
# Load order comes from modules.dep: these and their dependencies.
GUEST_MODULES="virtio_pci virtio_net"

# ---------------------------------------------------------------- helpers

die() {
    echo "testbed: $*" >&2
    exit 1
}

skip() {
    echo "SKIPPED: $*"
    exit 77
}

log() {
    echo "testbed: $*" >&2
}

have() {
    command -v "$1" >/dev/null 2>&1
}

# Seconds since the epoch, with fractions.
now() {
    date +%s.%N
}

# Prints $2 - $1 in seconds with one decimal.
elapsed() {
    awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'
}

virsh_() {
    virsh -q -c "$URI" "$@"
}

netns_exists() {
    ip netns list 2>/dev/null | grep -q "^$1\( \|$\)"
}

# Replaces every @KEY@ of template $1 and writes the result to $2.
render() {
    sed -e "s|@DOMAIN@|$DOMAIN|g" \
        -e "s|@KERNEL@|$STATE_DIR/guest/vmlinuz|g" \
        -e "s|@INITRD@|$STATE_DIR/guest/router-initrd.cpio.gz|g" \
        -e "s|@CMDLINE@|$(guest_cmdline)|g" \
        -e "s|@EMULATOR@|$QEMU|g" \
        -e "s|@GEN_DEV@|$GEN_DEV|g" -e "s|@SINK_DEV@|$SINK_DEV|g" \
        -e "s|@GEN_MAC@|$GEN_MAC|g" \
        -e "s|@GUEST_MAC0@|$GUEST_MAC0|g" -e "s|@GUEST_MAC1@|$GUEST_MAC1|g" \
        -e "s|@SRC_IP@|$GEN_IP|g" -e "s|@DST_IP@|$DST_IP|g" \
        -e "s|@SERIAL_LOG@|$STATE_DIR/serial.log|g" \
        "$1" >"$2.tmp"
    mv -f "$2.tmp" "$2"
}

guest_cmdline() {
    echo "console=ttyS0 panic=-1 quiet mitigations=off ipv6.disable=1" \
        "tb.mac0=$GUEST_MAC0 tb.mac1=$GUEST_MAC1" \
        "tb.ip0=$GUEST_IP0/$PREFIX tb.ip1=$GUEST_IP1/$PREFIX" \
        "tb.gen_ip=$GEN_IP tb.gen_mac=$GEN_MAC" \
        "tb.sink_ip=$SINK_IP tb.sink_mac=$SINK_MAC tb.dst_ip=$DST_IP"
}

# ---------------------------------------------------------------- guest image

# Prints the guest kernel version: TESTBED_KERNEL_VERSION, or the newest
# /boot/vmlinuz-<ver> that has a modules tree with virtio_net. The host's
# own kernel is irrelevant (it need not have modules at all).
guest_kernel_version() {
    if [ -n "${TESTBED_KERNEL_VERSION:-}" ]; then
        versions=$TESTBED_KERNEL_VERSION
    else
        versions=$(printf '%s\n' /boot/vmlinuz-* | sed 's|^/boot/vmlinuz-||' |
            sort -rV)
    fi
    for v in $versions; do
        if [ -r "/boot/vmlinuz-$v" ] && grep -q '/virtio_net\.ko' \
            "/lib/modules/$v/modules.dep" 2>/dev/null; then
            echo "$v"
            return 0
        fi
    done
    return 1
}

# Prints "name path" of the modules to load for $GUEST_MODULES, each after
# its dependencies, from modules.dep $1 (whose dependency lists end with
# the most basic module, as modprobe reads them).
module_load_order() {
    awk -v want="$GUEST_MODULES" '
        function base(p) {
            sub(/.*\//, "", p)
            sub(/\.ko(\.[a-z]+)?$/, "", p)
            return p
        }
        function visit(m,    n, d, i) {
            if (m in seen)
                return
            seen[m] = 1
            n = split(deps[m], d, " ")
            for (i = n; i >= 1; i--)
                visit(base(d[i]))
            print m, path[m]
        }
        {
            i = index($0, ":")
            m = base(substr($0, 1, i - 1))
            path[m] = substr($0, 1, i - 1)
            deps[m] = substr($0, i + 1)
        }
        END {
            n = split(want, w, " ")
            for (i = 1; i <= n; i++) {
                if (!(w[i] in path)) {
                    print "module " w[i] " not in modules.dep" > "/dev/stderr"
                    exit 1
                }
                visit(w[i])
            }
        }' "$1"
}

# Copies kernel module $1 to $2, uncompressed (busybox insmod takes plain
# .ko files; Debian 12 ships them plain, later releases compress them).
copy_module() {
    case "$1" in
    *.ko) cp "$1" "$2" ;;
    *.ko.xz) xz -dc "$1" >"$2" ;;
    *.ko.zst) zstd -qdc "$1" >"$2" ;;
    *.ko.gz) gzip -dc "$1" >"$2" ;;
    *) die "unknown module format: $1" ;;
    esac
}

# Exits 77 unless the guest can be built here.
check_build_prereqs() {
    [ -x "$BUSYBOX" ] || skip "no $BUSYBOX (install busybox-static)"
    if ldd "$BUSYBOX" >/dev/null 2>&1; then
        skip "$BUSYBOX is not statically linked (install busybox-static)"
    fi
    have cpio || skip "no cpio"
    have gzip || skip "no gzip"
    guest_kernel_version >/dev/null ||
        skip "no guest kernel (/boot/vmlinuz-* with virtio_net in /lib/modules)"
}

# build OUTDIR: writes OUTDIR/router-initrd.cpio.gz and OUTDIR/vmlinuz, all
# world-readable (libvirt runs QEMU as libvirt-qemu). Does nothing when they
# exist for the same kernel version. The image is assembled in a temporary
# directory and moved into place, so a killed build leaves nothing usable.
do_build() {
    out=$1
    check_build_prereqs
    kver=$(guest_kernel_version)
    if [ -f "$out/router-initrd.cpio.gz" ] && [ -f "$out/vmlinuz" ] &&
        [ "$(cat "$out/kernel-version" 2>/dev/null)" = "$kver" ]; then
        return 0
    fi
    mkdir -p "$out"
    chmod 755 "$out"
    tmp=$(mktemp -d "$out/.build.XXXXXX")
    root=$tmp/root
    mkdir -p "$root/bin" "$root/dev" "$root/proc" "$root/sys" \
        "$root/lib/modules"
    cp "$BUSYBOX" "$root/bin/busybox"
    cp "$here/guest-init.sh" "$root/init"
    chmod 755 "$root/init" "$root/bin/busybox"
    moddir=/lib/modules/$kver
    module_load_order "$moddir/modules.dep" >"$tmp/order" ||
        die "cannot resolve $GUEST_MODULES in $moddir/modules.dep"
    while read -r name path; do
        copy_module "$moddir/$path" "$root/lib/modules/$name.ko"
        echo "$name" >>"$root/lib/modules/load-order"
    done <"$tmp/order"
    (cd "$root" && find . | LC_ALL=C sort |
        cpio -o -H newc -R 0:0 --quiet) | gzip -9 >"$tmp/router-initrd.cpio.gz"
    cp "/boot/vmlinuz-$kver" "$tmp/vmlinuz"
    echo "$kver" >"$tmp/kernel-version"
    chmod 644 "$tmp/router-initrd.cpio.gz" "$tmp/vmlinuz" "$tmp/kernel-version"
    mv -f "$tmp/vmlinuz" "$tmp/router-initrd.cpio.gz" "$tmp/kernel-version" \
        "$out/"
    log "built guest for kernel $kver in $out, modules:" \
        "$(cut -d' ' -f1 "$tmp/order" | tr '\n' ' ')"
    rm -rf "$tmp"
}

# ---------------------------------------------------------------- libvirt

libvirt_reachable() {
    virsh -c "$URI" -q version >/dev/null 2>&1
}

# True when process $1 exists and is not a zombie (a daemon killed under
# an init that does not reap stays one, and kill -0 still finds it).
process_alive() {
    [ -n "$1" ] && [ -r "/proc/$1/stat" ] &&
        [ "$(sed 's/.*) //' "/proc/$1/stat" | cut -c1)" != Z ]
}

# Runs daemon $1 (-d) unless its pid file names a live process. fd 9 (the
# lock) is closed so that the daemon does not hold it.
start_daemon() {
    pidfile=/run/$1.pid
    if [ -f "$pidfile" ] && process_alive "$(cat "$pidfile")"; then
        return 0
    fi
    log "starting $1"
    "$1" -d 9<&- || die "cannot start $1"
}

ensure_libvirt() {
    libvirt_reachable && return 0
    start_daemon virtlogd
    start_daemon libvirtd
    i=0
    while ! libvirt_reachable; do
        i=$((i + 1))
        [ $i -le 100 ] || die "libvirtd does not answer on $URI"
        sleep 0.1
    done
}

domain_exists() {
    virsh_ domstate "$DOMAIN" >/dev/null 2>&1
}

domain_running() {
    [ "$(virsh_ domstate "$DOMAIN" 2>/dev/null)" = running ]
}

# Waits up to 10 s for the QEMU of the domain to be gone.
wait_qemu_gone() {
    pid=$(cat "$QEMU_PIDFILE" 2>/dev/null) || return 0
    i=0
    while process_alive "$pid"; do
        i=$((i + 1))
        [ $i -le 100 ] || die "QEMU $pid of $DOMAIN does not exit"
        sleep 0.1
    done
}

# ---------------------------------------------------------------- host side

# Creates TAP $1 with MAC $2 in the root namespace, for libvirt to open.
create_tap() {
    ip tuntap add dev "$1" mode tap || die "cannot create TAP $1"
    ip link set dev "$1" address "$2"
}

# Moves TAP $1 into a new namespace $2 and gives it address $3, a route to
# the other side's subnet $4 via the guest at $5 (MAC $6), no IPv6.
wire_tap() {
    ip netns add "$2"
    ip -n "$2" link set lo up
    ip link set dev "$1" netns "$2"
    ip netns exec "$2" sh -c "echo 1 >/proc/sys/net/ipv6/conf/$1/disable_ipv6" \
        2>/dev/null || :
    ip -n "$2" link set dev "$1" up
    ip -n "$2" addr add "$3/$PREFIX" dev "$1"
    ip -n "$2" neigh replace "$5" lladdr "$6" dev "$1" nud permanent
    ip -n "$2" route add "$4" via "$5" dev "$1"
}

# Waits for the serial log to show the guest's ready marker.
wait_guest_ready() {
    deadline=$(awk -v t="$(now)" -v d="$BOOT_TIMEOUT" 'BEGIN { printf "%d", t + d }')
    n=0
    while ! grep -q "$READY_MARKER" "$STATE_DIR/serial.log" 2>/dev/null; do
        if grep -q "$FAILED_MARKER" "$STATE_DIR/serial.log" 2>/dev/null; then
            die "guest: $(grep -o "$FAILED_MARKER.*" "$STATE_DIR/serial.log")"
        fi
        [ "$(date +%s)" -lt "$deadline" ] ||
            die "guest not ready after ${BOOT_TIMEOUT}s (see $STATE_DIR/serial.log)"
        n=$((n + 1))
        if [ $((n % 10)) -eq 0 ] && ! domain_running; then
            die "domain $DOMAIN stopped while booting"
        fi
        sleep 0.1
    done
}

# Checks end to end that the guest forwards: gen pings the sink's address.
check_forwarding() {
    i=0
    while ! ip netns exec "$GEN_NS" "$BUSYBOX" ping -c 1 -W 2 -q "$SINK_IP" \
        >/dev/null 2>&1; do
        i=$((i + 1))
        [ $i -lt 3 ] || die "no forwarding: $GEN_IP cannot reach $SINK_IP"
    done
}

# Kills the processes (trafgen and the like) still inside our namespaces.
kill_netns_procs() {
    for ns in "$GEN_NS" "$SINK_NS"; do
        netns_exists "$ns" || continue
        pids=$(ip netns pids "$ns" 2>/dev/null | tr '\n' ' ')
        [ -n "$pids" ] || continue
        log "killing processes in $ns: $pids"
        # shellcheck disable=SC2086
        kill -INT $pids 2>/dev/null || :
        sleep 0.5
        # shellcheck disable=SC2086
        kill -KILL $pids 2>/dev/null || :
    done
}

# ---------------------------------------------------------------- commands

check_up_prereqs() {
    [ "$(id -u)" -eq 0 ] || skip "not root"
    [ -c /dev/net/tun ] || skip "no /dev/net/tun"
    have ip || skip "no ip (iproute2)"
    [ -x "$QEMU" ] || skip "no qemu-system-x86_64"
    have virsh || skip "no virsh (libvirt-clients)"
    libvirt_reachable || { have libvirtd && have virtlogd; } ||
        skip "no libvirtd/virtlogd (libvirt-daemon-system)"
    ip netns list >/dev/null 2>&1 || skip "no network namespaces"
    # libvirt rebuilds /dev for QEMU in a private mount namespace and fails
    # ("Unable to move ... mount to /dev/null") when /dev/null has been
    # replaced by a regular file.
    [ -c /dev/null ] || skip "/dev/null is not a character device" \
        "(repair: rm -f /dev/null && mknod -m 666 /dev/null c 1 3)"
    check_build_prereqs
}

# True when the domain runs, the guest said ready and both TAPs are up in
# their namespaces.
is_ready() {
    [ -f "$STATE_DIR/ready" ] && libvirt_reachable && domain_running &&
        ip -n "$GEN_NS" link show "$GEN_DEV" 2>/dev/null | grep -q ',UP' &&
        ip -n "$SINK_NS" link show "$SINK_DEV" 2>/dev/null | grep -q ',UP'
}

# True when any piece of the testbed exists.
is_partly_up() {
    [ -e "$STATE_DIR" ] || netns_exists "$GEN_NS" || netns_exists "$SINK_NS" ||
        ip link show "$GEN_DEV" >/dev/null 2>&1 ||
        ip link show "$SINK_DEV" >/dev/null 2>&1 ||
        [ -e "$QEMU_PIDFILE" ] || [ -e "/etc/libvirt/qemu/$DOMAIN.xml" ] ||
        { libvirt_reachable && domain_exists; }
}

print_names() {
    echo "testbed up: domain $DOMAIN ($URI)," \
        "generator netns $GEN_NS dev $GEN_DEV $GEN_IP," \
        "sink netns $SINK_NS dev $SINK_DEV $SINK_IP," \
        "traffic to $DST_IP, state $STATE_DIR"
}

# EXIT trap of `up`: undo everything unless `up` succeeded.
up_exit() {
    trap - EXIT INT TERM HUP
    if [ "$1" -ne 0 ]; then
        log "up failed, cleaning up"
        do_down >/dev/null 2>&1 || :
    fi
    exit "$1"
}

do_up() {
    check_up_prereqs
    if is_ready; then
        print_names
        return 0
    fi
    t0=$(now)
    if is_partly_up; then
        log "removing a half-built testbed first"
        do_down
    fi
    trap 'up_exit $?' EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
    trap 'exit 129' HUP

    mkdir -p "$STATE_DIR"
    chmod 755 "$STATE_DIR"
    do_build "$STATE_DIR/guest"
    ensure_libvirt
    create_tap "$GEN_DEV" "$GEN_MAC"
    create_tap "$SINK_DEV" "$SINK_MAC"
    render "$here/domain.xml.in" "$STATE_DIR/domain.xml"
    render "$here/udp64.trafgen.in" "$STATE_DIR/udp64.trafgen"
    rm -f "$STATE_DIR/serial.log"
    virsh_ define "$STATE_DIR/domain.xml" >/dev/null ||
        die "cannot define $DOMAIN"
    t1=$(now)
    virsh_ start "$DOMAIN" >/dev/null || die "cannot start $DOMAIN"
    wait_guest_ready
    t2=$(now)
    wire_tap "$GEN_DEV" "$GEN_NS" "$GEN_IP" "$SINK_NET/$PREFIX" \
        "$GUEST_IP0" "$GUEST_MAC0"
    wire_tap "$SINK_DEV" "$SINK_NS" "$SINK_IP" "$GEN_NET/$PREFIX" \
        "$GUEST_IP1" "$GUEST_MAC1"
    check_forwarding
    print_env >"$STATE_DIR/env"
    touch "$STATE_DIR/ready"
    trap - EXIT INT TERM HUP
    log "guest ready $(elapsed "$t1" "$t2") s after start; up took $(elapsed "$t0" "$(now)") s"
    print_names
}

do_down() {
    kill_netns_procs
    if ! libvirt_reachable && { [ -e "$QEMU_PIDFILE" ] ||
        [ -e "/etc/libvirt/qemu/$DOMAIN.xml" ]; }; then
        ensure_libvirt
    fi
    if libvirt_reachable && domain_exists; then
        if domain_running; then
            virsh_ destroy "$DOMAIN" >/dev/null 2>&1 || :
        fi
        wait_qemu_gone
        virsh_ undefine "$DOMAIN" >/dev/null 2>&1 ||
            die "cannot undefine $DOMAIN"
    fi
    for ns in "$GEN_NS" "$SINK_NS"; do
        for dev in "$GEN_DEV" "$SINK_DEV"; do
            ip -n "$ns" link del "$dev" 2>/dev/null || :
        done
        if netns_exists "$ns"; then
            ip netns del "$ns" || die "cannot delete netns $ns"
        fi
    done
    for dev in "$GEN_DEV" "$SINK_DEV"; do
        if ip link show "$dev" >/dev/null 2>&1; then
            ip link del "$dev" || die "cannot delete $dev"
        fi
    done
    rm -rf "$STATE_DIR"
}

do_status() {
    if is_ready; then
        echo "testbed: up, domain $DOMAIN running, guest ready," \
            "$GEN_NS/$GEN_DEV -> $SINK_NS/$SINK_DEV"
        return 0
    fi
    if is_partly_up; then
        echo "testbed: not ready (partly up; run '$0 down')"
    else
        echo "testbed: down"
    fi
    return 1
}

# The testbed for other programs (calib's live mode, smoke.sh). The names
# are fixed; the files exist only while the testbed is up.
print_env() {
    cat <<EOF
TESTBED_DOMAIN=$DOMAIN
TESTBED_URI=$URI
TESTBED_GEN_NS=$GEN_NS
TESTBED_GEN_DEV=$GEN_DEV
TESTBED_GEN_MAC=$GEN_MAC
TESTBED_SINK_NS=$SINK_NS
TESTBED_SINK_DEV=$SINK_DEV
TESTBED_SINK_MAC=$SINK_MAC
TESTBED_GUEST_MAC0=$GUEST_MAC0
TESTBED_GUEST_MAC1=$GUEST_MAC1
TESTBED_SRC_IP=$GEN_IP
TESTBED_DST_IP=$DST_IP
TESTBED_TRAFGEN_CONF=$STATE_DIR/udp64.trafgen
TESTBED_FRAME_BYTES=64
TESTBED_STATE_DIR=$STATE_DIR
TESTBED_SERIAL_LOG=$STATE_DIR/serial.log
TESTBED_QEMU_PIDFILE=$QEMU_PIDFILE
EOF
}

usage() {
    echo "usage: $0 build OUTDIR | up | down | status | env" >&2
    exit 2
}

# The state directory is printed unquoted by `env` and used in sed.
case "$STATE_DIR" in
/*) ;;
*) die "TESTBED_STATE_DIR must be an absolute path" ;;
esac
case "$STATE_DIR" in
*[!A-Za-z0-9._/-]*) die "TESTBED_STATE_DIR may only use [A-Za-z0-9._/-]" ;;
esac

[ $# -ge 1 ] || usage
cmd=$1
shift
case "$cmd" in
build)
    [ $# -eq 1 ] || usage
    do_build "$1"
    ;;
up | down)
    [ $# -eq 0 ] || usage
    [ "$(id -u)" -eq 0 ] || { [ "$cmd" = up ] && skip "not root"; } ||
        die "must be root"
    exec 9<"$0"
    flock 9
    "do_$cmd"
    ;;
status)
    [ $# -eq 0 ] || usage
    do_status
    ;;
env)
    [ $# -eq 0 ] || usage
    print_env
    ;;
*) usage ;;
esac
