-- data/e5-1620.sql - the default cost model: the paper's host.
--
-- Intel Xeon E5-1620 (4 cores, 3.66 GHz), e1000e (82574L) Gigabit NICs,
-- host and guest Linux 3.4, qemu-kvm 1.1.0, macvtap + vhost-net, 64-byte
-- frames. Calibrated the way a testbed calibration would be, from the
-- paper's monolithic baseline only: the "4 cores, tight-bind" curve of
-- Fig 2 (peak about 900 kpps, vhost-net saturated) and its per-core CPU
-- use in Fig 9 (interrupts on core 0, vCPU on core 1, vhost-net on core 2).
-- Every other figure is a prediction from these numbers.
--
-- How the per-packet numbers are pinned down:
--   * vhost-net is the bottleneck of tight-bind: at the 900 kpps peak its
--     core is ~100% sys (Fig 9), so its cost per packet, both directions,
--     is 1 s / 900 k = 1.11 us. Under saturation vhost-net moves packets in
--     long runs, so per-run and signalling costs are amortised to a few
--     ns per packet; the rest splits evenly between handle_rx (copy into a
--     guest buffer) and handle_tx (qdisc + e1000e xmit), which do the same
--     amount of skb and ring work for 64-byte frames: 550 + 540 ns.
--   * The vCPU is less busy than vhost-net at the peak (Fig 9, core 1 below
--     core 2) and, with vhost-net split in two (Fig 10), becomes the
--     bottleneck a little above 900 kpps. Guest forwarding (virtio rx, IP
--     lookup, virtio xmit) is therefore ~0.9 us per packet, of which a
--     poll's fixed part is small: 820 ns per packet + 300 ns per poll.
--   * Core 0's irq time grows linearly with the offered rate (Fig 9). The
--     e1000e rx path into macvtap (driver, netif_receive_skb, macvlan
--     handle_frame, macvtap_receive) is 560 ns; cleaning a transmitted
--     descriptor is 200 ns. At ~1000 kpps this keeps core 0 above 75% busy,
--     as the two-vhost runs of Fig 11 show.
-- Event costs are typical for this generation of Intel CPU and KVM: a VM
-- exit and re-entry is about 1.2-1.5 us, a context switch with its cache
-- and TLB effects about 0.8 us, a hard interrupt about 1.5 us. A migration
-- costs the thread a cold L1/L2 cache: refilling 256 KiB of L2 at
-- ~10 GB/s, about 25 us, doubled for the refetch of its working set.
-- Coefficients of variation are those a testbed sees on per-packet costs
-- (10%) and on event costs (20-30%).

INSERT INTO cost_model (id, description, host, cpu_model, cpu_mhz, kernel,
                        qemu, plan, source)
VALUES ('e5-1620-paper',
        'KVM virtual router host of the paper (macvtap, vhost-net)',
        'paper testbed', 'Intel Xeon E5-1620', 3660, 'Linux 3.4',
        'qemu-kvm 1.1.0', 'Fig 2 tight-bind and Fig 9', 'paper-calibration');

INSERT INTO cost (model_id, activity, mean_ns, cv, unit, charged_as,
                  derivation)
