-- data/schema.sql - the cost-model database of vsrsim, schema version 1.
--
-- This file is the one place where the schema is documented. It is the
-- contract between the simulator, which only reads it (sim/store.c), and the
-- calibration tool (calib/), which writes it. Data files such as
-- data/e5-1620.sql hold INSERT statements only and are applied after this
-- file:
--
--     cat data/schema.sql data/e5-1620.sql | sqlite3 costs.db
--
-- Applying this file again to an existing database is harmless: every
-- statement is CREATE ... IF NOT EXISTS.
--
-- Versioning. PRAGMA user_version holds the schema version. vsrsim refuses a
-- database whose user_version is greater than the version it was built for
-- (1); a database with user_version 0 (made without this file) is read as
-- version 1. Any change that an older vsrsim would misread (a renamed or
-- re-interpreted column, a changed unit) must raise the version; adding a
-- table or a nullable column need not.
--
-- Units. Every cost is CPU time on one core, in nanoseconds, as a mean over
-- many occurrences. The simulator draws each occurrence from a Gamma
-- distribution with that mean and coefficient of variation (stddev / mean).
--
-- Simulation results are NOT stored here: result files follow OMNeT++'s
-- SQLite result-file schema, which is written and cited in sim/store.c.

PRAGMA user_version = 1;

-- One row per cost model: a complete set of costs for one host.
--
--   id           short unique name, chosen on the command line and recorded
--                in every result (e.g. 'e5-1620'); at most 63 bytes
--   description  one line for humans
--   host         host name the costs were measured on, if measured
--   cpu_model    CPU model string (/proc/cpuinfo "model name")
--   cpu_mhz      nominal core clock in MHz
--   kernel       host kernel release (uname -r)
--   qemu         QEMU version used for the guest
--   created      when the model was made, ISO 8601 (informational only)
--   plan         the calibration plan that produced the costs (its name or
--                full text), so that the fit can be repeated
--   source       where the numbers come from: 'paper-calibration' (taken
--                from the published calibration) or 'vsrcal-fit' (fitted by
--                the calibration tool from measurements on this host)
CREATE TABLE IF NOT EXISTS cost_model (
    id          TEXT PRIMARY KEY,
    description TEXT NOT NULL,
    host        TEXT,
    cpu_model   TEXT,
    cpu_mhz     REAL,
    kernel      TEXT,
    qemu        TEXT,
    created     TEXT,
    plan        TEXT,
    source      TEXT NOT NULL
);

