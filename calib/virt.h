/*
 * virt.h - what vsrcal asks libvirt about a domain.
 *
 * The only file of calib/ that calls libvirt (virt.c). It reads; the one
 * thing it changes is a pin through libvirt's own API (virt_pin_vcpu,
 * virt_pin_emulator), which the tests use for pin read-back. Thread ids
 * come from QMP `query-cpus-fast` and `query-iothreads` through
 * virDomainQemuMonitorCommand when the driver has a monitor (QEMU), and
 * are 0 otherwise (the test driver): the caller then falls back to
 * thread names. libvirt's own error printing is turned off; every error
 * comes back as one line in `err`.
 *
 * CPU masks have bit n for host CPU n (CPUs 0..63; CPUs from 64 up are
 * left out of masks read from libvirt).
 *
 * Functions returning int return 0 (the parsers: a count) on success and
 * -1 on failure, with one line in `err` when `err` is not NULL.
 */
#ifndef VSRCAL_VIRT_H
#define VSRCAL_VIRT_H

#include <stddef.h>
#include <stdint.h>

#define VIRT_MAX_VCPUS 16
#define VIRT_MAX_IOTHREADS 8
#define VIRT_MAX_IFACES 8

/* A scheduler element of <cputune>: <vcpusched>, <iothreadsched> or
 * <emulatorsched>. policy is "" when absent, else batch, idle, fifo or
 * rr; priority is 0 unless fifo or rr. */
struct virt_sched {
    char policy[8];
    int priority;
};

/* The domain's <cputune>, as written in its live XML. A pin of 0 means
 * "not set". Numbers are 0 when the element is absent. */
struct virt_cputune {
    uint64_t vcpupin[VIRT_MAX_VCPUS];
    uint64_t emulatorpin;
    unsigned iothreadpin_id[VIRT_MAX_IOTHREADS];
    uint64_t iothreadpin[VIRT_MAX_IOTHREADS];
    int niothreadpin;
    struct virt_sched vcpusched[VIRT_MAX_VCPUS];
    struct virt_sched emulatorsched;
    unsigned iothreadsched_id[VIRT_MAX_IOTHREADS];
    struct virt_sched iothreadsched[VIRT_MAX_IOTHREADS];
    int niothreadsched;
    long long shares, period, quota, emulator_period, emulator_quota;
};

/* One <interface> of the domain. */
struct virt_iface {
    char type[16];        /* ethernet, bridge, network, direct, ...   */
    char target[32];      /* <target dev=...>: the host TAP/macvtap    */
    char mac[18];
    char model[16];       /* virtio, e1000, ...                       */
    char driver[16];      /* <driver name=...>: vhost, qemu or ""     */
    int queues;           /* <driver queues=...>, 0 when absent        */
    char source_dev[32];  /* direct (macvtap): the host NIC            */
    char source_mode[16]; /* direct: bridge, vepa, private, passthrough */
    char source_bridge[32];
};

struct virt_domain {
    char name[64];
    char uuid[37];
    char type[16];        /* <domain type=...>: qemu, kvm, test, ...  */
    int id;               /* -1 when not running                       */
    int active;
    int node_cpus;        /* host CPUs, for sizing masks               */
    int nvcpus;
    uint64_t vcpu_affinity[VIRT_MAX_VCPUS]; /* live (virDomainGetVcpus); 0
                                               when not running          */
    uint64_t vcpu_pin[VIRT_MAX_VCPUS];      /* virDomainGetVcpuPinInfo   */
    uint64_t emulator_pin;                  /* virDomainGetEmulatorPinInfo */
    int niothreads;
    unsigned iothread_id[VIRT_MAX_IOTHREADS];
    uint64_t iothread_pin[VIRT_MAX_IOTHREADS];
    int qmp;              /* 1 when the tids below came from QMP       */
    char qmp_error[160];  /* why not, when qmp is 0                    */
    int vcpu_tid[VIRT_MAX_VCPUS];           /* by vCPU (cpu-index)       */
    int iothread_tid[VIRT_MAX_IOTHREADS];   /* as iothread_id            */
    char emulator[256];   /* <emulator> path                           */
    struct virt_cputune tune;
    int nifaces;
    struct virt_iface iface[VIRT_MAX_IFACES];
};

struct virt; /* an open connection and domain */

/* Connect to `uri` ("qemu:///system", "test:///abs/path/node.xml", ...)
 * and look up the domain `name`. *out is NULL on failure. */
int virt_open(struct virt **out, const char *uri, const char *name,
              char *err, size_t errlen);
void virt_close(struct virt *v);

/* Everything above about the domain, read now. */
int virt_read(struct virt *v, struct virt_domain *out, char *err,
              size_t errlen);

/* 1 when the connection is alive and the domain is running, else 0. */
int virt_domain_running(struct virt *v);

/* Pin through libvirt (flags 0: the current state, live when running).
 * `cpus` must be non-empty and name only CPUs the host has. */
int virt_pin_vcpu(struct virt *v, int vcpu, uint64_t cpus, char *err,
                  size_t errlen);
int virt_pin_emulator(struct virt *v, uint64_t cpus, char *err,
                      size_t errlen);

/* Parsers, exported for the tests. */

/* The parts of a domain XML that virt_domain holds from XML: name, uuid,
 * type, emulator, <cputune>, <interface>s. Those fields are cleared
 * first; the others are left as they are. */
int virt_parse_domain_xml(const char *xml, struct virt_domain *out,
                          char *err, size_t errlen);

/* QMP replies. query-cpus-fast: the top-level "thread-id" of each entry,
 * indexed by its "cpu-index" (the "thread-id" inside "props" is the SMT
 * index and is ignored). Returns the number of vCPUs found, or -1. */
int virt_parse_query_cpus_fast(const char *json, int *tids, int max,
                               char *err, size_t errlen);

/* query-iothreads: "id" and "thread-id" of each entry, in order. Returns
 * the number found, or -1. */
int virt_parse_query_iothreads(const char *json, char (*ids)[32], int *tids,
                               int max, char *err, size_t errlen);

#endif