VALUES
    ('e5-1620-paper', 'nic_irq', 1500, 0.2, 'event', 'irq',
     'hard IRQ entry/exit and NAPI scheduling: typical MSI interrupt cost'),
    ('e5-1620-paper', 'napi_poll', 500, 0.2, 'event', 'irq',
     'net_rx_action + e1000e poll set-up per poll'),
    ('e5-1620-paper', 'nic_rx_pkt', 560, 0.1, 'packet', 'irq',
     'Fig 9: core 0 irq time per packet minus tx cleaning (see header)'),
    ('e5-1620-paper', 'nic_tx_clean_pkt', 200, 0.1, 'packet', 'irq',
     'e1000e tx descriptor cleaning and skb free per packet'),
    ('e5-1620-paper', 'bridge_pkt', 600, 0.1, 'packet', 'irq',
     'bridge hop NIC <-> TAP, each direction: FDB lookup, br_forward and ' ||
     'the bridge-netfilter hooks (bridge-nf-call-iptables, on by default), ' ||
     'about 2200 cycles at 3.66 GHz; macvtap paths skip it'),
    ('e5-1620-paper', 'ovs_pkt', 300, 0.1, 'packet', 'irq',
     'Open vSwitch kernel datapath hop NIC <-> TAP, each direction: ' ||
     'exact-match flow lookup and output action with no netfilter hooks, ' ||
     'about half of bridge_pkt'),
    ('e5-1620-paper', 'wakeup', 300, 0.2, 'event', 'sys',
     'try_to_wake_up on the waker''s core'),
    ('e5-1620-paper', 'ctx_switch', 800, 0.2, 'event', 'sys',
     'context switch with cache/TLB effects on this CPU generation'),
    ('e5-1620-paper', 'migration', 50000, 1.0, 'event', 'sys',
     'cold L1/L2 after a migration: 256 KiB refill, doubled; cv 1.0: the ' ||
     'refill depends on what the new core last ran, fitted to the spread ' ||
     'of Fig 2 loose-bind in overload (about 4x tight-bind''s 99% CI)'),
    ('e5-1620-paper', 'vhost_run', 500, 0.2, 'event', 'sys',
     'one handle_rx/handle_tx invocation: locks, notify enable/disable'),
    ('e5-1620-paper', 'vhost_rx_pkt', 560, 0.1, 'packet', 'sys',
     'Fig 2/9: 1/900 kpps = 1.11 us per packet for vhost-net, rx half'),
    ('e5-1620-paper', 'vhost_tx_pkt', 540, 0.1, 'packet', 'sys',
     'Fig 2/9: 1/900 kpps = 1.11 us per packet for vhost-net, tx half'),
    ('e5-1620-paper', 'vhost_signal', 500, 0.2, 'event', 'sys',
     'eventfd write + irqfd injection request'),
    ('e5-1620-paper', 'guest_irq', 1200, 0.2, 'event', 'guest',
     'virtio interrupt injection, VM entry and guest handler'),
    ('e5-1620-paper', 'guest_poll', 300, 0.2, 'event', 'guest',
     'guest net_rx_action + virtnet_poll set-up and rx refill'),
    ('e5-1620-paper', 'guest_fwd_pkt', 820, 0.1, 'packet', 'guest',
     'Fig 9/10: vCPU below vhost-net at 900 kpps, bottleneck just above'),
    ('e5-1620-paper', 'guest_kick', 1500, 0.2, 'event', 'sys',
     'ioeventfd notify: VM exit, eventfd signal, VM entry'),
    ('e5-1620-paper', 'guest_halt', 1500, 0.2, 'event', 'sys',
     'HLT exit, vCPU block and later re-entry'),
    ('e5-1620-paper', 'guest_smp_pkt', 100, 0.2, 'packet', 'guest',
     'cache-line bouncing of the virtio queues between two vCPUs'),
    ('e5-1620-paper', 'qemu_pkt', 220, 0.2, 'packet', 'sys',
     'QEMU I/O thread over vhost-net, per packet and direction: ' ||
     'virtqueue_pop/push through the memory API and a ring-slot copy, ' ||
     'about 800 cycles; an estimate, not fitted to any figure'),
    ('e5-1620-paper', 'tap_syscall', 1500, 0.2, 'packet', 'sys',
     'read()/write() on a TAP fd: syscall entry/exit plus ' ||
     'tun_get_user/tun_put_user skb allocation and copy, about 5500 ' ||
     'cycles; an estimate, not fitted to any figure'),
    ('e5-1620-paper', 'host_fwd_pkt', 250, 0.1, 'packet', 'irq',
     'native forwarding after the driver''s receive: ip_rcv, route-cache ' ||
     'hit, ip_forward, qdisc and the e1000e descriptor write, about 900 ' ||
     'cycles; an estimate, not fitted to any figure'),
    ('e5-1620-paper', 'route_miss', 500, 0.2, 'packet', 'irq',
     'route-cache miss in the host: ip_route_input_slow with a one-level ' ||
     'fib_lookup, dst allocation, hash insertion and a share of the ' ||
     'cache''s garbage collection, about 1800 cycles; an estimate'),
    ('e5-1620-paper', 'guest_route_miss', 1000, 0.2, 'packet', 'guest',
     'the same slow path in the guest: its cache-cold walks of the route ' ||
     'hash and dst entries take two-dimensional (EPT) page walks, about ' ||
     'twice route_miss; an estimate'),
    ('e5-1620-paper', 'fib_level', 40, 0.2, 'event', 'irq',
     'one more LC-trie level in fib_lookup on a miss: a cache-missing node ' ||
     'read, about 150 cycles'),
    ('e5-1620-paper', 'click_pkt', 1800, 0.2, 'packet', 'guest',
     'a Click load balancer in the guest instead of IP forwarding: ' ||
     'packets cross to user-level Click and back through raw sockets, ' ||
     'about 6600 cycles; an estimate, not fitted to any figure'),
    ('e5-1620-paper', 'mq_hash_pkt', 80, 0.1, 'packet', 'irq',
     'multi-queue macvtap picks a queue by the packet''s flow hash ' ||
     '(skb_get_rxhash: flow dissection and jhash), about 300 cycles'),
    ('e5-1620-paper', 'gen_pkt', 1500, 0.2, 'packet', 'sys',
     'a generator on the host writing into a TAP (AF_PACKET sendto() of ' ||
     'a 64-byte frame and tun_net_xmit), about 5500 cycles, as ' ||
     'tap_syscall; the paper''s generator is another machine, so no ' ||
     'figure uses it'),
    ('e5-1620-paper', 'guest_tick', 0, 0, 'event', 'guest',
     'the guest''s timer tick: part of the idle and background load the ' ||
     'paper''s calibration does not separate from its per-packet costs, ' ||
     'so left out (0)'),
    ('e5-1620-paper', 'qemu_tick', 0, 0, 'event', 'sys',
     'QEMU''s main-loop timers: no QEMU I/O thread moves packets in the ' ||
     'paper''s calibration, so left out (0)'),
    ('e5-1620-paper', 'qemu_switch', 0, 0, 'event', 'sys',
     'a QEMU thread switched in after a sleep, beyond ctx_switch: under ' ||
     'KVM part of ctx_switch and the VM exit costs, so 0'),
    ('e5-1620-paper', 'qemu_resume', 0, 0, 'event', 'sys',
     'a QEMU thread switched in after a preemption: 0, as qemu_switch');