-- One row per (cost model, activity). A model is usable only when it has a
-- row for every activity listed below; vsrsim refuses an incomplete model
-- and names the first missing activity. Rows with activity names vsrsim
-- does not know are ignored, so a newer calibration tool may add
-- activities without breaking older simulators.
--
--   model_id     the cost_model this row belongs to
--   activity     one of the names below (sim/costmodel.c lists them)
--   mean_ns      mean cost of one occurrence, ns, >= 0
--   cv           coefficient of variation of the cost, >= 0 (0 = constant)
--   stderr_ns    standard error of mean_ns from the fit, if known
--   unit         what one occurrence is: 'packet' (charged once per packet
--                handled) or 'event' (once per interrupt, poll, wakeup,
--                switch, ... however many packets it handles)
--   charged_as   the CPU-time class in which the cost shows up in
--                /proc/stat and top on the host: 'irq' (hard and soft
--                interrupt time, hi + si), 'sys' (host kernel time of a
--                task, including KVM's exit handling) or 'guest' (time the
--                vCPU spends executing guest code)
--   derivation   how the number was obtained: the measurement and formula,
--                or the paper table it was taken from
--
-- vsrsim reads only activity, mean_ns and cv; unit, charged_as, stderr_ns
-- and derivation document the model and are checked by the calibration
-- tool.
--
-- The activities (unit, charged_as):
--
--   nic_irq           (event, irq)   hard IRQ entry and exit of the
--                                    physical NIC, per interrupt
--   napi_poll         (event, irq)   softirq net_rx_action plus one NAPI
--                                    poll of the NIC driver, per poll
--   nic_rx_pkt        (packet, irq)  driver receive and macvtap enqueue of
--                                    one packet
--   nic_tx_clean_pkt  (packet, irq)  tx completion cleaning of one packet
--   bridge_pkt        (packet, irq)  a Linux bridge hop between the NIC and a
--                                    TAP device, per packet and direction
--   ovs_pkt           (packet, irq)  an Open vSwitch (kernel datapath) hop
--                                    between the NIC and a TAP device, per
--                                    packet and direction
--   qemu_pkt          (packet, sys)  what QEMU's I/O thread adds to
--                                    vhost-net's work to move one packet
--                                    between a host ring and a virtio ring
--                                    in user space, per packet and direction
--   tap_syscall       (packet, sys)  one read() or write() on a TAP file
--                                    descriptor by QEMU, per packet
--   host_fwd_pkt      (packet, irq)  IP forwarding by the host itself (a
--                                    native router), after the driver's
--                                    receive, per packet
--   route_miss        (packet, irq)  a route-cache miss in the host: the
--                                    slow path and its share of garbage
--                                    collection, per miss
--   guest_route_miss  (packet, guest) the same miss in the guest
--   fib_level         (event, irq)   one more LC-trie level walked by a
--                                    miss, per level
--   click_pkt         (packet, guest) a Click load balancer's work in its
--                                    guest, per packet (instead of
--                                    guest_fwd_pkt)
--   mq_hash_pkt       (packet, irq)  a multi-queue macvtap choosing the
--                                    queue (VM) of a packet by its flow
--                                    hash, per packet
--   gen_pkt           (packet, sys)  a traffic generator on the host
--                                    itself (trafgen) writing one packet
--                                    into the VM's TAP device: its
--                                    sendto() and the TAP's enqueue
--   guest_tick        (event, guest) the guest's timer interrupt on a vCPU
--                                    and the housekeeping it runs, per
--                                    tick (vm.guest_hz a second, halted
--                                    or not); 0 leaves ticks out
--   qemu_tick         (event, sys)   QEMU's main loop running its timers,
--                                    per pass (host.qemu.timer_hz a
--                                    second), in an io thread; 0 leaves
--                                    them out
--   qemu_switch       (event, sys)   a QEMU thread (vCPU or I/O thread)
--                                    switched in after a sleep, beyond
--                                    ctx_switch: its wake-up back into its
--                                    own loop and the caches it refills
--                                    (microseconds under TCG); optional,
--                                    0 when a model leaves it out
--   qemu_resume       (event, sys)   the same after a preemption (it left
--                                    its core runnable): it goes on where
--                                    it stopped; optional, qemu_switch's
--                                    value when a model leaves it out
--   wakeup            (event, sys)   try_to_wake_up, charged to the waker
--                                    (in whatever class the waker runs;
--                                    'sys' is the class it was measured in)
--   ctx_switch        (event, sys)   one context switch, charged to the
--                                    core that switches
--   migration         (event, sys)   cold-cache penalty a thread pays after
--                                    moving to another core
--   vhost_run         (event, sys)   one handle_rx or handle_tx invocation
--                                    of a vhost worker
--   vhost_rx_pkt      (packet, sys)  vhost copy of one packet from macvtap
--                                    into the guest's virtio rx ring
--   vhost_tx_pkt      (packet, sys)  vhost transmit of one packet from the
--                                    virtio tx ring through the qdisc to
--                                    the NIC
--   vhost_signal      (event, sys)   one irqfd signal from vhost to the
--                                    guest
--   guest_irq         (event, guest) a virtio interrupt taken by the vCPU
--   guest_poll        (event, guest) one NAPI poll inside the guest
--   guest_fwd_pkt     (packet, guest) guest receive, IP forwarding and
--                                    transmit of one packet
--   guest_kick        (event, sys)   one guest notify (virtqueue kick): the
--                                    VM exit and its handling by KVM
--   guest_halt        (event, sys)   a HLT exit of an idle vCPU and its
--                                    later re-entry
--   guest_smp_pkt     (packet, guest) extra guest cost per packet when the
--                                    guest has more than one vCPU
CREATE TABLE IF NOT EXISTS cost (
    model_id   TEXT NOT NULL REFERENCES cost_model(id),
    activity   TEXT NOT NULL,
    mean_ns    REAL NOT NULL CHECK (mean_ns >= 0),
    cv         REAL NOT NULL CHECK (cv >= 0),
    stderr_ns  REAL,
    unit       TEXT NOT NULL CHECK (unit IN ('packet', 'event')),
    charged_as TEXT NOT NULL CHECK (charged_as IN ('irq', 'sys', 'guest')),
    derivation TEXT NOT NULL,
    PRIMARY KEY (model_id, activity)
);

