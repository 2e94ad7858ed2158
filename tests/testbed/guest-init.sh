#!/bin/busybox sh
# tests/testbed/guest-init.sh - PID 1 of the live test router's guest.
#
# `testbed.sh build` packs this file as /init next to a static busybox and
# the virtio-net modules (listed, dependencies first, in
# /lib/modules/load-order). Everything that names the testbed comes from
# the kernel command line, so testbed.sh is the one place that fixes it:
#
#   tb.mac0, tb.mac1     MACs of the guest's NICs (generator side, sink side)
#   tb.ip0, tb.ip1       their addresses, CIDR
#   tb.gen_ip, tb.gen_mac     generator TAP's address and MAC
#   tb.sink_ip, tb.sink_mac   sink TAP's address and MAC
#   tb.dst_ip            non-local traffic destination, resolved to sink_mac
#
# The guest forwards IPv4 between its two NICs with static neighbours only,
# so no ARP or ICMP redirect ever rides on the data path. It prints
# TESTBED-ROUTER-READY on the console when forwarding is set up, or
# TESTBED-ROUTER-FAILED: <reason> and powers off. Then it keeps a shell on
# the console (`virsh console`) for debugging.

# The tb_* variables are set by read_cmdline.
# shellcheck disable=SC2154

/bin/busybox --install -s /bin
export PATH=/bin

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev

fail() {
    echo "TESTBED-ROUTER-FAILED: $*" >/dev/console
    sleep 1
    poweroff -f
}

# Sets tb_<key> for every tb.<key>=<value> word of the kernel command line.
read_cmdline() {
    read -r line </proc/cmdline
    for w in $line; do
        case "$w" in
        tb.*=*)
            k=${w%%=*}
            k=${k#tb.}
            eval "tb_$k=\${w#*=}"
            ;;
        esac
    done
}

# Prints the name of the interface whose MAC is $1; fails if there is none.
ifname_by_mac() {
    for d in /sys/class/net/*; do
        if [ "$(cat "$d/address")" = "$1" ]; then
            echo "${d##*/}"
            return 0
        fi
    done
    return 1
}

# Waits up to 10 s for the NIC with MAC $1 to appear, prints its name.
wait_nic() {
    i=0
    while [ $i -lt 100 ]; do
        ifname_by_mac "$1" && return 0
        sleep 0.1
        i=$((i + 1))
    done
    return 1
}

read_cmdline
for k in mac0 mac1 ip0 ip1 gen_ip gen_mac sink_ip sink_mac dst_ip; do
    eval "[ -n \"\${tb_$k:-}\" ]" || fail "no tb.$k= on the kernel command line"
done

while read -r m; do
    insmod "/lib/modules/$m.ko" || fail "insmod $m"
done </lib/modules/load-order

if0=$(wait_nic "$tb_mac0") || fail "no NIC with MAC $tb_mac0"
if1=$(wait_nic "$tb_mac1") || fail "no NIC with MAC $tb_mac1"

ip link set lo up
ip link set "$if0" up || fail "$if0 up"
ip addr add "$tb_ip0" dev "$if0" || fail "$if0 address"
ip link set "$if1" up || fail "$if1 up"
ip addr add "$tb_ip1" dev "$if1" || fail "$if1 address"

echo 1 >/proc/sys/net/ipv4/ip_forward
for c in all default "$if0" "$if1"; do
    echo 0 >"/proc/sys/net/ipv4/conf/$c/send_redirects"
    echo 0 >"/proc/sys/net/ipv4/conf/$c/rp_filter"
done

# busybox ip cannot add neighbours; arp -s can.
arp -i "$if0" -s "$tb_gen_ip" "$tb_gen_mac" || fail "arp $tb_gen_ip"
arp -i "$if1" -s "$tb_sink_ip" "$tb_sink_mac" || fail "arp $tb_sink_ip"
arp -i "$if1" -s "$tb_dst_ip" "$tb_sink_mac" || fail "arp $tb_dst_ip"

echo "TESTBED-ROUTER-READY $if0=$tb_ip0 $if1=$tb_ip1 uptime=$(cut -d' ' -f1 /proc/uptime)" \
    >/dev/console

while :; do
    setsid cttyhack sh
    sleep 1
done