-- Measured throughput curves, written by the calibration tool and read by
-- vsrsim's validate command, which compares them with simulated curves.
-- One row per measured curve.
--
--   id           row id, assigned by SQLite
--   model_id     the cost model these measurements were fitted into or are
--                to be compared with, if any (not a foreign key: a run may
--                be recorded before any model is fitted)
--   config       which configuration was measured, named as the curve of
--                the scenario it is compared with
--   created      when the measurement was made, ISO 8601 (informational)
--   host         host name the measurement ran on
--   notes        free text
--   plan         the scenario text of the calibration plan that was run
CREATE TABLE IF NOT EXISTS measured_run (
    id       INTEGER PRIMARY KEY,
    model_id TEXT,
    config   TEXT NOT NULL,
    created  TEXT,
    host     TEXT,
    notes    TEXT,
    plan     TEXT
);

-- The raw samples of a measured run: one row per quantity per repetition
-- at each offered rate, as the difference of two readings taken while the
-- traffic runs: the first once it has run measure.settle_s, the second
-- measure.point_s later, before it stops (the queues then drain for
-- measure.drain_s before the next repetition).
--
--   run_id        the measured_run
--   offered_kpps  the rate asked of the traffic generator
--   rep           repetition, 0 .. reps-1
--   entity        what was read: 'window' (the measurement itself),
--                 'thread:NAME' (a thread of the plan: vcpu0, io, ...),
--                 'core:N' (a host CPU), 'net:gen' or 'net:sink' (the
--                 generator's and the sink's device)
--   metric        for window: 'seconds' (traffic time); for threads:
--                 'run_ns' (schedstat time on CPU), 'slices' (schedstat
--                 times switched in), 'ticks' (utime + stime from stat,
--                 in USER_HZ ticks), 'migrations' (se.nr_migrations from
--                 /proc/PID/task/TID/sched: moves between CPUs),
--                 'voluntary' and 'involuntary' (nr_voluntary_switches and
--                 nr_involuntary_switches there: switched out asleep, and
--                 preempted while runnable); these three left out where
--                 the kernel lacks that file; for cores: 'user',
--                 'system', 'irq', 'softirq', 'guest', 'idle' (ticks); for
--                 devices: 'rx_packets', 'tx_packets', 'rx_dropped',
--                 'tx_dropped'
--   value         the difference over the window
CREATE TABLE IF NOT EXISTS measured_sample (
    run_id       INTEGER NOT NULL REFERENCES measured_run(id),
    offered_kpps REAL NOT NULL,
    rep          INTEGER NOT NULL,
    entity       TEXT NOT NULL,
    metric       TEXT NOT NULL,
    value        REAL NOT NULL,
    PRIMARY KEY (run_id, offered_kpps, rep, entity, metric)
);

-- One row per offered rate of a measured curve.
--
--   run_id          the measured_run the point belongs to
--   offered_kpps    rate offered by the traffic generator, kpackets/s
--   forwarded_kpps  rate received back after forwarding, kpackets/s, mean
--                   over the repetitions
--   ci99_kpps       half-width of the 99% Student t confidence interval of
--                   forwarded_kpps (0 when reps < 2)
--   reps            number of repetitions averaged
CREATE TABLE IF NOT EXISTS measured_point (
    run_id         INTEGER NOT NULL REFERENCES measured_run(id),
    offered_kpps   REAL NOT NULL,
    forwarded_kpps REAL NOT NULL,
    ci99_kpps      REAL NOT NULL,
    reps           INTEGER NOT NULL,
    PRIMARY KEY (run_id, offered_kpps)
);
